package provider_test

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/acctest"
)

// TestAccNormalizeThumbprintFunction calls the function from Terraform with
// a thumbprint as the certificate MMC copies it.
func TestAccNormalizeThumbprintFunction(t *testing.T) {
	const want = "0123456789ABCDEF0123456789ABCDEF01234567"
	output := func(in string) string {
		return "output \"thumbprint\" {\n  value = provider::windows::normalize_thumbprint(" + acctest.HCLString(in) + ")\n}\n"
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      output("0123"),
				ExpectError: regexp.MustCompile(`(?s)Invalid function argument.*has 4 hexadecimal digits; a\s+certificate\s+thumbprint has 40`),
			},
			{
				Config: output("\u200e01 23 45 67 89 ab cd ef 01 23 45 67 89 ab cd ef 01 23 45 67"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("thumbprint", knownvalue.StringExact(want)),
				},
			},
		},
	})
}
