package model

import (
	"encoding/pem"
	"testing"
)

// TestKeyContainersAreSharedAndDeletedAsOnWindows: two certificates whose
// state names one key container link the same key; deleting it breaks both
// links (what HTTP.sys then refuses with 1312) and a deleted key is
// NTE_BAD_KEYSET for every later call.
func TestKeyContainersAreSharedAndDeletedAsOnWindows(t *testing.T) {
	c := newTestCert(t, "shared.example")
	shared := "00112233445566778899aabbccddeeff_" + simMachineGUID
	h := New(State{Certificates: []CertificateState{
		{Store: "MY", PEM: c.certPEM, KeyPEM: c.keyPEM, KeyContainer: shared},
		{Store: "WEBHOSTING", PEM: c.certPEM, KeyPEM: c.keyPEM, KeyContainer: shared},
	}})
	h.Exclusive(func() {
		my, e := h.FindCertificateLocked("My", c.thumbprint)
		if e != nil || my == nil || my.Key == nil {
			t.Fatalf("MY: %+v %v", my, e)
		}
		hosting, _ := h.FindCertificateLocked("WebHosting", c.thumbprint)
		if hosting == nil || *hosting.Key != *my.Key {
			t.Fatalf("the copy links %+v, want the same key as MY (%+v)", hosting, my.Key)
		}
		cng := my.Key.ProvType == 0
		if e := h.OpenKeyLocked(*my.Key, !cng); e == nil || e.Code != nteBadKeyset {
			t.Errorf("opening the key with the other API: %v, want NTE_BAD_KEYSET", e)
		}
		if e := h.DeleteKeyLocked(*my.Key, cng); e != nil {
			t.Fatalf("delete: %v", e)
		}
		if e := h.DeleteKeyLocked(*my.Key, cng); e == nil || e.Code != nteBadKeyset {
			t.Errorf("second delete: %v, want NTE_BAD_KEYSET", e)
		}
	})
	for _, store := range []string{"MY", "WEBHOSTING"} {
		got, _ := h.FindCertificate(store, c.thumbprint)
		if !got.HasPrivateKey || !got.KeyLinkBroken || got.KeyPEM != nil {
			t.Errorf("%s after the key's deletion: has key %t, broken %t, key bytes %d; want a broken link", store, got.HasPrivateKey, got.KeyLinkBroken, len(got.KeyPEM))
		}
	}
}

// TestImportedKeysServeAndRelink: an imported key keeps its bytes for the
// simulated endpoints, X509Store.Add without a key link keeps the stored
// certificate's link, and with one replaces it.
func TestImportedKeysServeAndRelink(t *testing.T) {
	c := newTestCert(t, "import.example")
	block, _ := pem.Decode([]byte(c.keyPEM))
	h := New(State{})
	h.Exclusive(func() {
		first, e := h.ImportPFXKeysLocked([]PFXCertificate{{DER: c.der, HasKey: true, PrivateKey: block.Bytes}}, true)
		if e != nil || first[0].Key == nil || first[0].Key.ProvType != 0 {
			t.Fatalf("import: %+v %v, want a CNG key for an ECDSA certificate", first, e)
		}
		second, _ := h.ImportPFXKeysLocked([]PFXCertificate{{DER: c.der, HasKey: true}}, false)
		if *second[0].Key == *first[0].Key {
			t.Fatal("two imports wrote one container")
		}
		if e := h.AddCertificateLocked("Custom", c.der, first[0].Key); e != nil {
			t.Fatal(e)
		}
		if e := h.AddCertificateLocked("Custom", c.der, nil); e != nil {
			t.Fatal(e)
		}
		got, _ := h.FindCertificateLocked("CUSTOM", c.thumbprint)
		if got == nil || *got.Key != *first[0].Key {
			t.Errorf("after an add without a key: %+v, want the first key", got)
		}
		if e := h.AddCertificateLocked("Custom", c.der, second[0].Key); e != nil {
			t.Fatal(e)
		}
		got, _ = h.FindCertificateLocked("CUSTOM", c.thumbprint)
		if *got.Key != *second[0].Key {
			t.Errorf("after an add with the second key: %+v", got)
		}
		if _, e := h.CertificatesLocked("NOSUCH"); e == nil || e.Code != errFileNotFound {
			t.Errorf("a store that does not exist: %v, want 2", e)
		}
	})
	got, _ := h.FindCertificate("CUSTOM", c.thumbprint)
	if got.KeyPEM != nil || got.Exportable {
		t.Errorf("the second key has no bytes and is not exportable; got %d bytes, exportable %t", len(got.KeyPEM), got.Exportable)
	}
}
