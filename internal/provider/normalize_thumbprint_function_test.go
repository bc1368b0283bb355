package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestNormalizeThumbprintFunction(t *testing.T) {
	const want = "0123456789ABCDEF0123456789ABCDEF01234567"
	tests := []struct {
		name, in string
		wantErr  []string // fragments of the function error
	}{
		{name: "MMC copy with U+200E and spaces", in: "\u200e01 23 45 67 89 ab cd ef 01 23 45 67 89 ab cd ef 01 23 45 67"},
		{name: "lower case", in: strings.ToLower(want)},
		{name: "zero-width space and RTL mark", in: "\u200f0123456789ABCDEF\u200b0123456789ABCDEF01234567"},
		{name: "39 digits", in: want[:39], wantErr: []string{"39 hexadecimal digits", "40"}},
		{name: "41 digits", in: want + "8", wantErr: []string{"41 hexadecimal digits"}},
		{name: "not hex", in: "Z123456789ABCDEF0123456789ABCDEF01234567", wantErr: []string{`'Z'`, "not a hexadecimal digit"}},
		{name: "PowerShell subexpression", in: "$(Remove-Item C:\\ -Recurse)", wantErr: []string{`'$'`}},
		{name: "quote injection", in: want[:20] + "'; netsh http delete sslcert ipport=0.0.0.0:443; '", wantErr: []string{`'\''`}},
		{name: "long paste is cut in the message", in: strings.Repeat("A", 10000), wantErr: []string{"10000 hexadecimal digits", "(10000 characters)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := runNormalizeThumbprint(t, tt.in)
			if tt.wantErr == nil {
				if err != nil || got != want {
					t.Fatalf("normalize_thumbprint = %q, %v; want %q", got, err, want)
				}
				return
			}
			if err == nil {
				t.Fatalf("normalize_thumbprint(%q) = %q, want an error", tt.in, got)
			}
			if err.FunctionArgument == nil || *err.FunctionArgument != 0 {
				t.Errorf("error not attached to the argument: %+v", err)
			}
			for _, fragment := range tt.wantErr {
				if !strings.Contains(err.Text, fragment) {
					t.Errorf("error %q lacks %q", err.Text, fragment)
				}
			}
			if len(err.Text) > 400 {
				t.Errorf("error repeats too much of the input: %d bytes", len(err.Text))
			}
		})
	}
}

func runNormalizeThumbprint(t *testing.T, in string) (string, *function.FuncError) {
	t.Helper()
	req := function.RunRequest{Arguments: function.NewArgumentsData([]attr.Value{types.StringValue(in)})}
	resp := function.RunResponse{Result: function.NewResultData(types.StringUnknown())}
	normalizeThumbprintFunction{}.Run(context.Background(), req, &resp)
	if resp.Error != nil {
		return "", resp.Error
	}
	got, ok := resp.Result.Value().(types.String)
	if !ok {
		t.Fatalf("result is %T", resp.Result.Value())
	}
	return got.ValueString(), nil
}
