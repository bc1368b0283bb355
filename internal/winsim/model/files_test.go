package model

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
)

func TestNormalizeWindowsPath(t *testing.T) {
	tests := []struct {
		in, want string
		bad      bool
	}{
		{in: `C:\certs\host.pfx`, want: `C:\certs\host.pfx`},
		{in: `c:/certs//host.pfx`, want: `c:\certs\host.pfx`},
		{in: `C:\certs\.\old\..\host.pfx`, want: `C:\certs\host.pfx`},
		{in: `C:\..\..\host.pfx`, want: `C:\host.pfx`},
		{in: `C:\certs.\host.pfx.. `, want: `C:\certs\host.pfx`},
		{in: `C:\certs\...\host.pfx`, want: `C:\certs\...\host.pfx`},
		{in: `\\fs01\share\certs\host.pfx`, want: `\\fs01\share\certs\host.pfx`},
		{in: `//fs01/share/host.pfx`, want: `\\fs01\share\host.pfx`},
		{in: `certs\host.pfx`, bad: true},
		{in: `C:host.pfx`, bad: true},
		{in: `\certs\host.pfx`, bad: true},
		{in: `\\fs01`, bad: true},
		{in: `\\?\C:\certs\host.pfx`, bad: true},
		{in: ``, bad: true},
	}
	for _, tt := range tests {
		got, err := normalizeWindowsPath(tt.in)
		switch {
		case tt.bad && err == nil:
			t.Errorf("%q: accepted as %q, want an error", tt.in, got)
		case !tt.bad && (err != nil || got != tt.want):
			t.Errorf("%q: %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestStateFiles(t *testing.T) {
	content := base64.StdEncoding.EncodeToString([]byte("PFX bytes"))
	doc := stateDoc(t, map[string]any{"files": []any{
		map[string]any{"path": `c:/Certs/Host.pfx`, "content_base64": content},
		map[string]any{"path": `C:\Sage300\Web.config`, "content_base64": ""},
	}})
	h, err := NewFromJSON(doc)
	if err != nil {
		t.Fatal(err)
	}
	if data, ok, err := h.readFile(`C:\CERTS\HOST.PFX`); err != nil || !ok || string(data) != "PFX bytes" {
		t.Errorf("readFile: %q, %t, %v", data, ok, err)
	}
	out, err := h.StateJSON()
	if err != nil {
		t.Fatal(err)
	}
	var s State
	if err := json.Unmarshal(out, &s); err != nil {
		t.Fatal(err)
	}
	want := []FileState{{Path: `c:\Certs\Host.pfx`, ContentBase64: content}, {Path: `C:\Sage300\Web.config`}}
	if len(s.Files) != 2 || s.Files[0] != want[0] || s.Files[1] != want[1] {
		t.Errorf("files in StateJSON: %+v, want %+v", s.Files, want)
	}
	again, err := NewFromJSON(out)
	if err != nil {
		t.Fatal(err)
	}
	if out2, _ := again.StateJSON(); string(out2) != string(out) {
		t.Errorf("state round trip changed the document:\n%s\n%s", out, out2)
	}

	for _, tt := range []struct {
		name    string
		files   []any
		mention string
	}{
		{"relative path", []any{map[string]any{"path": `host.pfx`, "content_base64": content}}, "absolute"},
		{"not base64", []any{map[string]any{"path": `C:\host.pfx`, "content_base64": "%%"}}, "base64"},
		{"twice", []any{map[string]any{"path": `C:\host.pfx`, "content_base64": content}, map[string]any{"path": `c:/HOST.PFX`, "content_base64": content}}, "twice"},
	} {
		err := h.SetStateJSON(stateDoc(t, map[string]any{"files": tt.files}))
		if err == nil || !strings.Contains(err.Error(), tt.mention) {
			t.Errorf("%s: %v, want an error mentioning %q", tt.name, err, tt.mention)
		}
	}
}
