package windows

import "testing"

// TestReadOnlyOps: only ops that change nothing on the host may be sent
// again after a failure whose outcome is unknown.
func TestReadOnlyOps(t *testing.T) {
	tests := map[string]bool{
		"host.info": true, "httpsys.sslcert.list": true, "cert.key_acl.get": true,
		"registry.schannel.get": true, "tls.probe": true, "httpsys.account.lookup": true, "httpsys.certificates_in_use.list": true,
		"httpsys.sslcert.add": false, "httpsys.sslcert.replace": false, "cert.import_pfx": false,
		"appconfig.set": false, "service.restart": false, "registry.schannel.set": false,
		"cert.key_acl.remove": false, "firewall.rule.get": true, "firewall.rule.list": true,
		"firewall.rule.add": false, "firewall.rule.remove": false,
		"cert.pfx_file.inspect": true, "cert.import_pfx_file": false,
	}
	for op, want := range tests {
		if got := isReadOnlyOp(op); got != want {
			t.Errorf("isReadOnlyOp(%q) = %v, want %v", op, got, want)
		}
	}
}
