package model

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// The service ops (PROTOCOL.md, "Services") run against the host's
// services table as the op script runs against the Service Control Manager
// with System.ServiceProcess.ServiceController.

// Service control errors ("System Error Codes (1000-1299)",
// https://learn.microsoft.com/en-us/windows/win32/debug/system-error-codes--1000-1299-).
const (
	errServiceRequestTimeout = 1053 // ERROR_SERVICE_REQUEST_TIMEOUT
	errServiceDoesNotExist   = 1060 // ERROR_SERVICE_DOES_NOT_EXIST
	errServiceLogonFailed    = 1069 // ERROR_SERVICE_LOGON_FAILED
)

// serviceMessages are FormatMessage's texts for the service codes (en-US;
// the op script puts the state and exit code after them).
var serviceMessages = map[int]string{
	errServiceRequestTimeout: "The service did not respond to the start or control request in a timely fashion.",
	errServiceDoesNotExist:   "The specified service does not exist as an installed service.",
	errServiceLogonFailed:    "The service did not start due to a logon failure.",
}

// Service statuses (ServiceControllerStatus names) and start types.
const (
	statusRunning      = "Running"
	statusStopped      = "Stopped"
	statusStartPending = "StartPending"
	statusStopPending  = "StopPending"
	statusPaused       = "Paused"
)

var (
	serviceStatuses   = []string{statusRunning, statusStopped, statusStartPending, statusStopPending, statusPaused, "PausePending", "ContinuePending"}
	serviceStartTypes = []string{"Automatic", "AutomaticDelayed", "Manual", "Disabled"}
)

// defaultRestartTimeoutSeconds is the op script's default bound on a restart.
const defaultRestartTimeoutSeconds = 120

// ServiceState is a Windows service in the state document, with the knobs
// that make it misbehave.
type ServiceState struct {
	Name        string `json:"name"`
	DisplayName string `json:"display_name,omitempty"`
	// Status is a ServiceControllerStatus name; default Running.
	Status string `json:"status,omitempty"`
	// StartType is Automatic (default), AutomaticDelayed, Manual or Disabled.
	StartType         string   `json:"start_type,omitempty"`
	DependentServices []string `json:"dependent_services,omitempty"`
	// StartFailsWith, if not 0, is the Win32 code every start fails with
	// (1069 for a wrong service account password) until it is cleared.
	StartFailsWith int `json:"start_fails_with,omitempty"`
	// StartDelayMS is how long a start takes; a restart whose timeout is
	// shorter leaves the service StartPending and fails with 1053.
	StartDelayMS int `json:"start_delay_ms,omitempty"`
	// ConfigPath is the service's .exe.config and URISetting the appSettings
	// key that holds the URI it listens on (default: HttpsServiceUri, then
	// ServiceUri); together they say which HTTPS endpoint it serves.
	ConfigPath string `json:"config_path,omitempty"`
	URISetting string `json:"uri_setting,omitempty"`
	// ListeningURI is the URI the service read from its config file when it
	// last started; a Running service loaded without one started with the
	// file as the document has it.
	ListeningURI string `json:"listening_uri,omitempty"`
	// Restarts counts the starts service.restart made.
	Restarts                int `json:"restarts"`
	ExitCode                int `json:"exit_code,omitempty"`
	ServiceSpecificExitCode int `json:"service_specific_exit_code,omitempty"`
}

// serviceView is a service as the ops show it.
type serviceView struct {
	Name                    string   `json:"name"`
	DisplayName             string   `json:"display_name"`
	Status                  string   `json:"status"`
	StartType               string   `json:"start_type"`
	DependentServices       []string `json:"dependent_services"`
	ExitCode                int      `json:"exit_code"`
	ServiceSpecificExitCode int      `json:"service_specific_exit_code"`
}

// loadServices validates and adds the state document's services.
func (h *Host) loadServices(list []ServiceState) error {
	for i, s := range list {
		if s.Name == "" || strings.ContainsAny(s.Name, `\/`) {
			return fmt.Errorf("services[%d]: name %q must be a service name without / or \\", i, s.Name)
		}
		if h.findService(s.Name) >= 0 {
			return fmt.Errorf("services[%d]: %s is in the document twice (names are case-insensitive)", i, s.Name)
		}
		if s.DisplayName == "" {
			s.DisplayName = s.Name
		}
		if s.Status == "" {
			s.Status = statusRunning
		}
		if s.Status == statusRunning && s.ListeningURI == "" {
			s.ListeningURI = h.configuredURI(s)
		}
		if s.StartType == "" {
			s.StartType = "Automatic"
		}
		if !slices.Contains(serviceStatuses, s.Status) {
			return fmt.Errorf("services[%d] %s: status %q is not one of %v", i, s.Name, s.Status, serviceStatuses)
		}
		if !slices.Contains(serviceStartTypes, s.StartType) {
			return fmt.Errorf("services[%d] %s: start_type %q is not one of %v", i, s.Name, s.StartType, serviceStartTypes)
		}
		s.DependentServices = slices.Clone(s.DependentServices)
		h.services = append(h.services, s)
	}
	for _, s := range h.services {
		for _, d := range s.DependentServices {
			if h.findService(d) < 0 {
				return fmt.Errorf("services %s: dependent service %q is not in the document", s.Name, d)
			}
		}
	}
	return nil
}

// serviceStates returns the services for the state document.
func (h *Host) serviceStates() []ServiceState {
	out := make([]ServiceState, 0, len(h.services))
	for _, s := range h.services {
		s.DependentServices = slices.Clone(s.DependentServices)
		out = append(out, s)
	}
	return out
}

// findService returns the index of the service, or -1. The Service Control
// Manager compares service names case-insensitively.
func (h *Host) findService(name string) int {
	for i, s := range h.services {
		if strings.EqualFold(s.Name, name) {
			return i
		}
	}
	return -1
}

func (h *Host) serviceView(i int) serviceView {
	s := h.services[i]
	return serviceView{Name: s.Name, DisplayName: s.DisplayName, Status: s.Status, StartType: s.StartType,
		DependentServices: append([]string{}, s.DependentServices...), ExitCode: s.ExitCode,
		ServiceSpecificExitCode: s.ServiceSpecificExitCode}
}

// serviceError is an op failure with the code's message followed by detail.
func serviceError(code int, format string, args ...any) *OpError {
	text := serviceMessages[code]
	if text == "" {
		text = fmt.Sprintf("Windows error %d.", code)
	}
	return &OpError{Code: code, Message: fmt.Sprintf(format, args...) + ": " + text}
}

type serviceArgs struct {
	Name           string `json:"name"`
	TimeoutSeconds *int   `json:"timeout_seconds"`
}

// lookupService parses the arguments and finds the service: 1060 if it is
// not installed, as OpenService answers.
func (h *Host) lookupService(op string, raw json.RawMessage) (int, serviceArgs, error) {
	var a serviceArgs
	if err := json.Unmarshal(raw, &a); err != nil {
		return -1, a, h.win32Error(errInvalidParameter, "%s: arguments: %v", op, err)
	}
	if a.Name == "" || strings.ContainsAny(a.Name, `\/`) {
		return -1, a, h.win32Error(errInvalidParameter, "name: a service name is required")
	}
	i := h.findService(a.Name)
	if i < 0 {
		return -1, a, serviceError(errServiceDoesNotExist, "service %s does not exist on this host", a.Name)
	}
	return i, a, nil
}

func serviceGet(h *Host, raw json.RawMessage) (any, error) {
	i, _, err := h.lookupService("service.get", raw)
	if err != nil {
		return nil, err
	}
	return h.serviceView(i), nil
}

// serviceRestart restarts as the op script does: note the running
// dependents, stop them and the service (ServiceController.Stop stops
// dependents first; a StopPending service is waited out, a StartPending one
// waited to Running first), start the service, wait for Running
// (ServiceController.WaitForStatus(status, TimeSpan), which gives up with a
// TimeoutException the script reports as 1053), then start the dependents
// that were running. The simulator does not sleep: a start takes
// start_delay_ms, and one longer than the timeout is the timeout.
func serviceRestart(h *Host, raw json.RawMessage) (any, error) {
	i, a, err := h.lookupService("service.restart", raw)
	if err != nil {
		return nil, err
	}
	timeout := defaultRestartTimeoutSeconds
	if a.TimeoutSeconds != nil {
		timeout = *a.TimeoutSeconds
	}
	if timeout < 1 || timeout > 86400 {
		return nil, h.win32Error(errInvalidParameter, "timeout_seconds: must be between 1 and 86400")
	}
	var running []int
	for _, d := range h.dependentsOf(i) {
		if h.services[d].Status != statusStopped {
			running = append(running, d)
		}
		h.stopService(d)
	}
	h.stopService(i)
	if err := h.startService(i, timeout); err != nil {
		return nil, err
	}
	for _, d := range slices.Backward(running) {
		if err := h.startService(d, timeout); err != nil {
			return nil, err
		}
	}
	return h.serviceView(i), nil
}

// dependentsOf lists the services that depend on service i, directly or
// not, as EnumDependentServices does (ServiceController.DependentServices).
func (h *Host) dependentsOf(i int) []int {
	var out []int
	queue := []int{i}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		for _, name := range h.services[cur].DependentServices {
			d := h.findService(name)
			if d >= 0 && d != i && !slices.Contains(out, d) {
				out = append(out, d)
				queue = append(queue, d)
			}
		}
	}
	return out
}

// stopService stops a service; a pending start or stop completes first.
func (h *Host) stopService(i int) {
	s := &h.services[i]
	s.Status, s.ExitCode, s.ServiceSpecificExitCode = statusStopped, 0, 0
}

// startService starts a stopped service. A start that fails leaves it
// Stopped with the failure as its exit code (StartService's error, e.g.
// 1069); one slower than the timeout leaves it StartPending (1053).
func (h *Host) startService(i, timeoutSeconds int) error {
	s := &h.services[i]
	if s.StartFailsWith != 0 {
		s.Status, s.ExitCode = statusStopped, s.StartFailsWith
		return serviceError(s.StartFailsWith, "service %s failed to start: it is %s, exit code %d", s.Name, s.Status, s.ExitCode)
	}
	if s.StartDelayMS > timeoutSeconds*1000 {
		s.Status = statusStartPending
		return serviceError(errServiceRequestTimeout,
			"service %s did not reach Running within %d s: it is %s, exit code %d, service-specific exit code %d",
			s.Name, timeoutSeconds, s.Status, s.ExitCode, s.ServiceSpecificExitCode)
	}
	s.Status = statusRunning
	s.ListeningURI = h.configuredURI(*s)
	s.Restarts++
	return nil
}
