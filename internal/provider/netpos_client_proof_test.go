package provider_test

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"regexp"
	"strconv"
	"testing"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/acctest"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/provider"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/winsim"
)

// TestAccNetPOSClientProof runs examples/netpos with a touch terminal named
// as client_host (strict checks and the firewall rule: the example's
// defaults): a terminal that lacks the CA's root fails the apply, though
// the server's own check passes (it trusts its CA); with the root in the
// terminal's Root store the apply passes and the terminal was served the
// certificate, through the rule the module added for port 10101.
func TestAccNetPOSClientProof(t *testing.T) {
	till := acctest.NewHost(t, []byte(`{"hostname":"TILL01"}`))
	if !till.IsSim() {
		t.Skip("needs two simulated hosts that know each other")
	}
	chain := provider.NewTestChain(t, provider.LeafOptions{
		Subject: pkix.Name{CommonName: netposDNSName, Organization: []string{"Example"}}, DNSNames: []string{netposDNSName},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	})
	h := acctest.NewHost(t, netposScenario(t, chain))
	if h.HTTPS {
		t.Skip("the test passes the endpoint to examples/netpos as WINRM_* variables for HTTP")
	}
	if err := till.Sim.SetPeers([]winsim.Peer{{Names: []string{"NETPOS01", netposDNSName}, Address: "10.20.0.40", Admin: h.Sim.HTTPAddr()}}); err != nil {
		t.Fatal(err)
	}
	useBuiltProvider(t)
	setProviderEnvironment(t, h)
	thumbprint := provider.Thumbprint(chain.Leaf)
	r := newExampleRun(t, "netpos", map[string]string{"fqdn": netposDNSName,
		"client_host": till.Address, "client_port": strconv.Itoa(till.Port)})
	r.applied = true
	t.Cleanup(func() {
		if !r.destroyed {
			r.destroy()
		}
	})

	code, out := r.run("apply", "-auto-approve", "-no-color")
	want := regexp.MustCompile(`(?s)netpos01\.example\.local:10101\s+serves\s+a\s+certificate\s+the\s+client\s+127\.0\.0\.1\s+does\s+not\s+trust`)
	if code == 0 || !want.MatchString(out) {
		t.Fatalf("apply with the terminal lacking the root: exit code %d, want a failure matching %s:\n%s", code, want, out)
	}
	r.check(checkNetPOSServes(t, h, thumbprint), checkSimFirewallRule(t, h, "NetPOS.Net (HTTPS-In)", "10101", 3))

	addCertificate(t, till, "Root", chain.Root)
	r.apply()
	r.expectOutputs(map[string]string{"client_served_thumbprint": thumbprint, "served_thumbprint": thumbprint})
	r.destroy()
	r.check(checkSimFirewallRuleGone(t, h, "NetPOS.Net (HTTPS-In)"))
}
