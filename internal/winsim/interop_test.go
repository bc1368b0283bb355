package winsim

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// pywinrmScript drives the simulator with Debian's python3-winrm (pywinrm
// 0.3) the way users do. Endpoints and credentials come from the
// environment; it prints one JSON object: case name -> "ok" or the failure.
const pywinrmScript = `
import hashlib, json, os, struct, sys, traceback
import winrm
from winrm.exceptions import InvalidCredentialsError, WinRMOperationTimeoutError

# ntlm_auth computes the NT hash with hashlib's MD4, which OpenSSL 3 only
# has in its legacy provider; fall back to a pure-Python MD4 (RFC 1320).
def _md4(data):
    msg = bytearray(data)
    n = len(data)
    msg += b'\x80' + b'\x00' * ((55 - n) % 64) + struct.pack('<Q', n * 8)
    h = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476]
    rol = lambda v, s: ((v << s) | (v >> (32 - s))) & 0xffffffff
    for off in range(0, len(msg), 64):
        x = struct.unpack('<16I', bytes(msg[off:off + 64]))
        a, b, c, d = h
        for i in range(16):
            a, b, c, d = d, rol((a + ((b & c) | (~b & d)) + x[i]) & 0xffffffff, (3, 7, 11, 19)[i % 4]), b, c
        for i in range(16):
            k = (i % 4) * 4 + i // 4
            a, b, c, d = d, rol((a + ((b & c) | (b & d) | (c & d)) + x[k] + 0x5a827999) & 0xffffffff, (3, 5, 9, 13)[i % 4]), b, c
        for i in range(16):
            k = (0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15)[i]
            a, b, c, d = d, rol((a + (b ^ c ^ d) + x[k] + 0x6ed9eba1) & 0xffffffff, (3, 9, 11, 15)[i % 4]), b, c
        h = [(p + q) & 0xffffffff for p, q in zip(h, (a, b, c, d))]
    return struct.pack('<4I', *h)

try:
    hashlib.new('md4', b'')
except ValueError:
    class _MD4:
        def __init__(self, data=b''): self._data = bytes(data)
        def update(self, data): self._data += bytes(data)
        def digest(self): return _md4(self._data)
        def hexdigest(self): return self.digest().hex()
    _new = hashlib.new
    hashlib.new = lambda name, data=b'', **kw: _MD4(data) if name.lower() == 'md4' else _new(name, data, **kw)

# pywinrm 0.3.0 passes stderr as bytes to _clean_error_msg on Python 3 and
# fails with TypeError; later releases decode it first. Do what they do.
_clean = winrm.Session._clean_error_msg
winrm.Session._clean_error_msg = lambda self, msg: _clean(self, msg.decode('utf-8') if isinstance(msg, bytes) else msg)

E = os.environ
HTTP, HTTPS, CA = 'http://%s/wsman' % E['WINSIM_HTTP'], 'https://%s/wsman' % E['WINSIM_HTTPS'], E['WINSIM_CA']
AUTH, BAD = (E['WINSIM_USER'], E['WINSIM_PASSWORD']), (E['WINSIM_USER'], 'wrong-password')
HOST = E['WINSIM_HOSTNAME']
TLS = dict(server_cert_validation='validate', ca_trust_path=CA)

def expect(cond, what):
    if not cond:
        raise AssertionError(what)

def hostname(session):
    r = session.run_cmd('hostname')
    expect(r.status_code == 0 and r.std_out == (HOST + '\r\n').encode(), 'hostname: %r' % (r,))

def basic_http():
    hostname(winrm.Session(HTTP, auth=AUTH, transport='basic'))

def basic_https():
    hostname(winrm.Session(HTTPS, auth=AUTH, transport='basic', **TLS))

def ntlm_http_encrypted():
    s = winrm.Session(HTTP, auth=AUTH, transport='ntlm', message_encryption='always')
    hostname(s)
    expect(s.protocol.transport.encryption is not None, 'messages were not encrypted')
    r = s.run_cmd('whoami')
    expect(r.std_out == ('%s\\%s\r\n' % (HOST, AUTH[0])).lower().encode(), 'whoami: %r' % (r.std_out,))

def ntlm_https():
    hostname(winrm.Session(HTTPS, auth=AUTH, transport='ntlm', **TLS))

def wrong_password(transport, endpoint, **kw):
    def run():
        try:
            winrm.Session(endpoint, auth=BAD, transport=transport, **kw).run_cmd('hostname')
        except InvalidCredentialsError:
            return
        raise AssertionError('wrong password was accepted')
    return run

def run_ps_unknown():
    r = winrm.Session(HTTP, auth=AUTH, transport='ntlm', message_encryption='always').run_ps('Get-Nonexistent')
    expect(r.status_code == 1, 'status %r' % r.status_code)
    expect("'Get-Nonexistent' is not recognized" in r.std_err, 'std_err %r' % (r.std_err,))

def receive_timeout():
    p = winrm.Protocol(HTTP, transport='basic', username=AUTH[0], password=AUTH[1],
                       operation_timeout_sec=1, read_timeout_sec=10)
    shell = p.open_shell()
    cmd = p.run_command(shell, 'powershell.exe', ['-EncodedCommand', E['WINSIM_BOOTSTRAP']],
                        console_mode_stdin=False, skip_cmd_shell=True)
    try:
        p._raw_get_command_output(shell, cmd)
        raise AssertionError('Receive returned before stdin was closed')
    except WinRMOperationTimeoutError:
        pass
    p.cleanup_command(shell, cmd)
    p.close_shell(shell)

cases = {
    'basic_http': basic_http,
    'basic_https': basic_https,
    'ntlm_http_encrypted': ntlm_http_encrypted,
    'ntlm_https': ntlm_https,
    'basic_wrong_password': wrong_password('basic', HTTP),
    'ntlm_wrong_password': wrong_password('ntlm', HTTP),
    'run_ps_unknown': run_ps_unknown,
    'receive_timeout': receive_timeout,
}
results = {}
for name, case in cases.items():
    try:
        case()
        results[name] = 'ok'
    except Exception:
        results[name] = traceback.format_exc()
print(json.dumps(results))
`

// pywinrmCases are the cases pywinrmScript runs.
var pywinrmCases = []string{
	"basic_http", "basic_https", "ntlm_http_encrypted", "ntlm_https",
	"basic_wrong_password", "ntlm_wrong_password", "run_ps_unknown", "receive_timeout",
}

const systemPython = "/usr/bin/python3"

func TestPywinrmInterop(t *testing.T) {
	if out, err := exec.Command(systemPython, "-c", "import winrm").CombinedOutput(); err != nil {
		t.Fatalf("%s cannot import winrm (%v: %s); install Debian's pywinrm: apt-get install -y python3-winrm", systemPython, err, out)
	}
	srv := startTestServer(t)
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, srv.CACertPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, systemPython, "-")
	cmd.Stdin = strings.NewReader(pywinrmScript)
	// Credentials travel in the environment, never on the command line.
	cmd.Env = append(os.Environ(),
		"WINSIM_HTTP="+srv.HTTPAddr(), "WINSIM_HTTPS="+srv.TLSAddr(), "WINSIM_CA="+caFile,
		"WINSIM_USER="+testUser, "WINSIM_PASSWORD="+testPassword, "WINSIM_HOSTNAME="+testHostname,
		"WINSIM_BOOTSTRAP="+strings.TrimPrefix(bootstrapCommand(), "powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -EncodedCommand "),
		"NO_PROXY=*", "no_proxy=*")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python: %v\n%s", err, stderr.String())
	}
	results := map[string]string{}
	if err := json.Unmarshal(out, &results); err != nil {
		t.Fatalf("python output %q: %v\n%s", out, err, stderr.String())
	}
	for _, name := range pywinrmCases {
		t.Run(name, func(t *testing.T) {
			if got, ok := results[name]; !ok || got != "ok" {
				t.Fatalf("pywinrm %s: %s", name, got)
			}
		})
	}
}
