package provider_test

import (
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/acctest"
)

// destroyRestarts matches the warning the destroy plan gives for a module's
// restart on destroy.
const destroyRestarts = "Destroying this restarts service"

// simPlainEndpoints reads GET /winsim/http-endpoints: the plain-HTTP
// endpoints the simulated services serve.
func simPlainEndpoints(t *testing.T, h *acctest.Host) []simEndpoint {
	t.Helper()
	return simEndpointList(t, h, "/winsim/http-endpoints")
}

// checkServesPlainHTTP checks what a client that does not use HTTPS sees:
// the service, Running, answers plain HTTP on httpPort (the simulated
// service answers with its name), and serves no HTTPS.
func checkServesPlainHTTP(t *testing.T, h *acctest.Host, service string, httpPort int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if !h.IsSim() {
			return nil
		}
		for _, ep := range simEndpoints(t, h) {
			if ep.Service == service {
				return fmt.Errorf("%s still serves HTTPS on port %d", service, ep.Port)
			}
		}
		plain := simPlainEndpoints(t, h)
		for _, ep := range plain {
			if ep.Service != service || ep.Port != httpPort {
				continue
			}
			resp, err := (&http.Client{Timeout: 10 * time.Second}).Get("http://" + ep.Address + "/")
			if err != nil {
				return fmt.Errorf("%s on plain HTTP port %d: %w", service, httpPort, err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != http.StatusOK || string(body) != service {
				return fmt.Errorf("%s on plain HTTP port %d answered %s %q", service, httpPort, resp.Status, body)
			}
			return nil
		}
		return fmt.Errorf("%s serves no plain HTTP on port %d: %+v", service, httpPort, plain)
	}
}

// checkRolledBack checks the host after a destroy of a procedure: the
// service restarted (restarts in all), Running, serving plain HTTP on
// httpPort and no HTTPS, and its .exe.config byte for byte as before.
func checkRolledBack(t *testing.T, h *acctest.Host, service string, restarts float64, httpPort int, configPath, configBefore string) []resource.TestCheckFunc {
	return []resource.TestCheckFunc{
		checkSimService(t, h, service, "Running", restarts),
		checkServesPlainHTTP(t, h, service, httpPort),
		checkSimFileBytes(t, h, configPath, configBefore),
	}
}
