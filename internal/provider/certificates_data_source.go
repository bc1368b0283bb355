package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/windows"
)

func init() { dataSources = append(dataSources, newCertificatesDataSource) }

func newCertificatesDataSource() datasource.DataSource { return &certificatesDataSource{} }

// certificatesDataSource is windows_certificates: every certificate of one
// LocalMachine store with its facts and PEM, for review and for copying a
// host's trusted Root and CA certificates onto another host.
type certificatesDataSource struct{ host *windows.Host }

var _ datasource.DataSourceWithConfigure = (*certificatesDataSource)(nil)

type certificatesDataSourceModel struct {
	StoreName    types.String            `tfsdk:"store_name"`
	Certificates []listedCertificateItem `tfsdk:"certificates"`
}

// listedCertificateItem is one certificate of the list: the facts every
// certificate resource and windows_certificate expose, its ID and PEM.
type listedCertificateItem struct {
	ID  types.String `tfsdk:"id"`
	PEM types.String `tfsdk:"pem"`
	certFactsModel
}

func (d *certificatesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_certificates"
}

func (d *certificatesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	item := certFactAttributes(
		func(desc string) schema.Attribute {
			return schema.ListAttribute{Computed: true, ElementType: types.StringType, Description: desc}
		},
		func(desc string) schema.Attribute { return schema.BoolAttribute{Computed: true, Description: desc} },
		func(desc string) schema.Attribute { return schema.StringAttribute{Computed: true, Description: desc} },
	)
	item["id"] = schema.StringAttribute{Computed: true,
		Description: "`STORE/THUMBPRINT`, with the store upper-cased: the ID `windows_certificate` imports."}
	item["pem"] = schema.StringAttribute{Computed: true,
		Description: "The certificate in PEM, public part only: the `pem` of a `windows_certificate` on another host."}
	resp.Schema = schema.Schema{
		Description: "Every certificate of one LocalMachine store, with its facts and PEM: what the certificates MMC lists " +
			"under a store. Public parts only: a private key never leaves the host.",
		Attributes: map[string]schema.Attribute{
			"store_name": schema.StringAttribute{Required: true,
				Description: "LocalMachine store to list: `Root` (Trusted Root Certification Authorities), `CA` (Intermediate " +
					"Certification Authorities), `My` (Personal), `WebHosting`, ... Case-insensitive.",
				Validators: []validator.String{certStoreNameValidator{}}},
			"certificates": schema.ListNestedAttribute{Computed: true,
				Description:  "The store's certificates, in the host's order.",
				NestedObject: schema.NestedAttributeObject{Attributes: item}},
		},
	}
}

func (d *certificatesDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.host = hostFromProviderData(req.ProviderData, &resp.Diagnostics)
}

func (d *certificatesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	m, ok := loadForHost[certificatesDataSourceModel](ctx, req.Config, d.host, &resp.Diagnostics)
	if !ok {
		return
	}
	store := m.StoreName.ValueString()
	certs, err := d.host.Certificates().List(ctx, store)
	if err != nil {
		addHostError(&resp.Diagnostics, "Cannot list the certificates of LocalMachine\\"+store, err)
		return
	}
	m.Certificates = make([]listedCertificateItem, 0, len(certs))
	for _, c := range certs {
		item := listedCertificateItem{ID: types.StringValue(certificateID(store, c.Thumbprint)), PEM: types.StringValue(c.PEM)}
		resp.Diagnostics.Append(item.certFactsModel.set(ctx, factsFromHost(c))...)
		m.Certificates = append(m.Certificates, item)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
