package model

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/schannel"
)

// TestSChannelSetAndRestore writes a side's values, reads them back, and
// restores their absence: the key it created goes, the state document
// shows each step.
func TestSChannelSetAndRestore(t *testing.T) {
	h := New(State{})
	var v schannelView
	mustInvoke(t, h, "registry.schannel.get", map[string]any{"protocol": "tls 1.2", "side": "server"}, &v)
	if v.KeyExists || v.Enabled != nil || v.DisabledByDefault != nil || v.Protocol != "TLS 1.2" || v.Side != "Server" {
		t.Fatalf("fresh Server 2022: %+v, want no key", v)
	}
	tls12On := map[string]any{"protocol": "TLS 1.2", "side": "Server", "enabled": 1, "disabled_by_default": 0}
	mustInvoke(t, h, "registry.schannel.set", tls12On, &v)
	if !v.Changed || !v.KeyExists || *v.Enabled != 1 || *v.DisabledByDefault != 0 {
		t.Fatalf("after set: %+v", v)
	}
	state, _ := h.StateJSON()
	if !strings.Contains(string(state), `SCHANNEL\\Protocols\\TLS 1.2\\Server`) {
		t.Errorf("state document lacks the key:\n%s", state)
	}
	mustInvoke(t, h, "registry.schannel.set", tls12On, &v)
	if v.Changed {
		t.Fatalf("same values again: %+v, want no change", v)
	}
	mustInvoke(t, h, "registry.schannel.set", map[string]any{"protocol": "TLS 1.2", "side": "Server"}, &v)
	if v.KeyExists || !v.Changed {
		t.Fatalf("after restoring absence: %+v, want the key gone", v)
	}
}

func TestSChannelBadArguments(t *testing.T) {
	h := New(State{})
	for _, args := range []map[string]any{{"protocol": "SSL 2.5", "side": "Server"}, {"protocol": "TLS 1.2", "side": "both"}} {
		wantCode(t, fmt.Sprint(args), invoke(t, h, "registry.schannel.set", args, nil), errInvalidParameter)
	}
}

// TestSChannelProtocolsOn checks the OS defaults ("Protocols in TLS/SSL
// (Schannel SSP)") and that Enabled/DisabledByDefault override them.
func TestSChannelProtocolsOn(t *testing.T) {
	dword := func(name string, v uint32) RegistryValue { return RegistryValue{Name: name, Type: regDWORD, Data: v} }
	tests := []struct {
		name      string
		osVersion string
		keys      []RegistryKey
		want      string
	}{
		{"Server 2022 defaults", "", nil, "TLS 1.0,TLS 1.1,TLS 1.2,TLS 1.3"},
		{"Server 2019 has no TLS 1.3", "10.0.17763", nil, "TLS 1.0,TLS 1.1,TLS 1.2"},
		{"SSL 3.0 turned on, TLS 1.0 off", "", []RegistryKey{
			{Key: schannelRoot + `\SSL 3.0\Server`, Values: []RegistryValue{dword("Enabled", 1)}},
			{Key: schannelRoot + `\TLS 1.0\Server`, Values: []RegistryValue{dword("Enabled", 0)}}}, "SSL 3.0,TLS 1.1,TLS 1.2,TLS 1.3"},
		{"DisabledByDefault turns off", "", []RegistryKey{
			{Key: schannelRoot + `\TLS 1.1\Server`, Values: []RegistryValue{dword("Enabled", 0xffffffff), dword("DisabledByDefault", 1)}}}, "TLS 1.0,TLS 1.2,TLS 1.3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := New(State{OSVersion: tt.osVersion, Registry: tt.keys})
			if got := strings.Join(h.schannelProtocolsOn("Server"), ","); got != tt.want {
				t.Errorf("server protocols %s, want %s", got, tt.want)
			}
		})
	}
}

// TestDotNetStrongCrypto sets both values in the keys that exist, refuses a
// Framework that is not installed, and deletes the values again.
func TestDotNetStrongCrypto(t *testing.T) {
	h := New(State{})
	var got struct{ Keys []dotNetCryptoKey }
	mustInvoke(t, h, "registry.dotnet_crypto.get", map[string]any{}, &got)
	if len(got.Keys) != 4 || !got.Keys[0].Exists || !got.Keys[1].Exists || got.Keys[2].Exists || got.Keys[3].Exists {
		t.Fatalf("Server 2022 defaults: %+v, want only the v4.0.30319 keys", got.Keys)
	}
	mustInvoke(t, h, "registry.dotnet_crypto.set", map[string]any{"keys": []map[string]any{
		{"path": got.Keys[0].Path, "sch_use_strong_crypto": 1, "system_default_tls_versions": 1},
		{"path": got.Keys[1].Path, "sch_use_strong_crypto": 1, "system_default_tls_versions": 1},
	}}, &got)
	for _, k := range got.Keys[:2] {
		if k.SchUseStrongCrypto == nil || *k.SchUseStrongCrypto != 1 || *k.SystemDefaultTLSVersions != 1 {
			t.Errorf("after set: %+v", k)
		}
	}
	wantCode(t, "set in the .NET 2.0 key that is absent", invoke(t, h, "registry.dotnet_crypto.set", map[string]any{"keys": []map[string]any{
		{"path": got.Keys[2].Path, "sch_use_strong_crypto": 1},
	}}, nil), errFileNotFound)
	mustInvoke(t, h, "registry.dotnet_crypto.set", map[string]any{"keys": []map[string]any{{"path": got.Keys[0].Path}}}, &got)
	if got.Keys[0].SchUseStrongCrypto != nil || got.Keys[0].SystemDefaultTLSVersions != nil || !got.Keys[0].Exists {
		t.Errorf("after deleting the values: %+v, want the key without them", got.Keys[0])
	}
}

// TestRegistryEmptySurvivesARoundTrip: a host without any of the keys keeps
// none after its state is read and put back (no defaults come back).
func TestRegistryEmptySurvivesARoundTrip(t *testing.T) {
	h, err := NewFromJSON([]byte(`{"registry":[]}`))
	if err != nil {
		t.Fatal(err)
	}
	state, err := h.StateJSON()
	if err != nil {
		t.Fatal(err)
	}
	if err := h.SetStateJSON(state); err != nil {
		t.Fatal(err)
	}
	var got struct{ Keys []dotNetCryptoKey }
	mustInvoke(t, h, "registry.dotnet_crypto.get", map[string]any{}, &got)
	if got.Keys[0].Exists {
		t.Errorf("after a round trip of %s the .NET 4 key exists", state)
	}
}

// TestSChannelDefaultsAreTheProvidersTable: a simulated host without
// SCHANNEL keys serves what the provider reads such a host as
// (schannel.Default), for every build the table knows; Server 2008 R2's
// TLS 1.2 is off until enabled.
func TestSChannelDefaultsAreTheProvidersTable(t *testing.T) {
	for _, build := range []int{7601, 9200, 9600, 10240, 14393, 17763, 20348, 22631, 26100} {
		h := New(State{OSVersion: fmt.Sprintf("10.0.%d", build), Registry: []RegistryKey{}})
		for _, side := range []string{"Server", "Client"} {
			on := h.schannelProtocolsOn(side)
			for _, p := range schannel.Protocols {
				want, known := schannel.Default(p, build)
				if got := slices.Contains(on, p); known && got != want {
					t.Errorf("build %d %s %s: simulated host has it on=%t, the provider's table says %t", build, side, p, got, want)
				}
			}
		}
	}
	h := New(State{OSVersion: "6.1.7601", Registry: []RegistryKey{}})
	if slices.Contains(h.schannelProtocolsOn("Server"), "TLS 1.2") {
		t.Error("Server 2008 R2 serves TLS 1.2 without SCHANNEL keys; it is off until enabled")
	}
}
