package winsim

import (
	"encoding/base64"
	"errors"
	"strings"
	"time"
	"unicode/utf16"
)

// bootstrapMarker identifies the transport's bootstrap script
// (PROTOCOL.md section 1): it reads the request from stdin.
const bootstrapMarker = "[Console]::In.ReadToEnd()"

// envelopePrefix starts the envelope line (PROTOCOL.md section 2).
const envelopePrefix = "##tfwin-envelope## "

// exitBadCommandLine is powershell.exe's exit code for command-line
// parameters it cannot use (ConsoleHost's ExitCodeBadCommandLineParameter).
const exitBadCommandLine = 64

// psSwitch is a powershell.exe parameter: its full name, the shortest
// prefix Windows PowerShell 5.1 accepts for it, and whether a value follows.
type psSwitch struct {
	name, min  string
	takesValue bool
}

// psSwitches are powershell.exe's parameters (about_PowerShell_exe), except
// -Command, -EncodedCommand and -File, which parsePowerShellArgs handles.
var psSwitches = []psSwitch{
	{"noprofile", "nop", false}, {"noninteractive", "noni", false}, {"nologo", "nol", false},
	{"noexit", "noe", false}, {"sta", "sta", false}, {"mta", "mta", false},
	{"executionpolicy", "ex", true}, {"ep", "ep", true},
	{"inputformat", "in", true}, {"if", "if", true}, {"outputformat", "o", true}, {"of", "of", true},
	{"windowstyle", "w", true}, {"version", "v", true}, {"psconsolefile", "psc", true},
	{"configurationname", "config", true},
}

// psInvocation is what a powershell.exe command line asks for.
type psInvocation struct {
	encoded    string // base64 of UTF-16LE script, from -EncodedCommand
	hasEncoded bool
	command    string // script text, from -Command or the first non-parameter
	hasCommand bool
}

// matchSwitch reports whether key (lower-case, without the dash) selects
// the parameter: a prefix of its name at least as long as its minimum.
func matchSwitch(key, name, min string) bool {
	return strings.HasPrefix(name, key) && strings.HasPrefix(key, min)
}

// parsePowerShellArgs reads powershell.exe's arguments as Windows
// PowerShell 5.1 does (case-insensitive, abbreviations allowed; the first
// argument that is not a known parameter starts the command).
func parsePowerShellArgs(args []string) psInvocation {
	var inv psInvocation
	for i := 0; i < len(args); i++ {
		arg := args[i]
		key := strings.ToLower(strings.TrimLeft(arg, "-/"))
		if !strings.HasPrefix(arg, "-") && !strings.HasPrefix(arg, "/") {
			inv.command, inv.hasCommand = strings.Join(args[i:], " "), true
			return inv
		}
		switch {
		case key == "ec" || matchSwitch(key, "encodedcommand", "e"):
			if i+1 < len(args) {
				inv.encoded, inv.hasEncoded = args[i+1], true
			}
			i++
			continue
		case matchSwitch(key, "command", "c"):
			inv.command, inv.hasCommand = strings.Join(args[i+1:], " "), true
			return inv
		}
		sw, ok := lookupSwitch(key)
		if !ok {
			inv.command, inv.hasCommand = strings.Join(args[i:], " "), true
			return inv
		}
		if sw.takesValue {
			i++
		}
	}
	return inv
}

func lookupSwitch(key string) (psSwitch, bool) {
	for _, sw := range psSwitches {
		if matchSwitch(key, sw.name, sw.min) {
			return sw, true
		}
	}
	return psSwitch{}, false
}

// decodeEncodedCommand decodes -EncodedCommand: base64 of UTF-16LE text.
func decodeEncodedCommand(b64 string) (string, error) {
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return "", err
	}
	if len(raw)%2 != 0 {
		return "", errors.New("odd number of bytes for UTF-16")
	}
	units := make([]uint16, len(raw)/2)
	for i := range units {
		units[i] = uint16(raw[2*i]) | uint16(raw[2*i+1])<<8
	}
	return string(utf16.Decode(units)), nil
}

// powershellProgram runs powershell.exe with the given argument text.
func (s *Server) powershellProgram(argText string) program {
	inv := parsePowerShellArgs(splitArgs(argText))
	return func(p *process) int {
		if !s.waitPowerShellStart(p) {
			return 1
		}
		switch {
		case inv.hasEncoded:
			script, err := decodeEncodedCommand(inv.encoded)
			if err != nil {
				p.stderr([]byte("Cannot process the command because the value specified with -EncodedCommand is not properly encoded. The value must be Base64 encoded.\r\n"))
				return exitBadCommandLine
			}
			if strings.Contains(script, workerMarker) {
				return s.runWorker(p)
			}
			if strings.Contains(script, bootstrapMarker) {
				return s.runBootstrap(p)
			}
			// -EncodedCommand makes PowerShell serialise its error stream
			// as CLIXML when output is redirected, as clients see over WinRM.
			return s.runUnknownScript(p, script, s.clixmlErrors)
		case inv.hasCommand && inv.command != "-":
			return s.runUnknownScript(p, inv.command, plainErrors)
		default:
			// -Command - or no command at all: the script comes from stdin.
			script, err := p.readAllStdin()
			if err != nil {
				return 1
			}
			return s.runUnknownScript(p, string(script), plainErrors)
		}
	}
}

// waitPowerShellStart charges Options.PSStart, the cost of starting
// powershell.exe; it returns false if the process was terminated meanwhile.
func (s *Server) waitPowerShellStart(p *process) bool {
	return sleepUnlessDone(p.ctx, s.opts.PSStart)
}

// runUnknownScript answers a script the simulator does not interpret as
// PowerShell answers when its first command does not exist: the
// CommandNotFoundException error view on stderr and exit code 1.
func (s *Server) runUnknownScript(p *process, script string, render func([]string) []byte) int {
	script = strings.TrimLeft(script, "\ufeff \t\r\n")
	if strings.TrimSpace(script) == "" {
		return 0
	}
	firstLine, _, _ := strings.Cut(script, "\n")
	firstLine = strings.TrimRight(firstLine, "\r")
	name := firstLine
	if i := strings.IndexAny(name, " \t;|&(){}"); i >= 0 {
		name = name[:i]
	}
	if name == "" {
		name = firstLine
	}
	p.stderr(render(s.notRecognizedLines(name, firstLine)))
	return 1
}

// runBootstrap executes the op protocol: it reads the three-line request
// from stdin, runs the op on the host model and writes the envelope.
func (s *Server) runBootstrap(p *process) int {
	data, err := p.readAllStdin()
	if err != nil {
		return 1
	}
	p.stdout(s.codePageLine())
	script, op, args, ok := parseOpRequest(string(data))
	if !ok {
		p.stderr(s.clixmlErrors(badRequestLines()))
		return 1
	}
	if !s.loadAgent(p, script) {
		return 1
	}
	out := s.runOp(script, op, args, "")
	switch {
	case out.failure != "":
		p.stderr(s.clixmlErrors(wrapWords(out.failure, consoleWidth-1)))
		return 1
	case !out.known:
		name := "Invoke-" + op
		p.stderr(s.clixmlErrors(s.notRecognizedLines(name, name)))
		return 1
	}
	if s.faults.killThisOp(op) {
		return exitKilled
	}
	p.stdout(out.line)
	return out.code
}

// exitKilled is the exit code of a process ended by TerminateProcess as
// Stop-Process does it (exit code 1 would be indistinguishable from an op
// failure; -1 is what Stop-Process -Force leaves).
const exitKilled = -1

// opOutcome is what running one op gave: its envelope line and the exit
// code a one-shot process ends with; known is false for an op no script
// defines; failure is set when the host code itself failed (the agent did
// not compile or its process died), which PowerShell reports on stderr.
type opOutcome struct {
	line    []byte
	code    int
	known   bool
	failure string
}

// runOp runs op in the host agent the request's script carries, under
// Mono. Any other script is not interpreted: its op is unknown, as for a
// script that defines no Invoke-<op>. The envelope carries the request id
// when id is set.
func (s *Server) runOp(script []byte, op string, args []byte, id string) opOutcome {
	if !isAgentScript(script) {
		return opOutcome{code: 1}
	}
	reply, err := s.runAgentOp(script, op, args, id)
	if err != nil {
		s.logf("winsim: agent: %v", err)
		return opOutcome{code: 1, known: true, failure: err.Error()}
	}
	code := 1
	if reply.ok {
		code = 0
	}
	return opOutcome{line: reply.line, code: code, known: reply.known}
}

// assemblyLoadCost is what loading the cached agent assembly costs a
// process once the host compiled it (host.ps1: read the file, check
// its SHA-256, Assembly.Load), charged only when compiles
// are modelled (Options.AddType).
const assemblyLoadCost = 30 * time.Millisecond

// loadAgent charges, the first time a process runs an op of the agent
// script, what host.ps1 pays to get the agent: the compile (Options.AddType)
// when the host has no compiled assembly cached yet, or when
// Options.NoAssemblyCache says the cache cannot be used (every process
// compiles); else the load of the cached assembly. A process that starts
// while another one's compile is still running compiles too, as it finds no
// file yet. False if the process was terminated.
func (s *Server) loadAgent(p *process, script []byte) bool {
	if p.compiled || !isAgentScript(script) || s.opts.AddType <= 0 {
		return true
	}
	p.compiled = true
	now := time.Now()
	cost := s.opts.AddType
	if !s.opts.NoAssemblyCache {
		s.assemblyMu.Lock()
		switch {
		case s.assemblyReady.IsZero():
			s.assemblyReady = now.Add(s.opts.AddType)
		case !now.Before(s.assemblyReady):
			cost = assemblyLoadCost
		}
		s.assemblyMu.Unlock()
	}
	return sleepUnlessDone(p.ctx, cost)
}

// parseOpRequest splits stdin into the script, the op name and the decoded
// JSON arguments (PROTOCOL.md section 1).
func parseOpRequest(stdin string) (script []byte, op string, args []byte, ok bool) {
	lines := strings.Split(stdin, "\n")
	if len(lines) < 3 {
		return nil, "", nil, false
	}
	for i := range lines {
		lines[i] = strings.TrimRight(lines[i], "\r")
	}
	script, err := base64.StdEncoding.DecodeString(lines[0])
	if err != nil {
		return nil, "", nil, false
	}
	args, err = base64.StdEncoding.DecodeString(lines[2])
	if err != nil {
		return nil, "", nil, false
	}
	return script, lines[1], args, true
}

// badRequestLines is the error the bootstrap's [Convert]::FromBase64String
// throws for a request line that is not base64.
func badRequestLines() []string {
	msg := `Exception calling "FromBase64String" with "1" argument(s): "The input is not a valid Base-64 string as it ` +
		`contains a non-base 64 character, more than two padding characters, or an illegal character among the padding characters. "`
	lines := wrapWords(msg, consoleWidth-1)
	return append(lines,
		"    + CategoryInfo          : NotSpecified: (:) [], MethodInvocationException",
		"    + FullyQualifiedErrorId : FormatException",
		" ")
}
