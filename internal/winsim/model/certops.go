package model

import (
	"bytes"
	"crypto/x509"
	"encoding/asn1"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
	"time"
)

// The cert ops (PROTOCOL.md, "Certificates") work on the LocalMachine
// stores the HTTP.sys ops check bindings against: one table, h.certs.

// certificateView is a certificate as the cert ops show it.
type certificateView struct {
	Store             string   `json:"store"`
	Thumbprint        string   `json:"thumbprint"`
	Subject           string   `json:"subject"`
	Issuer            string   `json:"issuer"`
	DNSNames          []string `json:"dns_names"`
	NotBefore         string   `json:"not_before"`
	NotAfter          string   `json:"not_after"`
	HasPrivateKey     bool     `json:"has_private_key"`
	EnhancedKeyUsages []string `json:"enhanced_key_usages"`
	PEM               string   `json:"pem"`
}

// viewCertificate shows c with subject and issuer as X500DistinguishedName.
// Name prints them and dates in UTC (RFC 3339).
func viewCertificate(c Certificate) certificateView {
	dnsNames := append([]string{}, c.Cert.DNSNames...)
	return certificateView{
		Store:             c.Store,
		Thumbprint:        c.Thumbprint,
		Subject:           X500Name(c.Cert.RawSubject),
		Issuer:            X500Name(c.Cert.RawIssuer),
		DNSNames:          dnsNames,
		NotBefore:         c.Cert.NotBefore.UTC().Format(time.RFC3339),
		NotAfter:          c.Cert.NotAfter.UTC().Format(time.RFC3339),
		HasPrivateKey:     c.HasPrivateKey,
		EnhancedKeyUsages: enhancedKeyUsages(c),
		PEM:               string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.DER})),
	}
}

var oidExtensionExtKeyUsage = asn1.ObjectIdentifier{2, 5, 29, 37}

// enhancedKeyUsages returns the EKU extension's OIDs in the certificate's
// order, as X509EnhancedKeyUsageExtension.EnhancedKeyUsages lists them. The
// extension is read raw: Go's x509 splits it into ExtKeyUsage and
// UnknownExtKeyUsage, which loses the order between the two.
func enhancedKeyUsages(c Certificate) []string {
	out := []string{}
	for _, ext := range c.Cert.Extensions {
		if !ext.Id.Equal(oidExtensionExtKeyUsage) {
			continue
		}
		var oids []asn1.ObjectIdentifier
		if _, err := asn1.Unmarshal(ext.Value, &oids); err != nil {
			continue // x509.ParseCertificate already rejects a malformed one
		}
		for _, oid := range oids {
			out = append(out, oid.String())
		}
	}
	return out
}

// decodeArgs reads an op's JSON arguments; a malformed document is 87.
func (h *Host) decodeArgs(op string, args json.RawMessage, into any) *OpError {
	if err := json.Unmarshal(args, into); err != nil {
		return h.win32Error(errInvalidParameter, "%s: arguments: %v", op, err)
	}
	return nil
}

// storeArg checks a store name argument (87 if empty or not a system store
// name) and returns it upper-case.
func (h *Host) storeArg(op, store string) (string, *OpError) {
	name, err := normalizeStoreName(store)
	if err != nil {
		return "", h.win32Error(errInvalidParameter, "%s: store: %v", op, err)
	}
	return name, nil
}

// thumbprintArg requires 40 hex digits in any case (what
// X509FindType.FindByThumbprint matches) and returns them upper-case.
func (h *Host) thumbprintArg(op, thumbprint string) (string, *OpError) {
	if len(thumbprint) != 40 || strings.TrimLeft(thumbprint, "0123456789abcdefABCDEF") != "" {
		return "", h.win32Error(errInvalidParameter, "%s: thumbprint %q must be 40 hexadecimal digits", op, thumbprint)
	}
	return strings.ToUpper(thumbprint), nil
}

// certKeyArgs reads {"store":S,"thumbprint":T}.
func (h *Host) certKeyArgs(op string, args json.RawMessage) (store, thumbprint string, opErr *OpError) {
	var in struct {
		Store      string `json:"store"`
		Thumbprint string `json:"thumbprint"`
	}
	if opErr = h.decodeArgs(op, args, &in); opErr != nil {
		return "", "", opErr
	}
	if store, opErr = h.storeArg(op, in.Store); opErr != nil {
		return "", "", opErr
	}
	thumbprint, opErr = h.thumbprintArg(op, in.Thumbprint)
	return store, thumbprint, opErr
}

// certList lists a store. A store that holds nothing, or that the host has
// never seen, lists empty: X509Store.Open without OpenFlags.OpenExistingOnly
// opens or creates the store ("OpenFlags Enum": "OpenExistingOnly: Opens
// only existing stores; if no store exists, the Open method will not create
// a new store").
func certList(h *Host, args json.RawMessage) (any, error) {
	const op = "cert.list"
	var in struct {
		Store string `json:"store"`
	}
	if opErr := h.decodeArgs(op, args, &in); opErr != nil {
		return nil, opErr
	}
	store, opErr := h.storeArg(op, in.Store)
	if opErr != nil {
		return nil, opErr
	}
	list := []certificateView{}
	for _, c := range h.certs {
		if c.Store == store {
			list = append(list, viewCertificate(c))
		}
	}
	return map[string]any{"certificates": list}, nil
}

// certGet reads one certificate. With require_key it also opens the private
// key, as the op script does (CNG, then CryptoAPI): 1312 when no key is
// linked or the linked container does not open (Certificate.KeyLinkBroken),
// which has_private_key alone cannot show.
func certGet(h *Host, args json.RawMessage) (any, error) {
	const op = "cert.get"
	store, thumbprint, opErr := h.certKeyArgs(op, args)
	if opErr != nil {
		return nil, opErr
	}
	var in struct {
		RequireKey bool `json:"require_key"`
	}
	if opErr := h.decodeArgs(op, args, &in); opErr != nil {
		return nil, opErr
	}
	i := h.findCertificate(store, thumbprint)
	if i < 0 {
		return nil, h.win32Error(errFileNotFound, "%s: certificate %s is not in LocalMachine\\%s", op, thumbprint, store)
	}
	c := h.certs[i]
	switch {
	case in.RequireKey && !c.HasPrivateKey:
		return nil, h.win32Error(errNoSuchLogonSession, "%s: certificate %s in LocalMachine\\%s has no private key", op, thumbprint, store)
	case in.RequireKey && c.KeyLinkBroken:
		return nil, h.win32Error(errNoSuchLogonSession, "%s: %s", op, brokenKeyLinkMessage(thumbprint, store))
	}
	return viewCertificate(c), nil
}

// brokenKeyLinkMessage is the op script's text for a key link whose
// container does not open.
func brokenKeyLinkMessage(thumbprint, store string) string {
	return fmt.Sprintf("certificate %s in LocalMachine\\%s links a private key that cannot be opened (CNG: Keyset does not exist; "+
		"CryptoAPI: Keyset does not exist): its key container is missing or not the one the certificate names; "+
		"import the PFX again with its private key", thumbprint, store)
}

// certRemove deletes the certificate and its private key; SSL bindings that
// use it stay, as on Windows.
func certRemove(h *Host, args json.RawMessage) (any, error) {
	const op = "cert.remove"
	store, thumbprint, opErr := h.certKeyArgs(op, args)
	if opErr != nil {
		return nil, opErr
	}
	i := h.findCertificate(store, thumbprint)
	if i < 0 {
		return nil, h.win32Error(errFileNotFound, "%s: certificate %s is not in LocalMachine\\%s", op, thumbprint, store)
	}
	h.certs = append(h.certs[:i:i], h.certs[i+1:]...)
	return struct{}{}, nil
}

// certAdd puts a public certificate into a store with X509Store.Add: a
// certificate already there keeps its private key (addCertificate).
func certAdd(h *Host, args json.RawMessage) (any, error) {
	const op = "cert.add"
	var in struct {
		Store string `json:"store"`
		PEM   string `json:"pem"`
	}
	if opErr := h.decodeArgs(op, args, &in); opErr != nil {
		return nil, opErr
	}
	store, opErr := h.storeArg(op, in.Store)
	if opErr != nil {
		return nil, opErr
	}
	block, rest := pem.Decode([]byte(in.PEM))
	if block == nil || block.Type != "CERTIFICATE" || strings.TrimSpace(string(rest)) != "" {
		return nil, h.win32Error(errInvalidParameter, `%s: pem must hold exactly one "-----BEGIN CERTIFICATE-----" block`, op)
	}
	c, err := newCertificate(store, block.Bytes)
	if err != nil {
		return nil, h.win32Error(errInvalidParameter, "%s: pem: not an X.509 certificate: %v", op, err)
	}
	h.addCertificate(c)
	return viewCertificate(h.certs[h.findCertificate(store, c.Thumbprint)]), nil
}

// importArgs are the arguments of cert.import_pfx and cert.import_pfx_file.
type importArgs struct {
	Store       string `json:"store"`
	PFXBase64   string `json:"pfx_base64"`
	Path        string `json:"path"`
	Password    string `json:"password"`
	Exportable  bool   `json:"exportable"`
	ImportChain bool   `json:"import_chain"`
	// ExpectThumbprint, on a re-import, is the certificate the PFX must hold.
	ExpectThumbprint string `json:"expect_thumbprint"`
}

func certImportPFX(h *Host, args json.RawMessage) (any, error) {
	const op = "cert.import_pfx"
	var in importArgs
	if opErr := h.decodeArgs(op, args, &in); opErr != nil {
		return nil, opErr
	}
	data, err := base64.StdEncoding.DecodeString(in.PFXBase64)
	if err != nil {
		return nil, h.win32Error(errInvalidParameter, "%s: pfx_base64 is not valid base64", op)
	}
	return h.importPFX(op, in, data)
}

func certImportPFXFile(h *Host, args json.RawMessage) (any, error) {
	const op = "cert.import_pfx_file"
	var in importArgs
	if opErr := h.decodeArgs(op, args, &in); opErr != nil {
		return nil, opErr
	}
	data, ok, err := h.readFile(in.Path)
	switch {
	case err != nil:
		return nil, h.win32Error(errInvalidParameter, "%s: %v", op, err)
	case !ok:
		return nil, h.win32Error(errFileNotFound, "%s: no such file: %s", op, in.Path)
	}
	return h.importPFX(op, in, data)
}

// importPFX imports a PFX as the op script does with MachineKeySet |
// PersistKeySet: the end-entity certificate into the named store with its
// key, then, with import_chain, the other certificates into CA (issuing CAs)
// or ROOT (self-signed roots). Importing the same PFX again replaces the
// certificates and keeps one key per certificate: the new import's key and
// exportable flag, as X509Store.Add replaces the stored certificate's key
// link (CERT_STORE_ADD_REPLACE_EXISTING_INHERIT_PROPERTIES) and the op
// script then deletes the previous key container.
func (h *Host) importPFX(op string, in importArgs, data []byte) (any, error) {
	store, opErr := h.storeArg(op, in.Store)
	if opErr != nil {
		return nil, opErr
	}
	pfx, opErr := h.parsePFX(op, data, in.Password)
	if opErr != nil {
		return nil, opErr
	}
	thumbprint := Thumbprint(pfx.endEntity.Raw)
	if in.ExpectThumbprint != "" && !strings.EqualFold(in.ExpectThumbprint, thumbprint) {
		// The op script's own check, before anything is stored (PROTOCOL.md).
		return nil, h.win32Error(errInvalidData, "%s: the PFX holds certificate %s, not %s, which is being imported again; nothing was changed",
			op, thumbprint, strings.ToUpper(in.ExpectThumbprint))
	}
	leaf := Certificate{
		Store: store, Thumbprint: thumbprint, DER: pfx.endEntity.Raw, Cert: pfx.endEntity,
		HasPrivateKey: true, KeyPEM: pfx.keyPEM, Exportable: in.Exportable,
	}
	// Every import writes a new key container with a new DACL: grants on
	// the previous key do not carry over to the new one.
	h.keySerial++
	k := newKeyContainer(pfx.endEntity, "", h.keySerial)
	leaf.key = &k
	h.addCertificate(leaf)
	chain := []certificateView{}
	if in.ImportChain {
		for _, c := range pfx.others {
			target := "CA"
			if isSelfSigned(c) {
				target = "ROOT"
			}
			h.addCertificate(Certificate{Store: target, Thumbprint: Thumbprint(c.Raw), DER: c.Raw, Cert: c})
			chain = append(chain, viewCertificate(h.certs[h.findCertificate(target, Thumbprint(c.Raw))]))
		}
	}
	// Read back from the store, as the op script confirms the import.
	imported := viewCertificate(h.certs[h.findCertificate(store, leaf.Thumbprint)])
	return map[string]any{"certificate": imported, "chain": chain}, nil
}

// isSelfSigned says a certificate is a root: issued to itself and signed
// with its own key (a CA certificate renewed with a new key can carry its
// own name as issuer yet be signed by the old key; it is an issuing CA).
// Go refuses to check SHA-1 and MD5 signatures, which old roots still
// carry; for those the names decide.
func isSelfSigned(c *x509.Certificate) bool {
	if !bytes.Equal(c.RawSubject, c.RawIssuer) {
		return false
	}
	err := c.CheckSignature(c.SignatureAlgorithm, c.RawTBSCertificate, c.Signature)
	var insecure x509.InsecureAlgorithmError
	return err == nil || errors.As(err, &insecure)
}
