package winsim

import (
	"encoding/json"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/winsim/model"
)

// The agent's ICertificateStores (internal/windows/agent/ICertificateStores.cs),
// answered from the host model's stores and key containers; the C# side is
// agenthost/SimCertificateStores.cs, one call per method.

type certStoreArgs struct {
	Store      string `json:"store"`
	Thumbprint string `json:"thumbprint"`
}

type certAddArgs struct {
	Store string         `json:"store"`
	DER   []byte         `json:"der"`
	Key   *model.KeyLink `json:"key"`
}

type certImportArgs struct {
	Certificates []model.PFXCertificate `json:"certificates"`
	Exportable   bool                   `json:"exportable"`
}

type certKeyArgs struct {
	Key model.KeyLink `json:"key"`
}

type certKeyACLArgs struct {
	Key  model.KeyLink  `json:"key"`
	Path string         `json:"path"`
	ACL  []model.KeyACE `json:"acl"`
}

// decodeBridge and opErr are bridge_httpsys.go's.

// certKeyCall answers one key call given the key link.
func certKeyCall(f func(h *model.Host, key model.KeyLink) (any, *model.OpError)) bridgeFunc {
	return func(s *Server, raw json.RawMessage) (any, error) {
		var a certKeyArgs
		if err := decodeBridge(raw, &a); err != nil {
			return nil, err
		}
		res, e := f(s.host, a.Key)
		return res, opErr(e)
	}
}

func init() {
	empty := struct{}{}
	registerBridge(map[string]bridgeFunc{
		"certificates.enumsystemstores": func(s *Server, _ json.RawMessage) (any, error) {
			return map[string]any{"stores": s.host.CertSystemStoresLocked()}, nil
		},
		"certificates.certificates": func(s *Server, raw json.RawMessage) (any, error) {
			var a certStoreArgs
			if err := decodeBridge(raw, &a); err != nil {
				return nil, err
			}
			list, e := s.host.CertificatesLocked(a.Store)
			return map[string]any{"certificates": list}, opErr(e)
		},
		"certificates.findbythumbprint": func(s *Server, raw json.RawMessage) (any, error) {
			var a certStoreArgs
			if err := decodeBridge(raw, &a); err != nil {
				return nil, err
			}
			c, e := s.host.FindCertificateLocked(a.Store, a.Thumbprint)
			return map[string]any{"certificate": c}, opErr(e)
		},
		"certificates.add": func(s *Server, raw json.RawMessage) (any, error) {
			var a certAddArgs
			if err := decodeBridge(raw, &a); err != nil {
				return nil, err
			}
			return empty, opErr(s.host.AddCertificateLocked(a.Store, a.DER, a.Key))
		},
		"certificates.remove": func(s *Server, raw json.RawMessage) (any, error) {
			var a certStoreArgs
			if err := decodeBridge(raw, &a); err != nil {
				return nil, err
			}
			return empty, opErr(s.host.RemoveCertificateLocked(a.Store, a.Thumbprint))
		},
		"certificates.importpfx": func(s *Server, raw json.RawMessage) (any, error) {
			var a certImportArgs
			if err := decodeBridge(raw, &a); err != nil {
				return nil, err
			}
			list, e := s.host.ImportPFXKeysLocked(a.Certificates, a.Exportable)
			return map[string]any{"certificates": list}, opErr(e)
		},
		"certificates.ncryptopenkey": certKeyCall(func(h *model.Host, k model.KeyLink) (any, *model.OpError) {
			return empty, h.OpenKeyLocked(k, true)
		}),
		"certificates.cryptacquirecontext": certKeyCall(func(h *model.Host, k model.KeyLink) (any, *model.OpError) {
			return empty, h.OpenKeyLocked(k, false)
		}),
		"certificates.ncryptgetuniquename": certKeyCall(func(h *model.Host, k model.KeyLink) (any, *model.OpError) {
			name, e := h.KeyUniqueNameLocked(k, true)
			return map[string]string{"name": name}, e
		}),
		"certificates.cryptgetuniquecontainername": certKeyCall(func(h *model.Host, k model.KeyLink) (any, *model.OpError) {
			name, e := h.KeyUniqueNameLocked(k, false)
			return map[string]string{"name": name}, e
		}),
		"certificates.ncryptdeletekey": certKeyCall(func(h *model.Host, k model.KeyLink) (any, *model.OpError) {
			return empty, h.DeleteKeyLocked(k, true)
		}),
		"certificates.cryptdeletekeyset": certKeyCall(func(h *model.Host, k model.KeyLink) (any, *model.OpError) {
			return empty, h.DeleteKeyLocked(k, false)
		}),
		"certificates.ncryptgetsecuritydescr": certKeyCall(func(h *model.Host, k model.KeyLink) (any, *model.OpError) {
			acl, e := h.KeyACLLocked(k)
			return map[string]any{"acl": acl}, e
		}),
		"certificates.ncryptsetsecuritydescr": func(s *Server, raw json.RawMessage) (any, error) {
			var a certKeyACLArgs
			if err := decodeBridge(raw, &a); err != nil {
				return nil, err
			}
			return empty, opErr(s.host.SetKeyACLLocked(a.Key, a.ACL))
		},
		"certificates.getfilesecurity": func(s *Server, raw json.RawMessage) (any, error) {
			var a certKeyACLArgs
			if err := decodeBridge(raw, &a); err != nil {
				return nil, err
			}
			acl, e := s.host.KeyFileACLLocked(a.Path)
			return map[string]any{"acl": acl}, opErr(e)
		},
		"certificates.setfilesecurity": func(s *Server, raw json.RawMessage) (any, error) {
			var a certKeyACLArgs
			if err := decodeBridge(raw, &a); err != nil {
				return nil, err
			}
			return empty, opErr(s.host.SetKeyFileACLLocked(a.Path, a.ACL))
		},
	})
}
