// Package ntlm implements NTLMv2 authentication and session security as
// specified by [MS-NLMP] (NT LAN Manager Authentication Protocol): the
// NEGOTIATE, CHALLENGE and AUTHENTICATE messages, a client that computes the
// NTLMv2 response with key exchange and a MIC, a server that verifies it
// against local accounts, and the connection-oriented signing and sealing
// used by WinRM message encryption (MS-WSMV 2.2.9.1).
//
// Only NTLMv2 with extended session security is supported; NTLMv1 and LM
// responses are rejected, as Windows does with the default LmCompatibilityLevel
// on current Windows Server releases.
package ntlm

import "errors"

// ErrLogonFailure is returned by the server when the user is unknown, the
// password is wrong, the MIC does not verify, or the client sent an NTLMv1 or
// LM-only response. Windows reports all of these as STATUS_LOGON_FAILURE
// (0xC000006D, [MS-ERREF] 2.3.1) so that a caller cannot tell which part of
// the credentials was wrong.
var ErrLogonFailure = errors.New("ntlm: logon failure: the user name or password is incorrect")

// ErrMalformedMessage is wrapped by every error caused by an NTLM message
// that cannot be parsed (bad signature, wrong type, out-of-range field).
var ErrMalformedMessage = errors.New("ntlm: malformed message")
