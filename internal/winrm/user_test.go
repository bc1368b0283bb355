package winrm

import "testing"

func TestParseUser(t *testing.T) {
	tests := []struct {
		raw     string
		want    account
		wantErr bool
	}{
		{raw: "Administrator", want: account{Name: "Administrator"}},
		{raw: `EXAMPLE\alice`, want: account{Name: "alice", Domain: "EXAMPLE"}},
		{raw: "alice@example.com", want: account{Name: "alice", Domain: "example.com"}},
		{raw: `SERVER01\Administrator`, want: account{Name: "Administrator", Domain: "SERVER01"}},
		{raw: "  bob  ", want: account{Name: "bob"}},
		{raw: "", wantErr: true},
		{raw: `\alice`, wantErr: true},
		{raw: `EXAMPLE\`, wantErr: true},
		{raw: "@example.com", wantErr: true},
		{raw: "alice@", wantErr: true},
		{raw: "a@b@c", wantErr: true},
		{raw: `A\b\c`, wantErr: true},
		{raw: "ali\nce", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			got, err := parseUser(tt.raw)
			if (err != nil) != tt.wantErr {
				t.Fatalf("parseUser(%q) error = %v, wantErr %v", tt.raw, err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("parseUser(%q) = %+v, want %+v", tt.raw, got, tt.want)
			}
		})
	}
}

func TestNTLMClientConfigSplitsUser(t *testing.T) {
	cfg, err := ntlmClientConfig("alice@example.com", "pw")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.User != "alice" || cfg.Domain != "example.com" || cfg.Password != "pw" {
		t.Errorf("ntlmClientConfig = user %q domain %q, want alice example.com", cfg.User, cfg.Domain)
	}
}
