package model

import (
	"bytes"
	"encoding/base64"
	"testing"
	"unicode/utf16"
)

const configPath = `C:\Program Files (x86)\Sage 300 Connector Agent\Sage300IntegrationService.exe.config`

// sage300Config is a config file with what XmlDocument must keep: a
// declaration with a space before "?>", CRLF line ends, tabs and spaces,
// comments, single quotes and attribute order.
const sage300Config = "<?xml version=\"1.0\" encoding=\"utf-8\" ?>\r\n" +
	"<configuration>\r\n" +
	"  <!-- agent settings -->\r\n" +
	"  <appSettings>\r\n" +
	"\t<add value='http://sage300:4207'   key=\"ServiceUri\"/>\r\n" +
	"    <add key=\"LogLevel\" value=\"Info\" />\r\n" +
	"  </appSettings>\r\n" +
	"  <startup><supportedRuntime version=\"v4.0\" sku=\".NETFramework,Version=v4.5\" /></startup>\r\n" +
	"</configuration>\r\n"

func utf16LE(s string) []byte {
	out := []byte{0xFF, 0xFE}
	for _, u := range utf16.Encode([]rune(s)) {
		out = append(out, byte(u), byte(u>>8))
	}
	return out
}

func configHost(content []byte) *Host {
	return New(State{Files: []FileState{{Path: configPath, ContentBase64: base64.StdEncoding.EncodeToString(content)}}})
}

func fileContent(t *testing.T, h *Host, path string) []byte {
	t.Helper()
	b, ok, err := h.readFile(path)
	if err != nil || !ok {
		t.Fatalf("file %s: ok=%t err=%v", path, ok, err)
	}
	return b
}

// TestAppConfigSetPreservesBytes checks that set changes only the value,
// for every encoding the script keeps, and that the backup holds the
// original bytes.
func TestAppConfigSetPreservesBytes(t *testing.T) {
	want := "<?xml version=\"1.0\" encoding=\"utf-8\" ?>\r\n" +
		"<configuration>\r\n" +
		"  <!-- agent settings -->\r\n" +
		"  <appSettings>\r\n" +
		"\t<add value='https://sage300.example.local:4207/a&apos;b&amp;'   key=\"ServiceUri\"/>\r\n" +
		"    <add key=\"LogLevel\" value=\"Info\" />\r\n" +
		"  </appSettings>\r\n" +
		"  <startup><supportedRuntime version=\"v4.0\" sku=\".NETFramework,Version=v4.5\" /></startup>\r\n" +
		"</configuration>\r\n"
	tests := []struct {
		name     string
		encode   func(string) []byte
		encoding string
	}{
		{"utf-8", func(s string) []byte { return []byte(s) }, "utf-8"},
		{"utf-8 BOM", func(s string) []byte { return append([]byte{0xEF, 0xBB, 0xBF}, s...) }, "utf-8-bom"},
		{"utf-16le", utf16LE, "utf-16le"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			original := tt.encode(sage300Config)
			h := configHost(original)
			var res appSettingResult
			mustInvoke(t, h, "appconfig.set", map[string]any{"path": configPath, "key": "serviceuri", "value": "https://sage300.example.local:4207/a'b&"}, &res)
			if res.PreviousValue == nil || *res.PreviousValue != "http://sage300:4207" || res.Existed == nil || !*res.Existed || res.Encoding != tt.encoding {
				t.Errorf("result %+v: want previous http://sage300:4207, existed, encoding %s", res, tt.encoding)
			}
			if got := fileContent(t, h, configPath); !bytes.Equal(got, tt.encode(want)) {
				t.Errorf("file after set:\n%q\nwant\n%q", got, tt.encode(want))
			}
			if got := fileContent(t, h, configPath+".tfbak"); !bytes.Equal(got, original) {
				t.Errorf("backup %q, want the original bytes", got)
			}
			var get appSettingResult
			mustInvoke(t, h, "appconfig.get", map[string]any{"path": configPath, "key": "ServiceUri"}, &get)
			if get.Value == nil || *get.Value != "https://sage300.example.local:4207/a'b&" || get.BackupPath == nil {
				t.Errorf("get after set: %+v", get)
			}
		})
	}
}

// TestAppConfigCreatesMissing checks that a key that matches nothing is
// created (never a silent no-op), with <appSettings> if need be, and that
// remove restores the original bytes.
func TestAppConfigCreatesMissing(t *testing.T) {
	tests := []struct {
		name, original, want string
	}{
		{
			name:     "no appSettings",
			original: "<configuration>\n  <startup />\n</configuration>\n",
			want:     "<configuration>\n  <startup />\n  <appSettings><add key=\"ServiceUri\" value=\"x\" /></appSettings>\n</configuration>\n",
		},
		{
			name:     "empty-element appSettings",
			original: "<configuration>\n  <appSettings  />\n</configuration>",
			want:     "<configuration>\n  <appSettings><add key=\"ServiceUri\" value=\"x\" /></appSettings>\n</configuration>",
		},
		{
			name:     "other keys",
			original: "<configuration>\n  <appSettings>\n    <add key=\"A\" value=\"1\" />\n  </appSettings>\n</configuration>",
			want:     "<configuration>\n  <appSettings>\n    <add key=\"A\" value=\"1\" />\n    <add key=\"ServiceUri\" value=\"x\" />\n  </appSettings>\n</configuration>",
		},
		{
			name:     "element without value",
			original: "<configuration><appSettings><add key=\"ServiceUri\" /></appSettings></configuration>",
			want:     "<configuration><appSettings><add key=\"ServiceUri\" value=\"x\" /></appSettings></configuration>",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := configHost([]byte(tt.original))
			mustInvoke(t, h, "appconfig.set", map[string]any{"path": configPath, "key": "ServiceUri", "value": "x"}, nil)
			if got := string(fileContent(t, h, configPath)); got != tt.want {
				t.Errorf("after set:\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
	h := configHost([]byte(tests[2].original))
	mustInvoke(t, h, "appconfig.set", map[string]any{"path": configPath, "key": "ServiceUri", "value": "x"}, nil)
	mustInvoke(t, h, "appconfig.remove", map[string]any{"path": configPath, "key": "ServiceUri"}, nil)
	if got := string(fileContent(t, h, configPath)); got != tests[2].original {
		t.Errorf("after remove:\n%q\nwant the original\n%q", got, tests[2].original)
	}
}

func TestAppConfigErrors(t *testing.T) {
	tests := []struct {
		name, content, op string
		args              map[string]any
		code              int
	}{
		{"malformed", "<configuration><appSettings></configuration>", "appconfig.get", nil, errInvalidData},
		{"two roots", "<configuration/><configuration/>", "appconfig.set", nil, errInvalidData},
		{"not a config file", "<settings><appSettings/></settings>", "appconfig.set", nil, errInvalidData},
		{"bad UTF-8", "<configuration>\xff</configuration>", "appconfig.get", nil, errInvalidData},
		{"absent file", "<configuration/>", "appconfig.get", map[string]any{"path": `C:\nowhere\x.exe.config`, "key": "K"}, errFileNotFound},
		{"relative path", "<configuration/>", "appconfig.get", map[string]any{"path": `x.exe.config`, "key": "K"}, errInvalidParameter},
		{"no key", "<configuration/>", "appconfig.get", map[string]any{"path": configPath}, errInvalidParameter},
		{"no value", "<configuration/>", "appconfig.set", map[string]any{"path": configPath, "key": "K"}, errInvalidParameter},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := configHost([]byte(tt.content))
			args := tt.args
			if args == nil {
				args = map[string]any{"path": configPath, "key": "K", "value": "v"}
			}
			wantCode(t, tt.name, invoke(t, h, tt.op, args, nil), tt.code)
			if got := fileContent(t, h, configPath); string(got) != tt.content {
				t.Errorf("file changed by a failed op: %q", got)
			}
		})
	}
}

// TestAppConfigSetSameValueDoesNotWrite: an unchanged value leaves the
// file and its (absent) backup alone.
func TestAppConfigSetSameValueDoesNotWrite(t *testing.T) {
	h := configHost([]byte(sage300Config))
	mustInvoke(t, h, "appconfig.set", map[string]any{"path": configPath, "key": "LogLevel", "value": "Info"}, nil)
	if _, ok, _ := h.readFile(configPath + ".tfbak"); ok {
		t.Error("a backup was written for a set that changed nothing")
	}
}
