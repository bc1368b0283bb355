package acctest

import (
	"encoding/json"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/provider"
)

// HCLString quotes s as an HCL string literal that evaluates to s exactly
// (provider.HCLString).
var HCLString = provider.HCLString

// JSONString quotes s as a JSON string, for scenario documents.
func JSONString(s string) string {
	data, _ := json.Marshal(s)
	return string(data)
}
