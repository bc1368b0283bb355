package winsim

import (
	"fmt"
	"strings"

	"golang.org/x/text/encoding/charmap"
)

// consoleWidth is the console buffer width a winrs process gets on Windows
// Server 2016 and later (120 columns); Windows PowerShell formats its error
// view to it. Captured CLIXML from Windows (e.g. "cargo : The term 'cargo' is
// not recognized ... operable program. Check " / "the spelling of ...") shows
// the message word-wrapped so that no line, trailing space included, reaches
// the width.
const consoleWidth = 120

// notRecognizedMessage is CommandNotFoundException's message in the host's
// language: Windows PowerShell 5.1's resource text (en-US, and de-DE as a
// German Windows shows it).
func (s *Server) notRecognizedMessage(name string) string {
	if s.host.Locale() == "de-DE" {
		return "Die Benennung \"" + name + "\" wurde nicht als Name eines Cmdlet, einer Funktion, einer Skriptdatei oder " +
			"eines ausführbaren Programms erkannt. Überprüfen Sie die Schreibweise des Namens, oder ob der Pfad korrekt " + //nolint:misspell // German, as Windows writes it
			"ist (sofern enthalten), und wiederholen Sie den Vorgang."
	}
	return "The term '" + name + "' is not recognized as the name of a cmdlet, function, script file, " +
		"or operable program. Check the spelling of the name, or if a path was included, verify that the path is " +
		"correct and try again."
}

// notRecognizedLines returns the lines of Windows PowerShell 5.1's error view
// for a command name that resolves to nothing (CommandNotFoundException), for
// a script whose first line is scriptLine.
func (s *Server) notRecognizedLines(name, scriptLine string) []string {
	lines := wrapWords(name+" : "+s.notRecognizedMessage(name), consoleWidth-1)
	position := "At line:1 char:1"
	if s.host.Locale() == "de-DE" {
		position = "In Zeile:1 Zeichen:1"
	}
	lines = append(lines,
		position,
		"+ "+truncateLine(scriptLine, consoleWidth-1-len("+ ")),
		"+ "+strings.Repeat("~", len(name)),
	)
	lines = append(lines, breakChars("    + CategoryInfo          : ObjectNotFound: ("+name+":String) [], CommandNotFoundException", consoleWidth-1)...)
	lines = append(lines, breakChars("    + FullyQualifiedErrorId : CommandNotFoundException", consoleWidth-1)...)
	return append(lines, " ")
}

// wrapWords breaks text at spaces so that each line, with its trailing
// space, is at most max characters; the last line has no trailing space.
func wrapWords(text string, max int) []string {
	words := strings.Split(text, " ")
	var lines []string
	line := ""
	for i, w := range words {
		if i < len(words)-1 {
			w += " "
		}
		if line != "" && len(line)+len(w) > max {
			lines = append(lines, line)
			line = ""
		}
		line += w
	}
	return append(lines, line)
}

// breakChars breaks a line of the error view's category block at a fixed
// column, as PowerShell does ("... CommandNotFou " / "   ndException").
func breakChars(line string, max int) []string {
	var lines []string
	for len(line) > max {
		lines = append(lines, line[:max-1]+" ")
		line = "   " + line[max-1:]
	}
	return append(lines, line)
}

// truncateLine shortens a script line shown in a position message, as
// PowerShell does with " ...".
func truncateLine(line string, max int) string {
	if len(line) <= max {
		return line
	}
	return line[:max-len(" ...")] + " ..."
}

// clixmlErrors renders error-stream lines as the CLIXML document Windows
// PowerShell writes to stderr when started with -EncodedCommand and its
// output redirected, in the host's OEM code page (see oemText).
func (s *Server) clixmlErrors(lines []string) []byte {
	return s.oemText(string(clixmlDocument(lines)))
}

// oemText encodes text as powershell.exe writes a redirected stream: in the
// console's OEM code page, which is 850 on a German Windows (the "OEMCP"
// of the de-DE locale, National Language Support reference) and 437 on an
// English one, whatever WINRS_CODEPAGE the shell asked for. Characters the
// code page lacks become '?', as WideCharToMultiByte's default character.
func (s *Server) oemText(text string) []byte {
	cp := charmap.CodePage437
	if s.oemCodePage() == 850 {
		cp = charmap.CodePage850
	}
	out := make([]byte, 0, len(text))
	for _, r := range text {
		b, ok := cp.EncodeRune(r)
		if !ok {
			b = '?'
		}
		out = append(out, b)
	}
	return out
}

// oemCodePage is the host's OEM code page: 850 for de-DE, 437 for en-US
// (the OEMCP of each locale, National Language Support reference), which is
// what [Console]::OutputEncoding says in a WinRM process.
func (s *Server) oemCodePage() int {
	if s.host.Locale() == "de-DE" {
		return 850
	}
	return 437
}

// codePageLine is the first line the bootstrap and the worker write: the
// code page of their output streams.
func (s *Server) codePageLine() []byte {
	return []byte(fmt.Sprintf("##tfwin-codepage## %d\r\n", s.oemCodePage()))
}

// clixmlDocument is "#< CLIXML" then an Objs document, one <S S="Error">
// element per line with CR LF encoded as _x000D__x000A_ ([MS-PSRP]
// 2.2.5.1.1 describes the string escaping).
func clixmlDocument(lines []string) []byte {
	var b strings.Builder
	b.WriteString("#< CLIXML\r\n")
	b.WriteString(`<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">`)
	for _, l := range lines {
		b.WriteString(`<S S="Error">`)
		b.WriteString(clixmlEscape(l + "\r\n"))
		b.WriteString(`</S>`)
	}
	b.WriteString("</Objs>")
	return []byte(b.String())
}

// clixmlEscape encodes a string for an <S> element: control characters as
// _xHHHH_, an underscore that would read as such an escape as _x005F_, and
// the XML special characters as entities.
func clixmlEscape(s string) string {
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == '_' && looksEscaped(s[i:]):
			b.WriteString("_x005F_")
		case r < 0x20:
			fmt.Fprintf(&b, "_x%04X_", r)
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// looksEscaped reports whether s starts with _xHHHH_.
func looksEscaped(s string) bool {
	if len(s) < 7 || s[1] != 'x' || s[6] != '_' {
		return false
	}
	for _, c := range s[2:6] {
		if !strings.ContainsRune("0123456789abcdefABCDEF", c) {
			return false
		}
	}
	return true
}

// plainErrors renders error-stream lines as text, as PowerShell writes them
// to a redirected stderr without -EncodedCommand.
func plainErrors(lines []string) []byte {
	return []byte(strings.Join(lines, "\r\n") + "\r\n")
}
