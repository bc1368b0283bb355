package provider

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/provider/valuetext"
)

// maxAccountNameRunes bounds DOMAIN\user: a DNS domain name has at most 255
// characters, a user logon name (sAMAccountName) 20, a UPN more; 512 leaves
// room for all of them.
const maxAccountNameRunes = 512

// accountNameForbidden are the characters Windows does not allow in user and
// group logon names ("sAMAccountName attribute", learn.microsoft.com; the
// backslash is allowed once, between domain and name).
const accountNameForbidden = `"/[]:;|=,+*?<>`

// sidPattern is the string form of a security identifier (ConvertStringSidToSid):
// S-1-<authority>-<subauthority>...
var sidPattern = regexp.MustCompile(`^S-1-[0-9]+(-[0-9]+)+$`)

// checkAccountName accepts what the host resolves to a SID: a name
// ("Everyone", "alice"), DOMAIN\name ("BUILTIN\Users", "NT AUTHORITY\NETWORK
// SERVICE"), a UPN ("alice@corp.example") or a SID string ("S-1-1-0").
// Apostrophes, dollar signs and backticks are legal in Windows names and
// travel to the host as data.
func checkAccountName(s string) error {
	if strings.HasPrefix(strings.ToUpper(s), "S-1-") {
		if !sidPattern.MatchString(strings.ToUpper(s)) {
			return fmt.Errorf("%s is not a SID string such as S-1-1-0 or S-1-5-32-545", valuetext.Quote(s))
		}
		return nil
	}
	if s == "" || len([]rune(s)) > maxAccountNameRunes {
		return fmt.Errorf("an account name has 1 to %d characters", maxAccountNameRunes)
	}
	if strings.TrimSpace(s) != s {
		return fmt.Errorf("%s starts or ends with white space", valuetext.Quote(s))
	}
	domain, name, qualified := strings.Cut(s, `\`)
	if qualified && (domain == "" || name == "" || strings.Contains(name, `\`)) {
		return fmt.Errorf(`%s must be name or DOMAIN\name, with one backslash`, valuetext.Quote(s))
	}
	for _, r := range s {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || strings.ContainsRune(accountNameForbidden, r) {
			return fmt.Errorf("%s contains %q, which Windows does not allow in account names", valuetext.Quote(s), r)
		}
	}
	return nil
}
