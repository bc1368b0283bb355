package model

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Windows Defender Firewall on the simulated host: the rules of the local
// policy (the agent's IFirewall, over the bridge's firewall.* calls) and the
// verdict on a connection from another host. Windows blocks inbound
// connections that no rule allows ("Windows Firewall default inbound
// block", "Windows Defender Firewall with Advanced Security",
// learn.microsoft.com); connections made on the host itself (loopback) are
// not filtered.

// FirewallRuleState is an INetFwRule as the state document holds it.
type FirewallRuleState struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Group       string `json:"group,omitempty"`
	// Protocol is the IANA number: 6 TCP (default), 17 UDP.
	Protocol int `json:"protocol,omitempty"`
	// LocalPorts is "4207", "4207,4208" or "*" (default: any).
	LocalPorts string `json:"local_ports,omitempty"`
	// Program is the rule's application path ("System" for the kernel's
	// listeners, HTTP.sys among them); Service a service's short name.
	Program string `json:"program,omitempty"`
	Service string `json:"service,omitempty"`
	// Profiles is a NET_FW_PROFILE_TYPE2 mask: 1 Domain, 2 Private, 4
	// Public, 0x7FFFFFFF all (default).
	Profiles int `json:"profiles,omitempty"`
	// Direction 1 in (default), 2 out; Action 1 allow (default), 0 block.
	Direction int   `json:"direction,omitempty"`
	Action    *int  `json:"action,omitempty"`
	Enabled   *bool `json:"enabled,omitempty"`
}

// Firewall profile masks (NET_FW_PROFILE_TYPE2).
const (
	fwProfileDomain  = 1
	fwProfilePrivate = 2
	fwProfilePublic  = 4
	fwProfileAll     = 0x7FFFFFFF
	fwProtocolTCP    = 6
	fwDirectionIn    = 1
	fwActionAllow    = 1
)

// networkProfiles maps the state's network_profile to its mask.
var networkProfiles = map[string]int{"domain": fwProfileDomain, "private": fwProfilePrivate, "public": fwProfilePublic}

func (h *Host) loadFirewallRules(list []FirewallRuleState) error {
	h.firewall = nil
	for i, r := range list {
		if strings.TrimSpace(r.Name) == "" || strings.Contains(r.Name, "|") {
			return fmt.Errorf("firewall_rules[%d]: name %q must be non-empty, without |", i, r.Name)
		}
		if r.Protocol == 0 {
			r.Protocol = fwProtocolTCP
		}
		if r.LocalPorts == "" {
			r.LocalPorts = "*"
		}
		if r.Profiles == 0 {
			r.Profiles = fwProfileAll
		}
		if r.Direction == 0 {
			r.Direction = fwDirectionIn
		}
		if r.Action == nil {
			a := fwActionAllow
			r.Action = &a
		}
		if r.Enabled == nil {
			e := true
			r.Enabled = &e
		}
		if _, err := portSet(r.LocalPorts); err != nil {
			return fmt.Errorf("firewall_rules[%d]: local_ports: %w", i, err)
		}
		h.firewall = append(h.firewall, r)
	}
	return nil
}

// portSet parses LocalPorts: "*" (nil: any) or port numbers.
func portSet(s string) ([]int, error) {
	if s == "*" {
		return nil, nil
	}
	var out []int
	for _, p := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("%q is not a port number", p)
		}
		out = append(out, n)
	}
	return out, nil
}

func (h *Host) firewallStates() []FirewallRuleState { return slices.Clone(h.firewall) }

// FirewallRulesLocked lists the rules, as INetFwPolicy2.Rules does. Call
// only inside Host.Exclusive.
func (h *Host) FirewallRulesLocked() []FirewallRuleState { return h.firewallStates() }

// FirewallAddLocked adds a rule; like Windows it does not refuse a name
// already used (the agent checks). Call only inside Host.Exclusive.
func (h *Host) FirewallAddLocked(r FirewallRuleState) error {
	rules := append(h.firewallStates(), r)
	return h.loadFirewallRules(rules)
}

// FirewallRemoveLocked removes the first rule of that name, as
// INetFwRules.Remove does; nothing when there is none. Call only inside
// Host.Exclusive.
func (h *Host) FirewallRemoveLocked(name string) {
	if i := slices.IndexFunc(h.firewall, func(r FirewallRuleState) bool { return strings.EqualFold(r.Name, name) }); i >= 0 {
		h.firewall = slices.Delete(h.firewall, i, i+1)
	}
}

// InboundAllowedLocked reports whether the firewall lets a TCP connection
// from another host in to port, received by the kernel's System process as
// HTTP.sys's listeners are: an enabled inbound allow rule for TCP that
// covers the port, applies to the host's network profile (network_profile,
// default Domain) and names no program but "System" and no service (the
// built-in "Windows Remote Management (HTTP-In)" rule names the program
// System for that reason: a rule scoped to a service's own .exe does not
// match traffic HTTP.sys receives). Block rules are not modelled: nothing
// writes them. Call only inside Host.Exclusive.
func (h *Host) InboundAllowedLocked(port int) bool {
	profile := networkProfiles[strings.ToLower(h.state.NetworkProfile)]
	for _, r := range h.firewall {
		if !*r.Enabled || *r.Action != fwActionAllow || r.Direction != fwDirectionIn || r.Protocol != fwProtocolTCP {
			continue
		}
		if r.Profiles&profile == 0 || r.Service != "" || (r.Program != "" && !strings.EqualFold(r.Program, "System")) {
			continue
		}
		ports, _ := portSet(r.LocalPorts)
		if ports == nil || slices.Contains(ports, port) {
			return true
		}
	}
	return false
}
