package model

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"strings"
)

// The cert ops (PROTOCOL.md, "Certificates" and "Private key access") run
// in the host agent; the simulator answers the Windows calls of its
// ICertificateStores from the tables here (winsim/bridge_cert.go): the
// LocalMachine stores (certificate bytes and key links) and the machine key
// containers, with what Windows itself enforces. What the ops report about
// a certificate (names, dates, DNS names, EKUs) and what a PFX holds is
// computed by .NET in the agent, not here. Every method below is for the
// bridge: call it only inside Host.Exclusive.

// nteBadKeyset is NTE_BAD_KEYSET ("Keyset does not exist"), as the signed
// 32-bit value a Win32Exception carries.
const nteBadKeyset = -2146893802 // 0x80090016

// cryptASN1BadTag is CRYPT_E_ASN1_BADTAG as a signed 32-bit value: bytes
// that do not decode as a certificate.
const cryptASN1BadTag = -2146881269 // 0x8009310B

func notACertificate() *OpError {
	return &OpError{Code: cryptASN1BadTag, Message: "ASN1 bad tag value met."}
}

// StoredCertificate is a certificate as a store holds it: its DER bytes and
// its key link (nil: none).
type StoredCertificate struct {
	DER []byte   `json:"der"`
	Key *KeyLink `json:"key"`
}

// PFXCertificate is one certificate of a PFX as the agent read it (.NET's
// X509Certificate2Collection.Import): its bytes, whether it has the key,
// and the key as PKCS #8 DER when the agent could read it.
type PFXCertificate struct {
	DER        []byte `json:"der"`
	HasKey     bool   `json:"has_key"`
	PrivateKey []byte `json:"private_key,omitempty"`
}

func storeNotFound(store string) *OpError {
	return &OpError{Code: errFileNotFound, Message: fmt.Sprintf("The system cannot find the file specified. (LocalMachine\\%s)", store)}
}

func badKeyset(what string) *OpError {
	return &OpError{Code: nteBadKeyset, Message: "Keyset does not exist (" + what + ")"}
}

// CertSystemStoresLocked lists the LocalMachine system stores
// (CertEnumSystemStore): the default ones and those adds created.
func (h *Host) CertSystemStoresLocked() []string {
	out := append([]string{}, defaultCertStores...)
	return append(out, h.certStores...)
}

// CertificatesLocked lists a store (X509Store.Open with OpenExistingOnly):
// 2 when it does not exist.
func (h *Host) CertificatesLocked(store string) ([]StoredCertificate, *OpError) {
	store = strings.ToUpper(store)
	if !h.certStoreExists(store) {
		return nil, storeNotFound(store)
	}
	out := []StoredCertificate{}
	for _, c := range h.certs {
		if c.Store == store {
			out = append(out, StoredCertificate{DER: c.DER, Key: c.Link})
		}
	}
	return out, nil
}

// FindCertificateLocked finds a certificate by thumbprint (nil: not there);
// 2 when the store does not exist.
func (h *Host) FindCertificateLocked(store, thumbprint string) (*StoredCertificate, *OpError) {
	if !h.certStoreExists(store) {
		return nil, storeNotFound(strings.ToUpper(store))
	}
	i := h.findCertificate(store, thumbprint)
	if i < 0 {
		return nil, nil
	}
	return &StoredCertificate{DER: h.certs[i].DER, Key: h.certs[i].Link}, nil
}

// AddCertificateLocked is X509Store.Add into a store opened ReadWrite (which
// creates it): a certificate already there keeps its context and takes the
// added one's key link when that has one.
func (h *Host) AddCertificateLocked(store string, der []byte, link *KeyLink) *OpError {
	c, err := newCertificate(store, der)
	if err != nil {
		return notACertificate()
	}
	c.Link = link
	h.addCertificate(c)
	return nil
}

// RemoveCertificateLocked is X509Store.Remove: the certificate goes, its key
// container stays (CertDeleteCertificateFromStore deletes no key).
func (h *Host) RemoveCertificateLocked(store, thumbprint string) *OpError {
	if !h.certStoreExists(store) {
		return storeNotFound(strings.ToUpper(store))
	}
	if i := h.findCertificate(store, thumbprint); i >= 0 {
		h.certs = append(h.certs[:i:i], h.certs[i+1:]...)
	}
	return nil
}

// ImportPFXKeysLocked is what PFXImportCertStore writes with MachineKeySet |
// PersistKeySet: a new machine key container for each certificate that has
// a key (a CSP one for RSA, as for a PFX that names a CSP; CNG for other
// keys), with the default DACL; it answers the certificates with their key
// links. The certificates are not put into any store.
func (h *Host) ImportPFXKeysLocked(certs []PFXCertificate, exportable bool) ([]StoredCertificate, *OpError) {
	out := make([]StoredCertificate, 0, len(certs))
	var created []*keyContainer
	for _, p := range certs {
		s := StoredCertificate{DER: p.DER}
		if p.HasKey {
			cert, err := x509.ParseCertificate(p.DER)
			if err != nil {
				h.keys = withoutKeys(h.keys, created)
				return nil, &OpError{Code: hresultASN1BadTag, Message: "ASN1 bad tag value met."}
			}
			h.keySerial++
			k := newKeyContainer(cert, "", h.keySerial)
			k.exportable = exportable
			// The key's bytes serve the simulated HTTPS endpoints; one that
			// does not parse or belong to the certificate is not kept.
			if len(p.PrivateKey) > 0 {
				keyPEM := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: p.PrivateKey}))
				if checkKeyPEM(cert, keyPEM) == nil {
					k.keyPEM = []byte(keyPEM)
				}
			}
			h.keys = append(h.keys, &k)
			created = append(created, &k)
			link := k.link()
			s.Key = &link
		}
		out = append(out, s)
	}
	return out, nil
}

func withoutKeys(keys, drop []*keyContainer) []*keyContainer {
	out := keys[:0:0]
	for _, k := range keys {
		keep := true
		for _, d := range drop {
			keep = keep && k != d
		}
		if keep {
			out = append(out, k)
		}
	}
	return out
}

// openKey finds the container a link names through the API the agent
// called: NCrypt (cng) for a link to a key storage provider (type 0), the
// CryptoAPI for a CSP's; anything else is NTE_BAD_KEYSET, as is a
// container that does not exist.
func (h *Host) openKey(link KeyLink, cng bool) (*keyContainer, *OpError) {
	if cng != (link.ProvType == 0) {
		api := "CryptAcquireContext"
		if cng {
			api = "NCryptOpenKey"
		}
		return nil, badKeyset(fmt.Sprintf("%s of key container %s, whose provider %q is not for that API", api, link.Container, link.Provider))
	}
	k := h.findKey(link)
	if k == nil {
		return nil, badKeyset("no key container " + link.Container)
	}
	return k, nil
}

// OpenKeyLocked is NCryptOpenKey (cng) or CryptAcquireContext.
func (h *Host) OpenKeyLocked(link KeyLink, cng bool) *OpError {
	_, e := h.openKey(link, cng)
	return e
}

// KeyUniqueNameLocked is the key file's name: NCRYPT_UNIQUE_NAME_PROPERTY
// (cng) or PP_UNIQUE_CONTAINER.
func (h *Host) KeyUniqueNameLocked(link KeyLink, cng bool) (string, *OpError) {
	k, e := h.openKey(link, cng)
	if e != nil {
		return "", e
	}
	return k.name, nil
}

// KeyACLLocked is a CNG key's "Security Descr" DACL.
func (h *Host) KeyACLLocked(link KeyLink) ([]KeyACE, *OpError) {
	k, e := h.openKey(link, true)
	if e != nil {
		return nil, e
	}
	return append([]KeyACE{}, k.acl...), nil
}

// SetKeyACLLocked writes a CNG key's "Security Descr" DACL.
func (h *Host) SetKeyACLLocked(link KeyLink, acl []KeyACE) *OpError {
	k, e := h.openKey(link, true)
	if e != nil {
		return e
	}
	k.acl = append([]KeyACE{}, acl...)
	return nil
}

// DeleteKeyLocked is NCryptDeleteKey (cng) or CryptAcquireContext with
// CRYPT_DELETEKEYSET: the container goes; certificates that link it keep
// a link that no longer opens.
func (h *Host) DeleteKeyLocked(link KeyLink, cng bool) *OpError {
	k, e := h.openKey(link, cng)
	if e != nil {
		return e
	}
	h.keys = withoutKeys(h.keys, []*keyContainer{k})
	h.resolveKeyLinks()
	return nil
}

// keyFile finds the CAPI key whose file is path.
func (h *Host) keyFile(path string) (*keyContainer, *OpError) {
	for _, k := range h.keys {
		if k.provider == keyProviderCAPI && strings.EqualFold(k.path(), path) {
			return k, nil
		}
	}
	return nil, &OpError{Code: errFileNotFound, Message: fmt.Sprintf("Could not find file '%s'.", path)}
}

// KeyFileACLLocked is File.GetAccessControl of a CAPI key's file.
func (h *Host) KeyFileACLLocked(path string) ([]KeyACE, *OpError) {
	k, e := h.keyFile(path)
	if e != nil {
		return nil, e
	}
	return append([]KeyACE{}, k.acl...), nil
}

// SetKeyFileACLLocked is File.SetAccessControl of a CAPI key's file.
func (h *Host) SetKeyFileACLLocked(path string, acl []KeyACE) *OpError {
	k, e := h.keyFile(path)
	if e != nil {
		return e
	}
	k.acl = append([]KeyACE{}, acl...)
	return nil
}
