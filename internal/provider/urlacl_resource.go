package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/provider/attribute_validator"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/provider/valuetext"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/windows"
)

func init() { resources = append(resources, newURLACLResource) }

const urlACLResourceType = "windows_http_urlacl"

// urlACLResource is windows_http_urlacl: an HTTP.sys URL reservation, what
// "netsh http add urlacl url=https://+:4207/ user=EVERYONE" creates.
// Reservations have no update in the HTTP Server API, so a change of what
// the reservation grants replaces it; a change of spelling only (a user name
// for the same SID, an equivalent SDDL) updates the state alone.
type urlACLResource struct{ host *windows.Host }

func newURLACLResource() resource.Resource { return &urlACLResource{} }

var (
	_ resource.ResourceWithConfigure        = (*urlACLResource)(nil)
	_ resource.ResourceWithConfigValidators = (*urlACLResource)(nil)
	_ resource.ResourceWithModifyPlan       = (*urlACLResource)(nil)
	_ resource.ResourceWithImportState      = (*urlACLResource)(nil)
)

// urlACLModel is the resource's data.
type urlACLModel struct {
	ID       types.String `tfsdk:"id"`
	URL      types.String `tfsdk:"url"`
	User     types.String `tfsdk:"user"`
	SDDL     types.String `tfsdk:"sddl"`
	Listen   types.Bool   `tfsdk:"listen"`
	Delegate types.Bool   `tfsdk:"delegate"`
	Entries  types.List   `tfsdk:"entries"`
}

func (r *urlACLResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_http_urlacl"
}

func (r *urlACLResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "An HTTP.sys URL reservation (`netsh http add urlacl`): lets an account that is not an " +
			"administrator listen on a URL prefix. Give either user (with listen and delegate) or sddl.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true,
				Description:   "The URL prefix.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"url": schema.StringAttribute{Required: true,
				Description: "The URL prefix to reserve: `scheme://host:port/path/` with scheme `http` or `https`, " +
					"host + (all names), * (names no other reservation takes), a host name or an IP address, " +
					"and a trailing slash, such as https://+:4207/. Changing it replaces the reservation.",
				Validators:    []validator.String{attribute_validator.Check("an HTTP.sys URL prefix", checkURLPrefix)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}},
			"user": schema.StringAttribute{Optional: true, Computed: true,
				Description: "The account granted the reservation: a name (`Everyone`, `BUILTIN\\Users`, " +
					"`NT AUTHORITY\\NETWORK SERVICE`, `HOST\\alice`, `alice@corp.example`) or a SID string. " +
					"English names of well-known accounts work on hosts in every language. Compared by the account " +
					"it names: `EVERYONE`, `Everyone` and `S-1-1-0` are the same. Give `user` or `sddl`; both only as " +
					"`terraform plan -generate-config-out` writes them after an import, `sddl` then saying what `user`, " +
					"`listen` and `delegate` make. Import reads it from a reservation for one account.",
				Validators: []validator.String{attribute_validator.Check("an account name or SID", checkAccountName)}},
			"sddl": schema.StringAttribute{Optional: true, Computed: true,
				Description: "The reservation's security descriptor in SDDL, such as `D:(A;;GX;;;WD)`. " +
					"Set it instead of user for several accounts; otherwise it is computed from user, " +
					"listen and delegate. Compared by meaning: WD and S-1-1-0 are the same account.",
				Validators: []validator.String{attribute_validator.Check("an SDDL security descriptor", checkURLACLSDDL)}},
			"listen": schema.BoolAttribute{Optional: true, Computed: true,
				Description: "Whether `user` may listen on the URL (`GX`). Default `true`. " +
					"With sddl: computed, true when every account in it may listen; it may be set too " +
					"(as terraform plan -generate-config-out writes it), but only to that value."},
			"delegate": schema.BoolAttribute{Optional: true, Computed: true,
				Description: "Whether `user` may delegate the URL to other accounts (`GW`). Default `false`. " +
					"With sddl: computed, true when every account in it may delegate; it may be set too " +
					"(as terraform plan -generate-config-out writes it), but only to that value."},
			"entries": schema.ListNestedAttribute{Computed: true,
				Description:  "The accounts the reservation grants rights to, as the host names them.",
				NestedObject: schema.NestedAttributeObject{Attributes: urlACLEntryAttributes()}},
		},
	}
}

// urlACLEntryAttributes are the attributes of one entry of a reservation,
// shared with the windows_http_urlacls data source.
func urlACLEntryAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"sid":      schema.StringAttribute{Computed: true, Description: "The account's SID."},
		"account":  schema.StringAttribute{Computed: true, Description: "The account's name on the host, in the host's language."},
		"listen":   schema.BoolAttribute{Computed: true, Description: "Whether the account may listen on the URL."},
		"delegate": schema.BoolAttribute{Computed: true, Description: "Whether the account may delegate the URL."},
	}
}

// urlACLEntryType is the object type of one entry.
var urlACLEntryType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"sid": types.StringType, "account": types.StringType, "listen": types.BoolType, "delegate": types.BoolType,
}}

// urlACLEntriesValue converts the host's entries to the entries attribute.
func urlACLEntriesValue(entries []windows.URLACLEntry) (types.List, diag.Diagnostics) {
	values := make([]attr.Value, 0, len(entries))
	for _, e := range entries {
		values = append(values, types.ObjectValueMust(urlACLEntryType.AttrTypes, map[string]attr.Value{
			"sid": types.StringValue(e.SID), "account": types.StringValue(e.Account),
			"listen": types.BoolValue(e.Listen), "delegate": types.BoolValue(e.Delegate),
		}))
	}
	return types.ListValue(urlACLEntryType, values)
}

// checkURLACLSDDL accepts a security descriptor that parses and grants.
func checkURLACLSDDL(s string) error {
	_, err := parseURLACLSDDL(s)
	return err
}

func (r *urlACLResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{
		resourcevalidator.AtLeastOneOf(path.MatchRoot("user"), path.MatchRoot("sddl")),
		sddlRightsValidator{},
		grantsSomethingValidator{},
	}
}

func (r *urlACLResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.host = hostFromProviderData(req.ProviderData, &resp.Diagnostics)
}

// userRights returns the rights configured for user, with the defaults
// (listen true, delegate false) for those not set.
func userRights(m urlACLModel) (listen, delegate types.Bool) {
	listen, delegate = m.Listen, m.Delegate
	if listen.IsNull() {
		listen = types.BoolValue(true)
	}
	if delegate.IsNull() {
		delegate = types.BoolValue(false)
	}
	return listen, delegate
}

// desiredURLACL is what the configuration asks the host to hold: the SDDL
// (unknown until its parts are known) and the listen and delegate values.
type desiredURLACL struct {
	sddl             types.String
	listen, delegate types.Bool
}

// desired works out the reservation the configuration asks for. In user
// mode it resolves the account to its SID, on the host if need be.
func (r *urlACLResource) desired(ctx context.Context, config urlACLModel, diags *diag.Diagnostics) desiredURLACL {
	if config.User.IsNull() {
		r.checkSDDLAccounts(ctx, config.SDDL, diags)
		d := desiredFromSDDL(config.SDDL)
		// Configured values agree with sddl (sddlRightsValidator); the plan
		// must carry them as written, unknown ones included.
		if !config.Listen.IsNull() {
			d.listen = config.Listen
		}
		if !config.Delegate.IsNull() {
			d.delegate = config.Delegate
		}
		return d
	}
	listen, delegate := userRights(config)
	d := desiredURLACL{sddl: types.StringUnknown(), listen: listen, delegate: delegate}
	if config.User.IsUnknown() || listen.IsUnknown() || delegate.IsUnknown() {
		return d
	}
	if _, local := localAccountSID(config.User.ValueString()); !local && r.host == nil {
		return d // the provider is not configured yet (its host is unknown)
	}
	sid, err := accountSID(ctx, r.host, config.User.ValueString())
	if err != nil {
		diags.AddAttributeError(path.Root("user"), "Cannot resolve user", "user: "+hostErrorDetail(err))
		return d
	}
	d.sddl = types.StringValue(userSDDL(sid, listen.ValueBool(), delegate.ValueBool()))
	if !config.SDDL.IsNull() && !config.SDDL.IsUnknown() {
		// Both, as generated after an import: sddl must say what user means.
		if !sddlEquivalent(config.SDDL.ValueString(), d.sddl.ValueString()) {
			diags.AddAttributeError(path.Root("sddl"), "sddl contradicts user",
				fmt.Sprintf("sddl %s does not grant what user %s, listen and delegate make (%s). Give one of them: "+
					"remove sddl to grant user alone, or remove user to grant what sddl says.",
					valuetext.Quote(config.SDDL.ValueString()), valuetext.Quote(config.User.ValueString()), d.sddl.ValueString()))
		}
		d.sddl = config.SDDL
	}
	return d
}

// checkSDDLAccounts looks up on the host every account of sddl that is not
// the same on every host (a local or domain account's S-1-5-21-... SID),
// so that an unknown one fails the plan with 1332, as user does, and not
// the apply. Nothing is looked up before the provider is configured.
func (r *urlACLResource) checkSDDLAccounts(ctx context.Context, sddl types.String, diags *diag.Diagnostics) {
	if r.host == nil || sddl.IsNull() || sddl.IsUnknown() {
		return
	}
	acl, err := parseURLACLSDDL(sddl.ValueString())
	if err != nil {
		return // the attribute's validator reports it
	}
	for _, sid := range acl.hostSIDs() {
		if _, err := r.host.HTTPSys().LookupAccount(ctx, sid); err != nil {
			diags.AddAttributeError(path.Root("sddl"), "Cannot resolve an account of sddl",
				fmt.Sprintf("sddl grants %s: %s", sid, hostErrorDetail(err)))
		}
	}
}

// desiredFromSDDL is the reservation an sddl asks for; listen and delegate
// summarise it.
func desiredFromSDDL(sddl types.String) desiredURLACL {
	d := desiredURLACL{sddl: sddl, listen: types.BoolUnknown(), delegate: types.BoolUnknown()}
	if sddl.IsUnknown() || sddl.IsNull() {
		return d
	}
	if acl, err := parseURLACLSDDL(sddl.ValueString()); err == nil {
		listen, delegate := acl.rightsOfAll()
		d.listen, d.delegate = types.BoolValue(listen), types.BoolValue(delegate)
	}
	return d
}

// ModifyPlan plans the SDDL the configuration means and decides between
// no change, a state-only update (same meaning, other spelling) and
// replacement (the reservation grants something else).
func (r *urlACLResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	var config, plan urlACLModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	d := r.desired(ctx, config, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	plan.ID = plan.URL
	plan.Listen, plan.Delegate, plan.SDDL = d.listen, d.delegate, d.sddl
	plan.Entries = types.ListUnknown(urlACLEntryType)
	if config.User.IsNull() {
		plan.User = types.StringNull() // sddl alone; planAgainstState may keep the state's
	}
	if !req.State.Raw.IsNull() {
		var state urlACLModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if resp.Diagnostics.HasError() {
			return
		}
		resp.RequiresReplace = append(resp.RequiresReplace, planAgainstState(&plan, state)...)
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// planAgainstState keeps the state's values when the planned reservation
// means what the state's does, and otherwise returns the attributes whose
// change forces replacement. The state's user is kept too: it names the
// account of the same grant (the state's "Everyone" for a configured
// "EVERYONE" or "S-1-1-0", or read by import), so a new spelling plans no
// change.
func planAgainstState(plan *urlACLModel, state urlACLModel) path.Paths {
	sameURL := plan.URL.Equal(state.URL)
	sameGrant := !plan.SDDL.IsUnknown() && !state.SDDL.IsNull() && sddlEquivalent(plan.SDDL.ValueString(), state.SDDL.ValueString())
	if sameURL && sameGrant {
		plan.SDDL, plan.Entries = state.SDDL, state.Entries
		plan.Listen, plan.Delegate = state.Listen, state.Delegate
		if !state.User.IsNull() && !plan.User.IsUnknown() {
			plan.User = state.User
		}
		return nil
	}
	if !sameURL {
		return nil // url's own plan modifier forces replacement
	}
	var replace path.Paths
	for name, changed := range map[string]bool{
		"user":     !plan.User.Equal(state.User),
		"listen":   !plan.Listen.Equal(state.Listen),
		"delegate": !plan.Delegate.Equal(state.Delegate),
		"sddl":     !plan.SDDL.Equal(state.SDDL),
	} {
		if changed {
			replace = append(replace, path.Root(name))
		}
	}
	return replace
}

func (r *urlACLResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	plan, ok := loadForHost[urlACLModel](ctx, req.Plan, r.host, &resp.Diagnostics)
	if !ok {
		return
	}
	if plan.SDDL.IsUnknown() {
		// user was unknown at plan time; resolve it now.
		d := r.desired(ctx, plan, &resp.Diagnostics)
		if resp.Diagnostics.HasError() {
			return
		}
		plan.SDDL = d.sddl
	}
	url := plan.URL.ValueString()
	acl, err := r.host.HTTPSys().AddURLACL(ctx, url, plan.SDDL.ValueString())
	if err != nil {
		addURLACLCreateError(&resp.Diagnostics, url, err)
		return
	}
	plan.ID = plan.URL
	resp.Diagnostics.Append(fillFromHost(&plan, acl)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// addURLACLCreateError explains a failed reservation.
func addURLACLCreateError(diags *diag.Diagnostics, url string, err error) {
	if windows.IsAlreadyExists(err) {
		diags.AddAttributeError(path.Root("url"), "URL reservation already exists",
			alreadyExistsDetail("A reservation for "+url, urlACLResourceType, url, err))
		return
	}
	addHostError(diags, "Cannot reserve "+url, err)
}

// fillFromHost sets what the plan left unknown from the host's reading of
// the reservation.
func fillFromHost(m *urlACLModel, acl windows.URLACL) diag.Diagnostics {
	entries, diags := urlACLEntriesValue(acl.Entries)
	m.Entries = entries
	if m.Listen.IsUnknown() || m.Delegate.IsUnknown() {
		d := desiredFromSDDL(types.StringValue(acl.SDDL))
		m.Listen, m.Delegate = d.listen, d.delegate
	}
	return diags
}

func (r *urlACLResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	state, ok := loadForHost[urlACLModel](ctx, req.State, r.host, &resp.Diagnostics)
	if !ok {
		return
	}
	acl, err := r.host.HTTPSys().GetURLACL(ctx, state.URL.ValueString())
	if windows.IsNotFound(err) {
		resp.State.RemoveResource(ctx) // deleted outside Terraform: plan a create
		return
	}
	if err != nil {
		addHostError(&resp.Diagnostics, "Cannot read the reservation of "+state.URL.ValueString(), err)
		return
	}
	state.ID = state.URL
	resp.Diagnostics.Append(mergeHostURLACL(&state, acl)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// mergeHostURLACL brings the state in line with the host. When the host's
// reservation means what the state says, the state's spelling stays (user
// "Everyone" on a host that calls S-1-1-0 "Jeder"); otherwise sddl, listen
// and delegate take the host's values, and user stays only while the host
// still grants that account alone.
// Right after ImportState (no sddl, no user), user is read from the host
// too (importedUser).
func mergeHostURLACL(state *urlACLModel, acl windows.URLACL) diag.Diagnostics {
	imported := state.SDDL.IsNull() && state.User.IsNull()
	diags := mergeHostGrant(state, acl)
	if imported {
		state.User = importedUser(acl)
	}
	return diags
}

// mergeHostGrant is mergeHostURLACL for sddl, listen, delegate, entries and
// a configured user.
func mergeHostGrant(state *urlACLModel, acl windows.URLACL) diag.Diagnostics {
	entries, diags := urlACLEntriesValue(acl.Entries)
	state.Entries = entries
	if !state.SDDL.IsNull() && !state.SDDL.IsUnknown() && sddlEquivalent(state.SDDL.ValueString(), acl.SDDL) &&
		!state.Listen.IsNull() && !state.Delegate.IsNull() {
		return diags
	}
	if !state.User.IsNull() && !grantsOnlySIDOf(acl.SDDL, state.SDDL) {
		state.User = types.StringNull()
	}
	d := desiredFromSDDL(types.StringValue(acl.SDDL))
	state.SDDL, state.Listen, state.Delegate = types.StringValue(acl.SDDL), d.listen, d.delegate
	if state.Listen.IsUnknown() { // the host's SDDL did not parse: use its entries
		state.Listen, state.Delegate = entriesRights(acl.Entries)
	}
	return diags
}

// grantsOnlySIDOf reports whether hostSDDL has exactly one entry, for the
// account of prior's single entry (the SID that user resolved to).
func grantsOnlySIDOf(hostSDDL string, prior types.String) bool {
	if prior.IsNull() || prior.IsUnknown() {
		return false
	}
	priorACL, err := parseURLACLSDDL(prior.ValueString())
	if err != nil || len(priorACL) != 1 {
		return false
	}
	hostACL, err := parseURLACLSDDL(hostSDDL)
	if err != nil || len(hostACL) != 1 {
		return false
	}
	for pk := range priorACL {
		for hk := range hostACL {
			return pk == hk
		}
	}
	return false
}

// entriesRights summarises the host's entries as listen and delegate.
func entriesRights(entries []windows.URLACLEntry) (listen, delegate types.Bool) {
	l, d := len(entries) > 0, len(entries) > 0
	for _, e := range entries {
		l, d = l && e.Listen, d && e.Delegate
	}
	return types.BoolValue(l), types.BoolValue(d)
}

// Update only ever changes the state: ModifyPlan replaces the reservation
// whenever what it grants changes, so an update is a new spelling of the
// same grant (user "Everyone" for "S-1-1-0"). It checks that the host still
// holds that grant.
func (r *urlACLResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	plan, ok := loadForHost[urlACLModel](ctx, req.Plan, r.host, &resp.Diagnostics)
	if !ok {
		return
	}
	url := plan.URL.ValueString()
	acl, err := r.host.HTTPSys().GetURLACL(ctx, url)
	if err != nil {
		addHostError(&resp.Diagnostics, "Cannot read the reservation of "+url, err)
		return
	}
	if plan.SDDL.IsUnknown() || !sddlEquivalent(plan.SDDL.ValueString(), acl.SDDL) {
		resp.Diagnostics.AddError("URL reservation changed during apply",
			fmt.Sprintf("The reservation of %s on the host (%s) no longer matches the plan. Run terraform apply again to plan against the host as it is now.", url, acl.SDDL))
		return
	}
	plan.ID = plan.URL
	resp.Diagnostics.Append(fillFromHost(&plan, acl)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *urlACLResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	state, ok := loadForHost[urlACLModel](ctx, req.State, r.host, &resp.Diagnostics)
	if !ok {
		return
	}
	err := r.host.HTTPSys().DeleteURLACL(ctx, state.URL.ValueString())
	if err != nil && !windows.IsNotFound(err) {
		addHostError(&resp.Diagnostics, "Cannot delete the reservation of "+state.URL.ValueString(), err)
	}
}

// ImportState takes the URL prefix (terraform import windows_http_urlacl.x
// https://+:4207/); Read fills in the rest from the host, user included when
// the reservation is for one account (importedUser).
func (r *urlACLResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if err := checkURLPrefix(req.ID); err != nil {
		resp.Diagnostics.AddError("Invalid import ID",
			"Import a URL reservation by its URL prefix, such as https://+:4207/: "+err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("url"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
}

// grantsSomethingValidator rejects a user granted neither listen nor
// delegate: such a reservation would grant nothing.
type grantsSomethingValidator struct{}

func (grantsSomethingValidator) Description(context.Context) string {
	return "listen and delegate are not both false"
}

func (v grantsSomethingValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (grantsSomethingValidator) ValidateResource(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m urlACLModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || m.User.IsNull() {
		return
	}
	listen, delegate := userRights(m)
	if listen.IsUnknown() || delegate.IsUnknown() {
		return
	}
	if !listen.ValueBool() && !delegate.ValueBool() {
		resp.Diagnostics.AddAttributeError(path.Root("listen"), "Reservation grants nothing",
			"listen and delegate are both false: the reservation would grant user nothing. Set listen = true (register the URL), delegate = true, or both.")
	}
}
