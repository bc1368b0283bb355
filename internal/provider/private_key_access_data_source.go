package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/windows"
)

func init() { dataSources = append(dataSources, newPrivateKeyAccessDataSource) }

func newPrivateKeyAccessDataSource() datasource.DataSource { return &privateKeyAccessDataSource{} }

// privateKeyAccessDataSource is windows_certificate_private_key_access: who
// may use a certificate's private key ("Manage Private Keys..." in the
// certificates MMC), read for review and for granting the same accounts on
// another host.
type privateKeyAccessDataSource struct{ host *windows.Host }

var _ datasource.DataSourceWithConfigure = (*privateKeyAccessDataSource)(nil)

type privateKeyAccessDataSourceModel struct {
	ID          types.String      `tfsdk:"id"`
	Thumbprint  types.String      `tfsdk:"thumbprint"`
	StoreName   types.String      `tfsdk:"store_name"`
	KeyProvider types.String      `tfsdk:"key_provider"`
	KeyPath     types.String      `tfsdk:"key_path"`
	Entries     []keyACLEntryItem `tfsdk:"entries"`
}

type keyACLEntryItem struct {
	SID        types.String `tfsdk:"sid"`
	Account    types.String `tfsdk:"account"`
	Access     types.String `tfsdk:"access"`
	AccessMask types.Int64  `tfsdk:"access_mask"`
}

func (d *privateKeyAccessDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_certificate_private_key_access"
}

func (d *privateKeyAccessDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	computed := func(description string) schema.Attribute {
		return schema.StringAttribute{Computed: true, Description: description}
	}
	resp.Schema = schema.Schema{
		Description: "Who may use the private key of a certificate in a LocalMachine store: the allow entries of the key's " +
			"security descriptor, as *Manage Private Keys...* in the certificates MMC lists them. It is an error if the " +
			"certificate is not in the store or has no private key that opens.",
		Attributes: map[string]schema.Attribute{
			"id": computed("`STORE/THUMBPRINT`, with the store upper-cased."),
			"thumbprint": schema.StringAttribute{Required: true,
				Description: "SHA-1 thumbprint of the certificate: 40 hex digits; spaces, colons, invisible characters and case are ignored.",
				Validators:  []validator.String{thumbprintNormalizer.validator("a certificate thumbprint")}},
			"store_name": schema.StringAttribute{Optional: true,
				Description: "LocalMachine store holding the certificate: `My` (the default), `WebHosting`, ... Case-insensitive.",
				Validators:  []validator.String{certStoreNameValidator{}}},
			"key_provider": computed("Where the key lives: `cng` (a CNG key storage provider) or `capi` (a CryptoAPI CSP)."),
			"key_path":     computed("The key's file under `%ProgramData%\\Microsoft\\Crypto`."),
			"entries": schema.ListNestedAttribute{Computed: true,
				Description: "The allow entries, in the key's order.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"sid":     computed("The account's SID."),
					"account": computed("The account's name on the host, in its language (empty when the SID no longer resolves)."),
					"access": computed("`read`, `full`, or `other` for a mask that is neither: the `access` of a " +
						"`windows_certificate_private_key_access` granting the same."),
					"access_mask": schema.Int64Attribute{Computed: true, Description: "The entry's access mask."},
				}}},
		},
	}
}

func (d *privateKeyAccessDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.host = hostFromProviderData(req.ProviderData, &resp.Diagnostics)
}

func (d *privateKeyAccessDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	m, ok := loadForHost[privateKeyAccessDataSourceModel](ctx, req.Config, d.host, &resp.Diagnostics)
	if !ok {
		return
	}
	thumbprint, err := normalizeThumbprint(m.Thumbprint.ValueString())
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("thumbprint"), "Invalid thumbprint", err.Error())
		return
	}
	store := defaultCertificateStore
	if !m.StoreName.IsNull() {
		store = m.StoreName.ValueString()
	}
	acl, err := d.host.Certificates().GetKeyACL(ctx, store, thumbprint)
	if err != nil {
		addKeyAccessError(&resp.Diagnostics, "Cannot read the private key's permissions", windows.KeyGrant{Store: store, Thumbprint: thumbprint}, err)
		return
	}
	m.ID = types.StringValue(certificateID(store, thumbprint))
	m.KeyProvider, m.KeyPath = types.StringValue(acl.Provider), types.StringValue(acl.KeyPath)
	m.Entries = make([]keyACLEntryItem, 0, len(acl.Entries))
	for _, e := range acl.Entries {
		m.Entries = append(m.Entries, keyACLEntryItem{SID: types.StringValue(e.SID), Account: types.StringValue(e.Account),
			Access: types.StringValue(e.Access), AccessMask: types.Int64Value(int64(e.AccessMask))})
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
