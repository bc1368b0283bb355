package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/windows"
)

func dwordPtr(v uint32) *uint32 { return &v }

// TestSChannelEnabled reads a side's values as Microsoft documents them.
func TestSChannelEnabled(t *testing.T) {
	tests := []struct {
		name              string
		enabled, disabled *uint32
		want              types.Bool
	}{
		{"no values: the Windows default", nil, nil, types.BoolNull()},
		{"only DisabledByDefault", nil, dwordPtr(0), types.BoolNull()},
		{"on as written", dwordPtr(1), dwordPtr(0), types.BoolValue(true)},
		{"on, the old 0xffffffff form", dwordPtr(0xffffffff), nil, types.BoolValue(true)},
		{"off as written", dwordPtr(0), dwordPtr(1), types.BoolValue(false)},
		{"Enabled 0 alone", dwordPtr(0), nil, types.BoolValue(false)},
		{"disabled by default", dwordPtr(1), dwordPtr(1), types.BoolValue(false)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := schannelEnabled(windows.SChannelSide{Enabled: tt.enabled, DisabledByDefault: tt.disabled})
			if !got.Equal(tt.want) {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestDotNetCryptoEnabled(t *testing.T) {
	key := func(a, b *uint32) windows.DotNetCryptoKey {
		return windows.DotNetCryptoKey{Exists: true, SchUseStrongCrypto: a, SystemDefaultTLSVersions: b}
	}
	tests := []struct {
		name string
		keys []windows.DotNetCryptoKey
		want types.Bool
	}{
		{"all 1", []windows.DotNetCryptoKey{key(dwordPtr(1), dwordPtr(1)), key(dwordPtr(1), dwordPtr(1))}, types.BoolValue(true)},
		{"all 0", []windows.DotNetCryptoKey{key(dwordPtr(0), dwordPtr(0))}, types.BoolValue(false)},
		{"32-bit view missing one", []windows.DotNetCryptoKey{key(dwordPtr(1), dwordPtr(1)), key(dwordPtr(1), nil)}, types.BoolNull()},
		{"mixed", []windows.DotNetCryptoKey{key(dwordPtr(1), dwordPtr(0))}, types.BoolNull()},
		{"nothing set", []windows.DotNetCryptoKey{key(nil, nil)}, types.BoolNull()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := dotNetCryptoEnabled(tt.keys); !got.Equal(tt.want) {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestWindowsBuild(t *testing.T) {
	for version, want := range map[string]int{"10.0.20348": 20348, "6.3.9600": 9600, "10.0": 0, "": 0, "10.0.x": 0} {
		if got := windowsBuild(version); got != want {
			t.Errorf("windowsBuild(%q) = %d, want %d", version, got, want)
		}
	}
}
