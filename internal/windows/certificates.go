package windows

import (
	"context"
	"encoding/base64"
	"fmt"
	"time"
)

// Certificates is the host's LocalMachine certificate stores (X509Store and
// X509Certificate2 on the host).
type Certificates struct{ host *Host }

// Certificates returns the host's certificate store API.
func (h *Host) Certificates() *Certificates { return &Certificates{host: h} }

// Certificate is a certificate in a LocalMachine store, as the host reads it.
type Certificate struct {
	// Store is the store name upper-cased: MY, ROOT, CA, WEBHOSTING, ...
	Store string `json:"store"`
	// Thumbprint is the SHA-1 hash of the certificate, 40 upper-case hex digits.
	Thumbprint string `json:"thumbprint"`
	// Subject and Issuer are distinguished names as .NET's
	// X500DistinguishedName.Name prints them ("CN=a, O=b").
	Subject string `json:"subject"`
	Issuer  string `json:"issuer"`
	// DNSNames are the DNS names of the subject alternative name extension.
	DNSNames  []string  `json:"dns_names"`
	NotBefore time.Time `json:"not_before"`
	NotAfter  time.Time `json:"not_after"`
	// HasPrivateKey says the store links a private key to the certificate;
	// the key may still not open (its container deleted or mismatched),
	// which HTTP.sys answers with 1312.
	HasPrivateKey bool `json:"has_private_key"`
	// KeyOpens says the linked private key opens on the host (Get and List
	// ask for it; nil in other answers).
	KeyOpens *bool `json:"key_opens,omitempty"`
	// EnhancedKeyUsages are the OIDs of the EKU extension, in order.
	EnhancedKeyUsages []string `json:"enhanced_key_usages"`
	// PEM is the certificate (public part only).
	PEM string `json:"pem"`
}

// PFXImport is a PKCS#12 file to import into a LocalMachine store. Its
// fields travel only in the op's arguments (stdin of the host's PowerShell);
// String and GoString redact them so that a stray %v cannot log them.
type PFXImport struct {
	Store    string
	PFX      []byte
	Password string
	// Exportable marks the private key exportable.
	Exportable bool
	// ImportChain also adds the PFX's other certificates: issuing CAs to CA,
	// self-signed roots to ROOT.
	ImportChain bool
	// ExpectThumbprint, if set, is the thumbprint the PFX must hold: a
	// re-import over a certificate already in the store. The host fails
	// with CodeInvalidData, changing nothing, if the PFX holds another.
	ExpectThumbprint string
}

// String describes the import without the PFX bytes or the password.
func (p PFXImport) String() string {
	return fmt.Sprintf("PFX import into %s (%d bytes, exportable=%t, import_chain=%t)", p.Store, len(p.PFX), p.Exportable, p.ImportChain)
}

// GoString is String, so %#v redacts too.
func (p PFXImport) GoString() string { return p.String() }

// PFXFileImport is a PKCS#12 file already on the host to import.
type PFXFileImport struct {
	Store       string
	Path        string
	Password    string
	Exportable  bool
	ImportChain bool
	// ExpectThumbprint is as in PFXImport.
	ExpectThumbprint string
}

// String describes the import without the password.
func (p PFXFileImport) String() string {
	return fmt.Sprintf("PFX import of %s into %s (exportable=%t, import_chain=%t)", p.Path, p.Store, p.Exportable, p.ImportChain)
}

// GoString is String, so %#v redacts too.
func (p PFXFileImport) GoString() string { return p.String() }

// Imported is the outcome of a PFX import: the end-entity certificate (the
// one with the private key) and the chain certificates added with it.
type Imported struct {
	Certificate Certificate   `json:"certificate"`
	Chain       []Certificate `json:"chain"`
}

// pfxArgs are the arguments of cert.import_pfx and cert.import_pfx_file.
type pfxArgs struct {
	Store       string `json:"store"`
	PFXBase64   string `json:"pfx_base64,omitempty"`
	Path        string `json:"path,omitempty"`
	Password    string `json:"password"`
	Exportable  bool   `json:"exportable"`
	ImportChain bool   `json:"import_chain"`
	// ExpectThumbprint is empty for a first import.
	ExpectThumbprint string `json:"expect_thumbprint,omitempty"`
}

type certKey struct {
	Store      string `json:"store"`
	Thumbprint string `json:"thumbprint"`
}

// List returns the certificates of a store, each saying whether its key
// opens (KeyOpens).
func (c *Certificates) List(ctx context.Context, store string) ([]Certificate, error) {
	var out struct {
		Certificates []Certificate `json:"certificates"`
	}
	err := c.host.call(ctx, "cert.list", map[string]any{"store": store, "open_keys": true}, &out)
	return out.Certificates, err
}

// Get returns the certificate with the thumbprint (40 hex digits) in store,
// saying whether its key opens (KeyOpens); IsNotFound if it is not there.
func (c *Certificates) Get(ctx context.Context, store, thumbprint string) (Certificate, error) {
	var cert Certificate
	args := struct {
		certKey
		OpenKeys bool `json:"open_keys"`
	}{certKey{Store: store, Thumbprint: thumbprint}, true}
	err := c.host.call(ctx, "cert.get", args, &cert)
	return cert, err
}

// GetWithUsableKey is Get that also opens the certificate's private key on
// the host (CNG, then CryptoAPI): IsNoUsablePrivateKey when there is none or
// it does not open. HasPrivateKey alone only says the certificate links a
// key; HTTP.sys refuses a link whose key container is missing (1312).
func (c *Certificates) GetWithUsableKey(ctx context.Context, store, thumbprint string) (Certificate, error) {
	var cert Certificate
	args := struct {
		certKey
		RequireKey bool `json:"require_key"`
	}{certKey{Store: store, Thumbprint: thumbprint}, true}
	err := c.host.call(ctx, "cert.get", args, &cert)
	return cert, err
}

// ImportPFX imports the certificate with a private key from a PFX, with the
// key in the machine key store (MachineKeySet | PersistKeySet), and confirms
// it is in the store. Importing a certificate already in the store again
// (ExpectThumbprint) links it to the new key and then deletes its previous
// key, so the certificate stays usable throughout. IsWrongPFXPassword if
// the password does not open the PFX; IsInvalidParameter if it holds no
// certificate with a private key; IsPFXOfAnotherCertificate if it does not
// hold ExpectThumbprint.
func (c *Certificates) ImportPFX(ctx context.Context, p PFXImport) (Imported, error) {
	args := pfxArgs{
		Store: p.Store, PFXBase64: base64.StdEncoding.EncodeToString(p.PFX), Password: p.Password,
		Exportable: p.Exportable, ImportChain: p.ImportChain, ExpectThumbprint: p.ExpectThumbprint,
	}
	var out Imported
	err := c.host.call(ctx, "cert.import_pfx", args, &out)
	return out, err
}

// ImportPFXFile is ImportPFX for a PFX file on the host; IsNotFound if there
// is no such file.
func (c *Certificates) ImportPFXFile(ctx context.Context, p PFXFileImport) (Imported, error) {
	args := pfxArgs{
		Store: p.Store, Path: p.Path, Password: p.Password,
		Exportable: p.Exportable, ImportChain: p.ImportChain, ExpectThumbprint: p.ExpectThumbprint,
	}
	var out Imported
	err := c.host.call(ctx, "cert.import_pfx_file", args, &out)
	return out, err
}

// PFXFileInspection is what a PFX file on the host holds, read without
// importing it (cert.pfx_file.inspect).
type PFXFileInspection struct {
	// Inspected is false when the host's reader cannot read this PFX,
	// though Windows may import it (RC4, BER, unusual PBES2 parameters):
	// the other fields are then empty and Reason says why.
	Inspected bool   `json:"inspected"`
	Reason    string `json:"reason"`
	// Certificate is the one the import would put into the store: the one
	// with the private key (HasPrivateKey), else the first; Store is empty.
	Certificate Certificate `json:"certificate"`
	// BareCertificate says the file is one X.509 certificate (DER or PEM),
	// not a PFX: Certificate is it, without a key. Its import fails with
	// IsInvalidParameter.
	BareCertificate bool `json:"bare_certificate"`
	// Chain are the PFX's other certificates, in file order.
	Chain []Certificate `json:"chain"`
	// PBES2 says some of the PFX is encrypted with PBES2 (AES), which
	// Windows imports only from build 16299 on.
	PBES2 bool `json:"pbes2"`
}

// InspectPFXFile reads a PFX file on the host with its password, without
// importing it and without creating any key container. IsNotFound if there
// is no such file; IsWrongPFXPassword if the password does not open it;
// IsNotPFX if it is neither a PFX nor a certificate; IsInvalidParameter if
// it holds more than one key.
func (c *Certificates) InspectPFXFile(ctx context.Context, path, password string) (PFXFileInspection, error) {
	var out PFXFileInspection
	err := c.host.call(ctx, "cert.pfx_file.inspect", map[string]string{"path": path, "password": password}, &out)
	return out, err
}

// Add puts a public certificate (PEM) into a store; IsInvalidParameter if
// the PEM is not one certificate.
func (c *Certificates) Add(ctx context.Context, store, pem string) (Certificate, error) {
	var cert Certificate
	err := c.host.call(ctx, "cert.add", map[string]string{"store": store, "pem": pem}, &cert)
	return cert, err
}

// Remove deletes a certificate from a store together with its private key;
// IsNotFound if it is not there.
func (c *Certificates) Remove(ctx context.Context, store, thumbprint string) error {
	return c.host.call(ctx, "cert.remove", certKey{Store: store, Thumbprint: thumbprint}, nil)
}

// IsWrongPFXPassword reports whether err says the password does not open the
// PFX. Windows before Server 2016 1709 says the same of a PFX encrypted with
// AES-256, which it cannot read.
func IsWrongPFXPassword(err error) bool { return ErrorCode(err) == CodeWrongPFXPassword }

// HRESULTs of a PFX import that say the bytes are no PFX Windows can read
// ("COM Error Codes (Security and Setup)", learn.microsoft.com).
const (
	// CodeNotPFX is CRYPT_E_NO_MATCH: CryptQueryObject found no
	// certificate, PKCS #7 or PFX content at all.
	CodeNotPFX = 0x80092009
	// CodeMalformedPFX is CRYPT_E_ASN1_BADTAG: the PFX's inside is not the
	// DER it must be.
	CodeMalformedPFX = 0x8009310B
)

// IsNotPFX reports whether err says the bytes given as a PFX are not one
// (garbage, a truncated or damaged file).
func IsNotPFX(err error) bool {
	code := ErrorCode(err)
	return code == CodeNotPFX || code == CodeMalformedPFX
}

// IsInvalidParameter reports whether err says an argument was rejected (for
// certificates: not a certificate, or no certificate with a private key).
func IsInvalidParameter(err error) bool { return ErrorCode(err) == CodeInvalidParameter }

// IsPFXOfAnotherCertificate reports whether err says a re-import found
// another certificate in the PFX than the one expected (ERROR_INVALID_DATA).
func IsPFXOfAnotherCertificate(err error) bool { return ErrorCode(err) == CodeInvalidData }
