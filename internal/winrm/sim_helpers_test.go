package winrm

import (
	"bytes"
	"encoding/json"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/windows/agent"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/winsim"
)

// Simulator account and host name used by the integration tests.
const (
	simHostname = "SAGE300"
	simUser     = "Administrator"
	simPassword = "Sim-P@ss w0rd$'1" // quotes and $ on purpose
)

// testScript is the agent script the provider sends: the simulator runs
// its ops in the agent under Mono, as a host runs them.
var testScript = string(agent.Script())

// startSim starts a simulator with HTTP and HTTPS listeners on loopback.
func startSim(t testing.TB, change func(*winsim.Options)) *winsim.Server {
	t.Helper()
	opts := winsim.Options{
		Hostname: simHostname, User: simUser, Password: simPassword,
		HTTPAddr: "127.0.0.1:0", TLSAddr: "127.0.0.1:0",
	}
	if change != nil {
		change(&opts)
	}
	sim, err := winsim.Start(opts)
	if err != nil {
		t.Fatalf("winsim.Start: %v", err)
	}
	t.Cleanup(func() { _ = sim.Close() })
	return sim
}

// transportCase is one way of reaching the simulator.
type transportCase struct {
	name   string
	config func(sim *winsim.Server) Config
}

// transportCases are the endpoint/auth combinations users run.
var transportCases = []transportCase{
	{"basic over HTTP (unencrypted opt-in)", func(sim *winsim.Server) Config {
		return simConfig(sim.HTTPAddr(), AuthBasic, func(c *Config) { c.AllowUnencrypted = true })
	}},
	{"basic over HTTPS with pinned CA", func(sim *winsim.Server) Config {
		return simConfig(sim.TLSAddr(), AuthBasic, func(c *Config) { c.HTTPS, c.CACertPEM = true, sim.CACertPEM() })
	}},
	{"ntlm over HTTP with message encryption", func(sim *winsim.Server) Config {
		return simConfig(sim.HTTPAddr(), AuthNTLM, nil)
	}},
	{"ntlm over HTTPS", func(sim *winsim.Server) Config {
		return simConfig(sim.TLSAddr(), AuthNTLM, func(c *Config) { c.HTTPS, c.CACertPEM = true, sim.CACertPEM() })
	}},
}

// simConfig is a Config for the listener at addr.
func simConfig(addr, auth string, change func(*Config)) Config {
	host, portText, _ := net.SplitHostPort(addr)
	port, _ := strconv.Atoi(portText)
	cfg := Config{Host: host, Port: port, Auth: auth, Username: simUser, Password: simPassword, Timeout: 20 * time.Second}
	if change != nil {
		change(&cfg)
	}
	return cfg
}

func newClient(t testing.TB, cfg Config) *Client {
	t.Helper()
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// opEnvelope is the envelope of PROTOCOL.md section 2.
type opEnvelope struct {
	ID     string          `json:"id"` // the worker's request id; "" for one process per op
	OK     bool            `json:"ok"`
	Result json.RawMessage `json:"result"`
	Error  *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// parseEnvelope returns the last envelope line of stdout.
func parseOpEnvelope(t testing.TB, stdout []byte) opEnvelope {
	t.Helper()
	const prefix = "##tfwin-envelope## "
	var line string
	for l := range strings.SplitSeq(string(stdout), "\n") {
		if l = strings.TrimRight(l, "\r"); strings.HasPrefix(l, prefix) {
			line = strings.TrimPrefix(l, prefix)
		}
	}
	var env opEnvelope
	if err := json.Unmarshal([]byte(line), &env); err != nil {
		t.Fatalf("no envelope in stdout (%d bytes, starts %q): %v", len(stdout), truncate(stdout, 200), err)
	}
	return env
}

func truncate(b []byte, n int) []byte {
	if len(b) > n {
		return b[:n]
	}
	return b
}

// waitFor polls cond until it holds or the timeout passes.
func waitFor(timeout time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// wireRecorder is a TCP proxy in front of target that keeps every byte in
// both directions, so a test can check what crossed the wire.
type wireRecorder struct {
	listener net.Listener
	target   string
	mu       sync.Mutex
	wire     bytes.Buffer
	wg       sync.WaitGroup
}

func newWireRecorder(t testing.TB, target string) *wireRecorder {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &wireRecorder{listener: l, target: target}
	r.wg.Add(1)
	go r.accept()
	t.Cleanup(func() { _ = l.Close(); r.wg.Wait() })
	return r
}

func (r *wireRecorder) addr() string { return r.listener.Addr().String() }

func (r *wireRecorder) accept() {
	defer r.wg.Done()
	for {
		client, err := r.listener.Accept()
		if err != nil {
			return
		}
		server, err := net.Dial("tcp", r.target)
		if err != nil {
			_ = client.Close()
			continue
		}
		r.wg.Add(2)
		go r.pipe(server, client)
		go r.pipe(client, server)
	}
}

func (r *wireRecorder) pipe(dst, src net.Conn) {
	defer r.wg.Done()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			r.mu.Lock()
			r.wire.Write(buf[:n])
			r.mu.Unlock()
			if _, werr := dst.Write(buf[:n]); werr != nil {
				err = werr
			}
		}
		if err != nil {
			_ = dst.Close()
			_ = src.Close()
			return
		}
	}
}

// bytes returns everything recorded so far.
func (r *wireRecorder) bytes() []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return bytes.Clone(r.wire.Bytes())
}
