package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/windows"
)

// checkNotBound refuses to remove a certificate that an HTTP.sys SSL
// binding still serves. Windows would remove it and leave the port bound to
// a certificate that is not there, so TLS on that port fails. This is what
// a renewal planned as destroy, create, update does: the old certificate
// goes first, and a failed import of the new one (or a failed binding
// update) leaves the port broken. With create_before_destroy the binding
// moves to the new certificate before the old one is removed, and on
// terraform destroy the binding goes first, so neither is refused.
func checkNotBound(ctx context.Context, host *windows.Host, store, thumbprint string, diags *diag.Diagnostics) bool {
	bindings, err := host.HTTPSys().ListSSLBindings(ctx)
	if err != nil {
		addHostError(diags, "Cannot check the SSL bindings before removing certificate "+thumbprint, err)
		return false
	}
	users := bindingsUsing(bindings, store, thumbprint)
	if len(users) == 0 {
		return true
	}
	diags.AddError("Certificate still used by an SSL binding",
		fmt.Sprintf("Certificate %s in LocalMachine\\%s is bound to %s. Removing it would leave HTTP.sys serving a "+
			"certificate that is no longer there, and TLS on that port would fail.\n\n"+
			"If you are renewing the certificate, add\n\n  lifecycle {\n    create_before_destroy = true\n  }\n\n"+
			"to the certificate resource, so the binding moves to the new certificate before the old one is removed. "+
			"Otherwise remove the binding first (its windows_http_sslcert_binding resource, or netsh http delete sslcert).",
			thumbprint, store, describeBindings(users)))
	return false
}

// bindingsUsing returns the bindings that serve the certificate thumbprint
// from store. Thumbprints compare once normalised; store names compare
// without case, an empty one meaning MY, as HTTP.sys reads it
// (HTTP_SERVICE_CONFIG_SSL_PARAM, pSslCertStoreName).
func bindingsUsing(bindings []windows.SSLBinding, store, thumbprint string) []windows.SSLBinding {
	want := canonicalThumbprint(thumbprint)
	var users []windows.SSLBinding
	for _, b := range bindings {
		bindingStore := b.CertificateStoreName
		if bindingStore == "" {
			bindingStore = defaultStoreName
		}
		if canonicalThumbprint(b.CertificateHash) == want && strings.EqualFold(bindingStore, store) {
			users = append(users, b)
		}
	}
	return users
}

// canonicalThumbprint is normalizeThumbprint for values read from a host,
// where an unparsable one still compares as upper-case text.
func canonicalThumbprint(s string) string {
	if n, err := normalizeThumbprint(s); err == nil {
		return n
	}
	return strings.ToUpper(s)
}

// describeBindings names the bindings as netsh does, with their app ids.
func describeBindings(bindings []windows.SSLBinding) string {
	names := make([]string, 0, len(bindings))
	for _, b := range bindings {
		names = append(names, fmt.Sprintf("%s (app id %s)", b.BindingKey, b.AppID))
	}
	if len(names) == 1 {
		return "the SSL binding " + names[0]
	}
	return "the SSL bindings " + strings.Join(names, ", ")
}
