package provider_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"software.sslmate.com/src/go-pkcs12"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/acctest"
)

// sage300ServerConfig is the whole Sage 300 server procedure on one host:
// step 1 (PFX into My), 2 (URL reservation), 3 (binding), 5 (ServiceUri to
// https and a restart of the agent, again whenever the certificate or the
// URI changes).
func sage300ServerConfig(h *acctest.Host, p testPFX) string {
	return h.ProviderConfig("") +
		hclBlock("resource", "windows_pfx_certificate", "sage300",
			hclAttr("content_base64", p.Base64), hclAttr("password_wo", pfxPassword), "password_wo_version = 1",
			hclAttr("store_name", "My"), "import_chain = true") +
		hclBlock("resource", "windows_http_urlacl", "agent", hclAttr("url", "https://+:4207/"), hclAttr("user", "Everyone")) +
		hclBlock("resource", "windows_http_sslcert_binding", "agent",
			hclAttr("ipport", "0.0.0.0:4207"), "certificate_hash = windows_pfx_certificate.sage300.thumbprint",
			hclAttr("app_id", "{A86AD080-2EC6-44FB-82E4-BB1E409AB93C}")) +
		hclBlock("resource", "windows_dotnet_app_setting", "service_uri",
			hclAttr("config_path", sage300ConfigPath), hclAttr("key", "ServiceUri"), hclAttr("value", sage300HTTPSURI)) +
		hclBlock("resource", "windows_service_restart", "agent",
			hclAttr("service_name", sage300ServiceName),
			"triggers = {\n    thumbprint = windows_http_sslcert_binding.agent.certificate_hash\n    uri = windows_dotnet_app_setting.service_uri.value\n    urlacl = windows_http_urlacl.agent.id\n  }")
}

// TestAccSage300ServerHTTPS applies the Sage 300 server procedure and then
// checks the end result as the procedure does: the agent now serves HTTPS on
// its port with the imported certificate.
func TestAccSage300ServerHTTPS(t *testing.T) {
	h := acctest.NewHost(t, sage300Scenario(t, nil))
	if !h.IsSim() {
		t.Skip("the served endpoint is read through the simulator's admin API")
	}
	p := newTestPFX(t, "sage300.example.local", pkcs12.Modern)
	config := sage300ServerConfig(h, p)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("windows_pfx_certificate.sage300", "thumbprint", p.Thumbprint),
					resource.TestCheckResourceAttr("windows_service_restart.agent", "status", "Running"),
					checkSimRestarts(t, h, 1),
					checkServesHTTPS(t, h, p.Thumbprint),
				),
			},
			emptyPlanStep(config),
		},
		CheckDestroy: func(*terraform.State) error {
			if eps := simEndpoints(t, h); len(eps) != 0 {
				return fmt.Errorf("after destroy the host still serves %+v", eps)
			}
			return nil
		},
	})
}

// checkServesHTTPS checks that the agent serves HTTPS on port 4207 and that
// a TLS client receives the certificate with the thumbprint.
func checkServesHTTPS(t *testing.T, h *acctest.Host, thumbprint string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		eps := simEndpoints(t, h)
		if len(eps) != 1 || eps[0].Service != sage300ServiceName || eps[0].Port != 4207 {
			return fmt.Errorf("served endpoints %+v, want %s on port 4207", eps, sage300ServiceName)
		}
		got, err := servedThumbprint(eps[0].Address, "sage300.example.local")
		if err != nil {
			return err
		}
		if got != thumbprint {
			return fmt.Errorf("the endpoint serves certificate %s, want the imported %s", got, thumbprint)
		}
		return nil
	}
}
