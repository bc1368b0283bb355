package winrm

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/winsim"
)

func TestRunHostInfoOverEveryTransport(t *testing.T) {
	sim := startSim(t, nil)
	for _, tc := range transportCases {
		t.Run(tc.name, func(t *testing.T) {
			c := newClient(t, tc.config(sim))
			for i := range 2 { // the second run reuses the pooled, authenticated connections
				res, err := c.Run(context.Background(), Request{Script: []byte(testScript), Op: "host.info"})
				if err != nil {
					t.Fatalf("run %d: %v", i, err)
				}
				if res.ExitCode != 0 {
					t.Fatalf("run %d: exit code %d, stderr %q", i, res.ExitCode, res.Stderr)
				}
				env := parseOpEnvelope(t, res.Stdout)
				var info struct{ Hostname string }
				if err := json.Unmarshal(env.Result, &info); err != nil || !env.OK || info.Hostname != simHostname {
					t.Fatalf("run %d: envelope %+v (%v), want ok with hostname %s", i, env, err, simHostname)
				}
			}
		})
	}
	if open := sim.Counters().ShellsOpen; open != 0 {
		t.Errorf("%d shells left open after the runs", open)
	}
}

func TestRunCommandHostname(t *testing.T) {
	sim := startSim(t, nil)
	c := newClient(t, simConfig(sim.HTTPAddr(), AuthNTLM, nil))
	res, err := c.RunCommand(context.Background(), "hostname", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(string(res.Stdout)); got != simHostname || res.ExitCode != 0 {
		t.Errorf("hostname printed %q (exit %d), want %s", got, res.ExitCode, simHostname)
	}
}

func TestNTLMOverHTTPEncryptsEveryMessage(t *testing.T) {
	sim := startSim(t, nil)
	tests := []struct {
		name      string
		auth      string
		unencrypt bool
		wantClear bool
	}{
		{"ntlm default: sealed", AuthNTLM, false, false},
		// The control case proves the recorder would see clear text.
		{"basic with unencrypted opt-in: clear", AuthBasic, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := newWireRecorder(t, sim.HTTPAddr())
			c := newClient(t, simConfig(rec.addr(), tt.auth, func(c *Config) { c.AllowUnencrypted = tt.unencrypt }))
			res, err := c.Run(context.Background(), Request{Script: []byte(testScript), Op: "host.info"})
			if err != nil || res.ExitCode != 0 {
				t.Fatalf("Run: %v %+v", err, res)
			}
			wire := rec.bytes()
			clear := bytes.Contains(wire, []byte("powershell.exe")) || bytes.Contains(wire, []byte(simHostname))
			if clear != tt.wantClear {
				t.Errorf("command or output readable on the wire = %v, want %v", clear, tt.wantClear)
			}
			if !tt.wantClear && !bytes.Contains(wire, []byte("--Encrypted Boundary")) {
				t.Error("no MS-WSMV encrypted body on the wire")
			}
			if bytes.Contains(wire, []byte(simPassword)) {
				t.Error("the password crossed the wire in clear")
			}
		})
	}
}

func TestWrongPasswordIsRefusedWithActionableError(t *testing.T) {
	const wrongPassword = "Wr0ng-Secret-4711"
	sim := startSim(t, nil)
	for _, tc := range transportCases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tc.config(sim)
			cfg.Password = wrongPassword
			c := newClient(t, cfg)
			_, err := c.Run(context.Background(), Request{Script: []byte(testScript), Op: "host.info"})
			if !errors.Is(err, ErrUnauthorized) {
				t.Fatalf("Run with a wrong password: %v, want ErrUnauthorized", err)
			}
			msg := err.Error()
			for _, want := range []string{simUser, cfg.address(), cfg.Auth, "password", "Administrator", "401"} {
				if !strings.Contains(msg, want) {
					t.Errorf("error %q does not mention %q", msg, want)
				}
			}
			if strings.Contains(msg, wrongPassword) || strings.Contains(fmt.Sprintf("%+v %#v", err, err), wrongPassword) {
				t.Errorf("error reveals the password: %q", msg)
			}
		})
	}
}

func TestUnknownOpFailsAsPowerShellDoes(t *testing.T) {
	sim := startSim(t, nil)
	c := newClient(t, simConfig(sim.HTTPAddr(), AuthNTLM, nil))
	res, err := c.Run(context.Background(), Request{Script: []byte(testScript), Op: "no.such_op"})
	if err != nil {
		t.Fatal(err)
	}
	stderr := string(res.Stderr)
	if res.ExitCode != 1 || !strings.Contains(stderr, "Invoke-no.such_op") || !strings.Contains(stderr, "is not recognized") {
		t.Errorf("exit %d, stderr %q; want 1 and PowerShell's not-recognized message", res.ExitCode, stderr)
	}
	if strings.Contains(stderr, "CLIXML") || strings.Contains(stderr, "_x000D_") {
		t.Errorf("stderr is not decoded to plain text: %q", stderr)
	}
}

func TestLargeStdinArrivesByteExact(t *testing.T) {
	sim := startSim(t, nil)
	c := newClient(t, simConfig(sim.HTTPAddr(), AuthNTLM, nil))
	data := make([]byte, 1<<20)
	_, _ = rand.Read(data)
	encoded := base64.StdEncoding.EncodeToString(data)
	args, _ := json.Marshal(map[string]string{"data": encoded})
	res, err := c.Run(context.Background(), Request{Script: []byte(testScript), Op: "debug.echo", Args: args})
	if err != nil || res.ExitCode != 0 {
		t.Fatalf("Run: %v (exit %v)", err, res)
	}
	var echo struct{ Data, SHA256 string }
	env := parseOpEnvelope(t, res.Stdout)
	if err := json.Unmarshal(env.Result, &echo); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	if echo.SHA256 != hex.EncodeToString(sum[:]) || echo.Data != encoded {
		t.Errorf("the host received different bytes: sha256 %s, want %x", echo.SHA256, sum)
	}
}

func TestLargeStdoutArrivesIntact(t *testing.T) {
	const size = 10 << 20
	sim := startSim(t, nil)
	c := newClient(t, simConfig(sim.HTTPAddr(), AuthNTLM, nil))
	args := fmt.Appendf(nil, `{"bytes":%d}`, size)
	res, err := c.Run(context.Background(), Request{Script: []byte(testScript), Op: "debug.emit", Args: args})
	if err != nil || res.ExitCode != 0 {
		t.Fatalf("Run: %v (exit %v)", err, res)
	}
	var emit struct{ Data, SHA256 string }
	if err := json.Unmarshal(parseOpEnvelope(t, res.Stdout).Result, &emit); err != nil {
		t.Fatal(err)
	}
	got, err := base64.StdEncoding.DecodeString(emit.Data)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, emitData(size)) {
		t.Errorf("stdout carried %d bytes that differ from the %d the host wrote", len(got), size)
	}
}

func TestCancelMidReceiveAbortsAndDeletesShell(t *testing.T) {
	sim := startSim(t, func(o *winsim.Options) { o.PSStart = time.Minute })
	baseline := runtime.NumGoroutine()
	c, err := New(simConfig(sim.HTTPAddr(), AuthNTLM, nil))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := c.Run(ctx, Request{Script: []byte(testScript), Op: "host.info"})
		done <- err
	}()
	if !waitFor(5*time.Second, func() bool { return sim.Counters().ShellsOpen == 1 }) {
		t.Fatal("the shell was never opened")
	}
	time.Sleep(300 * time.Millisecond) // let Send finish and Receive wait for the slow process
	cancelled := time.Now()
	cancel()
	select {
	case err = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
	if elapsed := time.Since(cancelled); elapsed > 2*time.Second {
		t.Errorf("Run returned %s after cancel, want < 2s", elapsed)
	}
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "receive output") {
		t.Errorf("Run error = %v, want context.Canceled during receive output", err)
	}
	if !waitFor(2*time.Second, func() bool { return sim.Counters().ShellsOpen == 0 }) {
		t.Errorf("%d shells still open after cancel", sim.Counters().ShellsOpen)
	}
	_ = c.Close()
	if !waitFor(3*time.Second, func() bool { return runtime.NumGoroutine() <= baseline }) {
		t.Errorf("%d goroutines after cancel and Close, %d before", runtime.NumGoroutine(), baseline)
	}
}

func TestDeadlineNamesTheStep(t *testing.T) {
	tests := []struct {
		name     string
		latency  time.Duration
		psStart  time.Duration
		timeout  time.Duration // Config.Timeout
		deadline time.Duration // context deadline, 0 = none
		auth     string
		wantStep string
	}{
		{"per-operation timeout in the NTLM handshake", time.Second, 0, 200 * time.Millisecond, 0, AuthNTLM, "authenticate (ntlm)"},
		{"per-operation timeout creating the shell", time.Second, 0, 200 * time.Millisecond, 0, AuthBasic, "create shell"},
		// The deadline leaves time to send the agent script (hundreds of KB
		// over NTLM-sealed HTTP, on a loaded machine) before powershell.exe's
		// minute-long start keeps the client receiving.
		{"context deadline while receiving output", 0, time.Minute, 20 * time.Second, 4 * time.Second, AuthNTLM, "receive output"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sim := startSim(t, func(o *winsim.Options) { o.Latency, o.PSStart = tt.latency, tt.psStart })
			c := newClient(t, simConfig(sim.HTTPAddr(), tt.auth, func(c *Config) { c.Timeout, c.AllowUnencrypted = tt.timeout, tt.auth == AuthBasic }))
			ctx := context.Background()
			if tt.deadline > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.deadline)
				defer cancel()
			}
			_, err := c.Run(ctx, Request{Script: []byte(testScript), Op: "host.info"})
			if !errors.Is(err, ErrTimeout) || !strings.Contains(err.Error(), tt.wantStep+": timed out") {
				t.Errorf("Run error = %v, want ErrTimeout naming %q", err, tt.wantStep)
			}
		})
	}
}

func TestMaxSessionsIsNeverExceeded(t *testing.T) {
	const maxSessions, requests = 3, 50
	sim := startSim(t, func(o *winsim.Options) { o.PSStart = 20 * time.Millisecond })
	c := newClient(t, simConfig(sim.HTTPAddr(), AuthNTLM, func(c *Config) { c.MaxSessions = maxSessions }))

	var wg sync.WaitGroup
	errs := make(chan error, requests)
	for range requests {
		wg.Go(func() {
			res, err := c.Run(context.Background(), Request{Script: []byte(testScript), Op: "host.info"})
			if err == nil && res.ExitCode != 0 {
				err = fmt.Errorf("exit code %d", res.ExitCode)
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("concurrent Run: %v", err)
		}
	}
	if hw := sim.Counters().ShellsOpenMax; hw > maxSessions || hw < 2 {
		t.Errorf("at most %d shells were open at once, want 2..%d (MaxSessions)", hw, maxSessions)
	}
	if got := sim.Counters().ShellsCreated; got < requests {
		t.Errorf("%d shells created for %d requests", got, requests)
	}
}

func TestTLSVerificationFailureNamesTheCertificate(t *testing.T) {
	sim := startSim(t, nil)
	leaf := presentedCertificate(t, sim.TLSAddr())
	tests := []struct {
		name     string
		change   func(*Config)
		wantHint string
	}{
		{"CA not trusted", func(c *Config) { c.HTTPS = true }, "ca_cert"},
		{"name not in certificate", func(c *Config) { c.HTTPS, c.CACertPEM, c.TLSServerName = true, sim.CACertPEM(), "wrong.example.com" }, "tls_server_name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClient(t, simConfig(sim.TLSAddr(), AuthNTLM, tt.change))
			_, err := c.RunCommand(context.Background(), "hostname", nil, nil)
			if !errors.Is(err, ErrTLSVerification) {
				t.Fatalf("error = %v, want ErrTLSVerification", err)
			}
			msg := err.Error()
			for _, want := range []string{leaf.Subject.String(), leaf.Issuer.String(), thumbprint(leaf), tt.wantHint} {
				if !strings.Contains(msg, want) {
					t.Errorf("error %q does not mention %q", msg, want)
				}
			}
		})
	}
}

// presentedCertificate is the leaf certificate the listener at addr serves.
func presentedCertificate(t *testing.T, addr string) *x509.Certificate {
	t.Helper()
	conn, err := tls.Dial("tcp", addr, &tls.Config{InsecureSkipVerify: true}) //nolint:gosec // reading the certificate only
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.Close() }()
	return conn.ConnectionState().PeerCertificates[0]
}

func TestConnectionRefusedNamesTheListener(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close() // nothing listens there now
	c := newClient(t, simConfig(addr, AuthNTLM, nil))
	_, err = c.RunCommand(context.Background(), "hostname", nil, nil)
	if !errors.Is(err, ErrConnectionRefused) {
		t.Fatalf("error = %v, want ErrConnectionRefused", err)
	}
	for _, want := range []string{addr, "HTTP", "winrm quickconfig", "5985", "5986"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

func TestClosedClientRefusesRequests(t *testing.T) {
	sim := startSim(t, nil)
	c := newClient(t, simConfig(sim.HTTPAddr(), AuthNTLM, nil))
	_ = c.Close()
	if _, err := c.RunCommand(context.Background(), "hostname", nil, nil); !errors.Is(err, ErrClosed) {
		t.Errorf("RunCommand after Close: %v, want ErrClosed", err)
	}
}

func BenchmarkRunHostInfo(b *testing.B) {
	sim := startSim(b, nil)
	c := newClient(b, simConfig(sim.HTTPAddr(), AuthNTLM, nil))
	req := Request{Script: []byte(testScript), Op: "host.info"}
	for b.Loop() {
		res, err := c.Run(context.Background(), req)
		if err != nil || res.ExitCode != 0 {
			b.Fatalf("Run: %v %+v", err, res)
		}
	}
}

// TestNTLMAuthenticatesOncePerConnection proves the handshake is not redone
// per message (masterzen's encryption transport does that): once the pool's
// connections are authenticated, further runs reuse them and no new
// handshake happens.
func TestNTLMAuthenticatesOncePerConnection(t *testing.T) {
	const runs = 10
	sim := startSim(t, nil)
	c := newClient(t, simConfig(sim.HTTPAddr(), AuthNTLM, func(c *Config) { c.MaxSessions = 1 }))
	runAll := func() {
		for range runs {
			res, err := c.Run(context.Background(), Request{Script: []byte(testScript), Op: "host.info"})
			if err != nil || res.ExitCode != 0 {
				t.Fatalf("Run: %v (exit %v)", err, res)
			}
		}
	}
	runAll()
	warm := sim.Counters()
	runAll()
	got := sim.Counters()
	// Each run is at least Create, Command, Send, Receive and Delete.
	if requests := got.HTTPRequests - warm.HTTPRequests; requests < 5*runs {
		t.Fatalf("%d HTTP requests for %d runs: the runs did not reach the host", requests, runs)
	}
	if warm.NTLMLogons < 1 || warm.NTLMLogons > 4 {
		t.Errorf("%d NTLM handshakes for the first %d runs (%d requests), want 1..4: one per pooled connection",
			warm.NTLMLogons, runs, warm.HTTPRequests)
	}
	if got.NTLMLogons != warm.NTLMLogons {
		t.Errorf("%d more NTLM handshakes on a warm pool, want none", got.NTLMLogons-warm.NTLMLogons)
	}
}

// emitData is what debug.emit sends (PROTOCOL.md): byte i is
// (i*7 + i/251) mod 256.
func emitData(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte((i*7 + i/251) % 256)
	}
	return b
}
