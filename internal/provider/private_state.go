package provider

import (
	"context"
	"encoding/json"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// privateData is a resource's private state: what requests carry and
// responses set as Private (privatestate.ProviderData, internal to the
// framework).
type privateData interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// setPrivateJSON stores v as JSON under key; what names v in the error.
func setPrivateJSON(ctx context.Context, private privateData, key, what string, v any) diag.Diagnostics {
	raw, err := json.Marshal(v)
	if err != nil {
		var diags diag.Diagnostics
		diags.AddError("Cannot record "+what, err.Error())
		return diags
	}
	return private.SetKey(ctx, key, raw)
}

// getPrivateJSON reads the JSON stored under key into v, leaving v as it is
// when nothing is stored; what names v in the error.
func getPrivateJSON(ctx context.Context, private privateData, key, what string, v any) diag.Diagnostics {
	raw, diags := private.GetKey(ctx, key)
	if diags.HasError() || len(raw) == 0 {
		return diags
	}
	if err := json.Unmarshal(raw, v); err != nil {
		diags.AddError("Cannot read "+what+" from the state", err.Error())
	}
	return diags
}
