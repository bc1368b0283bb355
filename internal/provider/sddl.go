package provider

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/provider/valuetext"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/sidstrings"
)

// Access rights of a URL reservation's allow entries, as HTTP.sys reads
// them ("Namespace Reservations" in the HTTP Server API docs; netsh http add
// urlacl listen=/delegate=): GENERIC_EXECUTE lets the account register the
// URL (listen), GENERIC_WRITE lets it delegate the URL to other accounts, and
// GENERIC_ALL grants both.
const (
	rightGenericAll     = 0x10000000 // GA
	rightGenericExecute = 0x20000000 // GX: listen
	rightGenericWrite   = 0x40000000 // GW: delegate
	rightGenericRead    = 0x80000000 // GR
)

// sddlRights maps the two-letter access right codes of SDDL ("ACE Strings",
// learn.microsoft.com) to their bits.
var sddlRights = map[string]uint32{
	"GA": rightGenericAll, "GX": rightGenericExecute, "GW": rightGenericWrite, "GR": rightGenericRead,
	"RC": 0x20000, "SD": 0x10000, "WD": 0x40000, "WO": 0x80000,
	"CC": 0x1, "DC": 0x2, "LC": 0x4, "SW": 0x8, "RP": 0x10, "WP": 0x20, "DT": 0x40, "LO": 0x80, "CR": 0x100,
	"FA": 0x1F01FF, "FR": 0x120089, "FW": 0x120116, "FX": 0x1200A0,
	"KA": 0xF003F, "KR": 0x20019, "KW": 0x20006, "KX": 0x20019,
}

// maxSDDLRunes bounds a reservation's SDDL; a descriptor with dozens of
// entries stays far below it.
const maxSDDLRunes = 4096

// aceKey identifies the entries of a DACL that add up: same type, same SID.
type aceKey struct {
	Type string // "A" allow, "D" deny
	SID  string // full SID string, upper-case
}

// aceGrant is what the entries of one aceKey grant together.
type aceGrant struct {
	Listen, Delegate bool
	OtherRights      uint32 // bits HTTP.sys ignores, kept so that they count as a difference
	Flags            string // inheritance flags, sorted
}

// urlACL is the meaning of a URL reservation's security descriptor: what
// each account is allowed or denied. Two SDDL texts that differ only in
// spelling (WD or S-1-1-0, GA or GXGW, entry order) have equal urlACLs.
type urlACL map[aceKey]aceGrant

// parseURLACLSDDL parses a security descriptor in SDDL and returns the
// meaning of its DACL. Owner, group and SACL are checked but ignored:
// HTTP.sys consults only the DACL of a reservation.
func parseURLACLSDDL(s string) (urlACL, error) {
	if len([]rune(s)) > maxSDDLRunes {
		return nil, fmt.Errorf("%s is longer than %d characters", valuetext.Quote(s), maxSDDLRunes)
	}
	p := &sddlParser{text: s}
	acl, err := p.parse()
	if err != nil {
		return nil, fmt.Errorf("%s is not a security descriptor such as D:(A;;GX;;;WD): %w", valuetext.Quote(s), err)
	}
	return acl, nil
}

type sddlParser struct {
	text string
	pos  int
	dacl urlACL
}

func (p *sddlParser) parse() (urlACL, error) {
	for p.pos < len(p.text) {
		if p.pos+1 >= len(p.text) || p.text[p.pos+1] != ':' {
			return nil, fmt.Errorf("unexpected %q at character %d (expected O:, G:, D: or S:)", p.text[p.pos], p.pos+1)
		}
		part := p.text[p.pos] &^ 0x20 // SDDL tokens are case-insensitive
		p.pos += 2
		var err error
		switch part {
		case 'O', 'G':
			_, err = p.sid()
		case 'D':
			if p.dacl != nil {
				return nil, fmt.Errorf("more than one D: part")
			}
			p.dacl, err = p.acl()
		case 'S':
			_, err = p.acl()
		default:
			err = fmt.Errorf("unknown part %q at character %d", part, p.pos-1)
		}
		if err != nil {
			return nil, err
		}
	}
	if p.dacl == nil {
		return nil, fmt.Errorf("no D: part (the DACL)")
	}
	if len(p.dacl) == 0 {
		return nil, fmt.Errorf("the DACL has no entries; a reservation grants at least one account a right")
	}
	return p.dacl, nil
}

// sid reads a SID string or a two-letter alias at the current position.
func (p *sddlParser) sid() (string, error) {
	rest := p.text[p.pos:]
	if strings.HasPrefix(rest, "S-") || strings.HasPrefix(rest, "s-") {
		n := 2
		for n < len(rest) && (rest[n] == '-' || (rest[n] >= '0' && rest[n] <= '9')) {
			n++
		}
		p.pos += n
		return canonicalSID(rest[:n])
	}
	if len(rest) < 2 {
		return "", fmt.Errorf("expected a SID at character %d", p.pos+1)
	}
	p.pos += 2
	return canonicalSID(rest[:2])
}

// canonicalSID returns the full upper-case SID of a SID string or alias.
func canonicalSID(s string) (string, error) {
	u := strings.ToUpper(s)
	if full, ok := sidstrings.Aliases[u]; ok {
		return full, nil
	}
	if sidPattern.MatchString(u) {
		return u, nil
	}
	if sidstrings.Relative[u] {
		return u, nil // a domain-relative alias such as DA or LA
	}
	if len(u) == 2 && u[0] >= 'A' && u[0] <= 'Z' && u[1] >= 'A' && u[1] <= 'Z' {
		return "", fmt.Errorf("%s is not a SID alias of Windows (\"SID Strings\" on learn.microsoft.com: WD, BU, BA, SY, AU, NS, LS, IS, ...); use the account's SID string (S-1-5-...)", valuetext.Quote(s))
	}
	return "", fmt.Errorf("%s is not a SID or SID alias", valuetext.Quote(s))
}

// acl reads ACL flags and entries: flags such as P or AI, then "(...)" entries.
func (p *sddlParser) acl() (urlACL, error) {
	for p.pos < len(p.text) && p.text[p.pos] != '(' && !p.atPartStart() {
		c := p.text[p.pos]
		if (c < 'A' || c > 'Z') && (c < 'a' || c > 'z') && c != '_' {
			return nil, fmt.Errorf("unexpected %q at character %d", c, p.pos+1)
		}
		p.pos++
	}
	acl := urlACL{}
	for p.pos < len(p.text) && p.text[p.pos] == '(' {
		end := strings.IndexByte(p.text[p.pos:], ')')
		if end < 0 {
			return nil, fmt.Errorf("entry at character %d has no closing parenthesis", p.pos+1)
		}
		if err := acl.addACE(p.text[p.pos+1 : p.pos+end]); err != nil {
			return nil, fmt.Errorf("entry at character %d: %w", p.pos+1, err)
		}
		p.pos += end + 1
	}
	return acl, nil
}

// atPartStart reports whether the text at the current position starts the
// next part (a letter followed by a colon).
func (p *sddlParser) atPartStart() bool {
	return p.pos+1 < len(p.text) && p.text[p.pos+1] == ':'
}

// addACE adds one entry "type;flags;rights;object;inherited object;sid".
func (acl urlACL) addACE(ace string) error {
	fields := strings.Split(ace, ";")
	if len(fields) != 6 {
		return fmt.Errorf("%s has %d fields; expected type;flags;rights;;;sid", valuetext.Quote(ace), len(fields))
	}
	aceType := strings.ToUpper(fields[0])
	if aceType != "A" && aceType != "D" {
		return fmt.Errorf("type %s is not A (allow) or D (deny)", valuetext.Quote(fields[0]))
	}
	flags, err := aceFlags(fields[1])
	if err != nil {
		return err
	}
	rights, err := aceRights(fields[2])
	if err != nil {
		return err
	}
	if fields[3] != "" || fields[4] != "" {
		return fmt.Errorf("object GUIDs are not used in URL reservations")
	}
	sid, err := canonicalSID(fields[5])
	if err != nil {
		return err
	}
	key := aceKey{Type: aceType, SID: sid}
	g := acl[key]
	g.Listen = g.Listen || rights&(rightGenericExecute|rightGenericAll) != 0
	g.Delegate = g.Delegate || rights&(rightGenericWrite|rightGenericAll) != 0
	g.OtherRights |= rights &^ (rightGenericAll | rightGenericExecute | rightGenericWrite)
	g.Flags = mergeFlags(g.Flags, flags)
	acl[key] = g
	return nil
}

// aceFlags returns the two-letter inheritance flags of an entry, sorted.
func aceFlags(s string) (string, error) {
	if len(s)%2 != 0 {
		return "", fmt.Errorf("flags %s are not two-letter codes", valuetext.Quote(s))
	}
	var flags []string
	for i := 0; i < len(s); i += 2 {
		f := strings.ToUpper(s[i : i+2])
		switch f {
		case "CI", "OI", "NP", "IO", "ID", "SA", "FA":
			flags = append(flags, f)
		default:
			return "", fmt.Errorf("unknown entry flag %s", valuetext.Quote(f))
		}
	}
	return mergeFlags("", strings.Join(flags, "")), nil
}

func mergeFlags(a, b string) string {
	set := map[string]bool{}
	for _, s := range []string{a, b} {
		for i := 0; i+2 <= len(s); i += 2 {
			set[s[i:i+2]] = true
		}
	}
	out := make([]string, 0, len(set))
	for f := range set {
		out = append(out, f)
	}
	sort.Strings(out)
	return strings.Join(out, "")
}

// aceRights returns the access mask of an entry: a number (0x20000000) or
// two-letter codes (GX, GXGW).
func aceRights(s string) (uint32, error) {
	if strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X") || (s != "" && s[0] >= '0' && s[0] <= '9') {
		n, err := strconv.ParseUint(s, 0, 32)
		if err != nil {
			return 0, fmt.Errorf("rights %s are not a 32-bit number", valuetext.Quote(s))
		}
		return uint32(n), nil
	}
	if s == "" || len(s)%2 != 0 {
		return 0, fmt.Errorf("rights %s are not two-letter codes such as GX", valuetext.Quote(s))
	}
	var mask uint32
	for i := 0; i < len(s); i += 2 {
		bits, ok := sddlRights[strings.ToUpper(s[i:i+2])]
		if !ok {
			return 0, fmt.Errorf("unknown right %s", valuetext.Quote(s[i:i+2]))
		}
		mask |= bits
	}
	return mask, nil
}

// equal reports whether two ACLs grant and deny the same.
func (acl urlACL) equal(other urlACL) bool {
	if len(acl) != len(other) {
		return false
	}
	for k, g := range acl {
		if og, ok := other[k]; !ok || og != g {
			return false
		}
	}
	return true
}

// rightsOfAll returns whether every allow entry grants listen, and whether
// every allow entry grants delegate: the summary shown in listen and
// delegate when a reservation is given as SDDL.
func (acl urlACL) rightsOfAll() (listen, delegate bool) {
	listen, delegate = true, true
	allows := 0
	for k, g := range acl {
		if k.Type != "A" {
			continue
		}
		allows++
		listen = listen && g.Listen
		delegate = delegate && g.Delegate
	}
	if allows == 0 {
		return false, false
	}
	return listen, delegate
}

// sddlEquivalent reports whether two SDDL texts mean the same reservation;
// text that does not parse is compared as it is.
func sddlEquivalent(a, b string) bool {
	if a == b {
		return true
	}
	aa, errA := parseURLACLSDDL(a)
	bb, errB := parseURLACLSDDL(b)
	return errA == nil && errB == nil && aa.equal(bb)
}

// userSDDL is the descriptor netsh writes for "user=... listen=yes
// delegate=no": one allow entry for the account's SID with GX (listen), GW
// (delegate) or GA (both).
func userSDDL(sid string, listen, delegate bool) string {
	rights := "GA"
	switch {
	case listen && !delegate:
		rights = "GX"
	case delegate && !listen:
		rights = "GW"
	}
	return fmt.Sprintf("D:(A;;%s;;;%s)", rights, sid)
}

// hostSIDs returns, sorted, the SIDs of the descriptor that only the host
// can resolve: full SID strings that are not well-known (the same on every
// host, "Well-known SIDs", learn.microsoft.com). Domain-relative aliases
// (DA, LA, ...) are left to the host's own SDDL conversion.
func (acl urlACL) hostSIDs() []string {
	wellKnown := map[string]bool{}
	for _, sid := range sidstrings.Aliases {
		wellKnown[sid] = true
	}
	for sid := range wellKnownAccountNames {
		wellKnown[sid] = true
	}
	seen := map[string]bool{}
	var out []string
	for k := range acl {
		if strings.HasPrefix(k.SID, "S-") && !wellKnown[k.SID] && !seen[k.SID] {
			seen[k.SID] = true
			out = append(out, k.SID)
		}
	}
	sort.Strings(out)
	return out
}
