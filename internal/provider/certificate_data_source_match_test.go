package provider

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/windows"
)

func TestSubjectMatches(t *testing.T) {
	const subject = `CN=sage300.example.local, OU="IT, Leeds", O=Example Ltd, C=GB`
	tests := []struct {
		want string
		ok   bool
	}{
		{want: subject, ok: true},
		{want: `cn=SAGE300.example.local,ou="IT, Leeds",o=example ltd,c=gb`, ok: true},
		{want: "sage300.example.local", ok: true},
		{want: "SAGE300.EXAMPLE.LOCAL", ok: true},
		{want: "  sage300.example.local ", ok: true},
		{want: "CN=sage300.example.local", ok: false},
		{want: "sage300", ok: false},
		{want: "Example Ltd", ok: false},
		{want: "", ok: false},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := subjectMatches(subject, tt.want); got != tt.ok {
				t.Errorf("subjectMatches(%q) = %t, want %t", tt.want, got, tt.ok)
			}
		})
	}
}

func TestDNSNameMatches(t *testing.T) {
	names := []string{"sage300.example.local", "*.apps.example.local"}
	tests := []struct {
		name string
		ok   bool
	}{
		{name: "sage300.example.local", ok: true},
		{name: "SAGE300.Example.Local.", ok: true},
		{name: "bpa.apps.example.local", ok: true},
		{name: "*.apps.example.local", ok: true},
		{name: "a.b.apps.example.local", ok: false},
		{name: "apps.example.local", ok: false},
		{name: ".apps.example.local", ok: false},
		{name: "example.local", ok: false},
		{name: "other.example.local", ok: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := dnsNameMatches(names, tt.name); got != tt.ok {
				t.Errorf("dnsNameMatches(%q) = %t, want %t", tt.name, got, tt.ok)
			}
		})
	}
}

func TestSelectCertificate(t *testing.T) {
	cert := func(i int, subject string) windows.Certificate {
		return windows.Certificate{Thumbprint: strings.Repeat(fmt.Sprintf("%X", i%16), 40), Subject: subject,
			NotAfter: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}
	}
	store := []windows.Certificate{cert(1, "CN=a"), cert(2, "CN=b"), cert(3, "CN=b")}
	bySubject := func(s string) func(windows.Certificate) bool {
		return func(c windows.Certificate) bool { return subjectMatches(c.Subject, s) }
	}
	tests := []struct {
		name    string
		certs   []windows.Certificate
		subject string
		want    string
		wantErr []string
	}{
		{name: "one match", certs: store, subject: "a", want: cert(1, "").Thumbprint},
		{name: "several", certs: store, subject: "b", wantErr: []string{"2 certificates match", cert(2, "").Thumbprint, cert(3, "").Thumbprint, "select one by thumbprint"}},
		{name: "none lists the store", certs: store, subject: "c", wantErr: []string{"no certificate matches", "CN=a", "CN=b", "2030-01-01T00:00:00Z"}},
		{name: "empty store", certs: nil, subject: "c", wantErr: []string{`LocalMachine\MY is empty`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := selectCertificate(tt.certs, bySubject(tt.subject), "subject "+tt.subject, "MY")
			if tt.wantErr == nil {
				if err != nil || got.Thumbprint != tt.want {
					t.Fatalf("selectCertificate = %s, %v; want %s", got.Thumbprint, err, tt.want)
				}
				return
			}
			if err == nil {
				t.Fatal("no error")
			}
			for _, want := range tt.wantErr {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q lacks %q", err, want)
				}
			}
		})
	}
}

func TestSelectCertificateBoundsTheList(t *testing.T) {
	var certs []windows.Certificate
	for i := 0; i < 50; i++ {
		certs = append(certs, windows.Certificate{Thumbprint: fmt.Sprintf("%040d", i), Subject: "CN=same"})
	}
	_, err := selectCertificate(certs, func(windows.Certificate) bool { return true }, "subject same", "MY")
	if err == nil || strings.Count(err.Error(), "CN=same") != maxListedCandidates || !strings.Contains(err.Error(), "and 30 more") {
		t.Errorf("error lists the wrong candidates: %v", err)
	}
}

// TestCertificateMatcherByDNSName: dns_name finds the certificate that
// covers the name, a CN-only certificate by its common name.
func TestCertificateMatcherByDNSName(t *testing.T) {
	match, _, err := certificateMatcher(certificateDataSourceModel{DNSName: types.StringValue("sage300.example.local")})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		cert windows.Certificate
		ok   bool
	}{
		{windows.Certificate{Subject: "CN=sage300.example.local"}, true},
		{windows.Certificate{Subject: "CN=sage300.example.local", DNSNames: []string{"other.example.local"}}, false},
		{windows.Certificate{Subject: "CN=x", DNSNames: []string{"*.example.local"}}, true},
		{windows.Certificate{Subject: "CN=x", DNSNames: []string{"*.local"}}, false},
	} {
		if got := match(tt.cert); got != tt.ok {
			t.Errorf("match(%+v) = %t, want %t", tt.cert, got, tt.ok)
		}
	}
}
