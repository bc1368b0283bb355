package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"

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

// modelSource is a plan, state or configuration (tfsdk.Plan, tfsdk.State,
// tfsdk.Config): what a resource or data source reads its model from.
type modelSource interface {
	Get(ctx context.Context, target any) diag.Diagnostics
}

// loadForHost reads a model of type M from src and checks that the provider
// has a host: the start of every call that talks to the host. ok is false,
// with diags saying why, when either failed.
func loadForHost[M any](ctx context.Context, src modelSource, host *windows.Host, diags *diag.Diagnostics) (m M, ok bool) {
	diags.Append(src.Get(ctx, &m)...)
	return m, !diags.HasError() && ensureHost(host, diags)
}

// recordPlan is an Update that changes nothing on the host: it stores the
// plan as the new state. The resources that use it replace for every change
// that needs the host.
func recordPlan[M any](ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan M
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}
