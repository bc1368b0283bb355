package provider_test

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/acctest"
)

const (
	firewallRuleAddress = "windows_firewall_rule.agent"
	firewallRuleName    = "Sage 300 Connector Agent (HTTPS-In)"
)

// firewallScenario is a host whose firewall already has a rule, another
// product's, on the Agent's port.
func firewallScenario() []byte {
	return []byte(`{"hostname":"SAGE300","firewall_rules":[{"name":"Other product (TCP-In)","local_ports":"4207"}]}`)
}

func firewallRuleConfig(h *acctest.Host, extra ...string) string {
	lines := append([]string{hclAttr("name", firewallRuleName), "local_ports = [4207]"}, extra...)
	return h.ProviderConfig("") + hclBlock("resource", "windows_firewall_rule", "agent", lines...)
}

// simFirewallRule is the host's rule of that name, or nil.
func simFirewallRule(t *testing.T, h *acctest.Host, name string) map[string]any {
	t.Helper()
	for _, r := range acctest.StateList(t, h.SimState(t), "firewall_rules") {
		if r["name"] == name {
			return r
		}
	}
	return nil
}

// checkSimFirewallRule checks the rule on the host: its ports, profile
// mask and enabled flag.
func checkSimFirewallRule(t *testing.T, h *acctest.Host, name, ports string, profiles float64) resource.TestCheckFunc {
	return func(*terraform.State) error {
		r := simFirewallRule(t, h, name)
		if r == nil {
			t.Errorf("host has no firewall rule %q", name)
			return nil
		}
		if r["local_ports"] != ports || r["profiles"] != profiles || r["enabled"] != true || r["protocol"] != float64(6) || r["direction"] != float64(1) {
			t.Errorf("firewall rule %q on the host: %s; want ports %s, profiles %v, enabled inbound TCP", name, acctest.FormatJSON(r), ports, profiles)
		}
		return nil
	}
}

func checkSimFirewallRuleGone(t *testing.T, h *acctest.Host, name string) func(*terraform.State) error {
	return func(*terraform.State) error {
		if r := simFirewallRule(t, h, name); r != nil {
			t.Errorf("firewall rule %q still on the host: %s", name, acctest.FormatJSON(r))
		}
		return nil
	}
}

// TestAccFirewallRule_lifecycle: the rule lands on the host as an enabled
// inbound TCP allow rule for the port and profiles given; import reads it
// back; a rule someone disabled is replaced (enabled again); a change of
// profiles replaces it; destroy removes it and leaves the other product's
// rule on the same port.
func TestAccFirewallRule_lifecycle(t *testing.T) {
	h := acctest.NewHost(t, firewallScenario())
	if !h.IsSim() {
		t.Skip("reads the firewall through the simulator's state")
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			if err := checkSimFirewallRuleGone(t, h, firewallRuleName)(s); err != nil {
				return err
			}
			if simFirewallRule(t, h, "Other product (TCP-In)") == nil {
				t.Error("destroy removed the other product's rule on the same port")
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: firewallRuleConfig(h, `profiles = ["Domain", "Private"]`, hclAttr("description", "HTTPS for BPA Platform")),
				Check: resource.ComposeTestCheckFunc(
					checkSimFirewallRule(t, h, firewallRuleName, "4207", 3),
					resource.TestCheckResourceAttr(firewallRuleAddress, "enabled", "true"),
				),
			},
			{ResourceName: firewallRuleAddress, ImportState: true, ImportStateId: firewallRuleName, ImportStateVerify: true},
			{
				// Someone disabled the rule in wf.msc.
				PreConfig: func() {
					h.EditSimState(t, func(state map[string]any) {
						for _, r := range state["firewall_rules"].([]any) {
							if r.(map[string]any)["name"] == firewallRuleName {
								r.(map[string]any)["enabled"] = false
							}
						}
					})
				},
				Config: firewallRuleConfig(h, `profiles = ["Domain", "Private"]`, hclAttr("description", "HTTPS for BPA Platform")),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(firewallRuleAddress, plancheck.ResourceActionReplace)}},
				Check: checkSimFirewallRule(t, h, firewallRuleName, "4207", 3),
			},
			{
				Config: firewallRuleConfig(h),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(firewallRuleAddress, plancheck.ResourceActionReplace)}},
				Check: checkSimFirewallRule(t, h, firewallRuleName, "4207", 0x7FFFFFFF),
			},
		},
	})
}

// TestAccFirewallRule_refusals: a name another rule already has fails with
// the import to use instead and adds nothing; a name two rules share, or a
// block rule, fails the import; a bad profile or a program that is not a
// full path fails at plan.
func TestAccFirewallRule_refusals(t *testing.T) {
	h := acctest.NewHost(t, []byte(`{"firewall_rules":[{"name":"`+firewallRuleName+`","local_ports":"80"},{"name":"twice","local_ports":"1"},{"name":"twice","local_ports":"2"},{"name":"blocker","local_ports":"3","action":0}]}`))
	if !h.IsSim() {
		t.Skip("seeds the firewall through the simulator's state")
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: firewallRuleConfig(h, `profiles = ["Work"]`), PlanOnly: true, ExpectError: regexp.MustCompile(`Domain`)},
			{Config: firewallRuleConfig(h, hclAttr("program", "Sage300IntegrationService.exe")), PlanOnly: true,
				ExpectError: regexp.MustCompile(`(?s)full\s+path.*System`)},
			{
				Config:      firewallRuleConfig(h),
				ExpectError: regexp.MustCompile(`(?s)already exists on\s+the\s+host.*terraform import 'ADDRESS'.*choose\s+another\s+name`),
			},
			{
				// The refused create added nothing: the rule there is unchanged and alone.
				PreConfig: func() {
					_ = checkSimFirewallRule(t, h, firewallRuleName, "80", 0x7FFFFFFF)(nil)
					if n := len(acctest.StateList(t, h.SimState(t), "firewall_rules")); n != 4 {
						t.Errorf("the host has %d firewall rules after the refused create, want the 4 it had", n)
					}
				},
				Config:        h.ProviderConfig("") + hclBlock("resource", "windows_firewall_rule", "twice", hclAttr("name", "twice"), "local_ports = [1]"),
				ResourceName:  "windows_firewall_rule.twice",
				ImportState:   true,
				ImportStateId: "twice",
				ExpectError:   regexp.MustCompile(`2 firewall rules are named "twice"`),
			},
			{
				Config:        h.ProviderConfig("") + hclBlock("resource", "windows_firewall_rule", "blocker", hclAttr("name", "blocker"), "local_ports = [3]"),
				ResourceName:  "windows_firewall_rule.blocker",
				ImportState:   true,
				ImportStateId: "blocker",
				ExpectError:   regexp.MustCompile(`(?s)manages\s+inbound\s+TCP\s+allow\s+rules.*action\s+block`),
			},
		},
	})
}
