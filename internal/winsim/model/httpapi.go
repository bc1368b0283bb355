package model

import (
	"encoding/hex"
	"strconv"
	"strings"
)

// The HTTP Server API's configuration store and the account lookups as the
// host agent's IHttpApi and IAccounts see them (internal/winsim/bridge_httpsys.go):
// what Windows itself keeps and answers. Every method here is called only
// inside Host.Exclusive; none locks the host.

// SSLRecord is an SSL binding as HTTP.sys stores it: the key and the fields
// of HTTP_SERVICE_CONFIG_SSL_PARAM (https://learn.microsoft.com/en-us/windows/win32/api/http/ns-http-http_service_config_ssl_param).
type SSLRecord struct {
	IPPort                  *string `json:"ipport"`
	HostnamePort            *string `json:"hostnameport"`
	Hash                    string  `json:"hash"` // hex of pSslHash
	AppID                   string  `json:"app_id"`
	StoreName               *string `json:"store_name"` // nil: not set (HTTP.sys reads MY)
	CertCheckMode           uint32  `json:"cert_check_mode"`
	RevocationFreshnessTime uint32  `json:"revocation_freshness_time"`
	URLRetrievalTimeout     uint32  `json:"url_retrieval_timeout"`
	CTLIdentifier           *string `json:"ctl_identifier"`
	CTLStoreName            *string `json:"ctl_store_name"`
	Flags                   uint32  `json:"flags"`
}

// Record is the binding as HttpQueryServiceConfiguration returns it.
func (b Binding) Record() SSLRecord {
	store, ctl, ctlStore := b.CertificateStoreName, b.CTLIdentifier, b.CTLStoreName
	r := SSLRecord{
		IPPort: b.IPPort, HostnamePort: b.HostnamePort, Hash: b.CertificateHash,
		AppID: strings.Trim(b.AppID, "{}"), StoreName: &store,
		CertCheckMode: b.CertCheckMode(), RevocationFreshnessTime: b.RevocationFreshnessTime,
		URLRetrievalTimeout: b.URLRetrievalTimeout, Flags: b.Flags(),
	}
	if ctl != "" {
		r.CTLIdentifier = &ctl
	}
	if ctlStore != "" {
		r.CTLStoreName = &ctlStore
	}
	return r
}

// bindingOf reads a record HttpSetServiceConfiguration was given into the
// model's binding, checking it as HTTP.sys does (87 for a key, hash, app id
// or store name in an unusable form).
func (h *Host) bindingOf(r SSLRecord) (Binding, *OpError) {
	str := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	if _, err := hex.DecodeString(r.Hash); err != nil {
		return Binding{}, h.win32Error(errInvalidParameter, "pSslHash: %q is not a hash", r.Hash)
	}
	b := Binding{
		IPPort: r.IPPort, HostnamePort: r.HostnamePort, CertificateHash: r.Hash, AppID: r.AppID,
		CertificateStoreName:                     str(r.StoreName),
		VerifyClientCertRevocation:               r.CertCheckMode&1 == 0,
		VerifyRevocationWithCachedClientCertOnly: r.CertCheckMode&2 != 0,
		UsageCheck:                               r.CertCheckMode&0x10000 == 0,
		RevocationFreshnessTime:                  r.RevocationFreshnessTime,
		URLRetrievalTimeout:                      r.URLRetrievalTimeout,
		CTLIdentifier:                            str(r.CTLIdentifier),
		CTLStoreName:                             str(r.CTLStoreName),
		DSMapperUsage:                            r.Flags&flagUseDSMapper != 0,
		NegotiateClientCert:                      r.Flags&flagNegotiateClientCert != 0,
		DisableHTTP2:                             r.Flags&flagDisableHTTP2 != 0,
		DisableQUIC:                              r.Flags&flagDisableQUIC != 0,
		DisableTLS13:                             r.Flags&flagDisableTLS13 != 0,
		DisableOCSPStapling:                      r.Flags&flagDisableOCSPStapling != 0,
		DisableLegacyTLS:                         r.Flags&flagDisableLegacyTLS != 0,
		OtherFlags:                               r.Flags &^ namedFlags,
	}
	n, opErr := normalizeBinding(b)
	if opErr != nil {
		return Binding{}, h.localize(opErr)
	}
	return n, nil
}

// SSLRecordsLocked enumerates one table (HttpServiceConfigQueryNext over
// HttpServiceConfigSSLCertInfo, or HttpServiceConfigSslSniCertInfo when sni).
func (h *Host) SSLRecordsLocked(sni bool) []SSLRecord {
	t := h.ipBindings
	if sni {
		t = h.sniBindings
	}
	out := make([]SSLRecord, 0, len(t))
	for _, b := range t {
		out = append(out, b.clone().Record())
	}
	return out
}

// keyOfRecord parses a record's key as HttpQueryServiceConfiguration's key
// structures carry it.
func (h *Host) keyOfRecord(ipport, hostnameport *string) (bindingKey, *OpError) {
	k, opErr := parseBindingKey(ipport, hostnameport)
	if opErr != nil {
		return bindingKey{}, h.localize(opErr)
	}
	return k, nil
}

// SSLRecordLocked is HttpQueryServiceConfiguration(QueryExact): 2 when no
// binding has the key.
func (h *Host) SSLRecordLocked(ipport, hostnameport *string) (SSLRecord, *OpError) {
	k, opErr := h.keyOfRecord(ipport, hostnameport)
	if opErr != nil {
		return SSLRecord{}, opErr
	}
	i := h.findBinding(k)
	if i < 0 {
		return SSLRecord{}, h.win32Error(errFileNotFound, "no SSL binding for %s", k)
	}
	return (*h.bindingTable(k))[i].clone().Record(), nil
}

// SetSSLRecordLocked is HttpSetServiceConfiguration: 183 when the key is
// taken, 1312 when the certificate is not in its store or its key does not
// open, 87 for a value in an unusable form. New bindings go last.
func (h *Host) SetSSLRecordLocked(r SSLRecord) *OpError {
	b, opErr := h.bindingOf(r)
	if opErr != nil {
		return opErr
	}
	return h.localize(h.addBinding(b))
}

// updateMinBuild is the first Windows build whose httpapi.dll exports
// HttpUpdateServiceConfiguration (Windows 10 / Server 2016, "Requirements"
// of https://learn.microsoft.com/en-us/windows/win32/api/http/nf-http-httpupdateserviceconfiguration);
// older hosts fail the P/Invoke with ERROR_PROC_NOT_FOUND.
const updateMinBuild = 14393

// errProcNotFound is ERROR_PROC_NOT_FOUND (127).
const errProcNotFound = 127

// UpdateSSLRecordLocked is HttpUpdateServiceConfiguration: the binding at
// the record's key takes the record's parameters in place, atomically; 2
// when absent, 1312 and 87 as for a set; 127 on a build without the API.
func (h *Host) UpdateSSLRecordLocked(r SSLRecord) *OpError {
	if h.windowsBuild() < updateMinBuild {
		return &OpError{Code: errProcNotFound, Message: "Unable to find an entry point named 'HttpUpdateServiceConfiguration' in DLL 'httpapi.dll'."}
	}
	b, opErr := h.bindingOf(r)
	if opErr != nil {
		return opErr
	}
	k := keyOf(b)
	i := h.findBinding(k)
	if i < 0 {
		return h.win32Error(errFileNotFound, "no SSL binding for %s", k)
	}
	if opErr := h.checkBindingCertificate(b); opErr != nil {
		return h.localize(opErr)
	}
	(*h.bindingTable(k))[i] = b
	return nil
}

// DeleteSSLRecordLocked is HttpDeleteServiceConfiguration: 2 when absent.
func (h *Host) DeleteSSLRecordLocked(ipport, hostnameport *string) *OpError {
	k, opErr := h.keyOfRecord(ipport, hostnameport)
	if opErr != nil {
		return opErr
	}
	i := h.findBinding(k)
	if i < 0 {
		return h.win32Error(errFileNotFound, "no SSL binding for %s", k)
	}
	t := h.bindingTable(k)
	*t = append((*t)[:i:i], (*t)[i+1:]...)
	return nil
}

// windowsBuild is the build number of the host's os_version ("10.0.20348").
func (h *Host) windowsBuild() int {
	v := h.state.OSVersion
	build, err := strconv.Atoi(v[strings.LastIndex(v, ".")+1:])
	if err != nil {
		return 0
	}
	return build
}

// URLACLStatesLocked enumerates the reservations (HttpServiceConfigUrlAclInfo,
// QueryNext), each SDDL as HTTP.sys converts it back.
func (h *Host) URLACLStatesLocked() []URLACLState { return h.urlACLStates() }

// URLACLStateLocked is HttpQueryServiceConfiguration(QueryExact): 2 when
// the prefix is not reserved.
func (h *Host) URLACLStateLocked(url string) (URLACLState, *OpError) {
	i := h.findURLACL(url)
	if i < 0 {
		return URLACLState{}, h.win32Error(errFileNotFound, "no URL reservation for %q", url)
	}
	return URLACLState{URL: h.urlacls[i].url, SDDL: h.urlacls[i].sd.String()}, nil
}

// SetURLACLLocked is HttpSetServiceConfiguration(HttpServiceConfigUrlAclInfo).
func (h *Host) SetURLACLLocked(url, sddl string) *OpError {
	_, opErr := h.addURLACL(url, sddl)
	return h.localize(opErr)
}

// DeleteURLACLLocked is HttpDeleteServiceConfiguration: 2 when absent.
func (h *Host) DeleteURLACLLocked(url string) *OpError {
	i := h.findURLACL(url)
	if i < 0 {
		return h.win32Error(errFileNotFound, "no URL reservation for %q", url)
	}
	h.urlacls = append(h.urlacls[:i:i], h.urlacls[i+1:]...)
	return nil
}

// AccountSIDLocked is LookupAccountName (NTAccount.Translate): the SID of
// a name; 1332 when it does not resolve.
func (h *Host) AccountSIDLocked(name string) (string, *OpError) {
	if strings.HasPrefix(strings.ToUpper(name), "S-") {
		// LookupAccountName does not take SID strings.
		return "", h.win32Error(errNoneMapped, "no account is named %q", name)
	}
	a, opErr := h.lookupAccount(name)
	if opErr != nil {
		return "", h.localize(opErr)
	}
	return a.sid, nil
}

// AccountNameLocked is LookupAccountSid (SecurityIdentifier.Translate): the
// host's name of a SID, "DOMAIN\name" or "name"; 1332 when no account has it.
func (h *Host) AccountNameLocked(sid string) (string, *OpError) {
	canonical, ok := parseSID(sid)
	if !ok {
		return "", h.win32Error(errInvalidParameter, "%q is not a SID string", sid)
	}
	a, known := h.accountBySID(canonical)
	if !known {
		return "", h.win32Error(errNoneMapped, "no account on this host has SID %s", canonical)
	}
	return a.qualified(), nil
}
