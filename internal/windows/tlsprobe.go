package windows

import "context"

// TLSProbeRequest is where tls.probe connects, from the host itself.
type TLSProbeRequest struct {
	Address        string `json:"address"`
	Port           int64  `json:"port"`
	ServerName     string `json:"server_name,omitempty"`
	TimeoutSeconds int    `json:"timeout_seconds,omitempty"`
}

// TLSProbe is the outcome of a handshake made from the host. When
// Reachable is false only Error is set.
type TLSProbe struct {
	Reachable    bool   `json:"reachable"`
	Error        string `json:"error"`
	Thumbprint   string `json:"thumbprint"`
	Subject      string `json:"subject"`
	Issuer       string `json:"issuer"`
	NotAfter     string `json:"not_after"` // RFC 3339, UTC
	Protocol     string `json:"protocol"`  // "TLS 1.2", as SCHANNEL names it
	CipherSuite  string `json:"cipher_suite"`
	ChainTrusted bool   `json:"chain_trusted"`
	ChainStatus  string `json:"chain_status"`
}

// ProbeTLS connects to req.Address:req.Port from the host and makes a TLS
// handshake. A failed connection or handshake is a result, not an error.
func (h *Host) ProbeTLS(ctx context.Context, req TLSProbeRequest) (TLSProbe, error) {
	var out TLSProbe
	err := h.call(ctx, "tls.probe", req, &out)
	return out, err
}
