package winsim

import (
	"encoding/json"
	"io"
	"log"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/winsim/model"
)

// The plain-HTTP side of the observable end state: a running service whose
// URI is http serves plain HTTP, so a test or demo can prove that a
// rollback leaves the service serving what it served before. As for the
// HTTPS endpoints (endpoints.go), each listens on an ephemeral 127.0.0.1
// port, GET /winsim/http-endpoints maps one to the other, and the listeners
// are brought up to date when that list is read.

// syncPlainEndpoints starts a plain-HTTP listener for each endpoint the host
// serves and stops the others.
func (s *Server) syncPlainEndpoints() []EndpointInfo {
	want := map[string]wantedListener{}
	for _, ep := range s.host.PlainHTTPEndpoints() {
		want[ep.Service+"|"+strconv.Itoa(ep.Port)] = wantedListener{ep.Service, ep.Port, func() (*endpointListener, error) { return startPlainListener(ep) }}
	}
	return s.plainEndpoints.sync(s, "HTTP", want)
}

// startPlainListener serves plain HTTP on an ephemeral loopback port,
// answering every request with the service's name.
func startPlainListener(ep model.PlainEndpoint) (*endpointListener, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	name := ep.Service
	l := &endpointListener{
		info: EndpointInfo{Service: ep.Service, Port: ep.Port, Address: ln.Addr().String()},
		srv: &http.Server{
			Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "text/plain; charset=utf-8")
				_, _ = io.WriteString(w, name)
			}),
			ReadHeaderTimeout: 10 * time.Second,
			ErrorLog:          log.New(io.Discard, "", 0),
		},
		done: make(chan struct{}),
	}
	go func() {
		defer close(l.done)
		_ = l.srv.Serve(ln) // ends with http.ErrServerClosed on close
	}()
	return l, nil
}

// servePlainEndpoints answers GET /winsim/http-endpoints (admin
// credentials) with the plain-HTTP endpoints the host serves now.
func (s *Server) servePlainEndpoints(w http.ResponseWriter, r *http.Request) {
	if _, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes)); err != nil {
		return
	}
	if _, ok := s.authenticate(w, r); !ok {
		return
	}
	if r.Method != http.MethodGet {
		writeJSONError(w, http.StatusMethodNotAllowed, errString("method "+r.Method+" not allowed on "+r.URL.Path))
		return
	}
	data, err := json.Marshal(s.syncPlainEndpoints())
	if err != nil {
		writeJSONError(w, http.StatusInternalServerError, err)
		return
	}
	writeJSON(w, http.StatusOK, data)
}

// PlainEndpoints lists the plain-HTTP endpoints the simulator serves now.
func (s *Server) PlainEndpoints() []EndpointInfo { return s.syncPlainEndpoints() }
