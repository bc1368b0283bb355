package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/provider"
)

var _ provider.ProviderWithFunctions = (*windowsProvider)(nil)

// Functions returns the provider functions (Terraform 1.8 and later), called
// as provider::windows::NAME(...).
func (p *windowsProvider) Functions(context.Context) []func() function.Function {
	return functions
}

// functions is filled by the files that define them.
var functions []func() function.Function
