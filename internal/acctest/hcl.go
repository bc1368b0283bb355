package acctest

import (
	"encoding/json"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/provider/valuetext"
)

// HCLString quotes s as an HCL string literal that evaluates to s exactly
// (valuetext.HCLString).
var HCLString = valuetext.HCLString

// JSONString quotes s as a JSON string, for scenario documents.
func JSONString(s string) string {
	data, _ := json.Marshal(s)
	return string(data)
}
