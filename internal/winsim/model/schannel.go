package model

import (
	"encoding/json"
	"slices"
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

type schannelArgs struct {
	Protocol          string  `json:"protocol"`
	Side              string  `json:"side"`
	Enabled           *uint32 `json:"enabled"`
	DisabledByDefault *uint32 `json:"disabled_by_default"`
	// KeepKey keeps the side's key when both values are deleted (it
	// existed, empty, before the values were written).
	KeepKey bool `json:"keep_key"`
}

// schannelView is a side's key as registry.schannel.get answers it.
type schannelView struct {
	Protocol          string  `json:"protocol"`
	Side              string  `json:"side"`
	Key               string  `json:"key"`
	KeyExists         bool    `json:"key_exists"`
	Enabled           *uint32 `json:"enabled"`
	DisabledByDefault *uint32 `json:"disabled_by_default"`
	Changed           bool    `json:"changed"`
}

// parseSChannelArgs checks the protocol and side, answering 87 as the op
// script does for anything else.
func (h *Host) parseSChannelArgs(op string, raw json.RawMessage) (schannelArgs, string, error) {
	var a schannelArgs
	if err := json.Unmarshal(raw, &a); err != nil {
		return a, "", h.win32Error(errInvalidParameter, "%s: arguments: %v", op, err)
	}
	i := slices.IndexFunc(SChannelProtocols, func(p string) bool { return strings.EqualFold(p, a.Protocol) })
	if i < 0 {
		return a, "", h.win32Error(errInvalidParameter, "protocol %q: use one of %s", a.Protocol, strings.Join(SChannelProtocols, ", "))
	}
	a.Protocol = SChannelProtocols[i]
	switch strings.ToLower(a.Side) {
	case "server":
		a.Side = "Server"
	case "client":
		a.Side = "Client"
	default:
		return a, "", h.win32Error(errInvalidParameter, "side %q: use Server or Client", a.Side)
	}
	return a, schannelRoot + `\` + a.Protocol + `\` + a.Side, nil
}

func (h *Host) schannelView(a schannelArgs, key string) schannelView {
	en, exists := registryDWORD(h.registry, key, "Enabled")
	dbd, _ := registryDWORD(h.registry, key, "DisabledByDefault")
	return schannelView{Protocol: a.Protocol, Side: a.Side, Key: key, KeyExists: exists, Enabled: en, DisabledByDefault: dbd}
}

func schannelGet(h *Host, raw json.RawMessage) (any, error) {
	a, key, err := h.parseSChannelArgs("registry.schannel.get", raw)
	if err != nil {
		return nil, err
	}
	return h.schannelView(a, key), nil
}

// schannelSet writes both values (null deletes one) and, when both are
// gone and keep_key is false, deletes the side's key if it is empty.
func schannelSet(h *Host, raw json.RawMessage) (any, error) {
	a, key, err := h.parseSChannelArgs("registry.schannel.set", raw)
	if err != nil {
		return nil, err
	}
	changed := h.setRegistryDWORD(key, "Enabled", a.Enabled)
	changed = h.setRegistryDWORD(key, "DisabledByDefault", a.DisabledByDefault) || changed
	if a.Enabled == nil && a.DisabledByDefault == nil && !a.KeepKey {
		changed = h.deleteRegistryKeyIfEmpty(key) || changed
	}
	v := h.schannelView(a, key)
	v.Changed = changed
	return v, nil
}

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
