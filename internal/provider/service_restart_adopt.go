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
	if req.Plan.Raw.IsNull() {
		planDestroyRestart(ctx, req, resp)
		return
	}
	if req.State.Raw.IsNull() {
		planCreate(ctx, req, resp)
		return
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

// planCreate makes the plan of a restart on destroy exact: it restarts
// nothing now, so restarted_at stays null.
func planCreate(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	var when types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("when"), &when)...)
	if when.ValueString() == restartWhenDestroy {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("restarted_at"), types.StringNull())...)
	}
}

// planDestroyRestart says in the plan of a destroy what the destroy does on
// the host: a restart on destroy restarts the service (the plan itself only
// shows the resource going).
func planDestroyRestart(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.State.Raw.IsNull() {
		return
	}
	var when, name types.String
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("when"), &when)...)
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("service_name"), &name)...)
	if when.ValueString() == restartWhenDestroy {
		resp.Diagnostics.AddWarning("Destroying this restarts service "+name.ValueString(),
			"windows_service_restart with when = \"destroy\" restarts "+name.ValueString()+" when it is destroyed, "+
				"after the resources that depend on it (the settings the service reads) have been destroyed and restored.")
	}
}

// triggersOnlyOnCreate refuses triggers on a restart on destroy: it
// restarts once, when destroyed, whatever changed before.
type triggersOnlyOnCreate struct{}

var _ resource.ConfigValidator = triggersOnlyOnCreate{}

func (triggersOnlyOnCreate) Description(context.Context) string {
	return "triggers can only be set with when = \"create\""
}

func (v triggersOnlyOnCreate) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (triggersOnlyOnCreate) ValidateResource(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var when types.String
	var triggers types.Map
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("when"), &when)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("triggers"), &triggers)...)
	if resp.Diagnostics.HasError() || when.ValueString() != restartWhenDestroy || triggers.IsNull() {
		return
	}
	resp.Diagnostics.AddAttributeError(path.Root("triggers"), "Triggers on a restart on destroy",
		"A windows_service_restart with when = \"destroy\" restarts the service once, when it is destroyed, whatever changed: "+
			"remove triggers, and restart on changes with a second windows_service_restart (when = \"create\") that has them.")
}
