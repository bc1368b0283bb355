package provider

import (
	"context"
	"net"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/windows"
)

func init() { dataSources = append(dataSources, newTLSEndpointDataSource) }

// defaultTLSEndpointAddress is where the host connects by default: itself.
const defaultTLSEndpointAddress = "127.0.0.1"

func newTLSEndpointDataSource() datasource.DataSource { return &tlsEndpointDataSource{} }

// tlsEndpointDataSource is windows_tls_endpoint: a TLS handshake made from
// the provider block's host (the server itself, or a client machine), the
// check every procedure ends with ("the endpoint now serves that
// certificate"), without a browser or the simulator's admin API.
type tlsEndpointDataSource struct{ host *windows.Host }

var _ datasource.DataSourceWithConfigure = (*tlsEndpointDataSource)(nil)

type tlsEndpointModel struct {
	ID           types.String `tfsdk:"id"`
	Address      types.String `tfsdk:"address"`
	Port         types.Int64  `tfsdk:"port"`
	ServerName   types.String `tfsdk:"server_name"`
	Reachable    types.Bool   `tfsdk:"reachable"`
	Error        types.String `tfsdk:"error"`
	Thumbprint   types.String `tfsdk:"thumbprint"`
	Subject      types.String `tfsdk:"subject"`
	Issuer       types.String `tfsdk:"issuer"`
	NotAfter     types.String `tfsdk:"not_after"`
	Protocol     types.String `tfsdk:"protocol"`
	CipherSuite  types.String `tfsdk:"cipher_suite"`
	ChainTrusted types.Bool   `tfsdk:"chain_trusted"`
	ChainStatus  types.String `tfsdk:"chain_status"`
}

func (d *tlsEndpointDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_tls_endpoint"
}

func (d *tlsEndpointDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	computed := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: desc}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A TLS handshake made **from the host of the provider block** (.NET `TcpClient` and `SslStream` on that host), " +
			"reporting the certificate and protocol an endpoint really serves: the proof that a binding, a URL reservation, " +
			"a config change and a service restart add up to a working HTTPS endpoint.\n\n" +
			"A failed connection or handshake does not fail the read: `reachable` is `false` and `error` says why, " +
			"so the data source works in `check {}` blocks and postconditions. The host offers the protocols its SChannel " +
			"client settings leave on (`windows_schannel_protocol` with `side = \"client\"`), as any .NET application using the " +
			"system defaults does. The certificate is accepted whatever its chain; `chain_trusted` says whether the chain " +
			"builds to a root the host trusts. From the server itself (the default address) the handshake proves the binding and the service; " +
			"from a client machine's provider block, with `address` the server's FQDN, it proves what clients meet: name resolution, route, " +
			"the server's firewall and the client's trust.",
		Attributes: map[string]schema.Attribute{
			"id": computed("`ADDRESS:PORT`."),
			"address": schema.StringAttribute{Optional: true, Computed: true,
				MarkdownDescription: "The address the host connects to, default `" + defaultTLSEndpointAddress + "` (the host itself). A host name is resolved on the host."},
			"port": schema.Int64Attribute{Required: true,
				MarkdownDescription: "The TCP port, such as 4207 (Sage 300 connector) or 4106 (Sage 50 connector).",
				Validators:          []validator.Int64{int64validator.Between(1, 65535)}},
			"server_name": schema.StringAttribute{Optional: true,
				MarkdownDescription: "The name the client asks for (SNI) and that `SslStream` checks, such as `sage300.example.local`; default: `address`. Needed for a `hostnameport` (SNI) binding."},
			"reachable": schema.BoolAttribute{Computed: true,
				MarkdownDescription: "Whether the TLS handshake completed. When `false`, only `error` is set."},
			"error":      computed("Why the connection or handshake failed (the host's own messages), or null."),
			"thumbprint": computed("The served certificate's SHA-1 thumbprint, 40 upper-case hex digits, as `windows_pfx_certificate` reports it."),
			"subject":    computed("The served certificate's subject, as Windows prints it (`CN=sage300.example.local`)."),
			"issuer":     computed("The served certificate's issuer."),
			"not_after":  computed("When the served certificate expires (RFC 3339, UTC)."),
			"protocol":   computed("The negotiated protocol, named as `windows_schannel_protocol` names it: `TLS 1.2`, `TLS 1.3`, ..."),
			"cipher_suite": computed("The negotiated cipher suite: the IANA name (`TLS_AES_256_GCM_SHA384`) where the host's .NET exposes it, " +
				"otherwise the .NET Framework's cipher, hash and key exchange algorithms (`Aes256 Sha384 44550`)."),
			"chain_trusted": schema.BoolAttribute{Computed: true,
				MarkdownDescription: "Whether the served chain builds to a root in the host's trusted root store (the name is not part of this)."},
			"chain_status": computed("Why the chain is not trusted, as Windows words it, or null."),
		},
	}
}

func (d *tlsEndpointDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.host = hostFromProviderData(req.ProviderData, &resp.Diagnostics)
}

func (d *tlsEndpointDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	m, ok := loadForHost[tlsEndpointModel](ctx, req.Config, d.host, &resp.Diagnostics)
	if !ok {
		return
	}
	if m.Address.IsNull() || m.Address.ValueString() == "" {
		m.Address = types.StringValue(defaultTLSEndpointAddress)
	}
	probe, err := d.host.ProbeTLS(ctx, windows.TLSProbeRequest{
		Address: m.Address.ValueString(), Port: m.Port.ValueInt64(), ServerName: m.ServerName.ValueString()})
	if err != nil {
		addHostError(&resp.Diagnostics, "Cannot probe "+m.Address.ValueString()+":"+strconv.FormatInt(m.Port.ValueInt64(), 10), err)
		return
	}
	m.ID = types.StringValue(net.JoinHostPort(m.Address.ValueString(), strconv.FormatInt(m.Port.ValueInt64(), 10)))
	m.Reachable, m.Error = types.BoolValue(probe.Reachable), optionalString(probe.Error)
	m.Thumbprint, m.Subject, m.Issuer = optionalString(probe.Thumbprint), optionalString(probe.Subject), optionalString(probe.Issuer)
	m.NotAfter, m.Protocol, m.CipherSuite = optionalString(probe.NotAfter), optionalString(probe.Protocol), optionalString(probe.CipherSuite)
	m.ChainTrusted, m.ChainStatus = types.BoolValue(probe.ChainTrusted), optionalString(probe.ChainStatus)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// optionalString is null for "".
func optionalString(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}
