package provider

import "testing"

func TestCheckRemotePFXPath(t *testing.T) {
	tests := []struct {
		path string
		ok   bool
	}{
		{`C:\certs\host.pfx`, true},
		{`d:/certs/host.pfx`, true},
		{`\\fileserver\certs\host.pfx`, true},
		{`//fileserver/certs/host.pfx`, true},
		{`certs\host.pfx`, false},
		{`.\host.pfx`, false},
		{`\certs\host.pfx`, false},
		{`C:host.pfx`, false},
		{`1:\host.pfx`, false},
		{`\\fileserver`, false},
		{`\\fileserver\`, false},
		{``, false},
	}
	for _, tt := range tests {
		if err := checkRemotePFXPath(tt.path); (err == nil) != tt.ok {
			t.Errorf("checkRemotePFXPath(%q) = %v, want ok=%v", tt.path, err, tt.ok)
		}
	}
}
