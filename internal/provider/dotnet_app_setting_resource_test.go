package provider_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/acctest"
)

const (
	appSettingAddress    = "windows_dotnet_app_setting.service_uri"
	newAppSettingAddress = "windows_dotnet_app_setting.trace"
	sage300HTTPSURI      = "https://sage300.example.local:4207"
)

// appSettingConfig sets ServiceUri (which the file has) to uri and
// TraceLevel (which it lacks) to Verbose.
func appSettingConfig(h *acctest.Host, uri string) string {
	return h.ProviderConfig("") +
		hclBlock("resource", "windows_dotnet_app_setting", "service_uri",
			hclAttr("config_path", sage300ConfigPath), hclAttr("key", "ServiceUri"), hclAttr("value", uri)) +
		hclBlock("resource", "windows_dotnet_app_setting", "trace",
			hclAttr("config_path", sage300ConfigPath), hclAttr("key", "TraceLevel"), hclAttr("value", "Verbose"))
}

// checkHostAppSetting checks through the host API that key has value.
func checkHostAppSetting(t *testing.T, h *acctest.Host, key, want string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		s, err := h.Windows(t).AppConfig().Get(acctest.Context(t), sage300ConfigPath, key)
		if err != nil {
			return err
		}
		if !s.Exists || *s.Value != want {
			return fmt.Errorf("host %s = %v (exists %t), want %q", key, s.Value, s.Exists, want)
		}
		return nil
	}
}

// TestAccDotNetAppSetting_lifecycle is step 5 of the Sage 300 procedure (Sage 300: ServiceUri to
// https): create (an existing key and a missing one), an empty re-plan,
// drift made through the simulator's admin API, import, and destroy giving
// back the file's original bytes.
func TestAccDotNetAppSetting_lifecycle(t *testing.T) {
	h := acctest.NewHost(t, sage300Scenario(t, nil))
	config := appSettingConfig(h, sage300HTTPSURI)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if got := simFileContent(t, h, sage300ConfigPath); got != sage300Config {
				return fmt.Errorf("destroy left the config file as\n%q\nwant the original\n%q", got, sage300Config)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(appSettingAddress, "id", sage300ConfigPath+"|ServiceUri"),
					resource.TestCheckResourceAttr(appSettingAddress, "original_value", "http://sage300:4207"),
					resource.TestCheckResourceAttr(appSettingAddress, "original_existed", "true"),
					resource.TestCheckNoResourceAttr(newAppSettingAddress, "original_value"),
					resource.TestCheckResourceAttr(newAppSettingAddress, "original_existed", "false"),
					checkHostAppSetting(t, h, "ServiceUri", sage300HTTPSURI),
					checkHostAppSetting(t, h, "TraceLevel", "Verbose"),
					func(*terraform.State) error {
						want := strings.Replace(sage300Config, "http://sage300:4207", sage300HTTPSURI, 1)
						if got := simFileContent(t, h, sage300ConfigPath); !strings.HasPrefix(got, want[:strings.Index(want, "  </appSettings>")]) {
							return fmt.Errorf("file after apply:\n%q\nkeeps less of the original than expected", got)
						}
						return nil
					},
				),
			},
			emptyPlanStep(config),
			{
				// Someone edited the file back to HTTP in Notepad.
				SkipFunc: acctest.NotSim(h),
				PreConfig: editSimRows(t, h, "files", "path", sage300ConfigPath,
					map[string]any{"content_base64": sage300ConfigBase64}),
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(appSettingAddress, plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction(newAppSettingAddress, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkHostAppSetting(t, h, "ServiceUri", sage300HTTPSURI),
					resource.TestCheckResourceAttr(appSettingAddress, "original_value", "http://sage300:4207"),
				),
			},
			{
				Config: appSettingConfig(h, "https://sage300.example.local:4208"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(appSettingAddress, plancheck.ResourceActionUpdate),
				}},
				Check: checkHostAppSetting(t, h, "ServiceUri", "https://sage300.example.local:4208"),
			},
			{
				// Import records the current value as the original.
				ResourceName:            appSettingAddress,
				ImportState:             true,
				ImportStateId:           sage300ConfigPath + "|ServiceUri",
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"original_value"},
			},
		},
	})
}

func TestAccDotNetAppSetting_missingFile(t *testing.T) {
	h := acctest.NewHost(t, nil)
	testApplyFails(t, h.ProviderConfig("")+hclBlock("resource", "windows_dotnet_app_setting", "x",
		hclAttr("config_path", `C:\Program Files\Nowhere\App.exe.config`), hclAttr("key", "K"), hclAttr("value", "v")),
		`(?s)does\s+not\s+exist.*check\s+config_path`)
}

// nonXMLCharacters are what a .config cannot hold: NUL and C0 controls but
// TAB/CR/LF, U+FFFE/U+FFFF (not XML 1.0 characters), and U+007F, which the
// provider refuses too (a discouraged control character).
var nonXMLCharacters = []rune{0x00, 0x01, 0x08, 0x0B, 0x0C, 0x0E, 0x1F, 0x7F, 0xFFFE, 0xFFFF}

// appSettingBlock is one windows_dotnet_app_setting resource.
func appSettingBlock(name, file, key, value string) string {
	return hclBlock("resource", "windows_dotnet_app_setting", name,
		hclAttr("config_path", file), hclAttr("key", key), hclAttr("value", value))
}

// checkConfigFileUnchanged checks that the Sage 300 config file is as
// shipped: its bytes on the simulator, its ServiceUri on a real host.
func checkConfigFileUnchanged(t *testing.T, h *acctest.Host) {
	t.Helper()
	if !h.IsSim() {
		if err := checkHostAppSetting(t, h, "ServiceUri", "http://sage300:4207")(nil); err != nil {
			t.Error(err)
		}
		return
	}
	if got := simFileContent(t, h, sage300ConfigPath); got != sage300Config {
		t.Errorf("the config file changed:\n%q", got)
	}
}

// checkConfigFileUntouched checks that the Sage 300 config file was never
// written: as shipped, and no backup.
func checkConfigFileUntouched(t *testing.T, h *acctest.Host) {
	t.Helper()
	checkConfigFileUnchanged(t, h)
	if !h.IsSim() {
		return
	}
	for _, row := range acctest.StateList(t, h.SimState(t), "files") {
		if row["path"] == sage300ConfigPath+".tfbak" {
			t.Error("a backup was written: the host was changed")
		}
	}
}

// TestAccDotNetAppSetting_nonXMLCharactersRefusedAtPlan: a key or value
// XML 1.0 cannot hold fails the plan, naming the attribute, and the host is
// not touched.
func TestAccDotNetAppSetting_nonXMLCharactersRefusedAtPlan(t *testing.T) {
	h := acctest.NewHost(t, sage300Scenario(t, nil))
	var steps []resource.TestStep
	for _, r := range nonXMLCharacters {
		for _, attr := range []string{"key", "value"} {
			values := map[string]string{"key": "ServiceUri", "value": sage300HTTPSURI}
			values[attr] = "a" + string(r) + "b"
			steps = append(steps, resource.TestStep{
				Config:      h.ProviderConfig("") + appSettingBlock("x", sage300ConfigPath, values["key"], values["value"]),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(fmt.Sprintf(`(?s)Invalid value for %s.*%s:\s+character\s+U\+%04X\s+at\s+position\s+2`, attr, attr, r)),
			})
		}
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps:                    steps,
	})
	checkConfigFileUntouched(t, h)
}

// xmlLegalValue holds what XML can hold and naive writers break: quotes,
// markup characters, the CDATA end, a character outside the BMP, TAB, CR
// and LF.
const xmlLegalValue = "a\"b'c <d> & e ]]> f \U0001F3E2 g\th\r\ni \u0080 \ufeff"

// TestAccDotNetAppSetting_xmlLegalValuesRoundTrip: such a key and value are
// written and read back exactly (an empty re-plan), and destroy gives back
// the file's original bytes.
func TestAccDotNetAppSetting_xmlLegalValuesRoundTrip(t *testing.T) {
	h := acctest.NewHost(t, sage300Scenario(t, nil))
	const key = `K "<&>" ]]> ` + "\U0001F3E2\t"
	config := h.ProviderConfig("") + appSettingBlock("x", sage300ConfigPath, key, xmlLegalValue)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			checkConfigFileUnchanged(t, h)
			return nil
		},
		Steps: []resource.TestStep{
			{Config: config, Check: resource.ComposeAggregateTestCheckFunc(
				checkHostAppSetting(t, h, key, xmlLegalValue),
				resource.TestCheckResourceAttr("windows_dotnet_app_setting.x", "value", xmlLegalValue),
			)},
			emptyPlanStep(config),
		},
	})
}

// TestAccDotNetAppSetting_envelopeMarkerRoundTrips: a value holding the
// envelope marker is data, not an envelope.
func TestAccDotNetAppSetting_envelopeMarkerRoundTrips(t *testing.T) {
	h := acctest.NewHost(t, sage300Scenario(t, nil))
	const value = `##tfwin-envelope## {"ok":false,"error":{"code":5,"message":"x"}}`
	config := h.ProviderConfig("") + appSettingBlock("x", sage300ConfigPath, "ServiceUri", value)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config, Check: checkHostAppSetting(t, h, "ServiceUri", value)},
			emptyPlanStep(config),
		},
	})
}

// TestAccDotNetAppSetting_twoResourcesOnOneEntry: two resources on one key
// of one file (in any case, either slash) fail the plan; two keys of one
// file do not.
func TestAccDotNetAppSetting_twoResourcesOnOneEntry(t *testing.T) {
	h := acctest.NewHost(t, sage300Scenario(t, nil))
	otherSpelling := strings.ReplaceAll(strings.ToLower(sage300ConfigPath), `\`, "/")
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: h.ProviderConfig("") + appSettingBlock("a", sage300ConfigPath, "ServiceUri", sage300HTTPSURI) +
					appSettingBlock("b", otherSpelling, "SERVICEURI", "https://other:4207"),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`Two resources manage one app setting`),
			},
			{
				// The same value twice is refused too: destroy would
				// still lose the original.
				Config: h.ProviderConfig("") + appSettingBlock("a", sage300ConfigPath, "ServiceUri", sage300HTTPSURI) +
					appSettingBlock("b", sage300ConfigPath, "ServiceUri", sage300HTTPSURI),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`Two resources manage one app setting`),
			},
		},
	})
	checkConfigFileUntouched(t, h)
}

// TestAccDotNetAppSetting_replaceIsNotASecondClaimant: Terraform plans a
// replaced resource twice; that is one resource, not two.
func TestAccDotNetAppSetting_replaceIsNotASecondClaimant(t *testing.T) {
	h := acctest.NewHost(t, sage300Scenario(t, nil))
	config := func(key string) string {
		return h.ProviderConfig("") + appSettingBlock("x", sage300ConfigPath, key, "v")
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			checkConfigFileUnchanged(t, h)
			return nil
		},
		Steps: []resource.TestStep{
			{Config: config("TraceLevel"), Check: checkHostAppSetting(t, h, "TraceLevel", "v")},
			{
				Config:           config("LogLevel"),
				ConfigPlanChecks: expectAction("windows_dotnet_app_setting.x", plancheck.ResourceActionDestroyBeforeCreate),
				Check:            checkHostAppSetting(t, h, "LogLevel", "v"),
			},
			emptyPlanStep(config("LogLevel")),
		},
	})
}

// TestAccDotNetAppSetting_configSource: a file whose appSettings are in a
// configSource file is refused, naming that file; the file itself is
// managed.
func TestAccDotNetAppSetting_configSource(t *testing.T) {
	const (
		mainPath = `C:\Program Files\Agent\Agent.exe.config`
		extPath  = `C:\Program Files\Agent\appSettings.config`
		main     = "<configuration>\r\n  <appSettings configSource=\"appSettings.config\" />\r\n</configuration>\r\n"
		ext      = "<appSettings>\r\n  <add key=\"ServiceUri\" value=\"http://agent:4207\" />\r\n</appSettings>\r\n"
	)
	scenario, err := json.Marshal(map[string]any{"files": []any{
		map[string]any{"path": mainPath, "content_base64": base64.StdEncoding.EncodeToString([]byte(main))},
		map[string]any{"path": extPath, "content_base64": base64.StdEncoding.EncodeToString([]byte(ext))},
	}})
	if err != nil {
		t.Fatal(err)
	}
	h := acctest.NewHost(t, scenario)
	if !h.IsSim() {
		t.Skip("needs the simulator's files")
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if simFileContent(t, h, extPath) != ext {
				return fmt.Errorf("destroy left %s as %q", extPath, simFileContent(t, h, extPath))
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config:      h.ProviderConfig("") + appSettingBlock("x", mainPath, "ServiceUri", "https://agent:4207"),
				ExpectError: regexp.MustCompile(`(?s)keeps\s+its\s+appSettings\s+in\s+C:\\Program\s+Files\\Agent\\appSettings.config.*set\s+config_path`),
			},
			{Config: h.ProviderConfig("") + appSettingBlock("x", extPath, "ServiceUri", "https://agent:4207")},
		},
	})
	if simFileContent(t, h, mainPath) != main {
		t.Errorf("%s changed: %q", mainPath, simFileContent(t, h, mainPath))
	}
}

// germanConfig is a BOM-less config that declares windows-1252, as German
// installers write them.
var germanConfig = []byte("<?xml version=\"1.0\" encoding=\"windows-1252\"?>\r\n<configuration>\r\n" +
	"  <!-- B\xfcro K\xf6ln -->\r\n  <appSettings>\r\n    <add key=\"Standort\" value=\"K\xf6ln\" />\r\n  </appSettings>\r\n</configuration>\r\n")

// TestAccDotNetAppSetting_windows1252: a value with umlauts is written in
// the file's declared encoding, and destroy gives back the original bytes.
func TestAccDotNetAppSetting_windows1252(t *testing.T) {
	const path = `C:\Programme\Agent\Agent.exe.config`
	scenario, err := json.Marshal(map[string]any{"files": []any{
		map[string]any{"path": path, "content_base64": base64.StdEncoding.EncodeToString(germanConfig)},
	}})
	if err != nil {
		t.Fatal(err)
	}
	h := acctest.NewHost(t, scenario)
	if !h.IsSim() {
		t.Skip("needs the simulator's files")
	}
	config := h.ProviderConfig("") + appSettingBlock("x", path, "Standort", "Büro München")
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if got := simFileContent(t, h, path); got != string(germanConfig) {
				return fmt.Errorf("destroy left\n%q\nwant\n%q", got, germanConfig)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{Config: config, Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr("windows_dotnet_app_setting.x", "original_value", "Köln"),
				func(*terraform.State) error {
					want := strings.Replace(string(germanConfig), "K\xf6ln\"", "B\xfcro M\xfcnchen\"", 1)
					if got := simFileContent(t, h, path); got != want {
						return fmt.Errorf("file after apply\n%q\nwant\n%q", got, want)
					}
					return nil
				},
			)},
			emptyPlanStep(config),
		},
	})
}

// TestAccDotNetAppSetting_destroyKeepsAChangeMadeSince: when the entry no
// longer holds what the resource set (another configuration's resource or
// a person changed it), destroy restores nothing and says so; after an
// apply sets the value again, destroy restores the original.
func TestAccDotNetAppSetting_destroyKeepsAChangeMadeSince(t *testing.T) {
	h := acctest.NewHost(t, sage300Scenario(t, nil))
	if !h.IsSim() {
		t.Skip("changes the file through the simulator")
	}
	config := h.ProviderConfig("") + appSettingBlock("x", sage300ConfigPath, "ServiceUri", sage300HTTPSURI)
	other := strings.Replace(sage300Config, "http://sage300:4207", "https://other:4207", 1)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			checkConfigFileUnchanged(t, h)
			return nil
		},
		Steps: []resource.TestStep{
			{Config: config, Check: checkHostAppSetting(t, h, "ServiceUri", sage300HTTPSURI)},
			{
				PreConfig: editSimRows(t, h, "files", "path", sage300ConfigPath,
					map[string]any{"content_base64": base64.StdEncoding.EncodeToString([]byte(other))}),
				Config:  config,
				Destroy: true,
				// The message says the entry changed, never what it holds now
				// (an app setting may be a secret).
				ExpectError: regexp.MustCompile(`(?s)Original\s+ServiceUri\s+not\s+restored.*has\s+another\s+value.*terraform\s+state\s+rm`),
			},
			{
				PreConfig: func() {
					if got := simFileContent(t, h, sage300ConfigPath); got != other {
						t.Errorf("the refused destroy changed the file:\n%q", got)
					}
				},
				Config:           config,
				ConfigPlanChecks: expectAction("windows_dotnet_app_setting.x", plancheck.ResourceActionUpdate),
				Check:            checkHostAppSetting(t, h, "ServiceUri", sage300HTTPSURI),
			},
		},
	})
}
