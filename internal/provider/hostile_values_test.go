package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// hostileValues are strings that broke naive quoting in other Windows
// tools: every kind of quote PowerShell honours, command substitution,
// backticks, line breaks, NUL, and a 10 KB paste.
var hostileValues = map[string]string{
	"apostrophe":             "a'b",
	"double quote":           `a"b`,
	"left single quote":      "a\u2018b",
	"right single quote":     "a\u2019b",
	"low single quote":       "a\u201ab",
	"reversed single quote":  "a\u201bb",
	"left double quote":      "a\u201cb",
	"right double quote":     "a\u201db",
	"command substitution":   "$(Remove-Item C:\\ -Recurse)",
	"variable":               "$env:COMPUTERNAME",
	"backtick":               "a`nb",
	"newline":                "a\nb",
	"carriage return":        "a\rb",
	"NUL":                    "a\x00b",
	"statement separator":    "a; whoami",
	"HCL interpolation":      "${path.module}",
	"10 KB":                  strings.Repeat("A", 10240),
	"left-to-right mark":     "\u200e",
	"zero-width no-break sp": "\ufeff",
}

// attributeChecks are the plan-time checks of the HTTP.sys attributes. For
// each, accepted says which hostile values are legal for the attribute and
// therefore travel to the host as data (proven byte-exact by the
// acceptance tests); all others must be rejected.
var attributeChecks = []struct {
	attribute string
	check     func(string) error
	accepted  []string
}{
	{attribute: "url", check: checkURLPrefix},
	{attribute: "user", check: checkAccountName, accepted: []string{
		"apostrophe", "left single quote", "right single quote", "low single quote", "reversed single quote",
		"left double quote", "right double quote", "backtick", "HCL interpolation",
	}},
	{attribute: "sddl", check: checkURLACLSDDL},
	{attribute: "ipport", check: ipportNormalizer.check},
	{attribute: "hostnameport", check: hostnamePortNormalizer.check},
	{attribute: "certificate_hash", check: thumbprintNormalizer.check},
	{attribute: "app_id", check: guidNormalizer.check},
	{attribute: "certificate_store_name", check: storeNameNormalizer.check},
	{attribute: "ctl_store_name", check: ctlStoreNameNormalizer.check},
	{attribute: "ctl_identifier", check: checkCTLIdentifier, accepted: []string{
		"apostrophe", "double quote", "left single quote", "right single quote", "low single quote",
		"reversed single quote", "left double quote", "right double quote", "command substitution",
		"variable", "backtick", "statement separator", "HCL interpolation",
	}},
	// An app setting's key and value are free text: all that XML 1.0 can
	// hold travels as data.
	{attribute: "key (app setting)", check: checkXMLText, accepted: hostileValuesBut("NUL")},
	{attribute: "value (app setting)", check: checkXMLText, accepted: hostileValuesBut("NUL")},
}

// hostileValuesBut names every hostile value but the given ones.
func hostileValuesBut(refused ...string) []string {
	var names []string
	for name := range hostileValues {
		if !slices.Contains(refused, name) {
			names = append(names, name)
		}
	}
	return names
}

// TestCheckXMLText: what XML 1.0 cannot hold (and U+007F, which it
// discourages) is refused, saying which character and where; what it can
// hold, including what breaks naive XML writers, is accepted.
func TestCheckXMLText(t *testing.T) {
	for _, r := range []rune{0x00, 0x01, 0x08, 0x0B, 0x0C, 0x0E, 0x1F, 0x7F, 0xFFFE, 0xFFFF} {
		err := checkXMLText("ab" + string(r))
		if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("U+%04X at position 3", r)) {
			t.Errorf("U+%04X: %v", r, err)
		}
	}
	for _, s := range []string{"", `"'<>&`, "]]>", "\t\r\n", "\U0001F3E2", "\u0080\u009f", "\ufffd\ufeff", "##tfwin-envelope## x", "Büro"} {
		if err := checkXMLText(s); err != nil {
			t.Errorf("%q refused: %v", s, err)
		}
	}
}

func TestHostileValuesAreRejectedOrData(t *testing.T) {
	for _, ac := range attributeChecks {
		accepted := map[string]bool{}
		for _, name := range ac.accepted {
			accepted[name] = true
		}
		for name, value := range hostileValues {
			t.Run(ac.attribute+"/"+name, func(t *testing.T) {
				err := ac.check(value)
				if accepted[name] {
					if err != nil {
						t.Fatalf("legal value rejected: %v", err)
					}
					return
				}
				if err == nil {
					t.Fatalf("%s accepted %q", ac.attribute, value)
				}
				if len(err.Error()) > 1000 {
					t.Fatalf("error repeats the input (%d bytes)", len(err.Error()))
				}
			})
		}
	}
}

func TestStringCheckNamesTheAttribute(t *testing.T) {
	v := thumbprintNormalizer.validator("a certificate thumbprint")
	tests := []struct {
		name    string
		value   types.String
		wantErr bool
	}{
		{"invalid", types.StringValue("$(x)"), true},
		{"valid", types.StringValue(sampleThumbprint), false},
		{"null is left to Required", types.StringNull(), false},
		{"unknown is checked at apply", types.StringUnknown(), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var resp validator.StringResponse
			v.ValidateString(context.Background(), validator.StringRequest{Path: path.Root("certificate_hash"), ConfigValue: tt.value}, &resp)
			if resp.Diagnostics.HasError() != tt.wantErr {
				t.Fatalf("diagnostics %v, want error %v", resp.Diagnostics, tt.wantErr)
			}
			if !tt.wantErr {
				return
			}
			d := resp.Diagnostics[0]
			if !strings.Contains(d.Summary(), "certificate_hash") || !strings.HasPrefix(d.Detail(), "certificate_hash: ") {
				t.Fatalf("diagnostic does not name the attribute: %q / %q", d.Summary(), d.Detail())
			}
		})
	}
}

func TestShellQuote(t *testing.T) {
	tests := map[string]string{
		"https://+:4207/":            "https://+:4207/",
		"0.0.0.0:4106":               "0.0.0.0:4106",
		"hostnameport=a.example:443": "hostnameport=a.example:443",
		"http://+:80/a'b$(x)/":       `'http://+:80/a'\''b$(x)/'`,
		"":                           "''",
	}
	for in, want := range tests {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}
