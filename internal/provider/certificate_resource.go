package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/windows"
)

func init() { resources = append(resources, newCertificateResource) }

func newCertificateResource() resource.Resource { return &certificateResource{} }

// certificateResource puts a public certificate into a LocalMachine store:
// the procedure's "Install Certificate, Local Machine, Trusted Root Certification
// Authorities" on the BPA Platform machine.
type certificateResource struct {
	host *windows.Host
}

var (
	_ resource.ResourceWithConfigure   = (*certificateResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*certificateResource)(nil)
	_ resource.ResourceWithImportState = (*certificateResource)(nil)
)

type certificateModel struct {
	PEM types.String `tfsdk:"pem"`
	storedCertificateModel
}

func (r *certificateResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_certificate"
}

func (r *certificateResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	attrs := certFactResourceAttributes()
	attrs["id"] = schema.StringAttribute{Computed: true,
		Description: "`STORE/THUMBPRINT`, with the store upper-cased (`ROOT/0123…`); also the import ID."}
	attrs["pem"] = schema.StringAttribute{Required: true,
		Description: "The certificate in PEM (`-----BEGIN CERTIFICATE-----`), public part only: one certificate, no key. " +
			"Read at plan time, so the thumbprint and the other facts are known in the plan. A new PEM replaces " +
			"the certificate only if it is a different certificate.",
		Validators: []validator.String{singleCertificatePEMValidator{}}}
	attrs["store_name"] = schema.StringAttribute{Required: true,
		Description: "LocalMachine store: `Root` (Trusted Root Certification Authorities), `CA` (Intermediate " +
			"Certification Authorities), `TrustedPeople`, `My`, ... Case-insensitive; changing it replaces.",
		Validators: []validator.String{certStoreNameValidator{}}}
	resp.Schema = schema.Schema{
		Description: "A public certificate in a LocalMachine store, such as a server's certificate trusted in Root " +
			"on the machine that connects to it. Destroy removes it, but not while an HTTP.sys SSL binding uses it. " +
			"Import with `STORE/THUMBPRINT`.",
		Attributes: attrs,
	}
}

func (r *certificateResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.host = hostFromProviderData(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan reads the PEM: the facts are known in the plan. A PEM holding
// the certificate already in the state (re-encoded, or first configured
// after terraform import) changes nothing on the host.
func (r *certificateResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan certificateModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	var state *certificateModel
	if !req.State.Raw.IsNull() {
		state = &certificateModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, state)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	facts, known := plannedCertificateFacts(plan, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	if state != nil {
		replace := certificateReplacements(plan, *state, facts, known)
		resp.RequiresReplace = append(resp.RequiresReplace, replace...)
		if len(replace) == 0 {
			plan.certFactsModel = state.certFactsModel
			plan.ID = state.ID
			resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
			return
		}
	}
	if !known {
		plan.setUnknown()
		plan.ID = types.StringUnknown()
	} else {
		resp.Diagnostics.Append(plan.certFactsModel.set(ctx, facts)...)
		plan.ID = types.StringValue(certificateID(plan.StoreName.ValueString(), facts.Thumbprint))
		// A certificate already in the store fails the plan, before
		// anything of the configuration changes the host (Create checks
		// again).
		if state == nil && r.host != nil && knownString(plan.StoreName) &&
			!checkCertificateAbsent(ctx, r.host, plan.StoreName.ValueString(), facts.Thumbprint, "windows_certificate", &resp.Diagnostics) {
			return
		}
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// plannedCertificateFacts parses the PEM when it is known.
func plannedCertificateFacts(plan certificateModel, diags *diag.Diagnostics) (certFacts, bool) {
	if plan.PEM.IsNull() || plan.PEM.IsUnknown() {
		return certFacts{}, false
	}
	cert, err := parseCertificatePEM(plan.PEM.ValueString())
	if err != nil {
		diags.AddAttributeError(path.Root("pem"), "Invalid certificate", err.Error())
		return certFacts{}, false
	}
	facts, err := factsOf(cert, false)
	if err != nil {
		diags.AddAttributeError(path.Root("pem"), "Unreadable certificate", err.Error())
		return certFacts{}, false
	}
	if time.Now().After(facts.NotAfter) {
		diags.AddAttributeWarning(path.Root("pem"), "Certificate expired",
			fmt.Sprintf("Certificate %s (%s) expired on %s; TLS clients reject it and certificates it issued.",
				facts.Thumbprint, facts.Subject, formatTime(facts.NotAfter)))
	}
	return facts, true
}

func certificateReplacements(plan, state certificateModel, facts certFacts, known bool) path.Paths {
	var replace path.Paths
	if !strings.EqualFold(plan.StoreName.ValueString(), state.StoreName.ValueString()) {
		replace = append(replace, path.Root("store_name"))
	}
	switch {
	case known && facts.Thumbprint != state.Thumbprint.ValueString():
		replace = append(replace, path.Root("pem"))
	case !known && !plan.PEM.Equal(state.PEM):
		replace = append(replace, path.Root("pem"))
	}
	return replace
}

func (r *certificateResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	plan, ok := loadForHost[certificateModel](ctx, req.Plan, r.host, &resp.Diagnostics)
	if !ok {
		return
	}
	store := plan.StoreName.ValueString()
	if !plan.Thumbprint.IsUnknown() &&
		!checkCertificateAbsent(ctx, r.host, store, plan.Thumbprint.ValueString(), "windows_certificate", &resp.Diagnostics) {
		return
	}
	tflog.Debug(ctx, "adding certificate", map[string]any{"store": store, "thumbprint": plan.Thumbprint.ValueString()})
	cert, err := r.host.Certificates().Add(ctx, store, plan.PEM.ValueString())
	if err != nil {
		addHostError(&resp.Diagnostics, "Cannot add certificate", err)
		return
	}
	if !plan.Thumbprint.IsUnknown() && cert.Thumbprint != plan.Thumbprint.ValueString() {
		resp.Diagnostics.AddError("Added certificate differs from the plan",
			fmt.Sprintf("The plan read thumbprint %s from the PEM, but the host added %s to %s. Remove it by hand and report this.",
				plan.Thumbprint.ValueString(), cert.Thumbprint, cert.Store))
		return
	}
	resp.Diagnostics.Append(plan.completeFrom(ctx, cert)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *certificateResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	state, ok := loadForHost[certificateModel](ctx, req.State, r.host, &resp.Diagnostics)
	if !ok {
		return
	}
	cert, found := state.refresh(ctx, r.host, resp, "add")
	if !found {
		return
	}
	if state.PEM.IsNull() {
		// After import: the configuration's PEM may be encoded differently;
		// the plan compares thumbprints, not text.
		state.PEM = types.StringValue(cert.PEM)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update only records the new PEM text or store name case: the plan replaces
// the certificate when the PEM holds a different one or the store changes.
func (r *certificateResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	recordPlan[certificateModel](ctx, req, resp)
}

func (r *certificateResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	state, ok := loadForHost[certificateModel](ctx, req.State, r.host, &resp.Diagnostics)
	if !ok {
		return
	}
	state.remove(ctx, r.host, &resp.Diagnostics)
}

func (r *certificateResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	stored, err := importedCertificateState(req.ID)
	if err != nil {
		resp.Diagnostics.AddError("Invalid import ID", err.Error())
		return
	}
	model := certificateModel{PEM: types.StringNull(), storedCertificateModel: stored}
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
}
