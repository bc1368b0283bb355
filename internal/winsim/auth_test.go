package winsim

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/masterzen/winrm"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/ntlm"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/wsmv"
)

func createShellSOAP(srv *Server) string {
	msg := winrm.NewOpenShellRequest(endpointURL(srv), nil)
	defer msg.Free()
	return msg.String()
}

func TestUnauthorizedOffersWindowsSchemes(t *testing.T) {
	srv := startTestServer(t)
	tests := []struct{ name, user, password string }{
		{"no credentials", "", ""},
		{"wrong password", testUser, "wrong"},
		{"unknown user", "alice", testPassword},
		{"other domain", `CORP\` + testUser, testPassword},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := postRaw(t, endpointURL(srv), tc.user, tc.password, createShellSOAP(srv))
			if r.status != http.StatusUnauthorized || r.contentType != "" || r.body != "" {
				t.Fatalf("HTTP %d Content-Type %q body %q", r.status, r.contentType, r.body)
			}
			want := []string{"Negotiate", `Basic realm="WSMAN"`}
			if got := r.header.Values("WWW-Authenticate"); !slices.Equal(got, want) {
				t.Fatalf("WWW-Authenticate %q, want %q", got, want)
			}
		})
	}
	if got := srv.Counters().ShellsCreated; got != 0 {
		t.Fatalf("shells_created = %d after refused requests", got)
	}
}

func TestBasicAcceptsLocalAccountForms(t *testing.T) {
	srv := startTestServer(t)
	for _, user := range []string{testUser, "administrator", `.\` + testUser, testHostname + `\` + testUser, `sage300\ADMINISTRATOR`} {
		t.Run(user, func(t *testing.T) {
			r := postRaw(t, endpointURL(srv), user, testPassword, createShellSOAP(srv))
			if r.status != http.StatusOK {
				t.Fatalf("HTTP %d %s", r.status, r.body)
			}
		})
	}
}

// ntlmConn is one TCP connection to the endpoint, as an NTLM client keeps it.
type ntlmConn struct {
	t    *testing.T
	conn net.Conn
	br   *bufio.Reader
	addr string
}

func dialNTLM(t *testing.T, srv *Server) *ntlmConn {
	t.Helper()
	conn, err := net.Dial("tcp", srv.HTTPAddr())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return &ntlmConn{t: t, conn: conn, br: bufio.NewReader(conn), addr: srv.HTTPAddr()}
}

// post sends one request on the connection.
func (c *ntlmConn) post(authorization, contentType string, body []byte) (*http.Response, []byte) {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodPost, "http://"+c.addr+"/wsman", bytes.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	if err := req.Write(c.conn); err != nil {
		c.t.Fatalf("write request: %v", err)
	}
	resp, err := http.ReadResponse(c.br, req)
	if err != nil {
		c.t.Fatalf("read response: %v", err)
	}
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		c.t.Fatal(err)
	}
	return resp, data
}

// handshake authenticates the connection and returns the session.
func (c *ntlmConn) handshake(scheme, password string) (*ntlm.Session, *http.Response) {
	c.t.Helper()
	client := ntlm.NewClient(ntlm.ClientConfig{User: testUser, Password: password})
	resp, _ := c.post(scheme+" "+base64.StdEncoding.EncodeToString(client.Negotiate()), soapContentType, nil)
	challenge, ok := strings.CutPrefix(resp.Header.Get("WWW-Authenticate"), scheme+" ")
	if resp.StatusCode != http.StatusUnauthorized || !ok {
		c.t.Fatalf("negotiate: HTTP %d WWW-Authenticate %q", resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
	}
	raw, err := base64.StdEncoding.DecodeString(challenge)
	if err != nil {
		c.t.Fatal(err)
	}
	auth, session, err := client.Authenticate(raw)
	if err != nil {
		c.t.Fatalf("client Authenticate: %v", err)
	}
	resp, body := c.post(scheme+" "+base64.StdEncoding.EncodeToString(auth), soapContentType, nil)
	if resp.StatusCode == http.StatusOK && len(body) != 0 {
		c.t.Fatalf("empty POST after NTLM answered %q", body)
	}
	return session, resp
}

func TestNTLMWithMessageEncryption(t *testing.T) {
	for _, scheme := range []string{"Negotiate", "NTLM"} {
		t.Run(scheme, func(t *testing.T) {
			srv := startTestServer(t)
			c := dialNTLM(t, srv)
			session, resp := c.handshake(scheme, testPassword)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("authenticate: HTTP %d", resp.StatusCode)
			}
			// Encrypted Create, no Authorization header: the connection is authenticated.
			resp, body := c.post("", wsmv.ContentType, wsmv.Encrypt(session, []byte(createShellSOAP(srv))))
			if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != wsmv.ContentType {
				t.Fatalf("encrypted Create: HTTP %d Content-Type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			plain, err := wsmv.Decrypt(session, body)
			if err != nil {
				t.Fatalf("decrypt response: %v", err)
			}
			shellID, err := winrm.ParseOpenShellResponse(string(plain))
			if err != nil {
				t.Fatalf("Create response: %v", err)
			}
			// Faults are encrypted too.
			msg := winrm.NewDeleteShellRequest(endpointURL(srv), "00000000-0000-0000-0000-000000000000", nil)
			resp, body = c.post("", wsmv.ContentType, wsmv.Encrypt(session, []byte(msg.String())))
			msg.Free()
			plain, err = wsmv.Decrypt(session, body)
			if resp.StatusCode != http.StatusInternalServerError || err != nil || parseFault(t, string(plain)).WSMan.Code != "2150858843" {
				t.Fatalf("encrypted fault: HTTP %d %v %s", resp.StatusCode, err, plain)
			}
			// The simulator, unlike Windows' AllowUnencrypted=false default, accepts plain text.
			msg = winrm.NewDeleteShellRequest(endpointURL(srv), shellID, nil)
			resp, body = c.post("", soapContentType, []byte(msg.String()))
			msg.Free()
			if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != soapContentType {
				t.Fatalf("plain Delete: HTTP %d %s", resp.StatusCode, body)
			}
		})
	}
}

func TestNTLMIsPerConnection(t *testing.T) {
	srv := startTestServer(t)
	dialNTLM(t, srv).handshake("Negotiate", testPassword)
	resp, _ := dialNTLM(t, srv).post("", soapContentType, []byte(createShellSOAP(srv)))
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("unauthenticated connection: HTTP %d", resp.StatusCode)
	}
}

func TestNTLMWrongPassword(t *testing.T) {
	srv := startTestServer(t)
	c := dialNTLM(t, srv)
	_, resp := c.handshake("Negotiate", "wrong")
	if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("Content-Type") != "" {
		t.Fatalf("wrong password: HTTP %d Content-Type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	resp, _ = c.post("", soapContentType, []byte(createShellSOAP(srv)))
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("after failed logon: HTTP %d", resp.StatusCode)
	}
}
