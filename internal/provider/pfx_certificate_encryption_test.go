package provider_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"software.sslmate.com/src/go-pkcs12"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/acctest"
)

// TestAccPFXCertificate_aes256ForTheHostsBuild: an AES-256 (PBES2) PFX,
// OpenSSL 3's default, is refused at plan for a Windows Server 2016 host
// (10.0.14393), saying how to export it again, and nothing is imported; a
// TripleDES-SHA1 export of the same certificate is imported there. The same
// AES-256 PFX is imported on a Windows Server 2019 host (10.0.17763).
func TestAccPFXCertificate_aes256ForTheHostsBuild(t *testing.T) {
	p := newTestPFX(t, "sage50.example.local", pkcs12.Modern)
	legacy := acctestBase64(p.TestChain.PFX(t, pkcs12.LegacyDES, pfxPassword, true))
	server2016 := acctest.NewHost(t, []byte(`{"os_caption":"Microsoft Windows Server 2016 Standard","os_version":"10.0.14393"}`))
	if !server2016.IsSim() {
		t.Skip("needs hosts of given Windows builds: the simulator's scenarios provide them")
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkCertificatesGone(t, server2016, "My", p.Thumbprint),
		Steps: []resource.TestStep{
			{
				Config: pfxConfig(server2016, p.Base64, pfxPassword),
				ExpectError: diagnosticText("This host cannot import an AES-256 (PBES2) PFX",
					"Microsoft Windows Server 2016 Standard (10.0.14393, build 14393)", "build 16299",
					"openssl pkcs12 -export -legacy", "-CryptoAlgorithmOption TripleDES_SHA1", "TripleDES-SHA1"),
			},
			{
				// The refused plan imported nothing.
				Config: server2016.ProviderConfig(""),
				Check:  checkCertificatesGone(t, server2016, "My", p.Thumbprint),
			},
			{
				Config: pfxConfig(server2016, legacy, pfxPassword),
				Check:  checkHostCertificate(t, server2016, "My", p.Thumbprint, true),
			},
		},
	})

	server2019 := acctest.NewHost(t, []byte(`{"os_caption":"Microsoft Windows Server 2019 Standard","os_version":"10.0.17763"}`))
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkCertificatesGone(t, server2019, "My", p.Thumbprint),
		Steps: []resource.TestStep{{
			Config: pfxConfig(server2019, p.Base64, pfxPassword),
			Check: resource.ComposeAggregateTestCheckFunc(
				checkHostCertificate(t, server2019, "My", p.Thumbprint, true),
				resource.TestCheckResourceAttr("windows_pfx_certificate.test", "has_private_key", fmt.Sprint(true)),
			),
		}},
	})
}
