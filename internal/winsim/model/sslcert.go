package model

import (
	"encoding/json"
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
	k := keyOf(b)
	if h.findBinding(k) >= 0 {
		return bareError(errAlreadyExists, "an SSL binding for %s already exists", k)
	}
	if opErr := h.checkBindingCertificate(b); opErr != nil {
		return opErr
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

// parseBindingArgs reads and normalises an add or replace op's binding.
func (h *Host) parseBindingArgs(op string, args json.RawMessage) (Binding, error) {
	var in Binding
	if err := json.Unmarshal(args, &in); err != nil {
		return Binding{}, h.win32Error(errInvalidParameter, "%s: arguments: %v", op, err)
	}
	b, opErr := normalizeBinding(in)
	if opErr != nil {
		return Binding{}, h.localize(opErr)
	}
	return b, nil
}

// parseKeyArgs reads the {"ipport":K} or {"hostnameport":K} of get and
// delete.
func (h *Host) parseKeyArgs(op string, args json.RawMessage) (bindingKey, error) {
	var in struct {
		IPPort       *string `json:"ipport"`
		HostnamePort *string `json:"hostnameport"`
	}
	if err := json.Unmarshal(args, &in); err != nil {
		return bindingKey{}, h.win32Error(errInvalidParameter, "%s: arguments: %v", op, err)
	}
	k, opErr := parseBindingKey(in.IPPort, in.HostnamePort)
	if opErr != nil {
		return bindingKey{}, h.localize(opErr)
	}
	return k, nil
}

// sslCertList returns both tables, IP bindings first (HttpQueryServiceConfiguration
// enumerates each config id separately).
func sslCertList(h *Host, _ json.RawMessage) (any, error) {
	return map[string]any{"bindings": h.sslBindings()}, nil
}

func (h *Host) sslBindings() []Binding {
	out := make([]Binding, 0, len(h.ipBindings)+len(h.sniBindings))
	for _, b := range append(append([]Binding{}, h.ipBindings...), h.sniBindings...) {
		out = append(out, b.clone())
	}
	return out
}

func sslCertGet(h *Host, args json.RawMessage) (any, error) {
	k, err := h.parseKeyArgs("httpsys.sslcert.get", args)
	if err != nil {
		return nil, err
	}
	i := h.findBinding(k)
	if i < 0 {
		return nil, h.win32Error(errFileNotFound, "no SSL binding for %s", k)
	}
	return (*h.bindingTable(k))[i], nil
}

func sslCertAdd(h *Host, args json.RawMessage) (any, error) {
	b, err := h.parseBindingArgs("httpsys.sslcert.add", args)
	if err != nil {
		return nil, err
	}
	if opErr := h.addBinding(b); opErr != nil {
		return nil, h.localize(opErr)
	}
	return b, nil
}

// sslCertReplace deletes the binding at the key and adds the new one; if the
// add fails, the old binding goes back into its place before the add's error
// is returned, so a failed change never leaves the port unbound
// (PROTOCOL.md). HttpSetServiceConfiguration cannot overwrite a record
// ("To change a given configuration record, delete it and then recreate it").
func sslCertReplace(h *Host, args json.RawMessage) (any, error) {
	b, err := h.parseBindingArgs("httpsys.sslcert.replace", args)
	if err != nil {
		return nil, err
	}
	k := keyOf(b)
	i := h.findBinding(k)
	if i < 0 {
		return nil, h.win32Error(errFileNotFound, "no SSL binding for %s to replace", k)
	}
	t := h.bindingTable(k)
	old := (*t)[i]
	// DefaultFlags bits the new binding has no field for stay as they were
	// (PROTOCOL.md: replace keeps other_flags).
	b.OtherFlags |= old.OtherFlags
	*t = append((*t)[:i:i], (*t)[i+1:]...)
	if opErr := h.addBinding(b); opErr != nil {
		*t = append((*t)[:i:i], append([]Binding{old}, (*t)[i:]...)...)
		return nil, h.localize(opErr)
	}
	// Keep the replaced binding's place in the list.
	last := len(*t) - 1
	*t = append((*t)[:i:i], append([]Binding{(*t)[last]}, (*t)[i:last]...)...)
	return b, nil
}

func sslCertDelete(h *Host, args json.RawMessage) (any, error) {
	k, err := h.parseKeyArgs("httpsys.sslcert.delete", args)
	if err != nil {
		return nil, err
	}
	i := h.findBinding(k)
	if i < 0 {
		return nil, h.win32Error(errFileNotFound, "no SSL binding for %s", k)
	}
	t := h.bindingTable(k)
	*t = append((*t)[:i:i], (*t)[i+1:]...)
	return struct{}{}, nil
}

// SSLBindings returns every SSL binding, IP table then SNI table, for the
// simulator's TLS listeners.
func (h *Host) SSLBindings() []Binding {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.sslBindings()
}

// loadBindings adds the state document's bindings with the add op's rules,
// so the certificates they use must be loaded first.
func (h *Host) loadBindings(list []Binding) error {
	for i, in := range list {
		b, opErr := normalizeBinding(in)
		if opErr == nil {
			opErr = h.addBinding(b)
		}
		if opErr != nil {
			return fmt.Errorf("sslcert_bindings[%d]: %w", i, opErr)
		}
	}
	return nil
}
