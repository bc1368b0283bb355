package winsim

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/winsim/model"
)

// tls.probe (PROTOCOL.md "TLS endpoint probe") is a TLS handshake
// made from the host itself. The simulator makes it for real, from Go, to
// the listener of the simulated service that serves the port, so what it
// reports is what that listener really serves. It runs here, not in the
// host model, because the listeners live in the server.

// serverOps are the ops the server answers itself, before the host model.
var serverOps = map[string]func(*Server, []byte) ([]byte, error){
	"tls.probe": (*Server).tlsProbe,
}

// invokeOp runs an op: a server op, or one of the host model's.
func (s *Server) invokeOp(op string, args []byte) ([]byte, error) {
	if f, ok := serverOps[op]; ok {
		return f(s, args)
	}
	return s.host.Invoke(op, args)
}

type tlsProbeArgs struct {
	Address        string `json:"address"`
	Port           int    `json:"port"`
	ServerName     string `json:"server_name"`
	TimeoutSeconds int    `json:"timeout_seconds"`
}

// tlsProbeResult is the op's answer; only reachable and error are set
// when the handshake fails.
type tlsProbeResult struct {
	Reachable    bool   `json:"reachable"`
	Error        string `json:"error,omitempty"`
	Thumbprint   string `json:"thumbprint,omitempty"`
	Subject      string `json:"subject,omitempty"`
	Issuer       string `json:"issuer,omitempty"`
	NotAfter     string `json:"not_after,omitempty"`
	Protocol     string `json:"protocol,omitempty"`
	CipherSuite  string `json:"cipher_suite,omitempty"`
	ChainTrusted bool   `json:"chain_trusted"`
	ChainStatus  string `json:"chain_status,omitempty"`
}

// Messages of the .NET SocketException for the Winsock errors a connect
// fails with ("Windows Sockets Error Codes", learn.microsoft.com).
const (
	wsaConnRefused = "No connection could be made because the target machine actively refused it"                                                                                                             // WSAECONNREFUSED 10061
	wsaTimedOut    = "A connection attempt failed because the connected party did not properly respond after a period of time, or established connection failed because connected host has failed to respond" // WSAETIMEDOUT 10060
	wsaHostUnknown = "No such host is known"                                                                                                                                                                  // WSAHOST_NOT_FOUND 11001
)

func (s *Server) tlsProbe(raw []byte) ([]byte, error) {
	var a tlsProbeArgs
	if err := json.Unmarshal(raw, &a); err != nil || a.Port < 1 || a.Port > 65535 {
		return nil, &model.OpError{Code: 87, Message: "The parameter is incorrect. port: a TCP port between 1 and 65535 is required"}
	}
	if a.Address == "" {
		a.Address = "127.0.0.1"
	}
	if a.TimeoutSeconds <= 0 {
		a.TimeoutSeconds = 10
	}
	return json.Marshal(s.probe(a))
}

// probe connects to the endpoint the host serves on the port. Addresses
// other than the host's own reach nothing in the simulation.
func (s *Server) probe(a tlsProbeArgs) tlsProbeResult {
	target := net.JoinHostPort(a.Address, strconv.Itoa(a.Port))
	if !s.host.OwnsAddress(a.Address) {
		if net.ParseIP(a.Address) == nil {
			return tlsProbeResult{Error: wsaHostUnknown}
		}
		return tlsProbeResult{Error: wsaTimedOut + " " + target}
	}
	listener := ""
	for _, ep := range s.syncEndpoints() {
		if ep.Port == a.Port {
			listener = ep.Address
		}
	}
	if listener == "" {
		return tlsProbeResult{Error: wsaConnRefused + " " + target}
	}
	return s.handshake(listener, a)
}

// handshake runs the TLS handshake as SslStream.AuthenticateAsClient does
// on the host: the SNI name is server_name (an IP address sends none), the
// versions are those the host's SCHANNEL Client keys leave on, and the
// certificate is recorded whatever its chain, which is then built against
// the host's Root and CA stores.
func (s *Server) handshake(listener string, a tlsProbeArgs) tlsProbeResult {
	var peer []*x509.Certificate
	cfg := &tls.Config{
		ServerName:         a.ServerName,
		InsecureSkipVerify: true, //nolint:gosec // the chain is verified below, against the simulated host's stores
		VerifyConnection: func(cs tls.ConnectionState) error {
			peer = cs.PeerCertificates
			return nil
		},
	}
	if cfg.ServerName == "" || net.ParseIP(cfg.ServerName) != nil {
		cfg.ServerName = ""
	}
	applySChannel(cfg, s.host.ClientTLSProtocols())
	ctx, cancel := context.WithTimeout(s.ctx, time.Duration(a.TimeoutSeconds)*time.Second)
	defer cancel()
	conn, err := (&tls.Dialer{Config: cfg}).DialContext(ctx, "tcp", listener)
	if err != nil {
		return tlsProbeResult{Error: handshakeError(err)}
	}
	defer func() { _ = conn.Close() }()
	state := conn.(*tls.Conn).ConnectionState()
	if len(peer) == 0 {
		return tlsProbeResult{Error: "the server sent no certificate"}
	}
	leaf := peer[0]
	r := tlsProbeResult{
		Reachable:   true,
		Thumbprint:  model.Thumbprint(leaf.Raw),
		Subject:     model.X500Name(leaf.RawSubject),
		Issuer:      model.X500Name(leaf.RawIssuer),
		NotAfter:    leaf.NotAfter.UTC().Format(time.RFC3339),
		Protocol:    schannelName(state.Version),
		CipherSuite: tls.CipherSuiteName(state.CipherSuite),
	}
	r.ChainTrusted, r.ChainStatus = s.chainTrust(leaf, peer[1:])
	return r
}

// chainTrust builds the chain as X509Chain does with the machine's stores
// (the certificates the server sent help as intermediates) and names the
// first problem, as X509ChainStatus.StatusInformation would.
func (s *Server) chainTrust(leaf *x509.Certificate, sent []*x509.Certificate) (bool, string) {
	roots, intermediates := s.host.ChainPools()
	for _, c := range sent {
		intermediates.AddCert(c)
	}
	_, err := leaf.Verify(x509.VerifyOptions{Roots: roots, Intermediates: intermediates, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}})
	var unknown x509.UnknownAuthorityError
	var invalid x509.CertificateInvalidError
	switch {
	case err == nil:
		return true, ""
	case errors.As(err, &unknown):
		return false, "A certificate chain processed, but terminated in a root certificate which is not trusted by the trust provider."
	case errors.As(err, &invalid) && invalid.Reason == x509.Expired:
		return false, "A required certificate is not within its validity period when verifying against the current system clock or the timestamp in the signed file."
	default:
		return false, err.Error()
	}
}

// handshakeError words a failed handshake as SslStream's AuthenticationException
// and its inner Win32Exception read on the host.
func handshakeError(err error) string {
	var alert tls.AlertError
	text := err.Error()
	if errors.As(err, &alert) || strings.Contains(text, "remote error") || strings.Contains(text, "protocol version") || strings.Contains(text, "no supported versions") {
		return "A call to SSPI failed, see inner exception. " + string(errNoCommonProtocol)
	}
	if strings.Contains(text, "timeout") || errors.Is(err, context.DeadlineExceeded) {
		return "Authentication failed: the handshake did not finish in time."
	}
	return "Authentication failed because the remote party has closed the transport stream."
}
