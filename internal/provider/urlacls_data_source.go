package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/windows"
)

func init() { dataSources = append(dataSources, newURLACLsDataSource) }

// urlACLsDataSource is windows_http_urlacls: every URL reservation of the
// host (netsh http show urlacl), for review and for cloning a host.
type urlACLsDataSource struct{ host *windows.Host }

func newURLACLsDataSource() datasource.DataSource { return &urlACLsDataSource{} }

var _ datasource.DataSourceWithConfigure = (*urlACLsDataSource)(nil)

type urlACLsModel struct {
	URLACLs []urlACLItem `tfsdk:"urlacls"`
}

type urlACLItem struct {
	URL     types.String `tfsdk:"url"`
	SDDL    types.String `tfsdk:"sddl"`
	Entries types.List   `tfsdk:"entries"`
}

func (d *urlACLsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_http_urlacls"
}

func (d *urlACLsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "All HTTP.sys URL reservations of the host (`netsh http show urlacl`).",
		Attributes: map[string]schema.Attribute{
			"urlacls": schema.ListNestedAttribute{Computed: true,
				Description: "The reservations, in the host's order.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"url":  schema.StringAttribute{Computed: true, Description: "The reserved URL prefix."},
					"sddl": schema.StringAttribute{Computed: true, Description: "The security descriptor, as the host writes it."},
					"entries": schema.ListNestedAttribute{Computed: true,
						Description: "The accounts granted rights, as the host names them.",
						NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
							"sid":      schema.StringAttribute{Computed: true, Description: "The account's SID."},
							"account":  schema.StringAttribute{Computed: true, Description: "The account's name on the host."},
							"listen":   schema.BoolAttribute{Computed: true, Description: "Whether the account may listen on the URL."},
							"delegate": schema.BoolAttribute{Computed: true, Description: "Whether the account may delegate the URL."},
						}}},
				}}},
		},
	}
}

func (d *urlACLsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.host = hostFromProviderData(req.ProviderData, &resp.Diagnostics)
}

func (d *urlACLsDataSource) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !ensureHost(d.host, &resp.Diagnostics) {
		return
	}
	acls, err := d.host.HTTPSys().ListURLACLs(ctx)
	if err != nil {
		addHostError(&resp.Diagnostics, "Cannot list the URL reservations", err)
		return
	}
	m := urlACLsModel{URLACLs: make([]urlACLItem, 0, len(acls))}
	for _, acl := range acls {
		entries, diags := urlACLEntriesValue(acl.Entries)
		resp.Diagnostics.Append(diags...)
		m.URLACLs = append(m.URLACLs, urlACLItem{URL: types.StringValue(acl.URL), SDDL: types.StringValue(acl.SDDL), Entries: entries})
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
