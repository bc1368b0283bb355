package main

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/winsim"
)

// The scale series: one host, N windows_http_urlacl resources, applied with
// -parallelism=20 and then planned again, and the same N of terraform_data
// as Terraform's own floor. Terraform starts the provider through a wrapper
// (this program again, see wrapProvider) that records each provider
// process's CPU time and peak RSS from its rusage when it exits.

// Environment of the provider wrapper: the real provider's path and the
// file the wrapper appends each provider process's usage to.
const (
	envWrapProvider = "TFWIN_BENCH_REAL_PROVIDER"
	envWrapUsage    = "TFWIN_BENCH_USAGE_FILE"
)

// usage is what the provider processes of one terraform command used.
type usage struct {
	processes int
	cpu       time.Duration // user + system, summed over the processes
	maxRSS    int64         // bytes, the largest peak of any one process
}

// scaleFigures are one terraform command's measurements in the series.
type scaleFigures struct {
	wall     time.Duration
	requests int64
	provider usage
}

// wrapProvider runs the real provider as a child with this process's
// standard streams, arguments and environment (go-plugin's handshake goes
// through untouched), passes on the signals Terraform sends, and appends
// the child's CPU time and peak RSS to the usage file when it exits.
func wrapProvider(realProvider, usageFile string) int {
	cmd := exec.Command(realProvider, os.Args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	signals := make(chan os.Signal, 4)
	// Ctrl-C reaches the provider through its process group; the wrapper
	// only outlives it. SIGTERM is passed on.
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM)
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "bench wrapper:", err)
		return 1
	}
	go func() {
		for s := range signals {
			if s == syscall.SIGTERM {
				_ = cmd.Process.Signal(s)
			}
		}
	}()
	_ = cmd.Wait()
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		line := fmt.Sprintf("%d %d %d %d\n", cmd.Process.Pid, ru.Maxrss,
			time.Duration(ru.Utime.Nano()).Nanoseconds(), time.Duration(ru.Stime.Nano()).Nanoseconds())
		if f, err := os.OpenFile(usageFile, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600); err == nil {
			_, _ = f.WriteString(line) // one short write with O_APPEND: whole lines
			_ = f.Close()
		}
	}
	return cmd.ProcessState.ExitCode()
}

// readUsage sums the usage lines the wrapper appended to file.
func readUsage(file string) (usage, error) {
	var u usage
	f, err := os.Open(file)
	if errors.Is(err, os.ErrNotExist) {
		return u, nil
	}
	if err != nil {
		return u, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var pid, rssKB, user, sys int64
		if _, err := fmt.Sscan(sc.Text(), &pid, &rssKB, &user, &sys); err != nil {
			return u, fmt.Errorf("usage line %q: %w", sc.Text(), err)
		}
		u.processes++
		u.cpu += time.Duration(user + sys)
		u.maxRSS = max(u.maxRSS, rssKB*1024) // Linux reports ru_maxrss in KiB
	}
	return u, sc.Err()
}

// scaleWorkspace is a working directory whose provider is the wrapper.
type scaleWorkspace struct {
	dir, cliConfig, usageFile string
	directConfig              string // CLI configuration that starts the provider itself
}

func newScaleWorkspace(dir, providerDir string) (*scaleWorkspace, error) {
	realProvider, err := filepath.Abs(filepath.Join(providerDir, "terraform-provider-windows"))
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(realProvider); err != nil {
		return nil, fmt.Errorf("build the provider first (make build): %w", err)
	}
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	w := &scaleWorkspace{dir: dir, cliConfig: filepath.Join(dir, "terraformrc"), usageFile: filepath.Join(dir, "usage"),
		directConfig: filepath.Join(dir, "terraformrc-direct")}
	wrapDir := filepath.Join(dir, "wrapper")
	if err := os.MkdirAll(wrapDir, 0o700); err != nil {
		return nil, err
	}
	script := fmt.Sprintf("#!/bin/sh\n%s=%s %s=%s exec %s \"$@\"\n", envWrapProvider, shellQuote(realProvider),
		envWrapUsage, shellQuote(w.usageFile), shellQuote(self))
	if err := os.WriteFile(filepath.Join(wrapDir, "terraform-provider-windows"), []byte(script), 0o700); err != nil {
		return nil, err
	}
	rc := "provider_installation {\n  dev_overrides { \"registry.terraform.io/seed-1120c41c/windows\" = %q }\n  direct {}\n}\n"
	if err := os.WriteFile(w.directConfig, []byte(fmt.Sprintf(rc, filepath.Dir(realProvider))), 0o600); err != nil {
		return nil, err
	}
	return w, os.WriteFile(w.cliConfig, []byte(fmt.Sprintf(rc, wrapDir)), 0o600)
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// urlaclConfiguration is n URL reservations on one host.
func urlaclConfiguration(n int) string {
	return fmt.Sprintf(`terraform {
  required_providers {
    windows = { source = "seed-1120c41c/windows" }
  }
}

provider "windows" {}

resource "windows_http_urlacl" "scale" {
  count = %d
  url   = "http://+:${10000 + count.index}/scale/"
  user  = "Everyone"
}
`, n)
}

// floorConfiguration is n terraform_data resources: Terraform's own cost.
func floorConfiguration(n int) string {
	return fmt.Sprintf(`resource "terraform_data" "scale" {
  count = %d
  input = count.index
}
`, n)
}

// scaleRow is one N of the series.
type scaleRow struct {
	n                     int
	apply, replan         scaleFigures
	floorApply, floorPlan time.Duration
}

// runScale measures the series for each N and prints its table.
func runScale(base, providerDir string, modelled costs, ns []int) error {
	var rows []scaleRow
	for _, n := range ns {
		dir := filepath.Join(base, fmt.Sprintf("scale-%d", n))
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return err
		}
		w, err := newScaleWorkspace(dir, providerDir)
		if err != nil {
			return err
		}
		row := scaleRow{n: n}
		if row.apply, row.replan, err = w.measureURLACLs(n, modelled); err != nil {
			return fmt.Errorf("scale, N=%d: %w", n, err)
		}
		if row.floorApply, row.floorPlan, err = measureFloor(filepath.Join(dir, "floor"), n); err != nil {
			return fmt.Errorf("scale, N=%d terraform_data: %w", n, err)
		}
		if n >= 600 {
			after := row.apply.wall / 2
			if err := w.interruptedApply(n, modelled, after); err != nil {
				return fmt.Errorf("scale, N=%d: %w", n, err)
			}
			fmt.Printf("  N=%d: apply interrupted with SIGINT after %s: shells_open 0\n", n, after.Truncate(time.Millisecond))
		}
		fmt.Printf("  N=%d measured\n", n)
		rows = append(rows, row)
	}
	fmt.Printf("\nscale: one host, N windows_http_urlacl, -parallelism=20, max_sessions 5; latency %s per request, powershell.exe start %s, Add-Type %s\n",
		modelled.latency, modelled.psStart, modelled.addType)
	fmt.Printf("provider CPU = user + system time of all provider processes of the command; RSS = the largest peak of one of them\n\n")
	fmt.Printf("%6s %-7s %8s %13s %15s %15s %13s %19s\n", "N", "run", "wall", "provider CPU", "CPU per resource", "provider RSS peak", "requests/res", "terraform_data wall")
	for _, r := range rows {
		for _, c := range []struct {
			name  string
			f     scaleFigures
			floor time.Duration
		}{{"apply", r.apply, r.floorApply}, {"re-plan", r.replan, r.floorPlan}} {
			fmt.Printf("%6d %-7s %7.2fs %12.2fs %14.1fms %14.0fMB %13.2f %18.2fs\n", r.n, c.name, c.f.wall.Seconds(),
				c.f.provider.cpu.Seconds(), float64(c.f.provider.cpu.Microseconds())/1000/float64(r.n),
				float64(c.f.provider.maxRSS)/(1<<20), float64(c.f.requests)/float64(r.n), c.floor.Seconds())
		}
	}
	return nil
}

// measureURLACLs applies n reservations to a fresh host and plans again.
func (w *scaleWorkspace) measureURLACLs(n int, c costs) (apply, replan scaleFigures, err error) {
	if err := os.WriteFile(filepath.Join(w.dir, "main.tf"), []byte(urlaclConfiguration(n)), 0o600); err != nil {
		return apply, replan, err
	}
	sim, err := winsim.Start(winsim.Options{
		User: simUser, Password: simPassword, HTTPAddr: "127.0.0.1:0",
		Latency: c.latency, PSStart: c.psStart, AddType: c.addType,
	})
	if err != nil {
		return apply, replan, err
	}
	defer sim.Close()
	ws := &workspace{dir: w.dir, cliConfig: w.cliConfig}
	env := ws.env(sim, true)
	if apply, err = w.run(sim, ws, env, "apply", "-auto-approve", "-parallelism=20"); err != nil {
		return apply, replan, err
	}
	if replan, err = w.run(sim, ws, env, "plan", "-parallelism=20"); err != nil {
		return apply, replan, err
	}
	if !strings.Contains(string(ws.lastOutput), "No changes.") {
		return apply, replan, fmt.Errorf("the re-plan found changes after apply:\n%s", ws.lastOutput)
	}
	return apply, replan, nil
}

// interruptedApply applies n reservations to a fresh host with the
// provider itself (not the wrapper), sends SIGINT to terraform's process
// group after the given time, as Ctrl-C does, and checks that no shell is
// left open once terraform has exited.
func (w *scaleWorkspace) interruptedApply(n int, c costs, after time.Duration) error {
	if err := os.WriteFile(filepath.Join(w.dir, "main.tf"), []byte(urlaclConfiguration(n)), 0o600); err != nil {
		return err
	}
	_ = os.Remove(filepath.Join(w.dir, "terraform.tfstate"))
	sim, err := winsim.Start(winsim.Options{
		User: simUser, Password: simPassword, HTTPAddr: "127.0.0.1:0",
		Latency: c.latency, PSStart: c.psStart, AddType: c.addType,
	})
	if err != nil {
		return err
	}
	defer sim.Close()
	ws := &workspace{dir: w.dir, cliConfig: w.directConfig}
	if err := ws.interrupt(ws.env(sim, true), syscall.SIGINT, after, "-parallelism=20"); err != nil {
		return err
	}
	if open := sim.Counters().ShellsOpen; open != 0 {
		return fmt.Errorf("apply interrupted after %s left %d shells open", after, open)
	}
	return nil
}

// run runs one terraform command and collects the provider's usage.
func (w *scaleWorkspace) run(sim *winsim.Server, ws *workspace, env []string, args ...string) (scaleFigures, error) {
	_ = os.Remove(w.usageFile)
	f, err := ws.terraform(sim, env, args...)
	if err != nil {
		return scaleFigures{}, err
	}
	u, err := readUsage(w.usageFile)
	if err == nil && u.processes == 0 {
		err = errors.New("no provider process recorded its usage")
	}
	return scaleFigures{wall: f.wall, requests: f.requests, provider: u}, err
}

// measureFloor applies n terraform_data resources and plans again.
func measureFloor(dir string, n int) (apply, plan time.Duration, err error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return 0, 0, err
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(floorConfiguration(n)), 0o600); err != nil {
		return 0, 0, err
	}
	timed := func(args ...string) (time.Duration, error) {
		cmd := exec.Command("terraform", append(args, "-input=false", "-no-color")...)
		cmd.Dir, cmd.Env = dir, append(os.Environ(), "TF_IN_AUTOMATION=1")
		start := time.Now()
		out, err := cmd.CombinedOutput()
		if err != nil {
			return 0, fmt.Errorf("terraform %s: %w\n%s", strings.Join(args, " "), err, out)
		}
		return time.Since(start), nil
	}
	if _, err := timed("init"); err != nil {
		return 0, 0, err
	}
	if apply, err = timed("apply", "-auto-approve", "-parallelism=20"); err != nil {
		return 0, 0, err
	}
	plan, err = timed("plan", "-parallelism=20")
	return apply, plan, err
}

// parseCounts parses "100,600,1200".
func parseCounts(s string) ([]int, error) {
	var ns []int
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		n, err := strconv.Atoi(f)
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("scale: %q is not a positive count", f)
		}
		ns = append(ns, n)
	}
	return ns, nil
}
