package winsim

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/masterzen/winrm"
)

// admin sends an admin API request with the test account.
func admin(t *testing.T, srv *Server, method, path, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, "http://"+srv.HTTPAddr()+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(testUser, testPassword)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(data)
}

func TestAdminStateRoundTrip(t *testing.T) {
	srv := startTestServer(t)
	status, body := admin(t, srv, http.MethodGet, "/winsim/state", "")
	var state map[string]any
	if status != http.StatusOK || json.Unmarshal([]byte(body), &state) != nil || state["hostname"] != testHostname {
		t.Fatalf("GET state: %d %s", status, body)
	}
	state["hostname"] = "NETPOS01"
	data, _ := json.Marshal(state)
	if status, body := admin(t, srv, http.MethodPut, "/winsim/state", string(data)); status != http.StatusNoContent {
		t.Fatalf("PUT state: %d %s", status, body)
	}
	if got := srv.Host().Hostname(); got != "NETPOS01" {
		t.Fatalf("hostname after PUT = %q", got)
	}
	// The WinRM side sees the new state.
	shellID := openShell(t, srv)
	if res := receiveAll(t, srv, shellID, runCommand(t, srv, shellID, "hostname")); res.stdout != "NETPOS01\r\n" {
		t.Fatalf("hostname command: %+v", res)
	}
	if status, _ := admin(t, srv, http.MethodPut, "/winsim/state", "{not json"); status != http.StatusBadRequest {
		t.Fatalf("PUT bad JSON: %d", status)
	}
}

func TestAdminCountersAndAuth(t *testing.T) {
	srv := startTestServer(t)
	shellID := openShell(t, srv)
	receiveAll(t, srv, shellID, runCommand(t, srv, shellID, "whoami"))
	status, body := admin(t, srv, http.MethodGet, "/winsim/counters", "")
	var got Counters
	if status != http.StatusOK || json.Unmarshal([]byte(body), &got) != nil {
		t.Fatalf("GET counters: %d %s", status, body)
	}
	if got.ShellsCreated != 1 || got.ShellsOpen != 1 || got.ProcessesStarted != 1 || got.HTTPRequests < 4 {
		t.Fatalf("counters %+v", got)
	}
	for _, key := range []string{"http_requests", "shells_created", "shells_open", "processes_started"} {
		if !strings.Contains(body, `"`+key+`"`) {
			t.Errorf("counters JSON %s lacks %q", body, key)
		}
	}
	r := postRaw(t, "http://"+srv.HTTPAddr()+"/winsim/counters", testUser, "wrong", "")
	if r.status != http.StatusUnauthorized {
		t.Fatalf("admin with wrong password: HTTP %d", r.status)
	}
}

func TestLatencyKnob(t *testing.T) {
	const latency = 300 * time.Millisecond
	srv := startTestServer(t, func(o *Options) { o.Latency = latency })
	start := time.Now()
	openShell(t, srv)
	if elapsed := time.Since(start); elapsed < latency {
		t.Fatalf("request took %v, want at least the %v latency", elapsed, latency)
	}
}

func TestDropConnectionFault(t *testing.T) {
	srv := startTestServer(t)
	srv.SetFaults(Faults{DropOnRequest: 2})
	openShell(t, srv) // request 1 is answered
	req, err := http.NewRequest(http.MethodPost, endpointURL(srv), strings.NewReader(createShellSOAP(srv)))
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(testUser, testPassword)
	// A fresh transport: the default one would silently retry on a new connection.
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Do(req)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("request 2 answered HTTP %d, want a dropped connection", resp.StatusCode)
	}
	openShell(t, srv) // the fault fires once
}

func TestHTTP500Fault(t *testing.T) {
	srv := startTestServer(t)
	srv.SetFaults(Faults{HTTP500: true})
	r := post(t, srv, winrm.NewOpenShellRequest(endpointURL(srv), nil))
	if r.status != http.StatusInternalServerError || strings.Contains(r.body, "Envelope") {
		t.Fatalf("HTTP %d %q, want 500 with a plain body", r.status, r.body)
	}
	srv.SetFaults(Faults{})
	openShell(t, srv)
}

func TestMasterzenClient(t *testing.T) {
	srv := startTestServer(t)
	tests := []struct {
		name     string
		endpoint func() *winrm.Endpoint
	}{
		{"basic over HTTP", func() *winrm.Endpoint {
			return &winrm.Endpoint{Host: "127.0.0.1", Port: port(t, srv.HTTPAddr()), Timeout: 30 * time.Second}
		}},
		{"basic over HTTPS with the CA", func() *winrm.Endpoint {
			return &winrm.Endpoint{Host: "127.0.0.1", Port: port(t, srv.TLSAddr()), HTTPS: true, CACert: srv.CACertPEM(), Timeout: 30 * time.Second}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			client, err := winrm.NewClient(tc.endpoint(), testUser, testPassword)
			if err != nil {
				t.Fatal(err)
			}
			stdout, stderr, code, err := client.RunCmdWithContext(t.Context(), "hostname")
			if err != nil || stdout != testHostname+"\r\n" || stderr != "" || code != 0 {
				t.Fatalf("hostname: %q %q %d %v", stdout, stderr, code, err)
			}
			stdout, stderr, code, err = client.RunWithContextWithString(t.Context(), bootstrapCommand(), string(opRequest("host.info", "{}")))
			if err != nil || code != 0 || !strings.Contains(stdout, `"hostname":"SAGE300"`) {
				t.Fatalf("bootstrap: %q %q %d %v", stdout, stderr, code, err)
			}
			_, stderr, code, err = client.RunPSWithContext(t.Context(), "Get-Nonexistent")
			if err != nil || code != 1 || !strings.Contains(stderr, "is not recognized as the name of a cmdlet") {
				t.Fatalf("unknown cmdlet: %q %d %v", stderr, code, err)
			}
		})
	}
}

func TestMasterzenClientWrongPassword(t *testing.T) {
	srv := startTestServer(t)
	client, err := winrm.NewClient(&winrm.Endpoint{Host: "127.0.0.1", Port: port(t, srv.HTTPAddr()), Timeout: 10 * time.Second}, testUser, "wrong")
	if err != nil {
		t.Fatal(err)
	}
	_, _, _, err = client.RunCmdWithContext(t.Context(), "hostname")
	if err == nil || !strings.Contains(err.Error(), "http response error: 401 - invalid content type") {
		t.Fatalf("err = %v, want the 401 masterzen reports", err)
	}
}

func port(t *testing.T, addr string) int {
	t.Helper()
	_, p, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	n, err := strconv.Atoi(p)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestAdminFaults sets and clears a fault through the admin API, as a
// client in another process (a user's CI against cmd/winsim) would.
func TestAdminFaults(t *testing.T) {
	srv := startTestServer(t)
	if status, body := admin(t, srv, http.MethodPut, "/winsim/faults", `{"http500":true}`); status != http.StatusNoContent {
		t.Fatalf("PUT /winsim/faults: HTTP %d %s", status, body)
	}
	r := post(t, srv, winrm.NewOpenShellRequest(endpointURL(srv), nil))
	if r.status != http.StatusInternalServerError {
		t.Fatalf("with http500 set: HTTP %d, want 500", r.status)
	}
	if status, body := admin(t, srv, http.MethodPut, "/winsim/faults", `{}`); status != http.StatusNoContent {
		t.Fatalf("PUT /winsim/faults {}: HTTP %d %s", status, body)
	}
	openShell(t, srv)
	if status, _ := admin(t, srv, http.MethodPut, "/winsim/faults", `{"http500":"yes"}`); status != http.StatusBadRequest {
		t.Errorf("a malformed faults document: HTTP %d, want 400", status)
	}
}
