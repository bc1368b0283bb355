package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// TestBindingSpellingWarnings runs the validators of the binding's schema,
// as terraform plan does, on values as people write them: a valid value not
// in the host's form warns (and does not fail), saying what the host gets
// and how to write it.
func TestBindingSpellingWarnings(t *testing.T) {
	const guid = "{4d159978-4574-4dd5-b3ff-6f7fc8c20344}"
	mmcCopy := "\u200e01 23 45 67 89 ab cd ef 01 23 45 67 89 ab cd ef 01 23 45 67"
	thumbprintAdvice := `the host receives ` + sampleThumbprint + `; the plan and state keep the value as written; write it as "` +
		sampleThumbprint + `" or wrap it in provider::windows::normalize_thumbprint().`
	guidAdvice := `the host receives ` + guid + `; the plan and state keep the value as written; write it as "` + guid + `".`
	tests := []struct {
		name, attribute, value string
		wantWarning            string // "" for none
		wantError              bool
	}{
		{"thumbprint from the MMC", "certificate_hash", mmcCopy, thumbprintAdvice, false},
		{"lower-case thumbprint", "certificate_hash", strings.ToLower(sampleThumbprint), thumbprintAdvice, false},
		{"canonical thumbprint", "certificate_hash", sampleThumbprint, "", false},
		{"invalid thumbprint errs without warning", "certificate_hash", sampleThumbprint[:39], "", true},
		{"app id without braces", "app_id", strings.Trim(guid, "{}"), guidAdvice, false},
		{"upper-case app id", "app_id", strings.ToUpper(guid), guidAdvice, false},
		{"canonical app id", "app_id", guid, "", false},
		{"invalid app id errs without warning", "app_id", "sage", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			diags := runStringValidators(t, tt.attribute, tt.value)
			if diags.HasError() != tt.wantError {
				t.Fatalf("errors = %v, want error %t", diags.Errors(), tt.wantError)
			}
			warnings := diags.Warnings()
			if tt.wantWarning == "" {
				if len(warnings) != 0 {
					t.Fatalf("warnings = %v, want none", warnings)
				}
				return
			}
			if len(warnings) != 1 {
				t.Fatalf("warnings = %v, want one", warnings)
			}
			w, ok := warnings[0].(diag.DiagnosticWithPath)
			if !ok || !w.Path().Equal(path.Root(tt.attribute)) {
				t.Errorf("warning is not on %s: %v", tt.attribute, warnings[0])
			}
			if !strings.HasSuffix(w.Detail(), tt.wantWarning) {
				t.Errorf("warning detail\n%s\nwant it to end with\n%s", w.Detail(), tt.wantWarning)
			}
		})
	}
}

// runStringValidators runs every validator of the binding's attribute on
// value and returns the diagnostics.
func runStringValidators(t *testing.T, attribute, value string) diag.Diagnostics {
	t.Helper()
	attr, ok := sslCertBindingAttributes()[attribute].(schema.StringAttribute)
	if !ok {
		t.Fatalf("%s is not a string attribute", attribute)
	}
	req := validator.StringRequest{Path: path.Root(attribute), ConfigValue: types.StringValue(value)}
	var diags diag.Diagnostics
	for _, v := range attr.Validators {
		resp := &validator.StringResponse{}
		v.ValidateString(context.Background(), req, resp)
		diags.Append(resp.Diagnostics...)
	}
	return diags
}
