package model

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/schannel"
)

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
	if h.RegistryKeyExistsLocked(regHKLM + `SOFTWARE\Microsoft\.NETFramework\v4.0.30319`) {
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

// TestRegistryCalls: the registry as the agent's IRegistry sees it.
func TestRegistryCalls(t *testing.T) {
	h := New(State{Registry: []RegistryKey{}})
	key := schannelRoot + `\TLS 1.2\Server`
	if err := h.RegistrySetDWORDLocked(key, "Enabled", 1); err == nil || err.(*OpError).Code != errFileNotFound {
		t.Errorf("set in an absent key: %v, want 2", err)
	}
	h.RegistryCreateKeyLocked(key)
	if err := h.RegistrySetDWORDLocked(key, "Enabled", 0xffffffff); err != nil {
		t.Fatal(err)
	}
	if v := h.RegistryValueLocked(strings.ToLower(key), "enabled"); v == nil || v.Data != 0xffffffff || v.Type != regDWORD {
		t.Errorf("value %+v", v)
	}
	if names, _ := h.RegistrySubKeyNamesLocked(schannelRoot); len(names) != 1 || names[0] != "TLS 1.2" {
		t.Errorf("subkeys %v", names)
	}
	if err := h.RegistryDeleteKeyLocked(schannelRoot + `\TLS 1.2`); err == nil || err.(*OpError).Code != errRegistryAccessDenied {
		t.Errorf("delete a key with subkeys: %v, want 5", err)
	}
	if err := h.RegistryDeleteValueLocked(key, "DisabledByDefault"); err == nil || err.(*OpError).Code != errFileNotFound {
		t.Errorf("delete an absent value: %v, want 2", err)
	}
	if err := h.RegistryDeleteValueLocked(key, "Enabled"); err != nil {
		t.Fatal(err)
	}
	if names, _ := h.RegistryValueNamesLocked(key); len(names) != 0 {
		t.Errorf("values %v after the delete", names)
	}
	if err := h.RegistryDeleteKeyLocked(key); err != nil || h.RegistryKeyExistsLocked(key) {
		t.Errorf("delete key: %v", err)
	}
}
