package model

import (
	"strings"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/sidstrings"
)

// Generic access rights in a URL reservation's ACEs. "HTTP_SERVICE_CONFIG_
// URLACL_PARAM" (https://learn.microsoft.com/en-us/windows/win32/api/http/ns-http-http_service_config_urlacl_param)
// gives "D:(A;;GX;;;S-1-0-0)(A;;GA;;;S-1-5-11)"; "add urlacl" (netsh http,
// https://learn.microsoft.com/en-us/windows/win32/http/add-urlacl) writes
// GX for listen=yes (register URLs), GW for delegate=yes, GA for both.
// Bit values: "ACCESS_MASK" (GENERIC_ALL 0x10000000, GENERIC_EXECUTE
// 0x20000000, GENERIC_WRITE 0x40000000).
const (
	rightGenericAll     uint32 = 0x10000000
	rightGenericExecute uint32 = 0x20000000
	rightGenericWrite   uint32 = 0x40000000
)

// sddlRights lists the rights tokens ("Ace Strings",
// https://learn.microsoft.com/en-us/windows/win32/secauthz/ace-strings) a URL
// reservation may use, in ascending bit order: the order in which
// ConvertSecurityDescriptorToStringSecurityDescriptor spells a mask.
var sddlRights = []struct {
	token string
	bit   uint32
}{{"GA", rightGenericAll}, {"GX", rightGenericExecute}, {"GW", rightGenericWrite}}

// urlACE is one allow ACE of a reservation.
type urlACE struct {
	sid  string
	mask uint32
}

// urlSecurity is a reservation's security descriptor.
type urlSecurity struct {
	owner, group string // SIDs, optional
	daclFlags    string // "P", "AR", "AI" as given, canonical order
	aces         []urlACE
}

// parseURLSDDL parses a reservation's SDDL ("Security Descriptor String
// Format", https://learn.microsoft.com/en-us/windows/win32/secauthz/security-descriptor-string-format):
// [O:sid][G:sid]D:[flags](ace)... where each ACE is an allow ACE
// "(A;;rights;;;sid)" with rights from GA/GX/GW, and sid an alias from the
// built-in table or a SID string. Tokens are matched case-insensitively.
// Malformed text is 87; a well-formed SID no account on the host has is
// stored as it is, as HTTP.sys does (the agent refuses it before the set).
func (h *Host) parseURLSDDL(sddl string) (urlSecurity, *OpError) {
	var sd urlSecurity
	p := sddlParser{h: h, s: sddl, full: sddl}
	if p.s == "" {
		return sd, p.bad("is empty: a reservation needs a DACL such as D:(A;;GX;;;WD)")
	}
	for _, part := range []struct {
		tag string
		dst *string
	}{{"O:", &sd.owner}, {"G:", &sd.group}} {
		if p.eat(part.tag) {
			sid, err := p.sid(p.sidToken())
			if err != nil {
				return sd, err
			}
			*part.dst = sid
		}
	}
	if !p.eat("D:") {
		return sd, p.bad(`needs a DACL: "D:" followed by ACEs such as (A;;GX;;;WD)`)
	}
	sd.daclFlags = p.daclFlags()
	for p.s != "" {
		ace, err := p.ace()
		if err != nil {
			return sd, err
		}
		sd.aces = append(sd.aces, ace)
	}
	return sd, nil
}

// sddlParser consumes an SDDL string from the front.
type sddlParser struct {
	h       *Host
	s, full string
}

func (p *sddlParser) bad(format string, args ...any) *OpError {
	return bareError(errInvalidParameter, "sddl %q: "+format, append([]any{p.full}, args...)...)
}

func (p *sddlParser) eat(prefix string) bool {
	if len(p.s) >= len(prefix) && strings.EqualFold(p.s[:len(prefix)], prefix) {
		p.s = p.s[len(prefix):]
		return true
	}
	return false
}

// sidToken takes a SID string (S-1-...) or a two-letter alias off the front.
func (p *sddlParser) sidToken() string {
	if len(p.s) >= 2 && strings.EqualFold(p.s[:2], "S-") {
		n := 2 + len(p.s[2:]) - len(strings.TrimLeft(p.s[2:], "0123456789-"))
		tok := p.s[:n]
		p.s = p.s[n:]
		return tok
	}
	n := min(2, len(p.s))
	tok := p.s[:n]
	p.s = p.s[n:]
	return tok
}

// daclFlags takes the DACL flags P, AR and AI ("Security Descriptor String
// Format") and returns them in the order Windows writes them.
func (p *sddlParser) daclFlags() string {
	var protected, autoReq, autoInh bool
	for {
		switch {
		case p.eat("P"):
			protected = true
		case p.eat("AR"):
			autoReq = true
		case p.eat("AI"):
			autoInh = true
		default:
			var b strings.Builder
			for _, f := range []struct {
				on  bool
				tok string
			}{{protected, "P"}, {autoReq, "AR"}, {autoInh, "AI"}} {
				if f.on {
					b.WriteString(f.tok)
				}
			}
			return b.String()
		}
	}
}

// ace parses "(A;;rights;;;sid)".
func (p *sddlParser) ace() (urlACE, *OpError) {
	if !p.eat("(") {
		return urlACE{}, p.bad("expected '(' at %q", p.s)
	}
	end := strings.IndexByte(p.s, ')')
	if end < 0 {
		return urlACE{}, p.bad("ACE is missing its ')'")
	}
	body := p.s[:end]
	p.s = p.s[end+1:]
	f := strings.Split(body, ";")
	if len(f) != 6 {
		return urlACE{}, p.bad("ACE (%s) must have six fields: (A;;GX;;;WD)", body)
	}
	if !strings.EqualFold(f[0], "A") {
		return urlACE{}, p.bad("ACE (%s): only allow ACEs (A) grant URL rights", body)
	}
	if f[1] != "" || f[3] != "" || f[4] != "" {
		return urlACE{}, p.bad("ACE (%s): ACE flags and object GUIDs do not apply to URL reservations; leave them empty", body)
	}
	mask, ok := parseRights(f[2])
	if !ok {
		return urlACE{}, p.bad("ACE (%s): rights must be GX (listen), GW (delegate) or GA (both)", body)
	}
	sid, err := p.sid(f[5])
	if err != nil {
		return urlACE{}, err
	}
	return urlACE{sid: sid, mask: mask}, nil
}

// sid resolves an ACE or owner trustee to a SID string as
// ConvertStringSecurityDescriptorToSecurityDescriptor does: a SID string is
// converted as written (ConvertStringSidToSid does not look the account up,
// so HTTP.sys stores a SID no account has); an alias of "SID Strings"
// stands for its SID; any other token is 87.
func (p *sddlParser) sid(tok string) (string, *OpError) {
	if len(tok) > 2 || strings.HasPrefix(strings.ToUpper(tok), "S-") {
		sid, ok := parseSID(tok)
		if !ok {
			return "", p.bad("%q is not a SID string", tok)
		}
		return sid, nil
	}
	alias := strings.ToUpper(tok)
	if sid, ok := sidstrings.Aliases[alias]; ok {
		return sid, nil
	}
	if sidstrings.Relative[alias] {
		return "", bareError(errNoneMapped, "sddl %q: the alias %s is relative to a domain this host is not joined to", p.full, alias)
	}
	return "", p.bad("%q is not a SID alias (\"SID Strings\") or a SID string", tok)
}

// parseRights reads a rights field made of GA/GX/GW tokens.
func parseRights(s string) (uint32, bool) {
	if s == "" || len(s)%2 != 0 {
		return 0, false
	}
	var mask uint32
	for i := 0; i < len(s); i += 2 {
		found := false
		for _, r := range sddlRights {
			if strings.EqualFold(s[i:i+2], r.token) {
				mask |= r.bit
				found = true
			}
		}
		if !found {
			return 0, false
		}
	}
	return mask, true
}

// String writes the descriptor as HttpQueryServiceConfiguration returns it.
// HTTP.sys keeps a reservation as a binary security descriptor (the
// UrlAclInfo registry value) and converts it back with
// ConvertSecurityDescriptorToStringSecurityDescriptor, so what comes back is
// the canonical form, not the text that was set: well-known SIDs as their
// aliases (S-1-1-0 -> WD), upper-case tokens, rights in bit order.
func (sd urlSecurity) String() string {
	var b strings.Builder
	if sd.owner != "" {
		b.WriteString("O:" + sidOrAlias(sd.owner))
	}
	if sd.group != "" {
		b.WriteString("G:" + sidOrAlias(sd.group))
	}
	b.WriteString("D:" + sd.daclFlags)
	for _, a := range sd.aces {
		b.WriteString("(A;;" + rightsString(a.mask) + ";;;" + sidOrAlias(a.sid) + ")")
	}
	return b.String()
}

// sidOrAlias writes a SID as ConvertSidToStringSid's caller in
// ConvertSecurityDescriptorToStringSecurityDescriptor does: the alias where
// "SID Strings" has one.
func sidOrAlias(sid string) string {
	for alias, s := range sidstrings.Aliases {
		if s == sid {
			return alias
		}
	}
	return sid
}

func rightsString(mask uint32) string {
	var b strings.Builder
	for _, r := range sddlRights {
		if mask&r.bit != 0 {
			b.WriteString(r.token)
		}
	}
	return b.String()
}
