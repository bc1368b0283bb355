package windows

import (
	"errors"
	"fmt"
)

// Win32 and HRESULT codes the host reports in error envelopes. Sources:
// "System Error Codes (0-499)" and "(1300-1699)" on learn.microsoft.com.
const (
	CodeFileNotFound      = 2          // ERROR_FILE_NOT_FOUND: the object is absent
	CodeAccessDenied      = 5          // ERROR_ACCESS_DENIED
	CodeInvalidParameter  = 87         // ERROR_INVALID_PARAMETER
	CodeAlreadyExists     = 183        // ERROR_ALREADY_EXISTS
	CodeNotFound          = 1168       // ERROR_NOT_FOUND
	CodeNoSuchLogon       = 1312       // ERROR_NO_SUCH_LOGON_SESSION: certificate or its key unusable
	CodeNoneMapped        = 1332       // ERROR_NONE_MAPPED: unknown account
	CodeWrongPFXPassword  = 0x80070056 // HRESULT of ERROR_INVALID_PASSWORD from PFXImportCertStore
	codeScriptFailure     = 1
	maxStderrInErrorBytes = 4096
)

// Error is an op that the host ran and that failed: the host's code and
// message, and the op that failed.
type Error struct {
	Op      string
	Code    int64
	Message string
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s: %s (Windows error %d)", e.Op, e.Message, e.Code)
}

// ErrorCode returns the Windows code of an op failure in err's chain, or 0.
func ErrorCode(err error) int64 {
	var opErr *Error
	if errors.As(err, &opErr) {
		return opErr.Code
	}
	return 0
}

// IsNotFound reports whether err says the object does not exist on the host.
func IsNotFound(err error) bool {
	code := ErrorCode(err)
	return code == CodeFileNotFound || code == CodeNotFound
}

// IsAlreadyExists reports whether err says the object already exists.
func IsAlreadyExists(err error) bool { return ErrorCode(err) == CodeAlreadyExists }

// IsNoUsablePrivateKey reports whether err says the certificate is not in the
// store or its private key cannot be used (HTTP.sys's 1312).
func IsNoUsablePrivateKey(err error) bool { return ErrorCode(err) == CodeNoSuchLogon }

// IsUnknownAccount reports whether err says an account name or SID does not
// resolve on the host.
func IsUnknownAccount(err error) bool { return ErrorCode(err) == CodeNoneMapped }
