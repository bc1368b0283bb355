package model

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// The simulator edits a .config file the way XmlDocument with
// PreserveWhitespace and XmlTextWriter do on Windows: every byte it does not
// change stays as it was (whitespace, comments, attribute order and quotes,
// line ends, BOM, UTF-16). It parses the text with encoding/xml only to find
// byte offsets, and splices the change into the original text.

// Encodings of a configuration file, as appconfig.get names them.
const (
	encodingUTF8    = "utf-8"
	encodingUTF8BOM = "utf-8-bom"
	encodingUTF16LE = "utf-16le"
)

var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE = []byte{0xFF, 0xFE}
)

// configText is a configuration file decoded to UTF-8 text, with the
// encoding to write it back in.
type configText struct {
	text     string
	encoding string
}

// decodeConfigText detects the encoding from the byte order mark, as
// XmlDocument.Load does; without one the file is UTF-8.
func decodeConfigText(content []byte) (configText, error) {
	switch {
	case bytes.HasPrefix(content, bomUTF8):
		return utf8Text(content[len(bomUTF8):], encodingUTF8BOM)
	case bytes.HasPrefix(content, bomUTF16LE):
		body := content[len(bomUTF16LE):]
		if len(body)%2 != 0 {
			return configText{}, errors.New("UTF-16 text with an odd number of bytes")
		}
		units := make([]uint16, len(body)/2)
		for i := range units {
			units[i] = uint16(body[2*i]) | uint16(body[2*i+1])<<8
		}
		return configText{text: string(utf16.Decode(units)), encoding: encodingUTF16LE}, nil
	default:
		return utf8Text(content, encodingUTF8)
	}
}

func utf8Text(b []byte, encoding string) (configText, error) {
	if !utf8.Valid(b) {
		return configText{}, errors.New("invalid UTF-8")
	}
	return configText{text: string(b), encoding: encoding}, nil
}

// encode writes text back in the file's encoding, with its BOM.
func (c configText) encode(text string) []byte {
	switch c.encoding {
	case encodingUTF8BOM:
		return append(append([]byte{}, bomUTF8...), text...)
	case encodingUTF16LE:
		units := utf16.Encode([]rune(text))
		out := append([]byte{}, bomUTF16LE...)
		for _, u := range units {
			out = append(out, byte(u), byte(u>>8))
		}
		return out
	default:
		return []byte(text)
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
