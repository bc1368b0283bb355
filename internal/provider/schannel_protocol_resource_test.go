package provider_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/acctest"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/windows"
)

const (
	schannelProtocolsKey = `HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\`
	tls12ServerAddress   = "windows_schannel_protocol.tls12_server"
	tls10ServerAddress   = "windows_schannel_protocol.tls10_server"
)

// registryScenario is a host whose registry holds keys (name → DWORD) per
// key path, besides the .NET Framework 4 keys every Server 2022 has.
func registryScenario(t *testing.T, osVersion string, keys map[string]map[string]uint32) []byte {
	t.Helper()
	var list []map[string]any
	for _, key := range []string{`HKLM\SOFTWARE\Microsoft\.NETFramework\v4.0.30319`, `HKLM\SOFTWARE\WOW6432Node\Microsoft\.NETFramework\v4.0.30319`} {
		if _, ok := keys[key]; !ok {
			list = append(list, map[string]any{"key": key})
		}
	}
	for key, values := range keys {
		var vs []map[string]any
		for name, data := range values {
			vs = append(vs, map[string]any{"name": name, "type": "REG_DWORD", "data": data})
		}
		list = append(list, map[string]any{"key": key, "values": vs})
	}
	doc := map[string]any{"registry": list}
	if osVersion != "" {
		doc["os_version"] = osVersion
	}
	data, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func schannelConfig(h *acctest.Host, tls12, tls10 bool) string {
	return h.ProviderConfig("") +
		hclBlock("resource", "windows_schannel_protocol", "tls12_server",
			hclAttr("protocol", "TLS 1.2"), hclAttr("side", "server"), fmt.Sprintf("enabled = %t", tls12)) +
		hclBlock("resource", "windows_schannel_protocol", "tls10_server",
			hclAttr("protocol", "TLS 1.0"), hclAttr("side", "server"), fmt.Sprintf("enabled = %t", tls10))
}

// checkHostSChannel checks through the host API what a side's key holds;
// nil wants a value absent, and wantKey whether the key exists.
func checkHostSChannel(t *testing.T, h *acctest.Host, protocol, side string, wantKey bool, enabled, disabledByDefault *uint32) resource.TestCheckFunc {
	return func(*terraform.State) error {
		s, err := h.Windows(t).TLSSettings().SChannel(acctest.Context(t), protocol, side)
		if err != nil {
			return err
		}
		if s.KeyExists != wantKey || !sameDWORD(s.Enabled, enabled) || !sameDWORD(s.DisabledByDefault, disabledByDefault) {
			return fmt.Errorf("host %s %s: key %t Enabled %s DisabledByDefault %s; want key %t Enabled %s DisabledByDefault %s",
				protocol, side, s.KeyExists, dwordText(s.Enabled), dwordText(s.DisabledByDefault), wantKey, dwordText(enabled), dwordText(disabledByDefault))
		}
		return nil
	}
}

// readHostSChannel reads a side's key through the host API.
func readHostSChannel(t *testing.T, h *acctest.Host, protocol, side string) windows.SChannelSide {
	t.Helper()
	s, err := h.Windows(t).TLSSettings().SChannel(acctest.Context(t), protocol, side)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func sameDWORD(a, b *uint32) bool { return a == nil && b == nil || a != nil && b != nil && *a == *b }

func dwordText(v *uint32) string {
	if v == nil {
		return "absent"
	}
	return fmt.Sprint(*v)
}

func dwordValue(v uint32) *uint32 { return &v }

// TestAccSChannelProtocol_lifecycle turns TLS 1.2 on (no key before) and
// TLS 1.0 off (a key with Enabled=1 before) on the server side: create,
// an empty re-plan, drift made through the admin API, import, and destroy
// putting back exactly what was there.
func TestAccSChannelProtocol_lifecycle(t *testing.T) {
	h := acctest.NewHost(t, registryScenario(t, "", map[string]map[string]uint32{
		schannelProtocolsKey + `TLS 1.0\Server`: {"Enabled": 1},
	}))
	config := schannelConfig(h, true, false)
	// What destroy must put back: on the simulator the scenario's keys, on
	// a real host whatever it had.
	tls12, tls10 := readHostSChannel(t, h, "TLS 1.2", "Server"), readHostSChannel(t, h, "TLS 1.0", "Server")
	if h.IsSim() && (tls12.KeyExists || tls10.Enabled == nil || *tls10.Enabled != 1 || tls10.DisabledByDefault != nil) {
		t.Fatalf("scenario: TLS 1.2 %+v, TLS 1.0 %+v; want no TLS 1.2 key and TLS 1.0 with Enabled=1 only", tls12, tls10)
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(
			checkHostSChannel(t, h, "TLS 1.2", "Server", tls12.KeyExists, tls12.Enabled, tls12.DisabledByDefault),
			checkHostSChannel(t, h, "TLS 1.0", "Server", tls10.KeyExists, tls10.Enabled, tls10.DisabledByDefault),
		),
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: resource.ComposeAggregateTestCheckFunc(
					checkHostSChannel(t, h, "TLS 1.2", "Server", true, dwordValue(1), dwordValue(0)),
					checkHostSChannel(t, h, "TLS 1.0", "Server", true, dwordValue(0), dwordValue(1)),
					resource.TestCheckResourceAttr(tls12ServerAddress, "id", "TLS 1.2/server"),
					resource.TestCheckResourceAttr(tls12ServerAddress, "reboot_required", "true"),
					resource.TestCheckResourceAttr(tls12ServerAddress, "key", schannelProtocolsKey+`TLS 1.2\Server`),
					resource.TestCheckResourceAttr(tls10ServerAddress, "enabled", "false"),
				),
			},
			emptyPlanStep(config),
			{
				// Someone set TLS 1.2 Enabled to 0 in regedit.
				SkipFunc: acctest.NotSim(h),
				PreConfig: editSimRows(t, h, "registry", "key", schannelProtocolsKey+`TLS 1.2\Server`, map[string]any{
					"values": []map[string]any{{"name": "Enabled", "type": "REG_DWORD", "data": 0}}}),
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(tls12ServerAddress, plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction(tls10ServerAddress, plancheck.ResourceActionNoop),
				}},
				Check: checkHostSChannel(t, h, "TLS 1.2", "Server", true, dwordValue(1), dwordValue(0)),
			},
			{
				// The key deleted: enabled reads as null (the Windows default), planned back to true.
				SkipFunc: acctest.NotSim(h),
				PreConfig: func() {
					if h.IsSim() {
						h.EditSimState(t, func(state map[string]any) {
							state["registry"] = withoutRows(acctest.StateList(t, state, "registry"), "key", schannelProtocolsKey+`TLS 1.2\Server`)
						})
					}
				},
				Config:           config,
				ConfigPlanChecks: expectAction(tls12ServerAddress, plancheck.ResourceActionUpdate),
				Check:            checkHostSChannel(t, h, "TLS 1.2", "Server", true, dwordValue(1), dwordValue(0)),
			},
			{
				Config:           schannelConfig(h, true, true),
				ConfigPlanChecks: expectAction(tls10ServerAddress, plancheck.ResourceActionUpdate),
				Check:            checkHostSChannel(t, h, "TLS 1.0", "Server", true, dwordValue(1), dwordValue(0)),
			},
			{
				ResourceName:            tls10ServerAddress,
				ImportState:             true,
				ImportStateId:           "TLS 1.0/server",
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"reboot_required"},
			},
		},
	})
}

// withoutRows returns rows without those whose field is value.
func withoutRows(rows []map[string]any, field, value string) []any {
	out := []any{}
	for _, r := range rows {
		if r[field] != value {
			out = append(out, r)
		}
	}
	return out
}

// TestAccSChannelProtocol_tls13NeedsServer2022: on Windows Server 2019
// (build 17763) TLS 1.3 is refused at plan, naming the build needed.
func TestAccSChannelProtocol_tls13NeedsServer2022(t *testing.T) {
	h := acctest.NewHost(t, registryScenario(t, "10.0.17763", nil))
	if !h.IsSim() {
		t.Skip("needs a Windows Server 2019 host, which the simulator plays")
	}
	testPlanFails(t, h.ProviderConfig("")+hclBlock("resource", "windows_schannel_protocol", "tls13",
		hclAttr("protocol", "TLS 1.3"), hclAttr("side", "server"), "enabled = true"),
		`(?s)TLS 1.3 is not available.*build 17763.*Server 2022 \(build 20348\)`)
}

func TestAccSChannelProtocol_badImportID(t *testing.T) {
	h := acctest.NewHost(t, nil)
	testImportIDFails(t, h.ProviderConfig("")+hclBlock("resource", "windows_schannel_protocol", "x",
		hclAttr("protocol", "TLS 1.2"), hclAttr("side", "server"), "enabled = true"),
		"windows_schannel_protocol.x", "TLS1.2/Server", `(?s)Invalid import ID.*"TLS 1.2/server"`)
}

// testImportIDFails imports id into address with config and expects an error
// matching wantErr.
func testImportIDFails(t *testing.T, config, address, id, wantErr string) {
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:        config,
			ResourceName:  address,
			ImportState:   true,
			ImportStateId: id,
			ExpectError:   regexp.MustCompile(wantErr),
		}},
	})
}
