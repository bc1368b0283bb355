package provider

import (
	"context"
	"errors"
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/provider/attribute_validator"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/windows"
)

func init() { resources = append(resources, newFirewallRuleResource) }

const firewallRuleResourceType = "windows_firewall_rule"

// firewallProfiles are Windows Defender Firewall's profiles, as Windows
// names them (NET_FW_PROFILE_TYPE2).
var firewallProfiles = []string{"Domain", "Private", "Public"}

// firewallRuleResource is windows_firewall_rule: an inbound TCP allow rule
// of Windows Defender Firewall, the step the procedures leave out ("open
// the port") without which other machines cannot reach the new HTTPS port.
type firewallRuleResource struct{ host *windows.Host }

func newFirewallRuleResource() resource.Resource { return &firewallRuleResource{} }

var (
	_ resource.ResourceWithConfigure   = (*firewallRuleResource)(nil)
	_ resource.ResourceWithImportState = (*firewallRuleResource)(nil)
)

type firewallRuleModel struct {
	ID          types.String `tfsdk:"id"`
	Name        types.String `tfsdk:"name"`
	Description types.String `tfsdk:"description"`
	LocalPorts  types.Set    `tfsdk:"local_ports"`
	Program     types.String `tfsdk:"program"`
	Service     types.String `tfsdk:"service"`
	Profiles    types.Set    `tfsdk:"profiles"`
	Enabled     types.Bool   `tfsdk:"enabled"`
}

func (r *firewallRuleResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_firewall_rule"
}

func (r *firewallRuleResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replaceString := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "An inbound Windows Defender Firewall rule that allows TCP connections to one or more local ports " +
			"(`New-NetFirewallRule -Direction Inbound -Protocol TCP -Action Allow`), so that other machines reach a service's new HTTPS port. " +
			"Windows blocks inbound connections no rule allows; connections the host makes to itself are not filtered, " +
			"which is why a check from the server itself passes with the port closed. The rule is found by its name: " +
			"a name that several rules share is refused, and destroying the resource removes only the rule of that name. " +
			"Any change, and a rule someone disabled, replaces the rule.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, MarkdownDescription: "The rule's name.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"name": schema.StringAttribute{Required: true, PlanModifiers: replaceString,
				MarkdownDescription: "The rule's name (`DisplayName` in PowerShell, the name in wf.msc), such as `Sage 300 Connector Agent (HTTPS-In)`. " +
					"Must not be used by another rule.",
				Validators: []validator.String{attribute_validator.Check("a firewall rule name", checkFirewallRuleName)}},
			"description": schema.StringAttribute{Optional: true, PlanModifiers: replaceString,
				MarkdownDescription: "The rule's description.",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)}},
			"local_ports": schema.SetAttribute{Required: true, ElementType: types.Int64Type,
				MarkdownDescription: "The local TCP ports the rule opens, such as `[4207]`.",
				PlanModifiers:       []planmodifier.Set{setplanmodifier.RequiresReplace()},
				Validators: []validator.Set{setvalidator.SizeAtLeast(1),
					setvalidator.ValueInt64sAre(int64validator.Between(1, 65535))}},
			"program": schema.StringAttribute{Optional: true, PlanModifiers: replaceString,
				MarkdownDescription: "Limit the rule to connections a program receives: its full path, or `System`. " +
					"Services that listen through HTTP.sys (both Sage connectors, NetPOS.Net) receive their connections in the kernel, " +
					"as the `System` process: a rule limited to their own `.exe` does not open their port. Leave it unset or use `System` for them, " +
					"as Windows' own \"Windows Remote Management (HTTP-In)\" rule does.",
				Validators: []validator.String{attribute_validator.Check("`System` or a program's full path", checkFirewallProgram)}},
			"service": schema.StringAttribute{Optional: true, PlanModifiers: replaceString,
				MarkdownDescription: "Limit the rule to a service (its short name). Like `program`, this does not match services that listen through HTTP.sys.",
				Validators:          []validator.String{attribute_validator.Check("a service name", checkServiceName)}},
			"profiles": schema.SetAttribute{Optional: true, Computed: true, ElementType: types.StringType,
				MarkdownDescription: "The network profiles the rule applies in: `Domain`, `Private`, `Public`. Default all three.",
				Default:             setdefault.StaticValue(types.SetValueMust(types.StringType, stringValues(firewallProfiles))),
				PlanModifiers:       []planmodifier.Set{setplanmodifier.RequiresReplace()},
				Validators: []validator.Set{setvalidator.SizeAtLeast(1),
					setvalidator.ValueStringsAre(stringvalidator.OneOf(firewallProfiles...))}},
			"enabled": schema.BoolAttribute{Computed: true, Default: booldefault.StaticBool(true),
				MarkdownDescription: "Whether the rule is enabled: always `true` once applied; a rule someone disabled reads `false` and is replaced.",
				PlanModifiers:       []planmodifier.Bool{boolplanmodifier.RequiresReplace()}},
		},
	}
}

func stringValues(ss []string) []attr.Value {
	out := make([]attr.Value, len(ss))
	for i, s := range ss {
		out[i] = types.StringValue(s)
	}
	return out
}

// checkFirewallProgram accepts what INetFwRule::ApplicationName holds: the
// full path of a program (a drive or UNC path, or one starting with an
// environment variable such as %ProgramFiles%), or System.
func checkFirewallProgram(s string) error {
	switch {
	case strings.EqualFold(s, "System"):
		return nil
	case len(s) >= 3 && s[1] == ':' && (s[2] == '\\' || s[2] == '/'),
		strings.HasPrefix(s, `\\`), strings.HasPrefix(s, "%"):
		return nil
	}
	return errors.New(`give the program's full path, such as C:\Program Files\App\app.exe, or System for services that listen through HTTP.sys`)
}

func checkFirewallRuleName(s string) error {
	if strings.TrimSpace(s) == "" {
		return errors.New("must not be empty")
	}
	if strings.Contains(s, "|") {
		return errors.New(`must not contain "|"`)
	}
	return nil
}

func (r *firewallRuleResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.host = hostFromProviderData(req.ProviderData, &resp.Diagnostics)
}

func (r *firewallRuleResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	plan, ok := loadForHost[firewallRuleModel](ctx, req.Plan, r.host, &resp.Diagnostics)
	if !ok {
		return
	}
	var ports []int64
	var profiles []string
	resp.Diagnostics.Append(plan.LocalPorts.ElementsAs(ctx, &ports, false)...)
	resp.Diagnostics.Append(plan.Profiles.ElementsAs(ctx, &profiles, false)...)
	if resp.Diagnostics.HasError() {
		return
	}
	sort.Slice(ports, func(i, j int) bool { return ports[i] < ports[j] })
	portText := make([]string, len(ports))
	for i, p := range ports {
		portText[i] = strconv.FormatInt(p, 10)
	}
	name := plan.Name.ValueString()
	rule, err := r.host.AddFirewallRule(ctx, windows.FirewallRuleSpec{
		Name: name, Description: plan.Description.ValueString(), LocalPorts: strings.Join(portText, ","),
		Program: plan.Program.ValueString(), Service: plan.Service.ValueString(), Profiles: profiles})
	if err != nil {
		detail := hostErrorDetail(err)
		if windows.IsAlreadyExists(err) {
			detail = alreadyExistsDetail("A firewall rule named "+name, firewallRuleResourceType, name, err) +
				" Or choose another name."
		}
		resp.Diagnostics.AddError("Cannot add firewall rule "+name, detail)
		return
	}
	plan.ID = plan.Name
	resp.Diagnostics.Append(firewallModelFrom(ctx, rule, &plan)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// firewallModelFrom sets m's host-side attributes from the rule as read.
func firewallModelFrom(ctx context.Context, rule windows.FirewallRule, m *firewallRuleModel) (diags diag.Diagnostics) {
	var ports []int64
	for _, p := range strings.Split(rule.LocalPorts, ",") {
		if n, err := strconv.ParseInt(strings.TrimSpace(p), 10, 64); err == nil {
			ports = append(ports, n)
		}
	}
	m.Name = types.StringValue(rule.Name)
	m.Description = optionalString(rule.Description)
	m.Program = optionalString(rule.Program)
	m.Service = optionalString(rule.Service)
	m.Enabled = types.BoolValue(rule.Enabled && rule.Direction == "in" && rule.Action == "allow" && rule.Protocol == 6)
	var d1, d2 diag.Diagnostics
	m.LocalPorts, d1 = types.SetValueFrom(ctx, types.Int64Type, ports)
	m.Profiles, d2 = types.SetValueFrom(ctx, types.StringType, rule.Profiles)
	diags.Append(d1...)
	diags.Append(d2...)
	return diags
}

func (r *firewallRuleResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	state, ok := loadForHost[firewallRuleModel](ctx, req.State, r.host, &resp.Diagnostics)
	if !ok {
		return
	}
	name := state.ID.ValueString()
	if name == "" {
		name = state.Name.ValueString()
	}
	rule, err := r.host.FirewallRule(ctx, name)
	if err != nil {
		addHostError(&resp.Diagnostics, "Cannot read firewall rule "+name, err)
		return
	}
	if !rule.Exists {
		resp.State.RemoveResource(ctx) // removed by hand: plan to add it again
		return
	}
	state.ID = types.StringValue(rule.Name)
	resp.Diagnostics.Append(firewallModelFrom(ctx, rule, &state)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update is never called with a change: every attribute replaces.
func (r *firewallRuleResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	recordPlan[firewallRuleModel](ctx, req, resp)
}

// Delete removes the rule of this name only; other rules on the same port stay.
func (r *firewallRuleResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	state, ok := loadForHost[firewallRuleModel](ctx, req.State, r.host, &resp.Diagnostics)
	if !ok {
		return
	}
	if err := r.host.RemoveFirewallRule(ctx, state.ID.ValueString()); err != nil {
		addHostError(&resp.Diagnostics, "Cannot remove firewall rule "+state.ID.ValueString(), err)
	}
}

// ImportState takes the rule's name; an import of a rule that is not an
// inbound TCP allow rule fails at the read, naming what it is.
func (r *firewallRuleResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if err := checkFirewallRuleName(req.ID); err != nil {
		resp.Diagnostics.AddError("Invalid import ID", "Import a firewall rule by its name (Get-NetFirewallRule | Select DisplayName): "+err.Error())
		return
	}
	rule, err := r.host.FirewallRule(ctx, req.ID)
	if err != nil {
		addHostError(&resp.Diagnostics, "Cannot read firewall rule "+req.ID, err)
		return
	}
	if !rule.Exists {
		resp.Diagnostics.AddError("Cannot import firewall rule "+req.ID, "No firewall rule has that name on the host (Get-NetFirewallRule -DisplayName '"+req.ID+"').")
		return
	}
	if rule.Direction != "in" || rule.Action != "allow" || rule.Protocol != 6 {
		resp.Diagnostics.AddError("Cannot import firewall rule "+req.ID,
			"windows_firewall_rule manages inbound TCP allow rules; this one is direction "+rule.Direction+", action "+rule.Action+
				", protocol "+strconv.FormatInt(rule.Protocol, 10)+".")
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("name"), req.ID)...)
}
