package winrm

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// validConfig is an NTLM-over-HTTP configuration New accepts.
func validConfig() Config {
	return Config{Host: "server.example.com", Auth: AuthNTLM, Username: `EXAMPLE\admin`, Password: "S3cret$pw"}
}

func TestNewRejectsInvalidConfig(t *testing.T) {
	krbConf := writeKrb5Conf(t)
	tests := []struct {
		name      string
		change    func(*Config)
		wantField string // the attribute the message must name
		wantHint  string // what the message must tell to do
	}{
		{"empty host", func(c *Config) { c.Host = "" }, "host", "DNS name or IP address"},
		{"URL as host", func(c *Config) { c.Host = "https://server:5986/wsman" }, "host", "no scheme"},
		{"port out of range", func(c *Config) { c.Port = 70000 }, "port", "5985"},
		{"unknown auth", func(c *Config) { c.Auth = "digest" }, "auth", "basic, ntlm or kerberos"},
		{"empty username", func(c *Config) { c.Username = "" }, "username", `DOMAIN\user`},
		{"malformed username", func(c *Config) { c.Username = `\admin` }, "username", "user@domain"},
		{"empty password", func(c *Config) { c.Password = "" }, "password", "password"},
		{"negative timeout", func(c *Config) { c.Timeout = -time.Second }, "timeout", "negative"},
		{"negative max sessions", func(c *Config) { c.MaxSessions = -1 }, "max_sessions", "negative"},
		{"ca_cert over http", func(c *Config) { c.CACertPEM = []byte("x") }, "ca_cert", "https = true"},
		{"tls_server_name over http", func(c *Config) { c.TLSServerName = "x" }, "tls_server_name", "https = true"},
		{"ca_cert not PEM", func(c *Config) { c.HTTPS = true; c.CACertPEM = []byte("not a cert") }, "ca_cert", "PEM"},
		{"basic over http", func(c *Config) { c.Auth = AuthBasic }, "auth", "https"},
		{"kerberos over http", func(c *Config) { c.Auth = AuthKerberos; c.KerberosConfigPath = krbConf }, "auth", "use https"},
		{"kerberos without realm", func(c *Config) { kerberosHTTPS(c, krbConf); c.Username = "admin" }, "kerberos_realm", "EXAMPLE.COM"},
		{"kerberos bad realm", func(c *Config) { kerberosHTTPS(c, krbConf); c.KerberosRealm = "EXAMPLE COM" }, "kerberos_realm", "upper case"},
		{"kerberos unreadable krb5.conf", func(c *Config) {
			kerberosHTTPS(c, krbConf)
			c.KerberosConfigPath = filepath.Join(t.TempDir(), "missing.conf")
		}, "kerberos_config", "missing.conf"},
		{"kerberos bad SPN", func(c *Config) { kerberosHTTPS(c, krbConf); c.KerberosSPN = "server.example.com" }, "kerberos_spn", "HTTP/server.example.com"},
		{"kerberos SPN default for IP", func(c *Config) { kerberosHTTPS(c, krbConf); c.Host = "10.0.0.5" }, "kerberos_spn", "DNS name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := validConfig()
			tt.change(&cfg)
			_, err := New(cfg)
			if !errors.Is(err, ErrInvalidConfig) {
				t.Fatalf("New() error = %v, want ErrInvalidConfig", err)
			}
			msg := err.Error()
			if !strings.Contains(msg, tt.wantField+" ") || !strings.Contains(msg, tt.wantHint) {
				t.Errorf("New() error = %q, want it to name %q and say %q", msg, tt.wantField, tt.wantHint)
			}
			if cfg.Password != "" && strings.Contains(msg, cfg.Password) {
				t.Errorf("New() error contains the password: %q", msg)
			}
		})
	}
}

// kerberosHTTPS turns c into a Kerberos-over-HTTPS configuration.
func kerberosHTTPS(c *Config, krbConf string) {
	c.Auth, c.HTTPS, c.KerberosConfigPath = AuthKerberos, true, krbConf
	c.Username = "admin@example.com"
}

func writeKrb5Conf(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "krb5.conf")
	conf := "[libdefaults]\n  default_realm = EXAMPLE.COM\n[realms]\n  EXAMPLE.COM = {\n    kdc = 127.0.0.1:88\n  }\n"
	if err := os.WriteFile(path, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestNewAcceptsValidConfigs(t *testing.T) {
	krbConf := writeKrb5Conf(t)
	tests := []struct {
		name   string
		change func(*Config)
	}{
		{"ntlm over http encrypts", func(*Config) {}},
		{"ntlm over https", func(c *Config) { c.HTTPS = true }},
		{"basic over https", func(c *Config) { c.HTTPS, c.Auth = true, AuthBasic }},
		{"basic over http opted in", func(c *Config) { c.Auth, c.AllowUnencrypted = AuthBasic, true }},
		{"kerberos over https, realm from UPN", func(c *Config) { kerberosHTTPS(c, krbConf) }},
		{"kerberos with explicit realm and SPN", func(c *Config) {
			kerberosHTTPS(c, krbConf)
			c.Username, c.KerberosRealm, c.KerberosSPN = "admin", "EXAMPLE.COM", "WSMAN/server.example.com"
		}},
		{"kerberos over http opted in", func(c *Config) {
			c.Auth, c.AllowUnencrypted, c.KerberosConfigPath, c.Username = AuthKerberos, true, krbConf, "admin@example.com"
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := validConfig()
			tt.change(&cfg)
			c, err := New(cfg)
			if err != nil {
				t.Fatalf("New() error = %v", err)
			}
			_ = c.Close()
		})
	}
}

func TestKerberosConfigPathFromEnvironment(t *testing.T) {
	krbConf := writeKrb5Conf(t)
	t.Setenv("KRB5_CONFIG", krbConf+string(filepath.ListSeparator)+"/nonexistent")
	cfg := validConfig()
	kerberosHTTPS(&cfg, "")
	if _, err := New(cfg); err != nil {
		t.Fatalf("New() with KRB5_CONFIG error = %v", err)
	}
	t.Setenv("KRB5_CONFIG", "/nonexistent/krb5.conf")
	if _, err := New(cfg); err == nil || !strings.Contains(err.Error(), "/nonexistent/krb5.conf") {
		t.Fatalf("New() with unreadable KRB5_CONFIG error = %v, want it to name the file", err)
	}
}

func TestConfigDefaults(t *testing.T) {
	tests := []struct {
		name     string
		cfg      Config
		wantURL  string
		wantAuth string
	}{
		{"http", Config{Host: "h"}, "http://h:5985/wsman", AuthNTLM},
		{"https", Config{Host: "h", HTTPS: true, Auth: "Basic"}, "https://h:5986/wsman", AuthBasic},
		{"explicit port", Config{Host: "h", Port: 8080}, "http://h:8080/wsman", AuthNTLM},
		{"IPv6", Config{Host: "::1"}, "http://[::1]:5985/wsman", AuthNTLM},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.cfg.withDefaults()
			if got.endpointURL() != tt.wantURL || got.Auth != tt.wantAuth {
				t.Errorf("endpoint %s auth %s, want %s %s", got.endpointURL(), got.Auth, tt.wantURL, tt.wantAuth)
			}
			if got.Timeout != DefaultTimeout || got.MaxSessions != DefaultMaxSessions {
				t.Errorf("Timeout %s MaxSessions %d, want defaults", got.Timeout, got.MaxSessions)
			}
		})
	}
}

func TestConfigFormattingRedactsPassword(t *testing.T) {
	cfg := validConfig()
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		if s := fmt.Sprintf(verb, cfg); strings.Contains(s, cfg.Password) {
			t.Errorf("Sprintf(%s, cfg) = %q contains the password", verb, s)
		}
	}
}
