package provider

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// decodeBase64 decodes standard base64, ignoring line breaks and other white
// space that pasted or wrapped base64 carries. Errors never repeat the input.
func decodeBase64(s string) ([]byte, error) {
	clean := strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
	b, err := base64.StdEncoding.DecodeString(clean)
	if err != nil {
		var corrupt base64.CorruptInputError
		if errors.As(err, &corrupt) {
			return nil, fmt.Errorf("invalid base64 at character %d (white space removed)", int64(corrupt))
		}
		return nil, errors.New("invalid base64")
	}
	return b, nil
}

// base64Validator accepts standard base64 (white space allowed). Its error
// never repeats the value, which is a secret.
type base64Validator struct{}

func (base64Validator) Description(context.Context) string {
	return "standard base64, such as filebase64(\"host.pfx\") returns"
}

func (v base64Validator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v base64Validator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := decodeBase64(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid base64",
			fmt.Sprintf("The value is not %s: %v.", v.Description(ctx), err))
	}
}
