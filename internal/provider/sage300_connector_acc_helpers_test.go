package provider_test

import (
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/acctest"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/provider"
)

// The Sage 300 Connector Agent as installed (step 5 of the Sage 300 procedure): its config file
// with ServiceUri on plain HTTP, and its service.
const (
	sage300ConfigPath  = `C:\Program Files (x86)\Sage 300 Connector Agent\Sage300IntegrationService.exe.config`
	sage300ServiceName = "Sage300IntegrationService"
)

// sage300Config is the agent's config file as shipped: BOM, CRLF,
// comments, a second key; destroy must give these bytes back.
const sage300Config = "\ufeff<?xml version=\"1.0\" encoding=\"utf-8\" ?>\r\n" +
	"<configuration>\r\n" +
	"  <!-- Sage 300 Connector Agent -->\r\n" +
	"  <appSettings>\r\n" +
	"    <add key=\"ServiceUri\" value=\"http://sage300:4207\" />\r\n" +
	"    <add key=\"CompanyDatabase\" value=\"SAMINC\" />\r\n" +
	"  </appSettings>\r\n" +
	"  <startup>\r\n" +
	"    <supportedRuntime version=\"v4.0\" sku=\".NETFramework,Version=v4.5\" />\r\n" +
	"  </startup>\r\n" +
	"</configuration>\r\n"

var sage300ConfigBase64 = base64.StdEncoding.EncodeToString([]byte(sage300Config))

// sage300Scenario is a Sage 300 server with the agent installed; service
// fields (start_fails_with, ...) come from serviceExtra.
func sage300Scenario(t *testing.T, serviceExtra map[string]any) []byte {
	t.Helper()
	service := map[string]any{
		"name": sage300ServiceName, "display_name": "Sage 300 Connector Agent", "status": "Running",
		"config_path": sage300ConfigPath, "uri_setting": "ServiceUri",
	}
	for k, v := range serviceExtra {
		service[k] = v
	}
	data, err := json.Marshal(map[string]any{
		"hostname": "SAGE300",
		"files":    []any{map[string]any{"path": sage300ConfigPath, "content_base64": sage300ConfigBase64}},
		"services": []any{service},
	})
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// simRow returns the row of a state table whose key field is key.
func simRow(t *testing.T, h *acctest.Host, table, keyField, key string) map[string]any {
	t.Helper()
	for _, row := range acctest.StateList(t, h.SimState(t), table) {
		if row[keyField] == key {
			return row
		}
	}
	t.Fatalf("simulator state has no %s row with %s %q", table, keyField, key)
	return nil
}

// simFileContent returns a file's content from the simulator's state.
func simFileContent(t *testing.T, h *acctest.Host, path string) string {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(simRow(t, h, "files", "path", path)["content_base64"].(string))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// simEndpoint is one row of GET /winsim/endpoints.
type simEndpoint struct {
	Service    string `json:"service"`
	Port       int    `json:"port"`
	Address    string `json:"address"`
	Thumbprint string `json:"thumbprint"`
}

// simEndpoints reads the services the simulated host serves HTTPS for.
func simEndpoints(t *testing.T, h *acctest.Host) []simEndpoint {
	t.Helper()
	return simEndpointList(t, h, "/winsim/endpoints")
}

// simEndpointList reads an admin API list of endpoints (path).
func simEndpointList(t *testing.T, h *acctest.Host, path string) []simEndpoint {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, "http://"+h.Sim.HTTPAddr()+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(h.Username, h.Password)
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var eps []simEndpoint
	if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &eps) != nil {
		t.Fatalf("GET %s: %s %s", path, resp.Status, body)
	}
	return eps
}

// servedThumbprint connects to a TLS endpoint and returns the thumbprint
// of the certificate it serves: the procedures' "check the endpoint now serves
// that certificate".
func servedThumbprint(address, serverName string) (string, error) {
	conn, err := tls.Dial("tcp", address, &tls.Config{ServerName: serverName, InsecureSkipVerify: true}) //nolint:gosec // the test compares the thumbprint itself
	if err != nil {
		return "", fmt.Errorf("TLS connection to %s: %w", address, err)
	}
	defer conn.Close()
	certs := conn.ConnectionState().PeerCertificates
	if len(certs) == 0 {
		return "", fmt.Errorf("%s served no certificate", address)
	}
	return provider.Thumbprint(certs[0]), nil
}
