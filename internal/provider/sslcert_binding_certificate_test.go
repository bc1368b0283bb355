package provider_test

import (
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/acctest"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/windows"
)

// TestAccHTTPSSLCertBinding_boundCertificate: certificate_subject and
// certificate_not_after are read at apply on create (no host call at plan
// for a new binding), and known at plan when certificate_hash moves to
// another certificate in the store (the plan shows the new subject and
// expiry). A binding moved back to the
// first certificate outside Terraform reads that certificate's subject and
// expiry on refresh, the plan moves it again, and an import reads them too.
func TestAccHTTPSSLCertBinding_boundCertificate(t *testing.T) {
	first := acctest.NewTestCertificate(t, "sage.example.com")
	second := acctest.NewTestCertificate(t, "sage2.example.com")
	h := acctest.NewHostWithCertificates(t, nil,
		acctest.StoreCertificate{Store: "MY", Cert: first, WithKey: true},
		acctest.StoreCertificate{Store: "MY", Cert: second, WithKey: true},
	)
	if !h.IsSim() {
		t.Skip("moves the binding outside Terraform through the simulator's state")
	}
	const ipport = "0.0.0.0:4106"
	key := windows.BindingKey{IPPort: ipport}
	configFor := func(c acctest.TestCertificate) string {
		return bindingConfig(h, bindingArg("ipport", ipport), bindingArg("certificate_hash", c.Thumbprint), bindingArg("app_id", sageAppID))
	}
	notAfter := func(c acctest.TestCertificate) string { return c.Cert.NotAfter.UTC().Format(time.RFC3339) }
	planned := func(c acctest.TestCertificate, action plancheck.ResourceActionType) resource.ConfigPlanChecks {
		return resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
			plancheck.ExpectResourceAction(bindingAddress, action),
			plancheck.ExpectKnownValue(bindingAddress, tfjsonpath.New("certificate_subject"), knownvalue.StringExact("CN="+c.Cert.Subject.CommonName)),
			plancheck.ExpectKnownValue(bindingAddress, tfjsonpath.New("certificate_not_after"), knownvalue.StringExact(notAfter(c))),
		}}
	}
	stateIs := func(c acctest.TestCertificate) resource.TestCheckFunc {
		return resource.ComposeAggregateTestCheckFunc(
			resource.TestCheckResourceAttr(bindingAddress, "certificate_subject", "CN="+c.Cert.Subject.CommonName),
			resource.TestCheckResourceAttr(bindingAddress, "certificate_not_after", notAfter(c)),
		)
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkBindingsDestroyed(t, h, key),
		Steps: []resource.TestStep{
			{Config: configFor(first), ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(bindingAddress, plancheck.ResourceActionCreate),
				plancheck.ExpectUnknownValue(bindingAddress, tfjsonpath.New("certificate_subject")),
				plancheck.ExpectUnknownValue(bindingAddress, tfjsonpath.New("certificate_not_after")),
			}},
				Check: resource.ComposeAggregateTestCheckFunc(stateIs(first), checkIPPortBinding(t, h, ipport, first.Thumbprint, sageAppID))},
			{Config: configFor(second), ConfigPlanChecks: planned(second, plancheck.ResourceActionUpdate),
				Check: resource.ComposeAggregateTestCheckFunc(stateIs(second), checkIPPortBinding(t, h, ipport, second.Thumbprint, sageAppID))},
			emptyPlanStep(configFor(second)),
			{
				PreConfig:          editSimRows(t, h, "sslcert_bindings", "ipport", ipport, map[string]any{"certificate_hash": first.Thumbprint}),
				RefreshState:       true,
				ExpectNonEmptyPlan: true, // the configuration names the second certificate
				Check:              stateIs(first),
			},
			{Config: configFor(second), ConfigPlanChecks: planned(second, plancheck.ResourceActionUpdate),
				Check: resource.ComposeAggregateTestCheckFunc(stateIs(second), checkIPPortBinding(t, h, ipport, second.Thumbprint, sageAppID))},
			{Config: configFor(second), ResourceName: bindingAddress, ImportState: true, ImportStateId: ipport, ImportStateVerify: true},
		},
	})
}
