package provider_test

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"software.sslmate.com/src/go-pkcs12"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/provider"
)

// TestAccSage50Example_expiry applies examples/sage50 with a certificate
// that has 12 days left. The module's output days_left is the days left of
// the certificate the host's binding on port 4106 names (read from the
// simulated host's tables and stores), and its check certificate_expiry
// warns below warn_days_left (30 by default), naming the port, thumbprint,
// subject and expiry; with warn_days_left = 10 it does not.
func TestAccSage50Example_expiry(t *testing.T) {
	h := sage50Host(t)
	notAfter := time.Now().Add(12*24*time.Hour + 12*time.Hour).Truncate(time.Second)
	p := newTestPFX(t, sage50FQDN, pkcs12.Modern, func(o *provider.LeafOptions) { o.NotAfter = notAfter })
	pfxPath := filepath.Join(t.TempDir(), "sage50.pfx")
	if err := os.WriteFile(pfxPath, p.PFX, 0o600); err != nil {
		t.Fatal(err)
	}
	r := newExampleRun(t, "sage50", map[string]string{"fqdn": sage50FQDN, "pfx_path": pfxPath, "pfx_password": pfxPassword})
	// The module's output, through the root (examples/sage50 does not pass it on).
	writeExampleFile(t, r, "expiry_outputs.tf", "output \"days_left\" {\n  value = module.sage50.days_left\n}\n")
	out := r.apply()

	// What the host holds: the binding on 4106 and its certificate's expiry.
	state := h.SimState(t)
	var bound string
	for _, b := range state["sslcert_bindings"].([]any) {
		if m := b.(map[string]any); m["ipport"] == sage50IPPort {
			bound = strings.ToUpper(fmt.Sprint(m["certificate_hash"]))
		}
	}
	if bound != p.Thumbprint {
		t.Fatalf("the host binds %q on %s, want %s", bound, sage50IPPort, p.Thumbprint)
	}
	wantDays := int64(math.Floor(time.Until(p.Leaf.NotAfter).Hours() / 24))
	r.expectOutputs(map[string]string{"days_left": fmt.Sprint(wantDays)})
	if wantDays != 12 {
		t.Errorf("the certificate has %d days left, want 12", wantDays)
	}

	warning := regexp.MustCompile(`(?s)Warning: Check block assertion failed.*Port 4106 serves certificate\s+` + p.Thumbprint +
		`\s+\(CN=` + regexp.QuoteMeta(sage50FQDN) + `\),\s+which\s+expires\s+` + regexp.QuoteMeta(notAfter.UTC().Format(time.RFC3339)) +
		`:\s+12\s+days\s+left,\s+fewer\s+than\s+warn_days_left\s+\(30\)`)
	if !warning.MatchString(out) {
		t.Errorf("the apply does not warn that port 4106's certificate expires in 12 days:\n%s", out)
	}
	if code, plan := r.run("plan", "-no-color"); code != 0 || !warning.MatchString(plan) {
		t.Errorf("plan: exit code %d, want 0 and the expiry warning:\n%s", code, plan)
	}

	// warn_days_left below the days left: no warning (an override file sets
	// the module's argument, examples/sage50 leaves it at its default).
	writeExampleFile(t, r, "expiry_override.tf", "module \"sage50\" {\n  warn_days_left = 10\n}\n")
	if code, plan := r.run("plan", "-no-color", "-detailed-exitcode"); code != 0 || strings.Contains(plan, "certificate_expiry") {
		t.Errorf("plan with warn_days_left = 10: exit code %d, want 0 (nothing to do) and no expiry warning:\n%s", code, plan)
	}
}

// writeExampleFile adds a file to the example run's root module.
func writeExampleFile(t *testing.T, r *exampleRun, name, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(r.dir, name), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
