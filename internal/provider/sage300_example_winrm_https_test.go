package provider_test

import (
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"software.sslmate.com/src/go-pkcs12"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/acctest"
)

// TestAccSage300Example_winRMPerHost plans examples/sage300 with the Sage 300
// server reached over its WinRM HTTPS listener, pinned to the CA that issued
// the listener's certificate (sage300_https, sage300_ca_cert), and the BPA
// Platform machine over HTTP: each machine's endpoint is its own. Without the
// CA the plan fails asking for ca_cert, so the server really is dialled over
// HTTPS with the example's per-host CA.
func TestAccSage300Example_winRMPerHost(t *testing.T) {
	server, bpa := acctest.NewHost(t, readScenario(t, "sage300")), acctest.NewHost(t, readScenario(t, "bpa"))
	if !server.IsSim() || !bpa.IsSim() {
		t.Skip("needs the simulators' HTTPS listener and its CA")
	}
	p := newTestPFX(t, "sage300.example.local", pkcs12.LegacyDES)
	pfxPath := filepath.Join(t.TempDir(), "SAGE300.pfx")
	if err := os.WriteFile(pfxPath, p.PFX, 0o600); err != nil {
		t.Fatal(err)
	}
	linkSage300Hosts(t, server, bpa)
	useBuiltProvider(t)
	tlsHost, tlsPort, err := net.SplitHostPort(server.Sim.TLSAddr())
	if err != nil {
		t.Fatal(err)
	}
	vars := func(caCert string) map[string]string {
		v := map[string]string{
			"sage300_host": tlsHost, "sage300_port": tlsPort, "sage300_https": "true",
			"bpa_host": bpa.Address, "bpa_port": strconv.Itoa(bpa.Port),
			"winrm_username": server.Username, "winrm_password": server.Password,
			"fqdn": "sage300.example.local", "pfx_path": pfxPath, "pfx_password": pfxPassword,
		}
		if caCert != "" {
			v["sage300_ca_cert"] = caCert
		}
		return v
	}

	plan := newExampleRun(t, "sage300", vars(string(server.Sim.CACertPEM()))).plan()
	const pfxRes = "module.sage300.windows_pfx_certificate.sage300[0]"
	if got := plan[pfxRes].Change.After["thumbprint"]; got != p.Thumbprint {
		t.Errorf("plan over HTTPS for %s: thumbprint %v, want %s", pfxRes, got, p.Thumbprint)
	}

	newExampleRun(t, "sage300", vars("")).expectPlanError(regexp.MustCompile(`ca_cert`))
}
