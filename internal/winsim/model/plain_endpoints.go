package model

import (
	"net/url"
	"strconv"
	"strings"
)

// PlainEndpoint is a plain-HTTP endpoint a simulated service serves: what
// the procedures' services serve before HTTPS is set up, and again after a
// rollback has restored their settings and restarted them.
type PlainEndpoint struct {
	Service string
	Port    int
}

// PlainHTTPEndpoints lists the plain-HTTP endpoints of the running
// services: the http URIs each read from its config file when it last
// started (ListeningURI, and ListeningHTTPURI for a service with a second
// one). No reservation is asked for: the procedures' services run as
// LocalSystem, and an administrator account may register any http URL with
// HTTP.sys (HttpListener, "Configuring Namespace Reservations",
// learn.microsoft.com); no binding either, as plain HTTP has no
// certificate. An https URI is HTTPSEndpoints' business.
func (h *Host) PlainHTTPEndpoints() []PlainEndpoint {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []PlainEndpoint
	for _, s := range h.services {
		if s.Status != statusRunning {
			continue
		}
		for _, uri := range []string{s.ListeningURI, s.ListeningHTTPURI} {
			if port, ok := plainHTTPPort(uri); ok {
				out = append(out, PlainEndpoint{Service: s.Name, Port: port})
			}
		}
	}
	return out
}

// plainHTTPPort is the port of an http URI (80 when it names none).
func plainHTTPPort(uri string) (int, bool) {
	u, err := url.Parse(uri)
	if uri == "" || err != nil || !strings.EqualFold(u.Scheme, "http") || u.Hostname() == "" {
		return 0, false
	}
	if p := u.Port(); p != "" {
		port, err := strconv.Atoi(p)
		return port, err == nil
	}
	return 80, true
}

// configuredHTTPURI is the value of the service's second, plain-HTTP URI
// setting in its config file now, or "" without one.
func (h *Host) configuredHTTPURI(s ServiceState) string {
	if s.ConfigPath == "" || s.HTTPURISetting == "" {
		return ""
	}
	c, err := h.readConfigFile(s.ConfigPath)
	if err != nil {
		return ""
	}
	if e := c.findSetting(s.HTTPURISetting); e != nil {
		v, _ := e.attr("value")
		return strings.TrimSpace(v)
	}
	return ""
}
