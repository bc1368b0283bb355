package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/windows"
)

func init() { dataSources = append(dataSources, newSSLCertBindingsDataSource) }

// sslCertBindingsDataSource is windows_http_sslcert_bindings: every SSL
// binding of the host, IP and SNI tables (netsh http show sslcert), with
// every field, for review and for cloning a host.
type sslCertBindingsDataSource struct{ host *windows.Host }

func newSSLCertBindingsDataSource() datasource.DataSource { return &sslCertBindingsDataSource{} }

var _ datasource.DataSourceWithConfigure = (*sslCertBindingsDataSource)(nil)

type sslCertBindingsModel struct {
	Bindings []sslCertBindingModel `tfsdk:"bindings"`
}

func (d *sslCertBindingsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_http_sslcert_bindings"
}

func (d *sslCertBindingsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	str := func(description string) schema.Attribute {
		return schema.StringAttribute{Computed: true, Description: description}
	}
	boolean := func(description string) schema.Attribute {
		return schema.BoolAttribute{Computed: true, Description: description}
	}
	number := func(description string) schema.Attribute {
		return schema.Int64Attribute{Computed: true, Description: description}
	}
	resp.Schema = schema.Schema{
		Description: "All HTTP.sys SSL certificate bindings of the host, IP and SNI (`netsh http show sslcert`).",
		Attributes: map[string]schema.Attribute{
			"bindings": schema.ListNestedAttribute{Computed: true,
				Description: "The bindings: first the IP table, then the SNI table, each in the host's order.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":                            str("ipport=... or hostnameport=..., the ID windows_http_sslcert_binding imports."),
					"ipport":                        str("IP address and port, for an IP binding; null for SNI."),
					"hostnameport":                  str("Host name and port, for an SNI binding; null for IP."),
					"certificate_hash":              str("SHA-1 thumbprint, 40 upper-case hex digits."),
					"app_id":                        str("Application GUID, lower-case in braces."),
					"certificate_store_name":        str("LocalMachine store of the certificate, upper-case."),
					"verify_client_cert_revocation": boolean("Whether client certificates are checked for revocation."),
					"verify_revocation_with_cached_client_cert_only": boolean("Whether only cached CRLs are used."),
					"usage_check":               boolean("Whether the certificate's key usage is checked."),
					"revocation_freshness_time": number("Seconds after which a cached CRL is refreshed (0: the CRL's validity)."),
					"url_retrieval_timeout":     number("Milliseconds to wait for a CRL download (0: system default)."),
					"ctl_identifier":            str("Certificate trust list identifier, or empty."),
					"ctl_store_name":            str("Store of the trust list, or empty."),
					"ds_mapper_usage":           boolean("Whether client certificates map to directory accounts."),
					"negotiate_client_cert":     boolean("Whether clients are asked for a certificate."),
					"disable_legacy_tls":        boolean("Whether TLS 1.0 and 1.1 are refused on the binding."),
					"disable_tls13":             boolean("Whether TLS 1.3 is refused on the binding."),
					"disable_http2":             boolean("Whether HTTP/2 is refused on the binding."),
					"disable_quic":              boolean("Whether QUIC (HTTP/3) is refused on the binding."),
					"disable_ocsp_stapling":     boolean("Whether OCSP stapling is off on the binding."),
				}}},
		},
	}
}

func (d *sslCertBindingsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.host = hostFromProviderData(req.ProviderData, &resp.Diagnostics)
}

func (d *sslCertBindingsDataSource) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !ensureHost(d.host, &resp.Diagnostics) {
		return
	}
	bindings, err := d.host.HTTPSys().ListSSLBindings(ctx)
	if err != nil {
		addHostError(&resp.Diagnostics, "Cannot list the SSL bindings", err)
		return
	}
	m := sslCertBindingsModel{Bindings: make([]sslCertBindingModel, 0, len(bindings))}
	for _, b := range bindings {
		var item sslCertBindingModel
		item.mergeHost(b)
		m.Bindings = append(m.Bindings, item)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
