package provider

import "strings"

// commonName returns the value of the first CN in a .NET-formatted DN, or "".
func commonName(dn string) string {
	for _, part := range splitDN(dn) {
		key, value, ok := strings.Cut(part, "=")
		if ok && strings.EqualFold(strings.TrimSpace(key), "CN") {
			return unquoteRDNValue(strings.TrimSpace(value))
		}
	}
	return ""
}

// canonicalDN normalises a DN for comparison: RDNs split on unquoted commas,
// white space around keys and values trimmed, upper-cased.
func canonicalDN(dn string) string {
	parts := splitDN(dn)
	for i, part := range parts {
		key, value, _ := strings.Cut(part, "=")
		parts[i] = strings.ToUpper(strings.TrimSpace(key)) + "=" + strings.ToUpper(unquoteRDNValue(strings.TrimSpace(value)))
	}
	return strings.Join(parts, ",")
}

// splitDN splits a DN on commas (and semicolons) outside double quotes.
func splitDN(dn string) []string {
	var parts []string
	var current strings.Builder
	quoted := false
	for _, r := range dn {
		switch {
		case r == '"':
			quoted = !quoted
			current.WriteRune(r)
		case (r == ',' || r == ';') && !quoted:
			parts = append(parts, strings.TrimSpace(current.String()))
			current.Reset()
		default:
			current.WriteRune(r)
		}
	}
	return append(parts, strings.TrimSpace(current.String()))
}

func unquoteRDNValue(v string) string {
	if len(v) >= 2 && strings.HasPrefix(v, `"`) && strings.HasSuffix(v, `"`) {
		return strings.ReplaceAll(v[1:len(v)-1], `""`, `"`)
	}
	return v
}
