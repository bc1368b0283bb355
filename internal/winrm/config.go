package winrm

import (
	"crypto/x509"
	"fmt"
	"net"
	"strings"
	"time"
)

// Authentication methods accepted in Config.Auth.
const (
	AuthBasic    = "basic"
	AuthNTLM     = "ntlm"
	AuthKerberos = "kerberos"
)

// Defaults applied by New to zero-valued Config fields.
const (
	DefaultHTTPPort    = 5985 // WinRM's HTTP listener (winrm quickconfig)
	DefaultHTTPSPort   = 5986 // WinRM's HTTPS listener
	DefaultTimeout     = 60 * time.Second
	DefaultMaxSessions = 5
	DefaultAuth        = AuthNTLM // what a Windows host accepts out of the box (Negotiate)
	// DefaultShellIdleTimeout is the IdleTimeOut asked for every shell: a
	// client killed without deleting its shells leaves them this long
	// instead of WinRM's default two hours (winrm/config/winrs IdleTimeout).
	DefaultShellIdleTimeout = 2 * time.Minute
)

// Config describes one WinRM endpoint and how to authenticate to it. Field
// names in error messages are the provider's attribute names (host, port,
// ca_cert, ...), since that is what a person edits.
type Config struct {
	Host          string // DNS name or IP address, without scheme or port
	Port          int    // 0 = 5985 for HTTP, 5986 for HTTPS
	HTTPS         bool
	Insecure      bool   // HTTPS without certificate verification
	CACertPEM     []byte // CA certificate(s) to trust instead of the system pool
	TLSServerName string // name to verify in the host's certificate (default Host)

	Auth               string // "basic" | "ntlm" | "kerberos"; "" = ntlm
	Username, Password string // user, DOMAIN\user or user@domain

	Timeout     time.Duration // per WinRM operation (connect, each request); default 60s
	MaxSessions int           // shells open at once to this endpoint; default 5
	// AllowUnencrypted permits plain HTTP without message encryption (Basic,
	// or NTLM/Kerberos without sealing). Only on explicit opt-in: the host's
	// default AllowUnencrypted=false refuses it anyway.
	AllowUnencrypted bool

	// ReusePowerShell runs ops in long-lived powershell.exe workers, at most
	// MaxSessions, kept for the Client's life (PROTOCOL.md section 1).
	// False starts one powershell.exe per op in a shell of its own.
	ReusePowerShell bool
	// ShellIdleTimeout is the IdleTimeOut asked for each shell; default
	// DefaultShellIdleTimeout.
	ShellIdleTimeout time.Duration

	KerberosRealm      string // default: the upper-cased domain of user@domain
	KerberosConfigPath string // default $KRB5_CONFIG, else /etc/krb5.conf
	KerberosSPN        string // default HTTP/<Host>

	// Logf, if set, receives one line per shell lifecycle event and
	// connection. Lines never contain passwords, request arguments or output.
	Logf func(format string, args ...any)
}

// String describes the endpoint without the password, so a Config printed
// by mistake (%v, %+v) leaks nothing.
func (c Config) String() string {
	return fmt.Sprintf("winrm.Config{%s auth=%s user=%q password=<redacted>}", c.endpointURL(), c.Auth, c.Username)
}

// GoString is String, so %#v redacts the password too.
func (c Config) GoString() string { return c.String() }

// withDefaults returns c with zero fields set to their defaults.
func (c Config) withDefaults() Config {
	c.Host = strings.TrimSpace(c.Host)
	c.Auth = strings.ToLower(strings.TrimSpace(c.Auth))
	if c.Auth == "" {
		c.Auth = DefaultAuth
	}
	if c.Port == 0 {
		c.Port = DefaultHTTPPort
		if c.HTTPS {
			c.Port = DefaultHTTPSPort
		}
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	if c.MaxSessions == 0 {
		c.MaxSessions = DefaultMaxSessions
	}
	if c.ShellIdleTimeout == 0 {
		c.ShellIdleTimeout = DefaultShellIdleTimeout
	}
	return c
}

// scheme is "https" or "http".
func (c Config) scheme() string {
	if c.HTTPS {
		return "https"
	}
	return "http"
}

// address is host:port, with brackets around an IPv6 literal.
func (c Config) address() string {
	return net.JoinHostPort(c.Host, fmt.Sprint(c.Port))
}

// endpointURL is the WS-Management endpoint, e.g. https://host:5986/wsman.
func (c Config) endpointURL() string {
	return c.scheme() + "://" + c.address() + "/wsman"
}

// encrypted reports whether NTLM messages are sealed: over plain HTTP unless
// the caller opted out (TLS already protects HTTPS).
func (c Config) encrypted() bool {
	return !c.HTTPS && !c.AllowUnencrypted
}

// validate checks a Config that has its defaults applied.
func (c Config) validate() error {
	checks := []func() error{c.validateEndpoint, c.validateTLS, c.validateCredentials, c.validateLimits, c.validateTransportSecurity}
	for _, check := range checks {
		if err := check(); err != nil {
			return err
		}
	}
	return nil
}

func (c Config) validateEndpoint() error {
	switch {
	case c.Host == "":
		return configError("host", "is empty: set the Windows host's DNS name or IP address")
	case strings.Contains(c.Host, "://") || strings.ContainsAny(c.Host, "/ "):
		return configError("host", fmt.Sprintf("%q is not a host name: give the name or address only (no scheme, path or spaces); use https and port for the rest", c.Host))
	case c.Port < 1 || c.Port > 65535:
		return configError("port", fmt.Sprintf("%d is out of range 1-65535 (WinRM listens on 5985 for HTTP, 5986 for HTTPS)", c.Port))
	}
	switch c.Auth {
	case AuthBasic, AuthNTLM, AuthKerberos:
		return nil
	}
	return configError("auth", fmt.Sprintf("%q is not supported: use basic, ntlm or kerberos", c.Auth))
}

func (c Config) validateTLS() error {
	if !c.HTTPS {
		if len(c.CACertPEM) > 0 {
			return configError("ca_cert", "applies only to HTTPS: set https = true (port 5986) or remove ca_cert")
		}
		if c.TLSServerName != "" {
			return configError("tls_server_name", "applies only to HTTPS: set https = true (port 5986) or remove tls_server_name")
		}
		return nil
	}
	if len(c.CACertPEM) > 0 && !x509.NewCertPool().AppendCertsFromPEM(c.CACertPEM) {
		return configError("ca_cert", "contains no PEM certificate: give the issuing CA certificate as PEM (-----BEGIN CERTIFICATE-----)")
	}
	return nil
}

func (c Config) validateCredentials() error {
	if strings.TrimSpace(c.Username) == "" {
		return configError("username", "is empty: set the account to log on with (user, DOMAIN\\user or user@domain)")
	}
	if _, err := parseUser(c.Username); err != nil {
		return configError("username", err.Error())
	}
	if c.Password == "" {
		return configError("password", "is empty: set the account's password")
	}
	return nil
}

func (c Config) validateLimits() error {
	if c.Timeout < 0 {
		return configError("timeout", fmt.Sprintf("%s is negative", c.Timeout))
	}
	if c.ShellIdleTimeout < time.Second {
		return configError("shell_idle_timeout", fmt.Sprintf("%s is shorter than one second", c.ShellIdleTimeout))
	}
	if c.MaxSessions < 0 {
		return configError("max_sessions", fmt.Sprintf("%d is negative", c.MaxSessions))
	}
	return nil
}

// validateTransportSecurity refuses credentials or payloads in clear text on
// the wire unless the caller explicitly allowed it.
func (c Config) validateTransportSecurity() error {
	if c.HTTPS || c.AllowUnencrypted {
		return nil
	}
	switch c.Auth {
	case AuthBasic:
		return configError("auth", "basic over plain HTTP sends the password and every message unencrypted: use https = true (port 5986) or auth = ntlm, which encrypts messages over HTTP; only if you must, opt in to unencrypted traffic (allow_unencrypted = true)")
	case AuthKerberos:
		return configError("auth", "kerberos over plain HTTP would send messages unencrypted (Kerberos message encryption is not supported yet): use https = true (port 5986), or auth = ntlm, which encrypts messages over HTTP")
	}
	return nil
}
