package windows

import (
	"context"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/schannel"
)

// TLSSettings is the host's TLS configuration in the registry: SChannel's
// protocols and the .NET Framework's strong-crypto switches.
type TLSSettings struct{ host *Host }

// TLSSettings returns the host's TLS settings API.
func (h *Host) TLSSettings() *TLSSettings { return &TLSSettings{host: h} }

// SChannelProtocols are the SCHANNEL\Protocols key names the host accepts.
var SChannelProtocols = schannel.Protocols

// SChannelSide is one side key of a protocol as the host reads it. Values
// are nil when absent (the OS default applies).
type SChannelSide struct {
	Protocol          string  `json:"protocol"`
	Side              string  `json:"side"` // Server or Client
	Key               string  `json:"key"`  // HKLM\SYSTEM\...\Protocols\TLS 1.2\Server
	KeyExists         bool    `json:"key_exists"`
	Enabled           *uint32 `json:"enabled"`
	DisabledByDefault *uint32 `json:"disabled_by_default"`
	// Changed says whether a Set changed anything.
	Changed bool `json:"changed"`
}

// SChannelValues are the values Set writes; nil deletes a value.
type SChannelValues struct {
	Enabled           *uint32 `json:"enabled"`
	DisabledByDefault *uint32 `json:"disabled_by_default"`
	// KeepKey keeps the side's key when both values are deleted.
	KeepKey bool `json:"keep_key"`
}

type schannelArgs struct {
	Protocol string `json:"protocol"`
	Side     string `json:"side"`
	SChannelValues
}

// SChannel reads protocol's side ("Server" or "Client").
func (s *TLSSettings) SChannel(ctx context.Context, protocol, side string) (SChannelSide, error) {
	var out SChannelSide
	err := s.host.call(ctx, "registry.schannel.get", schannelArgs{Protocol: protocol, Side: side}, &out)
	return out, err
}

// SetSChannel writes protocol's side; both values nil (and KeepKey false)
// deletes the side's key if nothing else is in it.
func (s *TLSSettings) SetSChannel(ctx context.Context, protocol, side string, v SChannelValues) (SChannelSide, error) {
	var out SChannelSide
	err := s.host.call(ctx, "registry.schannel.set", schannelArgs{Protocol: protocol, Side: side, SChannelValues: v}, &out)
	return out, err
}

// DotNetCryptoKey is one .NET Framework key: v4.0.30319 or v2.0.50727, in
// the 64-bit or the 32-bit (WOW6432Node) view. Values are nil when absent.
type DotNetCryptoKey struct {
	Path                     string  `json:"path"`
	View                     string  `json:"view,omitempty"`
	Framework                string  `json:"framework,omitempty"`
	Exists                   bool    `json:"exists"`
	SchUseStrongCrypto       *uint32 `json:"sch_use_strong_crypto"`
	SystemDefaultTLSVersions *uint32 `json:"system_default_tls_versions"`
}

type dotNetCryptoKeys struct {
	Keys []DotNetCryptoKey `json:"keys"`
}

// DotNetCrypto reads the four keys (whether or not they exist).
func (s *TLSSettings) DotNetCrypto(ctx context.Context) ([]DotNetCryptoKey, error) {
	var out dotNetCryptoKeys
	err := s.host.call(ctx, "registry.dotnet_crypto.get", nil, &out)
	return out.Keys, err
}

// SetDotNetCrypto writes the two values (nil deletes one) in each key given
// by Path, which must exist (2 otherwise), and returns all four keys.
func (s *TLSSettings) SetDotNetCrypto(ctx context.Context, keys []DotNetCryptoKey) ([]DotNetCryptoKey, error) {
	var out dotNetCryptoKeys
	err := s.host.call(ctx, "registry.dotnet_crypto.set", dotNetCryptoKeys{Keys: keys}, &out)
	return out.Keys, err
}
