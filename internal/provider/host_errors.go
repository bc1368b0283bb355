package provider

import (
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/provider/valuetext"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/windows"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/winrm"
)

// hostErrorDetail describes a failed host call and what to do about it:
// the host's own message first, then advice for the Win32 codes users meet.
func hostErrorDetail(err error) string {
	advice := ""
	var transportErr *winrm.Error
	switch windows.ErrorCode(err) {
	case 0:
		// Only a transport failure is about reaching the host; other errors
		// without a Windows code (a malformed result) say what they are.
		if isOutcomeUnknown(err) {
			advice = outcomeUnknownAdvice
		} else if errors.As(err, &transportErr) {
			advice = "The host could not be reached or did not answer as expected. Check the provider block (host, port, https, auth, username, password) and that WinRM is running on the host (winrm quickconfig)."
		}
	case windows.CodeAccessDenied:
		advice = "The provider's account may not change this setting. Connect as a member of the host's Administrators group."
	case windows.CodeInvalidParameter:
		advice = "The host rejected a value. Correct it as the message above says and apply again."
	case windows.CodeNoneMapped:
		advice = "The account is not known on the host. Built-in account names are translated on non-English Windows (Everyone is Jeder in German): use the English name of a well-known account, the host's own name, or the SID (S-1-1-0 for Everyone)."
	}
	if advice == "" {
		return err.Error()
	}
	return err.Error() + "\n\n" + advice
}

// outcomeUnknownAdvice explains a change whose request reached the host
// without its answer coming back. The transport never resends a change
// blindly, so nothing was done twice.
const outcomeUnknownAdvice = "The connection to the host was lost after the change was sent, so the host may or may not have applied it; " +
	"it was not sent again. Run terraform plan (or apply) again: it reads the host and shows which, and applies what is still missing."

// isOutcomeUnknown reports whether err is a change the host may or may not
// have applied.
func isOutcomeUnknown(err error) bool { return errors.Is(err, winrm.ErrOutcomeUnknown) }

// addHostError adds an error diagnostic for a failed host call.
func addHostError(diags *diag.Diagnostics, summary string, err error) {
	diags.AddError(summary, hostErrorDetail(err))
}

// shellQuote quotes an import ID for a POSIX shell when it needs quoting,
// so that the command in an error message can be pasted as it is.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		plain := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("+:/.-_=[]", r)
		return !plain
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// alreadyExistsDetail tells the user to import an object that exists on the
// host but not in the state, with the command and the import block. The
// provider cannot know the resource's address (inside a module it starts
// with module.NAME.), so the message points at the one Terraform prints
// with the error, after "with".
func alreadyExistsDetail(what, resourceType, id string, err error) string {
	return fmt.Sprintf("%s already exists on the host (%v).\n\nTo manage it with Terraform, import it into this "+
		"resource. Its address is the one Terraform prints with this error, after \"with\" above this text: "+
		"%s.NAME in the root module, module.MODULE.%s.NAME inside a module (for example "+
		"module.sage50.windows_http_sslcert_binding.integration_agent):\n\n"+
		"  terraform import 'ADDRESS' %s\n\nor, in the root module, an import block:\n\n  import {\n    to = ADDRESS\n    id = %s\n  }\n\n"+
		"Or remove it from the host and apply again.",
		what, err, resourceType, resourceType, shellQuote(id), valuetext.HCLString(id))
}
