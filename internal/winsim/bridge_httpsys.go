package winsim

import (
	"encoding/json"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/winsim/model"
)

// The agent's IHttpApi ("httpapi.*") and IAccounts ("accounts.*") calls,
// answered by the host model's HTTP.sys tables and accounts
// (agenthost/SimHttpApi.cs, SimAccounts.cs send them).

// bridgeKey is an SSL binding key as the agent sends it.
type bridgeKey struct {
	IPPort       *string `json:"ipport"`
	HostnamePort *string `json:"hostnameport"`
}

// decodeBridge reads a call's arguments; malformed JSON is a defect of the
// sender, reported as 87.
func decodeBridge(args json.RawMessage, v any) error {
	if err := json.Unmarshal(args, v); err != nil {
		return &model.OpError{Code: 87, Message: "bridge arguments: " + err.Error()}
	}
	return nil
}

// opErr returns a model error as an error, nil staying nil.
func opErr(e *model.OpError) error {
	if e == nil {
		return nil
	}
	return e
}

func init() {
	registerBridge(map[string]bridgeFunc{
		"httpapi.queryurlacls": func(s *Server, _ json.RawMessage) (any, error) {
			return s.host.URLACLStatesLocked(), nil
		},
		"httpapi.queryurlacl": func(s *Server, args json.RawMessage) (any, error) {
			var in struct {
				URL string `json:"url"`
			}
			if err := decodeBridge(args, &in); err != nil {
				return nil, err
			}
			u, e := s.host.URLACLStateLocked(in.URL)
			return u, opErr(e)
		},
		"httpapi.seturlacl": func(s *Server, args json.RawMessage) (any, error) {
			var in model.URLACLState
			if err := decodeBridge(args, &in); err != nil {
				return nil, err
			}
			return struct{}{}, opErr(s.host.SetURLACLLocked(in.URL, in.SDDL))
		},
		"httpapi.deleteurlacl": func(s *Server, args json.RawMessage) (any, error) {
			var in struct {
				URL string `json:"url"`
			}
			if err := decodeBridge(args, &in); err != nil {
				return nil, err
			}
			return struct{}{}, opErr(s.host.DeleteURLACLLocked(in.URL))
		},
		"httpapi.querysslbindings": func(s *Server, args json.RawMessage) (any, error) {
			var in struct {
				SNI bool `json:"sni"`
			}
			if err := decodeBridge(args, &in); err != nil {
				return nil, err
			}
			return s.host.SSLRecordsLocked(in.SNI), nil
		},
		"httpapi.querysslccsbindings": func(s *Server, _ json.RawMessage) (any, error) {
			return s.host.CCSBindingsLocked(), nil
		},
		"httpapi.querysslbinding": func(s *Server, args json.RawMessage) (any, error) {
			var in bridgeKey
			if err := decodeBridge(args, &in); err != nil {
				return nil, err
			}
			r, e := s.host.SSLRecordLocked(in.IPPort, in.HostnamePort)
			return r, opErr(e)
		},
		"httpapi.setsslbinding": func(s *Server, args json.RawMessage) (any, error) {
			var in model.SSLRecord
			if err := decodeBridge(args, &in); err != nil {
				return nil, err
			}
			return struct{}{}, opErr(s.host.SetSSLRecordLocked(in))
		},
		"httpapi.updatesslbinding": func(s *Server, args json.RawMessage) (any, error) {
			var in model.SSLRecord
			if err := decodeBridge(args, &in); err != nil {
				return nil, err
			}
			return struct{}{}, opErr(s.host.UpdateSSLRecordLocked(in))
		},
		"httpapi.deletesslbinding": func(s *Server, args json.RawMessage) (any, error) {
			var in bridgeKey
			if err := decodeBridge(args, &in); err != nil {
				return nil, err
			}
			return struct{}{}, opErr(s.host.DeleteSSLRecordLocked(in.IPPort, in.HostnamePort))
		},
		// The model keeps no extended parameters (HttpServiceConfigSslCertInfoEx):
		// every binding answers "none".
		"httpapi.hasextendedparameter": func(*Server, json.RawMessage) (any, error) { return false, nil },
		"accounts.sidof": func(s *Server, args json.RawMessage) (any, error) {
			var in struct {
				Name string `json:"name"`
			}
			if err := decodeBridge(args, &in); err != nil {
				return nil, err
			}
			sid, e := s.host.AccountSIDLocked(in.Name)
			return sid, opErr(e)
		},
		"accounts.nameof": func(s *Server, args json.RawMessage) (any, error) {
			var in struct {
				SID string `json:"sid"`
			}
			if err := decodeBridge(args, &in); err != nil {
				return nil, err
			}
			name, e := s.host.AccountNameLocked(in.SID)
			return name, opErr(e)
		},
	})
}
