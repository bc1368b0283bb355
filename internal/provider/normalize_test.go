package provider

import (
	"strings"
	"testing"
)

const sampleThumbprint = "0123456789ABCDEF0123456789ABCDEF01234567"

func TestNormalizeThumbprint(t *testing.T) {
	tests := []struct {
		name, in, want, wantErr string
	}{
		{name: "upper case", in: sampleThumbprint, want: sampleThumbprint},
		{name: "lower case", in: strings.ToLower(sampleThumbprint), want: sampleThumbprint},
		{name: "MMC copy with U+200E and spaces", in: "\u200e01 23 45 67 89 ab cd ef 01 23 45 67 89 ab cd ef 01 23 45 67", want: sampleThumbprint},
		{name: "right-to-left mark", in: "\u200f" + sampleThumbprint, want: sampleThumbprint},
		{name: "zero-width space, joiner and non-joiner", in: "\u200b0123\u200c4567\u200d89ABCDEF0123456789ABCDEF01234567", want: sampleThumbprint},
		{name: "byte order mark and word joiner", in: "\ufeff0123456789ABCDEF0123456789ABCDEF0123\u20604567", want: sampleThumbprint},
		{name: "OpenSSL colons", in: "01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67", want: sampleThumbprint},
		{name: "surrounding newline and tab", in: "\t" + sampleThumbprint + "\n", want: sampleThumbprint},
		{name: "39 digits", in: sampleThumbprint[:39], wantErr: "has 39 hexadecimal digits"},
		{name: "41 digits", in: sampleThumbprint + "8", wantErr: "has 41 hexadecimal digits"},
		{name: "empty", in: "", wantErr: "has 0 hexadecimal digits"},
		{name: "only invisible characters", in: "\u200e \u200b", wantErr: "has 0 hexadecimal digits"},
		{name: "not hex", in: "G123456789ABCDEF0123456789ABCDEF01234567", wantErr: `'G'`},
		{name: "SHA-256 length", in: strings.Repeat("AB", 32), wantErr: "has 64 hexadecimal digits"},
		{name: "NUL", in: sampleThumbprint[:20] + "\x00" + sampleThumbprint[20:], wantErr: `'\x00'`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := normalizeThumbprint(tt.in)
			checkNormalized(t, tt.in, got, err, tt.want, tt.wantErr)
		})
	}
}

func TestNormalizeGUID(t *testing.T) {
	const want = "{4d159978-4574-4dd5-b3ff-6f7fc8c20344}"
	tests := []struct {
		name, in, want, wantErr string
	}{
		{name: "braced lower case", in: want, want: want},
		{name: "no braces", in: "4d159978-4574-4dd5-b3ff-6f7fc8c20344", want: want},
		{name: "upper case", in: "{4D159978-4574-4DD5-B3FF-6F7FC8C20344}", want: want},
		{name: "one brace", in: "{4d159978-4574-4dd5-b3ff-6f7fc8c20344", wantErr: "is not a GUID"},
		{name: "no hyphens", in: "4d15997845744dd5b3ff6f7fc8c20344", wantErr: "is not a GUID"},
		{name: "short group", in: "4d15997-4574-4dd5-b3ff-6f7fc8c20344", wantErr: "is not a GUID"},
		{name: "not hex", in: "4d159978-4574-4dd5-b3ff-6f7fc8c2034z", wantErr: "is not a GUID"},
		{name: "parentheses", in: "(4d159978-4574-4dd5-b3ff-6f7fc8c20344)", wantErr: "is not a GUID"},
		{name: "surrounding space", in: " " + want, wantErr: "is not a GUID"},
		{name: "empty", in: "", wantErr: "is not a GUID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := normalizeGUID(tt.in)
			checkNormalized(t, tt.in, got, err, tt.want, tt.wantErr)
		})
	}
}

func TestNormalizeIPPort(t *testing.T) {
	tests := []struct {
		name, in, want, wantErr string
	}{
		{name: "IPv4 wildcard", in: "0.0.0.0:4106", want: "0.0.0.0:4106"},
		{name: "IPv4 address", in: "192.168.1.10:443", want: "192.168.1.10:443"},
		{name: "IPv6 wildcard", in: "[::]:443", want: "[::]:443"},
		{name: "IPv6 loopback long form", in: "[0:0:0:0:0:0:0:1]:443", want: "[::1]:443"},
		{name: "highest port", in: "0.0.0.0:65535", want: "0.0.0.0:65535"},
		{name: "no port", in: "0.0.0.0", wantErr: "is not an IP address and port"},
		{name: "port zero", in: "0.0.0.0:0", wantErr: "from 1 to 65535"},
		{name: "port too high", in: "0.0.0.0:65536", wantErr: "is not an IP address and port"},
		{name: "leading zero port", in: "0.0.0.0:0443", wantErr: "without leading zeros"},
		{name: "IPv6 without brackets", in: "::1:443", wantErr: "is not an IP address and port"},
		{name: "IPv6 zone", in: "[fe80::1%eth0]:443", wantErr: "zone"},
		{name: "host name", in: "sage.example.com:443", wantErr: "is not an IP address and port"},
		{name: "octet too large", in: "256.0.0.1:443", wantErr: "is not an IP address and port"},
		{name: "leading zero octet", in: "010.0.0.1:443", wantErr: "is not an IP address and port"},
		{name: "wildcard plus", in: "+:443", wantErr: "is not an IP address and port"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := normalizeIPPort(tt.in)
			checkNormalized(t, tt.in, got, err, tt.want, tt.wantErr)
		})
	}
}

func TestNormalizeHostnamePort(t *testing.T) {
	tests := []struct {
		name, in, want, wantErr string
	}{
		{name: "FQDN", in: "sage.example.com:443", want: "sage.example.com:443"},
		{name: "upper case", in: "SAGE.Example.COM:443", want: "sage.example.com:443"},
		{name: "single label", in: "sage300:4207", want: "sage300:4207"},
		{name: "wildcard label", in: "*.example.com:443", want: "*.example.com:443"},
		{name: "no port", in: "sage.example.com", wantErr: "has no port"},
		{name: "port zero", in: "sage.example.com:0", wantErr: "from 1 to 65535"},
		{name: "IP address", in: "10.0.0.1:443", wantErr: "use ipport"},
		{name: "bracketed IPv6", in: "[::1]:443", wantErr: "use ipport"},
		{name: "underscore", in: "sage_300.example.com:443", wantErr: "'_'"},
		{name: "leading hyphen", in: "-sage.example.com:443", wantErr: "hyphen"},
		{name: "empty label", in: "sage..example.com:443", wantErr: "1 to 63"},
		{name: "label too long", in: strings.Repeat("a", 64) + ".com:443", wantErr: "1 to 63"},
		{name: "name too long", in: strings.Repeat("abcdefgh.", 29) + "com:443", wantErr: "1 to 253"},
		{name: "empty name", in: ":443", wantErr: "1 to 253"},
		{name: "space", in: "sage example.com:443", wantErr: "' '"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := normalizeHostnamePort(tt.in)
			checkNormalized(t, tt.in, got, err, tt.want, tt.wantErr)
		})
	}
}

func TestNormalizeStoreName(t *testing.T) {
	tests := []struct {
		name, in, want, wantErr string
	}{
		{name: "empty means MY", in: "", want: "MY"},
		{name: "lower case", in: "my", want: "MY"},
		{name: "web hosting", in: "WebHosting", want: "WEBHOSTING"},
		{name: "backslash path", in: `LocalMachine\My`, wantErr: `'\\'`},
		{name: "too long", in: strings.Repeat("A", 65), wantErr: "1 to 64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := normalizeStoreName(tt.in)
			checkNormalized(t, tt.in, got, err, tt.want, tt.wantErr)
		})
	}
	if got, err := normalizeCTLStoreName(""); err != nil || got != "" {
		t.Errorf("normalizeCTLStoreName(\"\") = %q, %v; want \"\" (no trust list store)", got, err)
	}
}

// checkNormalized compares a normaliser's result with the wanted value or
// error, and checks that an error quotes at most a bounded part of the
// input.
func checkNormalized(t *testing.T, in, got string, err error, want, wantErr string) {
	t.Helper()
	if wantErr != "" {
		if err == nil {
			t.Fatalf("got %q, want an error containing %q", got, wantErr)
		}
		if !strings.Contains(err.Error(), wantErr) {
			t.Fatalf("error %q does not contain %q", err, wantErr)
		}
		if len(err.Error()) > 1000 {
			t.Fatalf("error repeats too much of the input (%d bytes)", len(err.Error()))
		}
		return
	}
	if err != nil {
		t.Fatalf("unexpected error for %q: %v", in, err)
	}
	if got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}
