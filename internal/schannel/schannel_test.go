package schannel

import "testing"

// TestDefault: the defaults per Windows build and where they are not known.
func TestDefault(t *testing.T) {
	tests := []struct {
		protocol  string
		build     int
		on, known bool
	}{
		{"TLS 1.2", 20348, true, true},
		{"TLS 1.2", 9600, true, true},
		{"TLS 1.2", 7601, false, true}, // Server 2008 R2: off until enabled
		{"TLS 1.3", 20348, true, true},
		{"TLS 1.3", 26100, true, true},
		{"TLS 1.3", 17763, false, true}, // Server 2019 has none
		{"TLS 1.0", 20348, true, true},
		{"TLS 1.1", 14393, true, true},
		{"TLS 1.0", 26100, false, false}, // off by default in newer releases
		{"TLS 1.0", 7601, true, false},
		{"TLS 1.1", 7601, false, false},
		{"SSL 3.0", 17763, false, true},
		{"SSL 3.0", 9600, true, false},
		{"TLS 1.2", 0, true, false}, // version unknown
		{"SSL 2.0", 20348, false, false},
	}
	for _, tt := range tests {
		on, known := Default(tt.protocol, tt.build)
		if on != tt.on || known != tt.known {
			t.Errorf("Default(%q, %d) = %t, %t; want %t, %t", tt.protocol, tt.build, on, known, tt.on, tt.known)
		}
	}
}

func TestEffective(t *testing.T) {
	zero, one, all := uint32(0), uint32(1), uint32(0xffffffff)
	tests := []struct {
		byDefault    bool
		enabled, dbd *uint32
		want         bool
	}{
		{true, nil, nil, true},
		{false, nil, nil, false},
		{false, &one, &zero, true},
		{true, &zero, nil, false},
		{false, &all, nil, true},
		{true, nil, &one, false},
		{true, &one, &one, false},
	}
	for _, tt := range tests {
		if got := Effective(tt.byDefault, tt.enabled, tt.dbd); got != tt.want {
			t.Errorf("Effective(%t, %v, %v) = %t, want %t", tt.byDefault, tt.enabled, tt.dbd, got, tt.want)
		}
	}
}

func TestSupported(t *testing.T) {
	if Supported("TLS 1.3", 17763) || !Supported("TLS 1.3", 20348) || !Supported("TLS 1.2", 7601) {
		t.Error("TLS 1.3 is supported from build 20348 only")
	}
}
