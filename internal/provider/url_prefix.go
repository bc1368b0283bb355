package provider

import (
	"fmt"
	"net/netip"
	"strings"
	"unicode"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/provider/valuetext"
)

// Limits of a URL reservation's text. HTTP.sys rejects request URLs with a
// path segment longer than UrlSegmentMaxLength (260 by default, "Http.sys
// registry settings for Windows"), so a reservation with a longer segment
// could never match a request. The total length is this provider's limit.
const (
	maxURLSegmentRunes = 260
	maxURLRunes        = 2048
)

// checkURLPrefix applies the UrlPrefix rules of the HTTP Server API
// ("UrlPrefix Strings", learn.microsoft.com): scheme://host:port/relativeURI/
// with the scheme http or https in lower case; the host a strong (+) or weak
// (*) wildcard, an IPv4 literal, a bracketed IPv6 literal or a domain name;
// the port 1 to 65535 without leading zeros; the relative URI, if any,
// followed by "/". As netsh requires for reservations, the prefix ends with
// "/". Query, fragment, white space and control characters have no place in
// a prefix.
func checkURLPrefix(s string) error {
	if n := len([]rune(s)); n > maxURLRunes {
		return fmt.Errorf("%s is longer than %d characters", valuetext.Quote(s), maxURLRunes)
	}
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok || (scheme != "http" && scheme != "https") {
		return fmt.Errorf("%s must start with http:// or https:// (lower case), as in https://+:4207/", valuetext.Quote(s))
	}
	hostPort, path, ok := strings.Cut(rest, "/")
	if !ok {
		return fmt.Errorf("%s must end with \"/\", as in https://+:4207/", valuetext.Quote(s))
	}
	if err := checkURLHostPort(hostPort); err != nil {
		return fmt.Errorf("%s: %w", valuetext.Quote(s), err)
	}
	if err := checkURLPath(path); err != nil {
		return fmt.Errorf("%s: %w", valuetext.Quote(s), err)
	}
	return nil
}

func checkURLHostPort(hostPort string) error {
	i := strings.LastIndexByte(hostPort, ':')
	if i < 0 || strings.HasSuffix(hostPort[:i], ":") {
		return fmt.Errorf("the host must be followed by :port, as in https://+:4207/")
	}
	host, port := hostPort[:i], hostPort[i+1:]
	if err := checkPort(port); err != nil {
		return err
	}
	return checkURLHost(host)
}

func checkURLHost(host string) error {
	switch {
	case host == "+" || host == "*":
		return nil
	case strings.HasPrefix(host, "["):
		addr, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(host, "["), "]"))
		if err != nil || !strings.HasSuffix(host, "]") || !addr.Is6() || addr.Zone() != "" {
			return fmt.Errorf("the host %s is not a bracketed IPv6 address such as [::1]", valuetext.Quote(host))
		}
		return nil
	}
	if addr, err := netip.ParseAddr(host); err == nil {
		if !addr.Is4() {
			return fmt.Errorf("the IPv6 host %s must be in brackets, as in http://[::1]:80/", valuetext.Quote(host))
		}
		return nil
	}
	return checkURLDomainName(host)
}

// checkURLDomainName accepts an internationalised domain name: HTTP.sys
// takes host names in Unicode (not punycode), so letters of any script are
// allowed besides digits, hyphens and dots.
func checkURLDomainName(host string) error {
	if host == "" {
		return fmt.Errorf("the host is empty; use + for all host names, as in https://+:4207/")
	}
	for _, label := range strings.Split(host, ".") {
		if label == "" || strings.HasPrefix(label, "-") || strings.HasSuffix(label, "-") {
			return fmt.Errorf("the host %s is not a domain name, IP address, + or *", valuetext.Quote(host))
		}
		for _, r := range label {
			if r != '-' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				return fmt.Errorf("the host %s contains %q; expected a domain name, IP address, + or *", valuetext.Quote(host), r)
			}
		}
	}
	return nil
}

// checkURLPath checks the relative URI after the port's "/": segments each
// followed by "/", without characters that cannot be part of a prefix.
func checkURLPath(path string) error {
	if path != "" && !strings.HasSuffix(path, "/") {
		return fmt.Errorf("the path must end with \"/\"")
	}
	for _, r := range path {
		if unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return fmt.Errorf("the path contains %q; white space, control and invisible characters are not allowed (percent-encode them)", r)
		}
		if r == '?' || r == '#' || r == '\\' {
			return fmt.Errorf("the path contains %q; a URL prefix has no query, fragment or backslash", r)
		}
	}
	for _, seg := range strings.Split(strings.TrimSuffix(path, "/"), "/") {
		if len([]rune(seg)) > maxURLSegmentRunes {
			return fmt.Errorf("a path segment is longer than %d characters, HTTP.sys's default UrlSegmentMaxLength", maxURLSegmentRunes)
		}
		if path != "" && seg == "" {
			return fmt.Errorf("the path has an empty segment (\"//\")")
		}
	}
	return nil
}
