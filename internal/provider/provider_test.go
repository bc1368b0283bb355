package provider_test

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/acctest"
)

// TestAccProviderConfigErrorsAtPlan proves bad provider settings stop
// terraform plan with the attribute named, before any host is contacted.
func TestAccProviderConfigErrorsAtPlan(t *testing.T) {
	acctest.PreCheck(t)
	for _, name := range []string{"WINRM_HOST", "WINRM_PORT", "WINRM_AUTH", "WINRM_CA_CERT", "WINRM_TIMEOUT", "WINRM_MAX_SESSIONS"} {
		t.Setenv(name, "")
	}
	const dataSource = "\ndata \"windows_http_urlacls\" \"all\" {}\n"
	tests := []struct {
		name, provider string
		want           *regexp.Regexp
	}{
		{"auth", `auth = "digest"`, regexp.MustCompile(`(?s)Invalid Attribute Value Match.*auth`)},
		{"port", `port = 70000`, regexp.MustCompile(`(?s)Invalid Attribute Value.*port`)},
		{"timeout", `timeout = "soon"`, regexp.MustCompile(`(?s)Invalid duration.*timeout`)},
		{"ca_cert", `ca_cert = "junk"`, regexp.MustCompile(`(?s)Invalid certificate.*ca_cert`)},
		{"max_sessions", `max_sessions = 0`, regexp.MustCompile(`(?s)Invalid Attribute Value.*max_sessions`)},
		{"host", `username = "admin"`, regexp.MustCompile(`(?s)Missing WinRM host.*WINRM_HOST`)},
		// Errors found by the transport's own checks point at the attribute too:
		// Terraform quotes the offending line of the provider block.
		{"username", `password = "x"`, regexp.MustCompile(`(?s)Invalid WinRM configuration.*username is empty`)},
		{"basic over http", "username = \"a\"\n  password = \"b\"\n  auth = \"basic\"", attributeError("auth", "allow_unencrypted")},
		{"tls_server_name without https", "username = \"a\"\n  password = \"b\"\n  tls_server_name = \"win\"", attributeError("tls_server_name", "applies only to HTTPS")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      providerBlock(tt.name, tt.provider) + dataSource,
					PlanOnly:    true,
					ExpectError: tt.want,
				}},
			})
		})
	}
}

// providerBlock is a provider block with one setting; for the host case it
// has no host at all.
func providerBlock(name, setting string) string {
	host := "  host = \"127.0.0.1\"\n"
	if name == "host" {
		host = ""
	}
	return "provider \"windows\" {\n" + host + "  " + setting + "\n}\n"
}

// attributeError matches a provider diagnostic attached to attr: Terraform
// prints the attribute's line of the provider block under the message.
func attributeError(attr, detail string) *regexp.Regexp {
	return regexp.MustCompile(`(?s)Invalid WinRM configuration.*in provider "windows":\s+\d+:\s+` +
		regexp.QuoteMeta(attr) + `\s+=.*` + regexp.QuoteMeta(detail))
}
