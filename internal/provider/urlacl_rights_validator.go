package provider

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/provider/valuetext"
)

// sddlRightsValidator lets listen and delegate stand next to sddl as long
// as they say what the descriptor grants. terraform plan
// -generate-config-out writes all three after an import, so they must be
// accepted together; a value that contradicts the descriptor is an error on
// that attribute.
type sddlRightsValidator struct{}

var _ resource.ConfigValidator = sddlRightsValidator{}

func (sddlRightsValidator) Description(context.Context) string {
	return "with sddl, listen and delegate agree with the rights the descriptor grants"
}

func (v sddlRightsValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (sddlRightsValidator) ValidateResource(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m urlACLModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || m.SDDL.IsNull() || m.SDDL.IsUnknown() {
		return
	}
	acl, err := parseURLACLSDDL(m.SDDL.ValueString())
	if err != nil {
		return // sddl's own validator reports it
	}
	listen, delegate := acl.rightsOfAll()
	checkSDDLRight(&resp.Diagnostics, acl, m.SDDL.ValueString(), urlACLRight{name: "listen", codes: "GX", verb: "listen"}, m.Listen, listen)
	checkSDDLRight(&resp.Diagnostics, acl, m.SDDL.ValueString(), urlACLRight{name: "delegate", codes: "GW", verb: "delegate"}, m.Delegate, delegate)
}

// urlACLRight names one of the two rights of a reservation: its attribute,
// the SDDL right that grants it besides GA, and what it lets an account do.
type urlACLRight struct{ name, codes, verb string }

// checkSDDLRight reports an error on the right's attribute when it is set
// and says otherwise than sddl, which implies granted.
func checkSDDLRight(diags *diag.Diagnostics, acl urlACL, sddl string, right urlACLRight, configured types.Bool, granted bool) {
	if configured.IsNull() || configured.IsUnknown() || configured.ValueBool() == granted {
		return
	}
	why := fmt.Sprintf("every account it allows may %s (%s or GA)", right.verb, right.codes)
	if configured.ValueBool() {
		why = lackingRightReason(acl, right)
	}
	diags.AddAttributeError(path.Root(right.name), right.name+" contradicts sddl",
		fmt.Sprintf("%s = %t contradicts sddl %s: %s. With sddl, %s only summarises the descriptor (true when every "+
			"account it allows may %s): set it to %t, remove it, or change sddl.",
			right.name, configured.ValueBool(), valuetext.Quote(sddl), why, right.name, right.verb, granted))
}

// lackingRightReason says which allowed accounts lack the right.
func lackingRightReason(acl urlACL, right urlACLRight) string {
	lacking := acl.allowedSIDsWithout(right.name)
	switch len(lacking) {
	case 0:
		return "it allows no account anything"
	case 1:
		return fmt.Sprintf("not every account it allows may %s: %s has no %s or GA right", right.verb, lacking[0], right.codes)
	default:
		return fmt.Sprintf("not every account it allows may %s: %s have no %s or GA right", right.verb, strings.Join(lacking, ", "), right.codes)
	}
}

// allowedSIDsWithout returns, sorted, the accounts of the allow entries
// that lack the right ("listen" or "delegate").
func (acl urlACL) allowedSIDsWithout(right string) []string {
	var sids []string
	for k, g := range acl {
		if k.Type != "A" {
			continue
		}
		if (right == "listen" && !g.Listen) || (right == "delegate" && !g.Delegate) {
			sids = append(sids, k.SID)
		}
	}
	sort.Strings(sids)
	return sids
}
