package windows

import "github.com/seed-1120c41c/terraform-provider-windows/internal/windows/agent"

// agentScript is the request script of every op: the host agent and its
// PowerShell host (internal/windows/agent).
var agentScript = agent.Script()
