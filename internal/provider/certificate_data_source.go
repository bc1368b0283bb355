package provider

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
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
	// The selectors that narrow the matches, and what the choice leaves.
	MostRecent           types.Bool  `tfsdk:"most_recent"`
	ValidNow             types.Bool  `tfsdk:"valid_now"`
	ServerAuthentication types.Bool  `tfsdk:"server_authentication"`
	MinDaysLeft          types.Int64 `tfsdk:"min_days_left"`
	DaysLeft             types.Int64 `tfsdk:"days_left"`
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
	attrs["issuer"] = schema.StringAttribute{Optional: true, Computed: true,
		Description: "Only certificates from this issuer: its whole distinguished name or only its common name " +
			"(`Example Issuing CA`), case-insensitive, as `subject` matches. Returns the issuer as Windows prints it."}
	attrs["has_private_key"] = schema.BoolAttribute{Optional: true, Computed: true,
		Description: "Set `true` for only certificates whose private key opens on the host (what HTTP.sys needs " +
			"to serve one; a link to a deleted or mismatched key container counts as none, error 1312), `false` " +
			"for only those without. Returns whether the key of the certificate found opens."}
	attrs["most_recent"] = schema.BoolAttribute{Optional: true,
		Description: "When several certificates remain, take the one issued last (the latest `not_before`, then " +
			"the latest `not_after`, then the greatest thumbprint) instead of failing: after a renewal the store " +
			"holds the old and the new certificate for the same name. Default false."}
	attrs["valid_now"] = schema.BoolAttribute{Optional: true,
		Description: "Only certificates valid now: `not_before` <= now < `not_after`, by the clock of the machine " +
			"that runs Terraform. Default false."}
	attrs["server_authentication"] = schema.BoolAttribute{Optional: true,
		Description: "Only certificates a TLS server may use: with the server authentication enhanced key usage " +
			"(`1.3.6.1.5.5.7.3.1`), or without the enhanced key usage extension, which RFC 5280 reads as any " +
			"purpose. Default false."}
	attrs["min_days_left"] = schema.Int64Attribute{Optional: true,
		Description: "Days the certificate found must have left. It does not filter: the certificate chosen (with " +
			"`most_recent`, the newest) with fewer days left fails the read, so the plan stops with its " +
			"thumbprint, subject and expiry, until a renewed certificate is installed on the host.",
		Validators: []validator.Int64{int64validator.AtLeast(0)}}
	attrs["days_left"] = schema.Int64Attribute{Computed: true,
		Description: "Whole days from now until `not_after`: 0 on the last day, negative once expired."}
	attrs["pem"] = schema.StringAttribute{Computed: true,
		Description: "The certificate in PEM, public part only: what the Sage 300 procedure exports as a `.CER` file, ready for `windows_certificate` on another host."}
	resp.Schema = schema.Schema{
		Description: "One certificate in a LocalMachine store, found by thumbprint, subject or DNS name, and " +
			"optionally narrowed by issuer, validity, server authentication usage and a private key that opens. " +
			"It is an error if none or (without `most_recent`) several remain; the error lists the candidates and " +
			"what excluded each. With `most_recent` a certificate renewed on the host by another tool (win-acme, " +
			"Posh-ACME, AD CS autoenrollment) is found on the next plan.",
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
	sel, err := m.selection()
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("thumbprint"), "Invalid thumbprint", err.Error())
		return
	}
	certs, err := d.host.Certificates().List(ctx, store)
	if err != nil {
		addHostError(&resp.Diagnostics, "Cannot list certificates", err)
		return
	}
	now := time.Now()
	found, err := selectCertificate(certs, sel, store, now)
	var tooFew *tooFewDaysLeftError
	switch {
	case errors.As(err, &tooFew):
		resp.Diagnostics.AddAttributeError(path.Root("min_days_left"), "Certificate expires too soon", err.Error())
		return
	case err != nil:
		resp.Diagnostics.AddError("Certificate not found", err.Error())
		return
	}
	m.setFound(ctx, store, found, now, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// setFound fills the model from the certificate found.
func (m *certificateDataSourceModel) setFound(ctx context.Context, store string, c windows.Certificate, now time.Time, diags *diag.Diagnostics) {
	diags.Append(m.certFactsModel.set(ctx, factsFromHost(c))...)
	m.DaysLeft = types.Int64Value(daysLeft(c.NotAfter, now))
	m.ID = types.StringValue(certificateID(store, c.Thumbprint))
	m.PEM = types.StringValue(c.PEM)
}

// selection is the search with the selectors the configuration sets.
func (m certificateDataSourceModel) selection() (certificateSelection, error) {
	match, describe, err := certificateMatcher(m)
	if err != nil {
		return certificateSelection{}, err
	}
	sel := certificateSelection{match: match, describe: describe, mostRecent: m.MostRecent.ValueBool()}
	if !m.Issuer.IsNull() {
		sel.filters = append(sel.filters, issuerFilter(m.Issuer.ValueString()))
	}
	if m.ValidNow.ValueBool() {
		sel.filters = append(sel.filters, validNowFilter())
	}
	if m.ServerAuthentication.ValueBool() {
		sel.filters = append(sel.filters, serverAuthenticationFilter())
	}
	if !m.HasPrivateKey.IsNull() {
		sel.filters = append(sel.filters, privateKeyFilter(m.HasPrivateKey.ValueBool()))
	}
	if !m.MinDaysLeft.IsNull() {
		minDays := m.MinDaysLeft.ValueInt64()
		sel.minDaysLeft = &minDays
	}
	return sel, nil
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
