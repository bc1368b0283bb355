package model

import (
	"fmt"
)

// bindingTable returns the table a key lives in: the IP table
// (HttpServiceConfigSSLCertInfo) or the SNI table
// (HttpServiceConfigSslSniCertInfo), separate key spaces.
func (h *Host) bindingTable(k bindingKey) *[]Binding {
	if k.sni {
		return &h.sniBindings
	}
	return &h.ipBindings
}

func keyOf(b Binding) bindingKey {
	if b.HostnamePort != nil {
		return bindingKey{sni: true, key: *b.HostnamePort}
	}
	return bindingKey{key: *b.IPPort}
}

// findBinding returns the index of the binding at k in its table, or -1.
func (h *Host) findBinding(k bindingKey) int {
	for i, b := range *h.bindingTable(k) {
		if keyOf(b).same(k) {
			return i
		}
	}
	return -1
}

// addBinding stores a normalised binding as HttpSetServiceConfiguration does:
// 183 if the key is taken ("The call fails if the specified record already
// exists"); ERROR_NO_SUCH_LOGON_SESSION (1312, "The SSL Certificate used is
// invalid", https://learn.microsoft.com/en-us/windows/win32/api/http/nf-http-httpsetserviceconfiguration)
// if the certificate is not in that LocalMachine store ("The specified
// certificate store name must be present in the Local System store
// location", HTTP_SERVICE_CONFIG_SSL_PARAM) or has no private key to serve
// TLS with. New bindings go last; lists come back in insertion order (the
// enumeration order of HTTP.sys is not documented).
func (h *Host) addBinding(b Binding) *OpError {
	return h.insertBinding(b, true)
}

// insertBinding adds b; checkCertificate applies HTTP.sys's set-time check
// of the certificate (checkBindingCertificate).
func (h *Host) insertBinding(b Binding, checkCertificate bool) *OpError {
	k := keyOf(b)
	if h.findBinding(k) >= 0 {
		return bareError(errAlreadyExists, "an SSL binding for %s already exists", k)
	}
	if checkCertificate {
		if opErr := h.checkBindingCertificate(b); opErr != nil {
			return opErr
		}
	}
	t := h.bindingTable(k)
	*t = append(*t, b)
	return nil
}

// checkBindingCertificate answers 1312 unless the binding's certificate is in
// its store with a private key.
func (h *Host) checkBindingCertificate(b Binding) *OpError {
	i := h.findCertificate(b.CertificateStoreName, b.CertificateHash)
	switch {
	case i < 0:
		return bareError(errNoSuchLogonSession, "certificate %s is not in the LocalMachine\\%s store", b.CertificateHash, b.CertificateStoreName)
	case !h.certs[i].HasPrivateKey:
		return bareError(errNoSuchLogonSession, "certificate %s in LocalMachine\\%s has no private key", b.CertificateHash, b.CertificateStoreName)
	case h.certs[i].KeyLinkBroken:
		// HTTP.sys acquires the key through the link; a container that does
		// not open fails the same way as no key (Posh-ACME #157).
		return bareError(errNoSuchLogonSession, "the private key of certificate %s in LocalMachine\\%s cannot be opened (its key container is missing or does not match the certificate's key link)", b.CertificateHash, b.CertificateStoreName)
	}
	return nil
}

func (h *Host) sslBindings() []Binding {
	out := make([]Binding, 0, len(h.ipBindings)+len(h.sniBindings))
	for _, b := range append(append([]Binding{}, h.ipBindings...), h.sniBindings...) {
		out = append(out, b.clone())
	}
	return out
}

// SSLBindings returns every SSL binding, IP table then SNI table, for the
// simulator's TLS listeners.
func (h *Host) SSLBindings() []Binding {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.sslBindings()
}

// loadBindings adds the state document's bindings with the add op's rules
// for keys and values (87, 183), but not its check of the certificate:
// HTTP.sys checks the certificate when a binding is set, and a binding stays
// when its certificate or key container is deleted afterwards (its TLS
// handshakes then fail). A host reaches that state through cert.remove,
// so what StateJSON writes of it SetStateJSON must take back.
func (h *Host) loadBindings(list []Binding) error {
	for i, in := range list {
		b, opErr := normalizeBinding(in)
		if opErr == nil {
			opErr = h.insertBinding(b, false)
		}
		if opErr != nil {
			return fmt.Errorf("sslcert_bindings[%d]: %w", i, opErr)
		}
	}
	return nil
}
