package model

import (
	"net/netip"
	"strconv"
	"strings"
)

// validateURLPrefix checks a URL reservation's prefix against "UrlPrefix
// Strings" (https://learn.microsoft.com/en-us/windows/win32/http/urlprefix-strings):
// "scheme://host:port/relativeURI" where scheme is http or https "all in
// lowercase"; host is "+" (strong wildcard), "*" (weak wildcard), a fully
// qualified domain name, an IPv4 literal or a bracketed IPv6 literal; port is
// "a decimal numeric string that does not start with zero" in 1..65535 and
// "cannot be a wildcard"; relativeURI "must always be followed by a slash".
// HttpSetServiceConfiguration rejects a prefix in "an unusable form" with
// ERROR_INVALID_PARAMETER (87). (netsh appends the missing "/" itself before
// calling the API; the API does not.)
func validateURLPrefix(url string) *OpError {
	bad := func(format string, args ...any) *OpError {
		return bareError(errInvalidParameter, "url %q: "+format, append([]any{url}, args...)...)
	}
	scheme, rest, ok := strings.Cut(url, "://")
	if !ok {
		return bad(`must look like "https://+:443/path/"`)
	}
	if scheme != "http" && scheme != "https" {
		return bad(`scheme must be "http" or "https" in lower case`)
	}
	hostPort, path, ok := strings.Cut(rest, "/")
	path = "/" + path
	if !ok {
		return bad(`must end with "/": add "/" (%s/)`, url)
	}
	host, port, err := splitPrefixHostPort(hostPort)
	if err != "" {
		return bad("%s", err)
	}
	if msg := checkPrefixHost(host); msg != "" {
		return bad("%s", msg)
	}
	if msg := checkPrefixPort(port); msg != "" {
		return bad("%s", msg)
	}
	if strings.ContainsAny(path, "?# \t\r\n\\") || strings.ContainsFunc(path, isControl) {
		return bad("path must not contain spaces, control characters, backslashes, '?' or '#'")
	}
	if !strings.HasSuffix(path, "/") {
		return bad(`must end with "/": add "/" (%s/)`, url)
	}
	return nil
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

// splitPrefixHostPort splits "host:port", where an IPv6 host is in brackets.
func splitPrefixHostPort(hostPort string) (host, port, problem string) {
	if strings.HasPrefix(hostPort, "[") {
		end := strings.Index(hostPort, "]")
		if end < 0 {
			return "", "", "IPv6 host is missing its closing ']'"
		}
		host, rest := hostPort[:end+1], hostPort[end+1:]
		if !strings.HasPrefix(rest, ":") {
			return "", "", "a port is required after the host (https://host:443/)"
		}
		return host, rest[1:], ""
	}
	i := strings.LastIndex(hostPort, ":")
	if i < 0 {
		return "", "", "a port is required after the host (https://host:443/)"
	}
	return hostPort[:i], hostPort[i+1:], ""
}

// checkPrefixHost returns what is wrong with a UrlPrefix host, or "".
func checkPrefixHost(host string) string {
	switch {
	case host == "+" || host == "*":
		return ""
	case host == "":
		return `host is empty: use "+", "*", a host name or an IP address`
	case strings.HasPrefix(host, "["):
		addr, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(host, "["), "]"))
		if err != nil || !addr.Is6() || addr.Zone() != "" {
			return "host " + host + " is not an IPv6 literal"
		}
		return ""
	}
	if addr, err := netip.ParseAddr(host); err == nil {
		if !addr.Is4() {
			return "IPv6 host " + host + " must be in brackets ([" + host + "])"
		}
		return ""
	}
	if !isDNSName(host) {
		return "host " + strconv.Quote(host) + ` is not "+", "*", a host name or an IP address`
	}
	return ""
}

// isDNSName reports whether s is a host name of letters, digits and hyphens
// in dot-separated labels of 1..63 characters (RFC 1123).
func isDNSName(s string) bool {
	if len(s) > 253 {
		return false
	}
	for _, label := range strings.Split(strings.TrimSuffix(s, "."), ".") {
		if len(label) == 0 || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, c := range label {
			if !isLDHChar(c) {
				return false
			}
		}
	}
	return true
}

// checkPrefixPort returns what is wrong with a UrlPrefix port, or "".
func checkPrefixPort(port string) string {
	n, err := strconv.Atoi(port)
	switch {
	case port == "":
		return "a port is required after the host (https://host:443/)"
	case strings.TrimLeft(port, "0123456789") != "" || err != nil:
		return "port " + strconv.Quote(port) + " is not a decimal number (wildcards are not allowed)"
	case port[0] == '0' || n < 1 || n > 65535:
		return "port " + port + " must be 1-65535 without leading zeros"
	}
	return ""
}

// samePrefix reports whether two reservations name the same prefix. HTTP.sys
// treats host and relativeURI case-insensitively ("UrlPrefix Strings": "the
// host portion is case-insensitive", the relativeURI likewise), and keeps
// reservations as registry values named by the URL (HKLM\SYSTEM\
// CurrentControlSet\Services\HTTP\Parameters\UrlAclInfo), whose names are
// case-insensitive.
func samePrefix(a, b string) bool { return strings.EqualFold(a, b) }

// isLDHChar reports whether c may stand in a DNS label: a letter, a digit or
// a hyphen (RFC 1123 section 2.1).
func isLDHChar(c rune) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-'
}
