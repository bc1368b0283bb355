package attribute_validator

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// PEMCertificate returns a validator that accepts text holding at least one
// PEM certificate, every CERTIFICATE block of which parses.
func PEMCertificate() validator.String { return pemCertificateValidator{} }

type pemCertificateValidator struct{}

func (pemCertificateValidator) Description(context.Context) string {
	return "PEM text holding at least one X.509 certificate"
}

func (v pemCertificateValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (pemCertificateValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := checkPEMCertificate(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid certificate", fmt.Sprintf("%s %v", req.Path, err))
	}
}

func checkPEMCertificate(s string) error {
	found := false
	rest := []byte(s)
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		if _, err := x509.ParseCertificate(block.Bytes); err != nil {
			return fmt.Errorf("holds a CERTIFICATE block that does not parse: %v", err)
		}
		found = true
	}
	if !found {
		return fmt.Errorf("holds no PEM certificate (expected -----BEGIN CERTIFICATE-----)")
	}
	return nil
}
