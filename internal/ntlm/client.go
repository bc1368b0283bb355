package ntlm

import (
	"crypto/rand"
	"fmt"
	"io"
	"time"
)

// ClientConfig holds the credentials of an NTLM client. A user typed as
// `DOMAIN\user` or `user@domain` is split by the caller into User and
// Domain; Domain may be empty for a local account.
type ClientConfig struct {
	User, Domain, Password string
	// Workstation is the client's NetBIOS name sent in AUTHENTICATE; optional.
	Workstation string
}

// Client performs the client side of one NTLMv2 handshake. Use a new Client
// per connection.
type Client struct {
	cfg       ClientConfig
	negotiate []byte
	random    io.Reader        // client challenge and session key source
	now       func() time.Time // used when the server sends no MsvAvTimestamp
}

// NewClient returns a Client for cfg.
func NewClient(cfg ClientConfig) *Client {
	return &Client{cfg: cfg, random: rand.Reader, now: time.Now}
}

// Negotiate returns the NEGOTIATE_MESSAGE that starts the handshake.
func (c *Client) Negotiate() []byte {
	c.negotiate = marshalNegotiate(clientFlags)
	return append([]byte(nil), c.negotiate...)
}

// Authenticate answers the server's CHALLENGE_MESSAGE with an
// AUTHENTICATE_MESSAGE carrying the NTLMv2 response, a random session key
// encrypted under KEY_EXCH, and a MIC when the server sent MsvAvTimestamp
// ([MS-NLMP] 3.1.5.1.2). It returns the session security context for the
// connection.
func (c *Client) Authenticate(challenge []byte) ([]byte, *Session, error) {
	if c.negotiate == nil {
		c.Negotiate()
	}
	chal, err := ParseChallenge(challenge)
	if err != nil {
		return nil, nil, fmt.Errorf("ntlm client: %w", err)
	}
	flags := chal.Flags & clientFlags
	if !flags.has(FlagNTLM) && !flags.has(FlagExtendedSessionSecurity) {
		return nil, nil, fmt.Errorf("ntlm client: server flags %#08x offer neither NTLM nor extended session security", uint32(chal.Flags))
	}
	var clientChallenge [8]byte
	exported := make([]byte, 16)
	if err := c.readRandom(clientChallenge[:], exported); err != nil {
		return nil, nil, err
	}
	msg, exported := c.buildAuthenticate(chal, flags, clientChallenge[:], exported)
	if _, withMIC := chal.TargetInfo.find(AvTimestamp); withMIC {
		copy(msg[micOffset:], computeMIC(exported, c.negotiate, challenge, msg))
	}
	return msg, newSession(flags, exported, true), nil
}

// readRandom fills each buffer from the client's random source.
func (c *Client) readRandom(bufs ...[]byte) error {
	for _, b := range bufs {
		if _, err := io.ReadFull(c.random, b); err != nil {
			return fmt.Errorf("ntlm client: read random bytes: %w", err)
		}
	}
	return nil
}

// buildAuthenticate computes the NTLMv2 response and the key exchange and
// returns the AUTHENTICATE_MESSAGE (MIC zeroed) and the ExportedSessionKey.
func (c *Client) buildAuthenticate(chal *ChallengeMessage, flags NegotiateFlags, clientChallenge, randomKey []byte) ([]byte, []byte) {
	responseKey := ntowfv2(c.cfg.Password, c.cfg.User, c.cfg.Domain)
	timestamp, serverTime := chal.TargetInfo.find(AvTimestamp)
	if !serverTime || len(timestamp) != 8 {
		timestamp = fileTime(c.now())
	}
	info := chal.TargetInfo
	if serverTime {
		info = info.withMICFlag()
	}
	temp := ntlmv2Temp(timestamp, clientChallenge, info.marshal())
	proof := ntProofStr(responseKey, chal.ServerChallenge[:], temp)
	keyExchangeKey := sessionBaseKey(responseKey, proof)
	auth := &AuthenticateMessage{
		Flags:               flags,
		NtChallengeResponse: append(proof, temp...),
		Domain:              c.cfg.Domain,
		User:                c.cfg.User,
		Workstation:         c.cfg.Workstation,
	}
	// With MsvAvTimestamp the client sends Z(24) as LmChallengeResponse
	// ([MS-NLMP] 3.1.5.1.2); otherwise the LMv2 response.
	auth.LmChallengeResponse = make([]byte, 24)
	if !serverTime {
		auth.LmChallengeResponse = append(hmacMD5(responseKey, chal.ServerChallenge[:], clientChallenge), clientChallenge...)
	}
	exported := keyExchangeKey
	if flags.has(FlagKeyExch) {
		exported = randomKey
		auth.EncryptedRandomSessionKey = rc4Once(keyExchangeKey, randomKey)
	}
	return auth.marshal(), exported
}

// ntlmv2Temp builds the NTLMv2_CLIENT_CHALLENGE ("temp") of [MS-NLMP]
// 2.2.2.7 and 3.3.2: RespType 1, HiRespType 1, Z(6), Time, ClientChallenge,
// Z(4), AV pairs (ending with MsvAvEOL), Z(4).
func ntlmv2Temp(timestamp, clientChallenge, avPairs []byte) []byte {
	temp := make([]byte, 0, 28+len(avPairs)+4)
	temp = append(temp, 1, 1, 0, 0, 0, 0, 0, 0)
	temp = append(temp, timestamp...)
	temp = append(temp, clientChallenge...)
	temp = append(temp, 0, 0, 0, 0)
	temp = append(temp, avPairs...)
	return append(temp, 0, 0, 0, 0)
}
