// Package schannel holds facts of Windows' SChannel protocol settings that
// both the provider (reading a host's keys) and the simulator (acting as a
// host) need: the protocol key names, and what SChannel does with a side's
// key under SCHANNEL\Protocols, including when it holds no value and
// Windows' default for the build applies. One table, so that the provider's
// reading of a host and the simulated host cannot disagree.
//
// Sources: "Transport Layer Security (TLS) registry settings"
// (learn.microsoft.com/windows-server/security/tls/tls-registry-settings)
// for the values' meaning, "Protocols in TLS/SSL (Schannel SSP)"
// (learn.microsoft.com/windows/win32/secauthn/protocols-in-tls-ssl--schannel-ssp-)
// for the defaults per Windows version, and "TLS 1.0 and TLS 1.1
// deprecation in Windows" (learn.microsoft.com/windows/whats-new/deprecated-features)
// for the releases after Windows Server 2022.
package schannel

// Protocols are the SCHANNEL\Protocols key names the ops accept, oldest first.
var Protocols = []string{"SSL 3.0", "TLS 1.0", "TLS 1.1", "TLS 1.2", "TLS 1.3"}

// Windows builds the defaults change at (the third part of the version,
// 10.0.BUILD; 6.2.9200 for Windows 8 / Server 2012).
const (
	BuildServer2012 = 9200  // Windows 8 / Server 2012: TLS 1.1 and 1.2 on by default
	BuildServer2016 = 14393 // Windows 10 1607 / Server 2016: SSL 3.0 off by default
	BuildServer2022 = 20348 // Windows Server 2022: the first SChannel with TLS 1.3
)

// TLS13MinBuild is the first build whose SChannel has TLS 1.3.
const TLS13MinBuild = BuildServer2022

// Supported reports whether SChannel on build implements protocol at all
// (TLS 1.3 from Windows Server 2022; build 0, unknown, supports all).
func Supported(protocol string, build int) bool {
	return protocol != "TLS 1.3" || build == 0 || build >= TLS13MinBuild
}

// Default is whether SChannel has protocol on, on Windows build, for a side
// key that holds no Enabled value; Server and Client sides have the same
// defaults. known is false where the documentation does not settle it for
// the build: the provider then claims nothing, while a simulated host, which
// must behave somehow, uses on, the likelier case (noted below).
//
//   - TLS 1.3: on from Server 2022 (20348); before it there is none.
//   - TLS 1.2: on from Windows 8 / Server 2012 (9200); off before (Windows
//     7 / Server 2008 R2 have it, disabled by default).
//   - TLS 1.0, 1.1: on from 9200 to Server 2022. Windows releases since
//     September 2023 turn them off by default, a change not tied to one
//     build: unknown after 20348 (on false, the announced direction). Before
//     9200 unknown (on: TLS 1.0 true, as on Windows 7; TLS 1.1 false).
//   - SSL 3.0: off from Windows 10 1607 / Server 2016 (14393); unknown
//     before (on true: it shipped on; updates and hardening guides turned
//     it off).
//   - build 0 (not known): unknown; on as for Server 2022.
func Default(protocol string, build int) (on, known bool) {
	if build <= 0 {
		on, _ = Default(protocol, BuildServer2022)
		return on, false
	}
	switch protocol {
	case "TLS 1.3":
		return build >= TLS13MinBuild, true
	case "TLS 1.2":
		return build >= BuildServer2012, true
	case "TLS 1.1", "TLS 1.0":
		switch {
		case build >= BuildServer2012 && build <= BuildServer2022:
			return true, true
		case build > BuildServer2022:
			return false, false
		default:
			return protocol == "TLS 1.0", false
		}
	case "SSL 3.0":
		if build >= BuildServer2016 {
			return false, true
		}
		return true, false
	}
	return false, false
}

// Effective is whether SChannel uses a protocol whose side key holds
// enabled and disabledByDefault (nil: absent), with byDefault its default:
// Enabled 0 turns it off and any other value on; DisabledByDefault other
// than 0 leaves it off unless an application asks for it by name, which
// HTTP.sys and SslStream with the system default do not.
func Effective(byDefault bool, enabled, disabledByDefault *uint32) bool {
	on := byDefault
	if enabled != nil {
		on = *enabled != 0
	}
	if disabledByDefault != nil && *disabledByDefault != 0 {
		on = false
	}
	return on
}
