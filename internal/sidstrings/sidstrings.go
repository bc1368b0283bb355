// Package sidstrings is a fact of Windows that the provider (plan-time
// checks) and the simulator (the host's own SDDL parser) both need: the SID
// aliases of SDDL ("SID Strings",
// https://learn.microsoft.com/en-us/windows/win32/secauthz/sid-strings).
// The list is fixed by Windows, so one table serves both sides.
package sidstrings

// Aliases are the aliases that stand for the same SID on every host.
var Aliases = map[string]string{
	"WD": "S-1-1-0", "CO": "S-1-3-0", "CG": "S-1-3-1", "OW": "S-1-3-4",
	"NU": "S-1-5-2", "IU": "S-1-5-4", "SU": "S-1-5-6", "AN": "S-1-5-7", "ED": "S-1-5-9",
	"PS": "S-1-5-10", "AU": "S-1-5-11", "RC": "S-1-5-12", "WR": "S-1-5-33",
	"SY": "S-1-5-18", "LS": "S-1-5-19", "NS": "S-1-5-20",
	"BA": "S-1-5-32-544", "BU": "S-1-5-32-545", "BG": "S-1-5-32-546", "PU": "S-1-5-32-547",
	"AO": "S-1-5-32-548", "SO": "S-1-5-32-549", "PO": "S-1-5-32-550", "BO": "S-1-5-32-551",
	"RE": "S-1-5-32-552", "RU": "S-1-5-32-554", "RD": "S-1-5-32-555", "NO": "S-1-5-32-556",
	"MU": "S-1-5-32-558", "LU": "S-1-5-32-559", "IS": "S-1-5-32-568", "CY": "S-1-5-32-569",
	"ER": "S-1-5-32-573", "CD": "S-1-5-32-574", "RA": "S-1-5-32-575", "ES": "S-1-5-32-576",
	"MS": "S-1-5-32-577", "HA": "S-1-5-32-578", "AA": "S-1-5-32-579", "RM": "S-1-5-32-580",
	"UD": "S-1-5-84-0-0-0-0-0", "AC": "S-1-15-2-1", "AS": "S-1-18-1", "SS": "S-1-18-2",
	"LW": "S-1-16-4096", "ME": "S-1-16-8192", "MP": "S-1-16-8448", "HI": "S-1-16-12288", "SI": "S-1-16-16384",
}

// Relative are the aliases whose SID is built from the host's domain or
// computer SID (DA = Domain Admins, LA = the local Administrator, ...): valid
// SDDL, but a workgroup host has no domain to build some of them from. Any
// other two-letter token is not an alias at all.
var Relative = map[string]bool{
	"AP": true, "CA": true, "CN": true, "DA": true, "DC": true, "DD": true, "DG": true, "DU": true, "EA": true,
	"EK": true, "KA": true, "LA": true, "LG": true, "PA": true, "RO": true, "RS": true, "SA": true,
}
