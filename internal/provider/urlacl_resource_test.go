package provider_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/acctest"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/provider"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/windows"
)

const urlACLAddress = "windows_http_urlacl.test"

// urlACLConfig is a provider block and one windows_http_urlacl with the
// given attribute lines.
func urlACLConfig(h *acctest.Host, body string) string {
	return h.ProviderConfig("") + fmt.Sprintf("resource \"windows_http_urlacl\" \"test\" {\n%s\n}\n", body)
}

// userACL is the body of a reservation of url for user.
func userACL(url, user string, extra ...string) string {
	body := fmt.Sprintf("  url  = %s\n  user = %s\n", acctest.HCLString(url), acctest.HCLString(user))
	for _, line := range extra {
		body += "  " + line + "\n"
	}
	return body
}

// checkHostURLACL checks through the host API (not Terraform) that url is
// reserved with an SDDL meaning want.
func checkHostURLACL(t *testing.T, h *acctest.Host, url, want string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		acl, err := h.Windows(t).HTTPSys().GetURLACL(acctest.Context(t), url)
		if err != nil {
			return fmt.Errorf("host has no reservation of %s: %w", url, err)
		}
		if !provider.SDDLEquivalent(acl.SDDL, want) {
			return fmt.Errorf("host reservation of %s has SDDL %s, want %s", url, acl.SDDL, want)
		}
		return nil
	}
}

// checkURLACLsDestroyed checks that destroy left no reservation behind: on
// the simulator the table is empty, on a real host the test's URLs are gone.
func checkURLACLsDestroyed(t *testing.T, h *acctest.Host, urls ...string) resource.TestCheckFunc {
	return checkDestroyLeftNone(h, hostTable[windows.URLACL, string]{
		name: "reservations",
		list: func() ([]windows.URLACL, error) { return h.Windows(t).HTTPSys().ListURLACLs(acctest.Context(t)) },
		key:  func(acl windows.URLACL) string { return acl.URL },
		describe: func(acl windows.URLACL) string {
			return fmt.Sprintf("reservation %s (%s)", acl.URL, acl.SDDL)
		},
	}, urls...)
}

// TestAccHTTPURLACL_lifecycle walks a reservation for Everyone through
// create, an empty re-plan, drift made on the host (through the host API
// and through the simulator's admin API), deletion outside Terraform, a
// change of rights and destroy.
func TestAccHTTPURLACL_lifecycle(t *testing.T) {
	h := acctest.NewHost(t, nil)
	const url = "https://+:4207/"
	config := urlACLConfig(h, userACL(url, "Everyone"))
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkURLACLsDestroyed(t, h, url),
		Steps: []resource.TestStep{
			{
				Config:           config,
				ConfigPlanChecks: expectAction(urlACLAddress, plancheck.ResourceActionCreate),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(urlACLAddress, "id", url),
					resource.TestCheckResourceAttr(urlACLAddress, "url", url),
					resource.TestCheckResourceAttr(urlACLAddress, "user", "Everyone"),
					resource.TestCheckResourceAttr(urlACLAddress, "sddl", "D:(A;;GX;;;S-1-1-0)"),
					resource.TestCheckResourceAttr(urlACLAddress, "listen", "true"),
					resource.TestCheckResourceAttr(urlACLAddress, "delegate", "false"),
					resource.TestCheckResourceAttr(urlACLAddress, "entries.#", "1"),
					resource.TestCheckResourceAttr(urlACLAddress, "entries.0.sid", "S-1-1-0"),
					resource.TestCheckResourceAttr(urlACLAddress, "entries.0.account", "Everyone"),
					resource.TestCheckResourceAttr(urlACLAddress, "entries.0.listen", "true"),
					resource.TestCheckResourceAttr(urlACLAddress, "entries.0.delegate", "false"),
					checkHostURLACL(t, h, url, "D:(A;;GX;;;WD)"),
				),
			},
			emptyPlanStep(config),
			{
				// Drift through the host API (works on a real host too):
				// someone re-reserved the URL with delegate instead of listen.
				PreConfig: func() {
					api := h.Windows(t).HTTPSys()
					if err := api.DeleteURLACL(acctest.Context(t), url); err != nil {
						t.Fatalf("drift: %v", err)
					}
					if _, err := api.AddURLACL(acctest.Context(t), url, "D:(A;;GW;;;WD)"); err != nil {
						t.Fatalf("drift: %v", err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(urlACLAddress, plancheck.ResourceActionReplace),
					plancheck.ExpectKnownValue(urlACLAddress, tfjsonpath.New("sddl"), knownvalue.StringExact("D:(A;;GX;;;S-1-1-0)")),
				}},
				Check: checkHostURLACL(t, h, url, "D:(A;;GX;;;WD)"),
			},
			{
				// Drift through the simulator's admin API: the reservation
				// now belongs to BUILTIN\Users.
				SkipFunc:         acctest.NotSim(h),
				PreConfig:        editSimRows(t, h, "urlacls", "url", url, map[string]any{"sddl": "D:(A;;GX;;;BU)"}),
				Config:           config,
				ConfigPlanChecks: expectAction(urlACLAddress, plancheck.ResourceActionReplace),
				Check:            checkHostURLACL(t, h, url, "D:(A;;GX;;;WD)"),
			},
			// Deleted outside Terraform: refresh drops it, plan creates.
			deletedOutsideTerraformStep(t, urlACLAddress, config,
				func() error { return h.Windows(t).HTTPSys().DeleteURLACL(acctest.Context(t), url) },
				checkHostURLACL(t, h, url, "D:(A;;GX;;;WD)")),
			{
				// More rights: reservations have no update, so replace.
				Config:           urlACLConfig(h, userACL(url, "Everyone", "delegate = true")),
				ConfigPlanChecks: expectAction(urlACLAddress, plancheck.ResourceActionReplace),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(urlACLAddress, "sddl", "D:(A;;GA;;;S-1-1-0)"),
					resource.TestCheckResourceAttr(urlACLAddress, "entries.0.delegate", "true"),
					checkHostURLACL(t, h, url, "D:(A;;GA;;;WD)"),
				),
			},
		},
	})
}

// TestAccHTTPURLACL_sddl covers a reservation given as SDDL for two
// accounts: an equivalent spelling plans nothing, and import reads every
// attribute back.
func TestAccHTTPURLACL_sddl(t *testing.T) {
	h := acctest.NewHost(t, nil)
	const url = "http://+:8080/sage/"
	body := func(sddl string) string {
		return fmt.Sprintf("  url  = %s\n  sddl = %s\n", acctest.HCLString(url), acctest.HCLString(sddl))
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkURLACLsDestroyed(t, h, url),
		Steps: []resource.TestStep{
			{
				Config: urlACLConfig(h, body("D:(A;;GX;;;WD)(A;;GA;;;BA)")),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(urlACLAddress, "sddl", "D:(A;;GX;;;WD)(A;;GA;;;BA)"),
					resource.TestCheckNoResourceAttr(urlACLAddress, "user"),
					resource.TestCheckResourceAttr(urlACLAddress, "listen", "true"),
					resource.TestCheckResourceAttr(urlACLAddress, "delegate", "false"),
					resource.TestCheckResourceAttr(urlACLAddress, "entries.#", "2"),
					checkHostURLACL(t, h, url, "D:(A;;GX;;;WD)(A;;GA;;;BA)"),
				),
			},
			{
				// The same grant in other words: SIDs for aliases, other order.
				Config: urlACLConfig(h, body("D:(A;;GXGW;;;S-1-5-32-544)(A;;GX;;;S-1-1-0)")),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
			},
			{
				ResourceName:      urlACLAddress,
				ImportState:       true,
				ImportStateId:     url,
				ImportStateVerify: true,
			},
			{
				Config:           urlACLConfig(h, body("D:(A;;GX;;;WD)")),
				ConfigPlanChecks: expectAction(urlACLAddress, plancheck.ResourceActionReplace),
				Check:            checkHostURLACL(t, h, url, "D:(A;;GX;;;WD)"),
			},
		},
	})
}

// TestAccHTTPURLACL_importExisting is the cloning path: a reservation made
// by hand (the procedures' netsh ... user=EVERYONE) is reported with the import
// command, imported, and then managed with user = "EVERYONE": the plan after
// import is empty.
func TestAccHTTPURLACL_importExisting(t *testing.T) {
	h := acctest.NewHost(t, nil)
	const url = "https://+:4207/"
	config := urlACLConfig(h, userACL(url, "EVERYONE"))
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkURLACLsDestroyed(t, h, url),
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					if _, err := h.Windows(t).HTTPSys().AddURLACL(acctest.Context(t), url, "D:(A;;GX;;;WD)"); err != nil {
						t.Fatalf("reserve by hand: %v", err)
					}
				},
				Config:      config,
				ExpectError: regexp.MustCompile(`(?s)URL reservation already exists.*terraform import\s+'ADDRESS'\s+https://\+:4207/`),
			},
			{
				Config:             config,
				ResourceName:       urlACLAddress,
				ImportState:        true,
				ImportStateId:      url,
				ImportStatePersist: true,
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					if len(states) != 1 {
						return fmt.Errorf("imported %d resources, want 1", len(states))
					}
					attrs := states[0].Attributes
					for k, want := range map[string]string{"url": url, "user": "Everyone", "sddl": "D:(A;;GX;;;WD)",
						"listen": "true", "delegate": "false", "entries.0.account": "Everyone"} {
						if attrs[k] != want {
							return fmt.Errorf("imported %s = %q, want %q", k, attrs[k], want)
						}
					}
					return nil
				},
			},
			// user names the imported account: nothing to change.
			emptyPlanStep(config),
		},
	})
}

// TestAccHTTPURLACL_importPlansClean: a reservation made with
// user = "EVERYONE" imports to the same grant, and with an import {} block
// the configuration that made it plans an import with no change; a
// user-mode reservation for another account, with delegate, too.
// (TestAccHTTPURLACL_importExisting plans after terraform import.)
func TestAccHTTPURLACL_importPlansClean(t *testing.T) {
	h := acctest.NewHost(t, nil)
	const url = "https://+:4207/"
	for _, body := range []string{userACL(url, "EVERYONE"), userACL(url, "BUILTIN\\Users", "delegate = true")} {
		config := urlACLConfig(h, body)
		resource.Test(t, resource.TestCase{
			PreCheck:                 func() { acctest.PreCheck(t) },
			ProtoV6ProviderFactories: acctest.ProviderFactories,
			CheckDestroy:             checkURLACLsDestroyed(t, h, url),
			Steps: []resource.TestStep{
				{Config: config},
				{
					ResourceName:      urlACLAddress,
					ImportState:       true,
					ImportStateId:     url,
					ImportStateVerify: true,
					// Import reads the account's own name (Everyone for
					// EVERYONE) and the host's SDDL spelling (WD for
					// S-1-1-0): checked by meaning here, and the next steps
					// show the configuration plans no change.
					ImportStateVerifyIgnore: []string{"user", "sddl"},
					ImportStateCheck:        checkImportedUserACL(url),
				},
				{
					// import {} with the configuration: the plan must be an
					// import with no change.
					Config:          config,
					ResourceName:    urlACLAddress,
					ImportState:     true,
					ImportStateKind: resource.ImportBlockWithID,
					ImportStateId:   url,
				},
			},
		})
	}
}

// TestAccHTTPURLACL_germanHost runs the procedure's "user=EVERYONE" against a
// German Windows, where Everyone is "Jeder": the provider resolves the
// English name itself, so it creates, and re-plans empty.
func TestAccHTTPURLACL_germanHost(t *testing.T) {
	h := acctest.NewHost(t, []byte(`{"locale":"de-DE"}`))
	if h.Sim == nil {
		// The scenario's locale makes the simulator German; a real host is
		// as its installation made it, and the checks expect "Jeder".
		t.Skip("needs a German host (Everyone is \"Jeder\"): the de-DE simulator provides one; WINRM_HOST names a host whose language the test cannot choose")
	}
	const url = "https://+:4207/"
	config := urlACLConfig(h, userACL(url, "Everyone"))
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkURLACLsDestroyed(t, h, url),
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(urlACLAddress, "user", "Everyone"),
					resource.TestCheckResourceAttr(urlACLAddress, "entries.0.sid", "S-1-1-0"),
					resource.TestCheckResourceAttr(urlACLAddress, "entries.0.account", "Jeder"),
					checkHostURLACL(t, h, url, "D:(A;;GX;;;WD)"),
				),
			},
			emptyPlanStep(config),
			{
				// Import on a German host reads Everyone, not Jeder: the
				// configuration plans an import with no change.
				Config:          config,
				ResourceName:    urlACLAddress,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportStateId:   url,
			},
			generatedConfigStep(urlACLAddress, url,
				plancheck.ExpectKnownValue("windows_http_urlacl.generated", tfjsonpath.New("user"), knownvalue.StringExact("Everyone"))),
			// The host's own name for the same SID: no change.
			emptyPlanStep(urlACLConfig(h, userACL(url, "Jeder"))),
			{
				Config:           urlACLConfig(h, userACL(url, `BUILTIN\Users`)),
				ConfigPlanChecks: expectAction(urlACLAddress, plancheck.ResourceActionReplace),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(urlACLAddress, "entries.0.account", `VORDEFINIERT\Benutzer`),
					checkHostURLACL(t, h, url, "D:(A;;GX;;;BU)"),
				),
			},
		},
	})
}

// TestAccHTTPURLACL_hostileValues reserves a URL whose path holds every
// kind of quote, $() and backticks, for a local account whose name holds
// them too, and reads both back from the host exactly: they travel as
// data, never as PowerShell source.
func TestAccHTTPURLACL_hostileValues(t *testing.T) {
	const account = "svc'$(x)`\u2018\u2019\u201c\u201d"
	const url = "http://+:8080/a'b\"c$(x)`d\u2018e\u2019f\u201cg\u201d/"
	scenario := fmt.Sprintf(`{"accounts":[{"name":%s,"sid":"S-1-5-21-1-2-3-1001"}]}`, acctest.JSONString(account))
	h := acctest.NewHost(t, []byte(scenario))
	user, hostAccount, sddl := account, "WIN-ACC\\"+account, "D:(A;;GX;;;S-1-5-21-1-2-3-1001)"
	if !h.IsSim() {
		// A real host has no such account; the URL still proves the point.
		user, hostAccount, sddl = "Everyone", "Everyone", "D:(A;;GX;;;WD)"
	}
	config := urlACLConfig(h, userACL(url, user))
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkURLACLsDestroyed(t, h, url),
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(urlACLAddress, "url", url),
					resource.TestCheckResourceAttr(urlACLAddress, "user", user),
					resource.TestCheckResourceAttr(urlACLAddress, "entries.0.account", hostAccount),
					checkSimURLACLExact(t, h, url, sddl),
				),
			},
			emptyPlanStep(config),
			{
				ResourceName:            urlACLAddress,
				ImportState:             true,
				ImportStateId:           url,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"user", "sddl"}, // import reads no user; sddl is compared by meaning
			},
		},
	})
}

// TestAccHTTPURLACL_sddlLocalAccount: an sddl naming a local account's SID
// is looked up on the host at plan and, the account being known, applies.
func TestAccHTTPURLACL_sddlLocalAccount(t *testing.T) {
	h := acctest.NewHost(t, []byte(`{"accounts":[{"name":"svc-sage","sid":"S-1-5-21-1-2-3-1001"}]}`))
	if !h.IsSim() {
		t.Skip("needs the simulator's local account")
	}
	const url = "https://+:4207/"
	const sddl = "D:(A;;GX;;;S-1-5-21-1-2-3-1001)"
	config := urlACLConfig(h, fmt.Sprintf("  url  = %s\n  sddl = %s\n", acctest.HCLString(url), acctest.HCLString(sddl)))
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkURLACLsDestroyed(t, h, url),
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(urlACLAddress, "entries.0.account", "WIN-ACC\\svc-sage"),
					checkHostURLACL(t, h, url, sddl),
				),
			},
			emptyPlanStep(config),
		},
	})
}

// checkImportedUserACL checks an imported user-mode reservation: user set
// and sddl the one-account descriptor it makes.
func checkImportedUserACL(url string) resource.ImportStateCheckFunc {
	return func(states []*terraform.InstanceState) error {
		if len(states) != 1 {
			return fmt.Errorf("imported %d resources, want 1", len(states))
		}
		attrs := states[0].Attributes
		if attrs["url"] != url || attrs["user"] == "" || attrs["entries.#"] != "1" {
			return fmt.Errorf("imported url %q user %q entries %s; want %s, a user, 1 entry", attrs["url"], attrs["user"], attrs["entries.#"], url)
		}
		return nil
	}
}

// checkSimURLACLExact reads the host's state through the simulator's admin
// API and requires a reservation whose URL is url byte for byte.
func checkSimURLACLExact(t *testing.T, h *acctest.Host, url, sddl string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if !h.IsSim() {
			return checkHostURLACL(t, h, url, sddl)(nil)
		}
		acls := acctest.StateList(t, h.SimState(t), "urlacls")
		for _, acl := range acls {
			if acl["url"] == url && acl["sddl"] == sddl {
				return nil
			}
		}
		return fmt.Errorf("no reservation %q with %s on the host; the host has %s", url, sddl, acctest.FormatJSON(acls))
	}
}

// TestAccHTTPURLACL_invalid checks that each invalid input fails at plan,
// naming the attribute.
func TestAccHTTPURLACL_invalid(t *testing.T) {
	h := acctest.NewHost(t, nil)
	tests := []struct {
		name, body, wantErr string
	}{
		{"url without trailing slash", userACL("https://+:4207", "Everyone"), `Invalid value for url(?s).*must end with "/"`},
		{"url upper-case scheme", userACL("HTTPS://+:4207/", "Everyone"), `Invalid value for url(?s).*http:// or https://`},
		{"url without port", userACL("https://+/", "Everyone"), `Invalid value for url(?s).*:port`},
		{"url with newline", userACL("https://+:4207/a\nb/", "Everyone"), `Invalid value for url(?s).*white space`},
		{"url with NUL", userACL("https://+:4207/a\x00b/", "Everyone"), `Invalid value for url(?s).*control`},
		{"url of 10 KB", userACL("https://+:4207/"+strings.Repeat("a/", 5120), "Everyone"), `Invalid value for url(?s).*longer than 2048`},
		{"user with double quote", userACL("https://+:4207/", `a"b`), `Invalid value for user(?s).*does not allow`},
		{"user with newline", userACL("https://+:4207/", "a\nb"), `Invalid value for user`},
		{"user and a contradicting sddl", userACL("https://+:4207/", "Everyone", `sddl = "D:(A;;GX;;;BU)"`),
			`sddl contradicts user(?s).*D:\(A;;GX;;;BU\).*"Everyone".*remove\s+sddl`},
		{"user and sddl with other rights", userACL("https://+:4207/", "Everyone", "delegate = true", `sddl = "D:(A;;GX;;;WD)"`),
			`delegate contradicts sddl`},
		{"neither user nor sddl", `  url = "https://+:4207/"`, `At least one of these attributes must be configured: \[user,sddl\]`},
		{"grants nothing", userACL("https://+:4207/", "Everyone", "listen = false"), `Reservation grants nothing(?s).*listen`},
		{"user unknown on the host", userACL("https://+:4207/", `SAGE300\nobody`), `Cannot resolve user(?s).*1332`},
		{"sddl with an unknown SID", `  url = "https://+:4207/"` + "\n" + `  sddl = "D:(A;;GX;;;WD)(A;;GX;;;S-1-5-21-1-2-3-4242)"`,
			`Cannot resolve an account of sddl(?s).*with\s+windows_http_urlacl\.test.*sddl\s+grants\s+S-1-5-21-1-2-3-4242.*1332`},
		{"sddl with an alias Windows does not define", `  url = "https://+:4207/"` + "\n" + `  sddl = "D:(A;;GX;;;XX)"`,
			`Invalid value for sddl(?s).*"XX"\s+is\s+not\s+a\s+SID\s+alias\s+of\s+Windows`},
		{"sddl malformed", `  url = "https://+:4207/"` + "\n" + `  sddl = "D:(A;;GX;;WD)"`, `Invalid value for sddl(?s).*fields`},
		{"sddl with trailing newline", `  url = "https://+:4207/"` + "\n" + `  sddl = "D:(A;;GX;;;WD)\n"`, `Invalid value for sddl(?s).*unexpected '\\n'`},
		{"sddl with contradicting delegate", `  url = "https://+:4207/"` + "\n" + `  sddl = "D:(A;;GX;;;WD)"` + "\n  delegate = true",
			`delegate contradicts sddl(?s).*delegate\s+=\s+true\s+contradicts\s+sddl\s+"D:\(A;;GX;;;WD\)".*S-1-1-0\s+has\s+no\s+GW\s+or\s+GA\s+right`},
		{"sddl with contradicting listen", `  url = "https://+:4207/"` + "\n" + `  sddl = "D:(A;;GX;;;WD)(A;;GA;;;BA)"` + "\n  listen = false",
			`listen contradicts sddl(?s).*every\s+account\s+it\s+allows\s+may\s+listen`},
		{"sddl with delegate for one of two", `  url = "https://+:4207/"` + "\n" + `  sddl = "D:(A;;GX;;;WD)(A;;GA;;;BA)"` + "\n  listen = true\n  delegate = true",
			`delegate contradicts sddl(?s).*S-1-1-0\s+has\s+no\s+GW\s+or\s+GA\s+right`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { testPlanFails(t, urlACLConfig(h, tt.body), tt.wantErr) })
	}
}
