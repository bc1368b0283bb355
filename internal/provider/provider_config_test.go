package provider

import (
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

// clearWinRMEnv makes a test independent of the WINRM_* variables that
// select a real host for the acceptance tests.
func clearWinRMEnv(t *testing.T) {
	for _, name := range []string{"WINRM_HOST", "WINRM_PORT", "WINRM_HTTPS", "WINRM_INSECURE", "WINRM_CA_CERT",
		"WINRM_TLS_SERVER_NAME", "WINRM_AUTH", "WINRM_USERNAME", "WINRM_PASSWORD", "WINRM_TIMEOUT",
		"WINRM_MAX_SESSIONS", "WINRM_ALLOW_UNENCRYPTED", "WINRM_REUSE_POWERSHELL"} {
		t.Setenv(name, "")
	}
}

func TestClientConfigMergesBlockAndEnvironment(t *testing.T) {
	clearWinRMEnv(t)
	t.Setenv("WINRM_HOST", "env-host")
	t.Setenv("WINRM_USERNAME", "env-user")
	t.Setenv("WINRM_HTTPS", "true")
	t.Setenv("WINRM_TIMEOUT", "90s")
	m := providerModel{
		Username:    types.StringValue("block-user"),
		MaxSessions: types.Int64Value(7),
	}
	cfg, attr, err := clientConfig(m)
	if err != nil {
		t.Fatalf("clientConfig: %v (attribute %s)", err, attr)
	}
	if cfg.Host != "env-host" || cfg.Username != "block-user" || !cfg.HTTPS ||
		cfg.Timeout != 90*time.Second || cfg.MaxSessions != 7 {
		t.Errorf("clientConfig = %+v; want host from env, username from block, https, 90s, 7 sessions", cfg)
	}
}

func TestClientConfigNamesTheAttributeAtFault(t *testing.T) {
	tests := []struct {
		env, value, attr string
	}{
		{"WINRM_HTTPS", "yes please", "https"},
		{"WINRM_INSECURE", "maybe", "insecure"},
		{"WINRM_PORT", "5985x", "port"},
		{"WINRM_MAX_SESSIONS", "many", "max_sessions"},
		{"WINRM_TIMEOUT", "soon", "timeout"},
		{"WINRM_TIMEOUT", "-5s", "timeout"},
		{"WINRM_ALLOW_UNENCRYPTED", "2", "allow_unencrypted"},
		{"WINRM_REUSE_POWERSHELL", "sometimes", "reuse_powershell"},
	}
	for _, tt := range tests {
		t.Run(tt.env+"="+tt.value, func(t *testing.T) {
			clearWinRMEnv(t)
			t.Setenv(tt.env, tt.value)
			_, attr, err := clientConfig(providerModel{})
			if err == nil || attr != tt.attr {
				t.Fatalf("clientConfig with %s=%q: attribute %q, error %v; want an error on %q", tt.env, tt.value, attr, err, tt.attr)
			}
			if !strings.Contains(err.Error(), tt.value) {
				t.Errorf("error %q does not quote the bad value %q", err, tt.value)
			}
		})
	}
}

func TestClientConfigReusePowerShell(t *testing.T) {
	tests := []struct {
		name  string
		block types.Bool
		env   string
		want  bool
	}{
		{"default", types.BoolNull(), "", true},
		{"environment off", types.BoolNull(), "false", false},
		{"block off", types.BoolValue(false), "", false},
		{"block wins over environment", types.BoolValue(true), "false", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clearWinRMEnv(t)
			t.Setenv("WINRM_REUSE_POWERSHELL", tt.env)
			cfg, _, err := clientConfig(providerModel{Reuse: tt.block})
			if err != nil {
				t.Fatal(err)
			}
			if cfg.ReusePowerShell != tt.want {
				t.Errorf("ReusePowerShell = %t, want %t", cfg.ReusePowerShell, tt.want)
			}
		})
	}
}
