package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/windows"
)

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
