package winrm

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/wsmv"
)

// soapContentType is what WinRM expects on unencrypted requests.
const soapContentType = "application/soap+xml;charset=UTF-8"

// userAgent identifies the provider in the host's HTTP logs.
const userAgent = "terraform-provider-windows"

// authenticator is one authentication method.
type authenticator interface {
	// name is the method as the user configured it ("ntlm", ...).
	name() string
	// establish authenticates a new connection (the NTLM handshake); a no-op
	// for methods that authenticate each request.
	establish(ctx context.Context, t *transport, c *conn) error
	// authorize adds per-request credentials.
	authorize(req *http.Request) error
}

// transport sends SOAP envelopes to one endpoint over pooled connections.
type transport struct {
	cfg       Config
	url       *url.URL
	tlsConfig *tls.Config // nil for HTTP
	auth      authenticator
	pool      pool
	dialer    net.Dialer
}

// post sends one SOAP envelope and returns the host's SOAP answer. step
// names what is being done, for errors ("create shell", "receive output").
// A WS-Management fault is returned as an *Error wrapping *FaultError.
func (t *transport) post(ctx context.Context, step string, envelope []byte) ([]byte, error) {
	for attempt := 0; ; attempt++ {
		if ctx.Err() != nil {
			return nil, t.transportError(ctx, step, context.Cause(ctx))
		}
		c, err := t.connection(ctx)
		if err != nil {
			return nil, err
		}
		resp, body, err := t.send(ctx, c, envelope)
		var stale *staleConnError
		if err != nil && attempt == 0 && errors.As(err, &stale) && ctx.Err() == nil {
			c.close()
			continue // the host closed the idle connection; the request never reached it
		}
		if err != nil {
			c.close()
			return nil, t.transportError(ctx, step, err)
		}
		if resp.keepAlive {
			t.pool.put(c)
		} else {
			c.close()
		}
		return t.interpret(step, resp, body)
	}
}

// connection returns an idle pooled connection or a new authenticated one.
func (t *transport) connection(ctx context.Context) (*conn, error) {
	if c := t.pool.take(); c != nil {
		return c, nil
	}
	c, err := t.dial(ctx)
	if err != nil {
		return nil, err
	}
	if err := t.auth.establish(ctx, t, c); err != nil {
		c.close()
		return nil, err
	}
	t.logf("connected to %s (%s)", t.cfg.endpointURL(), t.auth.name())
	return c, nil
}

// send writes the envelope (sealed if the connection seals) and returns the
// response with its SOAP body unsealed. Unsealing happens before the
// connection goes back to the pool, because NTLM sealing is sequenced per
// connection.
func (t *transport) send(ctx context.Context, c *conn, envelope []byte) (*response, []byte, error) {
	req, err := t.newRequest(c, envelope)
	if err != nil {
		return nil, nil, err
	}
	resp, err := c.roundTrip(ctx, req, t.cfg.Timeout)
	if err != nil {
		return nil, nil, err
	}
	body, err := t.openBody(c, resp)
	if err != nil {
		resp.keepAlive = false
		return resp, nil, err
	}
	return resp, body, nil
}

// newRequest builds the POST for one envelope on connection c.
func (t *transport) newRequest(c *conn, envelope []byte) (*http.Request, error) {
	body, contentType := envelope, soapContentType
	if c.sealer != nil {
		body, contentType = wsmv.Encrypt(c.sealer, envelope), wsmv.ContentType
	}
	req := t.baseRequest(body)
	req.Header.Set("Content-Type", contentType)
	if err := t.auth.authorize(req); err != nil {
		return nil, err
	}
	return req, nil
}

// baseRequest is a POST to the endpoint with body (nil for an empty one).
func (t *transport) baseRequest(body []byte) *http.Request {
	req := &http.Request{
		Method:     http.MethodPost,
		URL:        t.url,
		Proto:      "HTTP/1.1",
		ProtoMajor: 1,
		ProtoMinor: 1,
		Header:     http.Header{"User-Agent": {userAgent}},
		Host:       t.url.Host,
	}
	if len(body) > 0 {
		req.ContentLength = int64(len(body))
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	return req
}

// openBody returns the SOAP text of a response, unsealing it if it is
// encrypted. A sealing connection accepts no plain SOAP answer, so nobody on
// the path can substitute one.
func (t *transport) openBody(c *conn, resp *response) ([]byte, error) {
	encrypted := wsmv.IsEncrypted(resp.ContentType)
	switch {
	case encrypted && c.sealer == nil:
		return nil, fmt.Errorf("%w: the host sent an encrypted answer on an unencrypted connection", ErrProtocol)
	case encrypted:
		body, err := wsmv.Decrypt(c.sealer, resp.Body)
		if err != nil {
			return nil, fmt.Errorf("%w: decrypting the answer: %w", ErrProtocol, err)
		}
		return body, nil
	case c.sealer != nil && isSOAP(resp.ContentType) && resp.StatusCode == http.StatusOK:
		// A plain fault cannot pass for success, so only success must be sealed.
		return nil, fmt.Errorf("%w: the host answered without message encryption on an encrypted connection", ErrProtocol)
	}
	return resp.Body, nil
}

// interpret turns an HTTP answer into the SOAP body or an actionable error.
func (t *transport) interpret(step string, resp *response, body []byte) ([]byte, error) {
	isWSMan := isSOAP(resp.ContentType) || wsmv.IsEncrypted(resp.ContentType)
	switch {
	case resp.StatusCode == http.StatusUnauthorized:
		return nil, t.unauthorizedError(step, resp)
	case resp.StatusCode == http.StatusOK && isWSMan:
		return body, nil
	case isWSMan:
		fault, err := parseFault(body)
		if err != nil {
			return nil, t.httpStatusError(step, resp, body)
		}
		return nil, &Error{Step: step, Endpoint: t.cfg.endpointURL(), Detail: fault.Error(), Err: fault}
	}
	return nil, t.httpStatusError(step, resp, body)
}

func isSOAP(contentType string) bool {
	return strings.Contains(strings.ToLower(contentType), "application/soap+xml")
}

// httpStatusError describes an answer that is not WS-Management.
func (t *transport) httpStatusError(step string, resp *response, body []byte) error {
	detail := fmt.Sprintf("the host answered HTTP %d %s (Content-Type %q)", resp.StatusCode, http.StatusText(resp.StatusCode), resp.ContentType)
	if snippet := printableSnippet(body, 300); snippet != "" {
		detail += ": " + snippet
	}
	switch resp.StatusCode {
	case http.StatusNotFound:
		detail += "; check that host and port point at a WinRM listener (path /wsman)"
	case http.StatusBadRequest:
		detail += "; if this port is an HTTPS listener (5986), set https = true"
	case http.StatusRequestEntityTooLarge:
		detail += "; the request exceeds the host's MaxEnvelopeSizekb (winrm get winrm/config)"
	case http.StatusOK:
		detail += "; this is not a WinRM answer: check host and port"
	}
	return &Error{Step: step, Endpoint: t.cfg.endpointURL(), Kind: ErrProtocol, Detail: detail}
}

// printableSnippet returns up to n bytes of body as one line of text.
func printableSnippet(body []byte, n int) string {
	if len(body) > n {
		body = body[:n]
	}
	s := strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == '\t' {
			return ' '
		}
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, string(body))
	return strings.TrimSpace(s)
}

// logf logs through Config.Logf when set.
func (t *transport) logf(format string, args ...any) {
	if t.cfg.Logf != nil {
		t.cfg.Logf(format, args...)
	}
}

// listener names the endpoint for people: "127.0.0.1:5985 (WinRM over HTTP)".
func (t *transport) listener() string {
	return t.cfg.address() + " (WinRM over " + strings.ToUpper(t.cfg.scheme()) + ")"
}

// offeredSchemes lists the authentication schemes of a 401's
// WWW-Authenticate headers, e.g. "Negotiate, Kerberos".
func offeredSchemes(h http.Header) string {
	var schemes []string
	for _, v := range h.Values("WWW-Authenticate") {
		for part := range strings.SplitSeq(v, ",") {
			if f := strings.Fields(part); len(f) > 0 && !strings.Contains(f[0], "=") {
				schemes = append(schemes, f[0])
			}
		}
	}
	return strings.Join(schemes, ", ")
}

// unauthorizedError explains a 401: whose credentials, where, with which
// method, and what to check. It never includes the password.
func (t *transport) unauthorizedError(step string, resp *response) error {
	detail := fmt.Sprintf("the host refused the credentials of user %q for %s authentication on %s (HTTP 401)",
		t.cfg.Username, t.auth.name(), t.listener())
	if offered := offeredSchemes(resp.Header); offered != "" {
		detail += "; the host offers: " + offered
	}
	detail += "; check the password, that the account exists and is neither disabled nor locked out, " +
		"that it is a local Administrator on the host (or a member of Remote Management Users), and that the WinRM service " +
		"allows this method (on the host: winrm get winrm/config/service/auth; Basic works only with local accounts, " +
		"ntlm needs Negotiate=true)"
	return &Error{Step: step, Endpoint: t.cfg.endpointURL(), Kind: ErrUnauthorized, Detail: detail}
}
