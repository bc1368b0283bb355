package model

import (
	"encoding/json"
	"fmt"
)

// URLACLState is a URL reservation in the state document.
type URLACLState struct {
	URL  string `json:"url"`
	SDDL string `json:"sddl"`
}

// urlACL is a stored reservation: the prefix as it was set and its parsed
// security descriptor.
type urlACL struct {
	url string
	sd  urlSecurity
}

// urlACLEntry is the op result's reading of one allow ACE.
type urlACLEntry struct {
	SID      string `json:"sid"`
	Account  string `json:"account"`
	Listen   bool   `json:"listen"`
	Delegate bool   `json:"delegate"`
}

// urlACLResult is a reservation as the ops return it (PROTOCOL.md).
type urlACLResult struct {
	URL     string        `json:"url"`
	SDDL    string        `json:"sddl"`
	Entries []urlACLEntry `json:"entries"`
}

// result renders a reservation with its SIDs named in the host's locale.
func (h *Host) urlACLResult(u urlACL) urlACLResult {
	entries := make([]urlACLEntry, 0, len(u.sd.aces))
	for _, ace := range u.sd.aces {
		acct, _ := h.accountBySID(ace.sid)
		entries = append(entries, urlACLEntry{SID: ace.sid, Account: acct.qualified(), Listen: ace.listen(), Delegate: ace.delegate()})
	}
	return urlACLResult{URL: u.url, SDDL: u.sd.String(), Entries: entries}
}

// findURLACL returns the index of the reservation for url, or -1.
func (h *Host) findURLACL(url string) int {
	for i, u := range h.urlacls {
		if samePrefix(u.url, url) {
			return i
		}
	}
	return -1
}

// addURLACL validates and stores a reservation as HttpSetServiceConfiguration
// (HttpServiceConfigUrlAclInfo) does: 87 for a bad prefix or SDDL, 1332 for
// a SID the host cannot name, 183 if the prefix is already reserved ("The
// call fails if the specified record already exists",
// https://learn.microsoft.com/en-us/windows/win32/api/http/nf-http-httpsetserviceconfiguration).
// New reservations go last: lists come back in insertion order (HTTP.sys
// does not document its enumeration order).
func (h *Host) addURLACL(url, sddl string) (urlACL, *OpError) {
	if err := validateURLPrefix(url); err != nil {
		return urlACL{}, err
	}
	sd, err := h.parseURLSDDL(sddl)
	if err != nil {
		return urlACL{}, err
	}
	if h.findURLACL(url) >= 0 {
		return urlACL{}, bareError(errAlreadyExists, "url %q is already reserved", url)
	}
	u := urlACL{url: url, sd: sd}
	h.urlacls = append(h.urlacls, u)
	return u, nil
}

// urlArgs are the arguments of the URL reservation ops.
type urlArgs struct {
	URL  string `json:"url"`
	SDDL string `json:"sddl"`
}

func (h *Host) parseURLArgs(op string, args json.RawMessage) (urlArgs, error) {
	var in urlArgs
	if err := json.Unmarshal(args, &in); err != nil {
		return in, h.win32Error(errInvalidParameter, "%s: arguments: %v", op, err)
	}
	if in.URL == "" {
		return in, h.win32Error(errInvalidParameter, "%s: url is required", op)
	}
	return in, nil
}

func urlACLList(h *Host, _ json.RawMessage) (any, error) {
	out := make([]urlACLResult, 0, len(h.urlacls))
	for _, u := range h.urlacls {
		out = append(out, h.urlACLResult(u))
	}
	return map[string]any{"urlacls": out}, nil
}

func urlACLGet(h *Host, args json.RawMessage) (any, error) {
	in, err := h.parseURLArgs("httpsys.urlacl.get", args)
	if err != nil {
		return nil, err
	}
	i := h.findURLACL(in.URL)
	if i < 0 {
		return nil, h.win32Error(errFileNotFound, "no URL reservation for %q", in.URL)
	}
	return h.urlACLResult(h.urlacls[i]), nil
}

func urlACLAdd(h *Host, args json.RawMessage) (any, error) {
	in, err := h.parseURLArgs("httpsys.urlacl.add", args)
	if err != nil {
		return nil, err
	}
	u, opErr := h.addURLACL(in.URL, in.SDDL)
	if opErr != nil {
		return nil, h.localize(opErr)
	}
	return h.urlACLResult(u), nil
}

// urlACLDelete removes a reservation (HttpDeleteServiceConfiguration); an
// absent one is ERROR_FILE_NOT_FOUND, as "netsh http delete urlacl" reports
// "Error: 2".
func urlACLDelete(h *Host, args json.RawMessage) (any, error) {
	in, err := h.parseURLArgs("httpsys.urlacl.delete", args)
	if err != nil {
		return nil, err
	}
	i := h.findURLACL(in.URL)
	if i < 0 {
		return nil, h.win32Error(errFileNotFound, "no URL reservation for %q", in.URL)
	}
	h.urlacls = append(h.urlacls[:i:i], h.urlacls[i+1:]...)
	return struct{}{}, nil
}

// loadURLACLs adds the state document's reservations with the op's rules.
func (h *Host) loadURLACLs(list []URLACLState) error {
	for i, u := range list {
		if _, err := h.addURLACL(u.URL, u.SDDL); err != nil {
			return fmt.Errorf("urlacls[%d] %q: %w", i, u.URL, err)
		}
	}
	return nil
}

// urlACLStates returns the reservations for the state document, with the
// SDDL as the host returns it.
func (h *Host) urlACLStates() []URLACLState {
	out := make([]URLACLState, 0, len(h.urlacls))
	for _, u := range h.urlacls {
		out = append(out, URLACLState{URL: u.url, SDDL: u.sd.String()})
	}
	return out
}
