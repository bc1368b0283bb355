package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// stringCheck is a validator made of a check function: the value is valid
// when check returns nil, and the error says why not. The diagnostic is
// attached to the attribute and names it.
type stringCheck struct {
	description string
	check       func(string) error
}

var _ validator.String = stringCheck{}

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

// normalizer returns a value in the form the host shows it, or an error
// saying why the value is not valid.
type normalizer func(string) (string, error)

// check reports whether n accepts s.
func (n normalizer) check(s string) error {
	_, err := n(s)
	return err
}

// validator returns a validator that accepts what n normalises.
func (n normalizer) validator(description string) stringCheck {
	return stringCheck{description: description, check: n.check}
}

// equivalent reports whether a and b are the same value once normalised.
func (n normalizer) equivalent(a, b string) bool {
	if a == b {
		return true
	}
	na, errA := n(a)
	nb, errB := n(b)
	return errA == nil && errB == nil && na == nb
}

// keep returns prior when it means the same as the host's value, else the
// host's value: the user's spelling stays in the state (no diff against
// the configuration), and real changes show.
func (n normalizer) keep(prior types.String, host string) types.String {
	if !prior.IsNull() && !prior.IsUnknown() && n.equivalent(prior.ValueString(), host) {
		return prior
	}
	return types.StringValue(host)
}

// keepStateWhenEquivalent is a plan modifier that plans the prior state's
// value when the planned value means the same (a thumbprint in lower case,
// a GUID without braces), so a change of spelling plans no change.
type keepStateWhenEquivalent struct{ normalize normalizer }

var _ planmodifier.String = keepStateWhenEquivalent{}

func (m keepStateWhenEquivalent) Description(context.Context) string {
	return "Keeps the state's value when the configured value means the same."
}

func (m keepStateWhenEquivalent) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (m keepStateWhenEquivalent) PlanModifyString(_ context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.StateValue.IsNull() || req.StateValue.IsUnknown() || req.PlanValue.IsNull() || req.PlanValue.IsUnknown() {
		return
	}
	if m.normalize.equivalent(req.PlanValue.ValueString(), req.StateValue.ValueString()) {
		resp.PlanValue = req.StateValue
	}
}
