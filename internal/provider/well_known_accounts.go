package provider

import (
	"context"
	"strings"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/windows"
)

// wellKnownAccountNames are the well-known accounts by SID, with their
// English names ("Well-known SIDs", learn.microsoft.com). Windows resolves
// names only in its own language (a German host knows Everyone only as
// "Jeder", and "netsh ... user=EVERYONE" fails there with error 1332), so
// the provider resolves these names itself and hands the host the SID: the
// same configuration works on every host. An import writes these names
// (importedUser) for the same reason.
var wellKnownAccountNames = map[string]string{
	"S-1-1-0":      "Everyone",
	"S-1-5-2":      `NT AUTHORITY\NETWORK`,
	"S-1-5-4":      `NT AUTHORITY\INTERACTIVE`,
	"S-1-5-6":      `NT AUTHORITY\SERVICE`,
	"S-1-5-11":     `NT AUTHORITY\Authenticated Users`,
	"S-1-5-18":     `NT AUTHORITY\SYSTEM`,
	"S-1-5-19":     `NT AUTHORITY\LOCAL SERVICE`,
	"S-1-5-20":     `NT AUTHORITY\NETWORK SERVICE`,
	"S-1-5-32-544": `BUILTIN\Administrators`,
	"S-1-5-32-545": `BUILTIN\Users`,
	"S-1-5-32-568": `BUILTIN\IIS_IUSRS`,
	"S-1-5-32-580": `BUILTIN\Remote Management Users`,
}

// wellKnownAccountSIDs maps the names of wellKnownAccountNames, lower-case,
// with and without their domain (`nt authority\system` and `system`), to
// their SIDs.
var wellKnownAccountSIDs = sidsByLowerName(wellKnownAccountNames)

func sidsByLowerName(names map[string]string) map[string]string {
	sids := make(map[string]string, 2*len(names))
	for sid, name := range names {
		name = strings.ToLower(name)
		sids[name] = sid
		if _, short, qualified := strings.Cut(name, `\`); qualified {
			sids[short] = sid
		}
	}
	return sids
}

// localAccountSID returns the SID of an account the provider can resolve
// without asking the host: a SID string, or a well-known English name.
func localAccountSID(account string) (string, bool) {
	if sidPattern.MatchString(strings.ToUpper(account)) {
		return strings.ToUpper(account), true
	}
	sid, ok := wellKnownAccountSIDs[strings.ToLower(account)]
	return sid, ok
}

// accountSID resolves an account to its SID: locally for SIDs and
// well-known names, otherwise by asking the host.
func accountSID(ctx context.Context, host *windows.Host, account string) (string, error) {
	if sid, ok := localAccountSID(account); ok {
		return sid, nil
	}
	a, err := host.HTTPSys().LookupAccount(ctx, account)
	if err != nil {
		return "", err
	}
	return strings.ToUpper(a.SID), nil
}
