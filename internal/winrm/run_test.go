package winrm

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"strings"
	"testing"
	"unicode/utf16"
)

// decodeCommand reverses powershell.exe's -EncodedCommand encoding.
func decodeCommand(t *testing.T, b64 string) string {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || len(raw)%2 != 0 {
		t.Fatalf("not base64 of UTF-16LE: %v", err)
	}
	units := make([]uint16, len(raw)/2)
	for i := range units {
		units[i] = binary.LittleEndian.Uint16(raw[2*i:])
	}
	return string(utf16.Decode(units))
}

func TestBootstrapCommandLine(t *testing.T) {
	wantPrefix := []string{"-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass", "-EncodedCommand"}
	if len(bootstrapArgs) != len(wantPrefix)+1 {
		t.Fatalf("bootstrapArgs = %q", bootstrapArgs)
	}
	for i, want := range wantPrefix {
		if bootstrapArgs[i] != want {
			t.Errorf("bootstrapArgs[%d] = %q, want %q", i, bootstrapArgs[i], want)
		}
	}
	script := decodeCommand(t, bootstrapArgs[len(bootstrapArgs)-1])
	if script != bootstrapScript {
		t.Errorf("-EncodedCommand decodes to %q, want the bootstrap script", script)
	}
	if !strings.Contains(script, "[Console]::In.ReadToEnd()") || !strings.Contains(script, "[ScriptBlock]::Create(") {
		t.Errorf("bootstrap does not read stdin and create a script block: %q", script)
	}
	// The whole command line must fit cmd.exe's limit with lots of room, so
	// the bootstrap works even where a host forces cmd.exe.
	if n := len(powershellCommand) + len(strings.Join(bootstrapArgs, " ")); n > 2000 {
		t.Errorf("command line is %d characters, want a short fixed bootstrap", n)
	}
}

func TestEncodeCommandNonASCII(t *testing.T) {
	const script = "Write-Output 'Größe \U0001F600'"
	if got := decodeCommand(t, encodeCommand(script)); got != script {
		t.Errorf("round trip = %q, want %q", got, script)
	}
}

func TestRequestStdin(t *testing.T) {
	script := []byte("function Invoke-host.info { 'x' }\r\n$x = 'ü'")
	args := []byte(`{"password":"it's $(secret) ‘quoted’"}`)
	stdin := Request{Script: script, Op: "host.info", Args: args}.stdin()
	lines := strings.Split(string(stdin), "\n")
	if len(lines) != 4 || lines[3] != "" {
		t.Fatalf("stdin = %q, want three LF-terminated lines", stdin)
	}
	gotScript, _ := base64.StdEncoding.DecodeString(lines[0])
	gotArgs, _ := base64.StdEncoding.DecodeString(lines[2])
	if !bytes.Equal(gotScript, script) || lines[1] != "host.info" || !bytes.Equal(gotArgs, args) {
		t.Errorf("stdin lines decode to %q / %q / %q", gotScript, lines[1], gotArgs)
	}
	if bytes.Contains(stdin, []byte("secret")) {
		t.Error("argument text appears in clear on stdin")
	}
}

func TestRequestStdinDefaultsArgs(t *testing.T) {
	stdin := Request{Op: "host.info"}.stdin()
	if want := "\nhost.info\n" + base64.StdEncoding.EncodeToString([]byte("{}")) + "\n"; string(stdin) != want {
		t.Errorf("stdin = %q, want %q", stdin, want)
	}
}

func TestRequestValidation(t *testing.T) {
	tests := []struct {
		name string
		req  Request
	}{
		{"empty op", Request{Op: ""}},
		{"upper case", Request{Op: "Host.info"}},
		{"injection", Request{Op: "host.info; Remove-Item C:\\"}},
		{"newline", Request{Op: "host.info\nx"}},
		{"trailing dot", Request{Op: "host."}},
		{"digit first segment", Request{Op: "host.1x"}},
		{"invalid JSON", Request{Op: "host.info", Args: []byte(`{"password":"hunter2"`)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.req.check()
			if !errors.Is(err, ErrInvalidRequest) {
				t.Fatalf("check() error = %v, want ErrInvalidRequest", err)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error quotes the arguments: %v", err)
			}
		})
	}
	for _, op := range []string{"host.info", "httpsys.urlacl.get", "debug.echo", "a.b_c.d9"} {
		if err := (Request{Op: op}).check(); err != nil {
			t.Errorf("op %q refused: %v", op, err)
		}
	}
}
