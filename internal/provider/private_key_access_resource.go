package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/boolvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
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
// before Terraform created the resource. The account is named, or is a
// service's: its logon account or its service SID, read from the Service
// Control Manager at every plan, so that a service moved to another
// account shows as a change and the grant follows it.
type privateKeyAccessResource struct{ host *windows.Host }

func newPrivateKeyAccessResource() resource.Resource { return &privateKeyAccessResource{} }

var (
	_ resource.ResourceWithConfigure   = (*privateKeyAccessResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*privateKeyAccessResource)(nil)
	_ resource.ResourceWithImportState = (*privateKeyAccessResource)(nil)

	_ resource.ResourceWithConfigValidators = (*privateKeyAccessResource)(nil)
)

// privateKeyAccessModel is the resource's data.
type privateKeyAccessModel struct {
	ID          types.String `tfsdk:"id"`
	Thumbprint  types.String `tfsdk:"thumbprint"`
	StoreName   types.String `tfsdk:"store_name"`
	Account     types.String `tfsdk:"account"`
	Service     types.String `tfsdk:"service"`
	ServiceSID  types.Bool   `tfsdk:"service_sid"`
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
			"of an application that serves TLS itself or signs with the certificate. Name the account, or name the " +
			"service (`service`): the resource then grants the account the service logs on as, or with " +
			"`service_sid = true` the service's own SID `NT SERVICE\\NAME`, reads it from the host at every plan, and " +
			"a service moved to another account shows as a change that grants the new account and removes this " +
			"resource's entry for the old one. Works for keys of the CNG key " +
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
			"account": schema.StringAttribute{Optional: true, Computed: true,
				Description: "The account to give access: a name (`NT AUTHORITY\\NETWORK SERVICE`, `IIS APPPOOL\\Sage`, " +
					"`HOST\\svc-sage`, `svc-sage@corp.example`) or a SID string (`S-1-5-20`). English names of well-known " +
					"accounts work on hosts in every language; other names are resolved on the host at plan time, and an " +
					"unknown one fails the plan (Windows error 1332). A new name for the same SID changes only the state; " +
					"another account replaces the resource. Exactly one of `account` and `service` is set; with `service`, " +
					"this is the account the resource resolved from the service (the service's logon account as the Service " +
					"Control Manager spells it, such as `LocalSystem` or `.\\svc-sage`, or `NT SERVICE\\NAME`).",
				Validators: []validator.String{attribute_validator.Check("an account name or SID", checkAccountName)}},
			"service": schema.StringAttribute{Optional: true,
				Description: "Grant the account of this Windows service instead of a named account: the service's short " +
					"name (services.msc: Properties, *Service name*), such as `Sage300IntegrationService`. The resource " +
					"grants the account the service logs on as (`LocalSystem`, `NT AUTHORITY\\LocalService`, " +
					"`NT AUTHORITY\\NetworkService`, a local or domain user, a group managed service account), read from " +
					"the host at every plan: when the service is moved to another account, the plan shows `account` and " +
					"`sid` changing, and the apply grants the new account and removes this resource's entry for the old " +
					"one (an entry that was there before the resource was created stays). A service that is not installed " +
					"fails the plan (Windows error 1060).",
				Validators: []validator.String{attribute_validator.Check("a service name", checkServiceName)}},
			"service_sid": schema.BoolAttribute{Optional: true,
				Description: "With `service`: grant the service's own SID, `NT SERVICE\\NAME` (S-1-5-80-...), instead of " +
					"its logon account. The grant then stays valid whatever account the service runs as, and no other " +
					"service of that account gets the key. Windows puts the service SID in the service's token only when " +
					"its SID type is `unrestricted` or `restricted`; with `none` (what a service gets when its installer " +
					"sets no SID type) the plan fails and says to run `sc.exe sidtype NAME unrestricted` and restart the service.",
				Validators: []validator.Bool{boolvalidator.AlsoRequires(path.MatchRoot("service"))}},
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

func (r *privateKeyAccessResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{resourcevalidator.ExactlyOneOf(path.MatchRoot("account"), path.MatchRoot("service"))}
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
// resource only when the SID changes. With service, it reads the service's
// account from the host (an unknown service fails with 1060 here): a SID
// other than the state's is an in-place update that moves the grant.
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
	byService := plan.byService()
	if byService {
		plan.Account = types.StringUnknown()
		if !plan.Service.IsUnknown() && !plan.ServiceSID.IsUnknown() && r.host != nil && !r.resolveService(ctx, &plan, &resp.Diagnostics) {
			return
		}
	} else {
		_, local := localAccountSID(plan.Account.ValueString())
		if !plan.Account.IsUnknown() && (local || r.host != nil) && !r.resolveSID(ctx, &plan, &resp.Diagnostics) {
			return
		}
	}
	if state != nil {
		if !byService && !plan.SID.IsUnknown() && !strings.EqualFold(plan.SID.ValueString(), state.SID.ValueString()) {
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
	if !r.resolve(ctx, &plan, &resp.Diagnostics) {
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

// byService says whether the account is the service's (service is set).
func (m privateKeyAccessModel) byService() bool { return !m.Service.IsNull() }

// resolve fills in the account and SID not known yet: the service's, or
// the named account's.
func (r *privateKeyAccessResource) resolve(ctx context.Context, m *privateKeyAccessModel, diags *diag.Diagnostics) bool {
	if m.byService() && (m.Account.IsUnknown() || m.SID.IsUnknown() || m.SID.IsNull()) {
		return r.resolveService(ctx, m, diags)
	}
	return r.resolveSID(ctx, m, diags)
}

// resolveService reads the service from the host and sets the account it
// resolves to and its SID: its logon account, or with service_sid its
// service SID NT SERVICE\NAME, which must be in the service's token.
func (r *privateKeyAccessResource) resolveService(ctx context.Context, m *privateKeyAccessModel, diags *diag.Diagnostics) bool {
	name := m.Service.ValueString()
	svc, err := r.host.Services().Get(ctx, name)
	if windows.IsServiceNotFound(err) {
		diags.AddAttributeError(path.Root("service"), "Service not found",
			fmt.Sprintf("service %s is not installed on the host (Windows error 1060), so there is no account to give access to. "+
				"Check that service is the service's short name (services.msc: Properties, \"Service name\"; Get-Service), not its "+
				"display name, and that the service is installed on this host before this resource is planned.\n\nHost error: %v",
				valuetext.Quote(name), err))
		return false
	}
	if err != nil {
		addHostError(diags, "Cannot read service "+name, err)
		return false
	}
	var account, sid string
	if m.ServiceSID.ValueBool() {
		if svc.SIDType == windows.ServiceSIDTypeNone {
			diags.AddAttributeError(path.Root("service_sid"), "The service SID is not in the service's token",
				fmt.Sprintf("service %s has service SID type none: Windows does not add NT SERVICE\\%s to the service's token "+
					"(SERVICE_SID_TYPE_NONE), so a grant to it would not let the service open the key. Either make Windows add it "+
					"(run sc.exe sidtype %s unrestricted on the host, then restart the service), or grant the service's logon "+
					"account instead (remove service_sid).", svc.Name, svc.Name, svc.Name))
			return false
		}
		account = `NT SERVICE\` + svc.Name
		sid, err = accountSID(ctx, r.host, account)
	} else {
		account = svc.StartName
		if account == "" {
			diags.AddAttributeError(path.Root("service"), "Service has no logon account",
				fmt.Sprintf("service %s has no logon account (a driver has none); name the account instead (account).", svc.Name))
			return false
		}
		sid, err = serviceAccountSID(ctx, r.host, account)
	}
	if err != nil {
		diags.AddAttributeError(path.Root("service"), "Cannot resolve the service's account",
			fmt.Sprintf("service %s runs as %s, which does not resolve on the host: %s", svc.Name, account, hostErrorDetail(err)))
		return false
	}
	m.Account, m.SID = types.StringValue(account), types.StringValue(sid)
	return true
}

// serviceStartNameSIDs are the SCM's spellings of the built-in service
// accounts as a service's start name ("CreateServiceW", lpServiceStartName,
// learn.microsoft.com: NULL or LocalSystem, NT AUTHORITY\LocalService,
// NT AUTHORITY\NetworkService). "LocalSystem" is no account name
// LookupAccountName knows (the account is NT AUTHORITY\SYSTEM), so these
// resolve here, the same on hosts in every language.
var serviceStartNameSIDs = map[string]string{
	strings.ToLower(windows.LocalSystemStartName): "S-1-5-18",
	`nt authority\localservice`:                   "S-1-5-19",
	`nt authority\networkservice`:                 "S-1-5-20",
}

// serviceAccountSID resolves a service's start name to its SID.
func serviceAccountSID(ctx context.Context, host *windows.Host, startName string) (string, error) {
	if sid, ok := serviceStartNameSIDs[strings.ToLower(startName)]; ok {
		return sid, nil
	}
	return accountSID(ctx, host, startName)
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

// Update records a new spelling of the same grant (another name of the
// same SID, a thumbprint in other case), and moves a service's grant to the
// service's new account: everything else replaces.
func (r *privateKeyAccessResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	plan, ok := loadForHost[privateKeyAccessModel](ctx, req.Plan, r.host, &resp.Diagnostics)
	if !ok {
		return
	}
	var state privateKeyAccessModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !r.resolve(ctx, &plan, &resp.Diagnostics) {
		return
	}
	if strings.EqualFold(plan.SID.ValueString(), state.SID.ValueString()) {
		plan.ID, plan.KeyProvider, plan.KeyPath = state.ID, state.KeyProvider, state.KeyPath
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		return
	}
	r.moveGrant(ctx, plan, state, req.Private, resp)
}

// moveGrant gives the service's new account the access, then removes the
// resource's entry for the old one: the new grant first, so that the key is
// never without the service's entry while the service may run as either.
// An old entry the resource adopted (there before it was created) stays,
// and the new one is adopted if it was there already.
func (r *privateKeyAccessResource) moveGrant(ctx context.Context, plan, state privateKeyAccessModel, private privateData, resp *resource.UpdateResponse) {
	adopted, diags := private.GetKey(ctx, privateKeyAdoptedKey)
	resp.Diagnostics.Append(diags...)
	g := plan.grant()
	acl, err := r.host.Certificates().AddKeyAccess(ctx, g)
	if err != nil {
		addKeyAccessError(&resp.Diagnostics, "Cannot give "+plan.Account.ValueString()+" access to the private key", g, err)
		return
	}
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateKeyAdoptedKey, []byte(fmt.Sprint(!acl.Changed)))...)
	plan.setFromHost(acl, g)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	if string(adopted) == "true" {
		return
	}
	old := state.grant()
	_, err = r.host.Certificates().RemoveKeyAccess(ctx, old)
	if err != nil && !windows.IsNotFound(err) && !windows.IsBadKeyset(err) && !windows.IsUnknownAccount(err) {
		resp.Diagnostics.AddWarning("Cannot remove "+state.Account.ValueString()+"'s access to the private key",
			fmt.Sprintf("%s now has %s access to the key of certificate %s, but the entry this resource made for %s (%s), "+
				"the service's previous account, is still on the key. Remove it in the certificates MMC (Manage Private Keys...).\n\nHost error: %s",
				plan.Account.ValueString(), g.Access, g.Thumbprint, state.Account.ValueString(), old.SID, hostErrorDetail(err)))
	}
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
