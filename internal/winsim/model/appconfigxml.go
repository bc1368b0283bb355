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

// The simulator reads a .config file as the application does: decoded as
// XmlTextReader decodes it, parsed with encoding/xml.

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
