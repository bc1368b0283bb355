// Package wsmv frames SOAP messages encrypted with an NTLM session as
// WinRM sends them over HTTP ([MS-WSMV] 2.2.9.1.1, "Encrypted Message
// Types" for SPNEGO/NTLM): a multipart/encrypted body whose first part names
// the original content type and length and whose second part holds the
// signature length, the signature and the sealed message.
package wsmv

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"mime"
	"strconv"
	"strings"
)

// Protocol is the protocol parameter of the multipart/encrypted content type.
const Protocol = "application/HTTP-SPNEGO-session-encrypted"

// ContentType is the HTTP Content-Type of an encrypted request or response.
const ContentType = `multipart/encrypted;protocol="application/HTTP-SPNEGO-session-encrypted";boundary="Encrypted Boundary"`

// Sealer is an NTLM session (see internal/ntlm.Session): Seal protects an
// outgoing message, Unseal decrypts and verifies an incoming one.
type Sealer interface {
	Seal([]byte) ([]byte, []byte)
	Unseal(sealed, sig []byte) ([]byte, error)
}

// ErrMalformedBody is wrapped by Decrypt errors caused by a body that is not
// framed as [MS-WSMV] 2.2.9.1.1 describes.
var ErrMalformedBody = errors.New("wsmv: malformed encrypted body")

// Framing strings, byte for byte as Windows and pywinrm write them.
const (
	boundary        = "--Encrypted Boundary\r\n"
	endBoundary     = "--Encrypted Boundary--\r\n"
	protocolHeader  = "\tContent-Type: " + Protocol + "\r\n"
	originalContent = "\tOriginalContent: type=application/soap+xml;charset=UTF-8;Length="
	octetHeader     = "\tContent-Type: application/octet-stream\r\n"
	signatureLen    = 16
)

// Encrypt seals soap with s and frames it as the body of an encrypted
// WinRM request or response.
func Encrypt(s Sealer, soap []byte) []byte {
	sealed, sig := s.Seal(soap)
	var b bytes.Buffer
	b.WriteString(boundary)
	b.WriteString(protocolHeader)
	b.WriteString(originalContent + strconv.Itoa(len(soap)) + "\r\n")
	b.WriteString(boundary)
	b.WriteString(octetHeader)
	b.Write(binary.LittleEndian.AppendUint32(nil, uint32(len(sig))))
	b.Write(sig)
	b.Write(sealed)
	b.WriteString(endBoundary)
	return b.Bytes()
}

// Decrypt unframes an encrypted body, unseals it with s (which verifies the
// signature) and checks the decrypted length against OriginalContent.
func Decrypt(s Sealer, body []byte) ([]byte, error) {
	length, payload, err := split(body)
	if err != nil {
		return nil, err
	}
	if len(payload) < 4 {
		return nil, fmt.Errorf("%w: encrypted part shorter than its signature length", ErrMalformedBody)
	}
	sigLen := binary.LittleEndian.Uint32(payload)
	if sigLen != signatureLen || len(payload) < 4+signatureLen {
		return nil, fmt.Errorf("%w: signature length %d in a %d-byte part, want %d",
			ErrMalformedBody, sigLen, len(payload), signatureLen)
	}
	sig, sealed := payload[4:4+signatureLen], payload[4+signatureLen:]
	plain, err := s.Unseal(sealed, sig)
	if err != nil {
		return nil, fmt.Errorf("wsmv: unseal message: %w", err)
	}
	if len(plain) != length {
		return nil, fmt.Errorf("%w: decrypted %d bytes but OriginalContent says Length=%d",
			ErrMalformedBody, len(plain), length)
	}
	return plain, nil
}

// split returns the OriginalContent length and the binary octet-stream part
// (signature length, signature, sealed data) of body.
func split(body []byte) (int, []byte, error) {
	rest, ok := bytes.CutPrefix(body, []byte(boundary))
	if !ok {
		return 0, nil, fmt.Errorf("%w: does not start with %q", ErrMalformedBody, strings.TrimSpace(boundary))
	}
	header, rest, ok := bytes.Cut(rest, []byte(boundary))
	if !ok {
		return 0, nil, fmt.Errorf("%w: no second boundary", ErrMalformedBody)
	}
	length, err := originalLength(header)
	if err != nil {
		return 0, nil, err
	}
	payload, ok := bytes.CutPrefix(rest, []byte(octetHeader))
	if !ok {
		return 0, nil, fmt.Errorf("%w: second part is not application/octet-stream", ErrMalformedBody)
	}
	end := bytes.LastIndex(payload, []byte(strings.TrimSuffix(endBoundary, "\r\n")))
	if end < 0 {
		return 0, nil, fmt.Errorf("%w: no closing boundary", ErrMalformedBody)
	}
	return length, payload[:end], nil
}

// originalLength checks the protocol header of the first part and returns
// the Length parameter of its OriginalContent header.
func originalLength(header []byte) (int, error) {
	var length = -1
	for line := range strings.SplitSeq(string(header), "\r\n") {
		name, value, ok := strings.Cut(strings.TrimSpace(line), ":")
		if !ok {
			continue
		}
		switch strings.ToLower(name) {
		case "content-type":
			if !strings.EqualFold(strings.TrimSpace(value), Protocol) {
				return 0, fmt.Errorf("%w: first part content type %q, want %q", ErrMalformedBody, strings.TrimSpace(value), Protocol)
			}
		case "originalcontent":
			n, err := lengthParam(value)
			if err != nil {
				return 0, err
			}
			length = n
		}
	}
	if length < 0 {
		return 0, fmt.Errorf("%w: no OriginalContent Length", ErrMalformedBody)
	}
	return length, nil
}

// lengthParam extracts Length=N from an OriginalContent header value such
// as "type=application/soap+xml;charset=UTF-8;Length=123".
func lengthParam(value string) (int, error) {
	for param := range strings.SplitSeq(value, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(param), "=")
		if !ok || !strings.EqualFold(k, "Length") {
			continue
		}
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < 0 {
			return 0, fmt.Errorf("%w: OriginalContent Length %q is not a byte count", ErrMalformedBody, v)
		}
		return n, nil
	}
	return 0, fmt.Errorf("%w: OriginalContent has no Length", ErrMalformedBody)
}

// IsEncrypted reports whether an HTTP Content-Type denotes an NTLM/SPNEGO
// encrypted body (multipart/encrypted with protocol Protocol).
func IsEncrypted(contentType string) bool {
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	return mediaType == "multipart/encrypted" && strings.EqualFold(params["protocol"], Protocol)
}
