package provider_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/acctest"
)

const serviceRestartAddress = "windows_service_restart.agent"

func serviceRestartConfig(h *acctest.Host, trigger string) string {
	return h.ProviderConfig("") + hclBlock("resource", "windows_service_restart", "agent",
		hclAttr("service_name", sage300ServiceName),
		"triggers = { uri = "+acctest.HCLString(trigger)+" }",
		hclAttr("timeout", "30s"))
}

// checkSimRestarts checks the simulated service's restart counter.
func checkSimRestarts(t *testing.T, h *acctest.Host, want float64) resource.TestCheckFunc {
	return func(*terraform.State) error {
		row := simRow(t, h, "services", "name", sage300ServiceName)
		if row["restarts"] != want || row["status"] != "Running" {
			return fmt.Errorf("service restarts %v status %v, want %v and Running", row["restarts"], row["status"], want)
		}
		return nil
	}
}

// TestAccServiceRestart_triggers restarts on create and again when a
// trigger changes, and not on a re-plan; the data source reads the service.
func TestAccServiceRestart_triggers(t *testing.T) {
	h := acctest.NewHost(t, sage300Scenario(t, nil))
	dataSource := hclBlock("data", "windows_service", "agent", hclAttr("name", "sage300integrationservice"))
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: serviceRestartConfig(h, "a") + dataSource,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(serviceRestartAddress, "status", "Running"),
					resource.TestCheckResourceAttrSet(serviceRestartAddress, "restarted_at"),
					resource.TestCheckResourceAttr("data.windows_service.agent", "id", sage300ServiceName),
					resource.TestCheckResourceAttr("data.windows_service.agent", "display_name", "Sage 300 Connector Agent"),
					resource.TestCheckResourceAttr("data.windows_service.agent", "start_type", "Automatic"),
					checkSimRestarts(t, h, 1),
				),
			},
			emptyPlanStep(serviceRestartConfig(h, "a") + dataSource),
			{
				Config:           serviceRestartConfig(h, "b") + dataSource,
				ConfigPlanChecks: expectAction(serviceRestartAddress, plancheck.ResourceActionReplace),
				Check:            checkSimRestarts(t, h, 2),
			},
			{
				ResourceName:            serviceRestartAddress,
				ImportState:             true,
				ImportStateId:           sage300ServiceName,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"triggers", "timeout", "restarted_at"},
			},
		},
	})
}

// TestAccServiceRestart_importAdoptsTriggers: a pipeline that imports a
// host's restart resource takes over its triggers on the first apply
// without restarting the service; a later change of triggers restarts.
func TestAccServiceRestart_importAdoptsTriggers(t *testing.T) {
	h := acctest.NewHost(t, sage300Scenario(t, nil))
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:             serviceRestartConfig(h, "a"),
				ResourceName:       serviceRestartAddress,
				ImportState:        true,
				ImportStateId:      sage300ServiceName,
				ImportStatePersist: true,
			},
			{
				Config:           serviceRestartConfig(h, "a"),
				ConfigPlanChecks: expectAction(serviceRestartAddress, plancheck.ResourceActionUpdate),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(serviceRestartAddress, "triggers.uri", "a"),
					resource.TestCheckResourceAttr(serviceRestartAddress, "restarted_at", "adopted"),
					checkSimRestarts(t, h, 0),
				),
			},
			emptyPlanStep(serviceRestartConfig(h, "a")),
			{
				Config:           serviceRestartConfig(h, "b"),
				ConfigPlanChecks: expectAction(serviceRestartAddress, plancheck.ResourceActionReplace),
				Check:            checkSimRestarts(t, h, 1),
			},
		},
	})
}

// TestAccServiceRestart_logonFailure: a service whose account cannot log
// on fails the apply with its state and exit code.
func TestAccServiceRestart_logonFailure(t *testing.T) {
	h := acctest.NewHost(t, sage300Scenario(t, map[string]any{"start_fails_with": 1069}))
	testApplyFails(t, serviceRestartConfig(h, "a"), `(?s)it is\s+Stopped,\s+exit\s+code\s+1069.*logon\s+failure`)
}

// TestAccServiceRestart_absentService names the missing service.
func TestAccServiceRestart_absentService(t *testing.T) {
	h := acctest.NewHost(t, nil)
	testApplyFails(t, h.ProviderConfig("")+hclBlock("resource", "windows_service_restart", "x", hclAttr("service_name", "NoSuchService")),
		`(?s)NoSuchService\s+does\s+not\s+exist.*short\s+name`)
}

// testApplyFails applies config and expects an error matching wantErr.
func testApplyFails(t *testing.T, config, wantErr string) {
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps:                    []resource.TestStep{{Config: config, ExpectError: regexp.MustCompile(wantErr)}},
	})
}
