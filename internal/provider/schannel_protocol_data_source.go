package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/schannel"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/windows"
)

func init() { dataSources = append(dataSources, newSChannelProtocolDataSource) }

func newSChannelProtocolDataSource() datasource.DataSource { return &schannelProtocolDataSource{} }

// schannelProtocolDataSource is windows_schannel_protocol: one protocol's
// Server or Client key as the resource of that name reads it, for review
// and for copying a host's TLS settings to another host.
type schannelProtocolDataSource struct{ host *windows.Host }

var _ datasource.DataSourceWithConfigure = (*schannelProtocolDataSource)(nil)

type schannelProtocolDataSourceModel struct {
	ID                types.String `tfsdk:"id"`
	Protocol          types.String `tfsdk:"protocol"`
	Side              types.String `tfsdk:"side"`
	Key               types.String `tfsdk:"key"`
	KeyExists         types.Bool   `tfsdk:"key_exists"`
	Enabled           types.Bool   `tfsdk:"enabled"`
	DisabledByDefault types.Bool   `tfsdk:"disabled_by_default"`
	EffectiveEnabled  types.Bool   `tfsdk:"effective_enabled"`
}

func (d *schannelProtocolDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_schannel_protocol"
}

func (d *schannelProtocolDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "One SChannel protocol's server or client side as the host has it, in the words of the resource " +
			"`windows_schannel_protocol`: `HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\<protocol>\\<Server|Client>`. " +
			"`enabled` is what the resource would manage (null when the key sets nothing and the Windows default applies); " +
			"`effective_enabled` is what SChannel does, the Windows default included.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true,
				MarkdownDescription: "`PROTOCOL/SIDE`, such as `TLS 1.2/server`: the ID `windows_schannel_protocol` imports."},
			"protocol": schema.StringAttribute{Required: true,
				MarkdownDescription: "The protocol's key name: `SSL 3.0`, `TLS 1.0`, `TLS 1.1`, `TLS 1.2` or `TLS 1.3`.",
				Validators:          []validator.String{stringvalidator.OneOf(schannel.Protocols...)}},
			"side": schema.StringAttribute{Required: true,
				MarkdownDescription: "`server` (what the host's services accept) or `client` (what programs on the host offer).",
				Validators:          []validator.String{stringvalidator.OneOf("server", "client")}},
			"key":        schema.StringAttribute{Computed: true, MarkdownDescription: "The side's registry key."},
			"key_exists": schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the side's key exists."},
			"enabled": schema.BoolAttribute{Computed: true,
				MarkdownDescription: "The `enabled` of a `windows_schannel_protocol` that would match the host: true for `Enabled` non-zero and " +
					"`DisabledByDefault` absent or 0; false for `Enabled` = 0 or `DisabledByDefault` set; null when the key holds no `Enabled` value."},
			"disabled_by_default": schema.BoolAttribute{Computed: true,
				MarkdownDescription: "Whether `DisabledByDefault` is non-zero (SChannel then offers the protocol only to applications that ask for it); null when absent."},
			"effective_enabled": schema.BoolAttribute{Computed: true,
				MarkdownDescription: "Whether SChannel has the protocol on for this side, with the Windows default of the host's version where the key holds no `Enabled` value; " +
					"null where the provider does not know that default (TLS 1.0 and 1.1 after Windows Server 2022, SSL 3.0 before Windows Server 2016)."},
		},
	}
}

func (d *schannelProtocolDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.host = hostFromProviderData(req.ProviderData, &resp.Diagnostics)
}

func (d *schannelProtocolDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	m, ok := loadForHost[schannelProtocolDataSourceModel](ctx, req.Config, d.host, &resp.Diagnostics)
	if !ok {
		return
	}
	protocol, side := m.Protocol.ValueString(), schannelSideName(m.Side.ValueString())
	current, err := d.host.TLSSettings().SChannel(ctx, protocol, side)
	if err != nil {
		addHostError(&resp.Diagnostics, "Cannot read SChannel "+protocol+" "+side, err)
		return
	}
	m.ID = types.StringValue(protocol + "/" + m.Side.ValueString())
	m.Key, m.KeyExists = types.StringValue(current.Key), types.BoolValue(current.KeyExists)
	m.Enabled = schannelEnabled(current)
	m.DisabledByDefault = types.BoolNull()
	if current.DisabledByDefault != nil {
		m.DisabledByDefault = types.BoolValue(*current.DisabledByDefault != 0)
	}
	m.EffectiveEnabled = m.Enabled
	if current.Enabled == nil {
		m.EffectiveEnabled = types.BoolNull()
		info, err := d.host.Info(ctx)
		if err != nil {
			addHostError(&resp.Diagnostics, "Cannot read the host's Windows version", err)
			return
		}
		if on, known := schannel.Default(protocol, windowsBuild(info.OSVersion)); known {
			m.EffectiveEnabled = schannelEffective(current, on)
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
