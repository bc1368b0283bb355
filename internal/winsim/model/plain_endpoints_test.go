package model

import (
	"reflect"
	"testing"
)

// TestPlainHTTPEndpoints: a running service serves plain HTTP on the http
// URIs it read when it last started, and not on an https one; the second
// URI setting (Sage 50's HttpServiceUri) counts too; a stopped service
// serves nothing; an edit counts only after a restart.
func TestPlainHTTPEndpoints(t *testing.T) {
	const httpConfig = `<configuration><appSettings><add key="ServiceUri" value="http://sage300:4207" />` +
		`<add key="HttpServiceUri" value="http://sage300/" /></appSettings></configuration>`
	h, _ := endpointHost(t)
	if eps := h.PlainHTTPEndpoints(); len(eps) != 0 {
		t.Errorf("on HTTPS: plain endpoints %+v, want none", eps)
	}
	writeConfig(t, h, httpConfig)
	if eps := h.PlainHTTPEndpoints(); len(eps) != 0 {
		t.Errorf("edited, not restarted: plain endpoints %+v, want none", eps)
	}
	restartAgent(t, h)
	want := []PlainEndpoint{{Service: "Sage300IntegrationService", Port: 4207}}
	if eps := h.PlainHTTPEndpoints(); !reflect.DeepEqual(eps, want) {
		t.Errorf("restarted on HTTP: plain endpoints %+v, want %+v", eps, want)
	}
	h.services[0].HTTPURISetting = "HttpServiceUri"
	restartAgent(t, h)
	want = append(want, PlainEndpoint{Service: "Sage300IntegrationService", Port: 80})
	if eps := h.PlainHTTPEndpoints(); !reflect.DeepEqual(eps, want) {
		t.Errorf("with HttpServiceUri: plain endpoints %+v, want %+v", eps, want)
	}
	h.services[0].Status = statusStopped
	if eps := h.PlainHTTPEndpoints(); len(eps) != 0 {
		t.Errorf("stopped: plain endpoints %+v, want none", eps)
	}
}
