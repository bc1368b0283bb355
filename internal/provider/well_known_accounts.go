package provider

import (
	"context"
	"strings"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/windows"
)

// wellKnownAccountSIDs maps the English names of well-known accounts, with
// and without their domain, to their SIDs ("Well-known SIDs",
// learn.microsoft.com). Windows resolves names only in its own language (a
// German host knows Everyone only as "Jeder", and "netsh ... user=EVERYONE"
// fails there with error 1332), so the provider resolves these names itself
// and hands the host the SID: the same configuration works on every host.
var wellKnownAccountSIDs = map[string]string{
	"everyone":                          "S-1-1-0",
	"nt authority\\network":             "S-1-5-2",
	"network":                           "S-1-5-2",
	"nt authority\\interactive":         "S-1-5-4",
	"interactive":                       "S-1-5-4",
	"nt authority\\service":             "S-1-5-6",
	"service":                           "S-1-5-6",
	"nt authority\\authenticated users": "S-1-5-11",
	"authenticated users":               "S-1-5-11",
	"nt authority\\system":              "S-1-5-18",
	"system":                            "S-1-5-18",
	"nt authority\\local service":       "S-1-5-19",
	"local service":                     "S-1-5-19",
	"nt authority\\network service":     "S-1-5-20",
	"network service":                   "S-1-5-20",
	"builtin\\administrators":           "S-1-5-32-544",
	"administrators":                    "S-1-5-32-544",
	"builtin\\users":                    "S-1-5-32-545",
	"users":                             "S-1-5-32-545",
	"builtin\\iis_iusrs":                "S-1-5-32-568",
	"iis_iusrs":                         "S-1-5-32-568",
	"builtin\\remote management users":  "S-1-5-32-580",
	"remote management users":           "S-1-5-32-580",
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
