package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func init() { functions = append(functions, newCertificateCoversFunction) }

func newCertificateCoversFunction() function.Function { return certificateCoversFunction{} }

// certificateCoversFunction is provider::windows::certificate_covers: whether
// a TLS client that connects to name accepts the certificate's names, so
// that a module can fail its plan when the name clients use (its fqdn) is
// not one the certificate covers.
type certificateCoversFunction struct{}

var _ function.Function = certificateCoversFunction{}

func (certificateCoversFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "certificate_covers"
}

func (certificateCoversFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Whether a certificate covers a host name.",
		Description: "Returns true when a TLS client connecting to `name` accepts a certificate with these DNS names " +
			"and subject, as RFC 6125 matches them: case-insensitive, a wildcard only as the whole left-most label " +
			"and for exactly one label (`*.example.local` covers `sage300.example.local`, not `a.b.example.local` " +
			"nor `example.local`); the subject's common name counts only when the certificate has no DNS names.",
		Parameters: []function.Parameter{
			function.ListParameter{Name: "dns_names", ElementType: types.StringType,
				Description: "The certificate's DNS names (its `dns_names` attribute)."},
			function.StringParameter{Name: "subject",
				Description: "The certificate's subject (its `subject` attribute), for a certificate without DNS names."},
			function.StringParameter{Name: "name", Description: "The host name clients connect to."},
		},
		Return: function.BoolReturn{},
	}
}

func (certificateCoversFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var dnsNames []string
	var subject, name string
	resp.Error = function.ConcatFuncErrors(resp.Error, req.Arguments.Get(ctx, &dnsNames, &subject, &name))
	if resp.Error != nil {
		return
	}
	resp.Error = function.ConcatFuncErrors(resp.Error, resp.Result.Set(ctx, certificateCovers(dnsNames, subject, name)))
}

// certificateCovers reports whether a TLS client connecting to name accepts
// a certificate with these DNS names and subject: the DNS names as
// dnsNameMatches compares them, and the subject's common name only when
// there are none (RFC 6125 6.4.4: a client does not look at the CN when
// the certificate has DNS names). Windows clients (.NET's SslStream,
// WinHTTP) check the name through CertVerifyCertificateChainPolicy with
// CERT_CHAIN_POLICY_SSL and the server name in SSL_EXTRA_CERT_CHAIN_POLICY_PARA
// (https://learn.microsoft.com/windows/win32/api/wincrypt/ns-wincrypt-httpspolicycallbackdata),
// which reports a mismatch as CERT_E_CN_NO_MATCH.
func certificateCovers(dnsNames []string, subject, name string) bool {
	if len(dnsNames) > 0 {
		return dnsNameMatches(dnsNames, name)
	}
	cn := commonName(subject)
	return cn != "" && dnsNameMatches([]string{cn}, name)
}
