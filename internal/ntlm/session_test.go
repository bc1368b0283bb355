package ntlm

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
)

// sessionPair returns authenticated client and server sessions.
func sessionPair(t *testing.T) (client, server *Session) {
	t.Helper()
	_, client, server, err := handshake(t, NewClient(ClientConfig{User: testUser, Password: testPassword}), newTestServer())
	if err != nil {
		t.Fatalf("handshake: %v", err)
	}
	return client, server
}

func TestSealUnsealManyMessagesBothDirections(t *testing.T) {
	client, server := sessionPair(t)
	for i := range 200 {
		msg := bytes.Repeat([]byte(fmt.Sprintf("message %d;", i)), i%37)
		sealed, sig := client.Seal(msg)
		if len(msg) > 16 && bytes.Contains(sealed, msg[:16]) {
			t.Fatalf("message %d: sealed data contains the plaintext", i)
		}
		if got, err := server.Unseal(sealed, sig); err != nil || !bytes.Equal(got, msg) {
			t.Fatalf("client->server message %d: %v", i, err)
		}
		if seq := binary.LittleEndian.Uint32(sig[12:]); seq != uint32(i) {
			t.Fatalf("message %d carries sequence number %d", i, seq)
		}
		reply := append([]byte("reply"), msg...)
		if got, err := client.Unseal(server.Seal(reply)); err != nil || !bytes.Equal(got, reply) {
			t.Fatalf("server->client message %d: %v", i, err)
		}
	}
}

func TestUnsealRejectsTampering(t *testing.T) {
	tests := []struct {
		name   string
		tamper func(sealed, sig []byte) ([]byte, []byte)
	}{
		{"flipped data bit", func(s, g []byte) ([]byte, []byte) { s[3] ^= 1; return s, g }},
		{"flipped checksum bit", func(s, g []byte) ([]byte, []byte) { g[5] ^= 1; return s, g }},
		{"wrong sequence number", func(s, g []byte) ([]byte, []byte) { g[12]++; return s, g }},
		{"wrong version", func(s, g []byte) ([]byte, []byte) { g[0] = 2; return s, g }},
		{"short signature", func(s, g []byte) ([]byte, []byte) { return s, g[:15] }},
		{"truncated data", func(s, g []byte) ([]byte, []byte) { return s[:len(s)-1], g }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			client, server := sessionPair(t)
			sealed, sig := tt.tamper(client.Seal([]byte("<s:Envelope>payload</s:Envelope>")))
			if _, err := server.Unseal(sealed, sig); !errors.Is(err, ErrInvalidSignature) {
				t.Errorf("err = %v, want ErrInvalidSignature", err)
			}
		})
	}
}

func TestUnsealRejectsOtherDirection(t *testing.T) {
	client, _ := sessionPair(t)
	// A client cannot unseal its own output: each direction has its own keys.
	if _, err := client.Unseal(client.Seal([]byte("echo"))); !errors.Is(err, ErrInvalidSignature) {
		t.Errorf("err = %v, want ErrInvalidSignature", err)
	}
}

// sealedMessage is one sealed message and its sequence number.
type sealedMessage struct {
	seq       uint32
	sealed    []byte
	signature []byte
}

// sealConcurrently seals n messages from several goroutines at once and
// returns them ordered by sequence number.
func sealConcurrently(s *Session, n int) []sealedMessage {
	var mu sync.Mutex
	var out []sealedMessage
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range n / 4 {
				sealed, sig := s.Seal(fmt.Appendf(nil, "goroutine %d message %d", g, i))
				mu.Lock()
				out = append(out, sealedMessage{binary.LittleEndian.Uint32(sig[12:]), sealed, sig})
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	slices.SortFunc(out, func(a, b sealedMessage) int { return int(a.seq) - int(b.seq) })
	return out
}

func TestConcurrentSealUnseal(t *testing.T) {
	client, server := sessionPair(t)
	const n = 400
	var wg sync.WaitGroup
	var c2s, s2c []sealedMessage
	wg.Go(func() { c2s = sealConcurrently(client, n) })
	wg.Go(func() { s2c = sealConcurrently(server, n) })
	wg.Wait()
	// Unseal both directions at once, each in sequence order; every message
	// verifies only if no two Seal calls interleaved on one RC4 handle.
	errs := make(chan error, 2)
	unsealAll := func(s *Session, msgs []sealedMessage) {
		for _, m := range msgs {
			if _, err := s.Unseal(m.sealed, m.signature); err != nil {
				errs <- fmt.Errorf("message %d: %w", m.seq, err)
				return
			}
		}
		errs <- nil
	}
	go unsealAll(server, c2s)
	go unsealAll(client, s2c)
	for range 2 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
