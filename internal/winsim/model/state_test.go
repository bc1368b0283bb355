package model

import (
	"encoding/json"
	"strings"
	"testing"
)

func stateDoc(t *testing.T, s map[string]any) []byte {
	t.Helper()
	data, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestSetStateJSONValidates(t *testing.T) {
	cert, other := newTestCert(t, "a.example.com"), newTestCert(t, "b.example.com")
	binding := func(extra map[string]any) map[string]any {
		b := map[string]any{"ipport": "0.0.0.0:4106", "certificate_hash": cert.thumbprint, "app_id": testAppID}
		for k, v := range extra {
			b[k] = v
		}
		return b
	}
	keyedCert := map[string]any{"store": "MY", "pem": cert.certPEM, "key_pem": cert.keyPEM}
	tests := []struct {
		name    string
		doc     map[string]any
		mention string
	}{
		{"locale", map[string]any{"locale": "fr-FR"}, "fr-FR"},
		{"account without SID", map[string]any{"accounts": []any{map[string]any{"name": "alice"}}}, "not a SID string"},
		{"account with domain", map[string]any{"accounts": []any{map[string]any{"name": `X\alice`, "sid": "S-1-5-21-1-2-3-1001"}}}, "plain account name"},
		{"account twice", map[string]any{"accounts": []any{
			map[string]any{"name": "alice", "sid": "S-1-5-21-1-2-3-1001"}, map[string]any{"name": "ALICE", "sid": "S-1-5-21-1-2-3-1002"}}}, "twice"},
		{"account shadows built-in", map[string]any{"accounts": []any{map[string]any{"name": "Jeder", "sid": "S-1-5-21-1-2-3-1001"}}}, "built-in"},
		{"certificate PEM", map[string]any{"certificates": []any{map[string]any{"store": "MY", "pem": "not pem"}}}, "CERTIFICATE"},
		{"certificate DER", map[string]any{"certificates": []any{map[string]any{"store": "MY", "pem": "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"}}}, "parse certificate"},
		{"certificate store", map[string]any{"certificates": []any{map[string]any{"store": "", "pem": cert.certPEM}}}, "store name"},
		{"certificate thumbprint", map[string]any{"certificates": []any{map[string]any{"store": "MY", "pem": cert.certPEM, "thumbprint": other.thumbprint}}}, "does not match"},
		{"certificate key of another", map[string]any{"certificates": []any{map[string]any{"store": "MY", "pem": cert.certPEM, "key_pem": other.keyPEM}}}, "does not belong"},
		{"certificate key not PKCS#8", map[string]any{"certificates": []any{map[string]any{"store": "MY", "pem": cert.certPEM, "key_pem": cert.certPEM}}}, "PKCS#8"},
		{"certificate twice", map[string]any{"certificates": []any{keyedCert, map[string]any{"store": "my", "pem": cert.certPEM}}}, "twice"},
		{"urlacl prefix", map[string]any{"urlacls": []any{map[string]any{"url": "https://+:4207", "sddl": "D:(A;;GX;;;WD)"}}}, `add "/"`},
		{"urlacl sddl", map[string]any{"urlacls": []any{map[string]any{"url": "https://+:4207/", "sddl": "D:(A;;GR;;;WD)"}}}, "code 87"},
		{"urlacl domain alias", map[string]any{"urlacls": []any{map[string]any{"url": "https://+:4207/", "sddl": "D:(A;;GX;;;DU)"}}}, "code 1332"},
		{"urlacl twice", map[string]any{"urlacls": []any{
			map[string]any{"url": "https://+:4207/", "sddl": "D:(A;;GX;;;WD)"}, map[string]any{"url": "https://+:4207/", "sddl": "D:(A;;GX;;;BU)"}}}, "code 183"},
		{"binding hash", map[string]any{"certificates": []any{keyedCert}, "sslcert_bindings": []any{binding(map[string]any{"certificate_hash": "xyz"})}}, "code 87"},
		{"binding freshness", map[string]any{"certificates": []any{keyedCert}, "sslcert_bindings": []any{binding(map[string]any{"revocation_freshness_time": -5})}}, "revocation_freshness_time"},
		{"binding twice", map[string]any{"certificates": []any{keyedCert}, "sslcert_bindings": []any{binding(nil), binding(nil)}}, "code 183"},
		{"not JSON", nil, "host state"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := New(State{Hostname: "KEEP"})
			doc := []byte("{")
			if tt.doc != nil {
				doc = stateDoc(t, tt.doc)
			}
			err := h.SetStateJSON(doc)
			if err == nil || !strings.Contains(err.Error(), tt.mention) {
				t.Fatalf("SetStateJSON: %v, want an error mentioning %q", err, tt.mention)
			}
			for _, key := range []string{cert.keyPEM, other.keyPEM} {
				if body := strings.Split(key, "\n")[1]; strings.Contains(err.Error(), body) {
					t.Errorf("error quotes a private key: %v", err)
				}
			}
			if h.Hostname() != "KEEP" {
				t.Errorf("a rejected document changed the host (hostname %q)", h.Hostname())
			}
		})
	}
}

func TestStateJSONRoundTrip(t *testing.T) {
	cert, hosting := newTestCert(t, "sage300.example.com"), newTestCert(t, "hosting.example.com")
	doc := stateDoc(t, map[string]any{
		"hostname": "SAGE300",
		"locale":   "de-DE",
		"accounts": []any{map[string]any{"name": "alice", "sid": "S-1-5-21-1-2-3-1001", "password": "Secret-1"}},
		"certificates": []any{
			map[string]any{"store": "My", "pem": cert.certPEM, "key_pem": cert.keyPEM, "exportable": true},
			map[string]any{"store": "WebHosting", "pem": hosting.certPEM, "has_private_key": true},
			map[string]any{"store": "Root", "pem": cert.certPEM},
		},
		"urlacls": []any{map[string]any{"url": "https://+:4207/", "sddl": "D:(A;;GX;;;S-1-1-0)(A;;GA;;;S-1-5-21-1-2-3-1001)"}},
		"sslcert_bindings": []any{
			map[string]any{"ipport": "0.0.0.0:4106", "certificate_hash": strings.ToLower(cert.thumbprint), "app_id": strings.ToUpper(testAppID), "certificate_store_name": ""},
			map[string]any{"hostnameport": "hosting.example.com:443", "certificate_hash": hosting.thumbprint, "app_id": testAppID, "certificate_store_name": "webhosting", "usage_check": false},
		},
	})
	h, err := NewFromJSON(doc)
	if err != nil {
		t.Fatal(err)
	}
	first, err := h.StateJSON()
	if err != nil {
		t.Fatal(err)
	}
	var got State
	if err := json.Unmarshal(first, &got); err != nil {
		t.Fatal(err)
	}
	switch {
	case got.Hostname != "SAGE300" || got.Locale != "de-DE" || got.OSVersion == "":
		t.Errorf("identity %+v", got)
	case len(got.Accounts) != 1 || got.Accounts[0].Password != "Secret-1":
		t.Errorf("accounts %+v", got.Accounts)
	case len(got.Certificates) != 3 || got.Certificates[0].Store != "MY" || got.Certificates[0].Thumbprint != cert.thumbprint ||
		!got.Certificates[0].HasPrivateKey || !got.Certificates[0].Exportable || got.Certificates[2].HasPrivateKey:
		t.Errorf("certificates %+v", got.Certificates)
	case len(got.URLACLs) != 1 || got.URLACLs[0].SDDL != "D:(A;;GX;;;WD)(A;;GA;;;S-1-5-21-1-2-3-1001)":
		t.Errorf("urlacls %+v", got.URLACLs)
	case len(got.SSLCertBindings) != 2 || got.SSLCertBindings[0].CertificateHash != cert.thumbprint || got.SSLCertBindings[0].AppID != testAppID ||
		got.SSLCertBindings[0].CertificateStoreName != "MY" || !got.SSLCertBindings[0].UsageCheck || got.SSLCertBindings[1].UsageCheck ||
		got.SSLCertBindings[1].CertificateStoreName != "WEBHOSTING":
		t.Errorf("bindings %+v", got.SSLCertBindings)
	}

	// What StateJSON writes, SetStateJSON takes back unchanged.
	if err := h.SetStateJSON(first); err != nil {
		t.Fatalf("SetStateJSON(StateJSON()): %v", err)
	}
	second, err := h.StateJSON()
	if err != nil {
		t.Fatal(err)
	}
	if string(first) != string(second) {
		t.Errorf("round trip changed the state:\n%s\n---\n%s", first, second)
	}
}

func TestCertificateMethods(t *testing.T) {
	cert := newTestCert(t, "a.example.com")
	h := New(State{})
	thumb, err := h.AddCertificate("My", cert.der, false)
	if err != nil || thumb != cert.thumbprint {
		t.Fatalf("AddCertificate = %q, %v; want %s", thumb, err, cert.thumbprint)
	}
	if _, err := h.AddCertificate("MY", []byte("junk"), true); err == nil {
		t.Error("AddCertificate accepted bytes that are not a certificate")
	}
	if _, err := h.AddCertificate("", cert.der, true); err == nil {
		t.Error("AddCertificate accepted an empty store name")
	}
	c, ok := h.FindCertificate("my", strings.ToLower(thumb))
	if !ok || c.Store != "MY" || c.HasPrivateKey || c.Cert.Subject.CommonName != "a.example.com" {
		t.Fatalf("FindCertificate = %+v, %v", c, ok)
	}
	if _, ok := h.FindCertificate("ROOT", thumb); ok {
		t.Error("certificate found in a store it was not added to")
	}

	// Adding again with a key associates the key; adding without one keeps it.
	if _, err := h.AddCertificate("MY", cert.der, true); err != nil {
		t.Fatal(err)
	}
	if _, err := h.AddCertificate("MY", cert.der, false); err != nil {
		t.Fatal(err)
	}
	if c, _ := h.FindCertificate("MY", thumb); !c.HasPrivateKey {
		t.Error("re-adding without a key dropped the associated key")
	}
	if _, opErr := setBinding(t, h, map[string]any{"ipport": "0.0.0.0:443", "certificate_hash": thumb, "app_id": testAppID}); opErr != nil {
		t.Fatal(opErr)
	}

	if !h.RemoveCertificate("my", thumb) || h.RemoveCertificate("MY", thumb) {
		t.Error("RemoveCertificate: want true once, then false")
	}
	if _, ok := h.FindCertificate("MY", thumb); ok {
		t.Error("certificate still found after RemoveCertificate")
	}
	if len(h.SSLBindings()) != 1 {
		t.Error("removing a certificate removed its binding; Windows keeps it")
	}
}

func TestSystemInfoIsTheStatesIdentity(t *testing.T) {
	h := New(State{Hostname: "SAGE300"})
	var info map[string]string
	h.Exclusive(func() { info = h.SystemInfoLocked() })
	if info["hostname"] != "SAGE300" || info["os_version"] != "10.0.20348" || info["os_caption"] != "Microsoft Windows Server 2022 Standard" {
		t.Errorf("system info = %v, want the state's hostname and Server 2022's defaults", info)
	}
}

func TestNewPanicsOnInvalidState(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("New accepted an invalid locale")
		}
	}()
	New(State{Locale: "xx-XX"})
}

// TestStateKeepsBindingsWhoseCertificateIsGone: a binding stays when its
// certificate is removed, or its key container deleted, after it was set
// (HTTP.sys checks the certificate only when the binding is set); the
// state of such a host loads and round-trips, and the port serves nothing.
func TestStateKeepsBindingsWhoseCertificateIsGone(t *testing.T) {
	gone, broken := newTestCert(t, "gone.example.com"), newTestCert(t, "broken.example.com")
	doc := stateDoc(t, map[string]any{
		"certificates": []any{map[string]any{"store": "MY", "pem": broken.certPEM, "key_link_broken": true}},
		"sslcert_bindings": []any{
			map[string]any{"ipport": "0.0.0.0:4106", "certificate_hash": gone.thumbprint, "app_id": testAppID},
			map[string]any{"ipport": "0.0.0.0:4107", "certificate_hash": broken.thumbprint, "app_id": testAppID},
		},
	})
	h, err := NewFromJSON(doc)
	if err != nil {
		t.Fatalf("a binding whose certificate is gone or whose key does not open: %v", err)
	}
	first, err := h.StateJSON()
	if err != nil {
		t.Fatal(err)
	}
	if err := h.SetStateJSON(first); err != nil {
		t.Fatalf("SetStateJSON(StateJSON()): %v", err)
	}
	if got := h.SSLBindings(); len(got) != 2 {
		t.Fatalf("bindings %+v, want both", got)
	}
	// A new binding is still checked as HTTP.sys checks it.
	port4108 := "0.0.0.0:4108"
	if opErr := h.addBinding(Binding{IPPort: &port4108, CertificateHash: gone.thumbprint, AppID: testAppID, CertificateStoreName: "MY"}); opErr == nil || opErr.Code != 1312 {
		t.Errorf("add of a binding to a missing certificate: %v, want 1312", opErr)
	}
}

// TestStateCCSBindings: Central Certificate Store bindings load with
// HttpSetServiceConfiguration's checks, come back by port with the app id
// canonical, and round-trip.
func TestStateCCSBindings(t *testing.T) {
	h, err := NewFromJSON(stateDoc(t, map[string]any{"sslcert_ccs_bindings": []any{
		map[string]any{"port": 8443, "app_id": strings.ToUpper(testAppID)},
		map[string]any{"port": 443, "app_id": testAppID},
	}}))
	if err != nil {
		t.Fatal(err)
	}
	got := h.CCSBindingsLocked()
	if len(got) != 2 || got[0].Port != 443 || got[1].Port != 8443 || got[1].AppID != testAppID {
		t.Fatalf("CCS bindings %+v, want 443 and 8443 with app id %s", got, testAppID)
	}
	first, err := h.StateJSON()
	if err != nil {
		t.Fatal(err)
	}
	if err := h.SetStateJSON(first); err != nil {
		t.Fatalf("SetStateJSON(StateJSON()): %v", err)
	}
	for name, doc := range map[string]map[string]any{
		"code 87":  {"sslcert_ccs_bindings": []any{map[string]any{"port": 0, "app_id": testAppID}}},
		"app_id":   {"sslcert_ccs_bindings": []any{map[string]any{"port": 443, "app_id": "x"}}},
		"code 183": {"sslcert_ccs_bindings": []any{map[string]any{"port": 443, "app_id": testAppID}, map[string]any{"port": 443, "app_id": testAppID}}},
	} {
		if err := h.SetStateJSON(stateDoc(t, doc)); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("SetStateJSON(%v): %v, want an error mentioning %q", doc, err, name)
		}
	}
}
