package windows

import (
	"embed"
)

//go:embed scripts/*.ps1
var scriptFiles embed.FS

// Script is one domain's request script: the prelude, the domain's op
// functions and the dispatcher, as the host runs it (PROTOCOL.md).
type Script struct {
	name string
	text []byte
}

var (
	hostScript  = agentScript
	debugScript = agentScript
)
