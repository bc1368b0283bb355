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
	errServiceSpecificError  = 1066 // ERROR_SERVICE_SPECIFIC_ERROR
	errProcessAborted        = 1067 // ERROR_PROCESS_ABORTED
	errServiceLogonFailed    = 1069 // ERROR_SERVICE_LOGON_FAILED
)

// serviceMessages are FormatMessage's texts for the service codes (en-US;
// the op script puts the state and exit code after them).
var serviceMessages = map[int]string{
	errServiceRequestTimeout: "The service did not respond to the start or control request in a timely fashion.",
	errServiceDoesNotExist:   "The specified service does not exist as an installed service.",
	errServiceSpecificError:  "The service has returned a service-specific error code.",
	errProcessAborted:        "The process terminated unexpectedly.",
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
	// StartDelayMS is how long a start takes (and how long a service that
	// is StartPending in the document still takes); a restart with less time
	// left leaves the service StartPending and fails with 1053.
	StartDelayMS int `json:"start_delay_ms,omitempty"`
	// FallsBack makes every start fail after StartDelayMS in StartPending:
	// StartService succeeds, then the service stops again with
	// FallBackExitCode (0 when it left none) and
	// FallBackServiceSpecificExitCode, as a service whose ServiceMain
	// reports SERVICE_STOPPED with dwWin32ExitCode set does (1066
	// ERROR_SERVICE_SPECIFIC_ERROR with dwServiceSpecificExitCode;
	// "SERVICE_STATUS structure", learn.microsoft.com).
	FallsBack                       bool `json:"falls_back,omitempty"`
	FallBackExitCode                int  `json:"fall_back_exit_code,omitempty"`
	FallBackServiceSpecificExitCode int  `json:"fall_back_service_specific_exit_code,omitempty"`
	// StopDelayMS is how long a stop takes; a restart with less time left
	// leaves the service StopPending and fails with 1053.
	StopDelayMS int `json:"stop_delay_ms,omitempty"`
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
// dependents; wait out a StartPending service (one that falls back to
// Stopped fails at once with its exit codes); stop the running dependents
// one by one, in EnumDependentServices order (reverse start order:
// "EnumDependentServicesW", learn.microsoft.com), each waited to Stopped,
// then the service; start it and wait for Running; start the dependents
// that were running, in start order. Every wait takes from one deadline of
// timeout_seconds: running out fails with 1053 (the script never lets
// ServiceController.Stop wait its fixed 30 s per running dependent, .NET
// Framework reference source ServiceController.cs, nor report that
// TimeoutException, which has no Win32 code). The simulator does not
// sleep: starts and stops take start_delay_ms and stop_delay_ms of the
// deadline.
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
	r := &restart{h: h, seconds: timeout, leftMS: timeout * 1000}
	stopOrder := h.dependentsStopOrder(i)
	var running []int
	for _, d := range stopOrder {
		if h.services[d].Status != statusStopped {
			running = append(running, d)
		}
	}
	if h.services[i].Status == statusStartPending {
		if err := r.settle(i); err != nil {
			return nil, err
		}
		if h.services[i].Status == statusStopped {
			return nil, fellBackError(h.services[i])
		}
	}
	for _, d := range append(running, i) {
		if err := r.stop(d); err != nil {
			return nil, err
		}
	}
	if err := r.start(i); err != nil {
		return nil, err
	}
	for _, d := range slices.Backward(running) {
		if err := r.start(d); err != nil {
			return nil, err
		}
	}
	return h.serviceView(i), nil
}

// dependentsStopOrder lists the services that depend on service i, directly
// or not, as EnumDependentServices does (ServiceController.DependentServices):
// every service after the services that depend on it, the order to stop
// them in.
func (h *Host) dependentsStopOrder(i int) []int {
	var out []int
	visited := map[int]bool{i: true}
	var visit func(cur int)
	visit = func(cur int) {
		for _, name := range h.services[cur].DependentServices {
			d := h.findService(name)
			if d < 0 || visited[d] {
				continue
			}
			visited[d] = true
			visit(d)
			out = append(out, d)
		}
	}
	visit(i)
	return out
}

// restart is one service.restart's deadline: the milliseconds left of its
// timeout.
type restart struct {
	h       *Host
	seconds int
	leftMS  int
}

// take spends ms of the deadline; false when fewer are left (the wait runs
// out first, and the deadline is spent).
func (r *restart) take(ms int) bool {
	if ms > r.leftMS {
		r.leftMS = 0
		return false
	}
	r.leftMS -= ms
	return true
}

// timeoutError is a wait that ran out of time, as the script's
// New-TimeoutError reports it: 1053 with the state and exit codes.
func (r *restart) timeoutError(s ServiceState, wanted string) *OpError {
	return serviceError(errServiceRequestTimeout,
		"service %s did not reach %s within %d s: it is %s, exit code %d, service-specific exit code %d",
		s.Name, wanted, r.seconds, s.Status, s.ExitCode, s.ServiceSpecificExitCode)
}

// fellBackError is a start that ended in Stopped, as the script's
// New-FellBackError reports it: the service's exit code, or 1067
// ERROR_PROCESS_ABORTED when it left none.
func fellBackError(s ServiceState) *OpError {
	code := s.ExitCode
	if code == 0 {
		code = errProcessAborted
	}
	return serviceError(code, "service %s stopped while starting (StartPending, then Stopped): exit code %d, service-specific exit code %d",
		s.Name, s.ExitCode, s.ServiceSpecificExitCode)
}

// settle waits out a pending start: the service ends Running, or Stopped
// with its exit codes when it falls back; 1053 if it takes longer than the
// time left.
func (r *restart) settle(i int) error {
	s := &r.h.services[i]
	if !r.take(s.StartDelayMS) {
		s.Status = statusStartPending
		return r.timeoutError(*s, statusRunning)
	}
	if s.FallsBack {
		s.Status, s.ExitCode, s.ServiceSpecificExitCode = statusStopped, s.FallBackExitCode, s.FallBackServiceSpecificExitCode
		return nil
	}
	s.Status = statusRunning
	s.ListeningURI = r.h.configuredURI(*s)
	return nil
}

// stop stops a service and waits for Stopped: a pending start settles
// first; a stop slower than the time left leaves it StopPending (1053).
func (r *restart) stop(i int) error {
	s := &r.h.services[i]
	if s.Status == statusStartPending {
		if err := r.settle(i); err != nil {
			return err
		}
	}
	if s.Status == statusStopped {
		return nil
	}
	if !r.take(s.StopDelayMS) {
		s.Status = statusStopPending
		return r.timeoutError(*s, statusStopped)
	}
	s.Status, s.ExitCode, s.ServiceSpecificExitCode = statusStopped, 0, 0
	return nil
}

// start starts a stopped service and waits for Running. StartService's own
// failure (start_fails_with, e.g. 1069) leaves it Stopped with that code; a
// start that falls back fails with the exit codes as soon as it stops; one
// slower than the time left leaves it StartPending (1053).
func (r *restart) start(i int) error {
	s := &r.h.services[i]
	if s.StartFailsWith != 0 {
		s.Status, s.ExitCode = statusStopped, s.StartFailsWith
		return serviceError(s.StartFailsWith, "service %s failed to start: it is %s, exit code %d", s.Name, s.Status, s.ExitCode)
	}
	if err := r.settle(i); err != nil {
		return err
	}
	if s.Status == statusStopped {
		return fellBackError(*s)
	}
	s.Restarts++
	return nil
}
