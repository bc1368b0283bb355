package winsim

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
)

// workerMarker is the first line of the transport's worker script
// (PROTOCOL.md section 1): a powershell.exe that runs one request per
// stdin line until stdin ends.
const workerMarker = "# tfwin-worker-v1"

// doneMarker starts the line a worker writes after each request.
const doneMarker = "##tfwin-done## "

// loadedMarker starts the line a worker writes once it holds a script it
// was sent (with the script's hash), so the client knows not to send it
// again only when the load really happened.
const loadedMarker = "##tfwin-loaded## "

// runWorker runs the worker loop: for each "tfwin-request ID OP SHA256 ARGS
// SCRIPT" line it loads the script if sent (checking its hash), runs the op
// and writes the envelope and the done line. It is one process for its
// whole life, however many ops it runs. Failures outside an op go to stderr
// as the worker's catch block writes them: the exception's message.
func (s *Server) runWorker(p *process) int {
	scripts := map[string][]byte{}
	for first := true; ; first = false {
		line, err := p.readLine()
		if err != nil {
			if p.ctx.Err() != nil {
				return exitKilled
			}
			return 0 // end of input ends the loop
		}
		if first {
			p.stdout(s.codePageLine())
		}
		f := strings.Fields(line)
		if len(f) < 6 || f[0] != "tfwin-request" {
			continue
		}
		id := f[1]
		if !s.runWorkerRequest(p, scripts, f) {
			return exitKilled
		}
		p.stdout([]byte(doneMarker + id + "\r\n"))
	}
}

// runWorkerRequest runs one request line's fields; false if the process
// was killed.
func (s *Server) runWorkerRequest(p *process, scripts map[string][]byte, f []string) bool {
	id, op, hash, argsB64, scriptB64 := f[1], f[2], f[3], f[4], f[5]
	if scriptB64 != "-" {
		text, err := base64.StdEncoding.DecodeString(scriptB64)
		if err != nil {
			p.stderr([]byte(base64ErrorText + "\r\n"))
			return true
		}
		sum := sha256.Sum256(text)
		if hex.EncodeToString(sum[:]) != hash {
			p.stderr([]byte("the script does not match its SHA-256\r\n"))
			return true
		}
		if s.faults.failThisScriptLoad() {
			p.stderr([]byte(scriptBlockErrorText + "\r\n"))
			return true
		}
		scripts[hash] = text
		p.stdout([]byte(loadedMarker + hash + "\r\n"))
	}
	script, ok := scripts[hash]
	if !ok {
		p.stderr([]byte("script " + hash + " is not loaded in this worker\r\n"))
		return true
	}
	args, err := base64.StdEncoding.DecodeString(argsB64)
	if err != nil {
		p.stderr([]byte(base64ErrorText + "\r\n"))
		return true
	}
	if !s.loadAgent(p, script) {
		return false
	}
	out := s.runOp(script, op, args, id)
	switch {
	case out.failure != "":
		p.stderr(s.oemText(out.failure + "\r\n"))
		return true
	case !out.known:
		// The dispatcher's & Invoke-OP throws CommandNotFoundException;
		// the worker's catch writes its message.
		p.stderr(s.oemText(s.notRecognizedMessage("Invoke-"+op) + "\r\n"))
		return true
	}
	if s.faults.killThisOp(op) {
		return false
	}
	p.stdout(out.line)
	return true
}

// scriptBlockErrorText is what [ScriptBlock]::Create throws for a script
// it cannot take (here: the fault FailScriptLoad), as the worker's catch
// writes it.
const scriptBlockErrorText = `Exception calling "Create" with "1" argument(s): "The script could not be loaded."`

// base64ErrorText is FormatException's message for bad base64 in .NET
// Framework 4.x.
const base64ErrorText = "The input is not a valid Base-64 string as it contains a non-base 64 character, more than two padding characters, or an illegal character among the padding characters. "
