package winsim

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/masterzen/winrm"
	"github.com/masterzen/winrm/soap"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/windows/agent"
)

const (
	testUser     = "Administrator"
	testPassword = `P@ss"w0rd$'x`
	testHostname = "SAGE300"
)

// startTestServer starts a simulator with HTTP and HTTPS listeners.
func startTestServer(t *testing.T, mutate ...func(*Options)) *Server {
	t.Helper()
	opts := Options{
		Hostname: testHostname, User: testUser, Password: testPassword,
		HTTPAddr: "127.0.0.1:0", TLSAddr: "127.0.0.1:0",
		Logf: t.Logf,
	}
	for _, m := range mutate {
		m(&opts)
	}
	srv, err := Start(opts)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return srv
}

func endpointURL(srv *Server) string { return "http://" + srv.HTTPAddr() + "/wsman" }

// reply is an HTTP answer from the endpoint.
type reply struct {
	status      int
	contentType string
	header      http.Header
	body        string
}

// postRaw POSTs a body with Basic credentials.
func postRaw(t *testing.T, url, user, password, body string) reply {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", soapContentType)
	if user != "" {
		req.SetBasicAuth(user, password)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", url, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read response: %v", err)
	}
	return reply{status: resp.StatusCode, contentType: resp.Header.Get("Content-Type"), header: resp.Header, body: string(data)}
}

// post sends a masterzen/winrm request message with the test account.
func post(t *testing.T, srv *Server, msg *soap.SoapMessage) reply {
	t.Helper()
	defer msg.Free()
	return postRaw(t, endpointURL(srv), testUser, testPassword, msg.String())
}

// params are masterzen request parameters with an OperationTimeout.
func params(timeout string) *winrm.Parameters {
	return winrm.NewParameters(timeout, "en-US", 153600)
}

// openShell creates a shell and returns its id.
func openShell(t *testing.T, srv *Server) string {
	t.Helper()
	r := post(t, srv, winrm.NewOpenShellRequest(endpointURL(srv), nil))
	if r.status != http.StatusOK {
		t.Fatalf("Create: HTTP %d: %s", r.status, r.body)
	}
	id, err := winrm.ParseOpenShellResponse(r.body)
	if err != nil || id == "" {
		t.Fatalf("Create response %q: %v", r.body, err)
	}
	return id
}

// runCommand starts a command line with WINRS_SKIP_CMD_SHELL=FALSE (what
// masterzen/winrm sends) and returns the CommandId.
func runCommand(t *testing.T, srv *Server, shellID, command string, args ...string) string {
	t.Helper()
	r := post(t, srv, winrm.NewExecuteCommandRequest(endpointURL(srv), shellID, command, args, nil))
	if r.status != http.StatusOK {
		t.Fatalf("Command %q: HTTP %d: %s", command, r.status, r.body)
	}
	id, err := winrm.ParseExecuteCommandResponse(r.body)
	if err != nil || id == "" {
		t.Fatalf("Command response %q: %v", r.body, err)
	}
	return id
}

// result is a finished command's output.
type result struct {
	stdout, stderr string
	exitCode       int
	receives       int
}

// receiveAll sends Receive requests until the command is done.
func receiveAll(t *testing.T, srv *Server, shellID, commandID string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	deadline := time.Now().Add(30 * time.Second)
	for n := 1; time.Now().Before(deadline); n++ {
		r := post(t, srv, winrm.NewGetOutputRequest(endpointURL(srv), shellID, commandID, "stdout stderr", params("PT20S")))
		if r.status != http.StatusOK {
			t.Fatalf("Receive: HTTP %d: %s", r.status, r.body)
		}
		done, code, err := winrm.ParseSlurpOutputErrResponse(r.body, &stdout, &stderr)
		if err != nil {
			t.Fatalf("Receive response: %v", err)
		}
		if done {
			return result{stdout: stdout.String(), stderr: stderr.String(), exitCode: code, receives: n}
		}
	}
	t.Fatal("command did not finish")
	return result{}
}

// sendStdin sends stdin data, closing stdin.
func sendStdin(t *testing.T, srv *Server, shellID, commandID string, data []byte) {
	t.Helper()
	// Chunks keep each envelope under MaxEnvelopeSize (the agent script is
	// larger), the last one marked End, as clients send stdin.
	const chunk = 100 << 10
	for first := true; first || len(data) > 0; first = false {
		n := min(len(data), chunk)
		r := post(t, srv, winrm.NewSendInputRequest(endpointURL(srv), shellID, commandID, data[:n], n == len(data), nil))
		if r.status != http.StatusOK {
			t.Fatalf("Send: HTTP %d: %s", r.status, r.body)
		}
		data = data[n:]
	}
}

// faultInfo is what tests read from a fault.
type faultInfo struct {
	Action  string `xml:"Header>Action"`
	Code    string `xml:"Body>Fault>Code>Value"`
	Subcode string `xml:"Body>Fault>Code>Subcode>Value"`
	Reason  string `xml:"Body>Fault>Reason>Text"`
	WSMan   struct {
		Code    string `xml:"Code,attr"`
		Machine string `xml:"Machine,attr"`
		Message string `xml:",innerxml"`
	} `xml:"Body>Fault>Detail>WSManFault"`
}

func parseFault(t *testing.T, body string) faultInfo {
	t.Helper()
	var f faultInfo
	if err := xml.Unmarshal([]byte(body), &f); err != nil {
		t.Fatalf("fault %q: %v", body, err)
	}
	return f
}

// utf16Base64 encodes a PowerShell script for -EncodedCommand.
func utf16Base64(script string) string {
	var b []byte
	for _, r := range script {
		b = append(b, byte(r), byte(r>>8))
	}
	return base64.StdEncoding.EncodeToString(b)
}

// bootstrapCommand is the transport's command line (PROTOCOL.md).
func bootstrapCommand() string {
	script := "$r = [Console]::In.ReadToEnd(); $l = $r -split \"`n\"; & ([scriptblock]::Create([Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($l[0])))) $l[1] $l[2]"
	return "powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -EncodedCommand " + utf16Base64(script)
}

// opRequest is the stdin of a bootstrap request for an op of the agent
// script, which the simulator runs in the agent.
func opRequest(op, argsJSON string) []byte {
	b64 := base64.StdEncoding.EncodeToString
	return []byte(b64(agent.Script()) + "\n" + op + "\n" + b64([]byte(argsJSON)) + "\n")
}

func xmlUnmarshal(s string, v any) error { return xml.Unmarshal([]byte(s), v) }
