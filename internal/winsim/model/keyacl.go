package model

import (
	"crypto/sha1"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
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
	maskFileAllAccess = 0x1F01FF
	maskGenericAll    = 0x10000000
)

// KeyACE is one allow entry of a private key's DACL, as the state document
// and the cert.key_acl ops show it.
type KeyACE struct {
	SID        string `json:"sid"`
	AccessMask uint32 `json:"access_mask"`
}

// keyContainer is a machine key: where it lives, who may use it, and (for
// the simulated HTTPS endpoints) its bytes.
type keyContainer struct {
	provider string // keyProviderCNG or keyProviderCAPI
	// container is the name a key link gives (CRYPT_KEY_PROV_INFO
	// pwszContainerName); name is the unique name: the key's file name.
	container string
	name      string
	acl       []KeyACE
	// keyPEM is the PKCS#8 key when the model has its bytes; exportable is
	// the key's export policy.
	keyPEM     []byte
	exportable bool
}

// KeyLink is a certificate's key link, CRYPT_KEY_PROV_INFO ("CRYPT_KEY_PROV_INFO
// structure", learn.microsoft.com/windows/win32/api/wincrypt/ns-wincrypt-crypt_key_prov_info):
// the container name, the provider's name and type (0 for a CNG key
// storage provider), CRYPT_MACHINE_KEYSET in the flags, the key spec.
type KeyLink struct {
	Container string `json:"container"`
	Provider  string `json:"provider"`
	ProvType  int    `json:"prov_type"`
	Flags     int    `json:"flags"`
	KeySpec   int    `json:"key_spec"`
}

// Providers the links of the model's keys name.
const (
	cngProviderName  = "Microsoft Software Key Storage Provider"
	capiProviderName = "Microsoft Enhanced RSA and AES Cryptographic Provider"
	provRSAAES       = 24   // PROV_RSA_AES
	machineKeySet    = 0x20 // CRYPT_MACHINE_KEYSET, NCRYPT_MACHINE_KEY_FLAG
	atKeyExchange    = 1    // AT_KEYEXCHANGE
)

// link is the key link a certificate gets for k.
func (k *keyContainer) link() KeyLink {
	if k.provider == keyProviderCNG {
		return KeyLink{Container: k.container, Provider: cngProviderName, Flags: machineKeySet}
	}
	return KeyLink{Container: k.container, Provider: capiProviderName, ProvType: provRSAAES, Flags: machineKeySet, KeySpec: atKeyExchange}
}

// names says link names k: a CNG link a CNG key, a CSP link a CAPI key, by
// container name without case, as KSPs and CSPs compare them.
func (k *keyContainer) names(link KeyLink) bool {
	cng := link.ProvType == 0
	return cng == (k.provider == keyProviderCNG) && strings.EqualFold(k.container, link.Container)
}

// findKey returns the key container a link names, or nil.
func (h *Host) findKey(link KeyLink) *keyContainer {
	for _, k := range h.keys {
		if k.names(link) {
			return k
		}
	}
	return nil
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
	var full uint32 = maskGenericAll
	if provider == keyProviderCAPI {
		full = maskFileAllAccess
	}
	u := hex.EncodeToString(sum[:])
	return keyContainer{
		provider:  provider,
		container: fmt.Sprintf("te-%s-%s-%s-%s-%s", u[0:8], u[8:12], u[12:16], u[16:20], u[20:32]),
		name:      hex.EncodeToString(sum[:16]) + "_" + simMachineGUID,
		acl:       []KeyACE{{SID: "S-1-5-18", AccessMask: full}, {SID: "S-1-5-32-544", AccessMask: full}},
	}
}

// keyPath is the key's file, as the op script reports it.
func (k keyContainer) path() string {
	if k.provider == keyProviderCAPI {
		return `C:\ProgramData\Microsoft\Crypto\RSA\MachineKeys\` + k.name
	}
	return `C:\ProgramData\Microsoft\Crypto\Keys\` + k.name
}
