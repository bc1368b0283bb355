package winrm

import (
	"bytes"
	"context"
	"errors"
	"io"
	"time"
)

// cleanupTimeout bounds signalling and deleting a shell after a failure or
// cancellation, on a context of its own: the caller's may be gone already.
const cleanupTimeout = 5 * time.Second

// execute runs one command in a new shell and deletes the shell afterwards.
// It holds a session slot from before the shell is created until after it
// is deleted, so at most MaxSessions shells are ever open. started reports
// whether the command was started, so its input may have reached it.
// stderr is returned as the host sent it; the caller decodes it.
func (c *Client) execute(ctx context.Context, command string, args []string, stdin io.Reader) (res *Result, started bool, err error) {
	if err := c.acquireSession(ctx); err != nil {
		return nil, false, err
	}
	defer c.releaseSession()
	shellID, err := c.openShell(ctx)
	if err != nil {
		return nil, false, err
	}
	res, commandID, err := c.runInShell(ctx, shellID, command, args, stdin)
	c.cleanup(ctx, shellID, commandID, err != nil)
	if err != nil {
		return nil, commandID != "", err
	}
	return res, true, nil
}

// openShell creates a shell. The Create runs on a context the caller cannot
// cancel: a Create cancelled after it reached the host creates the shell
// all the same, and without its answer nobody knows the id to delete it
// (an interrupted apply then left a shell for WinRM's two-hour default).
// When the caller gave up meanwhile, the new shell is deleted at once.
func (c *Client) openShell(ctx context.Context) (string, error) {
	const step = "create shell"
	if err := ctx.Err(); err != nil {
		return "", c.transport.transportError(ctx, step, context.Cause(ctx))
	}
	createCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.cfg.Timeout)
	defer cancel()
	body, err := c.transport.post(createCtx, step, c.messages.openShell(c.cfg.ShellIdleTimeout))
	if err != nil {
		return "", err
	}
	shellID, err := parseShellID(body)
	if err != nil {
		return "", c.protocolError(step, err)
	}
	c.transport.logf("shell %s created", shellID)
	if ctx.Err() != nil {
		c.cleanup(ctx, shellID, "", false)
		return "", c.transport.transportError(ctx, step, context.Cause(ctx))
	}
	return shellID, nil
}

// runInShell starts the command, then sends stdin and receives output
// concurrently (on two connections): a program may write more output than
// a pipe holds before it reads all its input. It returns the command id
// once known, so cleanup can signal the command.
func (c *Client) runInShell(ctx context.Context, shellID, command string, args []string, stdin io.Reader) (*Result, string, error) {
	commandID, err := c.startCommand(ctx, "start command", shellID, command, args)
	if err != nil {
		return nil, "", err
	}

	ioCtx, stopIO := context.WithCancelCause(ctx)
	defer stopIO(nil)
	sent := make(chan struct{})
	exited := make(chan struct{})
	go func() {
		defer close(sent)
		if err := c.sendStdin(ioCtx, exited, shellID, commandID, stdin); err != nil {
			stopIO(err) // abort the Receive in flight with the reason
		}
	}()
	res, err := c.receiveAll(ioCtx, shellID, commandID)
	if err != nil {
		stopIO(err) // abort a Send in flight: its connection is closed
	} else {
		// The command exited: the sender sends no further chunk, but the one
		// in flight is answered, so its authenticated connection survives.
		close(exited)
	}
	<-sent // the sender has stopped: no goroutine outlives the call
	return res, commandID, err
}

// startCommand starts command in the shell and returns its command id.
func (c *Client) startCommand(ctx context.Context, step, shellID, command string, args []string) (string, error) {
	body, err := c.transport.post(ctx, step, c.messages.command(shellID, command, args))
	if err != nil {
		return "", err
	}
	commandID, err := parseCommandID(body)
	if err != nil {
		return "", c.protocolError(step, err)
	}
	return commandID, nil
}

// sendStdin sends stdin in chunks that keep each envelope under
// MaxEnvelopeSize, the last one marked End="true" (an empty one when stdin
// is nil or ends on a chunk boundary), so the program sees end of input.
// It stops early, without error, once exited is closed: the program has
// exited and reads no more.
func (c *Client) sendStdin(ctx context.Context, exited <-chan struct{}, shellID, commandID string, stdin io.Reader) error {
	const step = "send stdin"
	buf := make([]byte, stdinChunkSize)
	for {
		select {
		case <-exited:
			return nil
		default:
		}
		n, end, err := readChunk(stdin, buf)
		if err != nil {
			return &Error{Step: step, Endpoint: c.cfg.endpointURL(), Detail: "reading the input failed", Err: err}
		}
		if _, err := c.transport.post(ctx, step, c.messages.send(shellID, commandID, buf[:n], end)); err != nil {
			return err
		}
		if end {
			return nil
		}
	}
}

// readChunk fills buf from r and reports whether r is exhausted.
func readChunk(r io.Reader, buf []byte) (n int, end bool, err error) {
	if r == nil {
		return 0, true, nil
	}
	n, err = io.ReadFull(r, buf)
	switch {
	case err == nil:
		return n, false, nil
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return n, true, nil
	}
	return n, false, err
}

// receiveAll receives stdout and stderr until the command is done; ctx
// bounds the whole wait.
func (c *Client) receiveAll(ctx context.Context, shellID, commandID string) (*Result, error) {
	var stdout, stderr bytes.Buffer
	for {
		out, err := c.receive(ctx, shellID, commandID)
		if err != nil {
			return nil, err
		}
		stdout.Write(out.Stdout)
		stderr.Write(out.Stderr)
		if out.Done {
			return &Result{Stdout: stdout.Bytes(), Stderr: stderr.Bytes(), ExitCode: out.ExitCode}, nil
		}
	}
}

// receiveStep names a Receive in errors.
const receiveStep = "receive output"

// receive returns the command's next output. A Receive that found no
// output within OperationTimeout answers with a fault and is simply
// repeated.
func (c *Client) receive(ctx context.Context, shellID, commandID string) (*output, error) {
	for {
		body, err := c.transport.post(ctx, receiveStep, c.messages.receive(shellID, commandID))
		if IsOperationTimeout(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out, err := parseReceive(body)
		if err != nil {
			return nil, c.protocolError(receiveStep, err)
		}
		return out, nil
	}
}

// cleanup terminates the command if it may still run, then deletes the
// shell, on a fresh context bounded by cleanupTimeout. Failures are only
// logged: the host reclaims idle shells itself (IdleTimeout).
func (c *Client) cleanup(parent context.Context, shellID, commandID string, terminate bool) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(parent), cleanupTimeout)
	defer cancel()
	if terminate && commandID != "" {
		if _, err := c.transport.post(ctx, "signal terminate", c.messages.signalTerminate(shellID, commandID)); err != nil {
			c.transport.logf("shell %s: %v", shellID, err)
		}
	}
	if _, err := c.transport.post(ctx, "delete shell", c.messages.deleteShell(shellID)); err != nil {
		c.transport.logf("shell %s: %v", shellID, err)
		return
	}
	c.transport.logf("shell %s deleted", shellID)
}

// protocolError reports an answer this package cannot read.
func (c *Client) protocolError(step string, err error) error {
	return &Error{Step: step, Endpoint: c.cfg.endpointURL(), Kind: ErrProtocol,
		Detail: "the host's answer is not what WinRM sends", Err: err}
}
