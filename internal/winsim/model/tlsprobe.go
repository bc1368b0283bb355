package model

import (
	"net"
	"strings"
)

// What a TLS client on the host (the agent's tls.probe, over the bridge's
// network.* calls) sees of the host: the names it resolves, the endpoints
// its own connections reach, the protocols SChannel offers as a client and
// the certificates its chains build to. Call these only inside
// Host.Exclusive: they do not lock.

// ResolveHost answers a name as Windows' resolver does on the host: an IP
// literal is itself, "localhost" is ::1 then 127.0.0.1 (Windows answers
// it itself, IPv6 first), the computer's own name its loopback addresses;
// other names are unknown (false), as the simulated host has no DNS
// server. Call only inside Host.Exclusive.
func (h *Host) ResolveHost(name string) ([]net.IP, bool) {
	if ip := net.ParseIP(strings.Trim(name, "[]")); ip != nil {
		return []net.IP{ip}, true
	}
	if strings.EqualFold(name, "localhost") || strings.EqualFold(name, h.state.Hostname) {
		return []net.IP{net.IPv6loopback, net.IPv4(127, 0, 0, 1)}, true
	}
	return nil, false
}

// IsOwnAddress reports whether a connection made on the host to ip reaches
// the host's own listeners: the loopback addresses (127.0.0.0/8 and ::1).
// Connections to other addresses reach nothing in the simulation. Call
// only inside Host.Exclusive.
func (h *Host) IsOwnAddress(ip net.IP) bool { return ip.IsLoopback() }

// SChannelClientProtocols lists the protocols an SChannel client on the
// host offers (SslStream with the system default), as of the last boot,
// oldest first. Call only inside Host.Exclusive.
func (h *Host) SChannelClientProtocols() []string { return h.schannelProtocolsOn("Client") }

// StoreCertificatesDER lists the DER of each certificate in a LocalMachine
// store ("ROOT", "CA", "MY"), as the store holds them. Call only inside
// Host.Exclusive.
func (h *Host) StoreCertificatesDER(store string) [][]byte {
	var out [][]byte
	for _, c := range h.certs {
		if strings.EqualFold(c.Store, store) {
			out = append(out, c.DER)
		}
	}
	return out
}
