package winsim

import (
	"encoding/json"
	"fmt"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/winsim/model"
)

// bridgeFunc answers one Windows call of the agent's interfaces from the
// simulator (agentproc.go). It runs inside model.Host.Exclusive: it may
// call only model methods that do not lock the host. A *model.OpError
// result reaches the agent as the Win32Exception Windows would throw.
type bridgeFunc func(s *Server, args json.RawMessage) (any, error)

// bridgeCalls are the calls by name ("<interface>.<method>"); each
// domain's bridge_*.go adds its own with registerBridge.
var bridgeCalls = map[string]bridgeFunc{}

// bridgeFailures model what a Windows call leaves behind when it fails
// part-way (a fail_calls fault): by call name, applied before the failure
// is answered. A call without one fails having changed nothing.
var bridgeFailures = map[string]func(s *Server, args json.RawMessage, code int){}

// registerBridge adds calls; a name given twice is a build defect.
func registerBridge(calls map[string]bridgeFunc) {
	for name, f := range calls {
		if _, dup := bridgeCalls[name]; dup {
			panic("winsim: bridge call " + name + " registered twice")
		}
		bridgeCalls[name] = f
	}
}

func init() {
	registerBridge(map[string]bridgeFunc{
		"system.info": func(s *Server, _ json.RawMessage) (any, error) { return s.host.SystemInfoLocked(), nil },
	})
}

// bridgeCall runs one call, failing it instead when a fault says so.
func (s *Server) bridgeCall(method string, args []byte) (any, error) {
	s.counters.bridgeCalls.Add(1)
	if code, fail := s.faults.failThisCall(method); fail {
		if partial, ok := bridgeFailures[method]; ok {
			partial(s, args, code)
		}
		return nil, &model.OpError{Code: code, Message: fmt.Sprintf("%s failed (fault injected by the simulator, code %d)", method, code)}
	}
	f, ok := bridgeCalls[method]
	if !ok {
		return nil, &model.OpError{Code: 1, Message: "the simulator does not answer the bridge call " + method}
	}
	return f(s, args)
}
