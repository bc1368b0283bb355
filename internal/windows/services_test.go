package windows

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/winsim"
)

// TestServicesRunInTheAgent: service.get and service.restart through the
// transport, run by the agent against the simulator's SCM (bridge calls
// services.* and clock.*): dependents found transitively, a slow start
// waited on the host's clock (no real minute passes), and an SCM failure
// injected with fail_calls reported with its code, the logon failure
// naming the service's account.
func TestServicesRunInTheAgent(t *testing.T) {
	host, sim := simHost(t, `{"services":[
		{"name":"Sage300IntegrationService","display_name":"Sage 300 Connector Agent","dependent_services":["SageSync"],
		 "start_delay_ms":60000,"start_name":".\\svc-sage"},
		{"name":"SageSync","dependent_services":["SageSyncMonitor"],"sid_type":"unrestricted"},
		{"name":"SageSyncMonitor","status":"Stopped","start_type":"Manual"}]}`, true)
	ctx := context.Background()
	svc, err := host.Services().Get(ctx, "sage300integrationservice")
	if err != nil {
		t.Fatal(err)
	}
	if svc.Name != "Sage300IntegrationService" || svc.DisplayName != "Sage 300 Connector Agent" || svc.Status != "Running" ||
		svc.StartType != "Automatic" || strings.Join(svc.DependentServices, ",") != "SageSyncMonitor,SageSync" ||
		svc.StartName != `.\svc-sage` || svc.SIDType != ServiceSIDTypeNone {
		t.Errorf("service.get = %+v", svc)
	}
	if sync, err := host.Services().Get(ctx, "SageSync"); err != nil || sync.StartName != LocalSystemStartName || sync.SIDType != ServiceSIDTypeUnrestricted {
		t.Errorf("service.get SageSync = %+v, %v: want LocalSystem, unrestricted", sync, err)
	}
	started := time.Now()
	svc, err = host.Services().Restart(ctx, "Sage300IntegrationService", 2*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if svc.Status != "Running" || time.Since(started) > 30*time.Second {
		t.Errorf("restart = %+v after %v: want Running, without waiting the start's real minute", svc, time.Since(started))
	}
	if _, err := host.Services().Get(ctx, "NoSuchService"); !IsServiceNotFound(err) {
		t.Errorf("absent service: %v, want 1060", err)
	}
	sim.SetFaults(winsim.Faults{FailCalls: []winsim.CallFailure{{Call: "services.startservice", Code: CodeServiceLogonFailed}}})
	_, err = host.Services().Restart(ctx, "Sage300IntegrationService", time.Minute)
	if ErrorCode(err) != CodeServiceLogonFailed || !strings.Contains(err.Error(), `.\svc-sage`) {
		t.Errorf("restart with a logon failure: %v, want 1069 naming the account", err)
	}
	_, err = host.Services().Restart(ctx, "WinRM", time.Minute)
	if ErrorCode(err) != 1060 {
		t.Errorf("restart of a WinRM the host lacks: %v, want 1060", err)
	}
}

// TestTLSSettingsRunInTheAgent: the registry ops through the transport,
// run by the agent against the simulator's registry (bridge calls
// registry.*), and a registry write failure injected with fail_calls.
func TestTLSSettingsRunInTheAgent(t *testing.T) {
	host, sim := simHost(t, `{}`, false)
	ctx := context.Background()
	api := host.TLSSettings()
	on, off := uint32(1), uint32(0)
	side, err := api.SetSChannel(ctx, "tls 1.2", "server", SChannelValues{Enabled: &on, DisabledByDefault: &off})
	if err != nil {
		t.Fatal(err)
	}
	if side.Protocol != "TLS 1.2" || side.Side != "Server" || !side.KeyExists || !side.Changed || *side.Enabled != 1 || *side.DisabledByDefault != 0 ||
		side.Key != `HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.2\Server` {
		t.Errorf("set = %+v", side)
	}
	if side, err = api.SetSChannel(ctx, "TLS 1.2", "Server", SChannelValues{}); err != nil || side.KeyExists || !side.Changed {
		t.Errorf("restore = %+v, %v: want the key gone", side, err)
	}
	keys, err := api.DotNetCrypto(ctx)
	if err != nil || len(keys) != 4 || !keys[0].Exists || keys[2].Exists || keys[0].SchUseStrongCrypto != nil {
		t.Fatalf("dotnet_crypto.get = %+v, %v", keys, err)
	}
	keys, err = api.SetDotNetCrypto(ctx, []DotNetCryptoKey{{Path: keys[0].Path, SchUseStrongCrypto: &on, SystemDefaultTLSVersions: &on}})
	if err != nil || keys[0].SchUseStrongCrypto == nil || *keys[0].SchUseStrongCrypto != 1 {
		t.Errorf("dotnet_crypto.set = %+v, %v", keys, err)
	}
	if _, err = api.SetDotNetCrypto(ctx, []DotNetCryptoKey{{Path: `HKLM\SOFTWARE\Microsoft\.NETFramework\v2.0.50727`, SchUseStrongCrypto: &on}}); ErrorCode(err) != 2 {
		t.Errorf("a Framework not installed: %v, want 2", err)
	}
	sim.SetFaults(winsim.Faults{FailCalls: []winsim.CallFailure{{Call: "registry.setvalue", Code: 5}}})
	if _, err = api.SetSChannel(ctx, "TLS 1.3", "client", SChannelValues{Enabled: &off}); ErrorCode(err) != 5 {
		t.Errorf("access denied: %v, want 5", err)
	}
}
