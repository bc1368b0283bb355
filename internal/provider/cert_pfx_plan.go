package provider

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/provider/valuetext"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/windows"
)

// pfxPlan is what planning a windows_pfx_certificate decided.
type pfxPlan struct {
	// replace lists the attributes whose change needs a new import.
	replace path.Paths
}

// configuredPFXPassword returns the password the configuration gives
// (password_wo, else password; neither means an empty password) and whether
// it is known yet. Write-only values are read from the configuration: they
// are never in the plan or state.
func configuredPFXPassword(config pfxCertificateModel) (string, bool) {
	switch {
	case config.PasswordWO.IsUnknown() || config.Password.IsUnknown():
		return "", false
	case !config.PasswordWO.IsNull():
		return config.PasswordWO.ValueString(), true
	default:
		return config.Password.ValueString(), true
	}
}

// maskSecrets makes every provider log line written with ctx replace the
// secrets by "***". Empty strings are skipped: they would match everywhere.
func maskSecrets(ctx context.Context, secrets ...string) context.Context {
	for _, s := range secrets {
		if s != "" {
			ctx = tflog.MaskLogStrings(ctx, s)
		}
	}
	return ctx
}

// planPFX fills the plan's computed attributes and decides replacement.
// With content_base64 and a known password, the PFX is read now: the facts
// are known in the plan and a PFX Windows would reject fails the plan. An
// existing certificate is replaced only when a new import would change
// something: the same certificate in new content (a re-export, a new
// password, the configuration added after terraform import) is kept, and
// new key flags or a lost key import it again in place (pfxNeedsReimport).
func planPFX(ctx context.Context, plan, state *pfxCertificateModel, password string, passwordKnown bool, diags *diag.Diagnostics) pfxPlan {
	read := readPlannedPFX(*plan, password, passwordKnown, diags)
	if diags.HasError() {
		return pfxPlan{}
	}
	return planReadPFX(ctx, plan, state, read, diags)
}

// planReadPFX is planPFX for a PFX already read: from content_base64 by
// the provider, or from remote_path by the host (inspectRemotePFX); nil
// when it could not be read now. The checks are the same for both.
func planReadPFX(ctx context.Context, plan, state *pfxCertificateModel, read *parsedPFX, diags *diag.Diagnostics) pfxPlan {
	var replace path.Paths
	if state != nil {
		replace = pfxReplacements(*plan, *state, read)
		if read != nil && !pfxHoldsStateCertificate(*plan, *state, read, replace, diags) {
			return pfxPlan{}
		}
	}
	if state != nil && len(replace) == 0 {
		plan.certFactsModel = state.certFactsModel
		plan.ID = state.ID
		plan.ChainThumbprints = state.ChainThumbprints
		if read != nil {
			warnValidity(diags, *plan, read.Leaf)
		}
		if pfxNeedsReimport(*plan, *state) {
			planReimport(ctx, plan, *state, read, diags)
		}
		return pfxPlan{}
	}
	if read == nil {
		plan.setUnknown()
		plan.ID = types.StringUnknown()
		plan.ChainThumbprints = types.SetUnknown(types.StringType)
		return pfxPlan{replace: replace}
	}
	if !checkValidity(diags, *plan, read.Leaf) {
		return pfxPlan{}
	}
	facts, err := factsOf(read.Leaf, true)
	if err != nil {
		diags.AddAttributeError(pfxSourcePath(*plan), "Unreadable certificate in the PFX", err.Error())
		return pfxPlan{}
	}
	diags.Append(plan.certFactsModel.set(ctx, facts)...)
	plan.ID = types.StringValue(certificateID(plan.StoreName.ValueString(), facts.Thumbprint))
	var chain []string
	if plan.ImportChain.ValueBool() {
		for _, cert := range read.Chain {
			chain = append(chain, thumbprintOf(cert))
		}
	}
	var d diag.Diagnostics
	plan.ChainThumbprints, d = thumbprintSet(ctx, chain)
	diags.Append(d...)
	return pfxPlan{replace: replace}
}

// readPlannedPFX parses content_base64 when it and the password are known;
// nil when they are not, or when go-pkcs12 cannot read the file (a warning
// says the facts come after apply). Errors go on the attribute to fix.
func readPlannedPFX(plan pfxCertificateModel, password string, passwordKnown bool, diags *diag.Diagnostics) *parsedPFX {
	if plan.ContentBase64.IsNull() || plan.ContentBase64.IsUnknown() {
		return nil
	}
	content, err := decodeBase64(plan.ContentBase64.ValueString())
	if err != nil {
		diags.AddAttributeError(path.Root("content_base64"), "Invalid PFX content",
			"content_base64 is not base64: "+err.Error()+". Use filebase64(\"host.pfx\").")
		return nil
	}
	if !passwordKnown {
		// A certificate needs no password to be recognised.
		if isBareCertificate(content) {
			addPFXParseDiagnostic(diags, plan, errPFXIsCertificate)
		}
		return nil
	}
	parsed, err := parsePFX(content, password)
	if err == nil {
		return &parsed
	}
	addPFXParseDiagnostic(diags, plan, err)
	return nil
}

// remotePFXToInspect says the plan reads the remote_path file on the host:
// it and the password are known, and the plan may import it (a new
// certificate, another file, a new password or password_wo_version, or a
// file named after terraform import). A plan of an unchanged resource does
// not read it: it imports nothing.
func remotePFXToInspect(plan pfxCertificateModel, state *pfxCertificateModel, passwordKnown bool) bool {
	if !knownString(plan.RemotePath) || !passwordKnown {
		return false
	}
	return state == nil || len(changedPaths(plan, *state, "remote_path", "password", "password_wo_version")) > 0
}

// inspectRemotePFX has the host read the remote_path file without
// importing it (cert.pfx_file.inspect), so that the plan knows its facts
// and runs the checks content_base64 gets: what the host refuses becomes
// the diagnostic parsePFX's error would. A PFX the host's reader cannot
// read, though Windows may import it, leaves the facts to the apply with a
// warning (nil). pbes2 says the file is encrypted with PBES2.
func inspectRemotePFX(ctx context.Context, host *windows.Host, plan pfxCertificateModel, password string, diags *diag.Diagnostics) (read *parsedPFX, pbes2 bool) {
	remotePath := plan.RemotePath.ValueString()
	inspection, err := host.Certificates().InspectPFXFile(ctx, remotePath, password)
	switch {
	case windows.IsNotFound(err):
		diags.AddAttributeError(path.Root("remote_path"), "PFX file not found on the host", err.Error())
		return nil, false
	case windows.IsWrongPFXPassword(err):
		addPFXParseDiagnostic(diags, plan, errPFXWrongPassword)
		return nil, false
	case windows.IsNotPFX(err):
		addPFXParseDiagnostic(diags, plan, fmt.Errorf("%w (host: %s)", errPFXMalformed, err.Error()))
		return nil, false
	case windows.IsInvalidParameter(err):
		diags.AddAttributeError(path.Root("remote_path"), "Windows would reject the PFX", err.Error())
		return nil, false
	case err != nil:
		addHostError(diags, "Cannot read the PFX file on the host", err)
		return nil, false
	case !inspection.Inspected:
		addPFXParseDiagnostic(diags, plan, fmt.Errorf("%w: the host's reader says %s", errPFXUnsupported, inspection.Reason))
		return nil, false
	case inspection.BareCertificate:
		addPFXParseDiagnostic(diags, plan, errPFXIsCertificate)
		return nil, false
	case !inspection.Certificate.HasPrivateKey:
		addPFXParseDiagnostic(diags, plan, errPFXNoPrivateKey)
		return nil, false
	}
	leaf, err := parseCertificatePEM(inspection.Certificate.PEM)
	if err != nil {
		diags.AddAttributeError(path.Root("remote_path"), "Unreadable certificate in the PFX", err.Error())
		return nil, false
	}
	read = &parsedPFX{Leaf: leaf}
	for _, c := range inspection.Chain {
		cert, err := parseCertificatePEM(c.PEM)
		if err != nil {
			diags.AddAttributeError(path.Root("remote_path"), "Unreadable certificate in the PFX", err.Error())
			return nil, false
		}
		read.Chain = append(read.Chain, cert)
	}
	return read, inspection.PBES2
}

// addPFXParseDiagnostic says what is wrong with the PFX and what to do,
// on the attribute that names it (content_base64 or remote_path).
func addPFXParseDiagnostic(diags *diag.Diagnostics, plan pfxCertificateModel, err error) {
	content := pfxSourcePath(plan)
	holds, mustBe := "content_base64 holds", ". content_base64 must be the base64 of a .pfx/.p12 file: filebase64(\"host.pfx\")."
	if !plan.RemotePath.IsNull() {
		holds, mustBe = "The file at remote_path holds", ". remote_path must name a .pfx/.p12 file on the host, copied in binary mode."
	}
	switch {
	case errors.Is(err, errPFXWrongPassword):
		diags.AddAttributeError(passwordPath(plan), "Wrong PFX password",
			"The password does not open this PFX (its integrity check fails), so Windows would refuse it with "+
				"\"The specified network password is not correct.\" Set password_wo (or password) to the "+
				"password the PFX was exported with.")
	case errors.Is(err, errPFXNoPrivateKey):
		diags.AddAttributeError(content, "PFX without a private key",
			"The PFX holds no private key, so HTTP.sys could not use the certificate for TLS (error 1312). "+
				"Export it again with its private key: in the certificate MMC, Export, \"Yes, export the private "+
				"key\"; or certutil -exportPFX.")
	case errors.Is(err, errPFXIsCertificate):
		diags.AddAttributeError(content, "Certificate without its private key, not a PFX",
			holds+" an X.509 certificate (a .cer or .crt file), not a PFX. Windows would import it "+
				"without a private key, so HTTP.sys could not use it for TLS (error 1312). Export the certificate "+
				"with its private key as a .pfx (in the certificate MMC: Export, \"Yes, export the private key\"; "+
				"or openssl pkcs12 -export), or use windows_certificate for a certificate without a key, such as a root CA.")
	case errors.Is(err, errPFXKeyMismatch):
		diags.AddAttributeError(content, "PFX key matches no certificate",
			"The private key in the PFX belongs to none of its certificates. Export the certificate together with its own key again.")
	case errors.Is(err, errPFXUnsupported):
		diags.AddAttributeWarning(content, "PFX not readable at plan time",
			err.Error()+". Windows may still import it: the thumbprint and the other facts will be known after apply, "+
				"and the host checks the password then.")
	default:
		diags.AddAttributeError(content, "Invalid PFX content", err.Error()+mustBe)
	}
}

// passwordPath is the attribute a wrong password is reported on.
func passwordPath(plan pfxCertificateModel) path.Path {
	if !plan.Password.IsNull() {
		return path.Root("password")
	}
	return path.Root("password_wo")
}

// pfxReplacements lists what forces a new certificate. Terraform replaces
// only for listed attributes whose value changes, so each is named as
// changed. What imports the same certificate again (pfxNeedsReimport) is an
// in-place update instead: a store holds a certificate once, so a
// replacement by the same certificate could neither create first nor, while
// an SSL binding serves it, destroy first.
func pfxReplacements(plan, state pfxCertificateModel, read *parsedPFX) path.Paths {
	var replace path.Paths
	if !strings.EqualFold(plan.StoreName.ValueString(), state.StoreName.ValueString()) {
		replace = append(replace, path.Root("store_name"))
	}
	if read != nil {
		if thumbprintOf(read.Leaf) != state.Thumbprint.ValueString() {
			// Another certificate: replaced when the attribute naming the
			// PFX changed (pfxHoldsStateCertificate refuses the rest).
			replace = append(replace, changedPaths(plan, state, "content_base64", "remote_path")...)
		}
		return replace
	}
	if pfxImportedState(state) && !plan.RemotePath.IsNull() {
		// After terraform import the file is taken over by importing it
		// again in place (pfxNeedsReimport); the host confirms it holds the
		// imported certificate.
		return replace
	}
	// The PFX cannot be read now (a file on the host, or unknown until
	// apply): new content or another file may be a new certificate.
	replace = append(replace, changedPaths(plan, state, "content_base64", "remote_path")...)
	if plan.RemotePath.IsNull() {
		replace = append(replace, changedPaths(plan, state, "password", "password_wo_version")...)
	}
	// With the same remote_path, a new password imports the file again in
	// place, and the host confirms it still holds this certificate.
	return replace
}

// pfxHoldsStateCertificate refuses, at plan, a PFX read now that holds
// another certificate than the state's although the attribute naming it
// did not change: a remote_path file replaced on the host, planned for a
// new password (password_wo_version). Importing it again in place would be
// refused at apply (expect_thumbprint); a replacement needs the user's
// word. A PFX named anew is replaced instead (pfxReplacements).
func pfxHoldsStateCertificate(plan, state pfxCertificateModel, read *parsedPFX, replace path.Paths, diags *diag.Diagnostics) bool {
	thumbprint := thumbprintOf(read.Leaf)
	if thumbprint == state.Thumbprint.ValueString() || len(replace) > 0 {
		return true
	}
	diags.AddAttributeError(pfxSourcePath(plan), "The PFX holds another certificate",
		fmt.Sprintf("This plan imports certificate %s again (the password changed), but the PFX now holds certificate %s (subject %s). "+
			"The host was not changed. To put the new certificate in place, replace the resource: terraform apply -replace=<address> "+
			"(with lifecycle { create_before_destroy = true } if an SSL binding serves the certificate), or name the new file in remote_path.",
			state.Thumbprint.ValueString(), thumbprint, subjectOf(read.Leaf)))
	return false
}

// pfxNeedsReimport says an update imports the PFX again over the
// certificate in the store (the same thumbprint): the key's exportable flag
// or import_chain changed, a remote_path file's password changed, or the
// private key was deleted outside Terraform. A state from terraform import
// (no content and no remote_path) adopts the configured exportable and
// import_chain without a new import: they are defaults there, not facts.
func pfxNeedsReimport(plan, state pfxCertificateModel) bool {
	if pfxKeyLost(state) {
		return true
	}
	if pfxImportedState(state) {
		return !plan.RemotePath.IsNull()
	}
	if len(changedPaths(plan, state, "exportable", "import_chain")) > 0 {
		return true
	}
	return !plan.RemotePath.IsNull() && len(changedPaths(plan, state, "password", "password_wo_version")) > 0
}

// pfxImportedState says the state comes from terraform import: the host
// cannot tell which content or file the certificate came from.
func pfxImportedState(state pfxCertificateModel) bool {
	return state.ContentBase64.IsNull() && state.RemotePath.IsNull()
}

// pfxKeyLost says Read found the certificate without its private key.
func pfxKeyLost(state pfxCertificateModel) bool {
	return !state.HasPrivateKey.IsNull() && !state.HasPrivateKey.IsUnknown() && !state.HasPrivateKey.ValueBool()
}

// planReimport completes the plan of an in-place re-import: the key is
// there afterwards, and the chain follows import_chain.
func planReimport(ctx context.Context, plan *pfxCertificateModel, state pfxCertificateModel, read *parsedPFX, diags *diag.Diagnostics) {
	plan.HasPrivateKey = types.BoolValue(true)
	if plan.ImportChain.Equal(state.ImportChain) {
		return
	}
	if !plan.ImportChain.ValueBool() {
		// The chain certificates stay in CA and Root, as on destroy.
		var d diag.Diagnostics
		plan.ChainThumbprints, d = thumbprintSet(ctx, nil)
		diags.Append(d...)
		return
	}
	if read == nil {
		plan.ChainThumbprints = types.SetUnknown(types.StringType)
		return
	}
	var chain []string
	for _, cert := range read.Chain {
		chain = append(chain, thumbprintOf(cert))
	}
	var d diag.Diagnostics
	plan.ChainThumbprints, d = thumbprintSet(ctx, chain)
	diags.Append(d...)
}

// changedPaths returns the named attributes whose planned value differs from
// the state's.
func changedPaths(plan, state pfxCertificateModel, names ...string) path.Paths {
	values := func(m pfxCertificateModel) map[string]attr.Value {
		return map[string]attr.Value{
			"content_base64": m.ContentBase64, "remote_path": m.RemotePath, "password": m.Password,
			"password_wo_version": m.PasswordWOVersion, "exportable": m.Exportable, "import_chain": m.ImportChain,
		}
	}
	planned, prior := values(plan), values(state)
	var changed path.Paths
	for _, name := range names {
		if !planned[name].Equal(prior[name]) {
			changed = append(changed, path.Root(name))
		}
	}
	return changed
}

// checkValidity fails the plan for a certificate that has expired: a new
// import of it would break TLS at the maintenance window.
func checkValidity(diags *diag.Diagnostics, plan pfxCertificateModel, cert *x509.Certificate) bool {
	now := time.Now()
	if now.After(cert.NotAfter) {
		diags.AddAttributeError(pfxSourcePath(plan), "Certificate expired",
			fmt.Sprintf("The certificate in the PFX (thumbprint %s, subject %s) expired on %s. Renew it and export a new PFX.",
				thumbprintOf(cert), subjectOf(cert), formatTime(cert.NotAfter)))
		return false
	}
	if now.Before(cert.NotBefore) {
		diags.AddAttributeWarning(pfxSourcePath(plan), "Certificate not yet valid",
			fmt.Sprintf("The certificate in the PFX (thumbprint %s) is valid only from %s; clients reject it until then.",
				thumbprintOf(cert), formatTime(cert.NotBefore)))
	}
	return true
}

// warnValidity warns about an already imported certificate that has expired
// or is not yet valid; the plan goes on so that the rest can be managed.
func warnValidity(diags *diag.Diagnostics, plan pfxCertificateModel, cert *x509.Certificate) {
	now := time.Now()
	if now.After(cert.NotAfter) {
		source := pfxSourcePath(plan)
		diags.AddAttributeWarning(source, "Certificate expired",
			fmt.Sprintf("Certificate %s in LocalMachine\\%s expired on %s; TLS clients reject it. Renew it and set %s to the new PFX.",
				thumbprintOf(cert), plan.StoreName.ValueString(), formatTime(cert.NotAfter), source))
	}
}

// applyImported completes the plan with what the host reported: facts that
// were known at plan time keep their planned values.
func applyImported(ctx context.Context, plan *pfxCertificateModel, imported windows.Imported) diag.Diagnostics {
	var diags diag.Diagnostics
	diags.Append(plan.completeFrom(ctx, imported.Certificate)...)
	if plan.ChainThumbprints.IsUnknown() {
		var chain []string
		for _, c := range imported.Chain {
			chain = append(chain, c.Thumbprint)
		}
		var d diag.Diagnostics
		plan.ChainThumbprints, d = thumbprintSet(ctx, chain)
		diags.Append(d...)
	}
	return diags
}

// addPFXImportError explains an import the host refused.
func addPFXImportError(diags *diag.Diagnostics, plan pfxCertificateModel, err error) {
	switch {
	case windows.IsWrongPFXPassword(err):
		diags.AddAttributeError(passwordPath(plan), "Windows could not open the PFX",
			"The host says: \"The specified network password is not correct.\" Either the password is wrong, or "+
				"the PFX is encrypted with AES-256 (the OpenSSL 3 default), which Windows before Windows 10 1709 / "+
				"Windows Server 2019 (build 16299) cannot read, Windows Server 2016 included: export it again with "+
				"TripleDES-SHA1 (openssl pkcs12 -export -legacy, or Export-PfxCertificate -CryptoAlgorithmOption TripleDES_SHA1).")
	case windows.IsNotPFX(err):
		diags.AddAttributeError(pfxSourcePath(plan), "Windows could not read the PFX",
			"Windows says this is not a PFX (PKCS#12) file it can read: the file is damaged or truncated, or it "+
				"is something else. Give a .pfx/.p12 file exported with its private key; copy it in binary mode.\n\n"+
				"Host error: "+err.Error())
	case windows.IsInvalidParameter(err):
		diags.AddAttributeError(pfxSourcePath(plan), "Windows rejected the PFX", err.Error())
	case windows.IsNoUsablePrivateKey(err):
		diags.AddAttributeError(pfxSourcePath(plan), "Imported private key not usable",
			"Windows imported the certificate but cannot open its private key, so HTTP.sys could not serve TLS "+
				"with it; the host was left as it was before the import. Apply again; if it persists, import the PFX "+
				"once by hand (certutil -p PASSWORD -importPFX FILE) to see Windows' own error.\n\nHost error: "+err.Error())
	case windows.IsNotFound(err) && !plan.RemotePath.IsNull():
		diags.AddAttributeError(path.Root("remote_path"), "PFX file not found on the host", err.Error())
	default:
		addHostError(diags, "Cannot import PFX", err)
	}
}

func pfxSourcePath(plan pfxCertificateModel) path.Path {
	if !plan.RemotePath.IsNull() {
		return path.Root("remote_path")
	}
	return path.Root("content_base64")
}

// checkCertificateAbsent refuses to take over a certificate already in the
// store: destroying the resource would delete what Terraform did not put
// there, a certificate other services may use. Called when planning a new
// certificate (before anything of the configuration changes) and again
// just before adding it. The provider cannot know the resource's address
// (a module's resources are addressed module.NAME.…), so the message
// points at the one Terraform prints with it, after "with".
func checkCertificateAbsent(ctx context.Context, host *windows.Host, store, thumbprint, resourceType string, diags *diag.Diagnostics) bool {
	_, err := host.Certificates().Get(ctx, store, thumbprint)
	switch {
	case windows.IsNotFound(err):
		return true
	case err != nil:
		addHostError(diags, "Cannot read certificate store", err)
		return false
	}
	diags.AddError("Certificate already in the store", certificateInStoreDetail(store, thumbprint, resourceType))
	return false
}

// certificateInStoreDetail says what to do about a certificate found in the
// store that this configuration does not manage: use it as it is (the
// windows_certificate data source, or a module's certificate_thumbprint),
// or import it, knowing that destroy then deletes it.
func certificateInStoreDetail(store, thumbprint, resourceType string) string {
	id := certificateID(store, thumbprint)
	useAsIs := "To use the installed certificate as it is, and never delete it: read it with the windows_certificate " +
		"data source (store_name = " + valuetext.HCLString(store) + ", thumbprint = " + valuetext.HCLString(thumbprint) +
		") and use its thumbprint instead of this resource's. The example modules (sage50-https, sage300-https, " +
		"netpos-https) do this when given certificate_thumbprint = " + valuetext.HCLString(thumbprint) +
		" instead of pfx_path."
	example := "module.sage50.windows_pfx_certificate.trusted[0]"
	remotePath := "\n\nIf this apply replaces a windows_pfx_certificate that has create_before_destroy because its " +
		"remote_path changed (a file the host could not read at plan; one it reads is an update), the new file holds " +
		"the certificate already imported: keep the previous remote_path, since the same certificate needs no new import."
	replaced := "\n\nIf this plan replaces this very resource (terraform apply -replace=ADDRESS, or a tainted " +
		"resource), the certificate in the store is its own: a replacement would import the same certificate again, " +
		"which an update does in place when needed. Plan without -replace, or run terraform untaint 'ADDRESS'."
	if resourceType != "windows_pfx_certificate" {
		remotePath = ""
		replaced = strings.ReplaceAll(replaced, "import the same certificate again, which an update does in place when needed",
			"add the same certificate again")
		useAsIs = "If the store holding it is all this resource is for, leave the resource out: the certificate is there already."
		example = "module.sage300.windows_certificate.bpa_trusts_sage300"
	}
	return fmt.Sprintf("Certificate %[1]s is already in LocalMachine\\%[2]s, and this configuration does not manage it "+
		"(installed by hand, enrolled from a CA, or managed elsewhere). Terraform does not take over a certificate it "+
		"did not add: destroying this resource would delete it, also for the other services that use it. The store "+
		"was not changed.\n\n%[3]s\n\n"+
		"To manage it with Terraform instead (a later destroy deletes it from the store), import it into this "+
		"resource. Its address is the one Terraform prints with this error, after \"with\" above this text; inside a module "+
		"it starts with module.NAME., for example %[4]s:\n\n"+
		"  terraform import 'ADDRESS' %[5]s\n\n"+
		"or, in the root module, an import block:\n\n  import {\n    to = ADDRESS\n    id = %[6]s\n  }%[7]s%[8]s",
		thumbprint, store, useAsIs, example, shellQuote(id), valuetext.HCLString(id), remotePath, replaced)
}
