package winsim

import (
	"crypto/tls"
	"encoding/json"
	"strings"
	"testing"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/windows/agent"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/winsim/model"
)

const schannelKey = `HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\`

// offKey is a SCHANNEL side key that turns its protocol off.
func offKey(protocolSide string) model.RegistryKey {
	return model.RegistryKey{Key: schannelKey + protocolSide, Values: []model.RegistryValue{
		{Name: "Enabled", Type: "REG_DWORD", Data: 0}, {Name: "DisabledByDefault", Type: "REG_DWORD", Data: 1}}}
}

// probeScenario is endpointScenario with the given registry keys and, if
// trusted, the served certificate in the Root store too.
func probeScenario(t *testing.T, trusted bool, keys ...model.RegistryKey) []byte {
	t.Helper()
	data, _ := endpointScenario(t)
	var s model.State
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatal(err)
	}
	s.Registry = keys
	if trusted {
		s.Certificates = append(s.Certificates, model.CertificateState{Store: "ROOT", PEM: s.Certificates[0].PEM})
	}
	out, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// tlsProbeResult is tls.probe's answer (PROTOCOL.md "TLS endpoint probe").
type tlsProbeResult struct {
	Reachable    bool   `json:"reachable"`
	Error        string `json:"error"`
	Thumbprint   string `json:"thumbprint"`
	Subject      string `json:"subject"`
	Issuer       string `json:"issuer"`
	NotAfter     string `json:"not_after"`
	Protocol     string `json:"protocol"`
	CipherSuite  string `json:"cipher_suite"`
	ChainTrusted bool   `json:"chain_trusted"`
	ChainStatus  string `json:"chain_status"`
}

// runProbe runs tls.probe in the agent, as the provider sends it.
func runProbe(t *testing.T, srv *Server, args string) tlsProbeResult {
	t.Helper()
	reply, err := srv.runAgentOp(agent.Script(), "tls.probe", []byte(args), "")
	if err != nil {
		t.Fatalf("tls.probe %s: %v", args, err)
	}
	var env struct {
		OK     bool           `json:"ok"`
		Result tlsProbeResult `json:"result"`
		Error  *model.OpError `json:"error"`
	}
	line, _ := strings.CutPrefix(strings.TrimSpace(string(reply.line)), envelopePrefix)
	if err := json.Unmarshal([]byte(line), &env); err != nil || !env.OK {
		t.Fatalf("tls.probe %s: %s (%v)", args, reply.line, err)
	}
	return env.Result
}

// TestTLSProbeReportsWhatIsServed makes the handshake against the simulated
// service's listener under different SCHANNEL settings and trust.
func TestTLSProbeReportsWhatIsServed(t *testing.T) {
	tests := []struct {
		name         string
		trusted      bool
		keys         []model.RegistryKey
		args         string
		wantProtocol string // "" when the handshake must fail
		wantError    string
	}{
		// Mono's SslStream, the agent's TLS client in the simulator,
		// negotiates TLS 1.2 at most: Windows would report TLS 1.3 here.
		{name: "defaults serve TLS 1.2 to Mono", args: `{"port":4207,"server_name":"sage300.example.local"}`, wantProtocol: "TLS 1.2"},
		{name: "trusted root", trusted: true, args: `{"port":4207}`, wantProtocol: "TLS 1.2"},
		{name: "TLS 1.3 server off", keys: []model.RegistryKey{offKey(`TLS 1.3\Server`)}, args: `{"port":4207}`, wantProtocol: "TLS 1.2"},
		{name: "only TLS 1.0 left on the server",
			keys:         []model.RegistryKey{offKey(`TLS 1.3\Server`), offKey(`TLS 1.2\Server`), offKey(`TLS 1.1\Server`)},
			args:         `{"address":"localhost","port":4207}`,
			wantProtocol: "TLS 1.0"},
		{name: "the client's keys decide what it offers",
			keys:         []model.RegistryKey{offKey(`TLS 1.3\Client`), offKey(`TLS 1.2\Client`)},
			args:         `{"port":4207}`,
			wantProtocol: "TLS 1.1"},
		{name: "client offers only what the server has off",
			keys:      []model.RegistryKey{offKey(`TLS 1.3\Server`), offKey(`TLS 1.0\Client`), offKey(`TLS 1.1\Client`), offKey(`TLS 1.2\Server`), offKey(`TLS 1.1\Server`), offKey(`TLS 1.0\Server`)},
			args:      `{"port":4207}`,
			wantError: "A call to SSPI failed, see inner exception. The client and server cannot communicate, because they do not possess a common algorithm"},
		{name: "only TLS 1.3 in common, which Mono cannot do",
			keys:      []model.RegistryKey{offKey(`TLS 1.2\Server`), offKey(`TLS 1.1\Server`), offKey(`TLS 1.0\Server`)},
			args:      `{"port":4207}`,
			wantError: "Mono's SslStream"},
		// The defect: the probe's TcpClient was IPv4-only, so ::1 failed with
		// "None of the discovered or specified addresses match the socket
		// address family".
		{name: "IPv6 loopback", args: `{"address":"::1","port":4207,"server_name":"sage300.example.local"}`, wantProtocol: "TLS 1.2"},
		{name: "no listener on IPv6 loopback", args: `{"address":"::1","port":4300}`, wantError: "actively refused it [::1]:4300"},
		{name: "unknown name", args: `{"address":"nowhere.example","port":4207}`, wantError: "No such host is known"},
		{name: "no listener on the port", args: `{"port":4300}`, wantError: "actively refused it 127.0.0.1:4300"},
		{name: "another machine", args: `{"address":"10.1.2.3","port":4207}`, wantError: "did not properly respond"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			scenario := probeScenario(t, tt.trusted, tt.keys...)
			srv := startTestServer(t, func(o *Options) { o.Scenario = scenario })
			want := srv.Endpoints()
			r := runProbe(t, srv, tt.args)
			if tt.wantProtocol == "" {
				if r.Reachable || !strings.Contains(r.Error, tt.wantError) {
					t.Fatalf("probe = %+v, want unreachable with %q", r, tt.wantError)
				}
				return
			}
			if !r.Reachable || r.Protocol != tt.wantProtocol || r.Thumbprint != want[0].Thumbprint {
				t.Fatalf("probe = %+v, want %s with %s", r, tt.wantProtocol, want[0].Thumbprint)
			}
			if r.Subject != "CN=sage300.example.local" || r.CipherSuite == "" || r.NotAfter == "" || r.ChainTrusted != tt.trusted {
				t.Errorf("probe = %+v: want the subject, a cipher suite, not_after and chain_trusted %t", r, tt.trusted)
			}
		})
	}
}

// TestSChannelTakesEffectAtBoot: a protocol turned off by an op still
// serves until the host restarts (a state document loaded), as SChannel
// reads its keys at boot; afterwards a TLS 1.2 client cannot connect.
func TestSChannelTakesEffectAtBoot(t *testing.T) {
	scenario := probeScenario(t, false, offKey(`TLS 1.3\Server`))
	srv := startTestServer(t, func(o *Options) { o.Scenario = scenario })
	// What registry.schannel.set writes, through the calls the agent makes.
	var err error
	srv.Host().Exclusive(func() {
		key := `HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.2\Server`
		srv.Host().RegistryCreateKeyLocked(key)
		if err = srv.Host().RegistrySetDWORDLocked(key, "Enabled", 0); err == nil {
			err = srv.Host().RegistrySetDWORDLocked(key, "DisabledByDefault", 1)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if r := runProbe(t, srv, `{"port":4207}`); r.Protocol != "TLS 1.2" {
		t.Fatalf("before the reboot: probe = %+v, want TLS 1.2 still served", r)
	}
	state, err := srv.Host().StateJSON()
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Host().SetStateJSON(state); err != nil {
		t.Fatal(err)
	}
	eps := srv.Endpoints()
	if _, err := handshakeVersion(eps[0].Address, 0, tls.VersionTLS12); err == nil {
		t.Fatal("after the reboot the endpoint still serves TLS 1.2")
	}
	if r := runProbe(t, srv, `{"port":4207}`); r.Protocol != "TLS 1.1" {
		t.Errorf("after the reboot: probe = %+v, want TLS 1.1 (the newest left on)", r)
	}
}

// TestTLSProbeWindowsCallFailures fails each Windows call the probe makes
// (fail_calls): a failed connect is a result, as a refused one is;
// SChannel settings or a chain engine that cannot be read fail the op with
// the code.
func TestTLSProbeWindowsCallFailures(t *testing.T) {
	scenario := probeScenario(t, true)
	srv := startTestServer(t, func(o *Options) { o.Scenario = scenario })
	srv.SetFaults(Faults{FailCalls: []CallFailure{{Call: "network.connect", Code: 10060}}})
	if r := runProbe(t, srv, `{"port":4207}`); r.Reachable || !strings.Contains(r.Error, "fault injected") {
		t.Errorf("connect failed: probe = %+v, want unreachable with the injected error", r)
	}
	for _, call := range []string{"network.client_protocols", "network.build_chain"} {
		srv.SetFaults(Faults{FailCalls: []CallFailure{{Call: call, Code: 5}}})
		reply, err := srv.runAgentOp(agent.Script(), "tls.probe", []byte(`{"port":4207}`), "")
		if err != nil {
			t.Fatal(err)
		}
		if reply.ok || !strings.Contains(string(reply.line), `"code":5`) {
			t.Errorf("%s failed: %s, want the op failed with 5", call, reply.line)
		}
	}
	if r := runProbe(t, srv, `{"port":4207}`); !r.Reachable || !r.ChainTrusted {
		t.Errorf("after the faults: probe = %+v, want the trusted endpoint", r)
	}
}
