// Package valuetext prints user values in messages and configurations: quoted
// so that control and invisible characters show, shortened when long, and as
// HCL string literals that evaluate to the value exactly.
package valuetext

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxQuotedRunes bounds how much of a rejected value an error message
// repeats: enough to recognise it, never a 10 KB paste.
const maxQuotedRunes = 60

// Quote quotes s for an error message, Go-escaped so that control and
// invisible characters are visible, and shortened when long.
func Quote(s string) string {
	if utf8.RuneCountInString(s) <= maxQuotedRunes {
		return fmt.Sprintf("%q", s)
	}
	runes := []rune(s)
	return fmt.Sprintf("%q… (%d characters)", string(runes[:maxQuotedRunes]), len(runes))
}

// IndexControlOrFormat returns the byte index of the first control
// character (C0, DEL, C1: newline, NUL, ...) or invisible format character
// (Unicode Cf: U+200B-U+200F, U+FEFF, ...) in s, or -1.
func IndexControlOrFormat(s string) int {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) })
}
