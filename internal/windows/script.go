package windows

import (
	"embed"
	"fmt"
)

//go:embed scripts/*.ps1
var scriptFiles embed.FS

// Script is one domain's request script: the prelude, the domain's op
// functions and the dispatcher, as the host runs it (PROTOCOL.md).
type Script struct {
	name string
	text []byte
}

// loadScript assembles the request script of a domain from its embedded file.
// It panics on a missing file: the scripts are compiled in, so that is a
// build defect, caught by every test.
func loadScript(domain string) Script {
	var text []byte
	for _, part := range []string{"prelude", domain, "dispatch"} {
		b, err := scriptFiles.ReadFile("scripts/" + part + ".ps1")
		if err != nil {
			panic(fmt.Sprintf("windows: embedded script %s.ps1: %v", part, err))
		}
		text = append(text, b...)
		text = append(text, '\n')
	}
	return Script{name: domain, text: text}
}

var (
	hostScript  = agentScript
	debugScript = agentScript
)
