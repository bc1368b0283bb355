package winsim

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"net"
	"slices"
	"strconv"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/winsim/model"
)

// The agent's INetwork in the simulator (agenthost/SimNetwork.cs): the
// agent makes tls.probe's handshake itself, with Mono's SslStream, against
// the real loopback listener of the simulated service that serves the
// port. network.connect decides, as Winsock and SChannel would on the
// host, what a connection reaches.

func init() {
	registerBridge(map[string]bridgeFunc{
		"network.connect":          bridgeNetworkConnect,
		"network.client_protocols": bridgeClientProtocols,
		"network.build_chain":      bridgeBuildChain,
	})
}

// Winsock's errors a connect fails with, with the messages .NET's
// SocketException gives them on Windows ("Windows Sockets Error Codes",
// learn.microsoft.com); a refused connect names the endpoint, as .NET's
// message does.
const (
	wsaConnRefused     = 10061 // WSAECONNREFUSED
	wsaTimedOut        = 10060 // WSAETIMEDOUT
	wsaHostNotFound    = 11001 // WSAHOST_NOT_FOUND
	wsaAFNoSupport     = 10047 // WSAEAFNOSUPPORT
	wsaConnRefusedMsg  = "No connection could be made because the target machine actively refused it"
	wsaTimedOutMsg     = "A connection attempt failed because the connected party did not properly respond after a period of time, or established connection failed because connected host has failed to respond"
	wsaHostNotFoundMsg = "No such host is known"
	// noAddressFitsMsg is the ArgumentException Socket.BeginConnect(host)
	// throws when no address of the host fits the socket's family (.NET
	// Framework's net_invalidAddressList): what an IPv4-only TcpClient
	// reports for "::1".
	noAddressFitsMsg = "None of the discovered or specified addresses match the socket address family.\r\nParameter name: context"
)

// SChannel's errors a handshake fails with ("COM Error Codes (Security and
// Setup)", learn.microsoft.com).
const (
	secEAlgorithmMismatch   = 0x80090331 // SEC_E_ALGORITHM_MISMATCH, errNoCommonProtocol's text
	secEUnsupportedFunction = 0x80090302 // SEC_E_UNSUPPORTED_FUNCTION
)

type networkConnectArgs struct {
	Family   string `json:"family"` // "InterNetwork" or "InterNetworkV6" (.NET's AddressFamily)
	DualMode bool   `json:"dual_mode"`
	Host     string `json:"host"`
	Port     int    `json:"port"`
}

// handshakeRefusal is SChannel's error for a handshake it cannot make.
type handshakeRefusal struct {
	Code    int64  `json:"code"`
	Message string `json:"message"`
}

type networkConnectResult struct {
	// Listener is the simulator's real listener for the endpoint,
	// 127.0.0.1:NNNNN.
	Listener string `json:"listener"`
	// HandshakeError, when set, is how the handshake fails: SChannel's
	// error, raised by the agent's stream instead of a real handshake.
	HandshakeError *handshakeRefusal `json:"handshake_error"`
}

// bridgeNetworkConnect resolves the host as the host would, tries each
// address the socket can reach in order (as Socket.BeginConnect(host)
// does) and answers the listener of the first that serves the port, or
// the last address's error.
func bridgeNetworkConnect(s *Server, raw json.RawMessage) (any, error) {
	var a networkConnectArgs
	if err := json.Unmarshal(raw, &a); err != nil || a.Port < 1 || a.Port > 65535 {
		return nil, &model.OpError{Code: 87, Message: "The parameter is incorrect."}
	}
	if p, ok := s.peerNamed(a.Host); ok && p.Admin != s.HTTPAddr() {
		return s.connectToPeer(a, p)
	}
	ips, ok := s.host.ResolveHost(a.Host)
	if !ok {
		return nil, &model.OpError{Code: wsaHostNotFound, Message: wsaHostNotFoundMsg}
	}
	var last error
	for _, ip := range ips {
		if !socketReaches(a.Family, a.DualMode, ip) {
			continue
		}
		if !s.host.IsOwnAddress(ip) {
			last = &model.OpError{Code: wsaTimedOut, Message: wsaTimedOutMsg}
			continue
		}
		listener, protocols, found := s.listenerOnPort(a.Port)
		if !found {
			target := net.JoinHostPort(ip.String(), strconv.Itoa(a.Port))
			last = &model.OpError{Code: wsaConnRefused, Message: wsaConnRefusedMsg + " " + target}
			continue
		}
		return networkConnectResult{Listener: listener, HandshakeError: refusal(s.host.SChannelClientProtocols(), protocols)}, nil
	}
	if last == nil {
		return nil, &model.OpError{Code: wsaAFNoSupport, Message: noAddressFitsMsg}
	}
	return nil, last
}

// wsaHostUnreachable is WSAEHOSTUNREACH: the simulator could not ask the
// peer (its process is gone).
const (
	wsaHostUnreachable    = 10065
	wsaHostUnreachableMsg = "A socket operation was attempted to an unreachable host"
)

// connectToPeer is a connect to another simulated host: its firewall drops
// the connection (Windows' default inbound block: the client times out),
// resets it (allowed, nothing listens) or hands it to the real listener of
// the service that serves the port; the handshake is then the client's
// SChannel against the peer's server protocols.
func (s *Server) connectToPeer(a networkConnectArgs, p Peer) (any, error) {
	ip := net.ParseIP(p.Address)
	if !socketReaches(a.Family, a.DualMode, ip) {
		return nil, &model.OpError{Code: wsaAFNoSupport, Message: noAddressFitsMsg}
	}
	answer, err := s.askPeer(p, a.Port)
	if err != nil {
		return nil, &model.OpError{Code: wsaHostUnreachable, Message: wsaHostUnreachableMsg + " (the simulator could not ask its peer: " + err.Error() + ")"}
	}
	switch answer.Outcome {
	case "open":
		return networkConnectResult{Listener: answer.Listener, HandshakeError: refusal(s.host.SChannelClientProtocols(), answer.Protocols)}, nil
	case "refused":
		target := net.JoinHostPort(ip.String(), strconv.Itoa(a.Port))
		return nil, &model.OpError{Code: wsaConnRefused, Message: wsaConnRefusedMsg + " " + target}
	default:
		return nil, &model.OpError{Code: wsaTimedOut, Message: wsaTimedOutMsg}
	}
}

// socketReaches reports whether a socket of family can connect to ip: an
// IPv4 socket IPv4 addresses only, an IPv6 one IPv6 addresses and, in dual
// mode, IPv4 ones too ("Socket.DualMode", learn.microsoft.com).
func socketReaches(family string, dualMode bool, ip net.IP) bool {
	v4 := ip.To4() != nil
	switch family {
	case "InterNetwork":
		return v4
	case "InterNetworkV6":
		return !v4 || dualMode
	}
	return false
}

// listenerOnPort is the running listener of the endpoint the host serves on
// port, and the protocols it serves.
func (s *Server) listenerOnPort(port int) (listener string, protocols []string, found bool) {
	served := s.host.ServedHTTPSEndpoints()
	for _, info := range s.syncEndpointsTo(served) {
		if info.Port != port {
			continue
		}
		for _, ep := range served {
			if ep.Service == info.Service && ep.Port == port {
				listener, protocols, found = info.Address, ep.Protocols, true
			}
		}
	}
	return listener, protocols, found
}

// refusal is the error SChannel ends the handshake with, or nil when the
// agent's real handshake can be made: the server's listener serves the
// newest contiguous run of its protocols (applySChannel), the client
// offers its own; with none in common SChannel fails both sides with
// SEC_E_ALGORITHM_MISMATCH. Mono's SslStream, the agent's TLS client here,
// cannot negotiate TLS 1.3: a handshake only TLS 1.3 could make fails
// saying so, where Windows would succeed.
func refusal(client, server []string) *handshakeRefusal {
	cfg := &tls.Config{}
	applySChannel(cfg, server)
	if cfg.GetConfigForClient != nil {
		return &handshakeRefusal{Code: secEAlgorithmMismatch, Message: string(errNoCommonProtocol)}
	}
	var common []uint16
	for _, v := range schannelVersions {
		if slices.Contains(client, v.name) && v.version >= cfg.MinVersion && v.version <= cfg.MaxVersion {
			common = append(common, v.version)
		}
	}
	switch {
	case len(common) == 0:
		return &handshakeRefusal{Code: secEAlgorithmMismatch, Message: string(errNoCommonProtocol)}
	case len(common) == 1 && common[0] == tls.VersionTLS13:
		return &handshakeRefusal{Code: secEUnsupportedFunction,
			Message: "The simulator cannot make this handshake: TLS 1.3 is the only protocol client and server have on, and the agent's TLS client here (Mono's SslStream) negotiates TLS 1.2 at most."}
	}
	return nil
}

// bridgeClientProtocols answers the protocols SChannel offers as a client.
func bridgeClientProtocols(s *Server, _ json.RawMessage) (any, error) {
	p := s.host.SChannelClientProtocols()
	if p == nil {
		p = []string{}
	}
	return p, nil
}

// X509ChainStatusFlags values ("X509ChainStatusFlags Enum",
// learn.microsoft.com) the chain engine reports here.
const (
	chainNotTimeValid      = 0x1
	chainNotSignatureValid = 0x8
	chainNotValidForUsage  = 0x10
	chainUntrustedRoot     = 0x20
	chainPartialChain      = 0x10000
)

type buildChainArgs struct {
	Certificate []byte   `json:"certificate"` // DER, base64 in JSON
	Extra       [][]byte `json:"extra"`
}

// bridgeBuildChain builds a served certificate's chain as the host's chain
// engine does for a TLS client in the machine context: the LocalMachine
// Root store as trust anchors, its CA store and what the server sent as
// intermediates, no revocation check. It answers the X509ChainStatus flags:
// 0 when the chain builds to a trusted root; UntrustedRoot when it ends in
// a self-signed certificate the host does not trust; PartialChain when no
// issuer is found; NotTimeValid for an expired or not yet valid
// certificate.
func bridgeBuildChain(s *Server, raw json.RawMessage) (any, error) {
	var a buildChainArgs
	if err := json.Unmarshal(raw, &a); err != nil {
		return nil, &model.OpError{Code: 87, Message: "The parameter is incorrect."}
	}
	leaf, err := x509.ParseCertificate(a.Certificate)
	if err != nil {
		return nil, &model.OpError{Code: int(crypt32BadEncode), Message: "ASN1 bad tag value met."}
	}
	roots, intermediates := x509.NewCertPool(), x509.NewCertPool()
	var known []*x509.Certificate
	add := func(pool *x509.CertPool, der []byte) {
		if c, err := x509.ParseCertificate(der); err == nil {
			pool.AddCert(c)
			known = append(known, c)
		}
	}
	for _, der := range s.host.StoreCertificatesDER("ROOT") {
		add(roots, der)
	}
	for _, der := range s.host.StoreCertificatesDER("CA") {
		add(intermediates, der)
	}
	for _, der := range a.Extra {
		add(intermediates, der)
	}
	return map[string]int{"status": chainStatus(leaf, roots, intermediates, known)}, nil
}

// crypt32BadEncode is CRYPT_E_ASN1_BADTAG, what CryptoAPI answers for bytes
// that are not a certificate.
const crypt32BadEncode = 0x8009310B

// chainStatus verifies leaf and words the outcome as X509ChainStatus flags.
func chainStatus(leaf *x509.Certificate, roots, intermediates *x509.CertPool, known []*x509.Certificate) int {
	_, err := leaf.Verify(x509.VerifyOptions{Roots: roots, Intermediates: intermediates, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}})
	var unknown x509.UnknownAuthorityError
	var invalid x509.CertificateInvalidError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &unknown):
		// The path ends in a self-signed certificate (the leaf itself, or a
		// known issuer) the host does not trust, or nowhere.
		if selfSigned(leaf) || slices.ContainsFunc(known, func(c *x509.Certificate) bool { return leaf.CheckSignatureFrom(c) == nil }) {
			return chainUntrustedRoot
		}
		return chainPartialChain
	case errors.As(err, &invalid) && invalid.Reason == x509.Expired:
		return chainNotTimeValid
	case errors.As(err, &invalid) && invalid.Reason == x509.IncompatibleUsage:
		return chainNotValidForUsage
	default:
		return chainNotSignatureValid
	}
}

func selfSigned(c *x509.Certificate) bool {
	return bytes.Equal(c.RawSubject, c.RawIssuer) && c.CheckSignatureFrom(c) == nil
}
