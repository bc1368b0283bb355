package provider_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha1" //nolint:gosec // a certificate's thumbprint is its SHA-1, as Windows computes it
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"math"
	"math/big"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/acctest"
)

const certificatesInUseAddress = "data.windows_certificates_in_use.all"

// newCertificateValidFor is acctest.NewTestCertificate with a validity of
// its own, so that days_left is not 0.
func newCertificateValidFor(t *testing.T, dnsName string, validity time.Duration) acctest.TestCertificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: dnsName, Organization: []string{"Expiry Test"}},
		DNSNames:     []string{dnsName, "alt." + dnsName},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(validity).Truncate(time.Second),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha1.Sum(der) //nolint:gosec // the thumbprint
	return acctest.TestCertificate{
		Cert: cert, Key: key,
		PEM:        string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})),
		KeyPEM:     string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8})),
		Thumbprint: strings.ToUpper(hex.EncodeToString(sum[:])),
	}
}

// TestAccCertificatesInUse binds three certificates on four bindings (one
// of them SNI), reads windows_certificates_in_use and compares every
// binding with what the simulated host holds: its binding tables and the
// certificates in its stores. Then, out of band, one certificate's key link
// breaks, another certificate is deleted from MY while its binding stays,
// and a Central Certificate Store binding appears: the report says
// key_opens = false, certificate_found = false, and lists the CCS binding.
func TestAccCertificatesInUse(t *testing.T) {
	good := newCertificateValidFor(t, "sage.example.com", 40*24*time.Hour+12*time.Hour)
	broken := newCertificateValidFor(t, "broken.example.com", 90*24*time.Hour+12*time.Hour)
	gone := newCertificateValidFor(t, "gone.example.com", 10*24*time.Hour+12*time.Hour)
	h := acctest.NewHostWithCertificates(t, nil,
		acctest.StoreCertificate{Store: "MY", Cert: good, WithKey: true},
		acctest.StoreCertificate{Store: "MY", Cert: broken, WithKey: true},
		acctest.StoreCertificate{Store: "MY", Cert: gone, WithKey: true},
	)
	if !h.IsSim() {
		t.Skip("breaks a key link and deletes a certificate through the simulator's state")
	}
	binding := func(name, keyAttr, key string, c acctest.TestCertificate) string {
		return hclBlock("resource", "windows_http_sslcert_binding", name,
			hclAttr(keyAttr, key), hclAttr("certificate_hash", c.Thumbprint), hclAttr("app_id", sageAppID))
	}
	bindings := binding("good", "ipport", "0.0.0.0:4301", good) +
		binding("sni", "hostnameport", "sage.example.com:4302", good) +
		binding("broken", "ipport", "0.0.0.0:4303", broken) +
		binding("gone", "ipport", "0.0.0.0:4304", gone)
	report := "data \"windows_certificates_in_use\" \"all\" {\n  depends_on = [windows_http_sslcert_binding.good, windows_http_sslcert_binding.sni, " +
		"windows_http_sslcert_binding.broken, windows_http_sslcert_binding.gone]\n}\n"
	onPort := "data \"windows_certificates_in_use\" \"sni\" {\n  port       = 4302\n  depends_on = [windows_http_sslcert_binding.sni]\n}\n"
	forget := ""
	for _, name := range []string{"good", "sni", "broken", "gone"} {
		forget += "removed {\n  from = windows_http_sslcert_binding." + name + "\n  lifecycle {\n    destroy = false\n  }\n}\n"
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: h.ProviderConfig("") + bindings + report + onPort,
				Check: resource.ComposeAggregateTestCheckFunc(
					checkCertificatesInUseMatchHost(t, h, 4),
					resource.TestCheckTypeSetElemNestedAttrs(certificatesInUseAddress, "bindings.*", map[string]string{
						"binding": "hostnameport=sage.example.com:4302", "hostnameport": "sage.example.com:4302", "port": "4302",
						"thumbprint": good.Thumbprint, "subject": "CN=sage.example.com, O=Expiry Test", "days_left": "40",
						"dns_names.#": "2", "dns_names.0": "sage.example.com", "dns_names.1": "alt.sage.example.com",
						"key_opens": "true", "certificate_found": "true",
					}),
					resource.TestCheckTypeSetElemNestedAttrs(certificatesInUseAddress, "bindings.*", map[string]string{
						"binding": "ipport=0.0.0.0:4304", "thumbprint": gone.Thumbprint, "days_left": "10", "certificate_found": "true",
					}),
					resource.TestCheckResourceAttr("data.windows_certificates_in_use.sni", "bindings.#", "1"),
					resource.TestCheckResourceAttr("data.windows_certificates_in_use.sni", "bindings.0.binding", "hostnameport=sage.example.com:4302"),
				),
			},
			{
				// Forget the bindings (destroy would unbind them on the host).
				Config: h.ProviderConfig("") + forget + "data \"windows_certificates_in_use\" \"all\" {}\n",
				Check:  checkCertificatesInUseMatchHost(t, h, 4),
			},
			{
				PreConfig: func() {
					h.EditSimState(t, func(state map[string]any) {
						breakKeyLink(t, state, broken.Thumbprint)
						deleteSimCertificate(t, state, "MY", gone.Thumbprint)
						// "netsh http add sslcert ccs=443": IIS's Central Certificate Store.
						state["sslcert_ccs_bindings"] = []any{map[string]any{"port": 443, "app_id": sageAppID}}
					})
				},
				Config: h.ProviderConfig("") + "data \"windows_certificates_in_use\" \"all\" {}\n",
				Check: resource.ComposeAggregateTestCheckFunc(
					checkCertificatesInUseMatchHost(t, h, 5),
					resource.TestCheckTypeSetElemNestedAttrs(certificatesInUseAddress, "bindings.*", map[string]string{
						"binding": "ccs=443", "port": "443", "central_certificate_store": "true", "app_id": sageAppID,
					}),
					resource.TestCheckTypeSetElemNestedAttrs(certificatesInUseAddress, "bindings.*", map[string]string{
						"binding": "ipport=0.0.0.0:4303", "thumbprint": broken.Thumbprint, "days_left": "90",
						"certificate_found": "true", "key_opens": "false",
					}),
					resource.TestCheckTypeSetElemNestedAttrs(certificatesInUseAddress, "bindings.*", map[string]string{
						"binding": "ipport=0.0.0.0:4304", "thumbprint": gone.Thumbprint, "store": "MY",
						"certificate_found": "false", "key_opens": "false",
					}),
				),
			},
		},
	})
}

// deleteSimCertificate removes a certificate from a store of the
// simulator's state, as an admin deleting it in the MMC would.
func deleteSimCertificate(t *testing.T, state map[string]any, store, thumbprint string) {
	t.Helper()
	certs, _ := state["certificates"].([]any)
	for i, c := range certs {
		cert, _ := c.(map[string]any)
		if cert != nil && strings.EqualFold(fmt.Sprint(cert["thumbprint"]), thumbprint) && strings.EqualFold(fmt.Sprint(cert["store"]), store) {
			state["certificates"] = append(certs[:i:i], certs[i+1:]...)
			return
		}
	}
	t.Fatalf("certificate %s not in %s in the simulator's state", thumbprint, store)
}

// checkCertificatesInUseMatchHost compares the report with the simulated
// host: one entry per binding of its tables (want of them), each with the
// binding's hash, app id and store; for a certificate its store holds, the
// facts read from the certificate itself (subject, issuer, DNS names,
// dates, days left) and whether its key opens; for one it does not,
// certificate_found false and no facts.
func checkCertificatesInUseMatchHost(t *testing.T, h *acctest.Host, want int) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[certificatesInUseAddress]
		if !ok {
			return fmt.Errorf("%s not in state", certificatesInUseAddress)
		}
		attrs := rs.Primary.Attributes
		got := map[string]map[string]string{}
		for k, v := range attrs {
			rest, ok := strings.CutPrefix(k, "bindings.")
			if !ok || rest == "#" {
				continue
			}
			index, attr, _ := strings.Cut(rest, ".")
			if got[index] == nil {
				got[index] = map[string]string{}
			}
			got[index][attr] = v
		}
		byKey := map[string]map[string]string{}
		for _, item := range got {
			byKey[item["binding"]] = item
		}
		state := h.SimState(t)
		hostBindings, _ := state["sslcert_bindings"].([]any)
		ccsBindings, _ := state["sslcert_ccs_bindings"].([]any)
		if len(hostBindings)+len(ccsBindings) != want || len(byKey) != want || attrs["bindings.#"] != fmt.Sprint(want) {
			return fmt.Errorf("host has %d bindings and %d CCS bindings, report lists %s (%d distinct), want %d",
				len(hostBindings), len(ccsBindings), attrs["bindings.#"], len(byKey), want)
		}
		for _, b := range ccsBindings {
			hb := b.(map[string]any)
			key := fmt.Sprintf("ccs=%v", hb["port"])
			item := byKey[key]
			if item == nil || item["central_certificate_store"] != "true" || !strings.EqualFold(item["app_id"], fmt.Sprint(hb["app_id"])) ||
				item["thumbprint"] != "" || item["certificate_found"] != "" || item["key_opens"] != "" || item["days_left"] != "" {
				return fmt.Errorf("host CCS binding %s (app id %v) reads as %v", key, hb["app_id"], item)
			}
		}
		certs, _ := state["certificates"].([]any)
		for _, b := range hostBindings {
			hb := b.(map[string]any)
			key := "ipport=" + fmt.Sprint(hb["ipport"])
			if hb["hostnameport"] != nil {
				key = "hostnameport=" + fmt.Sprint(hb["hostnameport"])
			}
			item := byKey[key]
			if item == nil {
				return fmt.Errorf("host binding %s is not in the report (report: %v)", key, sortedKeys(byKey))
			}
			hash := strings.ToUpper(fmt.Sprint(hb["certificate_hash"]))
			store := strings.ToUpper(fmt.Sprint(hb["certificate_store_name"]))
			if store == "" || store == "<NIL>" {
				store = "MY"
			}
			if item["thumbprint"] != hash || !strings.EqualFold(item["app_id"], fmt.Sprint(hb["app_id"])) || item["store"] != store || item["central_certificate_store"] != "false" {
				return fmt.Errorf("%s: report says %s %s %s, host %s %s %s", key, item["thumbprint"], item["app_id"], item["store"], hash, hb["app_id"], store)
			}
			var stored map[string]any
			for _, c := range certs {
				cm := c.(map[string]any)
				if strings.EqualFold(fmt.Sprint(cm["thumbprint"]), hash) && strings.EqualFold(fmt.Sprint(cm["store"]), store) {
					stored = cm
				}
			}
			if stored == nil {
				if item["certificate_found"] != "false" || item["subject"] != "" || item["not_after"] != "" || item["days_left"] != "" {
					return fmt.Errorf("%s: the host's %s holds no %s, but the report says found=%s subject=%q not_after=%q days_left=%q",
						key, store, hash, item["certificate_found"], item["subject"], item["not_after"], item["days_left"])
				}
				continue
			}
			block, _ := pem.Decode([]byte(fmt.Sprint(stored["pem"])))
			if block == nil {
				return fmt.Errorf("%s: the host's certificate has no PEM", key)
			}
			c, err := x509.ParseCertificate(block.Bytes)
			if err != nil {
				return err
			}
			days := int64(math.Floor(time.Until(c.NotAfter).Hours() / 24))
			keyOpens := stored["key_pem"] != nil && stored["key_link_broken"] != true
			wantFacts := map[string]string{
				"certificate_found": "true",
				"not_after":         c.NotAfter.UTC().Format(time.RFC3339),
				"not_before":        c.NotBefore.UTC().Format(time.RFC3339),
				"days_left":         fmt.Sprint(days),
				"key_opens":         fmt.Sprint(keyOpens),
				"dns_names.#":       fmt.Sprint(len(c.DNSNames)),
				"subject":           "CN=" + c.Subject.CommonName + ", O=" + c.Subject.Organization[0],
				"issuer":            "CN=" + c.Issuer.CommonName + ", O=" + c.Issuer.Organization[0],
			}
			for i, n := range c.DNSNames {
				wantFacts[fmt.Sprintf("dns_names.%d", i)] = n
			}
			for attr, v := range wantFacts {
				if item[attr] != v {
					return fmt.Errorf("%s: %s is %q in the report, %q on the host", key, attr, item[attr], v)
				}
			}
		}
		return nil
	}
}

func sortedKeys(m map[string]map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
