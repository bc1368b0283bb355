package provider_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"software.sslmate.com/src/go-pkcs12"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/acctest"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/provider"
)

const pfxAddress = "windows_pfx_certificate.test"

// pfxConfig imports content with password_wo into My, plus extra lines.
func pfxConfig(h *acctest.Host, content, password string, extra ...string) string {
	lines := append([]string{hclAttr("content_base64", content), hclAttr("password_wo", password), "password_wo_version = 1"}, extra...)
	return h.ProviderConfig("") + hclBlock("resource", "windows_pfx_certificate", "test", lines...)
}

// expectPlannedFacts checks that the plan knows the certificate's facts
// before apply (terraform show -json of the plan lists them as values).
func expectPlannedFacts(p testPFX, store string) []plancheck.PlanCheck {
	return []plancheck.PlanCheck{
		plancheck.ExpectKnownValue(pfxAddress, tfjsonpath.New("thumbprint"), knownvalue.StringExact(p.Thumbprint)),
		plancheck.ExpectKnownValue(pfxAddress, tfjsonpath.New("id"), knownvalue.StringExact(store+"/"+p.Thumbprint)),
		plancheck.ExpectKnownValue(pfxAddress, tfjsonpath.New("subject"), knownvalue.StringExact("CN="+p.Leaf.Subject.CommonName)),
		plancheck.ExpectKnownValue(pfxAddress, tfjsonpath.New("issuer"), knownvalue.StringExact("CN=Test Issuing CA, O=Example")),
		plancheck.ExpectKnownValue(pfxAddress, tfjsonpath.New("has_private_key"), knownvalue.Bool(true)),
		plancheck.ExpectKnownValue(pfxAddress, tfjsonpath.New("not_after"),
			knownvalue.StringExact(p.Leaf.NotAfter.UTC().Format(time.RFC3339))),
		plancheck.ExpectKnownValue(pfxAddress, tfjsonpath.New("dns_names"),
			knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(p.Leaf.DNSNames[0])})),
		plancheck.ExpectKnownValue(pfxAddress, tfjsonpath.New("enhanced_key_usages"), knownvalue.ListExact([]knownvalue.Check{
			knownvalue.StringExact("1.3.6.1.5.5.7.3.1"), knownvalue.StringExact("1.3.6.1.5.5.7.3.2"),
		})),
	}
}

// TestAccPFXCertificate_lifecycle imports a PFX (facts known at plan time),
// re-plans nothing, re-imports after the certificate was removed outside
// Terraform, imports the resource by STORE/THUMBPRINT, keeps the
// certificate when the same certificate comes re-exported with another
// password, and destroys it with its key.
func TestAccPFXCertificate_lifecycle(t *testing.T) {
	h := acctest.NewHost(t, nil)
	p := newTestPFX(t, "sage300.example.local", pkcs12.Modern)
	config := pfxConfig(h, p.Base64, pfxPassword)
	const reexportPassword = "another password"
	reexported := p.TestChain.PFX(t, pkcs12.Legacy, reexportPassword, false)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkCertificatesGone(t, h, "My", p.Thumbprint),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: append(expectPlannedFacts(p, "MY"),
					plancheck.ExpectResourceAction(pfxAddress, plancheck.ResourceActionCreate),
					plancheck.ExpectKnownValue(pfxAddress, tfjsonpath.New("chain_thumbprints"), knownvalue.SetSizeExact(0)),
				)},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(pfxAddress, "thumbprint", p.Thumbprint),
					resource.TestCheckResourceAttr(pfxAddress, "store_name", "My"),
					resource.TestCheckResourceAttr(pfxAddress, "exportable", "false"),
					resource.TestCheckNoResourceAttr(pfxAddress, "password_wo"),
					checkHostCertificate(t, h, "MY", p.Thumbprint, true),
				),
			},
			emptyPlanStep(config),
			{
				PreConfig: removeCertificate(t, h, "My", p.Thumbprint),
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: append(expectPlannedFacts(p, "MY"),
					plancheck.ExpectResourceAction(pfxAddress, plancheck.ResourceActionCreate))},
				Check: checkHostCertificate(t, h, "My", p.Thumbprint, true),
			},
			{
				ResourceName:      pfxAddress,
				ImportState:       true,
				ImportStateId:     "My/" + p.Thumbprint,
				ImportStateVerify: true,
				// Neither the PFX nor the password can be read back from a host.
				ImportStateVerifyIgnore: []string{"content_base64", "password_wo", "password_wo_version"},
			},
			{
				// The same certificate, re-exported (3DES) with another
				// password: nothing to import again.
				Config: pfxConfig(h, acctestBase64(reexported), reexportPassword),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(pfxAddress, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(pfxAddress, tfjsonpath.New("thumbprint"), knownvalue.StringExact(p.Thumbprint)),
				}},
				Check: checkHostCertificate(t, h, "My", p.Thumbprint, true),
			},
			{
				// A new certificate replaces the old one.
				Config:           pfxConfig(h, newTestPFX(t, "sage300.example.local", pkcs12.Modern).Base64, pfxPassword),
				ConfigPlanChecks: expectAction(pfxAddress, plancheck.ResourceActionReplace),
				Check:            checkCertificatesGone(t, h, "My", p.Thumbprint),
			},
		},
	})
}

// TestAccPFXCertificate_planFailures: what Windows would refuse, or what
// would break TLS in the maintenance window, fails terraform plan.
func TestAccPFXCertificate_planFailures(t *testing.T) {
	h := acctest.NewHost(t, nil)
	valid := newTestPFX(t, "valid.example.local", pkcs12.Modern)
	expired := newTestPFX(t, "expired.example.local", pkcs12.Modern, func(o *provider.LeafOptions) {
		o.NotBefore, o.NotAfter = time.Now().AddDate(-2, 0, 0), time.Now().AddDate(0, 0, -1)
	})
	noKey := acctestBase64(valid.PFXWithoutKey(t, pkcs12.Modern, pfxPassword))
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      pfxConfig(h, valid.Base64, "not the password"),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Wrong PFX password.*password_wo`),
			},
			{
				Config: h.ProviderConfig("") + hclBlock("resource", "windows_pfx_certificate", "test",
					hclAttr("content_base64", valid.Base64), hclAttr("password", "not the password")),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`Wrong PFX password`),
			},
			{
				Config:      pfxConfig(h, expired.Base64, pfxPassword),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Certificate expired.*expired on`),
			},
			{
				Config:      pfxConfig(h, noKey, pfxPassword),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)PFX without a private key.*export the private`),
			},
			{
				Config:      pfxConfig(h, "not base64!", pfxPassword),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`Invalid base64`),
			},
			{
				Config: h.ProviderConfig("") + hclBlock("resource", "windows_pfx_certificate", "test",
					hclAttr("password_wo", pfxPassword)),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)content_base64.*remote_path`),
			},
			{
				Config: h.ProviderConfig("") + hclBlock("resource", "windows_pfx_certificate", "test",
					hclAttr("content_base64", valid.Base64), hclAttr("password", pfxPassword), hclAttr("password_wo", pfxPassword)),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)password.*password_wo`),
			},
			{
				Config:      pfxConfig(h, valid.Base64, pfxPassword, hclAttr("store_name", "Personal")),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`the store's name is "My"`),
			},
		},
	})
}

// TestAccPFXCertificate_importChain puts the issuing CA into CA and the root
// into Root, lists them in the plan, and leaves them when destroyed.
func TestAccPFXCertificate_importChain(t *testing.T) {
	h := acctest.NewHost(t, nil)
	p := newTestPFX(t, "sage300.example.local", pkcs12.LegacyDES)
	interThumb, rootThumb := provider.Thumbprint(p.Intermediate), provider.Thumbprint(p.Root)
	t.Cleanup(func() {
		// Chain certificates outlive the resource by design; tidy a real host.
		_ = h.Windows(t).Certificates().Remove(acctest.Context(t), "CA", interThumb)
		_ = h.Windows(t).Certificates().Remove(acctest.Context(t), "Root", rootThumb)
	})
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(
			checkCertificatesGone(t, h, "My", p.Thumbprint),
			checkHostCertificate(t, h, "CA", interThumb, false),
			checkHostCertificate(t, h, "Root", rootThumb, false),
		),
		Steps: []resource.TestStep{{
			Config: pfxConfig(h, p.Base64, pfxPassword, "import_chain = true", "exportable = true"),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectKnownValue(pfxAddress, tfjsonpath.New("chain_thumbprints"), knownvalue.SetExact([]knownvalue.Check{
					knownvalue.StringExact(interThumb), knownvalue.StringExact(rootThumb),
				})),
			}},
			Check: resource.ComposeAggregateTestCheckFunc(
				checkHostCertificate(t, h, "My", p.Thumbprint, true),
				checkHostCertificate(t, h, "CA", interThumb, false),
				checkHostCertificate(t, h, "Root", rootThumb, false),
			),
		}},
	})
}

// TestAccPFXCertificate_remotePath imports a PFX already on the host: the
// host reads its facts at plan, and a new password_wo_version imports it
// again in place, refusing at plan (with the host unchanged) a file that now
// holds another certificate.
func TestAccPFXCertificate_remotePath(t *testing.T) {
	p := newTestPFX(t, "netpos.example.local", pkcs12.LegacyDES)
	other := newTestPFX(t, "netpos.example.local", pkcs12.LegacyDES)
	const path = `C:\certs\netpos.pfx`
	h := acctest.NewHost(t, []byte(`{"files":[{"path":`+acctest.JSONString(path)+`,"content_base64":"`+p.Base64+`"}]}`))
	if !h.IsSim() {
		t.Skip("needs a file on the host: the simulator's scenario provides it")
	}
	config := func(version int) string {
		return h.ProviderConfig("") + hclBlock("resource", "windows_pfx_certificate", "test",
			hclAttr("remote_path", path), hclAttr("password_wo", pfxPassword), fmt.Sprintf("password_wo_version = %d", version))
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkCertificatesGone(t, h, "My", p.Thumbprint),
		Steps: []resource.TestStep{
			{
				Config: config(1),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(pfxAddress, tfjsonpath.New("thumbprint"), knownvalue.StringExact(p.Thumbprint)),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(pfxAddress, "thumbprint", p.Thumbprint),
					resource.TestCheckResourceAttr(pfxAddress, "id", "MY/"+p.Thumbprint),
					resource.TestCheckResourceAttr(pfxAddress, "subject", "CN=netpos.example.local"),
					checkHostCertificate(t, h, "My", p.Thumbprint, true),
				),
			},
			emptyPlanStep(config(1)),
			{
				// The same file imported again, in place.
				Config:           config(2),
				ConfigPlanChecks: expectAction(pfxAddress, plancheck.ResourceActionUpdate),
				Check:            checkHostCertificate(t, h, "My", p.Thumbprint, true),
			},
			{
				// The file now holds another certificate: the plan of the
				// in-place import refuses, and the host keeps the old one.
				PreConfig: func() {
					h.EditSimState(t, func(state map[string]any) {
						state["files"] = []any{map[string]any{"path": path, "content_base64": other.Base64}}
					})
				},
				Config:      config(3),
				ExpectError: regexp.MustCompile(`(?s)The PFX holds another certificate.*` + p.Thumbprint + `.*` + other.Thumbprint + `.*host\s+was\s+not\s+changed`),
			},
			{
				PreConfig: func() {
					h.EditSimState(t, func(state map[string]any) {
						state["files"] = []any{map[string]any{"path": path, "content_base64": p.Base64}}
					})
				},
				Config:           config(2),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkHostCertificate(t, h, "My", p.Thumbprint, true),
					checkCertificatesGone(t, h, "My", other.Thumbprint),
				),
			},
			{
				Config: h.ProviderConfig("") + hclBlock("resource", "windows_pfx_certificate", "test",
					hclAttr("remote_path", `C:\certs\missing.pfx`), hclAttr("password_wo", pfxPassword)),
				ExpectError: regexp.MustCompile(`(?s)PFX file not found on the host`),
			},
		},
	})
}

// TestAccPFXCertificate_importAdoptsRemotePath takes over a certificate
// that came from a .pfx already on the host: after terraform import, the
// configuration naming that file imports it again in place (the host
// confirming it holds the same certificate), never a replacement, which a
// binding on the certificate would forbid.
func TestAccPFXCertificate_importAdoptsRemotePath(t *testing.T) {
	installed := acctest.NewTestCertificate(t, "netpos.example.local")
	pfx, err := pkcs12.LegacyDES.Encode(installed.Key, installed.Cert, nil, pfxPassword)
	if err != nil {
		t.Fatal(err)
	}
	const path = `C:\certs\netpos.pfx`
	scenario := []byte(`{"files":[{"path":` + acctest.JSONString(path) + `,"content_base64":"` + acctestBase64(pfx) + `"}]}`)
	h := acctest.NewHostWithCertificates(t, scenario, acctest.StoreCertificate{Store: "MY", Cert: installed, WithKey: true})
	if !h.IsSim() {
		t.Skip("needs a file on the host: the simulator's scenario provides it")
	}
	config := h.ProviderConfig("") + hclBlock("resource", "windows_pfx_certificate", "test",
		hclAttr("remote_path", path), hclAttr("password_wo", pfxPassword), "password_wo_version = 1")
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:             config,
				ResourceName:       pfxAddress,
				ImportState:        true,
				ImportStateId:      "My/" + installed.Thumbprint,
				ImportStatePersist: true,
			},
			{
				Config:           config,
				ConfigPlanChecks: expectAction(pfxAddress, plancheck.ResourceActionUpdate),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(pfxAddress, "remote_path", path),
					checkHostCertificate(t, h, "My", installed.Thumbprint, true),
				),
			},
			emptyPlanStep(config),
		},
	})
}

// TestAccPFXCertificate_importAdoptsConfiguration takes over a certificate
// installed by hand (the procedure's certutil -importPFX): after terraform import,
// the configuration holding the same certificate plans an in-place update,
// never a new import, and then nothing.
func TestAccPFXCertificate_importAdoptsConfiguration(t *testing.T) {
	installed := acctest.NewTestCertificate(t, "sage300.example.local")
	h := acctest.NewHostWithCertificates(t, nil, acctest.StoreCertificate{Store: "MY", Cert: installed, WithKey: true})
	pfx, err := pkcs12.Modern.Encode(installed.Key, installed.Cert, nil, pfxPassword)
	if err != nil {
		t.Fatal(err)
	}
	config := pfxConfig(h, acctestBase64(pfx), pfxPassword, "exportable = true")
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				// Without importing, Terraform refuses to take it over, at
				// plan, naming the data source and the import to use.
				Config:      config,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Certificate already in the store.*with windows_pfx_certificate.test,.*certificate_thumbprint\s+=\s+"` + installed.Thumbprint + `".*terraform import 'ADDRESS' MY/` + installed.Thumbprint),
			},
			{
				Config:             config,
				ResourceName:       pfxAddress,
				ImportState:        true,
				ImportStateId:      "My/\u200e" + strings.ToLower(spaced(installed.Thumbprint)),
				ImportStatePersist: true,
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(pfxAddress, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(pfxAddress, tfjsonpath.New("thumbprint"), knownvalue.StringExact(installed.Thumbprint)),
				}},
				Check: checkHostCertificate(t, h, "My", installed.Thumbprint, true),
			},
			emptyPlanStep(config),
		},
	})
}
