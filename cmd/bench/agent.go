package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/windows/agent"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/winrm"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/winsim"
)

// agentFigures measures what the host agent costs in the simulator, which
// compiles it with mcs and runs it under Mono as a host compiles it with
// Add-Type and runs it: the first op on a fresh machine (the compile, an
// empty cache), the first op on a fresh host with the compile cached (the
// agent process's start), an op once running, and the memory of 20
// simulated hosts each with its agent running. On Windows the compile is
// csc.exe's (the modelled Add-Type cost) and happens once per host.
func agentFigures() error {
	cache, err := os.MkdirTemp("", "tfwin-bench-agent-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(cache)
	if err := os.Setenv("WINSIM_AGENT_CACHE", cache); err != nil {
		return err
	}
	defer os.Unsetenv("WINSIM_AGENT_CACHE")
	ctx := context.Background()
	script := agent.Script()
	names, _ := agent.Sources()

	first := func() (time.Duration, *winsim.Server, *winrm.Client, error) {
		sim, err := winsim.Start(winsim.Options{User: simUser, Password: simPassword, HTTPAddr: "127.0.0.1:0"})
		if err != nil {
			return 0, nil, nil, err
		}
		host, port, _ := net.SplitHostPort(sim.HTTPAddr())
		p, _ := strconv.Atoi(port)
		c, err := winrm.New(winrm.Config{Host: host, Port: p, Username: simUser, Password: simPassword,
			Timeout: time.Minute, ReusePowerShell: true, MaxSessions: 1})
		if err != nil {
			_ = sim.Close()
			return 0, nil, nil, err
		}
		start := time.Now()
		res, err := c.Run(ctx, winrm.Request{Script: script, Op: "host.info", ReadOnly: true})
		took := time.Since(start)
		if err == nil && !strings.Contains(string(res.Stdout), `"ok":true`) {
			err = fmt.Errorf("host.info: %s %s", res.Stdout, res.Stderr)
		}
		if err != nil {
			_ = c.Close()
			_ = sim.Close()
			return 0, nil, nil, err
		}
		return took, sim, c, nil
	}
	cold, sim, c, err := first()
	if err != nil {
		return err
	}
	const steadyOps = 50
	start := time.Now()
	for range steadyOps {
		if _, err := c.Run(ctx, winrm.Request{Script: script, Op: "debug.echo", Args: []byte(`{"data":"AAEC"}`), ReadOnly: true}); err != nil {
			return err
		}
	}
	steady := time.Since(start) / steadyOps
	_ = c.Close()
	_ = sim.Close()

	const hosts = 20
	var warm time.Duration
	var sims []*winsim.Server
	var clients []*winrm.Client
	defer func() {
		for i := range sims {
			_ = clients[i].Close()
			_ = sims[i].Close()
		}
	}()
	for i := range hosts {
		took, sim, c, err := first()
		if err != nil {
			return err
		}
		if i == 0 {
			warm = took
		}
		sims, clients = append(sims, sim), append(clients, c)
	}
	self, agents, n := rssKB(os.Getpid()), int64(0), 0
	for _, pid := range childPIDs(os.Getpid()) {
		if comm, _ := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "comm")); strings.TrimSpace(string(comm)) == "mono" {
			agents += rssKB(pid)
			n++
		}
	}
	fmt.Printf("\nhost agent (%d C# files, %d KB of script) in the simulator, no modelled costs:\n", len(names), len(script)/1024)
	fmt.Printf("  first op on a fresh machine (mcs compiles the agent, Mono starts it): %.2fs\n", cold.Seconds())
	fmt.Printf("  first op on a fresh host, compile cached (the agent process starts):  %.3fs\n", warm.Seconds())
	fmt.Printf("  an op once the agent runs (one worker, %d ops):                        %.1fms\n", steadyOps, float64(steady.Microseconds())/1000)
	fmt.Printf("  memory with %d simulated hosts, each with its agent: simulator %d MB, %d agent processes %d MB (%.1f MB each)\n",
		hosts, self/1024, n, agents/1024, float64(agents)/1024/float64(max(n, 1)))
	return nil
}

// rssKB is a process's resident set size (VmRSS) in KB, 0 if unknown.
func rssKB(pid int) int64 {
	data, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb
		}
	}
	return 0
}

// childPIDs are the processes whose parent is pid.
func childPIDs(pid int) []int {
	entries, _ := os.ReadDir("/proc")
	var kids []int
	for _, e := range entries {
		child, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// Fields after the command (which may hold spaces) start after ")".
		if i := strings.LastIndexByte(string(stat), ')'); i >= 0 {
			f := strings.Fields(string(stat[i+1:]))
			if len(f) > 1 && f[1] == strconv.Itoa(pid) {
				kids = append(kids, child)
			}
		}
	}
	return kids
}
