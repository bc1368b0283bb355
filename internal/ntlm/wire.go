package ntlm

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strings"
	"unicode/utf16"
)

// signature is the 8-byte "NTLMSSP\0" that starts every message
// ([MS-NLMP] 2.2.1).
var signature = []byte("NTLMSSP\x00")

// Message types ([MS-NLMP] 2.2.1).
const (
	typeNegotiate    uint32 = 1
	typeChallenge    uint32 = 2
	typeAuthenticate uint32 = 3
)

// version is the VERSION structure ([MS-NLMP] 2.2.2.10) this package sends:
// Windows 10 / Server 2019 (10.0.17763), NTLMSSP_REVISION_W2K3 (0x0F).
var version = [8]byte{10, 0, 0x63, 0x45, 0, 0, 0, 0x0F}

// checkHeader verifies the signature and message type of msg.
func checkHeader(msg []byte, wantType uint32, minLen int) error {
	if len(msg) < minLen {
		return fmt.Errorf("%w: %d bytes, need at least %d", ErrMalformedMessage, len(msg), minLen)
	}
	if !bytes.Equal(msg[:8], signature) {
		return fmt.Errorf("%w: missing NTLMSSP signature", ErrMalformedMessage)
	}
	if got := binary.LittleEndian.Uint32(msg[8:12]); got != wantType {
		return fmt.Errorf("%w: message type %d, want %d", ErrMalformedMessage, got, wantType)
	}
	return nil
}

// readField returns the payload bytes described by the 8-byte field header
// (Len uint16, MaxLen uint16, Offset uint32) at msg[at:], bounds-checked.
func readField(msg []byte, at int, name string) ([]byte, error) {
	if at+8 > len(msg) {
		return nil, fmt.Errorf("%w: %s field header out of range", ErrMalformedMessage, name)
	}
	length := int(binary.LittleEndian.Uint16(msg[at:]))
	offset := uint64(binary.LittleEndian.Uint32(msg[at+4:]))
	if length == 0 {
		return nil, nil
	}
	if offset+uint64(length) > uint64(len(msg)) {
		return nil, fmt.Errorf("%w: %s (offset %d, length %d) beyond message end %d",
			ErrMalformedMessage, name, offset, length, len(msg))
	}
	return msg[offset : offset+uint64(length)], nil
}

// payloadWriter lays out a message: a fixed header followed by payload
// fields whose headers point into the payload.
type payloadWriter struct {
	buf []byte
}

// newPayloadWriter starts a message with the given header length.
func newPayloadWriter(msgType uint32, headerLen int) *payloadWriter {
	w := &payloadWriter{buf: make([]byte, headerLen)}
	copy(w.buf, signature)
	binary.LittleEndian.PutUint32(w.buf[8:], msgType)
	return w
}

// field appends data to the payload and writes its field header at at.
func (w *payloadWriter) field(at int, data []byte) {
	binary.LittleEndian.PutUint16(w.buf[at:], uint16(len(data)))
	binary.LittleEndian.PutUint16(w.buf[at+2:], uint16(len(data)))
	binary.LittleEndian.PutUint32(w.buf[at+4:], uint32(len(w.buf)))
	w.buf = append(w.buf, data...)
}

// utf16le encodes s as UTF-16 little endian without a terminator.
func utf16le(s string) []byte {
	units := utf16.Encode([]rune(s))
	out := make([]byte, 2*len(units))
	for i, u := range units {
		binary.LittleEndian.PutUint16(out[2*i:], u)
	}
	return out
}

// fromUTF16LE decodes UTF-16 little endian bytes.
func fromUTF16LE(b []byte) (string, error) {
	if len(b)%2 != 0 {
		return "", fmt.Errorf("%w: odd-length UTF-16 string", ErrMalformedMessage)
	}
	units := make([]uint16, len(b)/2)
	for i := range units {
		units[i] = binary.LittleEndian.Uint16(b[2*i:])
	}
	return string(utf16.Decode(units)), nil
}

// encodeString encodes s as the negotiated character set: UTF-16LE with
// NTLMSSP_NEGOTIATE_UNICODE, otherwise the OEM code page (ASCII here).
func encodeString(flags NegotiateFlags, s string) []byte {
	if flags.has(FlagUnicode) {
		return utf16le(s)
	}
	return []byte(s)
}

// decodeString is the inverse of encodeString.
func decodeString(flags NegotiateFlags, b []byte) (string, error) {
	if flags.has(FlagUnicode) {
		return fromUTF16LE(b)
	}
	return string(b), nil
}

// upper upper-cases a user name as NTOWFv2 requires ([MS-NLMP] 3.3.2).
func upper(s string) string { return strings.ToUpper(s) }
