package provider_test

import (
	"fmt"
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

// TestAccDotNetAppSetting_lifecycle is seed step 5 (Sage 300: ServiceUri to
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
