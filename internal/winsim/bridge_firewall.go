package winsim

import (
	"encoding/json"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/winsim/model"
)

// The agent's IFirewall (agenthost/SimFirewall.cs), answered from the host
// model's firewall rules (model/firewall.go).

type firewallRuleArgs struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	Group       string `json:"group"`
	Protocol    int    `json:"protocol"`
	LocalPorts  string `json:"local_ports"`
	Program     string `json:"program"`
	Service     string `json:"service"`
	Profiles    int    `json:"profiles"`
	Direction   int    `json:"direction"`
	Action      int    `json:"action"`
	Enabled     bool   `json:"enabled"`
}

func init() {
	registerBridge(map[string]bridgeFunc{
		"firewall.rules": func(s *Server, _ json.RawMessage) (any, error) {
			out := []firewallRuleArgs{}
			for _, r := range s.host.FirewallRulesLocked() {
				out = append(out, firewallRuleArgs{Name: r.Name, Description: r.Description, Group: r.Group,
					Protocol: r.Protocol, LocalPorts: r.LocalPorts, Program: r.Program, Service: r.Service,
					Profiles: r.Profiles, Direction: r.Direction, Action: *r.Action, Enabled: *r.Enabled})
			}
			return out, nil
		},
		"firewall.add": func(s *Server, raw json.RawMessage) (any, error) {
			var a firewallRuleArgs
			if err := json.Unmarshal(raw, &a); err != nil {
				return nil, badBridgeArgs(err)
			}
			action, enabled := a.Action, a.Enabled
			err := s.host.FirewallAddLocked(model.FirewallRuleState{Name: a.Name, Description: a.Description, Group: a.Group,
				Protocol: a.Protocol, LocalPorts: a.LocalPorts, Program: a.Program, Service: a.Service,
				Profiles: a.Profiles, Direction: a.Direction, Action: &action, Enabled: &enabled})
			if err != nil {
				// INetFwRules.Add's E_INVALIDARG for a rule it cannot take.
				return nil, &model.OpError{Code: 0x80070057, Message: err.Error()}
			}
			return done{}, nil
		},
		"firewall.remove": func(s *Server, raw json.RawMessage) (any, error) {
			var a firewallRuleArgs
			if err := json.Unmarshal(raw, &a); err != nil {
				return nil, badBridgeArgs(err)
			}
			s.host.FirewallRemoveLocked(a.Name)
			return done{}, nil
		},
	})
}
