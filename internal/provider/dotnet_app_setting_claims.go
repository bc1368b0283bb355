package provider

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"strings"
	"sync"
	"weak"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/provider/valuetext"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/windows"
)

// Two windows_dotnet_app_setting resources on one entry fight: each plan
// shows a change, and destroy loses the original value (the second resource
// recorded the first one's value as "original"). The plugin protocol shows
// a provider one resource at a time, so the check is made as Terraform
// plans them: every plan of an entry claims it, and a second claimant in
// the same run is refused.
//
// A run is one configuration of the provider: Terraform configures the
// provider again for each of its walks (plan, then apply), each with a new
// *windows.Host (Configure calls windows.New each time, even where the
// WinRM client is shared), so the claims of a plan never meet those of the
// apply that follows, which plans every resource again. Were a host reused
// across walks, every create would be refused at apply:
// TestAccDotNetAppSetting_lifecycle would fail. A resource that is replaced
// is planned twice in one walk, the second time with no prior state, so
// each claimant carries a token in its private state, which Terraform hands
// back to the second plan (terraform's NodeAbstractResourceInstance.plan
// re-plans a replacement with "PriorPrivate: plannedPrivate", the first
// plan's): the same token is the same resource.

// appSettingClaimKey is the private state key of a resource's claim token.
const appSettingClaimKey = "app_setting_claim"

// appSettingEntry names one entry of one file as Windows and .NET compare
// them: paths case-insensitively with either slash, keys case-insensitively
// (OrdinalIgnoreCase, as ConfigurationManager.AppSettings looks them up).
type appSettingEntry struct{ path, key string }

func newAppSettingEntry(file, key string) appSettingEntry {
	return appSettingEntry{path: strings.ToUpper(strings.ReplaceAll(file, "/", `\`)), key: strings.ToUpper(key)}
}

// appSettingClaims are the claims of one run: entry → claimant tokens.
type appSettingClaims struct {
	mu     sync.Mutex
	tokens map[appSettingEntry]map[string]bool
}

// claim records token as a claimant of entry and reports whether another
// claimant has it already.
func (c *appSettingClaims) claim(entry appSettingEntry, token string) (taken bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	holders := c.tokens[entry]
	if holders == nil {
		holders = map[string]bool{}
		c.tokens[entry] = holders
	}
	holders[token] = true
	return len(holders) > 1
}

var (
	runClaimsMu sync.Mutex
	// runClaims holds the claims of each run, by its host; a weak key, so a
	// run's host (and its connections) is not kept alive by this table.
	runClaims = map[weak.Pointer[windows.Host]]*appSettingClaims{}
)

// claimsOfRun returns the claims of the run host belongs to, dropping those
// of runs whose host is gone.
func claimsOfRun(host *windows.Host) *appSettingClaims {
	runClaimsMu.Lock()
	defer runClaimsMu.Unlock()
	for k := range runClaims {
		if k.Value() == nil {
			delete(runClaims, k)
		}
	}
	k := weak.Make(host)
	c := runClaims[k]
	if c == nil {
		c = &appSettingClaims{tokens: map[appSettingEntry]map[string]bool{}}
		runClaims[k] = c
	}
	return c
}

// claimToken returns the resource's claim token from its private state, or
// a new one.
func claimToken(ctx context.Context, private privateData, diags *diag.Diagnostics) string {
	raw, d := private.GetKey(ctx, appSettingClaimKey)
	diags.Append(d...)
	var token string
	if len(raw) > 0 && json.Unmarshal(raw, &token) == nil && token != "" {
		return token
	}
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b)
}

func knownString(v types.String) bool { return !v.IsNull() && !v.IsUnknown() }

// ModifyPlan refuses a second resource on the entry another resource of
// the configuration plans. A destroy plan claims nothing; an entry whose
// path or key is not known yet is checked when the apply plans it again.
func (r *dotNetAppSettingResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.host == nil {
		return
	}
	var plan dotNetAppSettingModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || !knownString(plan.ConfigPath) || !knownString(plan.Key) {
		return
	}
	token := claimToken(ctx, req.Private, &resp.Diagnostics)
	resp.Diagnostics.Append(setPrivateJSON(ctx, resp.Private, appSettingClaimKey, "the claim token", token)...)
	file, key := plan.ConfigPath.ValueString(), plan.Key.ValueString()
	if claimsOfRun(r.host).claim(newAppSettingEntry(file, key), token) {
		resp.Diagnostics.AddAttributeError(path.Root("key"), "Two resources manage one app setting",
			"key: another windows_dotnet_app_setting in this configuration also manages "+valuetext.Quote(key)+" in "+file+
				" (keys compare case-insensitively, as .NET reads them, and paths too, as Windows does). "+
				"Two resources on one entry fight: every plan shows a change, and destroy loses the original value. "+
				"Keep one resource for this entry.")
		return
	}
	// A required key is looked up while planning a create, or an update of
	// an entry that has gone since (Read found no value): the plan fails
	// before anything is written.
	var state dotNetAppSettingModel
	if !req.State.Raw.IsNull() {
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	}
	if plan.RequireExisting.ValueBool() && (req.State.Raw.IsNull() || state.Value.IsNull()) {
		checkRequiredKey(ctx, r.host, file, key, &resp.Diagnostics)
	}
}
