package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/provider/valuetext"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/windows"
)

func init() { dataSources = append(dataSources, newCertificateDataSource) }

func newCertificateDataSource() datasource.DataSource { return &certificateDataSource{} }

// certificateDataSource finds one certificate in a LocalMachine store: the
// Sage 300 procedure's "find the FQDN certificate in the MMC, export it as .CER".
type certificateDataSource struct {
	host *windows.Host
}

var (
	_ datasource.DataSourceWithConfigure        = (*certificateDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*certificateDataSource)(nil)
)

// maxListedCandidates bounds the certificates an error lists.
const maxListedCandidates = 20

const defaultCertificateStore = "My"

type certificateDataSourceModel struct {
	ID        types.String `tfsdk:"id"`
	StoreName types.String `tfsdk:"store_name"`
	DNSName   types.String `tfsdk:"dns_name"`
	PEM       types.String `tfsdk:"pem"`
	// The facts; thumbprint and subject are also search keys.
	certFactsModel
}

func (d *certificateDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_certificate"
}

func (d *certificateDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := certFactDataSourceAttributes()
	attrs["id"] = schema.StringAttribute{Computed: true, Description: "`STORE/THUMBPRINT` of the certificate found."}
	attrs["store_name"] = schema.StringAttribute{Optional: true,
		Description: "LocalMachine store to search: `My` (the default), `Root`, `CA`, `WebHosting`, ...",
		Validators:  []validator.String{certStoreNameValidator{}}}
	attrs["thumbprint"] = schema.StringAttribute{Optional: true, Computed: true,
		Description: "Find by thumbprint; spaces, lower case and the MMC's hidden characters are fine. " +
			"Returns the thumbprint as 40 upper-case hexadecimal digits.",
		Validators: []validator.String{thumbprintNormalizer.validator("a certificate thumbprint")}}
	attrs["subject"] = schema.StringAttribute{Optional: true, Computed: true,
		Description: "Find by subject: the whole distinguished name (`CN=host.example.local, O=Example`) or only its " +
			"common name (`host.example.local`), case-insensitive. Returns the subject as Windows prints it."}
	attrs["dns_name"] = schema.StringAttribute{Optional: true,
		Description: "Find the certificate that covers this name, as TLS clients match it (RFC 6125): a DNS name " +
			"of its subject alternative names, where a wildcard name (`*.example.local`) covers one label " +
			"(`host.example.local`, not `a.b.example.local`); the subject's common name only for a certificate " +
			"without DNS names. The name clients use, such as a module's `fqdn`."}
	attrs["pem"] = schema.StringAttribute{Computed: true,
		Description: "The certificate in PEM, public part only: what the Sage 300 procedure exports as a `.CER` file, ready for `windows_certificate` on another host."}
	resp.Schema = schema.Schema{
		Description: "One certificate in a LocalMachine store, found by thumbprint, subject or DNS name. " +
			"It is an error if none or several match; the error lists the candidates.",
		Attributes: attrs,
	}
}

func (d *certificateDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("thumbprint"), path.MatchRoot("subject"), path.MatchRoot("dns_name")),
	}
}

func (d *certificateDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.host = hostFromProviderData(req.ProviderData, &resp.Diagnostics)
}

func (d *certificateDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	m, ok := loadForHost[certificateDataSourceModel](ctx, req.Config, d.host, &resp.Diagnostics)
	if !ok {
		return
	}
	store := defaultCertificateStore
	if !m.StoreName.IsNull() {
		store = m.StoreName.ValueString()
	}
	match, describe, err := certificateMatcher(m)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("thumbprint"), "Invalid thumbprint", err.Error())
		return
	}
	certs, err := d.host.Certificates().List(ctx, store)
	if err != nil {
		addHostError(&resp.Diagnostics, "Cannot list certificates", err)
		return
	}
	found, err := selectCertificate(certs, match, describe, store)
	if err != nil {
		resp.Diagnostics.AddError("Certificate not found", err.Error())
		return
	}
	m.setFound(ctx, store, found, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// setFound fills the model from the certificate found.
func (m *certificateDataSourceModel) setFound(ctx context.Context, store string, c windows.Certificate, diags *diag.Diagnostics) {
	diags.Append(m.certFactsModel.set(ctx, factsFromHost(c))...)
	m.ID = types.StringValue(certificateID(store, c.Thumbprint))
	m.PEM = types.StringValue(c.PEM)
}

// certificateMatcher returns the search the configuration asks for and its
// description for messages.
func certificateMatcher(m certificateDataSourceModel) (func(windows.Certificate) bool, string, error) {
	switch {
	case !m.Thumbprint.IsNull():
		thumbprint, err := normalizeThumbprint(m.Thumbprint.ValueString())
		if err != nil {
			return nil, "", err
		}
		return func(c windows.Certificate) bool { return strings.EqualFold(c.Thumbprint, thumbprint) },
			"thumbprint " + thumbprint, nil
	case !m.Subject.IsNull():
		subject := m.Subject.ValueString()
		return func(c windows.Certificate) bool { return subjectMatches(c.Subject, subject) },
			"subject " + valuetext.Quote(subject), nil
	default:
		name := m.DNSName.ValueString()
		return func(c windows.Certificate) bool { return certificateCovers(c.DNSNames, c.Subject, name) },
			"DNS name " + valuetext.Quote(name), nil
	}
}

// subjectMatches compares a certificate's subject with what the user wrote:
// the whole DN, or the common name alone, case-insensitive.
func subjectMatches(subject, want string) bool {
	want = strings.TrimSpace(want)
	if canonicalDN(subject) == canonicalDN(want) {
		return true
	}
	cn := commonName(subject)
	return cn != "" && strings.EqualFold(cn, want)
}

// dnsNameMatches reports whether one of the certificate's DNS names covers
// name, as a TLS client matches them (RFC 6125 6.4.3): case-insensitive,
// a wildcard only as the whole left-most label, matching exactly one label.
func dnsNameMatches(certNames []string, name string) bool {
	name = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(name)), ".")
	for _, certName := range certNames {
		certName = strings.TrimSuffix(strings.ToLower(certName), ".")
		if certName == name {
			return true
		}
		suffix, ok := strings.CutPrefix(certName, "*.")
		if !ok {
			continue
		}
		label, rest, found := strings.Cut(name, ".")
		if found && label != "" && label != "*" && rest == suffix {
			return true
		}
	}
	return false
}

// selectCertificate returns the one certificate that matches, or an error
// listing the candidates: the matches when there are several, the store's
// certificates when there is none.
func selectCertificate(certs []windows.Certificate, match func(windows.Certificate) bool, describe, store string) (windows.Certificate, error) {
	var matches []windows.Certificate
	for _, c := range certs {
		if match(c) {
			matches = append(matches, c)
		}
	}
	switch len(matches) {
	case 1:
		return matches[0], nil
	case 0:
		if len(certs) == 0 {
			return windows.Certificate{}, fmt.Errorf("no certificate matches %s: LocalMachine\\%s is empty", describe, store)
		}
		return windows.Certificate{}, fmt.Errorf("no certificate matches %s in LocalMachine\\%s. The store holds:\n%s",
			describe, store, listCandidates(certs))
	default:
		return windows.Certificate{}, fmt.Errorf("%d certificates match %s in LocalMachine\\%s; select one by thumbprint:\n%s",
			len(matches), describe, store, listCandidates(matches))
	}
}

func listCandidates(certs []windows.Certificate) string {
	var b strings.Builder
	for i, c := range certs {
		if i == maxListedCandidates {
			fmt.Fprintf(&b, "  … and %d more\n", len(certs)-i)
			break
		}
		fmt.Fprintf(&b, "  %s  %s  (expires %s)\n", c.Thumbprint, c.Subject, formatTime(c.NotAfter))
	}
	return b.String()
}
