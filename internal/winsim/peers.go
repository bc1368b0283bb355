package winsim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Other simulated hosts on the simulated network: a connection made on this
// host (the agent's tls.probe) to a peer's name or address is answered by
// the peer, as that host's firewall and listeners decide. A peer may be a
// simulator in another process: it is asked over its admin API
// (GET /winsim/inbound), with this simulator's own administrator account,
// so peers share that account (as the demos' and tests' simulators do).

// Peer is another simulated host as this one's resolver and network see it.
type Peer struct {
	// Names are the names that resolve to the peer here (its computer
	// name, the FQDNs of its certificates: DNS and hosts-file records).
	Names []string `json:"names"`
	// Address is the peer's IP address on the simulated network, what its
	// names resolve to; never dialled.
	Address string `json:"address"`
	// Admin is the peer simulator's HTTP address, "127.0.0.1:NNNNN", whose
	// admin API answers for its listeners and firewall.
	Admin string `json:"admin"`
}

type peerTable struct {
	mu    sync.Mutex
	peers []Peer
}

// SetPeers replaces the hosts this one can reach (PUT /winsim/peers).
func (s *Server) SetPeers(peers []Peer) error {
	for i, p := range peers {
		if net.ParseIP(p.Address) == nil || net.ParseIP(p.Address).IsLoopback() {
			return fmt.Errorf("peers[%d]: address %q must be an IP address other than loopback", i, p.Address)
		}
		if _, _, err := net.SplitHostPort(p.Admin); err != nil {
			return fmt.Errorf("peers[%d]: admin %q must be the peer simulator's HOST:PORT: %w", i, p.Admin, err)
		}
	}
	s.peers.mu.Lock()
	defer s.peers.mu.Unlock()
	s.peers.peers = slices.Clone(peers)
	return nil
}

// peerNamed finds the peer a name or address designates.
func (s *Server) peerNamed(name string) (Peer, bool) {
	s.peers.mu.Lock()
	defer s.peers.mu.Unlock()
	ip := net.ParseIP(strings.Trim(name, "[]"))
	for _, p := range s.peers.peers {
		if ip != nil && ip.Equal(net.ParseIP(p.Address)) {
			return p, true
		}
		if ip == nil && slices.ContainsFunc(p.Names, func(n string) bool { return strings.EqualFold(n, strings.TrimSuffix(name, ".")) }) {
			return p, true
		}
	}
	return Peer{}, false
}

// inboundAnswer is what a host does with a TCP connection from another
// host to a port: "filtered" (the firewall drops it: the client times
// out), "refused" (allowed in, nothing listens: a reset) or "open", with
// the real listener that serves it and the protocols it serves.
type inboundAnswer struct {
	Outcome   string   `json:"outcome"`
	Listener  string   `json:"listener,omitempty"`
	Protocols []string `json:"protocols,omitempty"`
}

// inbound decides a connection from another host to port.
func (s *Server) inbound(port int) inboundAnswer {
	var a inboundAnswer
	s.host.Exclusive(func() {
		if !s.host.InboundAllowedLocked(port) {
			a.Outcome = "filtered"
			return
		}
		listener, protocols, found := s.listenerOnPort(port)
		if !found {
			a.Outcome = "refused"
			return
		}
		a = inboundAnswer{Outcome: "open", Listener: listener, Protocols: protocols}
	})
	return a
}

// serveInbound answers GET /winsim/inbound?port=N.
func (s *Server) serveInbound(w http.ResponseWriter, r *http.Request) {
	port, err := strconv.Atoi(r.URL.Query().Get("port"))
	if err != nil || port < 1 || port > 65535 {
		writeJSONError(w, http.StatusBadRequest, errString("port: a TCP port is required"))
		return
	}
	data, _ := json.Marshal(s.inbound(port))
	writeJSON(w, http.StatusOK, data)
}

// askPeer asks a peer what a connection from here to port meets.
func (s *Server) askPeer(p Peer, port int) (inboundAnswer, error) {
	var a inboundAnswer
	u := url.URL{Scheme: "http", Host: p.Admin, Path: "/winsim/inbound", RawQuery: "port=" + strconv.Itoa(port)}
	req, err := http.NewRequest(http.MethodGet, u.String(), bytes.NewReader(nil))
	if err != nil {
		return a, err
	}
	req.SetBasicAuth(s.opts.User, s.opts.Password)
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		return a, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	if err != nil {
		return a, err
	}
	if resp.StatusCode != http.StatusOK {
		return a, fmt.Errorf("peer %s: %s: %s", p.Admin, resp.Status, body)
	}
	return a, json.Unmarshal(body, &a)
}
