package winsim

import (
	"strings"
	"testing"
	"time"
)

func TestParsePowerShellArgs(t *testing.T) {
	tests := []struct {
		args    string
		want    psInvocation
		comment string
	}{
		{"-NoProfile -NonInteractive -ExecutionPolicy Bypass -EncodedCommand QQA=", psInvocation{encoded: "QQA=", hasEncoded: true}, "our transport"},
		{"-encodedcommand QQA=", psInvocation{encoded: "QQA=", hasEncoded: true}, "pywinrm run_ps"},
		{"-enc QQA=", psInvocation{encoded: "QQA=", hasEncoded: true}, "abbreviation"},
		{"-e QQA=", psInvocation{encoded: "QQA=", hasEncoded: true}, "-e is EncodedCommand"},
		{"-EC QQA=", psInvocation{encoded: "QQA=", hasEncoded: true}, "-ec alias"},
		{"-ex Bypass -e QQA=", psInvocation{encoded: "QQA=", hasEncoded: true}, "-ex is ExecutionPolicy"},
		{"-Command Get-Item x", psInvocation{command: "Get-Item x", hasCommand: true}, "-Command takes the rest"},
		{"-NoP Get-Item x", psInvocation{command: "Get-Item x", hasCommand: true}, "first non-parameter starts the command"},
		{"-Bogus", psInvocation{command: "-Bogus", hasCommand: true}, "unknown parameter starts the command"},
		{"-NoProfile", psInvocation{}, "no command: stdin"},
	}
	for _, tc := range tests {
		t.Run(tc.comment, func(t *testing.T) {
			if got := parsePowerShellArgs(splitArgs(tc.args)); got != tc.want {
				t.Fatalf("parsePowerShellArgs(%q) = %+v, want %+v", tc.args, got, tc.want)
			}
		})
	}
}

func TestEchoText(t *testing.T) {
	tests := []struct {
		line, want string
		ok         bool
	}{
		{"echo hello world", "hello world", true},
		{"ECHO  two spaces", " two spaces", true},
		{"echo", "ECHO is on.", true},
		{"echo ", "ECHO is on.", true},
		{"echo.", "", true},
		{"echoes", "", false},
		{"hostname", "", false},
	}
	for _, tc := range tests {
		if got, ok := echoText(tc.line); got != tc.want || ok != tc.ok {
			t.Errorf("echoText(%q) = %q, %v; want %q, %v", tc.line, got, ok, tc.want, tc.ok)
		}
	}
}

func TestNotRecognizedMatchesWindowsWrapping(t *testing.T) {
	tests := []struct {
		name  string
		width int
		want  []string // first message lines as captured from Windows PowerShell 5.1
	}{
		{"cargo", 120, []string{
			"cargo : The term 'cargo' is not recognized as the name of a cmdlet, function, script file, or operable program. Check ",
			"the spelling of the name, or if a path was included, verify that the path is correct and try again.",
		}},
		{"Bogus", 80, []string{
			"Bogus : The term 'Bogus' is not recognized as the name of a cmdlet, function, ",
			"script file, or operable program. Check the spelling of the name, or if a path ",
			"was included, verify that the path is correct and try again.",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			msg := strings.Join(tc.want, "")
			if got := wrapWords(msg, tc.width-1); strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Fatalf("wrapWords:\n%q\nwant\n%q", got, tc.want)
			}
		})
	}
	lines := breakChars("    + CategoryInfo          : ObjectNotFound: (Bogus:String) [], CommandNotFoundException", 79)
	if want := []string{"    + CategoryInfo          : ObjectNotFound: (Bogus:String) [], CommandNotFou ", "   ndException"}; strings.Join(lines, "|") != strings.Join(want, "|") {
		t.Fatalf("breakChars = %q", lines)
	}
}

func TestCLIXMLEscape(t *testing.T) {
	got := string(clixmlDocument([]string{"a<b>&_x0041_ c"}))
	want := "#< CLIXML\r\n" + `<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">` +
		`<S S="Error">a&lt;b&gt;&amp;_x005F_x0041_ c_x000D__x000A_</S></Objs>`
	if got != want {
		t.Fatalf("clixmlDocument =\n%q\nwant\n%q", got, want)
	}
}

func TestParseXSDuration(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"PT60S", time.Minute, true},
		{"PT60.000S", time.Minute, true},
		{"PT0.5S", 500 * time.Millisecond, true},
		{"PT1M30S", 90 * time.Second, true},
		{"P0DT0H1M0S", time.Minute, true},
		{"60", 0, false},
		{"PT5", 0, false},
	}
	for _, tc := range tests {
		got, err := parseXSDuration(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("parseXSDuration(%q) = %v, %v; want %v ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func TestCheckLoopback(t *testing.T) {
	for addr, ok := range map[string]bool{
		"127.0.0.1:5985": true, "[::1]:0": true, "localhost:5986": true, "127.0.0.2:1": true,
		"0.0.0.0:5985": false, ":5985": false, "192.168.1.10:5985": false, "example.com:5985": false, "nonsense": false,
	} {
		if err := CheckLoopback(addr); (err == nil) != ok {
			t.Errorf("CheckLoopback(%q) = %v, want ok=%v", addr, err, ok)
		}
	}
	if _, err := Start(Options{User: "a", Password: "b", HTTPAddr: "0.0.0.0:0"}); err == nil || !strings.Contains(err.Error(), "not a loopback address") {
		t.Fatalf("Start on 0.0.0.0: %v", err)
	}
}
