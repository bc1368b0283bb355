package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/windows"
)

// SDDLEquivalent lets the acceptance tests (package provider_test) compare
// the host's SDDL by meaning, as the provider does.
var SDDLEquivalent = sddlEquivalent

// InspectRemotePFX is what planning a windows_pfx_certificate with
// remote_path asks the host, with the diagnostics the plan would show:
// the thumbprint read ("" when none) and whether the file uses PBES2.
func InspectRemotePFX(ctx context.Context, host *windows.Host, remotePath, password string) (string, bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	plan := pfxCertificateModel{ContentBase64: types.StringNull(), RemotePath: types.StringValue(remotePath),
		Password: types.StringValue(password), PasswordWO: types.StringNull()}
	read, pbes2 := inspectRemotePFX(ctx, host, plan, password, &diags)
	if read == nil {
		return "", pbes2, diags
	}
	return thumbprintOf(read.Leaf), pbes2, diags
}
