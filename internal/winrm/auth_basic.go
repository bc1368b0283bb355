package winrm

import (
	"context"
	"net/http"
)

// basicAuth sends the credentials with every request (RFC 7617). Windows
// accepts Basic only for local accounts, and only over HTTPS unless the
// host's AllowUnencrypted is set.
type basicAuth struct {
	username, password string
}

func (a *basicAuth) name() string { return AuthBasic }

func (a *basicAuth) establish(context.Context, *transport, *conn) error { return nil }

func (a *basicAuth) authorize(req *http.Request) error {
	req.SetBasicAuth(a.username, a.password)
	return nil
}
