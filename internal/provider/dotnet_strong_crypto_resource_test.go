package provider_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/acctest"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/windows"
)

const (
	strongCryptoAddress = "windows_dotnet_strong_crypto.this"
	netFx4Key64         = `HKLM\SOFTWARE\Microsoft\.NETFramework\v4.0.30319`
	netFx4Key32         = `HKLM\SOFTWARE\WOW6432Node\Microsoft\.NETFramework\v4.0.30319`
	netFx2Key64         = `HKLM\SOFTWARE\Microsoft\.NETFramework\v2.0.50727`
	netFx2Key32         = `HKLM\SOFTWARE\WOW6432Node\Microsoft\.NETFramework\v2.0.50727`
)

func strongCryptoConfig(h *acctest.Host, enabled bool) string {
	return h.ProviderConfig("") + hclBlock("resource", "windows_dotnet_strong_crypto", "this", fmt.Sprintf("enabled = %t", enabled))
}

// checkHostStrongCrypto checks through the host API the two values of the
// key at path (nil: absent) and whether the key exists.
func checkHostStrongCrypto(t *testing.T, h *acctest.Host, path string, exists bool, strong, system *uint32) resource.TestCheckFunc {
	return func(*terraform.State) error {
		keys, err := h.Windows(t).TLSSettings().DotNetCrypto(acctest.Context(t))
		if err != nil {
			return err
		}
		for _, k := range keys {
			if k.Path != path {
				continue
			}
			if k.Exists != exists || !sameDWORD(k.SchUseStrongCrypto, strong) || !sameDWORD(k.SystemDefaultTLSVersions, system) {
				return fmt.Errorf("host %s: exists %t SchUseStrongCrypto %s SystemDefaultTlsVersions %s; want %t %s %s",
					path, k.Exists, dwordText(k.SchUseStrongCrypto), dwordText(k.SystemDefaultTLSVersions), exists, dwordText(strong), dwordText(system))
			}
			return nil
		}
		return fmt.Errorf("the host did not report %s", path)
	}
}

// checkHostStrongCryptoAll checks every key that exists holds value in
// both values, and the others still do not exist.
func checkHostStrongCryptoAll(t *testing.T, h *acctest.Host, before []windows.DotNetCryptoKey, value uint32) resource.TestCheckFunc {
	var checks []resource.TestCheckFunc
	for _, k := range before {
		if k.Exists {
			checks = append(checks, checkHostStrongCrypto(t, h, k.Path, true, dwordValue(value), dwordValue(value)))
		} else {
			checks = append(checks, checkHostStrongCrypto(t, h, k.Path, false, nil, nil))
		}
	}
	return resource.ComposeAggregateTestCheckFunc(checks...)
}

// TestAccDotNetStrongCrypto_lifecycle: on the simulator a host with .NET 4
// (its 64-bit key holding SchUseStrongCrypto=1 already) and .NET 3.5 in the
// 64-bit view only. Create writes the keys present and leaves the absent
// one absent; an empty re-plan; drift through the admin API; turning it
// off; import; destroy puts back exactly the values found.
func TestAccDotNetStrongCrypto_lifecycle(t *testing.T) {
	h := acctest.NewHost(t, registryScenario(t, "", map[string]map[string]uint32{
		netFx4Key64: {"SchUseStrongCrypto": 1},
		netFx2Key64: {},
	}))
	config := strongCryptoConfig(h, true)
	before, err := h.Windows(t).TLSSettings().DotNetCrypto(acctest.Context(t))
	if err != nil {
		t.Fatal(err)
	}
	var restored []resource.TestCheckFunc
	present := 0
	for _, k := range before {
		restored = append(restored, checkHostStrongCrypto(t, h, k.Path, k.Exists, k.SchUseStrongCrypto, k.SystemDefaultTLSVersions))
		if k.Exists {
			present++
		}
	}
	if h.IsSim() && (present != 3 || !sameDWORD(before[0].SchUseStrongCrypto, dwordValue(1)) || before[0].SystemDefaultTLSVersions != nil) {
		t.Fatalf("scenario: %+v; want the v4 keys and the 64-bit v2 key, the 64-bit v4 key with SchUseStrongCrypto=1 only", before)
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             resource.ComposeAggregateTestCheckFunc(restored...),
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: resource.ComposeAggregateTestCheckFunc(
					checkHostStrongCryptoAll(t, h, before, 1),
					resource.TestCheckResourceAttr(strongCryptoAddress, "id", "dotnet_strong_crypto"),
					resource.TestCheckResourceAttr(strongCryptoAddress, "keys.#", fmt.Sprint(present)),
					resource.TestCheckResourceAttr(strongCryptoAddress, "keys.1", netFx4Key32),
				),
			},
			emptyPlanStep(config),
			{
				// Someone reset the 32-bit key's SystemDefaultTlsVersions.
				SkipFunc: acctest.NotSim(h),
				PreConfig: editSimRows(t, h, "registry", "key", netFx4Key32, map[string]any{"values": []map[string]any{
					{"name": "SchUseStrongCrypto", "type": "REG_DWORD", "data": 1},
					{"name": "SystemDefaultTlsVersions", "type": "REG_DWORD", "data": 0}}}),
				Config:           config,
				ConfigPlanChecks: expectAction(strongCryptoAddress, plancheck.ResourceActionUpdate),
				Check:            checkHostStrongCrypto(t, h, netFx4Key32, true, dwordValue(1), dwordValue(1)),
			},
			{
				Config:           strongCryptoConfig(h, false),
				ConfigPlanChecks: expectAction(strongCryptoAddress, plancheck.ResourceActionUpdate),
				Check:            checkHostStrongCryptoAll(t, h, before, 0),
			},
			emptyPlanStep(strongCryptoConfig(h, false)),
			{
				ResourceName:      strongCryptoAddress,
				ImportState:       true,
				ImportStateId:     "dotnet_strong_crypto",
				ImportStateVerify: true,
			},
		},
	})
}

func TestAccDotNetStrongCrypto_noFramework4(t *testing.T) {
	h := acctest.NewHost(t, []byte(`{"registry":[]}`))
	if !h.IsSim() {
		t.Skip("needs a host without .NET Framework 4, which the simulator plays")
	}
	testApplyFails(t, strongCryptoConfig(h, true), `(?s)Framework 4 is not\s+installed.*Install .NET Framework 4.8`)
}
