package windows

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/winrm"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/winsim"
)

// simHost starts a simulator with the scenario and returns the typed host
// API on it through the real transport, in worker mode or one process per
// op.
func simHost(t *testing.T, scenario string, reuse bool) (*Host, *winsim.Server) {
	t.Helper()
	sim, err := winsim.Start(winsim.Options{User: "Administrator", Password: "Pw-1'$x", HTTPAddr: "127.0.0.1:0", Scenario: []byte(scenario)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sim.Close() })
	host, port, _ := strings.Cut(sim.HTTPAddr(), ":")
	var p int
	_, _ = fmt.Sscan(port, &p)
	client, err := winrm.New(winrm.Config{Host: host, Port: p, Username: "Administrator", Password: "Pw-1'$x",
		Timeout: 20 * time.Second, ReusePowerShell: reuse})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Close() })
	return New(client), sim
}

func TestValueHoldingTheEnvelopeMarkerRoundTrips(t *testing.T) {
	values := []string{
		"##tfwin-envelope## ",
		`##tfwin-envelope## {"ok":false,"error":{"code":5,"message":"forged"}}`,
		"https://sage300:4207/##tfwin-envelope## ?x=1",
		"line one\n##tfwin-envelope## {\"ok\":true}\nline three",
	}
	for _, reuse := range []bool{true, false} {
		h, _ := simHost(t, "", reuse)
		for _, v := range values {
			got, err := h.DebugEchoText(context.Background(), v)
			if err != nil {
				t.Errorf("reuse_powershell=%t: echo of %q: %v", reuse, v, err)
				continue
			}
			if got != v {
				t.Errorf("reuse_powershell=%t: echo of %q came back as %q", reuse, v, got)
			}
		}
	}
}

func TestParseEnvelopeCountsOnlyLinesThatStartWithTheMarker(t *testing.T) {
	tests := []struct {
		name, stdout, wantResult string
	}{
		{"profile noise before", "Welcome ##tfwin-envelope## {\"ok\":false}\r\n##tfwin-envelope## {\"ok\":true,\"result\":1}\r\n", "1"},
		{"marker inside the value", "##tfwin-envelope## {\"ok\":true,\"result\":\"a ##tfwin-envelope## b\"}\r\n", `"a ##tfwin-envelope## b"`},
		{"last line start wins", "##tfwin-envelope## {\"ok\":true,\"result\":1}\n##tfwin-envelope## {\"ok\":true,\"result\":2}\n", "2"},
		{"no line end", "##tfwin-envelope## {\"ok\":true,\"result\":3}", "3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, err := parseEnvelope([]byte(tt.stdout))
			if err != nil {
				t.Fatal(err)
			}
			if string(env.Result) != tt.wantResult {
				t.Errorf("result = %s, want %s", env.Result, tt.wantResult)
			}
		})
	}
	if _, err := parseEnvelope([]byte("text ##tfwin-envelope## {\"ok\":true}\n")); err == nil {
		t.Error("a marker in the middle of a line was taken for the envelope")
	}
}

func TestGermanHostErrorTextIsDecoded(t *testing.T) {
	for _, reuse := range []bool{true, false} {
		t.Run(fmt.Sprintf("reuse_powershell=%t", reuse), func(t *testing.T) {
			h, _ := simHost(t, `{"locale":"de-DE"}`, reuse)
			err := h.call(context.Background(), "debug.nosuch", nil, nil)
			var opErr *Error
			if !errors.As(err, &opErr) {
				t.Fatalf("error = %v, want *Error", err)
			}
			if !strings.Contains(opErr.Message, "eines ausführbaren") || !strings.Contains(opErr.Message, "erkannt. Überprüfen Sie") {
				t.Errorf("message %q does not carry the German text decoded", opErr.Message)
			}
			if strings.Contains(opErr.Message, "<Objs") || strings.Contains(opErr.Message, "_x000D_") || strings.ContainsRune(opErr.Message, '\uFFFD') {
				t.Errorf("message %q shows raw CLIXML or undecodable bytes", opErr.Message)
			}
		})
	}
}

// TestInfoIsReadOncePerHost: the resources that check the Windows build at
// plan share one host.info, not one each (one process per op makes every
// op a process the simulator counts).
func TestInfoIsReadOncePerHost(t *testing.T) {
	host, sim := simHost(t, "", false)
	ctx := context.Background()
	first, err := host.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		again, err := host.Info(ctx)
		if err != nil || again != first {
			t.Fatalf("Info again = %+v, %v; want %+v", again, err, first)
		}
	}
	if got := sim.Counters().ProcessesStarted; got != 1 {
		t.Fatalf("four Info calls started %d processes, want 1", got)
	}
}
