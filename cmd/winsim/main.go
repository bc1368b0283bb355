// Command winsim runs a simulated Windows host: a WS-Management (WinRM)
// endpoint on loopback that the provider, pywinrm and other WinRM clients
// can use as if it were Windows, with an admin API under /winsim/.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/winsim"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Getenv, os.Stderr))
}

// config is the command line.
type config struct {
	listen, tlsListen, tlsCAOut string
	user, password, hostname    string
	scenario, addrOut           string
	latency, psStart            time.Duration
	addType, idleTimeout        time.Duration
	noAssemblyCache             bool
}

const usageHeader = `Usage: winsim [flags]

Runs a simulated Windows host: a WinRM (WS-Management) endpoint at /wsman on
loopback, with Basic and NTLM authentication, NTLM message encryption and the
remote shell operations, and an admin API with the same credentials:
GET/PUT /winsim/state (the host as JSON), GET /winsim/counters, and
PUT /winsim/faults ({"drop_on_request":N,"http500":true,"kill_on_op":"OP"}) to inject failures.
Runs until SIGINT or SIGTERM.
Only loopback addresses (127.0.0.1, ::1, localhost) are accepted.

Flags:
`

// parseFlags reads the command line; the password may come from the
// environment (WINSIM_PASSWORD) so that it stays out of process listings.
func parseFlags(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("winsim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.listen, "listen", "127.0.0.1:5985", "HTTP listen `address` (port 0 = any free port; empty = no HTTP)")
	fs.StringVar(&c.tlsListen, "tls-listen", "", "HTTPS listen `address` (empty = no HTTPS)")
	fs.StringVar(&c.tlsCAOut, "tls-ca-out", "", "write the PEM certificate of the CA that issued the HTTPS certificate to `file`")
	fs.StringVar(&c.user, "user", "Administrator", "the administrator account's user `name`")
	fs.StringVar(&c.password, "password", "", "the account's `password` (required; prefer the WINSIM_PASSWORD environment variable)")
	fs.StringVar(&c.hostname, "hostname", "", "the host's computer `name` (default: the scenario's, else WIN-SIM)")
	fs.StringVar(&c.scenario, "scenario", "", "JSON host fixture `file` (model state), e.g. examples/scenarios/sage300.json")
	fs.StringVar(&c.addrOut, "addr-out", "", `when ready, atomically write {"http":"ADDR","https":"ADDR"} to `+"`file`")
	fs.DurationVar(&c.latency, "latency", 0, "added to every HTTP request (`duration`, e.g. 20ms)")
	fs.DurationVar(&c.psStart, "ps-start", 0, "added to every powershell.exe start (`duration`, e.g. 300ms)")
	fs.DurationVar(&c.addType, "add-type", 0, "the C# compile of the HTTP.sys declarations, paid once per host; later processes pay 30ms to load the cached assembly (`duration`, e.g. 1.5s)")
	fs.BoolVar(&c.noAssemblyCache, "no-assembly-cache", false, "every process pays -add-type, as when the host's assembly cache cannot be used")
	fs.DurationVar(&c.idleTimeout, "idle-timeout", 0, "the host's winrs IdleTimeout: the longest a shell stays idle before the host deletes it (`duration`; default 2h as on Windows)")
	fs.Usage = func() {
		fmt.Fprint(stderr, usageHeader)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	if c.password == "" {
		c.password = getenv("WINSIM_PASSWORD")
	}
	if c.password == "" {
		return c, errors.New("a password is required: set WINSIM_PASSWORD or -password")
	}
	if c.listen == "" && c.tlsListen == "" {
		return c, errors.New("nothing to listen on: set -listen or -tls-listen")
	}
	return c, nil
}

// run starts the simulator and serves until ctx is done; it returns the
// exit code.
func run(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) int {
	c, err := parseFlags(args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "winsim:", err)
		return 2
	}
	srv, err := start(c, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "winsim:", err)
		return 1
	}
	<-ctx.Done()
	if err := srv.Close(); err != nil {
		fmt.Fprintln(stderr, "winsim: close:", err)
		return 1
	}
	return 0
}

// start starts the server and writes the CA and address files.
func start(c config, stderr io.Writer) (*winsim.Server, error) {
	var scenario []byte
	if c.scenario != "" {
		data, err := os.ReadFile(c.scenario)
		if err != nil {
			return nil, fmt.Errorf("read scenario: %w", err)
		}
		scenario = data
	}
	srv, err := winsim.Start(winsim.Options{
		Hostname: c.hostname, User: c.user, Password: c.password,
		HTTPAddr: c.listen, TLSAddr: c.tlsListen,
		Latency: c.latency, PSStart: c.psStart, AddType: c.addType, NoAssemblyCache: c.noAssemblyCache, ShellIdleTimeout: c.idleTimeout, Scenario: scenario,
	})
	if err != nil {
		return nil, err
	}
	if err := publish(c, srv); err != nil {
		_ = srv.Close()
		return nil, err
	}
	fmt.Fprintf(stderr, "winsim: %s serving http=%q https=%q\n", srv.Host().Hostname(), srv.HTTPAddr(), srv.TLSAddr())
	return srv, nil
}

// publish writes the CA certificate, then the address file that says the
// server is ready.
func publish(c config, srv *winsim.Server) error {
	if c.tlsCAOut != "" {
		if srv.TLSAddr() == "" {
			return errors.New("-tls-ca-out needs -tls-listen")
		}
		if err := writeFileAtomic(c.tlsCAOut, srv.CACertPEM()); err != nil {
			return fmt.Errorf("write CA certificate: %w", err)
		}
	}
	if c.addrOut == "" {
		return nil
	}
	data, err := json.Marshal(struct {
		HTTP  string `json:"http,omitempty"`
		HTTPS string `json:"https,omitempty"`
	}{srv.HTTPAddr(), srv.TLSAddr()})
	if err != nil {
		return fmt.Errorf("encode addresses: %w", err)
	}
	if err := writeFileAtomic(c.addrOut, append(data, '\n')); err != nil {
		return fmt.Errorf("write address file: %w", err)
	}
	return nil
}

// writeFileAtomic writes data to a temporary file beside path and renames
// it into place, so a reader never sees a partial file.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
