package provider

import (
	"strings"
	"testing"
)

func TestCheckURLPrefix(t *testing.T) {
	tests := []struct {
		name, in, wantErr string
	}{
		{name: "strong wildcard", in: "https://+:4207/"},
		{name: "weak wildcard with path", in: "http://*:8080/sage/"},
		{name: "host name", in: "https://sage.example.com:443/connector/"},
		{name: "IPv4", in: "http://192.168.1.10:80/"},
		{name: "IPv6", in: "http://[::1]:80/"},
		{name: "Unicode host", in: "https://bücher.example:443/"},
		{name: "quotes, $() and backticks in the path are data", in: "http://+:8080/a'b\"c$(x)`d\u2018e\u2019f\u201cg\u201d/"},
		{name: "percent escape", in: "http://+:8080/a%20b/"},
		{name: "upper-case scheme", in: "HTTPS://+:4207/", wantErr: "must start with http:// or https://"},
		{name: "other scheme", in: "ftp://+:21/", wantErr: "must start with http:// or https://"},
		{name: "no trailing slash", in: "https://+:4207", wantErr: `must end with "/"`},
		{name: "path without trailing slash", in: "https://+:4207/sage", wantErr: `the path must end with "/"`},
		{name: "no port", in: "https://+/", wantErr: "followed by :port"},
		{name: "port zero", in: "https://+:0/", wantErr: "from 1 to 65535"},
		{name: "port wildcard", in: "https://+:*/", wantErr: "from 1 to 65535"},
		{name: "leading zero port", in: "https://+:04207/", wantErr: "without leading zeros"},
		{name: "empty host", in: "https://:4207/", wantErr: "the host is empty"},
		{name: "IPv6 without brackets", in: "http://::1:80/", wantErr: "must be in brackets"},
		{name: "bad IPv6", in: "http://[::g]:80/", wantErr: "bracketed IPv6"},
		{name: "space in path", in: "http://+:80/a b/", wantErr: "white space"},
		{name: "newline in path", in: "http://+:80/a\nb/", wantErr: "white space"},
		{name: "NUL in path", in: "http://+:80/a\x00b/", wantErr: "control"},
		{name: "U+200E in path", in: "http://+:80/a\u200eb/", wantErr: "invisible"},
		{name: "query", in: "http://+:80/a?b=1/", wantErr: "query"},
		{name: "backslash", in: `http://+:80/a\b/`, wantErr: "backslash"},
		{name: "empty segment", in: "http://+:80/a//", wantErr: "empty segment"},
		{name: "quote in host", in: "http://a'b:80/", wantErr: "contains '\\''"},
		{name: "segment too long", in: "http://+:80/" + strings.Repeat("a", 261) + "/", wantErr: "longer than 260"},
		{name: "10 KB", in: "http://+:80/" + strings.Repeat("a/", 5120), wantErr: "longer than 2048"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkURLPrefix(tt.in)
			checkNormalized(t, tt.in, "", err, "", tt.wantErr)
		})
	}
}

func TestCheckAccountName(t *testing.T) {
	tests := []struct {
		name, in, wantErr string
	}{
		{name: "Everyone", in: "Everyone"},
		{name: "builtin group", in: `BUILTIN\Users`},
		{name: "NT AUTHORITY with space", in: `NT AUTHORITY\NETWORK SERVICE`},
		{name: "UPN", in: "alice@corp.example"},
		{name: "SID", in: "S-1-1-0"},
		{name: "domain SID", in: "S-1-5-21-1004336348-1177238915-682003330-512"},
		{name: "apostrophe, dollar and backtick are legal in names", in: "O'Brien$(x)`"},
		{name: "Unicode quotes are legal in names", in: "\u2018svc\u2019"},
		{name: "German name", in: "Jeder"},
		{name: "double quote", in: `a"b`, wantErr: "does not allow"},
		{name: "Unicode double quotes pass through as data", in: "\u201csvc\u201d"},
		{name: "two backslashes", in: `A\B\C`, wantErr: "one backslash"},
		{name: "empty domain", in: `\alice`, wantErr: "one backslash"},
		{name: "newline", in: "alice\nbob", wantErr: "does not allow"},
		{name: "NUL", in: "alice\x00", wantErr: "does not allow"},
		{name: "leading space", in: " alice", wantErr: "white space"},
		{name: "empty", in: "", wantErr: "1 to 512"},
		{name: "bad SID", in: "S-1-x", wantErr: "not a SID"},
		{name: "10 KB", in: strings.Repeat("a", 10240), wantErr: "1 to 512"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkNormalized(t, tt.in, "", checkAccountName(tt.in), "", tt.wantErr)
		})
	}
}

func TestLocalAccountSID(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"Everyone", "S-1-1-0", true},
		{"EVERYONE", "S-1-1-0", true},
		{`builtin\users`, "S-1-5-32-545", true},
		{`NT AUTHORITY\NETWORK SERVICE`, "S-1-5-20", true},
		{"s-1-5-32-544", "S-1-5-32-544", true},
		{"Jeder", "", false},
		{"alice", "", false},
	}
	for _, tt := range tests {
		got, ok := localAccountSID(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("localAccountSID(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
