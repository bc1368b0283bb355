package provider_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"software.sslmate.com/src/go-pkcs12"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/acctest"
)

// TestAccPFXCertificate_secretsStayOut applies and destroys a PFX with
// TF_LOG=trace and asserts that neither Terraform's log nor the provider's
// holds the password or any run of the PFX, and that with password_wo the
// state holds no password.
func TestAccPFXCertificate_secretsStayOut(t *testing.T) {
	h := acctest.NewHost(t, nil)
	p := newTestPFX(t, "sage300.example.local", pkcs12.Modern)
	dir := t.TempDir()
	pfxFile := filepath.Join(dir, "sage300.pfx")
	if err := os.WriteFile(pfxFile, p.PFX, 0o600); err != nil {
		t.Fatal(err)
	}
	logFile := filepath.Join(dir, "trace.log")
	// TF_LOG and TF_LOG_PATH as a user sets them. terraform-exec passes
	// neither to the terraform binary: TF_ACC_LOG and TF_ACC_LOG_PATH do,
	// and the provider, in this process, logs there too (tfsdklog's test
	// sink), so both write the one file.
	t.Setenv("TF_LOG", "trace")
	t.Setenv("TF_LOG_PATH", logFile)
	t.Setenv("TF_ACC_LOG", "trace")
	t.Setenv("TF_ACC_LOG_PATH", logFile)

	// As in a pipeline: the PFX is a file, the password an ephemeral
	// variable from the environment. (The test harness logs the
	// configuration it writes, so a literal would be in the log by its doing.)
	t.Setenv("TF_VAR_pfx_password", pfxPassword)
	config := h.ProviderConfig("") +
		"variable \"pfx_password\" {\n  type      = string\n  sensitive = true\n  ephemeral = true\n}\n" +
		hclBlock("resource", "windows_pfx_certificate", "test",
			"content_base64 = filebase64("+acctest.HCLString(pfxFile)+")",
			"password_wo = var.pfx_password", "password_wo_version = 1")
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkCertificatesGone(t, h, "My", p.Thumbprint),
		Steps: []resource.TestStep{{
			Config:            config,
			ConfigStateChecks: []statecheck.StateCheck{stateLacks{secret: pfxPassword}},
			Check:             checkHostCertificate(t, h, "My", p.Thumbprint, true),
		}},
	})

	data, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatalf("read log: %v", err)
	}
	log := string(data)
	// A log that missed the run would pass every check below: it must hold
	// Terraform's trace of the apply and the provider's own lines.
	for _, mark := range []string{"Terraform version", "ApplyResourceChange", "importing PFX", "sdk.framework"} {
		if !strings.Contains(log, mark) {
			t.Fatalf("the log (%d bytes) lacks %q", len(log), mark)
		}
	}
	assertLogLacksSecrets(t, "trace log", log, pfxPassword, p.Base64)
}

// assertLogLacksSecrets fails if log holds the password (raw or JSON-escaped)
// or any 40-character run of the PFX's base64, checked at every offset.
func assertLogLacksSecrets(t *testing.T, name, log, password, pfxBase64 string) {
	t.Helper()
	escaped, _ := json.Marshal(password)
	for _, form := range []string{password, strings.Trim(string(escaped), `"`)} {
		if strings.Contains(log, form) {
			t.Errorf("%s contains the PFX password", name)
		}
	}
	const run = 40
	for i := 0; i+run <= len(pfxBase64); i++ {
		if strings.Contains(log, pfxBase64[i:i+run]) {
			t.Fatalf("%s contains the PFX's base64 from offset %d", name, i)
		}
	}
}

// stateLacks is a state check that the state (as terraform show -json
// prints it, sensitive values included) does not contain a secret.
type stateLacks struct{ secret string }

func (c stateLacks) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	data, err := json.Marshal(req.State)
	if err != nil {
		resp.Error = fmt.Errorf("encode state: %w", err)
		return
	}
	if !strings.Contains(string(data), "windows_pfx_certificate") {
		resp.Error = fmt.Errorf("the state does not hold the resource")
		return
	}
	escaped, _ := json.Marshal(c.secret)
	if strings.Contains(string(data), strings.Trim(string(escaped), `"`)) {
		resp.Error = fmt.Errorf("the state contains the write-only password")
	}
}
