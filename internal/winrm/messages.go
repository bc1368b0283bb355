package winrm

import (
	"crypto/rand"
	"fmt"
	"strings"
	"time"

	mzwinrm "github.com/masterzen/winrm"
	"github.com/masterzen/winrm/soap"
)

// maxEnvelopeSize is the MaxEnvelopeSize we announce: 150 KB, the smallest
// default among Windows versions (MaxEnvelopeSizekb 150 before 2012 R2), so
// every host accepts our envelopes and the host bounds its answers by it.
const maxEnvelopeSize = 153600

// stdinChunkSize is the raw stdin carried by one Send. Base64 makes it
// 131,072 characters; with about 1.5 KB of SOAP around it the envelope stays
// well under maxEnvelopeSize (masterzen's default chunks make ~205 KB
// envelopes that such hosts reject).
const stdinChunkSize = 96 << 10

// Resource URI and actions of the Windows remote shell (MS-WSMV 3.1.4).
const (
	shellResourceURI = "http://schemas.microsoft.com/wbem/wsman/1/windows/shell/cmd"
	actionCommand    = "http://schemas.microsoft.com/wbem/wsman/1/windows/shell/Command"
	actionCreate     = "http://schemas.xmlsoap.org/ws/2004/09/transfer/Create"
	commandStateDone = "http://schemas.microsoft.com/wbem/wsman/1/windows/shell/CommandState/Done"
)

// messages builds the SOAP envelopes for one endpoint. Shell and command ids
// come from the host and are checked by parse functions before they get here
// (the soap package does not escape text).
type messages struct {
	url string
	// operationTimeout is the OperationTimeout of every request but Receive.
	operationTimeout time.Duration
	// receiveTimeout is how long the host may hold a Receive open waiting
	// for output before answering the OperationTimeout fault.
	receiveTimeout time.Duration
}

func newMessages(url string, timeout time.Duration) messages {
	return messages{url: url, operationTimeout: timeout, receiveTimeout: receiveTimeout(timeout)}
}

// receiveTimeout is 20 s, or half of the per-operation timeout when that is
// shorter, so the host answers a Receive before our own deadline cuts it.
func receiveTimeout(timeout time.Duration) time.Duration {
	const preferred = 20 * time.Second
	if half := timeout / 2; half < preferred {
		return max(half.Truncate(time.Second), time.Second)
	}
	return preferred
}

// params are masterzen's request parameters with the given OperationTimeout.
func params(timeout time.Duration) *mzwinrm.Parameters {
	return mzwinrm.NewParameters(isoDuration(timeout), "en-US", maxEnvelopeSize)
}

// isoDuration formats d as an xs:duration in whole seconds ("PT20S").
func isoDuration(d time.Duration) string {
	return fmt.Sprintf("PT%dS", max(int64(d/time.Second), 1))
}

// openShell creates a cmd shell with stdin, stdout and stderr, and asks the
// host to delete it after idle without activity ([MS-WSMV] 2.2.4.37
// ShellType IdleTimeOut): a client that dies without deleting its shells
// leaves them for that long, not for WinRM's default of two hours.
// masterzen's builder sets no IdleTimeOut, so this builds the same envelope
// (console code page UTF-8, profile not loaded) from the soap package.
func (m messages) openShell(idle time.Duration) []byte {
	msg := soap.NewMessage()
	m.headers(msg, actionCreate).
		AddOption(soap.NewHeaderOption("WINRS_NOPROFILE", "FALSE")).
		AddOption(soap.NewHeaderOption("WINRS_CODEPAGE", "65001")).
		Build()
	body := msg.CreateBodyElement("Shell", soap.DOM_NS_WIN_SHELL)
	msg.CreateElement(body, "InputStreams", soap.DOM_NS_WIN_SHELL).SetContent("stdin")
	msg.CreateElement(body, "OutputStreams", soap.DOM_NS_WIN_SHELL).SetContent("stdout stderr")
	if idle > 0 {
		msg.CreateElement(body, "IdleTimeOut", soap.DOM_NS_WIN_SHELL).SetContent(isoDuration(idle))
	}
	return []byte(msg.String())
}

// headers starts the header every shell request carries.
func (m messages) headers(msg *soap.SoapMessage, action string) *soap.SoapHeader {
	return msg.Header().
		To(m.url).
		ReplyTo("http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous").
		MaxEnvelopeSize(maxEnvelopeSize).
		Id(newMessageID()).
		Locale("en-US").
		Timeout(isoDuration(m.operationTimeout)).
		Action(action).
		ResourceURI(shellResourceURI)
}

func (m messages) deleteShell(shellID string) []byte {
	return []byte(mzwinrm.NewDeleteShellRequest(m.url, shellID, params(m.operationTimeout)).String())
}

func (m messages) receive(shellID, commandID string) []byte {
	return []byte(mzwinrm.NewGetOutputRequest(m.url, shellID, commandID, "stdout stderr", params(m.receiveTimeout)).String())
}

func (m messages) send(shellID, commandID string, input []byte, end bool) []byte {
	return []byte(mzwinrm.NewSendInputRequest(m.url, shellID, commandID, input, end, params(m.operationTimeout)).String())
}

func (m messages) signalTerminate(shellID, commandID string) []byte {
	return []byte(mzwinrm.NewSignalRequest(m.url, shellID, commandID, params(m.operationTimeout)).String())
}

// command starts command with args in pipe mode and without cmd.exe.
// masterzen's NewExecuteCommandRequest hard-codes console mode and cmd.exe,
// and wraps values in CDATA that a "]]>" breaks, so this builds the envelope
// from the soap package with escaped text.
func (m messages) command(shellID, command string, args []string) []byte {
	msg := soap.NewMessage()
	m.headers(msg, actionCommand).
		ShellId(shellID).
		// Pipe mode: stdin is a pipe, not a console, so ReadToEnd sees EOF
		// when the last Send says End="true" (as Ansible runs modules).
		AddOption(soap.NewHeaderOption("WINRS_CONSOLEMODE_STDIN", "FALSE")).
		// Start the program directly (CreateProcess, 32,767 characters)
		// instead of through cmd.exe (8,191).
		AddOption(soap.NewHeaderOption("WINRS_SKIP_CMD_SHELL", "TRUE")).
		Build()
	body := msg.CreateBodyElement("CommandLine", soap.DOM_NS_WIN_SHELL)
	msg.CreateElement(body, "Command", soap.DOM_NS_WIN_SHELL).SetContent(xmlText(command))
	for _, arg := range args {
		msg.CreateElement(body, "Arguments", soap.DOM_NS_WIN_SHELL).SetContent(xmlText(arg))
	}
	return []byte(msg.String())
}

// xmlText escapes s for element content (the soap package writes content
// verbatim). Whitespace is kept as is.
func xmlText(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// newMessageID is a WS-Addressing MessageID: "uuid:" and a random (version 4)
// UUID.
func newMessageID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("uuid:%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
