package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/windows"
)

func init() { dataSources = append(dataSources, newCertificatesInUseDataSource) }

// certificatesInUseDataSource is windows_certificates_in_use: every HTTP.sys
// SSL binding of the host with the certificate it serves and the days that
// certificate has left, read in one host call, for an expiry report and
// checks over an estate.
type certificatesInUseDataSource struct{ host *windows.Host }

func newCertificatesInUseDataSource() datasource.DataSource { return &certificatesInUseDataSource{} }

var _ datasource.DataSourceWithConfigure = (*certificatesInUseDataSource)(nil)

type certificatesInUseModel struct {
	Port     types.Int64                   `tfsdk:"port"`
	Bindings []certificateInUseBindingItem `tfsdk:"bindings"`
}

type certificateInUseBindingItem struct {
	Binding          types.String `tfsdk:"binding"`
	IPPort           types.String `tfsdk:"ipport"`
	HostnamePort     types.String `tfsdk:"hostnameport"`
	Port             types.Int64  `tfsdk:"port"`
	CCS              types.Bool   `tfsdk:"central_certificate_store"`
	AppID            types.String `tfsdk:"app_id"`
	Store            types.String `tfsdk:"store"`
	Thumbprint       types.String `tfsdk:"thumbprint"`
	CertificateFound types.Bool   `tfsdk:"certificate_found"`
	Subject          types.String `tfsdk:"subject"`
	Issuer           types.String `tfsdk:"issuer"`
	DNSNames         types.List   `tfsdk:"dns_names"`
	NotBefore        types.String `tfsdk:"not_before"`
	NotAfter         types.String `tfsdk:"not_after"`
	DaysLeft         types.Int64  `tfsdk:"days_left"`
	KeyOpens         types.Bool   `tfsdk:"key_opens"`
}

func (d *certificatesInUseDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_certificates_in_use"
}

func (d *certificatesInUseDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	str := func(description string) schema.Attribute {
		return schema.StringAttribute{Computed: true, Description: description}
	}
	resp.Schema = schema.Schema{
		Description: "Every HTTP.sys SSL binding of the host (IP and SNI) with the certificate it serves, looked up in " +
			"the binding's store: subject, DNS names, issuer, expiry, the whole days left, and whether the private key " +
			"opens. One host call, for an expiry report or a check over many hosts.",
		Attributes: map[string]schema.Attribute{
			"port": schema.Int64Attribute{Optional: true,
				Description: "Only the bindings on this port (IP and SNI). Unset: every binding.",
				Validators:  []validator.Int64{int64validator.Between(1, 65535)}},
			"bindings": schema.ListNestedAttribute{Computed: true,
				Description: "The bindings: the IP table, then the SNI table, each in the host's order, then the Central Certificate Store bindings.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"binding":      str("`ipport=ADDRESS:PORT` or `hostnameport=NAME:PORT` (the ID `windows_http_sslcert_binding` imports), or `ccs=PORT`."),
					"ipport":       str("IP address and port, for an IP binding; null for SNI."),
					"hostnameport": str("Host name and port, for an SNI binding; null for IP."),
					"port":         schema.Int64Attribute{Computed: true, Description: "The binding's port."},
					"central_certificate_store": schema.BoolAttribute{Computed: true,
						Description: "Whether this is a Central Certificate Store binding (`binding` is `ccs=PORT`): HTTP.sys loads its " +
							"certificate per host name from the CCS share at each handshake, so it names no store or thumbprint, and " +
							"`certificate_found`, `key_opens` and the certificate's facts are null."},
					"app_id":     str("Application GUID of the binding, lower-case in braces."),
					"store":      str("LocalMachine store the binding names, upper-case (`MY` when the binding names none)."),
					"thumbprint": str("The binding's certificate hash (SHA-1 thumbprint), 40 upper-case hex digits."),
					"certificate_found": schema.BoolAttribute{Computed: true,
						Description: "Whether the store holds the certificate. False when it was deleted after binding: " +
							"HTTP.sys keeps the binding and fails every TLS handshake on it. The certificate's facts are then null."},
					"subject": str("The certificate's subject as Windows prints it (`CN=a, O=b`)."),
					"issuer":  str("The certificate's issuer as Windows prints it."),
					"dns_names": schema.ListAttribute{Computed: true, ElementType: types.StringType,
						Description: "DNS names of the certificate's subject alternative name extension."},
					"not_before": str("Start of validity, RFC 3339 UTC."),
					"not_after":  str("End of validity, RFC 3339 UTC."),
					"days_left": schema.Int64Attribute{Computed: true,
						Description: "Whole days from the read until `not_after`: 0 on the last day, negative once expired."},
					"key_opens": schema.BoolAttribute{Computed: true,
						Description: "Whether the certificate's private key opens on the host (CNG or CryptoAPI, by the key's kind): " +
							"without it HTTP.sys cannot serve the certificate. False when the certificate is not found."},
				}}},
		},
	}
}

func (d *certificatesInUseDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.host = hostFromProviderData(req.ProviderData, &resp.Diagnostics)
}

func (d *certificatesInUseDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	m, ok := loadForHost[certificatesInUseModel](ctx, req.Config, d.host, &resp.Diagnostics)
	if !ok {
		return
	}
	inUse, err := d.host.HTTPSys().ListCertificatesInUse(ctx, m.Port.ValueInt64())
	if err != nil {
		addHostError(&resp.Diagnostics, "Cannot list the SSL bindings and their certificates", err)
		return
	}
	now := time.Now()
	m.Bindings = make([]certificateInUseBindingItem, 0, len(inUse))
	for _, b := range inUse {
		item, diags := certificateInUseItem(ctx, b, now)
		resp.Diagnostics.Append(diags...)
		m.Bindings = append(m.Bindings, item)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// certificateInUseItem is one binding of the report, its days left counted
// from now. What a binding does not have (a Central Certificate Store
// binding's certificate, a certificate gone from its store) is null.
func certificateInUseItem(ctx context.Context, b windows.CertificateInUse, now time.Time) (certificateInUseBindingItem, diag.Diagnostics) {
	item := certificateInUseBindingItem{
		Binding: types.StringValue(b.BindingKey.String()), IPPort: optionalString(b.IPPort), HostnamePort: optionalString(b.HostnamePort),
		Port: types.Int64Value(b.Port), CCS: types.BoolValue(b.CCS != ""), AppID: types.StringValue(b.AppID),
		Store: types.StringNull(), Thumbprint: types.StringNull(), CertificateFound: types.BoolNull(),
		Subject: types.StringNull(), Issuer: types.StringNull(), DNSNames: types.ListNull(types.StringType),
		NotBefore: types.StringNull(), NotAfter: types.StringNull(), DaysLeft: types.Int64Null(), KeyOpens: types.BoolNull(),
	}
	if b.CCS != "" {
		item.Binding = types.StringValue("ccs=" + b.CCS)
		return item, nil
	}
	c := b.Certificate
	item.Store, item.Thumbprint = types.StringValue(b.Store), types.StringValue(b.Hash)
	item.CertificateFound = types.BoolValue(b.Found && c != nil)
	item.KeyOpens = types.BoolValue(false)
	if !item.CertificateFound.ValueBool() {
		return item, nil
	}
	var diags diag.Diagnostics
	item.Subject, item.Issuer = types.StringValue(c.Subject), types.StringValue(c.Issuer)
	item.DNSNames, diags = types.ListValueFrom(ctx, types.StringType, nonNil(c.DNSNames))
	item.NotBefore, item.NotAfter = types.StringValue(formatTime(c.NotBefore)), types.StringValue(formatTime(c.NotAfter))
	item.DaysLeft = types.Int64Value(daysLeft(c.NotAfter, now))
	item.KeyOpens = types.BoolValue(c.KeyOpens != nil && *c.KeyOpens)
	return item, diags
}
