package provider_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/acctest"
)

// TestAccCertificate_hasPrivateKeyMeansTheKeyOpens: has_private_key means
// "the key opens" on windows_certificate and its data source too, as on
// windows_pfx_certificate. A certificate whose key link names a container
// that is gone (Windows still says HasPrivateKey; HTTP.sys answers 1312) is
// read as having none, by the data source and by the resource adopting it
// with import; one whose key opens reads true.
func TestAccCertificate_hasPrivateKeyMeansTheKeyOpens(t *testing.T) {
	broken := acctest.NewTestCertificate(t, "netpos01.example.local")
	good := acctest.NewTestCertificate(t, "sage300.example.local")
	h := acctest.NewHostWithCertificates(t, nil,
		acctest.StoreCertificate{Store: "MY", Cert: broken, WithKey: true},
		acctest.StoreCertificate{Store: "MY", Cert: good, WithKey: true},
	)
	if !h.IsSim() {
		t.Skip("breaks a key link through the simulator's state")
	}
	h.EditSimState(t, func(state map[string]any) { breakKeyLink(t, state, broken.Thumbprint) })
	linked, err := h.Windows(t).Certificates().Get(acctest.Context(t), "My", broken.Thumbprint)
	if err != nil || !linked.HasPrivateKey {
		t.Fatalf("the broken certificate should still link a key, as Windows' HasPrivateKey says: %+v, %v", linked, err)
	}
	hasKey := func(address string, want bool) statecheck.StateCheck {
		return statecheck.ExpectKnownValue(address, tfjsonpath.New("has_private_key"), knownvalue.Bool(want))
	}
	adopt := func(c acctest.TestCertificate) string {
		return h.ProviderConfig("") +
			"import {\n  to = windows_certificate.adopted\n  id = \"MY/" + c.Thumbprint + "\"\n}\n" +
			hclBlock("resource", "windows_certificate", "adopted", hclAttr("pem", c.PEM), hclAttr("store_name", "My")) +
			hclBlock("data", "windows_certificate", "test", hclAttr("thumbprint", c.Thumbprint))
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            adopt(broken),
				ConfigStateChecks: []statecheck.StateCheck{hasKey(certificateDataAddress, false), hasKey("windows_certificate.adopted", false)},
			},
			{
				// Forget the adopted one (destroy would remove it from the host).
				Config: h.ProviderConfig("") + "removed {\n  from = windows_certificate.adopted\n  lifecycle {\n    destroy = false\n  }\n}\n",
			},
			{
				Config:            adopt(good),
				ConfigStateChecks: []statecheck.StateCheck{hasKey(certificateDataAddress, true), hasKey("windows_certificate.adopted", true)},
			},
		},
	})
}
