package ntlm

import (
	"crypto/hmac"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"
)

// Server is the server side of NTLMv2 authentication for local accounts of
// a standalone (workgroup) Windows host.
type Server struct {
	// NetBIOSDomain, NetBIOSComputer, DNSDomain and DNSComputer are sent in
	// the CHALLENGE_MESSAGE TargetInfo. On a workgroup machine Windows sends
	// the computer name as NetBIOS domain; empty NetBIOSDomain does the same.
	NetBIOSDomain, NetBIOSComputer, DNSDomain, DNSComputer string
	// Password returns the password of a local account (user name
	// case-insensitive), or ok=false.
	Password func(user string) (password string, ok bool)
	// Now is the clock for MsvAvTimestamp; nil means time.Now.
	Now func() time.Time
	// Random is the source of server challenges; nil means crypto/rand.
	Random io.Reader
}

// Identity is the account a client authenticated as, with the names as the
// client sent them.
type Identity struct{ User, Domain, Workstation string }

// PendingAuth is a handshake waiting for its AUTHENTICATE_MESSAGE. It is
// used once.
type PendingAuth struct {
	server          *Server
	negotiate       []byte
	challenge       []byte
	serverChallenge []byte
	mu              sync.Mutex
	used            bool
}

// Challenge answers a NEGOTIATE_MESSAGE with a CHALLENGE_MESSAGE
// ([MS-NLMP] 3.2.5.1.1).
func (s *Server) Challenge(negotiate []byte) ([]byte, *PendingAuth, error) {
	neg, err := ParseNegotiate(negotiate)
	if err != nil {
		return nil, nil, fmt.Errorf("ntlm server: %w", err)
	}
	chal := &ChallengeMessage{
		// The server agrees to the supported flags the client asked for and
		// always announces NTLM, TargetInfo and a server target.
		Flags:      neg.Flags&serverSupported | FlagNTLM | FlagTargetInfo | FlagTargetTypeServer | FlagRequestTarget,
		TargetName: s.netBIOSDomain(),
		TargetInfo: s.targetInfo(),
	}
	if !chal.Flags.has(FlagUnicode) {
		chal.Flags |= FlagOEM
	}
	random := s.Random
	if random == nil {
		random = rand.Reader
	}
	if _, err := io.ReadFull(random, chal.ServerChallenge[:]); err != nil {
		return nil, nil, fmt.Errorf("ntlm server: read server challenge: %w", err)
	}
	msg := chal.marshal()
	return msg, &PendingAuth{
		server:          s,
		negotiate:       append([]byte(nil), negotiate...),
		challenge:       msg,
		serverChallenge: chal.ServerChallenge[:],
	}, nil
}

// netBIOSDomain is the NetBIOS domain, or the computer name in a workgroup.
func (s *Server) netBIOSDomain() string {
	if s.NetBIOSDomain != "" {
		return s.NetBIOSDomain
	}
	return s.NetBIOSComputer
}

// targetInfo builds the AV pairs Windows sends ([MS-NLMP] 3.2.5.1.1):
// the NetBIOS names are mandatory, DNS names are sent when known, and
// MsvAvTimestamp makes clients add a MIC.
func (s *Server) targetInfo() AvPairs {
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	pairs := AvPairs{
		{AvNbDomainName, utf16le(s.netBIOSDomain())},
		{AvNbComputerName, utf16le(s.NetBIOSComputer)},
	}
	if s.DNSDomain != "" {
		pairs = append(pairs, AvPair{AvDNSDomainName, utf16le(s.DNSDomain)})
	}
	if s.DNSComputer != "" {
		pairs = append(pairs, AvPair{AvDNSComputerName, utf16le(s.DNSComputer)})
	}
	return append(pairs, AvPair{AvTimestamp, fileTime(now())})
}

// ntlmv2MinResponse is NTProofStr (16) plus the fixed part of
// NTLMv2_CLIENT_CHALLENGE (28); an NTLMv1 response is exactly 24 bytes.
const ntlmv2MinResponse = 16 + 28

// Authenticate verifies the AUTHENTICATE_MESSAGE ([MS-NLMP] 3.2.5.1.2) and
// returns the client's identity and the session security context.
//
// The NTLMv2 proof is recomputed with NTOWFv2 over the user and domain the
// client sent, and any domain is accepted for a local account: a standalone
// Windows server validates local accounts whatever the client put in
// DomainName ("", ".", its computer name, or a workgroup name), because the
// client keyed its response with that same domain ([MS-NLMP] 3.2.5.1.2 and
// 3.3.2: the server computes ResponseKeyNT from UserName and UserDomain as
// received). An unknown user, a wrong password, a MIC mismatch, or an
// NTLMv1/LM-only response all return ErrLogonFailure.
func (p *PendingAuth) Authenticate(authenticate []byte) (Identity, *Session, error) {
	if err := p.claim(); err != nil {
		return Identity{}, nil, err
	}
	auth, err := ParseAuthenticate(authenticate)
	if err != nil {
		return Identity{}, nil, fmt.Errorf("ntlm server: %w", err)
	}
	id := Identity{User: auth.User, Domain: auth.Domain, Workstation: auth.Workstation}
	exported, err := p.verify(auth)
	if err != nil {
		return Identity{}, nil, err
	}
	if err := p.verifyMIC(auth, authenticate, exported); err != nil {
		return Identity{}, nil, err
	}
	return id, newSession(auth.Flags, exported, false), nil
}

// claim marks the PendingAuth used: a challenge answers one AUTHENTICATE.
func (p *PendingAuth) claim() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.used {
		return errors.New("ntlm server: challenge already used; start a new handshake")
	}
	p.used = true
	return nil
}

// verify checks the NTLMv2 proof and returns the ExportedSessionKey.
func (p *PendingAuth) verify(auth *AuthenticateMessage) ([]byte, error) {
	if len(auth.NtChallengeResponse) < ntlmv2MinResponse || auth.User == "" {
		return nil, fmt.Errorf("ntlm server: %w (not an NTLMv2 response)", ErrLogonFailure)
	}
	proof, temp := auth.NtChallengeResponse[:16], auth.NtChallengeResponse[16:]
	if temp[0] != 1 {
		return nil, fmt.Errorf("ntlm server: %w (NTLMv2 response type %d)", ErrLogonFailure, temp[0])
	}
	if p.server.Password == nil {
		return nil, fmt.Errorf("ntlm server: %w", ErrLogonFailure)
	}
	password, ok := p.server.Password(auth.User)
	if !ok {
		return nil, fmt.Errorf("ntlm server: %w", ErrLogonFailure)
	}
	responseKey := ntowfv2(password, auth.User, auth.Domain)
	if !hmac.Equal(proof, ntProofStr(responseKey, p.serverChallenge, temp)) {
		return nil, fmt.Errorf("ntlm server: %w", ErrLogonFailure)
	}
	return exportedSessionKey(auth, sessionBaseKey(responseKey, proof))
}

// exportedSessionKey recovers the key the client chose: with KEY_EXCH it is
// RC4(KeyExchangeKey, EncryptedRandomSessionKey), otherwise KeyExchangeKey
// ([MS-NLMP] 3.2.5.1.2). Clients that set KEY_EXCH but send no key (some
// HTTP-only clients) get KeyExchangeKey, as they never seal.
func exportedSessionKey(auth *AuthenticateMessage, keyExchangeKey []byte) ([]byte, error) {
	switch {
	case !auth.Flags.has(FlagKeyExch) || len(auth.EncryptedRandomSessionKey) == 0:
		return keyExchangeKey, nil
	case len(auth.EncryptedRandomSessionKey) != 16:
		return nil, fmt.Errorf("ntlm server: %w: EncryptedRandomSessionKey is %d bytes, want 16",
			ErrMalformedMessage, len(auth.EncryptedRandomSessionKey))
	default:
		return rc4Once(keyExchangeKey, auth.EncryptedRandomSessionKey), nil
	}
}

// verifyMIC checks the MIC when the client's MsvAvFlags announce one.
func (p *PendingAuth) verifyMIC(auth *AuthenticateMessage, raw, exported []byte) error {
	pairs, err := parseAvPairs(auth.NtChallengeResponse[16+28:])
	if err != nil {
		return fmt.Errorf("ntlm server: NTLMv2 response AV pairs: %w", err)
	}
	if !pairs.micPresent() {
		return nil
	}
	if auth.MIC == nil {
		return fmt.Errorf("ntlm server: %w (MsvAvFlags announce a MIC the message lacks)", ErrLogonFailure)
	}
	if !hmac.Equal(auth.MIC, computeMIC(exported, p.negotiate, p.challenge, raw)) {
		return fmt.Errorf("ntlm server: %w (MIC does not verify)", ErrLogonFailure)
	}
	return nil
}
