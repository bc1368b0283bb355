package windows

import (
	"regexp"
	"strings"
	"testing"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/windows/agent"
)

// TestWMIQueriesAreBounded: a WMI query on a host whose WMI repository is
// broken hangs forever unless it has a timeout (PITFALLS.md). service.ps1
// read exit codes with Get-CimInstance Win32_Service and none; the agent
// reads them from the SCM (QueryServiceStatusEx). Any WMI query left in the
// agent must set EnumerationOptions.Timeout, and any in a script
// -OperationTimeoutSec (scripts whose ops all run in the agent are never
// sent and not checked).
func TestWMIQueriesAreBounded(t *testing.T) {
	names, texts := agent.Sources()
	for i, name := range names {
		if !wmiCSharpRE.MatchString(texts[i]) {
			continue
		}
		if !strings.Contains(texts[i], "EnumerationOptions") || !strings.Contains(texts[i], ".Timeout =") {
			t.Errorf("%s queries WMI without EnumerationOptions.Timeout", name)
		}
	}
	agentOps := agentOps()
	for _, name := range scriptNames {
		if defined := definedOps(readScript(t, name)); len(defined) > 0 && allIn(defined, agentOps) {
			continue // every op of it runs in the agent: the script is never sent
		}
		for _, line := range strings.Split(readScript(t, name), "\n") {
			if wmiCmdletRE.MatchString(line) && !strings.Contains(line, "-OperationTimeoutSec") {
				t.Errorf("%s.ps1: a WMI query without -OperationTimeoutSec: %s", name, strings.TrimSpace(line))
			}
		}
	}
}

func allIn(ops []string, set map[string]bool) bool {
	for _, op := range ops {
		if !set[op] {
			return false
		}
	}
	return true
}

var (
	wmiCSharpRE = regexp.MustCompile(`new\s+Management(ObjectSearcher|Object|Class)\s*\(`)
	wmiCmdletRE = regexp.MustCompile(`(?i)\b(Get-CimInstance|Get-WmiObject|Invoke-CimMethod)\b`)
)

// TestServiceControlUsesTheSCM: the Windows service implementation answers
// from the Service Control Manager's API, not WMI (Win32_Service).
func TestServiceControlUsesTheSCM(t *testing.T) {
	names, texts := agent.Sources()
	found := false
	for i, name := range names {
		if !strings.HasSuffix(name, "WindowsServiceControl.cs") {
			continue
		}
		found = true
		if strings.Contains(texts[i], "Win32_Service") || strings.Contains(texts[i], "System.Management") {
			t.Errorf("%s reads services through WMI", name)
		}
		if !strings.Contains(texts[i], "QueryServiceStatusEx") {
			t.Errorf("%s does not read the status with QueryServiceStatusEx", name)
		}
	}
	if !found {
		t.Error("no WindowsServiceControl.cs among the agent's sources")
	}
}
