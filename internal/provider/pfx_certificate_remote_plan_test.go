package provider_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"software.sslmate.com/src/go-pkcs12"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/acctest"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/provider"
)

// rc4PFX is a self-signed rc4.example.local (valid until 2126) whose safes
// are encrypted with pbeWithSHAAnd128BitRC4 (openssl pkcs12 -export -legacy
// -certpbe PBE-SHA1-RC4-128 -keypbe PBE-SHA1-RC4-128), password s3cret:
// Windows imports it, the host's PKCS #12 reader cannot read it (.NET
// Framework has no RC4).
const (
	rc4PFX           = "MIIJhgIBAzCCCUwGCSqGSIb3DQEHAaCCCT0Eggk5MIIJNTCCA/MGCSqGSIb3DQEHBqCCA+QwggPgAgEAMIID2QYJKoZIhvcNAQcBMBwGCiqGSIb3DQEMAQEwDgQI/fgGlsuYpOYCAggAgIIDrALfP1YSQ8Of1ft9XWtugOfcoCBGEae2q8zBcDpAAWRYOfaWqokAa0W8IhRxOVtn5LCi2xUHF9OL7ZBM6qzCqnhGaXWXa/QI7t5kHv/70rddPEcWVU2DUnxAYl1xBJUkQyZJ9zDY9ZCE873fURJVKM8naUKRjNx4XA0LFBKTRAWD2V96YXZU3iekE+ZYgQa7gqBMILQA6eCja+fOpoZVCGgcQHTn4PfSTjGv968bbGy76RzqmZsrpUlL7TeEv26BPGQOWk8pfgKgRs/sb+L3AyJRZvMHGeJVP5m2DTdy0rGaclWMdSQzQktIr/GrB8z9hc6pldW52dDNToVD6eRczW2mxgdhOnuiEWuU0lMahgVVSmZucC2iFKeQJBn240hfCLr5ivyvKjTSRvUgff6KBmT8jKZM/tppVy/sBQRj1BruCWcVEbzEVsiJg8blI/c7Lcn52+sDWKZEvpnSnzILgmE+prkUzrVzFelMYccfQGujz9zkZbruABGUCbOiuTpSJA8irMAq32RNN4X+ffC0J5YEh5qOY8vvci0aenX4tp6pgJi3C5WC2F3++ObEHDFr9/SlHcookdd77BlZSY/uxJLTMVyouR3mWmgvgzR5PwKmkrQoY2GABKr3nGiR0jKg+QXD0zT5ltHhZoR2abUp7JkwpEEyQNlELWpSwE+uU7BU2qebKcvMtDojdeVfjWgFlJbELjgVactnkFPpBmZ8YUf+SRInxdfOc8UTKMnAgggc8F3luvhO2K4o/qlwCMwQcVWIDXkgD2FmY15eMSM2NixUw7F88ieQu8BjzeT9uHbHyih8+YpcdjZAwtrxmx24Oulu7R23gedRzrnqSiBFO35dHsRiqpLfcsABiOd7/qZzaq1o+MKFXKCw8Fbu1ql2NDeXqGdAPkZ/OJrhC37fuW0D5a/xjjknJFNs3DxAmh/1K8UeU3opJn2itMkTRhQb7+AXFVp5Vn/aZufan7nWcvq1dIeDt6lwZrj58orcrPva5L3RUd3q4+W80V/a2s2m86puHBExGywnm51rp/+TEF0AMLrUbOErlS6PXpuakBzH0RyI0LURhPd+kbAfEknRiMEzMSQGoDGMkuxNtUBQ/GMwW7rXDmPsdvu4ZLQbV6ZxXID+6xJVHjT7M4VeVw3amZ2YGAgh50GDiXJ+o/gZKFKw+FXPuW5z+kD0YELhEpgT3j51tOmkZ0jYDVLieK2qB6Q7Pi/F4X3lIn19yThkJFiy8Edr77o77eOJDzkwggU6BgkqhkiG9w0BBwGgggUrBIIFJzCCBSMwggUfBgsqhkiG9w0BDAoBAqCCBOcwggTjMBwGCiqGSIb3DQEMAQEwDgQIblkfO65+z+ECAggABIIEwVGmn0DdJjB/NWVPykU6fvnzQdpVkHXFo3nLnE7kc0236mSTyA5jZRst18o6izeMAiFbDDHOXzVpLfrZLmMmLHtfiC4zglsbhmOZUda4/BEk9vabCFpNwAtw/9DT/Tf+OL+KZNFyckTEd+YKIhIxHCaN2ik86sNsakpOofuUdvM7MwYH2nqZ7s8gToZhtmpoGJnPP9M3i39jct4eUv/0RMDgVtduPyiAHHcGQ0IFMC8RbzEbdttCqTORhOxe56vJlZItwQqm63CUkp5ISj56QsADgHi58c+7E00+xnOodloUQGX1TNsPkoFgBOn1YDM0L50OB7mUV2RY9B11B/LNjoMoBsa5z7VqO33MxFh1FOGrBEcHqSS3ARgzQIf0HzGr/rmR2ufighJxDZQbARX23wwYH1swF2PvHAzdVNcLxdLXUpLesM2BLWrOoQldFP3+DSN4kC/OeperflGi1zh7cBQ6yaQIYI+wDrSgdY4FIWS1AXZAGcXgpBKpNgF8AAx4Tgz3VlKfmVxV4vn4MI+XgPROEtAYL4jrKuHohN8zpRZGnkPbo7dS2jtd6LW1Xe0fwB+iW19GevuPbTDIo5HR8OVEiYCSZKAlA2430DCrqv6J1qzeJ8Q6tDaiyGPeAH2yLLAsu9A1MWeHprLFQ0mS9ZrF5QhPtmXN9iXRyLPlD0F8y/fZqKCu5yoqur5WFebfFNZtkiSjF6UlxMq8nlLJt2AIXATYeOHPC11f9jES8FeTGdGI+v7HfLJyzKqT/CWKmxSU+kuPnjCx6ag+J9pFuiEPL/lqOyDgGe2b9t2Rjk3rpUClXNddjo7Wz4g7LRwPSh/YhN4doOlQmYSGssYZaoKL6yVUB0SlMPe9hE7gJ+B77oJqTF6cQGsi7tuqih4I7Fnb1xOF0U7VfH5fQzVO01W82ChBp5a+4cgdYQdaVLiXmLIlhjpTZyUxrzT16/+M/IejfBNVh9mt2FRAWzyJ9fgf05tGks7mUXoBlyeTIK4+HbxQCVdTtTtY/cHS/TpZGBviDANaIFm5AE3EBtsX++5jcNPFyxg2ovY0112lB2zxTkmabcc8KhlRFlghK5x8ycD9zQuT/1R6R9e63/dMunOUZf3Xayxzd0S/u4mqioPJOmqbXgTQX7lxt2QJEWu0MuZ//VupKx9q++2X5Cfux2zhelSGrudZ4JJlJ4NiYEutMwjXmZKBWHLG2012DVPsTVW5fTbuAwjEuSKI/My5FQqvBxCtSv9l+YZTnY8SwzEWEXnilq6amjQsTbOpvG8x72fLOnRmQOOSSo6CGgVK+EXlmBRCa6B6Ef57UXV5tkbXAHn2wxrIsL9xQCg9h6q3Ww1wXjYDQMyitEowIDSHN3W2W4ga9W9NqTO6hUwV04X/FNs26IywnFm1z8a8xT2nq3puyLfDrWk2ajCry31Nj4XAa7IwhB9wGFYyOx42mjvCoMuRDCPkgTRQ/Zk4Bnhpo8ZUFmlOAluUGvvXXvMJcdFjsZr8qdkzwOUoqeuzow98fD31TABZMXGiECrrAaKtHOArBqvKv1pYyIxdyVlqOmDV9sMeWHmoEAQXkt3i3QzBcDi4xw0XJMANbQ2PF+KVFuG6qODJqsIsohL/ozEg+UEbMSUwIwYJKoZIhvcNAQkVMRYEFCDf9rSlSGCPRFXmBMheBpUBKGRbMDEwITAJBgUrDgMCGgUABBQMSgeF/NXN8z8vxoxVulR4XJmJvgQI9dDAaiOWVBgCAggA"
	rc4PFXPassword   = "s3cret"
	rc4PFXThumbprint = "20DFF6B4A548608F4455E604C85E06950128645B"
)

// hostFiles is a simulator scenario with files, by path, in base64, on a
// host of the given Windows version.
func hostFiles(t *testing.T, caption, version string, files map[string]string) []byte {
	t.Helper()
	var list []map[string]string
	for p, b64 := range files {
		list = append(list, map[string]string{"path": p, "content_base64": b64})
	}
	b, err := json.Marshal(map[string]any{"os_caption": caption, "os_version": version, "files": list})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// remotePFXConfig imports the file at path with password_wo.
func remotePFXConfig(h *acctest.Host, path, password string, extra ...string) string {
	lines := append([]string{hclAttr("remote_path", path), hclAttr("password_wo", password), "password_wo_version = 1"}, extra...)
	return h.ProviderConfig("") + hclBlock("resource", "windows_pfx_certificate", "test", lines...)
}

// TestAccPFXCertificate_remotePathKnownAtPlan: a PFX file on the host is
// read at plan like content_base64 (here a legacy RC2/TripleDES export):
// the plan knows its thumbprint, subject, dates and chain; the same
// certificate in another file is an update, not a new import; and a plan
// that imports nothing does not read the file (it may be gone or changed
// on the host between maintenance windows).
func TestAccPFXCertificate_remotePathKnownAtPlan(t *testing.T) {
	p := newTestPFX(t, "netpos.example.local", pkcs12.Legacy)
	const first, moved = `C:\certs\netpos.pfx`, `D:\certs\netpos-2026.pfx`
	h := acctest.NewHost(t, hostFiles(t, "Microsoft Windows Server 2016 Standard", "10.0.14393", map[string]string{first: p.Base64, moved: p.Base64}))
	if !h.IsSim() {
		t.Skip("needs files on the host: the simulator's scenario provides them")
	}
	interThumb, rootThumb := provider.Thumbprint(p.Intermediate), provider.Thumbprint(p.Root)
	config := remotePFXConfig(h, first, pfxPassword, "import_chain = true")
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkCertificatesGone(t, h, "My", p.Thumbprint),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: append(expectPlannedFacts(p, "MY"),
					plancheck.ExpectResourceAction(pfxAddress, plancheck.ResourceActionCreate),
					plancheck.ExpectKnownValue(pfxAddress, tfjsonpath.New("chain_thumbprints"), knownvalue.SetExact([]knownvalue.Check{
						knownvalue.StringExact(interThumb), knownvalue.StringExact(rootThumb),
					})),
				)},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkHostCertificate(t, h, "My", p.Thumbprint, true),
					checkHostCertificate(t, h, "CA", interThumb, false),
					checkHostCertificate(t, h, "Root", rootThumb, false),
				),
			},
			{
				// The file is damaged on the host; a plan of the unchanged
				// resource does not read it, so it stays empty.
				PreConfig: func() {
					h.EditSimState(t, func(state map[string]any) {
						for _, f := range acctest.StateList(t, state, "files") {
							if f["path"] == first {
								f["content_base64"] = acctestBase64([]byte("damaged"))
							}
						}
					})
				},
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				// Another file holding the same certificate: recorded, not imported.
				Config: remotePFXConfig(h, moved, pfxPassword, "import_chain = true"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(pfxAddress, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(pfxAddress, tfjsonpath.New("thumbprint"), knownvalue.StringExact(p.Thumbprint)),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(pfxAddress, "remote_path", moved),
					checkHostCertificate(t, h, "My", p.Thumbprint, true),
				),
			},
		},
	})
}

// TestAccPFXCertificate_remotePathPlanFailures: what the import of a file
// on the host would refuse, or what would break TLS in the maintenance
// window, fails terraform plan, and the host is left exactly as it was.
func TestAccPFXCertificate_remotePathPlanFailures(t *testing.T) {
	valid := newTestPFX(t, "valid.example.local", pkcs12.LegacyDES)
	aes := newTestPFX(t, "aes.example.local", pkcs12.Modern)
	expired := newTestPFX(t, "expired.example.local", pkcs12.LegacyDES, func(o *provider.LeafOptions) {
		o.NotBefore, o.NotAfter = time.Now().AddDate(-2, 0, 0), time.Now().AddDate(0, 0, -1)
	})
	installed := acctest.NewTestCertificate(t, "installed.example.local")
	installedPFX, err := pkcs12.LegacyDES.Encode(installed.Key, installed.Cert, nil, pfxPassword)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		`C:\certs\valid.pfx`:     valid.Base64,
		`C:\certs\aes.pfx`:       aes.Base64,
		`C:\certs\expired.pfx`:   expired.Base64,
		`C:\certs\notes.pfx`:     acctestBase64([]byte("this is not a PFX file")),
		`C:\certs\installed.pfx`: acctestBase64(installedPFX),
	}
	h := acctest.NewHostWithCertificates(t, hostFiles(t, "Microsoft Windows Server 2016 Standard", "10.0.14393", files),
		acctest.StoreCertificate{Store: "MY", Cert: installed, WithKey: true})
	if !h.IsSim() {
		t.Skip("needs files on a Windows Server 2016 host: the simulator's scenario provides them")
	}
	before := h.SimState(t)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      remotePFXConfig(h, `C:\certs\valid.pfx`, "not the password"),
				ExpectError: diagnosticText("Wrong PFX password", "password_wo", "The specified network password is not correct."),
			},
			{
				Config: remotePFXConfig(h, `C:\certs\aes.pfx`, pfxPassword),
				ExpectError: diagnosticText("This host cannot import an AES-256 (PBES2) PFX", "remote_path",
					"Microsoft Windows Server 2016 Standard (10.0.14393, build 14393)", "openssl pkcs12 -export -legacy"),
			},
			{
				Config:      remotePFXConfig(h, `C:\certs\expired.pfx`, pfxPassword),
				ExpectError: diagnosticText("Certificate expired", expired.Thumbprint, "expired on"),
			},
			{
				Config:      remotePFXConfig(h, `C:\certs\notes.pfx`, pfxPassword),
				ExpectError: diagnosticText("Invalid PFX content", "not a PKCS#12", "Cannot find the requested object.", "notes.pfx is not a PFX file", "remote_path must name a .pfx/.p12 file"),
			},
			{
				Config:      remotePFXConfig(h, `C:\certs\missing.pfx`, pfxPassword),
				ExpectError: diagnosticText("PFX file not found on the host", `C:\certs\missing.pfx`),
			},
			{
				Config:      remotePFXConfig(h, `C:\certs\installed.pfx`, pfxPassword),
				ExpectError: diagnosticText("Certificate already in the store", installed.Thumbprint, "terraform import"),
			},
			{
				Config: h.ProviderConfig(""),
				Check: func(*terraform.State) error {
					if after := h.SimState(t); !reflect.DeepEqual(after, before) {
						t.Errorf("a refused plan changed the simulated host:\nbefore %s\nafter  %s", acctest.FormatJSON(before), acctest.FormatJSON(after))
					}
					return nil
				},
			},
		},
	})
}

// TestAccPFXCertificate_remotePathUninspectable: a PFX that Windows imports
// but the host's reader cannot read at plan (RC4) leaves the facts to the
// apply with a warning, never an error, and is imported.
func TestAccPFXCertificate_remotePathUninspectable(t *testing.T) {
	const path = `C:\certs\rc4.pfx`
	h := acctest.NewHost(t, hostFiles(t, "Microsoft Windows Server 2019 Standard", "10.0.17763", map[string]string{path: rc4PFX}))
	if !h.IsSim() {
		t.Skip("needs a file on the host: the simulator's scenario provides it")
	}
	thumbprint, _, diags := provider.InspectRemotePFX(acctest.Context(t), h.Windows(t), path, rc4PFXPassword)
	if thumbprint != "" || diags.HasError() || diags.WarningsCount() != 1 ||
		diags.Warnings()[0].Summary() != "PFX not readable at plan time" || !strings.Contains(diags.Warnings()[0].Detail(), "1.2.840.113549.1.12.1.1") {
		t.Fatalf("inspection of an RC4 PFX: thumbprint %q, diagnostics %v; want one warning naming RC4's OID", thumbprint, diags)
	}
	config := remotePFXConfig(h, path, rc4PFXPassword)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkCertificatesGone(t, h, "My", rc4PFXThumbprint),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(pfxAddress, plancheck.ResourceActionCreate),
					plancheck.ExpectUnknownValue(pfxAddress, tfjsonpath.New("thumbprint")),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(pfxAddress, "thumbprint", rc4PFXThumbprint),
					resource.TestCheckResourceAttr(pfxAddress, "subject", "CN=rc4.example.local"),
					checkHostCertificate(t, h, "My", rc4PFXThumbprint, true),
				),
			},
			emptyPlanStep(config),
		},
	})
}
