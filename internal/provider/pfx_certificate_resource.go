package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/provider/attribute_validator"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/windows"
)

func init() { resources = append(resources, newPFXCertificateResource) }

func newPFXCertificateResource() resource.Resource { return &pfxCertificateResource{} }

// pfxCertificateResource imports a PFX into a LocalMachine store: the
// procedures' `certutil -p PW -importPFX host.pfx`.
type pfxCertificateResource struct {
	host *windows.Host
}

var (
	_ resource.ResourceWithConfigure        = (*pfxCertificateResource)(nil)
	_ resource.ResourceWithModifyPlan       = (*pfxCertificateResource)(nil)
	_ resource.ResourceWithImportState      = (*pfxCertificateResource)(nil)
	_ resource.ResourceWithConfigValidators = (*pfxCertificateResource)(nil)
)

type pfxCertificateModel struct {
	ContentBase64     types.String `tfsdk:"content_base64"`
	RemotePath        types.String `tfsdk:"remote_path"`
	PasswordWO        types.String `tfsdk:"password_wo"`
	PasswordWOVersion types.Int64  `tfsdk:"password_wo_version"`
	Password          types.String `tfsdk:"password"`
	Exportable        types.Bool   `tfsdk:"exportable"`
	ImportChain       types.Bool   `tfsdk:"import_chain"`
	ChainThumbprints  types.Set    `tfsdk:"chain_thumbprints"`
	storedCertificateModel
}

func (r *pfxCertificateResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_pfx_certificate"
}

func (r *pfxCertificateResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	attrs := certFactResourceAttributes()
	attrs["id"] = schema.StringAttribute{Computed: true,
		Description: "`STORE/THUMBPRINT`, with the store upper-cased (`MY/0123…`); also the import ID."}
	attrs["content_base64"] = schema.StringAttribute{Optional: true, Sensitive: true,
		Description: "The PFX file in base64 (`filebase64(\"host.pfx\")`). Read at plan time: the thumbprint and " +
			"the other facts are known in the plan, and a wrong password, a PFX without a private key or an " +
			"expired certificate fail the plan. Exactly one of content_base64 and remote_path, except for a " +
			"certificate taken over by import (as terraform plan -generate-config-out writes it): with neither, it " +
			"is kept in the store as it is, and any plan that needs the PFX (a new host, a lost key) fails saying so.",
		Validators: []validator.String{base64Validator{}}}
	attrs["remote_path"] = schema.StringAttribute{Optional: true,
		Description: "Absolute path (`C:\\certs\\host.pfx`, or UNC) of a `.pfx` file already on the host. When the plan may import it " +
			"(a new resource, another path, a new password), the host reads it at plan time without importing it: its facts are " +
			"known in the plan and the checks of content_base64 apply (a file the host cannot read then warns and leaves them " +
			"to apply). Another file holding another certificate replaces it. Changing password or password_wo_version imports " +
			"the file again in place, which fails, changing nothing, if the file now holds another certificate.",
		Validators: []validator.String{attribute_validator.Check("an absolute Windows path", checkRemotePFXPath)}}
	attrs["password_wo"] = schema.StringAttribute{Optional: true, Sensitive: true, WriteOnly: true,
		Description: "PFX password, write-only: never stored in the plan or state (Terraform 1.11 or later). " +
			"With remote_path, change password_wo_version to import again."}
	attrs["password_wo_version"] = schema.Int64Attribute{Optional: true,
		Description: "Any number; changing it imports a remote_path PFX again, in place (Terraform cannot see write-only " +
			"changes). With content_base64 the PFX is read at every plan and the certificate is replaced only " +
			"when it changes.",
		Validators: []validator.Int64{int64validator.AlsoRequires(path.MatchRoot("password_wo"))}}
	attrs["password"] = schema.StringAttribute{Optional: true, Sensitive: true,
		Description: "PFX password, stored (sensitive) in the state: for Terraform before 1.11. Prefer `password_wo`."}
	attrs["store_name"] = schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString("My"),
		Description: "LocalMachine store: `My` (Personal, the default), `WebHosting`, ... Case-insensitive; changing it replaces.",
		Validators:  []validator.String{certStoreNameValidator{}}}
	attrs["exportable"] = schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false),
		Description: "Mark the private key exportable. Default `false`; changing it imports the PFX again in place: " +
			"the same certificate with a new key, which SSL bindings keep serving."}
	attrs["import_chain"] = schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false),
		Description: "Also import the PFX's other certificates: issuing CAs into CA (Intermediate Certification " +
			"Authorities), self-signed roots into Root (Trusted Root Certification Authorities). They stay when " +
			"the resource is destroyed (other certificates may chain to them). Default false; changing it imports " +
			"the PFX again in place."}
	attrs["chain_thumbprints"] = schema.SetAttribute{Computed: true, ElementType: types.StringType,
		Description: "Thumbprints of the chain certificates imported with `import_chain` (empty without it)."}
	attrs["has_private_key"] = schema.BoolAttribute{Computed: true,
		Description: "Whether the certificate has a private key that opens on the host (a key link to a deleted or " +
			"mismatched key container counts as none: HTTP.sys refuses it). If it turns false, the next plan imports " +
			"the PFX again in place."}
	resp.Schema = schema.Schema{
		Description: "A PFX (PKCS#12) certificate with its private key in a LocalMachine store, imported with " +
			"MachineKeySet | PersistKeySet, as `certutil -importPFX` does. Destroy removes the certificate and " +
			"its private key, but not while an HTTP.sys SSL binding uses it: for renewal, set " +
			"`lifecycle { create_before_destroy = true }` so the binding moves to the new certificate first. " +
			"Import with `STORE/THUMBPRINT`.",
		Attributes: attrs,
	}
}

func (r *pfxCertificateResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{
		resourcevalidator.Conflicting(path.MatchRoot("content_base64"), path.MatchRoot("remote_path")),
		resourcevalidator.Conflicting(path.MatchRoot("password"), path.MatchRoot("password_wo")),
	}
}

func (r *pfxCertificateResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.host = hostFromProviderData(req.ProviderData, &resp.Diagnostics)
}

func (r *pfxCertificateResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	var plan, config pfxCertificateModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	var state *pfxCertificateModel
	if !req.State.Raw.IsNull() {
		state = &pfxCertificateModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, state)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	checkPFXSource(config, state, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	password, passwordKnown := configuredPFXPassword(config)
	ctx = maskSecrets(ctx, password, plan.ContentBase64.ValueString())
	var p pfxPlan
	usesPBES2 := false
	if r.host != nil && remotePFXToInspect(plan, state, passwordKnown) {
		read, pbes2 := inspectRemotePFX(ctx, r.host, plan, password, &resp.Diagnostics)
		if resp.Diagnostics.HasError() {
			return
		}
		p, usesPBES2 = planReadPFX(ctx, &plan, state, read, &resp.Diagnostics), pbes2
	} else {
		p = planPFX(ctx, &plan, state, password, passwordKnown, &resp.Diagnostics)
		if content, err := decodeBase64(plan.ContentBase64.ValueString()); err == nil && knownString(plan.ContentBase64) {
			usesPBES2 = pfxUsesPBES2(content)
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}
	if plansImport(plan, state, p) {
		checkPFXEncryptionForHost(ctx, r.host, usesPBES2, pfxSourcePath(plan), &resp.Diagnostics)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	if state == nil && r.host != nil && !r.checkNotInStore(ctx, plan, &resp.Diagnostics) {
		return
	}
	resp.RequiresReplace = append(resp.RequiresReplace, p.replace...)
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// plansImport says the plan imports the PFX into the host: a new
// certificate, a replacement, or the same one again in place.
func plansImport(plan pfxCertificateModel, state *pfxCertificateModel, p pfxPlan) bool {
	return state == nil || len(p.replace) > 0 || pfxNeedsReimport(plan, *state)
}

func (r *pfxCertificateResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan, config pfxCertificateModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() || !ensureHost(r.host, &resp.Diagnostics) {
		return
	}
	password, _ := configuredPFXPassword(config)
	ctx = maskSecrets(ctx, password, plan.ContentBase64.ValueString())
	if !r.checkNotInStore(ctx, plan, &resp.Diagnostics) {
		return
	}
	tflog.Debug(ctx, "importing PFX", map[string]any{"store": plan.StoreName.ValueString(), "thumbprint": plan.Thumbprint.ValueString()})
	imported, err := r.importPFX(ctx, plan, password, "")
	if err != nil {
		addPFXImportError(&resp.Diagnostics, plan, err)
		return
	}
	if !plan.Thumbprint.IsUnknown() && imported.Certificate.Thumbprint != plan.Thumbprint.ValueString() {
		resp.Diagnostics.AddError("Imported certificate differs from the plan",
			fmt.Sprintf("The plan read thumbprint %s from the PFX, but the host imported %s into %s. The certificate stays in the store; remove it by hand and report this.",
				plan.Thumbprint.ValueString(), imported.Certificate.Thumbprint, imported.Certificate.Store))
		return
	}
	resp.Diagnostics.Append(applyImported(ctx, &plan, imported)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// checkNotInStore refuses to take over a certificate that is already in the
// store: Terraform would delete it on destroy. ModifyPlan calls it for a new
// certificate (state is null also for the create half of a replacement),
// so a duplicate fails the plan before any resource of the configuration
// changes the host; Create calls it again, for what changed in between.
func (r *pfxCertificateResource) checkNotInStore(ctx context.Context, plan pfxCertificateModel, diags *diag.Diagnostics) bool {
	if plan.Thumbprint.IsUnknown() || plan.StoreName.IsUnknown() {
		return true
	}
	return checkCertificateAbsent(ctx, r.host, plan.StoreName.ValueString(), plan.Thumbprint.ValueString(), "windows_pfx_certificate", diags)
}

// importPFX imports the planned PFX; expectThumbprint, when not empty, is
// the certificate a re-import must find in it.
func (r *pfxCertificateResource) importPFX(ctx context.Context, plan pfxCertificateModel, password, expectThumbprint string) (windows.Imported, error) {
	certs := r.host.Certificates()
	if !plan.RemotePath.IsNull() {
		return certs.ImportPFXFile(ctx, windows.PFXFileImport{
			Store: plan.StoreName.ValueString(), Path: plan.RemotePath.ValueString(), Password: password,
			Exportable: plan.Exportable.ValueBool(), ImportChain: plan.ImportChain.ValueBool(),
			ExpectThumbprint: expectThumbprint,
		})
	}
	content, err := decodeBase64(plan.ContentBase64.ValueString())
	if err != nil {
		return windows.Imported{}, fmt.Errorf("content_base64: %w", err)
	}
	return certs.ImportPFX(ctx, windows.PFXImport{
		Store: plan.StoreName.ValueString(), PFX: content, Password: password,
		Exportable: plan.Exportable.ValueBool(), ImportChain: plan.ImportChain.ValueBool(),
		ExpectThumbprint: expectThumbprint,
	})
}

func (r *pfxCertificateResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	state, ok := loadForHost[pfxCertificateModel](ctx, req.State, r.host, &resp.Diagnostics)
	if !ok {
		return
	}
	cert, found := state.refresh(ctx, r.host, resp, "import")
	if !found {
		return
	}
	if cert.HasPrivateKey && cert.KeyOpens != nil && !*cert.KeyOpens {
		// A key link whose container was deleted or does not match
		// (Posh-ACME #157) still shows as HasPrivateKey on Windows, yet
		// HTTP.sys refuses the certificate with 1312. The refresh read
		// has_private_key as false: planned as a lost key, the next plan
		// imports the PFX again in place.
		tflog.Warn(ctx, "the certificate links a private key that cannot be opened; planning to import the PFX again",
			map[string]any{"store": state.StoreName.ValueString(), "thumbprint": state.Thumbprint.ValueString()})
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update imports the PFX again over the certificate in the store when
// pfxNeedsReimport says so (new key flags, import_chain, a remote_path
// password, a lost key): the thumbprint stays, so SSL bindings that serve
// the certificate keep working throughout. Every other update (new content
// holding the same certificate, a store name's case, settings adopted after
// import) only records new values.
func (r *pfxCertificateResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state, config pfxCertificateModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if pfxNeedsReimport(plan, state) {
		if !ensureHost(r.host, &resp.Diagnostics) || !r.reimport(ctx, &plan, state, config, &resp.Diagnostics) {
			return
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// reimport imports the PFX again and completes the plan from the host. The
// host checks that the PFX still holds the state's certificate before it
// changes anything.
func (r *pfxCertificateResource) reimport(ctx context.Context, plan *pfxCertificateModel, state, config pfxCertificateModel, diags *diag.Diagnostics) bool {
	password, _ := configuredPFXPassword(config)
	ctx = maskSecrets(ctx, password, plan.ContentBase64.ValueString())
	thumbprint := state.Thumbprint.ValueString()
	tflog.Debug(ctx, "importing PFX again over its certificate", map[string]any{"store": plan.StoreName.ValueString(), "thumbprint": thumbprint})
	imported, err := r.importPFX(ctx, *plan, password, thumbprint)
	switch {
	case windows.IsPFXOfAnotherCertificate(err):
		diags.AddAttributeError(pfxSourcePath(*plan), "The PFX holds another certificate",
			fmt.Sprintf("This update imports certificate %s again (exportable, import_chain or the password changed, or "+
				"its private key was lost), but the PFX now holds another certificate. The host was left as it was. "+
				"To put the new certificate in place, replace the resource: terraform apply -replace=<address> "+
				"(with lifecycle { create_before_destroy = true } if an SSL binding serves the certificate). Host: %v",
				thumbprint, err))
		return false
	case err != nil:
		addPFXImportError(diags, *plan, err)
		return false
	case imported.Certificate.Thumbprint != thumbprint:
		diags.AddError("Imported certificate differs from the state",
			fmt.Sprintf("Importing the PFX again should have kept certificate %s, but the host imported %s into %s. Report this.",
				thumbprint, imported.Certificate.Thumbprint, imported.Certificate.Store))
		return false
	}
	diags.Append(applyImported(ctx, plan, imported)...)
	return !diags.HasError()
}

func (r *pfxCertificateResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	state, ok := loadForHost[pfxCertificateModel](ctx, req.State, r.host, &resp.Diagnostics)
	if !ok {
		return
	}
	state.remove(ctx, r.host, &resp.Diagnostics)
}

func (r *pfxCertificateResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	stored, err := importedCertificateState(req.ID)
	if err != nil {
		resp.Diagnostics.AddError("Invalid import ID", err.Error())
		return
	}
	// Content and password cannot be read back; exportable and import_chain
	// take their defaults. The first plan after import adopts the
	// configuration without a new import when the configured PFX holds this
	// certificate (see planPFX).
	chain, diags := thumbprintSet(ctx, nil)
	resp.Diagnostics.Append(diags...)
	model := pfxCertificateModelWithDefaults(stored, chain)
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
}

// pfxCertificateModelWithDefaults is a windows_pfx_certificate holding
// stored and chain, with no content, path or password, and exportable and
// import_chain at their defaults.
func pfxCertificateModelWithDefaults(stored storedCertificateModel, chain types.Set) pfxCertificateModel {
	return pfxCertificateModel{
		ContentBase64:          types.StringNull(),
		RemotePath:             types.StringNull(),
		PasswordWO:             types.StringNull(),
		PasswordWOVersion:      types.Int64Null(),
		Password:               types.StringNull(),
		Exportable:             types.BoolValue(false),
		ImportChain:            types.BoolValue(false),
		ChainThumbprints:       chain,
		storedCertificateModel: stored,
	}
}
