package model

import (
	"encoding/json"
	"slices"
	"strings"
)

// .NET Framework TLS settings, "Transport Layer Security (TLS) best
// practices with the .NET Framework" (learn.microsoft.com/dotnet/framework/
// network-programming/tls): the DWORDs SchUseStrongCrypto and
// SystemDefaultTlsVersions under SOFTWARE\[WOW6432Node\]Microsoft\
// .NETFramework\<version> make the Framework use strong cryptography and
// the OS's TLS versions; the WOW6432Node key is what 32-bit processes
// read. An application reads them when it starts.

// dotNetCryptoKeys are the keys the ops manage: .NET 4 (v4.0.30319) and
// .NET 2.0 to 3.5 (v2.0.50727), each in the 64- and 32-bit views.
var dotNetCryptoKeys = []struct{ path, view, framework string }{
	{regHKLM + `SOFTWARE\Microsoft\.NETFramework\v4.0.30319`, "64-bit", "v4.0.30319"},
	{regHKLM + `SOFTWARE\WOW6432Node\Microsoft\.NETFramework\v4.0.30319`, "32-bit", "v4.0.30319"},
	{regHKLM + `SOFTWARE\Microsoft\.NETFramework\v2.0.50727`, "64-bit", "v2.0.50727"},
	{regHKLM + `SOFTWARE\WOW6432Node\Microsoft\.NETFramework\v2.0.50727`, "32-bit", "v2.0.50727"},
}

// dotNetCryptoKey is one key as registry.dotnet_crypto.get answers it.
type dotNetCryptoKey struct {
	Path                     string  `json:"path"`
	View                     string  `json:"view,omitempty"`
	Framework                string  `json:"framework,omitempty"`
	Exists                   bool    `json:"exists"`
	SchUseStrongCrypto       *uint32 `json:"sch_use_strong_crypto"`
	SystemDefaultTLSVersions *uint32 `json:"system_default_tls_versions"`
}

type dotNetCryptoArgs struct {
	Keys []dotNetCryptoKey `json:"keys"`
}

func (h *Host) dotNetCryptoKeys() []dotNetCryptoKey {
	out := make([]dotNetCryptoKey, 0, len(dotNetCryptoKeys))
	for _, k := range dotNetCryptoKeys {
		strong, exists := registryDWORD(h.registry, k.path, "SchUseStrongCrypto")
		system, _ := registryDWORD(h.registry, k.path, "SystemDefaultTlsVersions")
		out = append(out, dotNetCryptoKey{Path: k.path, View: k.view, Framework: k.framework, Exists: exists,
			SchUseStrongCrypto: strong, SystemDefaultTLSVersions: system})
	}
	return out
}

func dotNetCryptoGet(h *Host, _ json.RawMessage) (any, error) {
	return map[string]any{"keys": h.dotNetCryptoKeys()}, nil
}

// dotNetCryptoSet writes the two values (null deletes one) in each key
// given: one of the four the op manages, and one that exists (the op never
// creates a Framework's key: 2 when that Framework is not installed).
func dotNetCryptoSet(h *Host, raw json.RawMessage) (any, error) {
	var a dotNetCryptoArgs
	if err := json.Unmarshal(raw, &a); err != nil {
		return nil, h.win32Error(errInvalidParameter, "registry.dotnet_crypto.set: arguments: %v", err)
	}
	for _, k := range a.Keys {
		known := slices.ContainsFunc(dotNetCryptoKeys, func(d struct{ path, view, framework string }) bool {
			return strings.EqualFold(d.path, k.Path)
		})
		if !known {
			return nil, h.win32Error(errInvalidParameter, "path %q is not a .NET Framework key this op manages", k.Path)
		}
		if findRegistryKey(h.registry, k.Path) < 0 {
			return nil, h.win32Error(errFileNotFound, "%s does not exist: that .NET Framework is not installed", k.Path)
		}
	}
	for _, k := range a.Keys {
		h.setRegistryDWORD(k.Path, "SchUseStrongCrypto", k.SchUseStrongCrypto)
		h.setRegistryDWORD(k.Path, "SystemDefaultTlsVersions", k.SystemDefaultTLSVersions)
	}
	return map[string]any{"keys": h.dotNetCryptoKeys()}, nil
}
