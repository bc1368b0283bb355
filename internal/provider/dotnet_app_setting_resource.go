package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/provider/attribute_validator"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/provider/valuetext"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/windows"
)

func init() { resources = append(resources, newDotNetAppSettingResource) }

// appSettingIDSeparator joins path and key in the import ID: "|" cannot
// occur in a Windows path ("Naming Files, Paths, and Namespaces").
const appSettingIDSeparator = "|"

// dotNetAppSettingResource is windows_dotnet_app_setting: one appSettings
// entry of a .NET *.exe.config, what the procedures edit in Notepad ("For the
// ServiceUri key, enter the URI"). Destroy puts back what was there before.
type dotNetAppSettingResource struct{ host *windows.Host }

func newDotNetAppSettingResource() resource.Resource { return &dotNetAppSettingResource{} }

var (
	_ resource.ResourceWithConfigure   = (*dotNetAppSettingResource)(nil)
	_ resource.ResourceWithImportState = (*dotNetAppSettingResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*dotNetAppSettingResource)(nil)
)

type dotNetAppSettingModel struct {
	ID              types.String `tfsdk:"id"`
	ConfigPath      types.String `tfsdk:"config_path"`
	Key             types.String `tfsdk:"key"`
	Value           types.String `tfsdk:"value"`
	OriginalValue   types.String `tfsdk:"original_value"`
	OriginalExisted types.Bool   `tfsdk:"original_existed"`
	RequireExisting types.Bool   `tfsdk:"require_existing"`
}

func (r *dotNetAppSettingResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_dotnet_app_setting"
}

func (r *dotNetAppSettingResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "One `appSettings` entry (`<add key=\"...\" value=\"...\" />`) of a .NET application configuration file " +
			"such as `Sage300IntegrationService.exe.config`. The file keeps its layout, comments, encoding and BOM; " +
			"it is replaced atomically and the previous content kept as `<file>.tfbak`. A key the file lacks is created. " +
			"Destroy restores the value found at creation (or removes the entry if there was none). " +
			"Restart the service (windows_service_restart) for the change to take effect.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true,
				Description:   "`config_path|key`.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"config_path": schema.StringAttribute{Required: true,
				Description:   "Absolute path of the configuration file on the host, such as `C:\\Program Files (x86)\\Sage 300 Connector Agent\\Sage300IntegrationService.exe.config`. Changing it replaces the resource.",
				Validators:    []validator.String{attribute_validator.Check("an absolute Windows path", checkAbsoluteWindowsPath)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}},
			"key": schema.StringAttribute{Required: true,
				Description: "The appSettings key, such as `ServiceUri` or `HttpsServiceUri` (compared case-insensitively, as .NET does). Changing it replaces the resource.",
				Validators: []validator.String{
					attribute_validator.Check("a non-empty key", checkNonEmpty),
					attribute_validator.Check("text an XML file can hold", checkXMLText),
				},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}},
			"value": schema.StringAttribute{Required: true,
				Description: "The value to set, such as `https://sage300.example.local:4207`.",
				Validators:  []validator.String{attribute_validator.Check("text an XML file can hold", checkXMLText)}},
			"original_value": schema.StringAttribute{Computed: true,
				Description:   "The value before Terraform set it (`null` if the entry did not exist); destroy restores it. After import, the value at import time.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"require_existing": schema.BoolAttribute{Optional: true,
				Description: "Set to `true` for a key the application is documented to have, such as the Sage connectors' `ServiceUri` " +
					"and `HttpsServiceUri`: if the file has no such entry, the plan fails, naming the keys the file has, and nothing " +
					"is written. Without it a missing key is added, which the application ignores if it reads another name " +
					"(another version, a typo). Only the keys are named, never their values.",
			},
			"original_existed": schema.BoolAttribute{Computed: true,
				Description:   "Whether the entry existed before Terraform set it; if not, destroy removes it.",
				PlanModifiers: []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()}},
		},
	}
}

// checkAbsoluteWindowsPath accepts drive-absolute and UNC paths.
func checkAbsoluteWindowsPath(s string) error {
	if len(s) >= 3 && s[1] == ':' && (s[2] == '\\' || s[2] == '/') || strings.HasPrefix(s, `\\`) {
		if strings.Contains(s, appSettingIDSeparator) {
			return errors.New(`a Windows path cannot contain "|"`)
		}
		return nil
	}
	return errors.New(`must be an absolute path such as C:\Program Files\App\App.exe.config`)
}

// checkXMLText refuses what a .config file cannot hold: NUL and the C0
// control characters but TAB, CR and LF, and U+FFFE/U+FFFF, which are not
// XML 1.0 characters (XML 1.0, 2.2 Characters, production [2] Char): written
// raw they leave a file no XML reader loads, the application's included.
// U+007F is a legal XML character but a control character XML 1.0
// discourages (the note in 2.2); nothing in a .config needs it and editors
// hide it, so it is refused too. The host refuses the same (87).
func checkXMLText(s string) error {
	pos := 0
	for _, r := range s {
		pos++
		if (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0x7F || r == 0xFFFE || r == 0xFFFF {
			return fmt.Errorf("character U+%04X at position %d cannot be stored in an XML configuration file (XML 1.0 cannot hold it); remove it", r, pos)
		}
	}
	return nil
}

func checkNonEmpty(s string) error {
	if s == "" {
		return errors.New("must not be empty")
	}
	return nil
}

func (r *dotNetAppSettingResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.host = hostFromProviderData(req.ProviderData, &resp.Diagnostics)
}

func appSettingID(m dotNetAppSettingModel) types.String {
	return types.StringValue(m.ConfigPath.ValueString() + appSettingIDSeparator + m.Key.ValueString())
}

func (r *dotNetAppSettingResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	plan, ok := loadForHost[dotNetAppSettingModel](ctx, req.Plan, r.host, &resp.Diagnostics)
	if !ok {
		return
	}
	var expect *windows.Expect
	if plan.RequireExisting.ValueBool() {
		// The plan found the entry (or could not look: a host not known
		// then); it must still be there, with the value read now.
		current := checkRequiredKey(ctx, r.host, plan.ConfigPath.ValueString(), plan.Key.ValueString(), &resp.Diagnostics)
		if current == nil {
			return
		}
		// An entry without a value attribute reads as "" to .NET, and
		// to the host's check.
		value := ""
		if current.Value != nil {
			value = *current.Value
		}
		expect = &windows.Expect{Value: &value}
	}
	change, err := r.host.AppConfig().Set(ctx, plan.ConfigPath.ValueString(), plan.Key.ValueString(), plan.Value.ValueString(), expect)
	if err != nil {
		addAppSettingError(&resp.Diagnostics, "Cannot set "+plan.Key.ValueString(), plan.ConfigPath.ValueString(), err)
		return
	}
	plan.ID = appSettingID(plan)
	plan.OriginalValue = types.StringPointerValue(change.PreviousValue)
	plan.OriginalExisted = types.BoolValue(change.Existed)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(recordWritten(ctx, resp.Private, plan.Value.ValueString())...)
}

// appSettingWrittenKey is the private state key of the value the resource
// last wrote: destroy restores the original only while the entry still
// holds it.
const appSettingWrittenKey = "app_setting_written"

func recordWritten(ctx context.Context, private privateData, value string) diag.Diagnostics {
	return setPrivateJSON(ctx, private, appSettingWrittenKey, "the value written", value)
}

// lastWritten returns the value the resource last wrote, or nil if it has
// not recorded one (imported, or created by an earlier version).
func lastWritten(ctx context.Context, private privateData, diags *diag.Diagnostics) *string {
	raw, d := private.GetKey(ctx, appSettingWrittenKey)
	diags.Append(d...)
	var v string
	if len(raw) == 0 || json.Unmarshal(raw, &v) != nil {
		return nil
	}
	return &v
}

func (r *dotNetAppSettingResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	state, ok := loadForHost[dotNetAppSettingModel](ctx, req.State, r.host, &resp.Diagnostics)
	if !ok {
		return
	}
	setting, err := r.host.AppConfig().Get(ctx, state.ConfigPath.ValueString(), state.Key.ValueString())
	if windows.IsNotFound(err) {
		resp.State.RemoveResource(ctx) // the file is gone (application uninstalled): plan a create
		return
	}
	if err != nil {
		addAppSettingError(&resp.Diagnostics, "Cannot read "+state.Key.ValueString(), state.ConfigPath.ValueString(), err)
		return
	}
	// A removed entry reads as null, so the plan sets it again.
	state.Value = types.StringPointerValue(setting.Value)
	if state.OriginalExisted.IsNull() { // imported: what is there now is the original
		state.OriginalValue, state.OriginalExisted = state.Value, types.BoolValue(setting.Exists)
	}
	state.ID = appSettingID(state)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update sets the new value if the entry is still what the plan read:
// another change since (another resource on the key, a person) is reported
// rather than overwritten.
func (r *dotNetAppSettingResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	plan, ok := loadForHost[dotNetAppSettingModel](ctx, req.Plan, r.host, &resp.Diagnostics)
	if !ok {
		return
	}
	var prior dotNetAppSettingModel
	resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
	if resp.Diagnostics.HasError() {
		return
	}
	expect := &windows.Expect{Value: prior.Value.ValueStringPointer()}
	if _, err := r.host.AppConfig().Set(ctx, plan.ConfigPath.ValueString(), plan.Key.ValueString(), plan.Value.ValueString(), expect); err != nil {
		addAppSettingError(&resp.Diagnostics, "Cannot set "+plan.Key.ValueString(), plan.ConfigPath.ValueString(), err)
		return
	}
	plan.ID = appSettingID(plan)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(recordWritten(ctx, resp.Private, plan.Value.ValueString())...)
}

// Delete restores the original value, or removes the entry Terraform
// created, only while the entry holds the value this resource last wrote
// (for an imported resource: what the last refresh read). Anything else
// means another resource or a person changed it since, and restoring would
// silently overwrite that (two resources on one key, in two
// configurations, would lose the original): destroy fails and says so. A
// file that is gone has nothing to restore.
func (r *dotNetAppSettingResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	state, ok := loadForHost[dotNetAppSettingModel](ctx, req.State, r.host, &resp.Diagnostics)
	if !ok {
		return
	}
	api, file, key := r.host.AppConfig(), state.ConfigPath.ValueString(), state.Key.ValueString()
	expect := &windows.Expect{Value: state.Value.ValueStringPointer()}
	if written := lastWritten(ctx, req.Private, &resp.Diagnostics); written != nil {
		expect.Value = written
	}
	var err error
	if state.OriginalExisted.ValueBool() {
		_, err = api.Set(ctx, file, key, state.OriginalValue.ValueString(), expect)
	} else {
		err = api.Remove(ctx, file, key, expect)
	}
	if windows.ErrorCode(err) == windows.CodeRevisionMismatch {
		resp.Diagnostics.AddError("Original "+key+" not restored", hostErrorDetail(err)+
			"\n\nDestroy restores the original value only while the entry holds the value this resource set. "+
			"To restore it anyway, run terraform apply (which sets the configured value again), then destroy; "+
			"to leave the entry as it is now, remove the resource from the state (terraform state rm).")
		return
	}
	if err != nil && !windows.IsNotFound(err) {
		addAppSettingError(&resp.Diagnostics, "Cannot restore the original "+key, file, err)
	}
}

// ImportState takes "PATH|KEY"; Read then records the current value as the
// original, which destroy will restore.
func (r *dotNetAppSettingResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	file, key, ok := strings.Cut(req.ID, appSettingIDSeparator)
	if !ok || checkAbsoluteWindowsPath(file) != nil || key == "" {
		resp.Diagnostics.AddError("Invalid import ID",
			`Import an app setting as "PATH|KEY", such as "C:\Program Files (x86)\Sage 300 Connector Agent\Sage300IntegrationService.exe.config|ServiceUri".`)
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("config_path"), file)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("key"), key)...)
}

// addAppSettingError explains a failed read or write of a config file.
func addAppSettingError(diags *diag.Diagnostics, summary, file string, err error) {
	detail := hostErrorDetail(err)
	switch windows.ErrorCode(err) {
	case windows.CodeFileNotFound:
		detail += "\n\nThe file " + file + " does not exist on the host: check config_path and that the application is installed."
	case windows.CodeInvalidData:
		detail += "\n\nThe file is not a well-formed .NET configuration file (<configuration> root). Fix it, or restore it from " + file + ".tfbak if a backup is there."
	case windows.CodeNotSupported:
		detail += "\n\nThe application reads its appSettings from the file named above, not from " + file + ": manage the entry there."
	case windows.CodeRevisionMismatch:
		detail += "\n\nThe entry changed after Terraform read it, so nothing was written, to keep that change. " +
			"If another windows_dotnet_app_setting (here or in another configuration) manages the same key, keep only one. " +
			"Run terraform plan again to see the entry as it is now."
	}
	diags.AddError(summary, detail)
}

// checkRequiredKey reads the entry of a require_existing setting and
// returns it, or adds the error that says what the file has instead: a
// missing key is not added, because the application would not read it.
func checkRequiredKey(ctx context.Context, host *windows.Host, file, key string, diags *diag.Diagnostics) *windows.AppSetting {
	setting, err := host.AppConfig().Get(ctx, file, key)
	if err != nil {
		addAppSettingError(diags, "Cannot read "+key, file, err)
		return nil
	}
	if setting.Exists {
		return &setting
	}
	has := "The file has no appSettings entries."
	if len(setting.Keys) > 0 {
		quoted := make([]string, len(setting.Keys))
		for i, k := range setting.Keys {
			quoted[i] = valuetext.Quote(k)
		}
		has = "The file's appSettings keys are: " + strings.Join(quoted, ", ") + "."
	}
	diags.AddAttributeError(path.Root("key"), "Required app setting not in the file",
		"key: "+file+" has no appSettings entry "+valuetext.Quote(key)+" (keys compare case-insensitively), and require_existing "+
			"is set, so it is not added: the application would not read an entry under a name it does not use, and would "+
			"keep running as before. "+has+"\n\nSet key to the name this version of the application uses (see its "+
			"documentation, or the file on the host), or check config_path; set require_existing = false only if the "+
			"entry is documented to be added by hand.")
	return nil
}
