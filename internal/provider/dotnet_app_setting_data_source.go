package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/windows"
)

func init() { dataSources = append(dataSources, newDotNetAppSettingDataSource) }

func newDotNetAppSettingDataSource() datasource.DataSource { return &dotNetAppSettingDataSource{} }

// dotNetAppSettingDataSource is windows_dotnet_app_setting: one appSettings
// key of a .NET Framework .exe.config, read for copying it to another host.
type dotNetAppSettingDataSource struct{ host *windows.Host }

var _ datasource.DataSourceWithConfigure = (*dotNetAppSettingDataSource)(nil)

type dotNetAppSettingDataSourceModel struct {
	ID         types.String `tfsdk:"id"`
	ConfigPath types.String `tfsdk:"config_path"`
	Key        types.String `tfsdk:"key"`
	Value      types.String `tfsdk:"value"`
	Exists     types.Bool   `tfsdk:"exists"`
	Keys       types.List   `tfsdk:"keys"`
}

func (d *dotNetAppSettingDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_dotnet_app_setting"
}

func (d *dotNetAppSettingDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "One `<appSettings>` key of a .NET Framework application's `.exe.config`, as the application reads it. " +
			"A key the file does not have is no error: `exists` is false and `value` null. It is an error if the file is missing or not a configuration file.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, Description: "`CONFIG_PATH|KEY`, the ID `windows_dotnet_app_setting` imports."},
			"config_path": schema.StringAttribute{Required: true,
				Description: "Full path of the `.exe.config` on the host."},
			"key": schema.StringAttribute{Required: true,
				Description: "The `<add key=...>` to read; matched as .NET matches it (case-insensitive, the last entry wins)."},
			"value": schema.StringAttribute{Computed: true, Sensitive: true,
				Description: "The key's value, or null when the file has no such key. Sensitive: app settings often hold connection strings and passwords."},
			"exists": schema.BoolAttribute{Computed: true, Description: "Whether the file has the key."},
			"keys": schema.ListAttribute{Computed: true, ElementType: types.StringType,
				Description: "Every appSettings key of the file, in its order: what to name when `exists` is false."},
		},
	}
}

func (d *dotNetAppSettingDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.host = hostFromProviderData(req.ProviderData, &resp.Diagnostics)
}

func (d *dotNetAppSettingDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	m, ok := loadForHost[dotNetAppSettingDataSourceModel](ctx, req.Config, d.host, &resp.Diagnostics)
	if !ok {
		return
	}
	path, key := m.ConfigPath.ValueString(), m.Key.ValueString()
	setting, err := d.host.AppConfig().Get(ctx, path, key)
	if err != nil {
		addHostError(&resp.Diagnostics, "Cannot read "+path, err)
		return
	}
	m.ID = types.StringValue(path + appSettingIDSeparator + key)
	m.Exists = types.BoolValue(setting.Exists)
	m.Value = types.StringPointerValue(setting.Value)
	keys, diags := types.ListValueFrom(ctx, types.StringType, nonNil(setting.Keys))
	resp.Diagnostics.Append(diags...)
	m.Keys = keys
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
