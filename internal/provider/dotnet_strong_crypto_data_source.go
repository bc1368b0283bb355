package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/windows"
)

func init() { dataSources = append(dataSources, newDotNetStrongCryptoDataSource) }

func newDotNetStrongCryptoDataSource() datasource.DataSource { return &dotNetStrongCryptoDataSource{} }

// dotNetStrongCryptoDataSource is windows_dotnet_strong_crypto: the .NET
// Framework's strong-crypto keys as the resource of that name models them.
type dotNetStrongCryptoDataSource struct{ host *windows.Host }

var _ datasource.DataSourceWithConfigure = (*dotNetStrongCryptoDataSource)(nil)

type dotNetStrongCryptoDataSourceModel struct {
	ID      types.String          `tfsdk:"id"`
	Enabled types.Bool            `tfsdk:"enabled"`
	Keys    []dotNetCryptoKeyItem `tfsdk:"keys"`
}

// dotNetCryptoKeyItem is one of the four keys, present or not.
type dotNetCryptoKeyItem struct {
	Path                     types.String `tfsdk:"path"`
	Exists                   types.Bool   `tfsdk:"exists"`
	SchUseStrongCrypto       types.Int64  `tfsdk:"sch_use_strong_crypto"`
	SystemDefaultTLSVersions types.Int64  `tfsdk:"system_default_tls_versions"`
}

func (d *dotNetStrongCryptoDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_dotnet_strong_crypto"
}

func (d *dotNetStrongCryptoDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	dword := func(name string) schema.Attribute {
		return schema.Int64Attribute{Computed: true, MarkdownDescription: "The DWORD `" + name + "`, or null when absent."}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "The .NET Framework's `SchUseStrongCrypto` and `SystemDefaultTlsVersions` as the resource " +
			"`windows_dotnet_strong_crypto` models them: the four keys `v4.0.30319` and `v2.0.50727` under " +
			"`HKLM\\SOFTWARE\\Microsoft\\.NETFramework` and its `WOW6432Node` view, and the `enabled` that resource would have on this host.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, MarkdownDescription: "Always `dotnet_strong_crypto`."},
			"enabled": schema.BoolAttribute{Computed: true,
				MarkdownDescription: "The `enabled` of a `windows_dotnet_strong_crypto` that would match the host: true when both values are 1 in every key present, " +
					"false when all are 0, null when they disagree or one is absent (each application's target framework then decides)."},
			"keys": schema.ListNestedAttribute{Computed: true,
				MarkdownDescription: "The four keys, present or not: .NET 4 64-bit, .NET 4 32-bit, then .NET 2 (3.5) 64-bit and 32-bit.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"path":                        schema.StringAttribute{Computed: true, MarkdownDescription: "The registry key."},
					"exists":                      schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the key exists (that Framework is installed)."},
					"sch_use_strong_crypto":       dword("SchUseStrongCrypto"),
					"system_default_tls_versions": dword("SystemDefaultTlsVersions"),
				}}},
		},
	}
}

func (d *dotNetStrongCryptoDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.host = hostFromProviderData(req.ProviderData, &resp.Diagnostics)
}

func (d *dotNetStrongCryptoDataSource) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !ensureHost(d.host, &resp.Diagnostics) {
		return
	}
	keys, err := d.host.TLSSettings().DotNetCrypto(ctx)
	if err != nil {
		addHostError(&resp.Diagnostics, "Cannot read the .NET Framework TLS settings", err)
		return
	}
	m := dotNetStrongCryptoDataSourceModel{ID: types.StringValue(dotNetStrongCryptoID), Keys: make([]dotNetCryptoKeyItem, 0, len(keys))}
	var present []windows.DotNetCryptoKey
	for _, k := range keys {
		if k.Exists {
			present = append(present, k)
		}
		m.Keys = append(m.Keys, dotNetCryptoKeyItem{Path: types.StringValue(k.Path), Exists: types.BoolValue(k.Exists),
			SchUseStrongCrypto: dwordNumber(k.SchUseStrongCrypto), SystemDefaultTLSVersions: dwordNumber(k.SystemDefaultTLSVersions)})
	}
	m.Enabled = dotNetCryptoEnabled(present)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// dwordNumber is a registry DWORD as a number, null when absent.
func dwordNumber(v *uint32) types.Int64 {
	if v == nil {
		return types.Int64Null()
	}
	return types.Int64Value(int64(*v))
}
