package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/windows"
)

func init() { resources = append(resources, newDotNetStrongCryptoResource) }

// dotNetStrongCryptoID is the ID of the one instance a host has.
const dotNetStrongCryptoID = "dotnet_strong_crypto"

// dotNetCryptoOriginalKey is the private-state key holding the keys' values
// before Terraform wrote them, which destroy puts back.
const dotNetCryptoOriginalKey = "original"

// dotNetStrongCryptoResource is windows_dotnet_strong_crypto: the .NET
// Framework's SchUseStrongCrypto and SystemDefaultTlsVersions, so .NET
// Framework services (the Sage connector agents, 32-bit under Program
// Files (x86)) use the TLS versions SChannel has on, TLS 1.2 among them.
type dotNetStrongCryptoResource struct{ host *windows.Host }

func newDotNetStrongCryptoResource() resource.Resource { return &dotNetStrongCryptoResource{} }

var (
	_ resource.ResourceWithConfigure   = (*dotNetStrongCryptoResource)(nil)
	_ resource.ResourceWithImportState = (*dotNetStrongCryptoResource)(nil)
)

type dotNetStrongCryptoModel struct {
	ID      types.String `tfsdk:"id"`
	Enabled types.Bool   `tfsdk:"enabled"`
	Keys    types.List   `tfsdk:"keys"`
}

func (r *dotNetStrongCryptoResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_dotnet_strong_crypto"
}

func (r *dotNetStrongCryptoResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Makes .NET Framework applications use strong cryptography and the TLS versions the operating system has on " +
			"(TLS 1.2 and later), as Microsoft's *Transport Layer Security (TLS) best practices with the .NET Framework* describe: " +
			"the DWORDs `SchUseStrongCrypto` and `SystemDefaultTlsVersions` under " +
			"`HKLM\\SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319` and `HKLM\\SOFTWARE\\WOW6432Node\\Microsoft\\.NETFramework\\v4.0.30319` " +
			"(what 32-bit applications, such as services under Program Files (x86), read), and the same under `v2.0.50727` where " +
			".NET 3.5 is installed. One per host.\n\n" +
			"**A running application reads them when it starts: restart its service** (put this resource's `id` and `enabled` into a " +
			"`windows_service_restart`'s `triggers`). A value changed or removed outside Terraform shows as a change to `enabled`. " +
			"Destroy puts back the values found before Terraform wrote them (or their absence). " +
			"Import with `dotnet_strong_crypto`: the values found then are what destroy restores.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true,
				MarkdownDescription: "Always `dotnet_strong_crypto`.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"enabled": schema.BoolAttribute{Required: true,
				MarkdownDescription: "`true` sets both values to 1 in every key present; `false` sets them to 0 (the Framework's legacy defaults). " +
					"Read back as `null` when the keys disagree or lack a value, which plans an update; importing such keys fails, saying to declare the resource instead " +
					"(an absent value is not 0: each application's target framework decides)."},
			"keys": schema.ListAttribute{Computed: true, ElementType: types.StringType,
				MarkdownDescription: "The registry keys written: those of the four that exist on the host."},
		},
	}
}

func (r *dotNetStrongCryptoResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.host = hostFromProviderData(req.ProviderData, &resp.Diagnostics)
}

// presentKeys returns the keys that exist, failing when .NET Framework 4's
// 64-bit key is missing (the Framework is not installed).
func presentKeys(keys []windows.DotNetCryptoKey, diags *diag.Diagnostics) []windows.DotNetCryptoKey {
	var out []windows.DotNetCryptoKey
	for _, k := range keys {
		if k.Exists {
			out = append(out, k)
		}
	}
	if len(keys) > 0 && !keys[0].Exists {
		diags.AddError(".NET Framework 4 is not installed",
			keys[0].Path+" does not exist on the host, so there is no .NET Framework 4 to configure. Install .NET Framework 4.8, or remove this resource.")
	}
	return out
}

// writeKeys sets both values in each key to 1 (enabled) or 0.
func (r *dotNetStrongCryptoResource) writeKeys(ctx context.Context, keys []windows.DotNetCryptoKey, enabled bool, diags *diag.Diagnostics) types.List {
	v := uint32(0)
	if enabled {
		v = 1
	}
	var set []windows.DotNetCryptoKey
	var paths []string
	for _, k := range keys {
		set = append(set, windows.DotNetCryptoKey{Path: k.Path, SchUseStrongCrypto: &v, SystemDefaultTLSVersions: &v})
		paths = append(paths, k.Path)
	}
	if _, err := r.host.TLSSettings().SetDotNetCrypto(ctx, set); err != nil {
		addHostError(diags, "Cannot write the .NET Framework TLS settings", err)
		return types.ListNull(types.StringType)
	}
	list, d := types.ListValueFrom(ctx, types.StringType, paths)
	diags.Append(d...)
	return list
}

// recordOriginals adds to the private state the values of keys not yet in
// it: all of them at create, a Framework installed since at update.
func recordOriginals(ctx context.Context, private privateData, keys []windows.DotNetCryptoKey, diags *diag.Diagnostics) {
	originals, d := loadDotNetCryptoOriginals(ctx, private)
	diags.Append(d...)
	for _, k := range keys {
		if !hasKey(originals, k.Path) {
			originals = append(originals, k)
		}
	}
	diags.Append(setPrivateJSON(ctx, private, dotNetCryptoOriginalKey, dotNetCryptoOriginalWhat, originals)...)
}

func hasKey(keys []windows.DotNetCryptoKey, path string) bool {
	for _, k := range keys {
		if strings.EqualFold(k.Path, path) {
			return true
		}
	}
	return false
}

// keyExists reports whether the key at path is among keys and exists.
func keyExists(keys []windows.DotNetCryptoKey, path string) bool {
	for _, k := range keys {
		if k.Exists && strings.EqualFold(k.Path, path) {
			return true
		}
	}
	return false
}

// dotNetCryptoOriginalWhat names the original values in errors.
const dotNetCryptoOriginalWhat = "the original .NET Framework TLS settings"

func loadDotNetCryptoOriginals(ctx context.Context, private privateData) ([]windows.DotNetCryptoKey, diag.Diagnostics) {
	var originals []windows.DotNetCryptoKey
	diags := getPrivateJSON(ctx, private, dotNetCryptoOriginalKey, dotNetCryptoOriginalWhat, &originals)
	return originals, diags
}

func (r *dotNetStrongCryptoResource) apply(ctx context.Context, plan dotNetStrongCryptoModel, private privateData, diags *diag.Diagnostics) dotNetStrongCryptoModel {
	current, err := r.host.TLSSettings().DotNetCrypto(ctx)
	if err != nil {
		addHostError(diags, "Cannot read the .NET Framework TLS settings", err)
		return plan
	}
	present := presentKeys(current, diags)
	if diags.HasError() {
		return plan
	}
	recordOriginals(ctx, private, present, diags)
	if diags.HasError() {
		return plan
	}
	plan.ID = types.StringValue(dotNetStrongCryptoID)
	plan.Keys = r.writeKeys(ctx, present, plan.Enabled.ValueBool(), diags)
	return plan
}

func (r *dotNetStrongCryptoResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	plan, ok := loadForHost[dotNetStrongCryptoModel](ctx, req.Plan, r.host, &resp.Diagnostics)
	if !ok {
		return
	}
	plan = r.apply(ctx, plan, resp.Private, &resp.Diagnostics)
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	}
}

func (r *dotNetStrongCryptoResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	plan, ok := loadForHost[dotNetStrongCryptoModel](ctx, req.Plan, r.host, &resp.Diagnostics)
	if !ok {
		return
	}
	plan = r.apply(ctx, plan, resp.Private, &resp.Diagnostics)
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	}
}

// dotNetCryptoEnabled reads the keys present as enabled: true when every
// value is 1, false when every value is 0, else null (mixed or missing).
func dotNetCryptoEnabled(keys []windows.DotNetCryptoKey) types.Bool {
	ones, zeros, n := 0, 0, 0
	for _, k := range keys {
		for _, v := range []*uint32{k.SchUseStrongCrypto, k.SystemDefaultTLSVersions} {
			n++
			switch {
			case v == nil:
			case *v == 1:
				ones++
			case *v == 0:
				zeros++
			}
		}
	}
	switch {
	case n > 0 && ones == n:
		return types.BoolValue(true)
	case n > 0 && zeros == n:
		return types.BoolValue(false)
	}
	return types.BoolNull()
}

func (r *dotNetStrongCryptoResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	state, ok := loadForHost[dotNetStrongCryptoModel](ctx, req.State, r.host, &resp.Diagnostics)
	if !ok {
		return
	}
	current, err := r.host.TLSSettings().DotNetCrypto(ctx)
	if err != nil {
		addHostError(&resp.Diagnostics, "Cannot read the .NET Framework TLS settings", err)
		return
	}
	present := presentKeys(current, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	enabled := dotNetCryptoEnabled(present)
	if saved, diags := req.Private.GetKey(ctx, dotNetCryptoOriginalKey); !diags.HasError() && len(saved) == 0 {
		if enabled.IsNull() {
			addNotImportable(&resp.Diagnostics, present)
			return
		}
		recordOriginals(ctx, resp.Private, present, &resp.Diagnostics) // imported: now is the original
	}
	paths := make([]string, 0, len(present))
	for _, k := range present {
		paths = append(paths, k.Path)
	}
	keys, diags := types.ListValueFrom(ctx, types.StringType, paths)
	resp.Diagnostics.Append(diags...)
	state.ID, state.Enabled, state.Keys = types.StringValue(dotNetStrongCryptoID), enabled, keys
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// addNotImportable refuses an import the resource cannot describe: values
// absent or disagreeing. enabled has no honest value then (a null one is
// not a valid configuration): an absent value is not 0, each application's
// target framework decides (ServicePointManager reads SchUseStrongCrypto
// with default 1 for apps targeting 4.6 and later, 0 before; .NET Framework
// reference source, System/Net/ServicePointManager.cs, and "TLS best
// practices with the .NET Framework", learn.microsoft.com).
func addNotImportable(diags *diag.Diagnostics, keys []windows.DotNetCryptoKey) {
	var values []string
	for _, k := range keys {
		values = append(values, fmt.Sprintf("%s: SchUseStrongCrypto %s, SystemDefaultTlsVersions %s",
			k.Path, dwordOrAbsent(k.SchUseStrongCrypto), dwordOrAbsent(k.SystemDefaultTLSVersions)))
	}
	diags.AddError("Nothing to import: the .NET Framework TLS settings are not set alike",
		"Import describes the host only when SchUseStrongCrypto and SystemDefaultTlsVersions are 1 in every key (enabled = true) "+
			"or 0 in every key (enabled = false). The host has\n  "+strings.Join(values, "\n  ")+
			"\nwhere an absent value leaves each application's target framework to decide. "+
			"Instead of importing, declare windows_dotnet_strong_crypto with the enabled you want and apply: destroy then puts these values back.")
}

func dwordOrAbsent(v *uint32) string {
	if v == nil {
		return "absent"
	}
	return fmt.Sprint(*v)
}

// Delete puts back the values found before Terraform wrote them, in the
// keys that still exist.
func (r *dotNetStrongCryptoResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	if !ensureHost(r.host, &resp.Diagnostics) {
		return
	}
	originals, diags := loadDotNetCryptoOriginals(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	current, err := r.host.TLSSettings().DotNetCrypto(ctx)
	if err != nil || resp.Diagnostics.HasError() {
		if err != nil {
			addHostError(&resp.Diagnostics, "Cannot read the .NET Framework TLS settings", err)
		}
		return
	}
	var restore []windows.DotNetCryptoKey
	for _, k := range originals {
		if keyExists(current, k.Path) {
			restore = append(restore, windows.DotNetCryptoKey{Path: k.Path, SchUseStrongCrypto: k.SchUseStrongCrypto, SystemDefaultTLSVersions: k.SystemDefaultTLSVersions})
		}
	}
	if _, err := r.host.TLSSettings().SetDotNetCrypto(ctx, restore); err != nil {
		addHostError(&resp.Diagnostics, "Cannot restore the .NET Framework TLS settings", err)
	}
}

// ImportState takes "dotnet_strong_crypto".
func (r *dotNetStrongCryptoResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if req.ID != dotNetStrongCryptoID {
		resp.Diagnostics.AddError("Invalid import ID",
			fmt.Sprintf("Import the .NET Framework TLS settings as %q (one per host); got %q.", dotNetStrongCryptoID, req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
}
