package wsmv

import (
	"bytes"
	"encoding/binary"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/ntlm"
)

const soap = `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body>héllo</s:Body></s:Envelope>`

// sessionPair authenticates a client to a server and returns both sessions.
func sessionPair(t *testing.T) (client, server *ntlm.Session) {
	t.Helper()
	c := ntlm.NewClient(ntlm.ClientConfig{User: "Administrator", Password: "pw"})
	srv := &ntlm.Server{NetBIOSComputer: "WINSIM", Password: func(string) (string, bool) { return "pw", true }}
	challenge, pending, err := srv.Challenge(c.Negotiate())
	if err != nil {
		t.Fatalf("Challenge: %v", err)
	}
	auth, client, err := c.Authenticate(challenge)
	if err != nil {
		t.Fatalf("client Authenticate: %v", err)
	}
	if _, server, err = pending.Authenticate(auth); err != nil {
		t.Fatalf("server Authenticate: %v", err)
	}
	return client, server
}

// pywinrmBody frames sealed data exactly as pywinrm 0.3's
// Encryption._build_message does (struct.pack('<i', len(signature))).
func pywinrmBody(length int, sig, sealed []byte) []byte {
	var b bytes.Buffer
	b.WriteString("--Encrypted Boundary\r\n")
	b.WriteString("\tContent-Type: application/HTTP-SPNEGO-session-encrypted\r\n")
	b.WriteString("\tOriginalContent: type=application/soap+xml;charset=UTF-8;Length=" + strconv.Itoa(length) + "\r\n")
	b.WriteString("--Encrypted Boundary\r\n")
	b.WriteString("\tContent-Type: application/octet-stream\r\n")
	b.Write(binary.LittleEndian.AppendUint32(nil, uint32(len(sig))))
	b.Write(sig)
	b.Write(sealed)
	b.WriteString("--Encrypted Boundary--\r\n")
	return b.Bytes()
}

func TestRoundTripThroughNTLMSessions(t *testing.T) {
	client, server := sessionPair(t)
	for i := range 20 {
		request := []byte(soap + strings.Repeat("x", i*100))
		got, err := Decrypt(server, Encrypt(client, request))
		if err != nil || !bytes.Equal(got, request) {
			t.Fatalf("request %d: got %d bytes, %v", i, len(got), err)
		}
		response := append([]byte("response:"), request...)
		got, err = Decrypt(client, Encrypt(server, response))
		if err != nil || !bytes.Equal(got, response) {
			t.Fatalf("response %d: got %d bytes, %v", i, len(got), err)
		}
	}
}

func TestDecryptsPywinrmFraming(t *testing.T) {
	client, server := sessionPair(t)
	sealed, sig := client.Seal([]byte(soap))
	got, err := Decrypt(server, pywinrmBody(len(soap), sig, sealed))
	if err != nil {
		t.Fatalf("Decrypt: %v", err)
	}
	if string(got) != soap {
		t.Errorf("got %q, want %q", got, soap)
	}
}

// fixedSealer seals to fixed bytes, so framing can be compared exactly.
type fixedSealer struct{ sealed, sig []byte }

func (f fixedSealer) Seal([]byte) ([]byte, []byte) { return f.sealed, f.sig }

func (f fixedSealer) Unseal(sealed, _ []byte) ([]byte, error) { return sealed, nil }

func TestEncryptFramesLikePywinrm(t *testing.T) {
	s := fixedSealer{sealed: []byte("SEALED-BYTES-OF-SOAP"), sig: bytes.Repeat([]byte{0xAB}, 16)}
	got := Encrypt(s, []byte(soap))
	if want := pywinrmBody(len(soap), s.sig, s.sealed); !bytes.Equal(got, want) {
		t.Errorf("Encrypt =\n%q\nwant\n%q", got, want)
	}
}

func TestDecryptRejectsMalformedBodies(t *testing.T) {
	sig := bytes.Repeat([]byte{1}, 16)
	good := string(pywinrmBody(6, sig, []byte("sealed")))
	tests := []struct {
		name string
		body string
	}{
		{"empty", ""},
		{"no leading boundary", strings.TrimPrefix(good, "--Encrypted Boundary\r\n")},
		{"no second boundary", strings.Replace(good, "--Encrypted Boundary\r\n\tContent-Type: application/octet", "\tContent-Type: application/octet", 1)},
		{"wrong protocol", strings.Replace(good, "HTTP-SPNEGO-session-encrypted", "HTTP-Kerberos-session-encrypted", 1)},
		{"no Length", strings.Replace(good, ";Length=6", "", 1)},
		{"negative Length", strings.Replace(good, "Length=6", "Length=-6", 1)},
		{"non-numeric Length", strings.Replace(good, "Length=6", "Length=six", 1)},
		{"Length larger than data", strings.Replace(good, "Length=6", "Length=7", 1)},
		{"Length smaller than data", strings.Replace(good, "Length=6", "Length=5", 1)},
		{"second part not octet-stream", strings.Replace(good, "application/octet-stream", "text/plain", 1)},
		{"signature length 15", string(pywinrmBody(6, sig[:15], []byte("sealed!")))},
		{"truncated before signature", good[:strings.Index(good, "octet-stream\r\n")+16]},
		{"no closing boundary", strings.TrimSuffix(good, "--Encrypted Boundary--\r\n")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Decrypt(fixedSealer{}, []byte(tt.body)); !errors.Is(err, ErrMalformedBody) {
				t.Errorf("err = %v, want ErrMalformedBody", err)
			}
		})
	}
	if got, err := Decrypt(fixedSealer{}, []byte(good)); err != nil || string(got) != "sealed" {
		t.Errorf("well-formed body: got %q, %v", got, err)
	}
}

func TestDecryptRejectsTamperedMessage(t *testing.T) {
	client, server := sessionPair(t)
	body := Encrypt(client, []byte(soap))
	body[len(body)-len("--Encrypted Boundary--\r\n")-1] ^= 0x01 // last sealed byte
	if _, err := Decrypt(server, body); !errors.Is(err, ntlm.ErrInvalidSignature) {
		t.Errorf("err = %v, want ntlm.ErrInvalidSignature", err)
	}
}

func TestIsEncrypted(t *testing.T) {
	tests := []struct {
		contentType string
		want        bool
	}{
		{ContentType, true},
		{`multipart/encrypted; protocol="application/HTTP-SPNEGO-session-encrypted"; boundary="Encrypted Boundary"`, true},
		{`Multipart/Encrypted;protocol="application/http-spnego-session-encrypted";boundary="Encrypted Boundary"`, true},
		{"application/soap+xml;charset=UTF-8", false},
		{`multipart/encrypted;protocol="application/HTTP-Kerberos-session-encrypted";boundary="Encrypted Boundary"`, false},
		{`multipart/x-multi-encrypted;protocol="application/HTTP-CredSSP-session-encrypted"`, false},
		{"", false},
	}
	for _, tt := range tests {
		if got := IsEncrypted(tt.contentType); got != tt.want {
			t.Errorf("IsEncrypted(%q) = %v, want %v", tt.contentType, got, tt.want)
		}
	}
}

// FuzzDecrypt checks that arbitrary bodies yield an error, never a panic.
func FuzzDecrypt(f *testing.F) {
	f.Add(pywinrmBody(6, bytes.Repeat([]byte{1}, 16), []byte("sealed")))
	f.Add([]byte("--Encrypted Boundary\r\n--Encrypted Boundary\r\n"))
	f.Fuzz(func(t *testing.T, body []byte) {
		_, _ = Decrypt(fixedSealer{}, body)
	})
}
