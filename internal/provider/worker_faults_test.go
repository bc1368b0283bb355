package provider_test

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

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
