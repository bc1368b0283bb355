package windows

import (
	"fmt"
	"maps"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/windows/agent"
)

// The PowerShell the provider sends cannot be run here (no Windows
// PowerShell), so these tests check what can be checked statically and what
// has gone wrong in practice: unbalanced brackets, unterminated strings and
// here-strings (a terminator that is not at column 0 silently swallows the
// rest of the script, the agent's C# included), ops the protocol names but
// the agent does not define, ways to evaluate user values as code, and
// syntax that Windows PowerShell 4.0 and 5.1 do not have.

// scriptNames are the scripts under test: the agent script, as sent.
var scriptNames = []string{"agent"}

func readScript(t *testing.T, name string) string {
	t.Helper()
	if name != "agent" {
		t.Fatalf("no script %s", name)
	}
	return string(agentScript)
}

// TestScriptsAreASCII guards against typographic quotes, which PowerShell
// treats as quotes too (U+2018..U+201E), and invisible characters.
func TestScriptsAreASCII(t *testing.T) {
	for _, name := range scriptNames {
		src := readScript(t, name)
		for i := 0; i < len(src); i++ {
			if src[i] >= 0x80 {
				t.Errorf("%s.ps1 line %d: non-ASCII byte 0x%02x", name, lineAt(src, i), src[i])
				break
			}
		}
	}
}

func TestScriptsParse(t *testing.T) {
	for _, name := range scriptNames {
		t.Run(name, func(t *testing.T) {
			src := readScript(t, name)
			ps, err := scanPowerShell(src)
			if err != nil {
				t.Fatalf("%s.ps1: %v", name, err)
			}
			// A scanner that took code for a string would pass everything.
			if got, want := len(functionRE.FindAllString(ps.code, -1)), len(functionRE.FindAllString(src, -1)); got != want {
				t.Errorf("%s.ps1: %d of %d function definitions left in the code after scanning", name, got, want)
			}
		})
	}
}

func TestScriptsEmbeddedCSharp(t *testing.T) {
	for _, name := range scriptNames {
		t.Run(name, func(t *testing.T) {
			src := readScript(t, name)
			ps, err := scanPowerShell(src)
			if err != nil {
				t.Fatalf("%s.ps1: %v", name, err)
			}
			for _, problem := range csharpProblems(ps) {
				t.Errorf("%s.ps1: %s", name, problem)
			}
		})
	}
}

func TestScriptsForbiddenConstructs(t *testing.T) {
	for _, name := range scriptNames {
		t.Run(name, func(t *testing.T) {
			findings, err := forbiddenConstructs(readScript(t, name))
			if err != nil {
				t.Fatalf("%s.ps1: %v", name, err)
			}
			for _, f := range findings {
				t.Errorf("%s.ps1: %s", name, f)
			}
		})
	}
}

// agentOps are the ops the agent's C# registers (ops.Add("<op>", ...)).
func agentOps() map[string]bool {
	_, texts := agent.Sources()
	ops := map[string]bool{}
	for _, text := range texts {
		for _, m := range agentOpRE.FindAllStringSubmatch(text, -1) {
			ops[m[1]] = true
		}
	}
	return ops
}

var agentOpRE = regexp.MustCompile(`ops\.Add\("([a-z_]+\.[a-z_.]+)"`)

// TestAgentDefinesProtocolOps checks PROTOCOL.md section 3 against the
// agent both ways: every op it names is in the agent's op table, and every
// op the agent defines is documented.
func TestAgentDefinesProtocolOps(t *testing.T) {
	doc, err := os.ReadFile("../../PROTOCOL.md")
	if err != nil {
		t.Fatalf("read protocol: %v", err)
	}
	ops, err := protocolOps(string(doc))
	if err != nil {
		t.Fatalf("PROTOCOL.md: %v", err)
	}
	if len(ops) < 30 {
		t.Fatalf("found only %d ops in section 3 of PROTOCOL.md (%v): did the format change?", len(ops), ops)
	}
	inAgent := agentOps()
	for _, op := range ops {
		if !inAgent[op] {
			t.Errorf("PROTOCOL.md section 3 names %s, which the agent does not define", op)
		}
	}
	for op := range inAgent {
		if !slices.Contains(ops, op) {
			t.Errorf("the agent defines %s, which PROTOCOL.md section 3 does not document", op)
		}
	}
}

// ---- checks on snippets: each check catches the mistake it is for.

func TestScriptsScannerCatchesMistakes(t *testing.T) {
	tests := []struct {
		name    string
		src     string
		wantErr string // "" = parses
	}{
		{"nested brackets", "function f { if ($a) { @(1, 2)[0] } }\n", ""},
		{"brace in single-quoted string", "$x = '{'\n", ""},
		{"doubled single quote", "$x = 'it''s {'\n", ""},
		{"brace in double-quoted string", "$x = \"}\"\n", ""},
		{"escaped double quote", "$x = \"a`\"{\"\n", ""},
		{"doubled double quote", "$x = \"a\"\"{\"\n", ""},
		{"subexpression with a quoted paren", "$x = \"$(Get-X ')')\"\n", ""},
		{"subexpression with a nested string", "$x = \"a $(\"b $(1)\") c\"\n", ""},
		{"line comment", "$a = 1 # ( {\n", ""},
		{"block comment", "<# { ( #>\n$a = 1\n", ""},
		{"hash inside a word", "Write-Output a#b\n", ""},
		{"braced variable", "${env:ProgramFiles(x86)}\n", ""},
		{"backtick before a brace", "Write-Output `{\n", ""},
		{"single-quoted here-string", "$s = @'\n{ ( ' \"\n'@\n$t = 1\n", ""},
		{"double-quoted here-string with subexpression", "$s = @\"\n$(if ($a) { ')' })\n\"@\n", ""},
		{"unclosed brace", "function f {\n", "unclosed '{'"},
		{"unexpected closer", "f)\n", "unexpected ')'"},
		{"mismatched closer", "( ]\n", "does not close"},
		{"unterminated single-quoted string", "$x = 'abc\n", "unterminated string"},
		{"unterminated double-quoted string", "$x = \"abc\n", "unterminated string"},
		{"unterminated block comment", "<# abc\n", "unterminated block comment"},
		{"indented here-string terminator", "$s = @'\nabc\n    '@\n", "column 0"},
		{"missing here-string terminator", "$s = @'\nabc\n", "never terminated"},
		{"text after here-string opener", "$s = @'abc\n'@\n", "must end its line"},
		{"unclosed subexpression", "$x = \"$(Get-X\"\n", "unterminated"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := scanPowerShell(tt.src)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("scanPowerShell(%q) = %v, want no error", tt.src, err)
			case tt.wantErr != "" && err == nil:
				t.Errorf("scanPowerShell(%q) = nil, want error containing %q", tt.src, tt.wantErr)
			case tt.wantErr != "" && !strings.Contains(err.Error(), tt.wantErr):
				t.Errorf("scanPowerShell(%q) = %v, want error containing %q", tt.src, err, tt.wantErr)
			}
		})
	}
}

func TestScriptsForbiddenConstructsCatchMistakes(t *testing.T) {
	tests := []struct {
		name    string
		src     string
		flagged bool
	}{
		{"iex", "iex $text\n", true},
		{"iex in a pipeline", "$text | iex\n", true},
		{"Invoke-Expression", "Invoke-Expression -Command $text\n", true},
		{"Invoke-Expression in a subexpression", "\"$(Invoke-Expression $x)\"\n", true},
		{"using scope", "Invoke-Command { $using:x }\n", true},
		{"ExpandString", "$ExecutionContext.InvokeCommand.ExpandString($s)\n", true},
		{"ScriptBlock Create", "& ([ScriptBlock]::Create($s))\n", true},
		{"::new", "$l = [System.Collections.ArrayList]::new()\n", true},
		{"null coalescing", "$a = $b ?? 1\n", true},
		{"null-conditional member", "$a = ${b}?.c\n", true},
		{"ternary", "$a = $b ? 1 : 2\n", true},
		{"pipeline chain", "Get-X && Get-Y\n", true},
		{"class", "class Foo {\n}\n", true},
		{"word in a string", "Write-Output 'iex Invoke-Expression ?? ::new()'\n", false},
		{"word in a comment", "# never Invoke-Expression or iex\n<# ?? #>\n", false},
		{"Where-Object alias", "Get-X | ? { $_.A }\n", false},
		{"iex as part of a name", "$iexplore = Get-Iexplore\n", false},
		{"C# in a here-string", "$cs = @'\nx = a ?? b; new List<int>();\n'@\n", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			findings, err := forbiddenConstructs(tt.src)
			if err != nil {
				t.Fatalf("forbiddenConstructs(%q): %v", tt.src, err)
			}
			if got := len(findings) > 0; got != tt.flagged {
				t.Errorf("forbiddenConstructs(%q) = %v, want flagged=%v", tt.src, findings, tt.flagged)
			}
		})
	}
}

func TestScriptsCSharpChecksCatchMistakes(t *testing.T) {
	tests := []struct {
		name    string
		src     string
		wantErr bool
	}{
		{"balanced", "namespace A.V1 { class B { void C() { int[] d = new int[1]; } } }", false},
		{"braces in strings and comments", "namespace A.V1 { // }\n /* { */ class B { string s = \"}\\\"\"; string v = @\"}\"\"\"; char c = '}'; char q = '\\''; } }", false},
		{"missing brace", "namespace A.V1 { class B { }", true},
		{"unterminated string", "namespace A.V1 { string s = \"abc; }", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkCSharpBrackets(tt.src)
			if (err != nil) != tt.wantErr {
				t.Errorf("checkCSharpBrackets(%q) = %v, want error=%v", tt.src, err, tt.wantErr)
			}
		})
	}

}

func TestScriptsProtocolOpsParser(t *testing.T) {
	doc := "## 2. Other\n### other.op\n## 3. Ops\n### host.info\ntext httpsys.not.an.op\n" +
		"| op | args |\n|---|---|\n| httpsys.urlacl.get | `{}` |\n| httpsys.sslcert.add | Binding |\n## 4. Next\n### late.op\n"
	got, err := protocolOps(doc)
	if err != nil {
		t.Fatalf("protocolOps: %v", err)
	}
	want := []string{"host.info", "httpsys.sslcert.add", "httpsys.urlacl.get"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("protocolOps = %v, want %v", got, want)
	}
	if _, err := protocolOps("## 2. Other\n"); err == nil {
		t.Error("protocolOps without section 3 = nil error, want an error")
	}
	defined := definedOps("function Invoke-a.b([hashtable]$A) {\n}\nfunction Invoke-c.d {\n}\n# function Invoke-e.f\n")
	if strings.Join(defined, ",") != "a.b,c.d" {
		t.Errorf("definedOps = %v, want [a.b c.d]", defined)
	}
}

// ---- PowerShell scanner

// psSource is PowerShell source as the parser splits it.
type psSource struct {
	src string
	// code is src with the contents of strings, here-strings and comments
	// replaced by spaces (newlines kept), so patterns match only code; the
	// code inside "$(...)" subexpressions stays.
	code        string
	hereStrings []hereString
}

// hereString is the body of one @'...'@ or @"..."@, at src[start:end].
type hereString struct {
	line       int
	start, end int
}

type openBracket struct {
	char byte
	line int
}

type psScanner struct {
	src   string
	pos   int
	code  []byte
	stack []openBracket
	here  []hereString
}

var closerOf = map[byte]byte{'(': ')', '{': '}', '[': ']'}

// scanPowerShell tokenizes src far enough to find brackets outside strings
// and comments, and reports the first syntax mistake it sees.
func scanPowerShell(src string) (*psSource, error) {
	s := &psScanner{src: src, code: []byte(src)}
	if err := s.scanCode(-1); err != nil {
		return nil, err
	}
	if n := len(s.stack); n > 0 {
		open := s.stack[n-1]
		return nil, fmt.Errorf("unclosed '%c' opened at line %d", open.char, open.line)
	}
	return &psSource{src: src, code: string(s.code), hereStrings: s.here}, nil
}

func (s *psScanner) peek(offset int) byte {
	if i := s.pos + offset; i < len(s.src) {
		return s.src[i]
	}
	return 0
}

// blank replaces src[from:to] in the code copy by spaces, keeping newlines.
func (s *psScanner) blank(from, to int) {
	to = min(to, len(s.code))
	for i := from; i < to; i++ {
		if s.code[i] != '\n' {
			s.code[i] = ' '
		}
	}
}

// scanCode scans code until EOF or, when stopDepth >= 0, until the ')' that
// brings the bracket stack back to stopDepth (the end of a "$(...)" in a
// string).
func (s *psScanner) scanCode(stopDepth int) error {
	for s.pos < len(s.src) {
		c := s.src[s.pos]
		var err error
		switch {
		case c == '`':
			s.blank(s.pos, s.pos+2)
			s.pos += 2
		case c == '#' && s.commentMayStart():
			s.skipLineComment()
		case c == '<' && s.peek(1) == '#':
			err = s.skipBlockComment()
		case c == '@' && (s.peek(1) == '\'' || s.peek(1) == '"'):
			err = s.scanHereString(s.peek(1))
		case c == '\'':
			err = s.scanSingleQuoted()
		case c == '"':
			err = s.scanDoubleQuoted()
		case c == '$' && s.peek(1) == '{':
			err = s.skipBracedVariable()
		case c == '(' || c == '{' || c == '[':
			s.stack = append(s.stack, openBracket{c, lineAt(s.src, s.pos)})
			s.pos++
		case c == ')' || c == '}' || c == ']':
			if err := s.close(c); err != nil {
				return err
			}
			s.pos++
			if c == ')' && stopDepth >= 0 && len(s.stack) == stopDepth {
				return nil
			}
		default:
			s.pos++
		}
		if err != nil {
			return err
		}
	}
	if stopDepth >= 0 {
		return fmt.Errorf("line %d: unterminated subexpression $( in a string", lineAt(s.src, s.pos))
	}
	return nil
}

func (s *psScanner) close(c byte) error {
	n := len(s.stack)
	if n == 0 {
		return fmt.Errorf("line %d: unexpected '%c'", lineAt(s.src, s.pos), c)
	}
	open := s.stack[n-1]
	if closerOf[open.char] != c {
		return fmt.Errorf("line %d: '%c' does not close '%c' opened at line %d", lineAt(s.src, s.pos), c, open.char, open.line)
	}
	s.stack = s.stack[:n-1]
	return nil
}

// commentMayStart reports whether '#' begins a token here: PowerShell reads
// it as part of the word in a#b.
func (s *psScanner) commentMayStart() bool {
	return s.pos == 0 || strings.IndexByte(" \t\r\n;(){}|&,=", s.src[s.pos-1]) >= 0
}

func (s *psScanner) skipLineComment() {
	end := strings.IndexByte(s.src[s.pos:], '\n')
	if end < 0 {
		end = len(s.src) - s.pos
	}
	s.blank(s.pos, s.pos+end)
	s.pos += end
}

func (s *psScanner) skipBlockComment() error {
	end := strings.Index(s.src[s.pos+2:], "#>")
	if end < 0 {
		return fmt.Errorf("line %d: unterminated block comment", lineAt(s.src, s.pos))
	}
	s.blank(s.pos, s.pos+2+end+2)
	s.pos += 2 + end + 2
	return nil
}

func (s *psScanner) skipBracedVariable() error {
	start := s.pos
	for i := s.pos + 2; i < len(s.src); i++ {
		switch s.src[i] {
		case '`':
			i++
		case '}':
			s.pos = i + 1 // a variable name is code: kept in the code copy
			return nil
		}
	}
	return fmt.Errorf("line %d: unterminated ${...} variable", lineAt(s.src, start))
}

// scanSingleQuoted skips '...', where a doubled quote is a literal quote.
func (s *psScanner) scanSingleQuoted() error {
	start := s.pos
	for i := s.pos + 1; i < len(s.src); i++ {
		if s.src[i] != '\'' {
			continue
		}
		if i+1 < len(s.src) && s.src[i+1] == '\'' {
			i++
			continue
		}
		s.blank(start, i+1)
		s.pos = i + 1
		return nil
	}
	return fmt.Errorf("line %d: unterminated string", lineAt(s.src, start))
}

// scanDoubleQuoted skips "...", where `x escapes and "" is a literal quote,
// and scans the code of its $(...) subexpressions.
func (s *psScanner) scanDoubleQuoted() error {
	start := s.pos
	s.blank(s.pos, s.pos+1)
	s.pos++
	for s.pos < len(s.src) {
		switch c := s.src[s.pos]; {
		case c == '`':
			s.blank(s.pos, s.pos+2)
			s.pos += 2
		case c == '"' && s.peek(1) == '"':
			s.blank(s.pos, s.pos+2)
			s.pos += 2
		case c == '"':
			s.blank(s.pos, s.pos+1)
			s.pos++
			return nil
		case c == '$' && s.peek(1) == '(':
			if err := s.scanSubexpression(); err != nil {
				return err
			}
		default:
			s.blank(s.pos, s.pos+1)
			s.pos++
		}
	}
	return fmt.Errorf("line %d: unterminated string", lineAt(s.src, start))
}

func (s *psScanner) scanSubexpression() error {
	s.stack = append(s.stack, openBracket{'(', lineAt(s.src, s.pos)})
	s.pos += 2
	return s.scanCode(len(s.stack) - 1)
}

// scanHereString skips @'...'@ or @"..."@. The opener must end its line and
// the terminator must start a line at column 0; an indented terminator does
// not end the here-string in Windows PowerShell.
func (s *psScanner) scanHereString(quote byte) error {
	start := s.pos
	line := lineAt(s.src, start)
	terminator := string(quote) + "@"
	s.pos += 2
	for s.pos < len(s.src) && (s.src[s.pos] == ' ' || s.src[s.pos] == '\t' || s.src[s.pos] == '\r') {
		s.pos++
	}
	if s.pos >= len(s.src) || s.src[s.pos] != '\n' {
		return fmt.Errorf("line %d: a here-string opener @%c must end its line", line, quote)
	}
	s.pos++
	bodyStart := s.pos
	atLineStart := true
	for s.pos < len(s.src) {
		if atLineStart {
			rest := s.src[s.pos:]
			if strings.HasPrefix(rest, terminator) {
				s.here = append(s.here, hereString{line: line, start: bodyStart, end: max(bodyStart, s.pos-1)})
				s.blank(start, s.pos+2)
				s.pos += 2
				return nil
			}
			if trimmed := strings.TrimLeft(rest, " \t"); len(trimmed) < len(rest) && strings.HasPrefix(trimmed, terminator) {
				return fmt.Errorf("line %d: the terminator %s of the here-string from line %d is indented; it must be at column 0", lineAt(s.src, s.pos), terminator, line)
			}
			atLineStart = false
		}
		c := s.src[s.pos]
		switch {
		case c == '\n':
			atLineStart = true
			s.pos++
		case quote == '"' && c == '`':
			atLineStart = s.peek(1) == '\n'
			s.pos += 2
		case quote == '"' && c == '$' && s.peek(1) == '(':
			if err := s.scanSubexpression(); err != nil {
				return err
			}
		default:
			s.pos++
		}
	}
	return fmt.Errorf("here-string opened at line %d is never terminated (%s at column 0)", line, terminator)
}

func lineAt(src string, pos int) int {
	return strings.Count(src[:min(pos, len(src))], "\n") + 1
}

// ---- forbidden constructs

type codePattern struct {
	re     *regexp.Regexp
	reason string
}

// evaluationPatterns would run text as code: user values must only ever be
// data (PROTOCOL.md).
var evaluationPatterns = []codePattern{
	{regexp.MustCompile(`(?i)(^|[^\w$-])(iex|invoke-expression)($|[^\w-])`), "evaluates a string as code"},
	{regexp.MustCompile(`(?i)\.ExpandString\s*\(`), "expands a string as code"},
	{regexp.MustCompile(`(?i)\[(System\.Management\.Automation\.)?ScriptBlock\]::Create`), "compiles a string as code"},
}

// ps4Patterns are syntax that Windows PowerShell 4.0 or 5.1 lacks.
var ps4Patterns = []codePattern{
	{regexp.MustCompile(`::new\s*\(`), "::new() needs PowerShell 5; use New-Object"},
	{regexp.MustCompile(`\?\?`), "?? needs PowerShell 7"},
	{regexp.MustCompile(`[\w}\]]\?\.`), "?. needs PowerShell 7"},
	{regexp.MustCompile(`[^\s|]\s+\?\s+[^{\s]`), "the ternary operator needs PowerShell 7"},
	{regexp.MustCompile(`&&|\|\|`), "pipeline chain operators need PowerShell 7"},
	{regexp.MustCompile(`(?im)^\s*(class|enum)\s+\w+`), "classes and enums need PowerShell 5"},
	{regexp.MustCompile(`(?im)^\s*using\s+(namespace|module)\b`), "using namespace needs PowerShell 5"},
}

// forbiddenConstructs lists the code of src (strings and comments excluded)
// that could evaluate user values or that Windows PowerShell 4.0 cannot run.
func forbiddenConstructs(src string) ([]string, error) {
	ps, err := scanPowerShell(src)
	if err != nil {
		return nil, err
	}
	var findings []string
	// $using: expands inside double-quoted strings too, so it is looked for
	// everywhere.
	if i := strings.Index(strings.ToLower(src), "$using:"); i >= 0 {
		findings = append(findings, fmt.Sprintf("line %d: $using: runs in another session's scope", lineAt(src, i)))
	}
	for _, p := range append(append([]codePattern{}, evaluationPatterns...), ps4Patterns...) {
		for _, loc := range p.re.FindAllStringIndex(ps.code, -1) {
			findings = append(findings, fmt.Sprintf("line %d: %q %s", lineAt(src, loc[0]), strings.TrimSpace(ps.code[loc[0]:loc[1]]), p.reason))
		}
	}
	return findings, nil
}

// ---- embedded C#

var (
	csharpNamespaceRE = regexp.MustCompile(`(?m)^\s*namespace\s+([\w.]+)`)
)

// csharpProblems checks the C# in here-strings: balanced brackets, and a
// versioned namespace that the PowerShell around it names consistently (a
// process holds one definition per type name, so a changed type needs a new
// version, and a stale guard would make Add-Type fail on the second load).
func csharpProblems(ps *psSource) []string {
	var problems []string
	for _, h := range ps.hereStrings {
		body := ps.src[h.start:h.end]
		if !csharpNamespaceRE.MatchString(body) {
			continue
		}
		if err := checkCSharpBrackets(body); err != nil {
			problems = append(problems, fmt.Sprintf("C# here-string from line %d: %v", h.line, err))
		}
	}
	return problems
}

// checkCSharpBrackets checks that (), {} and [] balance outside C# strings,
// character literals and comments.
func checkCSharpBrackets(src string) error {
	var stack []openBracket
	for i := 0; i < len(src); i++ {
		c := src[i]
		rest := src[i:]
		switch {
		case strings.HasPrefix(rest, "//"):
			end := strings.IndexByte(rest, '\n')
			if end < 0 {
				return nil
			}
			i += end
		case strings.HasPrefix(rest, "/*"):
			end := strings.Index(rest[2:], "*/")
			if end < 0 {
				return fmt.Errorf("line %d: unterminated comment", lineAt(src, i))
			}
			i += 2 + end + 1
		case strings.HasPrefix(rest, `@"`):
			end, err := endOfCSharpVerbatim(src, i+2)
			if err != nil {
				return err
			}
			i = end
		case c == '"' || c == '\'':
			end, err := endOfCSharpLiteral(src, i)
			if err != nil {
				return err
			}
			i = end
		case c == '(' || c == '{' || c == '[':
			stack = append(stack, openBracket{c, lineAt(src, i)})
		case c == ')' || c == '}' || c == ']':
			n := len(stack)
			if n == 0 || closerOf[stack[n-1].char] != c {
				return fmt.Errorf("line %d: unbalanced '%c'", lineAt(src, i), c)
			}
			stack = stack[:n-1]
		}
	}
	if n := len(stack); n > 0 {
		return fmt.Errorf("unclosed '%c' opened at line %d", stack[n-1].char, stack[n-1].line)
	}
	return nil
}

// endOfCSharpLiteral returns the index of the quote that closes the "..." or
// '...' starting at src[start].
func endOfCSharpLiteral(src string, start int) (int, error) {
	quote := src[start]
	for i := start + 1; i < len(src); i++ {
		switch src[i] {
		case '\\':
			i++
		case '\n':
			return 0, fmt.Errorf("line %d: unterminated literal", lineAt(src, start))
		case quote:
			return i, nil
		}
	}
	return 0, fmt.Errorf("line %d: unterminated literal", lineAt(src, start))
}

// endOfCSharpVerbatim returns the index of the quote that closes a @"..."
// whose text starts at src[from]; "" is a literal quote.
func endOfCSharpVerbatim(src string, from int) (int, error) {
	for i := from; i < len(src); i++ {
		if src[i] != '"' {
			continue
		}
		if i+1 < len(src) && src[i+1] == '"' {
			i++
			continue
		}
		return i, nil
	}
	return 0, fmt.Errorf("line %d: unterminated verbatim string", lineAt(src, from))
}

// ---- protocol ops

var (
	opHeadingRE     = regexp.MustCompile(`(?m)^### ([a-z][a-z0-9]*(?:\.[a-z][a-z0-9_]*)+)(?:, [a-z][a-z0-9.]*)*\s*$`)
	opHeadingListRE = regexp.MustCompile(`(?m)^### [a-z][a-z0-9.]*((?:, [a-z][a-z0-9]*(?:\.[a-z][a-z0-9_]*)+)+)\s*$`)
	opTableRowRE    = regexp.MustCompile(`(?m)^\| ([a-z][a-z0-9]*(?:\.[a-z][a-z0-9_]*)+) \|`)
	functionRE      = regexp.MustCompile(`(?m)^\s*function\s`)
	opFunctionRE    = regexp.MustCompile(`(?m)^function\s+Invoke-([a-z][a-z0-9]*(?:\.[a-z][a-z0-9_]*)+)\s*[({]`)
)

// protocolOps returns the ops section 3 of PROTOCOL.md names in its
// "### op" headings and in the first column of its tables, sorted.
func protocolOps(doc string) ([]string, error) {
	start := strings.Index(doc, "\n## 3.")
	if start < 0 {
		return nil, fmt.Errorf("no section \"## 3.\"")
	}
	section := doc[start+1:]
	if end := strings.Index(section, "\n## "); end >= 0 {
		section = section[:end]
	}
	seen := map[string]bool{}
	for _, re := range []*regexp.Regexp{opHeadingRE, opTableRowRE} {
		for _, m := range re.FindAllStringSubmatch(section, -1) {
			seen[m[1]] = true
		}
	}
	// A heading may name several ops: "### debug.echo, debug.emit".
	for _, m := range opHeadingListRE.FindAllStringSubmatch(section, -1) {
		for _, op := range strings.Split(strings.TrimPrefix(m[1], ", "), ", ") {
			seen[op] = true
		}
	}
	return keys(seen), nil
}

// definedOps returns the ops a script defines an Invoke-<op> function for.
func definedOps(script string) []string {
	var ops []string
	for _, m := range opFunctionRE.FindAllStringSubmatch(script, -1) {
		ops = append(ops, m[1])
	}
	return ops
}

func keys(set map[string]bool) []string { return slices.Sorted(maps.Keys(set)) }
