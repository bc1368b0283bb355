// Package winsim is a simulated Windows host behind a real WS-Management
// endpoint: HTTP and HTTPS listeners on loopback, Basic and NTLM
// authentication verified for real, NTLM message encryption ([MS-WSMV]
// 2.2.9.1), and the Windows Remote Shell operations (Create, Command, Send,
// Receive, Signal, Delete) answered as Windows answers them. Commands run
// against a host model (internal/winsim/model); see PROTOCOL.md.
package winsim

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/ntlm"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/winsim/model"
)

// Options configure a simulated host.
type Options struct {
	// Hostname, User and Password: the host's computer name (overrides the
	// scenario's) and the administrator account WinRM and /winsim/ accept.
	Hostname, User, Password string
	HTTPAddr                 string // e.g. "127.0.0.1:0"; "" = no HTTP listener
	TLSAddr                  string // "" = no HTTPS listener
	// Latency is added per HTTP request: half before the request is
	// handled (its way to the host) and half before the answer is written
	// (its way back).
	Latency time.Duration
	PSStart time.Duration // added per powershell.exe process start
	// AddType is the C# compile (csc.exe, as Add-Type runs it) the first op
	// pays when the host compiles the agent; later processes load the
	// cached assembly for assemblyLoadCost (host.ps1). The simulator's own
	// compile (mcs, cached on the machine) is real time and not modelled.
	AddType time.Duration
	// NoAssemblyCache makes every process compile, as host.ps1 does when
	// the cache folder cannot be trusted: the baseline of the benchmark.
	NoAssemblyCache bool
	// ShellIdleTimeout is the host's winrs IdleTimeout: the longest a shell
	// may stay idle (default two hours, Windows' default).
	ShellIdleTimeout time.Duration
	Scenario         []byte // JSON host fixture (model state), may be nil
	// Logf, if set, receives one line per request (never credentials or
	// request payloads).
	Logf func(format string, args ...any)
}

// Server is a running simulated host.
type Server struct {
	opts     Options
	host     *model.Host
	ntlm     *ntlm.Server
	tls      *serverTLS
	shells   shellTable
	counters counters
	faults   faultState
	// plainEndpoints are the simulated services' plain-HTTP listeners
	// (plain_endpoints.go).
	plainEndpoints endpointTable
	// endpoints are the simulated services' HTTPS listeners (endpoints.go).
	endpoints endpointTable
	// peers are the other simulated hosts this one reaches (peers.go).
	peers peerTable
	// agents are the host agent's running processes (agentproc.go).
	agents agentTable
	// assemblyReady is when the first compile of the HTTP.sys declarations
	// put the assembly in the host's cache (zero: never compiled).
	assemblyMu    sync.Mutex
	assemblyReady time.Time

	ctx     context.Context // cancelled by Close
	cancel  context.CancelFunc
	servers []*http.Server
	addrs   map[string]string // "http"/"https" -> bound address
	procs   sync.WaitGroup    // running simulated processes
	serving sync.WaitGroup
	closing sync.Once
}

// Start starts the listeners and returns when they accept connections.
func Start(opts Options) (*Server, error) {
	if opts.User == "" || opts.Password == "" {
		return nil, errors.New("winsim: Options.User and Options.Password are required")
	}
	if opts.HTTPAddr == "" && opts.TLSAddr == "" {
		return nil, errors.New("winsim: set Options.HTTPAddr or Options.TLSAddr (or both)")
	}
	host, err := newHost(opts.Scenario, opts.Hostname)
	if err != nil {
		return nil, fmt.Errorf("winsim: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{opts: opts, host: host, ctx: ctx, cancel: cancel, addrs: map[string]string{},
		shells: shellTable{shells: map[string]*shell{}}}
	s.ntlm = newNTLMServer(host, opts)
	if err := s.listenAll(); err != nil {
		_ = s.Close()
		return nil, err
	}
	s.startEndpoints()
	s.serving.Add(1)
	go s.expireShells()
	return s, nil
}

// newHost builds the host model from the scenario, with Hostname (if set)
// replacing the scenario's.
func newHost(scenario []byte, hostname string) (*model.Host, error) {
	if hostname == "" {
		return model.NewFromJSON(scenario)
	}
	doc := map[string]json.RawMessage{}
	if len(scenario) > 0 {
		if err := json.Unmarshal(scenario, &doc); err != nil {
			return nil, fmt.Errorf("scenario: %w", err)
		}
	}
	name, err := json.Marshal(hostname)
	if err != nil {
		return nil, fmt.Errorf("hostname: %w", err)
	}
	doc["hostname"] = name
	data, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("scenario: %w", err)
	}
	return model.NewFromJSON(data)
}

// listenAll opens the configured listeners and serves them.
func (s *Server) listenAll() error {
	if s.opts.HTTPAddr != "" {
		ln, err := listenLoopback(s.opts.HTTPAddr)
		if err != nil {
			return err
		}
		s.serve("http", ln)
	}
	if s.opts.TLSAddr != "" {
		t, err := newServerTLS(s.host.Hostname())
		if err != nil {
			return fmt.Errorf("winsim: %w", err)
		}
		s.tls = t
		ln, err := listenLoopback(s.opts.TLSAddr)
		if err != nil {
			return err
		}
		s.serve("https", tlsListener(ln, t))
	}
	return nil
}

// listenLoopback listens on addr, which must be a loopback address: the
// simulator accepts any password it is given and must not be reachable
// from other machines.
func listenLoopback(addr string) (net.Listener, error) {
	if err := CheckLoopback(addr); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("winsim: listen on %s: %w", addr, err)
	}
	return ln, nil
}

// CheckLoopback returns an error unless addr ("host:port") names a
// loopback interface (127.0.0.0/8, ::1 or localhost).
func CheckLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("winsim: listen address %q: %w", addr, err)
	}
	if strings.EqualFold(host, "localhost") {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("winsim: listen address %q is not a loopback address; the simulator only listens on 127.0.0.1, ::1 or localhost", addr)
}

// serve runs an HTTP server on ln.
func (s *Server) serve(scheme string, ln net.Listener) {
	srv := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 30 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return s.ctx },
		ConnContext:       withConnState,
		// WinRM is HTTP/1.1; NTLM authenticates the TCP connection.
		TLSNextProto: map[string]func(*http.Server, *tls.Conn, http.Handler){},
	}
	s.servers = append(s.servers, srv)
	s.addrs[scheme] = ln.Addr().String()
	s.serving.Add(1)
	go func() {
		defer s.serving.Done()
		_ = srv.Serve(ln)
	}()
}

// HTTPAddr is the HTTP listener's address ("127.0.0.1:PORT"), or "".
func (s *Server) HTTPAddr() string { return s.addrs["http"] }

// TLSAddr is the HTTPS listener's address, or "".
func (s *Server) TLSAddr() string { return s.addrs["https"] }

// CACertPEM is the PEM certificate of the CA that issued the HTTPS
// listener's certificate, or nil without HTTPS.
func (s *Server) CACertPEM() []byte {
	if s.tls == nil {
		return nil
	}
	return append([]byte(nil), s.tls.caPEM...)
}

// Host is the simulated host's model.
func (s *Server) Host() *model.Host { return s.host }

// Close stops the listeners, deletes all shells and waits for in-flight
// requests and simulated processes to end (so that nothing logs through
// Options.Logf after Close returns).
func (s *Server) Close() error {
	var errs []error
	s.closing.Do(func() {
		// Cancelling the server context ends blocked Receives, latency
		// waits and processes; Shutdown then waits for their handlers.
		s.cancel()
		s.shells.closeAll()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		for _, srv := range s.servers {
			if err := srv.Shutdown(ctx); err != nil {
				errs = append(errs, fmt.Errorf("winsim: shutdown: %w", err))
				_ = srv.Close()
			}
		}
		s.serving.Wait()
		s.procs.Wait()
		s.closeAgents()
	})
	return errors.Join(errs...)
}

// logf logs through Options.Logf.
func (s *Server) logf(format string, args ...any) {
	if s.opts.Logf != nil {
		s.opts.Logf(format, args...)
	}
}

// ServeHTTP serves the WS-Management endpoint and the admin API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.counters.httpRequests.Add(1)
	// What Windows' HTTP.sys puts on every WinRM response.
	w.Header().Set("Server", "Microsoft-HTTPAPI/2.0")
	if s.faults.dropThisRequest() {
		s.logf("winsim: dropping connection on %s %s (fault injection)", r.Method, r.URL.Path)
		dropConnection(w)
		return
	}
	if !sleepUnlessDone(r.Context(), s.opts.Latency/2) {
		return
	}
	switch {
	case r.URL.Path == "/wsman":
		s.serveWSMan(w, r)
	case r.URL.Path == "/winsim/endpoints":
		s.serveEndpoints(w, r)
	case r.URL.Path == "/winsim/http-endpoints":
		s.servePlainEndpoints(w, r)
	case strings.HasPrefix(r.URL.Path, "/winsim/"):
		s.serveAdmin(w, r)
	default:
		// HTTP.sys answers URLs no application registered with 404.
		w.Header().Set("Content-Type", "text/html; charset=us-ascii")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte("<HTML><BODY><h2>Not Found</h2><hr><p>HTTP Error 404. The requested resource is not found.</p></BODY></HTML>\r\n"))
	}
}

// sleepUnlessDone waits d (a modelled cost: latency, a process start, a
// compile); false if ctx ended first (the request went away, the process
// was terminated).
func sleepUnlessDone(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// dropConnection closes the request's TCP connection without a response.
func dropConnection(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0) // reset, as a crashed or unplugged host does
	}
	_ = conn.Close()
}
