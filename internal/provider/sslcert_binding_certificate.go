package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/windows"
)

// sslCertBindingResourceModel is the resource's data: the binding, and the
// subject and expiry of the certificate it serves, so that a plan that
// moves the binding to another certificate (a renewal) shows which one it
// leaves and which one it takes.
type sslCertBindingResourceModel struct {
	sslCertBindingModel
	CertificateSubject  types.String `tfsdk:"certificate_subject"`
	CertificateNotAfter types.String `tfsdk:"certificate_not_after"`
}

// boundCertificateAttributes are the computed attributes of the certificate
// the binding serves.
func boundCertificateAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"certificate_subject": schema.StringAttribute{Computed: true,
			Description: "Subject of the certificate `certificate_hash` names, as Windows prints it, read from " +
				"the certificate store: a plan that changes `certificate_hash` shows the old and the new " +
				"certificate's subject. Null if the store does not hold the certificate."},
		"certificate_not_after": schema.StringAttribute{Computed: true,
			Description: "End of validity of the certificate `certificate_hash` names, UTC RFC 3339: a plan that " +
				"changes `certificate_hash` shows the old and the new expiry. Null if the store does not hold the certificate."},
	}
}

// setCertificate fills the certificate's subject and expiry, null for a
// certificate the store does not hold.
func (m *sslCertBindingResourceModel) setCertificate(c *windows.Certificate) {
	if c == nil {
		m.CertificateSubject, m.CertificateNotAfter = types.StringNull(), types.StringNull()
		return
	}
	m.CertificateSubject, m.CertificateNotAfter = types.StringValue(c.Subject), types.StringValue(formatTime(c.NotAfter))
}

// hasCertificateFacts reports whether the subject and expiry are known
// values (a state written before they existed, or after the store did not
// hold the certificate, has none).
func (m sslCertBindingResourceModel) hasCertificateFacts() bool {
	return !m.CertificateSubject.IsNull() && !m.CertificateSubject.IsUnknown() &&
		!m.CertificateNotAfter.IsNull() && !m.CertificateNotAfter.IsUnknown()
}

// factsStillFor reports whether m's subject and expiry describe the
// certificate other binds: the same thumbprint from the same store, and m
// has them.
func (m sslCertBindingResourceModel) factsStillFor(other sslCertBindingResourceModel) bool {
	return m.hasCertificateFacts() && sameThumbprint(m.CertificateHash, other.CertificateHash) && storeUnchanged(m, other)
}

// boundCertificate reads the certificate b serves from its store: nil if
// the store does not hold it (the binding then fails on the host, or
// already serves a removed certificate).
func boundCertificate(ctx context.Context, host *windows.Host, b windows.SSLBinding) (*windows.Certificate, error) {
	c, err := host.Certificates().Get(ctx, b.CertificateStoreName, b.CertificateHash)
	if windows.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// sameThumbprint compares two thumbprints as the host does, whatever their
// spelling; a null or unknown one equals nothing.
func sameThumbprint(a, b types.String) bool {
	if a.IsNull() || a.IsUnknown() || b.IsNull() || b.IsUnknown() {
		return false
	}
	return canonicalThumbprint(a.ValueString()) == canonicalThumbprint(b.ValueString())
}

// planBoundCertificate plans certificate_subject and certificate_not_after.
// The certificate is read on the host only when the plan moves an existing
// binding to another certificate whose thumbprint is known: that plan shows
// the old and the new subject and expiry. A plan that changes nothing costs
// no host call, and neither does a new binding (its certificate is often
// imported by the same apply; its facts are read at apply): a first apply
// of many bindings would otherwise start the host's workers at plan time
// for values the plan's certificate resources or data sources already show.
func (r *sslCertBindingResource) planBoundCertificate(ctx context.Context, req resource.ModifyPlanRequest, plan *sslCertBindingResourceModel, diags *diag.Diagnostics) {
	plan.CertificateSubject, plan.CertificateNotAfter = types.StringUnknown(), types.StringUnknown()
	if req.State.Raw.IsNull() {
		return
	}
	var state sslCertBindingResourceModel
	diags.Append(req.State.Get(ctx, &state)...)
	if diags.HasError() {
		return
	}
	if state.factsStillFor(*plan) {
		plan.CertificateSubject, plan.CertificateNotAfter = state.CertificateSubject, state.CertificateNotAfter
		return
	}
	if plan.CertificateHash.IsUnknown() || plan.CertificateStoreName.IsUnknown() {
		return
	}
	c, err := boundCertificate(ctx, r.host, plan.binding())
	if err != nil {
		addHostError(diags, "Cannot read the certificate "+plan.binding().CertificateHash+" the binding is to serve", err)
		return
	}
	if c != nil {
		plan.setCertificate(c)
	}
}

// storeUnchanged reports whether the binding reads its certificate from the
// same store in both.
func storeUnchanged(a, b sslCertBindingResourceModel) bool {
	if a.CertificateStoreName.IsUnknown() || b.CertificateStoreName.IsUnknown() {
		return false
	}
	sa, _ := normalizeStoreName(a.CertificateStoreName.ValueString())
	sb, _ := normalizeStoreName(b.CertificateStoreName.ValueString())
	return sa == sb
}

// applyBoundCertificate fills, after create or update, what the plan left
// unknown: the certificate's subject and expiry, read once the binding
// serves it.
func (r *sslCertBindingResource) applyBoundCertificate(ctx context.Context, m *sslCertBindingResourceModel, diags *diag.Diagnostics) {
	if !m.CertificateSubject.IsUnknown() && !m.CertificateNotAfter.IsUnknown() {
		return
	}
	c, err := boundCertificate(ctx, r.host, m.binding())
	if err != nil {
		// The binding is in place; say so, and leave the facts to the next refresh.
		diags.AddWarning("Cannot read the bound certificate's subject and expiry",
			"The binding "+m.bindingKey().String()+" is in place, but reading its certificate failed; the next refresh reads it again. "+err.Error())
	}
	m.setCertificate(c)
}

// readBoundCertificate refreshes the certificate's subject and expiry when
// the binding serves another certificate than the state says (changed
// outside Terraform, or imported) or the state has none; otherwise the
// binding's read is the refresh's only host call.
func (r *sslCertBindingResource) readBoundCertificate(ctx context.Context, prior sslCertBindingResourceModel, m *sslCertBindingResourceModel, b windows.SSLBinding, diags *diag.Diagnostics) {
	if prior.factsStillFor(*m) {
		return
	}
	c, err := boundCertificate(ctx, r.host, b)
	if err != nil {
		addHostError(diags, "Cannot read the certificate "+b.CertificateHash+" that "+b.BindingKey.String()+" serves", err)
		return
	}
	m.setCertificate(c)
}
