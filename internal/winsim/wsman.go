package winsim

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// XML namespaces of WS-Management and the Windows Remote Shell ([MS-WSMV]
// 2.2.1), with the prefixes Windows uses in its responses.
const (
	nsSOAP       = "http://www.w3.org/2003/05/soap-envelope"
	nsAddressing = "http://schemas.xmlsoap.org/ws/2004/08/addressing"
	nsTransfer   = "http://schemas.xmlsoap.org/ws/2004/09/transfer"
	nsWSMan      = "http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd"
	nsMSWSMan    = "http://schemas.microsoft.com/wbem/wsman/1/wsman.xsd"
	nsShell      = "http://schemas.microsoft.com/wbem/wsman/1/windows/shell"
	nsWSManFault = "http://schemas.microsoft.com/wbem/wsman/1/wsmanfault"
	nsEventing   = "http://schemas.xmlsoap.org/ws/2004/08/eventing"
	nsEnum       = "http://schemas.xmlsoap.org/ws/2004/09/enumeration"
)

// Actions of the shell operations ([MS-WSMV] 3.1.4) and their responses.
const (
	actionCreate          = nsTransfer + "/Create"
	actionCreateResponse  = nsTransfer + "/CreateResponse"
	actionDelete          = nsTransfer + "/Delete"
	actionDeleteResponse  = nsTransfer + "/DeleteResponse"
	actionCommand         = nsShell + "/Command"
	actionCommandResponse = nsShell + "/CommandResponse"
	actionSend            = nsShell + "/Send"
	actionSendResponse    = nsShell + "/SendResponse"
	actionReceive         = nsShell + "/Receive"
	actionReceiveResponse = nsShell + "/ReceiveResponse"
	actionSignal          = nsShell + "/Signal"
	actionSignalResponse  = nsShell + "/SignalResponse"
	actionFault           = "http://schemas.dmtf.org/wbem/wsman/1/wsman/fault"

	resourceURICmd   = nsShell + "/cmd"
	signalTerminate  = nsShell + "/signal/terminate"
	commandStateDone = nsShell + "/CommandState/Done"
	commandStateRun  = nsShell + "/CommandState/Running"
	anonymousAddress = "http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous"
)

// request is the part of a WS-Management request the simulator reads.
type request struct {
	XMLName xml.Name      `xml:"http://www.w3.org/2003/05/soap-envelope Envelope"`
	Header  requestHeader `xml:"http://www.w3.org/2003/05/soap-envelope Header"`
	Body    requestBody   `xml:"http://www.w3.org/2003/05/soap-envelope Body"`
}

type requestHeader struct {
	Action           string     `xml:"http://schemas.xmlsoap.org/ws/2004/08/addressing Action"`
	MessageID        string     `xml:"http://schemas.xmlsoap.org/ws/2004/08/addressing MessageID"`
	ResourceURI      string     `xml:"http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd ResourceURI"`
	MaxEnvelopeSize  string     `xml:"http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd MaxEnvelopeSize"`
	OperationTimeout string     `xml:"http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd OperationTimeout"`
	Selectors        []nameText `xml:"http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd SelectorSet>Selector"`
	Options          []nameText `xml:"http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd OptionSet>Option"`
}

type nameText struct {
	Name  string `xml:"Name,attr"`
	Value string `xml:",chardata"`
}

type requestBody struct {
	// Shell is a Create's rsp:Shell ([MS-WSMV] 2.2.4.37 ShellType).
	Shell *struct {
		IdleTimeOut string `xml:"http://schemas.microsoft.com/wbem/wsman/1/windows/shell IdleTimeOut"`
	} `xml:"http://schemas.microsoft.com/wbem/wsman/1/windows/shell Shell"`
	CommandLine *struct {
		Command   string   `xml:"http://schemas.microsoft.com/wbem/wsman/1/windows/shell Command"`
		Arguments []string `xml:"http://schemas.microsoft.com/wbem/wsman/1/windows/shell Arguments"`
	} `xml:"http://schemas.microsoft.com/wbem/wsman/1/windows/shell CommandLine"`
	Send *struct {
		Streams []sendStream `xml:"http://schemas.microsoft.com/wbem/wsman/1/windows/shell Stream"`
	} `xml:"http://schemas.microsoft.com/wbem/wsman/1/windows/shell Send"`
	Receive *struct {
		DesiredStream struct {
			CommandID string `xml:"CommandId,attr"`
		} `xml:"http://schemas.microsoft.com/wbem/wsman/1/windows/shell DesiredStream"`
	} `xml:"http://schemas.microsoft.com/wbem/wsman/1/windows/shell Receive"`
	Signal *struct {
		CommandID string `xml:"CommandId,attr"`
		Code      string `xml:"http://schemas.microsoft.com/wbem/wsman/1/windows/shell Code"`
	} `xml:"http://schemas.microsoft.com/wbem/wsman/1/windows/shell Signal"`
}

type sendStream struct {
	Name      string `xml:"Name,attr"`
	CommandID string `xml:"CommandId,attr"`
	End       string `xml:"End,attr"`
	Data      string `xml:",chardata"`
}

// parseRequest decodes a SOAP request.
func parseRequest(soap []byte) (*request, error) {
	var req request
	if err := xml.Unmarshal(soap, &req); err != nil {
		return nil, fmt.Errorf("parse SOAP request: %w", err)
	}
	req.Header.Action = strings.TrimSpace(req.Header.Action)
	req.Header.MessageID = strings.TrimSpace(req.Header.MessageID)
	req.Header.ResourceURI = strings.TrimSpace(req.Header.ResourceURI)
	return &req, nil
}

// selector returns the value of the named selector (ShellId), or "".
func (h *requestHeader) selector(name string) string {
	for _, s := range h.Selectors {
		if strings.EqualFold(s.Name, name) {
			return strings.TrimSpace(s.Value)
		}
	}
	return ""
}

// option returns the value of the named option (WINRS_SKIP_CMD_SHELL), or "".
func (h *requestHeader) option(name string) string {
	for _, o := range h.Options {
		if strings.EqualFold(o.Name, name) {
			return strings.TrimSpace(o.Value)
		}
	}
	return ""
}

// defaultOperationTimeout is used when a request carries no
// w:OperationTimeout: Windows' default MaxTimeoutms is 60 seconds
// (Installation and Configuration for Windows Remote Management, "MaxTimeoutms").
const defaultOperationTimeout = 60 * time.Second

// operationTimeout returns the request's w:OperationTimeout.
func (h *requestHeader) operationTimeout() time.Duration {
	d, err := parseXSDuration(strings.TrimSpace(h.OperationTimeout))
	if err != nil || d <= 0 {
		return defaultOperationTimeout
	}
	return d
}

// defaultMaxEnvelopeSize is what pywinrm and masterzen/winrm request
// (153600 bytes); it is used when a request does not say.
const defaultMaxEnvelopeSize = 153600

// maxEnvelopeSize returns the request's w:MaxEnvelopeSize in bytes.
func (h *requestHeader) maxEnvelopeSize() int {
	n, err := strconv.Atoi(strings.TrimSpace(h.MaxEnvelopeSize))
	if err != nil || n < 8192 {
		return defaultMaxEnvelopeSize
	}
	return n
}

// parseXSDuration parses the xs:duration forms WS-Management clients send
// for OperationTimeout: PT60S, PT60.000S, PT1M30S, P0DT0H1M0S.
func parseXSDuration(s string) (time.Duration, error) {
	if !strings.HasPrefix(s, "P") {
		return 0, fmt.Errorf("duration %q: missing P", s)
	}
	var total time.Duration
	inTime := false
	num := ""
	for _, r := range s[1:] {
		switch {
		case r == 'T':
			inTime = true
		case r >= '0' && r <= '9' || r == '.':
			num += string(r)
		default:
			unit, ok := durationUnit(r, inTime)
			if !ok || num == "" {
				return 0, fmt.Errorf("duration %q: bad unit %q", s, r)
			}
			v, err := strconv.ParseFloat(num, 64)
			if err != nil {
				return 0, fmt.Errorf("duration %q: %w", s, err)
			}
			total += time.Duration(v * float64(unit))
			num = ""
		}
	}
	if num != "" {
		return 0, fmt.Errorf("duration %q: number without unit", s)
	}
	return total, nil
}

func durationUnit(r rune, inTime bool) (time.Duration, bool) {
	switch {
	case r == 'D' && !inTime:
		return 24 * time.Hour, true
	case r == 'H' && inTime:
		return time.Hour, true
	case r == 'M' && inTime:
		return time.Minute, true
	case r == 'S' && inTime:
		return time.Second, true
	}
	return 0, false
}

// envelopeOpen is the start of every response, with the namespace
// declarations Windows puts on its s:Envelope (see the response fixtures in
// masterzen/winrm fixture_test.go, captured from Windows).
const envelopeOpen = `<s:Envelope xml:lang="en-US" xmlns:s="` + nsSOAP + `" xmlns:a="` + nsAddressing +
	`" xmlns:x="` + nsTransfer + `" xmlns:w="` + nsWSMan + `" xmlns:rsp="` + nsShell + `" xmlns:p="` + nsMSWSMan + `">`

// faultEnvelopeOpen is the start of a fault, as Windows declares it.
const faultEnvelopeOpen = `<s:Envelope xml:lang="en-US" xmlns:s="` + nsSOAP + `" xmlns:a="` + nsAddressing +
	`" xmlns:x="` + nsTransfer + `" xmlns:e="` + nsEventing + `" xmlns:n="` + nsEnum + `" xmlns:w="` + nsWSMan +
	`" xmlns:p="` + nsMSWSMan + `">`

// xmlWriter builds a response document.
type xmlWriter struct{ bytes.Buffer }

// text writes s escaped as XML character data.
func (w *xmlWriter) text(s string) {
	_ = xml.EscapeText(w, []byte(s))
}

// raw writes XML markup.
func (w *xmlWriter) raw(parts ...string) {
	for _, p := range parts {
		w.WriteString(p)
	}
}

// element writes <name>escaped text</name>.
func (w *xmlWriter) element(name, text string) {
	w.raw("<", name, ">")
	w.text(text)
	w.raw("</", name, ">")
}

// header writes the s:Header Windows sends: a:Action, a new a:MessageID,
// a:To anonymous and a:RelatesTo the request's MessageID.
func (w *xmlWriter) header(action, relatesTo string) {
	w.raw("<s:Header>")
	w.element("a:Action", action)
	w.element("a:MessageID", "uuid:"+newGUID())
	w.element("a:To", anonymousAddress)
	if relatesTo != "" {
		w.element("a:RelatesTo", relatesTo)
	}
	w.raw("</s:Header>")
}

// responseEnvelope returns a complete response with the given body markup.
func responseEnvelope(action, relatesTo, body string) []byte {
	var w xmlWriter
	w.raw(envelopeOpen)
	w.header(action, relatesTo)
	if body == "" {
		w.raw("<s:Body></s:Body>")
	} else {
		w.raw("<s:Body>", body, "</s:Body>")
	}
	w.raw("</s:Envelope>")
	return w.Bytes()
}
