package provider_test

import (
	"encoding/json"
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
	return checkSimService(t, h, sage300ServiceName, "Running", want)
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
					resource.TestCheckResourceAttr("data.windows_service.agent", "start_name", "LocalSystem"),
					resource.TestCheckResourceAttr("data.windows_service.agent", "sid_type", "none"),
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

// TestAccServiceRestart_refusesWinRM: restarting HTTP would stop WinRM,
// which depends on it and carries the request: refused, saying what to do,
// with nothing stopped.
func TestAccServiceRestart_refusesWinRM(t *testing.T) {
	h := acctest.NewHost(t, []byte(`{"services":[{"name":"HTTP","dependent_services":["WinRM"]},{"name":"WinRM"}]}`))
	if !h.IsSim() {
		t.Skip("would stop WinRM on a real host if the refusal failed")
	}
	testApplyFails(t, h.ProviderConfig("")+hclBlock("resource", "windows_service_restart", "x", hclAttr("service_name", "HTTP")),
		`(?s)restarting\s+HTTP\s+stops\s+WinRM.*Restart-Service\s+-Force\s+HTTP`)
	for _, name := range []string{"HTTP", "WinRM"} {
		if row := simRow(t, h, "services", "name", name); row["status"] != "Running" || row["restarts"] != float64(0) {
			t.Errorf("%s %v after the refused restart, want Running and not restarted", name, row)
		}
	}
}

// testApplyFails applies config and expects an error matching wantErr.
func testApplyFails(t *testing.T, config, wantErr string) {
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps:                    []resource.TestStep{{Config: config, ExpectError: regexp.MustCompile(wantErr)}},
	})
}

// dependentsScenario is the Sage 300 server with the agent (serviceExtra
// added to it) depending on by the given services: each map is one service
// of the state document.
func dependentsScenario(t *testing.T, serviceExtra map[string]any, dependents ...map[string]any) []byte {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(sage300Scenario(t, serviceExtra), &doc); err != nil {
		t.Fatal(err)
	}
	services := doc["services"].([]any)
	var names []string
	for _, d := range dependents {
		names = append(names, d["name"].(string))
		services = append(services, d)
	}
	services[0].(map[string]any)["dependent_services"] = names
	doc["services"] = services
	data, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// checkSimService checks a simulated service's status and restart counter.
func checkSimService(t *testing.T, h *acctest.Host, name, status string, restarts float64) resource.TestCheckFunc {
	return func(*terraform.State) error {
		row := simRow(t, h, "services", "name", name)
		if row["status"] != status || row["restarts"] != restarts {
			return fmt.Errorf("service %s: status %v restarts %v, want %s and %v", name, row["status"], row["restarts"], status, restarts)
		}
		return nil
	}
}

// TestAccServiceRestart_dependents: the running dependents (one depending
// on another) are stopped and started again; a stopped one stays stopped.
func TestAccServiceRestart_dependents(t *testing.T) {
	h := acctest.NewHost(t, dependentsScenario(t, nil,
		map[string]any{"name": "SageSync", "dependent_services": []string{"SageSyncMonitor"}},
		map[string]any{"name": "SageSyncMonitor"},
		map[string]any{"name": "SageReports", "status": "Stopped", "start_type": "Manual"}))
	if !h.IsSim() {
		t.Skip("needs the simulator's dependent services")
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: serviceRestartConfig(h, "a"),
			Check: resource.ComposeAggregateTestCheckFunc(
				checkSimRestarts(t, h, 1),
				checkSimService(t, h, "SageSync", "Running", 1),
				checkSimService(t, h, "SageSyncMonitor", "Running", 1),
				checkSimService(t, h, "SageReports", "Stopped", 0),
			),
		}},
	})
}

// TestAccServiceRestart_dependentStopTimeout: a dependent that does not
// stop within timeout fails the restart with 1053 at the timeout (not 30 s
// per dependent, not code 1), naming the dependent and its state; the
// service itself is left running.
func TestAccServiceRestart_dependentStopTimeout(t *testing.T) {
	h := acctest.NewHost(t, dependentsScenario(t, nil, map[string]any{"name": "SageSync", "stop_delay_ms": 45000}))
	if !h.IsSim() {
		t.Skip("needs the simulator's slow dependent")
	}
	testApplyFails(t, serviceRestartConfig(h, "a"),
		`(?s)Cannot restart service Sage300IntegrationService.*SageSync\s+did\s+not\s+reach\s+Stopped\s+within\s+30\s+s:\s+it\s+is\s+StopPending.*1053.*within\s+the\s+timeout\s+\(30s\)`)
	if row := simRow(t, h, "services", "name", sage300ServiceName); row["status"] != "Running" {
		t.Errorf("agent %v after the failed restart, want Running (it is stopped only after its dependents)", row["status"])
	}
}

// TestAccServiceRestart_fallsBack: a service that stops again while
// starting fails the apply as soon as it stops, with its exit codes, not at
// the timeout (10m here) with 1053.
func TestAccServiceRestart_fallsBack(t *testing.T) {
	h := acctest.NewHost(t, sage300Scenario(t, map[string]any{"start_delay_ms": 1000, "falls_back": true,
		"fall_back_exit_code": 1066, "fall_back_service_specific_exit_code": 42}))
	if !h.IsSim() {
		t.Skip("needs the simulator's failing start")
	}
	config := h.ProviderConfig("") + hclBlock("resource", "windows_service_restart", "agent",
		hclAttr("service_name", sage300ServiceName), hclAttr("timeout", "10m"))
	testApplyFails(t, config,
		`(?s)stopped\s+while\s+starting.*exit\s+code\s+1066,\s+service-specific\s+exit\s+code\s+42.*service-specific\s+exit\s+code\s+says\s+why`)
	if row := simRow(t, h, "services", "name", sage300ServiceName); row["status"] != "Stopped" || row["service_specific_exit_code"] != float64(42) {
		t.Errorf("agent %v, service-specific exit code %v; want Stopped, 42", row["status"], row["service_specific_exit_code"])
	}
}
