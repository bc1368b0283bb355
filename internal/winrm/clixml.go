package winrm

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strconv"
	"strings"
	"unicode/utf16"
)

// clixmlMarker starts every CLIXML document PowerShell writes to stderr
// when its output is redirected (powershell.exe -OutputFormat XML, which
// non-console hosts such as WinRM get).
const clixmlMarker = "#< CLIXML"

// DecodeCLIXML turns PowerShell's `#< CLIXML` stderr into the text a person
// would have seen: the strings of the Error stream (<S S="Error">), with
// PowerShell's _xHHHH_ escapes decoded, lines joined with LF and trailing
// blank space removed. Stderr that is not CLIXML, or that does not parse, is
// returned unchanged.
func DecodeCLIXML(stderr []byte) []byte {
	trimmed := bytes.TrimLeft(stderr, " \t\r\n\ufeff")
	if !bytes.HasPrefix(trimmed, []byte(clixmlMarker)) {
		return stderr
	}
	var text strings.Builder
	for _, doc := range bytes.Split(trimmed, []byte(clixmlMarker))[1:] {
		if err := appendErrorStrings(&text, doc); err != nil {
			return stderr
		}
	}
	decoded := strings.ReplaceAll(text.String(), "\r\n", "\n")
	return []byte(strings.TrimRight(decoded, " \t\r\n"))
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
