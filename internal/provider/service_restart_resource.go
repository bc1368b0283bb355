package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

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

// defaultServiceRestartTimeout bounds a restart unless timeout says otherwise.
const defaultServiceRestartTimeout = "2m"

// serviceRestartResource is windows_service_restart: the procedures' "restart
// the ... service", as an action. Creating it restarts the service; a
// change of triggers replaces it, which restarts again; destroying it
// changes nothing on the host.
type serviceRestartResource struct{ host *windows.Host }

func newServiceRestartResource() resource.Resource { return &serviceRestartResource{} }

var (
	_ resource.ResourceWithConfigure   = (*serviceRestartResource)(nil)
	_ resource.ResourceWithImportState = (*serviceRestartResource)(nil)
)

type serviceRestartModel struct {
	ID          types.String `tfsdk:"id"`
	ServiceName types.String `tfsdk:"service_name"`
	Triggers    types.Map    `tfsdk:"triggers"`
	Timeout     types.String `tfsdk:"timeout"`
	Status      types.String `tfsdk:"status"`
	RestartedAt types.String `tfsdk:"restarted_at"`
}

func (r *serviceRestartResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_service_restart"
}

func (r *serviceRestartResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Restarts a Windows service when created and whenever triggers change: stops its running dependents " +
			"and the service (waiting out StopPending), starts it, waits for Running and starts the dependents again, " +
			"all within timeout. Fails with the service's state and exit code (such as 1069, logon failure). " +
			"Refuses WinRM and the services WinRM depends on (HTTP): stopping them would cut the connection the restart runs over. " +
			"Destroying it changes nothing on the host.",
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
			"status": schema.StringAttribute{Computed: true,
				Description:   "The service's status after the restart (`Running`), as last read.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"restarted_at": schema.StringAttribute{Computed: true,
				Description: "When the provider restarted the service (RFC 3339, UTC); `null` after import, then `adopted` " +
					"once the first apply has taken over the configured triggers without a restart.",
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
	svc, err := r.host.Services().Restart(ctx, name, timeout)
	if err != nil {
		resp.Diagnostics.AddError("Cannot restart service "+name, serviceErrorDetail(err, timeout))
		return
	}
	plan.ID = plan.ServiceName
	plan.Status = types.StringValue(svc.Status)
	plan.RestartedAt = types.StringValue(time.Now().UTC().Format(time.RFC3339))
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
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
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update changes only timeout, and adopts the triggers of an imported
// restart (ModifyPlan): every other change replaces (restarts).
func (r *serviceRestartResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	recordPlan[serviceRestartModel](ctx, req, resp)
}

// Delete leaves the service as it is: a restart cannot be undone.
func (r *serviceRestartResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {
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
