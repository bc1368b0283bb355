package winsim

import (
	"fmt"
	"strings"
)

// consoleWidth is the console buffer width a winrs process gets on Windows
// Server 2016 and later (120 columns); Windows PowerShell formats its error
// view to it. Captured CLIXML from Windows (e.g. "cargo : The term 'cargo' is
// not recognized ... operable program. Check " / "the spelling of ...") shows
// the message word-wrapped so that no line, trailing space included, reaches
// the width.
const consoleWidth = 120

// notRecognizedLines returns the lines of Windows PowerShell 5.1's error view
// for a command name that resolves to nothing (CommandNotFoundException), for
// a script whose first line is scriptLine.
func notRecognizedLines(name, scriptLine string) []string {
	msg := name + " : The term '" + name + "' is not recognized as the name of a cmdlet, function, script file, " +
		"or operable program. Check the spelling of the name, or if a path was included, verify that the path is " +
		"correct and try again."
	lines := wrapWords(msg, consoleWidth-1)
	lines = append(lines,
		"At line:1 char:1",
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
// output redirected ("#< CLIXML" then an Objs document, one <S S="Error">
// element per line with CR LF encoded as _x000D__x000A_; [MS-PSRP] 2.2.5.1.1
// describes the string escaping).
func clixmlErrors(lines []string) []byte {
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
