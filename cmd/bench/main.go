// Command bench measures what the PowerShell workers save: terraform apply
// and a refresh-only plan of a 40-resource configuration (1 PFX, 10 URL
// reservations, 10 SSL bindings, 10 Root certificates, 9 app settings)
// against the simulated host, with modelled costs (latency per request,
// powershell.exe start, the C# compile) and without, in worker mode and in
// one-process-per-operation mode. Then it checks the lifecycle: repeated
// plans and interrupted applies leave no shell open, and a killed provider's
// shells expire. Last, the scale series (scale.go): one host with N = 100,
// 600, 1200 URL reservations, applied and planned again, with the provider's
// CPU and peak RSS, and as many terraform_data as Terraform's own floor.
// It is a measurement, not a test: it prints figures. Run it through
// `make bench`, which builds the provider first.
package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"math/big"
	mathrand "math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"software.sslmate.com/src/go-pkcs12"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/winsim"
)

const (
	simUser     = "Administrator"
	simPassword = "Bench-P@ss1"
	pfxPassword = "pfx-pass"
	configFiles = 3
)

// costs are the modelled host costs of one run.
type costs struct {
	latency, psStart, addType time.Duration
}

// mode is how the provider runs PowerShell.
type mode struct {
	name    string
	reuse   bool
	noCache bool // every process compiles (the provider before the cache)
}

// figures are one terraform command's measurements.
type figures struct {
	wall                        time.Duration
	requests, shells, processes int64
}

func main() {
	if realProvider := os.Getenv(envWrapProvider); realProvider != "" {
		os.Exit(wrapProvider(realProvider, os.Getenv(envWrapUsage)))
	}
	providerDir := flag.String("provider-dir", "bin", "directory holding the built terraform-provider-windows")
	latency := flag.Duration("latency", 20*time.Millisecond, "modelled latency per HTTP request")
	psStart := flag.Duration("ps-start", 400*time.Millisecond, "modelled powershell.exe start")
	addType := flag.Duration("add-type", 1500*time.Millisecond, "modelled C# compile")
	lifecycle := flag.Int("lifecycle", 20, "plans and interrupted applies of the lifecycle check (0 = skip)")
	measureRuns := flag.Bool("measure", true, "measure (false: only the lifecycle check)")
	repeats := flag.Int("repeats", 3, "runs of each measurement; the fastest counts (the machine's own noise only adds)")
	scale := flag.String("scale", "100,600,1200", "the scale series' resource counts (\"\" = skip the series)")
	scaleOnly := flag.Bool("scale-only", false, "run only the scale series")
	flag.Parse()
	counts, err := parseCounts(*scale)
	if err == nil {
		err = run(*providerDir, costs{*latency, *psStart, *addType}, *lifecycle, max(*repeats, 1), *measureRuns, counts, *scaleOnly)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(providerDir string, modelled costs, lifecycle, repeats int, measure bool, scale []int, scaleOnly bool) error {
	dir, err := os.MkdirTemp("", "tfwin-bench-")
	if err != nil {
		return err
	}
	if os.Getenv("BENCH_KEEP") == "" {
		defer os.RemoveAll(dir)
	}
	if scaleOnly {
		return runScale(dir, providerDir, modelled, scale)
	}
	if err := runMain(dir, providerDir, modelled, lifecycle, repeats, measure); err != nil {
		return err
	}
	if len(scale) > 0 {
		return runScale(dir, providerDir, modelled, scale)
	}
	return nil
}

// runMain is the 40-resource measurement and the lifecycle check.
func runMain(dir, providerDir string, modelled costs, lifecycle, repeats int, measure bool) error {
	w, err := newWorkspace(filepath.Join(dir, "main"), providerDir)
	if err != nil {
		return err
	}
	if !measure {
		return w.checkLifecycle(modelled, lifecycle)
	}
	if err := agentFigures(); err != nil {
		return fmt.Errorf("host agent: %w", err)
	}
	modes := []mode{
		{name: "workers (reuse_powershell = true)", reuse: true},
		{name: "one process per op, as before the cache", noCache: true},
		{name: "one process per op (reuse_powershell = false)"},
	}
	free := costs{}
	type result struct{ apply, refresh, applyFree, refreshFree figures }
	results := make([]result, len(modes))
	for i, m := range modes {
		r := &results[i]
		if r.apply, r.refresh, err = w.fastest(m, modelled, repeats); err != nil {
			return fmt.Errorf("%s: %w", m.name, err)
		}
		if r.applyFree, r.refreshFree, err = w.fastest(m, free, repeats); err != nil {
			return fmt.Errorf("%s without costs: %w", m.name, err)
		}
	}
	fmt.Printf("\n40 resources; modelled costs: latency %s per request, powershell.exe start %s, Add-Type %s; max_sessions 5\n",
		modelled.latency, modelled.psStart, modelled.addType)
	fmt.Printf("host cost = wall time minus the same run without modelled costs\n\n")
	fmt.Printf("%-46s %-8s %8s %9s %9s %7s %10s\n", "mode", "run", "wall", "host cost", "requests", "shells", "processes")
	hostCost := func(a, b figures) time.Duration { return a.wall - b.wall }
	for i, m := range modes {
		r := results[i]
		for _, row := range []struct {
			name      string
			got, free figures
		}{{"apply", r.apply, r.applyFree}, {"refresh", r.refresh, r.refreshFree}} {
			fmt.Printf("%-46s %-8s %7.2fs %8.2fs %9d %7d %10d\n", m.name, row.name, row.got.wall.Seconds(),
				hostCost(row.got, row.free).Seconds(), row.got.requests, row.got.shells, row.got.processes)
		}
	}
	floor := modelled.psStart + time.Duration((40+4)/5)*modelled.latency
	wk, before, now := results[0], results[1], results[2]
	fmt.Printf("\nrefresh host cost: workers %.2fs; %.1fx below per-op as before the cache, %.1fx below per-op now; %.2fx the floor (%.2fs: one PowerShell start + one round trip per op at 5 sessions)\n",
		hostCost(wk.refresh, wk.refreshFree).Seconds(),
		ratio(hostCost(before.refresh, before.refreshFree), hostCost(wk.refresh, wk.refreshFree)),
		ratio(hostCost(now.refresh, now.refreshFree), hostCost(wk.refresh, wk.refreshFree)),
		ratio(hostCost(wk.refresh, wk.refreshFree), floor), floor.Seconds())
	fmt.Printf("apply host cost: workers %.2fs; %.1fx below per-op as before the cache, %.1fx below per-op now\n",
		hostCost(wk.apply, wk.applyFree).Seconds(),
		ratio(hostCost(before.apply, before.applyFree), hostCost(wk.apply, wk.applyFree)),
		ratio(hostCost(now.apply, now.applyFree), hostCost(wk.apply, wk.applyFree)))
	if lifecycle > 0 {
		return w.checkLifecycle(modelled, lifecycle)
	}
	return nil
}

func ratio(a, b time.Duration) float64 {
	if b <= 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// workspace is a Terraform working directory with the configuration, its
// certificate files and a scenario holding the app config files.
type workspace struct {
	dir, cliConfig string
	scenario       []byte
	lastOutput     []byte
}

func newWorkspace(dir, providerDir string) (*workspace, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(providerDir)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(abs, "terraform-provider-windows")); err != nil {
		return nil, fmt.Errorf("build the provider first (make build): %w", err)
	}
	w := &workspace{dir: dir, cliConfig: filepath.Join(dir, "terraformrc")}
	rc := fmt.Sprintf("provider_installation {\n  dev_overrides { \"registry.terraform.io/seed-1120c41c/windows\" = %q }\n  direct {}\n}\n", abs)
	if err := os.WriteFile(w.cliConfig, []byte(rc), 0o600); err != nil {
		return nil, err
	}
	if err := writeCertificates(dir); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(configuration), 0o600); err != nil {
		return nil, err
	}
	w.scenario, err = scenario()
	return w, err
}

// configuration is the 40 resources.
const configuration = `terraform {
  required_providers {
    windows = { source = "seed-1120c41c/windows" }
  }
}

provider "windows" {}

resource "windows_pfx_certificate" "server" {
  content_base64 = filebase64("${path.module}/server.pfx")
  password       = "` + pfxPassword + `"
  store_name     = "My"
}

resource "windows_http_urlacl" "agent" {
  count = 10
  url   = "https://+:${4101 + count.index}/"
  user  = "Everyone"
}

resource "windows_http_sslcert_binding" "agent" {
  count            = 10
  ipport           = "0.0.0.0:${4101 + count.index}"
  certificate_hash = windows_pfx_certificate.server.thumbprint
  app_id           = "{4d159978-4574-4dd5-b3ff-6f7fc8c20344}"
}

resource "windows_certificate" "root" {
  count      = 10
  pem        = file("${path.module}/root${count.index}.pem")
  store_name = "Root"
}

resource "windows_dotnet_app_setting" "setting" {
  count       = 9
  config_path = "C:\\Apps\\agent${count.index % 3}\\Agent.exe.config"
  key         = "Setting${count.index}"
  value       = "https://sage300.example.local:${4101 + count.index}/"
}
`

// scenario is a host with the three app config files.
func scenario() ([]byte, error) {
	type file struct {
		Path          string `json:"path"`
		ContentBase64 string `json:"content_base64"`
	}
	var files []file
	for i := range configFiles {
		xml := "<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<configuration>\r\n  <appSettings>\r\n  </appSettings>\r\n</configuration>\r\n"
		files = append(files, file{Path: fmt.Sprintf(`C:\Apps\agent%d\Agent.exe.config`, i), ContentBase64: base64.StdEncoding.EncodeToString([]byte(xml))})
	}
	return json.Marshal(map[string]any{"hostname": "SAGE300", "files": files})
}

// writeCertificates writes server.pfx (a server certificate with its key)
// and ten self-signed roots.
func writeCertificates(dir string) error {
	key, cert, err := selfSigned("sage300.example.local", false)
	if err != nil {
		return err
	}
	pfx, err := pkcs12.Modern.Encode(key, cert, nil, pfxPassword)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "server.pfx"), pfx, 0o600); err != nil {
		return err
	}
	for i := range 10 {
		_, root, err := selfSigned(fmt.Sprintf("Bench Root CA %d", i), true)
		if err != nil {
			return err
		}
		data := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: root.Raw})
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("root%d.pem", i)), data, 0o600); err != nil {
			return err
		}
	}
	return nil
}

func selfSigned(name string, ca bool) (*ecdsa.PrivateKey, *x509.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	serial, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
	tmpl := &x509.Certificate{
		SerialNumber: serial, Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().AddDate(1, 0, 0),
		KeyUsage: x509.KeyUsageDigitalSignature, BasicConstraintsValid: true, IsCA: ca,
	}
	if ca {
		tmpl.KeyUsage |= x509.KeyUsageCertSign
	} else {
		tmpl.DNSNames = []string{name}
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	return key, cert, err
}

// startSim starts a fresh simulated host with the scenario.
func (w *workspace) startSim(c costs, noCache bool, idle time.Duration) (*winsim.Server, error) {
	return winsim.Start(winsim.Options{
		User: simUser, Password: simPassword, HTTPAddr: "127.0.0.1:0", Scenario: w.scenario,
		Latency: c.latency, PSStart: c.psStart, AddType: c.addType, NoAssemblyCache: noCache, ShellIdleTimeout: idle,
	})
}

// fastest measures n times and keeps the fastest apply and refresh.
func (w *workspace) fastest(m mode, c costs, n int) (apply, refresh figures, err error) {
	for i := range n {
		a, r, err := w.measure(m, c)
		if err != nil {
			return apply, refresh, err
		}
		if i == 0 || a.wall < apply.wall {
			apply = a
		}
		if i == 0 || r.wall < refresh.wall {
			refresh = r
		}
	}
	return apply, refresh, nil
}

// measure applies the configuration to a fresh host, then runs a
// refresh-only plan, and returns both commands' figures.
func (w *workspace) measure(m mode, c costs) (apply, refresh figures, err error) {
	sim, err := w.startSim(c, m.noCache, 0)
	if err != nil {
		return apply, refresh, err
	}
	defer sim.Close()
	_ = os.Remove(filepath.Join(w.dir, "terraform.tfstate"))
	env := w.env(sim, m.reuse)
	if apply, err = w.terraform(sim, env, "apply", "-auto-approve"); err != nil {
		return apply, refresh, err
	}
	if refresh, err = w.terraform(sim, env, "plan", "-refresh-only"); err != nil {
		return apply, refresh, err
	}
	if !strings.Contains(string(w.lastOutput), "No changes.") {
		err = fmt.Errorf("the refresh found changes after apply:\n%s", w.lastOutput)
	}
	if open := sim.Counters().ShellsOpen; err == nil && open != 0 {
		err = fmt.Errorf("%d shells left open after the provider exited", open)
	}
	return apply, refresh, err
}

// env is the terraform environment for the host.
func (w *workspace) env(sim *winsim.Server, reuse bool) []string {
	host, port, _ := net.SplitHostPort(sim.HTTPAddr())
	return append(os.Environ(), "TF_CLI_CONFIG_FILE="+w.cliConfig, "TF_IN_AUTOMATION=1",
		"WINRM_HOST="+host, "WINRM_PORT="+port, "WINRM_USERNAME="+simUser, "WINRM_PASSWORD="+simPassword,
		"WINRM_AUTH=ntlm", "WINRM_MAX_SESSIONS=5", "WINRM_REUSE_POWERSHELL="+strconv.FormatBool(reuse))
}

// terraform runs one command and returns its wall time and the host's
// counters for it.
func (w *workspace) terraform(sim *winsim.Server, env []string, args ...string) (figures, error) {
	before := sim.Counters()
	cmd := w.command(context.Background(), env, args...)
	start := time.Now()
	out, err := cmd.CombinedOutput()
	f := delta(before, sim.Counters(), time.Since(start))
	w.lastOutput = out
	if err != nil {
		return f, fmt.Errorf("terraform %s: %w\n%s", strings.Join(args, " "), err, out)
	}
	return f, nil
}

// command is terraform with args, non-interactive, in the workspace.
func (w *workspace) command(ctx context.Context, env []string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, "terraform", append(args, "-input=false", "-no-color")...)
	cmd.Dir, cmd.Env = w.dir, env
	return cmd
}

func delta(before, after winsim.Counters, wall time.Duration) figures {
	return figures{wall: wall, requests: after.HTTPRequests - before.HTTPRequests,
		shells: after.ShellsCreated - before.ShellsCreated, processes: after.ProcessesStarted - before.ProcessesStarted}
}

// checkLifecycle runs n plans and n applies interrupted with SIGINT at a
// random moment, checking after each that no shell is left open, then
// kills a provider with SIGKILL mid-apply and waits for the host to expire
// its shells at their idle timeout.
func (w *workspace) checkLifecycle(c costs, n int) error {
	const idle = 5 * time.Second // the host's winrs IdleTimeout, shorter than the provider's 2 minutes
	sim, err := w.startSim(c, false, idle)
	if err != nil {
		return err
	}
	defer sim.Close()
	_ = os.Remove(filepath.Join(w.dir, "terraform.tfstate"))
	env := w.env(sim, true)
	if _, err := w.terraform(sim, env, "apply", "-auto-approve"); err != nil {
		return err
	}
	fmt.Printf("\nlifecycle (workers, modelled costs):\n")
	for i := range n {
		if _, err := w.terraform(sim, env, "plan"); err != nil {
			return err
		}
		if open := sim.Counters().ShellsOpen; open != 0 {
			return fmt.Errorf("plan %d left %d shells open", i+1, open)
		}
	}
	fmt.Printf("  %d consecutive plans: shells_open 0 after each\n", n)
	var interruptedAt []string
	for i := range n {
		if err := sim.Host().SetStateJSON(w.scenario); err != nil {
			return err
		}
		_ = os.Remove(filepath.Join(w.dir, "terraform.tfstate"))
		after := time.Duration(200+mathrand.IntN(2800)) * time.Millisecond
		if err := w.interrupt(env, syscall.SIGINT, after); err != nil {
			return err
		}
		if open := sim.Counters().ShellsOpen; open != 0 {
			return fmt.Errorf("apply %d interrupted after %s left %d shells open", i+1, after, open)
		}
		interruptedAt = append(interruptedAt, after.Truncate(time.Millisecond).String())
	}
	fmt.Printf("  %d applies interrupted with SIGINT (after %s): shells_open 0 after each\n", n, strings.Join(interruptedAt, ", "))
	return w.checkKilled(sim, env, idle)
}

// checkKilled SIGKILLs the provider during an apply and waits for the
// host to expire the shells it left.
func (w *workspace) checkKilled(sim *winsim.Server, env []string, idle time.Duration) error {
	if err := sim.Host().SetStateJSON(w.scenario); err != nil {
		return err
	}
	_ = os.Remove(filepath.Join(w.dir, "terraform.tfstate"))
	before := sim.Counters()
	cmd := w.command(context.Background(), env, "apply", "-auto-approve")
	if err := cmd.Start(); err != nil {
		return err
	}
	deadline := time.Now().Add(30 * time.Second)
	for sim.Counters().ShellsOpen == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	provider := childNamed(cmd.Process.Pid, "terraform-provider-windows")
	if provider == 0 {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return errors.New("found no provider process to kill")
	}
	_ = syscall.Kill(provider, syscall.SIGKILL)
	killed := time.Now()
	_ = cmd.Wait()
	left := sim.Counters().ShellsOpen
	for sim.Counters().ShellsOpen > 0 && time.Since(killed) < 3*idle {
		time.Sleep(50 * time.Millisecond)
	}
	got := sim.Counters()
	if got.ShellsOpen != 0 {
		return fmt.Errorf("%d shells still open %s after SIGKILL", got.ShellsOpen, time.Since(killed).Truncate(time.Millisecond))
	}
	fmt.Printf("  provider killed with SIGKILL mid-apply: %d shells left open, expired by the host %s later (IdleTimeout %s); %d expired in all\n",
		left, time.Since(killed).Truncate(100*time.Millisecond), idle, got.ShellsExpired-before.ShellsExpired)
	return nil
}

// interrupt runs terraform apply and sends sig after the given time, as
// Ctrl-C does, then waits for terraform to exit.
func (w *workspace) interrupt(env []string, sig syscall.Signal, after time.Duration, extra ...string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := w.command(ctx, env, append([]string{"apply", "-auto-approve"}, extra...)...)
	// Ctrl-C reaches the whole process group: terraform and the provider.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return err
	}
	timer := time.AfterFunc(after, func() { _ = syscall.Kill(-cmd.Process.Pid, sig) })
	defer timer.Stop()
	_ = cmd.Wait() // an interrupted apply fails; an apply that finished first succeeds
	return nil
}

// childNamed returns the pid of a child of parent whose command is name.
func childNamed(parent int, name string) int {
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", parent))
	for _, t := range tasks {
		data, _ := os.ReadFile(t)
		for _, field := range strings.Fields(string(data)) {
			pid, _ := strconv.Atoi(field)
			comm, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
			if strings.HasPrefix(name, strings.TrimSpace(string(comm))) {
				return pid
			}
		}
	}
	return 0
}
