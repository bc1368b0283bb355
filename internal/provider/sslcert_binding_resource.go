package provider

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/provider/attribute_validator"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/provider/valuetext"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/windows"
)

func init() { resources = append(resources, newSSLCertBindingResource) }

const sslCertBindingResourceType = "windows_http_sslcert_binding"

// sslCertBindingResource is windows_http_sslcert_binding: an HTTP.sys SSL
// certificate binding, what "netsh http add sslcert ipport=0.0.0.0:4106
// certhash=... appid={...}" creates. A change of anything but the key is
// one host call that swaps the binding and restores the old one if the new
// one fails, so the port is never left without a certificate.
type sslCertBindingResource struct{ host *windows.Host }

func newSSLCertBindingResource() resource.Resource { return &sslCertBindingResource{} }

var (
	_ resource.ResourceWithConfigure        = (*sslCertBindingResource)(nil)
	_ resource.ResourceWithConfigValidators = (*sslCertBindingResource)(nil)
	_ resource.ResourceWithImportState      = (*sslCertBindingResource)(nil)
	_ resource.ResourceWithModifyPlan       = (*sslCertBindingResource)(nil)
)

// sslCertBindingModel is the resource's data, and one binding of the
// windows_http_sslcert_bindings data source.
type sslCertBindingModel struct {
	ID                                       types.String `tfsdk:"id"`
	IPPort                                   types.String `tfsdk:"ipport"`
	HostnamePort                             types.String `tfsdk:"hostnameport"`
	CertificateHash                          types.String `tfsdk:"certificate_hash"`
	AppID                                    types.String `tfsdk:"app_id"`
	CertificateStoreName                     types.String `tfsdk:"certificate_store_name"`
	VerifyClientCertRevocation               types.Bool   `tfsdk:"verify_client_cert_revocation"`
	VerifyRevocationWithCachedClientCertOnly types.Bool   `tfsdk:"verify_revocation_with_cached_client_cert_only"`
	UsageCheck                               types.Bool   `tfsdk:"usage_check"`
	RevocationFreshnessTime                  types.Int64  `tfsdk:"revocation_freshness_time"`
	URLRetrievalTimeout                      types.Int64  `tfsdk:"url_retrieval_timeout"`
	CTLIdentifier                            types.String `tfsdk:"ctl_identifier"`
	CTLStoreName                             types.String `tfsdk:"ctl_store_name"`
	DSMapperUsage                            types.Bool   `tfsdk:"ds_mapper_usage"`
	NegotiateClientCert                      types.Bool   `tfsdk:"negotiate_client_cert"`
	DisableLegacyTLS                         types.Bool   `tfsdk:"disable_legacy_tls"`
	DisableTLS13                             types.Bool   `tfsdk:"disable_tls13"`
	DisableHTTP2                             types.Bool   `tfsdk:"disable_http2"`
	DisableQUIC                              types.Bool   `tfsdk:"disable_quic"`
	DisableOCSPStapling                      types.Bool   `tfsdk:"disable_ocsp_stapling"`
}

// maxCTLIdentifierRunes bounds ctl_identifier, the name of a certificate
// trust list; real ones are short.
const maxCTLIdentifierRunes = 256

// Normalizers of the binding's attributes: each turns a user's spelling
// into the host's, or says why the value is invalid.
var (
	ipportNormalizer       = normalizer(normalizeIPPort)
	hostnamePortNormalizer = normalizer(normalizeHostnamePort)
	thumbprintNormalizer   = normalizer(normalizeThumbprint)
	guidNormalizer         = normalizer(normalizeGUID)
	storeNameNormalizer    = normalizer(normalizeStoreName)
	ctlStoreNameNormalizer = normalizer(normalizeCTLStoreName)
)

func (r *sslCertBindingResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_http_sslcert_binding"
}

func (r *sslCertBindingResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "An HTTP.sys SSL certificate binding (netsh http add sslcert): the certificate that " +
			"HTTP.sys serves on an IP address and port (ipport) or, with SNI, a host name and port (hostnameport).",
		Attributes: sslCertBindingResourceAttributes(),
	}
}

// sslCertBindingResourceAttributes are the binding's attributes and the
// bound certificate's subject and expiry.
func sslCertBindingResourceAttributes() map[string]schema.Attribute {
	attrs := sslCertBindingAttributes()
	for name, attr := range boundCertificateAttributes() {
		attrs[name] = attr
	}
	return attrs
}

func sslCertBindingAttributes() map[string]schema.Attribute {
	keyModifiers := func(n normalizer) []planmodifier.String {
		return []planmodifier.String{n.keepState(), stringplanmodifier.RequiresReplace()}
	}
	attrs := map[string]schema.Attribute{
		"id": schema.StringAttribute{Computed: true,
			Description:   "The binding's key as `netsh` names it: `ipport=0.0.0.0:4106` or `hostnameport=sage.example.com:443`.",
			PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
		"ipport": schema.StringAttribute{Optional: true,
			Description: "IP address and port: `a.b.c.d:port`, `[IPv6]:port`, `0.0.0.0:port` (every IPv4 address) " +
				"or `[::]:port` (every IPv6 address). Exactly one of `ipport` and `hostnameport`. Changing it replaces the binding.",
			Validators:    []validator.String{ipportNormalizer.validator("an IP address and port")},
			PlanModifiers: keyModifiers(ipportNormalizer)},
		"hostnameport": schema.StringAttribute{Optional: true,
			Description: "Host name and port for an SNI binding, such as `sage.example.com:443`. " +
				"Changing it replaces the binding.",
			Validators:    []validator.String{hostnamePortNormalizer.validator("a host name and port")},
			PlanModifiers: keyModifiers(hostnamePortNormalizer)},
		"certificate_hash": schema.StringAttribute{Required: true,
			Description: "SHA-1 thumbprint of the certificate: 40 hex digits. Spaces, colons and the invisible " +
				"characters of a copy from the certificate MMC (U+200E) are ignored, and so is case: the host " +
				"receives 40 upper-case hex digits. The plan and state keep the value as written, and the plan " +
				"warns until it is written that way or wrapped in provider::windows::normalize_thumbprint().",
			Validators: []validator.String{thumbprintNormalizer.validator("a certificate thumbprint"),
				attribute_validator.CanonicalSpelling(thumbprintNormalizer, "provider::windows::normalize_thumbprint")},
			PlanModifiers: []planmodifier.String{thumbprintNormalizer.keepState()}},
		"app_id": schema.StringAttribute{Required: true,
			Description: "GUID of the application that owns the binding, with or without braces, in any case: " +
				"the host receives {lower-case-guid}. The plan and state keep the value as written, and the plan " +
				"warns until it is written that way.",
			Validators:    []validator.String{guidNormalizer.validator("a GUID"), attribute_validator.CanonicalSpelling(guidNormalizer, "")},
			PlanModifiers: []planmodifier.String{guidNormalizer.keepState()}},
		"certificate_store_name": schema.StringAttribute{Optional: true, Computed: true,
			Default:       stringdefault.StaticString(defaultStoreName),
			Description:   "LocalMachine store holding the certificate and its private key. Default `MY` (Personal). Case-insensitive.",
			Validators:    []validator.String{storeNameNormalizer.validator("a certificate store name")},
			PlanModifiers: []planmodifier.String{storeNameNormalizer.keepState()}},
		"verify_client_cert_revocation": boolOption(true,
			"Whether HTTP.sys checks client certificates for revocation. Default true."),
		"verify_revocation_with_cached_client_cert_only": boolOption(false,
			"Whether the revocation check uses only cached CRLs. Default false."),
		"usage_check": boolOption(true,
			"Whether HTTP.sys checks the certificate's enhanced key usage. Default true."),
		"revocation_freshness_time": int64Option(
			"Seconds after which a cached CRL is refreshed; 0 (the default) uses the CRL's own validity."),
		"url_retrieval_timeout": int64Option(
			"Milliseconds to wait for a CRL download; 0 (the default) uses the system's timeout."),
		"ctl_identifier": schema.StringAttribute{Optional: true, Computed: true,
			Default:     stringdefault.StaticString(""),
			Description: "Identifier of the certificate trust list that limits accepted client certificate issuers. Default none.",
			Validators:  []validator.String{attribute_validator.Check("a trust list identifier", checkCTLIdentifier)}},
		"ctl_store_name": schema.StringAttribute{Optional: true, Computed: true,
			Default:       stringdefault.StaticString(""),
			Description:   "LocalMachine store holding the certificate trust list. Default none. Case-insensitive.",
			Validators:    []validator.String{ctlStoreNameNormalizer.validator("a certificate store name")},
			PlanModifiers: []planmodifier.String{ctlStoreNameNormalizer.keepState()}},
		"ds_mapper_usage": boolOption(false,
			"Whether client certificates are mapped to Active Directory accounts (DS mapper). Default false."),
		"negotiate_client_cert": boolOption(false,
			"Whether HTTP.sys asks clients for a certificate during the handshake. Default false."),
	}
	for name, flag := range bindingTLSFlags {
		attrs[name] = boolOption(false, flag.description)
	}
	return attrs
}

func boolOption(def bool, description string) schema.BoolAttribute {
	return schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(def), Description: description}
}

func int64Option(description string) schema.Int64Attribute {
	return schema.Int64Attribute{Optional: true, Computed: true, Default: int64default.StaticInt64(0),
		Description: description, Validators: []validator.Int64{int64validator.Between(0, math.MaxUint32)}}
}

// checkCTLIdentifier accepts up to 256 characters without control or
// invisible characters; the text reaches the host as data.
func checkCTLIdentifier(s string) error {
	if len([]rune(s)) > maxCTLIdentifierRunes {
		return fmt.Errorf("%s is longer than %d characters", valuetext.Quote(s), maxCTLIdentifierRunes)
	}
	if i := valuetext.IndexControlOrFormat(s); i >= 0 {
		return fmt.Errorf("%s contains the control or invisible character %q", valuetext.Quote(s), []rune(s[i:])[0])
	}
	return nil
}

func (r *sslCertBindingResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{
		resourcevalidator.ExactlyOneOf(path.MatchRoot("ipport"), path.MatchRoot("hostnameport")),
	}
}

func (r *sslCertBindingResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.host = hostFromProviderData(req.ProviderData, &resp.Diagnostics)
}

// bindingKey returns the model's key in the host's form.
func (m sslCertBindingModel) bindingKey() windows.BindingKey {
	if !m.HostnamePort.IsNull() {
		k, _ := normalizeHostnamePort(m.HostnamePort.ValueString())
		return windows.BindingKey{HostnamePort: k}
	}
	k, _ := normalizeIPPort(m.IPPort.ValueString())
	return windows.BindingKey{IPPort: k}
}

// binding returns the binding the model describes, normalised as the host
// takes it. The values passed validation at plan time.
func (m sslCertBindingModel) binding() windows.SSLBinding {
	hash, _ := normalizeThumbprint(m.CertificateHash.ValueString())
	appID, _ := normalizeGUID(m.AppID.ValueString())
	store, _ := normalizeStoreName(m.CertificateStoreName.ValueString())
	ctlStore, _ := normalizeCTLStoreName(m.CTLStoreName.ValueString())
	return windows.SSLBinding{
		BindingKey:                               m.bindingKey(),
		CertificateHash:                          hash,
		AppID:                                    appID,
		CertificateStoreName:                     store,
		VerifyClientCertRevocation:               m.VerifyClientCertRevocation.ValueBool(),
		VerifyRevocationWithCachedClientCertOnly: m.VerifyRevocationWithCachedClientCertOnly.ValueBool(),
		UsageCheck:                               m.UsageCheck.ValueBool(),
		RevocationFreshnessTime:                  m.RevocationFreshnessTime.ValueInt64(),
		URLRetrievalTimeout:                      m.URLRetrievalTimeout.ValueInt64(),
		CTLIdentifier:                            m.CTLIdentifier.ValueString(),
		CTLStoreName:                             ctlStore,
		DSMapperUsage:                            m.DSMapperUsage.ValueBool(),
		NegotiateClientCert:                      m.NegotiateClientCert.ValueBool(),
		DisableLegacyTLS:                         m.DisableLegacyTLS.ValueBool(),
		DisableTLS13:                             m.DisableTLS13.ValueBool(),
		DisableHTTP2:                             m.DisableHTTP2.ValueBool(),
		DisableQUIC:                              m.DisableQUIC.ValueBool(),
		DisableOCSPStapling:                      m.DisableOCSPStapling.ValueBool(),
	}
}

// mergeHost sets every attribute from the host's binding, keeping the
// model's spelling of values that mean the same (a lower-case thumbprint,
// a GUID without braces, "my" for MY).
func (m *sslCertBindingModel) mergeHost(b windows.SSLBinding) {
	m.ID = types.StringValue(b.BindingKey.String())
	if b.IPPort != "" {
		m.IPPort, m.HostnamePort = ipportNormalizer.keep(m.IPPort, b.IPPort), types.StringNull()
	} else {
		m.HostnamePort, m.IPPort = hostnamePortNormalizer.keep(m.HostnamePort, b.HostnamePort), types.StringNull()
	}
	m.CertificateHash = thumbprintNormalizer.keep(m.CertificateHash, b.CertificateHash)
	m.AppID = guidNormalizer.keep(m.AppID, b.AppID)
	m.CertificateStoreName = storeNameNormalizer.keep(m.CertificateStoreName, b.CertificateStoreName)
	m.VerifyClientCertRevocation = types.BoolValue(b.VerifyClientCertRevocation)
	m.VerifyRevocationWithCachedClientCertOnly = types.BoolValue(b.VerifyRevocationWithCachedClientCertOnly)
	m.UsageCheck = types.BoolValue(b.UsageCheck)
	m.RevocationFreshnessTime = types.Int64Value(b.RevocationFreshnessTime)
	m.URLRetrievalTimeout = types.Int64Value(b.URLRetrievalTimeout)
	m.CTLIdentifier = types.StringValue(b.CTLIdentifier)
	m.CTLStoreName = ctlStoreNameNormalizer.keep(m.CTLStoreName, b.CTLStoreName)
	m.DSMapperUsage = types.BoolValue(b.DSMapperUsage)
	m.NegotiateClientCert = types.BoolValue(b.NegotiateClientCert)
	m.DisableLegacyTLS = types.BoolValue(b.DisableLegacyTLS)
	m.DisableTLS13 = types.BoolValue(b.DisableTLS13)
	m.DisableHTTP2 = types.BoolValue(b.DisableHTTP2)
	m.DisableQUIC = types.BoolValue(b.DisableQUIC)
	m.DisableOCSPStapling = types.BoolValue(b.DisableOCSPStapling)
}

func (r *sslCertBindingResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	plan, ok := loadForHost[sslCertBindingResourceModel](ctx, req.Plan, r.host, &resp.Diagnostics)
	if !ok {
		return
	}
	b := plan.binding()
	if !checkTLSFlagsSupported(ctx, r.host, b, &resp.Diagnostics) {
		return
	}
	if _, err := r.host.HTTPSys().AddSSLBinding(ctx, b); err != nil {
		addBindingError(&resp.Diagnostics, "Cannot create the SSL binding "+b.BindingKey.String(), b, err)
		return
	}
	plan.ID = types.StringValue(b.BindingKey.String())
	r.applyBoundCertificate(ctx, &plan, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// addBindingError explains a failed add or replace: an existing binding is
// to be imported, and 1312 means the certificate cannot serve TLS.
func addBindingError(diags *diag.Diagnostics, summary string, b windows.SSLBinding, err error) {
	switch {
	case windows.IsAlreadyExists(err):
		key := b.IPPort
		if b.HostnamePort != "" {
			key = b.BindingKey.String()
		}
		diags.AddError("SSL binding already exists",
			alreadyExistsDetail("An SSL binding for "+b.BindingKey.String(), sslCertBindingResourceType, key, err))
	case windows.IsNoUsablePrivateKey(err):
		// The summary says what the port has now (a failed change may have
		// left it unbound); the detail how to make the certificate usable.
		diags.AddAttributeError(path.Root("certificate_hash"), "Certificate not usable for the binding",
			summary+".\n\n"+noUsablePrivateKeyMessage(b.CertificateHash, b.CertificateStoreName)+"\n\nHost error: "+err.Error())
	default:
		addHostError(diags, summary, err)
	}
}

// noUsablePrivateKeyMessage is what Windows error 1312 ("A specified logon
// session does not exist") means for a binding, and what to do about it.
func noUsablePrivateKeyMessage(thumbprint, store string) string {
	return fmt.Sprintf(`the certificate %s is not in LocalMachine\%s or has no private key there; import it with its key (windows_pfx_certificate) and bind again.`, thumbprint, store) +
		" A key whose container was deleted or does not match the certificate's key link counts as none, although " +
		"the certificate MMC still shows a key: import the PFX again."
}

func (r *sslCertBindingResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	state, ok := loadForHost[sslCertBindingResourceModel](ctx, req.State, r.host, &resp.Diagnostics)
	if !ok {
		return
	}
	prior := state
	key := state.bindingKey()
	b, err := r.host.HTTPSys().GetSSLBinding(ctx, key)
	if windows.IsNotFound(err) {
		resp.State.RemoveResource(ctx) // deleted outside Terraform: plan a create
		return
	}
	if err != nil {
		addHostError(&resp.Diagnostics, "Cannot read the SSL binding "+key.String(), err)
		return
	}
	state.mergeHost(b)
	r.readBoundCertificate(ctx, prior, &state, b, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update swaps the binding in one host call; if the new binding cannot be
// added the host puts the old one back before answering.
func (r *sslCertBindingResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	plan, ok := loadForHost[sslCertBindingResourceModel](ctx, req.Plan, r.host, &resp.Diagnostics)
	if !ok {
		return
	}
	b := plan.binding()
	if !checkTLSFlagsSupported(ctx, r.host, b, &resp.Diagnostics) {
		return
	}
	if _, err := r.host.HTTPSys().ReplaceSSLBinding(ctx, b); err != nil {
		var summary string
		switch {
		case isOutcomeUnknown(err):
			// The request may have been applied: claim nothing about the host.
			summary = "Cannot tell whether the SSL binding " + b.BindingKey.String() + " was changed"
		case windows.IsNotFound(err):
			summary = "The SSL binding " + b.BindingKey.String() + " was removed outside Terraform; run terraform apply again to create it"
		default:
			summary = "Cannot change the SSL binding " + b.BindingKey.String() + r.replaceOutcome(ctx, b)
		}
		addBindingError(&resp.Diagnostics, summary, b, err)
		return
	}
	plan.ID = types.StringValue(b.BindingKey.String())
	r.applyBoundCertificate(ctx, &plan, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// replaceOutcome reads the binding after a failed replace and says what the
// port has now: the old binding (the host kept or restored it), the new one
// (set, but not read back), or nothing (the host's restore failed too). The
// message so never claims more than the host shows.
func (r *sslCertBindingResource) replaceOutcome(ctx context.Context, want windows.SSLBinding) string {
	got, err := r.host.HTTPSys().GetSSLBinding(ctx, want.BindingKey)
	switch {
	case windows.IsNotFound(err):
		return ": the port is now unbound (restoring the old binding failed too); run terraform apply again to bind it"
	case err != nil:
		return "; what the port has now could not be read"
	case sameBindingSettings(got, want):
		return "; the new binding is in place"
	}
	return " (the old binding is still in place)"
}

// sameBindingSettings compares two bindings' settings as the host stores
// them: thumbprint, app id and store name case-insensitively (an empty store
// is MY), the DefaultFlags bits without a name left out.
func sameBindingSettings(a, b windows.SSLBinding) bool {
	norm := func(x windows.SSLBinding) windows.SSLBinding {
		x.BindingKey = windows.BindingKey{}
		x.OtherFlags = 0
		x.CertificateHash = strings.ToUpper(x.CertificateHash)
		x.AppID = strings.ToLower(strings.Trim(x.AppID, "{}"))
		x.CertificateStoreName = strings.ToUpper(x.CertificateStoreName)
		if x.CertificateStoreName == "" {
			x.CertificateStoreName = "MY"
		}
		return x
	}
	return norm(a) == norm(b)
}

func (r *sslCertBindingResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	state, ok := loadForHost[sslCertBindingResourceModel](ctx, req.State, r.host, &resp.Diagnostics)
	if !ok {
		return
	}
	key := state.bindingKey()
	if err := r.host.HTTPSys().DeleteSSLBinding(ctx, key); err != nil && !windows.IsNotFound(err) {
		addHostError(&resp.Diagnostics, "Cannot delete the SSL binding "+key.String(), err)
	}
}

// ImportState takes ipport or hostnameport: "0.0.0.0:4106", "[::]:443",
// "sage.example.com:443", or with the prefix "ipport=" / "hostnameport=".
func (r *sslCertBindingResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	key, err := bindingKeyFromImportID(req.ID)
	if err != nil {
		resp.Diagnostics.AddError("Invalid import ID", err.Error())
		return
	}
	if key.HostnamePort != "" {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("hostnameport"), key.HostnamePort)...)
	} else {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("ipport"), key.IPPort)...)
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), key.String())...)
}
