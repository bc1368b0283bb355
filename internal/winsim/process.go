package winsim

import (
	"bytes"
	"context"
	"io"
	"sync"
)

// command is one process started in a shell by a Command request: its
// stdin as received through Send, and the output and exit code it produced
// that Receive has not yet delivered.
type command struct {
	id     string
	cancel context.CancelFunc // terminates the process

	mu       sync.Mutex
	changed  chan struct{} // closed and replaced whenever the state changes
	stdin    []byte
	stdinEOF bool
	stdout   []byte
	stderr   []byte
	done     bool
	exitCode int
}

func newCommand(id string, cancel context.CancelFunc) *command {
	return &command{id: id, cancel: cancel, changed: make(chan struct{})}
}

// notifyLocked wakes everyone waiting for a change; c.mu must be held.
func (c *command) notifyLocked() {
	close(c.changed)
	c.changed = make(chan struct{})
}

// sendStdin appends stdin data; eof closes stdin. Input to a finished
// process is discarded, as writes to a closed pipe are on Windows.
func (c *command) sendStdin(data []byte, eof bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.done && !c.stdinEOF {
		c.stdin = append(c.stdin, data...)
	}
	if eof {
		c.stdinEOF = true
	}
	c.notifyLocked()
}

// process is the running program's view of its command: it reads stdin
// and writes stdout and stderr.
type process struct {
	ctx context.Context
	cmd *command
	// compiled is set once the process has the HTTP.sys declarations
	// loaded (Add-Type or the cached assembly), which it keeps for life.
	compiled bool
}

// waitStdin calls take, with the command locked, now and after every change
// of stdin until take reports that it has what it waits for; it fails when
// the process is terminated.
func (p *process) waitStdin(take func(c *command) bool) error {
	for {
		p.cmd.mu.Lock()
		if take(p.cmd) {
			p.cmd.mu.Unlock()
			return nil
		}
		changed := p.cmd.changed
		p.cmd.mu.Unlock()
		select {
		case <-changed:
		case <-p.ctx.Done():
			return p.ctx.Err()
		}
	}
}

// readAllStdin waits until stdin is closed (a Send with End="true") and
// returns everything sent; it fails when the process is terminated.
func (p *process) readAllStdin() ([]byte, error) {
	var data []byte
	err := p.waitStdin(func(c *command) bool {
		if !c.stdinEOF {
			return false
		}
		data, c.stdin = c.stdin, nil
		return true
	})
	return data, err
}

// readLine waits for one LF-terminated line of stdin and returns it without
// the line end; at end of input it returns what is left, or io.EOF.
func (p *process) readLine() (string, error) {
	var line string
	var ended bool // stdin is closed and nothing is left
	err := p.waitStdin(func(c *command) bool {
		if i := bytes.IndexByte(c.stdin, '\n'); i >= 0 {
			line = string(bytes.TrimRight(c.stdin[:i], "\r"))
			c.stdin = c.stdin[i+1:]
			return true
		}
		if !c.stdinEOF {
			return false
		}
		line, c.stdin = string(c.stdin), nil
		ended = line == ""
		return true
	})
	if err == nil && ended {
		return "", io.EOF
	}
	return line, err
}

// stdout writes to the process's standard output.
func (p *process) stdout(data []byte) {
	p.cmd.mu.Lock()
	defer p.cmd.mu.Unlock()
	p.cmd.stdout = append(p.cmd.stdout, data...)
	p.cmd.notifyLocked()
}

// stderr writes to the process's standard error.
func (p *process) stderr(data []byte) {
	p.cmd.mu.Lock()
	defer p.cmd.mu.Unlock()
	p.cmd.stderr = append(p.cmd.stderr, data...)
	p.cmd.notifyLocked()
}

// exit records the exit code; the process has ended.
func (c *command) exit(code int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.done {
		c.done = true
		c.exitCode = code
	}
	c.notifyLocked()
}

// program is what a command line runs: it returns the exit code.
type program func(p *process) int

// receiveChunk is what one Receive response delivers.
type receiveChunk struct {
	stdout, stderr []byte
	done           bool // the process has exited and all output is delivered
	exitCode       int
}

// takeOutput removes up to max bytes of pending output (stdout first) and
// reports whether anything is ready to deliver; c.mu must be held.
func (c *command) takeOutputLocked(max int) (receiveChunk, bool) {
	if len(c.stdout) == 0 && len(c.stderr) == 0 && !c.done {
		return receiveChunk{}, false
	}
	var chunk receiveChunk
	n := min(max, len(c.stdout))
	chunk.stdout, c.stdout = c.stdout[:n:n], c.stdout[n:]
	m := min(max-n, len(c.stderr))
	chunk.stderr, c.stderr = c.stderr[:m:m], c.stderr[m:]
	if c.done && len(c.stdout) == 0 && len(c.stderr) == 0 {
		chunk.done = true
		chunk.exitCode = c.exitCode
	}
	return chunk, true
}
