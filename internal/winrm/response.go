package winrm

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// idPattern is what a shell or command id may look like (Windows uses
// upper-case GUIDs). Ids go into later envelopes unescaped, so anything else
// is refused.
var idPattern = regexp.MustCompile(`^[A-Za-z0-9{}:._-]{1,128}$`)

// envelope is the part of a WS-Management answer this package reads.
// encoding/xml matches local names in any namespace.
type envelope struct {
	Body struct {
		Fault *soapFault `xml:"Fault"`
		Shell struct {
			ShellID string `xml:"ShellId"`
		} `xml:"Shell"`
		ResourceCreated struct {
			Selectors []selector `xml:"ReferenceParameters>SelectorSet>Selector"`
		} `xml:"ResourceCreated"`
		CommandResponse struct {
			CommandID string `xml:"CommandId"`
		} `xml:"CommandResponse"`
		ReceiveResponse receiveResponse `xml:"ReceiveResponse"`
	} `xml:"Body"`
}

type selector struct {
	Name  string `xml:"Name,attr"`
	Value string `xml:",chardata"`
}

// receiveResponse is rsp:ReceiveResponse (MS-WSMV 2.2.4.31).
type receiveResponse struct {
	Streams []struct {
		Name string `xml:"Name,attr"`
		Data string `xml:",chardata"`
	} `xml:"Stream"`
	CommandState struct {
		State    string `xml:"State,attr"`
		ExitCode string `xml:"ExitCode"`
	} `xml:"CommandState"`
}

// soapFault is a SOAP 1.2 Fault with WinRM's WSManFault detail.
type soapFault struct {
	Subcode string `xml:"Code>Subcode>Value"`
	Reason  string `xml:"Reason>Text"`
	Detail  struct {
		WSManFault struct {
			Code    string `xml:"Code,attr"`
			Machine string `xml:"Machine,attr"`
			Message string `xml:"Message"`
		} `xml:"WSManFault"`
	} `xml:"Detail"`
}

func parseEnvelope(body []byte) (*envelope, error) {
	var env envelope
	if err := xml.NewDecoder(bytes.NewReader(body)).Decode(&env); err != nil {
		return nil, fmt.Errorf("%w: not a SOAP envelope: %w", ErrProtocol, err)
	}
	return &env, nil
}

// parseFault returns the fault in body, or an error if there is none.
func parseFault(body []byte) (*FaultError, error) {
	env, err := parseEnvelope(body)
	if err != nil {
		return nil, err
	}
	f := env.Body.Fault
	if f == nil {
		return nil, fmt.Errorf("%w: no SOAP fault in the answer", ErrProtocol)
	}
	code, _ := strconv.ParseUint(strings.TrimSpace(f.Detail.WSManFault.Code), 10, 32)
	return &FaultError{
		Code:    uint32(code),
		Subcode: strings.TrimSpace(f.Subcode),
		Reason:  strings.TrimSpace(f.Reason),
		Message: strings.TrimSpace(f.Detail.WSManFault.Message),
		Machine: f.Detail.WSManFault.Machine,
	}, nil
}

// parseShellID reads the new shell's id from a Create answer: rsp:ShellId in
// the body, or the ShellId selector of the created resource.
func parseShellID(body []byte) (string, error) {
	env, err := parseEnvelope(body)
	if err != nil {
		return "", err
	}
	id := strings.TrimSpace(env.Body.Shell.ShellID)
	for _, s := range env.Body.ResourceCreated.Selectors {
		if id == "" && s.Name == "ShellId" {
			id = strings.TrimSpace(s.Value)
		}
	}
	return checkID("ShellId", id)
}

// parseCommandID reads rsp:CommandId from a Command answer.
func parseCommandID(body []byte) (string, error) {
	env, err := parseEnvelope(body)
	if err != nil {
		return "", err
	}
	return checkID("CommandId", strings.TrimSpace(env.Body.CommandResponse.CommandID))
}

func checkID(what, id string) (string, error) {
	if !idPattern.MatchString(id) {
		return "", fmt.Errorf("%w: the answer carries no valid %s (got %q)", ErrProtocol, what, id)
	}
	return id, nil
}

// output is what one Receive answer carried.
type output struct {
	Stdout, Stderr []byte
	Done           bool
	ExitCode       int
}

// parseReceive decodes the streams and the command state of a Receive
// answer.
func parseReceive(body []byte) (*output, error) {
	env, err := parseEnvelope(body)
	if err != nil {
		return nil, err
	}
	rr := env.Body.ReceiveResponse
	out := &output{}
	for _, s := range rr.Streams {
		data, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s.Data))
		if err != nil {
			return nil, fmt.Errorf("%w: %s stream is not base64: %w", ErrProtocol, s.Name, err)
		}
		switch s.Name {
		case "stdout":
			out.Stdout = append(out.Stdout, data...)
		case "stderr":
			out.Stderr = append(out.Stderr, data...)
		}
	}
	if rr.CommandState.State == commandStateDone {
		out.Done = true
		code, err := parseExitCode(rr.CommandState.ExitCode)
		if err != nil {
			return nil, err
		}
		out.ExitCode = code
	}
	return out, nil
}

// parseExitCode reads rsp:ExitCode. Windows exit codes are DWORDs: codes
// above 2^31 (NTSTATUS values such as 0xC000013A) are returned as their
// int32 value, as PowerShell's $LASTEXITCODE shows them.
func parseExitCode(s string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	if n, err := strconv.ParseInt(s, 10, 32); err == nil {
		return int(n), nil
	}
	n, err := strconv.ParseUint(s, 10, 32)
	if err != nil {
		return 0, fmt.Errorf("%w: exit code %q is not a number", ErrProtocol, s)
	}
	return int(int32(uint32(n))), nil
}
