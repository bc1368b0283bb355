package ntlm

import (
	"encoding/hex"
	"testing"
)

// FuzzParseAuthenticate feeds arbitrary AUTHENTICATE_MESSAGEs to the parser
// and to the server: they must return an error or succeed, never panic.
// `go test` runs the seed corpus; `go test -fuzz FuzzParseAuthenticate`
// explores further.
func FuzzParseAuthenticate(f *testing.F) {
	vector, err := hex.DecodeString(vecAuthenticateMessage)
	if err != nil {
		f.Fatal(err)
	}
	valid := validAuthenticate(f)
	for _, seed := range [][]byte{vector, valid, valid[:88], valid[:64], nil, []byte("NTLMSSP\x00\x03\x00\x00\x00")} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, msg []byte) {
		_, _ = ParseAuthenticate(msg)
		_, pending, err := newTestServer().Challenge(NewClient(ClientConfig{}).Negotiate())
		if err != nil {
			t.Fatalf("Challenge: %v", err)
		}
		_, _, _ = pending.Authenticate(msg)
	})
}

// FuzzClientAuthenticate feeds arbitrary CHALLENGE_MESSAGEs to the client.
func FuzzClientAuthenticate(f *testing.F) {
	vector, err := hex.DecodeString(vecChallengeMessage)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(vector)
	f.Add(vector[:48])
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, msg []byte) {
		_, _, _ = NewClient(ClientConfig{User: "u", Password: "p"}).Authenticate(msg)
	})
}
