package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/provider/valuetext"
)

// storeFriendlyNames maps what the certificate MMC shows to the store names
// X509Store takes ("System Store Locations", learn.microsoft.com): users copy
// the MMC's words, and X509Store would create a new, unused store by that name.
var storeFriendlyNames = map[string]string{
	"personal":                                   "My",
	"trusted root certification authorities":     "Root",
	"intermediate certification authorities":     "CA",
	"third-party root certification authorities": "AuthRoot",
	"trusted publishers":                         "TrustedPublisher",
	"untrusted certificates":                     "Disallowed",
	"trusted people":                             "TrustedPeople",
	"web hosting":                                "WebHosting",
}

// certStoreNameValidator accepts a LocalMachine store name and points MMC
// display names to the real one.
type certStoreNameValidator struct{}

func (certStoreNameValidator) Description(context.Context) string {
	return "a LocalMachine certificate store name such as My, Root, CA or WebHosting"
}

func (v certStoreNameValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (certStoreNameValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := checkCertStoreName(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid certificate store name", err.Error())
	}
}

func checkCertStoreName(name string) error {
	if real, ok := storeFriendlyNames[strings.ToLower(strings.TrimSpace(name))]; ok {
		return fmt.Errorf("%q is what the certificate MMC shows; the store's name is %q", name, real)
	}
	return checkStoreName(name)
}

// parseCertificateImportID reads STORE/THUMBPRINT (My/0123...); the
// thumbprint may be pasted from the MMC, spaces and hidden marks included.
func parseCertificateImportID(id string) (store, thumbprint string, err error) {
	store, rawThumbprint, ok := strings.Cut(id, "/")
	if !ok {
		return "", "", fmt.Errorf("the import ID is STORE/THUMBPRINT, such as My/0123456789ABCDEF0123456789ABCDEF01234567; got %s", valuetext.Quote(id))
	}
	if err := checkCertStoreName(store); err != nil {
		return "", "", fmt.Errorf("import ID store: %w", err)
	}
	thumbprint, err = normalizeThumbprint(rawThumbprint)
	if err != nil {
		return "", "", fmt.Errorf("import ID thumbprint: %w", err)
	}
	return store, thumbprint, nil
}
