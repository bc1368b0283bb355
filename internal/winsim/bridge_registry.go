package winsim

import (
	"encoding/json"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/winsim/model"
)

// The agent's IRegistry (agenthost/SimRegistry.cs), answered from the host
// model's registry: HKLM in the 64-bit view, paths relative to HKLM. The
// model holds REG_DWORD values only; the agent writes no other type.

type registryArgs struct {
	Path string `json:"path"`
	Name string `json:"name"`
	// Kind is a RegistryValueKind name ("DWord") and Data its value as the
	// agent holds it (a DWORD as a signed 32-bit number).
	Kind string `json:"kind"`
	Data *int64 `json:"data"`
}

// registryCall adapts a model method, giving it the path with HKLM\.
func registryCall(f func(h *model.Host, a registryArgs) (any, error)) bridgeFunc {
	return func(s *Server, raw json.RawMessage) (any, error) {
		var a registryArgs
		if err := json.Unmarshal(raw, &a); err != nil {
			return nil, badBridgeArgs(err)
		}
		a.Path = `HKLM\` + a.Path
		return f(s.host, a)
	}
}

func init() {
	registerBridge(map[string]bridgeFunc{
		"registry.keyexists": registryCall(func(h *model.Host, a registryArgs) (any, error) {
			return map[string]bool{"exists": h.RegistryKeyExistsLocked(a.Path)}, nil
		}),
		"registry.getsubkeynames": registryCall(func(h *model.Host, a registryArgs) (any, error) {
			return h.RegistrySubKeyNamesLocked(a.Path)
		}),
		"registry.getvaluenames": registryCall(func(h *model.Host, a registryArgs) (any, error) {
			return h.RegistryValueNamesLocked(a.Path)
		}),
		"registry.getvalue": registryCall(func(h *model.Host, a registryArgs) (any, error) {
			v := h.RegistryValueLocked(a.Path, a.Name)
			if v == nil {
				return map[string]any{"kind": nil}, nil
			}
			return map[string]any{"kind": "DWord", "data": int32(v.Data)}, nil
		}),
		"registry.createkey": registryCall(func(h *model.Host, a registryArgs) (any, error) {
			h.RegistryCreateKeyLocked(a.Path)
			return done{}, nil
		}),
		"registry.setvalue": registryCall(func(h *model.Host, a registryArgs) (any, error) {
			if a.Kind != "DWord" || a.Data == nil {
				return nil, &model.OpError{Code: 50, Message: "the simulator's registry holds REG_DWORD values only, not " + a.Kind}
			}
			return done{}, h.RegistrySetDWORDLocked(a.Path, a.Name, uint32(*a.Data))
		}),
		"registry.deletevalue": registryCall(func(h *model.Host, a registryArgs) (any, error) {
			return done{}, h.RegistryDeleteValueLocked(a.Path, a.Name)
		}),
		"registry.deletekey": registryCall(func(h *model.Host, a registryArgs) (any, error) {
			return done{}, h.RegistryDeleteKeyLocked(a.Path)
		}),
	})
}
