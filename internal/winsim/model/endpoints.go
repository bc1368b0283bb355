package model

import (
	"bytes"
	"crypto/x509"
	"net/url"
	"strconv"
	"strings"
)

// Endpoint is an HTTPS endpoint a simulated service serves: the observable
// end state of the procedures.
type Endpoint struct {
	// Service is the service's name; Port the TCP port of its URI.
	Service string
	Port    int
	// CertDER and KeyPEM are the bound certificate and its private key
	// (PKCS#8 PEM); Thumbprint is the certificate's.
	CertDER []byte
	// ChainDER are the intermediate certificates SChannel sends after the
	// leaf: the issuers it finds in the host's Intermediate Certification
	// Authorities store (CA), nearest first.
	ChainDER   [][]byte
	KeyPEM     string
	Thumbprint string
	// Protocols are the TLS versions HTTP.sys serves on the binding
	// ("TLS 1.2", ...): those the SCHANNEL Server keys turned on as of the
	// last boot (schannel.go), less those the binding's flags disable.
	Protocols []string
}

// defaultURISettings are the appSettings keys the procedures' services read
// their URI from (Sage 50: HttpsServiceUri; Sage 300: ServiceUri).
var defaultURISettings = []string{"HttpsServiceUri", "ServiceUri"}

// HTTPSEndpoints lists the services that would be serving HTTPS on Windows:
// a service is listening on port P when it is Running, its config file's
// URI setting is "https://HOST:P...", a URL reservation for https on port P
// (host +, * or HOST) lets it register, and an SSL binding for 0.0.0.0:P
// (or HOST:P) names a certificate in the binding's store whose private key
// the host holds. Without any of these, a .NET HttpListener service fails
// to start listening (or TLS handshakes fail), as on Windows.
func (h *Host) HTTPSEndpoints() []Endpoint {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.ServedHTTPSEndpoints()
}

// ServedHTTPSEndpoints is HTTPSEndpoints for the bridge: call only inside
// Host.Exclusive.
func (h *Host) ServedHTTPSEndpoints() []Endpoint {
	var out []Endpoint
	for _, s := range h.services {
		if ep, ok := h.serviceEndpoint(s); ok {
			out = append(out, ep)
		}
	}
	return out
}

// serviceEndpoint works out the endpoint of one service, if it has one.
func (h *Host) serviceEndpoint(s ServiceState) (Endpoint, bool) {
	if s.Status != statusRunning || s.ConfigPath == "" {
		return Endpoint{}, false
	}
	host, port, ok := h.serviceHTTPSURI(s)
	if !ok || !h.reservesHTTPSPort(host, port) {
		return Endpoint{}, false
	}
	b, ok := h.bindingForPort(host, port)
	if !ok {
		return Endpoint{}, false
	}
	store, _ := bindingStoreName(b.CertificateStoreName)
	i := h.findCertificate(store, b.CertificateHash)
	if i < 0 || len(h.certs[i].KeyPEM) == 0 {
		return Endpoint{}, false
	}
	c := h.certs[i]
	return Endpoint{Service: s.Name, Port: port, CertDER: c.DER, ChainDER: h.intermediatesOf(c.DER), KeyPEM: string(c.KeyPEM), Thumbprint: c.Thumbprint,
		Protocols: bindingProtocols(h.schannelProtocolsOn("Server"), b)}, true
}

// configuredURI returns the URI the service's config file holds now (the
// value of its URI setting), or "" if there is none.
func (h *Host) configuredURI(s ServiceState) string {
	if s.ConfigPath == "" {
		return ""
	}
	c, err := h.readConfigFile(s.ConfigPath)
	if err != nil {
		return ""
	}
	keys := defaultURISettings
	if s.URISetting != "" {
		keys = []string{s.URISetting}
	}
	for _, key := range keys {
		if e := c.findSetting(key); e != nil {
			v, _ := e.attr("value")
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// serviceHTTPSURI returns the host and port of the URI the running service
// listens on when it is an https URI (port 443 when the URI has none). That
// is the URI it read when it started, not the config file's current value:
// a .NET service reads its .exe.config once, at start ("Configuring Apps by
// using Configuration Files", learn.microsoft.com), which is why the procedures
// restart the service after editing it.
func (h *Host) serviceHTTPSURI(s ServiceState) (string, int, bool) {
	u, err := url.Parse(s.ListeningURI)
	if s.ListeningURI == "" || err != nil || !strings.EqualFold(u.Scheme, "https") || u.Hostname() == "" {
		return "", 0, false
	}
	port := 443
	if p := u.Port(); p != "" {
		if port, err = strconv.Atoi(p); err != nil {
			return "", 0, false
		}
	}
	return u.Hostname(), port, true
}

// reservesHTTPSPort reports whether a URL reservation covers https on port
// for the service's host name: host + (strong wildcard), * or the name.
func (h *Host) reservesHTTPSPort(host string, port int) bool {
	for _, u := range h.urlacls {
		rest, ok := strings.CutPrefix(strings.ToLower(u.url), "https://")
		if !ok {
			continue
		}
		hostPort, _, _ := strings.Cut(rest, "/")
		aclHost, aclPort, err := splitPrefixHostPort(hostPort)
		if err != "" || aclPort != strconv.Itoa(port) {
			continue
		}
		if aclHost == "+" || aclHost == "*" || strings.EqualFold(aclHost, host) {
			return true
		}
	}
	return false
}

// bindingForPort finds the SSL binding HTTP.sys would use for the port: the
// SNI binding for host:port, else the wildcard 0.0.0.0:port.
func (h *Host) bindingForPort(host string, port int) (Binding, bool) {
	p := strconv.Itoa(port)
	for _, b := range h.sniBindings {
		if b.HostnamePort != nil && strings.EqualFold(*b.HostnamePort, host+":"+p) {
			return b, true
		}
	}
	for _, b := range h.ipBindings {
		if b.IPPort != nil && *b.IPPort == "0.0.0.0:"+p {
			return b, true
		}
	}
	return Binding{}, false
}

// bindingProtocols narrows the protocols SChannel serves to what a binding's
// flags allow: HTTP_SERVICE_CONFIG_SSL_FLAG_DISABLE_LEGACY_TLS sets a TLS 1.2
// floor ("TLS version enforcement capabilities now available per certificate
// binding on Windows Server 2019", learn.microsoft.com/security/engineering/
// disable-legacy-tls) and HTTP_SERVICE_CONFIG_SSL_FLAG_DISABLE_TLS13 takes
// TLS 1.3 away (HTTP_SERVICE_CONFIG_SSL_PARAM, learn.microsoft.com).
func bindingProtocols(schannelOn []string, b Binding) []string {
	var served []string
	for _, p := range schannelOn {
		legacy := p == "SSL 3.0" || p == "TLS 1.0" || p == "TLS 1.1"
		if (legacy && b.DisableLegacyTLS) || (p == "TLS 1.3" && b.DisableTLS13) {
			continue
		}
		served = append(served, p)
	}
	return served
}

// intermediatesOf walks from a certificate up through the issuers the CA
// store holds (each one's signature checked), as SChannel builds the chain
// it sends; a root (self-signed) ends it and is not sent.
func (h *Host) intermediatesOf(der []byte) [][]byte {
	cur, err := x509.ParseCertificate(der)
	if err != nil {
		return nil
	}
	var chain [][]byte
	for range 8 {
		var next *x509.Certificate
		for _, c := range h.certs {
			if !strings.EqualFold(c.Store, "CA") {
				continue
			}
			issuer, err := x509.ParseCertificate(c.DER)
			if err == nil && bytes.Equal(issuer.RawSubject, cur.RawIssuer) && cur.CheckSignatureFrom(issuer) == nil &&
				!bytes.Equal(issuer.RawSubject, issuer.RawIssuer) {
				next = issuer
				break
			}
		}
		if next == nil {
			return chain
		}
		chain = append(chain, next.Raw)
		cur = next
	}
	return chain
}
