package winrm

import (
	"errors"
	"strings"
)

// account is a user name split the way the authentication methods need it.
type account struct {
	Name   string // the user name alone
	Domain string // NetBIOS or DNS domain (or computer) name, "" for a bare name
}

// parseUser splits "user", "DOMAIN\user" and "user@domain". NTLM sends the
// two parts separately (MS-NLMP 2.2.1.3 UserName / DomainName); Kerberos uses
// the domain as the default realm.
func parseUser(raw string) (account, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return account{}, errors.New("is empty")
	}
	if strings.ContainsAny(raw, "\r\n\t") {
		return account{}, errors.New("contains control characters")
	}
	if domain, name, ok := strings.Cut(raw, `\`); ok {
		if domain == "" || name == "" || strings.ContainsAny(name, `\@`) {
			return account{}, errors.New(`must be user, DOMAIN\user or user@domain`)
		}
		return account{Name: name, Domain: domain}, nil
	}
	if name, domain, ok := strings.Cut(raw, "@"); ok {
		if domain == "" || name == "" || strings.Contains(domain, "@") {
			return account{}, errors.New(`must be user, DOMAIN\user or user@domain`)
		}
		return account{Name: name, Domain: domain}, nil
	}
	return account{Name: raw}, nil
}
