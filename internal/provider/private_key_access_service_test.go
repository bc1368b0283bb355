package provider_test

import (
	"encoding/json"
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
	"github.com/seed-1120c41c/terraform-provider-windows/internal/windows"
)

// The accounts and services of the key-access-by-service scenario.
const (
	sidSvcSage    = "S-1-5-21-1004336348-1177238915-682003330-1001" // WIN-ACC\svc-sage
	sidSvcNew     = "S-1-5-21-1004336348-1177238915-682003330-1002" // WIN-ACC\svc-new
	sidLocalSvc   = "S-1-5-19"
	keyServiceApp = "Sage300IntegrationService" // runs as .\svc-sage, SID type none
	keyServiceSID = "Sage50Svc"                 // runs as LocalSystem, SID type unrestricted
	// sidSage50Svc is what sc.exe showsid Sage50Svc prints: S-1-5-80 and
	// the SHA-1 of "SAGE50SVC" in UTF-16LE as five little-endian integers.
	sidSage50Svc = "S-1-5-80-2965054411-2578669462-4232576744-3776030687-1931716357"
)

// keyServiceScenario is a host (the test simulator's WIN-ACC) with two local service accounts and two
// services: keyServiceApp as .\svc-sage without a service SID type, and
// keyServiceSID as LocalSystem with an unrestricted one.
func keyServiceScenario(t *testing.T) []byte {
	t.Helper()
	data, err := json.Marshal(map[string]any{
		"accounts": []any{
			map[string]any{"name": "svc-sage", "sid": sidSvcSage},
			map[string]any{"name": "svc-new", "sid": sidSvcNew},
		},
		"services": []any{
			map[string]any{"name": keyServiceApp, "start_name": `.\svc-sage`},
			map[string]any{"name": keyServiceSID, "sid_type": "unrestricted"},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// checkSimKeyACL checks the key's DACL in the simulator's state document
// (what the host holds, not what the provider reads back): SID=mask, in
// order.
func checkSimKeyACL(t *testing.T, h *acctest.Host, thumbprint string, want ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		cert := simCertificate(h.SimState(t), thumbprint)
		if cert == nil {
			return fmt.Errorf("certificate %s not in the simulator's MY store", thumbprint)
		}
		list, _ := cert["key_acl"].([]any)
		got := make([]string, 0, len(list))
		for _, e := range list {
			ace, _ := e.(map[string]any)
			mask, _ := ace["access_mask"].(float64)
			got = append(got, aceText(fmt.Sprint(ace["sid"]), uint32(mask)))
		}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			return fmt.Errorf("host key DACL\n  %s\nwant\n  %s", strings.Join(got, " "), strings.Join(want, " "))
		}
		return nil
	}
}

// setSimServiceAccount changes the service's logon account on the host, as
// services.msc (Log On) or sc.exe config obj= does.
func setSimServiceAccount(t *testing.T, h *acctest.Host, service, account string) func() {
	return func() {
		h.EditSimState(t, func(state map[string]any) {
			for _, s := range acctest.StateList(t, state, "services") {
				if s["name"] == service {
					s["start_name"] = account
					return
				}
			}
			t.Fatalf("service %s not in the simulator's state", service)
		})
	}
}

// expectPlannedAccount checks the account and SID the plan shows.
func expectPlannedAccount(action plancheck.ResourceActionType, account, sid string) resource.ConfigPlanChecks {
	return resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
		plancheck.ExpectResourceAction(keyAccessAddress, action),
		plancheck.ExpectKnownValue(keyAccessAddress, tfjsonpath.New("account"), knownvalue.StringExact(account)),
		plancheck.ExpectKnownValue(keyAccessAddress, tfjsonpath.New("sid"), knownvalue.StringExact(sid)),
	}}
}

// TestAccCertificatePrivateKeyAccess_followsServiceAccount grants the
// service's logon account (.\svc-sage, shown in the plan); the service is
// then moved to another account on the host: the plan shows account and
// sid changing in place, the apply grants svc-new and removes the
// resource's svc-sage entry, an entry someone else made stays, and destroy
// removes only the resource's entry.
func TestAccCertificatePrivateKeyAccess_followsServiceAccount(t *testing.T) {
	cert := acctest.NewTestCertificate(t, "sage300.example.local")
	h := acctest.NewHostWithCertificates(t, keyServiceScenario(t), acctest.StoreCertificate{Store: "MY", Cert: cert, WithKey: true})
	if !h.IsSim() {
		t.Skip("changes the service's account and reads the key's DACL through the simulator's admin API")
	}
	masks := keyMasks[windows.KeyProviderCNG]
	full, read := masks[windows.KeyAccessFull], masks[windows.KeyAccessRead]
	before := []string{aceText(sidSystem, full), aceText(sidAdministrators, full), aceText(sidIISUsers, read)}
	config := keyAccessConfig(h, hclAttr("thumbprint", cert.Thumbprint), hclAttr("service", strings.ToLower(keyServiceApp)))
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkSimKeyACL(t, h, cert.Thumbprint, before...),
		Steps: []resource.TestStep{
			{
				PreConfig: editSimKey(t, h, cert.Thumbprint, simKeyACL(windows.KeyProviderCNG,
					[2]any{sidSystem, full}, [2]any{sidAdministrators, full}, [2]any{sidIISUsers, read})),
				Config:           config,
				ConfigPlanChecks: expectPlannedAccount(plancheck.ResourceActionCreate, `.\svc-sage`, sidSvcSage),
				Check: resource.ComposeAggregateTestCheckFunc(
					checkSimKeyACL(t, h, cert.Thumbprint, append(before, aceText(sidSvcSage, read))...),
					resource.TestCheckResourceAttr(keyAccessAddress, "account", `.\svc-sage`),
					resource.TestCheckResourceAttr(keyAccessAddress, "sid", sidSvcSage),
					resource.TestCheckResourceAttr(keyAccessAddress, "id", "MY/"+cert.Thumbprint+"/"+sidSvcSage),
				),
			},
			emptyPlanStep(config),
			{
				PreConfig:        setSimServiceAccount(t, h, keyServiceApp, `WIN-ACC\svc-new`),
				Config:           config,
				ConfigPlanChecks: expectPlannedAccount(plancheck.ResourceActionUpdate, `WIN-ACC\svc-new`, sidSvcNew),
				Check: resource.ComposeAggregateTestCheckFunc(
					checkSimKeyACL(t, h, cert.Thumbprint, append(before, aceText(sidSvcNew, read))...),
					resource.TestCheckResourceAttr(keyAccessAddress, "id", "MY/"+cert.Thumbprint+"/"+sidSvcNew),
				),
			},
			emptyPlanStep(config),
		},
	})
}

// TestAccCertificatePrivateKeyAccess_serviceAccountChangeKeepsAdoptedEntry:
// the key already granted the service's account when the resource was
// created (adopted); when the service moves to NT AUTHORITY\LocalService
// (the SCM's spelling, resolved by the provider), the new account is
// granted and the adopted entry stays, on the move and on destroy.
func TestAccCertificatePrivateKeyAccess_serviceAccountChangeKeepsAdoptedEntry(t *testing.T) {
	cert := acctest.NewTestCertificate(t, "sage300.example.local")
	h := acctest.NewHostWithCertificates(t, keyServiceScenario(t), acctest.StoreCertificate{Store: "MY", Cert: cert, WithKey: true})
	if !h.IsSim() {
		t.Skip("changes the service's account and reads the key's DACL through the simulator's admin API")
	}
	masks := keyMasks[windows.KeyProviderCAPI]
	full, read := masks[windows.KeyAccessFull], masks[windows.KeyAccessRead]
	before := []string{aceText(sidSystem, full), aceText(sidAdministrators, full), aceText(sidSvcSage, read)}
	config := keyAccessConfig(h, hclAttr("thumbprint", cert.Thumbprint), hclAttr("service", keyServiceApp))
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkSimKeyACL(t, h, cert.Thumbprint, before...),
		Steps: []resource.TestStep{
			{
				PreConfig: editSimKey(t, h, cert.Thumbprint, simKeyACL(windows.KeyProviderCAPI,
					[2]any{sidSystem, full}, [2]any{sidAdministrators, full}, [2]any{sidSvcSage, read})),
				Config: config,
				Check:  checkSimKeyACL(t, h, cert.Thumbprint, before...),
			},
			{
				PreConfig:        setSimServiceAccount(t, h, keyServiceApp, `NT AUTHORITY\LocalService`),
				Config:           config,
				ConfigPlanChecks: expectPlannedAccount(plancheck.ResourceActionUpdate, `NT AUTHORITY\LocalService`, sidLocalSvc),
				Check:            checkSimKeyACL(t, h, cert.Thumbprint, append(before, aceText(sidLocalSvc, read))...),
			},
			emptyPlanStep(config),
		},
	})
}

// TestAccCertificatePrivateKeyAccess_serviceSID: a service running as
// LocalSystem (the SCM's name of S-1-5-18, which the key already grants:
// adopted) is switched to its service SID: the plan shows NT SERVICE\NAME
// and its S-1-5-80 SID, the apply adds that entry, and destroy removes it
// and leaves SYSTEM's.
func TestAccCertificatePrivateKeyAccess_serviceSID(t *testing.T) {
	cert := acctest.NewTestCertificate(t, "sage50.example.local")
	h := acctest.NewHostWithCertificates(t, keyServiceScenario(t), acctest.StoreCertificate{Store: "MY", Cert: cert, WithKey: true})
	if !h.IsSim() {
		t.Skip("reads the key's DACL through the simulator's admin API")
	}
	masks := keyMasks[windows.KeyProviderCNG]
	full, read := masks[windows.KeyAccessFull], masks[windows.KeyAccessRead]
	before := []string{aceText(sidSystem, full), aceText(sidAdministrators, full)}
	byAccount := keyAccessConfig(h, hclAttr("thumbprint", cert.Thumbprint), hclAttr("service", keyServiceSID))
	bySID := keyAccessConfig(h, hclAttr("thumbprint", cert.Thumbprint), hclAttr("service", keyServiceSID), "service_sid = true")
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkSimKeyACL(t, h, cert.Thumbprint, before...),
		Steps: []resource.TestStep{
			{
				PreConfig:        editSimKey(t, h, cert.Thumbprint, simKeyACL(windows.KeyProviderCNG, [2]any{sidSystem, full}, [2]any{sidAdministrators, full})),
				Config:           byAccount,
				ConfigPlanChecks: expectPlannedAccount(plancheck.ResourceActionCreate, windows.LocalSystemStartName, sidSystem),
				Check:            checkSimKeyACL(t, h, cert.Thumbprint, before...),
			},
			{
				Config:           bySID,
				ConfigPlanChecks: expectPlannedAccount(plancheck.ResourceActionUpdate, `NT SERVICE\`+keyServiceSID, sidSage50Svc),
				Check: resource.ComposeAggregateTestCheckFunc(
					checkSimKeyACL(t, h, cert.Thumbprint, append(before, aceText(sidSage50Svc, read))...),
					resource.TestCheckResourceAttr(keyAccessAddress, "sid", sidSage50Svc),
				),
			},
			emptyPlanStep(bySID),
		},
	})
}

// TestAccCertificatePrivateKeyAccess_serviceErrors: the plan fails, and
// nothing changes on the host, for a service that is not installed (1060,
// naming it), a service SID Windows does not put in the service's token
// (type none: what to run), and configurations naming both an account and
// a service, or service_sid without a service.
func TestAccCertificatePrivateKeyAccess_serviceErrors(t *testing.T) {
	cert := acctest.NewTestCertificate(t, "sage300.example.local")
	h := acctest.NewHostWithCertificates(t, keyServiceScenario(t), acctest.StoreCertificate{Store: "MY", Cert: cert, WithKey: true})
	full := keyMasks[windows.KeyProviderCNG][windows.KeyAccessFull]
	thumbprint := hclAttr("thumbprint", cert.Thumbprint)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkKeyACL(t, h, cert.Thumbprint, aceText(sidSystem, full), aceText(sidAdministrators, full)),
		Steps: []resource.TestStep{
			{
				Config:      keyAccessConfig(h, thumbprint, hclAttr("service", "NoSuchService")),
				ExpectError: regexp.MustCompile(`(?s)Service not found.*"NoSuchService".*1060.*short name`),
			},
			{
				Config:      keyAccessConfig(h, thumbprint, hclAttr("service", keyServiceApp), "service_sid = true"),
				ExpectError: regexp.MustCompile(`(?s)service SID is not in the service's token.*sc\.exe sidtype ` + keyServiceApp + `\s+unrestricted`),
			},
			{
				Config:      keyAccessConfig(h, thumbprint, hclAttr("service", keyServiceApp), hclAttr("account", sidNetworkService)),
				ExpectError: regexp.MustCompile(`(?s)Invalid Attribute Combination.*account.*service`),
			},
			{
				Config:      keyAccessConfig(h, thumbprint, hclAttr("account", sidNetworkService), "service_sid = true"),
				ExpectError: regexp.MustCompile(`(?s)Invalid Attribute Combination.*"service" must be specified`),
			},
		},
	})
}
