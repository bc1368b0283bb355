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

// The registry as the agent's IRegistry sees it (HKLM in the 64-bit view;
// the bridge gives paths with the HKLM\ prefix): the Registry*Locked
// methods below, one per registry call, with Windows' answers (2 for a key
// or value that does not exist, 5 for deleting a key with subkeys).

// registryKeyExists reports whether path is a key: listed, or the parent of
// one (the document lists only keys that hold values or were created).
func (h *Host) registryKeyExists(path string) bool {
	return findRegistryKey(h.registry, path) >= 0 || h.hasRegistrySubkey(path)
}

func (h *Host) hasRegistrySubkey(path string) bool {
	prefix := strings.ToLower(path) + `\`
	return slices.ContainsFunc(h.registry, func(k RegistryKey) bool { return strings.HasPrefix(strings.ToLower(k.Key), prefix) })
}

// errRegistryAccessDenied is ERROR_ACCESS_DENIED, RegDeleteKeyEx's answer
// for a key with subkeys.
const errRegistryAccessDenied = 5

func registryNotFound(path, what string) *OpError {
	return &OpError{Code: errFileNotFound, Message: path + " " + what + ": The system cannot find the file specified."}
}

// RegistryKeyExistsLocked is RegOpenKeyEx's success; call only inside
// Host.Exclusive.
func (h *Host) RegistryKeyExistsLocked(path string) bool { return h.registryKeyExists(path) }

// RegistrySubKeyNamesLocked lists path's subkeys (RegEnumKeyEx); call only
// inside Host.Exclusive.
func (h *Host) RegistrySubKeyNamesLocked(path string) ([]string, error) {
	if !h.registryKeyExists(path) {
		return nil, registryNotFound(path, "does not exist")
	}
	prefix := strings.ToLower(path) + `\`
	names := []string{}
	for _, k := range h.registry {
		if !strings.HasPrefix(strings.ToLower(k.Key), prefix) {
			continue
		}
		child, _, _ := strings.Cut(k.Key[len(prefix):], `\`)
		if !slices.ContainsFunc(names, func(n string) bool { return strings.EqualFold(n, child) }) {
			names = append(names, child)
		}
	}
	return names, nil
}

// RegistryValueNamesLocked lists path's values (RegEnumValue); call only
// inside Host.Exclusive.
func (h *Host) RegistryValueNamesLocked(path string) ([]string, error) {
	if !h.registryKeyExists(path) {
		return nil, registryNotFound(path, "does not exist")
	}
	names := []string{}
	if i := findRegistryKey(h.registry, path); i >= 0 {
		for _, v := range h.registry[i].Values {
			names = append(names, v.Name)
		}
	}
	return names, nil
}

// RegistryValueLocked is the value (RegQueryValueEx), nil when the key or
// the value does not exist; call only inside Host.Exclusive.
func (h *Host) RegistryValueLocked(path, name string) *RegistryValue {
	i := findRegistryKey(h.registry, path)
	if i < 0 {
		return nil
	}
	j := findRegistryValue(h.registry[i].Values, name)
	if j < 0 {
		return nil
	}
	v := h.registry[i].Values[j]
	return &v
}

// RegistryCreateKeyLocked creates the key (RegCreateKeyEx); an existing key
// is kept. Its parents exist implicitly. Call only inside Host.Exclusive.
func (h *Host) RegistryCreateKeyLocked(path string) {
	if findRegistryKey(h.registry, path) < 0 {
		h.registry = append(h.registry, RegistryKey{Key: path})
	}
}

// RegistrySetDWORDLocked writes a REG_DWORD (RegSetValueEx) in an existing
// key; call only inside Host.Exclusive.
func (h *Host) RegistrySetDWORDLocked(path, name string, data uint32) error {
	if !h.registryKeyExists(path) {
		return registryNotFound(path, "does not exist")
	}
	h.RegistryCreateKeyLocked(path)
	k := &h.registry[findRegistryKey(h.registry, path)]
	if j := findRegistryValue(k.Values, name); j >= 0 {
		k.Values[j] = RegistryValue{Name: k.Values[j].Name, Type: regDWORD, Data: data}
		return nil
	}
	k.Values = append(k.Values, RegistryValue{Name: name, Type: regDWORD, Data: data})
	return nil
}

// RegistryDeleteValueLocked deletes a value (RegDeleteValue); call only
// inside Host.Exclusive.
func (h *Host) RegistryDeleteValueLocked(path, name string) error {
	i := findRegistryKey(h.registry, path)
	if i < 0 {
		return registryNotFound(path, "has no value "+name)
	}
	j := findRegistryValue(h.registry[i].Values, name)
	if j < 0 {
		return registryNotFound(path, "has no value "+name)
	}
	h.registry[i].Values = slices.Delete(h.registry[i].Values, j, j+1)
	return nil
}

// RegistryDeleteKeyLocked deletes a key without subkeys (RegDeleteKeyEx:
// 5 when it has some); call only inside Host.Exclusive.
func (h *Host) RegistryDeleteKeyLocked(path string) error {
	if !h.registryKeyExists(path) {
		return registryNotFound(path, "does not exist")
	}
	if h.hasRegistrySubkey(path) {
		return &OpError{Code: errRegistryAccessDenied, Message: path + " has subkeys: Access is denied."}
	}
	i := findRegistryKey(h.registry, path)
	h.registry = slices.Delete(h.registry, i, i+1)
	return nil
}
