package provider_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"software.sslmate.com/src/go-pkcs12"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/acctest"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/windows"
)

// sessionTicketFlag is HTTP_SERVICE_CONFIG_SSL_FLAG_ENABLE_SESSION_TICKET
// (http.h), a DefaultFlags bit the resource does not manage.
const sessionTicketFlag = 0x800

// TestAccHTTPSSLCertBinding_tlsFlags sets the five TLS flags: create puts
// them on the host, the re-plan is empty, import reads them back, drift on
// the host is repaired, and an update keeps a DefaultFlags bit set on the
// host that the configuration does not manage (session tickets).
func TestAccHTTPSSLCertBinding_tlsFlags(t *testing.T) {
	h, first, _, _ := bindingHost(t, nil)
	key := windows.BindingKey{IPPort: "0.0.0.0:4106"}
	base := []string{bindingArg("ipport", "0.0.0.0:4106"), bindingArg("certificate_hash", first.Thumbprint), bindingArg("app_id", sageAppID)}
	allFlags := bindingConfig(h, append(base, "disable_legacy_tls = true", "disable_tls13 = true", "disable_http2 = true",
		"disable_quic = true", "disable_ocsp_stapling = true")...)
	legacyOnly := bindingConfig(h, append(base, "disable_legacy_tls = true")...)
	configured := windows.SSLBinding{BindingKey: key, CertificateHash: first.Thumbprint, AppID: sageAppID,
		CertificateStoreName: "MY", VerifyClientCertRevocation: true, UsageCheck: true,
		DisableLegacyTLS: true, DisableTLS13: true, DisableHTTP2: true, DisableQUIC: true, DisableOCSPStapling: true}
	legacy := configured
	legacy.DisableTLS13, legacy.DisableHTTP2, legacy.DisableQUIC, legacy.DisableOCSPStapling = false, false, false, false
	legacyKeepingTickets := legacy
	legacyKeepingTickets.OtherFlags = sessionTicketFlag
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkBindingsDestroyed(t, h, key),
		Steps: []resource.TestStep{
			{Config: allFlags, Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(bindingAddress, "disable_tls13", "true"),
				checkHostBinding(t, h, key, bindingEquals(configured, "after create")))},
			emptyPlanStep(allFlags),
			{ResourceName: bindingAddress, ImportState: true, ImportStateId: "0.0.0.0:4106", ImportStateVerify: true},
			driftStep(t, h, allFlags, bindingDrift{"disable_quic", false}, checkHostBinding(t, h, key, bindingEquals(configured, "after repairing disable_quic"))),
			{
				// Someone enables session tickets on the host; the plan
				// shows nothing for it (no attribute stands for the bit),
				// and the update of the flags keeps it.
				PreConfig: editSimRows(t, h, "sslcert_bindings", "ipport", "0.0.0.0:4106", map[string]any{"other_flags": sessionTicketFlag}),
				Config:    legacyOnly,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(bindingAddress, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				SkipFunc: acctest.NotSim(h),
				Check:    checkHostBinding(t, h, key, bindingEquals(legacyKeepingTickets, "after the update")),
			},
		},
	})
}

// TestAccHTTPSSLCertBinding_tlsFlagTooNewForHost expects a plan-time error
// naming the host's version for a flag its Windows does not honour, and
// nothing changed on the host.
func TestAccHTTPSSLCertBinding_tlsFlagTooNewForHost(t *testing.T) {
	tests := []struct {
		name, caption, version, flag, wantWindows string
	}{
		{"TLS 1.3 on Server 2019", "Microsoft Windows Server 2019 Standard", "10.0.17763", "disable_tls13", `Windows Server 2022 \(10\.0\.20348\)`},
		{"QUIC on Server 2019", "Microsoft Windows Server 2019 Standard", "10.0.17763", "disable_quic", `Windows Server 2022 \(10\.0\.20348\)`},
		{"legacy TLS on Server 2016", "Microsoft Windows Server 2016 Standard", "10.0.14393", "disable_legacy_tls", `Windows Server 2019 \(10\.0\.17763`},
		{"HTTP/2 on Server 2012 R2", "Microsoft Windows Server 2012 R2 Standard", "6.3.9600", "disable_http2", `Windows Server 2019 \(10\.0\.17763\)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			scenario := []byte(fmt.Sprintf(`{"os_caption":%q,"os_version":%q}`, tt.caption, tt.version))
			h, first, _, _ := bindingHost(t, scenario)
			if !h.IsSim() {
				t.Skip("needs a host of an older Windows version; the simulator plays one")
			}
			key := windows.BindingKey{IPPort: "0.0.0.0:4106"}
			config := bindingConfig(h, bindingArg("ipport", "0.0.0.0:4106"), bindingArg("certificate_hash", first.Thumbprint),
				bindingArg("app_id", sageAppID), tt.flag+" = true")
			resource.Test(t, resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				CheckDestroy:             checkBindingsDestroyed(t, h, key),
				Steps: []resource.TestStep{{
					Config: config,
					// Terraform wraps the message: any white space may be a line break.
					ExpectError: regexp.MustCompile(`(?s)` + tt.flag + `.*needs\s+` + strings.ReplaceAll(tt.wantWindows, " ", `\s+`) +
						`.*runs.*` + regexp.QuoteMeta(tt.version)),
				}},
			})
		})
	}
}

// TestAccHTTPSSLCertBinding_tlsFlagsSurviveRenewal renews the certificate
// of a binding with TLS flags (create_before_destroy, as examples/sage50
// does): the binding moves to the new certificate with its flags, where
// other tools' rebinding drops them (certify #588, win-acme #1768).
func TestAccHTTPSSLCertBinding_tlsFlagsSurviveRenewal(t *testing.T) {
	h := acctest.NewHost(t, nil)
	oldPFX := newTestPFX(t, "sage50.example.local", pkcs12.Modern)
	newPFX := newTestPFX(t, "sage50.example.local", pkcs12.Modern)
	key := windows.BindingKey{IPPort: sage50IPPort}
	configFor := func(p testPFX) string {
		return pfxConfig(h, p.Base64, pfxPassword, "lifecycle {\n    create_before_destroy = true\n  }") +
			hclBlock("resource", "windows_http_sslcert_binding", "test",
				bindingArg("ipport", sage50IPPort), "certificate_hash = windows_pfx_certificate.test.thumbprint", bindingArg("app_id", sage50AppID),
				"disable_legacy_tls = true", "disable_tls13 = true", "disable_ocsp_stapling = true")
	}
	servedWithFlags := func(p testPFX) resource.TestCheckFunc {
		want := windows.SSLBinding{BindingKey: key, CertificateHash: p.Thumbprint, AppID: sage50AppID, CertificateStoreName: "MY",
			VerifyClientCertRevocation: true, UsageCheck: true, DisableLegacyTLS: true, DisableTLS13: true, DisableOCSPStapling: true}
		return checkHostBinding(t, h, key, bindingEquals(want, "binding of "+p.Thumbprint))
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(
			checkCertificatesGone(t, h, "My", oldPFX.Thumbprint, newPFX.Thumbprint),
			checkBindingsDestroyed(t, h, key),
		),
		Steps: []resource.TestStep{
			{Config: configFor(oldPFX), Check: servedWithFlags(oldPFX)},
			{
				Config: configFor(newPFX),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(pfxAddress, plancheck.ResourceActionCreateBeforeDestroy),
					plancheck.ExpectResourceAction(bindingAddress, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(servedWithFlags(newPFX), checkCertificatesGone(t, h, "My", oldPFX.Thumbprint)),
			},
			emptyPlanStep(configFor(newPFX)),
		},
	})
}
