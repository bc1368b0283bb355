package model

import (
	"crypto/sha1"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
)

// Key storage providers of a certificate's private key. PFXImportCertStore
// ("PFXImportCertStore function", learn.microsoft.com/windows/win32/api/
// wincrypt/nf-wincrypt-pfximportcertstore) puts a key into the CSP (CAPI)
// the PFX names, or, for key types CAPI does not have (ECDSA) and with
// PKCS12_PREFER_CNG_KSP / PKCS12_ALWAYS_CNG_KSP, into the CNG key storage
// provider; Import-PfxCertificate always uses CNG. The two keep keys in
// different places, each with its own security descriptor ("Key Storage
// and Retrieval", learn.microsoft.com/windows/win32/seccng/key-storage-and-retrieval):
// CAPI machine keys as files under %ProgramData%\Microsoft\Crypto\RSA\MachineKeys,
// CNG machine keys under %ProgramData%\Microsoft\Crypto\Keys.
const (
	keyProviderCNG  = "cng"
	keyProviderCAPI = "capi"
)

// Access masks of key ACEs. A CAPI key's DACL is its file's, in file rights
// ("File Security and Access Rights": FILE_GENERIC_READ 0x120089, FILE_ALL_ACCESS
// 0x1F01FF, what FileSystemRights.Read and FullControl are); a CNG key's
// descriptor (NCryptGetProperty NCRYPT_SECURITY_DESCR_PROPERTY "Security
// Descr" with DACL_SECURITY_INFORMATION) is written with the generic rights
// ("ACCESS_MASK": GENERIC_READ 0x80000000, GENERIC_ALL 0x10000000), as the
// certificates MMC's "Manage Private Keys" does.
const (
	maskFileGenericRead = 0x120089
	maskFileAllAccess   = 0x1F01FF
	maskGenericRead     = 0x80000000
	maskGenericAll      = 0x10000000
)

// Key access levels of the cert.key_acl ops (PROTOCOL.md).
const (
	keyAccessRead  = "read"
	keyAccessFull  = "full"
	keyAccessOther = "other"
)

// KeyACE is one allow entry of a private key's DACL, as the state document
// and the cert.key_acl ops show it.
type KeyACE struct {
	SID        string `json:"sid"`
	AccessMask uint32 `json:"access_mask"`
}

// keyContainer is where a certificate's private key lives and who may use it.
type keyContainer struct {
	provider string // keyProviderCNG or keyProviderCAPI
	name     string // the unique container name: the key's file name
	acl      []KeyACE
}

// simMachineGUID ends the unique names of the simulated host's key files,
// as Windows appends the MachineGuid to them.
const simMachineGUID = "5b6e1f0c-3a2d-4e8f-9c71-0d2b4a6e8f13"

// newKeyContainer returns a fresh container for a certificate's key: the
// provider asked for (or the one PFXImportCertStore picks: CAPI for RSA,
// CNG for other keys), a new unique name (the n-th key of that certificate),
// and the DACL Windows gives a new machine key: SYSTEM and Administrators
// with full control ("Default permissions for the MachineKeys folders",
// learn.microsoft.com/troubleshoot/windows-server/windows-security/default-permissions-machinekeys-folders).
func newKeyContainer(cert *x509.Certificate, provider string, n int) keyContainer {
	if provider == "" {
		provider = keyProviderCNG
		if cert.PublicKeyAlgorithm == x509.RSA {
			provider = keyProviderCAPI
		}
	}
	sum := sha1.Sum(append(append([]byte{}, cert.Raw...), strconv.Itoa(n)...))
	full := keyAccessMask(provider, keyAccessFull)
	return keyContainer{
		provider: provider,
		name:     hex.EncodeToString(sum[:16]) + "_" + simMachineGUID,
		acl:      []KeyACE{{SID: "S-1-5-18", AccessMask: full}, {SID: "S-1-5-32-544", AccessMask: full}},
	}
}

// keyAccessMask is the mask a grant of access writes for the provider.
func keyAccessMask(provider, access string) uint32 {
	switch {
	case provider == keyProviderCAPI && access == keyAccessFull:
		return maskFileAllAccess
	case provider == keyProviderCAPI:
		return maskFileGenericRead
	case access == keyAccessFull:
		return maskGenericAll
	default:
		return maskGenericRead
	}
}

// keyAccessOf names what a mask grants: full (generic all or every file
// right), read (generic read or the file read rights), or other.
func keyAccessOf(mask uint32) string {
	switch {
	case mask&maskGenericAll != 0 || mask&maskFileAllAccess == maskFileAllAccess:
		return keyAccessFull
	case mask&maskGenericRead != 0 || mask&maskFileGenericRead == maskFileGenericRead:
		return keyAccessRead
	default:
		return keyAccessOther
	}
}

// grants reports whether a held access level includes the wanted one.
func grants(held, want string) bool {
	return held == keyAccessFull || held == want && want != keyAccessOther
}

// keyPath is the key's file, as the op script reports it.
func (k keyContainer) path() string {
	if k.provider == keyProviderCAPI {
		return `C:\ProgramData\Microsoft\Crypto\RSA\MachineKeys\` + k.name
	}
	return `C:\ProgramData\Microsoft\Crypto\Keys\` + k.name
}

// keyACLArgs are the cert.key_acl ops' arguments.
type keyACLArgs struct {
	Store      string `json:"store"`
	Thumbprint string `json:"thumbprint"`
	SID        string `json:"sid"`
	Access     string `json:"access"`
}

// keyACEView is one entry of a cert.key_acl result.
type keyACEView struct {
	SID        string `json:"sid"`
	Account    string `json:"account"`
	AccessMask uint32 `json:"access_mask"`
	Access     string `json:"access"`
}

// keyACLView is the cert.key_acl ops' result.
type keyACLView struct {
	Store      string       `json:"store"`
	Thumbprint string       `json:"thumbprint"`
	Provider   string       `json:"provider"`
	KeyPath    string       `json:"key_path"`
	Entries    []keyACEView `json:"entries"`
	Changed    *bool        `json:"changed,omitempty"`
}

// keyOf finds the certificate and its key container: 2 if the certificate
// is not in the store, NTE_BAD_KEYSET if it has no private key there (what
// opening the key reports, "Keyset does not exist").
func (h *Host) keyOf(op string, args json.RawMessage, needGrant bool) (int, keyACLArgs, *OpError) {
	var in keyACLArgs
	if opErr := h.decodeArgs(op, args, &in); opErr != nil {
		return -1, in, opErr
	}
	store, opErr := h.storeArg(op, in.Store)
	if opErr != nil {
		return -1, in, opErr
	}
	thumbprint, opErr := h.thumbprintArg(op, in.Thumbprint)
	if opErr != nil {
		return -1, in, opErr
	}
	if needGrant {
		if opErr := h.checkGrantArgs(op, &in); opErr != nil {
			return -1, in, opErr
		}
	}
	i := h.findCertificate(store, thumbprint)
	if i < 0 {
		return -1, in, h.win32Error(errFileNotFound, "%s: certificate %s is not in LocalMachine\\%s", op, thumbprint, store)
	}
	if !h.certs[i].HasPrivateKey {
		return -1, in, &OpError{Code: hresult(nteBadKeyset), Message: fmt.Sprintf(
			"%s: certificate %s in LocalMachine\\%s has no private key: Keyset does not exist", op, thumbprint, store)}
	}
	return i, in, nil
}

// nteBadKeyset is NTE_BAD_KEYSET ("Keyset does not exist").
const nteBadKeyset = 0x80090016

// checkGrantArgs checks the SID (87 malformed, 1332 no such account, as
// translating it fails) and the access level (87).
func (h *Host) checkGrantArgs(op string, in *keyACLArgs) *OpError {
	sid, ok := parseSID(in.SID)
	if !ok {
		return h.win32Error(errInvalidParameter, "%s: sid %q is not a SID string", op, in.SID)
	}
	if _, known := h.accountBySID(sid); !known {
		return h.win32Error(errNoneMapped, "%s: no account on this host has SID %s", op, sid)
	}
	if in.Access != keyAccessRead && in.Access != keyAccessFull {
		return h.win32Error(errInvalidParameter, "%s: access %q must be read or full", op, in.Access)
	}
	in.SID = sid
	return nil
}

// keyACLResult describes certificate i's key and DACL.
func (h *Host) keyACLResult(i int, changed *bool) keyACLView {
	c := h.certs[i]
	k := h.keyContainerOf(i)
	entries := make([]keyACEView, 0, len(k.acl))
	for _, e := range k.acl {
		name := e.SID
		if a, ok := h.accountBySID(e.SID); ok {
			name = a.qualified()
		}
		entries = append(entries, keyACEView{SID: e.SID, Account: name, AccessMask: e.AccessMask, Access: keyAccessOf(e.AccessMask)})
	}
	return keyACLView{Store: c.Store, Thumbprint: c.Thumbprint, Provider: k.provider, KeyPath: k.path(), Entries: entries, Changed: changed}
}

// keyContainerOf returns certificate i's key container, creating it the
// first time a key without one (from a state document) is looked at.
func (h *Host) keyContainerOf(i int) *keyContainer {
	c := &h.certs[i]
	if c.key == nil {
		k := newKeyContainer(c.Cert, "", 0)
		c.key = &k
	}
	return c.key
}

func keyACLGet(h *Host, args json.RawMessage) (any, error) {
	i, _, opErr := h.keyOf("cert.key_acl.get", args, false)
	if opErr != nil {
		return nil, opErr
	}
	return h.keyACLResult(i, nil), nil
}

// keyACLAdd adds an allow entry for the SID with the access level's mask,
// after the explicit entries, unless an entry of the SID already grants it
// (then "changed" is false and nothing is written).
func keyACLAdd(h *Host, args json.RawMessage) (any, error) {
	i, in, opErr := h.keyOf("cert.key_acl.add", args, true)
	if opErr != nil {
		return nil, opErr
	}
	k := h.keyContainerOf(i)
	for _, e := range k.acl {
		if e.SID == in.SID && grants(keyAccessOf(e.AccessMask), in.Access) {
			changed := false
			return h.keyACLResult(i, &changed), nil
		}
	}
	k.acl = append(k.acl, KeyACE{SID: in.SID, AccessMask: keyAccessMask(k.provider, in.Access)})
	changed := true
	return h.keyACLResult(i, &changed), nil
}

// keyACLRemove removes the one entry cert.key_acl.add writes for the SID and
// access level (the same mask); other entries, of that SID too, stay.
func keyACLRemove(h *Host, args json.RawMessage) (any, error) {
	i, in, opErr := h.keyOf("cert.key_acl.remove", args, true)
	if opErr != nil {
		return nil, opErr
	}
	k := h.keyContainerOf(i)
	mask := keyAccessMask(k.provider, in.Access)
	changed := false
	for j, e := range k.acl {
		if e.SID == in.SID && e.AccessMask == mask {
			k.acl = append(k.acl[:j:j], k.acl[j+1:]...)
			changed = true
			break
		}
	}
	return h.keyACLResult(i, &changed), nil
}
