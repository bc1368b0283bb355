package provider

import (
	"crypto/x509/pkix"
	"encoding/asn1"
	"testing"

	"software.sslmate.com/src/go-pkcs12"
)

// TestPFXUsesPBES2 reads the encryption of PFX files as go-pkcs12 writes
// them (OpenSSL 3's default is Modern's: PBES2/AES-256 for the certificates
// and the key; LegacyDES and LegacyRC2 are what every Windows imports) and
// of a PFX whose certificates are not encrypted but whose key is shrouded
// with PBES2 (openssl pkcs12 -export -certpbe NONE).
func TestPFXUsesPBES2(t *testing.T) {
	chain := NewTestChain(t, LeafOptions{Subject: pkix.Name{CommonName: "sage50.example.local"}, DNSNames: []string{"sage50.example.local"}})
	for _, tt := range []struct {
		name string
		pfx  []byte
		want bool
	}{
		{"Modern (AES-256)", chain.PFX(t, pkcs12.Modern, testPFXPassword, true), true},
		{"Modern2026 (AES-256, PBMAC1)", chain.PFX(t, pkcs12.Modern2026, testPFXPassword, false), true},
		{"LegacyDES (TripleDES-SHA1)", chain.PFX(t, pkcs12.LegacyDES, testPFXPassword, true), false},
		{"LegacyRC2", chain.PFX(t, pkcs12.LegacyRC2, testPFXPassword, false), false},
		{"only the key shrouded with PBES2", pfxWithShroudedKey(t, oidPBES2), true},
		{"only the key shrouded with 3DES", pfxWithShroudedKey(t, asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 1, 3}), false},
		{"not a PFX", []byte("garbage"), false},
		{"a certificate", chain.Leaf.Raw, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := pfxUsesPBES2(tt.pfx); got != tt.want {
				t.Errorf("pfxUsesPBES2 = %v, want %v", got, tt.want)
			}
		})
	}
}

// pfxWithShroudedKey is a PFX with one plain safe holding one shrouded key
// bag encrypted with alg (the encrypted bytes are not a key: only the
// algorithm is read).
func pfxWithShroudedKey(t *testing.T, alg asn1.ObjectIdentifier) []byte {
	t.Helper()
	must := func(b []byte, err error) []byte {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	shrouded := must(asn1.Marshal(struct {
		Algorithm     pfxAlgorithm
		EncryptedData []byte
	}{pfxAlgorithm{Algorithm: alg, Parameters: asn1.NullRawValue}, []byte{1, 2, 3}}))
	bags := must(asn1.Marshal([]pfxSafeBag{{BagID: oidShroudedKeyBag, BagValue: asn1.RawValue{FullBytes: explicit0(t, shrouded)}}}))
	safe := pfxContentInfo{ContentType: oidPKCS7Data, Content: asn1.RawValue{FullBytes: explicit0(t, must(asn1.Marshal(bags)))}}
	authSafe := must(asn1.Marshal([]pfxContentInfo{safe}))
	return must(asn1.Marshal(pfxPDU{Version: 3, AuthSafe: pfxContentInfo{ContentType: oidPKCS7Data,
		Content: asn1.RawValue{FullBytes: explicit0(t, must(asn1.Marshal(authSafe)))}}}))
}

// explicit0 wraps DER in a context-specific [0] constructed tag.
func explicit0(t *testing.T, der []byte) []byte {
	t.Helper()
	b, err := asn1.Marshal(asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: der})
	if err != nil {
		t.Fatal(err)
	}
	return b
}
