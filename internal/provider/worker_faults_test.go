package provider_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/acctest"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/windows"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/winsim"
)

// TestAccHTTPSSLCertBinding_workerKilledDuringChange kills the PowerShell
// worker after it changed the binding and before it answered: the apply
// fails saying the outcome is unknown (not that the old binding is still in
// place, which would be false), nothing is sent twice, and the next apply
// reads the host and converges.
func TestAccHTTPSSLCertBinding_workerKilledDuringChange(t *testing.T) {
	h, first, second, _ := bindingHost(t, nil)
	if h.Sim == nil {
		t.Skip("needs the simulator's fault injection")
	}
	key := windows.BindingKey{IPPort: "0.0.0.0:4106"}
	config := func(hash string) string {
		return bindingConfig(h, bindingArg("ipport", "0.0.0.0:4106"), bindingArg("certificate_hash", hash), bindingArg("app_id", sageAppID))
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkBindingsDestroyed(t, h, key),
		Steps: []resource.TestStep{
			{Config: config(first.Thumbprint)},
			{
				PreConfig:   func() { h.Sim.SetFaults(winsim.Faults{KillOnOp: "httpsys.sslcert.replace"}) },
				Config:      config(second.Thumbprint),
				ExpectError: regexp.MustCompile(`(?s)Cannot tell whether the SSL binding ipport=0\.0\.0\.0:4106 was changed.*may or may not have\s+applied it`),
			},
			{
				// The host did apply it: refresh finds the new certificate.
				Config:           config(second.Thumbprint),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:            checkHostBinding(t, h, key, hostBindingIs(second.Thumbprint, sageAppID, true)),
			},
		},
	})
}

// urlACLs is a configuration of n URL reservations, with extra lines in the
// provider block.
func urlACLs(h *acctest.Host, n int, providerLines string) string {
	cfg := strings.Replace(h.ProviderConfig(""), "provider \"windows\" {\n", "provider \"windows\" {\n"+providerLines, 1)
	return cfg + fmt.Sprintf("resource \"windows_http_urlacl\" \"r\" {\n  count = %d\n  url = \"https://+:${5100 + count.index}/\"\n  user = \"Everyone\"\n}\n", n)
}

// TestAccProvider_reusePowerShell checks what each mode costs the host: with
// workers (the default) every step of the test (several terraform runs in
// this process) shares at most max_sessions processes; with
// reuse_powershell = false every op starts a process of its own.
func TestAccProvider_reusePowerShell(t *testing.T) {
	const ops = 6
	for _, tt := range []struct {
		name, lines string
		check       func(c winsim.Counters) error
	}{
		{"workers", "  max_sessions = 2\n", func(c winsim.Counters) error {
			if c.ProcessesStarted > 2 || c.ShellsOpenMax > 2 {
				return fmt.Errorf("%d processes, %d shells open at most; want at most max_sessions (2) for every run", c.ProcessesStarted, c.ShellsOpenMax)
			}
			return nil
		}},
		{"one process per op", "  reuse_powershell = false\n", func(c winsim.Counters) error {
			if c.ProcessesStarted < ops || c.ProcessesStarted != c.ShellsCreated {
				return fmt.Errorf("%d processes in %d shells; want one process and shell per op (at least %d)", c.ProcessesStarted, c.ShellsCreated, ops)
			}
			return nil
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := acctest.NewHost(t, nil)
			if h.Sim == nil {
				t.Skip("counts the simulator's processes")
			}
			config := urlACLs(h, ops, tt.lines)
			resource.Test(t, resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				Steps: []resource.TestStep{
					{Config: config},
					{Config: config, ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
						Check: func(*terraform.State) error { return tt.check(h.Sim.Counters()) }},
				},
			})
		})
	}
}
