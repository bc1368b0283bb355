package x500

import (
	"crypto/x509/pkix"
	"encoding/asn1"
	"testing"
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
			got, err := Format(raw)
			if err != nil {
				t.Fatalf("Format: %v", err)
			}
			if got != tt.want {
				t.Errorf("Format = %q, want %q", got, tt.want)
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
	got, err := Format(raw)
	if err != nil {
		t.Fatal(err)
	}
	// DER sorts the values of a SET by their encoding; Windows prints them
	// in encoded order.
	if want := "OU=IT + CN=host, O=Example"; got != want {
		t.Errorf("Format = %q, want %q", got, want)
	}
}

func TestFormatDNRejectsGarbage(t *testing.T) {
	if _, err := Format([]byte{0x30, 0x05, 0x01}); err == nil {
		t.Error("Format accepted truncated DER")
	}
}
