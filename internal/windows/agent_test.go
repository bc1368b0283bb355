package windows

import (
	"context"
	"strings"
	"testing"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/windows/agent"
)

// TestAgentOpsRunInTheAgent: the simulator answers the agent script's ops
// by running the agent the provider sent (compiled with mcs, run under
// Mono), in both process modes: every op is counted as an agent op, with
// the Windows calls it made answered from the host model.
func TestAgentOpsRunInTheAgent(t *testing.T) {
	for _, reuse := range []bool{true, false} {
		host, sim := simHost(t, `{"hostname":"SAGE300","os_version":"10.0.17763"}`, reuse)
		ctx := context.Background()
		info, err := host.Info(ctx)
		if err != nil {
			t.Fatalf("reuse_powershell=%t: %v", reuse, err)
		}
		if info.Hostname != "SAGE300" || info.OSVersion != "10.0.17763" {
			t.Errorf("reuse_powershell=%t: host.info = %+v, want the scenario's host", reuse, info)
		}
		if _, err := host.DebugEchoText(ctx, "Ä ’ 😀"); err != nil {
			t.Fatal(err)
		}
		c := sim.Counters()
		if c.AgentOps != 2 || c.BridgeCalls < 1 {
			t.Errorf("reuse_powershell=%t: agent ops %d, bridge calls %d; want 2 ops run by the agent and its system.info call", reuse, c.AgentOps, c.BridgeCalls)
		}
	}
}

// TestAgentScriptCarriesTheShippedSources: the script holds every shipped
// C# file and none of the tests, the references, and the fixed cache ACL
// mask (0x500D0156; the script had 1342029590, a typo of 1343029590).
func TestAgentScriptCarriesTheShippedSources(t *testing.T) {
	text := string(agentScript)
	names, texts := agent.Sources()
	if len(names) == 0 {
		t.Fatal("no agent sources embedded")
	}
	for i, n := range names {
		if strings.HasSuffix(n, "Tests.cs") || strings.Contains(n, "/testing/") {
			t.Errorf("%s is shipped", n)
		}
		if !strings.Contains(text, "@'\n"+strings.TrimRight(texts[i], "\n")+"\n'@\n") {
			t.Errorf("%s is not in the agent script as a here-string", n)
		}
	}
	for _, want := range []string{"# tfwin-agent-v1\n", "$AgentReferences = @('System.dll'", "0x500D0156"} {
		if !strings.Contains(text, want) {
			t.Errorf("agent script lacks %q", want)
		}
	}
	if strings.Contains(text, "1342029590") {
		t.Error("agent script still checks the cache ACL against 1342029590")
	}
	// What emulates Windows on Mono stays off hosts; the PKCS #12 reader
	// that cert.pfx_file.inspect uses is shipped.
	monoNames, _ := agent.MonoSources()
	if len(monoNames) == 0 {
		t.Fatal("no mono sources embedded")
	}
	for _, n := range names {
		if strings.Contains(n, "mono/") {
			t.Errorf("%s is shipped", n)
		}
	}
	if strings.Contains(text, "PfxEmulation") {
		t.Error("the agent script carries PfxEmulation, which only the stand-ins on Mono need")
	}
	if !strings.Contains(text, "public static class Pkcs12Reader") {
		t.Error("the agent script lacks Pkcs12Reader, which cert.pfx_file.inspect needs on hosts")
	}
}

// TestHostScriptHandsArgumentsOnlyToTheAgent: no cmdlet sees an op's
// arguments (dispatch.ps1 gave them to ConvertFrom-Json, whose parameters
// PowerShell Module Logging records in event 4103: PFX passwords, app-setting
// values). In host.ps1 the base64 arguments are used once, as an argument of
// the agent's .NET entry point, and no JSON cmdlet is left.
func TestHostScriptHandsArgumentsOnlyToTheAgent(t *testing.T) {
	host := agent.HostPowerShell()
	var uses []string
	for _, line := range strings.Split(host, "\n") {
		code, _, _ := strings.Cut(line, "#")
		if strings.Contains(code, "$ArgsBase64") {
			uses = append(uses, strings.TrimSpace(code))
		}
	}
	want := []string{
		"param([string]$Op, [string]$ArgsBase64, [string]$RequestId = '')",
		"$reply = [TfWin.Windows.PowerShellEntry]::Run($Op, $ArgsBase64, $RequestId)",
	}
	if strings.Join(uses, "\n") != strings.Join(want, "\n") {
		t.Errorf("host.ps1 uses $ArgsBase64 in %q, want only %q", uses, want)
	}
	for _, cmdlet := range []string{"ConvertFrom-Json", "ConvertTo-Json", "Write-Host", "Write-Verbose", "Write-Information"} {
		if strings.Contains(strings.ToLower(host), strings.ToLower(cmdlet)) {
			t.Errorf("host.ps1 calls %s", cmdlet)
		}
	}
}
