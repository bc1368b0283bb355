package winsim

import "crypto/tls"

// schannelVersions maps the SCHANNEL protocol key names to crypto/tls
// versions, oldest first. SSL 3.0 has none: crypto/tls does not implement
// it, so the simulator never serves or offers it.
var schannelVersions = []struct {
	name    string
	version uint16
}{
	{"TLS 1.0", tls.VersionTLS10},
	{"TLS 1.1", tls.VersionTLS11},
	{"TLS 1.2", tls.VersionTLS12},
	{"TLS 1.3", tls.VersionTLS13},
}

// errNoCommonProtocol is SEC_E_ALGORITHM_MISMATCH's text, what SChannel
// answers when no protocol is left on one side ("COM Error Codes (Security
// and Setup)", learn.microsoft.com).
const errNoCommonProtocol sspiError = "The client and server cannot communicate, because they do not possess a common algorithm"

// sspiError is an SSPI failure with the text Windows gives it.
type sspiError string

func (e sspiError) Error() string { return string(e) }

// applySChannel limits cfg to the protocols SChannel has on (the host's
// SCHANNEL Server or Client keys as of boot). crypto/tls takes a range, not
// a set: a gap (TLS 1.1 off between TLS 1.0 and 1.2 on) keeps the newest
// contiguous run, which is what every client that offers its best version
// first negotiates anyway. With nothing on, every handshake fails.
func applySChannel(cfg *tls.Config, protocols []string) {
	on := map[string]bool{}
	for _, p := range protocols {
		on[p] = true
	}
	var lo, hi uint16
	for i := len(schannelVersions) - 1; i >= 0; i-- {
		v := schannelVersions[i]
		if on[v.name] {
			if hi == 0 {
				hi = v.version
			}
			lo = v.version
		} else if hi != 0 {
			break
		}
	}
	if hi == 0 {
		cfg.MinVersion, cfg.MaxVersion = tls.VersionTLS13, tls.VersionTLS13
		cfg.GetConfigForClient = func(*tls.ClientHelloInfo) (*tls.Config, error) { return nil, errNoCommonProtocol }
		return
	}
	cfg.MinVersion, cfg.MaxVersion = lo, hi
}
