package model

import (
	"crypto/x509"
	"strings"
)

// ChainPools returns the host's LocalMachine Root store as trust anchors
// and its CA (intermediate) store, what X509Chain builds a served
// certificate's chain with when the host itself connects (tls.probe).
func (h *Host) ChainPools() (roots, intermediates *x509.CertPool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	roots, intermediates = x509.NewCertPool(), x509.NewCertPool()
	for _, c := range h.certs {
		switch c.Store {
		case "ROOT":
			roots.AddCert(c.Cert)
		case "CA":
			intermediates.AddCert(c.Cert)
		}
	}
	return roots, intermediates
}

// OwnsAddress reports whether address names the host itself: loopback,
// "localhost" or its computer name, the addresses from which a connection
// made on the host reaches its own listeners.
func (h *Host) OwnsAddress(address string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	switch address {
	case "127.0.0.1", "::1", "[::1]", "localhost":
		return true
	}
	return strings.EqualFold(address, h.state.Hostname)
}
