package provider_test

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/acctest"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/provider"
)

// NetPOS.Net as examples/scenarios/netpos.json installs it, and what the
// NetPOS.Net procedure configures for it.
const (
	netposService    = "NetPOS.Net"
	netposConfigPath = `C:\Program Files (x86)\SwiftPOS\NetPOS.Net\NetPOS.Net.exe.config`
	netposDNSName    = "netpos01.example.local"
	netposPort       = 10101
	netposURL        = "https://+:10101/"
	netposIPPort     = "0.0.0.0:10101"
	netposAppID      = "{77ba29fd-9f7a-45b0-8d7e-1ee5d879951b}"
)

// TestAccNetPOSExample applies examples/netpos (unchanged) to the German
// NetPOS.Net server of examples/scenarios/netpos.json, with a CA-signed
// certificate for netpos01.example.local installed beforehand, as the procedure
// requires: Use SSL and the HTTPS ServiceUri in NetPOS.Net's config, the
// reservation for Everyone (S-1-1-0, "Jeder" there), the binding to the
// certificate, and one restart, after which NetPOS.Net serves the
// certificate. A second plan is empty.
func TestAccNetPOSExample(t *testing.T) {
	chain := provider.NewTestChain(t, provider.LeafOptions{
		Subject: pkix.Name{CommonName: netposDNSName, Organization: []string{"Example"}}, DNSNames: []string{netposDNSName},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	})
	h := acctest.NewHost(t, netposScenario(t, chain))
	if !h.IsSim() {
		t.Skip("needs the NetPOS.Net service of examples/scenarios/netpos.json, which only the simulator has")
	}
	if h.HTTPS {
		t.Skip("the test passes the endpoint to examples/netpos as WINRM_* variables for HTTP")
	}
	useBuiltProvider(t)
	setProviderEnvironment(t, h)
	thumbprint := provider.Thumbprint(chain.Leaf)
	configBefore := simFileContent(t, h, netposConfigPath)
	r := newExampleRun(t, "netpos", map[string]string{"fqdn": netposDNSName})
	r.check(checkServesPlainHTTP(t, h, netposService, netposPort))
	r.apply()
	r.check(
		checkNetPOSConfig(t, h, "https://netpos01.example.local:10101/", "true"),
		checkEveryoneMayListen(t, h, netposURL),
		checkIPPortBinding(t, h, netposIPPort, thumbprint, netposAppID),
		checkNetPOSRestarts(t, h, 1),
		checkNetPOSServes(t, h, thumbprint),
	)
	r.expectOutputs(map[string]string{"thumbprint": thumbprint, "served_thumbprint": thumbprint})
	if status := r.outputs()["service"].(map[string]any)["status"]; status != "Running" {
		t.Errorf("output service.status = %v, want Running", status)
	}
	r.expectEmptyPlan()
	r.check(checkNetPOSRestarts(t, h, 1))

	if out := r.destroy(); !strings.Contains(out, destroyRestarts+" "+netposService) {
		t.Errorf("the destroy does not say it restarts %s:\n%s", netposService, out)
	}
	r.check(checkNoIPPortBinding(t, h, netposIPPort), checkNetPOSConfig(t, h, "http://netpos01:10101/", "false"))
	r.check(checkRolledBack(t, h, netposService, 2, netposPort, netposConfigPath, configBefore)...)
}

// TestAccNetPOSExample_unsuitableCertificate: a certificate the procedure rules
// out ("An untrusted self signed certificate cannot be used"), or one
// HTTP.sys cannot serve (no private key) or clients reject (expired), fails
// the plan before anything on the host changes: found by name, the data
// source's filters leave no certificate and say what excluded it; given by
// thumbprint, the example's postcondition refuses it.
func TestAccNetPOSExample_unsuitableCertificate(t *testing.T) {
	selfSigned := acctest.NewTestCertificate(t, netposDNSName)
	noKey := provider.NewTestChain(t, provider.LeafOptions{Subject: pkix.Name{CommonName: netposDNSName}, DNSNames: []string{netposDNSName}})
	expired := provider.NewTestChain(t, provider.LeafOptions{
		Subject: pkix.Name{CommonName: netposDNSName}, DNSNames: []string{netposDNSName},
		NotBefore: time.Now().AddDate(-2, 0, 0), NotAfter: time.Now().AddDate(0, 0, -1),
	})
	notFound := func(thumbprint, reason string) string {
		return `Certificate not found.*filters\s+exclude\s+it.*` + thumbprint + `[^\n]*: ` + reason
	}
	tests := []struct {
		name         string
		certificate  netposCertificate
		thumbprint   string
		byName       string // the error found by fqdn
		byThumbprint string // the error given certificate_thumbprint
	}{
		{"self-signed", netposCertificate{pem: selfSigned.PEM, keyPEM: selfSigned.KeyPEM}, selfSigned.Thumbprint,
			`Resource postcondition failed.*self-signed.*An\s+untrusted\s+self\s+signed\s+certificate\s+cannot\s+be\s+used`,
			`Resource postcondition failed.*self-signed.*An\s+untrusted\s+self\s+signed\s+certificate\s+cannot\s+be\s+used`},
		{"no private key", netposCertificate{pem: provider.CertificatePEM(noKey.Leaf)}, provider.Thumbprint(noKey.Leaf),
			notFound(provider.Thumbprint(noKey.Leaf), "no private key"),
			`Resource postcondition failed.*has\s+no\s+private\s+key\s+in\s+LocalMachine\\My:\s+import\s+it\s+from\s+a\s+PFX`},
		{"expired", leafCertificate(t, expired), provider.Thumbprint(expired.Leaf),
			notFound(provider.Thumbprint(expired.Leaf), "expired"),
			`Resource postcondition failed.*expired\s+at.*renew\s+it\s+first`},
	}
	scenario := netposServerWithoutCertificates(t)
	useBuiltProvider(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := acctest.NewHost(t, scenarioWithCertificates(t, scenario, tt.certificate))
			if !h.IsSim() || h.HTTPS {
				t.Skip("the certificate is seeded in the simulator's scenario, and the endpoint passed as WINRM_* variables for HTTP")
			}
			setProviderEnvironment(t, h)
			r := newExampleRun(t, "netpos", map[string]string{"fqdn": netposDNSName})
			r.expectPlanError(regexp.MustCompile(`(?s)` + tt.byName))
			r.env = append(r.env, "TF_VAR_certificate_thumbprint="+tt.thumbprint)
			r.expectPlanError(regexp.MustCompile(`(?s)` + tt.byThumbprint))
			checkNetPOSUntouched(t, h)
		})
	}
}

// netposCertificate is a certificate in LocalMachine\My of the scenario,
// with its PKCS#8 key when keyPEM is set.
type netposCertificate struct{ pem, keyPEM string }

// leafCertificate is chain's end-entity certificate with its key.
func leafCertificate(t *testing.T, chain provider.TestChain) netposCertificate {
	t.Helper()
	key, err := x509.MarshalPKCS8PrivateKey(chain.LeafKey)
	if err != nil {
		t.Fatal(err)
	}
	return netposCertificate{
		pem:    provider.CertificatePEM(chain.Leaf),
		keyPEM: string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: key})),
	}
}

// netposScenario is the shipped NetPOS.Net server with chain installed
// instead of the shipped certificate: the leaf with its key in My, the
// issuing CA in CA and the root in Root.
func netposScenario(t *testing.T, chain provider.TestChain) []byte {
	t.Helper()
	return netposScenarioTrustingCA(t, chain, scenarioWithCertificates(t, netposServerWithoutCertificates(t), leafCertificate(t, chain)))
}

// netposScenarioTrustingCA adds chain's CA (intermediate in CA, root in Root)
// to a scenario document: the host trusts the CA that issued the server's
// certificate, as the module's strict check from the host requires.
func netposScenarioTrustingCA(t *testing.T, chain provider.TestChain, scenario []byte) []byte {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(scenario, &doc); err != nil {
		t.Fatal(err)
	}
	list, _ := doc["certificates"].([]any)
	doc["certificates"] = append(list,
		map[string]any{"store": "CA", "pem": provider.CertificatePEM(chain.Intermediate)},
		map[string]any{"store": "Root", "pem": provider.CertificatePEM(chain.Root)})
	out, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// netposServerWithoutCertificates is examples/scenarios/netpos.json without
// the certificates it ships (the one the NetPOS procedure finds installed,
// and its CA), for a test to install its own.
func netposServerWithoutCertificates(t *testing.T) []byte {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(readScenario(t, "netpos"), &doc); err != nil {
		t.Fatal(err)
	}
	if len(acctest.StateList(t, doc, "certificates")) == 0 {
		t.Fatal("examples/scenarios/netpos.json ships no certificate for the NetPOS procedure to find")
	}
	delete(doc, "certificates")
	out, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// scenarioWithCertificates adds certificates to My in a scenario document.
func scenarioWithCertificates(t *testing.T, scenario []byte, certs ...netposCertificate) []byte {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(scenario, &doc); err != nil {
		t.Fatalf("scenario: %v", err)
	}
	list, _ := doc["certificates"].([]any)
	for _, c := range certs {
		list = append(list, map[string]any{"store": "My", "pem": c.pem, "key_pem": c.keyPEM, "has_private_key": c.keyPEM != ""})
	}
	doc["certificates"] = list
	out, err := json.Marshal(doc)
	if err != nil {
		t.Fatalf("scenario: %v", err)
	}
	return out
}

// checkNetPOSConfig checks NetPOS.Net's ServiceUri and UseSSL in its config
// file on the simulated host.
func checkNetPOSConfig(t *testing.T, h *acctest.Host, serviceURI, useSSL string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		content := simFileContent(t, h, netposConfigPath)
		for key, value := range map[string]string{"ServiceUri": serviceURI, "UseSSL": useSSL} {
			want := fmt.Sprintf(`<add key=%q value=%q />`, key, value)
			if !regexp.MustCompile(regexp.QuoteMeta(want)).MatchString(content) {
				return fmt.Errorf("NetPOS.Net's config lacks %s:\n%s", want, content)
			}
		}
		return nil
	}
}

// checkEveryoneMayListen checks that the reservation grants Everyone
// (S-1-1-0, WD in SDDL) listen, whatever the host calls the account.
func checkEveryoneMayListen(t *testing.T, h *acctest.Host, url string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		acl, err := h.Windows(t).HTTPSys().GetURLACL(acctest.Context(t), url)
		if err != nil {
			return fmt.Errorf("reservation %s: %w", url, err)
		}
		if acl.SDDL != "D:(A;;GX;;;WD)" {
			return fmt.Errorf("reservation %s has SDDL %s, want D:(A;;GX;;;WD)", url, acl.SDDL)
		}
		if len(acl.Entries) != 1 || acl.Entries[0].SID != "S-1-1-0" || !acl.Entries[0].Listen || acl.Entries[0].Account != "Jeder" {
			return fmt.Errorf("reservation %s grants %+v, want listen for S-1-1-0 (Jeder on this German host)", url, acl.Entries)
		}
		return nil
	}
}

// checkNetPOSRestarts checks how often the provider restarted NetPOS.Net.
func checkNetPOSRestarts(t *testing.T, h *acctest.Host, want int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		row := simRow(t, h, "services", "name", netposService)
		if got, _ := row["restarts"].(float64); int(got) != want || row["status"] != "Running" {
			return fmt.Errorf("NetPOS.Net restarted %v times and is %v, want %d times and Running", row["restarts"], row["status"], want)
		}
		return nil
	}
}

// checkNetPOSServes checks the procedure's result: NetPOS.Net, restarted,
// serves the certificate on its port.
func checkNetPOSServes(t *testing.T, h *acctest.Host, thumbprint string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		endpoints := simEndpoints(t, h)
		for _, ep := range endpoints {
			if ep.Service == netposService && ep.Port == netposPort {
				got, err := servedThumbprint(ep.Address, netposDNSName)
				if err != nil {
					return err
				}
				if got != thumbprint {
					return fmt.Errorf("NetPOS.Net serves certificate %s, want %s", got, thumbprint)
				}
				return nil
			}
		}
		return fmt.Errorf("NetPOS.Net serves no HTTPS endpoint on port %d: %+v", netposPort, endpoints)
	}
}

// checkNetPOSUntouched checks that a failed plan changed nothing: no
// reservation, no binding, no restart, the config as shipped.
func checkNetPOSUntouched(t *testing.T, h *acctest.Host) {
	t.Helper()
	state := h.SimState(t)
	if urlacls := acctest.StateList(t, state, "urlacls"); len(urlacls) != 0 {
		t.Errorf("reservations after a failed plan: %v", urlacls)
	}
	if bindings := acctest.StateList(t, state, "sslcert_bindings"); len(bindings) != 0 {
		t.Errorf("SSL bindings after a failed plan: %v", bindings)
	}
	for _, check := range []resource.TestCheckFunc{checkNetPOSRestarts(t, h, 0), checkNetPOSConfig(t, h, "http://netpos01:10101/", "false")} {
		if err := check(nil); err != nil {
			t.Error(err)
		}
	}
}

// TestAccNetPOSExample_useSSLKeyNotInTheFile: where NetPOS.Net keeps "Use
// SSL" is not documented, so the module requires its key to be in the
// .exe.config already. A NetPOS.Net whose file keeps it under another name
// fails the plan, naming the keys the file has, and nothing on the host
// changes (the file keeps its bytes, no reservation, binding or restart);
// given that name as use_ssl_key, the apply sets it.
func TestAccNetPOSExample_useSSLKeyNotInTheFile(t *testing.T) {
	chain := provider.NewTestChain(t, provider.LeafOptions{
		Subject: pkix.Name{CommonName: netposDNSName}, DNSNames: []string{netposDNSName},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	})
	var doc map[string]any
	if err := json.Unmarshal(netposScenario(t, chain), &doc); err != nil {
		t.Fatal(err)
	}
	var original string
	for _, f := range acctest.StateList(t, doc, "files") {
		if f["path"] == netposConfigPath {
			b, err := base64.StdEncoding.DecodeString(f["content_base64"].(string))
			if err != nil || !strings.Contains(string(b), `key="UseSSL"`) {
				t.Fatalf("examples/scenarios/netpos.json's config has no UseSSL entry to rename (%v)", err)
			}
			original = strings.Replace(string(b), `key="UseSSL"`, `key="SecureConnection"`, 1)
			f["content_base64"] = base64.StdEncoding.EncodeToString([]byte(original))
		}
	}
	scenario, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	h := acctest.NewHost(t, scenario)
	if !h.IsSim() || h.HTTPS {
		t.Skip("the config file is seeded in the simulator's scenario, and the endpoint passed as WINRM_* variables for HTTP")
	}
	useBuiltProvider(t)
	setProviderEnvironment(t, h)

	r := newExampleRun(t, "netpos", map[string]string{"fqdn": netposDNSName})
	r.expectPlanError(regexp.MustCompile(`(?s)Required\s+app\s+setting\s+not\s+in\s+the\s+file.*has\s+no\s+appSettings\s+entry\s+"UseSSL".*` +
		`The\s+file's\s+appSettings\s+keys\s+are:\s+"ServiceUri",\s+"SecureConnection",\s+"DatabaseServer",\s+"DatabaseName"\.`))
	if got := simFileContent(t, h, netposConfigPath); got != original {
		t.Errorf("the refused plan changed the config file:\n%s", got)
	}
	if n := len(acctest.StateList(t, h.SimState(t), "sslcert_bindings")); n != 0 {
		t.Errorf("%d SSL bindings after the refused plan", n)
	}
	if err := checkNetPOSRestarts(t, h, 0)(nil); err != nil {
		t.Error(err)
	}

	// For the apply and the destroy that follows it.
	r.env = append(r.env, "TF_VAR_use_ssl_key=SecureConnection")
	r.apply()
	if content := simFileContent(t, h, netposConfigPath); !strings.Contains(content, `<add key="SecureConnection" value="true" />`) || strings.Contains(content, `"UseSSL"`) {
		t.Errorf("use_ssl_key = SecureConnection: the config file is\n%s", content)
	}
}
