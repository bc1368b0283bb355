package model

import (
	"strings"
	"testing"
)

const testAppID = "{4d159978-4574-4dd5-b3ff-6f7fc8c20344}"

// bindingHost returns a host with a keyed certificate in MY, a keyed one in
// WebHosting, and one without a key in MY.
func bindingHost(t *testing.T) (h *Host, keyed, hosting, keyless testCert) {
	t.Helper()
	keyed, hosting, keyless = newTestCert(t, "sage300.example.com"), newTestCert(t, "hosting.example.com"), newTestCert(t, "nokey.example.com")
	h = New(State{Hostname: "SAGE300", Certificates: []CertificateState{
		{Store: "My", PEM: keyed.certPEM, KeyPEM: keyed.keyPEM},
		{Store: "WebHosting", PEM: hosting.certPEM, HasPrivateKey: true},
		{Store: "MY", PEM: keyless.certPEM},
	}})
	return h, keyed, hosting, keyless
}

func TestSSLCertAdd(t *testing.T) {
	h, keyed, hosting, keyless := bindingHost(t)
	lower := strings.ToLower(keyed.thumbprint)
	tests := []struct {
		name string
		args map[string]any
		code int
		want func(b Binding) bool
	}{
		{"ipv4 wildcard, defaults", map[string]any{"ipport": "0.0.0.0:4106", "certificate_hash": lower, "app_id": "4D159978-4574-4DD5-B3FF-6F7FC8C20344"}, 0,
			func(b Binding) bool {
				return *b.IPPort == "0.0.0.0:4106" && b.HostnamePort == nil && b.CertificateHash == keyed.thumbprint &&
					b.AppID == testAppID && b.CertificateStoreName == "MY" && b.VerifyClientCertRevocation && b.UsageCheck &&
					!b.NegotiateClientCert && b.CertCheckMode() == 0 && b.Flags() == 0
			}},
		{"ipv6 canonical", map[string]any{"ipport": "[0:0::1]:443", "certificate_hash": keyed.thumbprint, "app_id": testAppID}, 0,
			func(b Binding) bool { return *b.IPPort == "[::1]:443" }},
		{"ipv6 wildcard", map[string]any{"ipport": "[::]:443", "certificate_hash": keyed.thumbprint, "app_id": testAppID}, 0,
			func(b Binding) bool { return *b.IPPort == "[::]:443" }},
		{"sni in named store, options", map[string]any{"hostnameport": "Sage300.example.com:443", "certificate_hash": hosting.thumbprint, "app_id": testAppID,
			"certificate_store_name": "webhosting", "verify_client_cert_revocation": false, "verify_revocation_with_cached_client_cert_only": true,
			"usage_check": false, "revocation_freshness_time": 3600, "url_retrieval_timeout": 5000, "ds_mapper_usage": true, "negotiate_client_cert": true,
			"ctl_identifier": "ctl", "ctl_store_name": "Root"}, 0,
			func(b Binding) bool {
				return *b.HostnamePort == "Sage300.example.com:443" && b.IPPort == nil && b.CertificateStoreName == "WEBHOSTING" &&
					b.CertCheckMode() == 1|2|4|0x10000 && b.Flags() == 1|2 && b.RevocationFreshnessTime == 3600 &&
					b.URLRetrievalTimeout == 5000 && b.CTLIdentifier == "ctl" && b.CTLStoreName == "Root"
			}},
		{"same port in the other table", map[string]any{"hostnameport": "other.example.com:4106", "certificate_hash": keyed.thumbprint, "app_id": testAppID}, 0, nil},
		{"duplicate ipport", map[string]any{"ipport": "0.0.0.0:4106", "certificate_hash": keyed.thumbprint, "app_id": testAppID}, 183, nil},
		{"duplicate hostnameport, other case", map[string]any{"hostnameport": "SAGE300.EXAMPLE.COM:443", "certificate_hash": hosting.thumbprint, "app_id": testAppID, "certificate_store_name": "WebHosting"}, 183, nil},
		{"certificate not in store", map[string]any{"ipport": "0.0.0.0:5000", "certificate_hash": strings.Repeat("AB", 20), "app_id": testAppID}, 1312, nil},
		{"certificate without key", map[string]any{"ipport": "0.0.0.0:5001", "certificate_hash": keyless.thumbprint, "app_id": testAppID}, 1312, nil},
		{"certificate in another store", map[string]any{"ipport": "0.0.0.0:5002", "certificate_hash": hosting.thumbprint, "app_id": testAppID}, 1312, nil},
		{"store that does not exist", map[string]any{"ipport": "0.0.0.0:5003", "certificate_hash": keyed.thumbprint, "app_id": testAppID, "certificate_store_name": "Root"}, 1312, nil},
		{"both keys", map[string]any{"ipport": "0.0.0.0:5004", "hostnameport": "a.example.com:5004", "certificate_hash": keyed.thumbprint, "app_id": testAppID}, 87, nil},
		{"no key", map[string]any{"certificate_hash": keyed.thumbprint, "app_id": testAppID}, 87, nil},
		{"ipport without port", map[string]any{"ipport": "0.0.0.0", "certificate_hash": keyed.thumbprint, "app_id": testAppID}, 87, nil},
		{"ipport port 0", map[string]any{"ipport": "0.0.0.0:0", "certificate_hash": keyed.thumbprint, "app_id": testAppID}, 87, nil},
		{"ipport host name", map[string]any{"ipport": "sage300:443", "certificate_hash": keyed.thumbprint, "app_id": testAppID}, 87, nil},
		{"ipv6 without brackets", map[string]any{"ipport": "::1:443", "certificate_hash": keyed.thumbprint, "app_id": testAppID}, 87, nil},
		{"hostnameport without port", map[string]any{"hostnameport": "a.example.com", "certificate_hash": keyed.thumbprint, "app_id": testAppID}, 87, nil},
		{"hostnameport bad name", map[string]any{"hostnameport": "a b:443", "certificate_hash": keyed.thumbprint, "app_id": testAppID}, 87, nil},
		{"hash too short", map[string]any{"ipport": "0.0.0.0:5005", "certificate_hash": keyed.thumbprint[:38], "app_id": testAppID}, 87, nil},
		{"hash with invisible mark", map[string]any{"ipport": "0.0.0.0:5006", "certificate_hash": "\u200e" + keyed.thumbprint[1:], "app_id": testAppID}, 87, nil},
		{"app id missing", map[string]any{"ipport": "0.0.0.0:5007", "certificate_hash": keyed.thumbprint}, 87, nil},
		{"app id malformed", map[string]any{"ipport": "0.0.0.0:5008", "certificate_hash": keyed.thumbprint, "app_id": "{4d159978-4574-4dd5-b3ff-6f7fc8c2034}"}, 87, nil},
		{"app id half braced", map[string]any{"ipport": "0.0.0.0:5009", "certificate_hash": keyed.thumbprint, "app_id": "{4d159978-4574-4dd5-b3ff-6f7fc8c20344"}, 87, nil},
		{"negative freshness", map[string]any{"ipport": "0.0.0.0:5010", "certificate_hash": keyed.thumbprint, "app_id": testAppID, "revocation_freshness_time": -1}, 87, nil},
		{"timeout too large", map[string]any{"ipport": "0.0.0.0:5011", "certificate_hash": keyed.thumbprint, "app_id": testAppID, "url_retrieval_timeout": 1 << 32}, 87, nil},
		{"wrong type", map[string]any{"ipport": "0.0.0.0:5012", "certificate_hash": keyed.thumbprint, "app_id": testAppID, "usage_check": "yes"}, 87, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got Binding
			opErr := invoke(t, h, "httpsys.sslcert.add", tt.args, &got)
			wantCode(t, tt.name, opErr, tt.code)
			if opErr == nil && tt.want != nil && !tt.want(got) {
				t.Errorf("add returned %+v", got)
			}
		})
	}
}

func TestSSLCertNoSuchLogonSessionMessage(t *testing.T) {
	h, _, _, keyless := bindingHost(t)
	opErr := invoke(t, h, "httpsys.sslcert.add", map[string]any{"ipport": "0.0.0.0:4106", "certificate_hash": keyless.thumbprint, "app_id": testAppID}, nil)
	const text = "A specified logon session does not exist. It may already have been terminated."
	if opErr == nil || opErr.Code != 1312 || !strings.HasPrefix(opErr.Message, text) || !strings.Contains(opErr.Message, "no private key") {
		t.Errorf("error %v, want 1312 with Windows' text and the reason", opErr)
	}
}

func TestSSLCertGetListDelete(t *testing.T) {
	h, keyed, _, _ := bindingHost(t)
	add := func(key, value string) {
		mustInvoke(t, h, "httpsys.sslcert.add", map[string]any{key: value, "certificate_hash": keyed.thumbprint, "app_id": testAppID, "certificate_store_name": ""}, nil)
	}
	add("hostnameport", "b.example.com:443")
	add("ipport", "0.0.0.0:4106")
	add("ipport", "[::]:4106")

	var got Binding
	mustInvoke(t, h, "httpsys.sslcert.get", map[string]string{"ipport": "[0::0]:4106"}, &got)
	if *got.IPPort != "[::]:4106" || got.CertificateStoreName != "MY" {
		t.Errorf("get = %+v, want [::]:4106 in store MY", got)
	}
	mustInvoke(t, h, "httpsys.sslcert.get", map[string]string{"hostnameport": "B.example.com:443"}, &got)

	var list struct{ Bindings []Binding }
	mustInvoke(t, h, "httpsys.sslcert.list", struct{}{}, &list)
	var keys []string
	for _, b := range list.Bindings {
		keys = append(keys, bindingKeyText(b))
	}
	if strings.Join(keys, " ") != "0.0.0.0:4106 [::]:4106 b.example.com:443" {
		t.Errorf("list keys = %v, want IP table in insertion order, then SNI", keys)
	}

	wantCode(t, "get absent", invoke(t, h, "httpsys.sslcert.get", map[string]string{"ipport": "0.0.0.0:1"}, nil), 2)
	wantCode(t, "IP key looked up in the SNI table", invoke(t, h, "httpsys.sslcert.get", map[string]string{"hostnameport": "0.0.0.0:4106"}, nil), 2)
	wantCode(t, "get without key", invoke(t, h, "httpsys.sslcert.get", map[string]string{}, nil), 87)
	mustInvoke(t, h, "httpsys.sslcert.delete", map[string]string{"ipport": "0.0.0.0:4106"}, nil)
	wantCode(t, "delete again", invoke(t, h, "httpsys.sslcert.delete", map[string]string{"ipport": "0.0.0.0:4106"}, nil), 2)
	wantCode(t, "get deleted", invoke(t, h, "httpsys.sslcert.get", map[string]string{"ipport": "0.0.0.0:4106"}, nil), 2)
	mustInvoke(t, h, "httpsys.sslcert.get", map[string]string{"ipport": "[::]:4106"}, nil)
}

func bindingKeyText(b Binding) string {
	if b.HostnamePort != nil {
		return *b.HostnamePort
	}
	return *b.IPPort
}

func TestSSLCertReplace(t *testing.T) {
	h, keyed, hosting, keyless := bindingHost(t)
	for _, port := range []string{"0.0.0.0:1", "0.0.0.0:4106", "0.0.0.0:3"} {
		mustInvoke(t, h, "httpsys.sslcert.add", map[string]any{"ipport": port, "certificate_hash": keyed.thumbprint, "app_id": testAppID}, nil)
	}
	const otherApp = "{00000000-0000-0000-0000-000000000001}"
	tests := []struct {
		name string
		args map[string]any
		code int
		// wantHash, wantApp, wantStore: the binding at 0.0.0.0:4106 afterwards
		wantHash, wantApp, wantStore string
	}{
		{"new certificate and app", map[string]any{"ipport": "0.0.0.0:4106", "certificate_hash": hosting.thumbprint, "app_id": otherApp, "certificate_store_name": "WebHosting"}, 0,
			hosting.thumbprint, otherApp, "WEBHOSTING"},
		{"certificate without key restores the old binding", map[string]any{"ipport": "0.0.0.0:4106", "certificate_hash": keyless.thumbprint, "app_id": testAppID}, 1312,
			hosting.thumbprint, otherApp, "WEBHOSTING"},
		{"certificate not in named store restores the old binding", map[string]any{"ipport": "0.0.0.0:4106", "certificate_hash": keyed.thumbprint, "app_id": testAppID, "certificate_store_name": "WebHosting"}, 1312,
			hosting.thumbprint, otherApp, "WEBHOSTING"},
		{"bad value leaves the binding", map[string]any{"ipport": "0.0.0.0:4106", "certificate_hash": "nothex", "app_id": testAppID}, 87,
			hosting.thumbprint, otherApp, "WEBHOSTING"},
		{"back to the first", map[string]any{"ipport": "0.0.0.0:4106", "certificate_hash": keyed.thumbprint, "app_id": testAppID}, 0,
			keyed.thumbprint, testAppID, "MY"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantCode(t, tt.name, invoke(t, h, "httpsys.sslcert.replace", tt.args, nil), tt.code)
			var list struct{ Bindings []Binding }
			mustInvoke(t, h, "httpsys.sslcert.list", struct{}{}, &list)
			if len(list.Bindings) != 3 || bindingKeyText(list.Bindings[1]) != "0.0.0.0:4106" {
				t.Fatalf("bindings %+v: want three, 0.0.0.0:4106 still second", list.Bindings)
			}
			b := list.Bindings[1]
			if b.CertificateHash != tt.wantHash || b.AppID != tt.wantApp || b.CertificateStoreName != tt.wantStore {
				t.Errorf("after replace: %s %s %s, want %s %s %s", b.CertificateHash, b.AppID, b.CertificateStoreName, tt.wantHash, tt.wantApp, tt.wantStore)
			}
		})
	}
	wantCode(t, "replace absent", invoke(t, h, "httpsys.sslcert.replace",
		map[string]any{"ipport": "0.0.0.0:9", "certificate_hash": keyed.thumbprint, "app_id": testAppID}, nil), 2)
}

// TestSSLCertFlags checks the TLS flags' DefaultFlags bits and that replace
// keeps the bits the new binding has no field for (other_flags).
func TestSSLCertFlags(t *testing.T) {
	h, keyed, _, _ := bindingHost(t)
	add := map[string]any{"ipport": "0.0.0.0:4106", "certificate_hash": keyed.thumbprint, "app_id": testAppID,
		"disable_http2": true, "disable_quic": true, "disable_tls13": true, "disable_ocsp_stapling": true,
		"disable_legacy_tls": true, "other_flags": 0x800 | 0x8}
	var b Binding
	mustInvoke(t, h, "httpsys.sslcert.add", add, &b)
	if got, want := b.Flags(), uint32(0x10|0x20|0x40|0x80|0x400|0x800|0x8); got != want {
		t.Errorf("DefaultFlags %#x, want %#x", got, want)
	}
	replace := map[string]any{"ipport": "0.0.0.0:4106", "certificate_hash": keyed.thumbprint, "app_id": testAppID, "disable_tls13": true}
	mustInvoke(t, h, "httpsys.sslcert.replace", replace, &b)
	if got, want := b.Flags(), uint32(0x40|0x800|0x8); got != want || b.DisableLegacyTLS || !b.DisableTLS13 {
		t.Errorf("after replace: DefaultFlags %#x, want %#x (other bits kept, named bits as given)", got, want)
	}
	bad := map[string]any{"ipport": "0.0.0.0:4107", "certificate_hash": keyed.thumbprint, "app_id": testAppID, "other_flags": 0x400}
	wantCode(t, "other_flags with a named bit", invoke(t, h, "httpsys.sslcert.add", bad, nil), 87)
}
