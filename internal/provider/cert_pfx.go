package provider

import (
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"

	"software.sslmate.com/src/go-pkcs12"
)

// Errors of parsePFX that are the user's to fix. Their texts never contain
// the PFX bytes or the password.
var (
	errPFXWrongPassword = errors.New("the password does not open the PFX")
	errPFXNoPrivateKey  = errors.New("the PFX holds no private key")
	errPFXKeyMismatch   = errors.New("the private key in the PFX belongs to none of its certificates")
	errPFXMalformed     = errors.New("the content is not a PKCS#12 (.pfx/.p12) file")
	// errPFXIsCertificate is a bare certificate given as a PFX, which
	// Windows imports as a certificate without a private key.
	errPFXIsCertificate = errors.New("the content is an X.509 certificate without its private key, not a PFX")
)

// errPFXUnsupported wraps what go-pkcs12 cannot read but Windows may (more
// than two safes, unusual ciphers): the plan then leaves the facts to the
// host instead of failing.
var errPFXUnsupported = errors.New("the provider cannot read this PFX at plan time")

// parsedPFX is a PKCS#12 file read in Go.
type parsedPFX struct {
	// Leaf is the certificate the private key belongs to (the one Windows
	// imports as the end-entity).
	Leaf *x509.Certificate
	// Chain are the other certificates, in file order.
	Chain []*x509.Certificate
}

// parsePFX reads a PFX the way the host's import will: legacy (RC2/3DES with
// SHA-1 MAC) and modern (PBES2 AES-256 with SHA-256 MAC) encryption, one
// private key, its certificate and any chain certificates.
func parsePFX(data []byte, password string) (parsedPFX, error) {
	key, first, rest, err := pkcs12.DecodeChain(data, password)
	if err != nil && isBareCertificate(data) {
		return parsedPFX{}, errPFXIsCertificate
	}
	if err != nil {
		return parsedPFX{}, classifyPKCS12Error(err)
	}
	certs := append([]*x509.Certificate{first}, rest...)
	leaf := -1
	for i, cert := range certs {
		if publicKeyMatches(key, cert) {
			leaf = i
			break
		}
	}
	if leaf < 0 {
		return parsedPFX{}, errPFXKeyMismatch
	}
	p := parsedPFX{Leaf: certs[leaf]}
	for i, cert := range certs {
		if i != leaf {
			p.Chain = append(p.Chain, cert)
		}
	}
	return p, nil
}

// classifyPKCS12Error maps go-pkcs12's errors to what the user must do.
// go-pkcs12 reports a missing key only by its message text.
func classifyPKCS12Error(err error) error {
	var notImplemented pkcs12.NotImplementedError
	switch {
	case errors.Is(err, pkcs12.ErrIncorrectPassword), errors.Is(err, pkcs12.ErrDecryption):
		return errPFXWrongPassword
	case err.Error() == "pkcs12: private key missing":
		return errPFXNoPrivateKey
	case err.Error() == "pkcs12: string contains characters that cannot be encoded in UCS-2":
		return fmt.Errorf("%w: the password has characters outside the Basic Multilingual Plane", errPFXUnsupported)
	case errors.As(err, &notImplemented):
		return fmt.Errorf("%w: %s", errPFXUnsupported, notImplemented.Error())
	default:
		return fmt.Errorf("%w (%s)", errPFXMalformed, err.Error())
	}
}

// isBareCertificate says data is one X.509 certificate, DER or PEM (a .cer
// or .crt file): X509Certificate2Collection.Import loads those too, as a
// collection of one certificate without a key.
func isBareCertificate(data []byte) bool {
	if block, _ := pem.Decode(data); block != nil {
		data = block.Bytes
	}
	_, err := x509.ParseCertificate(data)
	return err == nil
}

// publicKeyMatches reports whether the private key belongs to cert.
func publicKeyMatches(key any, cert *x509.Certificate) bool {
	signer, ok := key.(crypto.Signer)
	if !ok {
		return false
	}
	pub, ok := signer.Public().(interface{ Equal(crypto.PublicKey) bool })
	return ok && pub.Equal(cert.PublicKey)
}
