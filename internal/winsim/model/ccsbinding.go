package model

import (
	"fmt"
	"sort"
)

// CCSBinding is an HTTP.sys Central Certificate Store binding
// (HttpServiceConfigSslCcsCertInfo, "netsh http add sslcert ccs=PORT"):
// HTTP.sys serves each TLS handshake on the port with the certificate the
// CCS share holds for the host name the client asked for, so the binding
// names no certificate hash and no store. The simulator keeps the table for
// what reads it (the agent's httpsys.certificates_in_use.list); it has no op
// that adds one and serves nothing on the port.
type CCSBinding struct {
	Port  int    `json:"port"`
	AppID string `json:"app_id"`
}

// loadCCSBindings checks the state document's CCS bindings as
// HttpSetServiceConfiguration would: a port 1-65535, a GUID app id
// (lower-case in braces), each port once (183).
func (h *Host) loadCCSBindings(list []CCSBinding) error {
	seen := map[int]bool{}
	h.ccsBindings = nil
	for i, b := range list {
		if b.Port < 1 || b.Port > 65535 {
			return fmt.Errorf("sslcert_ccs_bindings[%d]: port %d must be 1-65535 (code %d)", i, b.Port, errInvalidParameter)
		}
		appID, opErr := normalizeGUID(b.AppID)
		if opErr != nil {
			return fmt.Errorf("sslcert_ccs_bindings[%d]: %w", i, opErr)
		}
		if seen[b.Port] {
			return fmt.Errorf("sslcert_ccs_bindings[%d]: a Central Certificate Store binding for port %d already exists (code %d)", i, b.Port, errAlreadyExists)
		}
		seen[b.Port] = true
		h.ccsBindings = append(h.ccsBindings, CCSBinding{Port: b.Port, AppID: appID})
	}
	return nil
}

// CCSBindingsLocked enumerates the CCS table (HttpServiceConfigQueryNext
// over HttpServiceConfigSslCcsCertInfo), by port.
func (h *Host) CCSBindingsLocked() []CCSBinding {
	out := append([]CCSBinding{}, h.ccsBindings...)
	sort.Slice(out, func(i, j int) bool { return out[i].Port < out[j].Port })
	return out
}
