package model

import "github.com/seed-1120c41c/terraform-provider-windows/internal/x500"

// X500Name is a subject or issuer as Windows prints it, or "" for bytes that
// are not a name.
func X500Name(raw []byte) string {
	name, err := x500.Format(raw)
	if err != nil {
		return ""
	}
	return name
}
