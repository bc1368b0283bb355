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
}

// New returns the host that runner reaches.
func New(runner Runner) *Host { return &Host{runner: runner} }

// envelopePrefix starts the one stdout line that carries an op's outcome.
var envelopePrefix = []byte("##tfwin-envelope## ")

type envelope struct {
	OK     bool            `json:"ok"`
	Result json.RawMessage `json:"result"`
	Error  *struct {
		Code    int64  `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// call runs op of script with args and decodes the result into out (if not
// nil). Op failures come back as *Error; transport failures as they are.
func (h *Host) call(ctx context.Context, script Script, op string, args, out any) error {
	if args == nil {
		args = struct{}{}
	}
	argsJSON, err := json.Marshal(args)
	if err != nil {
		return fmt.Errorf("%s: encode arguments: %w", op, err)
	}
	res, err := h.runner.Run(ctx, winrm.Request{Script: script.text, Op: op, Args: argsJSON})
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	env, err := parseEnvelope(res.Stdout)
	if err != nil {
		return &Error{Op: op, Code: codeScriptFailure, Message: scriptFailure(err, res)}
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

// parseEnvelope finds the last envelope line of stdout; anything a profile or
// the script printed before it is ignored.
func parseEnvelope(stdout []byte) (*envelope, error) {
	i := bytes.LastIndex(stdout, envelopePrefix)
	if i < 0 {
		return nil, fmt.Errorf("no result envelope in the output")
	}
	line := stdout[i+len(envelopePrefix):]
	if j := bytes.IndexByte(line, '\n'); j >= 0 {
		line = line[:j]
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
	if len(stderr) == 0 {
		return fmt.Sprintf("PowerShell exited with code %d: %v", res.ExitCode, cause)
	}
	return fmt.Sprintf("PowerShell exited with code %d: %s", res.ExitCode, stderr)
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
	var info Info
	err := h.call(ctx, hostScript, "host.info", nil, &info)
	return info, err
}
