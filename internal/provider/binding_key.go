package provider

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/provider/valuetext"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/windows"
)

// Key prefixes of an SSL binding's ID, as netsh names the two tables.
const (
	ipportPrefix       = "ipport="
	hostnameportPrefix = "hostnameport="
)

// normalizeIPPort returns an IP:port binding key in the form HTTP.sys shows
// it ("0.0.0.0:443", "[::]:443"): an IPv4 address or a bracketed IPv6
// address without zone, then a port from 1 to 65535 without leading zeros.
func normalizeIPPort(s string) (string, error) {
	ap, err := netip.ParseAddrPort(s)
	if err != nil {
		return "", fmt.Errorf("%s is not an IP address and port; expected a.b.c.d:port, [IPv6]:port, 0.0.0.0:port (all IPv4 addresses) or [::]:port (all IPv6 addresses)", valuetext.Quote(s))
	}
	if ap.Addr().Zone() != "" {
		return "", fmt.Errorf("%s has an IPv6 zone (%%%s); HTTP.sys bindings take an address without zone", valuetext.Quote(s), ap.Addr().Zone())
	}
	if err := checkPort(s[strings.LastIndexByte(s, ':')+1:]); err != nil {
		return "", fmt.Errorf("%s: %w", valuetext.Quote(s), err)
	}
	return ap.String(), nil
}

// normalizeHostnamePort returns a host name:port binding key (the SNI
// table) lower-case: a DNS name, optionally starting with a "*." wildcard
// label, then a port from 1 to 65535.
func normalizeHostnamePort(s string) (string, error) {
	i := strings.LastIndexByte(s, ':')
	if i < 0 {
		return "", fmt.Errorf("%s has no port; expected name:port, such as sage.example.com:443", valuetext.Quote(s))
	}
	name, port := s[:i], s[i+1:]
	if err := checkPort(port); err != nil {
		return "", fmt.Errorf("%s: %w", valuetext.Quote(s), err)
	}
	if _, err := netip.ParseAddr(strings.Trim(name, "[]")); err == nil {
		return "", fmt.Errorf("%s names an IP address; use ipport for IP addresses and hostnameport for DNS names", valuetext.Quote(s))
	}
	// A leading "*." label is a wildcard binding (IIS 10 and later).
	if err := checkDNSName(strings.TrimPrefix(name, "*.")); err != nil {
		return "", fmt.Errorf("%s: %w", valuetext.Quote(s), err)
	}
	return strings.ToLower(name) + ":" + port, nil
}

// checkPort accepts a decimal TCP port from 1 to 65535 without leading zero.
func checkPort(port string) error {
	n, err := strconv.ParseUint(port, 10, 16)
	if err != nil || n == 0 || port[0] == '0' {
		return fmt.Errorf("the port must be a number from 1 to 65535 without leading zeros, not %s", valuetext.Quote(port))
	}
	return nil
}

// checkDNSName applies the rules of RFC 1123 host names: at most 253
// characters, dot-separated labels of 1 to 63 letters, digits and hyphens,
// not starting or ending with a hyphen.
func checkDNSName(name string) error {
	if name == "" || len(name) > 253 {
		return fmt.Errorf("the host name must have 1 to 253 characters")
	}
	for _, label := range strings.Split(strings.TrimSuffix(name, "."), ".") {
		if err := checkDNSLabel(label); err != nil {
			return err
		}
	}
	return nil
}

func checkDNSLabel(label string) error {
	if label == "" || len(label) > 63 {
		return fmt.Errorf("each dot-separated part of the host name must have 1 to 63 characters")
	}
	if label[0] == '-' || label[len(label)-1] == '-' {
		return fmt.Errorf("the host name part %s starts or ends with a hyphen", valuetext.Quote(label))
	}
	for _, r := range label {
		if !isDNSLabelRune(r) {
			return fmt.Errorf("the host name contains %q; a DNS name has only letters, digits, hyphens and dots", r)
		}
	}
	return nil
}

func isDNSLabelRune(r rune) bool {
	return (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') || r == '-'
}

// bindingKeyFromImportID parses the ID given to terraform import: a value
// that parses as an IP:port is an ipport, anything else a hostnameport; the
// prefixes "ipport=" and "hostnameport=" (the resource's own IDs) say which
// explicitly.
func bindingKeyFromImportID(id string) (windows.BindingKey, error) {
	switch {
	case strings.HasPrefix(id, ipportPrefix):
		v, err := normalizeIPPort(strings.TrimPrefix(id, ipportPrefix))
		return windows.BindingKey{IPPort: v}, err
	case strings.HasPrefix(id, hostnameportPrefix):
		v, err := normalizeHostnamePort(strings.TrimPrefix(id, hostnameportPrefix))
		return windows.BindingKey{HostnamePort: v}, err
	}
	if v, err := normalizeIPPort(id); err == nil {
		return windows.BindingKey{IPPort: v}, nil
	}
	v, err := normalizeHostnamePort(id)
	if err != nil {
		return windows.BindingKey{}, fmt.Errorf("import ID %s is neither an IP:port (0.0.0.0:443, [::]:443) nor a host name:port (sage.example.com:443): %w", valuetext.Quote(id), err)
	}
	return windows.BindingKey{HostnamePort: v}, nil
}
