package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// pfxSourceRequiredValidator requires content_base64 or remote_path. Its
// message covers the common way to get neither: configuration written by
// terraform plan -generate-config-out after an import, which has no PFX to
// write because a host never gives one back.
type pfxSourceRequiredValidator struct{}

var _ resource.ConfigValidator = pfxSourceRequiredValidator{}

func (pfxSourceRequiredValidator) Description(context.Context) string {
	return "one of content_base64 and remote_path is set"
}

func (v pfxSourceRequiredValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (pfxSourceRequiredValidator) ValidateResource(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var content, remotePath types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("content_base64"), &content)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("remote_path"), &remotePath)...)
	if resp.Diagnostics.HasError() || !content.IsNull() || !remotePath.IsNull() {
		return
	}
	resp.Diagnostics.AddAttributeError(path.Root("content_base64"), "PFX content missing",
		"Set content_base64 (filebase64(\"host.pfx\")) or remote_path (a .pfx file already on the host), with "+
			"password_wo or password. A PFX cannot be read back from a host: configuration written by "+
			"terraform plan -generate-config-out after an import leaves them null, so add the PFX and its "+
			"password by hand. If the PFX holds the imported certificate, the next plan only records them.")
}
