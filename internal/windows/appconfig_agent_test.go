package windows

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/winsim"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/winsim/model"
)

const corpusDir = `C:\Program Files\App\`

// corpusHost is a simulated host with every file of the agent's appconfig
// corpus (agent/testdata/appconfig) in C:\Program Files\App.
func corpusHost(t *testing.T) (*Host, *winsim.Server, map[string][]byte) {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("agent", "testdata", "appconfig", "*.config"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("corpus: %v (%d files)", err, len(paths))
	}
	corpus := map[string][]byte{}
	var files []model.FileState
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		name := corpusDir + filepath.Base(p)
		corpus[name] = b
		files = append(files, model.FileState{Path: name, ContentBase64: base64.StdEncoding.EncodeToString(b)})
	}
	scenario, err := json.Marshal(model.State{Hostname: "APP01", Files: files})
	if err != nil {
		t.Fatal(err)
	}
	host, sim := simHost(t, string(scenario), true)
	return host, sim, corpus
}

// simFile returns a file of the simulated host, or nil.
func simFile(t *testing.T, sim *winsim.Server, path string) []byte {
	t.Helper()
	data, err := sim.Host().StateJSON()
	if err != nil {
		t.Fatal(err)
	}
	var s model.State
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatal(err)
	}
	for _, f := range s.Files {
		if strings.EqualFold(f.Path, path) {
			b, err := base64.StdEncoding.DecodeString(f.ContentBase64)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
	}
	return nil
}

// TestAppConfigCorpusRoundTripsThroughTheSimulator: for every file of the
// corpus, run by the agent in the simulator, a new entry set then removed
// gives back the original bytes, and so does an existing entry set to
// another value and back.
func TestAppConfigCorpusRoundTripsThroughTheSimulator(t *testing.T) {
	host, sim, corpus := corpusHost(t)
	ctx := context.Background()
	names := make([]string, 0, len(corpus))
	for name := range corpus {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		original := corpus[name]
		if _, err := host.AppConfig().Set(ctx, name, "TfNewKey", "n\u00e9w & <v>", &Expect{}); err != nil {
			t.Fatalf("%s: set: %v", name, err)
		}
		if got, err := host.AppConfig().Get(ctx, name, "tfnewkey"); err != nil || got.Value == nil || *got.Value != "n\u00e9w & <v>" {
			t.Fatalf("%s: get after set: %+v, %v", name, got, err)
		}
		if !bytes.Equal(simFile(t, sim, name+".tfbak"), original) {
			t.Errorf("%s: the backup is not the original", name)
		}
		if err := host.AppConfig().Remove(ctx, name, "TfNewKey", nil); err != nil {
			t.Fatalf("%s: remove: %v", name, err)
		}
		if got := simFile(t, sim, name); !bytes.Equal(got, original) {
			t.Errorf("%s: set then remove changed the file:\n%q\nwant\n%q", name, got, original)
		}
		existing, err := host.AppConfig().Get(ctx, name, "Existing")
		if err != nil {
			t.Fatalf("%s: get: %v", name, err)
		}
		if !existing.Exists {
			continue
		}
		change, err := host.AppConfig().Set(ctx, name, "Existing", "changed", &Expect{Value: existing.Value})
		if err != nil || change.PreviousValue == nil || *change.PreviousValue != *existing.Value || !change.Existed {
			t.Fatalf("%s: set of Existing: %+v, %v", name, change, err)
		}
		if _, err := host.AppConfig().Set(ctx, name, "Existing", *existing.Value, nil); err != nil {
			t.Fatalf("%s: restore: %v", name, err)
		}
		if got := simFile(t, sim, name); !bytes.Equal(got, original) {
			t.Errorf("%s: set and restore changed the file:\n%q\nwant\n%q", name, got, original)
		}
	}
	if c := sim.Counters(); c.AgentOps == 0 {
		t.Error("the ops did not run in the agent")
	}
}

// TestAppConfigReplaceFailureLosesNothing: File.Replace failing (injected
// 1177 and 1175 on the bridge's files.replace) fails the op with that code,
// a message that says where the content is, the file as it was and no
// temporary file left.
func TestAppConfigReplaceFailureLosesNothing(t *testing.T) {
	host, sim, corpus := corpusHost(t)
	ctx := context.Background()
	name := corpusDir + "vs-default-crlf-bom.exe.config"
	for _, code := range []int{1177, 1175} {
		sim.SetFaults(winsim.Faults{FailCalls: []winsim.CallFailure{{Call: "files.replace", Code: code}}})
		_, err := host.AppConfig().Set(ctx, name, "Existing", "secret-value", nil)
		if ErrorCode(err) != int64(code) {
			t.Fatalf("injected %d: set: %v, want that code", code, err)
		}
		msg := err.Error()
		if !strings.Contains(msg, name) || !strings.Contains(msg, "unchanged") || strings.Contains(msg, "secret-value") {
			t.Errorf("injected %d: message %q should name the file, say it is unchanged, and not hold the value", code, msg)
		}
		if got := simFile(t, sim, name); !bytes.Equal(got, corpus[name]) {
			t.Errorf("injected %d: the file changed:\n%q", code, got)
		}
		data, _ := sim.Host().StateJSON()
		if strings.Contains(string(data), ".tmp") {
			t.Errorf("injected %d: a temporary file is left: %s", code, data)
		}
	}
	sim.SetFaults(winsim.Faults{})
	if _, err := host.AppConfig().Set(ctx, name, "Existing", "after", nil); err != nil {
		t.Fatalf("set after the faults: %v", err)
	}
}
