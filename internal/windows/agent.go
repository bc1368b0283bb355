package windows

import (
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"
)

// agentFiles are the host agent's C# sources (internal/windows/agent): the
// shipped files only; *Tests.cs and testing/ never leave the repository.
//
//go:embed agent/*.cs agent/windows/*.cs agent/references.txt
var agentFiles embed.FS

// AgentSources returns the C# files the host compiles, by path, in a stable
// order.
func AgentSources() (names []string, texts []string) {
	err := fs.WalkDir(agentFiles, "agent", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".cs") || strings.HasSuffix(path, "Tests.cs") {
			return err
		}
		names = append(names, path)
		return nil
	})
	if err != nil {
		panic(fmt.Sprintf("windows: embedded agent: %v", err))
	}
	sort.Strings(names)
	for _, n := range names {
		b, err := agentFiles.ReadFile(n)
		if err != nil {
			panic(fmt.Sprintf("windows: embedded agent %s: %v", n, err))
		}
		texts = append(texts, string(b))
	}
	return names, texts
}

// AgentReferences returns the assemblies the agent compiles against
// (agent/references.txt): what Add-Type references on the host and mcs in
// CI and the simulator.
func AgentReferences() []string {
	b, err := agentFiles.ReadFile("agent/references.txt")
	if err != nil {
		panic(fmt.Sprintf("windows: embedded agent references: %v", err))
	}
	var refs []string
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "#") {
			refs = append(refs, line)
		}
	}
	return refs
}

// agentSourceMarker is the line of agent.ps1 that the sources replace.
const agentSourceMarker = "#@AGENT-SOURCE@"

// buildAgentScript is agent.ps1 with the agent's sources as
// $AgentSource, an array of single-quoted here-strings (one per file:
// CodeDom compiles them as separate compilation units, so each keeps its
// using directives), and $AgentReferences.
func buildAgentScript() Script {
	host, err := scriptFiles.ReadFile("scripts/agent.ps1")
	if err != nil {
		panic(fmt.Sprintf("windows: embedded script agent.ps1: %v", err))
	}
	names, texts := AgentSources()
	var b strings.Builder
	b.WriteString("$AgentSource = @(\n")
	for i, text := range texts {
		text = strings.ReplaceAll(text, "\r\n", "\n")
		for _, line := range strings.Split(text, "\n") {
			// A line starting with '@ would end the here-string.
			if strings.HasPrefix(line, "'@") {
				panic(fmt.Sprintf("windows: agent source %s has a line starting with '@", names[i]))
			}
		}
		b.WriteString("@'\n")
		b.WriteString(strings.TrimRight(text, "\n"))
		b.WriteString("\n'@\n")
	}
	b.WriteString(")\n$AgentReferences = @(")
	for i, r := range AgentReferences() {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("'" + r + "'")
	}
	b.WriteString(")")
	text := strings.Replace(string(host), agentSourceMarker, b.String(), 1)
	if text == string(host) {
		panic("windows: agent.ps1 lacks " + agentSourceMarker)
	}
	return Script{name: "agent", text: []byte(text)}
}

// agentScript is the request script of every op: the agent and its
// PowerShell host.
var agentScript = buildAgentScript()
