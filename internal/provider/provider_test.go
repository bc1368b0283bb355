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
