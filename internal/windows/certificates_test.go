package windows

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/winrm"
)

// recordingRunner answers every request with one envelope and keeps the
// requests it saw.
type recordingRunner struct {
	envelope string
	requests []winrm.Request
}

func (r *recordingRunner) Run(_ context.Context, req winrm.Request) (*winrm.Result, error) {
	r.requests = append(r.requests, req)
	exit := 0
	if strings.Contains(r.envelope, `"ok":false`) {
		exit = 1
	}
	return &winrm.Result{Stdout: []byte("profile noise\r\n##tfwin-envelope## " + r.envelope + "\r\n"), ExitCode: exit}, nil
}

func (r *recordingRunner) args(t *testing.T) map[string]any {
	t.Helper()
	if len(r.requests) != 1 {
		t.Fatalf("%d requests, want 1", len(r.requests))
	}
	var args map[string]any
	if err := json.Unmarshal(r.requests[0].Args, &args); err != nil {
		t.Fatalf("arguments: %v", err)
	}
	return args
}

const hostCertificateJSON = `{"store":"MY","thumbprint":"0123456789ABCDEF0123456789ABCDEF01234567",
 "subject":"CN=sage300.example.local","issuer":"CN=Example CA","dns_names":["sage300.example.local"],
 "not_before":"2026-01-01T00:00:00Z","not_after":"2027-01-01T00:00:00Z","has_private_key":true,
 "enhanced_key_usages":["1.3.6.1.5.5.7.3.1","1.3.6.1.5.5.7.3.2"],"pem":"-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n"}`

func TestCertificatesOps(t *testing.T) {
	const thumb = "0123456789ABCDEF0123456789ABCDEF01234567"
	pfx := []byte{0x30, 0x82, 0x01, 0x02, 0xff}
	tests := []struct {
		name     string
		result   string
		call     func(c *Certificates) error
		wantOp   string
		wantArgs map[string]any
	}{
		{name: "list", result: `{"certificates":[` + hostCertificateJSON + `]}`, wantOp: "cert.list",
			call: func(c *Certificates) error {
				certs, err := c.List(context.Background(), "My")
				if err == nil && len(certs) != 1 {
					err = fmt.Errorf("%d certificates", len(certs))
				}
				return err
			},
			wantArgs: map[string]any{"store": "My", "open_keys": true}},
		{name: "get", result: hostCertificateJSON, wantOp: "cert.get",
			call: func(c *Certificates) error {
				cert, err := c.Get(context.Background(), "My", thumb)
				if err == nil && !cert.NotAfter.Equal(time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)) {
					err = fmt.Errorf("not_after %v", cert.NotAfter)
				}
				return err
			},
			wantArgs: map[string]any{"store": "My", "thumbprint": thumb, "open_keys": true}},
		{name: "get with usable key", result: hostCertificateJSON, wantOp: "cert.get",
			call: func(c *Certificates) error {
				_, err := c.GetWithUsableKey(context.Background(), "My", thumb)
				return err
			},
			wantArgs: map[string]any{"store": "My", "thumbprint": thumb, "require_key": true}},
		{name: "import_pfx", result: `{"certificate":` + hostCertificateJSON + `,"chain":[]}`, wantOp: "cert.import_pfx",
			call: func(c *Certificates) error {
				imported, err := c.ImportPFX(context.Background(), PFXImport{Store: "My", PFX: pfx, Password: "pw", Exportable: true})
				if err == nil && (!imported.Certificate.HasPrivateKey || len(imported.Chain) != 0) {
					err = fmt.Errorf("imported %+v", imported)
				}
				return err
			},
			wantArgs: map[string]any{"store": "My", "pfx_base64": base64.StdEncoding.EncodeToString(pfx), "password": "pw",
				"exportable": true, "import_chain": false}},
		{name: "import_pfx_file", result: `{"certificate":` + hostCertificateJSON + `,"chain":[` + hostCertificateJSON + `]}`, wantOp: "cert.import_pfx_file",
			call: func(c *Certificates) error {
				_, err := c.ImportPFXFile(context.Background(), PFXFileImport{Store: "My", Path: `C:\certs\a.pfx`, Password: "", ImportChain: true})
				return err
			},
			wantArgs: map[string]any{"store": "My", "path": `C:\certs\a.pfx`, "password": "", "exportable": false, "import_chain": true}},
		{name: "import_pfx_file again", result: `{"certificate":` + hostCertificateJSON + `,"chain":[]}`, wantOp: "cert.import_pfx_file",
			call: func(c *Certificates) error {
				_, err := c.ImportPFXFile(context.Background(), PFXFileImport{Store: "My", Path: `C:\certs\a.pfx`, ExpectThumbprint: thumb})
				return err
			},
			wantArgs: map[string]any{"store": "My", "path": `C:\certs\a.pfx`, "password": "", "exportable": false, "import_chain": false,
				"expect_thumbprint": thumb}},
		{name: "add", result: hostCertificateJSON, wantOp: "cert.add",
			call: func(c *Certificates) error {
				_, err := c.Add(context.Background(), "Root", "PEM")
				return err
			},
			wantArgs: map[string]any{"store": "Root", "pem": "PEM"}},
		{name: "remove", result: `{}`, wantOp: "cert.remove",
			call:     func(c *Certificates) error { return c.Remove(context.Background(), "My", thumb) },
			wantArgs: map[string]any{"store": "My", "thumbprint": thumb}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The envelope is one line.
			runner := &recordingRunner{envelope: strings.ReplaceAll(`{"ok":true,"result":`+tt.result+`}`, "\n ", "")}
			if err := tt.call(New(runner).Certificates()); err != nil {
				t.Fatalf("call: %v", err)
			}
			if op := runner.requests[0].Op; op != tt.wantOp {
				t.Errorf("op %q, want %q", op, tt.wantOp)
			}
			if script := string(runner.requests[0].Script); script != string(agentScript) || !strings.Contains(script, `ops.Add("`+tt.wantOp+`"`) {
				t.Errorf("the request's script is not the agent that defines %s", tt.wantOp)
			}
			got := runner.args(t)
			if fmt.Sprint(got) != fmt.Sprint(tt.wantArgs) {
				t.Errorf("arguments %v, want %v", got, tt.wantArgs)
			}
		})
	}
}

func TestCertificateErrors(t *testing.T) {
	tests := []struct {
		name  string
		code  int64
		check func(error) bool
	}{
		// The envelope carries the HRESULT as an unsigned 32-bit number.
		{name: "wrong password", code: 2147942486, check: IsWrongPFXPassword},
		{name: "no key in PFX", code: 87, check: IsInvalidParameter},
		{name: "absent", code: 2, check: IsNotFound},
		{name: "another certificate in the PFX", code: 13, check: IsPFXOfAnotherCertificate},
		{name: "not a PFX at all (CRYPT_E_NO_MATCH)", code: 2148081673, check: IsNotPFX},
		{name: "malformed PFX (CRYPT_E_ASN1_BADTAG)", code: 2148086027, check: IsNotPFX},
		{name: "imported key does not open", code: 1312, check: IsNoUsablePrivateKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			runner := &recordingRunner{envelope: fmt.Sprintf(`{"ok":false,"error":{"code":%d,"message":"m"}}`, tt.code)}
			_, err := New(runner).Certificates().ImportPFX(context.Background(), PFXImport{Store: "My", PFX: []byte("secret-pfx"), Password: "secret-pw"})
			if err == nil || !tt.check(err) {
				t.Fatalf("error %v not classified as %s", err, tt.name)
			}
			if strings.Contains(err.Error(), "secret-pw") || strings.Contains(err.Error(), base64.StdEncoding.EncodeToString([]byte("secret-pfx"))) {
				t.Errorf("error %q repeats a secret", err)
			}
		})
	}
}

func TestPFXImportFormattingRedactsSecrets(t *testing.T) {
	p := PFXImport{Store: "My", PFX: []byte("secret-pfx-bytes"), Password: "secret-pw"}
	f := PFXFileImport{Store: "My", Path: `C:\a.pfx`, Password: "secret-pw"}
	for _, s := range []string{fmt.Sprint(p), fmt.Sprintf("%v %+v %#v %s", p, p, p, p), fmt.Sprintf("%v %+v %#v", f, f, f), fmt.Sprint(&p)} {
		if strings.Contains(s, "secret") {
			t.Errorf("formatted import %q shows a secret", s)
		}
	}
}
