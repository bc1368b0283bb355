package model

import (
	"crypto"
	"crypto/sha1"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
)

// CertificateState is a certificate in one of the host's LocalMachine
// stores, as the state document holds it.
type CertificateState struct {
	// Store is the system store name (MY, ROOT, CA, WEBHOSTING, ...),
	// case-insensitive as CertOpenStore treats system store names.
	Store string `json:"store"`
	PEM   string `json:"pem"`
	// Thumbprint is written by the host (SHA-1 of the DER, upper-case hex);
	// if a document sets it, it must match.
	Thumbprint    string `json:"thumbprint,omitempty"`
	HasPrivateKey bool   `json:"has_private_key"`
	// KeyPEM is the optional PKCS#8 private key; it implies HasPrivateKey.
	KeyPEM     string `json:"key_pem,omitempty"`
	Exportable bool   `json:"exportable"`
	// KeyProvider ("cng" or "capi"), KeyContainer (the key file's unique
	// name) and KeyACL (the key's DACL) describe the private key's storage
	// (keyacl.go); the host fills them in for a key that has none, and
	// ignores them for a certificate without a key.
	KeyProvider  string   `json:"key_provider,omitempty"`
	KeyContainer string   `json:"key_container,omitempty"`
	KeyACL       []KeyACE `json:"key_acl,omitempty"`
	// KeyLinkBroken makes the certificate link a private key whose container
	// cannot be opened (deleted, or named inconsistently: Posh-ACME #157);
	// it implies HasPrivateKey and excludes KeyPEM (see Certificate).
	KeyLinkBroken bool `json:"key_link_broken,omitempty"`
}

// Certificate is a certificate in a LocalMachine store.
type Certificate struct {
	Store      string // upper-case store name
	Thumbprint string // upper-case hex SHA-1 of DER
	DER        []byte
	Cert       *x509.Certificate
	// HasPrivateKey says a private key is associated (what X509Certificate2.
	// HasPrivateKey reports); KeyPEM holds it when the model has its bytes.
	HasPrivateKey bool
	KeyPEM        []byte
	Exportable    bool
	// Link is the certificate's key link (CERT_KEY_PROV_INFO_PROP_ID): the
	// key container it names, nil when it has none. key is that container
	// in the host's key table, nil when the link names none that exists.
	Link *KeyLink
	key  *keyContainer
	// KeyLinkBroken says the key link (CERT_KEY_PROV_INFO_PROP_ID) names a
	// key container that cannot be opened: the container was deleted, or
	// its name or provider does not match the link (Posh-ACME #157,
	// "container name inconsistent"). HasPrivateKey still says true: it
	// checks only "whether the CERT_KEY_PROV_INFO_PROP_ID property is
	// present" ("ICertificate2::HasPrivateKey method",
	// learn.microsoft.com/windows/win32/seccrypto/certificate-hasprivatekey;
	// X509Certificate2.HasPrivateKey reads the same property), while HTTP.sys
	// cannot acquire the key and HttpSetServiceConfiguration answers 1312.
	KeyLinkBroken bool
}

// Thumbprint returns the certificate hash Windows shows for der: the SHA-1
// of the encoded certificate in upper-case hex (X509Certificate.Thumbprint).
func Thumbprint(der []byte) string {
	sum := sha1.Sum(der)
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}

// normalizeStoreName upper-cases a store name; system store names are
// case-insensitive ("System Store Locations",
// https://learn.microsoft.com/en-us/windows/win32/seccrypto/system-store-locations).
func normalizeStoreName(store string) (string, error) {
	if store == "" || strings.ContainsAny(store, `\/`) {
		return "", fmt.Errorf("store name %q must be a LocalMachine system store name such as MY or ROOT", store)
	}
	return strings.ToUpper(store), nil
}

// newCertificate parses der for the store.
func newCertificate(store string, der []byte) (Certificate, error) {
	store, err := normalizeStoreName(store)
	if err != nil {
		return Certificate{}, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return Certificate{}, fmt.Errorf("parse certificate: %w", err)
	}
	return Certificate{Store: store, Thumbprint: Thumbprint(der), DER: der, Cert: cert}, nil
}

// addCertificate puts c into its store. A certificate already there keeps
// its key link unless c has one, as X509Store.Add does
// (CertAddCertificateContextToStore with
// CERT_STORE_ADD_REPLACE_EXISTING_INHERIT_PROPERTIES).
func (h *Host) addCertificate(c Certificate) {
	defer h.resolveKeyLinks()
	h.createStore(c.Store)
	for i, old := range h.certs {
		if old.Store == c.Store && old.Thumbprint == c.Thumbprint {
			if c.Link == nil {
				c.Link = old.Link
			}
			h.certs[i] = c
			return
		}
	}
	h.certs = append(h.certs, c)
}

// resolveKeyLinks finds each certificate's key container by its link and
// derives what the certificate shows of it: HasPrivateKey (the link is
// there), KeyLinkBroken (it names no container), the key's bytes and
// exportable flag.
func (h *Host) resolveKeyLinks() {
	for i := range h.certs {
		c := &h.certs[i]
		c.key = nil
		if c.Link != nil {
			c.key = h.findKey(*c.Link)
		}
		c.HasPrivateKey = c.Link != nil
		c.KeyLinkBroken = c.Link != nil && c.key == nil
		c.KeyPEM, c.Exportable = nil, false
		if c.key != nil {
			c.KeyPEM, c.Exportable = c.key.keyPEM, c.key.exportable
		}
	}
}

// findCertificate returns the index of a certificate in a store, or -1.
func (h *Host) findCertificate(store, thumbprint string) int {
	store, thumbprint = strings.ToUpper(store), strings.ToUpper(thumbprint)
	for i, c := range h.certs {
		if c.Store == store && c.Thumbprint == thumbprint {
			return i
		}
	}
	return -1
}

// AddCertificate puts a DER certificate into a LocalMachine store, with
// keyPresent saying whether a private key is associated, and returns its
// thumbprint.
func (h *Host) AddCertificate(store string, der []byte, keyPresent bool) (string, error) {
	c, err := newCertificate(store, der)
	if err != nil {
		return "", fmt.Errorf("add certificate: %w", err)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if keyPresent {
		h.keySerial++
		k := newKeyContainer(c.Cert, "", h.keySerial)
		h.keys = append(h.keys, &k)
		link := k.link()
		c.Link = &link
	}
	h.addCertificate(c)
	return c.Thumbprint, nil
}

// FindCertificate returns the certificate with the thumbprint (any case) in
// the store (any case). Its byte slices are shared: treat them as read-only.
func (h *Host) FindCertificate(store, thumbprint string) (Certificate, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	i := h.findCertificate(store, thumbprint)
	if i < 0 {
		return Certificate{}, false
	}
	return h.certs[i], true
}

// RemoveCertificate deletes a certificate from a store; it reports whether
// it was there. SSL bindings that use it stay, as on Windows.
func (h *Host) RemoveCertificate(store, thumbprint string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	i := h.findCertificate(store, thumbprint)
	if i < 0 {
		return false
	}
	h.certs = append(h.certs[:i:i], h.certs[i+1:]...)
	return true
}

// defaultCertStores are the LocalMachine system stores of a Windows Server
// 2022 host ("System Store Locations", learn.microsoft.com).
var defaultCertStores = []string{"MY", "ROOT", "CA", "TRUST", "DISALLOWED", "AUTHROOT", "TRUSTEDPUBLISHER",
	"TRUSTEDPEOPLE", "WEBHOSTING", "REQUEST", "REMOTE DESKTOP", "SMARTCARDROOT", "TRUSTEDDEVICES", "WINDOWS LIVE ID TOKEN ISSUER"}

// createStore records a store that X509Store.Open without OpenExistingOnly
// created.
func (h *Host) createStore(store string) {
	if !h.certStoreExists(store) {
		h.certStores = append(h.certStores, store)
	}
}

// certStoreExists says a LocalMachine store exists: a default one, or one
// an add created.
func (h *Host) certStoreExists(store string) bool {
	store = strings.ToUpper(store)
	for _, s := range defaultCertStores {
		if s == store {
			return true
		}
	}
	for _, s := range h.certStores {
		if s == store {
			return true
		}
	}
	return false
}

// loadCertificates adds the state document's certificates.
func (h *Host) loadCertificates(list []CertificateState) error {
	for i, s := range list {
		c, err := certificateFromState(s)
		if err != nil {
			return fmt.Errorf("certificates[%d]: %w", i, err)
		}
		if h.findCertificate(c.Store, c.Thumbprint) >= 0 {
			return fmt.Errorf("certificates[%d]: %s is in store %s twice", i, c.Thumbprint, c.Store)
		}
		if c.key != nil {
			k := c.key
			c.key = nil
			if !c.KeyLinkBroken {
				h.keyFromState(&c, k)
			} else {
				// A link to a container that does not exist.
				link := k.link()
				c.Link = &link
			}
		}
		h.addCertificate(c)
	}
	return nil
}

// keyFromState registers a state document certificate's key container: one
// already registered under the same unique name (a key two certificates
// link) is shared.
func (h *Host) keyFromState(c *Certificate, k *keyContainer) {
	for _, have := range h.keys {
		if have.name == k.name {
			link := have.link()
			c.Link = &link
			return
		}
	}
	h.keys = append(h.keys, k)
	link := k.link()
	c.Link = &link
}

// certificateFromState parses and checks one state document certificate.
func certificateFromState(s CertificateState) (Certificate, error) {
	block, rest := pem.Decode([]byte(s.PEM))
	if block == nil || block.Type != "CERTIFICATE" || strings.TrimSpace(string(rest)) != "" {
		return Certificate{}, errors.New(`pem must hold exactly one "-----BEGIN CERTIFICATE-----" block`)
	}
	c, err := newCertificate(s.Store, block.Bytes)
	if err != nil {
		return Certificate{}, err
	}
	if s.Thumbprint != "" && !strings.EqualFold(s.Thumbprint, c.Thumbprint) {
		return Certificate{}, fmt.Errorf("thumbprint %s does not match the certificate (%s)", s.Thumbprint, c.Thumbprint)
	}
	c.HasPrivateKey = s.HasPrivateKey
	if s.KeyLinkBroken {
		if s.KeyPEM != "" {
			return Certificate{}, fmt.Errorf("certificate %s: key_link_broken and key_pem exclude each other: a broken link has no key to serve", c.Thumbprint)
		}
		c.HasPrivateKey, c.KeyLinkBroken = true, true
	}
	if s.KeyPEM != "" {
		if err := checkKeyPEM(c.Cert, s.KeyPEM); err != nil {
			return Certificate{}, fmt.Errorf("certificate %s: %w", c.Thumbprint, err)
		}
		c.HasPrivateKey = true
	}
	if c.HasPrivateKey {
		k, err := keyContainerFromState(c.Cert, s)
		if err != nil {
			return Certificate{}, fmt.Errorf("certificate %s: %w", c.Thumbprint, err)
		}
		k.keyPEM, k.exportable = []byte(s.KeyPEM), s.Exportable
		if s.KeyPEM == "" {
			k.keyPEM = nil
		}
		c.key = k
	}
	return c, nil
}

// keyContainerFromState reads a state document's key storage fields.
func keyContainerFromState(cert *x509.Certificate, s CertificateState) (*keyContainer, error) {
	if s.KeyProvider != "" && s.KeyProvider != keyProviderCNG && s.KeyProvider != keyProviderCAPI {
		return nil, fmt.Errorf("key_provider %q must be %s or %s", s.KeyProvider, keyProviderCNG, keyProviderCAPI)
	}
	k := newKeyContainer(cert, s.KeyProvider, 0)
	if s.KeyContainer != "" {
		k.name = s.KeyContainer
	}
	if s.KeyACL != nil {
		k.acl = make([]KeyACE, 0, len(s.KeyACL))
		for _, e := range s.KeyACL {
			sid, ok := parseSID(e.SID)
			if !ok {
				return nil, fmt.Errorf("key_acl: %q is not a SID string", e.SID)
			}
			k.acl = append(k.acl, KeyACE{SID: sid, AccessMask: e.AccessMask})
		}
	}
	return &k, nil
}

// checkKeyPEM checks that keyPEM is a PKCS#8 key for cert's public key. Its
// errors never quote the key.
func checkKeyPEM(cert *x509.Certificate, keyPEM string) error {
	block, _ := pem.Decode([]byte(keyPEM))
	if block == nil || block.Type != "PRIVATE KEY" {
		return errors.New(`key_pem must be a "-----BEGIN PRIVATE KEY-----" (PKCS#8) block`)
	}
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return errors.New("key_pem is not a valid PKCS#8 private key")
	}
	signer, ok := key.(crypto.Signer)
	type publicKey interface{ Equal(crypto.PublicKey) bool }
	pub, comparable := cert.PublicKey.(publicKey)
	if !ok || !comparable || !pub.Equal(signer.Public()) {
		return errors.New("key_pem does not belong to the certificate")
	}
	return nil
}

// certificateStates returns the stores for the state document.
func (h *Host) certificateStates() []CertificateState {
	out := make([]CertificateState, 0, len(h.certs))
	for _, c := range h.certs {
		s := CertificateState{
			Store:         c.Store,
			PEM:           string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.DER})),
			Thumbprint:    c.Thumbprint,
			HasPrivateKey: c.HasPrivateKey,
			KeyPEM:        string(c.KeyPEM),
			Exportable:    c.Exportable,
			KeyLinkBroken: c.KeyLinkBroken,
		}
		if c.key != nil {
			k := c.key
			s.KeyProvider, s.KeyContainer, s.KeyACL = k.provider, k.name, append([]KeyACE{}, k.acl...)
		} else if c.Link != nil {
			s.KeyProvider, s.KeyContainer = keyProviderCAPI, c.Link.Container
			if c.Link.ProvType == 0 {
				s.KeyProvider = keyProviderCNG
			}
		}
		out = append(out, s)
	}
	return out
}
