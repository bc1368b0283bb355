package winrm

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/winsim"
)

func TestSlowCommandOutlivesOperationTimeout(t *testing.T) {
	// Timeout 2s makes Receive's OperationTimeout 1s; the process takes
	// 2.5s to start, so the host answers at least two Receives with the
	// OperationTimeout fault before the output comes.
	sim := startSim(t, func(o *winsim.Options) { o.PSStart = 2500 * time.Millisecond })
	c := newClient(t, simConfig(sim.HTTPAddr(), AuthNTLM, func(c *Config) { c.Timeout = 2 * time.Second }))
	res, err := c.Run(context.Background(), Request{Script: []byte(testScript), Op: "host.info"})
	if err != nil || res.ExitCode != 0 {
		t.Fatalf("Run: %v %+v", err, res)
	}
	if env := parseOpEnvelope(t, res.Stdout); !env.OK {
		t.Errorf("envelope %+v", env)
	}
}

func TestDroppedIdleConnectionIsRetried(t *testing.T) {
	sim := startSim(t, nil)
	c := newClient(t, simConfig(sim.HTTPAddr(), AuthNTLM, nil))
	run := func() error {
		_, err := c.Run(context.Background(), Request{Script: []byte(testScript), Op: "host.info"})
		return err
	}
	if err := run(); err != nil {
		t.Fatal(err)
	}
	sim.SetFaults(winsim.Faults{DropOnRequest: 1}) // the host resets the pooled connection
	if err := run(); err != nil {
		t.Fatalf("Run after the host dropped an idle connection: %v", err)
	}
	if !waitFor(2*time.Second, func() bool { return sim.Counters().ShellsOpen == 0 }) {
		t.Errorf("%d shells left open", sim.Counters().ShellsOpen)
	}
}

func TestDroppedNewConnectionFails(t *testing.T) {
	sim := startSim(t, nil)
	sim.SetFaults(winsim.Faults{DropOnRequest: 1})
	c := newClient(t, simConfig(sim.HTTPAddr(), AuthNTLM, nil))
	_, err := c.Run(context.Background(), Request{Script: []byte(testScript), Op: "host.info"})
	if err == nil || !strings.Contains(err.Error(), "the connection to "+c.cfg.address()) {
		t.Errorf("Run error = %v, want the broken connection named", err)
	}
}

func TestHTTP500WithoutSOAPIsReported(t *testing.T) {
	sim := startSim(t, nil)
	sim.SetFaults(winsim.Faults{HTTP500: true})
	c := newClient(t, simConfig(sim.TLSAddr(), AuthBasic, func(c *Config) { c.HTTPS, c.CACertPEM = true, sim.CACertPEM() }))
	_, err := c.Run(context.Background(), Request{Script: []byte(testScript), Op: "host.info"})
	if !errors.Is(err, ErrProtocol) || !strings.Contains(err.Error(), "create shell") || !strings.Contains(err.Error(), "HTTP 500") {
		t.Errorf("Run error = %v, want ErrProtocol naming HTTP 500 during create shell", err)
	}
}
