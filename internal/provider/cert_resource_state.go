package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/windows"
)

// storedCertificateModel is what both certificate resources keep of the
// certificate they put in a LocalMachine store: its id, its store and its
// facts. Read, Delete and terraform import need nothing else; embedded by
// value in the resources' models.
type storedCertificateModel struct {
	ID        types.String `tfsdk:"id"`
	StoreName types.String `tfsdk:"store_name"`
	certFactsModel
}

// importedCertificateState is the state terraform import starts from: the
// store and thumbprint of the import ID (STORE/THUMBPRINT), the other facts
// null until Read fills them.
func importedCertificateState(importID string) (storedCertificateModel, error) {
	store, thumbprint, err := parseCertificateImportID(importID)
	if err != nil {
		return storedCertificateModel{}, err
	}
	m := storedCertificateModel{
		ID:        types.StringValue(certificateID(store, thumbprint)),
		StoreName: types.StringValue(store),
	}
	m.setNull()
	m.Thumbprint = types.StringValue(thumbprint)
	return m, nil
}

// refresh reads the certificate back from its store into the facts and id.
// When the certificate is gone it removes the resource from the state, so
// the next plan puts it back (putBack says how, for the log). ok is false
// then and on a host error.
func (m *storedCertificateModel) refresh(ctx context.Context, host *windows.Host, resp *resource.ReadResponse, putBack string) (cert windows.Certificate, ok bool) {
	cert, err := host.Certificates().Get(ctx, m.StoreName.ValueString(), m.Thumbprint.ValueString())
	if windows.IsNotFound(err) {
		tflog.Info(ctx, "certificate no longer in its store; planning to "+putBack+" it again",
			map[string]any{"store": m.StoreName.ValueString(), "thumbprint": m.Thumbprint.ValueString()})
		resp.State.RemoveResource(ctx)
		return windows.Certificate{}, false
	}
	if err != nil {
		addHostError(&resp.Diagnostics, "Cannot read certificate", err)
		return windows.Certificate{}, false
	}
	resp.Diagnostics.Append(m.certFactsModel.set(ctx, factsFromHost(cert))...)
	m.ID = types.StringValue(certificateID(m.StoreName.ValueString(), cert.Thumbprint))
	return cert, true
}

// remove deletes the certificate from its store; one already gone is fine.
// It refuses while an SSL binding serves the certificate (checkNotBound).
func (m storedCertificateModel) remove(ctx context.Context, host *windows.Host, diags *diag.Diagnostics) {
	if !checkNotBound(ctx, host, m.StoreName.ValueString(), m.Thumbprint.ValueString(), diags) {
		return
	}
	err := host.Certificates().Remove(ctx, m.StoreName.ValueString(), m.Thumbprint.ValueString())
	if err != nil && !windows.IsNotFound(err) {
		addHostError(diags, "Cannot remove certificate", err)
	}
}

// completeFrom fills what the plan left unknown from the certificate the
// host added: facts known at plan time keep their planned values.
func (m *storedCertificateModel) completeFrom(ctx context.Context, cert windows.Certificate) diag.Diagnostics {
	var host certFactsModel
	diags := host.set(ctx, factsFromHost(cert))
	m.certFactsModel.setUnknownFrom(host)
	if m.ID.IsUnknown() {
		m.ID = types.StringValue(certificateID(m.StoreName.ValueString(), cert.Thumbprint))
	}
	return diags
}
