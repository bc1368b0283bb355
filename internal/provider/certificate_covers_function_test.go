package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// TestCertificateCoversFunction: the names a module's fqdn is checked
// against at plan, as a TLS client on Windows matches them.
func TestCertificateCoversFunction(t *testing.T) {
	tests := []struct {
		name     string
		dnsNames []string
		subject  string
		fqdn     string
		want     bool
	}{
		{"exact name", []string{"sage300.example.local"}, "CN=x", "sage300.example.local", true},
		{"any of the names, in any order", []string{"other.example.local", "sage300.example.local"}, "", "sage300.example.local", true},
		{"case and a trailing dot", []string{"Sage300.Example.Local"}, "", "SAGE300.example.local.", true},
		{"another name", []string{"sage50.example.local"}, "", "sage300.example.local", false},
		{"wildcard covers one label", []string{"*.example.local"}, "", "sage300.example.local", true},
		{"wildcard covers no deeper name", []string{"*.example.local"}, "", "a.b.example.local", false},
		{"wildcard covers not the domain itself", []string{"*.example.local"}, "", "example.local", false},
		{"wildcard only as the whole label", []string{"sage*.example.local"}, "", "sage300.example.local", false},
		{"CN when there are no DNS names", nil, "CN=sage300.example.local, O=Example", "sage300.example.local", true},
		{"CN ignored when there are DNS names", []string{"other.example.local"}, "CN=sage300.example.local", "sage300.example.local", false},
		{"CN-only wildcard", nil, "CN=*.example.local", "sage300.example.local", true},
		{"no names at all", nil, "O=Example", "sage300.example.local", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			names := make([]attr.Value, 0, len(tt.dnsNames))
			for _, n := range tt.dnsNames {
				names = append(names, types.StringValue(n))
			}
			list := types.ListValueMust(types.StringType, names)
			req := function.RunRequest{Arguments: function.NewArgumentsData([]attr.Value{list, types.StringValue(tt.subject), types.StringValue(tt.fqdn)})}
			resp := function.RunResponse{Result: function.NewResultData(types.BoolUnknown())}
			certificateCoversFunction{}.Run(context.Background(), req, &resp)
			if resp.Error != nil {
				t.Fatal(resp.Error)
			}
			if got := resp.Result.Value().(types.Bool).ValueBool(); got != tt.want {
				t.Errorf("certificate_covers(%q, %q, %q) = %v, want %v", tt.dnsNames, tt.subject, tt.fqdn, got, tt.want)
			}
		})
	}
}
