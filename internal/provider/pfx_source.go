package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
)

// pfxSourceHelp says where a PFX comes from and why a configuration written
// by terraform plan -generate-config-out has none.
const pfxSourceHelp = "Set content_base64 (filebase64(\"host.pfx\")) or remote_path (a .pfx file already on the host), with " +
	"password_wo or password. A PFX cannot be read back from a host, so the configuration that terraform plan " +
	"-generate-config-out writes after an import leaves them null: it keeps the imported certificate as it is, " +
	"but cannot import it anywhere. If the PFX holds the imported certificate, the next plan only records them."

// checkPFXSource plans a configuration that names no PFX (neither
// content_base64 nor remote_path, as generated after an import): allowed only
// for a certificate taken over by import that is still in the store with its
// key, which it then keeps as it is. Anything that would need the PFX (a new
// import, on this host or on a clone; a re-import for a lost key; a
// certificate that came from a PFX the configuration no longer names) fails
// the plan saying to add it. state is nil on create.
func checkPFXSource(config pfxCertificateModel, state *pfxCertificateModel, diags *diag.Diagnostics) {
	if !config.ContentBase64.IsNull() || !config.RemotePath.IsNull() {
		return
	}
	content := path.Root("content_base64")
	switch {
	case state == nil:
		diags.AddAttributeError(content, "PFX content missing",
			"This plan imports the certificate into the store, which needs the PFX. "+pfxSourceHelp)
	case !pfxImportedState(*state):
		diags.AddAttributeError(content, "PFX content missing",
			fmt.Sprintf("Certificate %s was imported from a PFX that the configuration no longer names. %s",
				state.Thumbprint.ValueString(), pfxSourceHelp))
	case pfxKeyLost(*state):
		diags.AddAttributeError(content, "PFX content missing",
			fmt.Sprintf("Certificate %s has lost its private key on the host, and importing the PFX again needs the PFX. %s",
				state.Thumbprint.ValueString(), pfxSourceHelp))
	}
}
