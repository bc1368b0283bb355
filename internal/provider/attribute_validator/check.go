package attribute_validator

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// Check returns a validator made of a check function: the value is valid
// when check returns nil, and the error says why not. description says what
// is accepted ("an absolute Windows path").
func Check(description string, check func(string) error) validator.String {
	return stringCheck{description: description, check: check}
}

type stringCheck struct {
	description string
	check       func(string) error
}

func (v stringCheck) Description(context.Context) string { return v.description }

func (v stringCheck) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v stringCheck) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := v.check(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid value for "+req.Path.String(),
			req.Path.String()+": "+err.Error())
	}
}
