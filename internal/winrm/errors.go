package winrm

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors, for errors.Is. Errors returned by this package wrap at
// most one of them, plus the underlying cause.
var (
	// ErrInvalidConfig: New refused the Config; the message names the field.
	ErrInvalidConfig = errors.New("invalid WinRM configuration")
	// ErrUnauthorized: the host refused the credentials (HTTP 401).
	ErrUnauthorized = errors.New("WinRM authentication failed")
	// ErrTLSVerification: the host's certificate is not trusted or does not
	// match the name.
	ErrTLSVerification = errors.New("TLS certificate verification failed")
	// ErrConnectionRefused: nothing listens on the host and port.
	ErrConnectionRefused = errors.New("connection refused")
	// ErrTimeout: a step did not finish in time (Config.Timeout or the
	// context's deadline).
	ErrTimeout = errors.New("timed out")
	// ErrProtocol: the host answered something that is not WS-Management as
	// Windows speaks it.
	ErrProtocol = errors.New("unexpected WinRM response")
	// ErrClosed: the Client was closed.
	ErrClosed = errors.New("WinRM client closed")
	// ErrOutcomeUnknown: a request that changes the host reached it, but
	// its answer was lost (the connection dropped, the worker died, the
	// operation was interrupted). The host may or may not have applied it;
	// it is never sent again blindly.
	ErrOutcomeUnknown = errors.New("outcome unknown")
)

// Error is a failed step of talking to a WinRM endpoint. Its message says
// what was being done, where, what happened and what to check.
type Error struct {
	Step     string // e.g. "connect", "authenticate", "create shell", "send stdin", "receive output"
	Endpoint string // e.g. "https://host:5986/wsman"
	Kind     error  // one of the package's sentinels, or nil
	Detail   string // what happened and what to check, for a person
	Err      error  // the cause, or nil
}

// Error implements error.
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "winrm %s: %s", e.Endpoint, e.Step)
	if e.Detail != "" {
		b.WriteString(": ")
		b.WriteString(e.Detail)
	}
	if e.Err != nil && !strings.Contains(e.Detail, e.Err.Error()) {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the sentinel and the cause, so errors.Is works for both
// (ErrTimeout and context.DeadlineExceeded, for instance).
func (e *Error) Unwrap() []error {
	var errs []error
	if e.Kind != nil {
		errs = append(errs, e.Kind)
	}
	if e.Err != nil {
		errs = append(errs, e.Err)
	}
	return errs
}

// FaultError is a WS-Management SOAP fault returned by the host
// (MS-WSMV 2.2.4.19 WSManFault inside a SOAP 1.2 Fault).
type FaultError struct {
	Code    uint32 // WSManFault Code attribute, e.g. 2150858793 (0x80338029, operation timeout)
	Subcode string // SOAP Subcode value, e.g. "w:TimedOut"
	Reason  string // SOAP Reason text
	Message string // WSManFault Message text
	Machine string // WSManFault Machine attribute
}

// Error implements error.
func (f *FaultError) Error() string {
	text := strings.TrimSpace(f.Message)
	if text == "" {
		text = strings.TrimSpace(f.Reason)
	}
	if f.Code != 0 {
		return fmt.Sprintf("WS-Management fault %d (0x%08X, %s): %s", f.Code, f.Code, f.Subcode, text)
	}
	return fmt.Sprintf("WS-Management fault (%s): %s", f.Subcode, text)
}

// WSMan error codes this package acts on.
const (
	// faultOperationTimeout is ERROR_WSMAN_OPERATION_TIMEDOUT (0x80338029):
	// a Receive found no output within OperationTimeout, which is normal for a
	// long-running command and answered by receiving again.
	faultOperationTimeout = 2150858793
	// faultInvalidSelectors is ERROR_WSMAN_INVALID_SELECTORS (0x8033805B):
	// the shell or command the request names no longer exists (deleted,
	// expired at its IdleTimeOut, or WinRM restarted).
	faultInvalidSelectors = 2150858843
	// faultQuotaMaxShells and faultQuotaMaxOperations are
	// ERROR_WSMAN_QUOTA_MAX_SHELLS (0x803381A5) and
	// ERROR_WSMAN_QUOTA_MAX_OPERATIONS (0x803381A6, the one Ansible
	// recreates its shell on) from wsmerror.h.
	faultQuotaMaxShells     = 2150859173
	faultQuotaMaxOperations = 2150859174
)

// faultCode returns the WSManFault code in err's chain, or 0.
func faultCode(err error) uint32 {
	var f *FaultError
	if errors.As(err, &f) {
		return f.Code
	}
	return 0
}

// isShellGone reports whether err says the shell or its command no longer
// exists on the host, or the host refused it for a quota: the worker in it
// is lost, but the request was not run.
func isShellGone(err error) bool {
	switch faultCode(err) {
	case faultInvalidSelectors, faultQuotaMaxShells, faultQuotaMaxOperations:
		return true
	}
	return false
}

// IsOperationTimeout reports whether err is the WS-Management fault a host
// answers a Receive with when no output arrived within OperationTimeout.
// Clients match the code, the TimedOut subcode or the word OperationTimeout,
// as Windows versions differ in which they fill in.
func IsOperationTimeout(err error) bool {
	var f *FaultError
	if !errors.As(err, &f) {
		return false
	}
	return f.Code == faultOperationTimeout ||
		strings.HasSuffix(f.Subcode, ":TimedOut") ||
		strings.Contains(f.Message, "OperationTimeout") ||
		strings.Contains(f.Reason, "OperationTimeout")
}

// ConfigError is a Config field the client cannot work with. Field is named
// as the provider's attribute is (host, ca_cert, kerberos_spn, ...), so the
// caller can point at the setting to fix. It matches ErrInvalidConfig.
type ConfigError struct {
	Field   string
	Problem string
}

func (e *ConfigError) Error() string {
	return fmt.Sprintf("%v: %s %s", ErrInvalidConfig, e.Field, e.Problem)
}

// Unwrap makes errors.Is(err, ErrInvalidConfig) hold.
func (e *ConfigError) Unwrap() error { return ErrInvalidConfig }

// configError is a Config validation failure naming the field.
func configError(field, problem string) error {
	return &ConfigError{Field: field, Problem: problem}
}
