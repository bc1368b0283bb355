package pluginserver

import (
	"os"
	"strings"
)

// quietLevels are the terraform-plugin-log variables QuietUnlessAsked sets
// to off: the SDK's root logger (terraform-plugin-go's request lines), its
// proto and framework subsystems, and this provider's own logger.
var quietLevels = []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER_WINDOWS"}

// QuietUnlessAsked switches the SDK's and the provider's logging off when
// no logging variable is set (no TF_LOG*, no TF_ACC_LOG_PATH).
//
// terraform-plugin-log treats an unset level variable as TRACE, so by
// default every request wrote a dozen JSON lines to standard error (each
// with its caller's file and line), which Terraform then parsed and threw
// away unless TF_LOG was set: about a fifth of the provider's CPU. With the
// levels off, tfsdklog's cached level checks return before formatting
// anything. Whoever sets TF_LOG (or TF_LOG_PROVIDER, TF_LOG_SDK_PROTO, …)
// gets every line as before.
func QuietUnlessAsked() {
	for _, name := range quietVariables(os.Environ()) {
		_ = os.Setenv(name, "off")
	}
}

// quietVariables returns the variables to set to off for the environment
// env: none if someone asked for logs.
func quietVariables(env []string) []string {
	for _, kv := range env {
		name, value, _ := strings.Cut(kv, "=")
		if value != "" && (strings.HasPrefix(name, "TF_LOG") || name == "TF_ACC_LOG_PATH") {
			return nil
		}
	}
	return quietLevels
}
