package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/windows"
)

// hostFromProviderData returns the host the provider block configured, or
// nil while the provider is not configured yet (its values are unknown
// until other resources are applied).
func hostFromProviderData(data any, diags *diag.Diagnostics) *windows.Host {
	if data == nil {
		return nil
	}
	host, ok := data.(*windows.Host)
	if !ok {
		diags.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *windows.Host, got %T. This is a bug in the provider; please report it.", data))
		return nil
	}
	return host
}

// ensureHost reports whether the host is configured, adding an error that
// says what to do if not.
func ensureHost(host *windows.Host, diags *diag.Diagnostics) bool {
	if host == nil {
		diags.AddError("Windows host not configured",
			"The provider has no host to connect to: set host in the provider block (or WINRM_HOST), with values known at plan time.")
		return false
	}
	return true
}
