package provider_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/acctest"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/windows"
)

// bindingDrift is a change made to one field of a binding behind
// Terraform's back: the field's name in the simulator's state document
// (the same as the attribute's) and the value it is given there.
type bindingDrift struct {
	field string
	value any
}

// TestAccHTTPSSLCertBinding_driftEveryField changes each of the binding's
// seventeen fields on the host through the simulator's admin API, one step
// each, and expects refresh to see it (the plan updates the binding in
// place), apply to repair it (the host holds the configured binding again)
// and the plan after that to be empty. Drift that compares only the hash
// misses the rest (Chef windows cookbook #306, #313).
func TestAccHTTPSSLCertBinding_driftEveryField(t *testing.T) {
	first := acctest.NewTestCertificate(t, "sage.example.com")
	second := acctest.NewTestCertificate(t, "sage2.example.com")
	h := acctest.NewHostWithCertificates(t, nil,
		acctest.StoreCertificate{Store: "MY", Cert: first, WithKey: true},
		acctest.StoreCertificate{Store: "MY", Cert: second, WithKey: true},
		// The same certificate and key in a second store, so the binding
		// can drift to that store and still load.
		acctest.StoreCertificate{Store: "WebHosting", Cert: first, WithKey: true},
	)
	if !h.IsSim() {
		t.Skip("drift is made through the simulator's admin API (/winsim/state); a real host has none")
	}
	key := windows.BindingKey{IPPort: "0.0.0.0:4106"}
	config := bindingConfig(h, bindingArg("ipport", "0.0.0.0:4106"), bindingArg("certificate_hash", first.Thumbprint), bindingArg("app_id", sageAppID))
	configured := windows.SSLBinding{BindingKey: key, CertificateHash: first.Thumbprint, AppID: sageAppID,
		CertificateStoreName: "MY", VerifyClientCertRevocation: true, UsageCheck: true}
	drifts := []bindingDrift{
		{"certificate_hash", second.Thumbprint},
		{"app_id", otherAppID},
		{"certificate_store_name", "WEBHOSTING"},
		{"verify_client_cert_revocation", false},
		{"verify_revocation_with_cached_client_cert_only", true},
		{"usage_check", false},
		{"revocation_freshness_time", 3600},
		{"url_retrieval_timeout", 15000},
		{"ctl_identifier", "Drift CTL"},
		{"ctl_store_name", "CA"},
		{"ds_mapper_usage", true},
		{"negotiate_client_cert", true},
		{"disable_legacy_tls", true},
		{"disable_tls13", true},
		{"disable_http2", true},
		{"disable_quic", true},
		{"disable_ocsp_stapling", true},
	}
	steps := []resource.TestStep{{Config: config, Check: checkHostBinding(t, h, key, bindingEquals(configured, "after create"))}}
	for _, d := range drifts {
		steps = append(steps, driftStep(t, h, config, d, checkHostBinding(t, h, key, bindingEquals(configured, "after repairing "+d.field))))
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkBindingsDestroyed(t, h, key),
		Steps:                    steps,
	})
}

// driftStep changes d on the host, then expects an in-place update of the
// binding, check to pass after apply, and an empty plan after that.
func driftStep(t *testing.T, h *acctest.Host, config string, d bindingDrift, check resource.TestCheckFunc) resource.TestStep {
	edit := editSimRows(t, h, "sslcert_bindings", "ipport", "0.0.0.0:4106", map[string]any{d.field: d.value})
	return resource.TestStep{
		PreConfig: func() {
			t.Logf("drift: %s = %v on the host", d.field, d.value)
			edit()
		},
		Config: config,
		ConfigPlanChecks: resource.ConfigPlanChecks{
			PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(bindingAddress, plancheck.ResourceActionUpdate)},
			PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
		},
		Check: check,
	}
}

// bindingEquals checks that the host's binding is want, field for field.
func bindingEquals(want windows.SSLBinding, when string) func(windows.SSLBinding) error {
	return func(got windows.SSLBinding) error {
		if got != want {
			return fmt.Errorf("%s: host binding\n%+v\nwant\n%+v", when, got, want)
		}
		return nil
	}
}
