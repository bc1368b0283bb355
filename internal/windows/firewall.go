package windows

import "context"

// FirewallRule is a Windows Defender Firewall rule as firewall.rule.get
// reports it (PROTOCOL.md "Firewall rules").
type FirewallRule struct {
	Exists      bool     `json:"exists"`
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Group       string   `json:"group"`
	Protocol    int64    `json:"protocol"` // 6 TCP
	LocalPorts  string   `json:"local_ports"`
	Program     string   `json:"program"`
	Service     string   `json:"service"`
	Profiles    []string `json:"profiles"` // Domain, Private, Public
	Direction   string   `json:"direction"`
	Action      string   `json:"action"`
	Enabled     bool     `json:"enabled"`
}

// FirewallRuleSpec is an inbound TCP allow rule to add.
type FirewallRuleSpec struct {
	Name        string   `json:"name"`
	Description string   `json:"description,omitempty"`
	Group       string   `json:"group,omitempty"`
	LocalPorts  string   `json:"local_ports"`
	Program     string   `json:"program,omitempty"`
	Service     string   `json:"service,omitempty"`
	Profiles    []string `json:"profiles"`
}

// FirewallRule reads the rule of that name (Exists false when there is
// none; an error when several rules share the name).
func (h *Host) FirewallRule(ctx context.Context, name string) (FirewallRule, error) {
	var out FirewallRule
	err := h.call(ctx, "firewall.rule.get", map[string]string{"name": name}, &out)
	return out, err
}

// AddFirewallRule adds an enabled inbound TCP allow rule; 183 when a rule
// of that name exists.
func (h *Host) AddFirewallRule(ctx context.Context, spec FirewallRuleSpec) (FirewallRule, error) {
	var out FirewallRule
	err := h.call(ctx, "firewall.rule.add", spec, &out)
	return out, err
}

// RemoveFirewallRule removes the rule of that name, if there is one.
func (h *Host) RemoveFirewallRule(ctx context.Context, name string) error {
	var out struct {
		Removed bool `json:"removed"`
	}
	return h.call(ctx, "firewall.rule.remove", map[string]string{"name": name}, &out)
}
