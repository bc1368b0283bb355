package provider

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/provider/valuetext"
)

// thumbprintDigits is the length of a SHA-1 certificate thumbprint in hex.
const thumbprintDigits = 40

// normalizeThumbprint returns a certificate thumbprint as HTTP.sys and the
// certificate stores show it: 40 upper-case hex digits. Copies of a
// thumbprint carry more than the digits: the certificate MMC puts an
// invisible U+200E before it, tools group the digits with spaces or colons,
// and pastes add zero-width characters; all of those are removed. Anything
// else that is not a hex digit is an error.
func normalizeThumbprint(s string) (string, error) {
	var b strings.Builder
	for _, r := range s {
		switch {
		case isThumbprintSeparator(r):
			continue
		case isHexDigit(r):
			b.WriteRune(unicode.ToUpper(r))
		default:
			return "", fmt.Errorf("%s contains %q, which is not a hexadecimal digit; expected the certificate's SHA-1 thumbprint (40 hexadecimal digits)", valuetext.Quote(s), r)
		}
	}
	if b.Len() != thumbprintDigits {
		return "", fmt.Errorf("%s has %d hexadecimal digits; a certificate thumbprint has %d", valuetext.Quote(s), b.Len(), thumbprintDigits)
	}
	return b.String(), nil
}

// isThumbprintSeparator reports whether r is something copies of a
// thumbprint carry between or around the digits: white space, the colons of
// OpenSSL's fingerprint output, and invisible format characters (Unicode
// category Cf: U+200B-U+200F, U+2060, U+FEFF, the bidi marks).
func isThumbprintSeparator(r rune) bool {
	return unicode.IsSpace(r) || r == ':' || unicode.Is(unicode.Cf, r)
}

func isHexDigit(r rune) bool {
	return (r >= '0' && r <= '9') || (r >= 'a' && r <= 'f') || (r >= 'A' && r <= 'F')
}
