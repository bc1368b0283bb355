package provider_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"software.sslmate.com/src/go-pkcs12"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/acctest"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/windows"
)

const keyAccessAddress = "windows_certificate_private_key_access.test"

// Well-known SIDs the tests grant ("Well-known SIDs", learn.microsoft.com).
const (
	sidSystem         = "S-1-5-18"
	sidAdministrators = "S-1-5-32-544"
	sidUsers          = "S-1-5-32-545"
	sidNetworkService = "S-1-5-20"
	sidIISUsers       = "S-1-5-32-568"
)

// keyMasks are the access masks a grant writes for each key provider
// (PROTOCOL.md, "Private key access").
var keyMasks = map[string]map[string]uint32{
	windows.KeyProviderCNG:  {windows.KeyAccessRead: 0x80000000, windows.KeyAccessFull: 0x10000000},
	windows.KeyProviderCAPI: {windows.KeyAccessRead: 0x120089, windows.KeyAccessFull: 0x1F01FF},
}

// keyAccessConfig is a provider block and one
// windows_certificate_private_key_access with the given attribute lines.
func keyAccessConfig(h *acctest.Host, lines ...string) string {
	return h.ProviderConfig("") + hclBlock("resource", "windows_certificate_private_key_access", "test", lines...)
}

// aceText is an ACE as the tests compare them: SID=mask.
func aceText(sid string, mask uint32) string { return fmt.Sprintf("%s=%#x", sid, mask) }

// checkKeyACL checks through the host API that the key's DACL is want, in
// order.
func checkKeyACL(t *testing.T, h *acctest.Host, thumbprint string, want ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		acl, err := h.Windows(t).Certificates().GetKeyACL(acctest.Context(t), "My", thumbprint)
		if err != nil {
			return fmt.Errorf("read the key's DACL: %w", err)
		}
		got := make([]string, 0, len(acl.Entries))
		for _, e := range acl.Entries {
			got = append(got, aceText(e.SID, e.AccessMask))
		}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			return fmt.Errorf("key DACL\n  %s\nwant\n  %s", strings.Join(got, " "), strings.Join(want, " "))
		}
		return nil
	}
}

// editSimKey changes the simulated key of the certificate in MY: edit gets
// its state document entry (key_provider, key_acl).
func editSimKey(t *testing.T, h *acctest.Host, thumbprint string, edit func(cert map[string]any)) func() {
	return func() {
		h.EditSimState(t, func(state map[string]any) {
			cert := simCertificate(state, thumbprint)
			if cert == nil {
				t.Fatalf("certificate %s not in the simulator's MY store", thumbprint)
			}
			edit(cert)
		})
	}
}

// simKeyACL sets the key's provider and DACL (SID=mask pairs).
func simKeyACL(provider string, aces ...[2]any) func(cert map[string]any) {
	return func(cert map[string]any) {
		list := make([]any, 0, len(aces))
		for _, a := range aces {
			list = append(list, map[string]any{"sid": a[0], "access_mask": a[1]})
		}
		cert["key_provider"], cert["key_acl"] = provider, list
	}
}

// TestAccCertificatePrivateKeyAccess_lifecycle grants NETWORK SERVICE read
// access to a CNG key and to a CAPI key: create adds one ACE after the
// ones there, the re-plan is empty, import reads it back, an ACE removed on
// the host is planned and added again, a change to full access swaps the
// entry, an ACE someone else adds stays, and destroy leaves the DACL as it
// was plus that ACE.
func TestAccCertificatePrivateKeyAccess_lifecycle(t *testing.T) {
	for _, provider := range []string{windows.KeyProviderCNG, windows.KeyProviderCAPI} {
		t.Run(provider, func(t *testing.T) {
			cert := acctest.NewTestCertificate(t, "sage50.example.local")
			h := acctest.NewHostWithCertificates(t, nil, acctest.StoreCertificate{Store: "MY", Cert: cert, WithKey: true})
			if !h.IsSim() {
				t.Skip("sets the key's provider and DACL through the simulator's admin API")
			}
			masks := keyMasks[provider]
			full, read := masks[windows.KeyAccessFull], masks[windows.KeyAccessRead]
			before := []string{aceText(sidSystem, full), aceText(sidAdministrators, full), aceText(sidIISUsers, read)}
			seed := editSimKey(t, h, cert.Thumbprint, simKeyACL(provider,
				[2]any{sidSystem, full}, [2]any{sidAdministrators, full}, [2]any{sidIISUsers, read}))
			readConfig := keyAccessConfig(h, hclAttr("thumbprint", strings.ToLower(cert.Thumbprint)), hclAttr("account", `NT AUTHORITY\NETWORK SERVICE`))
			fullConfig := keyAccessConfig(h, hclAttr("thumbprint", strings.ToLower(cert.Thumbprint)), hclAttr("account", `NT AUTHORITY\NETWORK SERVICE`),
				`access = "full"`)
			removeOurs := editSimKey(t, h, cert.Thumbprint, simKeyACL(provider,
				[2]any{sidSystem, full}, [2]any{sidAdministrators, full}, [2]any{sidIISUsers, read}))
			someoneAddsUsers := editSimKey(t, h, cert.Thumbprint, simKeyACL(provider,
				[2]any{sidSystem, full}, [2]any{sidAdministrators, full}, [2]any{sidIISUsers, read}, [2]any{sidNetworkService, full}, [2]any{sidUsers, read}))
			resource.Test(t, resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				CheckDestroy:             checkKeyACL(t, h, cert.Thumbprint, append(before, aceText(sidUsers, read))...),
				Steps: []resource.TestStep{
					{
						PreConfig: seed,
						Config:    readConfig,
						Check: resource.ComposeAggregateTestCheckFunc(
							checkKeyACL(t, h, cert.Thumbprint, append(before, aceText(sidNetworkService, read))...),
							resource.TestCheckResourceAttr(keyAccessAddress, "sid", sidNetworkService),
							resource.TestCheckResourceAttr(keyAccessAddress, "access", "read"),
							resource.TestCheckResourceAttr(keyAccessAddress, "store_name", "My"),
							resource.TestCheckResourceAttr(keyAccessAddress, "key_provider", provider),
							resource.TestCheckResourceAttr(keyAccessAddress, "id", "MY/"+cert.Thumbprint+"/"+sidNetworkService),
						),
					},
					emptyPlanStep(readConfig),
					{ResourceName: keyAccessAddress, ImportState: true, ImportStateVerify: true,
						ImportStateId: "My/" + strings.ToLower(cert.Thumbprint) + `/NT AUTHORITY\NETWORK SERVICE`},
					{
						PreConfig: removeOurs,
						Config:    readConfig,
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(keyAccessAddress, plancheck.ResourceActionCreate)},
							PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
						},
						Check: checkKeyACL(t, h, cert.Thumbprint, append(before, aceText(sidNetworkService, read))...),
					},
					{
						Config:           fullConfig,
						ConfigPlanChecks: expectAction(keyAccessAddress, plancheck.ResourceActionDestroyBeforeCreate),
						Check:            checkKeyACL(t, h, cert.Thumbprint, append(before, aceText(sidNetworkService, full))...),
					},
					{
						PreConfig:        someoneAddsUsers,
						Config:           fullConfig,
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
					},
				},
			})
		})
	}
}

// TestAccCertificatePrivateKeyAccess_driftToLessAccess: full access cut
// down to read on the host shows as a change (refresh reads access =
// "read"), and apply replaces that entry with full access again.
func TestAccCertificatePrivateKeyAccess_driftToLessAccess(t *testing.T) {
	cert := acctest.NewTestCertificate(t, "sage50.example.local")
	h := acctest.NewHostWithCertificates(t, nil, acctest.StoreCertificate{Store: "MY", Cert: cert, WithKey: true})
	if !h.IsSim() {
		t.Skip("changes the key's DACL through the simulator's admin API")
	}
	masks := keyMasks[windows.KeyProviderCNG]
	full, read := masks[windows.KeyAccessFull], masks[windows.KeyAccessRead]
	config := keyAccessConfig(h, hclAttr("thumbprint", cert.Thumbprint), hclAttr("account", sidNetworkService), `access = "full"`)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkKeyACL(t, h, cert.Thumbprint, aceText(sidSystem, full), aceText(sidAdministrators, full)),
		Steps: []resource.TestStep{
			{Config: config, Check: checkKeyACL(t, h, cert.Thumbprint, aceText(sidSystem, full), aceText(sidAdministrators, full), aceText(sidNetworkService, full))},
			{
				PreConfig: editSimKey(t, h, cert.Thumbprint, simKeyACL(windows.KeyProviderCNG,
					[2]any{sidSystem, full}, [2]any{sidAdministrators, full}, [2]any{sidNetworkService, read})),
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(keyAccessAddress, plancheck.ResourceActionDestroyBeforeCreate)},
				},
				// The replacement removes the cut-down entry (the resource's,
				// as refresh found it) and adds full access again.
				Check: checkKeyACL(t, h, cert.Thumbprint, aceText(sidSystem, full), aceText(sidAdministrators, full), aceText(sidNetworkService, full)),
			},
			emptyPlanStep(config),
		},
	})
}

// TestAccCertificatePrivateKeyAccess_adoptsExistingOnGermanHost: on a
// German host the account is named in German; the key already grants it
// read access, so create changes nothing and destroy leaves the entry.
func TestAccCertificatePrivateKeyAccess_adoptsExistingOnGermanHost(t *testing.T) {
	cert := acctest.NewTestCertificate(t, "sage50.example.local")
	h := acctest.NewHostWithCertificates(t, []byte(`{"locale":"de-DE"}`), acctest.StoreCertificate{Store: "MY", Cert: cert, WithKey: true})
	if !h.IsSim() {
		t.Skip("plays a German host with the simulator")
	}
	masks := keyMasks[windows.KeyProviderCNG]
	full, read := masks[windows.KeyAccessFull], masks[windows.KeyAccessRead]
	existing := []string{aceText(sidSystem, full), aceText(sidAdministrators, full), aceText(sidNetworkService, read)}
	config := keyAccessConfig(h, hclAttr("thumbprint", cert.Thumbprint), hclAttr("account", `NT-AUTORITÄT\NETZWERKDIENST`))
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkKeyACL(t, h, cert.Thumbprint, existing...),
		Steps: []resource.TestStep{
			{
				PreConfig: editSimKey(t, h, cert.Thumbprint, simKeyACL(windows.KeyProviderCNG,
					[2]any{sidSystem, full}, [2]any{sidAdministrators, full}, [2]any{sidNetworkService, read})),
				Config: config,
				Check: resource.ComposeAggregateTestCheckFunc(
					checkKeyACL(t, h, cert.Thumbprint, existing...),
					resource.TestCheckResourceAttr(keyAccessAddress, "sid", sidNetworkService),
				),
			},
			emptyPlanStep(config),
		},
	})
}

// TestAccCertificatePrivateKeyAccess_unknownAccount fails the plan with
// Windows error 1332 and changes nothing on the host.
func TestAccCertificatePrivateKeyAccess_unknownAccount(t *testing.T) {
	cert := acctest.NewTestCertificate(t, "sage50.example.local")
	h := acctest.NewHostWithCertificates(t, nil, acctest.StoreCertificate{Store: "MY", Cert: cert, WithKey: true})
	full := keyMasks[windows.KeyProviderCNG][windows.KeyAccessFull]
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkKeyACL(t, h, cert.Thumbprint, aceText(sidSystem, full), aceText(sidAdministrators, full)),
		Steps: []resource.TestStep{{
			Config:      keyAccessConfig(h, hclAttr("thumbprint", cert.Thumbprint), hclAttr("account", `WIN-ACC\no-such-user`)),
			ExpectError: regexp.MustCompile(`(?s)Cannot resolve account.*1332`),
		}},
	})
}

// TestAccCertificatePrivateKeyAccess_noPrivateKey names the missing key.
func TestAccCertificatePrivateKeyAccess_noPrivateKey(t *testing.T) {
	cert := acctest.NewTestCertificate(t, "sage50.example.local")
	h := acctest.NewHostWithCertificates(t, nil, acctest.StoreCertificate{Store: "MY", Cert: cert, WithKey: false})
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      keyAccessConfig(h, hclAttr("thumbprint", cert.Thumbprint), hclAttr("account", sidNetworkService)),
			ExpectError: regexp.MustCompile(`(?s)Certificate has no usable private key.*import it with its key`),
		}},
	})
}

// TestAccCertificatePrivateKeyAccess_followsRenewal: a renewal imports a
// new certificate with a new key (default permissions); the access entry
// that references the thumbprint is added to the new key in the same apply.
func TestAccCertificatePrivateKeyAccess_followsRenewal(t *testing.T) {
	h := acctest.NewHost(t, nil)
	oldPFX := newTestPFX(t, "sage50.example.local", pkcs12.Modern)
	newPFX := newTestPFX(t, "sage50.example.local", pkcs12.Modern)
	configFor := func(p testPFX) string {
		return pfxConfig(h, p.Base64, pfxPassword, "lifecycle {\n    create_before_destroy = true\n  }") +
			hclBlock("resource", "windows_certificate_private_key_access", "test",
				"thumbprint = windows_pfx_certificate.test.thumbprint", hclAttr("account", `NT AUTHORITY\NETWORK SERVICE`))
	}
	granted := func(p testPFX) resource.TestCheckFunc {
		return func(*terraform.State) error {
			acl, err := h.Windows(t).Certificates().GetKeyACL(acctest.Context(t), "My", p.Thumbprint)
			if err != nil {
				return err
			}
			for _, e := range acl.Entries {
				if e.SID == sidNetworkService && e.Access == windows.KeyAccessRead {
					return nil
				}
			}
			return fmt.Errorf("the key of %s does not grant NETWORK SERVICE read access: %+v", p.Thumbprint, acl.Entries)
		}
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkCertificatesGone(t, h, "My", oldPFX.Thumbprint, newPFX.Thumbprint),
		Steps: []resource.TestStep{
			{Config: configFor(oldPFX), Check: granted(oldPFX)},
			{
				Config: configFor(newPFX),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(pfxAddress, plancheck.ResourceActionCreateBeforeDestroy),
					plancheck.ExpectResourceAction(keyAccessAddress, plancheck.ResourceActionReplace),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(granted(newPFX), checkCertificatesGone(t, h, "My", oldPFX.Thumbprint)),
			},
			emptyPlanStep(configFor(newPFX)),
		},
	})
}
