package winrm

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"unicode/utf16"
)

// ErrInvalidRequest: Run refused the Request (bad op name or arguments)
// before contacting the host.
var ErrInvalidRequest = errors.New("invalid request")

// Request is one op of PROTOCOL.md: the script that runs it (the agent
// script), the op to run and its JSON arguments. Nothing of it enters PowerShell source or
// a command line: it travels on stdin, base64-encoded.
type Request struct {
	Script []byte // PowerShell script text (UTF-8) defining the op
	Op     string // e.g. "httpsys.urlacl.get"
	Args   []byte // JSON object; nil means {}
	// ReadOnly says the op only reads: after a failure whose outcome is
	// unknown it may run again on a fresh worker. Any other op is never
	// sent twice; such a failure is ErrOutcomeUnknown.
	ReadOnly bool
}

// opPattern is the op name grammar of PROTOCOL.md section 1.
var opPattern = regexp.MustCompile(`^[a-z][a-z0-9]*(\.[a-z][a-z0-9_]*)*$`)

// bootstrapScript is the fixed program powershell.exe runs: it reads the
// request from stdin (three lines: base64 script, op, base64 args), says
// which code page its output streams use (codePageMarker; after reading, so
// the line comes back with the op's output in one Receive), turns the
// script into a script block and invokes it with the op and the arguments,
// still base64, as its two parameters.
const bootstrapScript = `$ErrorActionPreference = 'Stop'
$lines = [Console]::In.ReadToEnd().Split([char]10)
[Console]::Out.Write('##tfwin-codepage## ' + [Console]::OutputEncoding.CodePage + [char]13 + [char]10)
$script = [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($lines[0].Trim()))
& ([ScriptBlock]::Create($script)) $lines[1].Trim() $lines[2].Trim()
`

// powershellCommand and bootstrapArgs are the command line of every Run.
const powershellCommand = "powershell.exe"

var bootstrapArgs = []string{
	"-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass",
	"-EncodedCommand", encodeCommand(bootstrapScript),
}

// encodeCommand is what powershell.exe -EncodedCommand takes: base64 of the
// script's UTF-16LE text.
func encodeCommand(script string) string {
	units := utf16.Encode([]rune(script))
	raw := make([]byte, 0, 2*len(units))
	for _, u := range units {
		raw = binary.LittleEndian.AppendUint16(raw, u)
	}
	return base64.StdEncoding.EncodeToString(raw)
}

// Run executes one op on the host through the bootstrap and returns the
// process's output; interpreting the envelope is the caller's job. A
// non-zero exit code is not an error here.
func (c *Client) Run(ctx context.Context, req Request) (*Result, error) {
	if err := req.check(); err != nil {
		return nil, err
	}
	if c.cfg.ReusePowerShell {
		return c.runOnPool(ctx, req)
	}
	res, started, err := c.execute(ctx, powershellCommand, bootstrapArgs, bytes.NewReader(req.stdin()))
	if err != nil && started && !req.ReadOnly {
		return nil, c.outcomeUnknown(req.Op, err)
	}
	if err != nil {
		return nil, err
	}
	var codePage int
	res.Stdout, codePage = cutCodePage(res.Stdout)
	res.Stderr = decodeStderr(res.Stderr, codePage)
	return res, nil
}

// outcomeUnknown reports a write whose request may have reached the host
// without its answer coming back.
func (c *Client) outcomeUnknown(op string, err error) error {
	return &Error{Step: "run " + op, Endpoint: c.cfg.endpointURL(), Kind: ErrOutcomeUnknown,
		Detail: "the request reached the host but its answer was lost, so the host may or may not have applied it; " +
			"it was not sent again. The next plan reads the host and shows which", Err: err}
}

// RunCommand runs any program with arguments (no cmd.exe: built-ins such
// as echo need "cmd.exe", "/c") and stdin, which may be nil. stdin is read
// on a goroutine that RunCommand waits for, so it must reach EOF or fail.
func (c *Client) RunCommand(ctx context.Context, command string, args []string, stdin io.Reader) (*Result, error) {
	if command == "" {
		return nil, fmt.Errorf("%w: command is empty", ErrInvalidRequest)
	}
	res, _, err := c.execute(ctx, command, args, stdin)
	if err != nil {
		return nil, err
	}
	res.Stderr = DecodeCLIXML(res.Stderr)
	return res, nil
}

// check refuses a request the host could not read.
func (r Request) check() error {
	if !opPattern.MatchString(r.Op) {
		return fmt.Errorf("%w: op %q does not match %s", ErrInvalidRequest, r.Op, opPattern)
	}
	if !json.Valid(r.args()) {
		// Never quote the arguments: they may hold secrets.
		return fmt.Errorf("%w: arguments of op %s are not valid JSON", ErrInvalidRequest, r.Op)
	}
	return nil
}

// args is the JSON arguments, {} when empty.
func (r Request) args() []byte {
	if len(bytes.TrimSpace(r.Args)) == 0 {
		return []byte("{}")
	}
	return r.Args
}

// stdin is the three LF-terminated lines of PROTOCOL.md section 1.
func (r Request) stdin() []byte {
	args := r.args()
	enc := base64.StdEncoding
	var b bytes.Buffer
	b.Grow(enc.EncodedLen(len(r.Script)) + len(r.Op) + enc.EncodedLen(len(args)) + 3)
	b.WriteString(enc.EncodeToString(r.Script))
	b.WriteByte('\n')
	b.WriteString(r.Op)
	b.WriteByte('\n')
	b.WriteString(enc.EncodeToString(args))
	b.WriteByte('\n')
	return b.Bytes()
}
