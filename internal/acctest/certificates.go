package acctest

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"os"
	"strings"
	"testing"
	"time"

	"software.sslmate.com/src/go-pkcs12"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/windows"
)

// TestCertificate is a self-signed server certificate with its ECDSA key,
// made for one test.
type TestCertificate struct {
	Cert       *x509.Certificate
	Key        *ecdsa.PrivateKey
	PEM        string
	KeyPEM     string // PKCS#8
	Thumbprint string // SHA-1 of the DER, 40 upper-case hex digits, as Windows shows it
}

// NewTestCertificate makes a certificate for dnsName, valid for a day, with
// the server and client authentication key usages the procedures ask
// for.
func NewTestCertificate(t *testing.T, dnsName string) TestCertificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatalf("generate key: %v", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		t.Fatalf("serial: %v", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: dnsName},
		DNSNames:     []string{dnsName},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatalf("create certificate: %v", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatalf("parse certificate: %v", err)
	}
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatalf("marshal key: %v", err)
	}
	sum := sha1.Sum(der)
	return TestCertificate{
		Cert: cert, Key: key,
		PEM:        string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})),
		KeyPEM:     string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8})),
		Thumbprint: strings.ToUpper(hex.EncodeToString(sum[:])),
	}
}

// StoreCertificate is a certificate to put in a LocalMachine store before a
// test, with its private key or without.
type StoreCertificate struct {
	Store   string // MY, WebHosting, ...
	Cert    TestCertificate
	WithKey bool
}

// scenarioCertificate is a certificate in the simulator's scenario document
// (model.CertificateState).
type scenarioCertificate struct {
	Store         string `json:"store"`
	PEM           string `json:"pem"`
	KeyPEM        string `json:"key_pem,omitempty"`
	HasPrivateKey bool   `json:"has_private_key"`
}

// NewHostWithCertificates is NewHost with certificates in the host's
// LocalMachine stores: in the simulator's scenario document, or, on a real
// host, imported through the host API (and removed when the test ends).
func NewHostWithCertificates(t *testing.T, scenario []byte, certs ...StoreCertificate) *Host {
	t.Helper()
	if os.Getenv("WINRM_HOST") != "" {
		h := NewHost(t, scenario)
		h.installCertificates(t, certs)
		return h
	}
	return NewHost(t, scenarioWithCertificates(t, scenario, certs))
}

// scenarioWithCertificates adds certs to a scenario document's certificates.
func scenarioWithCertificates(t *testing.T, scenario []byte, certs []StoreCertificate) []byte {
	t.Helper()
	doc := map[string]any{}
	if len(scenario) > 0 {
		if err := json.Unmarshal(scenario, &doc); err != nil {
			t.Fatalf("scenario: %v", err)
		}
	}
	list, _ := doc["certificates"].([]any)
	for _, c := range certs {
		sc := scenarioCertificate{Store: c.Store, PEM: c.Cert.PEM}
		if c.WithKey {
			sc.KeyPEM, sc.HasPrivateKey = c.Cert.KeyPEM, true
		}
		list = append(list, sc)
	}
	doc["certificates"] = list
	data, err := json.Marshal(doc)
	if err != nil {
		t.Fatalf("scenario: %v", err)
	}
	return data
}

// installCertificates imports certs into a real host's stores: as a PFX
// with a generated password when the key goes too, as a certificate alone
// otherwise.
func (h *Host) installCertificates(t *testing.T, certs []StoreCertificate) {
	t.Helper()
	api := h.Windows(t).Certificates()
	for _, c := range certs {
		ctx := Context(t)
		var err error
		if c.WithKey {
			password := rand.Text()
			var pfx []byte
			pfx, err = pkcs12.Modern.Encode(c.Cert.Key, c.Cert.Cert, nil, password)
			if err == nil {
				_, err = api.ImportPFX(ctx, windows.PFXImport{Store: c.Store, PFX: pfx, Password: password})
			}
		} else {
			_, err = api.Add(ctx, c.Store, c.Cert.PEM)
		}
		if err != nil {
			t.Fatalf("install test certificate %s in %s: %v", c.Cert.Thumbprint, c.Store, err)
		}
		store, thumbprint := c.Store, c.Cert.Thumbprint
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			_ = api.Remove(ctx, store, thumbprint)
		})
	}
}
