package ntlm

import (
	"encoding/binary"
	"fmt"
)

// Fixed header lengths ([MS-NLMP] 2.2.1.1-2.2.1.3), including VERSION and,
// for AUTHENTICATE_MESSAGE, the 16-byte MIC.
const (
	negotiateHeaderLen    = 40
	challengeHeaderLen    = 56
	authenticateHeaderLen = 88
	authenticateMinLen    = 64 // without VERSION and MIC (pre-Vista clients)
	micOffset             = 72
	micLen                = 16
)

// NegotiateMessage is a parsed NEGOTIATE_MESSAGE ([MS-NLMP] 2.2.1.1).
type NegotiateMessage struct {
	Flags NegotiateFlags
}

// ParseNegotiate parses a NEGOTIATE_MESSAGE. The optional domain and
// workstation fields are ignored, as Windows does for NTLMv2.
func ParseNegotiate(msg []byte) (*NegotiateMessage, error) {
	if err := checkHeader(msg, typeNegotiate, 16); err != nil {
		return nil, fmt.Errorf("parse NEGOTIATE_MESSAGE: %w", err)
	}
	return &NegotiateMessage{Flags: NegotiateFlags(binary.LittleEndian.Uint32(msg[12:]))}, nil
}

// marshalNegotiate builds a NEGOTIATE_MESSAGE without domain or workstation.
func marshalNegotiate(flags NegotiateFlags) []byte {
	w := newPayloadWriter(typeNegotiate, negotiateHeaderLen)
	binary.LittleEndian.PutUint32(w.buf[12:], uint32(flags))
	w.field(16, nil)
	w.field(24, nil)
	copy(w.buf[32:], version[:])
	return w.buf
}

// ChallengeMessage is a parsed CHALLENGE_MESSAGE ([MS-NLMP] 2.2.1.2).
type ChallengeMessage struct {
	Flags           NegotiateFlags
	TargetName      string
	ServerChallenge [8]byte
	TargetInfo      AvPairs
	// TargetInfoRaw is TargetInfo as sent, which the NTLMv2 response embeds.
	TargetInfoRaw []byte
}

// ParseChallenge parses a CHALLENGE_MESSAGE.
func ParseChallenge(msg []byte) (*ChallengeMessage, error) {
	if err := checkHeader(msg, typeChallenge, 48); err != nil {
		return nil, fmt.Errorf("parse CHALLENGE_MESSAGE: %w", err)
	}
	c := &ChallengeMessage{Flags: NegotiateFlags(binary.LittleEndian.Uint32(msg[20:]))}
	copy(c.ServerChallenge[:], msg[24:32])
	name, err := readField(msg, 12, "TargetName")
	if err != nil {
		return nil, fmt.Errorf("parse CHALLENGE_MESSAGE: %w", err)
	}
	if c.TargetName, err = decodeString(c.Flags, name); err != nil {
		return nil, fmt.Errorf("parse CHALLENGE_MESSAGE TargetName: %w", err)
	}
	if c.TargetInfoRaw, err = readField(msg, 40, "TargetInfo"); err != nil {
		return nil, fmt.Errorf("parse CHALLENGE_MESSAGE: %w", err)
	}
	if c.TargetInfo, err = parseAvPairs(c.TargetInfoRaw); err != nil {
		return nil, fmt.Errorf("parse CHALLENGE_MESSAGE TargetInfo: %w", err)
	}
	return c, nil
}

// marshal encodes the CHALLENGE_MESSAGE with a VERSION field.
func (c *ChallengeMessage) marshal() []byte {
	w := newPayloadWriter(typeChallenge, challengeHeaderLen)
	binary.LittleEndian.PutUint32(w.buf[20:], uint32(c.Flags))
	copy(w.buf[24:32], c.ServerChallenge[:])
	copy(w.buf[48:], version[:])
	w.field(12, encodeString(c.Flags, c.TargetName))
	w.field(40, c.TargetInfo.marshal())
	return w.buf
}

// AuthenticateMessage is a parsed AUTHENTICATE_MESSAGE ([MS-NLMP] 2.2.1.3).
type AuthenticateMessage struct {
	Flags                     NegotiateFlags
	LmChallengeResponse       []byte
	NtChallengeResponse       []byte
	Domain, User, Workstation string
	EncryptedRandomSessionKey []byte
	// MIC is the message integrity code, nil when the message is too short
	// to hold one (clients that predate the MIC).
	MIC []byte
}

// ParseAuthenticate parses an AUTHENTICATE_MESSAGE. Every offset is
// bounds-checked: malformed input yields an error wrapping
// ErrMalformedMessage, never a panic.
func ParseAuthenticate(msg []byte) (*AuthenticateMessage, error) {
	if err := checkHeader(msg, typeAuthenticate, authenticateMinLen); err != nil {
		return nil, fmt.Errorf("parse AUTHENTICATE_MESSAGE: %w", err)
	}
	a := &AuthenticateMessage{Flags: NegotiateFlags(binary.LittleEndian.Uint32(msg[60:]))}
	raw := map[string][]byte{}
	for _, f := range []struct {
		name string
		at   int
	}{{"LmChallengeResponse", 12}, {"NtChallengeResponse", 20}, {"DomainName", 28},
		{"UserName", 36}, {"Workstation", 44}, {"EncryptedRandomSessionKey", 52}} {
		b, err := readField(msg, f.at, f.name)
		if err != nil {
			return nil, fmt.Errorf("parse AUTHENTICATE_MESSAGE: %w", err)
		}
		raw[f.name] = b
	}
	if err := a.decodeStrings(raw); err != nil {
		return nil, fmt.Errorf("parse AUTHENTICATE_MESSAGE: %w", err)
	}
	a.LmChallengeResponse = raw["LmChallengeResponse"]
	a.NtChallengeResponse = raw["NtChallengeResponse"]
	a.EncryptedRandomSessionKey = raw["EncryptedRandomSessionKey"]
	if payloadStart(msg) >= micOffset+micLen {
		a.MIC = msg[micOffset : micOffset+micLen]
	}
	return a, nil
}

// decodeStrings decodes the domain, user and workstation names.
func (a *AuthenticateMessage) decodeStrings(raw map[string][]byte) error {
	var err error
	if a.Domain, err = decodeString(a.Flags, raw["DomainName"]); err != nil {
		return fmt.Errorf("DomainName: %w", err)
	}
	if a.User, err = decodeString(a.Flags, raw["UserName"]); err != nil {
		return fmt.Errorf("user name field: %w", err)
	}
	if a.Workstation, err = decodeString(a.Flags, raw["Workstation"]); err != nil {
		return fmt.Errorf("workstation field: %w", err)
	}
	return nil
}

// payloadStart returns the lowest offset of a non-empty payload field of an
// AUTHENTICATE_MESSAGE, which tells whether VERSION and MIC are present.
func payloadStart(msg []byte) int {
	start := len(msg)
	for at := 12; at <= 52; at += 8 {
		length := binary.LittleEndian.Uint16(msg[at:])
		offset := binary.LittleEndian.Uint32(msg[at+4:])
		if length > 0 && int64(offset) < int64(start) {
			start = int(offset)
		}
	}
	return start
}

// marshal encodes the AUTHENTICATE_MESSAGE with VERSION and a MIC slot
// (zeroed unless a.MIC is set).
func (a *AuthenticateMessage) marshal() []byte {
	w := newPayloadWriter(typeAuthenticate, authenticateHeaderLen)
	binary.LittleEndian.PutUint32(w.buf[60:], uint32(a.Flags))
	copy(w.buf[64:], version[:])
	copy(w.buf[micOffset:], a.MIC)
	w.field(28, encodeString(a.Flags, a.Domain))
	w.field(36, encodeString(a.Flags, a.User))
	w.field(44, encodeString(a.Flags, a.Workstation))
	w.field(12, a.LmChallengeResponse)
	w.field(20, a.NtChallengeResponse)
	w.field(52, a.EncryptedRandomSessionKey)
	return w.buf
}
