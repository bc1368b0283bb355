// Package provider is the Terraform surface of the Windows provider: the
// provider block, resources, data sources and functions. It turns
// configuration into calls of the typed host API in internal/windows and
// never builds PowerShell itself.
package provider

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/provider/attribute_validator"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/windows"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/winrm"
)

// New returns a constructor of the provider at the given version.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &windowsProvider{version: version} }
}

type windowsProvider struct {
	version string
}

type providerModel struct {
	Host          types.String `tfsdk:"host"`
	Port          types.Int64  `tfsdk:"port"`
	HTTPS         types.Bool   `tfsdk:"https"`
	Insecure      types.Bool   `tfsdk:"insecure"`
	CACert        types.String `tfsdk:"ca_cert"`
	TLSServerName types.String `tfsdk:"tls_server_name"`
	Auth          types.String `tfsdk:"auth"`
	Username      types.String `tfsdk:"username"`
	Password      types.String `tfsdk:"password"`
	Timeout       types.String `tfsdk:"timeout"`
	MaxSessions   types.Int64  `tfsdk:"max_sessions"`
	Unencrypted   types.Bool   `tfsdk:"allow_unencrypted"`
	KrbRealm      types.String `tfsdk:"kerberos_realm"`
	KrbConfig     types.String `tfsdk:"kerberos_config"`
	KrbSPN        types.String `tfsdk:"kerberos_spn"`
}

func (p *windowsProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "windows"
	resp.Version = p.version
}

func (p *windowsProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Configures one Windows host over WinRM. Use aliased provider blocks for several hosts.",
		Attributes: map[string]schema.Attribute{
			"host": schema.StringAttribute{Optional: true,
				Description: "Host name or IP address of the WinRM endpoint. Env: `WINRM_HOST`."},
			"port": schema.Int64Attribute{Optional: true,
				Description: "WinRM port. Default `5985`, or `5986` with `https`. Env: `WINRM_PORT`.",
				Validators:  []validator.Int64{int64validator.Between(1, 65535)}},
			"https": schema.BoolAttribute{Optional: true,
				Description: "Use the HTTPS listener. Env: `WINRM_HTTPS`."},
			"insecure": schema.BoolAttribute{Optional: true,
				Description: "Skip TLS certificate verification (not recommended; pin `ca_cert` instead). Env: `WINRM_INSECURE`."},
			"ca_cert": schema.StringAttribute{Optional: true,
				Description: "PEM of the CA that signed the listener's certificate. Env: `WINRM_CA_CERT`.",
				Validators:  []validator.String{attribute_validator.PEMCertificate()}},
			"tls_server_name": schema.StringAttribute{Optional: true,
				Description: "Name to verify the listener's certificate against, when it differs from `host`. Env: `WINRM_TLS_SERVER_NAME`."},
			"auth": schema.StringAttribute{Optional: true,
				Description: "`basic`, `ntlm` (default; encrypts messages over HTTP) or `kerberos`. Env: `WINRM_AUTH`.",
				Validators:  []validator.String{stringvalidator.OneOf("basic", "ntlm", "kerberos")}},
			"username": schema.StringAttribute{Optional: true,
				Description: "Account: `user`, `DOMAIN\\user` or `user@domain`. Env: `WINRM_USERNAME`."},
			"password": schema.StringAttribute{Optional: true, Sensitive: true,
				Description: "Password of the account. Env: `WINRM_PASSWORD`."},
			"timeout": schema.StringAttribute{Optional: true,
				Description: "Time limit of one host operation, as a Go duration (`60s`, `5m`). Default `60s`. Env: `WINRM_TIMEOUT`.",
				Validators:  []validator.String{attribute_validator.Duration()}},
			"max_sessions": schema.Int64Attribute{Optional: true,
				Description: "Shells open at once on the host. Default `5`. Env: `WINRM_MAX_SESSIONS`.",
				Validators:  []validator.Int64{int64validator.Between(1, 100)}},
			"allow_unencrypted": schema.BoolAttribute{Optional: true,
				Description: "Allow plain HTTP without message encryption (`basic` auth over HTTP). Default `false`. Env: `WINRM_ALLOW_UNENCRYPTED`."},
			"kerberos_realm": schema.StringAttribute{Optional: true,
				Description: "Kerberos realm, with `auth = \"kerberos\"`. Env: `WINRM_KERBEROS_REALM`."},
			"kerberos_config": schema.StringAttribute{Optional: true,
				Description: "Path of `krb5.conf`. Default `KRB5_CONFIG` or `/etc/krb5.conf`. Env: `WINRM_KERBEROS_CONFIG`."},
			"kerberos_spn": schema.StringAttribute{Optional: true,
				Description: "Service principal name. Default `HTTP/<host>`. Env: `WINRM_KERBEROS_SPN`."},
		},
	}
}

func (p *windowsProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var m providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	cfg, attr, err := clientConfig(m)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root(attr), "Invalid WinRM configuration", err.Error())
		return
	}
	if cfg.Host == "" {
		// Unknown values (a host created in the same apply) leave the host
		// empty at plan time; resources then plan without reading it.
		if !m.Host.IsUnknown() {
			resp.Diagnostics.AddAttributeError(path.Root("host"), "Missing WinRM host",
				"Set host in the provider block or the WINRM_HOST environment variable.")
		}
		return
	}
	client, err := winrm.New(cfg)
	if err != nil {
		var cfgErr *winrm.ConfigError
		if errors.As(err, &cfgErr) {
			resp.Diagnostics.AddAttributeError(path.Root(cfgErr.Field), "Invalid WinRM configuration", err.Error())
			return
		}
		resp.Diagnostics.AddError("Invalid WinRM configuration", err.Error())
		return
	}
	host := windows.New(client)
	resp.ResourceData = host
	resp.DataSourceData = host
}

// clientConfig merges the provider block with WINRM_* environment variables
// (the block wins) and returns the attribute at fault on error. Defaults
// (ntlm, port 5985 or 5986) and the checks of the values themselves are
// winrm.New's, which names the attribute at fault too.
func clientConfig(m providerModel) (winrm.Config, string, error) {
	cfg := winrm.Config{
		Host:               stringSetting(m.Host, "WINRM_HOST"),
		CACertPEM:          []byte(stringSetting(m.CACert, "WINRM_CA_CERT")),
		TLSServerName:      stringSetting(m.TLSServerName, "WINRM_TLS_SERVER_NAME"),
		Auth:               stringSetting(m.Auth, "WINRM_AUTH"),
		Username:           stringSetting(m.Username, "WINRM_USERNAME"),
		Password:           stringSetting(m.Password, "WINRM_PASSWORD"),
		KerberosRealm:      stringSetting(m.KrbRealm, "WINRM_KERBEROS_REALM"),
		KerberosConfigPath: stringSetting(m.KrbConfig, "WINRM_KERBEROS_CONFIG"),
		KerberosSPN:        stringSetting(m.KrbSPN, "WINRM_KERBEROS_SPN"),
	}
	var err error
	if cfg.HTTPS, err = boolSetting(m.HTTPS, "WINRM_HTTPS"); err != nil {
		return cfg, "https", err
	}
	if cfg.Insecure, err = boolSetting(m.Insecure, "WINRM_INSECURE"); err != nil {
		return cfg, "insecure", err
	}
	if cfg.AllowUnencrypted, err = boolSetting(m.Unencrypted, "WINRM_ALLOW_UNENCRYPTED"); err != nil {
		return cfg, "allow_unencrypted", err
	}
	port, err := intSetting(m.Port, "WINRM_PORT")
	if err != nil {
		return cfg, "port", err
	}
	cfg.Port = int(port)
	sessions, err := intSetting(m.MaxSessions, "WINRM_MAX_SESSIONS")
	if err != nil {
		return cfg, "max_sessions", err
	}
	cfg.MaxSessions = int(sessions)
	if t := stringSetting(m.Timeout, "WINRM_TIMEOUT"); t != "" {
		if cfg.Timeout, err = time.ParseDuration(t); err != nil || cfg.Timeout <= 0 {
			return cfg, "timeout", fmt.Errorf("timeout %q is not a positive Go duration such as \"60s\" or \"5m\"", t)
		}
	}
	return cfg, "", nil
}

func stringSetting(v types.String, env string) string {
	if !v.IsNull() && !v.IsUnknown() {
		return v.ValueString()
	}
	return os.Getenv(env)
}

func boolSetting(v types.Bool, env string) (bool, error) {
	if !v.IsNull() && !v.IsUnknown() {
		return v.ValueBool(), nil
	}
	s := os.Getenv(env)
	if s == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		return false, fmt.Errorf("environment variable %s=%q is not true or false", env, s)
	}
	return b, nil
}

func intSetting(v types.Int64, env string) (int64, error) {
	if !v.IsNull() && !v.IsUnknown() {
		return v.ValueInt64(), nil
	}
	s := os.Getenv(env)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("environment variable %s=%q is not a whole number", env, s)
	}
	return n, nil
}

func (p *windowsProvider) Resources(_ context.Context) []func() resource.Resource {
	return resources
}

func (p *windowsProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return dataSources
}

// resources and dataSources are filled by the files that define them.
var (
	resources   []func() resource.Resource
	dataSources []func() datasource.DataSource
)
