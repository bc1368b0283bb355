package model

import (
	"fmt"
	"slices"
	"strings"
)

// The simulated registry holds the keys the ops read and write (SCHANNEL
// protocols, .NET Framework crypto settings), as DWORD values: what
// regedit shows under HKEY_LOCAL_MACHINE. Key paths compare
// case-insensitively, as the registry's do ("Structure of the Registry",
// learn.microsoft.com).

// RegistryKey is one key with its values, as the state document holds it:
// {"key":"HKLM\\SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319","values":[...]}.
type RegistryKey struct {
	Key    string          `json:"key"`
	Values []RegistryValue `json:"values,omitempty"`
}

// RegistryValue is one named value. The simulator holds REG_DWORD values
// only: every setting the ops manage is one.
type RegistryValue struct {
	Name string `json:"name"`
	Type string `json:"type"`
	Data uint32 `json:"data"`
}

const (
	regDWORD     = "REG_DWORD"
	regHKLM      = `HKLM\`
	schannelRoot = regHKLM + `SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols`
)

// defaultRegistry is what a Windows Server 2022 host ships under the keys
// the ops use: the .NET Framework 4 keys without SchUseStrongCrypto or
// SystemDefaultTlsVersions (.NET 4.7+ then follows the OS defaults), no
// .NET 2.0/3.5 (a feature not installed by default), and no SCHANNEL
// protocol keys but SSL 2.0\Client, which Setup writes with
// DisabledByDefault=1 ("TLS registry settings", learn.microsoft.com:
// "If the key is absent, the OS default applies").
func defaultRegistry() []RegistryKey {
	return []RegistryKey{
		{Key: schannelRoot + `\SSL 2.0\Client`, Values: []RegistryValue{{Name: "DisabledByDefault", Type: regDWORD, Data: 1}}},
		{Key: regHKLM + `SOFTWARE\Microsoft\.NETFramework\v4.0.30319`},
		{Key: regHKLM + `SOFTWARE\WOW6432Node\Microsoft\.NETFramework\v4.0.30319`},
	}
}

// loadRegistry validates the document's keys; nil means the defaults. The
// keys as loaded are also what SChannel read at boot (bootRegistry): a
// state document put through the admin API is a host started with it.
func (h *Host) loadRegistry(list []RegistryKey) error {
	if list == nil {
		list = defaultRegistry()
	}
	for i, k := range list {
		if !strings.HasPrefix(strings.ToUpper(k.Key), regHKLM) || strings.Contains(k.Key, `\\`) || strings.HasSuffix(k.Key, `\`) {
			return fmt.Errorf(`registry[%d]: key %q must be a path under HKLM\ without empty parts`, i, k.Key)
		}
		if findRegistryKey(h.registry, k.Key) >= 0 {
			return fmt.Errorf("registry[%d]: key %q is in the document twice (keys are case-insensitive)", i, k.Key)
		}
		k.Values = slices.Clone(k.Values)
		for j, v := range k.Values {
			if v.Type != regDWORD || v.Name == "" {
				return fmt.Errorf("registry[%d].values[%d]: the simulator holds named REG_DWORD values only", i, j)
			}
			if findRegistryValue(k.Values[:j], v.Name) >= 0 {
				return fmt.Errorf("registry[%d]: value %q is in the key twice", i, v.Name)
			}
		}
		h.registry = append(h.registry, k)
	}
	h.bootRegistry = cloneRegistry(h.registry)
	return nil
}

func cloneRegistry(keys []RegistryKey) []RegistryKey {
	out := make([]RegistryKey, len(keys))
	for i, k := range keys {
		out[i] = RegistryKey{Key: k.Key, Values: slices.Clone(k.Values)}
	}
	return out
}

// registryStates returns the registry as the state document holds it.
func (h *Host) registryStates() []RegistryKey { return cloneRegistry(h.registry) }

func findRegistryKey(keys []RegistryKey, path string) int {
	return slices.IndexFunc(keys, func(k RegistryKey) bool { return strings.EqualFold(k.Key, path) })
}

func findRegistryValue(values []RegistryValue, name string) int {
	return slices.IndexFunc(values, func(v RegistryValue) bool { return strings.EqualFold(v.Name, name) })
}

// registryDWORD reads a DWORD from keys: the value (nil if absent) and
// whether the key exists.
func registryDWORD(keys []RegistryKey, path, name string) (*uint32, bool) {
	i := findRegistryKey(keys, path)
	if i < 0 {
		return nil, false
	}
	j := findRegistryValue(keys[i].Values, name)
	if j < 0 {
		return nil, true
	}
	v := keys[i].Values[j].Data
	return &v, true
}

// setRegistryDWORD writes (or, for nil, deletes) a DWORD, creating the key
// and its parents as RegCreateKeyEx does. It reports whether anything changed.
func (h *Host) setRegistryDWORD(path, name string, data *uint32) bool {
	i := findRegistryKey(h.registry, path)
	if i < 0 {
		if data == nil {
			return false
		}
		h.createRegistryKey(path)
		i = findRegistryKey(h.registry, path)
	}
	k := &h.registry[i]
	j := findRegistryValue(k.Values, name)
	switch {
	case data == nil && j < 0:
		return false
	case data == nil:
		k.Values = slices.Delete(k.Values, j, j+1)
	case j < 0:
		k.Values = append(k.Values, RegistryValue{Name: name, Type: regDWORD, Data: *data})
	case k.Values[j].Data == *data:
		return false
	default:
		k.Values[j].Data = *data
	}
	return true
}

// createRegistryKey adds the key. Its parents exist implicitly: the
// document lists only the keys that hold values or were created by an op.
func (h *Host) createRegistryKey(path string) {
	h.registry = append(h.registry, RegistryKey{Key: path})
}

// deleteRegistryKeyIfEmpty deletes the key when it holds neither values nor
// subkeys, undoing what createRegistryKey added; it reports whether it did.
func (h *Host) deleteRegistryKeyIfEmpty(path string) bool {
	i := findRegistryKey(h.registry, path)
	if i < 0 || len(h.registry[i].Values) != 0 || h.hasRegistrySubkey(path) {
		return false
	}
	h.registry = slices.Delete(h.registry, i, i+1)
	return true
}

func (h *Host) hasRegistrySubkey(path string) bool {
	prefix := strings.ToLower(path) + `\`
	return slices.ContainsFunc(h.registry, func(k RegistryKey) bool { return strings.HasPrefix(strings.ToLower(k.Key), prefix) })
}
