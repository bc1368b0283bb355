// Package agent holds the host agent: the C# sources every op runs in
// (this folder: a file per domain; windows/: the Windows implementations
// of its interfaces) and the PowerShell that hosts it on a Windows host
// (host.ps1). Script assembles what the provider sends. mono/ holds what
// only the stand-ins of Windows that run on Mono compile (MonoSources).
package agent

import (
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"sync"
)

// files are the shipped sources only: *Tests.cs, testing/ and mono/ never
// leave the repository.
//
//go:embed *.cs windows/*.cs references.txt host.ps1
var files embed.FS

// monoFiles emulate on Mono what Windows does (PfxEmulation: how Windows
// answers the import of a PFX). Hosts have Windows itself, so these are
// never in Script.
//
//go:embed mono/*.cs
var monoFiles embed.FS

// MonoSources returns the C# files that the stand-ins of Windows running on
// Mono compile together with Sources (the simulator's agent host, the
// agent's tests), by path, in a stable order. Script never holds them.
func MonoSources() (names []string, texts []string) {
	entries, err := monoFiles.ReadDir("mono")
	if err != nil {
		panic(fmt.Sprintf("agent: embedded mono sources: %v", err))
	}
	for _, e := range entries {
		names = append(names, "mono/"+e.Name())
	}
	sort.Strings(names)
	for _, n := range names {
		b, err := monoFiles.ReadFile(n)
		if err != nil {
			panic(fmt.Sprintf("agent: embedded %s: %v", n, err))
		}
		texts = append(texts, string(b))
	}
	return names, texts
}

// Sources returns the C# files a host compiles, by path, in a stable order.
func Sources() (names []string, texts []string) {
	err := fs.WalkDir(files, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".cs") || strings.HasSuffix(path, "Tests.cs") {
			return err
		}
		names = append(names, path)
		return nil
	})
	if err != nil {
		panic(fmt.Sprintf("agent: embedded sources: %v", err))
	}
	sort.Strings(names)
	for _, n := range names {
		texts = append(texts, string(mustRead(n)))
	}
	return names, texts
}

// References returns the assemblies the agent compiles against
// (references.txt): what Add-Type references on the host and mcs in CI and
// in the simulator.
func References() []string {
	var refs []string
	for _, line := range strings.Split(string(mustRead("references.txt")), "\n") {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "#") {
			refs = append(refs, line)
		}
	}
	return refs
}

func mustRead(name string) []byte {
	b, err := files.ReadFile(name)
	if err != nil {
		panic(fmt.Sprintf("agent: embedded %s: %v", name, err))
	}
	return b
}

// sourceMarker is the line of host.ps1 that the sources replace.
const sourceMarker = "#@AGENT-SOURCE@"

// Script is the request script of every op: host.ps1 with the sources as
// $AgentSource, an array of single-quoted here-strings (one per file:
// CodeDom compiles them as separate compilation units, so each keeps its
// using directives), and $AgentReferences. It is built once.
var Script = sync.OnceValue(func() []byte {
	host := string(mustRead("host.ps1"))
	names, texts := Sources()
	var b strings.Builder
	b.WriteString("$AgentSource = @(\n")
	for i, text := range texts {
		text = strings.ReplaceAll(text, "\r\n", "\n")
		for _, line := range strings.Split(text, "\n") {
			// A line starting with '@ would end the here-string.
			if strings.HasPrefix(line, "'@") {
				panic(fmt.Sprintf("agent: %s has a line starting with '@", names[i]))
			}
		}
		b.WriteString("@'\n")
		b.WriteString(strings.TrimRight(text, "\n"))
		b.WriteString("\n'@\n")
	}
	b.WriteString(")\n$AgentReferences = @(")
	for i, r := range References() {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("'" + r + "'")
	}
	b.WriteString(")")
	text := strings.Replace(host, sourceMarker, b.String(), 1)
	if text == host {
		panic("agent: host.ps1 lacks " + sourceMarker)
	}
	return []byte(text)
})

// HostPowerShell is host.ps1 as written, before the sources go in: the
// PowerShell that hosts the agent on a Windows host.
func HostPowerShell() string { return string(mustRead("host.ps1")) }
