package model

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
)

// The debug ops exist so that transport tests can prove large payloads
// cross the wire intact in both directions; internal/windows ships the same
// ops in debug.ps1 for runs against a real host.

// debugEcho answers {"data": D, "sha256": hex} for args {"data": D} where D
// is base64: the hash is of the decoded bytes, so a test can check that the
// request arrived byte-exact. An optional "text" comes back as it is, as
// text values (app settings, URLs) do in other ops' results.
func debugEcho(_ *Host, args json.RawMessage) (any, error) {
	var in struct {
		Data string  `json:"data"`
		Text *string `json:"text"`
	}
	if err := json.Unmarshal(args, &in); err != nil {
		return nil, &OpError{Code: 87, Message: fmt.Sprintf("debug.echo: arguments: %v", err)}
	}
	raw, err := base64.StdEncoding.DecodeString(in.Data)
	if err != nil {
		return nil, &OpError{Code: 87, Message: fmt.Sprintf("debug.echo: data is not base64: %v", err)}
	}
	sum := sha256.Sum256(raw)
	out := map[string]string{"data": in.Data, "sha256": hex.EncodeToString(sum[:])}
	if in.Text != nil {
		out["text"] = *in.Text
	}
	return out, nil
}

// maxEmitBytes bounds debug.emit so a test cannot exhaust memory by mistake.
const maxEmitBytes = 64 << 20

// debugEmit answers {"data": base64 of N deterministic bytes, "sha256": hex}
// for args {"bytes": N}: byte i is i*7+i/251 mod 256, so truncation, reordering
// or a lost chunk anywhere changes the hash.
func debugEmit(_ *Host, args json.RawMessage) (any, error) {
	var in struct {
		Bytes int `json:"bytes"`
	}
	if err := json.Unmarshal(args, &in); err != nil {
		return nil, &OpError{Code: 87, Message: fmt.Sprintf("debug.emit: arguments: %v", err)}
	}
	if in.Bytes < 0 || in.Bytes > maxEmitBytes {
		return nil, &OpError{Code: 87, Message: fmt.Sprintf("debug.emit: bytes must be 0..%d", maxEmitBytes)}
	}
	data := DebugEmitData(in.Bytes)
	sum := sha256.Sum256(data)
	return map[string]string{"data": base64.StdEncoding.EncodeToString(data), "sha256": hex.EncodeToString(sum[:])}, nil
}

// DebugEmitData returns the n deterministic bytes debug.emit sends.
func DebugEmitData(n int) []byte {
	data := make([]byte, n)
	for i := range data {
		data[i] = byte(i*7 + i/251)
	}
	return data
}
