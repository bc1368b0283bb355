package provider

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/schannel"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/windows"
)

func init() { resources = append(resources, newSChannelProtocolResource) }

// schannelOriginalKey is the private-state key holding what the side's key
// held before Terraform wrote it, which destroy puts back.
const schannelOriginalKey = "original"

// schannelDefaultKey is the private-state key marking a resource imported
// while its key held no Enabled value: until Terraform writes the values,
// enabled reads as Windows' default for the host (schannel.Default).
const schannelDefaultKey = "follows_windows_default"

// schannelProtocolResource is windows_schannel_protocol: one protocol's
// Server or Client key under SCHANNEL\Protocols, what the Sage 50
// prerequisite ("TLS 1.2") leaves to regedit.
type schannelProtocolResource struct{ host *windows.Host }

func newSChannelProtocolResource() resource.Resource { return &schannelProtocolResource{} }

var (
	_ resource.ResourceWithConfigure   = (*schannelProtocolResource)(nil)
	_ resource.ResourceWithImportState = (*schannelProtocolResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*schannelProtocolResource)(nil)
)

type schannelProtocolModel struct {
	ID             types.String `tfsdk:"id"`
	Protocol       types.String `tfsdk:"protocol"`
	Side           types.String `tfsdk:"side"`
	Enabled        types.Bool   `tfsdk:"enabled"`
	Key            types.String `tfsdk:"key"`
	RebootRequired types.Bool   `tfsdk:"reboot_required"`
}

// schannelOriginal is what the side's key held before Terraform.
type schannelOriginal struct {
	KeyExisted        bool    `json:"key_existed"`
	Enabled           *uint32 `json:"enabled"`
	DisabledByDefault *uint32 `json:"disabled_by_default"`
}

func (r *schannelProtocolResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_schannel_protocol"
}

func (r *schannelProtocolResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Turns one SChannel protocol on or off for the server or the client side of the host, " +
			"as Microsoft's *Transport Layer Security (TLS) registry settings* describe: " +
			"`HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\<protocol>\\<Server|Client>` " +
			"gets `Enabled` = 1 and `DisabledByDefault` = 0 to turn it on, `Enabled` = 0 and `DisabledByDefault` = 1 to turn it off. " +
			"HTTP.sys (and so every HttpListener service), IIS and .NET clients using the system defaults follow these keys.\n\n" +
			"SChannel reads them when Windows starts: **the change takes effect after a reboot** (`reboot_required`). " +
			"A key changed or removed outside Terraform shows as a change to `enabled`. " +
			"Destroy puts back the values found before Terraform wrote them (or their absence, so the Windows default applies again). " +
			"TLS 1.3 needs Windows Server 2022 (build 20348) or later; the plan fails on older hosts. " +
			"Import with `PROTOCOL/SIDE`, such as `TLS 1.2/server`: the values found then are what destroy restores.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true,
				MarkdownDescription: "`PROTOCOL/SIDE`, such as `TLS 1.2/server`.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"protocol": schema.StringAttribute{Required: true,
				MarkdownDescription: "The protocol's key name: `SSL 3.0`, `TLS 1.0`, `TLS 1.1`, `TLS 1.2` or `TLS 1.3`. Changing it replaces the resource.",
				Validators:          []validator.String{stringvalidator.OneOf(schannel.Protocols...)},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()}},
			"side": schema.StringAttribute{Required: true,
				MarkdownDescription: "`server` (what the host's services accept) or `client` (what programs on the host offer when they connect). Changing it replaces the resource.",
				Validators:          []validator.String{stringvalidator.OneOf("server", "client")},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()}},
			"enabled": schema.BoolAttribute{Required: true,
				MarkdownDescription: "Whether the protocol is on. When the key holds no `Enabled` value (the Windows default applies) it reads back as `null`, which plans an update, " +
					"except after an import: then it reads as Windows' default for the host's version until Terraform writes the values, so the imported configuration plans no change. " +
					"Importing such a key fails where the provider does not know that default (TLS 1.0 and 1.1 after Windows Server 2022, SSL 3.0 before Windows Server 2016)."},
			"key": schema.StringAttribute{Computed: true,
				MarkdownDescription: "The registry key written, such as `HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.2\\Server`.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"reboot_required": schema.BoolAttribute{Computed: true,
				MarkdownDescription: "Whether the last apply changed the registry: SChannel uses the new setting only after Windows restarts."},
		},
	}
}

func (r *schannelProtocolResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.host = hostFromProviderData(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan refuses TLS 1.3 on a host whose Windows has none, asking the
// host its version when the provider is configured.
func (r *schannelProtocolResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.host == nil {
		return
	}
	var protocol types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("protocol"), &protocol)...)
	if resp.Diagnostics.HasError() || protocol.ValueString() != "TLS 1.3" {
		return
	}
	info, err := r.host.Info(ctx)
	if err != nil {
		addHostError(&resp.Diagnostics, "Cannot read the host's Windows version", err)
		return
	}
	if build := windowsBuild(info.OSVersion); build > 0 && build < schannel.TLS13MinBuild {
		resp.Diagnostics.AddAttributeError(path.Root("protocol"), "TLS 1.3 is not available on this host",
			fmt.Sprintf("%s (%s, build %d) has no TLS 1.3 in SChannel: it needs Windows Server 2022 (build %d) or later. "+
				"Manage TLS 1.2 on this host instead, or upgrade Windows.", info.OSCaption, info.OSVersion, build, schannel.TLS13MinBuild))
	}
}

// windowsBuild is the build number in a Windows version "10.0.20348", or 0.
func windowsBuild(version string) int {
	parts := strings.Split(version, ".")
	if len(parts) < 3 {
		return 0
	}
	b, err := strconv.Atoi(parts[2])
	if err != nil {
		return 0
	}
	return b
}

// schannelValues are the DWORDs that turn a protocol on or off.
func schannelValues(enabled bool) windows.SChannelValues {
	on, off := uint32(1), uint32(0)
	if enabled {
		return windows.SChannelValues{Enabled: &on, DisabledByDefault: &off}
	}
	return windows.SChannelValues{Enabled: &off, DisabledByDefault: &on}
}

// schannelEnabled reads a side's values as the resource's enabled: null
// without an Enabled value; off when Enabled is 0 or DisabledByDefault is
// set (SChannel then offers it only to applications that ask for it).
func schannelEnabled(s windows.SChannelSide) types.Bool {
	if s.Enabled == nil {
		return types.BoolNull()
	}
	return types.BoolValue(schannel.Effective(false, s.Enabled, s.DisabledByDefault))
}

// schannelEffective is schannelEnabled with Windows' default for an absent
// Enabled value (schannel.Default, the table the simulator uses too).
func schannelEffective(s windows.SChannelSide, byDefault bool) types.Bool {
	return types.BoolValue(schannel.Effective(byDefault, s.Enabled, s.DisabledByDefault))
}

func schannelSideName(side string) string {
	if side == "server" {
		return "Server"
	}
	return "Client"
}

func (r *schannelProtocolResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	plan, ok := loadForHost[schannelProtocolModel](ctx, req.Plan, r.host, &resp.Diagnostics)
	if !ok {
		return
	}
	api, protocol, side := r.host.TLSSettings(), plan.Protocol.ValueString(), schannelSideName(plan.Side.ValueString())
	before, err := api.SChannel(ctx, protocol, side)
	if err != nil {
		addHostError(&resp.Diagnostics, "Cannot read SChannel "+protocol+" "+side, err)
		return
	}
	resp.Diagnostics.Append(recordSChannelOriginal(ctx, resp.Private, before)...)
	if resp.Diagnostics.HasError() {
		return
	}
	after, err := api.SetSChannel(ctx, protocol, side, schannelValues(plan.Enabled.ValueBool()))
	if err != nil {
		addHostError(&resp.Diagnostics, "Cannot write SChannel "+protocol+" "+side, err)
		return
	}
	plan.ID = types.StringValue(protocol + "/" + plan.Side.ValueString())
	plan.Key, plan.RebootRequired = types.StringValue(after.Key), types.BoolValue(after.Changed)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *schannelProtocolResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	state, ok := loadForHost[schannelProtocolModel](ctx, req.State, r.host, &resp.Diagnostics)
	if !ok {
		return
	}
	protocol, side := state.Protocol.ValueString(), schannelSideName(state.Side.ValueString())
	current, err := r.host.TLSSettings().SChannel(ctx, protocol, side)
	if err != nil {
		addHostError(&resp.Diagnostics, "Cannot read SChannel "+protocol+" "+side, err)
		return
	}
	saved, diags := req.Private.GetKey(ctx, schannelOriginalKey)
	imported := !diags.HasError() && len(saved) == 0
	if imported {
		// Imported: what is there now is what destroy restores.
		resp.Diagnostics.Append(recordSChannelOriginal(ctx, resp.Private, current)...)
	}
	state.Enabled, state.Key = schannelEnabled(current), types.StringValue(current.Key)
	if flag, _ := req.Private.GetKey(ctx, schannelDefaultKey); current.Enabled == nil && (imported || string(flag) == "true") {
		// A key without Enabled follows Windows' default. Null would make
		// the configuration generated at import (`enabled = null`)
		// invalid, so an import reads what SChannel does with the key, and
		// keeps doing so until Terraform writes the values; a resource
		// Terraform wrote still shows the values' removal as a change.
		state.Enabled = r.defaultEnabled(ctx, state, current, &resp.Diagnostics)
		if resp.Diagnostics.HasError() {
			return
		}
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, schannelDefaultKey, []byte("true"))...)
	}
	if state.RebootRequired.IsNull() {
		state.RebootRequired = types.BoolValue(false)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *schannelProtocolResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	plan, ok := loadForHost[schannelProtocolModel](ctx, req.Plan, r.host, &resp.Diagnostics)
	if !ok {
		return
	}
	protocol, side := plan.Protocol.ValueString(), schannelSideName(plan.Side.ValueString())
	after, err := r.host.TLSSettings().SetSChannel(ctx, protocol, side, schannelValues(plan.Enabled.ValueBool()))
	if err != nil {
		addHostError(&resp.Diagnostics, "Cannot write SChannel "+protocol+" "+side, err)
		return
	}
	// Terraform wrote the values: their removal is a change from now on.
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, schannelDefaultKey, nil)...)
	plan.Key, plan.RebootRequired = types.StringValue(after.Key), types.BoolValue(after.Changed)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// defaultEnabled is whether SChannel has the protocol on for a key without
// an Enabled value on this host, failing where the default is unknown.
func (r *schannelProtocolResource) defaultEnabled(ctx context.Context, state schannelProtocolModel, current windows.SChannelSide, diags *diag.Diagnostics) types.Bool {
	info, err := r.host.Info(ctx)
	if err != nil {
		addHostError(diags, "Cannot read the host's Windows version", err)
		return types.BoolNull()
	}
	build := windowsBuild(info.OSVersion)
	on, known := schannel.Default(state.Protocol.ValueString(), build)
	if !known {
		diags.AddError("Windows default for "+state.Protocol.ValueString()+" unknown",
			fmt.Sprintf("%s holds no Enabled value, so Windows' default applies, and the provider does not know whether %s (%s, build %d) has %s on by default. "+
				"Instead of importing it, declare the resource with the enabled you want and apply: Terraform then writes the values.",
				current.Key, info.OSCaption, info.OSVersion, build, state.Protocol.ValueString()))
		return types.BoolNull()
	}
	return schannelEffective(current, on)
}

// Delete puts back the values found before Terraform wrote them.
func (r *schannelProtocolResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	state, ok := loadForHost[schannelProtocolModel](ctx, req.State, r.host, &resp.Diagnostics)
	if !ok {
		return
	}
	original, diags := loadSChannelOriginal(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	protocol, side := state.Protocol.ValueString(), schannelSideName(state.Side.ValueString())
	_, err := r.host.TLSSettings().SetSChannel(ctx, protocol, side, windows.SChannelValues{
		Enabled: original.Enabled, DisabledByDefault: original.DisabledByDefault, KeepKey: original.KeyExisted})
	if err != nil {
		addHostError(&resp.Diagnostics, "Cannot restore SChannel "+protocol+" "+side, err)
	}
}

// schannelOriginalWhat names the original values in errors.
const schannelOriginalWhat = "the original SChannel values"

// recordSChannelOriginal records a side's values as what destroy restores.
func recordSChannelOriginal(ctx context.Context, private privateData, s windows.SChannelSide) diag.Diagnostics {
	return setPrivateJSON(ctx, private, schannelOriginalKey, schannelOriginalWhat,
		schannelOriginal{KeyExisted: s.KeyExists, Enabled: s.Enabled, DisabledByDefault: s.DisabledByDefault})
}

// loadSChannelOriginal reads the original values; without any (state from
// before they were recorded) destroy removes the values Terraform wrote.
func loadSChannelOriginal(ctx context.Context, private privateData) (schannelOriginal, diag.Diagnostics) {
	var original schannelOriginal
	diags := getPrivateJSON(ctx, private, schannelOriginalKey, schannelOriginalWhat, &original)
	return original, diags
}

// ImportState takes "PROTOCOL/SIDE", such as "TLS 1.2/server".
func (r *schannelProtocolResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	protocol, side, ok := strings.Cut(req.ID, "/")
	valid := ok && (side == "server" || side == "client")
	known := false
	for _, p := range schannel.Protocols {
		known = known || p == protocol
	}
	if !valid || !known {
		resp.Diagnostics.AddError("Invalid import ID",
			fmt.Sprintf("Import an SChannel protocol as \"PROTOCOL/SIDE\", such as \"TLS 1.2/server\": PROTOCOL is one of %s and SIDE is server or client; got %q.",
				strings.Join(schannel.Protocols, ", "), req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("protocol"), protocol)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("side"), side)...)
}
