package model

import (
	"encoding/base64"
	"testing"
)

// configPath is the test service's configuration file.
const configPath = `C:\Program Files\Sage\Sage300IntegrationService.exe.config`

// writeConfig replaces the configuration file's content, as an edit by the
// agent's appconfig.set would.
func writeConfig(t *testing.T, h *Host, text string) {
	t.Helper()
	i := h.findFile(configPath)
	if i < 0 {
		t.Fatalf("%s is not in the files table", configPath)
	}
	h.files[i].content = []byte(text)
}

// endpointHost is a Sage 300 server after the procedure: service
// Running, ServiceUri on https port 4207, URL reservation, binding to a
// certificate with its key in MY.
func endpointHost(t *testing.T) (*Host, testCert) {
	t.Helper()
	c := newTestCert(t, "sage300.example.local")
	config := `<configuration><appSettings><add key="ServiceUri" value="https://sage300.example.local:4207" /></appSettings></configuration>`
	ipport := "0.0.0.0:4207"
	return New(State{
		Certificates: []CertificateState{{Store: "MY", PEM: c.certPEM, KeyPEM: c.keyPEM}},
		URLACLs:      []URLACLState{{URL: "https://+:4207/", SDDL: "D:(A;;GX;;;WD)"}},
		SSLCertBindings: []Binding{{IPPort: &ipport, CertificateHash: c.thumbprint,
			AppID: "{a86ad080-2ec6-44fb-82e4-bb1e409ab93c}", CertificateStoreName: "MY"}},
		Files:    []FileState{{Path: configPath, ContentBase64: base64.StdEncoding.EncodeToString([]byte(config))}},
		Services: []ServiceState{{Name: "Sage300IntegrationService", ConfigPath: configPath, URISetting: "ServiceUri"}},
	}), c
}

// TestHTTPSEndpoints checks that a service serves HTTPS exactly when all
// the conditions hold, and stops when any one goes.
func TestHTTPSEndpoints(t *testing.T) {
	tests := []struct {
		name      string
		breakHost func(t *testing.T, h *Host)
		want      bool
	}{
		{name: "all in place", breakHost: func(*testing.T, *Host) {}, want: true},
		{name: "service stopped", breakHost: func(_ *testing.T, h *Host) { h.services[0].Status = statusStopped }},
		{name: "http uri", breakHost: func(t *testing.T, h *Host) {
			writeConfig(t, h, `<configuration><appSettings><add key="ServiceUri" value="http://sage300:4207" /></appSettings></configuration>`)
			restartAgent(t, h)
		}},
		// The service read its config when it started: an edit takes effect
		// only with the restart the procedures ask for.
		{name: "http uri not yet restarted", breakHost: func(t *testing.T, h *Host) {
			writeConfig(t, h, `<configuration><appSettings><add key="ServiceUri" value="http://sage300:4207" /></appSettings></configuration>`)
		}, want: true},
		{name: "other key", breakHost: func(t *testing.T, h *Host) {
			h.services[0].URISetting = "HttpsServiceUri"
			restartAgent(t, h)
		}},
		{name: "no reservation", breakHost: func(t *testing.T, h *Host) {
			h.Exclusive(func() { wantCode(t, "delete reservation", h.DeleteURLACLLocked("https://+:4207/"), 0) })
		}},
		{name: "reservation on another port", breakHost: func(t *testing.T, h *Host) {
			h.Exclusive(func() { wantCode(t, "delete reservation", h.DeleteURLACLLocked("https://+:4207/"), 0) })
			wantCode(t, "reserve", setURLACL(h, "https://+:4208/", "D:(A;;GX;;;WD)"), 0)
		}},
		{name: "no binding", breakHost: func(t *testing.T, h *Host) {
			h.Exclusive(func() { wantCode(t, "delete binding", h.DeleteSSLRecordLocked(keyPtr("0.0.0.0:4207"), nil), 0) })
		}},
		{name: "certificate removed", breakHost: func(_ *testing.T, h *Host) { h.certs = nil }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, c := endpointHost(t)
			tt.breakHost(t, h)
			eps := h.HTTPSEndpoints()
			if !tt.want {
				if len(eps) != 0 {
					t.Errorf("endpoints %+v, want none", eps)
				}
				return
			}
			if len(eps) != 1 || eps[0].Service != "Sage300IntegrationService" || eps[0].Port != 4207 ||
				eps[0].Thumbprint != c.thumbprint || eps[0].KeyPEM != c.keyPEM {
				t.Errorf("endpoints %+v, want Sage300IntegrationService on 4207 with the bound certificate", eps)
			}
		})
	}
}

// restartAgent restarts the test's service with the SCM calls the agent's
// service.restart makes, as the windows_service_restart resource does.
func restartAgent(t *testing.T, h *Host) {
	t.Helper()
	if err := h.ControlServiceStopLocked("Sage300IntegrationService"); err != nil {
		t.Fatal(err)
	}
	if err := h.StartServiceLocked("Sage300IntegrationService"); err != nil {
		t.Fatal(err)
	}
}
