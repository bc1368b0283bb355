package windows

import "context"

// Private key access levels (KeyACE.Access, KeyGrant.Access).
const (
	KeyAccessRead  = "read"
	KeyAccessFull  = "full"
	KeyAccessOther = "other"
)

// Key storage providers (KeyACL.Provider).
const (
	KeyProviderCNG  = "cng"  // a CNG key storage provider key (NCrypt)
	KeyProviderCAPI = "capi" // a CryptoAPI CSP key (a MachineKeys file)
)

// CodeBadKeyset is NTE_BAD_KEYSET ("Keyset does not exist"): the certificate
// has no private key, or it cannot be opened.
const CodeBadKeyset = 0x80090016

// KeyACE is one allow entry of a private key's DACL.
type KeyACE struct {
	SID     string `json:"sid"`
	Account string `json:"account"` // the host's own, possibly translated, name
	// AccessMask is the ACE's mask; Access names it: read, full or other.
	AccessMask uint32 `json:"access_mask"`
	Access     string `json:"access"`
}

// KeyACL is who may use a certificate's private key, as the host reads it.
type KeyACL struct {
	Store      string   `json:"store"`
	Thumbprint string   `json:"thumbprint"`
	Provider   string   `json:"provider"` // KeyProviderCNG or KeyProviderCAPI
	KeyPath    string   `json:"key_path"` // the key's file under %ProgramData%\Microsoft\Crypto
	Entries    []KeyACE `json:"entries"`
	// Changed says whether an add or remove wrote the DACL.
	Changed bool `json:"changed"`
}

// KeyGrant is one account's access to a certificate's private key.
type KeyGrant struct {
	Store      string `json:"store"`
	Thumbprint string `json:"thumbprint"`
	SID        string `json:"sid"`
	Access     string `json:"access"` // KeyAccessRead or KeyAccessFull
}

// IsBadKeyset reports whether err says the certificate has no usable
// private key.
func IsBadKeyset(err error) bool { return ErrorCode(err) == CodeBadKeyset }

// GetKeyACL reads the DACL of the private key of the certificate with the
// thumbprint in the LocalMachine store: IsNotFound without the certificate,
// IsBadKeyset without a key.
func (c *Certificates) GetKeyACL(ctx context.Context, store, thumbprint string) (KeyACL, error) {
	var out KeyACL
	err := c.host.call(ctx, "cert.key_acl.get", certKey{Store: store, Thumbprint: thumbprint}, &out)
	return out, err
}

// AddKeyAccess gives g.SID g.Access to the key with one new ACE, unless an
// ACE of that SID already grants it (then KeyACL.Changed is false).
func (c *Certificates) AddKeyAccess(ctx context.Context, g KeyGrant) (KeyACL, error) {
	var out KeyACL
	err := c.host.call(ctx, "cert.key_acl.add", g, &out)
	return out, err
}

// RemoveKeyAccess removes the one ACE AddKeyAccess writes for g, leaving
// every other ACE; KeyACL.Changed says whether there was one.
func (c *Certificates) RemoveKeyAccess(ctx context.Context, g KeyGrant) (KeyACL, error) {
	var out KeyACL
	err := c.host.call(ctx, "cert.key_acl.remove", g, &out)
	return out, err
}
