package ntlm

import (
	"encoding/binary"
	"errors"
	"strings"
	"testing"
	"time"
)

const (
	testUser     = "Administrator"
	testPassword = "S3cret!pa$$"
)

// newTestServer is a standalone server "WINSIM" with one local account.
func newTestServer() *Server {
	return &Server{
		NetBIOSComputer: "WINSIM",
		DNSComputer:     "winsim.example.test",
		Password: func(user string) (string, bool) {
			return testPassword, strings.EqualFold(user, testUser)
		},
	}
}

// handshake runs NEGOTIATE, CHALLENGE and AUTHENTICATE between c and srv.
func handshake(t *testing.T, c *Client, srv *Server) (Identity, *Session, *Session, error) {
	t.Helper()
	challenge, pending, err := srv.Challenge(c.Negotiate())
	if err != nil {
		t.Fatalf("Challenge: %v", err)
	}
	auth, clientSess, err := c.Authenticate(challenge)
	if err != nil {
		t.Fatalf("client Authenticate: %v", err)
	}
	id, serverSess, err := pending.Authenticate(auth)
	return id, clientSess, serverSess, err
}

func TestHandshake(t *testing.T) {
	tests := []struct {
		name    string
		cfg     ClientConfig
		wantErr error
	}{
		{"correct password", ClientConfig{User: testUser, Password: testPassword}, nil},
		{"user name case-insensitive", ClientConfig{User: "ADMINISTRATOR", Password: testPassword}, nil},
		{"domain dot", ClientConfig{User: testUser, Domain: ".", Password: testPassword}, nil},
		{"domain computer name", ClientConfig{User: testUser, Domain: "WINSIM", Password: testPassword}, nil},
		{"domain workgroup", ClientConfig{User: testUser, Domain: "WORKGROUP", Password: testPassword, Workstation: "LINUX"}, nil},
		{"password with an extra non-ASCII character", ClientConfig{User: testUser, Password: testPassword + "é"}, ErrLogonFailure},
		{"wrong password", ClientConfig{User: testUser, Password: "wrong-password"}, ErrLogonFailure},
		{"empty password", ClientConfig{User: testUser}, ErrLogonFailure},
		{"unknown user", ClientConfig{User: "nobody", Password: testPassword}, ErrLogonFailure},
		{"anonymous", ClientConfig{}, ErrLogonFailure},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, clientSess, serverSess, err := handshake(t, NewClient(tt.cfg), newTestServer())
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				if tt.cfg.Password != "" && strings.Contains(err.Error(), tt.cfg.Password) {
					t.Errorf("error %q contains the password", err)
				}
				return
			}
			want := Identity{User: tt.cfg.User, Domain: tt.cfg.Domain, Workstation: tt.cfg.Workstation}
			if id != want {
				t.Errorf("identity = %+v, want %+v", id, want)
			}
			assertSessionsTalk(t, clientSess, serverSess)
		})
	}
}

// assertSessionsTalk checks one message each way between a client and a
// server session.
func assertSessionsTalk(t *testing.T, client, server *Session) {
	t.Helper()
	if got, err := server.Unseal(client.Seal([]byte("request"))); err != nil || string(got) != "request" {
		t.Errorf("client->server: got %q, %v", got, err)
	}
	if got, err := client.Unseal(server.Seal([]byte("response"))); err != nil || string(got) != "response" {
		t.Errorf("server->client: got %q, %v", got, err)
	}
}

func TestChallengeTargetInfo(t *testing.T) {
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	srv := newTestServer()
	srv.DNSDomain = "example.test"
	srv.Now = func() time.Time { return now }
	msg, _, err := srv.Challenge(NewClient(ClientConfig{}).Negotiate())
	if err != nil {
		t.Fatalf("Challenge: %v", err)
	}
	chal, err := ParseChallenge(msg)
	if err != nil {
		t.Fatalf("ParseChallenge: %v", err)
	}
	want := map[AvID]string{
		AvNbDomainName:    "WINSIM", // a workgroup server names itself as domain
		AvNbComputerName:  "WINSIM",
		AvDNSDomainName:   "example.test",
		AvDNSComputerName: "winsim.example.test",
	}
	for id, name := range want {
		v, ok := chal.TargetInfo.find(id)
		if got, _ := fromUTF16LE(v); !ok || got != name {
			t.Errorf("AV pair %d = %q (present %v), want %q", id, got, ok, name)
		}
	}
	ts, _ := chal.TargetInfo.find(AvTimestamp)
	if got, wantTS := binary.LittleEndian.Uint64(ts), binary.LittleEndian.Uint64(fileTime(now)); got != wantTS {
		t.Errorf("MsvAvTimestamp = %d, want %d", got, wantTS)
	}
	for _, f := range []NegotiateFlags{FlagUnicode, FlagExtendedSessionSecurity, FlagKeyExch, Flag128, FlagSeal, FlagSign, FlagTargetInfo} {
		if !chal.Flags.has(f) {
			t.Errorf("challenge flags %#08x lack %#08x", uint32(chal.Flags), uint32(f))
		}
	}
}

func TestClientSendsMICWhenServerSendsTimestamp(t *testing.T) {
	c := NewClient(ClientConfig{User: testUser, Password: testPassword})
	challenge, pending, err := newTestServer().Challenge(c.Negotiate())
	if err != nil {
		t.Fatalf("Challenge: %v", err)
	}
	msg, _, err := c.Authenticate(challenge)
	if err != nil {
		t.Fatalf("Authenticate: %v", err)
	}
	auth, err := ParseAuthenticate(msg)
	if err != nil {
		t.Fatalf("ParseAuthenticate: %v", err)
	}
	pairs, err := parseAvPairs(auth.NtChallengeResponse[16+28:])
	if err != nil || !pairs.micPresent() {
		t.Fatalf("client AV pairs lack MsvAvFlags MIC bit (err %v)", err)
	}
	if string(auth.LmChallengeResponse) != string(make([]byte, 24)) {
		t.Errorf("LmChallengeResponse = %x, want Z(24) when MsvAvTimestamp is present", auth.LmChallengeResponse)
	}
	msg[micOffset] ^= 0xff
	if _, _, err := pending.Authenticate(msg); !errors.Is(err, ErrLogonFailure) {
		t.Errorf("tampered MIC: err = %v, want ErrLogonFailure", err)
	}
}

func TestServerRejectsNTLMv1AndReuse(t *testing.T) {
	c := NewClient(ClientConfig{User: testUser, Password: testPassword})
	srv := newTestServer()
	challenge, pending, err := srv.Challenge(c.Negotiate())
	if err != nil {
		t.Fatalf("Challenge: %v", err)
	}
	v1 := (&AuthenticateMessage{
		Flags:               FlagUnicode | FlagNTLM,
		LmChallengeResponse: make([]byte, 24),
		NtChallengeResponse: make([]byte, 24), // NTLMv1 responses are 24 bytes
		User:                testUser,
	}).marshal()
	if _, _, err := pending.Authenticate(v1); !errors.Is(err, ErrLogonFailure) {
		t.Errorf("NTLMv1 response: err = %v, want ErrLogonFailure", err)
	}
	good, _, err := c.Authenticate(challenge)
	if err != nil {
		t.Fatalf("client Authenticate: %v", err)
	}
	if _, _, err := pending.Authenticate(good); err == nil {
		t.Error("second Authenticate on one challenge succeeded, want an error")
	}
}
