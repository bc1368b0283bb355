package model

import (
	"strings"
	"testing"
)

func accountsHost(locale string) *Host {
	return New(State{Hostname: "SAGE300", Locale: locale, Accounts: []Account{
		{Name: "alice", SID: "S-1-5-21-1004336348-1177238915-682003330-1001", Password: "Secret-1"},
		{Name: "Sage Users", SID: "s-1-5-21-1004336348-1177238915-682003330-1002"},
	}})
}

// lookup resolves an account as the agent does with IAccounts: a SID
// string by LookupAccountSid, a name by LookupAccountName and then its SID
// back to the host's name.
func lookup(h *Host, account string) (sid, name string, opErr *OpError) {
	h.Exclusive(func() {
		if strings.HasPrefix(strings.ToUpper(account), "S-") {
			sid = "S" + account[1:]
		} else if sid, opErr = h.AccountSIDLocked(account); opErr != nil {
			return
		}
		name, opErr = h.AccountNameLocked(sid)
	})
	return sid, name, opErr
}

func TestAccountLookup(t *testing.T) {
	const alice = "S-1-5-21-1004336348-1177238915-682003330-1001"
	tests := []struct {
		locale, account string
		sid, name       string
		code            int
	}{
		{"en-US", "Everyone", "S-1-1-0", "Everyone", 0},
		{"en-US", "EVERYONE", "S-1-1-0", "Everyone", 0},
		{"en-US", `BUILTIN\Users`, "S-1-5-32-545", `BUILTIN\Users`, 0},
		{"en-US", "administrators", "S-1-5-32-544", `BUILTIN\Administrators`, 0},
		{"en-US", `NT AUTHORITY\SYSTEM`, "S-1-5-18", `NT AUTHORITY\SYSTEM`, 0},
		{"en-US", "network service", "S-1-5-20", `NT AUTHORITY\NETWORK SERVICE`, 0},
		{"en-US", "LOCAL SERVICE", "S-1-5-19", `NT AUTHORITY\LOCAL SERVICE`, 0},
		{"en-US", "IIS_IUSRS", "S-1-5-32-568", `BUILTIN\IIS_IUSRS`, 0},
		{"en-US", "Authenticated Users", "S-1-5-11", `NT AUTHORITY\Authenticated Users`, 0},
		{"en-US", "alice", alice, `SAGE300\alice`, 0},
		{"en-US", `sage300\ALICE`, alice, `SAGE300\alice`, 0},
		{"en-US", `.\alice`, alice, `SAGE300\alice`, 0},
		{"en-US", "sage users", "S-1-5-21-1004336348-1177238915-682003330-1002", `SAGE300\Sage Users`, 0},
		{"en-US", "S-1-1-0", "S-1-1-0", "Everyone", 0},
		{"en-US", "s-1-5-32-545", "S-1-5-32-545", `BUILTIN\Users`, 0},
		{"en-US", alice, alice, `SAGE300\alice`, 0},
		{"en-US", "Jeder", "", "", 1332},
		{"en-US", "bob", "", "", 1332},
		{"en-US", `OTHERHOST\alice`, "", "", 1332},
		{"en-US", `BUILTIN\Everyone`, "", "", 1332},
		{"en-US", `NT AUTHORITY\Users`, "", "", 1332},
		{"en-US", "S-1-5-21-1-2-3-4242", "", "", 1332},
		{"en-US", "S-1-5-x", "", "", 87},
		{"en-US", "", "", "", 87},
		{"de-DE", "Jeder", "S-1-1-0", "Jeder", 0},
		{"de-DE", "jeder", "S-1-1-0", "Jeder", 0},
		{"de-DE", "Benutzer", "S-1-5-32-545", `VORDEFINIERT\Benutzer`, 0},
		{"de-DE", `VORDEFINIERT\Administratoren`, "S-1-5-32-544", `VORDEFINIERT\Administratoren`, 0},
		{"de-DE", "SYSTEM", "S-1-5-18", `NT-AUTORITÄT\SYSTEM`, 0},
		{"de-DE", `nt-autorität\netzwerkdienst`, "S-1-5-20", `NT-AUTORITÄT\NETZWERKDIENST`, 0},
		{"de-DE", "Lokaler Dienst", "S-1-5-19", `NT-AUTORITÄT\LOKALER DIENST`, 0},
		{"de-DE", "Authentifizierte Benutzer", "S-1-5-11", `NT-AUTORITÄT\Authentifizierte Benutzer`, 0},
		{"de-DE", "S-1-1-0", "S-1-1-0", "Jeder", 0},
		{"de-DE", "alice", alice, `SAGE300\alice`, 0},
		{"de-DE", "Everyone", "", "", 1332},
		{"de-DE", "Users", "", "", 1332},
		{"de-DE", `BUILTIN\Benutzer`, "", "", 1332},
		{"de-DE", "NETWORK SERVICE", "", "", 1332},
	}
	for _, tt := range tests {
		t.Run(tt.locale+"/"+tt.account, func(t *testing.T) {
			sid, name, opErr := lookup(accountsHost(tt.locale), tt.account)
			wantCode(t, tt.account, opErr, tt.code)
			if tt.code == 0 && (sid != tt.sid || name != tt.name) {
				t.Errorf("lookup %q = %s %s, want sid %s account %s", tt.account, sid, name, tt.sid, tt.name)
			}
		})
	}
}

func TestAccountLookupErrorTextFollowsLocale(t *testing.T) {
	tests := map[string]string{
		"en-US": "No mapping between account names and security IDs was done.",
		"de-DE": "Zuordnungen von Kontennamen und Sicherheitskennungen wurden nicht durchgeführt.",
	}
	for locale, prefix := range tests {
		_, _, opErr := lookup(accountsHost(locale), "nobody")
		if opErr == nil || opErr.Code != 1332 || opErr.Message[:len(prefix)] != prefix {
			t.Errorf("%s: error %v, want 1332 starting %q", locale, opErr, prefix)
		}
	}
}

func TestLocalPassword(t *testing.T) {
	h := accountsHost("en-US")
	tests := []struct {
		user   string
		want   string
		wantOK bool
	}{
		{"alice", "Secret-1", true},
		{"ALICE", "Secret-1", true},
		{`SAGE300\alice`, "Secret-1", true},
		{`.\alice`, "Secret-1", true},
		{`OTHER\alice`, "", false},
		{"Sage Users", "", false}, // no password: cannot log on
		{"bob", "", false},
	}
	for _, tt := range tests {
		got, ok := h.LocalPassword(tt.user)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("LocalPassword(%q) = %q, %v; want %q, %v", tt.user, got, ok, tt.want, tt.wantOK)
		}
	}
}

// TestServiceSID checks the computation against what sc.exe showsid prints
// for TrustedInstaller, the owner of the Windows system files.
func TestServiceSID(t *testing.T) {
	const trustedInstaller = "S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464"
	for _, name := range []string{"TrustedInstaller", "trustedinstaller", "TRUSTEDINSTALLER"} {
		if got := serviceSID(name); got != trustedInstaller {
			t.Errorf("serviceSID(%q) = %s, want %s", name, got, trustedInstaller)
		}
	}
	if serviceSID("Sage300IntegrationService") == trustedInstaller {
		t.Error("two service names give one SID")
	}
}

// TestServiceAccountLookup: NT SERVICE\name resolves to the service SID of
// an installed service, named as the SCM spells the service, and back; a
// service that is not installed does not resolve.
func TestServiceAccountLookup(t *testing.T) {
	const trustedInstaller = "S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464"
	for _, locale := range []string{"en-US", "de-DE"} {
		h := New(State{Hostname: "SAGE300", Locale: locale, Services: []ServiceState{{Name: "TrustedInstaller"}}})
		sid, name, opErr := lookup(h, `nt service\trustedinstaller`)
		if opErr != nil || sid != trustedInstaller || name != `NT SERVICE\TrustedInstaller` {
			t.Errorf("%s: lookup = %s %s %v, want %s NT SERVICE\\TrustedInstaller", locale, sid, name, opErr, trustedInstaller)
		}
		if _, name, opErr = lookup(h, trustedInstaller); opErr != nil || name != `NT SERVICE\TrustedInstaller` {
			t.Errorf("%s: the SID names %s %v", locale, name, opErr)
		}
		_, _, opErr = lookup(h, `NT SERVICE\NoSuchService`)
		wantCode(t, "NT SERVICE\\NoSuchService", opErr, 1332)
		_, _, opErr = lookup(h, serviceSID("NoSuchService"))
		wantCode(t, "the SID of a service not installed", opErr, 1332)
		_, _, opErr = lookup(h, "TrustedInstaller")
		wantCode(t, "a service name without NT SERVICE\\", opErr, 1332)
	}
}
