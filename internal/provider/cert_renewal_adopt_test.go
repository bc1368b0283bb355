package provider_test

import (
	"crypto/x509"
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"software.sslmate.com/src/go-pkcs12"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/acctest"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/provider"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/windows"
)

// renewedCertificate is a certificate for name, issued at notBefore and
// valid until notAfter, as a renewal on the host (win-acme, AD CS
// autoenrollment) installs it.
func renewedCertificate(t *testing.T, name string, notBefore, notAfter time.Time, opts ...func(*provider.LeafOptions)) testPFX {
	t.Helper()
	return newTestPFX(t, name, pkcs12.Modern, append([]func(*provider.LeafOptions){func(o *provider.LeafOptions) {
		o.NotBefore, o.NotAfter = notBefore, notAfter
	}}, opts...)...)
}

// installOutOfBand adds certificates to the simulated host's LocalMachine\My
// outside Terraform, as a renewal tool does: with the private key, or
// without one (withKey false).
func installOutOfBand(t *testing.T, h *acctest.Host, withKey bool, certs ...testPFX) {
	t.Helper()
	h.EditSimState(t, func(state map[string]any) {
		list, _ := state["certificates"].([]any)
		for _, c := range certs {
			entry := map[string]any{"store": "My", "pem": c.PEM, "has_private_key": false}
			if withKey {
				leaf := leafCertificate(t, c.TestChain)
				entry["key_pem"], entry["has_private_key"] = leaf.keyPEM, true
			}
			list = append(list, entry)
		}
		state["certificates"] = list
	})
}

// planJSONChange is one resource change of terraform show -json, with both
// sides.
type planJSONChange struct {
	Address string `json:"address"`
	Change  struct {
		Actions []string       `json:"actions"`
		Before  map[string]any `json:"before"`
		After   map[string]any `json:"after"`
	} `json:"change"`
}

// planChange returns the change of address in the saved plan tfplan.
func planChange(r *exampleRun, address string) planJSONChange {
	r.t.Helper()
	var plan struct {
		ResourceChanges []planJSONChange `json:"resource_changes"`
	}
	if err := json.Unmarshal([]byte(r.must("show", "-json", "tfplan")), &plan); err != nil {
		r.t.Fatalf("terraform show -json: %v", err)
	}
	for _, c := range plan.ResourceChanges {
		if c.Address == address {
			return c
		}
	}
	r.t.Fatalf("the plan has no change for %s", address)
	return planJSONChange{}
}

// checkSage50Serves checks, with a TLS handshake to the simulated
// Integration Agent's port, the certificate it serves.
func checkSage50Serves(t *testing.T, h *acctest.Host, thumbprint string) func(*terraform.State) error {
	return func(*terraform.State) error {
		for _, ep := range simEndpoints(t, h) {
			if ep.Service == sage50Service && ep.Port == 4106 {
				got, err := servedThumbprint(ep.Address, sage50FQDN)
				if err != nil {
					return err
				}
				if got != thumbprint {
					return fmt.Errorf("the Integration Agent serves certificate %s, want %s", got, thumbprint)
				}
				return nil
			}
		}
		return fmt.Errorf("the Integration Agent serves no HTTPS endpoint on port 4106: %+v", simEndpoints(t, h))
	}
}

// TestAccSage50Example_followsRenewalOnTheHost: examples/sage50 uses the
// installed certificate that covers fqdn. A renewal on the host installs a
// newer certificate for the name (with its key) and leaves the old one, as
// win-acme or AD CS autoenrollment do, next to a still newer one whose key
// is missing. The next plan moves the binding to the renewed certificate,
// showing the old and new thumbprint, subject and expiry; the apply moves
// it on the host with its options kept (disable_legacy_tls from the
// configuration, session tickets set outside it), restarts the Integration
// Service, which then serves the renewed certificate, and the re-plan is
// empty. The old certificate stays in the store.
func TestAccSage50Example_followsRenewalOnTheHost(t *testing.T) {
	now := time.Now().UTC().Truncate(time.Second)
	old := renewedCertificate(t, sage50FQDN, now.Add(-300*24*time.Hour), now.Add(65*24*time.Hour))
	h := sage50HostWith(t, leafCertificate(t, old.TestChain))
	r := newExampleRun(t, "sage50", map[string]string{"fqdn": sage50FQDN, "disable_legacy_tls": "true"})
	r.apply()
	key := windows.BindingKey{IPPort: sage50IPPort}
	r.check(
		checkIPPortBinding(t, h, sage50IPPort, old.Thumbprint, sage50AppID),
		checkSimService(t, h, sage50Service, "Running", 1),
		checkSage50Serves(t, h, old.Thumbprint),
	)
	r.expectEmptyPlan()

	// An administrator turned on session tickets for the binding, a
	// DefaultFlags bit the module does not manage; then the renewal.
	editSimRows(t, h, "sslcert_bindings", "ipport", sage50IPPort, map[string]any{"other_flags": sessionTicketFlag})()
	renewed := renewedCertificate(t, sage50FQDN, now.Add(-time.Hour), now.Add(90*24*time.Hour))
	keyless := renewedCertificate(t, sage50FQDN, now.Add(-time.Minute), now.Add(120*24*time.Hour))
	installOutOfBand(t, h, true, renewed)
	installOutOfBand(t, h, false, keyless)

	changes := r.plan()
	checkNoPFXResource(t, changes)
	r.expectActions(changes, map[string]string{sage50BindRes: "update"})
	change := planChange(r, sage50BindRes)
	for attr, want := range map[string][2]string{
		"certificate_hash":      {old.Thumbprint, renewed.Thumbprint},
		"certificate_subject":   {"CN=" + sage50FQDN, "CN=" + sage50FQDN},
		"certificate_not_after": {old.Leaf.NotAfter.UTC().Format(time.RFC3339), renewed.Leaf.NotAfter.UTC().Format(time.RFC3339)},
	} {
		if got := [2]any{change.Change.Before[attr], change.Change.After[attr]}; got != [2]any{want[0], want[1]} {
			t.Errorf("plan of %s: %s %v -> %v, want %s -> %s (known at plan)", sage50BindRes, attr, got[0], got[1], want[0], want[1])
		}
	}
	r.apply("tfplan")
	r.check(
		checkIPPortBinding(t, h, sage50IPPort, renewed.Thumbprint, sage50AppID),
		checkHostBinding(t, h, key, func(b windows.SSLBinding) error {
			if !b.DisableLegacyTLS || b.OtherFlags != sessionTicketFlag {
				return fmt.Errorf("after the renewal the binding has disable_legacy_tls %t and other DefaultFlags %#x; want true and %#x (kept)",
					b.DisableLegacyTLS, b.OtherFlags, sessionTicketFlag)
			}
			return nil
		}),
		checkSimService(t, h, sage50Service, "Running", 2),
		checkSage50Serves(t, h, renewed.Thumbprint),
		checkHostCertificate(t, h, "My", old.Thumbprint, true),
	)
	r.expectOutputs(map[string]string{"served_thumbprint": renewed.Thumbprint})
	r.expectEmptyPlan()

	r.destroy()
	r.check(checkNoIPPortBinding(t, h, sage50IPPort),
		checkHostCertificate(t, h, "My", old.Thumbprint, true), checkHostCertificate(t, h, "My", renewed.Thumbprint, true))
}

// TestAccSage50Example_minDaysLeftRefusesAtPlan: with min_days_left above
// the installed certificate's days left, the plan (and so the apply) fails
// naming the certificate, its expiry date and its days left, and nothing
// changes on the host; once the renewed certificate is installed the plan
// passes and binds it.
func TestAccSage50Example_minDaysLeftRefusesAtPlan(t *testing.T) {
	now := time.Now().UTC().Truncate(time.Second)
	expiring := renewedCertificate(t, sage50FQDN, now.Add(-80*24*time.Hour), now.Add(10*24*time.Hour+time.Hour))
	h := sage50HostWith(t, leafCertificate(t, expiring.TestChain))
	r := newExampleRun(t, "sage50", map[string]string{"fqdn": sage50FQDN})
	r.apply()
	r.check(checkIPPortBinding(t, h, sage50IPPort, expiring.Thumbprint, sage50AppID), checkSimService(t, h, sage50Service, "Running", 1))

	before := h.SimState(t)
	r.env = append(r.env, "TF_VAR_min_days_left=30")
	refused := regexp.MustCompile(`(?s)Error: Certificate expires too soon.*` + expiring.Thumbprint + `.*CN=` + regexp.QuoteMeta(sage50FQDN) +
		`.*expires\s+` + regexp.QuoteMeta(expiring.Leaf.NotAfter.UTC().Format(time.RFC3339)) + `:\s+10\s+days\s+left.*min_days_left\s+=\s+30` +
		`.*install\s+the\s+renewed\s+certificate`)
	r.expectPlanError(refused)
	if code, out := r.run("apply", "-auto-approve", "-no-color"); code == 0 || !refused.MatchString(out) {
		t.Fatalf("apply: exit code %d, want the plan's refusal:\n%s", code, out)
	}
	if after := h.SimState(t); !reflect.DeepEqual(after, before) {
		t.Errorf("the refused plan changed the simulated host")
	}
	r.check(checkIPPortBinding(t, h, sage50IPPort, expiring.Thumbprint, sage50AppID), checkSimService(t, h, sage50Service, "Running", 1))

	renewed := renewedCertificate(t, sage50FQDN, now.Add(-time.Hour), now.Add(90*24*time.Hour))
	installOutOfBand(t, h, true, renewed)
	r.apply()
	r.check(checkIPPortBinding(t, h, sage50IPPort, renewed.Thumbprint, sage50AppID), checkSimService(t, h, sage50Service, "Running", 2))
	r.expectEmptyPlan()
}

// words matches text as Terraform prints it in a diagnostic, where it may
// wrap a line between any two words.
func words(text string) string {
	return strings.ReplaceAll(regexp.QuoteMeta(text), " ", `\s+`)
}

// TestAccCertificateDataSource_selectors: each selector of the data source
// on a store holding, for one name, an old and a renewed certificate, newer
// ones without a key, with a broken key link and with client
// authentication only, an expired one, one not valid yet, and a
// self-signed one (another issuer). Without most_recent several match;
// most_recent alone takes the newest; each filter drops its certificates,
// and when they drop all the error names what excluded each; min_days_left
// refuses the one chosen, naming its expiry.
func TestAccCertificateDataSource_selectors(t *testing.T) {
	const name = "www.example.local"
	day := 24 * time.Hour
	now := time.Now().UTC().Truncate(time.Second)
	// in is a not_after that many whole days (and an hour) from now, so
	// days_left is days for the rest of the test.
	in := func(days int) time.Time { return now.Add(time.Duration(days)*day + time.Hour) }
	old := renewedCertificate(t, name, now.Add(-300*day), in(65))
	renewed := renewedCertificate(t, name, now.Add(-30*time.Minute), in(88))
	noKey := renewedCertificate(t, name, now.Add(-20*time.Minute), in(89))
	brokenKey := renewedCertificate(t, name, now.Add(-15*time.Minute), in(89))
	clientOnly := renewedCertificate(t, name, now.Add(-10*time.Minute), in(89), func(o *provider.LeafOptions) {
		o.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	})
	expired := renewedCertificate(t, name, now.Add(-400*day), now.Add(-day))
	notYet := renewedCertificate(t, name, now.Add(day), in(91))
	selfSigned := acctest.NewTestCertificate(t, name) // issuer CN=www.example.local; from an hour ago, for a day

	var certs []netposCertificate
	for _, c := range []testPFX{old, renewed, clientOnly, expired, notYet} {
		certs = append(certs, leafCertificate(t, c.TestChain))
	}
	certs = append(certs, netposCertificate{pem: noKey.PEM}, netposCertificate{pem: selfSigned.PEM, keyPEM: selfSigned.KeyPEM})
	doc := map[string]any{}
	if err := json.Unmarshal(scenarioWithCertificates(t, []byte(`{}`), certs...), &doc); err != nil {
		t.Fatal(err)
	}
	doc["certificates"] = append(doc["certificates"].([]any),
		map[string]any{"store": "My", "pem": brokenKey.PEM, "has_private_key": true, "key_link_broken": true})
	scenario, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	h := acctest.NewHost(t, scenario)
	if !h.IsSim() {
		t.Skip("installs a certificate with a broken key link through the simulator's state")
	}

	config := func(lines ...string) string {
		return certificateDataConfig(h, append([]string{hclAttr("dns_name", name)}, lines...)...)
	}
	usable := func(more ...string) string {
		return config(append([]string{"valid_now = true", "server_authentication = true", "has_private_key = true"}, more...)...)
	}
	found := func(c string, thumbprint string, daysLeft int64) resource.TestStep {
		return resource.TestStep{Config: c, ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue(certificateDataAddress, tfjsonpath.New("thumbprint"), knownvalue.StringExact(thumbprint)),
			statecheck.ExpectKnownValue(certificateDataAddress, tfjsonpath.New("days_left"), knownvalue.Int64Exact(daysLeft)),
		}}
	}
	refused := func(c string, pattern string) resource.TestStep {
		return resource.TestStep{Config: c, ExpectError: regexp.MustCompile(`(?s)` + pattern)}
	}
	// excluded is the line of a certificate the filters excluded, with the
	// reasons after the issuer's.
	excluded := func(c testPFX, reasons string) string {
		return c.Thumbprint + `[^\n]*: issued by CN=Test Issuing CA, O=Example, not "No Such CA"; ` + reasons + `\n`
	}
	noSuchCA := usable(`issuer = "No Such CA"`)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			refused(config(), words("8 certificates match DNS name")+".*"+words("select one by thumbprint, or set most_recent = true")),
			// most_recent alone: the newest, though not valid yet.
			found(config("most_recent = true"), notYet.Thumbprint, 91),
			found(config("most_recent = true", "valid_now = true"), clientOnly.Thumbprint, 89),
			found(config("most_recent = true", "valid_now = true", "server_authentication = true"), brokenKey.Thumbprint, 89),
			// Usable: valid now, server authentication, a key that opens.
			found(usable("most_recent = true"), renewed.Thumbprint, 88),
			found(usable("most_recent = true", `issuer = "test issuing ca"`), renewed.Thumbprint, 88),
			found(usable("most_recent = true", hclAttr("issuer", "CN="+name)), selfSigned.Thumbprint, 0),
			found(config("most_recent = true", "has_private_key = false"), brokenKey.Thumbprint, 89),
			found(usable("most_recent = true", "min_days_left = 88"), renewed.Thumbprint, 88),
			refused(usable("most_recent = true", "min_days_left = 89"), `Certificate expires too soon.*`+renewed.Thumbprint+
				`.*expires\s+`+regexp.QuoteMeta(renewed.Leaf.NotAfter.UTC().Format(time.RFC3339))+`:\s+88\s+days\s+left.*min_days_left\s+=\s+89`),
			refused(usable(), words("3 certificates match")+".*"+words("select one by thumbprint, or set most_recent = true")),
			// The filters exclude all: each line says why.
			refused(noSuchCA, words(`8 certificates match DNS name "www.example.local" in LocalMachine\My, but the filters exclude all of them:`)+
				".*"+excluded(expired, "expired")),
			refused(noSuchCA, excluded(notYet, `not yet valid \(from `+regexp.QuoteMeta(notYet.Leaf.NotBefore.UTC().Format(time.RFC3339))+`\)`)),
			refused(noSuchCA, excluded(clientOnly, "no server authentication EKU")),
			refused(noSuchCA, excluded(noKey, "no private key")),
			refused(noSuchCA, excluded(brokenKey, "key does not open")),
			// The renewed certificate fails the issuer only.
			refused(noSuchCA, renewed.Thumbprint+`[^\n]*: issued by CN=Test Issuing CA, O=Example, not "No Such CA"\n`),
			// Last, a valid configuration: the harness destroys with it.
			found(usable("most_recent = true"), renewed.Thumbprint, 88),
		},
	})
}
