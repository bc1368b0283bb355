package winrm

import "testing"

// notRecognizedCLIXML is stderr as powershell.exe writes it over WinRM for
// an unknown command, with a progress record before it (first module load).
const notRecognizedCLIXML = "#< CLIXML\r\n" +
	`<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">` +
	`<Obj S="progress" RefId="0"><TN RefId="0"><T>System.Management.Automation.PSCustomObject</T></TN>` +
	`<MS><I64 N="SourceId">1</I64><PR N="Record"><AV>Preparing modules for first use.</AV></PR></MS></Obj>` +
	`<S S="Error">Invoke-foo : The term 'Invoke-foo' is not recognized as the name of a cmdlet, function, script file, or operable _x000D__x000A_</S>` +
	`<S S="Error">program. Check the spelling of the name, or if a path was included, verify that the path is correct and try again._x000D__x000A_</S>` +
	`<S S="Error">At line:1 char:1_x000D__x000A_</S>` +
	`<S S="Error">+ Invoke-foo_x000D__x000A_</S>` +
	`<S S="Error">    + FullyQualifiedErrorId : CommandNotFoundException_x000D__x000A_</S>` +
	`<S S="Error"> _x000D__x000A_</S></Objs>`

func TestDecodeCLIXML(t *testing.T) {
	tests := []struct {
		name, stderr, want string
	}{
		{
			name:   "unknown command",
			stderr: notRecognizedCLIXML,
			want: "Invoke-foo : The term 'Invoke-foo' is not recognized as the name of a cmdlet, function, script file, or operable \n" +
				"program. Check the spelling of the name, or if a path was included, verify that the path is correct and try again.\n" +
				"At line:1 char:1\n+ Invoke-foo\n    + FullyQualifiedErrorId : CommandNotFoundException",
		},
		{
			name:   "escapes: underscore, XML entities, non-BMP surrogate pair, non-ASCII",
			stderr: "#< CLIXML\r\n<Objs><S S=\"Error\">a_x005F_x000D_b &lt;&amp;&gt; _xD83D__xDE00_ Zertifikat für München_x000A_</S></Objs>",
			want:   "a_x000D_b <&> \U0001F600 Zertifikat für München",
		},
		{
			name:   "only the Error stream",
			stderr: "#< CLIXML\r\n<Objs><S S=\"Warning\">careful_x000D__x000A_</S><S S=\"Error\">broken_x000D__x000A_</S><S S=\"Verbose\">v</S></Objs>",
			want:   "broken",
		},
		{
			name:   "several documents",
			stderr: "#< CLIXML\r\n<Objs><S S=\"Error\">one_x000D__x000A_</S></Objs>#< CLIXML\r\n<Objs><S S=\"Error\">two_x000D__x000A_</S></Objs>",
			want:   "one\ntwo",
		},
		{name: "plain text stays", stderr: "The system cannot find the file specified.\r\n", want: "The system cannot find the file specified.\r\n"},
		{name: "broken XML shows its text, never markup", stderr: "#< CLIXML\r\n<Objs><S S=\"Error\">cut", want: "cut"},
		{name: "broken XML keeps complete strings", stderr: "#< CLIXML\r\n<Objs><S S=\"Error\">a &amp; b_x000D__x000A_</S><S S=\"Error\">c", want: "a & b"},
		// A German host writes CLIXML in CP850: 0x81 is ü, 0x9A is Ü.
		{name: "CP850 from a German host", stderr: "#< CLIXML\r\n<Objs><S S=\"Error\">ausf\x81hrbaren _x000D__x000A_</S><S S=\"Error\">\x9Aberpr\x81fen</S></Objs>", want: "ausführbaren \nÜberprüfen"},
		{name: "CP850 plain text", stderr: "Zugriff verweigert: Schl\x81ssel", want: "Zugriff verweigert: Schlüssel"},
		{name: "UTF-8 stays UTF-8", stderr: "#< CLIXML\r\n<Objs><S S=\"Error\">Größe</S></Objs>", want: "Größe"},
		{name: "empty", stderr: "", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(DecodeCLIXML([]byte(tt.stderr))); got != tt.want {
				t.Errorf("DecodeCLIXML() =\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

func TestDecodeStderrInTheCodePageTheHostNamed(t *testing.T) {
	clixml := func(s string) string { return "#< CLIXML\r\n<Objs><S S=\"Error\">" + s + "</S></Objs>" }
	tests := []struct {
		name     string
		codePage int
		stderr   string
		want     string
	}{
		// CP852 (Czech, Polish): 0xD8 is ě, 0xA5 is ą; read as CP850 they
		// would be Ï and Ñ.
		{"CP852 from a Czech host", 852, clixml("P\xD8\xA5"), "Pěą"},
		{"CP850 from a German host", 850, clixml("ausf\x81hrbaren"), "ausführbaren"},
		{"CP866 from a Russian host", 866, clixml("\x8E\xE8\xA8\xA1\xAA\xA0"), "Ошибка"},
		{"UTF-8 when the host says 65001", 65001, clixml("Größe"), "Größe"},
		{"not said: the CP850 guess", 0, clixml("Schl\x81ssel"), "Schlüssel"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(decodeStderr([]byte(tt.stderr), tt.codePage)); got != tt.want {
				t.Errorf("decodeStderr = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCutCodePage(t *testing.T) {
	tests := []struct {
		stdout, rest string
		codePage     int
	}{
		{"##tfwin-codepage## 850\r\n##tfwin-envelope## {}\r\n", "##tfwin-envelope## {}\r\n", 850},
		{"##tfwin-codepage## 437\r\n", "", 437},
		{"##tfwin-codepage## 85", "##tfwin-codepage## 85", 0}, // not yet whole
		{"other\r\n", "other\r\n", 0},
	}
	for _, tt := range tests {
		rest, cp := cutCodePage([]byte(tt.stdout))
		if string(rest) != tt.rest || cp != tt.codePage {
			t.Errorf("cutCodePage(%q) = %q, %d; want %q, %d", tt.stdout, rest, cp, tt.rest, tt.codePage)
		}
	}
}
