package model

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/asn1"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"

	"software.sslmate.com/src/go-pkcs12"
)

// pfxContents is what the import ops take from a PFX: the end-entity
// certificate (the one its private key belongs to), the key, and the other
// certificates in file order.
type pfxContents struct {
	endEntity *x509.Certificate
	keyPEM    []byte // PKCS#8
	others    []*x509.Certificate
}

// go-pkcs12 v0.7.4 reports these with errors.New, so they are told apart by
// text; the tests pin the behaviour should a new version change it.
const (
	pkcs12NoKey       = "pkcs12: private key missing"
	pkcs12NoCert      = "pkcs12: certificate missing"
	pkcs12SeveralKeys = "pkcs12: expected exactly one key bag"
)

// parsePFX decodes a PKCS#12 file with go-pkcs12's DecodeChain, which reads
// both the legacy (3DES or RC2, SHA-1 MAC) and the modern (PBES2 AES-256,
// SHA-256 MAC) encodings Windows Server 2022 imports. Failures are answered
// as Windows answers them; no error quotes the password or the PFX bytes.
func (h *Host) parsePFX(op string, data []byte, password string) (pfxContents, *OpError) {
	if !isPFXBlob(data) {
		return pfxContents{}, h.notPFXError(op, data)
	}
	key, first, rest, err := pkcs12.DecodeChain(data, password)
	if err != nil {
		return pfxContents{}, h.pfxError(op, err)
	}
	all := append([]*x509.Certificate{first}, rest...)
	signer, ok := key.(crypto.Signer)
	leaf := -1
	for i, c := range all {
		if ok && publicKeysEqual(c.PublicKey, signer.Public()) {
			leaf = i
			break
		}
	}
	if leaf < 0 {
		return pfxContents{}, h.win32Error(errInvalidParameter, "%s: the private key in the PFX belongs to none of its certificates", op)
	}
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return pfxContents{}, &OpError{Code: 1, Message: fmt.Sprintf("%s: the simulator cannot keep a private key of type %T", op, key)}
	}
	out := pfxContents{
		endEntity: all[leaf],
		keyPEM:    pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8}),
	}
	for i, c := range all {
		if i != leaf && !bytes.Equal(c.Raw, all[leaf].Raw) {
			out.others = append(out.others, c)
		}
	}
	return out, nil
}

// pfxOuter is the outer layer of a PFX (RFC 7292 4: PFX ::= SEQUENCE {
// version INTEGER {v3(3)}, authSafe ContentInfo, macData MacData OPTIONAL}).
type pfxOuter struct {
	Version  int
	AuthSafe struct {
		ContentType asn1.ObjectIdentifier
		Content     asn1.RawValue `asn1:"explicit,tag:0,optional"`
	}
	MacData asn1.RawValue `asn1:"optional"`
}

// isPFXBlob says the outer layer of data decodes as a version 3 PFX, which
// is what CryptQueryObject checks before it calls the content a PFX
// ("PFXIsPFXBlob function": "attempts to decode the outer layer of a BLOB as
// a PFX packet", learn.microsoft.com/windows/win32/api/wincrypt/
// nf-wincrypt-pfxispfxblob). Truncated or garbage data is not one.
func isPFXBlob(data []byte) bool {
	var outer pfxOuter
	_, err := asn1.Unmarshal(data, &outer)
	return err == nil && outer.Version == 3
}

// notPFXError answers an import of data that is no PFX as .NET does:
// X509Certificate2Collection.Import loads a certificate (DER, or base64 and
// PEM, CERT_QUERY_FORMAT_FLAG_ALL) as a collection of one certificate
// without a key, for which the op script answers 87 as for a PFX without a
// key; anything else fails in CryptQueryObject with CRYPT_E_NO_MATCH.
// PKCS #7 and serialized stores, which Windows also loads, are not modelled:
// they fail as garbage here.
func (h *Host) notPFXError(op string, data []byte) *OpError {
	if isCertificateBlob(data) {
		return h.win32Error(errInvalidParameter, "%s: the PFX holds no certificate with a private key; export the certificate with its private key", op)
	}
	return h.systemError(hresultNoMatch)
}

// isCertificateBlob says data is one X.509 certificate in DER, PEM or bare
// base64.
func isCertificateBlob(data []byte) bool {
	if _, err := x509.ParseCertificate(data); err == nil {
		return true
	}
	if block, _ := pem.Decode(data); block != nil {
		_, err := x509.ParseCertificate(block.Bytes)
		return err == nil
	}
	der, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(string(data)), ""))
	if err != nil {
		return false
	}
	_, err = x509.ParseCertificate(der)
	return err == nil
}

// pfxError maps a DecodeChain failure to the host's answer.
func (h *Host) pfxError(op string, err error) *OpError {
	var notImplemented pkcs12.NotImplementedError
	switch {
	case errors.Is(err, pkcs12.ErrIncorrectPassword) || errors.Is(err, pkcs12.ErrDecryption):
		// Exactly the CryptographicException's text, nothing added: the
		// provider recognises this failure by its code.
		return h.systemError(hresultInvalidPassword)
	case err.Error() == pkcs12NoKey || err.Error() == pkcs12NoCert:
		return h.win32Error(errInvalidParameter, "%s: the PFX holds no certificate with a private key; "+
			"import the certificate with cert.add, or export it again with its private key", op)
	case err.Error() == pkcs12SeveralKeys:
		return h.win32Error(errInvalidParameter, "%s: the PFX holds more than one private key; it must hold one (the server certificate's)", op)
	case errors.As(err, &notImplemented):
		// Windows may well read such a file; the simulator cannot.
		return &OpError{Code: 1, Message: fmt.Sprintf("%s: the simulator cannot read this PFX: %v", op, err)}
	default:
		return h.win32Error(hresultASN1BadTag, "%s: the data is not a PKCS#12 (PFX) file", op)
	}
}

// publicKeysEqual compares two public keys of any type the x509 package
// parses.
func publicKeysEqual(a, b crypto.PublicKey) bool {
	type equaler interface{ Equal(crypto.PublicKey) bool }
	ka, ok := a.(equaler)
	return ok && ka.Equal(b)
}
