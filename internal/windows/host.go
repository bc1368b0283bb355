// Package windows is the typed API of a Windows host: Go types and methods
// for each domain (host facts, HTTP.sys, certificates), each backed by one
// embedded PowerShell script run over WinRM with the op protocol of
// PROTOCOL.md. It knows nothing of Terraform.
package windows

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/winrm"
)

// Runner runs one request on a host. *winrm.Client is the Runner used in
// production and in tests against the simulator.
type Runner interface {
	Run(ctx context.Context, req winrm.Request) (*winrm.Result, error)
}

// Host is one Windows host reached through a Runner.
type Host struct {
	runner Runner

	// info is host.info's answer, read once: several resources check the
	// Windows build at plan, and it does not change while Terraform runs.
	infoMu sync.Mutex
	info   *Info
}

// New returns the host that runner reaches.
func New(runner Runner) *Host { return &Host{runner: runner} }

// envelopePrefix starts the one stdout line that carries an op's outcome.
var envelopePrefix = []byte("##tfwin-envelope## ")

type envelope struct {
	// ID is the request id a worker ran the op under (PROTOCOL.md
	// section 2); absent for one process per op.
	ID     string          `json:"id"`
	OK     bool            `json:"ok"`
	Result json.RawMessage `json:"result"`
	Error  *struct {
		Code    int64  `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// call runs op in the host agent with args and decodes the result into out (if not
// nil). Op failures come back as *Error; transport failures as they are.
func (h *Host) call(ctx context.Context, op string, args, out any) error {
	if args == nil {
		args = struct{}{}
	}
	argsJSON, err := json.Marshal(args)
	if err != nil {
		return fmt.Errorf("%s: encode arguments: %w", op, err)
	}
	res, err := h.runner.Run(ctx, winrm.Request{Script: agentScript, Op: op, Args: argsJSON, ReadOnly: isReadOnlyOp(op)})
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	env, err := parseEnvelope(res.Stdout)
	if err != nil {
		return &Error{Op: op, Code: codeScriptFailure, Message: scriptFailure(err, res)}
	}
	if env.ID != res.RequestID {
		// Never take another request's answer for this one's.
		return fmt.Errorf("%s: the host's answer belongs to request %q, not to %q", op, env.ID, res.RequestID)
	}
	if !env.OK {
		if env.Error == nil {
			return &Error{Op: op, Code: codeScriptFailure, Message: "the host reported a failure without details"}
		}
		return &Error{Op: op, Code: env.Error.Code, Message: env.Error.Message}
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(env.Result, out); err != nil {
		return fmt.Errorf("%s: decode result: %w", op, err)
	}
	return nil
}

// readOnlyVerbs are the last name segments of ops that only read the host
// (PROTOCOL.md section 1; "probe" is tls.probe's handshake, which changes
// nothing; "inspect" reads a file, cert.pfx_file.inspect's PFX, without
// importing it): the transport may run such an op again on a
// fresh worker after a failure whose outcome is unknown. Every other op is
// a write, never sent twice.
var readOnlyVerbs = map[string]bool{"get": true, "list": true, "lookup": true, "info": true, "echo": true, "emit": true, "probe": true, "inspect": true}

// isReadOnlyOp reports whether op only reads the host.
func isReadOnlyOp(op string) bool {
	return readOnlyVerbs[op[strings.LastIndexByte(op, '.')+1:]]
}

// parseEnvelope finds the last line of stdout that starts with the envelope
// prefix; anything a profile or the script printed before it is ignored, and
// the prefix inside a value (a setting holding it) is not a line start.
func parseEnvelope(stdout []byte) (*envelope, error) {
	var line []byte
	found := false
	for rest := stdout; len(rest) > 0; {
		current, next, _ := bytes.Cut(rest, []byte("\n"))
		if bytes.HasPrefix(current, envelopePrefix) {
			line, found = current[len(envelopePrefix):], true
		}
		rest = next
	}
	if !found {
		return nil, fmt.Errorf("no result envelope in the output")
	}
	var env envelope
	if err := json.Unmarshal(bytes.TrimSpace(line), &env); err != nil {
		return nil, fmt.Errorf("malformed result envelope: %w", err)
	}
	return &env, nil
}

// scriptFailure describes a run that produced no envelope: the script itself
// failed, and PowerShell's error text (already decoded from CLIXML) says why.
func scriptFailure(cause error, res *winrm.Result) string {
	stderr := bytes.TrimSpace(res.Stderr)
	if len(stderr) > maxStderrInErrorBytes {
		stderr = append(stderr[:maxStderrInErrorBytes:maxStderrInErrorBytes], "…"...)
	}
	how := fmt.Sprintf("PowerShell exited with code %d", res.ExitCode)
	if res.RequestID != "" {
		how = "the op's script failed in the PowerShell worker"
	}
	if len(stderr) == 0 {
		return fmt.Sprintf("%s: %v", how, cause)
	}
	return fmt.Sprintf("%s: %s", how, stderr)
}

// Info is what identifies a host.
type Info struct {
	Hostname          string `json:"hostname"`
	OSCaption         string `json:"os_caption"`
	OSVersion         string `json:"os_version"`
	PowerShellVersion string `json:"powershell_version"`
}

// Info returns the host's name, Windows version and PowerShell version.
func (h *Host) Info(ctx context.Context) (Info, error) {
	h.infoMu.Lock()
	defer h.infoMu.Unlock()
	if h.info != nil {
		return *h.info, nil
	}
	var info Info
	if err := h.call(ctx, "host.info", nil, &info); err != nil {
		return info, err
	}
	h.info = &info
	return info, nil
}
