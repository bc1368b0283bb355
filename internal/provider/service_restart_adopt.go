package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ resource.ResourceWithModifyPlan = (*serviceRestartResource)(nil)

// restartedAtAdopted is restarted_at of a restart that was imported and has
// adopted its configured triggers without restarting the service.
const restartedAtAdopted = "adopted"

// ModifyPlan marks an imported restart whose triggers are being adopted
// (see replaceUnlessImported): after that apply it is like any other, and a
// change of triggers restarts. An imported restart whose configuration has
// no triggers (what terraform plan -generate-config-out writes) adopts
// nothing and plans no change: its first configured triggers are adopted
// later.
func (r *serviceRestartResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() {
		return // create or destroy
	}
	var restartedAt, serviceName, planned types.String
	var triggers, plannedTriggers types.Map
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("restarted_at"), &restartedAt)...)
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("service_name"), &serviceName)...)
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("triggers"), &triggers)...)
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("service_name"), &planned)...)
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("triggers"), &plannedTriggers)...)
	if resp.Diagnostics.HasError() || !restartedAt.IsNull() || !serviceName.Equal(planned) || triggers.Equal(plannedTriggers) {
		return
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("restarted_at"), types.StringValue(restartedAtAdopted))...)
}

// replaceUnlessImported is the triggers attribute's replace rule: a change
// restarts the service, except on an imported restart (restarted_at null),
// whose configured triggers are taken over in place: import knows nothing of
// triggers, and a replacement would restart a service that a cloned host's
// pipeline only meant to take over.
func replaceUnlessImported(ctx context.Context, req planmodifier.MapRequest, resp *mapplanmodifier.RequiresReplaceIfFuncResponse) {
	var restartedAt types.String
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("restarted_at"), &restartedAt)...)
	resp.RequiresReplace = !restartedAt.IsNull()
}
