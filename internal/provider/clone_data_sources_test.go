package provider_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/acctest"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/provider"
)

// TestAccCloneDataSources reads a working Sage 50 server (buildCloneSource)
// through the data sources examples/clone uses, each saying what the
// resource of its name would have to say to match the host: the Root store
// holds the chain's root without a key and My the bound certificate with its
// key; the key's entries name NETWORK SERVICE (read) and IIS_IUSRS (full) by
// SID; an app setting reads its value, a missing key reads exists = false
// with the file's keys; SChannel TLS 1.2 reads on, TLS 1.0 off (disabled by
// default), TLS 1.1 null (no value: the Windows default) with its effective
// state on, as Windows Server 2019 has it; .NET strong crypto reads on in
// every key.
func TestAccCloneDataSources(t *testing.T) {
	h := acctest.NewHost(t, readScenario(t, "sage50"))
	if !h.IsSim() {
		t.Skip("needs the Sage 50 Integration Service of examples/scenarios/sage50.json, which only the simulator has")
	}
	pfx := writeTestPFX(t, t.TempDir(), "sage50.pfx")
	buildCloneSource(t, h, pfx)
	root := provider.Thumbprint(pfx.Root)
	config := h.ProviderConfig("") + `
data "windows_certificates" "root" {
  store_name = "Root"
}

data "windows_certificates" "my" {
  store_name = "my"
}

data "windows_certificate_private_key_access" "bound" {
  thumbprint = "` + pfx.Thumbprint + `"
}

data "windows_dotnet_app_setting" "https" {
  config_path = ` + acctest.HCLString(sage50ConfigPath) + `
  key         = "HttpsServiceUri"
}

data "windows_dotnet_app_setting" "missing" {
  config_path = ` + acctest.HCLString(sage50ConfigPath) + `
  key         = "SecureServiceUri"
}

data "windows_schannel_protocol" "tls12" {
  protocol = "TLS 1.2"
  side     = "server"
}

data "windows_schannel_protocol" "tls11" {
  protocol = "TLS 1.1"
  side     = "server"
}

data "windows_schannel_protocol" "tls10" {
  protocol = "TLS 1.0"
  side     = "server"
}

data "windows_dotnet_strong_crypto" "this" {}
`
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckTypeSetElemNestedAttrs("data.windows_certificates.root", "certificates.*", map[string]string{
					"id": "ROOT/" + root, "thumbprint": root, "subject": "CN=Test Root CA, O=Example", "has_private_key": "false",
				}),
				resource.TestCheckTypeSetElemNestedAttrs("data.windows_certificates.my", "certificates.*", map[string]string{
					"id": "MY/" + pfx.Thumbprint, "thumbprint": pfx.Thumbprint, "subject": "CN=" + sage50FQDN,
					"dns_names.#": "1", "dns_names.0": sage50FQDN, "has_private_key": "true",
				}),
				resource.TestCheckResourceAttr("data.windows_certificates.my", "certificates.#", "1"),
				resource.TestCheckResourceAttrSet("data.windows_certificates.my", "certificates.0.pem"),
				resource.TestCheckResourceAttr("data.windows_certificate_private_key_access.bound", "id", "MY/"+pfx.Thumbprint),
				resource.TestCheckResourceAttrSet("data.windows_certificate_private_key_access.bound", "key_provider"),
				resource.TestCheckTypeSetElemNestedAttrs("data.windows_certificate_private_key_access.bound", "entries.*",
					map[string]string{"sid": "S-1-5-20", "access": "read"}),
				resource.TestCheckTypeSetElemNestedAttrs("data.windows_certificate_private_key_access.bound", "entries.*",
					map[string]string{"sid": "S-1-5-32-568", "access": "full"}),
				resource.TestCheckResourceAttr("data.windows_dotnet_app_setting.https", "exists", "true"),
				resource.TestCheckResourceAttr("data.windows_dotnet_app_setting.https", "value", "https://"+sage50FQDN+":4106/sage50/"),
				resource.TestCheckResourceAttr("data.windows_dotnet_app_setting.missing", "exists", "false"),
				resource.TestCheckNoResourceAttr("data.windows_dotnet_app_setting.missing", "value"),
				resource.TestCheckResourceAttr("data.windows_dotnet_app_setting.missing", "keys.#", "2"),
				resource.TestCheckResourceAttr("data.windows_dotnet_app_setting.missing", "keys.1", "HttpsServiceUri"),
				resource.TestCheckResourceAttr("data.windows_schannel_protocol.tls12", "id", "TLS 1.2/server"),
				resource.TestCheckResourceAttr("data.windows_schannel_protocol.tls12", "enabled", "true"),
				resource.TestCheckResourceAttr("data.windows_schannel_protocol.tls12", "disabled_by_default", "false"),
				resource.TestCheckResourceAttr("data.windows_schannel_protocol.tls12", "effective_enabled", "true"),
				resource.TestCheckResourceAttr("data.windows_schannel_protocol.tls10", "enabled", "false"),
				resource.TestCheckResourceAttr("data.windows_schannel_protocol.tls10", "disabled_by_default", "true"),
				resource.TestCheckResourceAttr("data.windows_schannel_protocol.tls10", "effective_enabled", "false"),
				resource.TestCheckNoResourceAttr("data.windows_schannel_protocol.tls11", "enabled"),
				resource.TestCheckResourceAttr("data.windows_schannel_protocol.tls11", "key_exists", "false"),
				resource.TestCheckResourceAttr("data.windows_schannel_protocol.tls11", "effective_enabled", "true"),
				resource.TestCheckResourceAttr("data.windows_dotnet_strong_crypto.this", "enabled", "true"),
				resource.TestCheckResourceAttr("data.windows_dotnet_strong_crypto.this", "keys.0.exists", "true"),
				resource.TestCheckResourceAttr("data.windows_dotnet_strong_crypto.this", "keys.0.sch_use_strong_crypto", "1"),
				resource.TestCheckResourceAttr("data.windows_dotnet_strong_crypto.this", "keys.0.system_default_tls_versions", "1"),
			),
		}},
	})
}
