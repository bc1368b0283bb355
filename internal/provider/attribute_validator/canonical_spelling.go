package attribute_validator

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/provider/valuetext"
)

// CanonicalSpelling returns a validator that warns about a valid value that
// is not written as normalize writes it (the form the host shows); wrap
// names a provider function that returns the clean form, or is "". An
// invalid value is left to the attribute's other validators.
func CanonicalSpelling(normalize func(string) (string, error), wrap string) validator.String {
	return canonicalSpellingWarning{normalize: normalize, wrap: wrap}
}

// canonicalSpellingWarning warns about a valid value that is not written
// the way the host shows it. Terraform requires the planned value of an
// argument that is not computed to be the configured value, so the plan and
// the state keep the spelling as written while the host gets the clean
// form: the warning says so, and how to write the value to make them agree.
type canonicalSpellingWarning struct {
	normalize func(string) (string, error)
	// wrap names a provider function that returns the clean form, or is "".
	wrap string
}

func (w canonicalSpellingWarning) Description(context.Context) string {
	return "warns when the value is not written in the form the host shows"
}

func (w canonicalSpellingWarning) MarkdownDescription(ctx context.Context) string {
	return w.Description(ctx)
}

func (w canonicalSpellingWarning) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	written := req.ConfigValue.ValueString()
	clean, err := w.normalize(written)
	if err != nil || clean == written {
		return // an invalid value is the other validator's error
	}
	advice := fmt.Sprintf("write it as %s", valuetext.HCLString(clean))
	if w.wrap != "" {
		advice += fmt.Sprintf(" or wrap it in %s()", w.wrap)
	}
	resp.Diagnostics.AddAttributeWarning(req.Path, req.Path.String()+" is not written as the host shows it",
		fmt.Sprintf("%s %s: the host receives %s; the plan and state keep the value as written; %s.",
			req.Path, valuetext.Quote(written), clean, advice))
}
