package ntlm

import (
	"encoding/binary"
	"errors"
	"testing"
)

// validAuthenticate returns a well-formed AUTHENTICATE_MESSAGE from a real
// handshake, to be corrupted by the tests.
func validAuthenticate(t testing.TB) []byte {
	c := NewClient(ClientConfig{User: testUser, Domain: "WINSIM", Password: testPassword})
	challenge, _, err := newTestServer().Challenge(c.Negotiate())
	if err != nil {
		t.Fatalf("Challenge: %v", err)
	}
	msg, _, err := c.Authenticate(challenge)
	if err != nil {
		t.Fatalf("Authenticate: %v", err)
	}
	return msg
}

func TestParseAuthenticateRejectsMalformed(t *testing.T) {
	tests := []struct {
		name    string
		corrupt func([]byte) []byte
	}{
		{"empty", func([]byte) []byte { return nil }},
		{"truncated header", func(m []byte) []byte { return m[:40] }},
		{"bad signature", func(m []byte) []byte { m[0] = 'X'; return m }},
		{"wrong type", func(m []byte) []byte { m[8] = 2; return m }},
		{"offset past end", func(m []byte) []byte { binary.LittleEndian.PutUint32(m[24:], uint32(len(m))); return m }},
		{"offset overflows", func(m []byte) []byte { binary.LittleEndian.PutUint32(m[40:], 0xffffffff); return m }},
		{"length past end", func(m []byte) []byte { binary.LittleEndian.PutUint16(m[20:], 0xffff); return m }},
		{"odd UTF-16 user name", func(m []byte) []byte {
			binary.LittleEndian.PutUint16(m[36:], binary.LittleEndian.Uint16(m[36:])-1)
			return m
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := ParseAuthenticate(tt.corrupt(validAuthenticate(t))); !errors.Is(err, ErrMalformedMessage) {
				t.Errorf("err = %v, want ErrMalformedMessage", err)
			}
		})
	}
}

func TestParseChallengeRejectsMalformed(t *testing.T) {
	chal := func(t *testing.T) []byte {
		msg, _, err := newTestServer().Challenge(NewClient(ClientConfig{}).Negotiate())
		if err != nil {
			t.Fatalf("Challenge: %v", err)
		}
		return msg
	}
	tests := []struct {
		name    string
		corrupt func([]byte) []byte
	}{
		{"truncated", func(m []byte) []byte { return m[:30] }},
		{"wrong type", func(m []byte) []byte { m[8] = 3; return m }},
		{"TargetInfo past end", func(m []byte) []byte { binary.LittleEndian.PutUint32(m[44:], uint32(len(m))-2); return m }},
		{"AV pairs without EOL", func(m []byte) []byte { return m[:len(m)-4] }},
		{"AV pair longer than list", func(m []byte) []byte {
			at := binary.LittleEndian.Uint32(m[44:])
			binary.LittleEndian.PutUint16(m[at+2:], 0x7fff)
			return m
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, _, err := NewClient(ClientConfig{User: "u"}).Authenticate(tt.corrupt(chal(t))); !errors.Is(err, ErrMalformedMessage) {
				t.Errorf("err = %v, want ErrMalformedMessage", err)
			}
		})
	}
}

func TestChallengeRejectsMalformedNegotiate(t *testing.T) {
	for _, msg := range [][]byte{nil, []byte("NTLMSSP\x00\x03\x00\x00\x00\x00\x00\x00\x00"), []byte("garbage-garbage-garbage")} {
		if _, _, err := newTestServer().Challenge(msg); !errors.Is(err, ErrMalformedMessage) {
			t.Errorf("Challenge(%q): err = %v, want ErrMalformedMessage", msg, err)
		}
	}
}
