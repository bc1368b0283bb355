package winsim

import (
	"fmt"
	"strconv"
)

// wsmanFault is a WS-Management fault as Windows sends it: a SOAP 1.2 fault
// with a wsman subcode and an f:WSManFault detail carrying the Windows error
// code ([MS-WSMV] 2.2.4.43 WSManFaultType).
type wsmanFault struct {
	code       string // s:Sender or s:Receiver
	subcode    string // e.g. w:TimedOut
	reason     string // s:Reason/s:Text
	faultCode  uint32 // f:WSManFault Code attribute
	message    string // f:Message text
	detail     string // optional w:FaultDetail URI
	provider   bool   // message wrapped in f:ProviderFault of the cmd shell plugin
	httpStatus int
}

// Error makes a fault usable as an error inside the simulator.
func (f *wsmanFault) Error() string {
	return fmt.Sprintf("WS-Management fault %s %d: %s", f.subcode, f.faultCode, f.message)
}

// timeoutText is what Windows says when a Receive finds no output within
// OperationTimeout ([MS-WSMV] 3.1.4.14.2: the server MUST return a
// wsman:TimedOut fault with WSManFault Code 2150858793).
const timeoutText = "The WS-Management service cannot complete the operation within the time specified in OperationTimeout.  "

// faultOperationTimeout is the fault a Receive gets when no output arrived
// within OperationTimeout. pywinrm matches its Code, masterzen/winrm the word
// OperationTimeout.
func faultOperationTimeout() *wsmanFault {
	return &wsmanFault{
		code: "s:Receiver", subcode: "w:TimedOut", reason: timeoutText,
		faultCode: 2150858793, message: timeoutText, httpStatus: 500,
	}
}

// invalidSelectorsReason is the reason text of Windows' w:InvalidSelectors
// fault (DSP0226 wsman:InvalidSelectors; text as captured from Windows in
// pypsrp's test fixtures).
const invalidSelectorsReason = "The WS-Management service cannot process the request because the request contained invalid selectors for the resource. "

// faultShellNotFound answers an operation on a ShellId the server does not
// know: code 2150858843 (0x8033805B, ERROR_WSMAN_UNEXPECTED_SELECTORS in
// wsmerror.h) with the shell plugin's message, as Windows sends it.
func faultShellNotFound(shellID string) *wsmanFault {
	return &wsmanFault{
		code: "s:Sender", subcode: "w:InvalidSelectors", reason: invalidSelectorsReason,
		faultCode: 2150858843,
		message: "The request for the Windows Remote Shell with ShellId " + shellID +
			" failed because the shell was not found on the server. Possible causes are: the specified ShellId is incorrect or the shell no longer exists on the server. Provide the correct ShellId or create a new shell and retry the operation. ",
		detail:     "http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/UnexpectedSelectors",
		httpStatus: 500,
	}
}

// faultCommandNotFound answers an operation on an unknown CommandId
// (Windows' text and code, as pypsrp's test_winrs_bad_cmd_id records them).
func faultCommandNotFound() *wsmanFault {
	return &wsmanFault{
		code: "s:Sender", subcode: "w:InvalidSelectors", reason: invalidSelectorsReason,
		faultCode:  2150858843,
		message:    "The Windows Remote Shell received a request to perform an operation on a command identifier that does not exist. Either the command has completed execution or the client specified an invalid command identifier. ",
		httpStatus: 500,
	}
}

// faultMaxShells answers a Create past MaxShellsPerUser: [MS-WSMV]
// 3.1.4.5.2.1 says wsman:QuotaLimit; the code is ERROR_WSMAN_QUOTA_MAX_SHELLS
// (0x803381A5 = 2150859173, wsmerror.h) and the text Windows' event/fault
// text for that code. (0x803381A6 = 2150859174 is the concurrent-operations
// quota, ERROR_WSMAN_QUOTA_MAX_OPERATIONS.)
func faultMaxShells(limit int) *wsmanFault {
	msg := "The WS-Management service cannot process the request. This user is allowed a maximum number of " +
		strconv.Itoa(limit) + " concurrent shells, which has been exceeded. Close existing shells or raise the quota for this user. "
	return &wsmanFault{
		code: "s:Receiver", subcode: "w:QuotaLimit", reason: msg,
		faultCode: 2150859173, message: msg, httpStatus: 500,
	}
}

// faultCreateProcess answers a Command whose process could not be started:
// the shell plugin (winrscmd.dll) reports the CreateProcess error as an
// HRESULT_FROM_WIN32 code in a w:InternalError fault, as in masterzen/winrm's
// captured fixture for ERROR_FILENAME_EXCED_RANGE.
func faultCreateProcess(hresult uint32, text string) *wsmanFault {
	return &wsmanFault{
		code: "s:Receiver", subcode: "w:InternalError", reason: text,
		faultCode: hresult, message: text, provider: true, httpStatus: 500,
	}
}

// faultUnsupported answers an action the simulator does not implement:
// ERROR_WSMAN_ACTION_NOT_SUPPORTED (0x80338013, wsmerror.h: "wsa,
// code=Sender, subcode=WS-Addressing ActionNotSupported").
func faultUnsupported() *wsmanFault {
	msg := "The WS-Management service does not support the action specified in the request. "
	return &wsmanFault{
		code: "s:Sender", subcode: "a:ActionNotSupported", reason: msg,
		faultCode: 2150858771, message: msg, httpStatus: 500,
	}
}

// faultInvalidMessage answers a request whose XML is not what the operation
// expects (missing body element, bad base64): ERROR_WSMAN_SCHEMA_VALIDATION_ERROR
// (0x80338041, wsmerror.h: "wsman, code=Sender, subcode=SchemaValidationError").
func faultInvalidMessage() *wsmanFault {
	msg := "The SOAP XML in the message does not match the corresponding XML schema definition. Change the XML and retry. "
	return &wsmanFault{
		code: "s:Sender", subcode: "w:SchemaValidationError", reason: msg,
		faultCode: 2150858817, message: msg, httpStatus: 500,
	}
}

// render returns the fault document.
func (f *wsmanFault) render(relatesTo, machine string) []byte {
	var w xmlWriter
	w.raw(faultEnvelopeOpen)
	w.header(actionFault, relatesTo)
	w.raw("<s:Body><s:Fault><s:Code><s:Value>", f.code, "</s:Value><s:Subcode><s:Value>", f.subcode,
		"</s:Value></s:Subcode></s:Code><s:Reason><s:Text xml:lang=\"en-US\">")
	w.text(f.reason)
	w.raw("</s:Text></s:Reason><s:Detail>")
	if f.detail != "" {
		w.element("w:FaultDetail", f.detail)
	}
	w.raw(`<f:WSManFault xmlns:f="`, nsWSManFault, `" Code="`, strconv.FormatUint(uint64(f.faultCode), 10), `" Machine="`)
	w.text(machine)
	w.raw(`"><f:Message>`)
	if f.provider {
		w.raw(`<f:ProviderFault provider="Shell cmd plugin" path="%systemroot%\system32\winrscmd.dll">`)
		w.text(f.message)
		w.raw(`</f:ProviderFault>`)
	} else {
		w.text(f.message)
	}
	w.raw("</f:Message></f:WSManFault></s:Detail></s:Fault></s:Body></s:Envelope>")
	return w.Bytes()
}

// faultResourceNotFound answers a shell operation on a resource URI other
// than the cmd shell: ERROR_WSMAN_RESOURCE_NOT_FOUND (0x80338000, wsmerror.h),
// sent as wsa:DestinationUnreachable (DSP0226 "the resource URI is not
// supported").
func faultResourceNotFound() *wsmanFault {
	msg := "The WS-Management service cannot process the request. The service cannot find the resource identified by the resource URI and selectors. "
	return &wsmanFault{
		code: "s:Sender", subcode: "a:DestinationUnreachable", reason: msg,
		faultCode: 2150858752, message: msg, httpStatus: 500,
	}
}
