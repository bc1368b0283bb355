package provider

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestFactsOf(t *testing.T) {
	notAfter := time.Date(2030, 5, 6, 7, 8, 9, 0, time.UTC)
	chain := NewTestChain(t, LeafOptions{
		Subject:            pkix.Name{CommonName: "sage300.example.local", Organization: []string{"Example"}},
		DNSNames:           []string{"sage300.example.local", "sage300"},
		NotAfter:           notAfter,
		ExtKeyUsage:        []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth, x509.ExtKeyUsageServerAuth},
		UnknownExtKeyUsage: []asn1ObjectIdentifier{{1, 3, 6, 1, 4, 1, 311, 10, 3, 12}},
	})
	f, err := factsOf(chain.Leaf, true)
	if err != nil {
		t.Fatal(err)
	}
	want := certFacts{
		Thumbprint: thumbprintOf(chain.Leaf),
		Subject:    "CN=sage300.example.local, O=Example",
		Issuer:     "CN=Test Issuing CA, O=Example",
		DNSNames:   []string{"sage300.example.local", "sage300"},
		NotBefore:  chain.Leaf.NotBefore.UTC(), NotAfter: notAfter,
		HasPrivateKey: true,
		// In the certificate's order: crypto/x509 would put the unknown one apart.
		EnhancedKeyUsages: []string{"1.3.6.1.5.5.7.3.2", "1.3.6.1.5.5.7.3.1", "1.3.6.1.4.1.311.10.3.12"},
		PEM:               CertificatePEM(chain.Leaf),
	}
	if !reflect.DeepEqual(f, want) {
		t.Errorf("factsOf =\n%+v\nwant\n%+v", f, want)
	}
	if len(f.Thumbprint) != 40 || strings.ToUpper(f.Thumbprint) != f.Thumbprint {
		t.Errorf("thumbprint %q is not 40 upper-case hex digits", f.Thumbprint)
	}
	if got := formatTime(f.NotAfter); got != "2030-05-06T07:08:09Z" {
		t.Errorf("formatTime = %q", got)
	}
}

func TestParseCertificatePEM(t *testing.T) {
	chain := NewTestChain(t, LeafOptions{Subject: pkix.Name{CommonName: "a"}})
	one := CertificatePEM(chain.Leaf)
	tests := []struct {
		name, pem, wantErr string
	}{
		{name: "one certificate", pem: one},
		{name: "with text around it", pem: "Bag Attributes\n" + one + "\n"},
		{name: "CRLF line ends", pem: strings.ReplaceAll(one, "\n", "\r\n")},
		{name: "two certificates", pem: one + CertificatePEM(chain.Root), wantErr: "more than one certificate"},
		{name: "private key", pem: one + "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", wantErr: `"PRIVATE KEY" block`},
		{name: "empty", pem: "", wantErr: "no PEM certificate"},
		{name: "bad DER", pem: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", wantErr: "does not parse"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cert, err := parseCertificatePEM(tt.pem)
			if tt.wantErr == "" {
				if err != nil || thumbprintOf(cert) != thumbprintOf(chain.Leaf) {
					t.Fatalf("parseCertificatePEM = %v, %v", cert, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error = %v, want it to contain %q", err, tt.wantErr)
			}
		})
	}
}
