// Package winrm is the provider's WS-Management transport: it connects to one
// WinRM endpoint (HTTP or HTTPS; Basic, NTLM or Kerberos), runs commands in
// remote shells and returns their output.
//
// Design points that differ from github.com/masterzen/winrm, whose SOAP
// builders it reuses:
//   - It owns its HTTP layer: a pool of persistent connections, each carrying
//     one NTLM security context authenticated once, so concurrent Send and
//     Receive never race and no message repeats the handshake. Over plain HTTP
//     every NTLM message is sealed (MS-WSMV 2.2.9.1) unless the caller opts out.
//   - Every request honours its context: a cancelled context closes the
//     connection in flight, then the command is signalled and the shell deleted
//     on a fresh, short-lived context.
//   - Commands run in pipe mode without cmd.exe (WINRS_CONSOLEMODE_STDIN=FALSE,
//     WINRS_SKIP_CMD_SHELL=TRUE), so requests travel on stdin and no
//     command-line length limit applies (PROTOCOL.md section 1).
//   - Errors say which step failed and what a person should check; passwords
//     never appear in them.
package winrm
