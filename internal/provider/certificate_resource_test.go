package provider_test

import (
	"crypto/x509/pkix"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/acctest"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/provider"
)

const certificateAddress = "windows_certificate.test"

func certificateConfig(h *acctest.Host, pem, store string) string {
	return h.ProviderConfig("") + hclBlock("resource", "windows_certificate", "test", hclAttr("pem", pem), hclAttr("store_name", store))
}

// TestAccCertificate_lifecycle trusts a server certificate in Root (Sage
// 300 step 6): facts known at plan time, an empty re-plan, re-added after
// removal outside Terraform, imported by STORE/THUMBPRINT, kept when the
// same certificate comes with other line ends, replaced for another
// certificate or store, removed on destroy.
func TestAccCertificate_lifecycle(t *testing.T) {
	h := acctest.NewHost(t, nil)
	first := provider.NewTestChain(t, provider.LeafOptions{Subject: pkix.Name{CommonName: "sage300.example.local", Organization: []string{"Example"}},
		DNSNames: []string{"sage300.example.local"}, ExtKeyUsage: clientServerAuth})
	second := provider.NewTestChain(t, provider.LeafOptions{Subject: pkix.Name{CommonName: "sage300.example.local"}})
	firstPEM, firstThumb := provider.CertificatePEM(first.Leaf), provider.Thumbprint(first.Leaf)
	secondPEM, secondThumb := provider.CertificatePEM(second.Leaf), provider.Thumbprint(second.Leaf)
	config := certificateConfig(h, firstPEM, "Root")
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(
			checkCertificatesGone(t, h, "Root", firstThumb, secondThumb),
			checkCertificatesGone(t, h, "CA", secondThumb),
		),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(certificateAddress, plancheck.ResourceActionCreate),
					plancheck.ExpectKnownValue(certificateAddress, tfjsonpath.New("thumbprint"), knownvalue.StringExact(firstThumb)),
					plancheck.ExpectKnownValue(certificateAddress, tfjsonpath.New("id"), knownvalue.StringExact("ROOT/"+firstThumb)),
					plancheck.ExpectKnownValue(certificateAddress, tfjsonpath.New("subject"), knownvalue.StringExact("CN=sage300.example.local, O=Example")),
					plancheck.ExpectKnownValue(certificateAddress, tfjsonpath.New("has_private_key"), knownvalue.Bool(false)),
					plancheck.ExpectKnownValue(certificateAddress, tfjsonpath.New("enhanced_key_usages"), knownvalue.ListSizeExact(2)),
				}},
				Check: checkHostCertificate(t, h, "ROOT", firstThumb, false),
			},
			emptyPlanStep(config),
			{
				PreConfig:        removeCertificate(t, h, "Root", firstThumb),
				Config:           config,
				ConfigPlanChecks: expectAction(certificateAddress, plancheck.ResourceActionCreate),
				Check:            checkHostCertificate(t, h, "Root", firstThumb, false),
			},
			{
				ResourceName:      certificateAddress,
				ImportState:       true,
				ImportStateId:     "Root/" + strings.ToLower(firstThumb),
				ImportStateVerify: true,
			},
			{
				Config:           certificateConfig(h, strings.ReplaceAll(firstPEM, "\n", "\r\n"), "ROOT"),
				ConfigPlanChecks: expectAction(certificateAddress, plancheck.ResourceActionUpdate),
				Check:            checkHostCertificate(t, h, "Root", firstThumb, false),
			},
			{
				Config: certificateConfig(h, secondPEM, "Root"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(certificateAddress, plancheck.ResourceActionReplace),
					plancheck.ExpectKnownValue(certificateAddress, tfjsonpath.New("thumbprint"), knownvalue.StringExact(secondThumb)),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkCertificatesGone(t, h, "Root", firstThumb),
					checkHostCertificate(t, h, "Root", secondThumb, false),
				),
			},
			{
				Config:           certificateConfig(h, secondPEM, "CA"),
				ConfigPlanChecks: expectAction(certificateAddress, plancheck.ResourceActionReplace),
				Check: resource.ComposeAggregateTestCheckFunc(
					checkCertificatesGone(t, h, "Root", secondThumb),
					checkHostCertificate(t, h, "CA", secondThumb, false),
				),
			},
		},
	})
}

// TestAccCertificate_invalid rejects what is not exactly one certificate,
// and a certificate someone else put in the store.
func TestAccCertificate_invalid(t *testing.T) {
	existing := acctest.NewTestCertificate(t, "bpa.example.local")
	h := acctest.NewHostWithCertificates(t, nil, acctest.StoreCertificate{Store: "Root", Cert: existing})
	chain := provider.NewTestChain(t, provider.LeafOptions{Subject: pkix.Name{CommonName: "a"}})
	two := provider.CertificatePEM(chain.Leaf) + provider.CertificatePEM(chain.Root)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: certificateConfig(h, two, "Root"), PlanOnly: true, ExpectError: regexp.MustCompile(`more than one certificate`)},
			{Config: certificateConfig(h, existing.KeyPEM, "Root"), PlanOnly: true, ExpectError: regexp.MustCompile(`"PRIVATE KEY" block`)},
			{Config: certificateConfig(h, "hello", "Root"), PlanOnly: true, ExpectError: regexp.MustCompile(`no PEM certificate`)},
			{Config: certificateConfig(h, existing.PEM, "Trusted Root Certification Authorities"), PlanOnly: true,
				ExpectError: regexp.MustCompile(`the store's name is "Root"`)},
			// At plan: nothing of the configuration has changed the host yet.
			{Config: certificateConfig(h, existing.PEM, "Root"), PlanOnly: true,
				ExpectError: regexp.MustCompile(`(?s)with windows_certificate.test,.*already in\s+LocalMachine.Root.*terraform import 'ADDRESS' ROOT/`)},
		},
	})
}
