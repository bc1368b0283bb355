package provider_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"software.sslmate.com/src/go-pkcs12"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/acctest"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/windows"
)

// generatedConfigStep imports what address manages with an import {} block
// and terraform plan -generate-config-out: the harness imports it again as
// <type>.generated, writes the generated configuration, plans with it, and
// fails unless the plan is an import with no changes. That is how users
// clone a host: the configuration Terraform writes for a host must be
// valid and must describe the host as it is.
func generatedConfigStep(address, importID string, checks ...plancheck.PlanCheck) resource.TestStep {
	return resource.TestStep{
		ResourceName:     address,
		ImportState:      true,
		ImportStateKind:  resource.ImportBlockWithID,
		ImportStateId:    importID,
		GenerateConfig:   true,
		ImportPlanChecks: resource.ImportPlanChecks{PreApply: checks},
	}
}

// TestAccGeneratedConfig_urlACL: the configuration generated for a
// reservation sets url, sddl, listen and delegate together, with user for a
// reservation of one account (null for two); it must pass validation and
// plan no change.
func TestAccGeneratedConfig_urlACL(t *testing.T) {
	h := acctest.NewHost(t, nil)
	const url = "https://+:4207/"
	const generated = "windows_http_urlacl.generated"
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkURLACLsDestroyed(t, h, url),
		Steps: []resource.TestStep{
			{Config: urlACLConfig(h, userACL(url, "Everyone"))},
			generatedConfigStep(urlACLAddress, url,
				plancheck.ExpectKnownValue(generated, tfjsonpath.New("sddl"), knownvalue.StringExact("D:(A;;GX;;;WD)")),
				plancheck.ExpectKnownValue(generated, tfjsonpath.New("listen"), knownvalue.Bool(true)),
				plancheck.ExpectKnownValue(generated, tfjsonpath.New("delegate"), knownvalue.Bool(false)),
				plancheck.ExpectKnownValue(generated, tfjsonpath.New("user"), knownvalue.StringExact("Everyone")),
			),
			{
				// What generate-config writes for a two-account descriptor,
				// by hand: every argument together, user null.
				Config: urlACLConfig(h, `  url      = "https://+:4207/"
  user     = null
  sddl     = "D:(A;;GX;;;WD)(A;;GA;;;BA)"
  listen   = true
  delegate = false`),
				ConfigPlanChecks: expectAction(urlACLAddress, plancheck.ResourceActionReplace),
				Check:            checkHostURLACL(t, h, url, "D:(A;;GX;;;WD)(A;;GA;;;BA)"),
			},
			generatedConfigStep(urlACLAddress, url,
				plancheck.ExpectKnownValue(generated, tfjsonpath.New("sddl"), knownvalue.StringExact("D:(A;;GX;;;WD)(A;;GA;;;BA)")),
				plancheck.ExpectKnownValue(generated, tfjsonpath.New("delegate"), knownvalue.Bool(false)),
				plancheck.ExpectKnownValue(generated, tfjsonpath.New("user"), knownvalue.Null()),
			),
		},
	})
}

// TestAccGeneratedConfig_sslCertBinding: the configuration generated for a
// binding (every option, hostnameport null) plans no change.
func TestAccGeneratedConfig_sslCertBinding(t *testing.T) {
	h, first, _, _ := bindingHost(t, nil)
	key := windows.BindingKey{IPPort: "0.0.0.0:4106"}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkBindingsDestroyed(t, h, key),
		Steps: []resource.TestStep{
			{Config: bindingConfig(h, bindingArg("ipport", "0.0.0.0:4106"), bindingArg("certificate_hash", first.Thumbprint),
				bindingArg("app_id", sageAppID), "negotiate_client_cert = true", "revocation_freshness_time = 60")},
			generatedConfigStep(bindingAddress, "0.0.0.0:4106",
				plancheck.ExpectKnownValue("windows_http_sslcert_binding.generated", tfjsonpath.New("certificate_hash"), knownvalue.StringExact(first.Thumbprint)),
				plancheck.ExpectKnownValue("windows_http_sslcert_binding.generated", tfjsonpath.New("negotiate_client_cert"), knownvalue.Bool(true)),
			),
		},
	})
}

// TestAccGeneratedConfig_certificate: the configuration generated for a
// public certificate carries the PEM read from the store and plans no change.
func TestAccGeneratedConfig_certificate(t *testing.T) {
	h := acctest.NewHost(t, nil)
	cert := acctest.NewTestCertificate(t, "bpa.example.local")
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkCertificatesGone(t, h, "Root", cert.Thumbprint),
		Steps: []resource.TestStep{
			{Config: certificateConfig(h, cert.PEM, "Root")},
			generatedConfigStep(certificateAddress, "Root/"+cert.Thumbprint,
				plancheck.ExpectKnownValue("windows_certificate.generated", tfjsonpath.New("thumbprint"), knownvalue.StringExact(cert.Thumbprint)),
			),
		},
	})
}

// TestAccGeneratedConfig_pfxCertificate: a PFX cannot be read back from a
// host, so the generated configuration has neither content_base64 nor
// remote_path; it keeps the imported certificate and plans no change. The
// same configuration on a host without the certificate (a clone) fails the
// plan saying to add the PFX. With the PFX and its password added, the
// import plans an update of the state only, never a new import.
func TestAccGeneratedConfig_pfxCertificate(t *testing.T) {
	h := acctest.NewHost(t, nil)
	p := newTestPFX(t, "sage50.example.local", pkcs12.Modern)
	config := pfxConfig(h, p.Base64, pfxPassword)
	const generated = "windows_pfx_certificate.generated"
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkCertificatesGone(t, h, "My", p.Thumbprint),
		Steps: []resource.TestStep{
			{Config: config},
			generatedConfigStep(pfxAddress, "My/"+p.Thumbprint,
				plancheck.ExpectKnownValue(generated, tfjsonpath.New("thumbprint"), knownvalue.StringExact(p.Thumbprint)),
				plancheck.ExpectKnownValue(generated, tfjsonpath.New("remote_path"), knownvalue.Null()),
			),
			{
				// What -generate-config-out writes, planned where the
				// certificate is not in the store.
				Config: h.ProviderConfig("") + hclBlock("resource", "windows_pfx_certificate", "clone",
					hclAttr("store_name", "WebHosting"), "exportable = false", "import_chain = false"),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)PFX content missing.*content_base64.*cannot\s+be\s+read\s+back\s+from\s+a\s+host`),
			},
			{
				// The generated block with the PFX and password added.
				Config:             config,
				ResourceName:       pfxAddress,
				ImportState:        true,
				ImportStateKind:    resource.ImportBlockWithID,
				ImportStateId:      "My/" + p.Thumbprint,
				ExpectNonEmptyPlan: true, // content_base64 and password_wo_version enter the state
				ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(pfxAddress, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(pfxAddress, tfjsonpath.New("thumbprint"), knownvalue.StringExact(p.Thumbprint)),
				}},
			},
		},
	})
}

// TestAccGeneratedConfig_appSetting: the configuration generated for an app
// setting (config_path, key and the value the file holds) plans no change.
// The setting is written, then forgotten by Terraform (a removed block that
// keeps it on the host): a configuration managing it still would be refused
// for the generated block, as two resources on one entry.
func TestAccGeneratedConfig_appSetting(t *testing.T) {
	h := acctest.NewHost(t, sage300Scenario(t, nil))
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: appSettingConfig(h, sage300HTTPSURI)},
			{
				Config: h.ProviderConfig("") + `
removed {
  from = windows_dotnet_app_setting.service_uri
  lifecycle {
    destroy = false
  }
}

removed {
  from = windows_dotnet_app_setting.trace
  lifecycle {
    destroy = false
  }
}
`,
				Check: checkHostAppSetting(t, h, "ServiceUri", sage300HTTPSURI),
			},
			generatedConfigStep(appSettingAddress, sage300ConfigPath+"|ServiceUri",
				plancheck.ExpectKnownValue("windows_dotnet_app_setting.generated", tfjsonpath.New("value"), knownvalue.StringExact(sage300HTTPSURI)),
			),
		},
	})
}

// TestAccGeneratedConfig_serviceRestart: the configuration generated for a
// service restart (service_name and timeout; import knows no triggers)
// plans no change and restarts nothing.
func TestAccGeneratedConfig_serviceRestart(t *testing.T) {
	h := acctest.NewHost(t, sage300Scenario(t, nil))
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: serviceRestartConfig(h, "a"), Check: checkSimRestarts(t, h, 1)},
			generatedConfigStep(serviceRestartAddress, sage300ServiceName,
				plancheck.ExpectKnownValue("windows_service_restart.generated", tfjsonpath.New("service_name"), knownvalue.StringExact(sage300ServiceName)),
				plancheck.ExpectKnownValue("windows_service_restart.generated", tfjsonpath.New("triggers"), knownvalue.Null()),
			),
			{Config: serviceRestartConfig(h, "a"), PlanOnly: true, Check: checkSimRestarts(t, h, 1)},
		},
	})
}

// TestAccGeneratedConfig_firewallRule: the configuration generated for a
// firewall rule someone added by hand (name, ports, profiles, description)
// plans no change.
func TestAccGeneratedConfig_firewallRule(t *testing.T) {
	h := acctest.NewHost(t, []byte(`{"firewall_rules":[{"name":"Sage 50 Integration Agent (HTTPS-In)","description":"by hand","local_ports":"4106","profiles":1}]}`))
	if !h.IsSim() {
		t.Skip("seeds the firewall through the simulator's state")
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: h.ProviderConfig("")},
			generatedConfigStep("windows_firewall_rule.agent", "Sage 50 Integration Agent (HTTPS-In)",
				plancheck.ExpectKnownValue("windows_firewall_rule.generated", tfjsonpath.New("profiles"), knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("Domain")})),
			),
		},
	})
}

// TestAccGeneratedConfig_schannelProtocol: on Windows Server 2022 the
// configuration generated for a side whose key holds values says what they
// say (TLS 1.0 off), and for a key without values what Windows does by
// default (TLS 1.1 on, "Protocols in TLS/SSL (Schannel SSP)"); both plan
// no change. Importing that key with an import {} block and applying
// writes nothing and later plans stay empty; once Terraform has written
// the values (off, then on), their removal plans an update; destroy leaves
// the key as it was, empty.
func TestAccGeneratedConfig_schannelProtocol(t *testing.T) {
	h := acctest.NewHost(t, registryScenario(t, "10.0.20348", map[string]map[string]uint32{
		schannelProtocolsKey + `TLS 1.0\Server`: {"Enabled": 0, "DisabledByDefault": 1},
		schannelProtocolsKey + `TLS 1.1\Server`: {},
	}))
	if !h.IsSim() {
		t.Skip("needs a Windows Server 2022 host with an empty TLS 1.1 server key, which the simulator plays")
	}
	const generated = "windows_schannel_protocol.generated"
	// tls11 imports TLS 1.1/server with an import {} block.
	tls11 := func(enabled bool) string {
		return schannelConfig(h, true, false) + `
import {
  to = windows_schannel_protocol.tls11_server
  id = "TLS 1.1/server"
}
` + hclBlock("resource", "windows_schannel_protocol", "tls11_server", hclAttr("protocol", "TLS 1.1"), hclAttr("side", "server"), fmt.Sprintf("enabled = %t", enabled))
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkHostSChannel(t, h, "TLS 1.1", "Server", true, nil, nil),
		Steps: []resource.TestStep{
			{Config: schannelConfig(h, true, false)},
			generatedConfigStep("windows_schannel_protocol.tls11_server", "TLS 1.1/server",
				plancheck.ExpectKnownValue(generated, tfjsonpath.New("enabled"), knownvalue.Bool(true)),
				plancheck.ExpectKnownValue(generated, tfjsonpath.New("protocol"), knownvalue.StringExact("TLS 1.1")),
			),
			generatedConfigStep("windows_schannel_protocol.tls10_server", "TLS 1.0/server",
				plancheck.ExpectKnownValue(generated, tfjsonpath.New("enabled"), knownvalue.Bool(false)),
			),
			{
				Config:           tls11(true),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:            checkHostSChannel(t, h, "TLS 1.1", "Server", true, nil, nil),
			},
			emptyPlanStep(tls11(true)),
			{
				// Turned off: Terraform writes the values, and from then on
				// their removal shows as a change, as for a created resource.
				Config:           tls11(false),
				ConfigPlanChecks: expectAction("windows_schannel_protocol.tls11_server", plancheck.ResourceActionUpdate),
				Check:            checkHostSChannel(t, h, "TLS 1.1", "Server", true, dwordValue(0), dwordValue(1)),
			},
			{
				Config:           tls11(true),
				ConfigPlanChecks: expectAction("windows_schannel_protocol.tls11_server", plancheck.ResourceActionUpdate),
				Check:            checkHostSChannel(t, h, "TLS 1.1", "Server", true, dwordValue(1), dwordValue(0)),
			},
			{
				// The values removed: the Windows default (on) is not what
				// Terraform wrote, so they are written again.
				PreConfig:        editSimRows(t, h, "registry", "key", schannelProtocolsKey+`TLS 1.1\Server`, map[string]any{"values": []any{}}),
				Config:           tls11(true),
				ConfigPlanChecks: expectAction("windows_schannel_protocol.tls11_server", plancheck.ResourceActionUpdate),
				Check:            checkHostSChannel(t, h, "TLS 1.1", "Server", true, dwordValue(1), dwordValue(0)),
			},
		},
	})
}

// TestAccGeneratedConfig_schannelUnknownDefault: on a Windows newer than
// Server 2022, whose TLS 1.0 default Microsoft has changed, importing a key
// without values fails saying to declare the resource instead.
func TestAccGeneratedConfig_schannelUnknownDefault(t *testing.T) {
	h := acctest.NewHost(t, registryScenario(t, "10.0.26100", map[string]map[string]uint32{
		schannelProtocolsKey + `TLS 1.0\Server`: {},
	}))
	if !h.IsSim() {
		t.Skip("needs a Windows Server 2025 host, which the simulator plays")
	}
	testImportIDFails(t, h.ProviderConfig("")+hclBlock("resource", "windows_schannel_protocol", "x",
		hclAttr("protocol", "TLS 1.0"), hclAttr("side", "server"), "enabled = false"),
		"windows_schannel_protocol.x", "TLS 1.0/server", `(?s)Windows default for TLS 1.0 unknown.*build 26100.*declare the resource`)
}

// TestAccGeneratedConfig_dotNetStrongCrypto: the configuration generated
// for settings that are set alike plans no change; keys without the values
// (each application's target framework decides) are refused at import,
// saying to declare the resource instead.
func TestAccGeneratedConfig_dotNetStrongCrypto(t *testing.T) {
	h := acctest.NewHost(t, registryScenario(t, "", nil))
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: strongCryptoConfig(h, false)},
			generatedConfigStep(strongCryptoAddress, "dotnet_strong_crypto",
				plancheck.ExpectKnownValue("windows_dotnet_strong_crypto.generated", tfjsonpath.New("enabled"), knownvalue.Bool(false)),
			),
		},
	})
	if h.IsSim() {
		absent := acctest.NewHost(t, registryScenario(t, "", nil))
		testImportIDFails(t, strongCryptoConfig(absent, true), strongCryptoAddress, "dotnet_strong_crypto",
			`(?s)Nothing to import.*SchUseStrongCrypto absent.*declare\s+windows_dotnet_strong_crypto`)
	}
}

// TestAccGeneratedConfig_certificatePrivateKeyAccess: the configuration
// generated for an entry imported as STORE/THUMBPRINT/ACCOUNT (the account
// as a SID or a name) names the certificate, the account as the ID gave it
// and the access the host grants, and plans no change.
func TestAccGeneratedConfig_certificatePrivateKeyAccess(t *testing.T) {
	cert := acctest.NewTestCertificate(t, "sage50.example.local")
	h := acctest.NewHostWithCertificates(t, nil, acctest.StoreCertificate{Store: "MY", Cert: cert, WithKey: true})
	const generated = "windows_certificate_private_key_access.generated"
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: keyAccessConfig(h, hclAttr("thumbprint", cert.Thumbprint), hclAttr("account", `NT AUTHORITY\NETWORK SERVICE`), `access = "full"`)},
			generatedConfigStep(keyAccessAddress, "My/"+cert.Thumbprint+"/"+sidNetworkService,
				plancheck.ExpectKnownValue(generated, tfjsonpath.New("account"), knownvalue.StringExact(sidNetworkService)),
				plancheck.ExpectKnownValue(generated, tfjsonpath.New("access"), knownvalue.StringExact("full")),
				plancheck.ExpectKnownValue(generated, tfjsonpath.New("store_name"), knownvalue.StringExact("My")),
				plancheck.ExpectKnownValue(generated, tfjsonpath.New("thumbprint"), knownvalue.StringExact(cert.Thumbprint)),
			),
			generatedConfigStep(keyAccessAddress, "My/"+cert.Thumbprint+`/NT AUTHORITY\NETWORK SERVICE`,
				plancheck.ExpectKnownValue(generated, tfjsonpath.New("account"), knownvalue.StringExact(`NT AUTHORITY\NETWORK SERVICE`)),
			),
		},
	})
}
