package provider_test

import (
	"os"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/acctest"
)

const sage50Service = "Sage50AccountsIntegrationService"

// checkFailed is the warning of examples/modules/sage50-https's check when
// the Integration Agent's port serves no certificate.
var checkFailed = regexp.MustCompile(`(?s)Warning: Check block assertion failed.*Port 4106 serves\s+nothing, not the imported certificate`)

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
// on and TLS 1.0 and 1.1 off on both SChannel sides, .NET strong
// cryptography in every .NET key the host has, the certificate bound to
// port 4106 and the Integration Service restarted once; the data source its
// check uses, a handshake made from the host, reads the imported
// certificate over TLS 1.2. A second plan is empty; with the endpoint down
// outside Terraform, the check warns, naming the port. Destroy puts back
// what the host had (no SChannel keys, no binding, no certificate).
func TestAccSage50Example(t *testing.T) {
	h := sage50Host(t)
	pfx := writeTestPFX(t, t.TempDir(), "sage50.pfx")
	cryptoBefore, err := h.Windows(t).TLSSettings().DotNetCrypto(acctest.Context(t))
	if err != nil {
		t.Fatal(err)
	}
	on, off := []*uint32{dwordValue(1), dwordValue(0)}, []*uint32{dwordValue(0), dwordValue(1)}
	var schannel, schannelGone []resource.TestCheckFunc
	for _, side := range []string{"Server", "Client"} {
		for protocol, want := range map[string][]*uint32{"TLS 1.2": on, "TLS 1.1": off, "TLS 1.0": off} {
			schannel = append(schannel, checkHostSChannel(t, h, protocol, side, true, want[0], want[1]))
			schannelGone = append(schannelGone, checkHostSChannel(t, h, protocol, side, false, nil, nil))
		}
	}

	r := newExampleRun(t, "sage50", map[string]string{"pfx_path": pfx.path, "pfx_password": pfxPassword})
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

	r.destroy()
	r.check(schannelGone...)
	r.check(checkNoIPPortBinding(t, h, sage50IPPort), checkCertificatesGone(t, h, "My", pfx.Thumbprint))
}
