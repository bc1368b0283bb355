package model

import (
	"encoding/json"
	"strings"
	"testing"

	"software.sslmate.com/src/go-pkcs12"
)

// keyACLHost is a host with one keyed certificate in MY whose key is held
// by the given provider, and one certificate without a key.
func keyACLHost(t *testing.T, provider string) (h *Host, keyed, keyless testCert) {
	t.Helper()
	keyed, keyless = newTestCert(t, "sage50.example.com"), newTestCert(t, "nokey.example.com")
	h = New(State{Certificates: []CertificateState{
		{Store: "MY", PEM: keyed.certPEM, KeyPEM: keyed.keyPEM, KeyProvider: provider},
		{Store: "MY", PEM: keyless.certPEM},
	}})
	return h, keyed, keyless
}

func TestKeyACLOps(t *testing.T) {
	for _, tt := range []struct {
		provider           string
		readMask, fullMask uint32
		pathPrefix         string
	}{
		{keyProviderCNG, maskGenericRead, maskGenericAll, `C:\ProgramData\Microsoft\Crypto\Keys\`},
		{keyProviderCAPI, maskFileGenericRead, maskFileAllAccess, `C:\ProgramData\Microsoft\Crypto\RSA\MachineKeys\`},
	} {
		t.Run(tt.provider, func(t *testing.T) {
			h, keyed, keyless := keyACLHost(t, tt.provider)
			key := map[string]any{"store": "My", "thumbprint": strings.ToLower(keyed.thumbprint)}
			grant := func(sid, access string) map[string]any {
				return map[string]any{"store": "MY", "thumbprint": keyed.thumbprint, "sid": sid, "access": access}
			}
			var got keyACLView
			mustInvoke(t, h, "cert.key_acl.get", key, &got)
			if got.Provider != tt.provider || !strings.HasPrefix(got.KeyPath, tt.pathPrefix) || len(got.Entries) != 2 ||
				got.Entries[0].Account != `NT AUTHORITY\SYSTEM` || got.Entries[0].Access != keyAccessFull || got.Entries[1].SID != "S-1-5-32-544" {
				t.Fatalf("new key: %+v", got)
			}
			mustInvoke(t, h, "cert.key_acl.add", grant("S-1-5-20", "read"), &got)
			if len(got.Entries) != 3 || got.Entries[2] != (keyACEView{SID: "S-1-5-20", Account: `NT AUTHORITY\NETWORK SERVICE`, AccessMask: tt.readMask, Access: keyAccessRead}) ||
				got.Changed == nil || !*got.Changed {
				t.Fatalf("after add read: %+v", got)
			}
			mustInvoke(t, h, "cert.key_acl.add", grant("S-1-5-20", "read"), &got)
			if len(got.Entries) != 3 || *got.Changed {
				t.Errorf("a second add of the same grant changed the DACL: %+v", got)
			}
			mustInvoke(t, h, "cert.key_acl.add", grant("S-1-5-32-544", "read"), &got)
			if len(got.Entries) != 3 || *got.Changed {
				t.Errorf("read for Administrators, who have full control, changed the DACL: %+v", got)
			}
			mustInvoke(t, h, "cert.key_acl.add", grant("S-1-5-20", "full"), &got)
			if len(got.Entries) != 4 || got.Entries[3].AccessMask != tt.fullMask {
				t.Errorf("after add full: %+v", got)
			}
			mustInvoke(t, h, "cert.key_acl.remove", grant("S-1-5-20", "read"), &got)
			if len(got.Entries) != 3 || got.Entries[2].AccessMask != tt.fullMask || !*got.Changed {
				t.Errorf("remove read took more or less than the read entry: %+v", got)
			}
			mustInvoke(t, h, "cert.key_acl.remove", grant("S-1-5-20", "read"), &got)
			if *got.Changed {
				t.Errorf("removing an absent entry changed the DACL: %+v", got)
			}
			wantCode(t, "unknown SID", invoke(t, h, "cert.key_acl.add", grant("S-1-5-21-1-2-3-1001", "read"), nil), errNoneMapped)
			wantCode(t, "bad SID", invoke(t, h, "cert.key_acl.add", grant("NETWORK SERVICE", "read"), nil), errInvalidParameter)
			wantCode(t, "bad access", invoke(t, h, "cert.key_acl.add", grant("S-1-5-20", "write"), nil), errInvalidParameter)
			wantCode(t, "absent certificate", invoke(t, h, "cert.key_acl.get", map[string]any{"store": "MY", "thumbprint": strings.Repeat("AB", 20)}, nil), errFileNotFound)
			wantCode(t, "no key", invoke(t, h, "cert.key_acl.get", map[string]any{"store": "MY", "thumbprint": keyless.thumbprint}, nil), hresult(nteBadKeyset))

			// The DACL is part of the state document, and survives a round trip.
			data, err := h.StateJSON()
			if err != nil {
				t.Fatal(err)
			}
			h2, err := NewFromJSON(data)
			if err != nil {
				t.Fatal(err)
			}
			var again keyACLView
			mustInvoke(t, h2, "cert.key_acl.get", key, &again)
			got = keyACLView{}
			mustInvoke(t, h, "cert.key_acl.get", key, &got)
			a, _ := json.Marshal(again)
			b, _ := json.Marshal(got)
			if string(a) != string(b) {
				t.Errorf("after a state round trip\n%s\nwant\n%s", a, b)
			}
		})
	}
}

// TestKeyACLNewKeyOnReimport: importing the PFX again writes a new key
// container with the default DACL, as Windows does; grants on the old key
// are gone.
func TestKeyACLNewKeyOnReimport(t *testing.T) {
	h := New(State{})
	pki := newTestPKI(t)
	imp := importArgsFor("MY", encodePFX(t, pkcs12.Modern, pki.serverKey, pki.server, nil), pfxPassword, false)
	mustInvoke(t, h, "cert.import_pfx", imp, nil)
	grant := map[string]any{"store": "MY", "thumbprint": Thumbprint(pki.server.Raw), "sid": "S-1-5-20", "access": "read"}
	var before, after keyACLView
	mustInvoke(t, h, "cert.key_acl.add", grant, &before)
	mustInvoke(t, h, "cert.import_pfx", imp, nil)
	mustInvoke(t, h, "cert.key_acl.get", grant, &after)
	if len(after.Entries) != 2 || after.KeyPath == before.KeyPath {
		t.Errorf("after re-import: %+v (before: %+v)", after, before)
	}
}
