package model

import (
	"encoding/json"
	"fmt"
	"math"
	"net/netip"
	"strconv"
	"strings"
)

// Binding is an HTTP.sys SSL certificate binding as the ops and the state
// document show it (PROTOCOL.md section 3): exactly one of IPPort
// (HttpServiceConfigSSLCertInfo) and HostnamePort
// (HttpServiceConfigSslSniCertInfo) is set.
type Binding struct {
	IPPort                                   *string `json:"ipport"`
	HostnamePort                             *string `json:"hostnameport"`
	CertificateHash                          string  `json:"certificate_hash"`
	AppID                                    string  `json:"app_id"`
	CertificateStoreName                     string  `json:"certificate_store_name"`
	VerifyClientCertRevocation               bool    `json:"verify_client_cert_revocation"`
	VerifyRevocationWithCachedClientCertOnly bool    `json:"verify_revocation_with_cached_client_cert_only"`
	UsageCheck                               bool    `json:"usage_check"`
	RevocationFreshnessTime                  uint32  `json:"revocation_freshness_time"`
	URLRetrievalTimeout                      uint32  `json:"url_retrieval_timeout"`
	CTLIdentifier                            string  `json:"ctl_identifier"`
	CTLStoreName                             string  `json:"ctl_store_name"`
	DSMapperUsage                            bool    `json:"ds_mapper_usage"`
	NegotiateClientCert                      bool    `json:"negotiate_client_cert"`
	DisableHTTP2                             bool    `json:"disable_http2"`
	DisableQUIC                              bool    `json:"disable_quic"`
	DisableTLS13                             bool    `json:"disable_tls13"`
	DisableOCSPStapling                      bool    `json:"disable_ocsp_stapling"`
	DisableLegacyTLS                         bool    `json:"disable_legacy_tls"`
	// OtherFlags are the DefaultFlags bits no field above stands for
	// (NO_RAW_FILTER, REJECT, ENABLE_SESSION_TICKET, ...), kept as read.
	OtherFlags uint32 `json:"other_flags"`
}

// bindingArgs is a binding's JSON with absent booleans and out-of-range
// numbers detectable.
type bindingArgs struct {
	IPPort                                   *string  `json:"ipport"`
	HostnamePort                             *string  `json:"hostnameport"`
	CertificateHash                          string   `json:"certificate_hash"`
	AppID                                    string   `json:"app_id"`
	CertificateStoreName                     string   `json:"certificate_store_name"`
	VerifyClientCertRevocation               *bool    `json:"verify_client_cert_revocation"`
	VerifyRevocationWithCachedClientCertOnly bool     `json:"verify_revocation_with_cached_client_cert_only"`
	UsageCheck                               *bool    `json:"usage_check"`
	RevocationFreshnessTime                  *float64 `json:"revocation_freshness_time"`
	URLRetrievalTimeout                      *float64 `json:"url_retrieval_timeout"`
	CTLIdentifier                            string   `json:"ctl_identifier"`
	CTLStoreName                             string   `json:"ctl_store_name"`
	DSMapperUsage                            bool     `json:"ds_mapper_usage"`
	NegotiateClientCert                      bool     `json:"negotiate_client_cert"`
	DisableHTTP2                             bool     `json:"disable_http2"`
	DisableQUIC                              bool     `json:"disable_quic"`
	DisableTLS13                             bool     `json:"disable_tls13"`
	DisableOCSPStapling                      bool     `json:"disable_ocsp_stapling"`
	DisableLegacyTLS                         bool     `json:"disable_legacy_tls"`
	OtherFlags                               *float64 `json:"other_flags"`
}

// bindingKey is a parsed key: which table, and the key in canonical form.
type bindingKey struct {
	sni bool
	key string
}

// parseBindingKey checks that exactly one of ipport and hostnameport is set
// and puts it in the form HttpQueryServiceConfiguration returns.
func parseBindingKey(ipport, hostnameport *string) (bindingKey, *OpError) {
	switch {
	case (ipport == nil || *ipport == "") == (hostnameport == nil || *hostnameport == ""):
		return bindingKey{}, bareError(errInvalidParameter, "set exactly one of ipport and hostnameport")
	case ipport != nil && *ipport != "":
		k, err := canonicalIPPort(*ipport)
		return bindingKey{key: k}, err
	default:
		k, err := canonicalHostnamePort(*hostnameport)
		return bindingKey{sni: true, key: k}, err
	}
}

// canonicalIPPort parses "IPv4:port" or "[IPv6]:port". The IP table's key is
// a SOCKADDR ("HTTP_SERVICE_CONFIG_SSL_KEY", pIpPort), so the host shows the
// address in its canonical text form (RFC 5952 for IPv6, "[::1]:443");
// 0.0.0.0 and [::] are the wildcards, separate keys of their own.
func canonicalIPPort(s string) (string, *OpError) {
	ap, err := netip.ParseAddrPort(s)
	if err != nil || ap.Addr().Zone() != "" {
		return "", bareError(errInvalidParameter, "ipport %q must be IPv4:port or [IPv6]:port, such as 0.0.0.0:443 or [::]:443", s)
	}
	if ap.Port() == 0 {
		return "", bareError(errInvalidParameter, "ipport %q: port must be 1-65535", s)
	}
	return ap.String(), nil
}

// canonicalHostnamePort parses "hostname:port" for the SNI table
// ("HTTP_SERVICE_CONFIG_SSL_SNI_KEY": a host name string and a port; the
// address part is always the IPv4 wildcard). A leading "*." wildcard label is
// allowed, as IIS 10 wildcard host bindings use it.
func canonicalHostnamePort(s string) (string, *OpError) {
	i := strings.LastIndex(s, ":")
	bad := bareError(errInvalidParameter, "hostnameport %q must be hostname:port, such as www.example.com:443", s)
	if i <= 0 {
		return "", bad
	}
	host, portText := s[:i], s[i+1:]
	port, err := strconv.Atoi(portText)
	if err != nil || port < 1 || port > 65535 || strings.TrimLeft(portText, "0123456789") != "" {
		return "", bad
	}
	if !isDNSName(strings.TrimPrefix(host, "*.")) {
		return "", bad
	}
	return host + ":" + strconv.Itoa(port), nil
}

// same compares keys; SNI host names case-insensitively, as DNS names are.
func (k bindingKey) same(other bindingKey) bool {
	return k.sni == other.sni && strings.EqualFold(k.key, other.key)
}

// UnmarshalJSON reads a binding as the add and replace ops and state
// documents give it: absent verify_client_cert_revocation and usage_check
// are true (DefaultCertCheckMode 0 checks revocation and usage, per
// HTTP_SERVICE_CONFIG_SSL_PARAM), and the DWORD fields must be in range.
func (b *Binding) UnmarshalJSON(data []byte) error {
	var in bindingArgs
	if err := json.Unmarshal(data, &in); err != nil {
		return err
	}
	freshness, opErr := dword("revocation_freshness_time", in.RevocationFreshnessTime)
	if opErr != nil {
		return opErr
	}
	timeout, opErr := dword("url_retrieval_timeout", in.URLRetrievalTimeout)
	if opErr != nil {
		return opErr
	}
	other, opErr := dword("other_flags", in.OtherFlags)
	if opErr != nil {
		return opErr
	}
	if other&namedFlags != 0 {
		return bareError(errInvalidParameter, "other_flags %#x holds bits that have their own fields (%#x)", other, other&namedFlags)
	}
	*b = Binding{
		IPPort:                                   in.IPPort,
		HostnamePort:                             in.HostnamePort,
		CertificateHash:                          in.CertificateHash,
		AppID:                                    in.AppID,
		CertificateStoreName:                     in.CertificateStoreName,
		VerifyClientCertRevocation:               in.VerifyClientCertRevocation == nil || *in.VerifyClientCertRevocation,
		VerifyRevocationWithCachedClientCertOnly: in.VerifyRevocationWithCachedClientCertOnly,
		UsageCheck:                               in.UsageCheck == nil || *in.UsageCheck,
		RevocationFreshnessTime:                  freshness,
		URLRetrievalTimeout:                      timeout,
		CTLIdentifier:                            in.CTLIdentifier,
		CTLStoreName:                             in.CTLStoreName,
		DSMapperUsage:                            in.DSMapperUsage,
		NegotiateClientCert:                      in.NegotiateClientCert,
		DisableHTTP2:                             in.DisableHTTP2,
		DisableQUIC:                              in.DisableQUIC,
		DisableTLS13:                             in.DisableTLS13,
		DisableOCSPStapling:                      in.DisableOCSPStapling,
		DisableLegacyTLS:                         in.DisableLegacyTLS,
		OtherFlags:                               other,
	}
	return nil
}

// normalizeBinding checks a binding's values and returns it as the host
// stores and shows it: key canonical, certificate hash upper-case, app id
// lower-case with braces, store name upper-case with "" read as MY
// ("HTTP_SERVICE_CONFIG_SSL_PARAM", pSslCertStoreName: "If set to NULL, "MY"
// is assumed"). Bad values are ERROR_INVALID_PARAMETER (87).
func normalizeBinding(b Binding) (Binding, *OpError) {
	key, opErr := parseBindingKey(b.IPPort, b.HostnamePort)
	if opErr != nil {
		return Binding{}, opErr
	}
	b.IPPort, b.HostnamePort = nil, nil
	if key.sni {
		b.HostnamePort = &key.key
	} else {
		b.IPPort = &key.key
	}
	if b.CertificateHash, opErr = normalizeCertHash(b.CertificateHash); opErr != nil {
		return Binding{}, opErr
	}
	if b.AppID, opErr = normalizeGUID(b.AppID); opErr != nil {
		return Binding{}, opErr
	}
	if b.CertificateStoreName, opErr = bindingStoreName(b.CertificateStoreName); opErr != nil {
		return Binding{}, opErr
	}
	return b, nil
}

// normalizeCertHash requires the 20-byte SHA-1 hash (SslHashLength, pSslHash)
// as 40 hex digits.
func normalizeCertHash(s string) (string, *OpError) {
	if len(s) != 40 || strings.TrimLeft(s, "0123456789abcdefABCDEF") != "" {
		return "", bareError(errInvalidParameter, "certificate_hash %q must be 40 hexadecimal digits (the certificate's SHA-1 thumbprint)", s)
	}
	return strings.ToUpper(s), nil
}

// normalizeGUID requires a GUID (AppId), with or without braces, and returns
// it as netsh shows it: lower-case, braced.
func normalizeGUID(s string) (string, *OpError) {
	bad := bareError(errInvalidParameter, "app_id %q must be a GUID such as {4d159978-4574-4dd5-b3ff-6f7fc8c20344}", s)
	g := s
	if strings.HasPrefix(g, "{") != strings.HasSuffix(g, "}") {
		return "", bad
	}
	g = strings.TrimSuffix(strings.TrimPrefix(g, "{"), "}")
	if len(g) != 36 {
		return "", bad
	}
	for i, c := range g {
		dash := i == 8 || i == 13 || i == 18 || i == 23
		if dash != (c == '-') || !dash && !strings.ContainsRune("0123456789abcdefABCDEF", c) {
			return "", bad
		}
	}
	return "{" + strings.ToLower(g) + "}", nil
}

// bindingStoreName is the store name as the host shows it: upper-case, MY
// for an empty name.
func bindingStoreName(s string) (string, *OpError) {
	if s == "" {
		return "MY", nil
	}
	name, err := normalizeStoreName(s)
	if err != nil {
		return "", bareError(errInvalidParameter, "certificate_store_name: %v", err)
	}
	return name, nil
}

// dword checks a DWORD field (DefaultRevocationFreshnessTime in seconds,
// DefaultRevocationUrlRetrievalTimeout in milliseconds).
func dword(name string, v *float64) (uint32, *OpError) {
	if v == nil {
		return 0, nil
	}
	if *v < 0 || *v > math.MaxUint32 || *v != math.Trunc(*v) {
		return 0, bareError(errInvalidParameter, "%s %v must be a whole number 0-%d", name, *v, uint32(math.MaxUint32))
	}
	return uint32(*v), nil
}

// CertCheckMode returns the binding's DefaultCertCheckMode bits
// ("HTTP_SERVICE_CONFIG_SSL_PARAM"): 1 no revocation check, 2 cached only,
// 4 freshness time enabled, 0x10000 no usage check.
func (b Binding) CertCheckMode() uint32 {
	var mode uint32
	if !b.VerifyClientCertRevocation {
		mode |= 1
	}
	if b.VerifyRevocationWithCachedClientCertOnly {
		mode |= 2
	}
	if b.RevocationFreshnessTime > 0 {
		mode |= 4
	}
	if !b.UsageCheck {
		mode |= 0x10000
	}
	return mode
}

// DefaultFlags bits of HTTP_SERVICE_CONFIG_SSL_PARAM (http.h,
// HTTP_SERVICE_CONFIG_SSL_FLAG_*; the Windows SDK's http.h and its metadata
// give the values, the structure's page on learn.microsoft.com lists only
// the first three).
const (
	flagUseDSMapper         = 0x1   // USE_DS_MAPPER
	flagNegotiateClientCert = 0x2   // NEGOTIATE_CLIENT_CERT
	flagDisableHTTP2        = 0x10  // DISABLE_HTTP2
	flagDisableQUIC         = 0x20  // DISABLE_QUIC
	flagDisableTLS13        = 0x40  // DISABLE_TLS13
	flagDisableOCSPStapling = 0x80  // DISABLE_OCSP_STAPLING
	flagDisableLegacyTLS    = 0x400 // DISABLE_LEGACY_TLS
	// namedFlags are the bits the binding's boolean fields stand for.
	namedFlags = flagUseDSMapper | flagNegotiateClientCert | flagDisableHTTP2 | flagDisableQUIC |
		flagDisableTLS13 | flagDisableOCSPStapling | flagDisableLegacyTLS
)

// Flags returns the binding's DefaultFlags: its boolean fields' bits and
// OtherFlags.
func (b Binding) Flags() uint32 {
	flags := b.OtherFlags
	for bit, set := range map[uint32]bool{
		flagUseDSMapper: b.DSMapperUsage, flagNegotiateClientCert: b.NegotiateClientCert,
		flagDisableHTTP2: b.DisableHTTP2, flagDisableQUIC: b.DisableQUIC, flagDisableTLS13: b.DisableTLS13,
		flagDisableOCSPStapling: b.DisableOCSPStapling, flagDisableLegacyTLS: b.DisableLegacyTLS,
	} {
		if set {
			flags |= bit
		}
	}
	return flags
}

// clone copies a binding so its key pointers are not shared.
func (b Binding) clone() Binding {
	if b.IPPort != nil {
		k := *b.IPPort
		b.IPPort = &k
	}
	if b.HostnamePort != nil {
		k := *b.HostnamePort
		b.HostnamePort = &k
	}
	return b
}

func (k bindingKey) String() string {
	if k.sni {
		return fmt.Sprintf("hostnameport=%s", k.key)
	}
	return fmt.Sprintf("ipport=%s", k.key)
}
