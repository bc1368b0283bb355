package winrm

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"sync"
	"time"
)

// Client runs commands on one WinRM endpoint. It is safe for concurrent
// use; at most Config.MaxSessions shells are open at once.
type Client struct {
	cfg       Config
	transport *transport
	messages  messages
	// sessions counts open shells against MaxSessions and keeps the idle
	// workers.
	sessions *sessions
}

// Result is what a command left behind.
type Result struct {
	Stdout []byte
	Stderr []byte // CLIXML documents decoded to plain text
	// ExitCode is the process's exit code (int32 value of the DWORD); 0 for
	// an op run by a worker, which keeps running.
	ExitCode int
	// RequestID is the id a worker ran the op under, which the op's
	// envelope echoes; "" for one process per op.
	RequestID string
}

// New validates cfg and returns a client. It does not connect: the first
// request does. Errors name the field at fault and what to do, and wrap
// ErrInvalidConfig.
func New(cfg Config) (*Client, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	auth, err := newAuthenticator(cfg)
	if err != nil {
		return nil, err
	}
	endpoint, err := url.Parse(cfg.endpointURL())
	if err != nil {
		return nil, configError("host", fmt.Sprintf("%q does not form a valid URL: %v", cfg.Host, err))
	}
	t := &transport{
		cfg:    cfg,
		url:    endpoint,
		auth:   auth,
		dialer: net.Dialer{KeepAlive: 30 * time.Second},
		// A command uses two connections at once (Send and Receive), and
		// cleanup may add one.
		pool: pool{maxIdle: 2*cfg.MaxSessions + 1},
	}
	if cfg.HTTPS {
		t.tlsConfig = newTLSConfig(cfg)
	}
	return &Client{
		cfg:       cfg,
		transport: t,
		messages:  newMessages(cfg.endpointURL(), cfg.Timeout),
		sessions:  newSessions(cfg.MaxSessions),
	}, nil
}

// newAuthenticator returns the configured authentication method.
func newAuthenticator(cfg Config) (authenticator, error) {
	switch cfg.Auth {
	case AuthBasic:
		return &basicAuth{username: cfg.Username, password: cfg.Password}, nil
	case AuthKerberos:
		return newKerberosAuth(cfg)
	}
	client, err := ntlmClientConfig(cfg.Username, cfg.Password)
	if err != nil {
		return nil, configError("username", err.Error())
	}
	return &ntlmAuth{client: client, encrypt: cfg.encrypted()}, nil
}

// Close deletes the workers' shells (waiting briefly for those still
// running an op that is being interrupted), then closes idle connections.
// It returns within about closeWait, so that a provider told to stop exits
// before Terraform kills it; a host that does not answer by then deletes
// the shells itself at their IdleTimeOut. Later requests fail with
// ErrClosed. It is safe to call more than once.
func (c *Client) Close() error {
	deadline := time.Now().Add(closeWait)
	idle := c.sessions.close()
	var wg sync.WaitGroup
	for _, w := range idle {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.discard(context.Background(), w)
		}()
	}
	if n := c.sessions.waitReleased(deadline); n > 0 {
		c.transport.logf("%d shells still in use at close; the host deletes them after their IdleTimeOut (%s)", n, c.cfg.ShellIdleTimeout)
	} else {
		wg.Wait()
	}
	c.transport.pool.close()
	return nil
}
