package provider_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/acctest"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/windows"
)

const (
	bindingAddress = "windows_http_sslcert_binding.test"
	// sageAppID is the app id of the procedures' netsh command.
	sageAppID  = "{4d159978-4574-4dd5-b3ff-6f7fc8c20344}"
	otherAppID = "{0a3d5e6f-1111-4222-8333-944455556666}"
)

// bindingConfig is a provider block and one windows_http_sslcert_binding
// with the given attributes (name = HCL expression).
func bindingConfig(h *acctest.Host, attrs ...string) string {
	return h.ProviderConfig("") + "resource \"windows_http_sslcert_binding\" \"test\" {\n  " +
		strings.Join(attrs, "\n  ") + "\n}\n"
}

// bindingArg is one attribute line with a string value, quoted for HCL.
func bindingArg(name, value string) string { return name + " = " + acctest.HCLString(value) }

// bindingHost starts a host with two server certificates with keys in MY
// and one certificate without its key.
func bindingHost(t *testing.T, scenario []byte) (h *acctest.Host, first, second, keyless acctest.TestCertificate) {
	first = acctest.NewTestCertificate(t, "sage.example.com")
	second = acctest.NewTestCertificate(t, "sage2.example.com")
	keyless = acctest.NewTestCertificate(t, "nokey.example.com")
	h = acctest.NewHostWithCertificates(t, scenario,
		acctest.StoreCertificate{Store: "MY", Cert: first, WithKey: true},
		acctest.StoreCertificate{Store: "MY", Cert: second, WithKey: true},
		acctest.StoreCertificate{Store: "MY", Cert: keyless, WithKey: false},
	)
	return h, first, second, keyless
}

// checkHostBinding checks through the host API that the binding at key
// passes check.
func checkHostBinding(t *testing.T, h *acctest.Host, key windows.BindingKey, check func(windows.SSLBinding) error) resource.TestCheckFunc {
	return func(*terraform.State) error {
		b, err := h.Windows(t).HTTPSys().GetSSLBinding(acctest.Context(t), key)
		if err != nil {
			return fmt.Errorf("host has no binding %s: %w", key, err)
		}
		return check(b)
	}
}

// hostBindingIs checks the host's hash, app id and usage check.
func hostBindingIs(hash, appID string, usageCheck bool) func(windows.SSLBinding) error {
	return func(b windows.SSLBinding) error {
		if b.CertificateHash != hash || b.AppID != appID || b.UsageCheck != usageCheck {
			return fmt.Errorf("host binding %s has hash %s, app id %s, usage check %t; want %s, %s, %t",
				b.BindingKey, b.CertificateHash, b.AppID, b.UsageCheck, hash, appID, usageCheck)
		}
		return nil
	}
}

// checkBindingsDestroyed checks that destroy left no binding: the
// simulator's tables are empty; on a real host the test's keys are gone.
func checkBindingsDestroyed(t *testing.T, h *acctest.Host, keys ...windows.BindingKey) resource.TestCheckFunc {
	return checkDestroyLeftNone(h, hostTable[windows.SSLBinding, windows.BindingKey]{
		name: "bindings",
		list: func() ([]windows.SSLBinding, error) {
			return h.Windows(t).HTTPSys().ListSSLBindings(acctest.Context(t))
		},
		key:      func(b windows.SSLBinding) windows.BindingKey { return b.BindingKey },
		describe: func(b windows.SSLBinding) string { return fmt.Sprintf("binding %s", b.BindingKey) },
	}, keys...)
}

// TestAccHTTPSSLCertBinding_lifecycle is the procedure's "netsh http add sslcert
// ipport=0.0.0.0:4106": create, empty re-plan, import by ipport (both
// forms), in-place updates of app_id, usage_check and the certificate,
// drift through the host API and the admin API, deletion outside
// Terraform, and destroy.
func TestAccHTTPSSLCertBinding_lifecycle(t *testing.T) {
	h, first, second, _ := bindingHost(t, nil)
	key := windows.BindingKey{IPPort: "0.0.0.0:4106"}
	config := func(hash, appID string, extra ...string) string {
		return bindingConfig(h, append([]string{bindingArg("ipport", "0.0.0.0:4106"), bindingArg("certificate_hash", hash), bindingArg("app_id", appID)}, extra...)...)
	}
	base := config(first.Thumbprint, sageAppID)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkBindingsDestroyed(t, h, key),
		Steps: []resource.TestStep{
			{
				Config:           base,
				ConfigPlanChecks: expectAction(bindingAddress, plancheck.ResourceActionCreate),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(bindingAddress, "id", "ipport=0.0.0.0:4106"),
					resource.TestCheckResourceAttr(bindingAddress, "ipport", "0.0.0.0:4106"),
					resource.TestCheckNoResourceAttr(bindingAddress, "hostnameport"),
					resource.TestCheckResourceAttr(bindingAddress, "certificate_hash", first.Thumbprint),
					resource.TestCheckResourceAttr(bindingAddress, "app_id", sageAppID),
					resource.TestCheckResourceAttr(bindingAddress, "certificate_store_name", "MY"),
					resource.TestCheckResourceAttr(bindingAddress, "verify_client_cert_revocation", "true"),
					resource.TestCheckResourceAttr(bindingAddress, "verify_revocation_with_cached_client_cert_only", "false"),
					resource.TestCheckResourceAttr(bindingAddress, "usage_check", "true"),
					resource.TestCheckResourceAttr(bindingAddress, "revocation_freshness_time", "0"),
					resource.TestCheckResourceAttr(bindingAddress, "url_retrieval_timeout", "0"),
					resource.TestCheckResourceAttr(bindingAddress, "ctl_identifier", ""),
					resource.TestCheckResourceAttr(bindingAddress, "ctl_store_name", ""),
					resource.TestCheckResourceAttr(bindingAddress, "ds_mapper_usage", "false"),
					resource.TestCheckResourceAttr(bindingAddress, "negotiate_client_cert", "false"),
					checkHostBinding(t, h, key, hostBindingIs(first.Thumbprint, sageAppID, true)),
				),
			},
			emptyPlanStep(base),
			{ResourceName: bindingAddress, ImportState: true, ImportStateId: "0.0.0.0:4106", ImportStateVerify: true},
			{ResourceName: bindingAddress, ImportState: true, ImportStateId: "ipport=0.0.0.0:4106", ImportStateVerify: true},
			{
				Config:           config(first.Thumbprint, otherAppID),
				ConfigPlanChecks: expectAction(bindingAddress, plancheck.ResourceActionUpdate),
				Check:            checkHostBinding(t, h, key, hostBindingIs(first.Thumbprint, otherAppID, true)),
			},
			{
				Config:           config(first.Thumbprint, otherAppID, "usage_check = false"),
				ConfigPlanChecks: expectAction(bindingAddress, plancheck.ResourceActionUpdate),
				Check:            checkHostBinding(t, h, key, hostBindingIs(first.Thumbprint, otherAppID, false)),
			},
			{
				// A renewed certificate: the same port, the new hash, in place.
				Config:           config(second.Thumbprint, otherAppID, "usage_check = false"),
				ConfigPlanChecks: expectAction(bindingAddress, plancheck.ResourceActionUpdate),
				Check:            checkHostBinding(t, h, key, hostBindingIs(second.Thumbprint, otherAppID, false)),
			},
			{
				// Drift through the host API (works on a real host too):
				// client certificates switched on by hand.
				PreConfig: func() {
					api := h.Windows(t).HTTPSys()
					b, err := api.GetSSLBinding(acctest.Context(t), key)
					if err != nil {
						t.Fatalf("drift: %v", err)
					}
					b.NegotiateClientCert = true
					if _, err := api.ReplaceSSLBinding(acctest.Context(t), b); err != nil {
						t.Fatalf("drift: %v", err)
					}
				},
				Config:           config(second.Thumbprint, otherAppID, "usage_check = false"),
				ConfigPlanChecks: expectAction(bindingAddress, plancheck.ResourceActionUpdate),
				Check: checkHostBinding(t, h, key, func(b windows.SSLBinding) error {
					if b.NegotiateClientCert {
						return fmt.Errorf("negotiate_client_cert drift was not repaired")
					}
					return nil
				}),
			},
			{
				// Drift through the simulator's admin API: the first
				// certificate and the procedure's app id back in the binding
				// (every field is covered by TestAccHTTPSSLCertBinding_driftEveryField).
				SkipFunc: acctest.NotSim(h),
				PreConfig: editSimRows(t, h, "sslcert_bindings", "ipport", "0.0.0.0:4106",
					map[string]any{"certificate_hash": first.Thumbprint, "app_id": sageAppID}),
				Config:           config(second.Thumbprint, otherAppID, "usage_check = false"),
				ConfigPlanChecks: expectAction(bindingAddress, plancheck.ResourceActionUpdate),
				Check:            checkHostBinding(t, h, key, hostBindingIs(second.Thumbprint, otherAppID, false)),
			},
			deletedOutsideTerraformStep(t, bindingAddress, config(second.Thumbprint, otherAppID, "usage_check = false"),
				func() error { return h.Windows(t).HTTPSys().DeleteSSLBinding(acctest.Context(t), key) },
				checkHostBinding(t, h, key, hostBindingIs(second.Thumbprint, otherAppID, false))),
		},
	})
}

// TestAccHTTPSSLCertBinding_sniAndSpelling binds by host name (SNI) with
// values as people paste them: a thumbprint copied from the certificate MMC
// (U+200E, spaces, lower case), an app id without braces in upper case, and
// "my" for MY. Nothing is planned again, an equivalent spelling plans
// nothing, and import by hostnameport reads the host's canonical values.
func TestAccHTTPSSLCertBinding_sniAndSpelling(t *testing.T) {
	h, first, _, _ := bindingHost(t, nil)
	const hostnamePort = "sage.example.com:443"
	key := windows.BindingKey{HostnamePort: hostnamePort}
	mmcHash := "\u200e" + spaced(strings.ToLower(first.Thumbprint))
	pasted := bindingConfig(h, bindingArg("hostnameport", hostnamePort), bindingArg("certificate_hash", mmcHash),
		bindingArg("app_id", strings.ToUpper(strings.Trim(sageAppID, "{}"))), bindingArg("certificate_store_name", "my"))
	canonical := bindingConfig(h, bindingArg("hostnameport", hostnamePort), bindingArg("certificate_hash", first.Thumbprint),
		bindingArg("app_id", sageAppID))
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkBindingsDestroyed(t, h, key),
		Steps: []resource.TestStep{
			{
				Config: pasted,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(bindingAddress, "id", "hostnameport="+hostnamePort),
					resource.TestCheckNoResourceAttr(bindingAddress, "ipport"),
					checkHostBinding(t, h, key, hostBindingIs(first.Thumbprint, sageAppID, true)),
					checkHostBinding(t, h, key, func(b windows.SSLBinding) error {
						if b.CertificateStoreName != "MY" {
							return fmt.Errorf("host store name %q, want MY", b.CertificateStoreName)
						}
						return nil
					}),
				),
			},
			emptyPlanStep(pasted),
			emptyPlanStep(canonical),
			{
				ResourceName:  bindingAddress,
				ImportState:   true,
				ImportStateId: "hostnameport=" + hostnamePort,
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					if len(states) != 1 {
						return fmt.Errorf("imported %d resources, want 1", len(states))
					}
					a := states[0].Attributes
					for k, want := range map[string]string{
						"id": "hostnameport=" + hostnamePort, "hostnameport": hostnamePort,
						"certificate_hash": first.Thumbprint, "app_id": sageAppID, "certificate_store_name": "MY",
						"usage_check": "true", "verify_client_cert_revocation": "true", "negotiate_client_cert": "false",
					} {
						if a[k] != want {
							return fmt.Errorf("imported %s = %q, want %q", k, a[k], want)
						}
					}
					return nil
				},
			},
			{ResourceName: bindingAddress, ImportState: true, ImportStateId: hostnamePort,
				ImportStateVerify: true, ImportStateVerifyIgnore: []string{"certificate_hash", "app_id", "certificate_store_name"}},
		},
	})
}

// spaced groups a thumbprint in pairs, as the certificate MMC shows it.
func spaced(hex string) string {
	var pairs []string
	for i := 0; i+2 <= len(hex); i += 2 {
		pairs = append(pairs, hex[i:i+2])
	}
	return strings.Join(pairs, " ")
}

// TestAccHTTPSSLCertBinding_ipv6AndOptions binds [::]:443 with every
// option away from its default, and imports it back field by field.
func TestAccHTTPSSLCertBinding_ipv6AndOptions(t *testing.T) {
	h, first, _, _ := bindingHost(t, nil)
	key := windows.BindingKey{IPPort: "[::]:443"}
	config := bindingConfig(h, bindingArg("ipport", "[::]:443"), bindingArg("certificate_hash", first.Thumbprint), bindingArg("app_id", sageAppID),
		"verify_client_cert_revocation = false", "verify_revocation_with_cached_client_cert_only = true",
		"usage_check = false", "revocation_freshness_time = 3600", "url_retrieval_timeout = 15000",
		bindingArg("ctl_identifier", "Sage CTL"), bindingArg("ctl_store_name", "CA"),
		"ds_mapper_usage = true", "negotiate_client_cert = true")
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkBindingsDestroyed(t, h, key),
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: checkHostBinding(t, h, key, func(b windows.SSLBinding) error {
					want := windows.SSLBinding{BindingKey: key, CertificateHash: first.Thumbprint, AppID: sageAppID,
						CertificateStoreName: "MY", VerifyRevocationWithCachedClientCertOnly: true,
						RevocationFreshnessTime: 3600, URLRetrievalTimeout: 15000, CTLIdentifier: "Sage CTL",
						CTLStoreName: "CA", DSMapperUsage: true, NegotiateClientCert: true}
					if b != want {
						return fmt.Errorf("host binding\n%+v\nwant\n%+v", b, want)
					}
					return nil
				}),
			},
			emptyPlanStep(config),
			{ResourceName: bindingAddress, ImportState: true, ImportStateId: "[::]:443", ImportStateVerify: true},
		},
	})
}

// noUsableKeyPattern matches the provider's message for Windows error 1312,
// allowing for Terraform's line wrapping.
func noUsableKeyPattern(thumbprint, store string) *regexp.Regexp {
	msg := fmt.Sprintf(`the certificate %s is not in LocalMachine\%s or has no private key there; import it with its key (windows_pfx_certificate) and bind again.`, thumbprint, store)
	words := strings.Fields(msg)
	for i, w := range words {
		words[i] = regexp.QuoteMeta(w)
	}
	return regexp.MustCompile(strings.Join(words, `\s+`))
}

// TestAccHTTPSSLCertBinding_noUsablePrivateKey covers HTTP.sys's 1312 ("A
// specified logon session does not exist"): a certificate without its key,
// a certificate not in the named store, and a failed change that leaves
// the old binding in place.
func TestAccHTTPSSLCertBinding_noUsablePrivateKey(t *testing.T) {
	h, first, _, keyless := bindingHost(t, nil)
	key := windows.BindingKey{IPPort: "0.0.0.0:4106"}
	config := func(hash string, extra ...string) string {
		return bindingConfig(h, append([]string{bindingArg("ipport", "0.0.0.0:4106"), bindingArg("certificate_hash", hash), bindingArg("app_id", sageAppID)}, extra...)...)
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkBindingsDestroyed(t, h, key),
		Steps: []resource.TestStep{
			{Config: config(keyless.Thumbprint), ExpectError: noUsableKeyPattern(keyless.Thumbprint, "MY")},
			{Config: config(first.Thumbprint, bindingArg("certificate_store_name", "WebHosting")), ExpectError: noUsableKeyPattern(first.Thumbprint, "WEBHOSTING")},
			{
				Config: config(first.Thumbprint),
				Check:  checkHostBinding(t, h, key, hostBindingIs(first.Thumbprint, sageAppID, true)),
			},
			{Config: config(keyless.Thumbprint), ExpectError: noUsableKeyPattern(keyless.Thumbprint, "MY")},
			{
				// The failed change left the old binding: the port is served.
				PreConfig: func() {
					if err := checkHostBinding(t, h, key, hostBindingIs(first.Thumbprint, sageAppID, true))(nil); err != nil {
						t.Errorf("after the failed change: %v", err)
					}
				},
				Config: config(first.Thumbprint),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
			},
		},
	})
}

// TestAccHTTPSSLCertBinding_alreadyExists: a binding made by hand is
// reported with the command that imports it.
func TestAccHTTPSSLCertBinding_alreadyExists(t *testing.T) {
	h, first, _, _ := bindingHost(t, nil)
	key := windows.BindingKey{IPPort: "0.0.0.0:4106"}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkBindingsDestroyed(t, h, key),
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					_, err := h.Windows(t).HTTPSys().AddSSLBinding(acctest.Context(t), windows.SSLBinding{BindingKey: key,
						CertificateHash: first.Thumbprint, AppID: sageAppID, VerifyClientCertRevocation: true, UsageCheck: true})
					if err != nil {
						t.Fatalf("bind by hand: %v", err)
					}
				},
				Config:      bindingConfig(h, bindingArg("ipport", "0.0.0.0:4106"), bindingArg("certificate_hash", first.Thumbprint), bindingArg("app_id", sageAppID)),
				ExpectError: regexp.MustCompile(`SSL binding already exists(?s).*with windows_http_sslcert_binding.test,.*terraform import\s+'ADDRESS'\s+0\.0\.0\.0:4106`),
			},
			{
				// Clean up what the test made by hand, so destroy checks hold.
				PreConfig: func() {
					if err := h.Windows(t).HTTPSys().DeleteSSLBinding(acctest.Context(t), key); err != nil {
						t.Fatalf("clean up: %v", err)
					}
				},
				Config:   h.ProviderConfig(""),
				PlanOnly: true,
			},
		},
	})
}

// TestAccHTTPSSLCertBinding_hostileData sends a trust list identifier with
// every kind of quote, $() and backticks, and reads it back from the host
// byte for byte through the simulator's admin API.
func TestAccHTTPSSLCertBinding_hostileData(t *testing.T) {
	h, first, _, _ := bindingHost(t, nil)
	const ctl = "a'b\"c$(x)`d\u2018e\u2019f\u201cg\u201d;h ${i}"
	key := windows.BindingKey{IPPort: "127.0.0.1:4443"}
	config := bindingConfig(h, bindingArg("ipport", "127.0.0.1:4443"), bindingArg("certificate_hash", first.Thumbprint),
		bindingArg("app_id", sageAppID), bindingArg("ctl_identifier", ctl))
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkBindingsDestroyed(t, h, key),
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(bindingAddress, "ctl_identifier", ctl),
					func(*terraform.State) error {
						if !h.IsSim() {
							return checkHostBinding(t, h, key, func(b windows.SSLBinding) error {
								if b.CTLIdentifier != ctl {
									return fmt.Errorf("host ctl_identifier %q, want %q", b.CTLIdentifier, ctl)
								}
								return nil
							})(nil)
						}
						for _, b := range acctest.StateList(t, h.SimState(t), "sslcert_bindings") {
							if b["ipport"] == "127.0.0.1:4443" {
								if b["ctl_identifier"] != ctl {
									return fmt.Errorf("host ctl_identifier %q, want %q", b["ctl_identifier"], ctl)
								}
								return nil
							}
						}
						return fmt.Errorf("no binding 127.0.0.1:4443 in the host's state")
					},
				),
			},
			emptyPlanStep(config),
		},
	})
}

// TestAccHTTPSSLCertBinding_invalid checks that each invalid input fails at
// plan, naming the attribute.
func TestAccHTTPSSLCertBinding_invalid(t *testing.T) {
	h := acctest.NewHost(t, nil)
	const hash = "0123456789ABCDEF0123456789ABCDEF01234567"
	valid := func(except string, extra ...string) []string {
		all := map[string]string{"ipport": bindingArg("ipport", "0.0.0.0:443"), "certificate_hash": bindingArg("certificate_hash", hash), "app_id": bindingArg("app_id", sageAppID)}
		var out []string
		for _, name := range []string{"ipport", "certificate_hash", "app_id"} {
			if name != except {
				out = append(out, all[name])
			}
		}
		return append(out, extra...)
	}
	tests := []struct {
		name    string
		attrs   []string
		wantErr string
	}{
		{"ipport without port", valid("ipport", bindingArg("ipport", "0.0.0.0")), `Invalid value for ipport`},
		{"ipport port zero", valid("ipport", bindingArg("ipport", "0.0.0.0:0")), `Invalid value for ipport(?s).*1\s+to\s+65535`},
		{"ipport IPv6 without brackets", valid("ipport", bindingArg("ipport", "::1:443")), `Invalid value for ipport`},
		{"ipport host name", valid("ipport", bindingArg("ipport", "sage.example.com:443")), `Invalid value for ipport`},
		{"ipport with quote", valid("ipport", bindingArg("ipport", "0.0.0.0:443'")), `Invalid value for ipport`},
		{"hostnameport without port", valid("ipport", bindingArg("hostnameport", "sage.example.com")), `Invalid value for hostnameport(?s).*no\s+port`},
		{"hostnameport IP", valid("ipport", bindingArg("hostnameport", "10.0.0.1:443")), `Invalid value for hostnameport(?s).*ipport`},
		{"hostnameport $()", valid("ipport", bindingArg("hostnameport", "$(x).example.com:443")), `Invalid value for hostnameport`},
		{"ipport and hostnameport", valid("", bindingArg("hostnameport", "sage.example.com:443")), `Exactly one of these attributes must be configured:\s+\[ipport,hostnameport\]`},
		{"neither key", valid("ipport"), `Exactly one of these attributes must be configured:\s+\[ipport,hostnameport\]`},
		{"hash too short", valid("certificate_hash", bindingArg("certificate_hash", hash[:39])), `Invalid value for certificate_hash(?s).*39\s+hexadecimal`},
		{"hash with quote", valid("certificate_hash", bindingArg("certificate_hash", hash[:39]+"'")), `Invalid value for certificate_hash`},
		{"hash with newline", valid("certificate_hash", bindingArg("certificate_hash", hash[:20]+"\n$(x)"+hash[20:])), `Invalid value for certificate_hash`},
		{"hash of 10 KB", valid("certificate_hash", bindingArg("certificate_hash", strings.Repeat("A", 10240))), `Invalid value for certificate_hash(?s).*10240\s+hexadecimal`},
		{"app_id not a GUID", valid("app_id", bindingArg("app_id", "sage")), `Invalid value for app_id(?s).*not\s+a\s+GUID`},
		{"app_id with backtick", valid("app_id", bindingArg("app_id", "{4d159978-4574-4dd5-b3ff-6f7fc8c2034`}")), `Invalid value for app_id`},
		{"store with backslash", valid("", bindingArg("certificate_store_name", `LocalMachine\My`)), `Invalid value for certificate_store_name`},
		{"ctl_identifier with NUL", valid("", bindingArg("ctl_identifier", "a\x00b")), `Invalid value for ctl_identifier`},
		{"ctl_store_name with U+201C", valid("", bindingArg("ctl_store_name", "\u201cCA\u201d")), `Invalid value for ctl_store_name`},
		{"negative freshness", valid("", "revocation_freshness_time = -1"), `revocation_freshness_time`},
		{"timeout beyond DWORD", valid("", "url_retrieval_timeout = 4294967296"), `url_retrieval_timeout`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { testPlanFails(t, bindingConfig(h, tt.attrs...), tt.wantErr) })
	}
}
