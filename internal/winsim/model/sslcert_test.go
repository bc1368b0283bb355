package model

import (
	"encoding/json"
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
		{"negative freshness", map[string]any{"ipport": "0.0.0.0:5010", "certificate_hash": keyed.thumbprint, "app_id": testAppID, "revocation_freshness_time": -1}, 87, nil},
		{"timeout too large", map[string]any{"ipport": "0.0.0.0:5011", "certificate_hash": keyed.thumbprint, "app_id": testAppID, "url_retrieval_timeout": 1 << 32}, 87, nil},
		{"wrong type", map[string]any{"ipport": "0.0.0.0:5012", "certificate_hash": keyed.thumbprint, "app_id": testAppID, "usage_check": "yes"}, 87, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, opErr := setBinding(t, h, tt.args)
			wantCode(t, tt.name, opErr, tt.code)
			if opErr == nil && tt.want != nil && !tt.want(got) {
				t.Errorf("set stored %+v", got)
			}
		})
	}
}

// setBinding gives HttpSetServiceConfiguration the record of a binding
// written as the state document writes it, and returns what the host
// stored; a value the record cannot carry (a JSON type, a DWORD out of
// range) is 87 too.
func keyPtr(s string) *string { return &s }

func setBinding(t *testing.T, h *Host, args map[string]any) (Binding, *OpError) {
	t.Helper()
	raw, err := json.Marshal(args)
	if err != nil {
		t.Fatal(err)
	}
	var b Binding
	if err := json.Unmarshal(raw, &b); err != nil {
		return Binding{}, &OpError{Code: errInvalidParameter, Message: err.Error()}
	}
	var opErr *OpError
	var stored SSLRecord
	h.Exclusive(func() {
		if opErr = h.SetSSLRecordLocked(b.Record()); opErr == nil {
			stored, opErr = h.SSLRecordLocked(b.Record().IPPort, b.Record().HostnamePort)
		}
	})
	if opErr != nil {
		return Binding{}, opErr
	}
	h.Exclusive(func() { b, opErr = h.bindingOf(stored) })
	return b, opErr
}

func TestSSLCertNoSuchLogonSessionMessage(t *testing.T) {
	h, _, _, keyless := bindingHost(t)
	_, opErr := setBinding(t, h, map[string]any{"ipport": "0.0.0.0:4106", "certificate_hash": keyless.thumbprint, "app_id": testAppID})
	const text = "A specified logon session does not exist. It may already have been terminated."
	if opErr == nil || opErr.Code != 1312 || !strings.HasPrefix(opErr.Message, text) || !strings.Contains(opErr.Message, "no private key") {
		t.Errorf("error %v, want 1312 with Windows' text and the reason", opErr)
	}
}

func TestSSLRecordQueryAndDelete(t *testing.T) {
	h, keyed, _, _ := bindingHost(t)
	for _, k := range [][2]string{{"hostnameport", "b.example.com:443"}, {"ipport", "0.0.0.0:4106"}, {"ipport", "[::]:4106"}} {
		if _, opErr := setBinding(t, h, map[string]any{k[0]: k[1], "certificate_hash": keyed.thumbprint, "app_id": testAppID, "certificate_store_name": ""}); opErr != nil {
			t.Fatal(opErr)
		}
	}
	h.Exclusive(func() {
		got, opErr := h.SSLRecordLocked(keyPtr("[0::0]:4106"), nil)
		if opErr != nil || *got.IPPort != "[::]:4106" || *got.StoreName != "MY" {
			t.Errorf("query = %+v, %v; want [::]:4106 in store MY", got, opErr)
		}
		if _, opErr := h.SSLRecordLocked(nil, keyPtr("B.example.com:443")); opErr != nil {
			t.Errorf("SNI key in other case: %v", opErr)
		}
		var keys []string
		for _, sni := range []bool{false, true} {
			for _, r := range h.SSLRecordsLocked(sni) {
				if r.HostnamePort != nil {
					keys = append(keys, *r.HostnamePort)
				} else {
					keys = append(keys, *r.IPPort)
				}
			}
		}
		if strings.Join(keys, " ") != "0.0.0.0:4106 [::]:4106 b.example.com:443" {
			t.Errorf("tables = %v, want IP table in insertion order, then SNI", keys)
		}
		_, opErr = h.SSLRecordLocked(keyPtr("0.0.0.0:1"), nil)
		wantCode(t, "query absent", opErr, 2)
		_, opErr = h.SSLRecordLocked(nil, keyPtr("0.0.0.0:4106"))
		wantCode(t, "IP key looked up in the SNI table", opErr, 2)
		_, opErr = h.SSLRecordLocked(nil, nil)
		wantCode(t, "no key", opErr, 87)
		wantCode(t, "delete", h.DeleteSSLRecordLocked(keyPtr("0.0.0.0:4106"), nil), 0)
		wantCode(t, "delete again", h.DeleteSSLRecordLocked(keyPtr("0.0.0.0:4106"), nil), 2)
		_, opErr = h.SSLRecordLocked(keyPtr("[::]:4106"), nil)
		wantCode(t, "other binding kept", opErr, 0)
	})
}

// TestUpdateSSLRecord: HttpUpdateServiceConfiguration changes the binding
// in place (same position), leaves it as it was when HTTP.sys refuses the
// new values, answers 2 for an absent key and 127 on a build without it.
func TestUpdateSSLRecord(t *testing.T) {
	h, keyed, hosting, keyless := bindingHost(t)
	for _, port := range []string{"0.0.0.0:1", "0.0.0.0:4106", "0.0.0.0:3"} {
		if _, opErr := setBinding(t, h, map[string]any{"ipport": port, "certificate_hash": keyed.thumbprint, "app_id": testAppID}); opErr != nil {
			t.Fatal(opErr)
		}
	}
	const otherApp = "{00000000-0000-0000-0000-000000000001}"
	record := func(hash, store string) SSLRecord {
		b := Binding{IPPort: keyPtr("0.0.0.0:4106"), CertificateHash: hash, AppID: otherApp, CertificateStoreName: store, VerifyClientCertRevocation: true, UsageCheck: true}
		return b.Record()
	}
	tests := []struct {
		name                         string
		record                       SSLRecord
		code                         int
		wantHash, wantApp, wantStore string
	}{
		{"new certificate and app", record(hosting.thumbprint, "WebHosting"), 0, hosting.thumbprint, otherApp, "WEBHOSTING"},
		{"certificate without key", record(keyless.thumbprint, ""), 1312, hosting.thumbprint, otherApp, "WEBHOSTING"},
		{"certificate not in named store", record(keyed.thumbprint, "WebHosting"), 1312, hosting.thumbprint, otherApp, "WEBHOSTING"},
		{"bad hash", record("nothex", ""), 87, hosting.thumbprint, otherApp, "WEBHOSTING"},
		{"back to the first", record(keyed.thumbprint, ""), 0, keyed.thumbprint, otherApp, "MY"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h.Exclusive(func() {
				wantCode(t, tt.name, h.UpdateSSLRecordLocked(tt.record), tt.code)
				list := h.SSLRecordsLocked(false)
				if len(list) != 3 || *list[1].IPPort != "0.0.0.0:4106" {
					t.Fatalf("bindings %+v: want three, 0.0.0.0:4106 still second", list)
				}
				r := list[1]
				if r.Hash != tt.wantHash || "{"+r.AppID+"}" != tt.wantApp || *r.StoreName != tt.wantStore {
					t.Errorf("after update: %s %s %s, want %s %s %s", r.Hash, r.AppID, *r.StoreName, tt.wantHash, tt.wantApp, tt.wantStore)
				}
			})
		})
	}
	h.Exclusive(func() {
		absent := record(keyed.thumbprint, "")
		absent.IPPort = keyPtr("0.0.0.0:9")
		wantCode(t, "update absent", h.UpdateSSLRecordLocked(absent), 2)
	})
	old := New(State{OSVersion: "6.3.9600"})
	old.Exclusive(func() {
		wantCode(t, "Server 2012 R2", old.UpdateSSLRecordLocked(record(keyed.thumbprint, "")), 127)
	})
}

// TestSSLRecordFlags: the record carries the TLS flags' DefaultFlags bits
// and every other bit as it was set.
func TestSSLRecordFlags(t *testing.T) {
	h, keyed, _, _ := bindingHost(t)
	b, opErr := setBinding(t, h, map[string]any{"ipport": "0.0.0.0:4106", "certificate_hash": keyed.thumbprint, "app_id": testAppID,
		"disable_http2": true, "disable_quic": true, "disable_tls13": true, "disable_ocsp_stapling": true,
		"disable_legacy_tls": true, "other_flags": 0x800 | 0x8})
	if opErr != nil {
		t.Fatal(opErr)
	}
	if got, want := b.Record().Flags, uint32(0x10|0x20|0x40|0x80|0x400|0x800|0x8); got != want || !b.DisableQUIC || b.OtherFlags != 0x808 {
		t.Errorf("DefaultFlags %#x, want %#x", got, want)
	}
}
