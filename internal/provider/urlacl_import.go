package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/windows"
)

// wellKnownAccountNames are the English names the provider writes for
// well-known accounts after an import ("Well-known SIDs",
// learn.microsoft.com): localAccountSID resolves each without the host, so a
// configuration generated on a German host (where Everyone is "Jeder")
// applies on every host.
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

// importedUser is user as an import reads it from the host: when the
// reservation is what user, listen and delegate make (one account allowed
// listen, delegate or both, nothing else), that account's name (the English
// name of a well-known account, else the host's); otherwise null, and sddl
// alone describes the reservation. With it, the configuration that made the
// reservation (user = "EVERYONE") plans no change after import: user is
// compared by the account it names (see planAgainstState).
func importedUser(acl windows.URLACL) types.String {
	parsed, err := parseURLACLSDDL(acl.SDDL)
	if err != nil || len(parsed) != 1 {
		return types.StringNull()
	}
	var key aceKey
	var grant aceGrant
	for k, g := range parsed {
		key, grant = k, g // the only entry
	}
	if key.Type != "A" || !sddlEquivalent(acl.SDDL, userSDDL(key.SID, grant.Listen, grant.Delegate)) {
		return types.StringNull()
	}
	if name, ok := wellKnownAccountNames[key.SID]; ok {
		return types.StringValue(name)
	}
	for _, e := range acl.Entries {
		if e.Account != "" && checkAccountName(e.Account) == nil && canonicalSIDText(e.SID) == key.SID {
			return types.StringValue(e.Account)
		}
	}
	return types.StringValue(key.SID)
}

// canonicalSIDText upper-cases a SID string as parseURLACLSDDL keys it.
func canonicalSIDText(sid string) string {
	full, err := canonicalSID(sid)
	if err != nil {
		return sid
	}
	return full
}
