package winsim

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"io"
	"math/big"
	"net/http"
	"testing"
	"time"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/winsim/model"
)

const testConfigPath = `C:\Program Files (x86)\Sage 300 Connector Agent\Sage300IntegrationService.exe.config`

// endpointScenario is a Sage 300 server with HTTPS set up on port 4207.
func endpointScenario(t *testing.T) (scenario []byte, thumbprint string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "sage300.example.local"},
		DNSNames: []string{"sage300.example.local"}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	ipport := "0.0.0.0:4207"
	config := `<configuration><appSettings><add key="ServiceUri" value="https://sage300.example.local:4207" /></appSettings></configuration>`
	state := model.State{
		Certificates: []model.CertificateState{{Store: "MY",
			PEM:    string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})),
			KeyPEM: string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8}))}},
		URLACLs:         []model.URLACLState{{URL: "https://+:4207/", SDDL: "D:(A;;GX;;;WD)"}},
		SSLCertBindings: []model.Binding{{IPPort: &ipport, CertificateHash: model.Thumbprint(der), AppID: "{a86ad080-2ec6-44fb-82e4-bb1e409ab93c}"}},
		Files:           []model.FileState{{Path: testConfigPath, ContentBase64: base64.StdEncoding.EncodeToString([]byte(config))}},
		Services:        []model.ServiceState{{Name: "Sage300IntegrationService", ConfigPath: testConfigPath, URISetting: "ServiceUri"}},
	}
	data, err := json.Marshal(state)
	if err != nil {
		t.Fatal(err)
	}
	return data, model.Thumbprint(der)
}

func getEndpoints(t *testing.T, srv *Server) []EndpointInfo {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, "http://"+srv.HTTPAddr()+"/winsim/endpoints", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(testUser, testPassword)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /winsim/endpoints: %s %s", resp.Status, body)
	}
	var eps []EndpointInfo
	if err := json.Unmarshal(body, &eps); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
	return eps
}

// TestEndpointsServeTheBoundCertificate checks the observable end state: the
// service serves HTTPS with the bound certificate while the conditions
// hold, and stops when the service stops.
func TestEndpointsServeTheBoundCertificate(t *testing.T) {
	scenario, thumbprint := endpointScenario(t)
	srv := startTestServer(t, func(o *Options) { o.Scenario = scenario })
	eps := getEndpoints(t, srv)
	if len(eps) != 1 || eps[0].Service != "Sage300IntegrationService" || eps[0].Port != 4207 || eps[0].Thumbprint != thumbprint {
		t.Fatalf("endpoints %+v, want Sage300IntegrationService on 4207 with %s", eps, thumbprint)
	}
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, // the test compares the thumbprint itself
	}}
	resp, err := client.Get("https://" + eps[0].Address + "/")
	if err != nil {
		t.Fatalf("GET the endpoint: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if got := model.Thumbprint(resp.TLS.PeerCertificates[0].Raw); got != thumbprint || string(body) != "Sage300IntegrationService" {
		t.Errorf("endpoint served certificate %s and %q; want %s and the service name", got, body, thumbprint)
	}
	key := "0.0.0.0:4207"
	var opErr *model.OpError
	srv.Host().Exclusive(func() { opErr = srv.Host().DeleteSSLRecordLocked(&key, nil) })
	if opErr != nil {
		t.Fatal(opErr)
	}
	if eps := getEndpoints(t, srv); len(eps) != 0 {
		t.Errorf("endpoints %+v after the binding was deleted, want none", eps)
	}
	if conn, err := tls.Dial("tcp", eps[0].Address, &tls.Config{InsecureSkipVerify: true}); err == nil {
		conn.Close()
		t.Error("the old listener still accepts connections")
	}
}

// TestEndpointsHonourBindingTLSFlags checks that a served endpoint offers
// TLS 1.0 and 1.1 only while its binding's disable_legacy_tls is off, and
// TLS 1.3 only while disable_tls13 is off.
func TestEndpointsHonourBindingTLSFlags(t *testing.T) {
	tests := []struct {
		name                        string
		flags                       string
		wantTLS10, wantTLS11        bool
		wantNegotiatedWithoutLimits uint16
	}{
		{"no flags", ``, true, true, tls.VersionTLS13},
		{"disable_legacy_tls", `,"disable_legacy_tls":true`, false, false, tls.VersionTLS13},
		{"disable_tls13", `,"disable_tls13":true`, true, true, tls.VersionTLS12},
		{"both", `,"disable_legacy_tls":true,"disable_tls13":true`, false, false, tls.VersionTLS12},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			scenario, thumbprint := endpointScenario(t)
			srv := startTestServer(t, func(o *Options) { o.Scenario = scenario })
			replace := `{"ipport":"0.0.0.0:4207","certificate_hash":"` + thumbprint + `","app_id":"{a86ad080-2ec6-44fb-82e4-bb1e409ab93c}"` + tt.flags + `}`
			var b model.Binding
			if err := json.Unmarshal([]byte(replace), &b); err != nil {
				t.Fatal(err)
			}
			var opErr *model.OpError
			srv.Host().Exclusive(func() { opErr = srv.Host().UpdateSSLRecordLocked(b.Record()) })
			if opErr != nil {
				t.Fatal(opErr)
			}
			eps := getEndpoints(t, srv)
			if len(eps) != 1 {
				t.Fatalf("endpoints %+v, want one", eps)
			}
			for _, v := range []struct {
				version uint16
				want    bool
			}{{tls.VersionTLS10, tt.wantTLS10}, {tls.VersionTLS11, tt.wantTLS11}, {tls.VersionTLS12, true}} {
				_, err := handshakeVersion(eps[0].Address, v.version, v.version)
				if (err == nil) != v.want {
					t.Errorf("handshake with only %s: error %v, want success %v", tls.VersionName(v.version), err, v.want)
				}
			}
			got, err := handshakeVersion(eps[0].Address, tls.VersionTLS10, tls.VersionTLS13)
			if err != nil || got != tt.wantNegotiatedWithoutLimits {
				t.Errorf("handshake offering TLS 1.0-1.3 negotiated %s (%v), want %s",
					tls.VersionName(got), err, tls.VersionName(tt.wantNegotiatedWithoutLimits))
			}
		})
	}
}

// handshakeVersion connects offering TLS versions minVersion (0: crypto/tls's
// default) to maxVersion and returns the version negotiated.
func handshakeVersion(address string, minVersion, maxVersion uint16) (uint16, error) {
	conn, err := tls.Dial("tcp", address, &tls.Config{
		InsecureSkipVerify: true, // only the protocol version matters here
		MinVersion:         minVersion, MaxVersion: maxVersion,
	})
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	return conn.ConnectionState().Version, nil
}
