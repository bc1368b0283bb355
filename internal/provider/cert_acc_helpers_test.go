package provider_test

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"software.sslmate.com/src/go-pkcs12"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/acctest"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/provider"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/windows"
)

// The password of the test PFX files has characters that break naive
// quoting in HCL, JSON and PowerShell.
const pfxPassword = `pfx-P@ss'w"0rd$(x)` + "`;"

// clientServerAuth are the key usages Sage 300 step 1 asks for.
var clientServerAuth = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}

// testPFX is a PFX made for one test, with what a test checks about it.
type testPFX struct {
	provider.TestChain
	PFX        []byte
	Base64     string
	Thumbprint string
	PEM        string
}

// newTestPFX makes a server certificate for dnsName with its issuing chain,
// encoded with enc and pfxPassword (the chain included).
func newTestPFX(t *testing.T, dnsName string, enc *pkcs12.Encoder, opts ...func(*provider.LeafOptions)) testPFX {
	t.Helper()
	o := provider.LeafOptions{Subject: pkix.Name{CommonName: dnsName}, DNSNames: []string{dnsName}, ExtKeyUsage: clientServerAuth}
	for _, opt := range opts {
		opt(&o)
	}
	chain := provider.NewTestChain(t, o)
	pfx := chain.PFX(t, enc, pfxPassword, true)
	return testPFX{
		TestChain: chain, PFX: pfx, Base64: base64.StdEncoding.EncodeToString(pfx),
		Thumbprint: provider.Thumbprint(chain.Leaf), PEM: provider.CertificatePEM(chain.Leaf),
	}
}

// hclBlock renders a resource or data block with the given attribute lines.
func hclBlock(kind, typ, name string, lines ...string) string {
	return fmt.Sprintf("%s %q %q {\n  %s\n}\n", kind, typ, name, strings.Join(lines, "\n  "))
}

// hclAttr renders one attribute line with a string value.
func hclAttr(name, value string) string { return name + " = " + acctest.HCLString(value) }

// checkHostCertificate checks through the host API that the certificate is
// in the store, with a private key when wantKey.
func checkHostCertificate(t *testing.T, h *acctest.Host, store, thumbprint string, wantKey bool) resource.TestCheckFunc {
	return func(*terraform.State) error {
		cert, err := h.Windows(t).Certificates().Get(acctest.Context(t), store, thumbprint)
		if err != nil {
			return fmt.Errorf("certificate %s not in %s on the host: %w", thumbprint, store, err)
		}
		if cert.HasPrivateKey != wantKey {
			return fmt.Errorf("certificate %s in %s: has_private_key %t, want %t", thumbprint, store, cert.HasPrivateKey, wantKey)
		}
		return nil
	}
}

// checkCertificatesGone checks through the host API that none of the
// certificates is in store.
func checkCertificatesGone(t *testing.T, h *acctest.Host, store string, thumbprints ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		for _, thumbprint := range thumbprints {
			_, err := h.Windows(t).Certificates().Get(acctest.Context(t), store, thumbprint)
			if err == nil {
				return fmt.Errorf("certificate %s is still in %s after destroy", thumbprint, store)
			}
			if !windows.IsNotFound(err) {
				return fmt.Errorf("read %s/%s: %w", store, thumbprint, err)
			}
		}
		return nil
	}
}

// removeCertificate deletes a certificate outside Terraform (drift).
func removeCertificate(t *testing.T, h *acctest.Host, store, thumbprint string) func() {
	return func() {
		if err := h.Windows(t).Certificates().Remove(acctest.Context(t), store, thumbprint); err != nil {
			t.Fatalf("remove %s/%s outside Terraform: %v", store, thumbprint, err)
		}
	}
}

func acctestBase64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
