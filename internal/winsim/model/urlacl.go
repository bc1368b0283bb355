package model

import (
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
