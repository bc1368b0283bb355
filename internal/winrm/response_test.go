package winrm

import (
	"errors"
	"testing"
)

const envelopeHead = `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" ` +
	`xmlns:w="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd" xmlns:rsp="http://schemas.microsoft.com/wbem/wsman/1/windows/shell" ` +
	`xmlns:f="http://schemas.microsoft.com/wbem/wsman/1/wsmanfault"><s:Header></s:Header><s:Body>`

const envelopeTail = `</s:Body></s:Envelope>`

func TestParseShellID(t *testing.T) {
	tests := []struct {
		name, body, want string
		wantErr          bool
	}{
		{"shell element", `<rsp:Shell><rsp:ShellId>2F4F1B7A-AAAA-4BBB-8CCC-0123456789AB</rsp:ShellId></rsp:Shell>`, "2F4F1B7A-AAAA-4BBB-8CCC-0123456789AB", false},
		{"selector only", `<x:ResourceCreated xmlns:x="http://schemas.xmlsoap.org/ws/2004/09/transfer"><a:ReferenceParameters><w:SelectorSet><w:Selector Name="ShellId">ABC-1</w:Selector></w:SelectorSet></a:ReferenceParameters></x:ResourceCreated>`, "ABC-1", false},
		{"missing", ``, "", true},
		{"markup in id", `<rsp:Shell><rsp:ShellId>a&lt;b</rsp:ShellId></rsp:Shell>`, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseShellID([]byte(envelopeHead + tt.body + envelopeTail))
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("parseShellID() = %q, %v; want %q, error %v", got, err, tt.want, tt.wantErr)
			}
			if err != nil && !errors.Is(err, ErrProtocol) {
				t.Errorf("error %v does not wrap ErrProtocol", err)
			}
		})
	}
}

func TestParseReceive(t *testing.T) {
	body := envelopeHead + `<rsp:ReceiveResponse>` +
		`<rsp:Stream Name="stdout" CommandId="C">aGVsbG8g</rsp:Stream>` +
		`<rsp:Stream Name="stderr" CommandId="C">b29wcw==</rsp:Stream>` +
		`<rsp:Stream Name="stdout" CommandId="C">d29ybGQ=</rsp:Stream>` +
		`<rsp:Stream Name="stdout" CommandId="C" End="true"></rsp:Stream>` +
		`<rsp:CommandState CommandId="C" State="http://schemas.microsoft.com/wbem/wsman/1/windows/shell/CommandState/Done">` +
		`<rsp:ExitCode>3221225786</rsp:ExitCode></rsp:CommandState></rsp:ReceiveResponse>` + envelopeTail
	out, err := parseReceive([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if string(out.Stdout) != "hello world" || string(out.Stderr) != "oops" || !out.Done || out.ExitCode != -1073741510 {
		t.Errorf("parseReceive() = stdout %q stderr %q done %v exit %d", out.Stdout, out.Stderr, out.Done, out.ExitCode)
	}

	running := envelopeHead + `<rsp:ReceiveResponse><rsp:CommandState CommandId="C" State="http://schemas.microsoft.com/wbem/wsman/1/windows/shell/CommandState/Running"/></rsp:ReceiveResponse>` + envelopeTail
	if out, err := parseReceive([]byte(running)); err != nil || out.Done {
		t.Errorf("running command parsed as done=%v err=%v", out.Done, err)
	}
}

func TestParseFaultOperationTimeout(t *testing.T) {
	body := envelopeHead + `<s:Fault><s:Code><s:Value>s:Receiver</s:Value><s:Subcode><s:Value>w:TimedOut</s:Value></s:Subcode></s:Code>` +
		`<s:Reason><s:Text xml:lang="">The WS-Management service cannot complete the operation within the time specified in OperationTimeout.  </s:Text></s:Reason>` +
		`<s:Detail><f:WSManFault Code="2150858793" Machine="SAGE300"><f:Message>The WS-Management service cannot complete the operation within the time specified in OperationTimeout.</f:Message></f:WSManFault></s:Detail></s:Fault>` + envelopeTail
	fault, err := parseFault([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if fault.Code != 2150858793 || fault.Subcode != "w:TimedOut" || fault.Machine != "SAGE300" {
		t.Errorf("parseFault() = %+v", fault)
	}
	wrapped := &Error{Step: "receive output", Err: fault}
	if !IsOperationTimeout(wrapped) {
		t.Error("IsOperationTimeout() = false for the OperationTimeout fault")
	}
	other := &FaultError{Code: 2150858843, Subcode: "w:InvalidSelectors", Message: "The request for the Windows Remote Shell with ShellId X failed because the shell was not found on the server."}
	if IsOperationTimeout(other) {
		t.Error("IsOperationTimeout() = true for a shell-not-found fault")
	}
}
