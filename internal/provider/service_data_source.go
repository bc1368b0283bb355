package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/windows"
)

func init() { dataSources = append(dataSources, newServiceDataSource) }

func newServiceDataSource() datasource.DataSource { return &serviceDataSource{} }

// serviceDataSource is windows_service: one Windows service as services.msc
// shows it.
type serviceDataSource struct{ host *windows.Host }

var _ datasource.DataSourceWithConfigure = (*serviceDataSource)(nil)

type serviceDataSourceModel struct {
	ID                types.String `tfsdk:"id"`
	Name              types.String `tfsdk:"name"`
	DisplayName       types.String `tfsdk:"display_name"`
	Status            types.String `tfsdk:"status"`
	StartType         types.String `tfsdk:"start_type"`
	StartName         types.String `tfsdk:"start_name"`
	SIDType           types.String `tfsdk:"sid_type"`
	DependentServices types.List   `tfsdk:"dependent_services"`
}

func (d *serviceDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_service"
}

func (d *serviceDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "A Windows service: its display name, status, start type, logon account, service SID type and dependents. " +
			"It is an error if the service is not installed.",
		Attributes: map[string]schema.Attribute{
			"id":           schema.StringAttribute{Computed: true, Description: "The service name as the host spells it."},
			"name":         schema.StringAttribute{Required: true, Description: "The service's short name (case-insensitive), such as `Sage300IntegrationService`."},
			"display_name": schema.StringAttribute{Computed: true, Description: "The name services.msc shows."},
			"status": schema.StringAttribute{Computed: true,
				Description: "`Running`, `Stopped`, `StartPending`, `StopPending`, `Paused`, `PausePending` or `ContinuePending`."},
			"start_type": schema.StringAttribute{Computed: true, Description: "`Automatic`, `AutomaticDelayed`, `Manual` or `Disabled`."},
			"start_name": schema.StringAttribute{Computed: true,
				Description: "The account the service logs on as, as the Service Control Manager spells it: `LocalSystem`, " +
					"`NT AUTHORITY\\LocalService`, `NT AUTHORITY\\NetworkService`, `.\\user`, `DOMAIN\\user`, or a group " +
					"managed service account `DOMAIN\\name$`."},
			"sid_type": schema.StringAttribute{Computed: true,
				Description: "The service SID type (`sc.exe qsidtype`): `none` (the service SID `NT SERVICE\\name` is not in the " +
					"service's token, so a permission granted to it does not apply), `unrestricted` or `restricted`."},
			"dependent_services": schema.ListAttribute{Computed: true, ElementType: types.StringType,
				Description: "Services that depend on this one (a restart stops and starts them too)."},
		},
	}
}

func (d *serviceDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.host = hostFromProviderData(req.ProviderData, &resp.Diagnostics)
}

func (d *serviceDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	m, ok := loadForHost[serviceDataSourceModel](ctx, req.Config, d.host, &resp.Diagnostics)
	if !ok {
		return
	}
	svc, err := d.host.Services().Get(ctx, m.Name.ValueString())
	if err != nil {
		resp.Diagnostics.AddError("Cannot read service "+m.Name.ValueString(), serviceErrorDetail(err, 0))
		return
	}
	dependents, diags := types.ListValueFrom(ctx, types.StringType, svc.DependentServices)
	resp.Diagnostics.Append(diags...)
	m.ID, m.DisplayName = types.StringValue(svc.Name), types.StringValue(svc.DisplayName)
	m.Status, m.StartType, m.DependentServices = types.StringValue(svc.Status), types.StringValue(svc.StartType), dependents
	m.StartName, m.SIDType = types.StringValue(svc.StartName), types.StringValue(svc.SIDType)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
