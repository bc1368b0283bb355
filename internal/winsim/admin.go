package winsim

import (
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
)

// Counters are what the simulated host has done since it started.
type Counters struct {
	HTTPRequests  int64 `json:"http_requests"`
	ShellsCreated int64 `json:"shells_created"`
	ShellsOpen    int64 `json:"shells_open"`
	// ShellsExpired counts shells the host deleted at their IdleTimeOut.
	ShellsExpired int64 `json:"shells_expired"`
	// ShellsOpenMax is the most shells that were open at once, so a test
	// can check a client's session limit exactly rather than by sampling.
	ShellsOpenMax    int64 `json:"shells_open_max"`
	ProcessesStarted int64 `json:"processes_started"`
	// NTLMLogons counts completed NTLM handshakes: one per authenticated
	// TCP connection for a client that keeps its connections.
	NTLMLogons int64 `json:"ntlm_logons"`
	// AgentOps counts ops the host agent ran (under Mono); BridgeCalls the
	// Windows calls it made, answered from the host model.
	AgentOps    int64 `json:"agent_ops"`
	BridgeCalls int64 `json:"bridge_calls"`
}

type counters struct {
	httpRequests, shellsCreated, shellsOpen, shellsExpired, shellsOpenMax, processesStarted, ntlmLogons atomic.Int64
	agentOps, bridgeCalls                                                                               atomic.Int64
}

// shellOpened counts a new shell and raises the high-water mark.
func (c *counters) shellOpened() {
	c.shellsCreated.Add(1)
	open := c.shellsOpen.Add(1)
	for {
		high := c.shellsOpenMax.Load()
		if open <= high || c.shellsOpenMax.CompareAndSwap(high, open) {
			return
		}
	}
}

// Counters returns a snapshot of the counters.
func (s *Server) Counters() Counters {
	return Counters{
		HTTPRequests:     s.counters.httpRequests.Load(),
		ShellsCreated:    s.counters.shellsCreated.Load(),
		ShellsOpen:       s.counters.shellsOpen.Load(),
		ShellsExpired:    s.counters.shellsExpired.Load(),
		ShellsOpenMax:    s.counters.shellsOpenMax.Load(),
		ProcessesStarted: s.counters.processesStarted.Load(),
		NTLMLogons:       s.counters.ntlmLogons.Load(),
		AgentOps:         s.counters.agentOps.Load(),
		BridgeCalls:      s.counters.bridgeCalls.Load(),
	}
}

// Faults are failures the simulator injects, for testing clients.
type Faults struct {
	// DropOnRequest, if > 0, closes the TCP connection without a response
	// on the Nth HTTP request from now (1 = the next one), once.
	DropOnRequest int `json:"drop_on_request"`
	// HTTP500 answers every WS-Management request with HTTP 500 and a
	// plain-text body, as a broken proxy or service would.
	HTTP500 bool `json:"http500"`
	// KillOnOp, if set, kills the next powershell.exe that runs this op
	// after the op has changed the host and before it answers, once (as
	// Stop-Process or a crash would).
	KillOnOp string `json:"kill_on_op,omitempty"`
	// FailCalls fail Windows calls the agent makes (its interfaces'
	// methods, by bridge name such as "files.replace"), each once.
	FailCalls []CallFailure `json:"fail_calls,omitempty"`
	// FailScriptLoad makes the next worker that is sent a script fail to
	// load it, once, as a script PowerShell cannot turn into a script block.
	FailScriptLoad bool `json:"fail_script_load,omitempty"`
}

// CallFailure fails the (Skip+1)-th call named Call from now with the
// Win32 code Code, as Windows would fail it.
type CallFailure struct {
	Call string `json:"call"`
	Code int    `json:"code"`
	Skip int    `json:"skip,omitempty"`
}

type faultState struct {
	dropCountdown atomic.Int64
	fail500       atomic.Bool
	mu            sync.Mutex
	killOnOp      string
	failCalls     []CallFailure
	failLoad      bool
}

// SetFaults replaces the injected faults.
func (s *Server) SetFaults(f Faults) {
	s.faults.dropCountdown.Store(int64(f.DropOnRequest))
	s.faults.fail500.Store(f.HTTP500)
	s.faults.mu.Lock()
	s.faults.killOnOp = f.KillOnOp
	s.faults.failCalls = append([]CallFailure(nil), f.FailCalls...)
	s.faults.failLoad = f.FailScriptLoad
	s.faults.mu.Unlock()
}

// failThisScriptLoad reports, once, whether a worker's script load fails.
func (f *faultState) failThisScriptLoad() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	fail := f.failLoad
	f.failLoad = false
	return fail
}

// failThisCall reports, once per CallFailure, whether the bridge call is to
// fail, and with which code.
func (f *faultState) failThisCall(call string) (code int, fail bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range f.failCalls {
		c := &f.failCalls[i]
		if c.Call != call {
			continue
		}
		if c.Skip > 0 {
			c.Skip--
			continue
		}
		code = c.Code
		f.failCalls = append(f.failCalls[:i], f.failCalls[i+1:]...)
		return code, true
	}
	return 0, false
}

// killThisOp reports, once, whether the process running op is to be killed.
func (f *faultState) killThisOp(op string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.killOnOp == "" || f.killOnOp != op {
		return false
	}
	f.killOnOp = ""
	return true
}

// dropThisRequest counts a request down to the one to drop.
func (f *faultState) dropThisRequest() bool {
	for {
		n := f.dropCountdown.Load()
		if n <= 0 {
			return false
		}
		if f.dropCountdown.CompareAndSwap(n, n-1) {
			return n == 1
		}
	}
}

func (f *faultState) http500() bool { return f.fail500.Load() }

// serveAdmin serves the admin API under /winsim/ with the same
// credentials as WinRM: GET/PUT /winsim/state, GET /winsim/counters and
// PUT /winsim/faults (a Faults document), so clients in other processes
// can inject failures too; PUT /winsim/peers (a list of Peer) and
// GET /winsim/inbound?port=N (what a connection from a peer meets, peers.go).
func (s *Server) serveAdmin(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes))
	if err != nil {
		return
	}
	if _, ok := s.authenticate(w, r); !ok {
		return
	}
	switch {
	case r.URL.Path == "/winsim/state" && r.Method == http.MethodGet:
		state, err := s.host.StateJSON()
		if err != nil {
			writeJSONError(w, http.StatusInternalServerError, err)
			return
		}
		writeJSON(w, http.StatusOK, state)
	case r.URL.Path == "/winsim/state" && r.Method == http.MethodPut:
		if err := s.host.SetStateJSON(body); err != nil {
			writeJSONError(w, http.StatusBadRequest, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	case r.URL.Path == "/winsim/counters" && r.Method == http.MethodGet:
		data, err := json.Marshal(s.Counters())
		if err != nil {
			writeJSONError(w, http.StatusInternalServerError, err)
			return
		}
		writeJSON(w, http.StatusOK, data)
	case r.URL.Path == "/winsim/peers" && r.Method == http.MethodPut:
		var peers []Peer
		if err := json.Unmarshal(body, &peers); err != nil {
			writeJSONError(w, http.StatusBadRequest, err)
			return
		}
		if err := s.SetPeers(peers); err != nil {
			writeJSONError(w, http.StatusBadRequest, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	case r.URL.Path == "/winsim/inbound" && r.Method == http.MethodGet:
		s.serveInbound(w, r)
	case r.URL.Path == "/winsim/faults" && r.Method == http.MethodPut:
		var f Faults
		if err := json.Unmarshal(body, &f); err != nil {
			writeJSONError(w, http.StatusBadRequest, err)
			return
		}
		s.SetFaults(f)
		w.WriteHeader(http.StatusNoContent)
	case r.URL.Path == "/winsim/state" || r.URL.Path == "/winsim/counters" || r.URL.Path == "/winsim/faults" ||
		r.URL.Path == "/winsim/peers" || r.URL.Path == "/winsim/inbound":
		writeJSONError(w, http.StatusMethodNotAllowed, errString("method "+r.Method+" not allowed on "+r.URL.Path))
	default:
		writeJSONError(w, http.StatusNotFound, errString("no admin resource "+r.URL.Path))
	}
}

type errString string

func (e errString) Error() string { return string(e) }

func writeJSON(w http.ResponseWriter, status int, data []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(data)
}

func writeJSONError(w http.ResponseWriter, status int, err error) {
	data, _ := json.Marshal(map[string]string{"error": err.Error()})
	writeJSON(w, status, data)
}
