package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/provider/attribute_validator"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/windows"
)

func init() { resources = append(resources, newServiceRestartResource) }

// The values of when: restart on create (and on a change of triggers), or
// on destroy.
const (
	restartWhenCreate  = "create"
	restartWhenDestroy = "destroy"
)

// defaultServiceRestartTimeout bounds a restart unless timeout says otherwise.
const defaultServiceRestartTimeout = "2m"

// serviceRestartResource is windows_service_restart: the procedures' "restart
// the ... service", as an action. With when = "create" (the default),
// creating it restarts the service, a change of triggers replaces it, which
// restarts again, and destroying it changes nothing on the host. With when =
// "destroy" it is the rollback's restart: creating it changes nothing, and
// destroying it restarts the service. Terraform destroys a resource only
// after everything that depends on it, so settings that depend on it are
// restored first and the service then starts on them (a .NET service reads
// its .exe.config only when it starts).
type serviceRestartResource struct{ host *windows.Host }

func newServiceRestartResource() resource.Resource { return &serviceRestartResource{} }

var (
	_ resource.ResourceWithConfigure        = (*serviceRestartResource)(nil)
	_ resource.ResourceWithImportState      = (*serviceRestartResource)(nil)
	_ resource.ResourceWithConfigValidators = (*serviceRestartResource)(nil)
)

type serviceRestartModel struct {
	ID          types.String `tfsdk:"id"`
	ServiceName types.String `tfsdk:"service_name"`
	Triggers    types.Map    `tfsdk:"triggers"`
	Timeout     types.String `tfsdk:"timeout"`
	When        types.String `tfsdk:"when"`
	Status      types.String `tfsdk:"status"`
	RestartedAt types.String `tfsdk:"restarted_at"`
}

func (r *serviceRestartResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_service_restart"
}

func (r *serviceRestartResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Restarts a Windows service when created and whenever triggers change, or, with `when = \"destroy\"`, " +
			"when destroyed: stops its running dependents " +
			"and the service (waiting out StopPending), starts it, waits for Running and starts the dependents again, " +
			"all within timeout. Fails with the service's state and exit code (such as 1069, logon failure). " +
			"Refuses WinRM and the services WinRM depends on (HTTP): stopping them would cut the connection the restart runs over. " +
			"With the default `when = \"create\"`, destroying it changes nothing on the host. " +
			"With `when = \"destroy\"`, creating it changes nothing and destroying it restarts the service: make the settings " +
			"the service reads depend on it (`depends_on`), and a destroy restores them first and restarts the service last, " +
			"so that it runs on what it had before.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, Description: "The service name.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"service_name": schema.StringAttribute{Required: true,
				Description:   "The service's short name, such as `Sage300IntegrationService` (not its display name). Changing it restarts the new service.",
				Validators:    []validator.String{attribute_validator.Check("a service name", checkServiceName)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}},
			"triggers": schema.MapAttribute{Optional: true, ElementType: types.StringType,
				Description: "Values whose change restarts the service again, such as the binding's certificate hash " +
					"and the app setting's value.",
				PlanModifiers: []planmodifier.Map{mapplanmodifier.RequiresReplaceIf(replaceUnlessImported,
					"A change of triggers restarts the service (after import, the first apply adopts them).",
					"A change of triggers restarts the service (after import, the first apply adopts them).")}},
			"timeout": schema.StringAttribute{Optional: true, Computed: true,
				Default:     stringdefault.StaticString(defaultServiceRestartTimeout),
				Description: "How long the whole restart may take, as a Go duration (`90s`, `2m`). Default `2m`.",
				Validators:  []validator.String{attribute_validator.Check("a positive duration such as 2m", checkPositiveDuration)}},
			"when": schema.StringAttribute{Optional: true, Computed: true,
				Default: stringdefault.StaticString(restartWhenCreate),
				Description: "When the service is restarted: `create` (default) when the resource is created and whenever triggers " +
					"change; `destroy` only when the resource is destroyed (the rollback's restart, after the resources that depend " +
					"on it have been destroyed), never on create, and `triggers` cannot be set. Changing it replaces the resource: " +
					"the old one is destroyed and the new one created as their own `when` says (from `create` to `destroy` restarts nothing).",
				Validators:    []validator.String{stringvalidator.OneOf(restartWhenCreate, restartWhenDestroy)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}},
			"status": schema.StringAttribute{Computed: true,
				Description:   "The service's status after the restart (`Running`), as last read.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"restarted_at": schema.StringAttribute{Computed: true,
				Description: "When the provider restarted the service (RFC 3339, UTC); `null` after import, then `adopted` " +
					"once the first apply has taken over the configured triggers without a restart; `null` with `when = \"destroy\"` " +
					"(its restart comes with the destroy, which leaves no state).",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
		},
	}
}

func checkServiceName(s string) error {
	if s == "" || len(s) > 256 {
		return errors.New("must be 1 to 256 characters")
	}
	for _, c := range s {
		if c == '/' || c == '\\' {
			return errors.New(`a service name cannot contain "/" or "\"`)
		}
	}
	return nil
}

func checkPositiveDuration(s string) error {
	d, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	if d < time.Second {
		return errors.New("must be at least 1s")
	}
	return nil
}

func (r *serviceRestartResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.host = hostFromProviderData(req.ProviderData, &resp.Diagnostics)
}

func (r *serviceRestartResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	plan, ok := loadForHost[serviceRestartModel](ctx, req.Plan, r.host, &resp.Diagnostics)
	if !ok {
		return
	}
	timeout, err := time.ParseDuration(plan.Timeout.ValueString())
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("timeout"), "Invalid timeout", err.Error())
		return
	}
	name := plan.ServiceName.ValueString()
	plan.ID = plan.ServiceName
	if plan.When.ValueString() == restartWhenDestroy {
		// The rollback's restart: nothing happens now, but the service must
		// exist, or the destroy that needs it would fail at its very end.
		svc, err := r.host.Services().Get(ctx, name)
		if err != nil {
			resp.Diagnostics.AddError("Cannot read service "+name, serviceErrorDetail(err, timeout))
			return
		}
		if stopsWinRM(svc) {
			// The host refuses this restart when it is due; say so now, not
			// at the end of a rollback.
			resp.Diagnostics.AddAttributeError(path.Root("service_name"), "Cannot restart service "+name+" on destroy",
				"Restarting "+name+" stops WinRM, the connection the restart runs over, so the host would refuse it at the end of the destroy. "+
					"Restart it on the host instead (from a console or a scheduled task: Restart-Service -Force "+name+"), or restart Windows.")
			return
		}
		plan.Status, plan.RestartedAt = types.StringValue(svc.Status), types.StringNull()
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		return
	}
	svc, err := r.host.Services().Restart(ctx, name, timeout)
	if err != nil {
		resp.Diagnostics.AddError("Cannot restart service "+name, serviceErrorDetail(err, timeout))
		return
	}
	plan.Status = types.StringValue(svc.Status)
	plan.RestartedAt = types.StringValue(time.Now().UTC().Format(time.RFC3339))
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// stopsWinRM reports whether restarting svc stops WinRM: it is WinRM, or
// WinRM depends on it (HTTP). The agent refuses such a restart.
func stopsWinRM(svc windows.Service) bool {
	for _, name := range append([]string{svc.Name}, svc.DependentServices...) {
		if strings.EqualFold(name, "WinRM") {
			return true
		}
	}
	return false
}

// ConfigValidators: a restart on destroy has no triggers (it restarts once,
// at the end of the rollback, whatever changed).
func (r *serviceRestartResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{triggersOnlyOnCreate{}}
}

// serviceErrorDetail adds advice for the failures users meet when a
// service restarts.
func serviceErrorDetail(err error, timeout time.Duration) string {
	detail := hostErrorDetail(err)
	switch windows.ErrorCode(err) {
	case windows.CodeServiceDoesNotExist:
		detail += "\n\nNo service has that name. Use the service's short name (services.msc: Properties, \"Service name\"), not its display name."
	case windows.CodeServiceLogonFailed:
		detail += "\n\nThe service account could not log on: its password has probably changed. Set it in services.msc (Properties, Log On) and apply again."
	case windows.CodeServiceSpecificError:
		detail += "\n\nThe service stopped while starting; its service-specific exit code says why (see its documentation, event log or log file). Fix the cause and apply again."
	case windows.CodeProcessAborted:
		detail += "\n\nThe service's process ended while starting without an exit code. Check the Application and System event logs, fix the cause and apply again."
	case windows.CodeServiceRequestTimeout:
		detail += fmt.Sprintf("\n\nThe service did not get there within the timeout (%s). Check its event log; raise timeout if it is only slow.", timeout)
	}
	return detail
}

func (r *serviceRestartResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	state, ok := loadForHost[serviceRestartModel](ctx, req.State, r.host, &resp.Diagnostics)
	if !ok {
		return
	}
	svc, err := r.host.Services().Get(ctx, state.ServiceName.ValueString())
	if windows.IsServiceNotFound(err) {
		resp.State.RemoveResource(ctx) // uninstalled: plan a restart of a new install
		return
	}
	if err != nil {
		addHostError(&resp.Diagnostics, "Cannot read service "+state.ServiceName.ValueString(), err)
		return
	}
	state.ID, state.Status = state.ServiceName, types.StringValue(svc.Status)
	if state.Timeout.IsNull() {
		state.Timeout = types.StringValue(defaultServiceRestartTimeout)
	}
	if state.When.IsNull() { // imported, or written before when existed
		state.When = types.StringValue(restartWhenCreate)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update changes only timeout, and adopts the triggers of an imported
// restart (ModifyPlan): every other change replaces (restarts).
func (r *serviceRestartResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	recordPlan[serviceRestartModel](ctx, req, resp)
}

// Delete leaves the service as it is when the restart was on create (a
// restart cannot be undone), and restarts it when it is on destroy: by now
// Terraform has destroyed what depends on this resource, the settings the
// service reads among them, so the service starts on the restored ones.
func (r *serviceRestartResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	state, ok := loadForHost[serviceRestartModel](ctx, req.State, r.host, &resp.Diagnostics)
	if !ok || state.When.ValueString() != restartWhenDestroy {
		return
	}
	timeout, err := time.ParseDuration(state.Timeout.ValueString())
	if err != nil {
		timeout, _ = time.ParseDuration(defaultServiceRestartTimeout)
	}
	name := state.ServiceName.ValueString()
	_, err = r.host.Services().Restart(ctx, name, timeout)
	switch {
	case windows.IsServiceNotFound(err):
		resp.Diagnostics.AddWarning("Service "+name+" is not installed",
			"The service was uninstalled, so there was nothing to restart after the rollback.")
	case err != nil:
		resp.Diagnostics.AddError("Cannot restart service "+name+" after the rollback",
			serviceErrorDetail(err, timeout)+"\n\nThe settings that depend on this resource have been restored already; "+
				"the service has not started on them. Fix the cause and run the destroy again: it retries only the restart.")
	}
}

// ImportState takes the service name; nothing is restarted.
func (r *serviceRestartResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if err := checkServiceName(req.ID); err != nil {
		resp.Diagnostics.AddError("Invalid import ID", "Import a service restart by the service name, such as Sage300IntegrationService: "+err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("service_name"), req.ID)...)
}
