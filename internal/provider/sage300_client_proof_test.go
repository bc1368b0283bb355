package provider_test

import (
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"software.sslmate.com/src/go-pkcs12"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/acctest"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/winsim"
)

// sage300ServerAddress is the Sage 300 server's address on the simulated
// network, what its FQDN resolves to on the BPA Platform machine.
const sage300ServerAddress = "10.20.0.30"

// linkSage300Hosts puts the two simulated hosts on one network: on the BPA
// Platform machine the Sage 300 server's computer name and the FQDN of its
// certificate resolve to it (its DNS record), and connections to it meet
// its firewall and listeners.
func linkSage300Hosts(t *testing.T, server, bpa *acctest.Host) {
	t.Helper()
	if err := bpa.Sim.SetPeers([]winsim.Peer{{
		Names: []string{"SAGE300", "sage300.example.local"}, Address: sage300ServerAddress, Admin: server.Sim.HTTPAddr(),
	}}); err != nil {
		t.Fatal(err)
	}
}

// TestAccSage300ClientProof runs examples/sage300 with strict checks (its
// default) and proves the Agent from the BPA Platform machine, through the
// Sage 300 server's firewall:
//   - without the firewall rule (open_firewall = false) the handshake from
//     the BPA machine times out as Windows Firewall's default inbound block
//     makes it, and the apply fails, though the server's own check passes
//     (Windows does not filter a host's connections to itself);
//   - with the rule the apply passes: the BPA machine resolved the FQDN,
//     reached the port and trusted the certificate it was served; the rule
//     is on the server as an inbound TCP allow rule for 4207;
//   - destroy removes the rule and the trust;
//   - where the BPA machine is to trust the issuing CA by itself
//     (trust_on_bpa = false) but lacks its root, the apply fails on the
//     chain; once the root is in its Root store (as Group Policy puts it),
//     the same apply passes.
func TestAccSage300ClientProof(t *testing.T) {
	server, bpa := acctest.NewHost(t, readScenario(t, "sage300")), acctest.NewHost(t, readScenario(t, "bpa"))
	if !server.IsSim() {
		t.Skip("needs two simulated hosts that know each other")
	}
	linkSage300Hosts(t, server, bpa)
	p := newTestPFX(t, "sage300.example.local", pkcs12.LegacyDES)
	pfxPath := filepath.Join(t.TempDir(), "SAGE300.pfx")
	if err := os.WriteFile(pfxPath, p.PFX, 0o600); err != nil {
		t.Fatal(err)
	}
	useBuiltProvider(t)
	vars := map[string]string{
		"sage300_host": server.Address, "sage300_port": strconv.Itoa(server.Port),
		"bpa_host": bpa.Address, "bpa_port": strconv.Itoa(bpa.Port),
		"winrm_username": server.Username, "winrm_password": server.Password,
		"fqdn": "sage300.example.local", "pfx_path": pfxPath, "pfx_password": pfxPassword,
	}
	vars["open_firewall"] = "false"
	closed := newExampleRun(t, "sage300", vars)
	closed.applied = true
	t.Cleanup(func() {
		if !closed.destroyed {
			closed.destroy()
		}
	})
	code, out := closed.run("apply", "-auto-approve", "-no-color")
	wantTimeout := regexp.MustCompile(`(?s)From the BPA Platform machine,\s+sage300\.example\.local:4207\s+cannot\s+be\s+reached:.*did\s+not\s+properly\s+respond`)
	if code == 0 || !wantTimeout.MatchString(out) {
		t.Fatalf("apply without the firewall rule: exit code %d, want a failure matching %s:\n%s", code, wantTimeout, out)
	}
	closed.check(
		checkAgentServes(t, server, p.Thumbprint), // the server's own check passes
		checkSimFirewallRuleGone(t, server, "Sage 300 Connector Agent (HTTPS-In)"),
	)

	// The same configuration, told to open the port.
	vars["open_firewall"] = "true"
	r := &exampleRun{t: t, tf: closed.tf, dir: closed.dir, env: closed.env}
	for k, v := range vars {
		r.env = append(r.env, "TF_VAR_"+k+"="+v)
	}
	r.apply()
	r.check(checkSimFirewallRule(t, server, "Sage 300 Connector Agent (HTTPS-In)", "4207", 3))
	r.expectOutputs(map[string]string{"client_served_thumbprint": p.Thumbprint, "served_thumbprint": p.Thumbprint})
	r.expectEmptyPlan()

	r.destroy()
	closed.destroyed = true
	r.check(
		checkSimFirewallRuleGone(t, server, "Sage 300 Connector Agent (HTTPS-In)"),
		checkCertificatesGone(t, bpa, "Root", p.Thumbprint),
	)

	// The BPA Platform machine is to trust the issuing CA by itself
	// (trust_on_bpa = false), but its Root store lacks that root.
	vars["trust_on_bpa"] = "false"
	gpo := newExampleRun(t, "sage300", vars)
	gpo.applied = true
	t.Cleanup(func() {
		if !gpo.destroyed {
			gpo.destroy()
		}
	})
	code, out = gpo.run("apply", "-auto-approve", "-no-color")
	wantUntrusted := regexp.MustCompile(`(?s)sage300\.example\.local:4207\s+serves\s+a\s+certificate\s+the\s+BPA\s+Platform\s+machine\s+does\s+not\s+trust:\s+A\s+certificate\s+chain\s+processed,\s+but\s+terminated\s+in\s+a\s+root\s+certificate\s+which\s+is\s+not\s+trusted`)
	if code == 0 || !wantUntrusted.MatchString(out) {
		t.Fatalf("apply with the BPA machine lacking the root: exit code %d, want a failure matching %s:\n%s", code, wantUntrusted, out)
	}
	gpo.check(checkSimFirewallRule(t, server, "Sage 300 Connector Agent (HTTPS-In)", "4207", 3))

	// Group Policy deploys the root to the BPA machine: the same apply passes.
	addCertificate(t, bpa, "Root", p.Root)
	gpo.apply()
	gpo.expectOutputs(map[string]string{"client_served_thumbprint": p.Thumbprint})
	gpo.destroy()
	gpo.check(checkSimFirewallRuleGone(t, server, "Sage 300 Connector Agent (HTTPS-In)"))
}

// addCertificate puts a certificate (no key) into a LocalMachine store of a
// simulated host outside Terraform, as Group Policy deploys a CA's root.
func addCertificate(t *testing.T, h *acctest.Host, store string, c *x509.Certificate) {
	t.Helper()
	h.EditSimState(t, func(state map[string]any) {
		certs, _ := state["certificates"].([]any)
		state["certificates"] = append(certs, map[string]any{
			"store": store, "pem": string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})), "has_private_key": false, "exportable": false})
	})
}
