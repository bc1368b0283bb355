package winrm

import (
	"bytes"
	"encoding/xml"
	"errors"
	"html"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// clixmlMarker starts every CLIXML document PowerShell writes to stderr
// when its output is redirected (powershell.exe -OutputFormat XML, which
// non-console hosts such as WinRM get).
const clixmlMarker = "#< CLIXML"

// DecodeCLIXML turns PowerShell's `#< CLIXML` stderr into the text a person
// would have seen: the strings of the Error stream (<S S="Error">), with
// PowerShell's _xHHHH_ escapes decoded, lines joined with LF and trailing
// blank space removed. Stderr that is not UTF-8 is read in the OEM code
// page (see fromOEM). Stderr that is not CLIXML is returned as text; CLIXML
// that does not parse still yields its strings, never raw XML.
func DecodeCLIXML(stderr []byte) []byte {
	stderr = fromOEM(stderr)
	trimmed := bytes.TrimLeft(stderr, " \t\r\n\ufeff")
	if !bytes.HasPrefix(trimmed, []byte(clixmlMarker)) {
		return stderr
	}
	var text strings.Builder
	for _, doc := range bytes.Split(trimmed, []byte(clixmlMarker))[1:] {
		if err := appendErrorStrings(&text, doc); err != nil {
			return salvageStrings(trimmed)
		}
	}
	decoded := strings.ReplaceAll(text.String(), "\r\n", "\n")
	return []byte(strings.TrimRight(decoded, " \t\r\n"))
}

// fromOEM returns stderr as UTF-8. powershell.exe writes a redirected
// stream in the console's OEM code page on non-English Windows (CP850 on a
// German, French or Spanish host), whatever code page the shell asked for.
// Text that is valid UTF-8 (ASCII included) is kept; anything else is read
// as CP850, the OEM code page of the Western European locales, whose
// letters 0x80-0xA5 are also CP437's, so English hosts decode right too.
func fromOEM(stderr []byte) []byte {
	if utf8.Valid(stderr) {
		return stderr
	}
	decoded, err := charmap.CodePage850.NewDecoder().Bytes(stderr)
	if err != nil {
		return bytes.ToValidUTF8(stderr, []byte("\uFFFD"))
	}
	return decoded
}

// errorStringPattern finds the Error-stream strings of CLIXML that does not
// parse as a whole (cut short, or mixed with other output).
var errorStringPattern = regexp.MustCompile(`(?s)<S S="Error">(.*?)</S>`)

// markupPattern is any XML tag, removed from broken CLIXML that holds no
// Error-stream string.
var markupPattern = regexp.MustCompile(`<[^>]*>`)

// salvageStrings returns the Error-stream strings of broken CLIXML, or the
// text with its markup removed when it has none.
func salvageStrings(doc []byte) []byte {
	var text strings.Builder
	for _, m := range errorStringPattern.FindAllSubmatch(doc, -1) {
		text.WriteString(decodePSEscapes(html.UnescapeString(string(m[1]))))
	}
	if text.Len() == 0 {
		stripped := markupPattern.ReplaceAll(bytes.ReplaceAll(doc, []byte(clixmlMarker), nil), nil)
		text.WriteString(decodePSEscapes(html.UnescapeString(string(stripped))))
	}
	decoded := strings.ReplaceAll(text.String(), "\r\n", "\n")
	return []byte(strings.TrimSpace(decoded))
}

// appendErrorStrings appends the text of each <S S="Error"> element of one
// <Objs> document.
func appendErrorStrings(text *strings.Builder, doc []byte) error {
	dec := xml.NewDecoder(bytes.NewReader(doc))
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		start, ok := tok.(xml.StartElement)
		if !ok || start.Name.Local != "S" || attr(start, "S") != "Error" {
			continue
		}
		var s string
		if err := dec.DecodeElement(&s, &start); err != nil {
			return err
		}
		text.WriteString(decodePSEscapes(s))
	}
}

func attr(el xml.StartElement, name string) string {
	for _, a := range el.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// decodePSEscapes decodes PowerShell serialization's _xHHHH_ escapes (one
// UTF-16 code unit each; surrogate pairs come as two escapes, and "_x005F_"
// is a literal underscore).
func decodePSEscapes(s string) string {
	if !strings.Contains(s, "_x") {
		return s
	}
	var out strings.Builder
	var units []uint16 // pending escaped code units
	flush := func() {
		out.WriteString(string(utf16.Decode(units)))
		units = units[:0]
	}
	for i := 0; i < len(s); {
		if unit, ok := escapeAt(s, i); ok {
			units = append(units, unit)
			i += len("_x0000_")
			continue
		}
		flush()
		out.WriteByte(s[i])
		i++
	}
	flush()
	return out.String()
}

// escapeAt parses an _xHHHH_ escape at s[i:].
func escapeAt(s string, i int) (uint16, bool) {
	const n = len("_x0000_")
	if i+n > len(s) || s[i] != '_' || s[i+1] != 'x' || s[i+n-1] != '_' {
		return 0, false
	}
	v, err := strconv.ParseUint(s[i+2:i+6], 16, 16)
	if err != nil {
		return 0, false
	}
	return uint16(v), true
}
