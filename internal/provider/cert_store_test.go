package provider

import (
	"strings"
	"testing"
)

func TestParseCertificateImportID(t *testing.T) {
	const thumb = "0123456789ABCDEF0123456789ABCDEF01234567"
	tests := []struct {
		name, id, wantStore, wantThumb, wantErr string
	}{
		{name: "plain", id: "My/" + thumb, wantStore: "My", wantThumb: thumb},
		{name: "MMC copy", id: "Root/\u200e01 23 45 67 89 ab cd ef 01 23 45 67 89 ab cd ef 01 23 45 67", wantStore: "Root", wantThumb: thumb},
		{name: "no slash", id: thumb, wantErr: "STORE/THUMBPRINT"},
		{name: "empty store", id: "/" + thumb, wantErr: "store"},
		{name: "MMC store name", id: "Personal/" + thumb, wantErr: `the store's name is "My"`},
		{name: "short thumbprint", id: "My/0123", wantErr: "thumbprint"},
		{name: "path in store", id: `My\..\x/` + thumb, wantErr: "store"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store, thumbprint, err := parseCertificateImportID(tt.id)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want it to contain %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || store != tt.wantStore || thumbprint != tt.wantThumb {
				t.Fatalf("parseCertificateImportID = %q, %q, %v", store, thumbprint, err)
			}
		})
	}
}

func TestCheckCertStoreName(t *testing.T) {
	for name, wantErr := range map[string]string{
		"My": "", "Root": "", "WebHosting": "", "Remote Desktop": "",
		"Trusted Root Certification Authorities": `"Root"`,
		"personal":                               `"My"`,
		"":                                       "1 to 64 characters",
		"My/Root":                                "'/'",
	} {
		err := checkCertStoreName(name)
		if (wantErr == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), wantErr)) {
			t.Errorf("checkCertStoreName(%q) = %v, want error containing %q", name, err, wantErr)
		}
	}
}
