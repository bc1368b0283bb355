package model

import (
	"bytes"
	"encoding/binary"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// The simulator edits a .config file the way XmlDocument with
// PreserveWhitespace and XmlTextWriter do on Windows: every byte it does not
// change stays as it was (whitespace, comments, attribute order and quotes,
// line ends, BOM, UTF-16). It parses the text with encoding/xml only to find
// byte offsets, and splices the change into the original text.

// Encodings of a configuration file, as appconfig.get names them (the
// single-byte ones by their .NET WebName).
const (
	encodingUTF8        = "utf-8"
	encodingUTF8BOM     = "utf-8-bom"
	encodingUTF16LE     = "utf-16le"
	encodingUTF16BE     = "utf-16be"
	encodingWindows1252 = "windows-1252"
	encodingLatin1      = "iso-8859-1"
)

var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE = []byte{0xFF, 0xFE}
	bomUTF16BE = []byte{0xFE, 0xFF}
)

// configText is a configuration file decoded to UTF-8 text, with the
// encoding to write it back in.
type configText struct {
	text     string
	encoding string
}

// decodeConfigText detects the encoding as XmlTextReader does: the byte
// order mark (UTF-8, UTF-16 LE or BE), else the encoding the XML
// declaration names, else UTF-8 ("XmlTextReader.Encoding": "If no encoding
// attribute exists, and there is no byte-order mark, this defaults to
// UTF-8"). Of the declared single-byte encodings .NET supports, the
// simulator models windows-1252 and iso-8859-1 (the German shops' files);
// it answers 13 for others rather than misread them.
func decodeConfigText(content []byte) (configText, error) {
	switch {
	case bytes.HasPrefix(content, bomUTF8):
		return utf8Text(content[len(bomUTF8):], encodingUTF8BOM)
	case bytes.HasPrefix(content, bomUTF16LE):
		return utf16Text(content[len(bomUTF16LE):], encodingUTF16LE, binary.LittleEndian)
	case bytes.HasPrefix(content, bomUTF16BE):
		return utf16Text(content[len(bomUTF16BE):], encodingUTF16BE, binary.BigEndian)
	}
	switch declared := declaredEncoding(content); declared {
	case "", encodingUTF8:
		return utf8Text(content, encodingUTF8)
	case encodingWindows1252, encodingLatin1:
		return configText{text: decodeSingleByte(content, declared), encoding: declared}, nil
	case "utf-16", "utf-16le", "utf-16be", "unicode":
		// XmlTextReader: "There is no Unicode byte order mark. Cannot
		// switch to Unicode."
		return configText{}, errors.New("there is no Unicode byte order mark; cannot switch to Unicode")
	default:
		return configText{}, fmt.Errorf("the simulator does not model the declared encoding %q", declared)
	}
}

// declaredEncodingPattern finds the encoding pseudo-attribute of an XML
// declaration at the very start of the file (XML 1.0, 4.3.3: it is ASCII in
// every encoding that can be detected this way).
var declaredEncodingPattern = regexp.MustCompile(`^<\?xml[ \t\r\n][^>]*?encoding[ \t\r\n]*=[ \t\r\n]*["']([A-Za-z][A-Za-z0-9._-]*)["']`)

// encodingAliases maps the names .NET's Encoding.GetEncoding accepts for
// the modelled encodings to their WebName.
var encodingAliases = map[string]string{
	"utf-8": encodingUTF8, "utf8": encodingUTF8,
	"windows-1252": encodingWindows1252, "cp1252": encodingWindows1252, "x-ansi": encodingWindows1252,
	"iso-8859-1": encodingLatin1, "iso_8859-1": encodingLatin1, "latin1": encodingLatin1, "l1": encodingLatin1,
	"ibm819": encodingLatin1, "cp819": encodingLatin1, "iso-ir-100": encodingLatin1, "csisolatin1": encodingLatin1,
}

// declaredEncoding returns the WebName of the encoding the declaration
// names ("" without one), or the name as written, lower-cased, if the
// simulator does not model it.
func declaredEncoding(content []byte) string {
	m := declaredEncodingPattern.FindSubmatch(content)
	if m == nil {
		return ""
	}
	name := strings.ToLower(string(m[1]))
	if alias, ok := encodingAliases[name]; ok {
		return alias
	}
	return name
}

func utf8Text(b []byte, encoding string) (configText, error) {
	if !utf8.Valid(b) {
		return configText{}, errors.New("invalid UTF-8")
	}
	return configText{text: string(b), encoding: encoding}, nil
}

func utf16Text(body []byte, encoding string, order binary.ByteOrder) (configText, error) {
	if len(body)%2 != 0 {
		return configText{}, errors.New("UTF-16 text with an odd number of bytes")
	}
	units := make([]uint16, len(body)/2)
	for i := range units {
		units[i] = order.Uint16(body[2*i:])
	}
	return configText{text: string(utf16.Decode(units)), encoding: encoding}, nil
}

// windows1252High are the characters of bytes 0x80-0x9F in windows-1252
// (Microsoft's bestfit1252.txt; the five bytes it leaves undefined map to
// the C1 control of the same number, as MultiByteToWideChar does). The
// other bytes are the Unicode code point of the same number, as in
// iso-8859-1.
var windows1252High = [32]rune{
	0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
	0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
}

func decodeSingleByte(b []byte, encoding string) string {
	var sb strings.Builder
	for _, c := range b {
		if encoding == encodingWindows1252 && c >= 0x80 && c <= 0x9F {
			sb.WriteRune(windows1252High[c-0x80])
			continue
		}
		sb.WriteRune(rune(c))
	}
	return sb.String()
}

// encodeSingleByte encodes text in windows-1252 or iso-8859-1, or says
// which character the encoding cannot hold (the op script's encoder fails
// rather than write "?", as the default replacement fallback would).
func encodeSingleByte(text, encoding string) ([]byte, error) {
	out := make([]byte, 0, len(text))
	for _, r := range text {
		b, ok := singleByte(r, encoding)
		if !ok {
			return nil, unencodableError{r: r, encoding: encoding}
		}
		out = append(out, b)
	}
	return out, nil
}

func singleByte(r rune, encoding string) (byte, bool) {
	if encoding == encodingWindows1252 {
		for i, h := range windows1252High {
			if h == r {
				return byte(0x80 + i), true
			}
		}
		if r >= 0x80 && r <= 0x9F {
			return 0, false
		}
	}
	if r > 0xFF {
		return 0, false
	}
	return byte(r), true
}

// unencodableError is a character the file's encoding cannot hold.
type unencodableError struct {
	r        rune
	encoding string
}

func (e unencodableError) Error() string {
	return fmt.Sprintf("the file is in %s, which cannot hold the character U+%04X; use only characters of that encoding (or convert the file to UTF-8)", e.encoding, e.r)
}

// utf16Bytes is bom then text in UTF-16 of the given byte order.
func utf16Bytes(bom []byte, text string, order binary.AppendByteOrder) []byte {
	out := append([]byte{}, bom...)
	for _, u := range utf16.Encode([]rune(text)) {
		out = order.AppendUint16(out, u)
	}
	return out
}

// encode writes text back in the file's encoding, with its BOM, as the op
// script's XmlTextWriter does when given that encoding: a document saved
// through an XmlTextWriter is written in the writer's encoding, whatever its
// declaration says ("XmlDocument.CreateXmlDeclaration", Remarks), so the
// script hands the writer the encoding the file was read in.
func (c configText) encode(text string) ([]byte, error) {
	switch c.encoding {
	case encodingUTF8BOM:
		return append(append([]byte{}, bomUTF8...), text...), nil
	case encodingUTF16LE:
		return utf16Bytes(bomUTF16LE, text, binary.LittleEndian), nil
	case encodingUTF16BE:
		return utf16Bytes(bomUTF16BE, text, binary.BigEndian), nil
	case encodingWindows1252, encodingLatin1:
		return encodeSingleByte(text, c.encoding)
	default:
		return []byte(text), nil
	}
}

// xmlElement is an element of the parsed file with its byte offsets in the
// text: start is at '<', startTagEnd after the start tag's '>', end after
// the end tag (or the start tag, for an empty-element tag).
type xmlElement struct {
	name                    string
	attrs                   []xml.Attr
	start, startTagEnd, end int
	endTagStart             int
	selfClosing             bool
	children                []*xmlElement
}

// parseConfigXML parses text as a well-formed XML document and returns its
// root element with offsets.
func parseConfigXML(text string) (*xmlElement, error) {
	d := xml.NewDecoder(strings.NewReader(text))
	d.Strict = true
	// The text is already UTF-8 whatever the declaration says.
	d.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	var root *xmlElement
	var stack []*xmlElement
	for {
		before := int(d.InputOffset())
		tok, err := d.RawToken()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		after := int(d.InputOffset())
		switch t := tok.(type) {
		case xml.StartElement:
			e := &xmlElement{name: qualifiedName(t.Name), attrs: t.Attr, start: before, startTagEnd: after}
			if len(stack) == 0 {
				if root != nil {
					return nil, errors.New("more than one root element")
				}
				root = e
			} else {
				parent := stack[len(stack)-1]
				parent.children = append(parent.children, e)
			}
			stack = append(stack, e)
		case xml.EndElement:
			if len(stack) == 0 || stack[len(stack)-1].name != qualifiedName(t.Name) {
				return nil, fmt.Errorf("unexpected end tag </%s>", qualifiedName(t.Name))
			}
			e := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			e.endTagStart, e.end, e.selfClosing = before, after, after == e.startTagEnd
		case xml.CharData:
			if len(stack) == 0 && len(bytes.TrimSpace(t)) > 0 {
				return nil, errors.New("text outside the root element")
			}
		}
	}
	if len(stack) > 0 {
		return nil, fmt.Errorf("element <%s> is not closed", stack[len(stack)-1].name)
	}
	if root == nil {
		return nil, errors.New("no root element")
	}
	return root, nil
}

func qualifiedName(n xml.Name) string {
	if n.Space == "" {
		return n.Local
	}
	return n.Space + ":" + n.Local
}

// attr returns the value of an attribute without a prefix.
func (e *xmlElement) attr(name string) (string, bool) {
	for _, a := range e.attrs {
		if a.Name.Space == "" && a.Name.Local == name {
			return a.Value, true
		}
	}
	return "", false
}

// attrValueSpan finds, in the start tag's text, the offsets of the quoted
// value of attribute name (without the quotes) and the quote character.
func attrValueSpan(text string, e *xmlElement, name string) (from, to int, quote byte, ok bool) {
	i := e.start + 1
	for i < e.startTagEnd && !isXMLSpace(text[i]) && text[i] != '>' && text[i] != '/' {
		i++
	}
	for i < e.startTagEnd {
		for i < e.startTagEnd && isXMLSpace(text[i]) {
			i++
		}
		nameStart := i
		for i < e.startTagEnd && text[i] != '=' && !isXMLSpace(text[i]) && text[i] != '>' && text[i] != '/' {
			i++
		}
		attrName := text[nameStart:i]
		for i < e.startTagEnd && (isXMLSpace(text[i]) || text[i] == '=') {
			i++
		}
		if attrName == "" || i >= e.startTagEnd || (text[i] != '"' && text[i] != '\'') {
			return 0, 0, 0, false
		}
		q := text[i]
		end := strings.IndexByte(text[i+1:e.startTagEnd], q)
		if end < 0 {
			return 0, 0, 0, false
		}
		if attrName == name {
			return i + 1, i + 1 + end, q, true
		}
		i += end + 2
	}
	return 0, 0, 0, false
}

// lastAttrEnd is the offset just after the start tag's last attribute (or
// its name): where a new attribute goes.
func lastAttrEnd(text string, e *xmlElement) int {
	end := e.startTagEnd - 1 // at '>'
	if e.selfClosing && end > e.start && text[end-1] == '/' {
		end--
	}
	for end > e.start && isXMLSpace(text[end-1]) {
		end--
	}
	return end
}

func isXMLSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// leadingWhitespace returns the start of the whitespace-only text node right
// before offset at (XmlDocument's whitespace node), or at if there is none.
func leadingWhitespace(text string, at int) int {
	i := at
	for i > 0 && isXMLSpace(text[i-1]) {
		i--
	}
	if i > 0 && text[i-1] != '>' {
		return at // mixed content: the space belongs to a text node
	}
	return i
}

// escapeAttr escapes an attribute value as XmlTextWriter writes it between
// the given quotes; tabs and line ends become character references so that
// they survive attribute-value normalisation.
func escapeAttr(v string, quote byte) string {
	var b strings.Builder
	for _, r := range v {
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '"' && quote == '"':
			b.WriteString("&quot;")
		case r == '\'' && quote == '\'':
			b.WriteString("&apos;")
		case r == '\t':
			b.WriteString("&#x9;")
		case r == '\n':
			b.WriteString("&#xA;")
		case r == '\r':
			b.WriteString("&#xD;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// appendChildText returns text with child (markup) added as the last child
// of parent, indented as parent's last child element is, as the op script's
// Add-IndentedChild does.
func appendChildText(text string, parent *xmlElement, child string) string {
	if n := len(parent.children); n > 0 {
		last := parent.children[n-1]
		ws := text[leadingWhitespace(text, last.start):last.start]
		return text[:last.end] + ws + child + text[last.end:]
	}
	if parent.selfClosing {
		// <appSettings/> becomes <appSettings>child</appSettings>, as
		// XmlTextWriter writes an element that now has content.
		tagEnd := lastAttrEnd(text, parent)
		return text[:tagEnd] + ">" + child + "</" + parent.name + ">" + text[parent.end:]
	}
	return text[:parent.endTagStart] + child + text[parent.endTagStart:]
}
