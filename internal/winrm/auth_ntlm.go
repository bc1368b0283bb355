package winrm

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/ntlm"
)

// ntlmStep names the NTLM handshake in errors.
const ntlmStep = "authenticate (ntlm)"

// ntlmAuth authenticates each new connection once with NTLM carried in
// HTTP Negotiate headers (MS-NLMP; RFC 4559 framing, as WinRM and pywinrm
// use it): NEGOTIATE -> 401 with CHALLENGE -> AUTHENTICATE -> 200. The
// handshake posts empty bodies, as pywinrm does, so that message encryption
// starts with the first real envelope. Later requests on the connection carry
// no Authorization header: the connection is authenticated.
type ntlmAuth struct {
	client ntlm.ClientConfig
	// encrypt seals every message on the connection (MS-WSMV 2.2.9.1).
	encrypt bool
}

func (a *ntlmAuth) name() string { return AuthNTLM }

func (a *ntlmAuth) authorize(*http.Request) error { return nil }

func (a *ntlmAuth) establish(ctx context.Context, t *transport, c *conn) error {
	client := ntlm.NewClient(a.client)
	resp, err := a.leg(ctx, t, c, client.Negotiate())
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusUnauthorized {
		return t.httpStatusError(ntlmStep, resp, resp.Body)
	}
	challenge, ok := negotiateToken(resp.Header)
	if !ok {
		return t.unauthorizedError(ntlmStep, resp) // the host does not offer Negotiate
	}
	if !resp.keepAlive {
		return &Error{Step: ntlmStep, Endpoint: t.cfg.endpointURL(), Kind: ErrProtocol,
			Detail: "the host closed the connection in the middle of the NTLM handshake"}
	}
	authenticate, session, err := client.Authenticate(challenge)
	if err != nil {
		return &Error{Step: ntlmStep, Endpoint: t.cfg.endpointURL(), Kind: ErrProtocol,
			Detail: "cannot answer the host's NTLM challenge", Err: err}
	}
	resp, err = a.leg(ctx, t, c, authenticate)
	if err != nil {
		return err
	}
	switch resp.StatusCode {
	case http.StatusOK:
	case http.StatusUnauthorized:
		return t.unauthorizedError(ntlmStep, resp)
	default:
		return t.httpStatusError(ntlmStep, resp, resp.Body)
	}
	if a.encrypt {
		c.sealer = session
	}
	return nil
}

// leg sends one handshake message in an empty POST and returns the answer.
func (a *ntlmAuth) leg(ctx context.Context, t *transport, c *conn, token []byte) (*response, error) {
	req := t.baseRequest(nil)
	req.Header.Set("Content-Type", soapContentType)
	req.Header.Set("Authorization", "Negotiate "+base64.StdEncoding.EncodeToString(token))
	resp, err := c.roundTrip(ctx, req, t.cfg.Timeout)
	if err != nil {
		return nil, t.transportError(ctx, ntlmStep, err)
	}
	return resp, nil
}

// negotiateToken returns the token of a "WWW-Authenticate: Negotiate <b64>"
// (or NTLM) header.
func negotiateToken(h http.Header) ([]byte, bool) {
	for _, v := range h.Values("WWW-Authenticate") {
		f := strings.Fields(v)
		if len(f) != 2 || !strings.EqualFold(f[0], "Negotiate") && !strings.EqualFold(f[0], "NTLM") {
			continue
		}
		token, err := base64.StdEncoding.DecodeString(f[1])
		if err == nil && len(token) > 0 {
			return token, true
		}
	}
	return nil, false
}

// ntlmClientConfig splits the configured user for NTLM: user@domain and
// DOMAIN\user both become user + domain.
func ntlmClientConfig(username, password string) (ntlm.ClientConfig, error) {
	acct, err := parseUser(username)
	if err != nil {
		return ntlm.ClientConfig{}, fmt.Errorf("username: %w", err)
	}
	return ntlm.ClientConfig{User: acct.Name, Domain: acct.Domain, Password: password}, nil
}
