package provider_test

import (
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/acctest"
)

// requiredAppSettingConfig sets key with require_existing.
func requiredAppSettingConfig(h *acctest.Host, key string) string {
	return h.ProviderConfig("") + hclBlock("resource", "windows_dotnet_app_setting", "service_uri",
		hclAttr("config_path", sage300ConfigPath), hclAttr("key", key), hclAttr("value", sage300HTTPSURI),
		"require_existing = true")
}

// configFileAsShipped checks that the Sage 300 Agent's .exe.config holds
// its original bytes.
func configFileAsShipped(t *testing.T, h *acctest.Host) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if got := simFileContent(t, h, sage300ConfigPath); got != sage300Config {
			return fmt.Errorf("the config file is now\n%q\nwant the original\n%q", got, sage300Config)
		}
		return nil
	}
}

// TestAccDotNetAppSetting_requireExisting: with require_existing, a key the
// file lacks (a name another version uses) fails the plan, naming the
// keys the file has but none of their values, and the file keeps its bytes;
// the key it has is set, and destroy gives the original bytes back. An
// entry removed by hand after the apply fails the next plan instead of
// being added again.
func TestAccDotNetAppSetting_requireExisting(t *testing.T) {
	h := acctest.NewHost(t, sage300Scenario(t, nil))
	if !h.IsSim() {
		t.Skip("reads and edits the config file through the simulator's admin API")
	}
	missing := diagnosticText(`Required app setting not in the file`, `has no appSettings entry "HttpsServiceUri"`,
		`require_existing is set, so it is not added`, `The file's appSettings keys are: "ServiceUri", "CompanyDatabase".`)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             configFileAsShipped(t, h),
		Steps: []resource.TestStep{
			{Config: requiredAppSettingConfig(h, "HttpsServiceUri"), ExpectError: missing},
			{
				// The refused plan wrote nothing.
				Config: h.ProviderConfig(""),
				Check:  configFileAsShipped(t, h),
			},
			{
				Config: requiredAppSettingConfig(h, "serviceuri"),
				Check:  checkHostAppSetting(t, h, "ServiceUri", sage300HTTPSURI),
			},
			{
				// Someone removes the entry: the plan does not add it back.
				PreConfig: func() {
					setSimFileContent(t, h, sage300ConfigPath, sage300ConfigWithout(t, "ServiceUri"))
				},
				Config: requiredAppSettingConfig(h, "serviceuri"),
				ExpectError: diagnosticText(`Required app setting not in the file`, `has no appSettings entry "serviceuri"`,
					`The file's appSettings keys are: "CompanyDatabase".`),
			},
			{
				// Put back as the scenario had it, so destroy restores it.
				PreConfig: func() { setSimFileContent(t, h, sage300ConfigPath, sage300Config) },
				Config:    requiredAppSettingConfig(h, "serviceuri"),
				Check:     checkHostAppSetting(t, h, "ServiceUri", sage300HTTPSURI),
			},
		},
	})
}

// setSimFileContent replaces a file's content on the simulated host, as a
// person editing it would.
func setSimFileContent(t *testing.T, h *acctest.Host, path, content string) {
	t.Helper()
	editSimRows(t, h, "files", "path", path, map[string]any{"content_base64": base64.StdEncoding.EncodeToString([]byte(content))})()
}

// sage300ConfigWithout is the Sage 300 Agent's original .exe.config without
// the line of key.
func sage300ConfigWithout(t *testing.T, key string) string {
	t.Helper()
	var kept []string
	for _, line := range strings.SplitAfter(sage300Config, "\r\n") {
		if !strings.Contains(line, `key="`+key+`"`) {
			kept = append(kept, line)
		}
	}
	if len(kept) == len(strings.SplitAfter(sage300Config, "\r\n")) {
		t.Fatalf("the config has no line for %s", key)
	}
	return strings.Join(kept, "")
}
