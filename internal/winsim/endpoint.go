package winsim

import (
	"io"
	"net"
	"net/http"
	"strings"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/wsmv"
)

// maxEnvelopeBytes is the server's MaxEnvelopeSizekb: 500 KB by default on
// Windows Server 2012 R2 and later (Installation and Configuration for
// Windows Remote Management, "MaxEnvelopeSizekb"). Larger requests get HTTP
// 413, as Windows answers them (reported by Ansible and masterzen/winrm users).
const maxEnvelopeBytes = 500 * 1024

// maxBodyBytes bounds what is read of any request body.
const maxBodyBytes = 4 * maxEnvelopeBytes

// serveWSMan serves POST /wsman.
func (s *Server) serveWSMan(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	if err != nil {
		return
	}
	who, ok := s.authenticate(w, r)
	if !ok {
		return
	}
	if r.Method != http.MethodPost {
		writeEmpty(w, http.StatusMethodNotAllowed)
		return
	}
	if len(body) > maxBodyBytes {
		writeEmpty(w, http.StatusRequestEntityTooLarge)
		return
	}
	if s.faults.http500() {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte("simulated server error (winsim fault injection)\n"))
		return
	}
	encrypted := wsmv.IsEncrypted(r.Header.Get("Content-Type"))
	soap := body
	switch {
	case encrypted && who.session == nil:
		writeEmpty(w, http.StatusBadRequest)
		return
	case encrypted:
		if soap, err = wsmv.Decrypt(who.session, body); err != nil {
			s.logf("winsim: cannot decrypt request: %v", err)
			writeEmpty(w, http.StatusBadRequest)
			return
		}
	case len(body) == 0 && who.session != nil:
		// A client sets up message encryption with an empty POST after the
		// NTLM handshake (pywinrm's setup_encryption).
		writeEmpty(w, http.StatusOK)
		return
	}
	// A plain-text SOAP body on an NTLM connection over HTTP, and Basic
	// over HTTP, are accepted: the simulator behaves like a host with
	// AllowUnencrypted=true. Windows' default (AllowUnencrypted=false)
	// would refuse them; clients must not rely on that here.
	if len(soap) > maxEnvelopeBytes {
		writeEmpty(w, http.StatusRequestEntityTooLarge)
		return
	}
	status, reply := s.handleSOAP(r, who, soap)
	// The answer's way back: a client that gives up now loses the answer
	// of an operation the host has done, as it does with Windows.
	if !sleepUnlessDone(r.Context(), s.opts.Latency-s.opts.Latency/2) {
		return
	}
	if encrypted {
		w.Header().Set("Content-Type", wsmv.ContentType)
		reply = wsmv.Encrypt(who.session, reply)
	} else {
		w.Header().Set("Content-Type", soapContentType)
	}
	w.WriteHeader(status)
	_, _ = w.Write(reply)
}

// writeEmpty answers with a status and no body.
func writeEmpty(w http.ResponseWriter, status int) {
	w.Header().Set("Content-Type", soapContentType)
	w.Header().Set("Content-Length", "0")
	w.WriteHeader(status)
}

// handleSOAP runs one WS-Management operation and returns the HTTP status
// and the SOAP reply (a response or a fault).
func (s *Server) handleSOAP(r *http.Request, who principal, soap []byte) (int, []byte) {
	machine := hostOnly(r.Host)
	req, err := parseRequest(soap)
	if err != nil {
		s.logf("winsim: %v", err)
		f := faultInvalidMessage()
		return f.httpStatus, f.render("", machine)
	}
	op := &operation{ctx: r.Context(), req: req, user: who.user, clientIP: hostOnly(r.RemoteAddr),
		address: scheme(r) + "://" + r.Host + "/wsman"}
	reply, f := s.dispatch(op)
	if op.shell != nil {
		op.shell.end()
	}
	action := req.Header.Action[strings.LastIndex(req.Header.Action, "/")+1:]
	if f != nil {
		s.logf("winsim: %s -> fault %s %d", action, f.subcode, f.faultCode)
		return f.httpStatus, f.render(req.Header.MessageID, machine)
	}
	s.logf("winsim: %s -> 200", action)
	return http.StatusOK, reply
}

// dispatch runs the operation the request's Action names.
func (s *Server) dispatch(op *operation) ([]byte, *wsmanFault) {
	if !strings.EqualFold(op.req.Header.ResourceURI, resourceURICmd) {
		return nil, faultResourceNotFound()
	}
	switch op.req.Header.Action {
	case actionCreate:
		return s.handleCreate(op)
	case actionDelete:
		return s.handleDelete(op)
	case actionCommand:
		return s.handleCommand(op)
	case actionSend:
		return s.handleSend(op)
	case actionReceive:
		return s.handleReceive(op)
	case actionSignal:
		return s.handleSignal(op)
	}
	return nil, faultUnsupported()
}

// hostOnly strips the port from "host:port".
func hostOnly(hostport string) string {
	if host, _, err := net.SplitHostPort(hostport); err == nil {
		return host
	}
	return hostport
}

func scheme(r *http.Request) string {
	if r.TLS != nil {
		return "https"
	}
	return "http"
}
