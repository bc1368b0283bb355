package provider_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/acctest"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/windows"
)

// TestAccHTTPSysDataSources reads the whole URL reservation and SSL binding
// tables after a reservation and a binding were made, as a review of a host
// before cloning it would.
func TestAccHTTPSysDataSources(t *testing.T) {
	h, first, _, _ := bindingHost(t, []byte(`{"locale":"de-DE"}`))
	config := h.ProviderConfig("") + `
resource "windows_http_urlacl" "sage" {
  url  = "https://+:4207/"
  user = "Everyone"
}

resource "windows_http_sslcert_binding" "sage" {
  ipport           = "0.0.0.0:4207"
  certificate_hash = "` + first.Thumbprint + `"
  app_id           = "` + sageAppID + `"
  usage_check      = false
}

data "windows_http_urlacls" "all" {
  depends_on = [windows_http_urlacl.sage]
}

data "windows_http_sslcert_bindings" "all" {
  depends_on = [windows_http_sslcert_binding.sage]
}
`
	wantURLACL := map[string]string{
		"url":                "https://+:4207/",
		"sddl":               "D:(A;;GX;;;WD)",
		"entries.#":          "1",
		"entries.0.sid":      "S-1-1-0",
		"entries.0.listen":   "true",
		"entries.0.delegate": "false",
	}
	if h.IsSim() {
		wantURLACL["entries.0.account"] = "Jeder" // the scenario's German host
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(
			checkURLACLsDestroyed(t, h, "https://+:4207/"),
			checkBindingsDestroyed(t, h, windows.BindingKey{IPPort: "0.0.0.0:4207"}),
		),
		Steps: []resource.TestStep{{
			Config: config,
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckTypeSetElemNestedAttrs("data.windows_http_urlacls.all", "urlacls.*", wantURLACL),
				resource.TestCheckTypeSetElemNestedAttrs("data.windows_http_sslcert_bindings.all", "bindings.*", map[string]string{
					"id":                            "ipport=0.0.0.0:4207",
					"ipport":                        "0.0.0.0:4207",
					"certificate_hash":              first.Thumbprint,
					"app_id":                        sageAppID,
					"certificate_store_name":        "MY",
					"verify_client_cert_revocation": "true",
					"verify_revocation_with_cached_client_cert_only": "false",
					"usage_check":               "false",
					"revocation_freshness_time": "0",
					"url_retrieval_timeout":     "0",
					"ctl_identifier":            "",
					"ctl_store_name":            "",
					"ds_mapper_usage":           "false",
					"negotiate_client_cert":     "false",
				}),
			),
		}},
	})
}
