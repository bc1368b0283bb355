package x500

import (
	"encoding/asn1"
	"testing"
)

// rawName encodes RDNs of (OID, raw value) pairs, first RDN first.
func rawName(t *testing.T, rdns ...[]rawRDN) []byte {
	t.Helper()
	seq := []rawRDNSET{}
	for _, rdn := range rdns {
		seq = append(seq, rawRDNSET(rdn))
	}
	der, err := asn1.Marshal(seq)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

func attr(t *testing.T, oid asn1.ObjectIdentifier, tag int, value []byte) rawRDN {
	t.Helper()
	return rawRDN{Type: oid, Value: asn1.RawValue{Class: asn1.ClassUniversal, Tag: tag, Bytes: value}}
}

func TestFormatDistinguishedName(t *testing.T) {
	var (
		cn     = asn1.ObjectIdentifier{2, 5, 4, 3}
		ou     = asn1.ObjectIdentifier{2, 5, 4, 11}
		o      = asn1.ObjectIdentifier{2, 5, 4, 10}
		c      = asn1.ObjectIdentifier{2, 5, 4, 6}
		st     = asn1.ObjectIdentifier{2, 5, 4, 8}
		email  = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 1}
		dc     = asn1.ObjectIdentifier{0, 9, 2342, 19200300, 100, 1, 25}
		custom = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 99999, 1}
	)
	utf8 := func(oid asn1.ObjectIdentifier, s string) rawRDN {
		return attr(t, oid, asn1.TagUTF8String, []byte(s))
	}
	one := func(a rawRDN) []rawRDN { return []rawRDN{a} }
	tests := []struct {
		name string
		raw  []byte
		want string
	}{
		{"most specific first", rawName(t, one(attr(t, c, asn1.TagPrintableString, []byte("GB"))), one(utf8(st, "Leeds")), one(utf8(o, "CA Limited")), one(utf8(cn, "Example CA"))),
			"CN=Example CA, O=CA Limited, S=Leeds, C=GB"},
		{"domain components and e-mail", rawName(t, one(attr(t, dc, asn1.TagIA5String, []byte("local"))), one(attr(t, dc, asn1.TagIA5String, []byte("example"))), one(attr(t, email, asn1.TagIA5String, []byte("pki@example.local")))),
			"E=pki@example.local, DC=example, DC=local"},
		{"multi-valued RDN", rawName(t, []rawRDN{utf8(ou, "IT"), utf8(cn, "host")}),
			"OU=IT + CN=host"},
		{"OID without X.500 key", rawName(t, one(utf8(custom, "x"))), "OID.1.3.6.1.4.1.99999.1=x"},
		{"quoting", rawName(t, one(utf8(o, `Say "hi"`)), one(utf8(ou, " lead")), one(utf8(cn, "a;b"))),
			`CN="a;b", OU=" lead", O="Say ""hi"""`},
		{"empty value", rawName(t, one(utf8(cn, ""))), `CN=""`},
		{"BMPString", rawName(t, one(attr(t, cn, asn1.TagBMPString, []byte{0, 'M', 0, 0xfc, 0, 'n'}))), "CN=Mün"},
		{"T61String in Latin-1", rawName(t, one(attr(t, cn, asn1.TagT61String, []byte{'M', 0xfc, 'n'}))), "CN=Mün"},
		{"octet string", rawName(t, one(attr(t, custom, asn1.TagOctetString, []byte{1, 2}))), "OID.1.3.6.1.4.1.99999.1=#04020102"},
		{"empty name", rawName(t), ""},
		{"not a name", []byte{0x02, 0x01, 0x05}, ""},
	}
	for _, tt := range tests {
		got, err := Format(tt.raw)
		if tt.want == "" && tt.name == "not a name" {
			if err == nil {
				t.Errorf("%s: Format accepted %x", tt.name, tt.raw)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%s: %q (%v), want %q", tt.name, got, err, tt.want)
		}
	}
}
