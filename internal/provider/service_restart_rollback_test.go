package provider_test

import (
	"encoding/base64"
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/acctest"
)

// rollbackConfig is the shape the modules use: the Agent's ServiceUri set to
// HTTPS and restarted on create (when = "create", with triggers), and a
// second restart, when = "destroy", that the setting depends on.
func rollbackConfig(h *acctest.Host) string {
	return h.ProviderConfig("") +
		hclBlock("resource", "windows_service_restart", "after_rollback",
			hclAttr("service_name", sage300ServiceName),
			hclAttr("when", "destroy"),
			hclAttr("timeout", "30s")) +
		hclBlock("resource", "windows_dotnet_app_setting", "service_uri",
			hclAttr("config_path", sage300ConfigPath),
			hclAttr("key", "ServiceUri"),
			hclAttr("value", "https://sage300.example.local:4207"),
			"depends_on = [windows_service_restart.after_rollback]") +
		hclBlock("resource", "windows_service_restart", "agent",
			hclAttr("service_name", sage300ServiceName),
			"triggers = { uri = windows_dotnet_app_setting.service_uri.value }")
}

// checkSimListening checks the URI the simulated service read when it last
// started.
func checkSimListening(t *testing.T, h *acctest.Host, name, uri string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if got := simRow(t, h, "services", "name", name)["listening_uri"]; got != uri {
			return fmt.Errorf("service %s listens on %v, want %s", name, got, uri)
		}
		return nil
	}
}

// checkSimFileBytes checks a file's bytes on the simulated host.
func checkSimFileBytes(t *testing.T, h *acctest.Host, path, want string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if got := simFileContent(t, h, path); got != want {
			return fmt.Errorf("%s is\n%q\nwant\n%q", path, got, want)
		}
		return nil
	}
}

// TestAccServiceRestart_whenDestroy: a restart with when = "destroy"
// restarts nothing when created (its plan says restarted_at null), and
// restarts the service when destroyed, after the app setting that depends on
// it has been restored: the Agent runs on its original plain-HTTP URI again,
// and its .exe.config has its original bytes.
func TestAccServiceRestart_whenDestroy(t *testing.T) {
	h := acctest.NewHost(t, sage300Scenario(t, nil))
	original, err := base64.StdEncoding.DecodeString(sage300ConfigBase64)
	if err != nil {
		t.Fatal(err)
	}
	const afterRollback = "windows_service_restart.after_rollback"
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: rollbackConfig(h),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(afterRollback, plancheck.ResourceActionCreate),
					plancheck.ExpectKnownValue(afterRollback, tfjsonpath.New("restarted_at"), knownvalue.Null()),
					plancheck.ExpectKnownValue(afterRollback, tfjsonpath.New("when"), knownvalue.StringExact("destroy")),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckNoResourceAttr(afterRollback, "restarted_at"),
					resource.TestCheckResourceAttr(afterRollback, "status", "Running"),
					// One restart: the create-time one, not the rollback's.
					checkSimService(t, h, sage300ServiceName, "Running", 1),
					checkSimListening(t, h, sage300ServiceName, "https://sage300.example.local:4207"),
				),
			},
			emptyPlanStep(rollbackConfig(h)),
		},
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(
			checkSimService(t, h, sage300ServiceName, "Running", 2),
			checkSimListening(t, h, sage300ServiceName, "http://sage300:4207"),
			checkSimFileBytes(t, h, sage300ConfigPath, string(original)),
		),
	})
}

// TestAccServiceRestart_whenDestroyRefusesTriggers: triggers on a restart on
// destroy are refused at plan, saying how to restart on changes instead.
func TestAccServiceRestart_whenDestroyRefusesTriggers(t *testing.T) {
	h := acctest.NewHost(t, sage300Scenario(t, nil))
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: h.ProviderConfig("") + hclBlock("resource", "windows_service_restart", "x",
				hclAttr("service_name", sage300ServiceName), hclAttr("when", "destroy"), `triggers = { a = "1" }`),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)Triggers on a restart on destroy.*second\s+windows_service_restart\s+\(when\s+=\s+"create"\)`),
		}},
	})
}

// TestAccServiceRestart_whenDestroyImported: an import reads a restart on
// create; configured with when = "destroy", the plan replaces it, which
// restarts nothing: the old one's destroy and the new one's create do
// nothing. Destroying it then restarts the service.
func TestAccServiceRestart_whenDestroyImported(t *testing.T) {
	h := acctest.NewHost(t, sage300Scenario(t, nil))
	config := h.ProviderConfig("") + hclBlock("resource", "windows_service_restart", "after_rollback",
		hclAttr("service_name", sage300ServiceName), hclAttr("when", "destroy"))
	const address = "windows_service_restart.after_rollback"
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:             config,
				ResourceName:       address,
				ImportState:        true,
				ImportStateId:      sage300ServiceName,
				ImportStatePersist: true,
			},
			{
				Config:           config,
				ConfigPlanChecks: expectAction(address, plancheck.ResourceActionReplace),
				Check:            checkSimService(t, h, sage300ServiceName, "Running", 0),
			},
			emptyPlanStep(config),
		},
		CheckDestroy: checkSimService(t, h, sage300ServiceName, "Running", 1),
	})
}

// TestAccServiceRestart_whenDestroyRefusesWinRM: a restart on destroy of a
// service WinRM depends on is refused when it is created, not at the end of
// a rollback, with nothing stopped.
func TestAccServiceRestart_whenDestroyRefusesWinRM(t *testing.T) {
	h := acctest.NewHost(t, []byte(`{"services":[{"name":"HTTP","dependent_services":["WinRM"]},{"name":"WinRM"}]}`))
	if !h.IsSim() {
		t.Skip("would stop WinRM on a real host if the refusal failed")
	}
	testApplyFails(t, h.ProviderConfig("")+hclBlock("resource", "windows_service_restart", "x",
		hclAttr("service_name", "HTTP"), hclAttr("when", "destroy")),
		`(?s)Cannot\s+restart\s+service\s+HTTP\s+on\s+destroy.*stops\s+WinRM.*Restart-Service\s+-Force\s+HTTP`)
	for _, name := range []string{"HTTP", "WinRM"} {
		if row := simRow(t, h, "services", "name", name); row["status"] != "Running" || row["restarts"] != float64(0) {
			t.Errorf("%s %v after the refused restart, want Running and not restarted", name, row)
		}
	}
}

// TestAccServiceRestart_whenDestroyOnRemoval: applying the configuration
// from before (the setting and both restarts removed) rolls back as a
// destroy does: the setting is restored, then the service restarts on it.
func TestAccServiceRestart_whenDestroyOnRemoval(t *testing.T) {
	h := acctest.NewHost(t, sage300Scenario(t, nil))
	original, err := base64.StdEncoding.DecodeString(sage300ConfigBase64)
	if err != nil {
		t.Fatal(err)
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: rollbackConfig(h), Check: checkSimService(t, h, sage300ServiceName, "Running", 1)},
			{
				Config: h.ProviderConfig(""),
				Check: resource.ComposeAggregateTestCheckFunc(
					checkSimService(t, h, sage300ServiceName, "Running", 2),
					checkSimListening(t, h, sage300ServiceName, "http://sage300:4207"),
					checkSimFileBytes(t, h, sage300ConfigPath, string(original)),
				),
			},
		},
	})
}
