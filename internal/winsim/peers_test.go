package winsim

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/winsim/model"
)

// firewallScenario is endpointScenario (the Sage 300 Agent serving 4207)
// with the given firewall rules and network profile.
func firewallScenario(t *testing.T, profile string, rules ...model.FirewallRuleState) []byte {
	t.Helper()
	data, _ := endpointScenario(t)
	var s model.State
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatal(err)
	}
	s.FirewallRules, s.NetworkProfile = rules, profile
	out, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func boolPtr(b bool) *bool { return &b }

// TestProbeBetweenPeers: a probe made on one simulated host to another's
// name meets the other's firewall (Windows' default inbound block: no rule,
// a rule for another port, profile, program or a disabled one drops the
// connection and the client times out) and its listeners (a port let in
// that nothing serves is refused); the server's own probe is not filtered.
func TestProbeBetweenPeers(t *testing.T) {
	const refused, timedOut = "actively refused it 10.20.0.30:4300", "did not properly respond"
	tests := []struct {
		name    string
		profile string
		rules   []model.FirewallRuleState
		args    string
		want    string // "" reachable
	}{
		{name: "no rule", args: `{"address":"sage300.example.local","port":4207}`, want: timedOut},
		{name: "a rule for the port", rules: []model.FirewallRuleState{{Name: "r", LocalPorts: "4207"}},
			args: `{"address":"sage300.example.local","port":4207,"server_name":"sage300.example.local"}`},
		{name: "by computer name and address", rules: []model.FirewallRuleState{{Name: "r", LocalPorts: "80,4207"}},
			args: `{"address":"SAGE300","port":4207}`},
		{name: "by address", rules: []model.FirewallRuleState{{Name: "r"}}, args: `{"address":"10.20.0.30","port":4207}`},
		{name: "a rule for another port", rules: []model.FirewallRuleState{{Name: "r", LocalPorts: "4208"}},
			args: `{"address":"sage300.example.local","port":4207}`, want: timedOut},
		{name: "a rule for the Agent's exe (HTTP.sys receives as System)",
			rules: []model.FirewallRuleState{{Name: "r", LocalPorts: "4207", Program: `C:\Program Files (x86)\Sage 300 Connector Agent\Sage300IntegrationService.exe`}},
			args:  `{"address":"sage300.example.local","port":4207}`, want: timedOut},
		{name: "a rule for the service", rules: []model.FirewallRuleState{{Name: "r", LocalPorts: "4207", Service: "Sage300IntegrationService"}},
			args: `{"address":"sage300.example.local","port":4207}`, want: timedOut},
		{name: "a rule for System", rules: []model.FirewallRuleState{{Name: "r", LocalPorts: "4207", Program: "System"}},
			args: `{"address":"sage300.example.local","port":4207}`},
		{name: "a rule for another profile", profile: "Private", rules: []model.FirewallRuleState{{Name: "r", LocalPorts: "4207", Profiles: 1}},
			args: `{"address":"sage300.example.local","port":4207}`, want: timedOut},
		{name: "a disabled rule", rules: []model.FirewallRuleState{{Name: "r", LocalPorts: "4207", Enabled: boolPtr(false)}},
			args: `{"address":"sage300.example.local","port":4207}`, want: timedOut},
		{name: "let in, nothing listens", rules: []model.FirewallRuleState{{Name: "r", LocalPorts: "4300"}},
			args: `{"address":"sage300.example.local","port":4300}`, want: refused},
		{name: "a name no DNS knows", args: `{"address":"sage300.other.example","port":4207}`, want: "No such host is known"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			server := startTestServer(t, func(o *Options) { o.Scenario = firewallScenario(t, tt.profile, tt.rules...) })
			client := startTestServer(t, func(o *Options) { o.Hostname = "BPA01" })
			if err := client.SetPeers([]Peer{{Names: []string{"SAGE300", "sage300.example.local"}, Address: "10.20.0.30", Admin: server.HTTPAddr()}}); err != nil {
				t.Fatal(err)
			}
			r := runProbe(t, client, tt.args)
			if tt.want != "" {
				if r.Reachable || !strings.Contains(r.Error, tt.want) {
					t.Fatalf("probe from the peer = %+v, want unreachable with %q", r, tt.want)
				}
			} else if !r.Reachable || r.Thumbprint != server.Endpoints()[0].Thumbprint {
				t.Fatalf("probe from the peer = %+v, want the served certificate", r)
			}
			// Windows does not filter a host's connections to itself.
			if own := runProbe(t, server, `{"port":4207}`); !own.Reachable {
				t.Errorf("the server's own probe = %+v, want reachable whatever the firewall", own)
			}
		})
	}
}

// TestPeerGone: a peer whose simulator does not answer is an unreachable
// host, said so.
func TestPeerGone(t *testing.T) {
	server := startTestServer(t, func(o *Options) { o.Scenario = firewallScenario(t, "") })
	client := startTestServer(t, func(o *Options) { o.Hostname = "BPA01" })
	if err := client.SetPeers([]Peer{{Names: []string{"sage300.example.local"}, Address: "10.20.0.30", Admin: server.HTTPAddr()}}); err != nil {
		t.Fatal(err)
	}
	_ = server.Close()
	if r := runProbe(t, client, `{"address":"sage300.example.local","port":4207}`); r.Reachable || !strings.Contains(r.Error, "could not ask its peer") {
		t.Fatalf("probe = %+v, want unreachable saying the peer did not answer", r)
	}
	if err := client.SetPeers([]Peer{{Names: []string{"x"}, Address: "127.0.0.1", Admin: server.HTTPAddr()}}); err == nil {
		t.Error("a loopback peer address was accepted")
	}
}

// TestFirewallRulesInState: rules round-trip through the state document
// with Windows' defaults filled in, and a bad profile or port is refused.
func TestFirewallRulesInState(t *testing.T) {
	h, err := model.NewFromJSON([]byte(`{"firewall_rules":[{"name":"a","local_ports":"4207"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	data, _ := h.StateJSON()
	var s model.State
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatal(err)
	}
	if len(s.FirewallRules) != 1 || s.FirewallRules[0].Protocol != 6 || s.FirewallRules[0].Profiles != 0x7FFFFFFF || !*s.FirewallRules[0].Enabled || s.NetworkProfile != "Domain" {
		t.Errorf("state = %s", data)
	}
	for _, bad := range []string{`{"network_profile":"Work"}`, `{"firewall_rules":[{"name":"a","local_ports":"0"}]}`, `{"firewall_rules":[{"name":""}]}`} {
		if _, err := model.NewFromJSON([]byte(bad)); err == nil {
			t.Errorf("%s was accepted", bad)
		}
	}
}
