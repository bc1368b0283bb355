package provider_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"software.sslmate.com/src/go-pkcs12"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/acctest"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/provider"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/windows"
)

const (
	sage300AgentAppID = "{a86ad080-2ec6-44fb-82e4-bb1e409ab93c}" // as HTTP.sys reports it
	sage300AgentPort  = "0.0.0.0:4207"
)

// TestAccSage300Example applies examples/sage300 (the shipped configuration,
// unchanged) against two hosts, the Sage 300 server and the BPA Platform
// machine: seed steps 1 (PFX into My), 2 (URL reservation), 3 (binding to
// the thumbprint), 4 (public certificate read back), 5 (ServiceUri and a
// restart of the Agent, which then serves that certificate) and 6 (trusted
// in Root on the BPA machine). Then an empty re-plan, drift on the BPA
// machine, and destroy on both.
func TestAccSage300Example(t *testing.T) {
	server, bpa := acctest.NewHost(t, sage300Scenario(t, nil)), acctest.NewHost(t, nil)
	if !server.IsSim() {
		t.Skip("needs the Sage 300 Connector Agent of sage300Scenario installed, which only the simulator has")
	}
	p := newTestPFX(t, "sage300.example.local", pkcs12.Modern)
	pfxPath := filepath.Join(t.TempDir(), "SAGE300.pfx")
	if err := os.WriteFile(pfxPath, p.PFX, 0o600); err != nil {
		t.Fatal(err)
	}
	useBuiltProvider(t)
	variables := config.Variables{
		"sage300_host":   config.StringVariable(server.Address),
		"sage300_port":   config.IntegerVariable(server.Port),
		"bpa_host":       config.StringVariable(bpa.Address),
		"bpa_port":       config.IntegerVariable(bpa.Port),
		"winrm_username": config.StringVariable(server.Username),
		"winrm_password": config.StringVariable(server.Password),
		"pfx_path":       config.StringVariable(pfxPath),
		"pfx_password":   config.StringVariable(pfxPassword),
	}
	if server.Username != bpa.Username || server.Password != bpa.Password || server.HTTPS {
		t.Skip("the example connects to both hosts with one account over HTTP")
	}
	example := config.StaticDirectory("../../examples/sage300")
	const pfxRes, trustRes = "windows_pfx_certificate.sage300", "windows_certificate.bpa_trusts_sage300"
	interThumb, rootThumb := provider.Thumbprint(p.Intermediate), provider.Thumbprint(p.Root)
	resource.Test(t, resource.TestCase{
		PreCheck: func() { acctest.PreCheck(t) },
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(
			checkCertificatesGone(t, server, "My", p.Thumbprint),
			checkCertificatesGone(t, bpa, "Root", p.Thumbprint),
			checkNoIPPortBinding(t, server, sage300AgentPort),
		),
		Steps: []resource.TestStep{
			{
				ConfigDirectory: example,
				ConfigVariables: variables,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(pfxRes, tfjsonpath.New("thumbprint"), knownvalue.StringExact(p.Thumbprint)),
					plancheck.ExpectKnownValue("windows_http_sslcert_binding.agent", tfjsonpath.New("certificate_hash"), knownvalue.StringExact(p.Thumbprint)),
					plancheck.ExpectResourceAction(trustRes, plancheck.ResourceActionCreate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkHostCertificate(t, server, "My", p.Thumbprint, true),
					checkHostCertificate(t, server, "CA", interThumb, false),
					checkHostCertificate(t, server, "Root", rootThumb, false),
					checkHostCertificate(t, bpa, "Root", p.Thumbprint, false),
					checkIPPortBinding(t, server, sage300AgentPort, p.Thumbprint, sage300AgentAppID),
					resource.TestCheckResourceAttr("data.windows_certificate.sage300", "pem", p.PEM),
					resource.TestCheckOutput("thumbprint", p.Thumbprint),
					resource.TestCheckOutput("agent_url", "https://sage300.example.local:4207"),
					checkAgentServes(t, server, p.Thumbprint),
				),
			},
			{
				ConfigDirectory:  example,
				ConfigVariables:  variables,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				// Someone removed the trust on the BPA machine.
				PreConfig:       removeCertificate(t, bpa, "Root", p.Thumbprint),
				ConfigDirectory: example,
				ConfigVariables: variables,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(trustRes, plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction(pfxRes, plancheck.ResourceActionNoop),
				}},
				Check: checkHostCertificate(t, bpa, "Root", p.Thumbprint, false),
			},
		},
	})
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

// checkAgentServes checks the seeds' last step on the simulated server: the
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
