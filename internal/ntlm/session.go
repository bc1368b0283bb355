package ntlm

import (
	"crypto/hmac"
	"crypto/rc4"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
)

// SignatureLen is the length of an NTLMSSP_MESSAGE_SIGNATURE with extended
// session security ([MS-NLMP] 2.2.2.9.1).
const SignatureLen = 16

// ErrInvalidSignature is wrapped by Unseal when the message signature does
// not verify (tampered data, wrong key, or out-of-order sequence number).
var ErrInvalidSignature = errors.New("ntlm: message signature does not verify")

// Session is the NTLM session security context of one authenticated
// connection ([MS-NLMP] 3.4): sealing for the outgoing direction and
// unsealing for the incoming one, each with its own sequence number and its
// own RC4 handle that persists across messages (connection-oriented mode,
// as Windows WinRM and pywinrm use it). It is safe for concurrent use.
type Session struct {
	out, in direction
}

// direction is the state of one direction of a Session.
type direction struct {
	mu      sync.Mutex // serialises the RC4 stream and sequence number
	signKey []byte
	handle  *rc4.Cipher
	seq     uint32
	keyExch bool
}

// newSession derives the session keys of [MS-NLMP] 3.4.5 from the
// ExportedSessionKey. isClient selects which direction is outgoing.
func newSession(flags NegotiateFlags, exportedSessionKey []byte, isClient bool) *Session {
	c2s := newDirection(flags, exportedSessionKey, clientSignMagic, clientSealMagic)
	s2c := newDirection(flags, exportedSessionKey, serverSignMagic, serverSealMagic)
	s := &Session{}
	if isClient {
		s.out.init(c2s)
		s.in.init(s2c)
	} else {
		s.out.init(s2c)
		s.in.init(c2s)
	}
	return s
}

// directionKeys are the derived keys of one direction.
type directionKeys struct {
	signKey, sealKey []byte
	keyExch          bool
}

// newDirection derives the keys of one direction.
func newDirection(flags NegotiateFlags, key []byte, signMagic, sealMagic string) directionKeys {
	return directionKeys{
		signKey: signKey(key, signMagic),
		sealKey: sealKey(flags, key, sealMagic),
		keyExch: flags.has(FlagKeyExch),
	}
}

// init sets up the RC4 handle for a direction.
func (d *direction) init(k directionKeys) {
	handle, err := rc4.NewCipher(k.sealKey)
	if err != nil {
		panic("ntlm: rc4 seal key: " + err.Error()) // sealKey is always 16 bytes
	}
	d.signKey, d.handle, d.keyExch = k.signKey, handle, k.keyExch
}

// Seal encrypts msg for the peer and returns the sealed bytes and the
// 16-byte signature (SEAL of [MS-NLMP] 3.4.3 with extended session security).
func (s *Session) Seal(msg []byte) (sealed, signature []byte) {
	d := &s.out
	d.mu.Lock()
	defer d.mu.Unlock()
	sealed = make([]byte, len(msg))
	d.handle.XORKeyStream(sealed, msg)
	signature = d.mac(msg)
	d.seq++
	return sealed, signature
}

// Unseal decrypts a message from the peer and verifies its signature.
// The RC4 stream and sequence number advance even when verification fails,
// mirroring the peer, so one rejected message does not desynchronise the
// messages that follow it.
func (s *Session) Unseal(sealed, signature []byte) ([]byte, error) {
	d := &s.in
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(signature) != SignatureLen {
		return nil, fmt.Errorf("unseal: signature is %d bytes, want %d: %w",
			len(signature), SignatureLen, ErrInvalidSignature)
	}
	plain := make([]byte, len(sealed))
	d.handle.XORKeyStream(plain, sealed)
	want := d.mac(plain)
	d.seq++
	if !hmac.Equal(want, signature) {
		return nil, fmt.Errorf("unseal message %d: %w", d.seq-1, ErrInvalidSignature)
	}
	return plain, nil
}

// mac computes the NTLMSSP_MESSAGE_SIGNATURE of msg at the current sequence
// number ([MS-NLMP] 3.4.4.2): Version 1, the first 8 bytes of
// HMAC_MD5(SigningKey, SeqNum || msg), RC4-encrypted with the sealing
// handle under KEY_EXCH, then SeqNum.
func (d *direction) mac(msg []byte) []byte {
	seq := binary.LittleEndian.AppendUint32(nil, d.seq)
	checksum := hmacMD5(d.signKey, seq, msg)[:8]
	if d.keyExch {
		d.handle.XORKeyStream(checksum, checksum)
	}
	sig := binary.LittleEndian.AppendUint32(make([]byte, 0, SignatureLen), 1)
	sig = append(sig, checksum...)
	return append(sig, seq...)
}
