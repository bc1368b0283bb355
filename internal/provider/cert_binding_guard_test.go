package provider

import (
	"strings"
	"testing"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/windows"
)

// TestBindingsUsing: a binding uses a certificate when its thumbprint and
// store match after normalising: thumbprints in any spelling, store names
// in any case, an empty store name meaning MY.
func TestBindingsUsing(t *testing.T) {
	const other = "89ABCDEF0123456789ABCDEF0123456789ABCDEF"
	binding := func(ipport, hash, store string) windows.SSLBinding {
		return windows.SSLBinding{BindingKey: windows.BindingKey{IPPort: ipport}, CertificateHash: hash, CertificateStoreName: store}
	}
	bindings := []windows.SSLBinding{
		binding("0.0.0.0:4106", sampleThumbprint, "MY"),
		binding("0.0.0.0:4107", strings.ToLower(sampleThumbprint), ""),
		binding("0.0.0.0:4108", sampleThumbprint, "WEBHOSTING"),
		binding("0.0.0.0:4109", other, "MY"),
	}
	tests := []struct {
		name, store, thumbprint string
		want                    []string
	}{
		{"My matches MY and the empty store", "My", sampleThumbprint, []string{"0.0.0.0:4106", "0.0.0.0:4107"}},
		{"thumbprint as pasted", "my", "\u200e" + strings.ToLower(sampleThumbprint), []string{"0.0.0.0:4106", "0.0.0.0:4107"}},
		{"another store", "WebHosting", sampleThumbprint, []string{"0.0.0.0:4108"}},
		{"store without bindings", "Root", sampleThumbprint, nil},
		{"certificate without bindings", "My", strings.Repeat("0", 40), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, b := range bindingsUsing(bindings, tt.store, tt.thumbprint) {
				got = append(got, b.IPPort)
			}
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("bindingsUsing(%s, %s) = %v, want %v", tt.store, tt.thumbprint, got, tt.want)
			}
		})
	}
}
