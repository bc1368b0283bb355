// Package acctest holds what acceptance tests share: a host to test against
// (an in-process simulator, or the real host named by WINRM_* variables) and
// the provider factories that the terraform binary talks to.
package acctest

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/provider"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/windows"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/winrm"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/winsim"
)

// simUser and simPassword are the simulator's administrator credentials; the
// password has characters that break naive quoting on purpose.
const (
	simUser     = "Administrator"
	simPassword = `P@ss'w"0rd$(x)` + "`;"
)

// ProviderFactories serves the provider in-process to the terraform binary.
var ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"windows": providerserver.NewProtocol6WithError(provider.New("test")()),
}

// Host is one Windows host under test.
type Host struct {
	Address  string // host name or IP
	Port     int
	HTTPS    bool
	CACert   string // PEM, for HTTPS
	Username string
	Password string
	Auth     string
	// Insecure, TLSServerName and AllowUnencrypted carry the WINRM_* settings
	// of a real host through to both the provider block and Windows().
	Insecure         bool
	TLSServerName    string
	AllowUnencrypted bool
	// Sim is the simulator behind the host, nil for a real host.
	Sim *winsim.Server
}

// PreCheck makes acceptance tests use the terraform binary on PATH, never a
// downloaded one, and fails (not skips) when it is missing.
func PreCheck(t *testing.T) {
	t.Helper()
	if os.Getenv("TF_ACC_TERRAFORM_PATH") == "" {
		p, err := exec.LookPath("terraform")
		if err != nil {
			t.Fatalf("terraform binary not found on PATH: %v", err)
		}
		t.Setenv("TF_ACC_TERRAFORM_PATH", p)
	}
}

// NewHost returns the host to test against: the real one when WINRM_HOST is
// set, otherwise a simulator started for this test with the given scenario
// (JSON, may be nil) and stopped when the test ends.
func NewHost(t *testing.T, scenario []byte) *Host {
	t.Helper()
	PreCheck(t)
	if addr := os.Getenv("WINRM_HOST"); addr != "" {
		return realHost(t, addr)
	}
	sim, err := winsim.Start(winsim.Options{
		Hostname: "WIN-ACC", User: simUser, Password: simPassword,
		HTTPAddr: "127.0.0.1:0", TLSAddr: "127.0.0.1:0", Scenario: scenario,
	})
	if err != nil {
		t.Fatalf("start simulator: %v", err)
	}
	t.Cleanup(func() { _ = sim.Close() })
	host, port, err := net.SplitHostPort(sim.HTTPAddr())
	if err != nil {
		t.Fatalf("simulator address %q: %v", sim.HTTPAddr(), err)
	}
	p, _ := strconv.Atoi(port)
	// The provider's clients outlive a terraform run in this process: delete
	// their workers' shells before the simulator goes (cleanups run last
	// registered first).
	t.Cleanup(func() { provider.CloseClientsOf(host, p) })
	return &Host{Address: host, Port: p, Username: simUser, Password: simPassword, Auth: "ntlm", Sim: sim}
}

func realHost(t *testing.T, addr string) *Host {
	h := &Host{
		Address: addr, Username: os.Getenv("WINRM_USERNAME"), Password: os.Getenv("WINRM_PASSWORD"),
		Auth: os.Getenv("WINRM_AUTH"), CACert: os.Getenv("WINRM_CA_CERT"),
		TLSServerName: os.Getenv("WINRM_TLS_SERVER_NAME"),
	}
	h.HTTPS, _ = strconv.ParseBool(os.Getenv("WINRM_HTTPS"))
	h.Insecure, _ = strconv.ParseBool(os.Getenv("WINRM_INSECURE"))
	h.AllowUnencrypted, _ = strconv.ParseBool(os.Getenv("WINRM_ALLOW_UNENCRYPTED"))
	h.Port, _ = strconv.Atoi(os.Getenv("WINRM_PORT"))
	if h.Auth == "" {
		h.Auth = "ntlm"
	}
	if h.Port == 0 {
		h.Port = 5985
		if h.HTTPS {
			h.Port = 5986
		}
	}
	if h.Username == "" || h.Password == "" {
		t.Fatal("WINRM_HOST is set: set WINRM_USERNAME and WINRM_PASSWORD too")
	}
	return h
}

// ProviderConfig returns a provider block for the host; alias may be empty.
// Values are written as HCL string literals, escaped.
func (h *Host) ProviderConfig(alias string) string {
	var b strings.Builder
	b.WriteString("provider \"windows\" {\n")
	if alias != "" {
		fmt.Fprintf(&b, "  alias = %q\n", alias)
	}
	fmt.Fprintf(&b, "  host = %s\n  port = %d\n  https = %t\n  auth = %s\n  username = %s\n  password = %s\n",
		HCLString(h.Address), h.Port, h.HTTPS, HCLString(h.Auth), HCLString(h.Username), HCLString(h.Password))
	if h.CACert != "" {
		fmt.Fprintf(&b, "  ca_cert = %s\n", HCLString(h.CACert))
	}
	if h.TLSServerName != "" {
		fmt.Fprintf(&b, "  tls_server_name = %s\n", HCLString(h.TLSServerName))
	}
	if h.Insecure {
		b.WriteString("  insecure = true\n")
	}
	if h.AllowUnencrypted {
		b.WriteString("  allow_unencrypted = true\n")
	}
	b.WriteString("}\n")
	return b.String()
}

// Windows returns the typed host API on the host, for checks and for drift
// made outside Terraform.
func (h *Host) Windows(t *testing.T) *windows.Host {
	t.Helper()
	client, err := winrm.New(winrm.Config{
		Host: h.Address, Port: h.Port, HTTPS: h.HTTPS, CACertPEM: []byte(h.CACert),
		Insecure: h.Insecure, TLSServerName: h.TLSServerName, AllowUnencrypted: h.AllowUnencrypted,
		Auth: h.Auth, Username: h.Username, Password: h.Password, Timeout: time.Minute,
	})
	if err != nil {
		t.Fatalf("winrm client: %v", err)
	}
	t.Cleanup(func() { _ = client.Close() })
	return windows.New(client)
}

// Context returns a context bounded for one check.
func Context(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}
