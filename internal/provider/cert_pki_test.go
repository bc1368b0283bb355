package provider

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"testing"
	"time"

	"software.sslmate.com/src/go-pkcs12"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/x500"
)

// The test PKI is exported (from a _test file) so that the acceptance tests
// in package provider_test use the same certificates as the unit tests.

// LeafOptions shape the end-entity certificate of a TestChain.
type LeafOptions struct {
	Subject     pkix.Name
	DNSNames    []string
	NotBefore   time.Time // default: an hour ago
	NotAfter    time.Time // default: in a year
	ExtKeyUsage []x509.ExtKeyUsage
	// UnknownExtKeyUsage are EKU OIDs appended after ExtKeyUsage.
	UnknownExtKeyUsage []asn1ObjectIdentifier
	RSA                bool // an RSA-2048 key instead of ECDSA P-256
}

// asn1ObjectIdentifier keeps encoding/asn1 out of the acceptance tests'
// imports.
type asn1ObjectIdentifier = []int

// TestChain is a root CA, an issuing CA and an end-entity certificate with
// its private key, made for one test.
type TestChain struct {
	Root, Intermediate, Leaf *x509.Certificate
	LeafKey                  crypto.Signer
}

// NewTestChain makes a root, an intermediate and a leaf shaped by opts.
func NewTestChain(t testing.TB, opts LeafOptions) TestChain {
	t.Helper()
	rootKey := newTestKey(t, false)
	root := signTestCertificate(t, &x509.Certificate{
		Subject: pkix.Name{CommonName: "Test Root CA", Organization: []string{"Example"}},
		IsCA:    true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}, nil, rootKey, rootKey)
	interKey := newTestKey(t, false)
	inter := signTestCertificate(t, &x509.Certificate{
		Subject: pkix.Name{CommonName: "Test Issuing CA", Organization: []string{"Example"}},
		IsCA:    true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}, root, interKey, rootKey)
	leafKey := newTestKey(t, opts.RSA)
	tmpl := &x509.Certificate{
		Subject: opts.Subject, DNSNames: opts.DNSNames, NotBefore: opts.NotBefore, NotAfter: opts.NotAfter,
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment, ExtKeyUsage: opts.ExtKeyUsage,
	}
	for _, oid := range opts.UnknownExtKeyUsage {
		tmpl.UnknownExtKeyUsage = append(tmpl.UnknownExtKeyUsage, oid)
	}
	leaf := signTestCertificate(t, tmpl, inter, leafKey, interKey)
	return TestChain{Root: root, Intermediate: inter, Leaf: leaf, LeafKey: leafKey}
}

func newTestKey(t testing.TB, useRSA bool) crypto.Signer {
	t.Helper()
	var key crypto.Signer
	var err error
	if useRSA {
		key, err = rsa.GenerateKey(rand.Reader, 2048)
	} else {
		key, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	}
	if err != nil {
		t.Fatalf("generate key: %v", err)
	}
	return key
}

// signTestCertificate issues tmpl for key, signed by parent's key (self-signed
// when parent is nil).
func signTestCertificate(t testing.TB, tmpl, parent *x509.Certificate, key, parentKey crypto.Signer) *x509.Certificate {
	t.Helper()
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		t.Fatalf("serial: %v", err)
	}
	tmpl.SerialNumber = serial
	if tmpl.NotBefore.IsZero() {
		tmpl.NotBefore = time.Now().Add(-time.Hour).Truncate(time.Second)
	}
	if tmpl.NotAfter.IsZero() {
		tmpl.NotAfter = time.Now().AddDate(1, 0, 0).Truncate(time.Second)
	}
	if parent == nil {
		parent = tmpl
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, key.Public(), parentKey)
	if err != nil {
		t.Fatalf("create certificate: %v", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatalf("parse certificate: %v", err)
	}
	return cert
}

// PFX encodes the leaf and its key, with the two CAs when withChain.
func (c TestChain) PFX(t testing.TB, enc *pkcs12.Encoder, password string, withChain bool) []byte {
	t.Helper()
	var chain []*x509.Certificate
	if withChain {
		chain = []*x509.Certificate{c.Intermediate, c.Root}
	}
	pfx, err := enc.Encode(c.LeafKey, c.Leaf, chain, password)
	if err != nil {
		t.Fatalf("encode PFX: %v", err)
	}
	return pfx
}

// PFXWithoutKey encodes the leaf and CAs with no private key, as a
// certificate-only PKCS#12 export does.
func (c TestChain) PFXWithoutKey(t testing.TB, enc *pkcs12.Encoder, password string) []byte {
	t.Helper()
	pfx, err := enc.EncodeTrustStore([]*x509.Certificate{c.Leaf, c.Intermediate}, password)
	if err != nil {
		t.Fatalf("encode PFX: %v", err)
	}
	return pfx
}

// CertificatePEM is a certificate's public part in PEM.
func CertificatePEM(cert *x509.Certificate) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}))
}

// Thumbprint is the thumbprint Windows shows for cert.
var Thumbprint = thumbprintOf

// FormatDN is the subject or issuer text Windows shows for a raw name.
func FormatDN(t testing.TB, raw []byte) string {
	t.Helper()
	dn, err := x500.Format(raw)
	if err != nil {
		t.Fatalf("format DN: %v", err)
	}
	return dn
}
