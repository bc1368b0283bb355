package provider_test

import (
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"encoding/xml"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/acctest"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/provider"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/windows"
)

// The host-name rewrite the clone test applies: the target answers to
// another name than the source.
const (
	cloneSourceFQDN = sage50FQDN
	cloneTargetFQDN = "sage50-dr.example.local"
	// cloneSNIPort is an SNI binding of the source, named after its host.
	cloneSNIPort = cloneSourceFQDN + ":443"
	// cloneNamedURL is a reservation of the source naming its host.
	cloneNamedURL = "https://" + cloneSourceFQDN + ":8443/"
)

// TestAccCloneExample builds a working Sage 50 server (examples/scenarios/
// sage50.json with the certificate of a PFX imported with its chain, bound
// to port 4106 with non-default options and to an SNI name, a reservation
// naming the host, key grants to NETWORK SERVICE and IIS_IUSRS, TLS 1.2 on
// and TLS 1.0 off on the server side, .NET strong crypto on, its
// HttpsServiceUri changed), and a fresh Sage 50 server, then applies
// examples/clone from the first to the second, with the PFX for the bound
// certificate, the chain's root and intermediate named in ca_certificates
// and the host name rewritten. Before the apply the two hosts differ in
// every kind of object the comparison covers; after it, each object of the
// source (URL reservation, SSL binding with every field, Root and CA
// certificate, the bound certificate and its key's entries, SChannel and
// .NET registry values, the named app settings) is on the target equal,
// the only differences being the host name in URIs; the Integration Service
// restarted once and listens on the copied URI; a second plan is empty.
func TestAccCloneExample(t *testing.T) {
	source, target := cloneHost(t), cloneHost(t)
	pfx := writeTestPFX(t, t.TempDir(), "sage50.pfx")
	root, intermediate := provider.Thumbprint(pfx.Root), provider.Thumbprint(pfx.Intermediate)
	buildCloneSource(t, source, pfx)

	rewrite := func(s string) string { return strings.ReplaceAll(s, cloneSourceFQDN, cloneTargetFQDN) }
	before := diffCloneViews(cloneView(t, source, rewrite), cloneView(t, target, nil))
	for _, kind := range []string{"urlacl", "binding", "cert ROOT/", "cert CA/", "cert MY/", "keyacl", "registry", "appsetting"} {
		if !anyHasPrefix(before, kind) {
			t.Errorf("before the clone, the comparison finds no difference in %q objects; it could not fail there:\n%s", kind, strings.Join(before, "\n"))
		}
	}

	r := newExampleRun(t, "clone", map[string]string{
		"source_host":       cloneHostVar(source),
		"source_password":   source.Password,
		"target_host":       cloneHostVar(target),
		"target_password":   target.Password,
		"pfx_files":         fmt.Sprintf("{%s = %s}", acctest.HCLString(pfx.Thumbprint), acctest.HCLString(pfx.path)),
		"pfx_passwords":     fmt.Sprintf("{%s = %s}", acctest.HCLString(pfx.Thumbprint), acctest.HCLString(pfxPassword)),
		"ca_certificates":   fmt.Sprintf("[%s, %s]", acctest.HCLString(strings.ToLower(root)), acctest.HCLString(intermediate)),
		"host_name_rewrite": fmt.Sprintf("{from = %s, to = %s}", acctest.HCLString(cloneSourceFQDN), acctest.HCLString(cloneTargetFQDN)),
		"restart_services":  fmt.Sprintf("[%s]", acctest.HCLString(sage50Service)),
		"app_settings": fmt.Sprintf("[{config_path = %s, key = \"HttpsServiceUri\"}, {config_path = %s, key = \"HttpServiceUri\"}]",
			acctest.HCLString(sage50ConfigPath), acctest.HCLString(sage50ConfigPath)),
	})
	// The reservation the Sage 50 installer made on the target is imported,
	// not created (which would fail: it exists).
	changes := r.plan()
	r.expectActions(changes, map[string]string{`windows_http_urlacl.this["https://+:4106/"]`: "no-op"})
	if len(changes) == 0 {
		t.Fatal("the clone plans nothing")
	}
	r.apply("tfplan")

	sourceView := cloneView(t, source, rewrite)
	if after := diffCloneViews(sourceView, cloneView(t, target, nil)); len(after) > 0 {
		t.Errorf("after the clone, the target differs from the source (host name rewritten):\n%s", strings.Join(after, "\n"))
	}
	// What differs without the rewrite is exactly the host name in URIs.
	unrewritten := diffCloneViews(cloneView(t, source, nil), cloneView(t, target, nil))
	for _, d := range unrewritten {
		if !strings.Contains(d, cloneSourceFQDN) && !strings.Contains(d, cloneTargetFQDN) {
			t.Errorf("a difference that is not the host name: %s", d)
		}
	}
	if len(unrewritten) == 0 {
		t.Error("the source has no object naming its host; the rewrite is not tested")
	}
	// The Integration Service restarted once, reading the copied settings.
	r.check(checkSimService(t, target, sage50Service, "Running", 1))
	if got := simRow(t, target, "services", "name", sage50Service)["listening_uri"]; got != "https://"+cloneTargetFQDN+":4106/sage50/" {
		t.Errorf("the target's Integration Service listens on %v, not the copied HttpsServiceUri with the target's name", got)
	}
	r.expectEmptyPlan()
	r.check(checkSimService(t, target, sage50Service, "Running", 1))
	if missing, _ := r.outputs()["ca_certificates_missing_on_target"].([]any); len(missing) != 0 {
		t.Errorf("ca_certificates_missing_on_target after the clone: %v", missing)
	}
}

// TestAccCloneExample_otherCertificate: a PFX that holds another
// certificate than the one the source serves fails the plan naming both
// and what to do, and nothing is written to the target.
func TestAccCloneExample_otherCertificate(t *testing.T) {
	source, target := cloneHost(t), cloneHost(t)
	served := writeTestPFX(t, t.TempDir(), "served.pfx")
	other := writeTestPFX(t, t.TempDir(), "other.pfx")
	buildCloneSource(t, source, served)
	bindingsBefore := acctest.FormatJSON(target.SimState(t)["sslcert_bindings"])

	r := newExampleRun(t, "clone", map[string]string{
		"source_host":     cloneHostVar(source),
		"source_password": source.Password,
		"target_host":     cloneHostVar(target),
		"target_password": target.Password,
		"pfx_files":       fmt.Sprintf("{%s = %s}", acctest.HCLString(served.Thumbprint), acctest.HCLString(other.path)),
		"pfx_passwords":   fmt.Sprintf("{%s = %s}", acctest.HCLString(served.Thumbprint), acctest.HCLString(pfxPassword)),
	})
	r.expectPlanError(regexp.MustCompile(`(?s)holds\s+certificate\s+` + other.Thumbprint + `.*not\s+` + served.Thumbprint +
		`\s+that\s+the\s+source\s+serves.*accept_renewed_certificates\s+=\s+true`))
	if got := acctest.FormatJSON(target.SimState(t)["sslcert_bindings"]); got != bindingsBefore {
		t.Errorf("the refused plan changed the target's bindings:\n%s", got)
	}
}

// TestAccCloneExample_noPFX: without a PFX for the certificate the source
// binds, and without that certificate on the target, the plan fails naming
// the binding, the certificate and what to supply.
func TestAccCloneExample_noPFX(t *testing.T) {
	source, target := cloneHost(t), cloneHost(t)
	pfx := writeTestPFX(t, t.TempDir(), "sage50.pfx")
	buildCloneSource(t, source, pfx)

	r := newExampleRun(t, "clone", map[string]string{
		"source_host":     cloneHostVar(source),
		"source_password": source.Password,
		"target_host":     cloneHostVar(target),
		"target_password": target.Password,
	})
	r.expectPlanError(regexp.MustCompile(`(?s)binding\s+ipport=0\.0\.0\.0:4106\s+serves\s+certificate\s+` + pfx.Thumbprint +
		`.*add\s+it\s+to\s+pfx_files\s+and\s+pfx_passwords`))
}

// cloneHost is a simulated Sage 50 server (examples/scenarios/sage50.json):
// the software the clone expects installed on both hosts.
func cloneHost(t *testing.T) *acctest.Host {
	t.Helper()
	h := acctest.NewHost(t, readScenario(t, "sage50"))
	if !h.IsSim() || h.HTTPS {
		t.Skip("needs two hosts, with the Sage 50 Integration Service of examples/scenarios/sage50.json: two simulators over HTTP")
	}
	useBuiltProvider(t)
	return h
}

// cloneHostVar is the host's endpoint as examples/clone's source_host and
// target_host (HCL, for a TF_VAR_ variable).
func cloneHostVar(h *acctest.Host) string {
	return fmt.Sprintf("{host = %s, port = %d, auth = %s, username = %s}",
		acctest.HCLString(h.Address), h.Port, acctest.HCLString(strings.ToLower(h.Auth)), acctest.HCLString(h.Username))
}

// buildCloneSource makes h a working host through the host API, with every
// kind of object examples/clone copies and values other than the defaults:
// the PFX imported with its chain (root into ROOT, intermediate into CA),
// bound to 0.0.0.0:4106 with client certificates negotiated, HTTP/2 and
// legacy TLS off and a CRL freshness time, and to an SNI name; a
// reservation naming the host; read for NETWORK SERVICE and full for
// IIS_IUSRS on the key; TLS 1.2 on and TLS 1.0 off (server); .NET strong
// crypto on; HttpsServiceUri pointing at a path.
func buildCloneSource(t *testing.T, h *acctest.Host, pfx testPFXFile) {
	t.Helper()
	ctx, w := acctest.Context(t), h.Windows(t)
	if _, err := w.Certificates().ImportPFX(ctx, windows.PFXImport{Store: "My", PFX: pfx.PFX, Password: pfxPassword, ImportChain: true}); err != nil {
		t.Fatal(err)
	}
	ipport, sni := sage50IPPort, cloneSNIPort
	for _, b := range []windows.SSLBinding{
		{BindingKey: windows.BindingKey{IPPort: ipport}, CertificateHash: pfx.Thumbprint, AppID: sage50AppID, CertificateStoreName: "MY",
			VerifyClientCertRevocation: true, UsageCheck: true, RevocationFreshnessTime: 600, NegotiateClientCert: true,
			DisableHTTP2: true, DisableLegacyTLS: true},
		{BindingKey: windows.BindingKey{HostnamePort: sni}, CertificateHash: pfx.Thumbprint, AppID: sage50AppID, CertificateStoreName: "MY",
			VerifyClientCertRevocation: true, UsageCheck: true, URLRetrievalTimeout: 15000},
	} {
		if _, err := w.HTTPSys().AddSSLBinding(ctx, b); err != nil {
			t.Fatalf("bind %s: %v", b.BindingKey, err)
		}
	}
	if _, err := w.HTTPSys().AddURLACL(ctx, cloneNamedURL, "D:(A;;GX;;;NS)"); err != nil {
		t.Fatal(err)
	}
	for _, g := range []windows.KeyGrant{
		{Store: "My", Thumbprint: pfx.Thumbprint, SID: "S-1-5-20", Access: windows.KeyAccessRead},
		{Store: "My", Thumbprint: pfx.Thumbprint, SID: "S-1-5-32-568", Access: windows.KeyAccessFull},
	} {
		if _, err := w.Certificates().AddKeyAccess(ctx, g); err != nil {
			t.Fatalf("grant %s: %v", g.SID, err)
		}
	}
	on, off := uint32(1), uint32(0)
	for protocol, v := range map[string]windows.SChannelValues{
		"TLS 1.2": {Enabled: &on, DisabledByDefault: &off}, "TLS 1.0": {Enabled: &off, DisabledByDefault: &on},
	} {
		if _, err := w.TLSSettings().SetSChannel(ctx, protocol, "Server", v); err != nil {
			t.Fatal(err)
		}
	}
	keys, err := w.TLSSettings().DotNetCrypto(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var set []windows.DotNetCryptoKey
	for _, k := range keys {
		if k.Exists {
			set = append(set, windows.DotNetCryptoKey{Path: k.Path, SchUseStrongCrypto: &on, SystemDefaultTLSVersions: &on})
		}
	}
	if _, err := w.TLSSettings().SetDotNetCrypto(ctx, set); err != nil {
		t.Fatal(err)
	}
	if _, err := w.AppConfig().Set(ctx, sage50ConfigPath, "HttpsServiceUri", "https://"+cloneSourceFQDN+":4106/sage50/", nil); err != nil {
		t.Fatal(err)
	}
}

// cloneView is what examples/clone copies, read from the host's simulator
// state, as "kind id" => value: URL reservations, SSL bindings (every
// field), the certificates of ROOT, CA and MY, the private key entries of
// MY's certificates by SID, the SChannel and .NET Framework registry keys,
// and the appSettings of the Sage 50 Integration Service's .exe.config.
// rewrite, if not nil, is applied to ids and values (the source's host name
// becoming the target's).
func cloneView(t *testing.T, h *acctest.Host, rewrite func(string) string) map[string]string {
	t.Helper()
	state := h.SimState(t)
	view := map[string]string{}
	put := func(id string, value any) {
		text, ok := value.(string)
		if !ok {
			text = acctest.FormatJSON(value)
		}
		if rewrite != nil {
			id, text = rewrite(id), rewrite(text)
		}
		view[id] = text
	}
	for _, a := range acctest.StateList(t, state, "urlacls") {
		put("urlacl "+a["url"].(string), a["sddl"])
	}
	for _, b := range acctest.StateList(t, state, "sslcert_bindings") {
		key, _ := b["ipport"].(string)
		if key == "" {
			key = b["hostnameport"].(string)
		}
		put("binding "+key, b)
	}
	for _, c := range acctest.StateList(t, state, "certificates") {
		store := strings.ToUpper(c["store"].(string))
		if store != "ROOT" && store != "CA" && store != "MY" {
			continue
		}
		thumbprint := pemThumbprint(t, c["pem"].(string))
		put("cert "+store+"/"+thumbprint, fmt.Sprintf("has_private_key=%v", c["has_private_key"]))
		if store == "MY" {
			var entries []string
			for _, e := range asList(c["key_acl"]) {
				ace := e.(map[string]any)
				entries = append(entries, fmt.Sprintf("%s:%v", ace["sid"], ace["access_mask"]))
			}
			sort.Strings(entries)
			put("keyacl "+thumbprint, strings.Join(entries, " "))
		}
	}
	for _, k := range acctest.StateList(t, state, "registry") {
		key := k["key"].(string)
		if strings.Contains(key, `\SCHANNEL\Protocols\`) || strings.Contains(key, `\.NETFramework\`) {
			put("registry "+key, k["values"])
		}
	}
	for _, f := range acctest.StateList(t, state, "files") {
		if f["path"] != sage50ConfigPath {
			continue
		}
		content, err := base64.StdEncoding.DecodeString(f["content_base64"].(string))
		if err != nil {
			t.Fatal(err)
		}
		for key, value := range appSettingsOf(t, content) {
			put("appsetting "+key, value)
		}
	}
	return view
}

// diffCloneViews lists the objects that differ: "kind id: source ≠ target".
func diffCloneViews(source, target map[string]string) []string {
	var diffs []string
	for id, s := range source {
		if tv, ok := target[id]; !ok {
			diffs = append(diffs, id+": only on the source: "+s)
		} else if tv != s {
			diffs = append(diffs, id+": "+s+" ≠ "+tv)
		}
	}
	for id, tv := range target {
		if _, ok := source[id]; !ok {
			diffs = append(diffs, id+": only on the target: "+tv)
		}
	}
	sort.Strings(diffs)
	return diffs
}

func anyHasPrefix(lines []string, prefix string) bool {
	for _, l := range lines {
		if strings.HasPrefix(l, prefix) {
			return true
		}
	}
	return false
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

// pemThumbprint is the thumbprint of the PEM certificate in the state.
func pemThumbprint(t *testing.T, text string) string {
	t.Helper()
	block, _ := pem.Decode([]byte(text))
	if block == nil {
		t.Fatalf("no PEM in the state's certificate: %q", text)
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return provider.Thumbprint(cert)
}

// appSettingsOf reads the appSettings of an .exe.config (a UTF-8 BOM is
// fine) as key => value.
func appSettingsOf(t *testing.T, content []byte) map[string]string {
	t.Helper()
	var doc struct {
		Adds []struct {
			Key   string `xml:"key,attr"`
			Value string `xml:"value,attr"`
		} `xml:"appSettings>add"`
	}
	if err := xml.Unmarshal([]byte(strings.TrimPrefix(string(content), "\ufeff")), &doc); err != nil {
		t.Fatal(err)
	}
	settings := map[string]string{}
	for _, a := range doc.Adds {
		settings[a.Key] = a.Value
	}
	return settings
}
