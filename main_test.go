package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/winsim"
)

// The built provider, run by terraform: with no TF_LOG* variable set it
// writes no SDK log lines; with TF_LOG=trace Terraform's log has the SDK's
// protocol and framework lines and the provider's own.
func TestTFLogTraceShowsProviderAndSDKLines(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("set TF_ACC=1 to run terraform")
	}
	tf := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if tf == "" {
		var err error
		if tf, err = exec.LookPath("terraform"); err != nil {
			t.Skip("no terraform on PATH")
		}
	}
	dir := t.TempDir()
	realProvider := filepath.Join(dir, "real", "terraform-provider-windows")
	if out, err := exec.Command("go", "build", "-o", realProvider, ".").CombinedOutput(); err != nil {
		t.Fatalf("build the provider: %v\n%s", err, out)
	}
	// Terraform starts a wrapper that copies the provider's stderr (its
	// log lines) to a file as well as to Terraform.
	stderrLog := filepath.Join(dir, "provider-stderr.log")
	plugins := filepath.Join(dir, "plugins")
	if err := os.MkdirAll(plugins, 0o700); err != nil {
		t.Fatal(err)
	}
	wrapper := fmt.Sprintf("#!/usr/bin/env bash\nexec %q \"$@\" 2> >(tee -a %q >&2)\n", realProvider, stderrLog)
	if err := os.WriteFile(filepath.Join(plugins, "terraform-provider-windows"), []byte(wrapper), 0o700); err != nil {
		t.Fatal(err)
	}
	rc := filepath.Join(dir, "terraformrc")
	overrides := fmt.Sprintf("provider_installation {\n  dev_overrides { \"registry.terraform.io/seed-1120c41c/windows\" = %q }\n  direct {}\n}\n", plugins)
	if err := os.WriteFile(rc, []byte(overrides), 0o600); err != nil {
		t.Fatal(err)
	}
	sim, err := winsim.Start(winsim.Options{User: "Administrator", Password: "Log-P@ss1", HTTPAddr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	host, port, _ := net.SplitHostPort(sim.HTTPAddr())
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TF_LOG") && !strings.HasPrefix(kv, "TF_ACC_LOG_PATH") {
			env = append(env, kv)
		}
	}
	env = append(env, "TF_CLI_CONFIG_FILE="+rc, "TF_IN_AUTOMATION=1", "WINRM_HOST="+host, "WINRM_PORT="+port,
		"WINRM_USERNAME=Administrator", "WINRM_PASSWORD=Log-P@ss1", "WINRM_AUTH=ntlm")

	// apply adds a certificate (the provider logs "adding certificate" at
	// DEBUG) in a fresh working directory.
	apply := func(name string, extraEnv ...string) {
		t.Helper()
		work := filepath.Join(dir, name)
		if err := os.MkdirAll(work, 0o700); err != nil {
			t.Fatal(err)
		}
		config := fmt.Sprintf("terraform {\n  required_providers {\n    windows = { source = \"seed-1120c41c/windows\" }\n  }\n}\n\nprovider \"windows\" {}\n\nresource \"windows_certificate\" \"root\" {\n  pem        = %q\n  store_name = \"Root\"\n}\n", selfSignedPEM(t, name))
		if err := os.WriteFile(filepath.Join(work, "main.tf"), []byte(config), 0o600); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(tf, "apply", "-auto-approve", "-input=false", "-no-color")
		cmd.Dir, cmd.Env = work, append(env, extraEnv...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("terraform apply: %v\n%s", err, out)
		}
	}

	apply("quiet")
	quiet, _ := os.ReadFile(stderrLog)
	if strings.Contains(string(quiet), `"@module":"sdk`) || strings.Contains(string(quiet), "adding certificate") {
		t.Errorf("with no TF_LOG* set the provider still logs:\n%s", firstLines(string(quiet), 10))
	}

	tfLog := filepath.Join(dir, "terraform.log")
	apply("trace", "TF_LOG=trace", "TF_LOG_PATH="+tfLog)
	data, err := os.ReadFile(tfLog)
	if err != nil {
		t.Fatal(err)
	}
	log := string(data)
	for _, want := range []string{
		"@module=sdk.proto",     // terraform-plugin-go's request lines
		"@module=sdk.framework", // terraform-plugin-framework's
		"adding certificate",    // the provider's own (tflog.Debug)
	} {
		if !strings.Contains(log, want) {
			t.Errorf("TF_LOG=trace: Terraform's log has no %q line", want)
		}
	}
}

func selfSignedPEM(t *testing.T, name string) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: "Log Test " + name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().AddDate(1, 0, 0),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	return strings.Join(lines[:min(n, len(lines))], "\n")
}
