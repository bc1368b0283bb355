package provider_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/acctest"
)

// exampleRun runs the real terraform (TF_ACC_TERRAFORM_PATH, else the one
// on PATH) on a root example, as a user does: init, plan, apply, output,
// destroy. terraform-plugin-testing cannot run these examples: its state
// shim refuses a state with child modules ("Modules are not supported"),
// and the examples call their procedure's module. The provider is the one
// useBuiltProvider built, from the filesystem mirror it configures.
type exampleRun struct {
	t   *testing.T
	tf  string
	dir string
	env []string
	// applied: destroy is due; destroyed: it ran.
	applied, destroyed bool
}

// newExampleRun copies examples/NAME and examples/modules into a directory
// of the test, laid out as in the repository so that the module source
// "../modules/..." resolves unchanged, and runs terraform init there. vars
// become TF_VAR_ environment variables (off the command line). What was
// applied and not destroyed by the test is destroyed when it ends, before
// its earlier cleanups (the simulated host's).
func newExampleRun(t *testing.T, name string, vars map[string]string) *exampleRun {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (as resource.Test requires)")
	}
	acctest.PreCheck(t)
	tf := os.Getenv("TF_ACC_TERRAFORM_PATH")
	base := t.TempDir()
	for _, sub := range []string{name, "modules"} {
		if err := os.CopyFS(filepath.Join(base, sub), os.DirFS(filepath.Join("..", "..", "examples", sub))); err != nil {
			t.Fatalf("copy examples/%s: %v", sub, err)
		}
	}
	r := &exampleRun{t: t, tf: tf, dir: filepath.Join(base, name),
		env: append(os.Environ(), "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1", "TF_INPUT=0")}
	for k, v := range vars {
		r.env = append(r.env, "TF_VAR_"+k+"="+v)
	}
	r.must("init", "-no-color")
	return r
}

// run runs terraform with args, returning its exit code and output.
func (r *exampleRun) run(args ...string) (int, string) {
	r.t.Helper()
	cmd := exec.Command(r.tf, args...)
	cmd.Dir, cmd.Env = r.dir, r.env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0, out.String()
	case errors.As(err, &exit):
		return exit.ExitCode(), out.String()
	default:
		r.t.Fatalf("terraform %s: %v", strings.Join(args, " "), err)
		return -1, ""
	}
}

// must runs terraform with args and fails the test unless it succeeds.
func (r *exampleRun) must(args ...string) string {
	r.t.Helper()
	code, out := r.run(args...)
	if code != 0 {
		r.t.Fatalf("terraform %s: exit code %d\n%s", strings.Join(args, " "), code, out)
	}
	return out
}

// apply runs terraform apply, of args (a plan file) if given.
func (r *exampleRun) apply(args ...string) string {
	r.t.Helper()
	if !r.applied {
		r.applied = true
		r.t.Cleanup(func() {
			if !r.destroyed {
				r.destroy()
			}
		})
	}
	return r.must(append([]string{"apply", "-auto-approve", "-no-color"}, args...)...)
}

// destroy runs terraform destroy and returns its output.
func (r *exampleRun) destroy() string {
	r.t.Helper()
	r.destroyed = true
	code, out := r.run("destroy", "-auto-approve", "-no-color")
	if code != 0 {
		r.t.Errorf("terraform destroy: exit code %d\n%s", code, out)
	}
	return out
}

// expectEmptyPlan fails the test unless terraform plan finds nothing to do.
func (r *exampleRun) expectEmptyPlan() {
	r.t.Helper()
	if code, out := r.run("plan", "-detailed-exitcode", "-no-color"); code != 0 {
		r.t.Fatalf("second plan is not empty (exit code %d):\n%s", code, out)
	}
}

// expectPlanError fails the test unless terraform plan fails with output
// matching want (Terraform wraps messages: match white space with \s+).
func (r *exampleRun) expectPlanError(want *regexp.Regexp) {
	r.t.Helper()
	code, out := r.run("plan", "-no-color")
	if code == 0 || !want.MatchString(out) {
		r.t.Fatalf("terraform plan: exit code %d, want a failure matching %s:\n%s", code, want, out)
	}
}

// plannedChange is one resource_changes entry of terraform show -json.
type plannedChange struct {
	Address string `json:"address"`
	Change  struct {
		Actions []string       `json:"actions"`
		After   map[string]any `json:"after"`
	} `json:"change"`
}

// plan runs terraform plan into a plan file and returns its resource
// changes by address.
func (r *exampleRun) plan() map[string]plannedChange {
	r.t.Helper()
	r.must("plan", "-out=tfplan", "-no-color")
	var plan struct {
		ResourceChanges []plannedChange `json:"resource_changes"`
	}
	if err := json.Unmarshal([]byte(r.must("show", "-json", "tfplan")), &plan); err != nil {
		r.t.Fatalf("terraform show -json: %v", err)
	}
	changes := map[string]plannedChange{}
	for _, c := range plan.ResourceChanges {
		changes[c.Address] = c
	}
	return changes
}

// expectActions checks the planned actions of addresses ("create",
// "update", "no-op", "create,delete" for create_before_destroy, ...).
func (r *exampleRun) expectActions(changes map[string]plannedChange, want map[string]string) {
	r.t.Helper()
	for address, actions := range want {
		if got := strings.Join(changes[address].Change.Actions, ","); got != actions {
			r.t.Errorf("plan for %s: %q, want %q", address, got, actions)
		}
	}
}

// outputs returns the root outputs' values as terraform output -json gives
// them.
func (r *exampleRun) outputs() map[string]any {
	r.t.Helper()
	var raw map[string]struct {
		Value any `json:"value"`
	}
	if err := json.Unmarshal([]byte(r.must("output", "-json")), &raw); err != nil {
		r.t.Fatalf("terraform output -json: %v", err)
	}
	out := map[string]any{}
	for k, v := range raw {
		out[k] = v.Value
	}
	return out
}

// expectOutputs checks root outputs that are strings.
func (r *exampleRun) expectOutputs(want map[string]string) {
	r.t.Helper()
	got := r.outputs()
	for k, v := range want {
		if fmt.Sprint(got[k]) != v {
			r.t.Errorf("output %s = %v, want %s", k, got[k], v)
		}
	}
}

// check runs test check functions, which read the host (the state they
// are given is nil), and reports their errors.
func (r *exampleRun) check(checks ...resource.TestCheckFunc) {
	r.t.Helper()
	for _, c := range checks {
		if err := c(nil); err != nil {
			r.t.Error(err)
		}
	}
}

// readScenario reads examples/scenarios/NAME.json.
func readScenario(t *testing.T, name string) []byte {
	t.Helper()
	scenario, err := os.ReadFile(filepath.Join("..", "..", "examples", "scenarios", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	return scenario
}
