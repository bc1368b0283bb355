package winrm

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	krbclient "github.com/jcmturner/gokrb5/v8/client"
	krbconfig "github.com/jcmturner/gokrb5/v8/config"
	"github.com/jcmturner/gokrb5/v8/spnego"
)

// defaultKrb5Conf is where MIT Kerberos and gokrb5 look without KRB5_CONFIG.
const defaultKrb5Conf = "/etc/krb5.conf"

// spnPattern is service/host as Windows registers SPNs (HTTP/host.example.com,
// optionally with a port).
var spnPattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]*/[A-Za-z0-9][A-Za-z0-9.-]*(:[0-9]{1,5})?$`)

// kerberosAuth sends a SPNEGO token (RFC 4559) with every request. gokrb5
// caches the TGT and service ticket, so only the first request talks to the
// KDC.
type kerberosAuth struct {
	client   *krbclient.Client
	spn      string
	user     string // user@REALM, for messages
	endpoint string
}

func (a *kerberosAuth) name() string { return AuthKerberos }

func (a *kerberosAuth) establish(context.Context, *transport, *conn) error { return nil }

func (a *kerberosAuth) authorize(req *http.Request) error {
	if err := spnego.SetSPNEGOHeader(a.client, req, a.spn); err != nil {
		return &Error{Step: "authenticate (kerberos)", Endpoint: a.endpoint, Kind: ErrUnauthorized, Err: err,
			Detail: fmt.Sprintf("cannot get a Kerberos service ticket for %s as %s: check the password, kerberos_realm, "+
				"the KDCs for the realm in krb5.conf, that the SPN is registered for the host (setspn -L), and that clocks agree within 5 minutes",
				a.spn, a.user)}
	}
	return nil
}

// newKerberosAuth checks the Kerberos settings and prepares a client; it
// does not contact the KDC.
func newKerberosAuth(cfg Config) (*kerberosAuth, error) {
	realm, err := kerberosRealm(cfg)
	if err != nil {
		return nil, err
	}
	spn, err := kerberosSPN(cfg)
	if err != nil {
		return nil, err
	}
	krbConf, err := loadKrb5Conf(cfg.KerberosConfigPath)
	if err != nil {
		return nil, err
	}
	acct, _ := parseUser(cfg.Username) // validated before
	client := krbclient.NewWithPassword(acct.Name, realm, cfg.Password, krbConf, krbclient.DisablePAFXFAST(true))
	return &kerberosAuth{client: client, spn: spn, user: acct.Name + "@" + realm, endpoint: cfg.endpointURL()}, nil
}

// kerberosRealm is KerberosRealm, or the upper-cased domain of user@domain.
func kerberosRealm(cfg Config) (string, error) {
	if cfg.KerberosRealm != "" {
		if strings.ContainsAny(cfg.KerberosRealm, " /\\@") {
			return "", configError("kerberos_realm", fmt.Sprintf("%q is not a realm name: use the Active Directory DNS domain in upper case, e.g. EXAMPLE.COM", cfg.KerberosRealm))
		}
		return cfg.KerberosRealm, nil
	}
	if _, domain, ok := strings.Cut(cfg.Username, "@"); ok && domain != "" {
		return strings.ToUpper(domain), nil
	}
	return "", configError("kerberos_realm", "is empty: set the realm (the Active Directory DNS domain in upper case, e.g. EXAMPLE.COM), or give username as user@example.com")
}

// kerberosSPN is KerberosSPN or HTTP/<host>, which must name the host by DNS
// name: Windows registers SPNs for names, so a ticket for an IP address fails.
func kerberosSPN(cfg Config) (string, error) {
	if cfg.KerberosSPN == "" {
		if net.ParseIP(strings.Trim(cfg.Host, "[]")) != nil {
			return "", configError("kerberos_spn", fmt.Sprintf("cannot default to HTTP/%s: Kerberos needs the host's DNS name; set host to the name, or set kerberos_spn (e.g. HTTP/server.example.com)", cfg.Host))
		}
		return "HTTP/" + cfg.Host, nil
	}
	if !spnPattern.MatchString(cfg.KerberosSPN) {
		return "", configError("kerberos_spn", fmt.Sprintf("%q is not a service principal name: use service/host, e.g. HTTP/server.example.com", cfg.KerberosSPN))
	}
	return cfg.KerberosSPN, nil
}

// krb5ConfPath is the explicit path, else the first file of $KRB5_CONFIG
// (a colon-separated list, as in MIT Kerberos), else /etc/krb5.conf.
func krb5ConfPath(explicit string) string {
	if explicit != "" {
		return explicit
	}
	if env := os.Getenv("KRB5_CONFIG"); env != "" {
		return strings.Split(env, string(filepath.ListSeparator))[0]
	}
	return defaultKrb5Conf
}

// loadKrb5Conf reads and parses krb5.conf. Directives gokrb5 does not
// support are not errors: MIT accepts them and so do we.
func loadKrb5Conf(explicit string) (*krbconfig.Config, error) {
	path := krb5ConfPath(explicit)
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, configError("kerberos_config", fmt.Sprintf("cannot read %s (%v): give the path of a readable krb5.conf naming the realm's KDCs, or set KRB5_CONFIG", path, errors.Unwrap(err)))
	}
	conf, err := krbconfig.NewFromString(string(data))
	var unsupported krbconfig.UnsupportedDirective
	if err != nil && !errors.As(err, &unsupported) {
		return nil, configError("kerberos_config", fmt.Sprintf("%s is not a valid krb5.conf: %v", path, err))
	}
	return conf, nil
}
