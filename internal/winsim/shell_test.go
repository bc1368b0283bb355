package winsim

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/masterzen/winrm"
)

// skipCmdShell rewrites a masterzen Command request (which hard-codes
// WINRS_SKIP_CMD_SHELL=FALSE) to run without cmd.exe, as our transport does.
func skipCmdShell(t *testing.T, soapText string) string {
	t.Helper()
	const from = `<w:Option Name="WINRS_SKIP_CMD_SHELL">FALSE</w:Option>`
	if !strings.Contains(soapText, from) {
		t.Fatalf("request has no WINRS_SKIP_CMD_SHELL option: %s", soapText)
	}
	return strings.Replace(soapText, from, `<w:Option Name="WINRS_SKIP_CMD_SHELL">TRUE</w:Option>`, 1)
}

// commandSkipCmd posts a Command with WINRS_SKIP_CMD_SHELL=TRUE.
func commandSkipCmd(t *testing.T, srv *Server, shellID, command string) reply {
	t.Helper()
	msg := winrm.NewExecuteCommandRequest(endpointURL(srv), shellID, command, nil, nil)
	defer msg.Free()
	return postRaw(t, endpointURL(srv), testUser, testPassword, skipCmdShell(t, msg.String()))
}

func TestShellLifecycle(t *testing.T) {
	srv := startTestServer(t)
	shellID := openShell(t, srv)
	if got := srv.Counters(); got.ShellsCreated != 1 || got.ShellsOpen != 1 {
		t.Fatalf("after Create: counters %+v, want 1 created, 1 open", got)
	}
	cmdID := runCommand(t, srv, shellID, "hostname")
	res := receiveAll(t, srv, shellID, cmdID)
	if res.stdout != testHostname+"\r\n" || res.stderr != "" || res.exitCode != 0 {
		t.Fatalf("hostname: %+v", res)
	}
	r := post(t, srv, winrm.NewSignalRequest(endpointURL(srv), shellID, cmdID, nil))
	if r.status != http.StatusOK || !strings.Contains(r.body, "/SignalResponse</a:Action>") {
		t.Fatalf("Signal: HTTP %d %s", r.status, r.body)
	}
	r = post(t, srv, winrm.NewDeleteShellRequest(endpointURL(srv), shellID, nil))
	if r.status != http.StatusOK || !strings.Contains(r.body, "/transfer/DeleteResponse</a:Action>") {
		t.Fatalf("Delete: HTTP %d %s", r.status, r.body)
	}
	if got := srv.Counters(); got.ShellsOpen != 0 || got.ProcessesStarted != 1 {
		t.Fatalf("after Delete: counters %+v, want 0 open, 1 process", got)
	}
	// The shell is gone: a second Delete is refused as Windows refuses it.
	r = post(t, srv, winrm.NewDeleteShellRequest(endpointURL(srv), shellID, nil))
	f := parseFault(t, r.body)
	if r.status != http.StatusInternalServerError || f.WSMan.Code != "2150858843" || !strings.Contains(f.WSMan.Message, shellID) {
		t.Fatalf("Delete of deleted shell: HTTP %d %+v", r.status, f)
	}
}

func TestResponsesRelateToRequests(t *testing.T) {
	srv := startTestServer(t)
	msg := winrm.NewOpenShellRequest(endpointURL(srv), nil)
	text := msg.String()
	msg.Free()
	const id = "uuid:0B9F6A51-5E8A-4D0D-9B5F-1B6E8F1C2D3E"
	start := strings.Index(text, "<a:MessageID>") + len("<a:MessageID>")
	end := strings.Index(text, "</a:MessageID>")
	text = text[:start] + id + text[end:]
	r := postRaw(t, endpointURL(srv), testUser, testPassword, text)
	var env struct {
		Action    string `xml:"Header>Action"`
		RelatesTo string `xml:"Header>RelatesTo"`
		ShellID   string `xml:"Body>Shell>ShellId"`
		Selector  string `xml:"Body>ResourceCreated>ReferenceParameters>SelectorSet>Selector"`
	}
	if err := xmlUnmarshal(r.body, &env); err != nil {
		t.Fatal(err)
	}
	if env.Action != actionCreateResponse || env.RelatesTo != id || env.ShellID == "" || env.Selector != env.ShellID {
		t.Fatalf("Create response header/body: %+v", env)
	}
	if r.contentType != soapContentType {
		t.Fatalf("Content-Type %q", r.contentType)
	}
}

func TestCommandsAsCmdExeAnswersThem(t *testing.T) {
	tests := []struct {
		name, command string
		args          []string
		stdout        string
		stderr        string
		exitCode      int
	}{
		{name: "hostname", command: "hostname", stdout: "SAGE300\r\n"},
		{name: "whoami", command: "whoami", stdout: `sage300\administrator` + "\r\n"},
		{name: "echo", command: "echo", args: []string{"hello", "world"}, stdout: "hello world\r\n"},
		{name: "echo without text", command: "echo", stdout: "ECHO is on.\r\n"},
		{name: "path to exe", command: `C:\Windows\System32\HOSTNAME.EXE`, stdout: "SAGE300\r\n"},
		{name: "cmd /c", command: "cmd /c echo hi", stdout: "hi\r\n"},
		{name: "unknown", command: "ipconfig", args: []string{"/all"},
			stderr:   "'ipconfig' is not recognized as an internal or external command,\r\noperable program or batch file.\r\n",
			exitCode: 1},
		{name: "over cmd.exe's 8191", command: "echo " + strings.Repeat("x", 8200),
			stderr: "The command line is too long.\r\n", exitCode: 1},
	}
	srv := startTestServer(t)
	shellID := openShell(t, srv)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := receiveAll(t, srv, shellID, runCommand(t, srv, shellID, tc.command, tc.args...))
			if res.stdout != tc.stdout || res.stderr != tc.stderr || res.exitCode != tc.exitCode {
				t.Fatalf("got stdout %q stderr %q exit %d; want %q %q %d", res.stdout, res.stderr, res.exitCode, tc.stdout, tc.stderr, tc.exitCode)
			}
		})
	}
}

func TestCreateProcessFailuresAreFaults(t *testing.T) {
	tests := []struct {
		name, command, code, text string
		skipCmd                   bool
	}{
		{name: "builtin without cmd.exe", command: "echo hi", skipCmd: true, code: "2147942402", text: "The system cannot find the file specified."},
		{name: "unknown exe", command: "nosuch.exe", skipCmd: true, code: "2147942402", text: "The system cannot find the file specified."},
		{name: "over CreateProcess's 32767", command: "powershell.exe -EncodedCommand " + strings.Repeat("A", 32800), skipCmd: true, code: "2147942606", text: "The filename or extension is too long."},
		{name: "over 32767 through cmd.exe", command: "echo " + strings.Repeat("x", 32800), code: "2147942606", text: "The filename or extension is too long."},
	}
	srv := startTestServer(t)
	shellID := openShell(t, srv)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var r reply
			if tc.skipCmd {
				r = commandSkipCmd(t, srv, shellID, tc.command)
			} else {
				r = post(t, srv, winrm.NewExecuteCommandRequest(endpointURL(srv), shellID, tc.command, nil, nil))
			}
			f := parseFault(t, r.body)
			if r.status != http.StatusInternalServerError || f.Subcode != "w:InternalError" || f.WSMan.Code != tc.code || !strings.Contains(f.WSMan.Message, tc.text) {
				t.Fatalf("HTTP %d fault %+v; want code %s %q", r.status, f, tc.code, tc.text)
			}
			if _, err := winrm.ParseExecuteCommandResponse(r.body); err == nil {
				t.Fatal("masterzen/winrm parsed the fault as a command response")
			}
		})
	}
	if got := srv.Counters().ProcessesStarted; got != 0 {
		t.Fatalf("processes_started = %d after failed starts, want 0", got)
	}
}

func TestReceiveBlocksThenTimesOut(t *testing.T) {
	srv := startTestServer(t)
	shellID := openShell(t, srv)
	cmdID := runCommand(t, srv, shellID, bootstrapCommand())
	start := time.Now()
	r := post(t, srv, winrm.NewGetOutputRequest(endpointURL(srv), shellID, cmdID, "stdout stderr", params("PT1S")))
	elapsed := time.Since(start)
	f := parseFault(t, r.body)
	if r.status != http.StatusInternalServerError || r.contentType != soapContentType {
		t.Fatalf("Receive timeout: HTTP %d Content-Type %q", r.status, r.contentType)
	}
	if f.Action != actionFault || f.Code != "s:Receiver" || f.Subcode != "w:TimedOut" || f.WSMan.Code != "2150858793" ||
		!strings.Contains(f.Reason, "OperationTimeout") {
		t.Fatalf("timeout fault %+v", f)
	}
	if elapsed < 900*time.Millisecond {
		t.Fatalf("Receive answered after %v, before its 1s OperationTimeout", elapsed)
	}
	// The command is still there: stdin completes it.
	sendStdin(t, srv, shellID, cmdID, opRequest("host.info", "{}"))
	res := receiveAll(t, srv, shellID, cmdID)
	if res.exitCode != 0 || !strings.HasPrefix(res.stdout, "##tfwin-codepage## 437\r\n"+envelopePrefix+`{"ok":true,"result":{"hostname":"SAGE300"`) {
		t.Fatalf("host.info: %+v", res)
	}
}

func TestBootstrapOps(t *testing.T) {
	tests := []struct {
		name, op, args string
		check          func(t *testing.T, res result)
	}{
		{name: "host.info", op: "host.info", args: "{}", check: func(t *testing.T, res result) {
			first, line, _ := strings.Cut(strings.TrimSuffix(res.stdout, "\r\n"), "\r\n")
			if first != "##tfwin-codepage## 437" {
				t.Errorf("first line %q, want the code page line", first)
			}
			var env struct {
				OK     bool              `json:"ok"`
				Result map[string]string `json:"result"`
			}
			if err := json.Unmarshal([]byte(strings.TrimPrefix(line, envelopePrefix)), &env); err != nil {
				t.Fatalf("envelope %q: %v", line, err)
			}
			if !env.OK || env.Result["hostname"] != testHostname || res.exitCode != 0 {
				t.Fatalf("envelope %+v exit %d", env, res.exitCode)
			}
		}},
		{name: "unknown op", op: "nosuch.op", args: "{}", check: func(t *testing.T, res result) {
			if res.exitCode != 1 || res.stdout != "##tfwin-codepage## 437\r\n" || !strings.HasPrefix(res.stderr, "#< CLIXML\r\n") ||
				!strings.Contains(res.stderr, "Invoke-nosuch.op : The term 'Invoke-nosuch.op' is not recognized") {
				t.Fatalf("unknown op: %+v", res)
			}
		}},
	}
	srv := startTestServer(t)
	shellID := openShell(t, srv)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := commandSkipCmd(t, srv, shellID, bootstrapCommand())
			cmdID, err := winrm.ParseExecuteCommandResponse(r.body)
			if err != nil {
				t.Fatalf("Command: %v %s", err, r.body)
			}
			sendStdin(t, srv, shellID, cmdID, opRequest(tc.op, tc.args))
			tc.check(t, receiveAll(t, srv, shellID, cmdID))
		})
	}
}

func TestPowerShellScriptIsNotInterpreted(t *testing.T) {
	srv := startTestServer(t)
	shellID := openShell(t, srv)
	// pywinrm's run_ps sends exactly this shape.
	cmdID := runCommand(t, srv, shellID, "powershell -encodedcommand "+utf16Base64("Get-Nonexistent -Name x"))
	res := receiveAll(t, srv, shellID, cmdID)
	want := `<S S="Error">Get-Nonexistent : The term 'Get-Nonexistent' is not recognized as the name of a cmdlet, function, script file, or _x000D__x000A_</S>`
	if res.exitCode != 1 || !strings.HasPrefix(res.stderr, "#< CLIXML\r\n") || !strings.Contains(res.stderr, want) {
		t.Fatalf("got %+v", res)
	}
}

func TestLargeOutputIsSplitAcrossReceives(t *testing.T) {
	srv := startTestServer(t)
	shellID := openShell(t, srv)
	text := strings.Repeat("abcdefghij", 30000) // 300 KB, twice a 150 KB envelope
	cmdID := runCommand(t, srv, shellID, "echo "+text[:8000])
	res := receiveAll(t, srv, shellID, cmdID)
	if res.stdout != text[:8000]+"\r\n" {
		t.Fatalf("echo output: %d bytes", len(res.stdout))
	}
	// Large output from the op protocol: a host.info whose hostname is huge.
	state := `{"hostname":"` + text + `"}`
	if err := srv.Host().SetStateJSON([]byte(state)); err != nil {
		t.Fatal(err)
	}
	cmdID = runCommand(t, srv, shellID, "hostname")
	res = receiveAll(t, srv, shellID, cmdID)
	if res.stdout != text+"\r\n" || res.receives < 3 {
		t.Fatalf("hostname: %d bytes in %d receives, want %d bytes in at least 3", len(res.stdout), res.receives, len(text)+2)
	}
}

func TestSignalTerminatesRunningCommand(t *testing.T) {
	srv := startTestServer(t)
	shellID := openShell(t, srv)
	cmdID := runCommand(t, srv, shellID, bootstrapCommand()) // waits for stdin forever
	r := post(t, srv, winrm.NewSignalRequest(endpointURL(srv), shellID, cmdID, nil))
	if r.status != http.StatusOK {
		t.Fatalf("Signal: HTTP %d %s", r.status, r.body)
	}
	r = post(t, srv, winrm.NewGetOutputRequest(endpointURL(srv), shellID, cmdID, "stdout stderr", params("PT5S")))
	f := parseFault(t, r.body)
	if r.status != http.StatusInternalServerError || f.Subcode != "w:InvalidSelectors" || !strings.Contains(f.WSMan.Message, "command identifier that does not exist") {
		t.Fatalf("Receive after terminate: HTTP %d %+v", r.status, f)
	}
}

func TestUnknownShellFault(t *testing.T) {
	srv := startTestServer(t)
	const id = "11111111-2222-3333-4444-555555555555"
	requests := map[string]func() reply{
		"Command": func() reply {
			return post(t, srv, winrm.NewExecuteCommandRequest(endpointURL(srv), id, "hostname", nil, nil))
		},
		"Receive": func() reply {
			return post(t, srv, winrm.NewGetOutputRequest(endpointURL(srv), id, "C", "stdout stderr", nil))
		},
		"Send": func() reply {
			return post(t, srv, winrm.NewSendInputRequest(endpointURL(srv), id, "C", []byte("x"), true, nil))
		},
		"Signal": func() reply { return post(t, srv, winrm.NewSignalRequest(endpointURL(srv), id, "C", nil)) },
		"Delete": func() reply { return post(t, srv, winrm.NewDeleteShellRequest(endpointURL(srv), id, nil)) },
	}
	for name, do := range requests {
		t.Run(name, func(t *testing.T) {
			r := do()
			f := parseFault(t, r.body)
			if r.status != http.StatusInternalServerError || r.contentType != soapContentType {
				t.Fatalf("HTTP %d Content-Type %q", r.status, r.contentType)
			}
			if f.Code != "s:Sender" || f.Subcode != "w:InvalidSelectors" || f.WSMan.Code != "2150858843" ||
				!strings.Contains(f.WSMan.Message, "The request for the Windows Remote Shell with ShellId "+id+" failed because the shell was not found on the server.") {
				t.Fatalf("fault %+v", f)
			}
		})
	}
}

func TestMaxShellsPerUser(t *testing.T) {
	srv := startTestServer(t)
	for i := 0; i < maxShellsPerUser; i++ {
		openShell(t, srv)
	}
	r := post(t, srv, winrm.NewOpenShellRequest(endpointURL(srv), nil))
	f := parseFault(t, r.body)
	if r.status != http.StatusInternalServerError || f.Subcode != "w:QuotaLimit" || f.WSMan.Code != "2150859173" ||
		!strings.Contains(f.Reason, "maximum number of 30 concurrent shells") {
		t.Fatalf("shell 31: HTTP %d %+v", r.status, f)
	}
	if got := srv.Counters().ShellsOpen; got != maxShellsPerUser {
		t.Fatalf("shells_open = %d, want %d", got, maxShellsPerUser)
	}
}

func TestUnsupportedActionAndResource(t *testing.T) {
	srv := startTestServer(t)
	msg := winrm.NewOpenShellRequest(endpointURL(srv), nil)
	text := msg.String()
	msg.Free()
	tests := []struct{ name, body, subcode string }{
		{"action", strings.Replace(text, "/transfer/Create<", "/transfer/Get<", 1), "a:ActionNotSupported"},
		{"resource", strings.Replace(text, "/windows/shell/cmd<", "/windows/shell/other<", 1), "a:DestinationUnreachable"},
		{"not XML", "<<<", "w:SchemaValidationError"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := postRaw(t, endpointURL(srv), testUser, testPassword, tc.body)
			if f := parseFault(t, r.body); r.status != http.StatusInternalServerError || f.Subcode != tc.subcode {
				t.Fatalf("HTTP %d %+v, want subcode %s", r.status, f, tc.subcode)
			}
		})
	}
}

func TestOversizedRequestGets413(t *testing.T) {
	srv := startTestServer(t)
	r := postRaw(t, endpointURL(srv), testUser, testPassword, strings.Repeat(" ", maxEnvelopeBytes+1))
	if r.status != http.StatusRequestEntityTooLarge {
		t.Fatalf("HTTP %d, want 413", r.status)
	}
}

// TestOnlyTheAgentAnswersOps: the simulator has no op logic of its own. A
// request whose script is not the agent script (here a script that claims
// to define the op) is answered as PowerShell answers a script without the
// op, and no op is counted; the same op in the agent script runs in the
// agent and is counted.
func TestOnlyTheAgentAnswersOps(t *testing.T) {
	srv := startTestServer(t)
	shellID := openShell(t, srv)
	run := func(stdin []byte) result {
		r := commandSkipCmd(t, srv, shellID, bootstrapCommand())
		cmdID, err := winrm.ParseExecuteCommandResponse(r.body)
		if err != nil {
			t.Fatalf("Command: %v %s", err, r.body)
		}
		sendStdin(t, srv, shellID, cmdID, stdin)
		return receiveAll(t, srv, shellID, cmdID)
	}
	b64 := base64.StdEncoding.EncodeToString
	fake := "param($Op, $A)\nfunction Invoke-host.info { '##tfwin-envelope## {\"ok\":true,\"result\":{}}' }\n& \"Invoke-$Op\"\n"
	res := run([]byte(b64([]byte(fake)) + "\nhost.info\n" + b64([]byte("{}")) + "\n"))
	if res.exitCode != 1 || strings.Contains(res.stdout, envelopePrefix) || !strings.Contains(res.stderr, "'Invoke-host.info' is not recognized") {
		t.Fatalf("a script that is not the agent was answered: %+v", res)
	}
	if n := srv.Counters().AgentOps; n != 0 {
		t.Fatalf("%d agent ops after a script that is not the agent", n)
	}
	res = run(opRequest("host.info", "{}"))
	if res.exitCode != 0 || !strings.Contains(res.stdout, envelopePrefix+`{"ok":true`) {
		t.Fatalf("host.info in the agent script: %+v", res)
	}
	if n := srv.Counters().AgentOps; n != 1 {
		t.Errorf("%d agent ops, want 1", n)
	}
}
