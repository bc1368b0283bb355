package ntlm

import (
	"bytes"
	"encoding/hex"
	"strings"
	"testing"
	"time"
)

// The values below are the NTLMv2 examples of [MS-NLMP] 4.2.4
// (https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-nlmp/125f7a94-933e-4023-a146-a449e49bf774)
// and 4.2.4.4 GSS_WrapEx
// (https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-nlmp/9cdb7bb2-17e6-409c-99cc-04590db064d4).
// The full CHALLENGE and AUTHENTICATE messages of 4.2.4.3 were cross-checked
// against the copy in gssntlmssp's tests/ntlmssptest.c (T_NTLMv2).
const (
	vecUser             = "User"
	vecDomain           = "Domain"
	vecPassword         = "Password"
	vecWorkstation      = "COMPUTER"
	vecServerChallenge  = "0123456789abcdef"
	vecClientChallenge  = "aaaaaaaaaaaaaaaa"
	vecRandomSessionKey = "55555555555555555555555555555555"
	vecNTOWFv2          = "0c868a403bfd7a93a3001ef22ef02e3f"                 // 4.2.4.1.1
	vecSessionBaseKey   = "8de40ccadbc14a82f15cb0ad0de95ca3"                 // 4.2.4.1.2
	vecLMv2Response     = "86c35097ac9cec102554764a57cccc19aaaaaaaaaaaaaaaa" // 4.2.4.2.1
	vecNTProofStr       = "68cd0ab851e51c96aabc927bebef6a1c"                 // 4.2.4.2.2
	vecEncryptedKey     = "c5dad2544fc9799094ce1ce90bc9d03e"                 // 4.2.4.2.3
	vecClientSealKey    = "59f600973cc4960a25480a7c196e4c58"                 // 4.2.4.4
	vecClientSignKey    = "4788dc861b4782f35d43fd98fe1a2d39"                 // 4.2.4.4
	vecSealedPlaintext  = "54e50165bf1936dc996020c1811b0f06fb5f"             // 4.2.4.4 Data
	vecSignature        = "010000007fb38ec5c55d497600000000"                 // 4.2.4.4 Signature
	// vecNTLMv2Response is the whole NtChallengeResponse of 4.2.4.2.2: the
	// NTProofStr followed by temp (Time 0, the client challenge and the
	// TargetInfo MsvAvNbDomainName "Domain", MsvAvNbComputerName "Server").
	vecNTLMv2Response = vecNTProofStr +
		"0101000000000000" + "0000000000000000" + vecClientChallenge + "00000000" +
		"02000c0044006f006d00610069006e00" + "01000c00530065007200760065007200" + "00000000" +
		"00000000"
	// vecChallengeMessage is the CHALLENGE_MESSAGE of 4.2.4.3.
	vecChallengeMessage = "4e544c4d53535000020000000c000c003800000033828ae2" + vecServerChallenge +
		"0000000000000000240024004400000006007017000000" + "0f" +
		"53006500720076006500720002000c0044006f006d00610069006e0001000c00" +
		"53006500720076006500720000000000"
	// vecAuthenticateMessage is the AUTHENTICATE_MESSAGE of 4.2.4.3.
	vecAuthenticateMessage = "4e544c4d5353500003000000180018006c00000054005400840000000c000c00" +
		"48000000080008005400000010001000" + "5c00000010001000d8000000358288e2" +
		"0501280a0000000f" + "44006f006d00610069006e00" + "5500730065007200" +
		"43004f004d0050005500540045005200" + vecLMv2Response + vecNTLMv2Response + vecEncryptedKey
)

// vecPlaintext is "Plaintext" in UTF-16LE, the message sealed in 4.2.4.4.
var vecPlaintext = utf16le("Plaintext")

// unhex decodes a hex test constant.
func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatalf("bad hex in test: %v", err)
	}
	return b
}

func TestMSNLMPv2KeyDerivation(t *testing.T) {
	responseKey := ntowfv2(vecPassword, vecUser, vecDomain)
	temp := unhex(t, vecNTLMv2Response)[16:]
	proof := ntProofStr(responseKey, unhex(t, vecServerChallenge), temp)
	baseKey := sessionBaseKey(responseKey, proof)
	random := unhex(t, vecRandomSessionKey)
	tests := []struct {
		name string
		got  []byte
		want string
	}{
		{"NTOWFv2 (4.2.4.1.1)", responseKey, vecNTOWFv2},
		{"NTProofStr (4.2.4.2.2)", proof, vecNTProofStr},
		{"SessionBaseKey (4.2.4.1.2)", baseKey, vecSessionBaseKey},
		{"LMv2 response (4.2.4.2.1)", append(hmacMD5(responseKey, unhex(t, vecServerChallenge), unhex(t, vecClientChallenge)), unhex(t, vecClientChallenge)...), vecLMv2Response},
		{"EncryptedRandomSessionKey (4.2.4.2.3)", rc4Once(baseKey, random), vecEncryptedKey},
		{"client SealKey (4.2.4.4)", sealKey(Flag128, random, clientSealMagic), vecClientSealKey},
		{"client SignKey (4.2.4.4)", signKey(random, clientSignMagic), vecClientSignKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := hex.EncodeToString(tt.got); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

// fixedRandom returns a reader yielding the 4.2.4 client challenge and then
// the 4.2.4 RandomSessionKey, the order in which the client reads them.
func fixedRandom(t *testing.T) *bytes.Reader {
	return bytes.NewReader(append(unhex(t, vecClientChallenge), unhex(t, vecRandomSessionKey)...))
}

func TestClientProducesMSNLMPv2Responses(t *testing.T) {
	c := NewClient(ClientConfig{User: vecUser, Domain: vecDomain, Password: vecPassword, Workstation: vecWorkstation})
	c.random = fixedRandom(t)
	c.now = func() time.Time { return time.Unix(-fileTimeEpochSeconds, 0) } // FILETIME 0, as in 4.2.4
	c.Negotiate()
	msg, sess, err := c.Authenticate(unhex(t, vecChallengeMessage))
	if err != nil {
		t.Fatalf("Authenticate: %v", err)
	}
	auth, err := ParseAuthenticate(msg)
	if err != nil {
		t.Fatalf("ParseAuthenticate(own message): %v", err)
	}
	fields := []struct {
		name string
		got  []byte
		want string
	}{
		{"LmChallengeResponse", auth.LmChallengeResponse, vecLMv2Response},
		{"NtChallengeResponse", auth.NtChallengeResponse, vecNTLMv2Response},
		{"EncryptedRandomSessionKey", auth.EncryptedRandomSessionKey, vecEncryptedKey},
	}
	for _, f := range fields {
		if got := hex.EncodeToString(f.got); got != f.want {
			t.Errorf("%s = %s, want %s", f.name, got, f.want)
		}
	}
	if auth.User != vecUser || auth.Domain != vecDomain || auth.Workstation != vecWorkstation {
		t.Errorf("names = %q %q %q, want %q %q %q", auth.User, auth.Domain, auth.Workstation, vecUser, vecDomain, vecWorkstation)
	}
	sealed, sig := sess.Seal(vecPlaintext)
	if got := hex.EncodeToString(sealed); got != vecSealedPlaintext {
		t.Errorf("sealed = %s, want %s", got, vecSealedPlaintext)
	}
	if got := hex.EncodeToString(sig); got != vecSignature {
		t.Errorf("signature = %s, want %s", got, vecSignature)
	}
}

func TestServerAcceptsMSNLMPv2AuthenticateMessage(t *testing.T) {
	srv := &Server{Password: func(user string) (string, bool) {
		return vecPassword, strings.EqualFold(user, vecUser)
	}}
	pending := &PendingAuth{
		server:          srv,
		challenge:       unhex(t, vecChallengeMessage),
		serverChallenge: unhex(t, vecServerChallenge),
	}
	id, sess, err := pending.Authenticate(unhex(t, vecAuthenticateMessage))
	if err != nil {
		t.Fatalf("Authenticate(4.2.4.3 message): %v", err)
	}
	if want := (Identity{User: vecUser, Domain: vecDomain, Workstation: vecWorkstation}); id != want {
		t.Errorf("identity = %+v, want %+v", id, want)
	}
	plain, err := sess.Unseal(unhex(t, vecSealedPlaintext), unhex(t, vecSignature))
	if err != nil {
		t.Fatalf("Unseal(4.2.4.4 data): %v", err)
	}
	if !bytes.Equal(plain, vecPlaintext) {
		t.Errorf("unsealed %x, want %x", plain, vecPlaintext)
	}
}
