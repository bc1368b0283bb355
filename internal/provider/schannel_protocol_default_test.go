package provider

import "testing"

// TestSChannelDefault: the defaults an imported key without Enabled reads
// as, per Windows build ("Protocols in TLS/SSL (Schannel SSP)"), and the
// builds where the provider does not claim to know.
func TestSChannelDefault(t *testing.T) {
	tests := []struct {
		protocol  string
		build     int
		on, known bool
	}{
		{"TLS 1.2", 20348, true, true},
		{"TLS 1.2", 9600, true, true},
		{"TLS 1.2", 7601, false, true}, // Server 2008 R2: off until enabled
		{"TLS 1.3", 20348, true, true},
		{"TLS 1.3", 17763, false, true}, // Server 2019 has none
		{"TLS 1.0", 20348, true, true},
		{"TLS 1.1", 14393, true, true},
		{"TLS 1.0", 26100, false, false}, // off by default in newer releases
		{"SSL 3.0", 17763, false, true},
		{"SSL 3.0", 9600, false, false},
		{"TLS 1.2", 0, false, false}, // version unknown
	}
	for _, tt := range tests {
		on, known := schannelDefault(tt.protocol, tt.build)
		if on != tt.on || known != tt.known {
			t.Errorf("schannelDefault(%q, %d) = %t, %t; want %t, %t", tt.protocol, tt.build, on, known, tt.on, tt.known)
		}
	}
}
