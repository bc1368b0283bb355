package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a stderr the server goroutine and the test share.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

// waitFile waits for a file the server writes when ready.
func waitFile(t *testing.T, path string, exited <-chan int) []byte {
	t.Helper()
	deadline := time.After(20 * time.Second)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		if data, err := os.ReadFile(path); err == nil {
			return data
		}
		select {
		case code := <-exited:
			t.Fatalf("winsim exited with %d before writing %s", code, path)
		case <-deadline:
			t.Fatalf("%s not written", path)
		case <-tick.C:
		}
	}
}

func TestServesUntilCancelled(t *testing.T) {
	dir := t.TempDir()
	addrFile, caFile := filepath.Join(dir, "addr.json"), filepath.Join(dir, "ca.pem")
	ctx, cancel := context.WithCancel(t.Context())
	exited := make(chan int, 1)
	var stderr syncBuffer
	go func() {
		exited <- run(ctx, []string{"-listen", "127.0.0.1:0", "-tls-listen", "127.0.0.1:0", "-tls-ca-out", caFile,
			"-addr-out", addrFile, "-hostname", "BPA01", "-user", "svc"}, env(map[string]string{"WINSIM_PASSWORD": "s3cret"}), &stderr)
	}()
	var addrs struct{ HTTP, HTTPS string }
	if err := json.Unmarshal(waitFile(t, addrFile, exited), &addrs); err != nil || addrs.HTTP == "" || addrs.HTTPS == "" {
		t.Fatalf("address file: %+v %v", addrs, err)
	}
	pool := x509.NewCertPool()
	data, err := os.ReadFile(caFile)
	if err != nil || !pool.AppendCertsFromPEM(data) {
		t.Fatalf("CA file: %v", err)
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	for _, url := range []string{"http://" + addrs.HTTP + "/winsim/state", "https://" + addrs.HTTPS + "/winsim/state"} {
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		req.SetBasicAuth("svc", "s3cret")
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("GET %s: %v", url, err)
		}
		var state struct{ Hostname string }
		err = json.NewDecoder(resp.Body).Decode(&state)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || err != nil || state.Hostname != "BPA01" {
			t.Fatalf("GET %s: HTTP %d %+v %v", url, resp.StatusCode, state, err)
		}
	}
	cancel()
	select {
	case code := <-exited:
		if code != 0 {
			t.Fatalf("exit code %d: %s", code, stderr.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("winsim did not stop")
	}
	if strings.Contains(stderr.String(), "s3cret") {
		t.Fatalf("password in output: %s", stderr.String())
	}
}

func TestRefusesBadCommandLines(t *testing.T) {
	withPassword := env(map[string]string{"WINSIM_PASSWORD": "pw"})
	tests := []struct {
		name     string
		args     []string
		getenv   func(string) string
		exitCode int
		message  string
	}{
		{"no password", []string{"-listen", "127.0.0.1:0"}, env(nil), 2, "a password is required"},
		{"non-loopback HTTP", []string{"-listen", "0.0.0.0:0"}, withPassword, 1, "not a loopback address"},
		{"non-loopback HTTPS", []string{"-listen", "", "-tls-listen", "10.1.2.3:5986"}, withPassword, 1, "not a loopback address"},
		{"nothing to listen on", []string{"-listen", ""}, withPassword, 2, "nothing to listen on"},
		{"CA without HTTPS", []string{"-listen", "127.0.0.1:0", "-tls-ca-out", "x.pem"}, withPassword, 1, "-tls-ca-out needs -tls-listen"},
		{"stray argument", []string{"-listen", "127.0.0.1:0", "extra"}, withPassword, 2, "unexpected arguments"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stderr syncBuffer
			code := run(t.Context(), tc.args, tc.getenv, &stderr)
			if code != tc.exitCode || !strings.Contains(stderr.String(), tc.message) {
				t.Fatalf("exit %d, stderr %q; want %d and %q", code, stderr.String(), tc.exitCode, tc.message)
			}
		})
	}
}

func TestHelpDocumentsEveryFlag(t *testing.T) {
	var stderr syncBuffer
	if code := run(t.Context(), []string{"-h"}, env(nil), &stderr); code != 0 {
		t.Fatalf("-h exit code %d", code)
	}
	for _, flag := range []string{"-listen", "-tls-listen", "-tls-ca-out", "-user", "-password", "-hostname", "-scenario", "-addr-out", "-latency", "-ps-start", "WINSIM_PASSWORD"} {
		if !strings.Contains(stderr.String(), flag) {
			t.Errorf("-h output lacks %s:\n%s", flag, stderr.String())
		}
	}
}

func TestWriteFileAtomic(t *testing.T) {
	path := filepath.Join(t.TempDir(), "addr.json")
	if err := writeFileAtomic(path, []byte("one")); err != nil {
		t.Fatal(err)
	}
	if err := writeFileAtomic(path, []byte("two")); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	entries, _ := os.ReadDir(filepath.Dir(path))
	if err != nil || string(data) != "two" || len(entries) != 1 {
		t.Fatalf("content %q, %d files, %v", data, len(entries), err)
	}
	if err := writeFileAtomic(filepath.Join(path, "sub", "x"), nil); err == nil {
		t.Fatal("writing under a file succeeded")
	}
}
