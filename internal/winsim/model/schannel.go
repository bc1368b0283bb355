package model

import (
	"strconv"
	"strings"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/schannel"
)

// SChannel protocol settings, "Transport Layer Security (TLS) registry
// settings" (learn.microsoft.com/windows-server/security/tls/tls-registry-settings):
// SCHANNEL\Protocols\<protocol>\<Server|Client> holds the DWORDs Enabled
// (0 turns the protocol off, any other value on) and DisabledByDefault (1:
// off unless an application asks for it by name, which HTTP.sys and
// SslStream with the system default do not). Absent values mean the OS
// default for the build (internal/schannel's table, shared with the
// provider). SChannel reads the keys when the system starts: a change takes
// effect after a reboot.

// SChannelProtocols are the protocol key names the ops accept.
var SChannelProtocols = schannel.Protocols

// osBuild is the build number of the host's Windows version (10.0.BUILD).
func (h *Host) osBuild() int {
	parts := strings.Split(h.state.OSVersion, ".")
	if len(parts) < 3 {
		return 0
	}
	b, _ := strconv.Atoi(parts[2])
	return b
}

// schannelProtocolsOn lists the protocols SChannel uses for side ("Server"
// or "Client") with the registry keys it read at boot, oldest first: the
// key's values over Windows' default for the host's build (schannel.Default,
// the table the provider reads hosts by).
func (h *Host) schannelProtocolsOn(side string) []string {
	var on []string
	build := h.osBuild()
	for _, p := range SChannelProtocols {
		if !schannel.Supported(p, build) {
			continue
		}
		key := schannelRoot + `\` + p + `\` + side
		byDefault, _ := schannel.Default(p, build)
		enabled, _ := registryDWORD(h.bootRegistry, key, "Enabled")
		disabledByDefault, _ := registryDWORD(h.bootRegistry, key, "DisabledByDefault")
		if schannel.Effective(byDefault, enabled, disabledByDefault) {
			on = append(on, p)
		}
	}
	return on
}

// ClientTLSProtocols lists the protocols an SChannel client on the host
// offers (SslStream with the system default), as of the last boot.
func (h *Host) ClientTLSProtocols() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.schannelProtocolsOn("Client")
}
