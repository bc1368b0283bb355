package provider_test

import (
	"crypto/x509/pkix"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"software.sslmate.com/src/go-pkcs12"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/acctest"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/provider"
)

// sage50HostWith is sage50Host with certificates installed in My
// beforehand (by hand, or enrolled from the customer's CA).
func sage50HostWith(t *testing.T, certs ...netposCertificate) *acctest.Host {
	t.Helper()
	h := acctest.NewHost(t, scenarioWithCertificates(t, readScenario(t, "sage50"), certs...))
	if !h.IsSim() || h.HTTPS {
		t.Skip("needs the Sage 50 Accounts Integration Service of examples/scenarios/sage50.json (simulator only), reached as WINRM_* variables for HTTP")
	}
	useBuiltProvider(t)
	setProviderEnvironment(t, h)
	return h
}

// writePFXFile writes a PFX for the test and returns its path.
func writePFXFile(t *testing.T, p testPFX) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "server.pfx")
	if err := os.WriteFile(path, p.PFX, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// checkAppSetting checks an appSettings entry in a config file of the
// simulated host.
func checkAppSetting(t *testing.T, h *acctest.Host, configPath, key, value string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		want := fmt.Sprintf(`<add key=%q value=%q />`, key, value)
		if content := simFileContent(t, h, configPath); !strings.Contains(content, want) {
			return fmt.Errorf("%s lacks %s:\n%s", configPath, want, content)
		}
		return nil
	}
}

// checkNoPFXResource fails when a plan would import a PFX: an installed
// certificate is read, never managed.
func checkNoPFXResource(t *testing.T, changes map[string]plannedChange) {
	t.Helper()
	for address := range changes {
		if strings.Contains(address, "windows_pfx_certificate") {
			t.Errorf("the plan manages %s: an installed certificate must only be read", address)
		}
	}
}

// TestAccSage50Example_adoptInstalledCertificate: examples/sage50 given
// certificate_thumbprint instead of a PFX binds the certificate installed
// beforehand, serves it under fqdn, re-plans empty, and destroy leaves the
// certificate (and its key) in the store for the other services using it.
func TestAccSage50Example_adoptInstalledCertificate(t *testing.T) {
	installed := newTestPFX(t, sage50FQDN, pkcs12.Modern)
	h := sage50HostWith(t, leafCertificate(t, installed.TestChain))
	r := newExampleRun(t, "sage50", map[string]string{"fqdn": sage50FQDN, "certificate_thumbprint": installed.Thumbprint})
	checkNoPFXResource(t, r.plan())
	r.apply()
	r.check(
		checkIPPortBinding(t, h, sage50IPPort, installed.Thumbprint, sage50AppID),
		checkAppSetting(t, h, sage50ConfigPath, "HttpsServiceUri", "https://sage50.example.local:4106/"),
		checkSimService(t, h, sage50Service, "Running", 1),
	)
	r.expectOutputs(map[string]string{"served_thumbprint": installed.Thumbprint, "served_protocol": "TLS 1.2"})
	r.expectEmptyPlan()

	r.destroy()
	r.check(checkNoIPPortBinding(t, h, sage50IPPort), checkHostCertificate(t, h, "My", installed.Thumbprint, true))
}

// TestAccSage50Example_duplicatePFXRefusedAtPlan: a PFX whose certificate
// is already in the store (installed by hand, not by this configuration)
// fails the plan, and so the apply, before anything changes on the host:
// no SChannel key, no binding, no .NET setting, the config file's bytes and
// the service as they were. The message names the module address Terraform
// prints with it, certificate_thumbprint, and the import; the import as
// written there then takes the certificate over.
func TestAccSage50Example_duplicatePFXRefusedAtPlan(t *testing.T) {
	installed := newTestPFX(t, sage50FQDN, pkcs12.Modern)
	h := sage50HostWith(t, leafCertificate(t, installed.TestChain))
	before := h.SimState(t)
	configBefore := simFileContent(t, h, sage50ConfigPath)
	r := newExampleRun(t, "sage50", map[string]string{"fqdn": sage50FQDN, "pfx_path": writePFXFile(t, installed), "pfx_password": pfxPassword})

	refused := regexp.MustCompile(`(?s)Error: Certificate already in the store.*with module\.sage50\.windows_pfx_certificate\.trusted\[0\],` +
		`.*certificate_thumbprint\s+=\s+"` + installed.Thumbprint + `"\s+instead\s+of\s+pfx_path` +
		`.*terraform import 'ADDRESS' MY/` + installed.Thumbprint)
	r.expectPlanError(refused)
	if code, out := r.run("apply", "-auto-approve", "-no-color"); code == 0 || !refused.MatchString(out) {
		t.Fatalf("apply: exit code %d, want the plan's refusal:\n%s", code, out)
	}
	for _, side := range []string{"Server", "Client"} {
		for _, protocol := range []string{"TLS 1.0", "TLS 1.1", "TLS 1.2"} {
			r.check(checkHostSChannel(t, h, protocol, side, false, nil, nil))
		}
	}
	r.check(checkNoIPPortBinding(t, h, sage50IPPort), checkSimService(t, h, sage50Service, "Running", 0))
	if after := simFileContent(t, h, sage50ConfigPath); after != configBefore {
		t.Errorf("the config file changed:\n%s\nwas:\n%s", after, configBefore)
	}
	if after := h.SimState(t); !reflect.DeepEqual(after, before) {
		t.Errorf("the refused apply changed the simulated host")
	}

	// The import the message gives, with the module address Terraform
	// printed: the certificate is then managed (and removed on destroy).
	r.must("import", "-no-color", "module.sage50.windows_pfx_certificate.trusted[0]", "MY/"+installed.Thumbprint)
	r.apply()
	r.check(checkIPPortBinding(t, h, sage50IPPort, installed.Thumbprint, sage50AppID))
	r.expectEmptyPlan()
}

// TestAccSage50Example_wildcardCertificate: an installed *.example.local
// certificate, found by the fqdn it covers, serves
// https://sage50.example.local:4106/ (not https://*.example.local…); an fqdn
// two labels under the wildcard, or a PFX for another name, fails the plan
// naming fqdn; a CN-only certificate covers its common name.
func TestAccSage50Example_wildcardCertificate(t *testing.T) {
	wildcard := newTestPFX(t, "*.example.local", pkcs12.Modern)
	h := sage50HostWith(t, leafCertificate(t, wildcard.TestChain))
	r := newExampleRun(t, "sage50", map[string]string{"fqdn": sage50FQDN})
	checkNoPFXResource(t, r.plan())
	r.apply()
	r.check(
		checkIPPortBinding(t, h, sage50IPPort, wildcard.Thumbprint, sage50AppID),
		checkAppSetting(t, h, sage50ConfigPath, "HttpsServiceUri", "https://sage50.example.local:4106/"),
	)
	r.expectOutputs(map[string]string{"served_thumbprint": wildcard.Thumbprint})
	r.expectEmptyPlan()
	r.destroy()
	r.check(checkHostCertificate(t, h, "My", wildcard.Thumbprint, true))

	notCovered := func(fqdn string) *regexp.Regexp {
		return regexp.MustCompile(`(?s)Resource precondition failed.*does\s+not\s+cover\s+fqdn\s+` + regexp.QuoteMeta(fqdn))
	}
	deeper := newExampleRun(t, "sage50", map[string]string{"fqdn": "a.b.example.local", "certificate_thumbprint": wildcard.Thumbprint})
	deeper.expectPlanError(notCovered("a.b.example.local"))

	other := newTestPFX(t, "other.example.local", pkcs12.Modern)
	otherName := newExampleRun(t, "sage50", map[string]string{"fqdn": sage50FQDN, "pfx_path": writePFXFile(t, other), "pfx_password": pfxPassword})
	otherName.expectPlanError(notCovered(sage50FQDN))

	cnOnly := newTestPFX(t, sage50FQDN, pkcs12.Modern, func(o *provider.LeafOptions) {
		o.DNSNames, o.Subject = nil, pkix.Name{CommonName: sage50FQDN}
	})
	byCN := newExampleRun(t, "sage50", map[string]string{"fqdn": sage50FQDN, "pfx_path": writePFXFile(t, cnOnly), "pfx_password": pfxPassword})
	if code, out := byCN.run("plan", "-no-color"); code != 0 {
		t.Errorf("plan with a CN-only certificate for fqdn: exit code %d\n%s", code, out)
	}
	r.check(checkNoIPPortBinding(t, h, sage50IPPort))
}

// TestAccSage300Example_adoptInstalledCertificate: examples/sage300 given
// certificate_thumbprint binds the certificate installed on the Sage 300
// server, trusts it on the BPA Platform machine, re-plans empty; destroy
// removes the trust it added but leaves the server's certificate.
func TestAccSage300Example_adoptInstalledCertificate(t *testing.T) {
	installed := newTestPFX(t, "sage300.example.local", pkcs12.LegacyDES)
	server := acctest.NewHost(t, scenarioWithCertificates(t, readScenario(t, "sage300"), leafCertificate(t, installed.TestChain)))
	bpa := acctest.NewHost(t, readScenario(t, "bpa"))
	if !server.IsSim() || server.HTTPS || server.Username != bpa.Username || server.Password != bpa.Password {
		t.Skip("needs the Sage 300 Connector Agent of examples/scenarios/sage300.json (simulator only), both hosts reached with one account over HTTP")
	}
	// The example proves the Agent from the BPA Platform machine (strictly):
	// there the server's FQDN must resolve and the port be reachable.
	linkSage300Hosts(t, server, bpa)
	useBuiltProvider(t)
	r := newExampleRun(t, "sage300", map[string]string{
		"sage300_host": server.Address, "sage300_port": strconv.Itoa(server.Port),
		"bpa_host": bpa.Address, "bpa_port": strconv.Itoa(bpa.Port),
		"winrm_username": server.Username, "winrm_password": server.Password,
		"fqdn": "sage300.example.local", "certificate_thumbprint": installed.Thumbprint,
	})
	checkNoPFXResource(t, r.plan())
	r.apply("tfplan")
	r.check(
		checkIPPortBinding(t, server, sage300AgentPort, installed.Thumbprint, sage300AgentAppID),
		checkHostCertificate(t, bpa, "Root", installed.Thumbprint, false),
		checkAgentServes(t, server, installed.Thumbprint),
	)
	r.expectOutputs(map[string]string{"served_thumbprint": installed.Thumbprint, "agent_url": "https://sage300.example.local:4207"})
	r.expectEmptyPlan()

	r.destroy()
	r.check(
		checkHostCertificate(t, server, "My", installed.Thumbprint, true),
		checkCertificatesGone(t, bpa, "Root", installed.Thumbprint),
		checkNoIPPortBinding(t, server, sage300AgentPort),
	)
}

// TestAccNetPOSExample_certificateChoices: the NetPOS module takes the
// installed certificate by thumbprint, or a PFX, which it imports and
// removes on destroy; a PFX of the installed certificate fails the plan
// before anything changes.
func TestAccNetPOSExample_certificateChoices(t *testing.T) {
	chain := provider.NewTestChain(t, provider.LeafOptions{
		Subject: pkix.Name{CommonName: netposDNSName, Organization: []string{"Example"}}, DNSNames: []string{netposDNSName},
	})
	useBuiltProvider(t)

	t.Run("by thumbprint", func(t *testing.T) {
		h := acctest.NewHost(t, netposScenario(t, chain))
		if !h.IsSim() || h.HTTPS {
			t.Skip("needs the NetPOS.Net service of examples/scenarios/netpos.json (simulator only), reached as WINRM_* variables for HTTP")
		}
		setProviderEnvironment(t, h)
		thumbprint := provider.Thumbprint(chain.Leaf)
		r := newExampleRun(t, "netpos", map[string]string{"fqdn": netposDNSName, "certificate_thumbprint": thumbprint})
		r.apply()
		r.check(checkIPPortBinding(t, h, netposIPPort, thumbprint, netposAppID), checkNetPOSServes(t, h, thumbprint))
		r.expectEmptyPlan()
		r.destroy()
		r.check(checkHostCertificate(t, h, "My", thumbprint, true))
	})

	pfx := testPFX{TestChain: chain, PFX: chain.PFX(t, pkcs12.Modern, pfxPassword, false), Thumbprint: provider.Thumbprint(chain.Leaf)}
	t.Run("PFX of the installed certificate", func(t *testing.T) {
		h := acctest.NewHost(t, netposScenario(t, chain))
		if !h.IsSim() || h.HTTPS {
			t.Skip("simulator only, over HTTP")
		}
		setProviderEnvironment(t, h)
		r := newExampleRun(t, "netpos", map[string]string{"fqdn": netposDNSName, "pfx_path": writePFXFile(t, pfx), "pfx_password": pfxPassword})
		r.expectPlanError(regexp.MustCompile(`(?s)Certificate already in the store.*with module\.netpos\.windows_pfx_certificate\.netpos\[0\],`))
		checkNetPOSUntouched(t, h)
	})

	t.Run("PFX", func(t *testing.T) {
		// The CA is trusted on the host, the server's certificate is not
		// installed: the PFX brings it.
		h := acctest.NewHost(t, netposScenarioTrustingCA(t, chain, netposServerWithoutCertificates(t)))
		if !h.IsSim() || h.HTTPS {
			t.Skip("simulator only, over HTTP")
		}
		setProviderEnvironment(t, h)
		r := newExampleRun(t, "netpos", map[string]string{"fqdn": netposDNSName, "pfx_path": writePFXFile(t, pfx), "pfx_password": pfxPassword})
		r.apply()
		r.check(
			checkHostCertificate(t, h, "My", pfx.Thumbprint, true),
			checkIPPortBinding(t, h, netposIPPort, pfx.Thumbprint, netposAppID),
			checkNetPOSServes(t, h, pfx.Thumbprint),
		)
		r.expectEmptyPlan()
		r.destroy()
		r.check(checkCertificatesGone(t, h, "My", pfx.Thumbprint), checkNoIPPortBinding(t, h, netposIPPort))
	})
}

// TestAccSage50Example_switchPFXToInstalled follows the guide: a server the
// module imported a PFX on switches to that certificate as installed with
// terraform state rm and certificate_thumbprint instead of pfx_path; the
// plan is then empty, and destroy leaves the certificate in the store.
func TestAccSage50Example_switchPFXToInstalled(t *testing.T) {
	h := sage50HostWith(t)
	pfx := newTestPFX(t, sage50FQDN, pkcs12.Modern)
	r := newExampleRun(t, "sage50", map[string]string{"fqdn": sage50FQDN, "pfx_path": writePFXFile(t, pfx), "pfx_password": pfxPassword})
	r.apply()
	r.check(checkIPPortBinding(t, h, sage50IPPort, pfx.Thumbprint, sage50AppID))

	r.must("state", "rm", "-no-color", "module.sage50.windows_pfx_certificate.trusted[0]")
	var env []string
	for _, v := range r.env {
		if !strings.HasPrefix(v, "TF_VAR_pfx_") {
			env = append(env, v)
		}
	}
	r.env = append(env, "TF_VAR_certificate_thumbprint="+pfx.Thumbprint)
	r.expectEmptyPlan()

	// An empty pfx_path (TF_VAR_pfx_path= in a script) is not "unset".
	installedEnv := r.env
	r.env = append(r.env, "TF_VAR_pfx_path=")
	r.expectPlanError(regexp.MustCompile(`pfx_path\s+is\s+empty`))
	r.env = installedEnv
	r.destroy()
	r.check(checkNoIPPortBinding(t, h, sage50IPPort), checkHostCertificate(t, h, "My", pfx.Thumbprint, true))
}
