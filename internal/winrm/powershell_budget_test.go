package winrm

import (
	"strings"
	"testing"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/windows/agent"
)

// maxHostPowerShell bounds the PowerShell that no engine runs in CI: all of
// it is the process that hosts the agent (the worker loop, the one-shot
// bootstrap and host.ps1, which loads the agent); everything an op decides
// is the agent's C#, which CI compiles and runs.
const maxHostPowerShell = 150

// powerShellLines counts the lines of code: not blank, not a comment.
func powerShellLines(script string) int {
	n := 0
	inBlock := false
	for _, line := range strings.Split(script, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case inBlock:
			inBlock = !strings.Contains(line, "#>")
		case strings.HasPrefix(line, "<#"):
			inBlock = !strings.Contains(line, "#>")
		case line == "" || strings.HasPrefix(line, "#"):
		default:
			n++
		}
	}
	return n
}

func TestHostPowerShellStaysSmall(t *testing.T) {
	scripts := map[string]string{
		"the worker loop":  workerScript,
		"the bootstrap":    bootstrapScript,
		"agent's host.ps1": agent.HostPowerShell(),
	}
	total := 0
	for name, text := range scripts {
		n := powerShellLines(text)
		if n == 0 {
			t.Errorf("%s: no lines of PowerShell counted", name)
		}
		t.Logf("%s: %d lines of PowerShell", name, n)
		total += n
	}
	if total > maxHostPowerShell {
		t.Errorf("%d lines of PowerShell that CI does not run, more than %d: move the logic into the agent (C#)", total, maxHostPowerShell)
	}
	if got := powerShellLines("# c\n\n<#\nx\n#>\n  $a = 1 # c\n"); got != 1 {
		t.Errorf("powerShellLines counts %d lines in a snippet with one, want 1", got)
	}
}
