package acctest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"
)

// SimState returns the simulated host's state document, read through the
// simulator's admin API (GET /winsim/state) with the administrator's
// credentials, as a tool outside Terraform would see the host.
func (h *Host) SimState(t *testing.T) map[string]any {
	t.Helper()
	body := h.simAdmin(t, http.MethodGet, nil)
	var state map[string]any
	if err := json.Unmarshal(body, &state); err != nil {
		t.Fatalf("admin API: decode state: %v", err)
	}
	return state
}

// PutSimState replaces the simulated host's state (PUT /winsim/state): the
// way tests change a host behind Terraform's back.
func (h *Host) PutSimState(t *testing.T, state map[string]any) {
	t.Helper()
	data, err := json.Marshal(state)
	if err != nil {
		t.Fatalf("admin API: encode state: %v", err)
	}
	h.simAdmin(t, http.MethodPut, data)
}

// EditSimState reads the state, lets edit change it and writes it back.
func (h *Host) EditSimState(t *testing.T, edit func(state map[string]any)) {
	t.Helper()
	state := h.SimState(t)
	edit(state)
	h.PutSimState(t, state)
}

// IsSim reports whether the host is the simulator, whose admin API the
// Sim* methods need.
func (h *Host) IsSim() bool { return h.Sim != nil }

// simAdmin sends one admin API request with Basic authentication over the
// simulator's loopback HTTP listener.
func (h *Host) simAdmin(t *testing.T, method string, body []byte) []byte {
	t.Helper()
	if h.Sim == nil {
		t.Fatal("the simulator admin API is used against a real host; guard the step with SkipFunc: acctest.NotSim(host)")
	}
	req, err := http.NewRequest(method, "http://"+h.Sim.HTTPAddr()+"/winsim/state", bytes.NewReader(body))
	if err != nil {
		t.Fatalf("admin API: %v", err)
	}
	req.SetBasicAuth(h.Username, h.Password)
	req.Header.Set("Content-Type", "application/json")
	client := &http.Client{Timeout: 30 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("admin API %s /winsim/state: %v", method, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("admin API %s /winsim/state: read: %v", method, err)
	}
	if resp.StatusCode/100 != 2 {
		t.Fatalf("admin API %s /winsim/state: %s: %s", method, resp.Status, data)
	}
	return data
}

// NotSim returns a TestStep SkipFunc that skips steps needing the
// simulator's admin API when the tests run against a real host.
func NotSim(h *Host) func() (bool, error) {
	return func() (bool, error) { return h.Sim == nil, nil }
}

// StateList returns the list under key of a state document (for example
// "urlacls"), as JSON objects.
func StateList(t *testing.T, state map[string]any, key string) []map[string]any {
	t.Helper()
	raw, _ := state[key].([]any)
	out := make([]map[string]any, 0, len(raw))
	for i, item := range raw {
		obj, ok := item.(map[string]any)
		if !ok {
			t.Fatalf("state %s[%d] is %T, not an object", key, i, item)
		}
		out = append(out, obj)
	}
	return out
}

// FormatJSON renders v for a failure message.
func FormatJSON(v any) string {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(data)
}
