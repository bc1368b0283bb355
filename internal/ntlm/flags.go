package ntlm

// NegotiateFlags are the NTLMSSP_NEGOTIATE_* bits of [MS-NLMP] 2.2.2.5.
type NegotiateFlags uint32

// Negotiate flags used by this package ([MS-NLMP] 2.2.2.5).
const (
	FlagUnicode                 NegotiateFlags = 0x00000001 // NTLMSSP_NEGOTIATE_UNICODE
	FlagOEM                     NegotiateFlags = 0x00000002 // NTLM_NEGOTIATE_OEM
	FlagRequestTarget           NegotiateFlags = 0x00000004 // NTLMSSP_REQUEST_TARGET
	FlagSign                    NegotiateFlags = 0x00000010 // NTLMSSP_NEGOTIATE_SIGN
	FlagSeal                    NegotiateFlags = 0x00000020 // NTLMSSP_NEGOTIATE_SEAL
	FlagLMKey                   NegotiateFlags = 0x00000080 // NTLMSSP_NEGOTIATE_LM_KEY
	FlagNTLM                    NegotiateFlags = 0x00000200 // NTLMSSP_NEGOTIATE_NTLM
	FlagAnonymous               NegotiateFlags = 0x00000800 // NTLMSSP_NEGOTIATE_ANONYMOUS (J)
	FlagAlwaysSign              NegotiateFlags = 0x00008000 // NTLMSSP_NEGOTIATE_ALWAYS_SIGN
	FlagTargetTypeDomain        NegotiateFlags = 0x00010000 // NTLMSSP_TARGET_TYPE_DOMAIN
	FlagTargetTypeServer        NegotiateFlags = 0x00020000 // NTLMSSP_TARGET_TYPE_SERVER
	FlagExtendedSessionSecurity NegotiateFlags = 0x00080000 // NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY
	FlagTargetInfo              NegotiateFlags = 0x00800000 // NTLMSSP_NEGOTIATE_TARGET_INFO
	FlagVersion                 NegotiateFlags = 0x02000000 // NTLMSSP_NEGOTIATE_VERSION
	Flag128                     NegotiateFlags = 0x20000000 // NTLMSSP_NEGOTIATE_128
	FlagKeyExch                 NegotiateFlags = 0x40000000 // NTLMSSP_NEGOTIATE_KEY_EXCH
	Flag56                      NegotiateFlags = 0x80000000 // NTLMSSP_NEGOTIATE_56
)

// clientFlags are the flags the client requests in NEGOTIATE_MESSAGE: what
// Windows' SSPI client sends for WinRM with message encryption.
const clientFlags = FlagUnicode | FlagRequestTarget | FlagSign | FlagSeal |
	FlagNTLM | FlagAlwaysSign | FlagExtendedSessionSecurity | FlagTargetInfo |
	FlagVersion | Flag128 | FlagKeyExch | Flag56

// serverSupported are the client-requestable flags the server agrees to
// when the client asks for them ([MS-NLMP] 3.2.5.1.1).
const serverSupported = FlagUnicode | FlagSign | FlagSeal | FlagNTLM |
	FlagAlwaysSign | FlagExtendedSessionSecurity | FlagVersion | Flag128 |
	FlagKeyExch | Flag56

// has reports whether all bits of want are set.
func (f NegotiateFlags) has(want NegotiateFlags) bool { return f&want == want }
