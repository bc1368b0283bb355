package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/function"
)

func init() { functions = append(functions, newNormalizeThumbprintFunction) }

func newNormalizeThumbprintFunction() function.Function { return normalizeThumbprintFunction{} }

// normalizeThumbprintFunction is provider::windows::normalize_thumbprint: a
// thumbprint as copied from the certificate MMC (with its hidden U+200E and
// spaces) becomes the 40 upper-case hex digits netsh and HTTP.sys take.
type normalizeThumbprintFunction struct{}

var _ function.Function = normalizeThumbprintFunction{}

func (normalizeThumbprintFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "normalize_thumbprint"
}

func (normalizeThumbprintFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Cleans a certificate thumbprint.",
		Description: "Returns a certificate thumbprint as 40 upper-case hexadecimal digits: removes spaces, colons " +
			"and invisible characters (the certificate MMC's copy starts with U+200E LEFT-TO-RIGHT MARK) and " +
			"upper-cases the digits. Fails, saying why, if what is left is not 40 hexadecimal digits.",
		Parameters: []function.Parameter{
			function.StringParameter{Name: "thumbprint", Description: "The thumbprint as copied."},
		},
		Return: function.StringReturn{},
	}
}

func (normalizeThumbprintFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var raw string
	resp.Error = function.ConcatFuncErrors(resp.Error, req.Arguments.Get(ctx, &raw))
	if resp.Error != nil {
		return
	}
	thumbprint, err := normalizeThumbprint(raw)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(0, err.Error())
		return
	}
	resp.Error = function.ConcatFuncErrors(resp.Error, resp.Result.Set(ctx, thumbprint))
}
