package windows

import "context"

// HTTPSys is the host's HTTP Server API configuration: URL reservations and
// SSL certificate bindings (HttpQueryServiceConfiguration and friends).
type HTTPSys struct{ host *Host }

// HTTPSys returns the host's HTTP.sys configuration API.
func (h *Host) HTTPSys() *HTTPSys { return &HTTPSys{host: h} }

// Account is a Windows account as the host resolves it.
type Account struct {
	SID  string `json:"sid"`
	Name string `json:"account"` // the host's own, possibly translated, name
}

// URLACLEntry is one allow ACE of a URL reservation.
type URLACLEntry struct {
	SID      string `json:"sid"`
	Account  string `json:"account"`
	Listen   bool   `json:"listen"`
	Delegate bool   `json:"delegate"`
}

// URLACL is a URL reservation (netsh http show urlacl).
type URLACL struct {
	URL     string        `json:"url"`
	SDDL    string        `json:"sddl"`
	Entries []URLACLEntry `json:"entries"`
}

// BindingKey names an SSL binding: exactly one of IPPort (the IP table) and
// HostnamePort (the SNI table) is set.
type BindingKey struct {
	IPPort       string `json:"ipport,omitempty"`
	HostnamePort string `json:"hostnameport,omitempty"`
}

// String returns the key as netsh shows it.
func (k BindingKey) String() string {
	if k.HostnamePort != "" {
		return "hostnameport=" + k.HostnamePort
	}
	return "ipport=" + k.IPPort
}

// SSLBinding is an HTTP.sys SSL certificate binding (netsh http show sslcert).
type SSLBinding struct {
	BindingKey
	CertificateHash                          string `json:"certificate_hash"`
	AppID                                    string `json:"app_id"`
	CertificateStoreName                     string `json:"certificate_store_name"`
	VerifyClientCertRevocation               bool   `json:"verify_client_cert_revocation"`
	VerifyRevocationWithCachedClientCertOnly bool   `json:"verify_revocation_with_cached_client_cert_only"`
	UsageCheck                               bool   `json:"usage_check"`
	RevocationFreshnessTime                  int64  `json:"revocation_freshness_time"`
	URLRetrievalTimeout                      int64  `json:"url_retrieval_timeout"`
	CTLIdentifier                            string `json:"ctl_identifier"`
	CTLStoreName                             string `json:"ctl_store_name"`
	DSMapperUsage                            bool   `json:"ds_mapper_usage"`
	NegotiateClientCert                      bool   `json:"negotiate_client_cert"`
	// The TLS flags of DefaultFlags (HTTP_SERVICE_CONFIG_SSL_FLAG_DISABLE_*).
	DisableHTTP2        bool `json:"disable_http2"`
	DisableQUIC         bool `json:"disable_quic"`
	DisableTLS13        bool `json:"disable_tls13"`
	DisableOCSPStapling bool `json:"disable_ocsp_stapling"`
	DisableLegacyTLS    bool `json:"disable_legacy_tls"`
	// OtherFlags are the DefaultFlags bits no field stands for, as read.
	// Sent as 0 (omitted), a replace keeps the old binding's.
	OtherFlags uint32 `json:"other_flags,omitempty"`
}

// LookupAccount resolves an account name or SID string on the host.
func (s *HTTPSys) LookupAccount(ctx context.Context, account string) (Account, error) {
	var a Account
	err := s.host.call(ctx, "httpsys.account.lookup", map[string]string{"account": account}, &a)
	return a, err
}

// ListURLACLs returns every URL reservation on the host.
func (s *HTTPSys) ListURLACLs(ctx context.Context) ([]URLACL, error) {
	var out struct {
		URLACLs []URLACL `json:"urlacls"`
	}
	err := s.host.call(ctx, "httpsys.urlacl.list", nil, &out)
	return out.URLACLs, err
}

// GetURLACL returns the reservation of url; IsNotFound if there is none.
func (s *HTTPSys) GetURLACL(ctx context.Context, url string) (URLACL, error) {
	var u URLACL
	err := s.host.call(ctx, "httpsys.urlacl.get", map[string]string{"url": url}, &u)
	return u, err
}

// AddURLACL reserves url with the security descriptor sddl.
func (s *HTTPSys) AddURLACL(ctx context.Context, url, sddl string) (URLACL, error) {
	var u URLACL
	err := s.host.call(ctx, "httpsys.urlacl.add", map[string]string{"url": url, "sddl": sddl}, &u)
	return u, err
}

// DeleteURLACL removes the reservation of url; IsNotFound if there is none.
func (s *HTTPSys) DeleteURLACL(ctx context.Context, url string) error {
	return s.host.call(ctx, "httpsys.urlacl.delete", map[string]string{"url": url}, nil)
}

// ListSSLBindings returns every SSL binding, IP and SNI tables together.
func (s *HTTPSys) ListSSLBindings(ctx context.Context) ([]SSLBinding, error) {
	var out struct {
		Bindings []SSLBinding `json:"bindings"`
	}
	err := s.host.call(ctx, "httpsys.sslcert.list", nil, &out)
	return out.Bindings, err
}

// GetSSLBinding returns the binding at key; IsNotFound if there is none.
func (s *HTTPSys) GetSSLBinding(ctx context.Context, key BindingKey) (SSLBinding, error) {
	var b SSLBinding
	err := s.host.call(ctx, "httpsys.sslcert.get", key, &b)
	return b, err
}

// AddSSLBinding creates a binding; IsAlreadyExists if its key is taken,
// IsNoUsablePrivateKey if its certificate cannot serve TLS from that store.
func (s *HTTPSys) AddSSLBinding(ctx context.Context, b SSLBinding) (SSLBinding, error) {
	var out SSLBinding
	err := s.host.call(ctx, "httpsys.sslcert.add", b, &out)
	return out, err
}

// ReplaceSSLBinding swaps the binding at b's key for b in one host call; if
// the new binding cannot be added the host restores the old one, so a failed
// change never leaves the port unbound.
func (s *HTTPSys) ReplaceSSLBinding(ctx context.Context, b SSLBinding) (SSLBinding, error) {
	var out SSLBinding
	err := s.host.call(ctx, "httpsys.sslcert.replace", b, &out)
	return out, err
}

// DeleteSSLBinding removes the binding at key; IsNotFound if there is none.
func (s *HTTPSys) DeleteSSLBinding(ctx context.Context, key BindingKey) error {
	return s.host.call(ctx, "httpsys.sslcert.delete", key, nil)
}

// CertificateInUse is an SSL binding with the certificate it names, looked
// up in the binding's store.
type CertificateInUse struct {
	BindingKey
	// CCS is the port of a Central Certificate Store binding ("ccs=PORT"),
	// empty for the IP and SNI tables. Such a binding names no certificate:
	// HTTP.sys loads one per host name from the CCS share at the handshake,
	// so Hash and Store are empty and Found is false.
	CCS string `json:"ccs"`
	// Port is the binding's port, for either table.
	Port int64 `json:"port"`
	// AppID is the binding's application GUID, lower-case in braces.
	AppID string `json:"app_id"`
	// Store is the binding's certificate store, upper-case (MY when unset).
	Store string `json:"certificate_store_name"`
	// Hash is the binding's certificate hash, 40 upper-case hex digits.
	Hash string `json:"certificate_hash"`
	// Found is false when the store does not hold the certificate (deleted
	// after binding: HTTP.sys keeps the binding and fails the handshakes).
	Found bool `json:"certificate_found"`
	// Certificate is the certificate's facts, with KeyOpens set and no PEM;
	// nil when not Found.
	Certificate *Certificate `json:"certificate"`
}

// ListCertificatesInUse returns every SSL binding, IP and SNI tables, each
// with its certificate's facts, then the Central Certificate Store bindings,
// in one host call; port 0 means every port.
func (s *HTTPSys) ListCertificatesInUse(ctx context.Context, port int64) ([]CertificateInUse, error) {
	var out struct {
		Bindings []CertificateInUse `json:"bindings"`
	}
	args := struct {
		Port int64 `json:"port,omitempty"`
	}{port}
	err := s.host.call(ctx, "httpsys.certificates_in_use.list", args, &out)
	return out.Bindings, err
}
