package windows

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"strings"
	"testing"
	"time"

	"software.sslmate.com/src/go-pkcs12"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/winsim"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/winsim/model"
)

// agentTestChain is a root, an issuing CA and an RSA server certificate,
// made here: the simulator reads them with .NET in the agent.
type agentTestChain struct {
	root, issuing, leaf *x509.Certificate
	leafKey             *rsa.PrivateKey
}

func newAgentTestChain(t *testing.T) agentTestChain {
	t.Helper()
	issue := func(tmpl, parent *x509.Certificate, pub, signer any) *x509.Certificate {
		der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, signer)
		if err != nil {
			t.Fatal(err)
		}
		c, err := x509.ParseCertificate(der)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	ecKey := func() *ecdsa.PrivateKey {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	now := time.Now().Add(-time.Hour)
	rootKey, issuingKey := ecKey(), ecKey()
	ca := func(serial int64, name string) *x509.Certificate {
		return &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: name, Organization: []string{"Example"}},
			NotBefore: now, NotAfter: now.Add(48 * time.Hour), IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	}
	root := issue(ca(1, "Agent Root"), ca(1, "Agent Root"), &rootKey.PublicKey, rootKey)
	issuing := issue(ca(2, "Agent Issuing CA"), root, &issuingKey.PublicKey, rootKey)
	leafKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	leaf := issue(&x509.Certificate{SerialNumber: big.NewInt(3), Subject: pkix.Name{CommonName: "agent.example", Organization: []string{"Ex, Inc."}},
		DNSNames: []string{"agent.example"}, NotBefore: now, NotAfter: now.Add(24 * time.Hour),
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}, issuing, &leafKey.PublicKey, issuingKey)
	return agentTestChain{root: root, issuing: issuing, leaf: leaf, leafKey: leafKey}
}

func (c agentTestChain) pfx(t *testing.T, enc *pkcs12.Encoder) []byte {
	t.Helper()
	b, err := enc.Encode(c.leafKey, c.leaf, []*x509.Certificate{c.issuing, c.root}, "pfx-pw")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestCertificatesRunInTheAgent: the simulator's cert ops are the agent's,
// with what .NET reads from the bytes (X500DistinguishedName.Name), the
// chain into CA and ROOT, and a CAPI key for a PFX's RSA key.
func TestCertificatesRunInTheAgent(t *testing.T) {
	host, sim := simHost(t, `{"hostname":"CERT01"}`, true)
	ctx := context.Background()
	chain := newAgentTestChain(t)
	res, err := host.Certificates().ImportPFX(ctx, PFXImport{Store: "My", PFX: chain.pfx(t, pkcs12.Modern), Password: "pfx-pw", ImportChain: true})
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	if res.Certificate.Subject != `CN=agent.example, O="Ex, Inc."` || !res.Certificate.HasPrivateKey || len(res.Chain) != 2 {
		t.Errorf("import = %+v, want .NET's subject, a key and the chain of two", res)
	}
	stores := map[string]bool{}
	for _, c := range res.Chain {
		stores[c.Store] = true
	}
	if !stores["CA"] || !stores["ROOT"] {
		t.Errorf("chain stores %v, want CA and ROOT", stores)
	}
	acl, err := host.Certificates().GetKeyACL(ctx, "My", res.Certificate.Thumbprint)
	if err != nil {
		t.Fatalf("key_acl.get: %v", err)
	}
	if acl.Provider != "capi" || !strings.HasPrefix(acl.KeyPath, `C:\ProgramData\Microsoft\Crypto\RSA\MachineKeys\`) {
		t.Errorf("key %s at %s, want a CAPI key under RSA\\MachineKeys", acl.Provider, acl.KeyPath)
	}
	if c := sim.Counters(); c.AgentOps < 2 {
		t.Errorf("agent ops %d: the cert ops did not run in the agent", c.AgentOps)
	}
}

// TestCertificateReimportFailureRelinksThePreviousKey: the chain's add
// failing (injected on the bridge) during a re-import fails the op and
// leaves the certificate linked to its previous key, which still opens.
func TestCertificateReimportFailureRelinksThePreviousKey(t *testing.T) {
	host, sim := simHost(t, `{"hostname":"CERT01"}`, true)
	ctx := context.Background()
	chain := newAgentTestChain(t)
	pfx := chain.pfx(t, pkcs12.LegacyDES)
	first, err := host.Certificates().ImportPFX(ctx, PFXImport{Store: "My", PFX: pfx, Password: "pfx-pw"})
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	thumb := first.Certificate.Thumbprint
	before, err := host.Certificates().GetKeyACL(ctx, "My", thumb)
	if err != nil {
		t.Fatal(err)
	}
	sim.SetFaults(winsim.Faults{FailCalls: []winsim.CallFailure{{Call: "certificates.add", Code: 5, Skip: 1}}})
	_, err = host.Certificates().ImportPFX(ctx, PFXImport{Store: "My", PFX: pfx, Password: "pfx-pw", ImportChain: true, ExpectThumbprint: thumb})
	if ErrorCode(err) != 5 {
		t.Fatalf("re-import with the chain's add failing: %v, want code 5", err)
	}
	sim.SetFaults(winsim.Faults{})
	if _, err := host.Certificates().GetWithUsableKey(ctx, "My", thumb); err != nil {
		t.Fatalf("after the failed re-import the key does not open: %v", err)
	}
	after, err := host.Certificates().GetKeyACL(ctx, "My", thumb)
	if err != nil {
		t.Fatal(err)
	}
	if after.KeyPath != before.KeyPath {
		t.Errorf("key %s after the failed re-import, want the previous %s", after.KeyPath, before.KeyPath)
	}
}

// TestCertificateRemoveKeepsAKeyAnotherCertificateLinks: removing one of
// two certificates that link one key container (a copy in another store)
// leaves the key, and the other certificate's key still opens.
func TestCertificateRemoveKeepsAKeyAnotherCertificateLinks(t *testing.T) {
	chain := newAgentTestChain(t)
	certPEM := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: chain.leaf.Raw}))
	der, err := x509.MarshalPKCS8PrivateKey(chain.leafKey)
	if err != nil {
		t.Fatal(err)
	}
	keyPEM := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	shared := "0123456789abcdef0123456789abcdef_5b6e1f0c-3a2d-4e8f-9c71-0d2b4a6e8f13"
	scenario, err := json.Marshal(model.State{Hostname: "CERT01", Certificates: []model.CertificateState{
		{Store: "MY", PEM: certPEM, KeyPEM: keyPEM, KeyContainer: shared},
		{Store: "WEBHOSTING", PEM: certPEM, KeyPEM: keyPEM, KeyContainer: shared},
	}})
	if err != nil {
		t.Fatal(err)
	}
	host, _ := simHost(t, string(scenario), true)
	ctx := context.Background()
	thumb := model.Thumbprint(chain.leaf.Raw)
	if err := host.Certificates().Remove(ctx, "My", thumb); err != nil {
		t.Fatalf("remove: %v", err)
	}
	if _, err := host.Certificates().GetWithUsableKey(ctx, "WebHosting", thumb); err != nil {
		t.Errorf("the copy's key no longer opens: %v", err)
	}
}

// TestCertificateAES256PFXDependsOnTheWindowsBuild: Windows 10 1709 /
// Server version 1709 (build 16299) and later import PBES2 (AES-256) PFX
// files; Server 2016 (14393) and Windows 10 1703 (15063) answer "wrong
// password". The provider's plan check draws the same line
// (provider.pbes2MinBuild).
func TestCertificateAES256PFXDependsOnTheWindowsBuild(t *testing.T) {
	chain := newAgentTestChain(t)
	ctx := context.Background()
	for _, tt := range []struct {
		osVersion string
		wantOK    bool
	}{{"10.0.20348", true}, {"10.0.17763", true}, {"10.0.16299", true}, {"10.0.15063", false}, {"10.0.14393", false}} {
		host, _ := simHost(t, `{"hostname":"CERT01","os_version":"`+tt.osVersion+`"}`, true)
		_, err := host.Certificates().ImportPFX(ctx, PFXImport{Store: "My", PFX: chain.pfx(t, pkcs12.Modern), Password: "pfx-pw"})
		if tt.wantOK && err != nil {
			t.Errorf("%s: %v", tt.osVersion, err)
		}
		if !tt.wantOK && !IsWrongPFXPassword(err) {
			t.Errorf("%s: %v, want the wrong-password answer", tt.osVersion, err)
		}
	}
}
