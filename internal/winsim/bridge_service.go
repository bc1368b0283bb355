package winsim

import (
	"encoding/json"
	"time"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/winsim/model"
)

// The agent's IServiceControl and IClock (agenthost/SimServiceControl.cs,
// SimClock.cs), answered from the host model's services and clock: one
// call per SCM function, as the Windows implementation makes them.

// serviceNameArgs are the arguments of every service call.
type serviceNameArgs struct {
	Name string `json:"name"`
}

// serviceCall adapts a model method taking a service name.
func serviceCall[T any](f func(h *model.Host, name string) (T, error)) bridgeFunc {
	return func(s *Server, raw json.RawMessage) (any, error) {
		var a serviceNameArgs
		if err := json.Unmarshal(raw, &a); err != nil {
			return nil, badBridgeArgs(err)
		}
		return f(s.host, a.Name)
	}
}

// done is the result of a call that returns nothing.
type done struct{}

func init() {
	registerBridge(map[string]bridgeFunc{
		"services.getservicekeyname":     serviceCall((*model.Host).ServiceKeyNameLocked),
		"services.queryservicestatusex":  serviceCall((*model.Host).ServiceStatusLocked),
		"services.queryserviceconfig":    serviceCall((*model.Host).ServiceConfigLocked),
		"services.queryservicesidtype":   serviceCall((*model.Host).ServiceSIDTypeLocked),
		"services.enumdependentservices": serviceCall((*model.Host).DependentServicesLocked),
		"services.controlservicestop":    serviceCall(func(h *model.Host, name string) (done, error) { return done{}, h.ControlServiceStopLocked(name) }),
		"services.startservice":          serviceCall(func(h *model.Host, name string) (done, error) { return done{}, h.StartServiceLocked(name) }),
		"clock.utcnow":                   clockNow,
		"clock.sleep":                    clockSleep,
	})
}

// clockNow is the host's time in milliseconds since the Unix epoch, UTC.
func clockNow(s *Server, _ json.RawMessage) (any, error) {
	return map[string]int64{"unix_ms": s.host.ClockNowLocked().UnixMilli()}, nil
}

// clockSleep moves the host's clock on instead of sleeping.
func clockSleep(s *Server, raw json.RawMessage) (any, error) {
	var a struct {
		Milliseconds int64 `json:"ms"`
	}
	if err := json.Unmarshal(raw, &a); err != nil {
		return nil, badBridgeArgs(err)
	}
	s.host.ClockSleepLocked(time.Duration(a.Milliseconds) * time.Millisecond)
	return done{}, nil
}

// badBridgeArgs is a bridge call whose arguments do not decode: a defect of
// the simulator's C# side, reported as ERROR_INVALID_PARAMETER.
func badBridgeArgs(err error) error {
	return &model.OpError{Code: 87, Message: "bridge arguments: " + err.Error()}
}
