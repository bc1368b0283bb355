package agent

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// buildConsole builds bin/agent.exe's program into a temporary folder with
// scripts/agent.sh, as `make agent` does.
func buildConsole(t *testing.T) string {
	t.Helper()
	exe := filepath.Join(t.TempDir(), "agent.exe")
	cmd := exec.Command("../../../scripts/agent.sh", "build", exe)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("scripts/agent.sh build: %v\n%s", err, out)
	}
	return exe
}

// consoleRequest is one PROTOCOL.md section 1.1 request line without a
// script ("-"): the console has the agent built in.
func consoleRequest(id, op string, args any) string {
	data, _ := json.Marshal(args)
	sum := sha256.Sum256(nil)
	return fmt.Sprintf("tfwin-request %s %s %s %s -\n", id, op, hex.EncodeToString(sum[:]), base64.StdEncoding.EncodeToString(data))
}

// TestConsoleCorpusRoundTrips: on every file of the config corpus, as a
// real file under --root, bin/agent.exe's appconfig.set of a new key then
// appconfig.remove of it (expecting the value set) gives back the original
// bytes, and the set changed the file.
func TestConsoleCorpusRoundTrips(t *testing.T) {
	exe := buildConsole(t)
	corpus, err := filepath.Glob("testdata/appconfig/*.config")
	if err != nil || len(corpus) < 10 {
		t.Fatalf("corpus: %v files, %v", len(corpus), err)
	}
	root := t.TempDir()
	appDir := filepath.Join(root, "C", "app")
	if err := os.MkdirAll(appDir, 0o755); err != nil {
		t.Fatal(err)
	}
	var requests strings.Builder
	originals := map[string][]byte{}
	for i, path := range corpus {
		name := filepath.Base(path)
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		originals[name] = data
		if err := os.WriteFile(filepath.Join(appDir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
		winPath := `C:\app\` + name
		value := "https://sage300:4106/ 'x' & <y>"
		requests.WriteString(consoleRequest(fmt.Sprintf("%016x", 2*i), "appconfig.set",
			map[string]any{"path": winPath, "key": "TfwinCorpusKey", "value": value, "expected": nil}))
		requests.WriteString(consoleRequest(fmt.Sprintf("%016x", 2*i+1), "appconfig.remove",
			map[string]any{"path": winPath, "key": "TfwinCorpusKey", "expected": value}))
	}
	cmd := exec.Command("mono", exe, "--root", root)
	cmd.Stdin = strings.NewReader(requests.String())
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("agent.exe: %v\n%s", err, stderr.Bytes())
	}
	envelopes, done := 0, 0
	scanner := bufio.NewScanner(bytes.NewReader(out))
	scanner.Buffer(make([]byte, 1<<20), 1<<20)
	for scanner.Scan() {
		line := strings.TrimRight(scanner.Text(), "\r")
		switch {
		case strings.HasPrefix(line, "##tfwin-envelope## "):
			envelopes++
			var env struct {
				OK    bool            `json:"ok"`
				Error json.RawMessage `json:"error"`
			}
			if err := json.Unmarshal([]byte(strings.TrimPrefix(line, "##tfwin-envelope## ")), &env); err != nil || !env.OK {
				t.Errorf("envelope %d: %s", envelopes, line)
			}
		case strings.HasPrefix(line, "##tfwin-done## "):
			done++
		}
	}
	if envelopes != 2*len(corpus) || done != 2*len(corpus) {
		t.Fatalf("%d envelopes and %d done lines for %d requests\n%s", envelopes, done, 2*len(corpus), stderr.Bytes())
	}
	for name, want := range originals {
		got, err := os.ReadFile(filepath.Join(appDir, name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: set + remove did not give back the original bytes", name)
		}
		backup, err := os.ReadFile(filepath.Join(appDir, name+".tfbak"))
		if err != nil || bytes.Equal(backup, want) {
			// The backup is the content before the remove: the file as set.
			t.Errorf("%s: the set left no changed content in the backup (%v)", name, err)
		}
	}
}
