package winrm

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
)

// workerScript is the program of a worker: a long-lived powershell.exe that
// reads one request line at a time from stdin (PROTOCOL.md section 1),
// runs it, writes the done line after the op's output, flushes, and waits
// for the next. With its first request's output it says which code page
// its output streams use (codePageMarker). Scripts arrive once, checked against their SHA-256, and are
// referenced by hash afterwards. A failure outside the op's own error
// handling goes to stderr as text, before the done line. The first line is
// the marker the simulator recognises workers by.
const workerScript = `# tfwin-worker-v1
$ErrorActionPreference = 'Stop'
$scripts = @{}
$sha = [Security.Cryptography.SHA256]::Create()
$codePageSaid = $false
while ($true) {
    $line = [Console]::In.ReadLine()
    if ($null -eq $line) { break }
    if (-not $codePageSaid) {
        [Console]::Out.Write('##tfwin-codepage## ' + [Console]::OutputEncoding.CodePage + [char]13 + [char]10)
        $codePageSaid = $true
    }
    $f = $line.Trim().Split([char]32)
    if ($f.Length -lt 6 -or $f[0] -ne 'tfwin-request') { continue }
    try {
        if ($f[5] -ne '-') {
            $bytes = [Convert]::FromBase64String($f[5])
            $hash = -join ($sha.ComputeHash($bytes) | ForEach-Object { $_.ToString('x2') })
            if ($hash -ne $f[3]) { throw 'the script does not match its SHA-256' }
            $scripts[$hash] = [ScriptBlock]::Create([Text.Encoding]::UTF8.GetString($bytes))
            [Console]::Out.Write('##tfwin-loaded## ' + $hash + [char]13 + [char]10)
        }
        $block = $scripts[$f[3]]
        if ($null -eq $block) { throw ('script ' + $f[3] + ' is not loaded in this worker') }
        $null = & $block $f[2] $f[4] $f[1]
    } catch {
        [Console]::Error.WriteLine($_.Exception.Message)
        [Console]::Error.Flush()
    }
    [Console]::Out.Write('##tfwin-done## ' + $f[1] + [char]13 + [char]10)
    [Console]::Out.Flush()
}
`

// workerArgs is the worker's command line.
var workerArgs = []string{
	"-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass",
	"-EncodedCommand", encodeCommand(workerScript),
}

// doneMarker starts the line a worker writes after each request's output.
const doneMarker = "##tfwin-done## "

// loadedMarker starts the line a worker writes once it holds a script it
// was sent; only then is the script marked as loaded for that worker (a
// load that failed means the next request sends the script again).
const loadedMarker = "##tfwin-loaded## "

// worker is one powershell.exe running workerScript in a shell of its own.
// It runs one op at a time; the pool hands it to one caller at a time.
type worker struct {
	shellID, commandID string
	// loaded are the SHA-256 hashes of the scripts the worker holds.
	loaded map[[sha256.Size]byte]bool
	// stdout is output received after the last done line (normally none).
	stdout []byte
	// codePage is the code page the worker said its streams use; 0 until
	// its first line arrived.
	codePage int
}

// startWorker opens a shell and starts a worker in it. The caller holds a
// session slot for it.
func (c *Client) startWorker(ctx context.Context) (*worker, error) {
	shellID, err := c.openShell(ctx)
	if err != nil {
		return nil, err
	}
	commandID, err := c.startCommand(ctx, "start worker", shellID, powershellCommand, workerArgs)
	if err != nil {
		c.cleanup(ctx, shellID, "", false)
		return nil, err
	}
	c.transport.logf("shell %s: worker started", shellID)
	return &worker{shellID: shellID, commandID: commandID, loaded: map[[sha256.Size]byte]bool{}}, nil
}

// retire ends a worker: it terminates the process and deletes its shell.
func (c *Client) retire(ctx context.Context, w *worker) {
	c.cleanup(ctx, w.shellID, w.commandID, true)
}

// discard retires a worker and gives its session slot back.
func (c *Client) discard(ctx context.Context, w *worker) {
	c.retire(ctx, w)
	c.releaseSession()
}

// runOnPool runs req on a worker. A worker found dead or gone before the
// request reached it is replaced and the request sent to another; after the
// request reached a worker, only a read is sent again (once, to a fresh
// worker), and a write's failure is ErrOutcomeUnknown.
func (c *Client) runOnPool(ctx context.Context, req Request) (*Result, error) {
	readRetried := false
	for undelivered := 0; ; {
		w, err := c.getWorker(ctx)
		if err != nil {
			return nil, err
		}
		res, delivered, err := c.runOnWorker(ctx, w, req)
		if err == nil {
			c.putWorker(ctx, w)
			return res, nil
		}
		c.transport.logf("shell %s: worker discarded after %s: %v", w.shellID, req.Op, err)
		c.discard(ctx, w)
		switch {
		case ctx.Err() != nil && delivered && !req.ReadOnly:
			return nil, c.outcomeUnknown(req.Op, err)
		case ctx.Err() != nil:
			return nil, err
		case !delivered && undelivered < c.cfg.MaxSessions:
			undelivered++ // a stale worker: the request never reached it
		case req.ReadOnly && !readRetried:
			readRetried = true
		case delivered && !req.ReadOnly:
			return nil, c.outcomeUnknown(req.Op, err)
		default:
			return nil, err
		}
	}
}

// getWorker returns an idle worker or starts one when a slot is free,
// waiting for either.
func (c *Client) getWorker(ctx context.Context) (*worker, error) {
	idle, err := c.claimSession(ctx, true)
	if err != nil {
		return nil, err
	}
	if idle != nil {
		return idle, nil
	}
	w, err := c.startWorker(ctx)
	if err != nil {
		c.releaseSession()
		return nil, err
	}
	return w, nil
}

// putWorker returns a healthy worker to the pool, or retires it when the
// client was closed meanwhile.
func (c *Client) putWorker(ctx context.Context, w *worker) {
	if !c.sessions.putIdle(w) {
		c.discard(ctx, w)
	}
}

// runOnWorker sends one request line and receives until the worker's done
// line for it, Send and Receive overlapping (an op costs about one round
// trip). delivered reports whether any of the request may have reached the
// worker.
func (c *Client) runOnWorker(ctx context.Context, w *worker, req Request) (res *Result, delivered bool, err error) {
	id := newRequestID()
	hash := sha256.Sum256(req.Script)
	withScript := !w.loaded[hash]
	frame := requestFrame(id, hash, req, withScript)

	ioCtx, stopIO := context.WithCancelCause(ctx)
	defer stopIO(nil)
	sendDone := make(chan error, 1)
	attempted := make(chan struct{})
	go func() {
		err := c.sendFrame(ioCtx, w, frame, attempted)
		if err != nil {
			stopIO(err)
		}
		sendDone <- err
	}()
	stdout, stderr, recvErr := c.receiveUntilDone(ioCtx, w, id)
	if recvErr != nil {
		stopIO(recvErr)
	}
	sendErr := <-sendDone
	select {
	case <-attempted:
		delivered = true
	default:
	}
	switch {
	case sendErr != nil && isShellGone(sendErr):
		// The host refused the first chunk: the worker is gone and never
		// saw the request.
		return nil, false, sendErr
	case sendErr != nil:
		return nil, delivered, sendErr
	case recvErr != nil:
		return nil, delivered, recvErr
	}
	if withScript {
		if before, after, ok := cutLine(stdout, []byte(loadedMarker+hex.EncodeToString(hash[:]))); ok {
			stdout = append(before, after...)
			w.loaded[hash] = true
		}
	}
	return &Result{Stdout: stdout, Stderr: decodeStderr(stderr, w.codePage), RequestID: id}, true, nil
}

// sendFrame sends the request line in chunks that keep each envelope under
// MaxEnvelopeSize, none marked End: the worker keeps reading. attempted is
// closed once a chunk other than one the host refused as a stale shell may
// have reached the worker.
func (c *Client) sendFrame(ctx context.Context, w *worker, frame []byte, attempted chan<- struct{}) error {
	const step = "send request"
	for first := true; len(frame) > 0; first = false {
		n := min(len(frame), stdinChunkSize)
		_, err := c.transport.post(ctx, step, c.messages.send(w.shellID, w.commandID, frame[:n], false))
		if first && (err == nil || !isShellGone(err)) {
			close(attempted)
		}
		if err != nil {
			return err
		}
		frame = frame[n:]
	}
	return nil
}

// receiveUntilDone receives output until the done line of request id. A
// worker that exits first is dead: its exit code and stderr say why.
func (c *Client) receiveUntilDone(ctx context.Context, w *worker, id string) (stdout, stderr []byte, err error) {
	marker := []byte(doneMarker + id)
	for {
		out, err := c.receive(ctx, w.shellID, w.commandID)
		if err != nil {
			return nil, nil, err
		}
		w.stdout = append(w.stdout, out.Stdout...)
		if w.codePage == 0 {
			w.stdout, w.codePage = cutCodePage(w.stdout)
		}
		stderr = append(stderr, out.Stderr...)
		if before, after, ok := cutLine(w.stdout, marker); ok {
			w.stdout = after
			return before, stderr, nil
		}
		if out.Done {
			detail := fmt.Sprintf("the PowerShell worker exited with code %d before answering", out.ExitCode)
			if text := bytes.TrimSpace(decodeStderr(stderr, w.codePage)); len(text) > 0 {
				detail += ": " + printableSnippet(text, 500)
			}
			return nil, nil, &Error{Step: receiveStep, Endpoint: c.cfg.endpointURL(), Kind: ErrProtocol, Detail: detail}
		}
	}
}

// cutLine finds the line that starts with marker and returns what came
// before it and after its end; ok is false until the whole line arrived.
func cutLine(data, marker []byte) (before, after []byte, ok bool) {
	for start := 0; start < len(data); {
		i := bytes.Index(data[start:], marker)
		if i < 0 {
			return nil, nil, false
		}
		i += start
		end := bytes.IndexByte(data[i:], '\n')
		atLineStart := i == 0 || data[i-1] == '\n'
		if atLineStart && end >= 0 && bytes.Equal(bytes.TrimRight(data[i:i+end], "\r"), marker) {
			return data[:i], data[i+end+1:], true
		}
		if end < 0 {
			return nil, nil, false
		}
		start = i + 1
	}
	return nil, nil, false
}

// requestFrame is one request line: "tfwin-request ID OP SHA256 ARGS SCRIPT",
// ARGS the base64 of the JSON arguments and SCRIPT the base64 of the script,
// or "-" when the worker holds it already.
func requestFrame(id string, hash [sha256.Size]byte, req Request, withScript bool) []byte {
	enc := base64.StdEncoding
	script := "-"
	if withScript {
		script = enc.EncodeToString(req.Script)
	}
	var b bytes.Buffer
	b.WriteString("tfwin-request ")
	b.WriteString(id)
	b.WriteByte(' ')
	b.WriteString(req.Op)
	b.WriteByte(' ')
	b.WriteString(hex.EncodeToString(hash[:]))
	b.WriteByte(' ')
	b.WriteString(enc.EncodeToString(req.args()))
	b.WriteByte(' ')
	b.WriteString(script)
	b.WriteByte('\n')
	return b.Bytes()
}

// newRequestID is 16 random hex digits: unique enough that no op reads
// another's output.
func newRequestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
