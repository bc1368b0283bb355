package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/provider/attribute_plan_modifier"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/provider/attribute_validator"
)

// normalizer returns a value in the form the host shows it, or an error
// saying why the value is not valid.
type normalizer func(string) (string, error)

// check reports whether n accepts s.
func (n normalizer) check(s string) error {
	_, err := n(s)
	return err
}

// validator returns a validator that accepts what n normalises.
func (n normalizer) validator(description string) validator.String {
	return attribute_validator.Check(description, n.check)
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

// keepState returns the plan modifier that keeps the state's spelling of a
// value that n normalises to the same.
func (n normalizer) keepState() planmodifier.String {
	return attribute_plan_modifier.KeepStateWhenEquivalent(n.equivalent)
}
