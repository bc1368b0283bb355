package model

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// The host's services, as the Service Control Manager keeps them: the agent's
// IServiceControl (internal/windows/agent) asks them through the bridge, one
// SCM call per method, and decides everything else (service.get and
// service.restart live in the agent). What Windows enforces stays here:
// names found case-insensitively, the states and their transitions (a start
// or stop is pending for start_delay_ms or stop_delay_ms of the host's
// clock), a stop refused while dependents run, a start refused unless
// Stopped or when disabled, and the exit codes a service leaves.

// Service control errors ("System Error Codes (1000-1299)",
// https://learn.microsoft.com/en-us/windows/win32/debug/system-error-codes--1000-1299-).
const (
	errDependentServicesRunning   = 1051 // ERROR_DEPENDENT_SERVICES_RUNNING
	errServiceAlreadyRunning      = 1056 // ERROR_SERVICE_ALREADY_RUNNING
	errServiceDisabled            = 1058 // ERROR_SERVICE_DISABLED
	errServiceDoesNotExist        = 1060 // ERROR_SERVICE_DOES_NOT_EXIST
	errServiceCannotAcceptControl = 1061 // ERROR_SERVICE_CANNOT_ACCEPT_CTRL
	errServiceNotActive           = 1062 // ERROR_SERVICE_NOT_ACTIVE
)

// serviceMessages are FormatMessage's texts for the codes the SCM calls
// answer with (en-US).
var serviceMessages = map[int]string{
	errDependentServicesRunning:   "A stop control has been sent to a service that other running services are dependent on.",
	errServiceAlreadyRunning:      "An instance of the service is already running.",
	errServiceDisabled:            "The service cannot be started, either because it is disabled or because it has no enabled devices associated with it.",
	errServiceDoesNotExist:        "The specified service does not exist as an installed service.",
	errServiceCannotAcceptControl: "The service cannot accept control messages at this time.",
	errServiceNotActive:           "The service has not been started.",
}

// Service statuses (ServiceControllerStatus names) and start types.
const (
	statusRunning      = "Running"
	statusStopped      = "Stopped"
	statusStartPending = "StartPending"
	statusStopPending  = "StopPending"
	statusPaused       = "Paused"
)

// serviceSIDTypeCodes are SERVICE_SID_INFO.dwServiceSidType's values
// ("SERVICE_SID_INFO structure", learn.microsoft.com).
var serviceSIDTypeCodes = map[string]int{"none": 0, "unrestricted": 1, "restricted": 3}

var (
	serviceStatuses   = []string{statusRunning, statusStopped, statusStartPending, statusStopPending, statusPaused, "PausePending", "ContinuePending"}
	serviceStartTypes = []string{"Automatic", "AutomaticDelayed", "Manual", "Disabled"}
)

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
	// StartName is the account the service logs on as (default LocalSystem).
	StartName string `json:"start_name,omitempty"`
	// SIDType is the service SID type (SERVICE_SID_INFO, sc.exe sidtype):
	// none, unrestricted or restricted. The default is none, what the SCM
	// keeps for a service created without one: CreateService sets no SID
	// type, and SERVICE_SID_TYPE_NONE is the value that adds no service
	// SID ("SERVICE_SID_INFO structure", "ChangeServiceConfig2W",
	// learn.microsoft.com; "sc.exe sidtype": "none" removes it).
	SIDType string `json:"sid_type,omitempty"`
	// StartFailsWith, if not 0, is the Win32 code every start fails with
	// (1069 for a wrong service account password) until it is cleared.
	StartFailsWith int `json:"start_fails_with,omitempty"`
	// StartDelayMS is how long a start takes (and how long a service that
	// is StartPending in the document still takes) on the host's clock.
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
	// StopDelayMS is how long a stop takes (and how long a service that is
	// StopPending in the document still takes).
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
	// HTTPURISetting is the appSettings key of a second, plain-HTTP URI the
	// service listens on beside the one of URISetting (the Sage 50
	// Integration Service's HttpServiceUri); ListeningHTTPURI is its value
	// as read at the last start (plain_endpoints.go).
	HTTPURISetting   string `json:"http_uri_setting,omitempty"`
	ListeningHTTPURI string `json:"listening_http_uri,omitempty"`
	// Restarts counts the starts (StartService calls that reached Running).
	Restarts                int `json:"restarts"`
	ExitCode                int `json:"exit_code,omitempty"`
	ServiceSpecificExitCode int `json:"service_specific_exit_code,omitempty"`

	// pendingUntil is when a StartPending or StopPending state ends, on the
	// host's clock; started says a StartService call began the pending start.
	pendingUntil time.Time
	started      bool
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
		if s.Status == statusRunning && s.ListeningHTTPURI == "" {
			s.ListeningHTTPURI = h.configuredHTTPURI(s)
		}
		if s.StartType == "" {
			s.StartType = "Automatic"
		}
		if s.SIDType == "" {
			s.SIDType = "none"
		}
		if _, ok := serviceSIDTypeCodes[s.SIDType]; !ok {
			return fmt.Errorf("services[%d] %s: sid_type %q is not none, unrestricted or restricted", i, s.Name, s.SIDType)
		}
		if !slices.Contains(serviceStatuses, s.Status) {
			return fmt.Errorf("services[%d] %s: status %q is not one of %v", i, s.Name, s.Status, serviceStatuses)
		}
		if !slices.Contains(serviceStartTypes, s.StartType) {
			return fmt.Errorf("services[%d] %s: start_type %q is not one of %v", i, s.Name, s.StartType, serviceStartTypes)
		}
		s.DependentServices = slices.Clone(s.DependentServices)
		switch s.Status {
		case statusStartPending:
			s.pendingUntil = h.clockNow().Add(time.Duration(s.StartDelayMS) * time.Millisecond)
		case statusStopPending:
			s.pendingUntil = h.clockNow().Add(time.Duration(s.StopDelayMS) * time.Millisecond)
		}
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

// serviceStates returns the services for the state document, pending
// states that have run their time ended.
func (h *Host) serviceStates() []ServiceState {
	h.advanceServices()
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

// clockNow is the host's clock: real time plus every wait the agent asked
// for (ClockSleepLocked), which the simulator skips instead of sleeping.
func (h *Host) clockNow() time.Time { return time.Now().Add(h.clockSkew) }

// ClockNowLocked is the host's time for the agent's IClock; call only
// inside Host.Exclusive.
func (h *Host) ClockNowLocked() time.Time { return h.clockNow() }

// ClockSleepLocked is the agent's wait: the host's clock moves on by d at
// once, so pending service states end as they would after a real wait.
// Call only inside Host.Exclusive.
func (h *Host) ClockSleepLocked(d time.Duration) {
	if d > 0 {
		h.clockSkew += d
	}
}

// advanceServices ends the pending states whose time has come.
func (h *Host) advanceServices() {
	for i := range h.services {
		h.advanceService(i)
	}
}

// advanceService ends service i's pending state if its time has come: a
// start ends Running (reading its config file's URI, as the service does
// when it starts) or, for a service that falls back, Stopped with its exit
// codes ("SERVICE_STATUS structure", learn.microsoft.com); a stop ends
// Stopped without one.
func (h *Host) advanceService(i int) {
	s := &h.services[i]
	if (s.Status != statusStartPending && s.Status != statusStopPending) || h.clockNow().Before(s.pendingUntil) {
		return
	}
	switch {
	case s.Status == statusStopPending:
		s.Status, s.ExitCode, s.ServiceSpecificExitCode = statusStopped, 0, 0
	case s.FallsBack:
		s.Status, s.ExitCode, s.ServiceSpecificExitCode = statusStopped, s.FallBackExitCode, s.FallBackServiceSpecificExitCode
	default:
		s.Status = statusRunning
		s.ListeningURI = h.configuredURI(*s)
		s.ListeningHTTPURI = h.configuredHTTPURI(*s)
		if s.started {
			s.Restarts++
		}
	}
	s.started = false
}

// scmError is an SCM call's failure: the code's FormatMessage text after
// what failed.
func scmError(code int, call, name string) *OpError {
	return &OpError{Code: code, Message: fmt.Sprintf("%s(%s): %s", call, name, serviceMessages[code])}
}

// openService finds the service as OpenService does (1060 when it is not
// installed) and ends a pending state whose time has come.
func (h *Host) openService(call, name string) (int, error) {
	i := h.findService(name)
	if i < 0 {
		return -1, scmError(errServiceDoesNotExist, call, name)
	}
	h.advanceService(i)
	return i, nil
}

// ServiceKeyNameLocked is the service's name as the SCM spells it; call
// only inside Host.Exclusive.
func (h *Host) ServiceKeyNameLocked(name string) (string, error) {
	i, err := h.openService("GetServiceDisplayName", name)
	if err != nil {
		return "", err
	}
	return h.services[i].Name, nil
}

// SCMServiceStatus is QueryServiceStatusEx's answer: the state by its
// ServiceControllerStatus name and the exit codes.
type SCMServiceStatus struct {
	CurrentState            string `json:"current_state"`
	Win32ExitCode           int    `json:"win32_exit_code"`
	ServiceSpecificExitCode int    `json:"service_specific_exit_code"`
}

// ServiceStatusLocked is QueryServiceStatusEx; call only inside Host.Exclusive.
func (h *Host) ServiceStatusLocked(name string) (SCMServiceStatus, error) {
	i, err := h.openService("OpenService", name)
	if err != nil {
		return SCMServiceStatus{}, err
	}
	s := h.services[i]
	return SCMServiceStatus{CurrentState: s.Status, Win32ExitCode: s.ExitCode, ServiceSpecificExitCode: s.ServiceSpecificExitCode}, nil
}

// SCMServiceConfig is QueryServiceConfig's answer (with
// QueryServiceConfig2's delayed auto-start flag).
type SCMServiceConfig struct {
	StartType        int    `json:"start_type"` // 2 auto, 3 demand, 4 disabled
	DelayedAutoStart bool   `json:"delayed_auto_start"`
	DisplayName      string `json:"display_name"`
	ServiceStartName string `json:"service_start_name"`
}

// serviceStartTypeCodes are QUERY_SERVICE_CONFIG's dwStartType values of
// the start types.
var serviceStartTypeCodes = map[string]int{"Automatic": 2, "AutomaticDelayed": 2, "Manual": 3, "Disabled": 4}

// ServiceConfigLocked is QueryServiceConfig; call only inside Host.Exclusive.
func (h *Host) ServiceConfigLocked(name string) (SCMServiceConfig, error) {
	i, err := h.openService("OpenService", name)
	if err != nil {
		return SCMServiceConfig{}, err
	}
	s := h.services[i]
	account := s.StartName
	if account == "" {
		account = "LocalSystem"
	}
	return SCMServiceConfig{StartType: serviceStartTypeCodes[s.StartType], DelayedAutoStart: s.StartType == "AutomaticDelayed",
		DisplayName: s.DisplayName, ServiceStartName: account}, nil
}

// ServiceSIDTypeLocked is QueryServiceConfig2(SERVICE_CONFIG_SERVICE_SID_INFO):
// dwServiceSidType, 0 none, 1 unrestricted, 3 restricted. Call only inside
// Host.Exclusive.
func (h *Host) ServiceSIDTypeLocked(name string) (int, error) {
	i, err := h.openService("OpenService", name)
	if err != nil {
		return 0, err
	}
	return serviceSIDTypeCodes[h.services[i].SIDType], nil
}

// DependentServicesLocked is EnumDependentServices(SERVICE_STATE_ALL):
// every service depending on name, directly or not, in the order to stop
// them. Call only inside Host.Exclusive.
func (h *Host) DependentServicesLocked(name string) ([]string, error) {
	i, err := h.openService("OpenService", name)
	if err != nil {
		return nil, err
	}
	names := []string{}
	for _, d := range h.dependentsStopOrder(i) {
		names = append(names, h.services[d].Name)
	}
	return names, nil
}

// ControlServiceStopLocked is ControlService(SERVICE_CONTROL_STOP): 1051
// while a dependent is not stopped, 1062 when the service is stopped, 1061
// while it is pending; otherwise it is StopPending for stop_delay_ms. Call
// only inside Host.Exclusive.
func (h *Host) ControlServiceStopLocked(name string) error {
	i, err := h.openService("OpenService", name)
	if err != nil {
		return err
	}
	h.advanceServices()
	s := &h.services[i]
	for _, d := range s.DependentServices {
		if j := h.findService(d); j >= 0 && h.services[j].Status != statusStopped {
			return scmError(errDependentServicesRunning, "ControlService", s.Name)
		}
	}
	switch s.Status {
	case statusStopped:
		return scmError(errServiceNotActive, "ControlService", s.Name)
	case statusRunning, statusPaused:
	default:
		return scmError(errServiceCannotAcceptControl, "ControlService", s.Name)
	}
	s.Status, s.pendingUntil = statusStopPending, h.clockNow().Add(time.Duration(s.StopDelayMS)*time.Millisecond)
	h.advanceService(i)
	return nil
}

// StartServiceLocked is StartService: 1056 unless the service is Stopped,
// 1058 when it is disabled, start_fails_with (1069 for a logon failure) as
// the SCM's own failure, leaving that exit code; otherwise it is
// StartPending for start_delay_ms, then Running, or Stopped again for one
// that falls back. Call only inside Host.Exclusive.
func (h *Host) StartServiceLocked(name string) error {
	i, err := h.openService("OpenService", name)
	if err != nil {
		return err
	}
	s := &h.services[i]
	switch {
	case s.Status != statusStopped:
		return scmError(errServiceAlreadyRunning, "StartService", s.Name)
	case s.StartType == "Disabled":
		return scmError(errServiceDisabled, "StartService", s.Name)
	case s.StartFailsWith != 0:
		s.ExitCode, s.ServiceSpecificExitCode = s.StartFailsWith, 0
		return &OpError{Code: s.StartFailsWith, Message: fmt.Sprintf("StartService(%s): Windows error %d", s.Name, s.StartFailsWith)}
	}
	s.Status, s.started = statusStartPending, true
	s.pendingUntil = h.clockNow().Add(time.Duration(s.StartDelayMS) * time.Millisecond)
	h.advanceService(i)
	return nil
}
