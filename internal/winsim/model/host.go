// Package model is the simulated Windows host's state: its identity, local
// accounts, certificate stores and key containers, HTTP.sys tables, files,
// services and registry, with what Windows itself enforces on them. The
// ops of PROTOCOL.md are not here: the host agent runs them, and its
// Windows calls reach these tables through the simulator's bridge.
package model

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"
)

// OpError is an op failure as the host reports it in the envelope: a Win32
// code where one applies, and a message.
type OpError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

func (e *OpError) Error() string { return fmt.Sprintf("%s (code %d)", e.Message, e.Code) }

// State is the host's whole observable state, as read and written through
// the simulator's admin API (GET/PUT /winsim/state) and scenario files.
type State struct {
	Hostname          string `json:"hostname"`
	OSCaption         string `json:"os_caption,omitempty"`
	OSVersion         string `json:"os_version,omitempty"`
	PowerShellVersion string `json:"powershell_version,omitempty"`
	// Locale selects the language of built-in account names and system
	// messages ("en-US", "de-DE"), as a translated Windows shows them.
	Locale string `json:"locale,omitempty"`
	// Accounts are the scenario's local users and groups.
	Accounts []Account `json:"accounts,omitempty"`
	// Certificates are the LocalMachine certificate stores' contents.
	Certificates []CertificateState `json:"certificates,omitempty"`
	// URLACLs are HTTP.sys URL reservations.
	URLACLs []URLACLState `json:"urlacls,omitempty"`
	// SSLCertBindings are HTTP.sys SSL bindings, IP and SNI tables.
	SSLCertBindings []Binding `json:"sslcert_bindings,omitempty"`
	// SSLCertCCSBindings are HTTP.sys Central Certificate Store bindings.
	SSLCertCCSBindings []CCSBinding `json:"sslcert_ccs_bindings,omitempty"`
	// Files are files on the host's disk (cert.import_pfx_file reads them).
	Files []FileState `json:"files,omitempty"`
	// Services are the host's Windows services.
	Services []ServiceState `json:"services,omitempty"`
	// Registry holds the HKLM keys the ops use (registry.go); absent means
	// a Windows Server 2022 host's defaults.
	Registry []RegistryKey `json:"registry"`
	// FirewallRules are Windows Defender Firewall's rules (firewall.go).
	FirewallRules []FirewallRuleState `json:"firewall_rules,omitempty"`
	// NetworkProfile is the firewall profile of the host's network:
	// Domain (default), Private or Public.
	NetworkProfile string `json:"network_profile,omitempty"`
}

// Host is a simulated Windows host. It is safe for concurrent use.
type Host struct {
	mu sync.Mutex
	// state holds the identity fields; the tables below hold the rest.
	state State
	tables
}

// tables is the host's mutable configuration, validated as the ops do.
type tables struct {
	accounts    []Account
	certs       []Certificate
	urlacls     []urlACL
	ipBindings  []Binding
	sniBindings []Binding
	ccsBindings []CCSBinding
	files       []hostFile
	services    []ServiceState
	// keys are the machine key containers certificates link to (CAPI and
	// CNG); keySerial numbers the ones imports create, so each gets its own
	// unique name.
	keys      []*keyContainer
	keySerial int
	// certStores are the LocalMachine stores adds created beyond the
	// default ones.
	certStores []string
	registry   []RegistryKey
	firewall   []FirewallRuleState
	// bootRegistry is the registry as SChannel read it at boot (when the
	// state was loaded): SChannel settings take effect after a reboot.
	bootRegistry []RegistryKey
	// clockSkew is how far the host's clock is ahead of real time: the
	// agent's waits, skipped (services.go, clockNow).
	clockSkew time.Duration
}

// New returns a host with the given state; empty fields get the defaults of
// a Windows Server 2022 host. It panics if s is invalid (a broken test
// fixture); use NewFromJSON for documents from elsewhere.
func New(s State) *Host {
	h := &Host{}
	if err := h.setState(s); err != nil {
		panic(err)
	}
	return h
}

// NewFromJSON returns a host from a scenario or state document.
func NewFromJSON(data []byte) (*Host, error) {
	var s State
	if len(data) > 0 {
		if err := json.Unmarshal(data, &s); err != nil {
			return nil, fmt.Errorf("host state: %w", err)
		}
	}
	h := &Host{}
	if err := h.setState(s); err != nil {
		return nil, err
	}
	return h, nil
}

// setState validates s with the ops' rules and, only if all of it is valid,
// makes it the host's state.
func (h *Host) setState(s State) error {
	n, err := loadState(s)
	if err != nil {
		return fmt.Errorf("host state: %w", err)
	}
	h.state, h.tables = n.state, n.tables
	return nil
}

// loadState builds a host from s: identity defaults first (the locale and
// hostname name accounts), then accounts, certificates, reservations and
// bindings (which need the certificates), then files.
func loadState(s State) (*Host, error) {
	n := &Host{state: identityDefaults(s)}
	if n.state.Locale != localeEnglish && n.state.Locale != localeGerman {
		return nil, fmt.Errorf("locale %q: the host knows %s and %s", n.state.Locale, localeEnglish, localeGerman)
	}
	if _, ok := networkProfiles[strings.ToLower(n.state.NetworkProfile)]; !ok {
		return nil, fmt.Errorf("network_profile %q: Domain, Private or Public", n.state.NetworkProfile)
	}
	accounts, err := validateAccounts(s.Accounts)
	if err != nil {
		return nil, err
	}
	n.accounts = accounts
	if err := n.loadCertificates(s.Certificates); err != nil {
		return nil, err
	}
	if err := n.loadURLACLs(s.URLACLs); err != nil {
		return nil, err
	}
	if err := n.loadBindings(s.SSLCertBindings); err != nil {
		return nil, err
	}
	if err := n.loadCCSBindings(s.SSLCertCCSBindings); err != nil {
		return nil, err
	}
	if err := n.loadFiles(s.Files); err != nil {
		return nil, err
	}
	if err := n.loadServices(s.Services); err != nil {
		return nil, err
	}
	if err := n.loadRegistry(s.Registry); err != nil {
		return nil, err
	}
	if err := n.loadFirewallRules(s.FirewallRules); err != nil {
		return nil, err
	}
	return n, nil
}

// identityDefaults returns s's identity fields with a Windows Server 2022
// host's defaults, and no tables.
func identityDefaults(s State) State {
	s.Accounts, s.Certificates, s.URLACLs, s.SSLCertBindings, s.Files, s.Services = nil, nil, nil, nil, nil, nil
	s.SSLCertCCSBindings = nil
	s.Registry, s.FirewallRules = nil, nil
	if s.NetworkProfile == "" {
		s.NetworkProfile = "Domain"
	}
	if s.Hostname == "" {
		s.Hostname = "WIN-SIM"
	}
	if s.OSCaption == "" {
		s.OSCaption = "Microsoft Windows Server 2022 Standard"
	}
	if s.OSVersion == "" {
		s.OSVersion = "10.0.20348"
	}
	if s.PowerShellVersion == "" {
		s.PowerShellVersion = "5.1.20348.2849"
	}
	if s.Locale == "" {
		s.Locale = localeEnglish
	}
	return s
}

// Hostname returns the host's computer name.
func (h *Host) Hostname() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.state.Hostname
}

// StateJSON returns the host's state as JSON, in the form SetStateJSON
// takes, with values as the host shows them (canonical SDDL, thumbprints).
func (h *Host) StateJSON() ([]byte, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	s := h.state
	s.Accounts = append([]Account(nil), h.accounts...)
	s.Certificates = h.certificateStates()
	s.URLACLs = h.urlACLStates()
	s.SSLCertBindings = h.sslBindings()
	s.SSLCertCCSBindings = h.CCSBindingsLocked()
	s.Files = h.fileStates()
	s.Services = h.serviceStates()
	s.Registry = h.registryStates()
	s.FirewallRules = h.firewallStates()
	return json.MarshalIndent(s, "", "  ")
}

// SetStateJSON replaces the host's state with the given JSON document. The
// document is checked with the ops' rules (so drift is seeded with values a
// real host could hold); on any error the host keeps its old state.
func (h *Host) SetStateJSON(data []byte) error {
	var s State
	if err := json.Unmarshal(data, &s); err != nil {
		return fmt.Errorf("host state: %w", err)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.setState(s)
}

// Exclusive runs f with the host locked: the simulator runs each op of the
// host agent inside it, so the Windows calls the op makes (the bridge, whose
// model methods do not lock) see and change the host as one op, as the Go
// ops below do under the same lock.
func (h *Host) Exclusive(f func()) {
	h.mu.Lock()
	defer h.mu.Unlock()
	f()
}

// SystemInfoLocked is host.info's facts for the agent's ISystemInfo; call
// only inside Exclusive.
func (h *Host) SystemInfoLocked() map[string]string {
	return map[string]string{
		"hostname":           h.state.Hostname,
		"os_caption":         h.state.OSCaption,
		"os_version":         h.state.OSVersion,
		"powershell_version": h.state.PowerShellVersion,
	}
}
