package winrm

import (
	"context"
	"crypto/sha1" //nolint:gosec // SHA-1 is the thumbprint Windows shows for certificates, not a security decision
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"strings"
	"syscall"
)

// newTLSConfig builds the client TLS configuration: the pinned CA (or the
// system pool), the name to verify, TLS 1.2 at least.
func newTLSConfig(cfg Config) *tls.Config {
	tc := &tls.Config{
		MinVersion:         tls.VersionTLS12,
		ServerName:         cfg.TLSServerName,
		InsecureSkipVerify: cfg.Insecure, //nolint:gosec // explicit user opt-in (insecure = true)
	}
	if tc.ServerName == "" {
		tc.ServerName = cfg.Host
	}
	if len(cfg.CACertPEM) > 0 {
		roots := x509.NewCertPool()
		roots.AppendCertsFromPEM(cfg.CACertPEM) // validated in Config.validate
		tc.RootCAs = roots
	}
	return tc
}

// dial opens a new TCP (and TLS) connection, within Config.Timeout.
func (t *transport) dial(ctx context.Context) (*conn, error) {
	dialCtx, cancel := context.WithTimeout(ctx, t.cfg.Timeout)
	defer cancel()
	nc, err := t.dialer.DialContext(dialCtx, "tcp", t.cfg.address())
	if err != nil {
		return nil, t.connectError(ctx, err)
	}
	if t.tlsConfig == nil {
		return newConn(nc), nil
	}
	tc := tls.Client(nc, t.tlsConfig)
	if err := tc.HandshakeContext(dialCtx); err != nil {
		_ = nc.Close()
		return nil, t.tlsError(ctx, err)
	}
	return newConn(tc), nil
}

// connectError explains a failed TCP connect.
func (t *transport) connectError(ctx context.Context, err error) error {
	const step = "connect"
	if ctx.Err() != nil || isTimeout(err) {
		return t.transportError(ctx, step, err)
	}
	e := &Error{Step: step, Endpoint: t.cfg.endpointURL(), Err: err}
	var dnsErr *net.DNSError
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		e.Kind = ErrConnectionRefused
		e.Detail = fmt.Sprintf("nothing accepts connections on %s: check host and port, that the WinRM service runs "+
			"and has a listener for this port (on the host: winrm quickconfig creates the HTTP listener on 5985; "+
			"winrm enumerate winrm/config/listener lists them; HTTPS listens on 5986), and that the firewall allows it", t.listener())
	case errors.As(err, &dnsErr):
		e.Detail = fmt.Sprintf("cannot resolve host %q: check the name or use the IP address", t.cfg.Host)
	default:
		e.Detail = fmt.Sprintf("cannot connect to %s: check host, port, routing and firewall", t.listener())
	}
	return e
}

// tlsError explains a failed TLS handshake, naming the certificate the host
// presented so the user can decide what to trust.
func (t *transport) tlsError(ctx context.Context, err error) error {
	const step = "connect (TLS handshake)"
	if ctx.Err() != nil || isTimeout(err) {
		return t.transportError(ctx, step, err)
	}
	e := &Error{Step: step, Endpoint: t.cfg.endpointURL(), Err: err}
	var verifyErr *tls.CertificateVerificationError
	var recordErr tls.RecordHeaderError
	switch {
	case errors.As(err, &verifyErr):
		e.Kind = ErrTLSVerification
		e.Detail = certificateAdvice(verifyErr, t.tlsConfig.ServerName)
	case errors.As(err, &recordErr):
		e.Detail = fmt.Sprintf("%s does not speak TLS: it may be WinRM's HTTP listener (5985); set https = false, or the HTTPS port (5986)", t.cfg.address())
	default:
		e.Detail = fmt.Sprintf("TLS handshake with %s failed: check that it is a WinRM HTTPS listener with a certificate bound", t.cfg.address())
	}
	return e
}

// certificateAdvice describes the presented certificate and how to trust it.
func certificateAdvice(verifyErr *tls.CertificateVerificationError, serverName string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "the host's certificate is not trusted (%v)", verifyErr.Err)
	if len(verifyErr.UnverifiedCertificates) > 0 {
		leaf := verifyErr.UnverifiedCertificates[0]
		fmt.Fprintf(&b, "; it presented subject %q issued by %q, SHA-1 thumbprint %s",
			leaf.Subject.String(), leaf.Issuer.String(), thumbprint(leaf))
		if names := certificateNames(leaf); names != "" {
			fmt.Fprintf(&b, ", valid for %s", names)
		}
	}
	var hostErr x509.HostnameError
	if errors.As(verifyErr.Err, &hostErr) {
		fmt.Fprintf(&b, "; the certificate does not name %q: set tls_server_name to a name the certificate carries", serverName)
		return b.String()
	}
	b.WriteString("; pin the issuing CA with ca_cert (its PEM), or install that CA in the system trust store; " +
		"if the name differs, set tls_server_name to a name the certificate carries")
	return b.String()
}

// thumbprint is the certificate's SHA-1 hash as Windows shows it (40
// upper-case hex digits).
func thumbprint(cert *x509.Certificate) string {
	sum := sha1.Sum(cert.Raw) //nolint:gosec // identification, not security
	return fmt.Sprintf("%X", sum[:])
}

// certificateNames lists the DNS names and IP addresses a certificate is for.
func certificateNames(cert *x509.Certificate) string {
	names := append([]string(nil), cert.DNSNames...)
	for _, ip := range cert.IPAddresses {
		names = append(names, ip.String())
	}
	return strings.Join(names, ", ")
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// transportError explains an I/O failure during step: cancellation, a
// timeout (naming the step), or a broken connection.
func (t *transport) transportError(ctx context.Context, step string, err error) error {
	e := &Error{Step: step, Endpoint: t.cfg.endpointURL(), Err: err}
	var wsErr *Error
	switch {
	case errors.As(err, &wsErr):
		return err // already explained (authentication, protocol)
	case errors.Is(err, context.Canceled):
		e.Detail = "cancelled"
	case errors.Is(err, context.DeadlineExceeded):
		e.Kind = ErrTimeout
		e.Detail = "timed out (the caller's deadline passed)"
	case isTimeout(err):
		e.Kind = ErrTimeout
		e.Detail = fmt.Sprintf("timed out: no answer from %s within %s (timeout)", t.listener(), t.cfg.Timeout)
	case errors.Is(err, ErrProtocol):
		e.Kind = ErrProtocol
	default:
		e.Detail = fmt.Sprintf("the connection to %s failed", t.listener())
	}
	if ctx.Err() != nil && !errors.Is(err, ctx.Err()) {
		e.Err = errors.Join(context.Cause(ctx), err)
	}
	return e
}
