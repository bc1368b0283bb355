package provider

import (
	"context"
	"sort"
	"strings"

	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// certFactsModel are the computed facts every certificate resource and the
// data source expose; embedded by value in their models.
type certFactsModel struct {
	Thumbprint        types.String `tfsdk:"thumbprint"`
	Subject           types.String `tfsdk:"subject"`
	Issuer            types.String `tfsdk:"issuer"`
	DNSNames          types.List   `tfsdk:"dns_names"`
	NotBefore         types.String `tfsdk:"not_before"`
	NotAfter          types.String `tfsdk:"not_after"`
	HasPrivateKey     types.Bool   `tfsdk:"has_private_key"`
	EnhancedKeyUsages types.List   `tfsdk:"enhanced_key_usages"`
}

// certFactDescriptions documents each fact once for both schema packages.
var certFactDescriptions = map[string]string{
	"thumbprint":          "SHA-1 thumbprint: 40 upper-case hexadecimal digits, as `netsh` and HTTP.sys bindings use it.",
	"subject":             "Subject distinguished name as Windows prints it (`CN=host.example.local, O=Example`).",
	"issuer":              "Issuer distinguished name as Windows prints it.",
	"not_before":          "Start of validity, UTC RFC 3339.",
	"not_after":           "End of validity, UTC RFC 3339.",
	"has_private_key":     "Whether the certificate has a private key that opens on the host: a link to a deleted or mismatched key container counts as none (HTTP.sys would refuse the certificate with error 1312).",
	"dns_names":           "DNS names of the subject alternative name extension.",
	"enhanced_key_usages": "Enhanced key usage OIDs in the certificate's order (`1.3.6.1.5.5.7.3.1` server authentication, `1.3.6.1.5.5.7.3.2` client authentication).",
}

// certFactResourceAttributes are the facts as computed resource attributes.
func certFactResourceAttributes() map[string]rschema.Attribute {
	return certFactAttributes(
		func(desc string) rschema.Attribute {
			return rschema.ListAttribute{Computed: true, ElementType: types.StringType, Description: desc}
		},
		func(desc string) rschema.Attribute { return rschema.BoolAttribute{Computed: true, Description: desc} },
		func(desc string) rschema.Attribute { return rschema.StringAttribute{Computed: true, Description: desc} },
	)
}

// certFactDataSourceAttributes are the facts as computed data source
// attributes; thumbprint is left to the data source, where it is an input.
func certFactDataSourceAttributes() map[string]dsschema.Attribute {
	attrs := certFactAttributes(
		func(desc string) dsschema.Attribute {
			return dsschema.ListAttribute{Computed: true, ElementType: types.StringType, Description: desc}
		},
		func(desc string) dsschema.Attribute { return dsschema.BoolAttribute{Computed: true, Description: desc} },
		func(desc string) dsschema.Attribute {
			return dsschema.StringAttribute{Computed: true, Description: desc}
		},
	)
	delete(attrs, "thumbprint")
	return attrs
}

// certFactAttributes builds one attribute a fact, in either schema package:
// list makes the string lists, boolean has_private_key, text the rest.
func certFactAttributes[A any](list, boolean, text func(desc string) A) map[string]A {
	attrs := map[string]A{}
	for name, desc := range certFactDescriptions {
		switch name {
		case "dns_names", "enhanced_key_usages":
			attrs[name] = list(desc)
		case "has_private_key":
			attrs[name] = boolean(desc)
		default:
			attrs[name] = text(desc)
		}
	}
	return attrs
}

// set fills the model with known facts.
func (m *certFactsModel) set(ctx context.Context, f certFacts) diag.Diagnostics {
	var diags diag.Diagnostics
	m.Thumbprint = types.StringValue(f.Thumbprint)
	m.Subject = types.StringValue(f.Subject)
	m.Issuer = types.StringValue(f.Issuer)
	m.NotBefore = types.StringValue(formatTime(f.NotBefore))
	m.NotAfter = types.StringValue(formatTime(f.NotAfter))
	m.HasPrivateKey = types.BoolValue(f.HasPrivateKey)
	var d diag.Diagnostics
	m.DNSNames, d = types.ListValueFrom(ctx, types.StringType, nonNil(f.DNSNames))
	diags.Append(d...)
	m.EnhancedKeyUsages, d = types.ListValueFrom(ctx, types.StringType, nonNil(f.EnhancedKeyUsages))
	diags.Append(d...)
	return diags
}

// setUnknown marks every fact "known after apply".
func (m *certFactsModel) setUnknown() {
	m.setEvery(types.StringUnknown(), types.BoolUnknown(), types.ListUnknown(types.StringType))
}

// setNull clears every fact (a state read back from the host fills them).
func (m *certFactsModel) setNull() {
	m.setEvery(types.StringNull(), types.BoolNull(), types.ListNull(types.StringType))
}

// setEvery gives every fact the value of its type: the string facts s, the
// boolean b and the lists l.
func (m *certFactsModel) setEvery(s types.String, b types.Bool, l types.List) {
	m.Thumbprint, m.Subject, m.Issuer, m.NotBefore, m.NotAfter = s, s, s, s, s
	m.HasPrivateKey = b
	m.DNSNames, m.EnhancedKeyUsages = l, l
}

// setUnknownFrom replaces the unknown facts of m by those of known (the
// host's reading), leaving the known ones: after apply, a value known in
// the plan must stay exactly what the plan said.
func (m *certFactsModel) setUnknownFrom(known certFactsModel) {
	keepKnown(&m.Thumbprint, known.Thumbprint)
	keepKnown(&m.Subject, known.Subject)
	keepKnown(&m.Issuer, known.Issuer)
	keepKnown(&m.NotBefore, known.NotBefore)
	keepKnown(&m.NotAfter, known.NotAfter)
	keepKnown(&m.HasPrivateKey, known.HasPrivateKey)
	keepKnown(&m.DNSNames, known.DNSNames)
	keepKnown(&m.EnhancedKeyUsages, known.EnhancedKeyUsages)
}

// keepKnown replaces *v by known when *v is unknown.
func keepKnown[V interface{ IsUnknown() bool }](v *V, known V) {
	if (*v).IsUnknown() {
		*v = known
	}
}

// certificateID is the import ID and id of a certificate resource:
// STORE/THUMBPRINT with the store upper-cased as the host reports it.
func certificateID(store, thumbprint string) string {
	return strings.ToUpper(store) + "/" + thumbprint
}

// thumbprintSet is a set value of thumbprints, sorted for stable output.
func thumbprintSet(ctx context.Context, thumbprints []string) (types.Set, diag.Diagnostics) {
	sorted := append([]string{}, thumbprints...)
	sort.Strings(sorted)
	return types.SetValueFrom(ctx, types.StringType, sorted)
}
