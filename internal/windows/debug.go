package windows

import (
	"context"
	"encoding/base64"
)

// Payload is what the debug ops return: data as base64 and the SHA-256 (hex)
// of the decoded bytes, computed on the host.
type Payload struct {
	Data   string `json:"data"`
	SHA256 string `json:"sha256"`
	// Text is the text DebugEchoText sent, as the host returned it.
	Text string `json:"text,omitempty"`
}

// DebugEcho sends data to the host and returns what the host received, so a
// caller can prove a payload arrives byte-exact.
func (h *Host) DebugEcho(ctx context.Context, data []byte) (Payload, error) {
	var p Payload
	args := map[string]string{"data": base64.StdEncoding.EncodeToString(data)}
	err := h.call(ctx, "debug.echo", args, &p)
	return p, err
}

// DebugEchoText sends text to the host and returns it as the host answers
// it inside its envelope, so a caller can prove any text value round-trips.
func (h *Host) DebugEchoText(ctx context.Context, text string) (string, error) {
	var p Payload
	args := map[string]string{"data": "", "text": text}
	err := h.call(ctx, "debug.echo", args, &p)
	return p.Text, err
}

// DebugEmit asks the host for n deterministic bytes (see debug.ps1), so a
// caller can prove large output comes back intact.
func (h *Host) DebugEmit(ctx context.Context, n int) (Payload, error) {
	var p Payload
	err := h.call(ctx, "debug.emit", map[string]int{"bytes": n}, &p)
	return p, err
}
