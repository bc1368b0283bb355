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

// emptyPlanStep plans config again and expects nothing to change.
func emptyPlanStep(config string) resource.TestStep {
	return resource.TestStep{
		Config:           config,
		ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
	}
}

// expectAction expects the plan, before apply, to take action on address.
func expectAction(address string, action plancheck.ResourceActionType) resource.ConfigPlanChecks {
	return resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
		plancheck.ExpectResourceAction(address, action),
	}}
}

// deletedOutsideTerraformStep deletes the resource at address on the host
// with remove, then expects refresh to drop it and the plan to create it
// again; check runs after that apply.
func deletedOutsideTerraformStep(t *testing.T, address, config string, remove func() error, check resource.TestCheckFunc) resource.TestStep {
	return resource.TestStep{
		PreConfig: func() {
			if err := remove(); err != nil {
				t.Fatalf("delete outside Terraform: %v", err)
			}
		},
		Config:           config,
		ConfigPlanChecks: expectAction(address, plancheck.ResourceActionCreate),
		Check:            check,
	}
}

// editSimRows returns a PreConfig that drifts the host through the
// simulator's admin API: every row of table whose keyField is key gets the
// values of set.
//
// On a real host it does nothing: terraform-plugin-testing runs PreConfig
// before SkipFunc, so the step's SkipFunc (acctest.NotSim) has not skipped it
// yet when this runs.
func editSimRows(t *testing.T, h *acctest.Host, table, keyField, key string, set map[string]any) func() {
	return func() {
		if !h.IsSim() {
			return
		}
		h.EditSimState(t, func(state map[string]any) {
			for _, row := range acctest.StateList(t, state, table) {
				if row[keyField] == key {
					for field, value := range set {
						row[field] = value
					}
				}
			}
		})
	}
}

// hostTable is how checkDestroyLeftNone reads one of the host's tables:
// list reads its rows, key names a row as the test names it, and describe
// says which row is left, for the error.
type hostTable[Row any, Key comparable] struct {
	name     string
	list     func() ([]Row, error)
	key      func(Row) Key
	describe func(Row) string
}

// checkDestroyLeftNone checks that destroy left nothing behind in table: on
// the simulator the table is empty, on a real host the rows with the
// test's keys are gone.
func checkDestroyLeftNone[Row any, Key comparable](h *acctest.Host, table hostTable[Row, Key], keys ...Key) resource.TestCheckFunc {
	return func(*terraform.State) error {
		rows, err := table.list()
		if err != nil {
			return fmt.Errorf("list %s: %w", table.name, err)
		}
		for _, row := range rows {
			for _, k := range keys {
				if h.IsSim() || table.key(row) == k {
					return fmt.Errorf("%s is still on the host after destroy", table.describe(row))
				}
			}
		}
		return nil
	}
}

// testPlanFails plans config alone and expects an error matching wantErr.
func testPlanFails(t *testing.T, config, wantErr string) {
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      config,
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(wantErr),
		}},
	})
}
