package provider

import (
	"fmt"
	"strings"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/provider/valuetext"
)

// defaultStoreName is the store HTTP.sys uses when a binding names none
// (netsh shows "(null)"; HTTP_SERVICE_CONFIG_SSL_PARAM.pSslCertStoreName).
const defaultStoreName = "MY"

// maxStoreNameRunes bounds a certificate store name; the system stores are
// short (MY, Root, CA, WebHosting) and so are custom ones.
const maxStoreNameRunes = 64

// normalizeStoreName returns a LocalMachine certificate store name as
// HTTP.sys reads it back: upper-case, with an empty name meaning MY. Store
// names are case-insensitive.
func normalizeStoreName(s string) (string, error) {
	if s == "" {
		return defaultStoreName, nil
	}
	if err := checkStoreName(s); err != nil {
		return "", err
	}
	return strings.ToUpper(s), nil
}

// normalizeCTLStoreName is normalizeStoreName for the client certificate
// trust list store, where empty means none.
func normalizeCTLStoreName(s string) (string, error) {
	if s == "" {
		return "", nil
	}
	return normalizeStoreName(s)
}

// checkStoreName accepts 1 to 64 letters, digits, spaces, dots, hyphens and
// underscores: the names of system and custom certificate stores.
func checkStoreName(s string) error {
	if s == "" || len([]rune(s)) > maxStoreNameRunes {
		return fmt.Errorf("a certificate store name has 1 to %d characters, such as MY, Root or WebHosting", maxStoreNameRunes)
	}
	for _, r := range s {
		if !isStoreNameRune(r) {
			return fmt.Errorf("%s contains %q; a certificate store name has letters, digits, spaces, dots, hyphens and underscores, such as MY or WebHosting", valuetext.Quote(s), r)
		}
	}
	return nil
}

func isStoreNameRune(r rune) bool {
	return (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') ||
		r == ' ' || r == '.' || r == '-' || r == '_'
}
