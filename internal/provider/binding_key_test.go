package provider

import (
	"testing"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/windows"
)

func TestBindingKeyFromImportID(t *testing.T) {
	tests := []struct {
		id      string
		want    windows.BindingKey
		wantErr bool
	}{
		{id: "0.0.0.0:4106", want: windows.BindingKey{IPPort: "0.0.0.0:4106"}},
		{id: "[::]:443", want: windows.BindingKey{IPPort: "[::]:443"}},
		{id: "ipport=0.0.0.0:4106", want: windows.BindingKey{IPPort: "0.0.0.0:4106"}},
		{id: "sage.example.com:443", want: windows.BindingKey{HostnamePort: "sage.example.com:443"}},
		{id: "hostnameport=Sage.Example.com:443", want: windows.BindingKey{HostnamePort: "sage.example.com:443"}},
		{id: "ipport=sage.example.com:443", wantErr: true},
		{id: "hostnameport=10.0.0.1:443", wantErr: true},
		{id: "0.0.0.0", wantErr: true},
		{id: "", wantErr: true},
		{id: "sage.example.com:443'; rm -rf /", wantErr: true},
	}
	for _, tt := range tests {
		got, err := bindingKeyFromImportID(tt.id)
		if (err != nil) != tt.wantErr {
			t.Errorf("bindingKeyFromImportID(%q) error = %v, want error %v", tt.id, err, tt.wantErr)
			continue
		}
		if !tt.wantErr && got != tt.want {
			t.Errorf("bindingKeyFromImportID(%q) = %+v, want %+v", tt.id, got, tt.want)
		}
	}
}

func TestBindingKeyRoundTripsThroughID(t *testing.T) {
	for _, key := range []windows.BindingKey{{IPPort: "0.0.0.0:4106"}, {IPPort: "[::1]:443"}, {HostnamePort: "sage.example.com:443"}} {
		got, err := bindingKeyFromImportID(key.String())
		if err != nil || got != key {
			t.Errorf("import of the resource's own ID %q = %+v, %v; want %+v", key.String(), got, err, key)
		}
	}
}
