package provider

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"software.sslmate.com/src/go-pkcs12"
)

const testPFXPassword = `pfx-P@ss'w"0rd$(x)`

func TestParsePFX(t *testing.T) {
	chain := NewTestChain(t, LeafOptions{Subject: pkix.Name{CommonName: "sage300.example.local"}, DNSNames: []string{"sage300.example.local"}})
	rsaChain := NewTestChain(t, LeafOptions{Subject: pkix.Name{CommonName: "rsa.example.local"}, RSA: true})
	other := NewTestChain(t, LeafOptions{Subject: pkix.Name{CommonName: "other"}})
	leafKeyFirstCA, err := pkcs12.Modern.Encode(chain.LeafKey, chain.Intermediate, []*x509.Certificate{chain.Leaf}, testPFXPassword)
	if err != nil {
		t.Fatal(err)
	}
	foreignKey, err := pkcs12.Modern.Encode(other.LeafKey, chain.Leaf, nil, testPFXPassword)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		pfx       []byte
		password  string
		wantLeaf  *x509.Certificate
		wantChain int
		wantErr   error
	}{
		{name: "modern AES-256 with chain", pfx: chain.PFX(t, pkcs12.Modern2023, testPFXPassword, true), password: testPFXPassword, wantLeaf: chain.Leaf, wantChain: 2},
		{name: "modern PBMAC1", pfx: chain.PFX(t, pkcs12.Modern2026, testPFXPassword, false), password: testPFXPassword, wantLeaf: chain.Leaf},
		{name: "legacy 3DES", pfx: chain.PFX(t, pkcs12.LegacyDES, testPFXPassword, true), password: testPFXPassword, wantLeaf: chain.Leaf, wantChain: 2},
		{name: "legacy RC2", pfx: chain.PFX(t, pkcs12.LegacyRC2, testPFXPassword, false), password: testPFXPassword, wantLeaf: chain.Leaf},
		{name: "RSA key", pfx: rsaChain.PFX(t, pkcs12.Modern, testPFXPassword, false), password: testPFXPassword, wantLeaf: rsaChain.Leaf},
		{name: "empty password", pfx: chain.PFX(t, pkcs12.Modern, "", false), password: "", wantLeaf: chain.Leaf},
		{name: "non-ASCII password", pfx: chain.PFX(t, pkcs12.Modern, "Kennwort-äöü€", false), password: "Kennwort-äöü€", wantLeaf: chain.Leaf},
		{name: "leaf not first", pfx: leafKeyFirstCA, password: testPFXPassword, wantLeaf: chain.Leaf, wantChain: 1},
		{name: "wrong password modern", pfx: chain.PFX(t, pkcs12.Modern, testPFXPassword, false), password: "wrong", wantErr: errPFXWrongPassword},
		{name: "wrong password legacy", pfx: chain.PFX(t, pkcs12.Legacy, testPFXPassword, false), password: "wrong", wantErr: errPFXWrongPassword},
		{name: "password given for a PFX without one", pfx: chain.PFX(t, pkcs12.Modern, "", false), password: testPFXPassword, wantErr: errPFXWrongPassword},
		{name: "no private key", pfx: chain.PFXWithoutKey(t, pkcs12.Modern, testPFXPassword), password: testPFXPassword, wantErr: errPFXNoPrivateKey},
		{name: "no private key legacy", pfx: chain.PFXWithoutKey(t, pkcs12.LegacyDES, testPFXPassword), password: testPFXPassword, wantErr: errPFXNoPrivateKey},
		{name: "key of another certificate", pfx: foreignKey, password: testPFXPassword, wantErr: errPFXKeyMismatch},
		{name: "a PEM certificate, not a PFX", pfx: []byte(CertificatePEM(chain.Leaf)), password: testPFXPassword, wantErr: errPFXIsCertificate},
		{name: "a DER certificate, not a PFX", pfx: chain.Leaf.Raw, password: testPFXPassword, wantErr: errPFXIsCertificate},
		{name: "garbage", pfx: []byte("not a PFX at all"), password: testPFXPassword, wantErr: errPFXMalformed},
		{name: "empty", pfx: nil, password: testPFXPassword, wantErr: errPFXMalformed},
		{name: "password outside the BMP", pfx: chain.PFX(t, pkcs12.Modern, "", false), password: "pw😀", wantErr: errPFXUnsupported},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parsePFX(tt.pfx, tt.password)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("parsePFX error = %v, want %v", err, tt.wantErr)
				}
				assertNoSecret(t, err.Error(), tt.password, tt.pfx)
				return
			}
			if err != nil {
				t.Fatalf("parsePFX: %v", err)
			}
			if thumbprintOf(got.Leaf) != thumbprintOf(tt.wantLeaf) {
				t.Errorf("leaf = %s, want %s", got.Leaf.Subject, tt.wantLeaf.Subject)
			}
			if len(got.Chain) != tt.wantChain {
				t.Errorf("chain has %d certificates, want %d", len(got.Chain), tt.wantChain)
			}
		})
	}
}

// assertNoSecret fails if text repeats the password or a run of the PFX.
func assertNoSecret(t *testing.T, text, password string, pfx []byte) {
	t.Helper()
	if len(password) >= 4 && strings.Contains(text, password) {
		t.Errorf("%q contains the password", text)
	}
	b64 := base64.StdEncoding.EncodeToString(pfx)
	for i := 0; i+40 <= len(b64); i += 7 {
		if strings.Contains(text, b64[i:i+40]) {
			t.Fatalf("%q contains PFX base64 at offset %d", text, i)
		}
	}
}
