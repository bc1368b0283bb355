package provider_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/acctest"
)

const certificateDataAddress = "data.windows_certificate.test"

func certificateDataConfig(h *acctest.Host, lines ...string) string {
	return h.ProviderConfig("") + hclBlock("data", "windows_certificate", "test", lines...)
}

// TestAccCertificateDataSource finds a certificate by thumbprint (as copied
// from the MMC), by common name or whole subject, and by a DNS name a
// wildcard covers; none or several matches fail with the candidates.
func TestAccCertificateDataSource(t *testing.T) {
	sage := acctest.NewTestCertificate(t, "sage300.example.local")
	wildcard := acctest.NewTestCertificate(t, "*.apps.example.local")
	dupA, dupB := acctest.NewTestCertificate(t, "dup.example.local"), acctest.NewTestCertificate(t, "dup.example.local")
	h := acctest.NewHostWithCertificates(t, nil,
		acctest.StoreCertificate{Store: "MY", Cert: sage, WithKey: true},
		acctest.StoreCertificate{Store: "MY", Cert: wildcard, WithKey: true},
		acctest.StoreCertificate{Store: "MY", Cert: dupA},
		acctest.StoreCertificate{Store: "MY", Cert: dupB},
		acctest.StoreCertificate{Store: "Root", Cert: sage},
	)
	found := func(c acctest.TestCertificate, store string, key bool) []statecheck.StateCheck {
		return []statecheck.StateCheck{
			statecheck.ExpectKnownValue(certificateDataAddress, tfjsonpath.New("id"), knownvalue.StringExact(store+"/"+c.Thumbprint)),
			statecheck.ExpectKnownValue(certificateDataAddress, tfjsonpath.New("thumbprint"), knownvalue.StringExact(c.Thumbprint)),
			statecheck.ExpectKnownValue(certificateDataAddress, tfjsonpath.New("pem"), knownvalue.StringExact(c.PEM)),
			statecheck.ExpectKnownValue(certificateDataAddress, tfjsonpath.New("subject"), knownvalue.StringExact("CN="+c.Cert.Subject.CommonName)),
			statecheck.ExpectKnownValue(certificateDataAddress, tfjsonpath.New("has_private_key"), knownvalue.Bool(key)),
			statecheck.ExpectKnownValue(certificateDataAddress, tfjsonpath.New("dns_names"),
				knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(c.Cert.DNSNames[0])})),
		}
	}
	mmcCopy := "\u200e" + strings.ToLower(spaced(sage.Thumbprint))
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: certificateDataConfig(h, hclAttr("thumbprint", sage.Thumbprint)), ConfigStateChecks: found(sage, "MY", true)},
			{Config: certificateDataConfig(h, hclAttr("thumbprint", mmcCopy)), ConfigStateChecks: found(sage, "MY", true)},
			{Config: certificateDataConfig(h, hclAttr("subject", "SAGE300.example.local")), ConfigStateChecks: found(sage, "MY", true)},
			{Config: certificateDataConfig(h, hclAttr("subject", "cn=sage300.example.local"), hclAttr("store_name", "Root")),
				ConfigStateChecks: found(sage, "ROOT", false)},
			{Config: certificateDataConfig(h, hclAttr("dns_name", "bpa.apps.example.local")), ConfigStateChecks: found(wildcard, "MY", true)},
			{Config: certificateDataConfig(h, hclAttr("subject", "dup.example.local")),
				ExpectError: regexp.MustCompile(`(?s)2 certificates match.*(` + dupA.Thumbprint + `.*` + dupB.Thumbprint + `|` + dupB.Thumbprint + `.*` + dupA.Thumbprint + `)`)},
			{Config: certificateDataConfig(h, hclAttr("dns_name", "nothing.example.local")),
				ExpectError: regexp.MustCompile(`(?s)no certificate matches DNS name.*The store holds.*` + sage.Thumbprint)},
			{Config: certificateDataConfig(h, hclAttr("store_name", "My")),
				ExpectError: regexp.MustCompile(`(?s)thumbprint.*subject.*dns_name`)},
			{Config: certificateDataConfig(h, hclAttr("thumbprint", "0123")),
				ExpectError: regexp.MustCompile(`4 hexadecimal digits`)},
			// Last, a valid configuration: the harness destroys with it.
			{Config: certificateDataConfig(h, hclAttr("thumbprint", sage.Thumbprint)), ConfigStateChecks: found(sage, "MY", true)},
		},
	})
}
