package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/provider/attribute_validator"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/provider/valuetext"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/windows"
)

func init() { resources = append(resources, newPrivateKeyAccessResource) }

// privateKeyAccessResource is windows_certificate_private_key_access: one
// account's read or full access to a certificate's private key, what
// "Manage Private Keys..." in the certificates MMC grants. It owns one ACE:
// destroy removes that ACE and no other, and leaves an ACE that was there
// before Terraform created the resource.
type privateKeyAccessResource struct{ host *windows.Host }

func newPrivateKeyAccessResource() resource.Resource { return &privateKeyAccessResource{} }

var (
	_ resource.ResourceWithConfigure   = (*privateKeyAccessResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*privateKeyAccessResource)(nil)
	_ resource.ResourceWithImportState = (*privateKeyAccessResource)(nil)
)

// privateKeyAccessModel is the resource's data.
type privateKeyAccessModel struct {
	ID          types.String `tfsdk:"id"`
	Thumbprint  types.String `tfsdk:"thumbprint"`
	StoreName   types.String `tfsdk:"store_name"`
	Account     types.String `tfsdk:"account"`
	Access      types.String `tfsdk:"access"`
	SID         types.String `tfsdk:"sid"`
	KeyProvider types.String `tfsdk:"key_provider"`
	KeyPath     types.String `tfsdk:"key_path"`
}

// privateKeyAdoptedKey is the private state key that marks an ACE that was
// on the key before the resource was created: destroy leaves it.
const privateKeyAdoptedKey = "adopted_existing_ace"

var keyStoreNameNormalizer = normalizer(normalizeStoreName)

func (r *privateKeyAccessResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_certificate_private_key_access"
}

func (r *privateKeyAccessResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	computed := func(description string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, Description: description,
			PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}}
	}
	resp.Schema = schema.Schema{
		Description: "Lets an account use the private key of a certificate in a LocalMachine store, as " +
			"*Manage Private Keys...* in the certificates MMC does: typically read access for the service account " +
			"of an application that serves TLS itself or signs with the certificate. Works for keys of the CNG key " +
			"storage provider (what `Import-PfxCertificate` and ECDSA keys use; the key's security descriptor is " +
			"changed through NCrypt) and of CryptoAPI CSPs (the key file under " +
			"`%ProgramData%\\Microsoft\\Crypto\\RSA\\MachineKeys`). The resource owns one access control entry: " +
			"destroy removes that entry and no other, and an entry that already granted the access when the " +
			"resource was created stays on destroy. A new import of the certificate (a renewal) creates a new key " +
			"without the entry: make this resource depend on the certificate's thumbprint so it follows.",
		Attributes: map[string]schema.Attribute{
			"id": computed("`STORE/THUMBPRINT/SID`, such as `MY/0123…4567/S-1-5-20`."),
			"thumbprint": schema.StringAttribute{Required: true,
				Description: "SHA-1 thumbprint of the certificate: 40 hex digits; spaces, colons, invisible characters " +
					"(U+200E from the certificate MMC) and case are ignored. Changing it replaces the resource.",
				Validators:    []validator.String{thumbprintNormalizer.validator("a certificate thumbprint")},
				PlanModifiers: []planmodifier.String{thumbprintNormalizer.keepState(), stringplanmodifier.RequiresReplace()}},
			"store_name": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString("My"),
				Description: "LocalMachine store holding the certificate: `My` (Personal, the default), `WebHosting`, … " +
					"Case-insensitive; changing it replaces the resource.",
				Validators:    []validator.String{certStoreNameValidator{}},
				PlanModifiers: []planmodifier.String{keyStoreNameNormalizer.keepState(), stringplanmodifier.RequiresReplace()}},
			"account": schema.StringAttribute{Required: true,
				Description: "The account to give access: a name (`NT AUTHORITY\\NETWORK SERVICE`, `IIS APPPOOL\\Sage`, " +
					"`HOST\\svc-sage`, `svc-sage@corp.example`) or a SID string (`S-1-5-20`). English names of well-known " +
					"accounts work on hosts in every language; other names are resolved on the host at plan time, and an " +
					"unknown one fails the plan (Windows error 1332). A new name for the same SID changes only the state; " +
					"another account replaces the resource.",
				Validators: []validator.String{attribute_validator.Check("an account name or SID", checkAccountName)}},
			"access": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString(windows.KeyAccessRead),
				Description: "`read` (the default: enough to use the key for TLS and signing) or `full` (also change " +
					"its permissions and delete it). Changing it replaces the entry.",
				Validators:    []validator.String{stringvalidator.OneOf(windows.KeyAccessRead, windows.KeyAccessFull)},
				PlanModifiers: replace},
			"sid":          computed("The account's SID."),
			"key_provider": computed("Where the key lives: `cng` (a CNG key storage provider) or `capi` (a CryptoAPI CSP)."),
			"key_path":     computed("The key's file under `%ProgramData%\\Microsoft\\Crypto`."),
		},
	}
}

func (r *privateKeyAccessResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.host = hostFromProviderData(req.ProviderData, &resp.Diagnostics)
}

// grant returns the host's form of the model's grant.
func (m privateKeyAccessModel) grant() windows.KeyGrant {
	thumbprint, _ := normalizeThumbprint(m.Thumbprint.ValueString())
	store, _ := normalizeStoreName(m.StoreName.ValueString())
	return windows.KeyGrant{Store: store, Thumbprint: thumbprint, SID: m.SID.ValueString(), Access: m.Access.ValueString()}
}

// ModifyPlan resolves account to its SID at plan time, where the host can
// be asked (an unknown account fails with 1332 here), and replaces the
// resource only when the SID changes.
func (r *privateKeyAccessResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan privateKeyAccessModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var state *privateKeyAccessModel
	if !req.State.Raw.IsNull() {
		state = &privateKeyAccessModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, state)...)
	}
	// Without a host yet, only a SID or a well-known name resolves now; the
	// apply resolves the others.
	plan.SID = types.StringUnknown()
	_, local := localAccountSID(plan.Account.ValueString())
	if !plan.Account.IsUnknown() && (local || r.host != nil) && !r.resolveSID(ctx, &plan, &resp.Diagnostics) {
		return
	}
	if state != nil {
		if !plan.SID.IsUnknown() && !strings.EqualFold(plan.SID.ValueString(), state.SID.ValueString()) {
			resp.RequiresReplace = append(resp.RequiresReplace, path.Root("account"))
		}
		if plan.SID.IsUnknown() || !strings.EqualFold(plan.SID.ValueString(), state.SID.ValueString()) {
			plan.ID, plan.KeyProvider, plan.KeyPath = types.StringUnknown(), types.StringUnknown(), types.StringUnknown()
		}
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

func (r *privateKeyAccessResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	plan, ok := loadForHost[privateKeyAccessModel](ctx, req.Plan, r.host, &resp.Diagnostics)
	if !ok {
		return
	}
	if !r.resolveSID(ctx, &plan, &resp.Diagnostics) {
		return
	}
	g := plan.grant()
	acl, err := r.host.Certificates().AddKeyAccess(ctx, g)
	if err != nil {
		addKeyAccessError(&resp.Diagnostics, "Cannot give "+plan.Account.ValueString()+" access to the private key", g, err)
		return
	}
	if !acl.Changed {
		// The key already granted this access: adopt the entry, leave it on destroy.
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateKeyAdoptedKey, []byte("true"))...)
	}
	plan.setFromHost(acl, g)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// resolveSID fills in a SID not known yet: at plan time, or at apply for an
// account known only then.
func (r *privateKeyAccessResource) resolveSID(ctx context.Context, m *privateKeyAccessModel, diags *diag.Diagnostics) bool {
	if !m.SID.IsUnknown() && !m.SID.IsNull() {
		return true
	}
	sid, err := accountSID(ctx, r.host, m.Account.ValueString())
	if err != nil {
		diags.AddAttributeError(path.Root("account"), "Cannot resolve account", "account: "+hostErrorDetail(err))
		return false
	}
	m.SID = types.StringValue(sid)
	return true
}

// setFromHost records what the host reports about the key.
func (m *privateKeyAccessModel) setFromHost(acl windows.KeyACL, g windows.KeyGrant) {
	m.ID = types.StringValue(acl.Store + "/" + acl.Thumbprint + "/" + g.SID)
	m.KeyProvider = types.StringValue(acl.Provider)
	m.KeyPath = types.StringValue(acl.KeyPath)
}

// addKeyAccessError explains a failed host call about the key.
func addKeyAccessError(diags *diag.Diagnostics, summary string, g windows.KeyGrant, err error) {
	switch {
	case windows.IsNotFound(err):
		diags.AddAttributeError(path.Root("thumbprint"), "Certificate not found",
			fmt.Sprintf("certificate %s is not in LocalMachine\\%s; import it first (windows_pfx_certificate) and reference its thumbprint.\n\nHost error: %v",
				g.Thumbprint, g.Store, err))
	case windows.IsBadKeyset(err):
		diags.AddAttributeError(path.Root("thumbprint"), "Certificate has no usable private key",
			fmt.Sprintf("certificate %s in LocalMachine\\%s has no private key the host can open; import it with its key (windows_pfx_certificate).\n\nHost error: %v",
				g.Thumbprint, g.Store, err))
	case windows.IsUnknownAccount(err):
		diags.AddAttributeError(path.Root("account"), "Unknown account", hostErrorDetail(err))
	default:
		addHostError(diags, summary, err)
	}
}

// Read finds the resource's entry on the host. The access shown is the
// configured one while an entry of the account grants at least that
// (full includes read), else the account's highest access; without any
// entry for the account, or without the key, the resource is gone.
func (r *privateKeyAccessResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	state, ok := loadForHost[privateKeyAccessModel](ctx, req.State, r.host, &resp.Diagnostics)
	if !ok {
		return
	}
	if !r.resolveSID(ctx, &state, &resp.Diagnostics) {
		return
	}
	g := state.grant()
	acl, err := r.host.Certificates().GetKeyACL(ctx, g.Store, g.Thumbprint)
	if windows.IsNotFound(err) || windows.IsBadKeyset(err) {
		resp.State.RemoveResource(ctx) // certificate or key gone: plan a create
		return
	}
	if err != nil {
		addKeyAccessError(&resp.Diagnostics, "Cannot read the private key's permissions", g, err)
		return
	}
	held := heldKeyAccess(acl, g.SID)
	if held == "" {
		resp.State.RemoveResource(ctx) // the entry was removed outside Terraform
		return
	}
	if state.Access.IsNull() || held != windows.KeyAccessFull && held != state.Access.ValueString() {
		state.Access = types.StringValue(held)
	}
	state.Thumbprint = thumbprintNormalizer.keep(state.Thumbprint, acl.Thumbprint)
	state.StoreName = keyStoreNameNormalizer.keep(state.StoreName, acl.Store)
	state.setFromHost(acl, g)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// heldKeyAccess is the highest access the SID's allow entries grant (full,
// then read), or "" if it has none of them.
func heldKeyAccess(acl windows.KeyACL, sid string) string {
	held := ""
	for _, e := range acl.Entries {
		if !strings.EqualFold(e.SID, sid) {
			continue
		}
		switch e.Access {
		case windows.KeyAccessFull:
			return windows.KeyAccessFull
		case windows.KeyAccessRead:
			held = windows.KeyAccessRead
		}
	}
	return held
}

// Update only records a new spelling of the same grant (another name of
// the same SID, a thumbprint in other case): everything else replaces.
func (r *privateKeyAccessResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	plan, ok := loadForHost[privateKeyAccessModel](ctx, req.Plan, r.host, &resp.Diagnostics)
	if !ok {
		return
	}
	var state privateKeyAccessModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !r.resolveSID(ctx, &plan, &resp.Diagnostics) {
		return
	}
	plan.ID, plan.KeyProvider, plan.KeyPath = state.ID, state.KeyProvider, state.KeyPath
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// Delete removes the one entry the resource added, unless it adopted an
// entry that was there before.
func (r *privateKeyAccessResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	state, ok := loadForHost[privateKeyAccessModel](ctx, req.State, r.host, &resp.Diagnostics)
	if !ok {
		return
	}
	adopted, diags := req.Private.GetKey(ctx, privateKeyAdoptedKey)
	resp.Diagnostics.Append(diags...)
	if string(adopted) == "true" {
		return
	}
	g := state.grant()
	_, err := r.host.Certificates().RemoveKeyAccess(ctx, g)
	if err != nil && !windows.IsNotFound(err) && !windows.IsBadKeyset(err) && !windows.IsUnknownAccount(err) {
		addKeyAccessError(&resp.Diagnostics, "Cannot remove "+state.Account.ValueString()+"'s access to the private key", g, err)
	}
}

// ImportState takes STORE/THUMBPRINT/ACCOUNT, the account as a SID or a
// name: "My/0123...4567/S-1-5-20" or "My/0123...4567/NT AUTHORITY\NETWORK SERVICE".
// The access is read from the host. An imported entry is Terraform's: destroy
// removes it.
func (r *privateKeyAccessResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	parts := strings.SplitN(req.ID, "/", 3)
	if len(parts) != 3 || parts[0] == "" || parts[2] == "" {
		resp.Diagnostics.AddError("Invalid import ID",
			fmt.Sprintf("%s: want STORE/THUMBPRINT/ACCOUNT, such as My/0123456789ABCDEF0123456789ABCDEF01234567/S-1-5-20", valuetext.Quote(req.ID)))
		return
	}
	if err := checkCertStoreName(parts[0]); err != nil {
		resp.Diagnostics.AddError("Invalid import ID", "store: "+err.Error())
		return
	}
	if _, err := normalizeThumbprint(parts[1]); err != nil {
		resp.Diagnostics.AddError("Invalid import ID", "thumbprint: "+err.Error())
		return
	}
	if err := checkAccountName(parts[2]); err != nil {
		resp.Diagnostics.AddError("Invalid import ID", "account: "+err.Error())
		return
	}
	for name, value := range map[string]string{"store_name": parts[0], "thumbprint": parts[1], "account": parts[2]} {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(name), value)...)
	}
}
