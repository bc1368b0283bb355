package valuetext

import (
	"fmt"
	"strings"
	"unicode"
)

// HCLString quotes s as an HCL string literal that evaluates to s exactly:
// quotes and backslashes escaped, control and invisible characters as
// \uNNNN, and "${" / "%{" doubled so Terraform does not interpolate them.
// (Go's %q is not HCL: HCL has no \x or \a escapes.) The provider prints
// import blocks and advice with it; acceptance tests write configurations.
func HCLString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case (r == '$' || r == '%') && strings.HasPrefix(s[i+1:], "{"):
			b.WriteRune(r)
			b.WriteRune(r)
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			if r > 0xFFFF {
				fmt.Fprintf(&b, `\U%08X`, r)
			} else {
				fmt.Fprintf(&b, `\u%04X`, r)
			}
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
