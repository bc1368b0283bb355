package model

import (
	"crypto/sha1" //nolint:gosec // the service SID is defined as a SHA-1 hash
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
)

// Host locales the model knows (State.Locale).
const (
	localeEnglish = "en-US"
	localeGerman  = "de-DE"
)

// Account is a local user or group of the scenario host.
type Account struct {
	Name string `json:"name"`
	SID  string `json:"sid"`
	// Password is set for local users that may log on (WinRM, NTLM).
	Password string `json:"password,omitempty"`
}

// builtinAccount is a well-known account with its per-locale names.
// SIDs: "Well-known SIDs" https://learn.microsoft.com/en-us/windows/win32/secauthz/well-known-sids
// and "Security identifiers" https://learn.microsoft.com/en-us/windows-server/identity/ad-ds/manage/understand-security-identifiers.
type builtinAccount struct {
	sid string
	// names maps a locale to {domain, name}: a German Windows names
	// Everyone "Jeder" and BUILTIN "VORDEFINIERT".
	names map[string][2]string
}

const (
	domainBuiltinEN     = "BUILTIN"
	domainBuiltinDE     = "VORDEFINIERT"
	domainNTAuthorityEN = "NT AUTHORITY"
	domainNTAuthorityDE = "NT-AUTORITÄT"
)

var builtinAccounts = []builtinAccount{
	{"S-1-1-0", map[string][2]string{localeEnglish: {"", "Everyone"}, localeGerman: {"", "Jeder"}}},
	{"S-1-5-32-545", map[string][2]string{localeEnglish: {domainBuiltinEN, "Users"}, localeGerman: {domainBuiltinDE, "Benutzer"}}},
	{"S-1-5-32-544", map[string][2]string{localeEnglish: {domainBuiltinEN, "Administrators"}, localeGerman: {domainBuiltinDE, "Administratoren"}}},
	{"S-1-5-18", map[string][2]string{localeEnglish: {domainNTAuthorityEN, "SYSTEM"}, localeGerman: {domainNTAuthorityDE, "SYSTEM"}}},
	{"S-1-5-19", map[string][2]string{localeEnglish: {domainNTAuthorityEN, "LOCAL SERVICE"}, localeGerman: {domainNTAuthorityDE, "LOKALER DIENST"}}},
	{"S-1-5-20", map[string][2]string{localeEnglish: {domainNTAuthorityEN, "NETWORK SERVICE"}, localeGerman: {domainNTAuthorityDE, "NETZWERKDIENST"}}},
	{"S-1-5-32-568", map[string][2]string{localeEnglish: {domainBuiltinEN, "IIS_IUSRS"}, localeGerman: {domainBuiltinDE, "IIS_IUSRS"}}},
	{"S-1-5-11", map[string][2]string{localeEnglish: {domainNTAuthorityEN, "Authenticated Users"}, localeGerman: {domainNTAuthorityDE, "Authentifizierte Benutzer"}}},
}

// resolvedAccount is an account as the host names it.
type resolvedAccount struct{ sid, domain, name string }

// qualified is the name as .NET's NTAccount (SecurityIdentifier.Translate)
// shows it: "DOMAIN\name", or just "name" for accounts without a domain
// (Everyone).
func (a resolvedAccount) qualified() string {
	if a.domain == "" {
		return a.name
	}
	return a.domain + `\` + a.name
}

// parseSID checks the S-R-I-S-S form ("SID Components",
// https://learn.microsoft.com/en-us/windows/win32/secauthz/sid-components)
// and returns it with an upper-case "S", as ConvertSidToStringSid writes it.
func parseSID(s string) (string, bool) {
	parts := strings.Split(s, "-")
	if len(parts) < 3 || len(parts) > 3+15 || !strings.EqualFold(parts[0], "S") || parts[1] != "1" {
		return "", false
	}
	for i, p := range parts[2:] {
		bits := 32
		if i == 0 {
			bits = 48 // the identifier authority is 6 bytes
		}
		if p == "" || strings.TrimLeft(p, "0123456789") != "" {
			return "", false
		}
		if _, err := strconv.ParseUint(p, 10, bits); err != nil {
			return "", false
		}
	}
	return "S" + s[1:], true
}

// validateAccounts checks the scenario's local accounts: valid unique names
// and SIDs that do not shadow a built-in account.
func validateAccounts(accounts []Account) ([]Account, error) {
	out := make([]Account, 0, len(accounts))
	seen := map[string]bool{}
	for i, a := range accounts {
		sid, ok := parseSID(a.SID)
		switch {
		case a.Name == "" || strings.ContainsAny(a.Name, `\/@`):
			return nil, fmt.Errorf("accounts[%d]: name %q must be a plain account name", i, a.Name)
		case !ok:
			return nil, fmt.Errorf("accounts[%d] %q: sid %q is not a SID string (S-1-5-21-...)", i, a.Name, a.SID)
		case seen[strings.ToLower(a.Name)] || seen[sid]:
			return nil, fmt.Errorf("accounts[%d] %q: name or SID used twice", i, a.Name)
		case builtinBySID(sid) != nil || builtinNamed(a.Name):
			return nil, fmt.Errorf("accounts[%d] %q: collides with a built-in account", i, a.Name)
		}
		seen[strings.ToLower(a.Name)], seen[sid] = true, true
		a.SID = sid
		out = append(out, a)
	}
	return out, nil
}

func builtinBySID(sid string) *builtinAccount {
	for i := range builtinAccounts {
		if builtinAccounts[i].sid == sid {
			return &builtinAccounts[i]
		}
	}
	return nil
}

// builtinNamed reports whether name is a built-in account's name in any locale.
func builtinNamed(name string) bool {
	for _, b := range builtinAccounts {
		for _, n := range b.names {
			if strings.EqualFold(n[1], name) {
				return true
			}
		}
	}
	return false
}

// domainNTService is the domain of the service SIDs ("NT SERVICE\SvcName";
// "SERVICE_SID_INFO structure", learn.microsoft.com: "Note that NT SERVICE
// is the domain name"). Windows does not translate it.
const domainNTService = "NT SERVICE"

// serviceSID is the SID of the service's virtual account NT SERVICE\name,
// what "sc.exe showsid name" prints: S-1-5-80 (SECURITY_SERVICE_ID_BASE_RID
// 80, "Well-known SIDs", learn.microsoft.com) followed by the SHA-1 hash of
// the service name, upper-cased, in UTF-16LE, read as five little-endian
// 32-bit sub-authorities ("Service SIDs are of the form
// S-1-5-80-{SHA1 hash of short service name}", "Understanding Service
// SIDs", Windows 7 Resource Kit; the upper-casing and byte order are what
// reproduce sc.exe showsid TrustedInstaller =
// S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464, the
// owner of the Windows system files). The name's case does not matter: the
// hash is of the upper-cased name.
func serviceSID(name string) string {
	units := utf16.Encode([]rune(strings.ToUpper(name)))
	data := make([]byte, 2*len(units))
	for i, u := range units {
		binary.LittleEndian.PutUint16(data[2*i:], u)
	}
	sum := sha1.Sum(data) //nolint:gosec // not for security: Windows' definition of the SID
	var b strings.Builder
	b.WriteString("S-1-5-80")
	for i := 0; i < 5; i++ {
		fmt.Fprintf(&b, "-%d", binary.LittleEndian.Uint32(sum[4*i:]))
	}
	return b.String()
}

// serviceAccountBySID is the installed service whose service SID is sid.
// LookupAccountSid names a service SID only for a service the SCM has
// (the hash cannot be reversed), and so does the model.
func (h *Host) serviceAccountBySID(sid string) (resolvedAccount, bool) {
	if !strings.HasPrefix(sid, "S-1-5-80-") {
		return resolvedAccount{}, false
	}
	for _, s := range h.services {
		if serviceSID(s.Name) == sid {
			return resolvedAccount{sid: sid, domain: domainNTService, name: s.Name}, true
		}
	}
	return resolvedAccount{}, false
}

// accountBySID names a SID as the host does (LookupAccountSid), in its locale.
func (h *Host) accountBySID(sid string) (resolvedAccount, bool) {
	if b := builtinBySID(sid); b != nil {
		n := b.names[h.state.Locale]
		return resolvedAccount{sid: sid, domain: n[0], name: n[1]}, true
	}
	if a, ok := h.serviceAccountBySID(sid); ok {
		return a, true
	}
	for _, a := range h.accounts {
		if a.SID == sid {
			return resolvedAccount{sid: sid, domain: h.state.Hostname, name: a.Name}, true
		}
	}
	return resolvedAccount{}, false
}

// lookupAccount resolves a name or SID string as LookupAccountName does.
// Names are case-insensitive and may carry their own domain ("BUILTIN\",
// "NT AUTHORITY\", the computer name, or "." for the computer). Built-in
// names are only known in the host's language: on a German host "Everyone"
// fails with 1332 and "Jeder" resolves (MicrosoftDocs/windows-powershell-docs
// #2120: "on German Windows-Systems you must use "Jeder" or "Administratoren"
// ... Windows System Error 1332"; NuGet/NuGetGallery#2113: user=Everyone in
// netsh only works on English Windows).
func (h *Host) lookupAccount(input string) (resolvedAccount, *OpError) {
	if input == "" {
		return resolvedAccount{}, bareError(errInvalidParameter, "account is empty")
	}
	if strings.HasPrefix(strings.ToUpper(input), "S-") {
		sid, ok := parseSID(input)
		if !ok {
			return resolvedAccount{}, bareError(errInvalidParameter, "%q is not a valid SID string", input)
		}
		if a, ok := h.accountBySID(sid); ok {
			return a, nil
		}
		return resolvedAccount{}, bareError(errNoneMapped, "no account on this host has SID %s", sid)
	}
	domain, name, qualified := strings.Cut(input, `\`)
	if !qualified {
		domain, name = "", input
	}
	if a, ok := h.findAccountName(domain, name, qualified); ok {
		return a, nil
	}
	return resolvedAccount{}, bareError(errNoneMapped, "account %q is not known on this host (built-in names are translated on a %s host; a SID string always works)", input, h.state.Locale)
}

// findAccountName matches a (domain, name) pair against the built-in
// accounts in the host's language and the scenario's local accounts.
func (h *Host) findAccountName(domain, name string, qualified bool) (resolvedAccount, bool) {
	// NT SERVICE\name is the service SID of an installed service, named as
	// the SCM spells the service.
	if qualified && strings.EqualFold(domain, domainNTService) {
		if i := h.findService(name); i >= 0 {
			return resolvedAccount{sid: serviceSID(h.services[i].Name), domain: domainNTService, name: h.services[i].Name}, true
		}
		return resolvedAccount{}, false
	}
	for _, b := range builtinAccounts {
		n := b.names[h.state.Locale]
		if strings.EqualFold(n[1], name) && (!qualified || strings.EqualFold(n[0], domain)) {
			return resolvedAccount{sid: b.sid, domain: n[0], name: n[1]}, true
		}
	}
	// "." for the local computer is the op script's convenience, mapped to
	// the computer name before translation.
	localDomain := !qualified || domain == "." || strings.EqualFold(domain, h.state.Hostname)
	for _, a := range h.accounts {
		if localDomain && strings.EqualFold(a.Name, name) {
			return resolvedAccount{sid: a.SID, domain: h.state.Hostname, name: a.Name}, true
		}
	}
	return resolvedAccount{}, false
}

// LocalPassword returns the password of a scenario user (name
// case-insensitive, optionally "HOST\name" or ".\name"), for the WinRM
// server's authentication; ok is false for unknown users and users without
// a password.
func (h *Host) LocalPassword(user string) (string, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if domain, name, ok := strings.Cut(user, `\`); ok {
		if domain != "." && !strings.EqualFold(domain, h.state.Hostname) {
			return "", false
		}
		user = name
	}
	for _, a := range h.accounts {
		if strings.EqualFold(a.Name, user) && a.Password != "" {
			return a.Password, true
		}
	}
	return "", false
}

// Locale is the host's display language ("en-US", "de-DE"), which selects
// the language of its messages.
func (h *Host) Locale() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.state.Locale
}
