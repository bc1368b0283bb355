package ntlm

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/rc4"

	"golang.org/x/crypto/md4" //nolint:staticcheck // MD4 is mandated by MS-NLMP NTOWF.
)

// ntowfv2 is NTOWFv2 of [MS-NLMP] 3.3.2:
// HMAC_MD5(MD4(UNICODE(Passwd)), UNICODE(ConcatenationOf(Uppercase(User), UserDom))).
func ntowfv2(password, user, domain string) []byte {
	h := md4.New()
	h.Write(utf16le(password))
	return hmacMD5(h.Sum(nil), utf16le(upper(user)+domain))
}

// hmacMD5 computes HMAC_MD5(key, concatenation of data).
func hmacMD5(key []byte, data ...[]byte) []byte {
	m := hmac.New(md5.New, key)
	for _, d := range data {
		m.Write(d)
	}
	return m.Sum(nil)
}

// ntProofStr computes NTProofStr = HMAC_MD5(ResponseKeyNT,
// ServerChallenge || temp) of [MS-NLMP] 3.3.2, where temp is the blob that
// follows NTProofStr in the NTLMv2 response.
func ntProofStr(responseKeyNT, serverChallenge, temp []byte) []byte {
	return hmacMD5(responseKeyNT, serverChallenge, temp)
}

// sessionBaseKey computes HMAC_MD5(ResponseKeyNT, NTProofStr); for NTLMv2
// it is also the KeyExchangeKey ([MS-NLMP] 3.3.2, 3.4.5.1).
func sessionBaseKey(responseKeyNT, proof []byte) []byte {
	return hmacMD5(responseKeyNT, proof)
}

// rc4Once encrypts or decrypts data with a fresh RC4 key: RC4K of [MS-NLMP] 6.
func rc4Once(key, data []byte) []byte {
	c, err := rc4.NewCipher(key)
	if err != nil {
		// Only key lengths outside 1..256 fail; callers pass 16-byte keys.
		panic("ntlm: rc4 key: " + err.Error())
	}
	out := make([]byte, len(data))
	c.XORKeyStream(out, data)
	return out
}

// computeMIC is HMAC_MD5(ExportedSessionKey, NEGOTIATE || CHALLENGE ||
// AUTHENTICATE) with the MIC field zeroed ([MS-NLMP] 3.1.5.1.2, 3.2.5.1.2).
func computeMIC(exportedSessionKey, negotiate, challenge, authenticate []byte) []byte {
	zeroed := append([]byte(nil), authenticate...)
	clear(zeroed[micOffset : micOffset+micLen])
	return hmacMD5(exportedSessionKey, negotiate, challenge, zeroed)
}

// Magic constants of SIGNKEY and SEALKEY ([MS-NLMP] 3.4.5.2, 3.4.5.3); the
// trailing NUL is part of each constant.
const (
	clientSignMagic = "session key to client-to-server signing key magic constant\x00"
	serverSignMagic = "session key to server-to-client signing key magic constant\x00"
	clientSealMagic = "session key to client-to-server sealing key magic constant\x00"
	serverSealMagic = "session key to server-to-client sealing key magic constant\x00"
)

// signKey is SIGNKEY with extended session security ([MS-NLMP] 3.4.5.2).
func signKey(exportedSessionKey []byte, magic string) []byte {
	sum := md5.Sum(append(append([]byte(nil), exportedSessionKey...), magic...))
	return sum[:]
}

// sealKey is SEALKEY with extended session security ([MS-NLMP] 3.4.5.3):
// the key is cut to 16, 7 or 5 bytes by NEGOTIATE_128 / NEGOTIATE_56.
func sealKey(flags NegotiateFlags, exportedSessionKey []byte, magic string) []byte {
	key := exportedSessionKey
	switch {
	case flags.has(Flag128):
	case flags.has(Flag56):
		key = key[:7]
	default:
		key = key[:5]
	}
	sum := md5.Sum(append(append([]byte(nil), key...), magic...))
	return sum[:]
}
