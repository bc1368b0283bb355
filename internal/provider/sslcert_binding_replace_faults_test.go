package provider_test

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/acctest"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/windows"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/winsim"
)

// TestAccHTTPSSLCertBinding_replaceWithoutUpdate: on a host whose
// httpapi.dll has no HttpUpdateServiceConfiguration (Server 2012 R2) a
// change deletes the binding and adds the new one. The add failing puts the
// old binding back, and the error says so; the restore failing too leaves
// the port unbound, and the error says that (it used to claim the old
// binding was still in place); the next apply binds the port again.
func TestAccHTTPSSLCertBinding_replaceWithoutUpdate(t *testing.T) {
	h, first, second, _ := bindingHost(t, []byte(`{"os_caption":"Microsoft Windows Server 2012 R2 Standard","os_version":"6.3.9600"}`))
	if h.Sim == nil {
		t.Skip("needs the simulator's fault injection")
	}
	key := windows.BindingKey{IPPort: "0.0.0.0:4106"}
	config := func(hash string) string {
		return bindingConfig(h, bindingArg("ipport", "0.0.0.0:4106"), bindingArg("certificate_hash", hash), bindingArg("app_id", sageAppID))
	}
	failAdds := func(codes ...int) func() {
		return func() {
			var calls []winsim.CallFailure
			for _, c := range codes {
				calls = append(calls, winsim.CallFailure{Call: "httpapi.setsslbinding", Code: c})
			}
			h.Sim.SetFaults(winsim.Faults{FailCalls: calls})
		}
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkBindingsDestroyed(t, h, key),
		Steps: []resource.TestStep{
			{Config: config(first.Thumbprint), Check: checkHostBinding(t, h, key, hostBindingIs(first.Thumbprint, sageAppID, true))},
			{
				// The add after the delete fails; the restore works.
				PreConfig:   failAdds(1312),
				Config:      config(second.Thumbprint),
				ExpectError: regexp.MustCompile(`(?s)Certificate not usable for the binding.*Cannot change the SSL binding\s+ipport=0\.0\.0\.0:4106\s+\(the\s+old\s+binding\s+is\s+still\s+in\s+place\).*previous\s+binding\s+was\s+restored`),
			},
			{
				PreConfig: func() {
					if err := checkHostBinding(t, h, key, hostBindingIs(first.Thumbprint, sageAppID, true))(nil); err != nil {
						t.Errorf("after the restored change: %v", err)
					}
					failAdds(1312, 1450)()
				},
				Config: config(second.Thumbprint),
				ExpectError: regexp.MustCompile(
					`(?s)Cannot change the SSL binding\s+ipport=0\.0\.0\.0:4106:\s+the\s+port\s+is\s+now\s+unbound.*ipport=0\.0\.0\.0:4106\s+is\s+now\s+unbound`),
			},
			{
				// Refresh finds no binding: the next apply creates it.
				PreConfig: func() {
					if err := checkBindingsDestroyed(t, h, key)(nil); err != nil {
						t.Errorf("after the failed restore: %v", err)
					}
				},
				Config: config(second.Thumbprint),
				Check:  checkHostBinding(t, h, key, hostBindingIs(second.Thumbprint, sageAppID, true)),
			},
			emptyPlanStep(config(second.Thumbprint)),
		},
	})
}

// TestAccHTTPSSLCertBinding_updateFailureKeepsTheBinding: where
// HttpUpdateServiceConfiguration exists a change is one atomic call; when
// it fails the binding is as it was and the error says so.
func TestAccHTTPSSLCertBinding_updateFailureKeepsTheBinding(t *testing.T) {
	h, first, second, _ := bindingHost(t, nil)
	if h.Sim == nil {
		t.Skip("needs the simulator's fault injection")
	}
	key := windows.BindingKey{IPPort: "0.0.0.0:4106"}
	config := func(hash string) string {
		return bindingConfig(h, bindingArg("ipport", "0.0.0.0:4106"), bindingArg("certificate_hash", hash), bindingArg("app_id", sageAppID))
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkBindingsDestroyed(t, h, key),
		Steps: []resource.TestStep{
			{Config: config(first.Thumbprint)},
			{
				PreConfig: func() {
					h.Sim.SetFaults(winsim.Faults{FailCalls: []winsim.CallFailure{{Call: "httpapi.updatesslbinding", Code: 1450}}})
				},
				Config:      config(second.Thumbprint),
				ExpectError: regexp.MustCompile(`(?s)Cannot change the SSL binding\s+ipport=0\.0\.0\.0:4106\s+\(the\s+old\s+binding\s+is\s+still\s+in\s+place\).*old\s+binding\s+is\s+unchanged`),
			},
			{
				Config: config(second.Thumbprint),
				Check:  checkHostBinding(t, h, key, hostBindingIs(second.Thumbprint, sageAppID, true)),
			},
		},
	})
}
