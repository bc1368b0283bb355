package winsim

import (
	"crypto/tls"
	"encoding/json"
	"encoding/pem"
	"io"
	"log"
	"net"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/winsim/model"
)

// The observable end state: a simulated service whose config,
// URL reservation and SSL binding are in place serves HTTPS with the bound
// certificate, so a test checks the result as the procedures do
// ("check the endpoint now serves that certificate"). The service's own
// port cannot be bound on loopback reliably (tests run in parallel, and
// ports below 1024 need privileges), so each endpoint listens on an
// ephemeral 127.0.0.1 port, and GET /winsim/endpoints maps one to the other.
// That mapping is the only way to find a listener, so the listeners are
// brought up to date with the host's state when it is read, not polled.

// EndpointInfo is one service endpoint as GET /winsim/endpoints lists it.
type EndpointInfo struct {
	Service    string `json:"service"`
	Port       int    `json:"port"`    // the port the service's URI names
	Address    string `json:"address"` // where the simulator serves it: 127.0.0.1:NNNNN
	Thumbprint string `json:"thumbprint"`
}

// endpointListener is one running TLS listener for a service endpoint.
type endpointListener struct {
	info EndpointInfo
	srv  *http.Server
	done chan struct{}
}

// endpointTable holds the running listeners, by service, port and
// certificate (a new certificate means a new listener).
type endpointTable struct {
	mu        sync.Mutex
	listeners map[string]*endpointListener
}

func endpointKey(ep model.Endpoint) string {
	return ep.Service + "|" + strconv.Itoa(ep.Port) + "|" + ep.Thumbprint + "|" + strings.Join(ep.Protocols, ",") +
		"|" + strconv.Itoa(len(ep.ChainDER)) // a chain the host completed later is sent from then on
}

// startEndpoints closes the endpoint listeners when the server closes.
func (s *Server) startEndpoints() {
	s.serving.Add(1)
	go func() {
		defer s.serving.Done()
		<-s.ctx.Done()
		s.endpoints.closeAll()
		s.plainEndpoints.closeAll()
	}()
}

// syncEndpoints starts a listener for each endpoint the host serves and
// stops those whose conditions no longer hold.
func (s *Server) syncEndpoints() []EndpointInfo { return s.syncEndpointsTo(s.host.HTTPSEndpoints()) }

// syncEndpointsTo brings the listeners up to date with served, the
// endpoints the host serves now.
func (s *Server) syncEndpointsTo(served []model.Endpoint) []EndpointInfo {
	want := map[string]wantedListener{}
	for _, ep := range served {
		want[endpointKey(ep)] = wantedListener{ep.Service, ep.Port, func() (*endpointListener, error) { return startEndpointListener(ep) }}
	}
	return s.endpoints.sync(s, "HTTPS", want)
}

// wantedListener is a listener a table should have: whose it is, and how
// to start it.
type wantedListener struct {
	service string
	port    int
	start   func() (*endpointListener, error)
}

// sync starts a listener for each wanted key the table lacks and stops
// those no longer wanted (a changed key is a new listener); it returns the
// listeners by service and port. scheme names them in the log.
func (t *endpointTable) sync(s *Server, scheme string, want map[string]wantedListener) []EndpointInfo {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.listeners == nil {
		t.listeners = map[string]*endpointListener{}
	}
	for key, l := range t.listeners {
		if _, ok := want[key]; !ok {
			l.close()
			delete(t.listeners, key)
			s.logf("winsim: service %s stopped serving %s on port %d", l.info.Service, scheme, l.info.Port)
		}
	}
	for key, w := range want {
		if _, ok := t.listeners[key]; ok || s.ctx.Err() != nil {
			continue
		}
		l, err := w.start()
		if err != nil {
			s.logf("winsim: service %s cannot serve %s on port %d: %v", w.service, scheme, w.port, err)
			continue
		}
		t.listeners[key] = l
		s.logf("winsim: service %s serves %s on port %d at %s", w.service, scheme, w.port, l.info.Address)
	}
	out := make([]EndpointInfo, 0, len(t.listeners))
	for _, l := range t.listeners {
		out = append(out, l.info)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Service != out[j].Service {
			return out[i].Service < out[j].Service
		}
		return out[i].Port < out[j].Port
	})
	return out
}

// startEndpointListener serves ep's certificate on an ephemeral loopback
// port, answering every request with the service's name.
func startEndpointListener(ep model.Endpoint) (*endpointListener, error) {
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ep.CertDER})
	pair, err := tls.X509KeyPair(certPEM, []byte(ep.KeyPEM))
	if err != nil {
		return nil, err
	}
	pair.Certificate = append(pair.Certificate, ep.ChainDER...)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	name := ep.Service
	srv := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			_, _ = io.WriteString(w, name)
		}),
		ReadHeaderTimeout: 10 * time.Second,
		// Clients that reject the certificate are part of the test, not news.
		ErrorLog: log.New(io.Discard, "", 0),
	}
	l := &endpointListener{
		info: EndpointInfo{Service: ep.Service, Port: ep.Port, Address: ln.Addr().String(), Thumbprint: ep.Thumbprint},
		srv:  srv,
		done: make(chan struct{}),
	}
	cfg := &tls.Config{Certificates: []tls.Certificate{pair}}
	applySChannel(cfg, ep.Protocols)
	tlsLn := tls.NewListener(ln, cfg)
	go func() {
		defer close(l.done)
		_ = srv.Serve(tlsLn) // ends with http.ErrServerClosed on close
	}()
	return l, nil
}

// close stops the listener and waits for it.
func (l *endpointListener) close() {
	_ = l.srv.Close()
	<-l.done
}

func (t *endpointTable) closeAll() {
	t.mu.Lock()
	defer t.mu.Unlock()
	for key, l := range t.listeners {
		l.close()
		delete(t.listeners, key)
	}
}

// serveEndpoints answers GET /winsim/endpoints (admin credentials) with
// the endpoints the host serves now.
func (s *Server) serveEndpoints(w http.ResponseWriter, r *http.Request) {
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
	data, err := json.Marshal(s.syncEndpoints())
	if err != nil {
		writeJSONError(w, http.StatusInternalServerError, err)
		return
	}
	writeJSON(w, http.StatusOK, data)
}

// Endpoints lists the service endpoints the simulator serves now.
func (s *Server) Endpoints() []EndpointInfo { return s.syncEndpoints() }
