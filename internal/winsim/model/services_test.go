package model

import (
	"strings"
	"testing"
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

func TestServiceGet(t *testing.T) {
	h := serviceHost(ServiceState{Name: "Sage300IntegrationService", DisplayName: "Sage 300 Connector Agent", DependentServices: []string{"Dep"}},
		ServiceState{Name: "Dep", Status: statusStopped, StartType: "Manual"})
	var v serviceView
	mustInvoke(t, h, "service.get", map[string]any{"name": "sage300integrationservice"}, &v)
	if v.Name != "Sage300IntegrationService" || v.DisplayName != "Sage 300 Connector Agent" || v.Status != statusRunning ||
		v.StartType != "Automatic" || len(v.DependentServices) != 1 || v.DependentServices[0] != "Dep" {
		t.Errorf("service.get = %+v", v)
	}
	wantCode(t, "absent service", invoke(t, h, "service.get", map[string]any{"name": "Nope"}, nil), errServiceDoesNotExist)
	wantCode(t, "bad name", invoke(t, h, "service.get", map[string]any{"name": `a\b`}, nil), errInvalidParameter)
}

// TestServiceRestart covers the restart paths: dependents stopped and
// started again (only those that were running), pending states waited out,
// and start failures reported with the state and exit code.
func TestServiceRestart(t *testing.T) {
	tests := []struct {
		name      string
		services  []ServiceState
		timeout   int
		code      int
		wantMsg   []string
		want      map[string]string // service -> status after
		restarted map[string]int
	}{
		{
			name: "dependents",
			services: []ServiceState{
				{Name: "Svc", DependentServices: []string{"DepA", "DepB"}},
				{Name: "DepA", DependentServices: []string{"DepC"}},
				{Name: "DepB", Status: statusStopped},
				{Name: "DepC"},
			},
			want:      map[string]string{"Svc": statusRunning, "DepA": statusRunning, "DepB": statusStopped, "DepC": statusRunning},
			restarted: map[string]int{"Svc": 1, "DepA": 1, "DepB": 0, "DepC": 1},
		},
		{
			name:      "stop pending",
			services:  []ServiceState{{Name: "Svc", Status: statusStopPending}},
			want:      map[string]string{"Svc": statusRunning},
			restarted: map[string]int{"Svc": 1},
		},
		{
			name:      "stopped",
			services:  []ServiceState{{Name: "Svc", Status: statusStopped}},
			want:      map[string]string{"Svc": statusRunning},
			restarted: map[string]int{"Svc": 1},
		},
		{
			name:      "logon failure",
			services:  []ServiceState{{Name: "Svc", StartFailsWith: errServiceLogonFailed}},
			code:      errServiceLogonFailed,
			wantMsg:   []string{"Svc", "Stopped", "exit code 1069", "logon failure"},
			want:      map[string]string{"Svc": statusStopped},
			restarted: map[string]int{"Svc": 0},
		},
		{
			name:      "timeout",
			services:  []ServiceState{{Name: "Svc", StartDelayMS: 5000}},
			timeout:   2,
			code:      errServiceRequestTimeout,
			wantMsg:   []string{"Svc", "StartPending", "within 2 s", "exit code 0"},
			want:      map[string]string{"Svc": statusStartPending},
			restarted: map[string]int{"Svc": 0},
		},
		{
			name: "dependent slower to stop than the timeout: 1053, the service left running",
			services: []ServiceState{
				{Name: "Svc", DependentServices: []string{"DepA"}},
				{Name: "DepA", StopDelayMS: 3000},
			},
			timeout:   2,
			code:      errServiceRequestTimeout,
			wantMsg:   []string{"DepA did not reach Stopped within 2 s", "it is StopPending"},
			want:      map[string]string{"Svc": statusRunning, "DepA": statusStopPending},
			restarted: map[string]int{"Svc": 0, "DepA": 0},
		},
		{
			name: "one deadline for every wait",
			services: []ServiceState{
				{Name: "Svc", DependentServices: []string{"DepA"}, StartDelayMS: 1500},
				{Name: "DepA", StopDelayMS: 1000},
			},
			timeout:   2,
			code:      errServiceRequestTimeout,
			wantMsg:   []string{"Svc did not reach Running within 2 s", "StartPending"},
			want:      map[string]string{"Svc": statusStartPending, "DepA": statusStopped},
			restarted: map[string]int{"Svc": 0, "DepA": 0},
		},
		{
			name: "start falls back to Stopped: its exit codes, before the timeout",
			services: []ServiceState{{Name: "Svc", StartDelayMS: 500, FallsBack: true,
				FallBackExitCode: errServiceSpecificError, FallBackServiceSpecificExitCode: 42}},
			timeout:   600,
			code:      errServiceSpecificError,
			wantMsg:   []string{"Svc stopped while starting", "exit code 1066", "service-specific exit code 42"},
			want:      map[string]string{"Svc": statusStopped},
			restarted: map[string]int{"Svc": 0},
		},
		{
			name:      "start falls back without an exit code: 1067",
			services:  []ServiceState{{Name: "Svc", FallsBack: true}},
			code:      errProcessAborted,
			wantMsg:   []string{"stopped while starting", "exit code 0", "terminated unexpectedly"},
			want:      map[string]string{"Svc": statusStopped},
			restarted: map[string]int{"Svc": 0},
		},
		{
			name:      "start that would fall back after the timeout: 1053",
			services:  []ServiceState{{Name: "Svc", StartDelayMS: 5000, FallsBack: true, FallBackExitCode: errServiceSpecificError}},
			timeout:   2,
			code:      errServiceRequestTimeout,
			wantMsg:   []string{"did not reach Running within 2 s", "StartPending"},
			want:      map[string]string{"Svc": statusStartPending},
			restarted: map[string]int{"Svc": 0},
		},
		{
			name: "StartPending when the restart begins, then falls back: its exit codes, nothing stopped",
			services: []ServiceState{
				{Name: "Svc", Status: statusStartPending, DependentServices: []string{"DepA"}, StartDelayMS: 100,
					FallsBack: true, FallBackExitCode: errServiceLogonFailed},
				{Name: "DepA"},
			},
			code:      errServiceLogonFailed,
			wantMsg:   []string{"Svc stopped while starting", "exit code 1069"},
			want:      map[string]string{"Svc": statusStopped, "DepA": statusRunning},
			restarted: map[string]int{"Svc": 0, "DepA": 0},
		},
		{
			name: "dependent falls back when started again",
			services: []ServiceState{
				{Name: "Svc", DependentServices: []string{"DepA"}},
				{Name: "DepA", FallsBack: true, FallBackExitCode: errServiceSpecificError, FallBackServiceSpecificExitCode: 7},
			},
			code:      errServiceSpecificError,
			wantMsg:   []string{"DepA stopped while starting", "service-specific exit code 7"},
			want:      map[string]string{"Svc": statusRunning, "DepA": statusStopped},
			restarted: map[string]int{"Svc": 1, "DepA": 0},
		},
		{
			name:      "slow start within the timeout",
			services:  []ServiceState{{Name: "Svc", StartDelayMS: 1500}},
			timeout:   2,
			want:      map[string]string{"Svc": statusRunning},
			restarted: map[string]int{"Svc": 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := serviceHost(tt.services...)
			args := map[string]any{"name": "Svc"}
			if tt.timeout != 0 {
				args["timeout_seconds"] = tt.timeout
			}
			var v serviceView
			err := invoke(t, h, "service.restart", args, &v)
			wantCode(t, "restart", err, tt.code)
			for _, part := range tt.wantMsg {
				if err != nil && !strings.Contains(err.Message, part) {
					t.Errorf("message %q lacks %q", err.Message, part)
				}
			}
			if tt.code == 0 && v.Status != statusRunning {
				t.Errorf("result status %s, want Running", v.Status)
			}
			for name, status := range tt.want {
				if got := serviceRow(t, h, name); got.Status != status || got.Restarts != tt.restarted[name] {
					t.Errorf("%s: status %s restarts %d; want %s, %d", name, got.Status, got.Restarts, status, tt.restarted[name])
				}
			}
		})
	}
}

func TestServiceRestartErrors(t *testing.T) {
	h := serviceHost(ServiceState{Name: "Svc"})
	wantCode(t, "absent", invoke(t, h, "service.restart", map[string]any{"name": "Other"}, nil), errServiceDoesNotExist)
	wantCode(t, "zero timeout", invoke(t, h, "service.restart", map[string]any{"name": "Svc", "timeout_seconds": 0}, nil), errInvalidParameter)
}

func TestServiceStateValidation(t *testing.T) {
	for _, doc := range []string{
		`{"services":[{"name":"A","status":"Sleeping"}]}`,
		`{"services":[{"name":"A","start_type":"Sometimes"}]}`,
		`{"services":[{"name":"A"},{"name":"a"}]}`,
		`{"services":[{"name":"A","dependent_services":["B"]}]}`,
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
