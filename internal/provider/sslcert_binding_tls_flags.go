package provider

import (
	"context"
	"fmt"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/windows"
)

// tlsFlag is one of a binding's TLS flags: an
// HTTP_SERVICE_CONFIG_SSL_FLAG_* bit of DefaultFlags (http.h) and the first
// Windows build whose HTTP.sys honours it. An older HTTP.sys does not know
// the bit, so the binding would silently not do what the plan says.
type tlsFlag struct {
	bit         uint32
	minBuild    int
	minWindows  string
	description string
	set         func(windows.SSLBinding) bool
}

// Windows builds the flags need: Windows Server 2019 / Windows 10 1809
// (17763) and Windows Server 2022 (20348).
const (
	buildServer2019 = 17763
	buildServer2022 = 20348
)

// bindingTLSFlags are the TLS flags by attribute name. "Disable Legacy TLS"
// came to Windows Server 2019 with KB4490481 ("TLS version enforcement
// capabilities now available per certificate binding on Windows Server
// 2019", learn.microsoft.com/security/engineering/disable-legacy-tls);
// TLS 1.3 and QUIC (HTTP/3) are in HTTP.sys from Windows Server 2022.
var bindingTLSFlags = map[string]tlsFlag{
	"disable_legacy_tls": {bit: 0x400, minBuild: buildServer2019, minWindows: "Windows Server 2019 (10.0.17763, with update KB4490481)",
		description: "Whether HTTP.sys refuses TLS 1.0 and 1.1 (and their weak cipher suites) on this binding while other " +
			"bindings keep them: `HTTP_SERVICE_CONFIG_SSL_FLAG_DISABLE_LEGACY_TLS` (0x400). Default false. " +
			"Needs Windows Server 2019 (10.0.17763) with update KB4490481, or later.",
		set: func(b windows.SSLBinding) bool { return b.DisableLegacyTLS }},
	"disable_tls13": {bit: 0x40, minBuild: buildServer2022, minWindows: "Windows Server 2022 (10.0.20348)",
		description: "Whether HTTP.sys refuses TLS 1.3 over TCP on this binding: `HTTP_SERVICE_CONFIG_SSL_FLAG_DISABLE_TLS13` " +
			"(0x40). Default false. Needs Windows Server 2022 (10.0.20348) or later.",
		set: func(b windows.SSLBinding) bool { return b.DisableTLS13 }},
	"disable_http2": {bit: 0x10, minBuild: buildServer2019, minWindows: "Windows Server 2019 (10.0.17763)",
		description: "Whether HTTP.sys refuses HTTP/2 on this binding (clients use HTTP/1.1): " +
			"`HTTP_SERVICE_CONFIG_SSL_FLAG_DISABLE_HTTP2` (0x10). Default false. Needs Windows Server 2019 (10.0.17763) or later.",
		set: func(b windows.SSLBinding) bool { return b.DisableHTTP2 }},
	"disable_quic": {bit: 0x20, minBuild: buildServer2022, minWindows: "Windows Server 2022 (10.0.20348)",
		description: "Whether HTTP.sys refuses QUIC (HTTP/3) on this binding: `HTTP_SERVICE_CONFIG_SSL_FLAG_DISABLE_QUIC` " +
			"(0x20). Default false. Needs Windows Server 2022 (10.0.20348) or later.",
		set: func(b windows.SSLBinding) bool { return b.DisableQUIC }},
	"disable_ocsp_stapling": {bit: 0x80, minBuild: buildServer2019, minWindows: "Windows Server 2019 (10.0.17763)",
		description: "Whether HTTP.sys stops stapling OCSP responses to the handshake on this binding: " +
			"`HTTP_SERVICE_CONFIG_SSL_FLAG_DISABLE_OCSP_STAPLING` (0x80). Default false. Needs Windows Server 2019 (10.0.17763) or later.",
		set: func(b windows.SSLBinding) bool { return b.DisableOCSPStapling }},
}

// ModifyPlan refuses, at plan time when the host is known, a TLS flag the
// host's Windows is too old for, and plans the subject and expiry of the
// certificate the binding is to serve.
func (r *sslCertBindingResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.host == nil {
		return // destroy, or the provider's host is not known yet (checked at apply)
	}
	var plan sslCertBindingResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Unknown flags read as false here; apply checks them again.
	b := plan.binding()
	if !checkTLSFlagsSupported(ctx, r.host, b, &resp.Diagnostics) {
		return
	}
	r.planBoundCertificate(ctx, req, &plan, &resp.Diagnostics)
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
	}
}

// checkTLSFlagsSupported reports false, with an error on each flag's
// attribute, when b sets a TLS flag the host's Windows build does not
// honour. It asks the host only when a flag is set.
func checkTLSFlagsSupported(ctx context.Context, host *windows.Host, b windows.SSLBinding, diags *diag.Diagnostics) bool {
	var set []string
	for name, flag := range bindingTLSFlags {
		if flag.set(b) {
			set = append(set, name)
		}
	}
	if len(set) == 0 {
		return true
	}
	info, err := host.Info(ctx)
	if err != nil {
		addHostError(diags, "Cannot read the host's Windows version to check the binding's TLS flags", err)
		return false
	}
	build := windowsBuild(info.OSVersion)
	if build == 0 {
		return true // an unexpected version text: let HTTP.sys decide
	}
	sort.Strings(set)
	supported := true
	for _, name := range set {
		flag := bindingTLSFlags[name]
		if build >= flag.minBuild {
			continue
		}
		supported = false
		diags.AddAttributeError(path.Root(name), "TLS flag not supported by the host's Windows",
			fmt.Sprintf("%s (DefaultFlags bit %#x) needs %s or later; the host %s runs %s %s, whose HTTP.sys ignores it. "+
				"Remove %s from the configuration (or set it to false), or upgrade the host.",
				name, flag.bit, flag.minWindows, info.Hostname, info.OSCaption, info.OSVersion, name))
	}
	return supported
}
