package winsim

import (
	"bufio"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/windows/agent"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/winsim/model"
)

// The simulator runs the agent the provider sends, as a host would: it
// takes the C# sources and references out of the agent script
// (internal/windows/agent/host.ps1: $AgentSource, $AgentReferences),
// compiles them with Mono's mcs as C# 5 against the .NET Framework 4.5.1
// reference assemblies (what Windows PowerShell 5.1's Add-Type compiles),
// together with its own side of the agent's interfaces (agenthost/), and
// runs the result under Mono, one long-lived process per host and agent
// version. Every Windows call the agent makes comes back as a bridge call,
// answered from the host model (agentbridge.go).

//go:embed agenthost/*.cs
var agentHostFiles embed.FS

// agentScriptMarker is the first line of the agent script.
const agentScriptMarker = "# tfwin-agent-v1"

// monoAPI is where Debian's mono-devel keeps the reference assemblies.
const monoAPI = "/usr/lib/mono/4.5.1-api"

// agentProgram is a parsed agent script: its sources and references.
type agentProgram struct {
	sources    []string
	references []string
}

// parseAgentScript finds the agent's sources in a request script: the
// single-quoted here-strings of $AgentSource = @( ... ) and the names in
// $AgentReferences = @( ... ). ok is false for any other script.
func parseAgentScript(script []byte) (prog agentProgram, ok bool) {
	text := strings.ReplaceAll(string(script), "\r\n", "\n")
	if !strings.HasPrefix(text, agentScriptMarker+"\n") {
		return prog, false
	}
	start := strings.Index(text, "\n$AgentSource = @(\n")
	if start < 0 {
		return prog, false
	}
	rest := text[start+len("\n$AgentSource = @(\n"):]
	for strings.HasPrefix(rest, "@'\n") {
		end := strings.Index(rest, "\n'@\n")
		if end < 0 {
			return prog, false
		}
		prog.sources = append(prog.sources, rest[len("@'\n"):end+1])
		rest = rest[end+len("\n'@\n"):]
	}
	refLine, _, _ := strings.Cut(strings.TrimPrefix(rest, ")\n"), "\n")
	inner, found := strings.CutPrefix(refLine, "$AgentReferences = @(")
	if !found || len(prog.sources) == 0 {
		return prog, false
	}
	for _, r := range strings.Split(strings.TrimSuffix(inner, ")"), ",") {
		if r = strings.Trim(strings.TrimSpace(r), "'"); r != "" {
			prog.references = append(prog.references, r)
		}
	}
	return prog, true
}

// agentCacheDir holds compiled agents by hash, shared by every simulator
// on the machine (WINSIM_AGENT_CACHE, else the user cache directory).
func agentCacheDir() (string, error) {
	if dir := os.Getenv("WINSIM_AGENT_CACHE"); dir != "" {
		return dir, os.MkdirAll(dir, 0o755)
	}
	base, err := os.UserCacheDir()
	if err != nil {
		base = os.TempDir()
	}
	dir := filepath.Join(base, "tfwin-winsim-agent")
	return dir, os.MkdirAll(dir, 0o755)
}

// compileAgent compiles prog with the simulator's interface side into an
// executable, once per content: other processes wait on a lock file and
// find the result.
func compileAgent(prog agentProgram) (string, error) {
	names, hostSources := agentHostSources()
	h := sha256.New()
	for _, part := range [][]string{prog.sources, prog.references, hostSources} {
		for _, s := range part {
			fmt.Fprintf(h, "%d\n%s", len(s), s)
		}
	}
	key := hex.EncodeToString(h.Sum(nil))[:32]
	dir, err := agentCacheDir()
	if err != nil {
		return "", fmt.Errorf("agent cache: %w", err)
	}
	exe := filepath.Join(dir, "agent-"+key+".exe")
	if _, err := os.Stat(exe); err == nil {
		return exe, nil
	}
	lock, err := os.OpenFile(exe+".lock", os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return "", fmt.Errorf("agent cache: %w", err)
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return "", fmt.Errorf("agent cache: lock: %w", err)
	}
	defer func() { _ = syscall.Flock(int(lock.Fd()), syscall.LOCK_UN) }()
	if _, err := os.Stat(exe); err == nil {
		return exe, nil
	}
	work, err := os.MkdirTemp(dir, "build-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(work)
	args := []string{"-langversion:5", "-nostdlib", "-noconfig", "-target:exe", "-main:TfWin.Sim.SimMain",
		"-nowarn:169,414,649", "-r:" + filepath.Join(monoAPI, "mscorlib.dll")}
	for _, r := range prog.references {
		args = append(args, "-r:"+filepath.Join(monoAPI, filepath.Base(r)))
	}
	for i, src := range prog.sources {
		p := filepath.Join(work, "agent"+strconv.Itoa(i)+".cs")
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			return "", err
		}
		args = append(args, p)
	}
	for i, src := range hostSources {
		p := filepath.Join(work, "host-"+filepath.Base(names[i]))
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			return "", err
		}
		args = append(args, p)
	}
	out := filepath.Join(work, "agent.exe")
	args = append(args, "-out:"+out)
	cmd := exec.Command("mcs", args...)
	if text, err := cmd.CombinedOutput(); err != nil {
		if errors.Is(err, exec.ErrNotFound) {
			return "", errors.New("mcs not found: the simulator compiles the agent with Mono (Debian: apt-get install mono-devel mono-runtime libmono-i18n-west4.0-cil, or run scripts/agent.sh check)")
		}
		return "", fmt.Errorf("mcs: %v: %s", err, text)
	}
	if err := os.Rename(out, exe); err != nil {
		return "", err
	}
	return exe, nil
}

// agentHostSources are the simulator's C# side of the interfaces, and the
// agent's own emulation of Windows on Mono (agent.MonoSources: what the
// agent script never carries to a host).
func agentHostSources() (names, texts []string) {
	entries, err := agentHostFiles.ReadDir("agenthost")
	if err != nil {
		panic(err)
	}
	for _, e := range entries {
		names = append(names, "agenthost/"+e.Name())
	}
	sort.Strings(names)
	for _, n := range names {
		b, err := agentHostFiles.ReadFile(n)
		if err != nil {
			panic(err)
		}
		texts = append(texts, string(b))
	}
	monoNames, monoTexts := agent.MonoSources()
	return append(names, monoNames...), append(texts, monoTexts...)
}

// agentProcess is one running agent (mono) serving one host's ops, one at
// a time.
type agentProcess struct {
	mu     sync.Mutex
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stdout *bufio.Reader
	// broken is set once the process failed; every later op fails with it.
	broken error
}

// agentTable keeps a host's agent processes by script hash.
type agentTable struct {
	mu    sync.Mutex
	procs map[string]*agentProcess
	// starting serialises compiles and starts per hash.
	starting map[string]*sync.Mutex
}

// isAgentScript reports whether a request script is the agent script.
func isAgentScript(script []byte) bool {
	return strings.HasPrefix(string(script), agentScriptMarker+"\n") || strings.HasPrefix(string(script), agentScriptMarker+"\r\n")
}

// agentFor returns the running agent of the script, compiling and starting
// it first.
func (s *Server) agentFor(script []byte) (*agentProcess, error) {
	sum := sha256.Sum256(script)
	hash := hex.EncodeToString(sum[:])
	s.agents.mu.Lock()
	if s.agents.procs == nil {
		s.agents.procs, s.agents.starting = map[string]*agentProcess{}, map[string]*sync.Mutex{}
	}
	if a, ok := s.agents.procs[hash]; ok {
		s.agents.mu.Unlock()
		return a, nil
	}
	start, ok := s.agents.starting[hash]
	if !ok {
		start = &sync.Mutex{}
		s.agents.starting[hash] = start
	}
	s.agents.mu.Unlock()
	start.Lock()
	defer start.Unlock()
	s.agents.mu.Lock()
	a, ok := s.agents.procs[hash]
	s.agents.mu.Unlock()
	if ok {
		return a, nil
	}
	prog, ok := parseAgentScript(script)
	if !ok {
		return nil, errors.New("the agent script does not hold the agent's sources as host.ps1 lays them out")
	}
	exe, err := compileAgent(prog)
	if err != nil {
		return nil, err
	}
	a, err = startAgent(exe)
	if err != nil {
		return nil, err
	}
	s.agents.mu.Lock()
	s.agents.procs[hash] = a
	s.agents.mu.Unlock()
	return a, nil
}

func startAgent(exe string) (*agentProcess, error) {
	cmd := exec.Command("mono", exe)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		if errors.Is(err, exec.ErrNotFound) {
			return nil, errors.New("mono not found: the simulator runs the agent with Mono (Debian: apt-get install mono-runtime)")
		}
		return nil, fmt.Errorf("mono: %w", err)
	}
	a := &agentProcess{cmd: cmd, stdin: stdin, stdout: bufio.NewReaderSize(stdout, 1<<16)}
	line, err := a.stdout.ReadString('\n')
	if err != nil || strings.TrimSpace(line) != "ready" {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return nil, fmt.Errorf("the agent did not start (%q, %v)", line, err)
	}
	return a, nil
}

// closeAgents ends every agent process of the server.
func (s *Server) closeAgents() {
	s.agents.mu.Lock()
	procs := s.agents.procs
	s.agents.procs = nil
	s.agents.mu.Unlock()
	for _, a := range procs {
		a.mu.Lock()
		_ = a.stdin.Close()
		_ = a.cmd.Process.Kill()
		_ = a.cmd.Wait()
		a.mu.Unlock()
	}
}

// agentReply is what the agent answered for one op.
type agentReply struct {
	line  []byte // the envelope line, with CRLF
	ok    bool
	known bool // false: no domain defines the op
}

// runAgentOp runs one op in the agent, answering its bridge calls from the
// host model, which stays locked for the whole op (ops do not interleave,
// as with the script's own lock on a real host's tables being irrelevant:
// the simulator's table edits must not tear).
func (s *Server) runAgentOp(script []byte, op string, args []byte, id string) (agentReply, error) {
	a, err := s.agentFor(script)
	if err != nil {
		return agentReply{}, err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.broken != nil {
		return agentReply{}, a.broken
	}
	var reply agentReply
	s.host.Exclusive(func() {
		reply, err = a.exchange(s, op, args, id)
	})
	if err != nil {
		a.broken = fmt.Errorf("the agent process failed: %w", err)
		_ = a.cmd.Process.Kill()
		return agentReply{}, a.broken
	}
	s.counters.agentOps.Add(1)
	return reply, nil
}

// exchange sends the run line and answers calls until the end line.
func (a *agentProcess) exchange(s *Server, op string, args []byte, id string) (agentReply, error) {
	enc := base64.StdEncoding
	if id == "" {
		id = "-"
	}
	if _, err := fmt.Fprintf(a.stdin, "run %s %s %s\n", id, op, enc.EncodeToString(args)); err != nil {
		return agentReply{}, err
	}
	for {
		line, err := a.stdout.ReadString('\n')
		if err != nil {
			return agentReply{}, err
		}
		f := strings.Fields(line)
		switch {
		case len(f) == 3 && f[0] == "call":
			raw, err := enc.DecodeString(f[2])
			if err != nil {
				return agentReply{}, fmt.Errorf("bridge call %s: %w", f[1], err)
			}
			if _, err := a.stdin.Write(s.bridgeAnswer(f[1], raw)); err != nil {
				return agentReply{}, err
			}
		case len(f) == 2 && f[0] == "end" && f[1] == "unknown":
			return agentReply{}, nil
		case len(f) == 3 && f[0] == "end":
			env, err := enc.DecodeString(f[2])
			if err != nil {
				return agentReply{}, err
			}
			return agentReply{line: append(env, '\r', '\n'), ok: f[1] == "0", known: true}, nil
		default:
			return agentReply{}, fmt.Errorf("unexpected agent output %q", line)
		}
	}
}

// bridgeAnswer runs one bridge call and renders its answer line.
func (s *Server) bridgeAnswer(method string, args []byte) []byte {
	enc := base64.StdEncoding
	result, err := s.bridgeCall(method, args)
	if err == nil {
		var data []byte
		data, err = json.Marshal(result)
		if err == nil {
			return []byte("ret " + enc.EncodeToString(data) + "\n")
		}
	}
	var opErr *model.OpError
	if !errors.As(err, &opErr) {
		opErr = &model.OpError{Code: 1, Message: err.Error()}
	}
	return []byte("err " + strconv.Itoa(opErr.Code) + " " + enc.EncodeToString([]byte(opErr.Message)) + "\n")
}
