package provider_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"software.sslmate.com/src/go-pkcs12"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/acctest"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/provider"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/windows"
)

const (
	sage300AgentAppID = "{a86ad080-2ec6-44fb-82e4-bb1e409ab93c}" // as HTTP.sys reports it
	sage300AgentPort  = "0.0.0.0:4207"
)

// TestAccSage300Example applies examples/sage300 (the shipped configuration
// and its module, unchanged) against two hosts, the Sage 300 server and the
// BPA Platform machine of examples/scenarios (sage300.json, bpa.json): steps 1 (PFX into My), 2 (URL reservation), 3 (binding to
// the thumbprint), 4 (public certificate read back), 5 (ServiceUri and a
// restart of the Agent, which then serves that certificate) and 6 (trusted
// in Root on the BPA machine); the module's check reads, from the server,
// that the Agent serves the imported certificate. Then an empty re-plan,
// drift on the BPA machine, and destroy on both, after which the Agent,
// restarted, serves plain HTTP on 4207 again (no HTTPS) and its .exe.config
// is byte for byte as before.
func TestAccSage300Example(t *testing.T) {
	server, bpa := acctest.NewHost(t, readScenario(t, "sage300")), acctest.NewHost(t, readScenario(t, "bpa"))
	if !server.IsSim() {
		t.Skip("needs the Sage 300 Connector Agent of examples/scenarios/sage300.json installed, which only the simulator has")
	}
	// The scenario is Windows Server 2016 (10.0.14393), which cannot read
	// AES-256 PFX files (PITFALLS.md): the PFX is exported as for it.
	p := newTestPFX(t, "sage300.example.local", pkcs12.LegacyDES)
	pfxPath := filepath.Join(t.TempDir(), "SAGE300.pfx")
	if err := os.WriteFile(pfxPath, p.PFX, 0o600); err != nil {
		t.Fatal(err)
	}
	if server.Username != bpa.Username || server.Password != bpa.Password || server.HTTPS {
		t.Skip("the example connects to both hosts with one account over HTTP")
	}
	// The example proves the Agent from the BPA Platform machine: it must
	// resolve the server's FQDN and reach it.
	linkSage300Hosts(t, server, bpa)
	useBuiltProvider(t)
	r := newExampleRun(t, "sage300", map[string]string{
		"sage300_host":   server.Address,
		"sage300_port":   strconv.Itoa(server.Port),
		"bpa_host":       bpa.Address,
		"bpa_port":       strconv.Itoa(bpa.Port),
		"winrm_username": server.Username,
		"winrm_password": server.Password,
		"fqdn":           "sage300.example.local",
		"pfx_path":       pfxPath,
		"pfx_password":   pfxPassword,
	})
	configBefore := simFileContent(t, server, sage300ConfigPath)
	r.check(checkServesPlainHTTP(t, server, sage300ServiceName, 4207))
	const pfxRes, trustRes = "module.sage300.windows_pfx_certificate.sage300[0]", "module.sage300.windows_certificate.bpa_trusts_sage300[0]"
	interThumb, rootThumb := provider.Thumbprint(p.Intermediate), provider.Thumbprint(p.Root)

	// The plan shows the certificate's thumbprint before anything changes.
	plan := r.plan()
	r.expectActions(plan, map[string]string{trustRes: "create"})
	for _, address := range []string{pfxRes} {
		if got := plan[address].Change.After["thumbprint"]; got != p.Thumbprint {
			t.Errorf("plan for %s: thumbprint %v, want %s", address, got, p.Thumbprint)
		}
	}
	if got := plan["module.sage300.windows_http_sslcert_binding.agent"].Change.After["certificate_hash"]; got != p.Thumbprint {
		t.Errorf("plan for the binding: certificate_hash %v, want %s", got, p.Thumbprint)
	}
	r.apply("tfplan")
	r.check(
		checkHostCertificate(t, server, "My", p.Thumbprint, true),
		checkHostCertificate(t, server, "CA", interThumb, false),
		checkHostCertificate(t, server, "Root", rootThumb, false),
		checkHostCertificate(t, bpa, "Root", p.Thumbprint, false),
		checkIPPortBinding(t, server, sage300AgentPort, p.Thumbprint, sage300AgentAppID),
		checkAgentServes(t, server, p.Thumbprint),
	)
	r.expectOutputs(map[string]string{
		"thumbprint":        p.Thumbprint,
		"served_thumbprint": p.Thumbprint,
		"agent_url":         "https://sage300.example.local:4207",
	})
	r.expectEmptyPlan()

	// Someone removed the trust on the BPA machine.
	removeCertificate(t, bpa, "Root", p.Thumbprint)()
	r.expectActions(r.plan(), map[string]string{trustRes: "create", pfxRes: "no-op"})
	r.apply("tfplan")
	r.check(checkHostCertificate(t, bpa, "Root", p.Thumbprint, false))

	if out := r.destroy(); !strings.Contains(out, destroyRestarts+" "+sage300ServiceName) {
		t.Errorf("the destroy does not say it restarts %s:\n%s", sage300ServiceName, out)
	}
	r.check(checkRolledBack(t, server, sage300ServiceName, 2, 4207, sage300ConfigPath, configBefore)...)
	r.check(
		checkCertificatesGone(t, server, "My", p.Thumbprint),
		checkCertificatesGone(t, bpa, "Root", p.Thumbprint),
		checkNoIPPortBinding(t, server, sage300AgentPort),
	)
}

// useBuiltProvider makes terraform install the provider built from this
// tree from a local mirror and run it as its own process, one per provider
// block. Two aliased blocks of one provider need two processes: the
// in-process provider the test harness reattaches is one server for every
// alias, and a provider server holds one configuration, so both aliases
// would reach the host configured last.
func useBuiltProvider(t *testing.T) {
	t.Helper()
	mirror := t.TempDir()
	const version = "0.0.1"
	bin := filepath.Join(mirror, "registry.terraform.io", "seed-1120c41c", "windows", version,
		runtime.GOOS+"_"+runtime.GOARCH, "terraform-provider-windows_v"+version)
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = filepath.Join("..", "..") // the module root, where main.go is
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build the provider: %v\n%s", err, out)
	}
	rc := filepath.Join(t.TempDir(), "terraformrc")
	installation := fmt.Sprintf("provider_installation {\n  filesystem_mirror {\n    path    = %s\n    include = [\"seed-1120c41c/windows\"]\n  }\n}\n",
		acctest.HCLString(mirror))
	if err := os.WriteFile(rc, []byte(installation), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TF_CLI_CONFIG_FILE", rc)
}

// checkIPPortBinding checks through the host API that ipport is bound to the
// certificate for the app id.
func checkIPPortBinding(t *testing.T, h *acctest.Host, ipport, thumbprint, appID string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		b, err := h.Windows(t).HTTPSys().GetSSLBinding(acctest.Context(t), windows.BindingKey{IPPort: ipport})
		if err != nil {
			return fmt.Errorf("no binding at %s: %w", ipport, err)
		}
		if b.CertificateHash != thumbprint || b.AppID != appID || b.CertificateStoreName != "MY" {
			return fmt.Errorf("binding at %s is %s/%s in %s, want %s/%s in MY", ipport, b.CertificateHash, b.AppID, b.CertificateStoreName, thumbprint, appID)
		}
		return nil
	}
}

func checkNoIPPortBinding(t *testing.T, h *acctest.Host, ipport string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		_, err := h.Windows(t).HTTPSys().GetSSLBinding(acctest.Context(t), windows.BindingKey{IPPort: ipport})
		if !windows.IsNotFound(err) {
			return fmt.Errorf("binding at %s after destroy: %v", ipport, err)
		}
		return nil
	}
}

// checkAgentServes checks the procedures' last step on the simulated server: the
// Agent, restarted with its HTTPS URI, serves the certificate with thumb.
func checkAgentServes(t *testing.T, h *acctest.Host, thumb string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if !h.IsSim() {
			return nil // a real host's Agent is checked by its own clients
		}
		for _, ep := range simEndpoints(t, h) {
			if ep.Service == sage300ServiceName && ep.Port == 4207 {
				got, err := servedThumbprint(ep.Address, "sage300.example.local")
				if err != nil {
					return err
				}
				if got != thumb {
					return fmt.Errorf("the Agent serves certificate %s, want %s", got, thumb)
				}
				return nil
			}
		}
		return fmt.Errorf("the Agent serves no HTTPS endpoint on port 4207: %+v", simEndpoints(t, h))
	}
}
