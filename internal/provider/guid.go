package provider

import (
	"fmt"
	"strings"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/provider/valuetext"
)

// guidLayout is the hex digit count of each hyphen-separated GUID group.
var guidLayout = [...]int{8, 4, 4, 4, 12}

// normalizeGUID returns a GUID as HTTP.sys bindings show it: lower-case, in
// braces ({4d159978-4574-4dd5-b3ff-6f7fc8c20344}). The input may have braces
// or not, in any case.
func normalizeGUID(s string) (string, error) {
	inner := s
	if strings.HasPrefix(inner, "{") && strings.HasSuffix(inner, "}") && len(inner) >= 2 {
		inner = inner[1 : len(inner)-1]
	}
	groups := strings.Split(inner, "-")
	if len(groups) != len(guidLayout) {
		return "", guidError(s)
	}
	for i, g := range groups {
		if len(g) != guidLayout[i] {
			return "", guidError(s)
		}
		for _, r := range g {
			if !isHexDigit(r) {
				return "", guidError(s)
			}
		}
	}
	return "{" + strings.ToLower(inner) + "}", nil
}

func guidError(s string) error {
	return fmt.Errorf("%s is not a GUID; expected 8-4-4-4-12 hexadecimal digits, with or without braces, such as {4d159978-4574-4dd5-b3ff-6f7fc8c20344}", valuetext.Quote(s))
}
