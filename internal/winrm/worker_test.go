package winrm

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/winsim"
)

// workerConfig is a Config for the simulator's HTTP listener in worker
// mode with maxSessions workers.
func workerConfig(sim *winsim.Server, maxSessions int, change func(*Config)) Config {
	return simConfig(sim.HTTPAddr(), AuthNTLM, func(c *Config) {
		c.ReusePowerShell, c.MaxSessions = true, maxSessions
		if change != nil {
			change(c)
		}
	})
}

// echoRequest is a debug.echo of payload.
func echoRequest(payload string) Request {
	args, _ := json.Marshal(map[string]string{"data": base64.StdEncoding.EncodeToString([]byte(payload))})
	return Request{Script: []byte(testScript), Op: "debug.echo", Args: args, ReadOnly: true}
}

// echoed returns the payload a debug.echo result carries, checking that the
// envelope echoes the request id.
func echoed(t *testing.T, res *Result) string {
	t.Helper()
	env := parseOpEnvelope(t, res.Stdout)
	if res.RequestID == "" || env.ID != res.RequestID {
		t.Errorf("envelope id %q, request id %q: want equal and set", env.ID, res.RequestID)
	}
	if !env.OK {
		t.Fatalf("debug.echo failed: %+v", env.Error)
	}
	var p struct {
		Data string `json:"data"`
	}
	if err := json.Unmarshal(env.Result, &p); err != nil {
		t.Fatal(err)
	}
	data, _ := base64.StdEncoding.DecodeString(p.Data)
	return string(data)
}

func TestWorkerRunsEveryOpInOneProcess(t *testing.T) {
	sim := startSim(t, nil)
	c := newClient(t, workerConfig(sim, 5, nil))
	ctx := context.Background()
	for i := range 10 {
		want := fmt.Sprintf("payload %d", i)
		res, err := c.Run(ctx, echoRequest(want))
		if err != nil {
			t.Fatalf("op %d: %v", i, err)
		}
		if got := echoed(t, res); got != want {
			t.Errorf("op %d echoed %q, want %q", i, got, want)
		}
	}
	got := sim.Counters()
	if got.ProcessesStarted != 1 || got.ShellsCreated != 1 {
		t.Errorf("10 sequential ops: %d processes, %d shells; want 1 and 1", got.ProcessesStarted, got.ShellsCreated)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if open := sim.Counters().ShellsOpen; open != 0 {
		t.Errorf("%d shells open after Close, want 0", open)
	}
}

func TestWorkersConcurrentOpsNeverSwapOutputOrExceedMaxSessions(t *testing.T) {
	const maxSessions, ops = 5, 50
	sim := startSim(t, func(o *winsim.Options) { o.Latency = 4 * time.Millisecond })
	c := newClient(t, workerConfig(sim, maxSessions, nil))
	var wg sync.WaitGroup
	results := make([]string, ops)
	errs := make([]error, ops)
	for i := range ops {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := c.Run(context.Background(), echoRequest(strings.Repeat(fmt.Sprintf("<%d>", i), i+1)))
			if err != nil {
				errs[i] = err
				return
			}
			results[i] = echoed(t, res)
		}()
	}
	wg.Wait()
	for i := range ops {
		if errs[i] != nil {
			t.Errorf("op %d: %v", i, errs[i])
		} else if want := strings.Repeat(fmt.Sprintf("<%d>", i), i+1); results[i] != want {
			t.Errorf("op %d got another op's output: %.40q, want %.40q", i, results[i], want)
		}
	}
	got := sim.Counters()
	if got.ShellsOpenMax > maxSessions || got.ProcessesStarted > maxSessions {
		t.Errorf("%d shells open at most, %d processes; max_sessions is %d", got.ShellsOpenMax, got.ProcessesStarted, maxSessions)
	}
	_ = c.Close()
	if open := sim.Counters().ShellsOpen; open != 0 {
		t.Errorf("%d shells open after Close, want 0", open)
	}
}

func TestWorkerKilledDuringReadRetriesOnFreshWorker(t *testing.T) {
	sim := startSim(t, nil)
	c := newClient(t, workerConfig(sim, 2, nil))
	if _, err := c.Run(context.Background(), echoRequest("warm up")); err != nil {
		t.Fatal(err)
	}
	sim.SetFaults(winsim.Faults{KillOnOp: "debug.echo"})
	res, err := c.Run(context.Background(), echoRequest("after the kill"))
	if err != nil {
		t.Fatalf("read after its worker was killed: %v", err)
	}
	if got := echoed(t, res); got != "after the kill" {
		t.Errorf("echoed %q", got)
	}
	if n := sim.Counters().ProcessesStarted; n != 2 {
		t.Errorf("%d processes started, want 2 (the killed worker and its replacement)", n)
	}
	_ = c.Close()
	if open := sim.Counters().ShellsOpen; open != 0 {
		t.Errorf("%d shells open after Close (the dead worker's included), want 0", open)
	}
}

func TestWorkerKilledDuringWriteSaysOutcomeUnknownAndDoesNotResend(t *testing.T) {
	sim := startSim(t, nil)
	c := newClient(t, workerConfig(sim, 2, nil))
	sim.SetFaults(winsim.Faults{KillOnOp: "httpsys.urlacl.add"})
	args := []byte(`{"url":"https://+:4207/","sddl":"D:(A;;GX;;;WD)"}`)
	_, err := c.Run(context.Background(), Request{Script: []byte(testScript), Op: "httpsys.urlacl.add", Args: args})
	if !errors.Is(err, ErrOutcomeUnknown) {
		t.Fatalf("Run error = %v, want ErrOutcomeUnknown", err)
	}
	for _, want := range []string{"may or may not have applied", "next plan"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if n := sim.Counters().ProcessesStarted; n != 1 {
		t.Errorf("%d processes started, want 1: a write is never sent again", n)
	}
	// The host applied it before the worker died: a re-read shows it.
	res, err := c.Run(context.Background(), Request{Script: []byte(testScript), Op: "httpsys.urlacl.get", Args: []byte(`{"url":"https://+:4207/"}`), ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if env := parseOpEnvelope(t, res.Stdout); !env.OK {
		t.Errorf("the reservation is not on the host: %+v", env.Error)
	}
}

func TestCancelledCreateShellLeavesNoShell(t *testing.T) {
	// Half the latency is the answer's way back: cancelling then loses the
	// id of a shell the host has created.
	sim := startSim(t, func(o *winsim.Options) { o.Latency = 400 * time.Millisecond })
	for _, reuse := range []bool{false, true} {
		t.Run(fmt.Sprintf("reuse_powershell=%t", reuse), func(t *testing.T) {
			c := newClient(t, simConfig(sim.HTTPAddr(), AuthNTLM, func(c *Config) { c.ReusePowerShell = reuse }))
			before := sim.Counters().ShellsCreated
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() {
				_, err := c.Run(ctx, echoRequest("x"))
				done <- err
			}()
			if !waitFor(5*time.Second, func() bool { return sim.Counters().ShellsCreated > before }) {
				t.Fatal("the shell was never created")
			}
			cancel()
			if err := <-done; !errors.Is(err, context.Canceled) {
				t.Errorf("Run error = %v, want context.Canceled", err)
			}
			if !waitFor(3*time.Second, func() bool { return sim.Counters().ShellsOpen == 0 }) {
				t.Errorf("%d shells left open after a cancelled create", sim.Counters().ShellsOpen)
			}
		})
	}
}

func TestWorkerShellsExpireAtTheirIdleTimeout(t *testing.T) {
	sim := startSim(t, nil)
	// No Close: the client dies as a SIGKILLed provider does.
	c, err := New(workerConfig(sim, 3, func(c *Config) { c.ShellIdleTimeout = time.Second }))
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.Run(context.Background(), echoRequest(fmt.Sprint(i))); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	idleFrom := time.Now()
	if !waitFor(5*time.Second, func() bool { return sim.Counters().ShellsOpen == 0 }) {
		t.Fatalf("%d shells still open 5s after the client went away", sim.Counters().ShellsOpen)
	}
	if elapsed := time.Since(idleFrom); elapsed < 900*time.Millisecond {
		t.Errorf("shells expired after %s, before their IdleTimeOut of 1s", elapsed)
	}
	got := sim.Counters()
	if got.ShellsExpired != got.ShellsCreated {
		t.Errorf("%d of %d shells expired", got.ShellsExpired, got.ShellsCreated)
	}
	// Workers whose shells expired are replaced; even a write runs, since
	// the host refused the request before any worker saw it.
	args := []byte(`{"url":"https://+:4208/","sddl":"D:(A;;GX;;;WD)"}`)
	res, err := c.Run(context.Background(), Request{Script: []byte(testScript), Op: "httpsys.urlacl.add", Args: args})
	if err != nil {
		t.Fatalf("write after the shells expired: %v", err)
	}
	if env := parseOpEnvelope(t, res.Stdout); !env.OK {
		t.Errorf("urlacl.add failed: %+v", env.Error)
	}
	_ = c.Close()
}

func TestOneShotCommandTakesTheSlotOfAnIdleWorker(t *testing.T) {
	sim := startSim(t, nil)
	c := newClient(t, workerConfig(sim, 1, nil))
	if _, err := c.Run(context.Background(), echoRequest("x")); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res, err := c.RunCommand(ctx, "hostname.exe", nil, nil)
	if err != nil {
		t.Fatalf("RunCommand with the only slot held by an idle worker: %v", err)
	}
	if !strings.Contains(string(res.Stdout), simHostname) {
		t.Errorf("hostname = %q", res.Stdout)
	}
	if hw := sim.Counters().ShellsOpenMax; hw > 1 {
		t.Errorf("%d shells open at once, max_sessions 1", hw)
	}
}

func TestCancelledWorkerOpLeavesNoShellNorGoroutine(t *testing.T) {
	sim := startSim(t, func(o *winsim.Options) { o.AddType = time.Minute })
	baseline := runtime.NumGoroutine()
	c, err := New(workerConfig(sim, 2, nil))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		// The first HTTP.sys op compiles for a minute: it is running when
		// the cancel comes.
		_, err := c.Run(ctx, Request{Script: []byte(testScript), Op: "httpsys.urlacl.list", ReadOnly: true})
		done <- err
	}()
	if !waitFor(5*time.Second, func() bool { return sim.Counters().ProcessesStarted == 1 }) {
		t.Fatal("the worker never started")
	}
	time.Sleep(200 * time.Millisecond)
	cancel()
	select {
	case err = <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Run error = %v, want context.Canceled", err)
	}
	if !waitFor(3*time.Second, func() bool { return sim.Counters().ShellsOpen == 0 }) {
		t.Errorf("%d shells open after the cancelled op", sim.Counters().ShellsOpen)
	}
	_ = c.Close()
	if !waitFor(3*time.Second, func() bool { return runtime.NumGoroutine() <= baseline }) {
		t.Errorf("%d goroutines after cancel and Close, %d before", runtime.NumGoroutine(), baseline)
	}
}

func TestCutLineFindsOnlyAWholeDoneLine(t *testing.T) {
	const marker = "##tfwin-done## 0123456789abcdef"
	tests := []struct {
		name, data, before, after string
		ok                        bool
	}{
		{"alone", marker + "\r\n", "", "", true},
		{"after output", "out\r\n" + marker + "\r\nnext", "out\r\n", "next", true},
		{"not yet ended", "out\r\n" + marker, "", "", false},
		{"inside a line", "echo " + marker + "\r\n", "", "", false},
		{"another id", "##tfwin-done## 0123456789abcdee\r\n", "", "", false},
		{"longer id", marker + "0\r\n", "", "", false},
		{"inside, then alone", "x " + marker + "\n" + marker + "\n", "x " + marker + "\n", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, after, ok := cutLine([]byte(tt.data), []byte(marker))
			if ok != tt.ok || string(before) != tt.before || string(after) != tt.after {
				t.Errorf("cutLine(%q) = %q, %q, %t; want %q, %q, %t", tt.data, before, after, ok, tt.before, tt.after, tt.ok)
			}
		})
	}
}

func TestRequestFrameIsOneLineWithTheScriptOnlyOnce(t *testing.T) {
	req := Request{Script: []byte("function Invoke-x.y { 'ü' }"), Op: "x.y", Args: []byte(`{"password":"it's $(secret)\n"}`)}
	hash := [32]byte{1, 2, 3}
	first := string(requestFrame("0123456789abcdef", hash, req, true))
	later := string(requestFrame("fedcba9876543210", hash, req, false))
	for _, frame := range []string{first, later} {
		if strings.Count(frame, "\n") != 1 || !strings.HasSuffix(frame, "\n") {
			t.Errorf("frame %q is not one LF-terminated line", frame)
		}
		if strings.Contains(frame, "secret") || strings.Contains(frame, "Invoke-x.y") {
			t.Errorf("frame %q carries arguments or script in clear", frame)
		}
		if f := strings.Fields(frame); len(f) != 6 || f[0] != "tfwin-request" || f[2] != "x.y" {
			t.Errorf("frame fields %q", f)
		}
	}
	if f := strings.Fields(later); f[5] != "-" {
		t.Errorf("the script was sent again: %q", f[5])
	}
	if f := strings.Fields(first); f[5] != base64.StdEncoding.EncodeToString(req.Script) {
		t.Errorf("first frame's script field %q", f[5])
	}
}

// TestWorkerResendsAScriptItFailedToLoad: a worker marks a script loaded
// only when it says so (the loaded line), so a load that failed once does
// not make every later op on that worker fail with "not loaded".
func TestWorkerResendsAScriptItFailedToLoad(t *testing.T) {
	sim := startSim(t, nil)
	c := newClient(t, workerConfig(sim, 1, nil))
	sim.SetFaults(winsim.Faults{FailScriptLoad: true})
	res, err := c.Run(context.Background(), echoRequest("first"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(res.Stderr), "could not be loaded") {
		t.Fatalf("first op: stderr %q, want the failed load", res.Stderr)
	}
	res, err = c.Run(context.Background(), echoRequest("second"))
	if err != nil {
		t.Fatal(err)
	}
	if got := echoed(t, res); got != "second" {
		t.Errorf("second op on the same worker echoed %q (stderr %q), want it to send the script again and succeed", got, res.Stderr)
	}
	if strings.Contains(string(res.Stdout), "##tfwin-loaded##") {
		t.Errorf("the loaded line reached the caller: %q", res.Stdout)
	}
	if n := sim.Counters().ProcessesStarted; n != 1 {
		t.Errorf("%d processes started, want 1: the same worker", n)
	}
}
