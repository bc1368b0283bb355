package winsim

import (
	"strings"
	"unicode/utf16"
)

// Command-line limits. cmd.exe accepts at most 8191 characters ("Command
// prompt (Cmd.exe) command-line string limitation", Microsoft Learn);
// CreateProcess's lpCommandLine at most 32767 including the terminating
// null (CreateProcessW documentation).
const (
	cmdLineMax           = 8191
	createProcessLineMax = 32767 - 1
)

// cmdPrefix is how the shell plugin runs a command when
// WINRS_SKIP_CMD_SHELL is FALSE: through cmd.exe /c.
const cmdPrefix = `C:\Windows\system32\cmd.exe /c `

// HRESULT_FROM_WIN32 codes the shell plugin reports when CreateProcess fails.
const (
	hresultFileNotFound    = 0x80070002 // ERROR_FILE_NOT_FOUND
	hresultFilenameTooLong = 0x800700CE // ERROR_FILENAME_EXCED_RANGE
)

// joinCommandLine is the command line winrs builds from the Command element
// and the Arguments elements: joined with spaces.
func joinCommandLine(command string, args []string) string {
	return strings.Join(append([]string{strings.TrimSpace(command)}, args...), " ")
}

// utf16Len is a command line's length as Windows counts it.
func utf16Len(s string) int { return len(utf16.Encode([]rune(s))) }

// resolveCommandLine decides what a Command request runs: through cmd.exe
// unless WINRS_SKIP_CMD_SHELL is TRUE, in which case the first word must be
// an executable (cmd.exe builtins such as echo do not exist as files).
// A process that cannot be created is a fault, as the shell plugin reports.
func (s *Server) resolveCommandLine(line string, skipCmd bool, user string) (program, *wsmanFault) {
	if !skipCmd {
		if utf16Len(cmdPrefix+line) > createProcessLineMax {
			return nil, faultCreateProcess(hresultFilenameTooLong, "The filename or extension is too long. ")
		}
		return s.cmdProgram(line, user), nil
	}
	if utf16Len(line) > createProcessLineMax {
		return nil, faultCreateProcess(hresultFilenameTooLong, "The filename or extension is too long. ")
	}
	name, rest := firstToken(line)
	if prog := s.executable(name, rest, user); prog != nil {
		return prog, nil
	}
	return nil, faultCreateProcess(hresultFileNotFound, "The system cannot find the file specified. ")
}

// executable returns the program for an executable file the simulated host
// has (hostname.exe, whoami.exe, powershell.exe, cmd.exe), or nil.
func (s *Server) executable(name, rest, user string) program {
	switch programName(name) {
	case "hostname":
		return func(p *process) int {
			p.stdout([]byte(s.host.Hostname() + "\r\n"))
			return 0
		}
	case "whoami":
		return func(p *process) int {
			p.stdout([]byte(strings.ToLower(s.host.Hostname()+`\`+user) + "\r\n"))
			return 0
		}
	case "powershell":
		return s.powershellProgram(rest)
	case "cmd":
		return s.cmdExeProgram(rest, user)
	}
	return nil
}

// cmdExeProgram runs "cmd.exe ARGS": /c or /k runs the rest as a command.
func (s *Server) cmdExeProgram(args, user string) program {
	switchArg, rest := firstToken(args)
	switch strings.ToLower(switchArg) {
	case "/c", "/k":
		return s.cmdProgram(rest, user)
	}
	// An interactive cmd.exe reading commands from stdin is not simulated;
	// it ends when stdin closes.
	return func(p *process) int {
		_, _ = p.readAllStdin()
		return 0
	}
}

// cmdProgram runs a command line as cmd.exe /c does.
func (s *Server) cmdProgram(line, user string) program {
	if utf16Len(line) > cmdLineMax {
		return func(p *process) int {
			p.stderr([]byte("The command line is too long.\r\n"))
			return 1
		}
	}
	line = strings.TrimLeft(line, " \t")
	if text, ok := echoText(line); ok {
		return func(p *process) int {
			p.stdout([]byte(text + "\r\n"))
			return 0
		}
	}
	name, rest := firstToken(line)
	if prog := s.executable(name, rest, user); prog != nil {
		return prog
	}
	return func(p *process) int {
		p.stderr([]byte("'" + name + "' is not recognized as an internal or external command,\r\noperable program or batch file.\r\n"))
		return 1
	}
}

// echoText answers cmd.exe's echo builtin: the text after "echo" and one
// delimiter, "ECHO is on." without text, an empty line for "echo.".
func echoText(line string) (string, bool) {
	if len(line) < 4 || !strings.EqualFold(line[:4], "echo") {
		return "", false
	}
	rest := line[4:]
	switch {
	case rest == "":
		return "ECHO is on.", true
	case strings.ContainsRune(" \t.:;,=(/", rune(rest[0])):
		text := rest[1:]
		if strings.TrimSpace(text) == "" && rest[0] != '.' && rest[0] != ':' {
			return "ECHO is on.", true
		}
		return text, true
	}
	return "", false
}

// firstToken splits a command line into its first word (quotes removed)
// and the rest after the separating white space.
func firstToken(line string) (token, rest string) {
	line = strings.TrimLeft(line, " \t")
	inQuotes := false
	var b strings.Builder
	for i, r := range line {
		switch {
		case r == '"':
			inQuotes = !inQuotes
		case (r == ' ' || r == '\t') && !inQuotes:
			return b.String(), strings.TrimLeft(line[i:], " \t")
		default:
			b.WriteRune(r)
		}
	}
	return b.String(), ""
}

// splitArgs splits a command line into words as CommandLineToArgvW does for
// the simple cases: white space separates, double quotes group.
func splitArgs(line string) []string {
	var args []string
	for {
		tok, rest := firstToken(line)
		if tok == "" && strings.TrimSpace(line) == "" {
			return args
		}
		args = append(args, tok)
		line = rest
	}
}

// programName is an executable's name without directory and extension,
// lower-case: C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe is
// "powershell".
func programName(path string) string {
	name := path
	if i := strings.LastIndexAny(name, `\/`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.ToLower(name)
	for _, ext := range []string{".exe", ".com"} {
		name = strings.TrimSuffix(name, ext)
	}
	return name
}
