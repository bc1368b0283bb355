package model

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"strings"
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

// germanConfig declares its encoding and holds German text: written back in
// any other encoding, "Köln" would no longer read as Köln.
const germanConfig = "<?xml version=\"1.0\" encoding=\"%s\"?>\r\n" +
	"<configuration>\r\n" +
	"  <!-- Büro Köln -->\r\n" +
	"  <appSettings>\r\n" +
	"    <add key=\"Standort\" value=\"Köln\" />\r\n" +
	"  </appSettings>\r\n" +
	"</configuration>\r\n"

// latin1Bytes encodes s as iso-8859-1, with the euro sign at 0x80 as
// windows-1252 has it.
func latin1Bytes(t *testing.T, s string) []byte {
	t.Helper()
	var out []byte
	for _, r := range s {
		switch {
		case r == '€':
			out = append(out, 0x80)
		case r <= 0xFF:
			out = append(out, byte(r))
		default:
			t.Fatalf("test text %q has %q", s, r)
		}
	}
	return out
}

func utf16BE(s string) []byte {
	out := []byte{0xFE, 0xFF}
	for _, u := range utf16.Encode([]rune(s)) {
		out = append(out, byte(u>>8), byte(u))
	}
	return out
}

// TestAppConfigSetKeepsDeclaredEncoding: a file without a BOM that declares
// windows-1252 or iso-8859-1, and a UTF-16 BE file, are read and written
// back in their encoding, byte-exact outside the value; a character the
// encoding cannot hold is refused with 87 and the file is left alone.
func TestAppConfigSetKeepsDeclaredEncoding(t *testing.T) {
	tests := []struct {
		name, declared, encoding, value string
		encode                          func(*testing.T, string) []byte
	}{
		{"windows-1252", "windows-1252", "windows-1252", "Büro München €", latin1Bytes},
		{"windows-1252 alias", "Windows-1252", "windows-1252", "Büro München €", latin1Bytes},
		{"iso-8859-1", "ISO-8859-1", "iso-8859-1", "Büro München", latin1Bytes},
		{"utf-16be", "utf-16", "utf-16be", "Büro München € 🏢", func(_ *testing.T, s string) []byte { return utf16BE(s) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := fmt.Sprintf(germanConfig, tt.declared)
			original := tt.encode(t, text)
			h := configHost(original)
			var get appSettingResult
			mustInvoke(t, h, "appconfig.get", map[string]any{"path": configPath, "key": "standort"}, &get)
			if get.Value == nil || *get.Value != "Köln" || get.Encoding != tt.encoding {
				t.Fatalf("get: %+v, want Köln in %s", get, tt.encoding)
			}
			mustInvoke(t, h, "appconfig.set", map[string]any{"path": configPath, "key": "Standort", "value": tt.value}, nil)
			want := tt.encode(t, strings.Replace(text, `value="Köln"`, `value="`+tt.value+`"`, 1))
			if got := fileContent(t, h, configPath); !bytes.Equal(got, want) {
				t.Errorf("file after set:\n%q\nwant\n%q", got, want)
			}
			mustInvoke(t, h, "appconfig.get", map[string]any{"path": configPath, "key": "Standort"}, &get)
			if get.Value == nil || *get.Value != tt.value {
				t.Errorf("get after set: %+v, want %q", get, tt.value)
			}
		})
	}
	t.Run("unencodable", func(t *testing.T) {
		original := latin1Bytes(t, fmt.Sprintf(germanConfig, "windows-1252"))
		h := configHost(original)
		err := invoke(t, h, "appconfig.set", map[string]any{"path": configPath, "key": "Standort", "value": "Köln 🏢"}, nil)
		wantCode(t, "emoji in windows-1252", err, errInvalidParameter)
		if err != nil && !strings.Contains(err.Message, "windows-1252") {
			t.Errorf("message does not name the encoding: %s", err.Message)
		}
		if got := fileContent(t, h, configPath); !bytes.Equal(got, original) {
			t.Errorf("file changed by a refused set: %q", got)
		}
	})
}

// TestAppConfigConfigSource: appSettings kept in a configSource file are
// refused (50) naming that file, and that file itself can be managed.
func TestAppConfigConfigSource(t *testing.T) {
	const external = `C:\Program Files (x86)\Sage 300 Connector Agent\config\appSettings.config`
	main := "<configuration>\r\n  <appSettings configSource=\"config\\appSettings.config\" />\r\n</configuration>\r\n"
	ext := "<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<appSettings>\r\n  <add key=\"ServiceUri\" value=\"http://sage300:4207\" />\r\n</appSettings>\r\n"
	h := New(State{Files: []FileState{
		{Path: configPath, ContentBase64: base64.StdEncoding.EncodeToString([]byte(main))},
		{Path: external, ContentBase64: base64.StdEncoding.EncodeToString([]byte(ext))},
	}})
	for _, op := range []string{"appconfig.get", "appconfig.set", "appconfig.remove"} {
		err := invoke(t, h, op, map[string]any{"path": configPath, "key": "ServiceUri", "value": "https://x"}, nil)
		wantCode(t, op, err, 50)
		if err != nil && !strings.Contains(err.Message, external) {
			t.Errorf("%s: message does not name %s: %s", op, external, err.Message)
		}
	}
	if got := string(fileContent(t, h, configPath)); got != main {
		t.Errorf("main file changed: %q", got)
	}
	mustInvoke(t, h, "appconfig.set", map[string]any{"path": external, "key": "ServiceUri", "value": "https://x"}, nil)
	if got, want := string(fileContent(t, h, external)), strings.Replace(ext, "http://sage300:4207", "https://x", 1); got != want {
		t.Errorf("external file after set:\n%q\nwant\n%q", got, want)
	}
}

// TestAppConfigRemoveAndClear: <remove key> and <clear/> count as
// System.Configuration reads them, for get and for set.
func TestAppConfigRemoveAndClear(t *testing.T) {
	tests := []struct {
		name, settings string
		want           *string
		afterSet       string
	}{
		{name: "removed", settings: `<add key="K" value="1" /><remove key="k" />`,
			afterSet: `<add key="K" value="1" /><remove key="k" /><add key="K" value="new" />`},
		{name: "cleared", settings: `<add key="K" value="1" /><clear />`,
			afterSet: `<add key="K" value="1" /><clear /><add key="K" value="new" />`},
		{name: "added again after remove", settings: `<add key="K" value="1" /><remove key="K" /><add key="K" value="2" />`, want: ptr("2"),
			afterSet: `<add key="K" value="1" /><remove key="K" /><add key="K" value="new" />`},
		{name: "other key removed", settings: `<add key="K" value="1" /><remove key="L" />`, want: ptr("1"),
			afterSet: `<add key="K" value="new" /><remove key="L" />`},
		{name: "cleared before", settings: `<clear /><add key="K" value="1" />`, want: ptr("1"),
			afterSet: `<clear /><add key="K" value="new" />`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := configHost([]byte("<configuration><appSettings>" + tt.settings + "</appSettings></configuration>"))
			var get appSettingResult
			mustInvoke(t, h, "appconfig.get", map[string]any{"path": configPath, "key": "K"}, &get)
			if (get.Value == nil) != (tt.want == nil) || get.Exists != (tt.want != nil) || tt.want != nil && *get.Value != *tt.want {
				t.Errorf("get: %+v, want %v", get, tt.want)
			}
			var set appSettingResult
			mustInvoke(t, h, "appconfig.set", map[string]any{"path": configPath, "key": "K", "value": "new"}, &set)
			if set.Existed == nil || *set.Existed != (tt.want != nil) {
				t.Errorf("set: existed %v, want %t", set.Existed, tt.want != nil)
			}
			if got, want := string(fileContent(t, h, configPath)), "<configuration><appSettings>"+tt.afterSet+"</appSettings></configuration>"; got != want {
				t.Errorf("after set:\n%q\nwant\n%q", got, want)
			}
		})
	}
}

func ptr(s string) *string { return &s }

// TestAppConfigRefusesNonXMLCharacters: what XML 1.0 cannot hold is refused
// (87) for key and value, naming which, and the file is left alone; what it
// can hold round-trips exactly.
func TestAppConfigRefusesNonXMLCharacters(t *testing.T) {
	for _, bad := range []string{"\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1f", "\x7f", "\ufffe", "\uffff"} {
		for _, attr := range []string{"key", "value"} {
			t.Run(fmt.Sprintf("%s %U", attr, []rune(bad)[0]), func(t *testing.T) {
				h := configHost([]byte(sage300Config))
				args := map[string]any{"path": configPath, "key": "ServiceUri", "value": "v"}
				args[attr] = "a" + bad + "b"
				err := invoke(t, h, "appconfig.set", args, nil)
				wantCode(t, attr, err, errInvalidParameter)
				if err != nil && !strings.Contains(err.Message, attr+": character") {
					t.Errorf("message does not name %s: %s", attr, err.Message)
				}
				if got := string(fileContent(t, h, configPath)); got != sage300Config {
					t.Errorf("file changed: %q", got)
				}
			})
		}
	}
	for _, good := range []string{`a"b'c`, "<&>", "]]>", "tab\there", "cr\rlf\n", "🏢", "##tfwin-envelope## {}", "\u0080\u009f\ufffd"} {
		t.Run(fmt.Sprintf("round trip %q", good), func(t *testing.T) {
			h := configHost([]byte(sage300Config))
			mustInvoke(t, h, "appconfig.set", map[string]any{"path": configPath, "key": good, "value": good}, nil)
			var get appSettingResult
			mustInvoke(t, h, "appconfig.get", map[string]any{"path": configPath, "key": good}, &get)
			if get.Value == nil || *get.Value != good {
				t.Errorf("get: %+v, want %q", get, good)
			}
		})
	}
}

// TestAppConfigExpected: a set or remove that says which entry it expects
// is refused (1306), writing nothing, when the file holds another.
func TestAppConfigExpected(t *testing.T) {
	tests := []struct {
		name, op string
		key      string
		expected any
		code     int
	}{
		{"set, value as expected", "appconfig.set", "ServiceUri", "http://sage300:4207", 0},
		{"set, value changed", "appconfig.set", "ServiceUri", "https://other:4207", 1306},
		{"set, expected absent but present", "appconfig.set", "ServiceUri", nil, 1306},
		{"set, expected absent", "appconfig.set", "Missing", nil, 0},
		{"set, expected present but absent", "appconfig.set", "Missing", "x", 1306},
		{"remove, value changed", "appconfig.remove", "LogLevel", "Debug", 1306},
		{"remove, value as expected", "appconfig.remove", "LogLevel", "Info", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := configHost([]byte(sage300Config))
			err := invoke(t, h, tt.op, map[string]any{"path": configPath, "key": tt.key, "value": "new", "expected": tt.expected}, nil)
			wantCode(t, tt.name, err, tt.code)
			changed := string(fileContent(t, h, configPath)) != sage300Config
			if changed != (tt.code == 0) {
				t.Errorf("file changed: %t, want %t", changed, tt.code == 0)
			}
			if err != nil && !strings.Contains(err.Message, "something else changed it") {
				t.Errorf("message: %s", err.Message)
			}
		})
	}
}
