package provider_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/acctest"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/winsim"
)

// TestAccDotNetAppSetting_corpusRoundTrips: for every file of the agent's
// appconfig corpus (real-world shapes: Visual Studio's declaration, single
// quotes, entities, tabs, CRLF, BOMs, UTF-16 LE and BE, windows-1252,
// <clear/> and <remove>, no <appSettings>, file=), a resource on a key the
// file lacks and one on the entry it has: apply, then destroy gives back
// the original bytes.
func TestAccDotNetAppSetting_corpusRoundTrips(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("..", "windows", "agent", "testdata", "appconfig", "*.config"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("corpus: %v (%d files)", err, len(paths))
	}
	sort.Strings(paths)
	const folder = `C:\Program Files\Corpus\`
	corpus := map[string]string{}
	var files []any
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		corpus[folder+filepath.Base(p)] = string(b)
		files = append(files, map[string]any{"path": folder + filepath.Base(p), "content_base64": base64.StdEncoding.EncodeToString(b)})
	}
	scenario, err := json.Marshal(map[string]any{"files": files})
	if err != nil {
		t.Fatal(err)
	}
	h := acctest.NewHost(t, scenario)
	if !h.IsSim() {
		t.Skip("needs the simulator's files")
	}
	config := h.ProviderConfig("")
	for i, p := range paths {
		path := folder + filepath.Base(p)
		config += appSettingBlock(fmt.Sprintf("new%d", i), path, "TfNewKey", "n\u00e9w & <v>")
		if hasExistingEntry(filepath.Base(p)) {
			config += appSettingBlock(fmt.Sprintf("existing%d", i), path, "Existing", "changed by terraform")
		}
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			for path, want := range corpus {
				if got := simFileContent(t, h, path); got != want {
					return fmt.Errorf("destroy left %s as\n%q\nwant\n%q", path, got, want)
				}
			}
			return nil
		},
		Steps: []resource.TestStep{
			{Config: config, Check: func(*terraform.State) error {
				for path, original := range corpus {
					if got := simFileContent(t, h, path); got == original {
						return fmt.Errorf("apply did not change %s", path)
					}
				}
				return nil
			}},
			emptyPlanStep(config),
		},
	})
}

// hasExistingEntry says which corpus files hold an entry "Existing".
func hasExistingEntry(name string) bool {
	switch name {
	case "no-appsettings.exe.config", "no-appsettings-bare.exe.config", "empty-section-selfclosing.exe.config",
		"empty-section-open.exe.config", "empty-section-tight.exe.config":
		return false
	}
	return true
}

// TestAccDotNetAppSetting_replaceFails1177: File.Replace fails with 1177
// (ERROR_UNABLE_TO_MOVE_REPLACEMENT_2, injected on the agent's
// files.replace): the apply fails with that code and says the file is
// unchanged, the file is as it was, and the next apply creates the entry.
func TestAccDotNetAppSetting_replaceFails1177(t *testing.T) {
	h := acctest.NewHost(t, sage300Scenario(t, nil))
	if h.Sim == nil {
		t.Skip("needs the simulator's fault injection")
	}
	config := h.ProviderConfig("") + appSettingBlock("x", sage300ConfigPath, "ServiceUri", sage300HTTPSURI)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			checkConfigFileUnchanged(t, h)
			return nil
		},
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					h.Sim.SetFaults(winsim.Faults{FailCalls: []winsim.CallFailure{{Call: "files.replace", Code: 1177}}})
				},
				Config:      config,
				ExpectError: regexp.MustCompile(`(?s)cannot\s+replace.*Sage300IntegrationService\.exe\.config\s+is\s+unchanged.*1177`),
			},
			{
				PreConfig: func() {
					h.Sim.SetFaults(winsim.Faults{})
					checkConfigFileUnchanged(t, h)
				},
				Config:           config,
				ConfigPlanChecks: expectAction("windows_dotnet_app_setting.x", plancheck.ResourceActionCreate),
				Check:            checkHostAppSetting(t, h, "ServiceUri", sage300HTTPSURI),
			},
		},
	})
}
