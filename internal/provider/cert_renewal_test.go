package provider_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"software.sslmate.com/src/go-pkcs12"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/acctest"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/windows"
)

const (
	sage50AppID  = "{4d159978-4574-4dd5-b3ff-6f7fc8c20344}"
	sage50IPPort = "0.0.0.0:4106"
	// The name BPA Platform uses for the Sage 50 server of examples/scenarios/sage50.json.
	sage50FQDN = "sage50.example.local"
	// examples/sage50's resources, in its module.
	sage50PFXRes  = "module.sage50.windows_pfx_certificate.trusted[0]"
	sage50BindRes = "module.sage50.windows_http_sslcert_binding.integration_agent"
)

// TestAccSage50Example_renewal applies examples/sage50 (the shipped
// configuration, with create_before_destroy on the certificate), then
// renews: pfx_path names a PFX of another certificate. The new certificate
// is imported first, the binding moves to it, and only then is the old one
// removed. The final terraform destroy removes the binding before the
// certificate, so the provider's refusal to remove a bound certificate does
// not stand in its way.
func TestAccSage50Example_renewal(t *testing.T) {
	h := sage50Host(t)
	dir := t.TempDir()
	oldPFX, newPFX := writeTestPFX(t, dir, "old.pfx"), writeTestPFX(t, dir, "new.pfx")
	vars := map[string]string{"fqdn": sage50FQDN, "pfx_path": oldPFX.path, "pfx_password": pfxPassword}
	r := newExampleRun(t, "sage50", vars)
	r.apply()
	r.check(checkIPPortBinding(t, h, sage50IPPort, oldPFX.Thumbprint, sage50AppID))

	// An administrator turned on session tickets for the binding (a
	// DefaultFlags bit examples/sage50 does not manage): the renewal's
	// rebinding keeps it.
	editSimRows(t, h, "sslcert_bindings", "ipport", sage50IPPort, map[string]any{"other_flags": sessionTicketFlag})()
	r.env = append(r.env, "TF_VAR_pfx_path="+newPFX.path) // the last one wins
	r.expectActions(r.plan(), map[string]string{sage50PFXRes: "create,delete", sage50BindRes: "update"})
	r.apply("tfplan")
	r.check(
		checkIPPortBinding(t, h, sage50IPPort, newPFX.Thumbprint, sage50AppID),
		checkHostBinding(t, h, windows.BindingKey{IPPort: sage50IPPort}, func(b windows.SSLBinding) error {
			if b.OtherFlags != sessionTicketFlag {
				return fmt.Errorf("after renewal the binding's other DefaultFlags are %#x, want %#x (kept)", b.OtherFlags, sessionTicketFlag)
			}
			return nil
		}),
		checkHostCertificate(t, h, "My", newPFX.Thumbprint, true),
		checkCertificatesGone(t, h, "My", oldPFX.Thumbprint),
	)
	r.expectOutputs(map[string]string{"served_thumbprint": newPFX.Thumbprint})

	r.destroy()
	r.check(checkCertificatesGone(t, h, "My", oldPFX.Thumbprint, newPFX.Thumbprint), checkNoIPPortBinding(t, h, sage50IPPort))
}

// TestAccPFXCertificate_renewalRefusedWhileBound: without
// create_before_destroy a renewal plans destroy, create, update; the
// provider refuses to remove the certificate the binding serves, naming the
// binding and the fix, and the old certificate (with its key) and the
// binding stay on the host as they were.
func TestAccPFXCertificate_renewalRefusedWhileBound(t *testing.T) {
	h := acctest.NewHost(t, nil)
	oldPFX := newTestPFX(t, "sage50.example.local", pkcs12.Modern)
	newPFX := newTestPFX(t, "sage50.example.local", pkcs12.Modern)
	key := windows.BindingKey{IPPort: sage50IPPort}
	configFor := func(p testPFX) string {
		return pfxConfig(h, p.Base64, pfxPassword) + hclBlock("resource", "windows_http_sslcert_binding", "test",
			bindingArg("ipport", sage50IPPort), "certificate_hash = windows_pfx_certificate.test.thumbprint", bindingArg("app_id", sage50AppID))
	}
	oldStillServed := resource.ComposeAggregateTestCheckFunc(
		checkIPPortBinding(t, h, sage50IPPort, oldPFX.Thumbprint, sage50AppID),
		checkHostCertificate(t, h, "My", oldPFX.Thumbprint, true),
		checkCertificatesGone(t, h, "My", newPFX.Thumbprint),
	)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(
			checkCertificatesGone(t, h, "My", oldPFX.Thumbprint, newPFX.Thumbprint),
			checkBindingsDestroyed(t, h, key),
		),
		Steps: []resource.TestStep{
			{Config: configFor(oldPFX), Check: oldStillServed},
			{
				Config: configFor(newPFX),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(pfxAddress, plancheck.ResourceActionDestroyBeforeCreate),
					plancheck.ExpectResourceAction(bindingAddress, plancheck.ResourceActionUpdate),
				}},
				ExpectError: regexp.MustCompile(`(?s)Certificate still used by an SSL binding.*` + oldPFX.Thumbprint +
					`.*ipport=0\.0\.0\.0:4106.*create_before_destroy\s+=\s+true.*binding\s+moves\s+to\s+the\s+new\s+certificate\s+before\s+the\s+old\s+one\s+is\s+removed.*remove\s+the\s+binding\s+first`),
			},
			{
				// Nothing changed on the host: the old certificate still
				// serves the port, and the state still says so.
				Config:           configFor(oldPFX),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:            oldStillServed,
			},
		},
	})
}

// testPFXFile is a test PFX written to a file, as examples read it.
type testPFXFile struct {
	testPFX
	path string
}

// writeTestPFX makes a PFX of a new certificate (with pfxPassword) and
// writes it to dir/name.
func writeTestPFX(t *testing.T, dir, name string) testPFXFile {
	t.Helper()
	p := newTestPFX(t, sage50FQDN, pkcs12.Modern)
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, p.PFX, 0o600); err != nil {
		t.Fatal(err)
	}
	return testPFXFile{testPFX: p, path: path}
}

// setProviderEnvironment points an empty provider block (examples/sage50's
// `provider "windows" {}`) at h through the WINRM_* variables, for this
// test only.
func setProviderEnvironment(t *testing.T, h *acctest.Host) {
	t.Helper()
	for name, value := range map[string]string{
		"WINRM_HOST": h.Address, "WINRM_PORT": strconv.Itoa(h.Port), "WINRM_USERNAME": h.Username,
		"WINRM_PASSWORD": h.Password, "WINRM_AUTH": strings.ToLower(h.Auth),
	} {
		t.Setenv(name, value)
	}
}

// TestAccPFXCertificate_reimportWhileBound: what imports the same
// certificate again is an in-place update: with exportable changed while an
// SSL binding serves the certificate, the binding is not touched and keeps
// the thumbprint, and the host ends with the new exportable flag; with the
// private key deleted outside Terraform, the key comes back.
func TestAccPFXCertificate_reimportWhileBound(t *testing.T) {
	h := acctest.NewHost(t, nil)
	if !h.IsSim() {
		t.Skip("reads the key's exportable flag and deletes the key through the simulator's state")
	}
	p := newTestPFX(t, "sage50.example.local", pkcs12.Modern)
	key := windows.BindingKey{IPPort: sage50IPPort}
	configFor := func(exportable bool) string {
		return pfxConfig(h, p.Base64, pfxPassword, "exportable = "+strconv.FormatBool(exportable)) +
			hclBlock("resource", "windows_http_sslcert_binding", "test",
				bindingArg("ipport", sage50IPPort), "certificate_hash = windows_pfx_certificate.test.thumbprint", bindingArg("app_id", sage50AppID))
	}
	unbound := pfxConfig(h, p.Base64, pfxPassword)
	updateOnly := resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
		plancheck.ExpectResourceAction(pfxAddress, plancheck.ResourceActionUpdate),
		plancheck.ExpectResourceAction(bindingAddress, plancheck.ResourceActionNoop),
	}}
	served := func(exportable bool) resource.TestCheckFunc {
		return resource.ComposeAggregateTestCheckFunc(
			checkIPPortBinding(t, h, sage50IPPort, p.Thumbprint, sage50AppID),
			checkHostCertificate(t, h, "My", p.Thumbprint, true),
			checkSimExportable(t, h, p.Thumbprint, exportable),
			resource.TestCheckResourceAttr(pfxAddress, "thumbprint", p.Thumbprint),
			resource.TestCheckResourceAttr(pfxAddress, "has_private_key", "true"),
		)
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(
			checkCertificatesGone(t, h, "My", p.Thumbprint),
			checkBindingsDestroyed(t, h, key),
		),
		Steps: []resource.TestStep{
			{Config: configFor(true), Check: served(true)},
			{Config: configFor(false), ConfigPlanChecks: updateOnly, Check: served(false)},
			emptyPlanStep(configFor(false)),
			// The simulator refuses a state where a binding serves a
			// certificate without its key (as HTTP.sys refuses to add one,
			// error 1312), so the key is deleted while nothing is bound.
			{Config: unbound, Check: checkBindingsDestroyed(t, h, key)},
			{
				PreConfig:        deleteSimPrivateKey(t, h, p.Thumbprint),
				Config:           unbound,
				ConfigPlanChecks: expectAction(pfxAddress, plancheck.ResourceActionUpdate),
				Check: resource.ComposeAggregateTestCheckFunc(
					checkHostCertificate(t, h, "My", p.Thumbprint, true),
					resource.TestCheckResourceAttr(pfxAddress, "has_private_key", "true"),
				),
			},
			emptyPlanStep(unbound),
		},
	})
}

// simCertificate returns the simulator state's entry of the certificate
// in MY, or nil.
func simCertificate(state map[string]any, thumbprint string) map[string]any {
	certs, _ := state["certificates"].([]any)
	for _, c := range certs {
		cert, _ := c.(map[string]any)
		if cert != nil && cert["store"] == "MY" && cert["thumbprint"] == thumbprint {
			return cert
		}
	}
	return nil
}

// checkSimExportable checks the key's exportable flag in the simulator.
func checkSimExportable(t *testing.T, h *acctest.Host, thumbprint string, want bool) resource.TestCheckFunc {
	return func(*terraform.State) error {
		cert := simCertificate(h.SimState(t), thumbprint)
		if cert == nil {
			return fmt.Errorf("certificate %s not in the simulator's MY store", thumbprint)
		}
		if got, _ := cert["exportable"].(bool); got != want {
			return fmt.Errorf("certificate %s: exportable %t, want %t", thumbprint, got, want)
		}
		return nil
	}
}

// deleteSimPrivateKey deletes a certificate's private key outside
// Terraform, as deleting its file under %ProgramData%\Microsoft\Crypto does.
func deleteSimPrivateKey(t *testing.T, h *acctest.Host, thumbprint string) func() {
	return func() {
		h.EditSimState(t, func(state map[string]any) {
			cert := simCertificate(state, thumbprint)
			if cert == nil {
				t.Fatalf("certificate %s not in the simulator's MY store", thumbprint)
			}
			cert["has_private_key"] = false
			delete(cert, "key_pem")
		})
	}
}
