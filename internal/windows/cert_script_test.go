package windows

import (
	"regexp"
	"testing"
)

// These tests check cert.ps1 where only Windows could show a mistake: what
// a failed re-import restores, how a private key is proven usable, which
// paths count as absolute. They read the script as the scanner in
// scripts_test.go splits it (code without strings and comments, and the
// source), so a word in a comment or a message does not satisfy them.

// psFunction is one function of a script: its body as code (strings and
// comments blanked) and as source.
type psFunction struct{ code, src string }

// functionOf returns the body of function name in the script.
func functionOf(t *testing.T, script, name string) psFunction {
	t.Helper()
	ps, err := scanPowerShell(readScript(t, script))
	if err != nil {
		t.Fatalf("%s.ps1: %v", script, err)
	}
	head := regexp.MustCompile(`(?mi)^function\s+` + regexp.QuoteMeta(name) + `\b[^{]*\{`).FindStringIndex(ps.code)
	if head == nil {
		t.Fatalf("%s.ps1 has no function %s", script, name)
	}
	depth := 0
	for i := head[1] - 1; i < len(ps.code); i++ {
		switch ps.code[i] {
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return psFunction{code: ps.code[head[1]:i], src: ps.src[head[1]:i]}
			}
		}
	}
	t.Fatalf("%s.ps1: function %s never closes", script, name)
	return psFunction{}
}

// mustFind returns where the pattern first matches in text, failing the
// test with why it matters if it does not.
func mustFind(t *testing.T, text, pattern, why string) int {
	t.Helper()
	loc := regexp.MustCompile(pattern).FindStringIndex(text)
	if loc == nil {
		t.Errorf("no %q: %s", pattern, why)
		return -1
	}
	return loc[0]
}

// TestCertScriptReimportRollbackRestoresPreviousKey: X509Store.Find returns
// a link into the store, and X509Store.Add of the same certificate gives the
// stored context the new key link (CERT_STORE_ADD_REPLACE_EXISTING_INHERIT_
// PROPERTIES). Adding that object back restores nothing; the rollback must
// relink the key container read before the Add, and never delete the key
// the stored certificate still links to.
func TestCertScriptReimportRollbackRestoresPreviousKey(t *testing.T) {
	imp := functionOf(t, "cert", "Import-PfxBytes")
	if regexp.MustCompile(`(?i)\.Add\(\s*\$previous\s*\)`).MatchString(imp.code) {
		t.Error("Import-PfxBytes adds the certificate object it found back: after the Add it already names the new key")
	}
	read := mustFind(t, imp.code, `(?i)\$previousKey\s*=\s*Get-KeyContainer\s+\$previous\b`, "the previous key container must be read for the rollback")
	add := mustFind(t, imp.code, `(?i)\$store\.Add\(\s*\$endEntity\s*\)`, "the end-entity is added to the store")
	if read >= 0 && add >= 0 && read > add {
		t.Error("Import-PfxBytes reads the previous key container after the Add, when the link already names the new key")
	}
	failure := regexp.MustCompile(`(?is)\$failure\s*=\s*\$_.*?throw\s+\$failure`).FindString(imp.code)
	if failure == "" {
		t.Fatal("Import-PfxBytes has no failure path that keeps the failure ($failure = $_ ... throw $failure)")
	}
	catch := failure
	undo := regexp.MustCompile(`(?i)\$(\w+)\s*=\s*Undo-CertificateAdd\b[^\n]*\$previousKey\b`).FindStringSubmatch(catch)
	if undo == nil {
		t.Fatal("the failure path of Import-PfxBytes does not undo the Add with the previous key container")
	}
	mustFind(t, catch, `(?i)Test-SameKeyContainer\s+\$\w+\s+\$`+undo[1]+`\.Container\b`,
		"a new key the stored certificate still links to after the undo must not be deleted")

	undoFn := functionOf(t, "cert", "Undo-CertificateAdd")
	mustFind(t, undoFn.code, `(?i)\$store\.Add\(\s*\(\s*New-KeyLinkedCertificate\s+\$EndEntity\.RawData\s+\$PreviousKey\s*\)\s*\)`,
		"the undo adds a copy linked to the previous key, whose key link the stored context then takes")
	mustFind(t, undoFn.code, `(?i)\$store\.Remove\(\s*\$EndEntity\s*\)`, "a first import is removed again")

	link := functionOf(t, "cert", "New-KeyLinkedCertificate")
	mustFind(t, link.code, `(?i)=\s*Open-KeyContainer\s+\$Container\b`, "the previous key container is reopened by name (Open-KeyContainer)")
	mustFind(t, link.code, `(?i)::CopyWithPrivateKey\(\s*\$cert\s*,\s*\$key\s*\)`, "CopyWithPrivateKey sets the CNG key link")
	mustFind(t, link.code, `(?i)\$cert\.PrivateKey\s*=`, "setting PrivateKey sets a CSP key link")
	open := functionOf(t, "cert", "Open-KeyContainer")
	mustFind(t, open.code, `(?i)\[System\.Security\.Cryptography\.CngKey\]::Open\(`, "a CNG key is reopened by name")
	mustFind(t, open.code, `(?i)UseExistingKey`, "the CSP container is reopened, not created")
}

// TestCertScriptRequireKeyOpensTheKey: HasPrivateKey only says the key-link
// property exists; a PFX import and cert.get with require_key must open the
// key, CNG first, then CryptoAPI, and answer 1312 when it does not open.
func TestCertScriptRequireKeyOpensTheKey(t *testing.T) {
	confirm := functionOf(t, "cert", "Confirm-StoreCertificate")
	mustFind(t, confirm.code, `(?i)if\s*\(\s*\$RequireKey\s*\)\s*\{\s*Assert-PrivateKeyOpens\s+\$cert\b`,
		"Confirm-StoreCertificate -RequireKey must open the key, not trust HasPrivateKey")

	get := functionOf(t, "cert", "Invoke-cert.get")
	mustFind(t, get.src, `(?i)if\s*\(\s*\$A\['require_key'\]\s*-eq\s*\$true\s*\)\s*\{\s*Assert-PrivateKeyOpens\s+\$cert\b`,
		"cert.get with require_key opens the key")

	assert := functionOf(t, "cert", "Assert-PrivateKeyOpens")
	mustFind(t, assert.code, `(?i)Open-CertificatePrivateKey\s+\$Cert\b`, "the key is opened")
	if n := len(regexp.MustCompile(`New-OpError 1312\b`).FindAllString(assert.code, -1)); n != 2 {
		t.Errorf("Assert-PrivateKeyOpens throws 1312 %d times, want twice (no key link; a link that does not open)", n)
	}
	mustFind(t, assert.src, `import the PFX again with its private key`, "the message says what to do")

	open := functionOf(t, "cert", "Open-CertificatePrivateKey")
	cng := mustFind(t, open.code, `(?i)::GetRSAPrivateKey\(\s*\$Cert\s*\)`, "CNG keys open through GetRSAPrivateKey")
	mustFind(t, open.code, `(?i)::GetECDsaPrivateKey\(\s*\$Cert\s*\)`, "ECDSA keys open through GetECDsaPrivateKey")
	capi := mustFind(t, open.code, `(?i)\$Cert\.PrivateKey\b`, "CSP keys open through X509Certificate2.PrivateKey")
	if cng >= 0 && capi >= 0 && capi < cng {
		t.Error("Open-CertificatePrivateKey tries CryptoAPI before CNG; X509Certificate2.PrivateKey throws for CNG keys")
	}
}

// TestCertScriptAbsolutePath runs the patterns of Test-AbsolutePath (valid
// in both .NET's and Go's regular expressions) against paths: a relative
// path would resolve against the WinRM session's current directory, and
// PROTOCOL.md promises 87 for it.
func TestCertScriptAbsolutePath(t *testing.T) {
	fn := functionOf(t, "cert", "Test-AbsolutePath")
	patterns := regexp.MustCompile(`-match '([^']*)'`).FindAllStringSubmatch(fn.src, -1)
	if len(patterns) != 2 || !regexp.MustCompile(`\)\s*-or\s*\(`).MatchString(fn.code) {
		t.Fatalf("Test-AbsolutePath is not two -match patterns joined by -or: %q", fn.src)
	}
	var res []*regexp.Regexp
	for _, p := range patterns {
		res = append(res, regexp.MustCompile("(?i)"+p[1])) // -match ignores case
	}
	tests := []struct {
		path     string
		absolute bool
	}{
		{`C:\Certs\host.pfx`, true},
		{`c:/certs/host.pfx`, true},
		{`\\fileserver\certs\host.pfx`, true},
		{`//fileserver/certs/host.pfx`, true},
		{`certs\host.pfx`, false},
		{`.\host.pfx`, false},
		{`..\certs\host.pfx`, false},
		{`\certs\host.pfx`, false},
		{`C:host.pfx`, false},
		{`\\fileserver`, false},
		{`host.pfx`, false},
	}
	for _, tt := range tests {
		got := res[0].MatchString(tt.path) || res[1].MatchString(tt.path)
		if got != tt.absolute {
			t.Errorf("Test-AbsolutePath %q = %v, want %v", tt.path, got, tt.absolute)
		}
	}
	imp := functionOf(t, "cert", "Invoke-cert.import_pfx_file")
	check := mustFind(t, imp.code, `(?i)if\s*\(\s*-not\s*\(\s*Test-AbsolutePath\s+\$path\s*\)\s*\)\s*\{\s*throw\s*\(\s*New-OpError 87\b`, "a relative path is refused with 87")
	read := mustFind(t, imp.code, `(?i)Test-Path\b`, "the file is looked up")
	if check >= 0 && read >= 0 && check > read {
		t.Error("Invoke-cert.import_pfx_file looks the file up before refusing a relative path")
	}
}
