package winrm

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"time"
)

// Client runs commands on one WinRM endpoint. It is safe for concurrent
// use; at most Config.MaxSessions shells are open at once.
type Client struct {
	cfg       Config
	transport *transport
	messages  messages
	// sessions holds one token per open shell (a counting semaphore).
	sessions chan struct{}
}

// Result is what a command left behind.
type Result struct {
	Stdout []byte
	Stderr []byte // CLIXML documents decoded to plain text
	// ExitCode is the process's exit code (int32 value of the DWORD).
	ExitCode int
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
		sessions:  make(chan struct{}, cfg.MaxSessions),
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

// Close closes idle connections; requests in flight finish on theirs, and
// later requests fail with ErrClosed.
func (c *Client) Close() error {
	c.transport.pool.close()
	return nil
}

// acquireSession waits for a free shell slot.
func (c *Client) acquireSession(ctx context.Context) error {
	select {
	case c.sessions <- struct{}{}:
		return nil
	case <-ctx.Done():
		return c.transport.transportError(ctx, fmt.Sprintf("wait for a free session (max_sessions %d)", c.cfg.MaxSessions), context.Cause(ctx))
	}
}

func (c *Client) releaseSession() { <-c.sessions }
