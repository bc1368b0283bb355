package provider_test

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/acctest"
)

const (
	sage50Service    = "Sage50AccountsIntegrationService"
	sage50ConfigPath = `C:\Program Files (x86)\Codeless Platforms\Sage 50 Accounts Connector Toolpack\Integration Service\Sage 50 Accounts Integration Service.exe.config`
)

// checkFailed is the warning of examples/modules/sage50-https's check when
// the Integration Agent's port serves no certificate.
var checkFailed = regexp.MustCompile(`(?s)Warning: Check block assertion failed.*Port 4106 serves\s+nothing, not the certificate for`)

// strictFailed is the same failure under strict_checks: an error of the
// data source's postcondition, with the host's reason.
var strictFailed = regexp.MustCompile(`(?s)Error: Resource postcondition failed.*Port 4106 serves\s+nothing\s+over\s+nothing,.*actively\s+refused`)

// sage50Host is the Sage 50 server of examples/scenarios/sage50.json (the
// Integration Service, its .exe.config and its URL reservation), with the
// provider environment pointing at it for examples/sage50's empty provider
// block.
func sage50Host(t *testing.T) *acctest.Host {
	t.Helper()
	scenario, err := os.ReadFile("../../examples/scenarios/sage50.json")
	if err != nil {
		t.Fatal(err)
	}
	h := acctest.NewHost(t, scenario)
	if !h.IsSim() {
		t.Skip("needs the Sage 50 Accounts Integration Service of examples/scenarios/sage50.json, which only the simulator has")
	}
	if h.HTTPS {
		t.Skip("the test passes the endpoint to examples/sage50 as WINRM_* variables for HTTP")
	}
	useBuiltProvider(t)
	setProviderEnvironment(t, h)
	return h
}

// TestAccSage50Example applies examples/sage50 (through its module, as
// shipped) to the Sage 50 server of examples/scenarios/sage50.json: TLS 1.2
// on on both SChannel sides and TLS 1.0 and 1.1 left as the host has them
// (the procedure asks for TLS 1.2 only), .NET strong
// cryptography in every .NET key the host has, the certificate bound to
// port 4106 and the Integration Service restarted once; the data source its
// check uses, a handshake made from the host, reads the imported
// certificate over TLS 1.2. A second plan is empty; with the endpoint down
// outside Terraform, the check warns, naming the port. Destroy puts back
// what the host had (no SChannel keys, no binding, no certificate) and then
// restarts the Integration Service, which serves plain HTTP on 4105 again
// and no HTTPS, its .exe.config byte for byte as before.
func TestAccSage50Example(t *testing.T) {
	h := sage50Host(t)
	pfx := writeTestPFX(t, t.TempDir(), "sage50.pfx")
	cryptoBefore, err := h.Windows(t).TLSSettings().DotNetCrypto(acctest.Context(t))
	if err != nil {
		t.Fatal(err)
	}
	schannel, schannelGone := sage50SChannelChecks(t, h, false)

	configBefore := simFileContent(t, h, sage50ConfigPath)
	r := newExampleRun(t, "sage50", map[string]string{"fqdn": sage50FQDN, "pfx_path": pfx.path, "pfx_password": pfxPassword})
	r.check(checkServesPlainHTTP(t, h, sage50Service, 4105))
	r.apply()
	r.check(schannel...)
	r.check(
		checkHostStrongCryptoAll(t, h, cryptoBefore, 1),
		checkIPPortBinding(t, h, sage50IPPort, pfx.Thumbprint, sage50AppID),
		checkSimService(t, h, sage50Service, "Running", 1),
	)
	r.expectOutputs(map[string]string{"served_thumbprint": pfx.Thumbprint, "served_protocol": "TLS 1.2"})
	r.expectEmptyPlan()
	r.check(checkSimService(t, h, sage50Service, "Running", 1))

	// The Integration Service fell back to plain HTTP (as it would with a
	// config file edited and the service restarted by hand, then the edit
	// undone): nothing Terraform manages changed, but the endpoint serves
	// nothing, and the check says so from the host: the example's
	// strict_checks fails the plan; without it the check only warns.
	editSimRows(t, h, "services", "name", sage50Service, map[string]any{"listening_uri": "http://sage50.example.local:4105/"})()
	if code, out := r.run("plan", "-no-color"); code == 0 || !strictFailed.MatchString(out) {
		t.Errorf("plan with the endpoint down (strict_checks): exit code %d, want a failure naming the port:\n%s", code, out)
	}
	if code, out := r.run("plan", "-no-color", "-var", "strict_checks=false"); code != 0 || !checkFailed.MatchString(out) {
		t.Errorf("plan with the endpoint down, strict_checks = false: exit code %d, want 0 and the check's warning naming the port:\n%s", code, out)
	}
	editSimRows(t, h, "services", "name", sage50Service, map[string]any{"listening_uri": "https://sage50.example.local:4106/"})()

	if out := r.destroy(); !strings.Contains(out, destroyRestarts+" "+sage50Service) {
		t.Errorf("the destroy does not say it restarts %s:\n%s", sage50Service, out)
	}
	r.check(checkRolledBack(t, h, sage50Service, 2, 4105, sage50ConfigPath, configBefore)...)
	r.check(schannelGone...)
	r.check(checkNoIPPortBinding(t, h, sage50IPPort), checkCertificatesGone(t, h, "My", pfx.Thumbprint))
}

// sage50SChannelChecks are the SChannel keys examples/sage50 leaves on the
// host (TLS 1.2 on, server and client side; TLS 1.0 and 1.1 off only with
// disableOld, else untouched: no key) and those destroy leaves (none, as
// the scenario had).
func sage50SChannelChecks(t *testing.T, h *acctest.Host, disableOld bool) (applied, destroyed []resource.TestCheckFunc) {
	on, off := []*uint32{dwordValue(1), dwordValue(0)}, []*uint32{dwordValue(0), dwordValue(1)}
	for _, side := range []string{"Server", "Client"} {
		for protocol, want := range map[string][]*uint32{"TLS 1.2": on, "TLS 1.1": off, "TLS 1.0": off} {
			if protocol == "TLS 1.2" || disableOld {
				applied = append(applied, checkHostSChannel(t, h, protocol, side, true, want[0], want[1]))
			} else {
				applied = append(applied, checkHostSChannel(t, h, protocol, side, false, nil, nil))
			}
			destroyed = append(destroyed, checkHostSChannel(t, h, protocol, side, false, nil, nil))
		}
	}
	return applied, destroyed
}

// TestAccSage50Example_disableTLS10TLS11 applies examples/sage50 with
// schannel_disable_tls10_tls11 = true: TLS 1.0 and 1.1 are off in the
// host's SChannel keys, server and client side, next to TLS 1.2 on. Applied
// again with the variable back at false, the TLS 1.0 and 1.1 keys are gone
// again (the host had none) while TLS 1.2 stays on; destroy removes the
// rest.
func TestAccSage50Example_disableTLS10TLS11(t *testing.T) {
	h := sage50Host(t)
	pfx := writeTestPFX(t, t.TempDir(), "sage50.pfx")
	hardened, gone := sage50SChannelChecks(t, h, true)
	tls12Only, _ := sage50SChannelChecks(t, h, false)

	r := newExampleRun(t, "sage50", map[string]string{"fqdn": sage50FQDN, "pfx_path": pfx.path, "pfx_password": pfxPassword})
	r.apply("-var", "schannel_disable_tls10_tls11=true")
	r.check(hardened...)
	r.check(checkIPPortBinding(t, h, sage50IPPort, pfx.Thumbprint, sage50AppID))

	r.apply("-var", "schannel_disable_tls10_tls11=false")
	r.check(tls12Only...)

	r.destroy()
	r.check(gone...)
}

// TestAccSage50Example_httpsServiceURIMissing: examples/sage50 on a Sage 50
// server whose Integration Service .exe.config has no HttpsServiceUri (a
// version that names it otherwise) fails the plan, naming the keys the file
// has, and nothing on the host changes: the file keeps its bytes, and no
// SChannel key, certificate or binding is written.
func TestAccSage50Example_httpsServiceURIMissing(t *testing.T) {
	var doc map[string]any
	if err := json.Unmarshal(readScenario(t, "sage50"), &doc); err != nil {
		t.Fatal(err)
	}
	var configPath, original string
	for _, f := range acctest.StateList(t, doc, "files") {
		b, err := base64.StdEncoding.DecodeString(f["content_base64"].(string))
		if err != nil || !strings.Contains(string(b), `key="HttpsServiceUri"`) {
			continue
		}
		configPath = f["path"].(string)
		original = strings.Replace(string(b), `key="HttpsServiceUri"`, `key="SecureServiceUri"`, 1)
		f["content_base64"] = base64.StdEncoding.EncodeToString([]byte(original))
	}
	if configPath == "" {
		t.Fatal("examples/scenarios/sage50.json has no config file with HttpsServiceUri")
	}
	scenario, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	h := acctest.NewHost(t, scenario)
	if !h.IsSim() || h.HTTPS {
		t.Skip("the config file is seeded in the simulator's scenario, and the endpoint passed as WINRM_* variables for HTTP")
	}
	useBuiltProvider(t)
	setProviderEnvironment(t, h)
	pfx := writeTestPFX(t, t.TempDir(), "sage50.pfx")

	r := newExampleRun(t, "sage50", map[string]string{"fqdn": sage50FQDN, "pfx_path": pfx.path, "pfx_password": pfxPassword})
	r.expectPlanError(regexp.MustCompile(`(?s)Required\s+app\s+setting\s+not\s+in\s+the\s+file.*has\s+no\s+appSettings\s+entry\s+"HttpsServiceUri".*` +
		`appSettings\s+keys\s+are:\s+"HttpServiceUri",\s+"SecureServiceUri"\.`))
	if got := simFileContent(t, h, configPath); got != original {
		t.Errorf("the refused plan changed the config file:\n%s", got)
	}
	_, untouched := sage50SChannelChecks(t, h, true)
	r.check(untouched...)
	r.check(checkNoIPPortBinding(t, h, sage50IPPort), checkCertificatesGone(t, h, "My", pfx.Thumbprint))
}
