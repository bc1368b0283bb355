package model

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"math/big"
	"testing"
	"time"
)

// testCert is a self-signed certificate with its PKCS#8 key.
type testCert struct {
	der        []byte
	certPEM    string
	keyPEM     string
	thumbprint string
}

func newTestCert(t *testing.T, cn string) testCert {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: cn},
		DNSNames:     []string{cn},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return testCert{
		der:        der,
		certPEM:    string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})),
		keyPEM:     string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8})),
		thumbprint: Thumbprint(der),
	}
}

// invoke runs an op with args marshalled to JSON and decodes its result
// into out (if not nil); it returns the op's error code (0 on success).
func invoke(t *testing.T, h *Host, op string, args any, out any) *OpError {
	t.Helper()
	raw, err := json.Marshal(args)
	if err != nil {
		t.Fatal(err)
	}
	res, err := h.Invoke(op, raw)
	if err != nil {
		var opErr *OpError
		if !errors.As(err, &opErr) {
			t.Fatalf("%s: error is not an *OpError: %v", op, err)
		}
		return opErr
	}
	if out != nil {
		if err := json.Unmarshal(res, out); err != nil {
			t.Fatalf("%s: result %s: %v", op, res, err)
		}
	}
	return nil
}

// mustInvoke runs an op that must succeed.
func mustInvoke(t *testing.T, h *Host, op string, args any, out any) {
	t.Helper()
	if opErr := invoke(t, h, op, args, out); opErr != nil {
		t.Fatalf("%s(%v): %v", op, args, opErr)
	}
}

// wantCode checks an op error's code.
func wantCode(t *testing.T, what string, got *OpError, code int) {
	t.Helper()
	switch {
	case code == 0 && got != nil:
		t.Errorf("%s: unexpected error %v", what, got)
	case code != 0 && got == nil:
		t.Errorf("%s: succeeded, want error %d", what, code)
	case code != 0 && got.Code != code:
		t.Errorf("%s: error %v, want code %d", what, got, code)
	}
}
