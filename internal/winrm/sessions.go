package winrm

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// closeWait bounds how long Close waits for shells still in use (an op
// being interrupted) to be deleted. Terraform's plugin client kills a
// provider two seconds after asking it to stop, so this stays below that.
const closeWait = 1500 * time.Millisecond

// sessions counts the shells a Client holds against MaxSessions: one per
// one-shot command while it runs, one per worker for the worker's life, idle
// or busy. Idle workers wait here for the next op. A one-shot command that
// finds every slot held by idle workers retires one to take its slot.
type sessions struct {
	mu      sync.Mutex
	max     int
	used    int // slots held
	idle    []*worker
	closed  bool
	changed chan struct{} // closed and replaced when used or idle change
}

func newSessions(max int) *sessions {
	return &sessions{max: max, changed: make(chan struct{})}
}

// notifyLocked wakes every waiter; s.mu must be held.
func (s *sessions) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// acquire waits until it can take an idle worker (when takeIdle) or a free
// slot, and returns the idle worker, whose slot comes with it, or nil for a
// free slot. Without takeIdle, an idle worker found when no slot is free is
// returned for the caller to retire, its slot becoming the caller's.
func (s *sessions) acquire(ctx context.Context, takeIdle bool) (*worker, error) {
	for {
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			return nil, ErrClosed
		}
		if takeIdle && len(s.idle) > 0 {
			w := s.idle[len(s.idle)-1]
			s.idle = s.idle[:len(s.idle)-1]
			s.mu.Unlock()
			return w, nil
		}
		if s.used < s.max {
			s.used++
			s.mu.Unlock()
			return nil, nil
		}
		if !takeIdle && len(s.idle) > 0 {
			// A one-shot command needs a shell of its own: retire the
			// oldest idle worker and take its slot.
			w := s.idle[0]
			s.idle = s.idle[1:]
			s.mu.Unlock()
			return w, nil
		}
		changed := s.changed
		s.mu.Unlock()
		select {
		case <-changed:
		case <-ctx.Done():
			return nil, context.Cause(ctx)
		}
	}
}

// release gives a slot back.
func (s *sessions) release() {
	s.mu.Lock()
	s.used--
	s.notifyLocked()
	s.mu.Unlock()
}

// putIdle returns a healthy worker for the next op; false when the client
// is closed and the caller must retire it.
func (s *sessions) putIdle(w *worker) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.idle = append(s.idle, w)
	s.notifyLocked()
	return true
}

// close refuses further acquires and returns the idle workers, for the
// caller to retire.
func (s *sessions) close() []*worker {
	s.mu.Lock()
	defer s.mu.Unlock()
	idle := s.idle
	s.idle, s.closed = nil, true
	s.notifyLocked()
	return idle
}

// waitReleased waits until every slot is given back or the deadline passes,
// and reports how many are still held.
func (s *sessions) waitReleased(deadline time.Time) int {
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	for {
		s.mu.Lock()
		used, changed := s.used, s.changed
		s.mu.Unlock()
		if used == 0 {
			return 0
		}
		select {
		case <-changed:
		case <-timer.C:
			return used
		}
	}
}

// claimSession takes a slot as sessions.acquire does, turning its failure
// into the Client's error: ErrClosed, or the wait for a free session.
func (c *Client) claimSession(ctx context.Context, takeIdle bool) (*worker, error) {
	w, err := c.sessions.acquire(ctx, takeIdle)
	if errors.Is(err, ErrClosed) {
		return nil, &Error{Step: "start", Endpoint: c.cfg.endpointURL(), Kind: ErrClosed}
	}
	if err != nil {
		return nil, c.transport.transportError(ctx, fmt.Sprintf("wait for a free session (max_sessions %d)", c.cfg.MaxSessions), err)
	}
	return w, nil
}

// acquireSession waits for a free shell slot for a one-shot command,
// retiring an idle worker if that is the only way to get one.
func (c *Client) acquireSession(ctx context.Context) error {
	idle, err := c.claimSession(ctx, false)
	if err != nil {
		return err
	}
	if idle != nil {
		c.retire(ctx, idle)
	}
	return nil
}

func (c *Client) releaseSession() { c.sessions.release() }
