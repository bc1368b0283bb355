package model

import (
	"errors"
	"testing"
	"time"
)

func serviceHost(services ...ServiceState) *Host { return New(State{Services: services}) }

func serviceRow(t *testing.T, h *Host, name string) ServiceState {
	t.Helper()
	i := h.findService(name)
	if i < 0 {
		t.Fatalf("no service %s", name)
	}
	return h.services[i]
}

func TestServiceStateValidation(t *testing.T) {
	for _, doc := range []string{
		`{"services":[{"name":"A","status":"Sleeping"}]}`,
		`{"services":[{"name":"A","start_type":"Sometimes"}]}`,
		`{"services":[{"name":"A"},{"name":"a"}]}`,
		`{"services":[{"name":"A","dependent_services":["B"]}]}`,
		`{"services":[{"name":"A","sid_type":"partial"}]}`,
	} {
		if _, err := NewFromJSON([]byte(doc)); err == nil {
			t.Errorf("%s: accepted", doc)
		}
	}
}

// TestServiceDependentsStopOrder: dependents are stopped as
// EnumDependentServices lists them, every service after those that depend
// on it (and started in the reverse).
func TestServiceDependentsStopOrder(t *testing.T) {
	h := serviceHost(
		ServiceState{Name: "Svc", DependentServices: []string{"DepA", "DepB"}},
		ServiceState{Name: "DepA", DependentServices: []string{"DepC"}},
		ServiceState{Name: "DepB", DependentServices: []string{"DepC"}},
		ServiceState{Name: "DepC"},
	)
	var names []string
	for _, i := range h.dependentsStopOrder(h.findService("Svc")) {
		names = append(names, h.services[i].Name)
	}
	pos := map[string]int{}
	for n, name := range names {
		pos[name] = n
	}
	if len(names) != 3 || pos["DepC"] > pos["DepA"] || pos["DepC"] > pos["DepB"] {
		t.Errorf("stop order %v: want DepA, DepB and DepC once each, DepC before the services it depends on", names)
	}
}

// wantSCMCode checks an SCM call's failure code (0: success).
func wantSCMCode(t *testing.T, what string, err error, code int) {
	t.Helper()
	var op *OpError
	switch {
	case code == 0 && err != nil:
		t.Errorf("%s: %v, want success", what, err)
	case code != 0 && (!errors.As(err, &op) || op.Code != code):
		t.Errorf("%s: %v, want code %d", what, err, code)
	}
}

// TestServiceStateMachine: what the SCM enforces for the agent's calls:
// pending states that last their delay on the host's clock, a stop refused
// while a dependent runs, a start refused unless Stopped, start failures
// and falls back with their exit codes.
func TestServiceStateMachine(t *testing.T) {
	h := serviceHost(
		ServiceState{Name: "Svc", DependentServices: []string{"Dep"}, StopDelayMS: 1000, StartDelayMS: 500},
		ServiceState{Name: "Dep"},
		ServiceState{Name: "Bad", Status: statusStopped, StartFailsWith: 1069, StartName: `.\svc`},
		ServiceState{Name: "Crash", Status: statusStopped, FallsBack: true, FallBackExitCode: 1066, FallBackServiceSpecificExitCode: 42},
		ServiceState{Name: "Off", Status: statusStopped, StartType: "Disabled"},
	)
	status := func(name string) SCMServiceStatus {
		t.Helper()
		s, err := h.ServiceStatusLocked(name)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	if name, err := h.ServiceKeyNameLocked("svc"); err != nil || name != "Svc" {
		t.Errorf("key name %q, %v", name, err)
	}
	_, err := h.ServiceKeyNameLocked("Nope")
	wantSCMCode(t, "absent", err, errServiceDoesNotExist)
	wantSCMCode(t, "stop with a running dependent", h.ControlServiceStopLocked("Svc"), errDependentServicesRunning)
	wantSCMCode(t, "stop the dependent", h.ControlServiceStopLocked("Dep"), 0)
	wantSCMCode(t, "stop", h.ControlServiceStopLocked("Svc"), 0)
	if s := status("Svc"); s.CurrentState != statusStopPending {
		t.Errorf("after the stop control %s, want StopPending", s.CurrentState)
	}
	wantSCMCode(t, "stop while stopping", h.ControlServiceStopLocked("Svc"), errServiceCannotAcceptControl)
	h.ClockSleepLocked(time.Second)
	if s := status("Svc"); s.CurrentState != statusStopped {
		t.Errorf("after the stop delay %s, want Stopped", s.CurrentState)
	}
	wantSCMCode(t, "stop a stopped service", h.ControlServiceStopLocked("Svc"), errServiceNotActive)
	wantSCMCode(t, "start", h.StartServiceLocked("Svc"), 0)
	wantSCMCode(t, "start while starting", h.StartServiceLocked("Svc"), errServiceAlreadyRunning)
	h.ClockSleepLocked(500 * time.Millisecond)
	if s := status("Svc"); s.CurrentState != statusRunning || serviceRow(t, h, "Svc").Restarts != 1 {
		t.Errorf("after the start delay %s, restarts %d; want Running, 1", s.CurrentState, serviceRow(t, h, "Svc").Restarts)
	}
	wantSCMCode(t, "logon failure", h.StartServiceLocked("Bad"), 1069)
	if s := status("Bad"); s.CurrentState != statusStopped || s.Win32ExitCode != 1069 {
		t.Errorf("after the logon failure %+v", s)
	}
	if c, _ := h.ServiceConfigLocked("Bad"); c.ServiceStartName != `.\svc` || c.StartType != 2 {
		t.Errorf("config %+v", c)
	}
	wantSCMCode(t, "disabled", h.StartServiceLocked("Off"), errServiceDisabled)
	wantSCMCode(t, "falls back", h.StartServiceLocked("Crash"), 0)
	if s := status("Crash"); s.CurrentState != statusStopped || s.Win32ExitCode != 1066 || s.ServiceSpecificExitCode != 42 {
		t.Errorf("after falling back %+v", s)
	}
	if deps, _ := h.DependentServicesLocked("Svc"); len(deps) != 1 || deps[0] != "Dep" {
		t.Errorf("dependents %v", deps)
	}
}

// TestServicePendingInTheDocument: a service StartPending in the document
// ends its start after start_delay_ms of the host's clock.
func TestServicePendingInTheDocument(t *testing.T) {
	h := serviceHost(ServiceState{Name: "Svc", Status: statusStartPending, StartDelayMS: 60000})
	if s, _ := h.ServiceStatusLocked("Svc"); s.CurrentState != statusStartPending {
		t.Fatalf("%s, want StartPending", s.CurrentState)
	}
	before := h.ClockNowLocked()
	h.ClockSleepLocked(time.Minute)
	if got := h.ClockNowLocked().Sub(before); got < time.Minute {
		t.Errorf("the clock moved %v, want a minute", got)
	}
	if s, _ := h.ServiceStatusLocked("Svc"); s.CurrentState != statusRunning || serviceRow(t, h, "Svc").Restarts != 0 {
		t.Errorf("%s, want Running, not counted as a restart", s.CurrentState)
	}
}

// TestServiceSIDType: a service without sid_type has none, as one created
// without a SID type; the others come back as their SERVICE_SID_INFO codes.
func TestServiceSIDType(t *testing.T) {
	h := serviceHost(ServiceState{Name: "Plain"}, ServiceState{Name: "Open", SIDType: "unrestricted"}, ServiceState{Name: "Shut", SIDType: "restricted"})
	for name, want := range map[string]int{"plain": 0, "Open": 1, "SHUT": 3} {
		var got int
		var err error
		h.Exclusive(func() { got, err = h.ServiceSIDTypeLocked(name) })
		if err != nil || got != want {
			t.Errorf("%s: sid type %d %v, want %d", name, got, err, want)
		}
	}
	var err error
	h.Exclusive(func() { _, err = h.ServiceSIDTypeLocked("Nope") })
	wantSCMCode(t, "Nope", err, 1060)
	if s := serviceRow(t, h, "Plain"); s.SIDType != "none" {
		t.Errorf("state document sid_type %q, want none", s.SIDType)
	}
}
