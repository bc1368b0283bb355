package provider

import (
	"crypto/sha256"
	"sync"
	"time"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/winrm"
)

// clients are the WinRM clients of this provider process, one per distinct
// provider configuration: Terraform configures a provider several times in
// one process (and the acceptance tests, once per step), and every
// configuration of the same endpoint and credentials shares one client, so
// its PowerShell workers serve every resource and data source until the
// process exits.
var clients = struct {
	sync.Mutex
	byKey map[clientKey]*winrm.Client
}{byKey: map[clientKey]*winrm.Client{}}

// clientKey identifies a configuration; the password is kept as a hash.
type clientKey struct {
	host, caCert, tlsServerName, auth, username string
	realm, krbConfig, spn                       string
	password                                    [sha256.Size]byte
	port, maxSessions                           int
	https, insecure, allowUnencrypted, reuse    bool
	timeout, idleTimeout                        time.Duration
}

func keyOf(cfg winrm.Config) clientKey {
	return clientKey{
		host: cfg.Host, caCert: string(cfg.CACertPEM), tlsServerName: cfg.TLSServerName, auth: cfg.Auth,
		username: cfg.Username, realm: cfg.KerberosRealm, krbConfig: cfg.KerberosConfigPath, spn: cfg.KerberosSPN,
		password: sha256.Sum256([]byte(cfg.Password)), port: cfg.Port, maxSessions: cfg.MaxSessions,
		https: cfg.HTTPS, insecure: cfg.Insecure, allowUnencrypted: cfg.AllowUnencrypted, reuse: cfg.ReusePowerShell,
		timeout: cfg.Timeout, idleTimeout: cfg.ShellIdleTimeout,
	}
}

// sharedClient returns the process's client for cfg, creating it once.
func sharedClient(cfg winrm.Config) (*winrm.Client, error) {
	key := keyOf(cfg)
	clients.Lock()
	defer clients.Unlock()
	if c, ok := clients.byKey[key]; ok {
		return c, nil
	}
	c, err := winrm.New(cfg)
	if err != nil {
		return nil, err
	}
	clients.byKey[key] = c
	return c, nil
}

// CloseClients deletes the shells of every client of this process (its
// PowerShell workers) and forgets the clients. main calls it once
// Terraform has shut the plugin down, Ctrl-C included.
func CloseClients() {
	closeClients(func(clientKey) bool { return true })
}

// CloseClientsOf closes the clients of one endpoint, for a test whose host
// goes away while other tests' clients stay in use.
func CloseClientsOf(host string, port int) {
	closeClients(func(k clientKey) bool { return k.host == host && k.port == port })
}

func closeClients(match func(clientKey) bool) {
	clients.Lock()
	var closing []*winrm.Client
	for k, c := range clients.byKey {
		if match(k) {
			closing = append(closing, c)
			delete(clients.byKey, k)
		}
	}
	clients.Unlock()
	var wg sync.WaitGroup
	for _, c := range closing {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = c.Close()
		}()
	}
	wg.Wait()
}
