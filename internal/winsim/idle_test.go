package winsim

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/masterzen/winrm"
)

// createWithIdle posts a Create asking for the given rsp:IdleTimeOut ("" =
// none) and returns the shell id and the IdleTimeOut the host answered.
func createWithIdle(t *testing.T, srv *Server, idle string) (id, answered string) {
	t.Helper()
	msg := winrm.NewOpenShellRequest(endpointURL(srv), nil)
	defer msg.Free()
	body := msg.String()
	if idle != "" {
		body = strings.Replace(body, "</rsp:Shell>", "<rsp:IdleTimeOut>"+idle+"</rsp:IdleTimeOut></rsp:Shell>", 1)
	}
	r := postRaw(t, endpointURL(srv), testUser, testPassword, body)
	if r.status != http.StatusOK {
		t.Fatalf("Create: HTTP %d: %s", r.status, r.body)
	}
	id, err := winrm.ParseOpenShellResponse(r.body)
	if err != nil {
		t.Fatal(err)
	}
	_, rest, _ := strings.Cut(r.body, "<rsp:IdleTimeOut>")
	answered, _, _ = strings.Cut(rest, "</rsp:IdleTimeOut>")
	return id, answered
}

func TestShellIdleTimeOutIsTheClientsUpToTheHosts(t *testing.T) {
	tests := []struct {
		name, asked string
		host        time.Duration
		want        string
	}{
		{"none asked: the host's default", "", 0, "PT7200.000S"},
		{"asked within the host's", "PT120S", 0, "PT120.000S"},
		{"asked beyond the host's", "PT600S", 5 * time.Second, "PT5.000S"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := startTestServer(t, func(o *Options) { o.ShellIdleTimeout = tt.host })
			if _, got := createWithIdle(t, srv, tt.asked); got != tt.want {
				t.Errorf("IdleTimeOut answered %q, want %q", got, tt.want)
			}
		})
	}
}

func TestIdleShellExpiresAndActiveShellStays(t *testing.T) {
	srv := startTestServer(t)
	idle, _ := createWithIdle(t, srv, "PT1S")
	active, _ := createWithIdle(t, srv, "PT1S")
	cmd := runCommand(t, srv, active, "hostname")
	for range 4 { // requests on the active shell keep it alive
		time.Sleep(400 * time.Millisecond)
		_ = receiveAll(t, srv, active, cmd)
	}
	got := srv.Counters()
	if got.ShellsExpired != 1 || got.ShellsOpen != 1 {
		t.Fatalf("after 1.6s: %d expired, %d open; want the idle shell expired and the active one open", got.ShellsExpired, got.ShellsOpen)
	}
	r := post(t, srv, winrm.NewDeleteShellRequest(endpointURL(srv), idle, nil))
	if f := parseFault(t, r.body); f.WSMan.Code != "2150858843" {
		t.Errorf("Delete of the expired shell: %+v, want the shell-not-found fault", f)
	}
}
