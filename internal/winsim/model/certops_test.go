package model

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"strings"
	"testing"
	"time"

	"software.sslmate.com/src/go-pkcs12"
)

const pfxPassword = "S3cret-$pfx'pass"

var (
	testNotBefore = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	testNotAfter  = time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
)

// testPKI is a root CA, an issuing CA it signed, and a server certificate
// the issuing CA signed.
type testPKI struct {
	root, issuing, server *x509.Certificate
	serverKey             crypto.Signer
}

// issue signs tmpl with parentKey (tmpl itself when parent is nil) for a new
// key; rsaKey asks for RSA instead of ECDSA P-256.
func issue(t *testing.T, tmpl, parent *x509.Certificate, parentKey crypto.Signer, rsaKey bool) (*x509.Certificate, crypto.Signer) {
	t.Helper()
	var key crypto.Signer
	var err error
	if rsaKey {
		key, err = rsa.GenerateKey(rand.Reader, 2048)
	} else {
		key, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	}
	if err != nil {
		t.Fatal(err)
	}
	if parent == nil {
		parent, parentKey = tmpl, key
	}
	tmpl.SerialNumber = big.NewInt(time.Now().UnixNano())
	tmpl.NotBefore, tmpl.NotAfter = testNotBefore, testNotAfter
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, key.Public(), parentKey)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return cert, key
}

// ekuExtension is an EKU extension with a Microsoft OID between two PKIX
// ones, an order Go's ExtKeyUsage/UnknownExtKeyUsage split cannot keep.
func ekuExtension(t *testing.T) pkix.Extension {
	t.Helper()
	value, err := asn1.Marshal([]asn1.ObjectIdentifier{{1, 3, 6, 1, 5, 5, 7, 3, 2}, {1, 3, 6, 1, 4, 1, 311, 10, 3, 12}, {1, 3, 6, 1, 5, 5, 7, 3, 1}})
	if err != nil {
		t.Fatal(err)
	}
	return pkix.Extension{Id: oidExtensionExtKeyUsage, Value: value}
}

func newTestPKI(t *testing.T) testPKI {
	t.Helper()
	caTemplate := func(cn string) *x509.Certificate {
		return &x509.Certificate{
			Subject: pkix.Name{CommonName: cn, Organization: []string{"Example"}}, IsCA: true, BasicConstraintsValid: true,
			KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		}
	}
	root, rootKey := issue(t, caTemplate("Example Root CA"), nil, nil, false)
	issuing, issuingKey := issue(t, caTemplate("Example Issuing CA"), root, rootKey, false)
	server, serverKey := issue(t, &x509.Certificate{
		Subject:         pkix.Name{CommonName: "sage300.example.local", Organization: []string{"Example, Inc."}, Country: []string{"DE"}},
		DNSNames:        []string{"sage300.example.local", "sage300"},
		KeyUsage:        x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtraExtensions: []pkix.Extension{ekuExtension(t)},
	}, issuing, issuingKey, true)
	return testPKI{root: root, issuing: issuing, server: server, serverKey: serverKey}
}

func encodePFX(t *testing.T, enc *pkcs12.Encoder, key crypto.Signer, first *x509.Certificate, others []*x509.Certificate) []byte {
	t.Helper()
	pfx, err := enc.Encode(key, first, others, pfxPassword)
	if err != nil {
		t.Fatal(err)
	}
	return pfx
}

func pemOf(c *x509.Certificate) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw}))
}

// importResult is the result of the import ops.
type importResult struct {
	Certificate certificateView   `json:"certificate"`
	Chain       []certificateView `json:"chain"`
}

func importArgsFor(store string, pfx []byte, password string, chain bool) map[string]any {
	return map[string]any{"store": store, "pfx_base64": base64.StdEncoding.EncodeToString(pfx), "password": password,
		"exportable": false, "import_chain": chain}
}

// listStore returns a store's thumbprints.
func listStore(t *testing.T, h *Host, store string) []string {
	t.Helper()
	var out struct {
		Certificates []certificateView `json:"certificates"`
	}
	mustInvoke(t, h, "cert.list", map[string]any{"store": store}, &out)
	var thumbprints []string
	for _, c := range out.Certificates {
		thumbprints = append(thumbprints, c.Thumbprint)
	}
	return thumbprints
}

// DER OIDs that tell the encodings apart: pbeWithSHAAnd3-KeyTripleDES-CBC
// (PKCS#12 legacy) and PBES2 (PKCS#5, used with AES-256 by Modern).
var (
	oidDERPBEWithSHA3DES = []byte{0x06, 0x0a, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x0c, 0x01, 0x03}
	oidDERPBES2          = []byte{0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0d}
)

func TestCertImportPFX(t *testing.T) {
	pki := newTestPKI(t)
	chain := []*x509.Certificate{pki.issuing, pki.root}
	legacy := encodePFX(t, pkcs12.Legacy, pki.serverKey, pki.server, chain)
	modern := encodePFX(t, pkcs12.Modern, pki.serverKey, pki.server, chain)
	if !bytes.Contains(legacy, oidDERPBEWithSHA3DES) || !bytes.Contains(modern, oidDERPBES2) || bytes.Contains(legacy, oidDERPBES2) {
		t.Fatal("the test PFX files do not use the legacy 3DES and modern PBES2 encodings")
	}
	trustStore, err := pkcs12.Modern.EncodeTrustStore([]*x509.Certificate{pki.server}, pfxPassword)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		args     map[string]any
		code     int
		message  string // exact, if set
		wantLeaf bool
	}{
		{name: "legacy 3DES, SHA-1 MAC", args: importArgsFor("My", legacy, pfxPassword, false), wantLeaf: true},
		{name: "legacy RC2", args: importArgsFor("my", encodePFX(t, pkcs12.LegacyRC2, pki.serverKey, pki.server, chain), pfxPassword, false), wantLeaf: true},
		{name: "modern AES-256, SHA-256 MAC", args: importArgsFor("MY", modern, pfxPassword, false), wantLeaf: true},
		{name: "end-entity not first in the PFX", args: importArgsFor("WebHosting", encodePFX(t, pkcs12.Modern, pki.serverKey, pki.root, []*x509.Certificate{pki.issuing, pki.server}), pfxPassword, false), wantLeaf: true},
		{name: "wrong password, legacy", args: importArgsFor("MY", legacy, "wrong", false), code: hresult(0x80070056), message: "The specified network password is not correct."},
		{name: "wrong password, modern", args: importArgsFor("MY", modern, "", false), code: hresult(0x80070056), message: "The specified network password is not correct."},
		{name: "no private key", args: importArgsFor("MY", trustStore, pfxPassword, false), code: 87},
		{name: "garbage", args: importArgsFor("MY", []byte("this is not a PFX"), pfxPassword, false), code: hresult(0x80092009), message: "Cannot find the requested object."},
		{name: "truncated", args: importArgsFor("MY", modern[:len(modern)/2], pfxPassword, false), code: hresult(0x80092009)},
		// A PFX whose outer layer decodes gets to PFXImportCertStore, whose MAC check fails.
		{name: "PFX with a corrupt inside", args: importArgsFor("MY", corruptInside(t, modern), pfxPassword, false), code: hresult(0x80070056)},
		{name: "a DER certificate, not a PFX", args: importArgsFor("MY", pki.server.Raw, pfxPassword, false), code: 87},
		{name: "a PEM certificate, not a PFX", args: importArgsFor("MY", []byte(pemOf(pki.server)), pfxPassword, false), code: 87},
		{name: "not base64", args: map[string]any{"store": "MY", "pfx_base64": "%%%", "password": pfxPassword}, code: 87},
		{name: "no store", args: importArgsFor("", modern, pfxPassword, false), code: 87},
		{name: "store path", args: importArgsFor(`LocalMachine\My`, modern, pfxPassword, false), code: 87},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := New(State{})
			var got importResult
			opErr := invoke(t, h, "cert.import_pfx", tt.args, &got)
			wantCode(t, tt.name, opErr, tt.code)
			if opErr != nil {
				if tt.code == hresult(0x80070056) && uint32(opErr.Code) != 2147942486 {
					t.Errorf("code %d, want 2147942486 (0x80070056) as PROTOCOL.md shows it", opErr.Code)
				}
				if tt.message != "" && opErr.Message != tt.message {
					t.Errorf("message %q, want %q", opErr.Message, tt.message)
				}
				if b64 := tt.args["pfx_base64"].(string); strings.Contains(opErr.Message, pfxPassword) || len(b64) > 20 && strings.Contains(opErr.Message, b64[:20]) {
					t.Errorf("error quotes a secret: %q", opErr.Message)
				}
				if all := listStore(t, h, "MY"); len(all) != 0 {
					t.Errorf("a failed import left %v in MY", all)
				}
				return
			}
			store := strings.ToUpper(tt.args["store"].(string))
			checkImportedServer(t, h, got, store, pki)
			if len(got.Chain) != 0 || len(listStore(t, h, "CA")) != 0 || len(listStore(t, h, "ROOT")) != 0 {
				t.Errorf("without import_chain, chain %v, CA %v, ROOT %v: want nothing", got.Chain, listStore(t, h, "CA"), listStore(t, h, "ROOT"))
			}
		})
	}
}

// corruptInside returns a copy of pfx whose outer layer (version,
// authSafe, macData) still decodes but whose authSafe content is not the
// DER it must be.
func corruptInside(t *testing.T, pfx []byte) []byte {
	t.Helper()
	var outer pfxOuter
	if _, err := asn1.Unmarshal(pfx, &outer); err != nil {
		t.Fatal(err)
	}
	var octets asn1.RawValue // the OCTET STRING holding the AuthenticatedSafe
	if _, err := asn1.Unmarshal(outer.AuthSafe.Content.Bytes, &octets); err != nil || octets.Tag != asn1.TagOctetString {
		t.Fatalf("authSafe content is not an OCTET STRING: %v", err)
	}
	out := bytes.Clone(pfx)
	at := bytes.Index(out, octets.Bytes)
	copy(out[at:at+8], bytes.Repeat([]byte{0xFF}, 8))
	if !isPFXBlob(out) {
		t.Fatal("corruptInside broke the outer layer too")
	}
	return out
}

// checkImportedServer checks that the server certificate is in the store
// with its private key, as the result says.
func checkImportedServer(t *testing.T, h *Host, got importResult, store string, pki testPKI) {
	t.Helper()
	want := Thumbprint(pki.server.Raw)
	if got.Certificate.Thumbprint != want || got.Certificate.Store != store || !got.Certificate.HasPrivateKey {
		t.Errorf("certificate %s in %s (key %t), want %s in %s with key", got.Certificate.Thumbprint, got.Certificate.Store, got.Certificate.HasPrivateKey, want, store)
	}
	c, ok := h.FindCertificate(store, want)
	if !ok || !c.HasPrivateKey {
		t.Fatalf("%s not in %s with a key after import", want, store)
	}
	if err := checkKeyPEM(pki.server, string(c.KeyPEM)); err != nil {
		t.Errorf("kept key: %v", err)
	}
}

func TestCertImportPFXChain(t *testing.T) {
	pki := newTestPKI(t)
	h := New(State{})
	pfx := encodePFX(t, pkcs12.Modern, pki.serverKey, pki.server, []*x509.Certificate{pki.issuing, pki.root})
	var got importResult
	mustInvoke(t, h, "cert.import_pfx", importArgsFor("MY", pfx, pfxPassword, true), &got)
	checkImportedServer(t, h, got, "MY", pki)
	issuing, root := Thumbprint(pki.issuing.Raw), Thumbprint(pki.root.Raw)
	if len(got.Chain) != 2 || got.Chain[0].Thumbprint != issuing || got.Chain[0].Store != "CA" ||
		got.Chain[1].Thumbprint != root || got.Chain[1].Store != "ROOT" || got.Chain[0].HasPrivateKey || got.Chain[1].HasPrivateKey {
		t.Errorf("chain %+v, want the issuing CA in CA and the root in ROOT, without keys", got.Chain)
	}
	if ca, rootStore := listStore(t, h, "CA"), listStore(t, h, "Root"); len(ca) != 1 || ca[0] != issuing || len(rootStore) != 1 || rootStore[0] != root {
		t.Errorf("CA %v, ROOT %v", ca, rootStore)
	}
}

// TestCertImportPFXIdempotent imports the same PFX twice: one certificate
// per store, still with its key, and the second import's exportable flag.
func TestCertImportPFXIdempotent(t *testing.T) {
	pki := newTestPKI(t)
	h := New(State{})
	pfx := encodePFX(t, pkcs12.Legacy, pki.serverKey, pki.server, []*x509.Certificate{pki.issuing, pki.root})
	mustInvoke(t, h, "cert.import_pfx", importArgsFor("MY", pfx, pfxPassword, true), nil)
	args := importArgsFor("MY", pfx, pfxPassword, true)
	args["exportable"] = true
	var got importResult
	mustInvoke(t, h, "cert.import_pfx", args, &got)
	checkImportedServer(t, h, got, "MY", pki)
	for _, store := range []string{"MY", "CA", "ROOT"} {
		if n := len(listStore(t, h, store)); n != 1 {
			t.Errorf("%s holds %d certificates after two imports, want 1", store, n)
		}
	}
	if c, _ := h.FindCertificate("MY", Thumbprint(pki.server.Raw)); !c.Exportable {
		t.Error("the second import's exportable flag was not kept")
	}
}

// TestCertImportPFXAgain re-imports the certificate already in the store:
// the stored exportable flag follows the new import, a lost key comes back,
// and a PFX of another certificate than the expected one changes nothing.
func TestCertImportPFXAgain(t *testing.T) {
	pki := newTestPKI(t)
	other := newTestPKI(t)
	pfx := encodePFX(t, pkcs12.Modern, pki.serverKey, pki.server, nil)
	thumbprint := Thumbprint(pki.server.Raw)
	tests := []struct {
		name        string
		before      func(h *Host)
		pfx         []byte
		wantCode    int64
		wantExport  bool
		wantPrivate bool
	}{
		{name: "exportable turned off", pfx: pfx, wantPrivate: true},
		{name: "lost key restored", pfx: pfx, wantPrivate: true, before: func(h *Host) {
			i := h.findCertificate("MY", thumbprint)
			h.certs[i].HasPrivateKey, h.certs[i].KeyPEM = false, nil
		}},
		{name: "another certificate", pfx: encodePFX(t, pkcs12.Modern, other.serverKey, other.server, nil),
			wantCode: errInvalidData, wantExport: true, wantPrivate: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := New(State{})
			first := importArgsFor("MY", pfx, pfxPassword, false)
			first["exportable"] = true
			mustInvoke(t, h, "cert.import_pfx", first, nil)
			if tt.before != nil {
				tt.before(h)
			}
			again := importArgsFor("MY", tt.pfx, pfxPassword, false)
			again["expect_thumbprint"] = strings.ToLower(thumbprint)
			opErr := invoke(t, h, "cert.import_pfx", again, nil)
			if code := opErrCode(opErr); code != tt.wantCode {
				t.Fatalf("error %v, want code %d", opErr, tt.wantCode)
			}
			c, ok := h.FindCertificate("MY", thumbprint)
			if !ok || c.Exportable != tt.wantExport || c.HasPrivateKey != tt.wantPrivate {
				t.Errorf("stored: found %t, exportable %t, has_private_key %t; want exportable %t, has_private_key %t",
					ok, c.Exportable, c.HasPrivateKey, tt.wantExport, tt.wantPrivate)
			}
			if n := len(listStore(t, h, "MY")); n != 1 {
				t.Errorf("MY holds %d certificates, want 1", n)
			}
		})
	}
}

// opErrCode is the op error's code, 0 for none.
func opErrCode(opErr *OpError) int64 {
	if opErr == nil {
		return 0
	}
	return int64(opErr.Code)
}

func TestCertImportPFXFile(t *testing.T) {
	pki := newTestPKI(t)
	pfx := encodePFX(t, pkcs12.Modern, pki.serverKey, pki.server, nil)
	state := State{Files: []FileState{{Path: `C:\Certs\Host.pfx`, ContentBase64: base64.StdEncoding.EncodeToString(pfx)}}}
	tests := []struct {
		path string
		code int
	}{
		{`C:\Certs\Host.pfx`, 0},
		{`c:/certs/HOST.PFX`, 0},
		{`C:\certs\sub\..\.\\host.pfx. `, 0},
		{`C:\certs\other.pfx`, 2},
		{`D:\Certs\Host.pfx`, 2},
		// Relative paths are 87, as PROTOCOL.md says: the WinRM
		// session's current directory is not what the user meant.
		{`certs\host.pfx`, 87},
		{`.\host.pfx`, 87},
		{`\certs\host.pfx`, 87},
		{`C:host.pfx`, 87},
		{``, 87},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			h := New(state)
			var got importResult
			opErr := invoke(t, h, "cert.import_pfx_file", map[string]any{"store": "MY", "path": tt.path, "password": pfxPassword}, &got)
			wantCode(t, tt.path, opErr, tt.code)
			if opErr == nil {
				checkImportedServer(t, h, got, "MY", pki)
			}
		})
	}
	h := New(state)
	opErr := invoke(t, h, "cert.import_pfx_file", map[string]any{"store": "MY", "path": `C:\Certs\Host.pfx`, "password": "wrong"}, nil)
	wantCode(t, "file, wrong password", opErr, hresultInvalidPassword)
}

// TestCertErrorsGerman checks the messages of a de-DE host: translated
// where the translation is known, English otherwise.
func TestCertErrorsGerman(t *testing.T) {
	pki := newTestPKI(t)
	pfx := encodePFX(t, pkcs12.Modern, pki.serverKey, pki.server, nil)
	h := New(State{Locale: "de-DE"})
	tests := []struct {
		name, op string
		args     map[string]any
		code     int
		prefix   string
	}{
		{"wrong password", "cert.import_pfx", importArgsFor("MY", pfx, "falsch", false), hresultInvalidPassword, "Das angegebene Netzwerkkennwort ist falsch."},
		{"missing file", "cert.import_pfx_file", map[string]any{"store": "MY", "path": `C:\fehlt.pfx`, "password": pfxPassword}, 2, "Das System kann die angegebene Datei nicht finden. "},
		// No verified German text for CRYPT_E_NO_MATCH: the English one, as win32Messages says.
		{"corrupt", "cert.import_pfx", importArgsFor("MY", []byte{0x30, 0x03, 0x02, 0x01}, pfxPassword, false), hresultNoMatch, "Cannot find the requested object."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opErr := invoke(t, h, tt.op, tt.args, nil)
			wantCode(t, tt.name, opErr, tt.code)
			if opErr != nil && !strings.HasPrefix(opErr.Message, tt.prefix) {
				t.Errorf("message %q, want it to start with %q", opErr.Message, tt.prefix)
			}
		})
	}
	if opErr := invoke(t, h, "cert.import_pfx", importArgsFor("MY", pfx, "falsch", false), nil); opErr != nil && opErr.Message != "Das angegebene Netzwerkkennwort ist falsch." {
		t.Errorf("wrong password message %q has more than the system text", opErr.Message)
	}
}

func TestCertAddGetRemoveList(t *testing.T) {
	pki := newTestPKI(t)
	root := Thumbprint(pki.root.Raw)
	h := New(State{})
	var added certificateView
	mustInvoke(t, h, "cert.add", map[string]any{"store": "root", "pem": pemOf(pki.root)}, &added)
	if added.Store != "ROOT" || added.Thumbprint != root || added.HasPrivateKey {
		t.Errorf("cert.add: %+v", added)
	}
	steps := []struct {
		name, op string
		args     map[string]any
		code     int
	}{
		{"get, lower-case thumbprint and store", "cert.get", map[string]any{"store": "Root", "thumbprint": strings.ToLower(root)}, 0},
		{"get from another store", "cert.get", map[string]any{"store": "CA", "thumbprint": root}, 2},
		{"get, thumbprint with a mark", "cert.get", map[string]any{"store": "ROOT", "thumbprint": "\u200e" + root[1:]}, 87},
		{"get, no store", "cert.get", map[string]any{"thumbprint": root}, 87},
		{"add, not PEM", "cert.add", map[string]any{"store": "ROOT", "pem": "hello"}, 87},
		{"add, not a certificate", "cert.add", map[string]any{"store": "ROOT", "pem": "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"}, 87},
		{"add, a key", "cert.add", map[string]any{"store": "ROOT", "pem": "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"}, 87},
		{"add, two certificates", "cert.add", map[string]any{"store": "CA", "pem": pemOf(pki.issuing) + pemOf(pki.root)}, 87},
		{"add, wrong type", "cert.add", map[string]any{"store": "CA", "pem": 42}, 87},
		{"remove", "cert.remove", map[string]any{"store": "ROOT", "thumbprint": root}, 0},
		{"get after remove", "cert.get", map[string]any{"store": "ROOT", "thumbprint": root}, 2},
		{"remove again", "cert.remove", map[string]any{"store": "ROOT", "thumbprint": root}, 2},
	}
	for _, s := range steps {
		opErr := invoke(t, h, s.op, s.args, nil)
		wantCode(t, s.name, opErr, s.code)
	}
	for _, store := range []string{"ROOT", "CA", "NoSuchStore"} {
		raw, err := h.Invoke("cert.list", []byte(`{"store":"`+store+`"}`))
		if err != nil || string(raw) != `{"certificates":[]}` {
			t.Errorf("cert.list %s: %s, %v; want an empty list", store, raw, err)
		}
	}
}

// TestCertAddKeepsKey: X509Store.Add of a certificate the store holds with
// a key keeps the key; cert.remove deletes it with the certificate.
func TestCertAddKeepsKey(t *testing.T) {
	pki := newTestPKI(t)
	h := New(State{})
	pfx := encodePFX(t, pkcs12.Modern, pki.serverKey, pki.server, nil)
	mustInvoke(t, h, "cert.import_pfx", importArgsFor("MY", pfx, pfxPassword, false), nil)
	var got certificateView
	mustInvoke(t, h, "cert.add", map[string]any{"store": "MY", "pem": pemOf(pki.server)}, &got)
	if !got.HasPrivateKey {
		t.Error("cert.add of an imported certificate dropped its key")
	}
	mustInvoke(t, h, "cert.remove", map[string]any{"store": "MY", "thumbprint": got.Thumbprint}, nil)
	mustInvoke(t, h, "cert.add", map[string]any{"store": "MY", "pem": pemOf(pki.server)}, &got)
	if got.HasPrivateKey {
		t.Error("cert.remove kept the private key")
	}
}

func TestCertView(t *testing.T) {
	pki := newTestPKI(t)
	h := New(State{})
	mustInvoke(t, h, "cert.add", map[string]any{"store": "My", "pem": pemOf(pki.server)}, nil)
	var got certificateView
	mustInvoke(t, h, "cert.get", map[string]any{"store": "MY", "thumbprint": Thumbprint(pki.server.Raw)}, &got)
	want := certificateView{
		Store:             "MY",
		Thumbprint:        Thumbprint(pki.server.Raw),
		Subject:           `CN=sage300.example.local, O="Example, Inc.", C=DE`,
		Issuer:            "CN=Example Issuing CA, O=Example",
		DNSNames:          []string{"sage300.example.local", "sage300"},
		NotBefore:         "2026-01-01T00:00:00Z",
		NotAfter:          "2027-01-01T00:00:00Z",
		EnhancedKeyUsages: []string{"1.3.6.1.5.5.7.3.2", "1.3.6.1.4.1.311.10.3.12", "1.3.6.1.5.5.7.3.1"},
		PEM:               pemOf(pki.server),
	}
	gotJSON, _ := json.Marshal(got)
	wantJSON, _ := json.Marshal(want)
	if !bytes.Equal(gotJSON, wantJSON) {
		t.Errorf("certificate\n got %s\nwant %s", gotJSON, wantJSON)
	}
	mustInvoke(t, h, "cert.add", map[string]any{"store": "ROOT", "pem": pemOf(pki.root)}, &got)
	if got.DNSNames == nil || len(got.DNSNames) != 0 || got.EnhancedKeyUsages == nil || len(got.EnhancedKeyUsages) != 0 {
		t.Errorf("a certificate without SAN and EKU: dns_names %#v, enhanced_key_usages %#v; want empty lists", got.DNSNames, got.EnhancedKeyUsages)
	}
}

// TestHTTPSysSeesCertificateStores: the HTTP.sys model binds what the cert
// ops put into the stores, and only with a private key.
func TestHTTPSysSeesCertificateStores(t *testing.T) {
	pki := newTestPKI(t)
	other := newTestCert(t, "other.example.local")
	h := New(State{})
	mustInvoke(t, h, "cert.import_pfx", importArgsFor("MY", encodePFX(t, pkcs12.Modern, pki.serverKey, pki.server, nil), pfxPassword, false), nil)
	mustInvoke(t, h, "cert.add", map[string]any{"store": "MY", "pem": other.certPEM}, nil)
	bind := func(port string, thumbprint string) *OpError {
		_, opErr := setBinding(t, h, map[string]any{"ipport": "0.0.0.0:" + port, "certificate_hash": thumbprint, "app_id": testAppID})
		return opErr
	}
	server := Thumbprint(pki.server.Raw)
	wantCode(t, "bind the imported certificate", bind("4106", server), 0)
	wantCode(t, "bind a certificate added without key", bind("4107", other.thumbprint), errNoSuchLogonSession)
	mustInvoke(t, h, "cert.remove", map[string]any{"store": "MY", "thumbprint": server}, nil)
	wantCode(t, "bind a removed certificate", bind("4108", server), errNoSuchLogonSession)
}

// TestCertBrokenKeyLink models a certificate whose key link names a key
// container that does not open (deleted, or inconsistent: Posh-ACME #157):
// has_private_key says true, as on Windows, but a binding cannot use it,
// cert.get with require_key says 1312, and importing the PFX again repairs it.
func TestCertBrokenKeyLink(t *testing.T) {
	pki := newTestPKI(t)
	thumbprint := Thumbprint(pki.server.Raw)
	h := New(State{Certificates: []CertificateState{{Store: "My", PEM: pemOf(pki.server), KeyLinkBroken: true}}})
	getArgs := map[string]any{"store": "MY", "thumbprint": thumbprint}
	var got certificateView
	mustInvoke(t, h, "cert.get", getArgs, &got)
	if !got.HasPrivateKey {
		t.Error("cert.get: has_private_key false, want true (HasPrivateKey only sees the key link)")
	}
	requireKey := map[string]any{"store": "MY", "thumbprint": thumbprint, "require_key": true}
	opErr := invoke(t, h, "cert.get", requireKey, nil)
	wantCode(t, "cert.get require_key", opErr, 1312)
	if opErr != nil && !strings.Contains(opErr.Message, "cannot be opened") {
		t.Errorf("cert.get require_key: message %q does not say the key cannot be opened", opErr.Message)
	}
	bind := map[string]any{"ipport": "0.0.0.0:4106", "certificate_hash": thumbprint, "app_id": testAppID}
	_, opErr = setBinding(t, h, bind)
	wantCode(t, "sslcert.add", opErr, 1312)
	if states := h.certificateStates(); len(states) != 1 || !states[0].KeyLinkBroken || !states[0].HasPrivateKey {
		t.Errorf("state document %+v, want the broken key link kept", states)
	}
	// cert.add of the public certificate keeps the broken link, as X509Store.Add inherits it.
	mustInvoke(t, h, "cert.add", map[string]any{"store": "MY", "pem": pemOf(pki.server)}, nil)
	wantCode(t, "cert.get require_key after cert.add", invoke(t, h, "cert.get", requireKey, nil), 1312)

	pfx := encodePFX(t, pkcs12.Modern, pki.serverKey, pki.server, nil)
	args := importArgsFor("MY", pfx, pfxPassword, false)
	args["expect_thumbprint"] = thumbprint
	mustInvoke(t, h, "cert.import_pfx", args, nil)
	mustInvoke(t, h, "cert.get", requireKey, nil)
	if _, opErr := setBinding(t, h, bind); opErr != nil {
		t.Fatal(opErr)
	}

	keyless := New(State{Certificates: []CertificateState{{Store: "My", PEM: pemOf(pki.server)}}})
	wantCode(t, "cert.get require_key without a key", invoke(t, keyless, "cert.get", requireKey, nil), 1312)
	mustInvoke(t, keyless, "cert.get", getArgs, nil)
}

func TestCertBrokenKeyLinkStateDocument(t *testing.T) {
	c := newTestCert(t, "broken.example.com")
	_, err := certificateFromState(CertificateState{Store: "MY", PEM: c.certPEM, KeyPEM: c.keyPEM, KeyLinkBroken: true})
	if err == nil || !strings.Contains(err.Error(), "key_link_broken") {
		t.Errorf("key_link_broken with key_pem: error %v, want one naming key_link_broken", err)
	}
}
