package ntlm

import (
	"bytes"
	"errors"
	"testing"

	azurentlm "github.com/Azure/go-ntlmssp"
	bodgitntlm "github.com/bodgit/ntlmssp"
)

// These tests run the clients that masterzen/winrm uses against Server:
// Azure/go-ntlmssp (plain NTLM over HTTP/HTTPS) and bodgit/ntlmssp (NTLM
// with message encryption, sealing through its SecuritySession).

func TestServerAcceptsAzureGoNTLMSSP(t *testing.T) {
	tests := []struct {
		name, password string
		wantErr        error
	}{
		{"correct password", testPassword, nil},
		{"wrong password", "nope", ErrLogonFailure},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			negotiate, err := azurentlm.NewNegotiateMessage("", "")
			if err != nil {
				t.Fatal(err)
			}
			challenge, pending, err := newTestServer().Challenge(negotiate)
			if err != nil {
				t.Fatalf("Challenge: %v", err)
			}
			auth, err := azurentlm.ProcessChallenge(challenge, testUser, tt.password, false)
			if err != nil {
				t.Fatalf("go-ntlmssp ProcessChallenge: %v", err)
			}
			id, _, err := pending.Authenticate(auth)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if err == nil && id.User != testUser {
				t.Errorf("user = %q, want %q", id.User, testUser)
			}
		})
	}
}

func TestServerAndSessionWorkWithBodgitNTLMSSP(t *testing.T) {
	client, err := bodgitntlm.NewClient(
		bodgitntlm.SetUserInfo(testUser, testPassword),
		bodgitntlm.SetDomain("WINSIM"),
		bodgitntlm.SetVersion(bodgitntlm.DefaultVersion()),
	)
	if err != nil {
		t.Fatal(err)
	}
	negotiate, err := client.Authenticate(nil, nil)
	if err != nil {
		t.Fatalf("bodgit negotiate: %v", err)
	}
	challenge, pending, err := newTestServer().Challenge(negotiate)
	if err != nil {
		t.Fatalf("Challenge: %v", err)
	}
	auth, err := client.Authenticate(challenge, nil)
	if err != nil {
		t.Fatalf("bodgit authenticate: %v", err)
	}
	if parsed, err := ParseAuthenticate(auth); err != nil || parsed.MIC == nil {
		t.Fatalf("bodgit message should carry a MIC (err %v)", err)
	}
	_, server, err := pending.Authenticate(auth)
	if err != nil {
		t.Fatalf("server Authenticate: %v", err)
	}
	peer := client.SecuritySession()
	for i := range 5 {
		msg := bytes.Repeat([]byte{byte('a' + i)}, 100*i+1)
		sealed, sig, err := peer.Wrap(msg)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := server.Unseal(sealed, sig); err != nil || !bytes.Equal(got, msg) {
			t.Fatalf("bodgit->server message %d: %v", i, err)
		}
		if got, err := peer.Unwrap(server.Seal(msg)); err != nil || !bytes.Equal(got, msg) {
			t.Fatalf("server->bodgit message %d: %v", i, err)
		}
	}
}
