package provider

import (
	"context"
	"crypto/sha1"
	"crypto/x509"
	"encoding/asn1"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/windows"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/x500"
)

// oidExtKeyUsage is the extended key usage extension (RFC 5280 4.2.1.12).
var oidExtKeyUsage = asn1.ObjectIdentifier{2, 5, 29, 37}

// certFacts are what the provider tells about a certificate, computed in Go
// at plan time exactly as the host reports them after import.
type certFacts struct {
	Thumbprint        string
	Subject           string
	Issuer            string
	DNSNames          []string
	NotBefore         time.Time
	NotAfter          time.Time
	HasPrivateKey     bool
	EnhancedKeyUsages []string
	PEM               string
}

// thumbprintOf is X509Certificate.Thumbprint: the SHA-1 of the DER, in
// upper-case hex.
func thumbprintOf(cert *x509.Certificate) string {
	sum := sha1.Sum(cert.Raw)
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}

// factsOf reads the facts of a parsed certificate.
func factsOf(cert *x509.Certificate, hasPrivateKey bool) (certFacts, error) {
	subject, err := x500.Format(cert.RawSubject)
	if err != nil {
		return certFacts{}, fmt.Errorf("subject: %w", err)
	}
	issuer, err := x500.Format(cert.RawIssuer)
	if err != nil {
		return certFacts{}, fmt.Errorf("issuer: %w", err)
	}
	ekus, err := enhancedKeyUsages(cert)
	if err != nil {
		return certFacts{}, err
	}
	return certFacts{
		Thumbprint:        thumbprintOf(cert),
		Subject:           subject,
		Issuer:            issuer,
		DNSNames:          append([]string{}, cert.DNSNames...),
		NotBefore:         cert.NotBefore.UTC(),
		NotAfter:          cert.NotAfter.UTC(),
		HasPrivateKey:     hasPrivateKey,
		EnhancedKeyUsages: ekus,
		PEM:               string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})),
	}, nil
}

// enhancedKeyUsages returns the EKU OIDs in the certificate's order;
// crypto/x509 sorts known and unknown usages apart, so read the extension.
func enhancedKeyUsages(cert *x509.Certificate) ([]string, error) {
	oids := []string{}
	for _, ext := range cert.Extensions {
		if !ext.Id.Equal(oidExtKeyUsage) {
			continue
		}
		var usages []asn1.ObjectIdentifier
		if _, err := asn1.Unmarshal(ext.Value, &usages); err != nil {
			return nil, fmt.Errorf("enhanced key usage extension: %w", err)
		}
		for _, oid := range usages {
			oids = append(oids, oid.String())
		}
	}
	return oids, nil
}

// factsFromHost converts the host's reading of a certificate.
// has_private_key is whether the key opens, where the host said so: a key
// link alone does not make a certificate HTTP.sys can serve (1312).
func factsFromHost(c windows.Certificate) certFacts {
	hasKey := c.HasPrivateKey
	if c.KeyOpens != nil {
		hasKey = *c.KeyOpens
	}
	return certFacts{
		Thumbprint:        c.Thumbprint,
		Subject:           c.Subject,
		Issuer:            c.Issuer,
		DNSNames:          nonNil(c.DNSNames),
		NotBefore:         c.NotBefore.UTC(),
		NotAfter:          c.NotAfter.UTC(),
		HasPrivateKey:     hasKey,
		EnhancedKeyUsages: nonNil(c.EnhancedKeyUsages),
		PEM:               c.PEM,
	}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// formatTime prints a certificate date as the host does: UTC RFC 3339.
func formatTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// parseCertificatePEM reads text that must hold exactly one PEM certificate.
func parseCertificatePEM(text string) (*x509.Certificate, error) {
	var found *x509.Certificate
	for _, block := range pemBlocks(text) {
		if block.Type != "CERTIFICATE" {
			return nil, fmt.Errorf("the PEM holds a %q block; it must hold one CERTIFICATE and nothing else (never a private key)", block.Type)
		}
		if found != nil {
			return nil, fmt.Errorf("the PEM holds more than one certificate; use one resource per certificate")
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("the CERTIFICATE block does not parse: %w", err)
		}
		found = cert
	}
	if found == nil {
		return nil, fmt.Errorf("no PEM certificate found (expected -----BEGIN CERTIFICATE-----)")
	}
	return found, nil
}

// pemBlocks are the PEM blocks in text, in order; text around them is
// passed over, as pem.Decode does.
func pemBlocks(text string) []*pem.Block {
	var blocks []*pem.Block
	rest := []byte(text)
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			return blocks
		}
		blocks = append(blocks, block)
	}
}

// subjectOf is the certificate's subject as Windows prints it, for messages.
func subjectOf(cert *x509.Certificate) string {
	if dn, err := x500.Format(cert.RawSubject); err == nil {
		return dn
	}
	return cert.Subject.String()
}

// singleCertificatePEMValidator accepts PEM text holding exactly one
// certificate and nothing else.
type singleCertificatePEMValidator struct{}

func (singleCertificatePEMValidator) Description(context.Context) string {
	return "PEM text holding exactly one X.509 certificate"
}

func (v singleCertificatePEMValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (singleCertificatePEMValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := parseCertificatePEM(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid certificate", err.Error())
	}
}
