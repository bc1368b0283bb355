package winsim

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"strings"
	"sync"
	"time"
)

// maxShellsPerUser is winrm/config/winrs MaxShellsPerUser's default on
// Windows Server 2012 and later ([MS-WSMV] 2.2.4.42 WinrsType: default 30).
const maxShellsPerUser = 30

// shell is a Windows Remote Shell created by a Create request.
type shell struct {
	id       string
	owner    string
	ctx      context.Context // cancelled when the shell is deleted
	cancel   context.CancelFunc
	idle     time.Duration // IdleTimeOut in effect
	mu       sync.Mutex
	commands map[string]*command
	// lastActive is when the last request on the shell ended; busy counts
	// requests in progress (a Receive waiting for output keeps the shell
	// active, as a client polling a long command does on Windows).
	lastActive time.Time
	busy       int
}

// begin marks a request on the shell as started; end as finished.
func (sh *shell) begin() {
	sh.mu.Lock()
	sh.busy++
	sh.mu.Unlock()
}

func (sh *shell) end() {
	sh.mu.Lock()
	sh.busy--
	sh.lastActive = time.Now()
	sh.mu.Unlock()
}

// expired reports whether the shell has been idle for its IdleTimeOut.
func (sh *shell) expired(now time.Time) bool {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	return sh.busy == 0 && now.Sub(sh.lastActive) >= sh.idle
}

// shellTable holds the open shells of the host.
type shellTable struct {
	mu     sync.Mutex
	shells map[string]*shell
}

func (t *shellTable) get(id string) (*shell, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	sh, ok := t.shells[strings.ToUpper(id)]
	return sh, ok
}

// add registers a new shell for owner unless the owner is at the quota.
func (t *shellTable) add(sh *shell) *wsmanFault {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := 0
	for _, other := range t.shells {
		if strings.EqualFold(other.owner, sh.owner) {
			n++
		}
	}
	if n >= maxShellsPerUser {
		return faultMaxShells(maxShellsPerUser)
	}
	t.shells[sh.id] = sh
	return nil
}

func (t *shellTable) remove(id string) (*shell, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	sh, ok := t.shells[strings.ToUpper(id)]
	delete(t.shells, strings.ToUpper(id))
	return sh, ok
}

// expire deletes the shells idle for their IdleTimeOut and returns how many.
func (t *shellTable) expire(now time.Time) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := 0
	for id, sh := range t.shells {
		if sh.expired(now) {
			sh.cancel()
			delete(t.shells, id)
			n++
		}
	}
	return n
}

// closeAll deletes every shell (server shutdown).
func (t *shellTable) closeAll() {
	t.mu.Lock()
	defer t.mu.Unlock()
	for id, sh := range t.shells {
		sh.cancel()
		delete(t.shells, id)
	}
}

// newGUID returns a random GUID in the upper-case form Windows uses for
// ShellId, CommandId and MessageID.
func newGUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return strings.ToUpper(fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]))
}

// operation is one authenticated WS-Management request.
type operation struct {
	ctx      context.Context
	req      *request
	user     string // canonical account name
	clientIP string
	address  string // the endpoint URL the client used
	shell    *shell // the shell the request works on, once looked up
}

// defaultShellIdleTimeout is winrm/config/winrs IdleTimeout's default,
// 7,200,000 ms ("Installation and configuration for Windows Remote
// Management", winrs settings): a shell nobody uses is deleted after it.
const defaultShellIdleTimeout = 2 * time.Hour

// shellIdleTimeout is the IdleTimeOut a new shell gets: the client's
// rsp:IdleTimeOut when it asks for one no longer than the host's winrs
// IdleTimeout, else the host's ([MS-WSMV] 2.2.4.37: the server may use its
// own value; the Create response says which it chose).
func (s *Server) shellIdleTimeout(req *request) time.Duration {
	host := s.opts.ShellIdleTimeout
	if host <= 0 {
		host = defaultShellIdleTimeout
	}
	if req.Body.Shell == nil {
		return host
	}
	asked, err := parseXSDuration(strings.TrimSpace(req.Body.Shell.IdleTimeOut))
	if err != nil || asked <= 0 || asked > host {
		return host
	}
	return asked
}

// expireShells deletes shells idle past their IdleTimeOut until the server
// closes.
func (s *Server) expireShells() {
	defer s.serving.Done()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-s.ctx.Done():
			return
		case now := <-tick.C:
			if n := s.shells.expire(now); n > 0 {
				s.counters.shellsOpen.Add(-int64(n))
				s.counters.shellsExpired.Add(int64(n))
				s.logf("winsim: %d shells expired at their IdleTimeOut", n)
			}
		}
	}
}

// handleCreate creates a cmd shell ([MS-WSMV] 3.1.4.5).
func (s *Server) handleCreate(op *operation) ([]byte, *wsmanFault) {
	ctx, cancel := context.WithCancel(s.ctx)
	sh := &shell{id: newGUID(), owner: op.user, ctx: ctx, cancel: cancel, commands: map[string]*command{},
		idle: s.shellIdleTimeout(op.req), lastActive: time.Now()}
	if f := s.shells.add(sh); f != nil {
		cancel()
		return nil, f
	}
	s.counters.shellOpened()
	var w xmlWriter
	w.raw("<x:ResourceCreated>")
	w.element("a:Address", op.address)
	w.raw("<a:ReferenceParameters>")
	w.element("w:ResourceURI", resourceURICmd)
	w.raw(`<w:SelectorSet><w:Selector Name="ShellId">`, sh.id, `</w:Selector></w:SelectorSet>`)
	w.raw("</a:ReferenceParameters></x:ResourceCreated>")
	w.raw(`<rsp:Shell xmlns:rsp="`, nsShell, `">`)
	w.element("rsp:ShellId", sh.id)
	w.element("rsp:ResourceUri", resourceURICmd)
	w.element("rsp:Owner", op.user)
	w.element("rsp:ClientIP", op.clientIP)
	w.element("rsp:IdleTimeOut", fmt.Sprintf("PT%.3fS", sh.idle.Seconds()))
	w.element("rsp:InputStreams", "stdin")
	w.element("rsp:OutputStreams", "stdout stderr")
	w.element("rsp:ShellRunTime", "P0DT0H0M0S")
	w.element("rsp:ShellInactivity", "P0DT0H0M0S")
	w.raw("</rsp:Shell>")
	return responseEnvelope(actionCreateResponse, op.req.Header.MessageID, w.String()), nil
}

// handleDelete deletes a shell and terminates its processes.
func (s *Server) handleDelete(op *operation) ([]byte, *wsmanFault) {
	id := op.req.Header.selector("ShellId")
	sh, ok := s.shells.remove(id)
	if !ok {
		return nil, faultShellNotFound(id)
	}
	sh.cancel()
	s.counters.shellsOpen.Add(-1)
	return responseEnvelope(actionDeleteResponse, op.req.Header.MessageID, ""), nil
}

// lookup returns the shell named by the request's ShellId selector.
func (s *Server) lookup(op *operation) (*shell, *wsmanFault) {
	id := op.req.Header.selector("ShellId")
	sh, ok := s.shells.get(id)
	if !ok {
		return nil, faultShellNotFound(id)
	}
	sh.begin()
	op.shell = sh
	return sh, nil
}

func (sh *shell) command(id string) (*command, *wsmanFault) {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	c, ok := sh.commands[strings.ToUpper(id)]
	if !ok {
		return nil, faultCommandNotFound()
	}
	return c, nil
}

// handleCommand starts a process in a shell ([MS-WSMV] 3.1.4.11).
func (s *Server) handleCommand(op *operation) ([]byte, *wsmanFault) {
	sh, f := s.lookup(op)
	if f != nil {
		return nil, f
	}
	cl := op.req.Body.CommandLine
	if cl == nil {
		return nil, faultInvalidMessage()
	}
	skipCmd := strings.EqualFold(op.req.Header.option("WINRS_SKIP_CMD_SHELL"), "TRUE")
	prog, f := s.resolveCommandLine(joinCommandLine(cl.Command, cl.Arguments), skipCmd, sh.owner)
	if f != nil {
		return nil, f
	}
	ctx, cancel := context.WithCancel(sh.ctx)
	c := newCommand(newGUID(), cancel)
	sh.mu.Lock()
	sh.commands[c.id] = c
	sh.mu.Unlock()
	s.counters.processesStarted.Add(1)
	s.procs.Add(1)
	go func() {
		defer s.procs.Done()
		defer cancel()
		c.exit(prog(&process{ctx: ctx, cmd: c}))
	}()
	body := `<rsp:CommandResponse><rsp:CommandId>` + c.id + `</rsp:CommandId></rsp:CommandResponse>`
	return responseEnvelope(actionCommandResponse, op.req.Header.MessageID, body), nil
}

// handleSend delivers stdin ([MS-WSMV] 3.1.4.12).
func (s *Server) handleSend(op *operation) ([]byte, *wsmanFault) {
	sh, f := s.lookup(op)
	if f != nil {
		return nil, f
	}
	if op.req.Body.Send == nil {
		return nil, faultInvalidMessage()
	}
	for _, st := range op.req.Body.Send.Streams {
		c, f := sh.command(st.CommandID)
		if f != nil {
			return nil, f
		}
		data, err := base64.StdEncoding.DecodeString(strings.TrimSpace(st.Data))
		if err != nil {
			return nil, faultInvalidMessage()
		}
		c.sendStdin(data, strings.EqualFold(st.End, "true"))
	}
	return responseEnvelope(actionSendResponse, op.req.Header.MessageID, "<rsp:SendResponse></rsp:SendResponse>"), nil
}

// handleSignal terminates a command ([MS-WSMV] 3.1.4.13); the command is
// gone afterwards.
func (s *Server) handleSignal(op *operation) ([]byte, *wsmanFault) {
	sh, f := s.lookup(op)
	if f != nil {
		return nil, f
	}
	sig := op.req.Body.Signal
	if sig == nil {
		return nil, faultInvalidMessage()
	}
	c, f := sh.command(sig.CommandID)
	if f != nil {
		return nil, f
	}
	if strings.HasSuffix(strings.TrimSpace(sig.Code), "/terminate") || strings.HasSuffix(strings.TrimSpace(sig.Code), "/ctrl_c") {
		c.cancel()
		c.exit(-1073741510) // STATUS_CONTROL_C_EXIT, what a terminated console process reports
		sh.mu.Lock()
		delete(sh.commands, c.id)
		sh.mu.Unlock()
	}
	return responseEnvelope(actionSignalResponse, op.req.Header.MessageID, "<rsp:SignalResponse></rsp:SignalResponse>"), nil
}

// handleReceive returns output, blocking until there is some or the
// request's OperationTimeout passes ([MS-WSMV] 3.1.4.14).
func (s *Server) handleReceive(op *operation) ([]byte, *wsmanFault) {
	sh, f := s.lookup(op)
	if f != nil {
		return nil, f
	}
	if op.req.Body.Receive == nil {
		return nil, faultInvalidMessage()
	}
	c, f := sh.command(op.req.Body.Receive.DesiredStream.CommandID)
	if f != nil {
		return nil, f
	}
	chunk, f := s.waitOutput(op, sh, c)
	if f != nil {
		return nil, f
	}
	return responseEnvelope(actionReceiveResponse, op.req.Header.MessageID, receiveBody(c.id, chunk)), nil
}

// waitOutput blocks until the command has output or has ended.
func (s *Server) waitOutput(op *operation, sh *shell, c *command) (receiveChunk, *wsmanFault) {
	timer := time.NewTimer(op.req.Header.operationTimeout())
	defer timer.Stop()
	// The response must fit the client's MaxEnvelopeSize: base64 takes 4/3
	// of the raw bytes, and the envelope around the streams ~2 KB.
	maxRaw := (op.req.Header.maxEnvelopeSize() - 4096) / 4 * 3
	for {
		c.mu.Lock()
		chunk, ready := c.takeOutputLocked(maxRaw)
		changed := c.changed
		c.mu.Unlock()
		if ready {
			return chunk, nil
		}
		select {
		case <-changed:
		case <-timer.C:
			return receiveChunk{}, faultOperationTimeout()
		case <-sh.ctx.Done():
			return receiveChunk{}, faultShellNotFound(sh.id)
		case <-op.ctx.Done():
			return receiveChunk{}, faultOperationTimeout()
		}
	}
}

// streamElementMax is the most raw bytes put in one rsp:Stream element;
// Windows delivers output in several elements as the process writes it.
const streamElementMax = 32 * 1024

// receiveBody renders a ReceiveResponse as Windows shapes it: base64 stream
// chunks, End="true" on both streams once the process has ended, and the
// command state with the exit code.
func receiveBody(commandID string, chunk receiveChunk) string {
	var w xmlWriter
	w.raw("<rsp:ReceiveResponse>")
	for _, st := range []struct {
		name string
		data []byte
	}{{"stdout", chunk.stdout}, {"stderr", chunk.stderr}} {
		for data := st.data; len(data) > 0; {
			n := min(len(data), streamElementMax)
			w.raw(`<rsp:Stream Name="`, st.name, `" CommandId="`, commandID, `">`, base64.StdEncoding.EncodeToString(data[:n]), `</rsp:Stream>`)
			data = data[n:]
		}
	}
	if chunk.done {
		w.raw(`<rsp:Stream Name="stdout" CommandId="`, commandID, `" End="true"></rsp:Stream>`)
		w.raw(`<rsp:Stream Name="stderr" CommandId="`, commandID, `" End="true"></rsp:Stream>`)
		w.raw(`<rsp:CommandState CommandId="`, commandID, `" State="`, commandStateDone, `">`)
		w.raw(fmt.Sprintf("<rsp:ExitCode>%d</rsp:ExitCode>", chunk.exitCode))
		w.raw(`</rsp:CommandState>`)
	} else {
		w.raw(`<rsp:CommandState CommandId="`, commandID, `" State="`, commandStateRun, `"></rsp:CommandState>`)
	}
	w.raw("</rsp:ReceiveResponse>")
	return w.String()
}
