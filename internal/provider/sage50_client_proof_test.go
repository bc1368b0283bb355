package provider_test

import (
	"regexp"
	"strconv"
	"testing"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/acctest"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/winsim"
)

// TestAccSage50ClientProof runs examples/sage50 with a Sage 50 workstation
// named as client_host (a second simulated host on the server's network)
// and strict checks (the example's default):
//   - without the firewall rule the handshake from the workstation times
//     out and the apply fails, though the server's own check passes;
//   - with the rule, on a workstation lacking the certificate's root, the
//     apply fails on the chain;
//   - with the CA's certificates on the workstation the apply passes, the
//     workstation served the imported certificate;
//   - destroy removes the rule.
func TestAccSage50ClientProof(t *testing.T) {
	// The workstation first: sage50Host points WINRM_* at the server, which
	// would make acctest.NewHost take it for a real host.
	ws := acctest.NewHost(t, []byte(`{"hostname":"WS01"}`))
	if !ws.IsSim() {
		t.Skip("needs two simulated hosts that know each other")
	}
	h := sage50Host(t)
	if err := ws.Sim.SetPeers([]winsim.Peer{{Names: []string{"SAGE50", "sage50.example.local"}, Address: "10.20.0.50", Admin: h.Sim.HTTPAddr()}}); err != nil {
		t.Fatal(err)
	}
	pfx := writeTestPFX(t, t.TempDir(), "sage50.pfx")
	const rule = "Sage 50 Accounts Integration Agent (HTTPS-In)"
	vars := map[string]string{"fqdn": sage50FQDN, "pfx_path": pfx.path, "pfx_password": pfxPassword,
		"client_host": ws.Address, "client_port": strconv.Itoa(ws.Port), "open_firewall": "false"}
	r := newExampleRun(t, "sage50", vars)
	r.applied = true
	t.Cleanup(func() {
		if !r.destroyed {
			r.destroy()
		}
	})

	code, out := r.run("apply", "-auto-approve", "-no-color")
	wantTimeout := regexp.MustCompile(`(?s)From\s+the\s+client\s+127\.0\.0\.1,\s+sage50\.example\.local:4106\s+cannot\s+be\s+reached:.*did\s+not\s+properly\s+respond`)
	if code == 0 || !wantTimeout.MatchString(out) {
		t.Fatalf("apply without the firewall rule: exit code %d, want a failure matching %s:\n%s", code, wantTimeout, out)
	}
	r.check(checkSimFirewallRuleGone(t, h, rule))
	r.expectOutputs(map[string]string{"served_thumbprint": pfx.Thumbprint}) // the server's own check passed

	code, out = r.run("apply", "-auto-approve", "-no-color", "-var", "open_firewall=true")
	wantUntrusted := regexp.MustCompile(`(?s)sage50\.example\.local:4106\s+serves\s+a\s+certificate\s+the\s+client\s+127\.0\.0\.1\s+does\s+not\s+trust`)
	if code == 0 || !wantUntrusted.MatchString(out) {
		t.Fatalf("apply with the workstation lacking the root: exit code %d, want a failure matching %s:\n%s", code, wantUntrusted, out)
	}
	r.check(checkSimFirewallRule(t, h, rule, "4106", 3))

	// Group Policy deploys the CA's root and intermediate to the
	// workstation (the server sends only its certificate: the module does
	// not import the chain).
	addCertificate(t, ws, "Root", pfx.Root)
	addCertificate(t, ws, "CA", pfx.Intermediate)
	r.apply("-var", "open_firewall=true")
	r.expectOutputs(map[string]string{"client_served_thumbprint": pfx.Thumbprint})

	r.destroy()
	r.check(checkSimFirewallRuleGone(t, h, rule))
}
