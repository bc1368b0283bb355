package provider_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"software.sslmate.com/src/go-pkcs12"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/acctest"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/windows"
)

// TestAccPFXCertificate_notAPFX gives windows_pfx_certificate what users
// mistake for a PFX: a .cer/.crt certificate (DER or PEM) and garbage. With
// content_base64 the plan fails saying what the file is; with remote_path
// the host reads the file at plan (cert.pfx_file.inspect) and the plan fails
// the same way (garbage with CryptQueryObject's 0x80092009, which the import
// would answer). A relative remote_path fails the plan. Nothing is left in
// the store.
func TestAccPFXCertificate_notAPFX(t *testing.T) {
	p := newTestPFX(t, "sage50.example.local", pkcs12.Modern)
	der := p.Leaf.Raw
	const garbagePath, cerPath = `C:\certs\garbage.pfx`, `C:\certs\server.cer`
	files := fmt.Sprintf(`{"files":[{"path":%s,"content_base64":%q},{"path":%s,"content_base64":%q}]}`,
		acctest.JSONString(garbagePath), acctestBase64([]byte("this is not a PFX, just text")),
		acctest.JSONString(cerPath), acctestBase64(der))
	h := acctest.NewHost(t, []byte(files))
	if !h.IsSim() {
		t.Skip("needs files on the host: the simulator's scenario provides them")
	}
	remote := func(path string) string {
		return h.ProviderConfig("") + hclBlock("resource", "windows_pfx_certificate", "test",
			hclAttr("remote_path", path), hclAttr("password_wo", pfxPassword))
	}
	certificateNotPFX := diagnosticText("Certificate without its private key, not a PFX", "holds an X.509 certificate", "Export the certificate with its private key")
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkCertificatesGone(t, h, "My", p.Thumbprint),
		Steps: []resource.TestStep{
			{Config: pfxConfig(h, acctestBase64(der), pfxPassword), PlanOnly: true, ExpectError: certificateNotPFX},
			{Config: pfxConfig(h, acctestBase64([]byte(p.PEM)), pfxPassword), PlanOnly: true, ExpectError: certificateNotPFX},
			{
				Config:      remote(garbagePath),
				PlanOnly:    true,
				ExpectError: diagnosticText("Invalid PFX content", "not a PKCS#12 (.pfx/.p12) file", "Cannot find the requested object.", "remote_path must name a .pfx/.p12 file"),
			},
			{
				Config:      remote(cerPath),
				PlanOnly:    true,
				ExpectError: diagnosticText("Certificate without its private key, not a PFX", "The file at remote_path holds an X.509 certificate", "Export the certificate with its private key"),
			},
			{
				Config:      remote(`certs\server.pfx`),
				PlanOnly:    true,
				ExpectError: diagnosticText("remote_path", "must be the absolute path of the .pfx file on the host"),
			},
			{
				Config:      remote(`\certs\server.pfx`),
				PlanOnly:    true,
				ExpectError: diagnosticText("remote_path", "must be the absolute path"),
			},
			{
				// Nothing was imported by the failed plans.
				Config: h.ProviderConfig(""),
				Check:  checkCertificatesGone(t, h, "My", p.Thumbprint),
			},
		},
	})
}

// TestAccPFXCertificate_brokenKeyLinkImportedAgain: a certificate whose key
// container was deleted or does not match its key link still says
// HasPrivateKey on Windows, but HTTP.sys refuses it (1312). Read opens the
// key, so the next plan imports the PFX again in place and the key works.
func TestAccPFXCertificate_brokenKeyLinkImportedAgain(t *testing.T) {
	h := acctest.NewHost(t, nil)
	if !h.IsSim() {
		t.Skip("breaks a key link through the simulator's state")
	}
	p := newTestPFX(t, "sage300.example.local", pkcs12.Modern)
	config := pfxConfig(h, p.Base64, pfxPassword)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkCertificatesGone(t, h, "My", p.Thumbprint),
		Steps: []resource.TestStep{
			{Config: config, Check: checkKeyOpens(t, h, "My", p.Thumbprint)},
			{
				PreConfig: func() {
					h.EditSimState(t, func(state map[string]any) { breakKeyLink(t, state, p.Thumbprint) })
					if _, err := h.Windows(t).Certificates().GetWithUsableKey(acctest.Context(t), "My", p.Thumbprint); !windows.IsNoUsablePrivateKey(err) {
						t.Fatalf("after breaking the key link, GetWithUsableKey = %v, want 1312", err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(pfxAddress, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(pfxAddress, "has_private_key", "true"),
					checkKeyOpens(t, h, "My", p.Thumbprint),
				),
			},
			emptyPlanStep(config),
		},
	})
}

// diagnosticText matches the parts in order, as Terraform prints them:
// wrapped at any space.
func diagnosticText(parts ...string) *regexp.Regexp {
	quoted := make([]string, len(parts))
	for i, p := range parts {
		quoted[i] = strings.Join(strings.Fields(regexp.QuoteMeta(p)), `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(quoted, ".*"))
}

// breakKeyLink makes the simulated certificate link a key container that
// does not open.
func breakKeyLink(t *testing.T, state map[string]any, thumbprint string) {
	t.Helper()
	certs, _ := state["certificates"].([]any)
	for _, c := range certs {
		cert, _ := c.(map[string]any)
		if cert != nil && strings.EqualFold(fmt.Sprint(cert["thumbprint"]), thumbprint) {
			delete(cert, "key_pem")
			cert["key_link_broken"] = true
			return
		}
	}
	t.Fatalf("certificate %s not in the simulator's state", thumbprint)
}

// checkKeyOpens checks through the host API that the certificate's private
// key opens.
func checkKeyOpens(t *testing.T, h *acctest.Host, store, thumbprint string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if _, err := h.Windows(t).Certificates().GetWithUsableKey(acctest.Context(t), store, thumbprint); err != nil {
			return fmt.Errorf("private key of %s in %s: %w", thumbprint, store, err)
		}
		return nil
	}
}

// TestAccHTTPSSLCertBinding_brokenKeyLink: HTTP.sys refuses (1312) a
// certificate whose key link names a container that does not open, though
// HasPrivateKey says true; the error says what that means.
func TestAccHTTPSSLCertBinding_brokenKeyLink(t *testing.T) {
	h, first, _, _ := bindingHost(t, nil)
	if !h.IsSim() {
		t.Skip("breaks a key link through the simulator's state")
	}
	h.EditSimState(t, func(state map[string]any) { breakKeyLink(t, state, first.Thumbprint) })
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: bindingConfig(h, bindingArg("ipport", "0.0.0.0:4106"), bindingArg("certificate_hash", first.Thumbprint), bindingArg("app_id", sageAppID)),
			ExpectError: diagnosticText("Certificate not usable for the binding", "does not match the certificate's key link counts as none",
				"import the PFX again", "cannot be opened"),
		}},
	})
}
