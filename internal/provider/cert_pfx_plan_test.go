package provider

import (
	"context"
	"crypto/x509/pkix"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"software.sslmate.com/src/go-pkcs12"
)

// pfxModel is a configured windows_pfx_certificate as the plan holds it.
func pfxModel(content []byte, store string) pfxCertificateModel {
	stored := storedCertificateModel{ID: types.StringUnknown(), StoreName: types.StringValue(store)}
	stored.setUnknown()
	m := pfxCertificateModelWithDefaults(stored, types.SetUnknown(types.StringType))
	m.ContentBase64 = types.StringValue(base64.StdEncoding.EncodeToString(content))
	return m
}

// appliedState is what the state holds after m was applied.
func appliedState(t *testing.T, m pfxCertificateModel) pfxCertificateModel {
	t.Helper()
	var diags diag.Diagnostics
	planned := m
	planPFX(context.Background(), &planned, nil, testPFXPassword, true, &diags)
	if diags.HasError() {
		t.Fatalf("plan: %v", diags)
	}
	return planned
}

func TestPlanPFXKnowsFactsAtPlanTime(t *testing.T) {
	chain := NewTestChain(t, LeafOptions{Subject: pkix.Name{CommonName: "sage300.example.local"}, DNSNames: []string{"sage300.example.local"}})
	plan := pfxModel(chain.PFX(t, pkcs12.Modern, testPFXPassword, true), "My")
	plan.ImportChain = types.BoolValue(true)
	var diags diag.Diagnostics
	p := planPFX(context.Background(), &plan, nil, testPFXPassword, true, &diags)
	if diags.HasError() || len(p.replace) != 0 {
		t.Fatalf("plan: %v, replace %v", diags, p.replace)
	}
	thumbprint := thumbprintOf(chain.Leaf)
	checks := map[string]bool{
		"thumbprint":      plan.Thumbprint.ValueString() == thumbprint,
		"id":              plan.ID.ValueString() == "MY/"+thumbprint,
		"subject":         plan.Subject.ValueString() == "CN=sage300.example.local",
		"has_private_key": plan.HasPrivateKey.ValueBool(),
		"dns_names":       len(plan.DNSNames.Elements()) == 1,
		"chain":           len(plan.ChainThumbprints.Elements()) == 2,
		"not_after":       !plan.NotAfter.IsUnknown(),
	}
	for name, ok := range checks {
		if !ok {
			t.Errorf("%s not planned as expected: %+v", name, plan)
		}
	}
}

func TestPlanPFXFailures(t *testing.T) {
	valid := NewTestChain(t, LeafOptions{Subject: pkix.Name{CommonName: "valid"}})
	expired := NewTestChain(t, LeafOptions{Subject: pkix.Name{CommonName: "expired"},
		NotBefore: time.Now().AddDate(-2, 0, 0), NotAfter: time.Now().AddDate(-1, 0, 0)})
	tests := []struct {
		name      string
		content   []byte
		password  string
		usesWO    bool
		wantPath  path.Path
		wantError string
	}{
		{name: "wrong password_wo", content: valid.PFX(t, pkcs12.Modern, testPFXPassword, false), password: "wrong", usesWO: true,
			wantPath: path.Root("password_wo"), wantError: "Wrong PFX password"},
		{name: "wrong password", content: valid.PFX(t, pkcs12.Legacy, testPFXPassword, false), password: "wrong",
			wantPath: path.Root("password"), wantError: "Wrong PFX password"},
		{name: "no private key", content: valid.PFXWithoutKey(t, pkcs12.Modern, testPFXPassword), password: testPFXPassword,
			wantPath: path.Root("content_base64"), wantError: "PFX without a private key"},
		{name: "expired", content: expired.PFX(t, pkcs12.Modern, testPFXPassword, false), password: testPFXPassword,
			wantPath: path.Root("content_base64"), wantError: "Certificate expired"},
		{name: "not a PFX", content: []byte("hello"), password: testPFXPassword,
			wantPath: path.Root("content_base64"), wantError: "Invalid PFX content"},
		{name: "a DER certificate", content: valid.Leaf.Raw, password: testPFXPassword,
			wantPath: path.Root("content_base64"), wantError: "Certificate without its private key, not a PFX"},
		{name: "a PEM certificate", content: []byte(CertificatePEM(valid.Leaf)), password: testPFXPassword,
			wantPath: path.Root("content_base64"), wantError: "Certificate without its private key, not a PFX"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan := pfxModel(tt.content, "My")
			if tt.usesWO {
				plan.PasswordWO = types.StringValue(tt.password)
			} else {
				plan.Password = types.StringValue(tt.password)
			}
			var diags diag.Diagnostics
			planPFX(context.Background(), &plan, nil, tt.password, true, &diags)
			if !diags.HasError() {
				t.Fatal("plan succeeded")
			}
			d := diags.Errors()[0]
			withPath, ok := d.(diag.DiagnosticWithPath)
			if d.Summary() != tt.wantError || !ok || !withPath.Path().Equal(tt.wantPath) {
				t.Errorf("error %q on %v, want %q on %v", d.Summary(), withPath, tt.wantError, tt.wantPath)
			}
			assertNoSecret(t, d.Summary()+d.Detail(), tt.password, tt.content)
			assertNoSecret(t, d.Detail(), testPFXPassword, tt.content)
		})
	}
}

func TestPlanPFXUnknownPasswordStillRefusesACertificate(t *testing.T) {
	chain := NewTestChain(t, LeafOptions{Subject: pkix.Name{CommonName: "a"}})
	plan := pfxModel(chain.Leaf.Raw, "My")
	var diags diag.Diagnostics
	planPFX(context.Background(), &plan, nil, "", false, &diags)
	if !diags.HasError() || diags.Errors()[0].Summary() != "Certificate without its private key, not a PFX" {
		t.Fatalf("plan of a DER certificate with an unknown password: %v, want the certificate refused", diags)
	}
}

func TestPlanPFXUnknownPasswordLeavesFactsUnknown(t *testing.T) {
	chain := NewTestChain(t, LeafOptions{Subject: pkix.Name{CommonName: "a"}})
	plan := pfxModel(chain.PFX(t, pkcs12.Modern, testPFXPassword, false), "My")
	var diags diag.Diagnostics
	planPFX(context.Background(), &plan, nil, "", false, &diags)
	if diags.HasError() || !plan.Thumbprint.IsUnknown() || !plan.ID.IsUnknown() {
		t.Fatalf("plan with an unknown password: %v, thumbprint %v", diags, plan.Thumbprint)
	}
}

func TestPFXReplacements(t *testing.T) {
	a := NewTestChain(t, LeafOptions{Subject: pkix.Name{CommonName: "a"}})
	b := NewTestChain(t, LeafOptions{Subject: pkix.Name{CommonName: "b"}})
	aModern := a.PFX(t, pkcs12.Modern, testPFXPassword, false)
	aLegacy := a.PFX(t, pkcs12.Legacy, testPFXPassword, false)
	bModern := b.PFX(t, pkcs12.Modern, testPFXPassword, false)
	state := appliedState(t, pfxModel(aModern, "My"))
	imported := state
	imported.ContentBase64 = types.StringNull()
	remote := state
	remote.ContentBase64 = types.StringNull()
	remote.RemotePath = types.StringValue(`C:\certs\a.pfx`)
	noKey := state
	noKey.HasPrivateKey = types.BoolValue(false)

	tests := []struct {
		name  string
		state pfxCertificateModel
		plan  func(m *pfxCertificateModel)
		want  []string
		// reimport: an in-place update imports the PFX again.
		reimport bool
	}{
		{name: "same content", state: state, plan: func(*pfxCertificateModel) {}},
		{name: "same certificate, re-exported", state: state, plan: setContent(aLegacy)},
		{name: "another certificate", state: state, plan: setContent(bModern), want: []string{"content_base64"}},
		{name: "store name case", state: state, plan: func(m *pfxCertificateModel) { m.StoreName = types.StringValue("MY") }},
		{name: "another store", state: state, plan: func(m *pfxCertificateModel) { m.StoreName = types.StringValue("WebHosting") }, want: []string{"store_name"}},
		{name: "exportable", state: state, plan: func(m *pfxCertificateModel) { m.Exportable = types.BoolValue(true) }, reimport: true},
		{name: "import_chain", state: state, plan: func(m *pfxCertificateModel) { m.ImportChain = types.BoolValue(true) }, reimport: true},
		{name: "password_wo_version with the same certificate", state: state, plan: func(m *pfxCertificateModel) {
			m.PasswordWOVersion = types.Int64Value(2)
		}},
		{name: "after import, same certificate", state: imported, plan: func(*pfxCertificateModel) {}},
		{name: "after import, settings adopted", state: imported, plan: func(m *pfxCertificateModel) {
			m.Exportable = types.BoolValue(true)
			m.ImportChain = types.BoolValue(true)
			m.PasswordWOVersion = types.Int64Value(1)
		}},
		{name: "after import, another certificate", state: imported, plan: setContent(bModern), want: []string{"content_base64"}},
		// The file cannot be read at plan: the update imports it again and
		// the host confirms it holds the imported certificate.
		{name: "after import, remote_path is adopted by a re-import", state: imported, plan: setRemotePath(`C:\certs\a.pfx`), reimport: true},
		{name: "after import, unreadable content", state: imported, plan: func(m *pfxCertificateModel) {
			m.ContentBase64 = types.StringUnknown()
		}, want: []string{"content_base64"}},
		{name: "remote_path unchanged", state: remote, plan: setRemotePath(`C:\certs\a.pfx`)},
		{name: "from remote_path to content of the same certificate", state: remote, plan: func(*pfxCertificateModel) {}},
		{name: "remote_path changed", state: remote, plan: setRemotePath(`C:\certs\b.pfx`), want: []string{"remote_path"}},
		{name: "remote_path password_wo_version changed", state: remote, plan: func(m *pfxCertificateModel) {
			setRemotePath(`C:\certs\a.pfx`)(m)
			m.PasswordWOVersion = types.Int64Value(2)
		}, reimport: true},
		{name: "remote_path password changed", state: remote, plan: func(m *pfxCertificateModel) {
			setRemotePath(`C:\certs\a.pfx`)(m)
			m.Password = types.StringValue("new")
		}, reimport: true},
		{name: "unreadable content, password changed", state: state, plan: func(m *pfxCertificateModel) {
			m.ContentBase64 = types.StringUnknown()
			m.Password = types.StringValue("new")
		}, want: []string{"content_base64", "password"}},
		{name: "private key deleted outside Terraform", state: noKey, plan: func(*pfxCertificateModel) {}, reimport: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan := pfxModel(aModern, "My")
			tt.plan(&plan)
			var read *parsedPFX
			if !plan.ContentBase64.IsNull() && !plan.ContentBase64.IsUnknown() {
				content, _ := decodeBase64(plan.ContentBase64.ValueString())
				p, err := parsePFX(content, testPFXPassword)
				if err != nil {
					t.Fatal(err)
				}
				read = &p
			}
			var got []string
			for _, p := range pfxReplacements(plan, tt.state, read) {
				got = append(got, p.String())
			}
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("replace %v, want %v", got, tt.want)
			}
			if reimport := pfxNeedsReimport(plan, tt.state); reimport != tt.reimport {
				t.Errorf("re-import %t, want %t", reimport, tt.reimport)
			}
		})
	}
}

func setContent(content []byte) func(m *pfxCertificateModel) {
	return func(m *pfxCertificateModel) {
		m.ContentBase64 = types.StringValue(base64.StdEncoding.EncodeToString(content))
	}
}

func setRemotePath(p string) func(m *pfxCertificateModel) {
	return func(m *pfxCertificateModel) {
		m.ContentBase64 = types.StringNull()
		m.RemotePath = types.StringValue(p)
	}
}

func TestPlanPFXKeepsStateFactsForTheSameCertificate(t *testing.T) {
	a := NewTestChain(t, LeafOptions{Subject: pkix.Name{CommonName: "a"}})
	state := appliedState(t, pfxModel(a.PFX(t, pkcs12.Modern, testPFXPassword, false), "My"))
	// The host's rendering after a refresh, which the plan must not undo.
	state.Subject = types.StringValue("CN=a (as the host prints it)")
	plan := pfxModel(a.PFX(t, pkcs12.Legacy, testPFXPassword, false), "My")
	var diags diag.Diagnostics
	p := planPFX(context.Background(), &plan, &state, testPFXPassword, true, &diags)
	if diags.HasError() || len(p.replace) != 0 {
		t.Fatalf("plan: %v, replace %v", diags, p.replace)
	}
	if !plan.certFactsModel.Subject.Equal(state.Subject) || !plan.ID.Equal(state.ID) {
		t.Errorf("planned subject %v, id %v; want the state's %v, %v", plan.Subject, plan.ID, state.Subject, state.ID)
	}
}

func TestPlanPFXWarnsAboutAnExpiredImportedCertificate(t *testing.T) {
	expired := NewTestChain(t, LeafOptions{Subject: pkix.Name{CommonName: "expired"},
		NotBefore: time.Now().AddDate(-2, 0, 0), NotAfter: time.Now().AddDate(-1, 0, 0)})
	content := expired.PFX(t, pkcs12.Modern, testPFXPassword, false)
	state := pfxModel(content, "My")
	var d diag.Diagnostics
	state.certFactsModel.set(context.Background(), mustFacts(t, expired))
	state.ID = types.StringValue("MY/" + thumbprintOf(expired.Leaf))
	state.ChainThumbprints, d = thumbprintSet(context.Background(), nil)
	if d.HasError() {
		t.Fatal(d)
	}
	plan := pfxModel(content, "My")
	var diags diag.Diagnostics
	planPFX(context.Background(), &plan, &state, testPFXPassword, true, &diags)
	if diags.HasError() || diags.WarningsCount() != 1 || diags.Warnings()[0].Summary() != "Certificate expired" {
		t.Fatalf("diagnostics %v, want one expiry warning", diags)
	}
}

func mustFacts(t *testing.T, c TestChain) certFacts {
	t.Helper()
	f, err := factsOf(c.Leaf, true)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestPlanReadPFXOfARemotePath: a remote_path file the host read at plan
// is planned as content is: the same certificate in another file is kept,
// another certificate in another file replaces, and another certificate in
// the same file planned for a new password fails the plan.
func TestPlanReadPFXOfARemotePath(t *testing.T) {
	a := NewTestChain(t, LeafOptions{Subject: pkix.Name{CommonName: "a"}})
	b := NewTestChain(t, LeafOptions{Subject: pkix.Name{CommonName: "b"}})
	state := appliedState(t, pfxModel(a.PFX(t, pkcs12.Modern, testPFXPassword, false), "My"))
	setRemotePath(`C:\certs\a.pfx`)(&state)
	tests := []struct {
		name      string
		read      TestChain
		plan      func(m *pfxCertificateModel)
		replace   []string
		wantError string
	}{
		{name: "the same certificate moved", read: a, plan: setRemotePath(`D:\certs\a.pfx`)},
		{name: "another certificate in another file", read: b, plan: setRemotePath(`D:\certs\b.pfx`), replace: []string{"remote_path"}},
		{name: "another certificate in the same file, new password", read: b, plan: func(m *pfxCertificateModel) {
			setRemotePath(`C:\certs\a.pfx`)(m)
			m.PasswordWOVersion = types.Int64Value(2)
		}, wantError: "The PFX holds another certificate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan := state
			tt.plan(&plan)
			var diags diag.Diagnostics
			p := planReadPFX(context.Background(), &plan, &state, &parsedPFX{Leaf: tt.read.Leaf}, &diags)
			if tt.wantError != "" {
				if !diags.HasError() || diags.Errors()[0].Summary() != tt.wantError {
					t.Fatalf("diagnostics %v, want %q", diags, tt.wantError)
				}
				return
			}
			if diags.HasError() {
				t.Fatal(diags)
			}
			var got []string
			for _, r := range p.replace {
				got = append(got, r.String())
			}
			if strings.Join(got, ",") != strings.Join(tt.replace, ",") {
				t.Errorf("replace %v, want %v", got, tt.replace)
			}
			if want := thumbprintOf(tt.read.Leaf); len(tt.replace) > 0 && plan.Thumbprint.ValueString() != want {
				t.Errorf("planned thumbprint %v, want the file's %s", plan.Thumbprint, want)
			}
		})
	}
}

// TestRemotePFXToInspect: the host reads a remote_path file only for a plan
// that may import it, and only with its path and password known.
func TestRemotePFXToInspect(t *testing.T) {
	a := NewTestChain(t, LeafOptions{Subject: pkix.Name{CommonName: "a"}})
	state := appliedState(t, pfxModel(a.PFX(t, pkcs12.Modern, testPFXPassword, false), "My"))
	setRemotePath(`C:\certs\a.pfx`)(&state)
	content := appliedState(t, pfxModel(a.PFX(t, pkcs12.Modern, testPFXPassword, false), "My"))
	tests := []struct {
		name          string
		state         *pfxCertificateModel
		plan          func(m *pfxCertificateModel)
		passwordKnown bool
		want          bool
	}{
		{name: "create", state: nil, plan: func(*pfxCertificateModel) {}, passwordKnown: true, want: true},
		{name: "create, password unknown", state: nil, plan: func(*pfxCertificateModel) {}},
		{name: "create, path unknown", state: nil, plan: func(m *pfxCertificateModel) { m.RemotePath = types.StringUnknown() }, passwordKnown: true},
		{name: "unchanged", state: &state, plan: func(*pfxCertificateModel) {}, passwordKnown: true},
		{name: "exportable changed", state: &state, plan: func(m *pfxCertificateModel) { m.Exportable = types.BoolValue(true) }, passwordKnown: true},
		{name: "another path", state: &state, plan: setRemotePath(`D:\a.pfx`), passwordKnown: true, want: true},
		{name: "password_wo_version", state: &state, plan: func(m *pfxCertificateModel) { m.PasswordWOVersion = types.Int64Value(2) }, passwordKnown: true, want: true},
		{name: "from content", state: &content, plan: func(*pfxCertificateModel) {}, passwordKnown: true, want: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan := state
			tt.plan(&plan)
			if got := remotePFXToInspect(plan, tt.state, tt.passwordKnown); got != tt.want {
				t.Errorf("remotePFXToInspect = %t, want %t", got, tt.want)
			}
		})
	}
}
