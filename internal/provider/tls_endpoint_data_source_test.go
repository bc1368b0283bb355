package provider_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"software.sslmate.com/src/go-pkcs12"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/acctest"
)

const (
	agentEndpoint  = "data.windows_tls_endpoint.agent"
	closedEndpoint = "data.windows_tls_endpoint.closed"
)

// tlsEndpointBlocks probe the agent's port (after its restart) and a port
// nobody serves, and check in a check block that the agent serves the
// imported certificate.
func tlsEndpointBlocks(dependsOn string) string {
	return hclBlock("data", "windows_tls_endpoint", "agent", "port = 4207", hclAttr("server_name", "sage300.example.local"),
		"depends_on = ["+dependsOn+"]") +
		hclBlock("data", "windows_tls_endpoint", "closed", "port = 4300") + `
check "agent_serves_the_imported_certificate" {
  assert {
    condition     = data.windows_tls_endpoint.agent.thumbprint == windows_pfx_certificate.sage300.thumbprint
    error_message = "port 4207 serves ${coalesce(data.windows_tls_endpoint.agent.thumbprint, "nothing")}: ${coalesce(data.windows_tls_endpoint.agent.error, "another certificate")}"
  }
}
`
}

// TestAccTLSEndpointDataSource_servedCertificate applies the Sage 300
// server procedure and proves the result from the host: the agent's port
// serves the imported certificate with a trusted chain, and a port nobody
// serves is reported, not failed. The simulator's probe is the agent's own
// handshake under Mono, whose SslStream negotiates TLS 1.2 at most (Windows
// Server 2022 would report TLS 1.3).
func TestAccTLSEndpointDataSource_servedCertificate(t *testing.T) {
	h := acctest.NewHost(t, sage300Scenario(t, nil))
	if !h.IsSim() {
		t.Skip("needs the Sage 300 Connector Agent of the Sage 300 scenario, which only the simulator has")
	}
	p := newTestPFX(t, "sage300.example.local", pkcs12.Modern)
	config := sage300ServerConfig(h, p) + tlsEndpointBlocks("windows_service_restart.agent")
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(agentEndpoint, "reachable", "true"),
					resource.TestCheckResourceAttr(agentEndpoint, "thumbprint", p.Thumbprint),
					resource.TestCheckResourceAttr(agentEndpoint, "subject", "CN=sage300.example.local"),
					resource.TestCheckResourceAttr(agentEndpoint, "protocol", "TLS 1.2"),
					resource.TestCheckResourceAttr(agentEndpoint, "address", "127.0.0.1"),
					resource.TestCheckResourceAttr(agentEndpoint, "id", "127.0.0.1:4207"),
					resource.TestCheckResourceAttrPair(agentEndpoint, "not_after", "windows_pfx_certificate.sage300", "not_after"),
					resource.TestCheckResourceAttrSet(agentEndpoint, "cipher_suite"),
					// import_chain put the test CA into Root.
					resource.TestCheckResourceAttr(agentEndpoint, "chain_trusted", "true"),
					resource.TestCheckNoResourceAttr(agentEndpoint, "chain_status"),
					resource.TestCheckNoResourceAttr(agentEndpoint, "error"),
					resource.TestCheckResourceAttr(closedEndpoint, "reachable", "false"),
					resource.TestMatchResourceAttr(closedEndpoint, "error", regexp.MustCompile(`actively refused it 127\.0\.0\.1:4300`)),
					resource.TestCheckNoResourceAttr(closedEndpoint, "thumbprint"),
				),
			},
			emptyPlanStep(config),
		},
	})
}

// TestAccTLSEndpointDataSource_followsSChannel turns server protocols off
// with windows_schannel_protocol: nothing changes until the host restarts
// (reboot_required), then the endpoint serves the newest protocol left on,
// and with none left no handshake succeeds. TLS 1.3 and 1.2 go first: the
// simulator's probe (Mono's SslStream) stops at TLS 1.2.
func TestAccTLSEndpointDataSource_followsSChannel(t *testing.T) {
	h := acctest.NewHost(t, sage300Scenario(t, nil))
	if !h.IsSim() {
		t.Skip("the test restarts the host through the simulator's admin API")
	}
	p := newTestPFX(t, "sage300.example.local", pkcs12.Modern)
	// serverOff turns the server side of each protocol off, as resources
	// windows_schannel_protocol.off0, off1, ...
	serverOff := func(protocols ...string) (string, string) {
		var blocks, names string
		for i, protocol := range protocols {
			name := fmt.Sprintf("off%d", i)
			blocks += hclBlock("resource", "windows_schannel_protocol", name,
				hclAttr("protocol", protocol), hclAttr("side", "server"), "enabled = false")
			names += ", windows_schannel_protocol." + name
		}
		return blocks, names
	}
	base := sage300ServerConfig(h, p)
	reboot := func() { h.EditSimState(t, func(map[string]any) {}) } // a state loaded is a host started
	off, deps := serverOff("TLS 1.3", "TLS 1.2")
	newestOff := base + off + tlsEndpointBlocks("windows_service_restart.agent"+deps)
	off, deps = serverOff("TLS 1.3", "TLS 1.2", "TLS 1.1", "TLS 1.0")
	allOff := base + off + tlsEndpointBlocks("windows_service_restart.agent"+deps)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: newestOff,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("windows_schannel_protocol.off1", "reboot_required", "true"),
					resource.TestCheckResourceAttr(agentEndpoint, "protocol", "TLS 1.2"),
				),
			},
			{
				PreConfig: reboot,
				Config:    newestOff,
				Check:     resource.TestCheckResourceAttr(agentEndpoint, "protocol", "TLS 1.1"),
			},
			{
				Config: allOff,
				Check:  resource.TestCheckResourceAttr(agentEndpoint, "protocol", "TLS 1.1"),
			},
			{
				PreConfig: reboot,
				Config:    allOff,
				// The check block warns; the data source reports.
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(agentEndpoint, "reachable", "false"),
					resource.TestMatchResourceAttr(agentEndpoint, "error", regexp.MustCompile(`do not possess a common algorithm`)),
				),
			},
		},
	})
}
