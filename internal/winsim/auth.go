package winsim

import (
	"context"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"net"
	"net/http"
	"strings"
	"sync"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/ntlm"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/winsim/model"
)

// soapContentType is the Content-Type of every WinRM reply.
const soapContentType = "application/soap+xml;charset=UTF-8"

// connState is the NTLM state of one TCP connection: NTLM authenticates
// the connection, not a request ([MS-NTHT] 2.2.2), and the session keys
// live as long as it.
type connState struct {
	mu      sync.Mutex
	pending *ntlm.PendingAuth
	session *ntlm.Session
	user    string
}

type connStateKey struct{}

// withConnState gives each accepted connection its own NTLM state
// (http.Server.ConnContext).
func withConnState(ctx context.Context, _ net.Conn) context.Context {
	return context.WithValue(ctx, connStateKey{}, &connState{})
}

func connStateOf(r *http.Request) *connState {
	if cs, ok := r.Context().Value(connStateKey{}).(*connState); ok {
		return cs
	}
	return &connState{}
}

// principal is who a request is authenticated as.
type principal struct {
	user    string        // canonical account name
	session *ntlm.Session // the connection's NTLM session, nil for Basic
}

// newNTLMServer is the host's NTLM acceptor: a workgroup machine, whose
// NetBIOS domain is its computer name, with one local account.
func newNTLMServer(host *model.Host, opts Options) *ntlm.Server {
	name := strings.ToUpper(host.Hostname())
	if len(name) > 15 {
		name = name[:15] // NetBIOS names are at most 15 characters
	}
	return &ntlm.Server{
		NetBIOSComputer: name,
		NetBIOSDomain:   name,
		DNSComputer:     strings.ToLower(host.Hostname()),
		Password:        func(user string) (string, bool) { return accountPassword(host, opts, user) },
	}
}

// accountPassword returns the password of a local account that may log on:
// the administrator of Options, or a scenario user with a password.
func accountPassword(host *model.Host, opts Options, user string) (string, bool) {
	if strings.EqualFold(user, opts.User) {
		return opts.Password, true
	}
	return host.LocalPassword(user)
}

// authenticate returns the request's principal, or answers 401 and returns
// false. Basic is checked per request; Negotiate/NTLM runs its handshake
// over the connection and then covers every later request on it.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request) (principal, bool) {
	cs := connStateOf(r)
	scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	switch strings.ToLower(scheme) {
	case "basic":
		if user, ok := s.checkBasic(token); ok {
			return principal{user: user}, true
		}
		s.logf("winsim: Basic logon failure")
	case "negotiate", "ntlm":
		return s.negotiate(w, cs, scheme, strings.TrimSpace(token))
	case "":
		cs.mu.Lock()
		p := principal{user: cs.user, session: cs.session}
		cs.mu.Unlock()
		if p.session != nil {
			return p, true
		}
	}
	writeUnauthorized(w, "")
	return principal{}, false
}

// checkBasic verifies Basic credentials against the local accounts. The user may
// be written "user", ".\user" or "HOST\user", as Windows accepts for local
// accounts.
func (s *Server) checkBasic(token string) (string, bool) {
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(token))
	if err != nil {
		return "", false
	}
	user, password, ok := strings.Cut(string(raw), ":")
	if !ok {
		return "", false
	}
	if domain, name, qualified := strings.Cut(user, `\`); qualified {
		if domain != "." && !strings.EqualFold(domain, s.host.Hostname()) {
			return "", false
		}
		user = name
	}
	want, known := accountPassword(s.host, s.opts, user)
	passwordOK := subtle.ConstantTimeCompare([]byte(password), []byte(want)) == 1
	return user, known && passwordOK
}

// negotiate runs one leg of the NTLM handshake, carried raw in
// "Negotiate" (as pywinrm and Windows clients send it) or "NTLM".
func (s *Server) negotiate(w http.ResponseWriter, cs *connState, scheme, token string) (principal, bool) {
	msg, err := base64.StdEncoding.DecodeString(token)
	if err != nil {
		writeUnauthorized(w, "")
		return principal{}, false
	}
	cs.mu.Lock()
	defer cs.mu.Unlock()
	switch ntlmMessageType(msg) {
	case 1: // NEGOTIATE_MESSAGE: answer the challenge on this connection.
		challenge, pending, err := s.ntlm.Challenge(msg)
		if err != nil {
			s.logf("winsim: NTLM negotiate rejected: %v", err)
			break
		}
		cs.pending, cs.session, cs.user = pending, nil, ""
		writeUnauthorized(w, scheme+" "+base64.StdEncoding.EncodeToString(challenge))
		return principal{}, false
	case 3: // AUTHENTICATE_MESSAGE: verify it against the pending challenge.
		pending := cs.pending
		cs.pending = nil
		if pending == nil {
			break
		}
		id, session, err := pending.Authenticate(msg)
		if err != nil {
			s.logf("winsim: NTLM logon failure: %v", err)
			break
		}
		s.counters.ntlmLogons.Add(1)
		cs.session, cs.user = session, id.User
		return principal{user: cs.user, session: session}, true
	}
	writeUnauthorized(w, "")
	return principal{}, false
}

// ntlmMessageType returns the MessageType of an NTLM message ([MS-NLMP]
// 2.2.1), or 0 if msg is not one (e.g. a SPNEGO-wrapped Kerberos token).
func ntlmMessageType(msg []byte) uint32 {
	if len(msg) < 12 || string(msg[:8]) != "NTLMSSP\x00" {
		return 0
	}
	return binary.LittleEndian.Uint32(msg[8:12])
}

// writeUnauthorized answers 401 as Windows does. Without a challenge it
// offers what a WinRM listener with Basic enabled offers:
// "WWW-Authenticate: Negotiate" and "WWW-Authenticate: Basic realm="WSMAN"",
// with an empty body and no Content-Type (headers as captured from Windows
// in published curl traces: Server, WWW-Authenticate, Date, Content-Length:
// 0). The missing Content-Type is what makes masterzen/winrm report every
// 401 as "http response error: 401 - invalid content type"; clients must
// cope with it, so the simulator does not add one.
func writeUnauthorized(w http.ResponseWriter, challenge string) {
	h := w.Header()
	if challenge != "" {
		h.Set("WWW-Authenticate", challenge)
	} else {
		h.Add("WWW-Authenticate", "Negotiate")
		h.Add("WWW-Authenticate", `Basic realm="WSMAN"`)
	}
	h.Set("Content-Length", "0")
	w.WriteHeader(http.StatusUnauthorized)
}
