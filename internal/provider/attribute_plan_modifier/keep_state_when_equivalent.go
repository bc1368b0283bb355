// Package attribute_plan_modifier holds the provider's plan modifiers that do
// not depend on a resource.
package attribute_plan_modifier

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
)

// KeepStateWhenEquivalent returns a plan modifier that plans the prior
// state's value when the planned value means the same (a thumbprint in lower
// case, a GUID without braces), so that a change of spelling plans no change.
// equivalent decides what means the same.
func KeepStateWhenEquivalent(equivalent func(a, b string) bool) planmodifier.String {
	return keepStateWhenEquivalent{equivalent: equivalent}
}

type keepStateWhenEquivalent struct{ equivalent func(a, b string) bool }

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
	if m.equivalent(req.PlanValue.ValueString(), req.StateValue.ValueString()) {
		resp.PlanValue = req.StateValue
	}
}
