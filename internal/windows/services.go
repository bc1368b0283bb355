package windows

import (
	"context"
	"time"
)

// Service control codes ("System Error Codes (1000-1299)", learn.microsoft.com).
const (
	CodeServiceRequestTimeout = 1053 // ERROR_SERVICE_REQUEST_TIMEOUT: a state was not reached in time
	CodeServiceDoesNotExist   = 1060 // ERROR_SERVICE_DOES_NOT_EXIST
	CodeServiceSpecificError  = 1066 // ERROR_SERVICE_SPECIFIC_ERROR: the service stopped with its own exit code
	CodeProcessAborted        = 1067 // ERROR_PROCESS_ABORTED: the service stopped while starting, leaving no exit code
	CodeServiceLogonFailed    = 1069 // ERROR_SERVICE_LOGON_FAILED: the service account's logon failed
)

// Service SID types (Service.SIDType; "SERVICE_SID_INFO structure",
// learn.microsoft.com): with none, the SCM does not put the service SID
// NT SERVICE\name in the service's token.
const (
	ServiceSIDTypeNone         = "none"
	ServiceSIDTypeUnrestricted = "unrestricted"
	ServiceSIDTypeRestricted   = "restricted"
)

// LocalSystemStartName is how the SCM spells the LocalSystem account
// (S-1-5-18) as a service's start name ("CreateServiceW", lpServiceStartName:
// "If this parameter is NULL, CreateService uses the LocalSystem account").
// LookupAccountName does not know this spelling.
const LocalSystemStartName = "LocalSystem"

// Services is the host's Windows services (ServiceController on the host).
type Services struct{ host *Host }

// Services returns the host's service API.
func (h *Host) Services() *Services { return &Services{host: h} }

// Service is a Windows service as the host reads it.
type Service struct {
	Name        string `json:"name"`
	DisplayName string `json:"display_name"`
	// Status is a ServiceControllerStatus name: Running, Stopped,
	// StartPending, StopPending, Paused, ...
	Status string `json:"status"`
	// StartType is Automatic, AutomaticDelayed, Manual or Disabled.
	StartType string `json:"start_type"`
	// StartName is the account the service logs on as, as the SCM spells
	// it: LocalSystem, NT AUTHORITY\LocalService, NT AUTHORITY\NetworkService,
	// .\user, DOMAIN\user, a gMSA's DOMAIN\name$.
	StartName string `json:"start_name"`
	// SIDType is the service SID type (sc.exe qsidtype): ServiceSIDTypeNone,
	// ServiceSIDTypeUnrestricted or ServiceSIDTypeRestricted.
	SIDType           string   `json:"sid_type"`
	DependentServices []string `json:"dependent_services"`
	// ExitCode is the Win32 exit code of the service's last stop or failed
	// start; ServiceSpecificExitCode is the service's own when ExitCode is
	// 1066 (ERROR_SERVICE_SPECIFIC_ERROR).
	ExitCode                int64 `json:"exit_code"`
	ServiceSpecificExitCode int64 `json:"service_specific_exit_code"`
}

type serviceArgs struct {
	Name           string `json:"name"`
	TimeoutSeconds int    `json:"timeout_seconds,omitempty"`
}

// IsServiceNotFound reports whether err says the service is not installed.
func IsServiceNotFound(err error) bool { return ErrorCode(err) == CodeServiceDoesNotExist }

// Get reads the service name (its short name). An absent service is an
// error for which IsServiceNotFound holds.
func (s *Services) Get(ctx context.Context, name string) (Service, error) {
	var svc Service
	err := s.host.call(ctx, "service.get", serviceArgs{Name: name}, &svc)
	return svc, err
}

// Restart stops the running dependents and the service, starts it and
// waits for Running, then starts the dependents again, all within timeout
// (rounded up to whole seconds). On failure the error carries 1053 for a
// timeout, StartService's Win32 code (1069, ...), or, for a service that
// stopped while starting, its exit code (1066 with the service-specific
// code in the message; 1067 when it left none), with its state in the
// message.
func (s *Services) Restart(ctx context.Context, name string, timeout time.Duration) (Service, error) {
	seconds := int((timeout + time.Second - 1) / time.Second)
	var svc Service
	err := s.host.call(ctx, "service.restart", serviceArgs{Name: name, TimeoutSeconds: seconds}, &svc)
	return svc, err
}
