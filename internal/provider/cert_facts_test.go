package provider

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestFormatDN(t *testing.T) {
	oidEmail := asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 1}
	oidDC := asn1.ObjectIdentifier{0, 9, 2342, 19200300, 100, 1, 25}
	oidO := asn1.ObjectIdentifier{2, 5, 4, 10}
	tests := []struct {
		name string
		dn   pkix.Name
		want string
	}{
		{name: "common name only", dn: pkix.Name{CommonName: "sage300.example.local"}, want: "CN=sage300.example.local"},
		{name: "most specific first, state as S", dn: pkix.Name{
			CommonName: "sage300.example.local", Organization: []string{"Example Ltd"}, OrganizationalUnit: []string{"IT"},
			Locality: []string{"Leeds"}, Province: []string{"West Yorkshire"}, Country: []string{"GB"},
		}, want: "CN=sage300.example.local, OU=IT, O=Example Ltd, L=Leeds, S=West Yorkshire, C=GB"},
		{name: "comma quoted", dn: pkix.Name{CommonName: "Doe, John"}, want: `CN="Doe, John"`},
		{name: "inner quotes doubled", dn: pkix.Name{CommonName: `say "hi"`}, want: `CN="say ""hi"""`},
		{name: "leading space quoted", dn: pkix.Name{CommonName: " padded"}, want: `CN=" padded"`},
		{name: "plus, equals, hash, semicolon, angle brackets quoted", dn: pkix.Name{ExtraNames: []pkix.AttributeTypeAndValue{
			{Type: oidO, Value: "a+b"}, {Type: oidO, Value: "c=d"}, {Type: oidO, Value: "#e"}, {Type: oidO, Value: "f;g"}, {Type: oidO, Value: "<h>"},
		}}, want: `O="<h>", O="f;g", O="#e", O="c=d", O="a+b"`},
		{name: "e-mail and domain components", dn: pkix.Name{ExtraNames: []pkix.AttributeTypeAndValue{
			{Type: oidDC, Value: "local"}, {Type: oidDC, Value: "example"}, {Type: oidEmail, Value: "admin@example.local"},
		}}, want: "E=admin@example.local, DC=example, DC=local"},
		{name: "unknown attribute as OID", dn: pkix.Name{ExtraNames: []pkix.AttributeTypeAndValue{
			{Type: asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 60, 2, 1, 3}, Value: "GB"},
		}}, want: "OID.1.3.6.1.4.1.311.60.2.1.3=GB"},
		{name: "non-ASCII", dn: pkix.Name{CommonName: "Müller GmbH"}, want: "CN=Müller GmbH"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw, err := asn1.Marshal(tt.dn.ToRDNSequence())
			if err != nil {
				t.Fatal(err)
			}
			got, err := formatDN(raw)
			if err != nil {
				t.Fatalf("formatDN: %v", err)
			}
			if got != tt.want {
				t.Errorf("formatDN = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestFormatDNMultiValuedRDN(t *testing.T) {
	rdns := pkix.RDNSequence{
		{{Type: asn1.ObjectIdentifier{2, 5, 4, 10}, Value: "Example"}},
		{{Type: asn1.ObjectIdentifier{2, 5, 4, 3}, Value: "host"}, {Type: asn1.ObjectIdentifier{2, 5, 4, 11}, Value: "IT"}},
	}
	raw, err := asn1.Marshal(rdns)
	if err != nil {
		t.Fatal(err)
	}
	got, err := formatDN(raw)
	if err != nil {
		t.Fatal(err)
	}
	// DER sorts the values of a SET by their encoding; Windows prints them
	// in encoded order.
	if want := "OU=IT + CN=host, O=Example"; got != want {
		t.Errorf("formatDN = %q, want %q", got, want)
	}
}

func TestFormatDNRejectsGarbage(t *testing.T) {
	if _, err := formatDN([]byte{0x30, 0x05, 0x01}); err == nil {
		t.Error("formatDN accepted truncated DER")
	}
}

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
