package winsim

import (
	"encoding/json"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/winsim/model"
)

// The agent's IFileSystem (agenthost/SimFileSystem.cs), answered from the
// host's files table. Content travels as base64 (JSON []byte).

type filePathArgs struct {
	Path string `json:"path"`
}

type fileWriteArgs struct {
	Path    string `json:"path"`
	Content []byte `json:"content"`
}

type fileReplaceArgs struct {
	Source      string `json:"source"`
	Destination string `json:"destination"`
	Backup      string `json:"backup"`
}

type fileCopyArgs struct {
	Source      string `json:"source"`
	Destination string `json:"destination"`
	Overwrite   bool   `json:"overwrite"`
}

// decodeBridgeArgs reads a call's arguments; the agent sends them, so a
// failure is a defect of the agent (87).
func decodeBridgeArgs(method string, raw json.RawMessage, into any) error {
	if err := json.Unmarshal(raw, into); err != nil {
		return &model.OpError{Code: 87, Message: method + ": " + err.Error()}
	}
	return nil
}

func init() {
	bridgeFailures["files.replace"] = func(s *Server, raw json.RawMessage, code int) {
		var a fileReplaceArgs
		if json.Unmarshal(raw, &a) == nil {
			s.host.FailReplaceLocked(a.Source, a.Destination, a.Backup, code)
		}
	}
	registerBridge(map[string]bridgeFunc{
		"files.read": func(s *Server, raw json.RawMessage) (any, error) {
			var a filePathArgs
			if err := decodeBridgeArgs("files.read", raw, &a); err != nil {
				return nil, err
			}
			content, err := s.host.ReadFileLocked(a.Path)
			if err != nil {
				return nil, err
			}
			return map[string][]byte{"content": content}, nil
		},
		"files.exists": func(s *Server, raw json.RawMessage) (any, error) {
			var a filePathArgs
			if err := decodeBridgeArgs("files.exists", raw, &a); err != nil {
				return nil, err
			}
			return map[string]bool{"exists": s.host.FileExistsLocked(a.Path)}, nil
		},
		"files.write_new": func(s *Server, raw json.RawMessage) (any, error) {
			var a fileWriteArgs
			if err := decodeBridgeArgs("files.write_new", raw, &a); err != nil {
				return nil, err
			}
			return struct{}{}, s.host.WriteNewFileLocked(a.Path, a.Content)
		},
		"files.replace": func(s *Server, raw json.RawMessage) (any, error) {
			var a fileReplaceArgs
			if err := decodeBridgeArgs("files.replace", raw, &a); err != nil {
				return nil, err
			}
			return struct{}{}, s.host.ReplaceFileLocked(a.Source, a.Destination, a.Backup)
		},
		"files.copy": func(s *Server, raw json.RawMessage) (any, error) {
			var a fileCopyArgs
			if err := decodeBridgeArgs("files.copy", raw, &a); err != nil {
				return nil, err
			}
			return struct{}{}, s.host.CopyFileLocked(a.Source, a.Destination, a.Overwrite)
		},
		"files.delete": func(s *Server, raw json.RawMessage) (any, error) {
			var a filePathArgs
			if err := decodeBridgeArgs("files.delete", raw, &a); err != nil {
				return nil, err
			}
			return struct{}{}, s.host.DeleteFileLocked(a.Path)
		},
	})
}
