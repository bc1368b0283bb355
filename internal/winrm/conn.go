package winrm

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"syscall"
	"time"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/wsmv"
)

// maxResponseBytes bounds one HTTP response body. WinRM answers stay under
// MaxEnvelopeSize (150 KB) plus framing; anything far larger is not WinRM.
const maxResponseBytes = 16 << 20

// conn is one persistent connection to the endpoint. It carries one request
// at a time, and at most one NTLM security context for its whole life,
// because NTLM authenticates the TCP connection, not the request.
type conn struct {
	netConn net.Conn
	reader  *bufio.Reader
	// sealer seals and unseals every message on this connection when NTLM
	// message encryption is on; nil otherwise.
	sealer wsmv.Sealer
	// reused is set once the connection has carried a request and sat idle
	// in the pool, where the host may have closed it.
	reused bool
	// idleSince is when the connection went back to the pool.
	idleSince time.Time
}

func newConn(nc net.Conn) *conn {
	return &conn{netConn: nc, reader: bufio.NewReaderSize(nc, 64<<10)}
}

func (c *conn) close() { _ = c.netConn.Close() }

// response is one HTTP response with its body read in full.
type response struct {
	StatusCode  int
	Header      http.Header
	ContentType string
	Body        []byte
	// keepAlive is false when the host asked to close the connection.
	keepAlive bool
}

// staleConnError marks a failure on a reused connection before the host
// answered anything: the host closed it while it was idle, so the request
// never reached it and may be sent again on a new connection.
type staleConnError struct{ err error }

func (e *staleConnError) Error() string { return e.err.Error() }
func (e *staleConnError) Unwrap() error { return e.err }

// roundTrip writes req and reads the response. The connection's deadline is
// the earlier of timeout and the context's deadline, and cancelling ctx
// closes the connection, so a request in flight really stops. After an
// error the connection must be closed.
func (c *conn) roundTrip(ctx context.Context, req *http.Request, timeout time.Duration) (*response, error) {
	deadline := time.Now().Add(timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	if err := c.netConn.SetDeadline(deadline); err != nil {
		return nil, err
	}
	stop := context.AfterFunc(ctx, func() { c.close() })
	resp, err := c.exchange(req)
	closedByCtx := !stop()
	if err != nil && (closedByCtx || ctx.Err() != nil) {
		// The exchange failed because ctx ended: report why.
		return nil, context.Cause(ctx)
	}
	if closedByCtx {
		// The answer arrived, but the connection is gone.
		resp.keepAlive = false
	}
	return resp, err
}

func (c *conn) exchange(req *http.Request) (*response, error) {
	if err := req.Write(c.netConn); err != nil {
		return nil, c.markStale(fmt.Errorf("sending request: %w", err))
	}
	if _, err := c.reader.Peek(1); err != nil {
		return nil, c.markStale(fmt.Errorf("reading response: %w", err))
	}
	httpResp, err := http.ReadResponse(c.reader, req)
	if err != nil {
		return nil, fmt.Errorf("reading response: %w", err)
	}
	defer func() { _ = httpResp.Body.Close() }()
	body, err := io.ReadAll(io.LimitReader(httpResp.Body, maxResponseBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading response body: %w", err)
	}
	if len(body) > maxResponseBytes {
		return nil, fmt.Errorf("%w: response body exceeds %d bytes", ErrProtocol, maxResponseBytes)
	}
	return &response{
		StatusCode:  httpResp.StatusCode,
		Header:      httpResp.Header,
		ContentType: httpResp.Header.Get("Content-Type"),
		Body:        body,
		keepAlive:   !httpResp.Close,
	}, nil
}

// markStale wraps err as retryable when the connection was reused and the
// failure looks like the host having closed it while idle.
func (c *conn) markStale(err error) error {
	if c.reused && (errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)) {
		return &staleConnError{err: err}
	}
	return err
}

// maxIdleTime retires pooled connections well before HTTP.sys closes them
// (its IdleConnectionTimeout defaults to 120 s), so a reused connection is
// rarely found closed; when it is, post retries once on a new one.
const maxIdleTime = 60 * time.Second

// pool keeps idle authenticated connections for reuse. A connection is
// either idle in the pool or owned by exactly one request.
type pool struct {
	mu      sync.Mutex
	idle    []*conn
	maxIdle int
	closed  bool
}

// take returns the most recently used idle connection, or nil. It closes
// connections idle for longer than maxIdleTime.
func (p *pool) take() *conn {
	p.mu.Lock()
	var expired []*conn
	cutoff := time.Now().Add(-maxIdleTime)
	for len(p.idle) > 0 && p.idle[0].idleSince.Before(cutoff) {
		expired = append(expired, p.idle[0])
		p.idle = p.idle[1:]
	}
	var c *conn
	if n := len(p.idle); n > 0 {
		c, p.idle = p.idle[n-1], p.idle[:n-1]
	}
	p.mu.Unlock()
	for _, e := range expired {
		e.close()
	}
	return c
}

// put returns a healthy connection to the pool, or closes it when the pool
// is full or closed.
func (p *pool) put(c *conn) {
	c.reused, c.idleSince = true, time.Now()
	p.mu.Lock()
	if !p.closed && len(p.idle) < p.maxIdle {
		p.idle = append(p.idle, c)
		c = nil
	}
	p.mu.Unlock()
	if c != nil {
		c.close()
	}
}

// close closes the idle connections; connections in use are closed when
// they come back.
func (p *pool) close() {
	p.mu.Lock()
	idle := p.idle
	p.idle, p.closed = nil, true
	p.mu.Unlock()
	for _, c := range idle {
		c.close()
	}
}
