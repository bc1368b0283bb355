package model

import (
	"strings"
	"testing"
)

func TestURLPrefixRules(t *testing.T) {
	tests := []struct {
		url     string
		ok      bool
		mention string // part of the error message
	}{
		{"https://+:4207/", true, ""},
		{"http://*:8080/", true, ""},
		{"https://+:443/Sage/Connector/", true, ""},
		{"https://sage300.example.com:4106/", true, ""},
		{"http://localhost:80/vroot/", true, ""},
		{"http://127.0.0.1:80/", true, ""},
		{"http://[::1]:80/", true, ""},
		{"https://[fe80::1]:443/x/", true, ""},
		{"https://+:65535/", true, ""},
		{"https://+:4207", false, `add "/" (https://+:4207/)`},
		{"https://+:4207/Sage", false, `add "/" (https://+:4207/Sage/)`},
		{"HTTPS://+:4207/", false, "lower case"},
		{"ftp://+:21/", false, "scheme"},
		{"https://+/", false, "port is required"},
		{"https://+:/", false, "port is required"},
		{"https://+:*/", false, "wildcards"},
		{"https://+:0/", false, "1-65535"},
		{"https://+:65536/", false, "1-65535"},
		{"https://+:0443/", false, "leading zeros"},
		{"https://:443/", false, "host is empty"},
		{"https://host name:443/", false, "not \"+\""},
		{"https://::1:443/", false, "in brackets"},
		{"https://[::1:443/", false, "closing"},
		{"https://[1.2.3.4]:443/", false, "IPv6"},
		{"https://+:443/a b/", false, "spaces"},
		{"https://+:443/a?b/", false, "'?'"},
		{"+:443/", false, "must look like"},
		{"", false, "must look like"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			opErr := setURLACL(New(State{}), tt.url, "D:(A;;GX;;;WD)")
			if tt.ok {
				wantCode(t, tt.url, opErr, 0)
				return
			}
			wantCode(t, tt.url, opErr, 87)
			if opErr != nil && !strings.Contains(opErr.Message, tt.mention) {
				t.Errorf("message %q does not mention %q", opErr.Message, tt.mention)
			}
		})
	}
}

// setURLACL is HttpSetServiceConfiguration(HttpServiceConfigUrlAclInfo).
func setURLACL(h *Host, url, sddl string) (opErr *OpError) {
	h.Exclusive(func() { opErr = h.SetURLACLLocked(url, sddl) })
	return opErr
}

// TestURLACLSDDL: HTTP.sys stores the descriptor and returns it as
// ConvertSecurityDescriptorToStringSecurityDescriptor writes it; a SID no
// account has is stored as it is (the agent refuses it before the set).
func TestURLACLSDDL(t *testing.T) {
	const alice = "S-1-5-21-1004336348-1177238915-682003330-1001"
	tests := []struct {
		name, sddl string
		code       int
		wantSDDL   string
	}{
		{"everyone listen", "D:(A;;GX;;;WD)", 0, "D:(A;;GX;;;WD)"},
		{"full SID becomes alias", "D:(A;;GX;;;S-1-1-0)", 0, "D:(A;;GX;;;WD)"},
		{"delegate", "D:(A;;GW;;;BU)", 0, "D:(A;;GW;;;BU)"},
		{"both as GA", "D:(A;;GA;;;NS)", 0, "D:(A;;GA;;;NS)"},
		{"both as GWGX, bit order", "D:(A;;GWGX;;;LS)", 0, "D:(A;;GXGW;;;LS)"},
		{"lower case tokens", "d:(a;;gx;;;au)", 0, "D:(A;;GX;;;AU)"},
		{"local user and several ACEs", "D:(A;;GX;;;" + alice + ")(A;;GA;;;SY)(A;;GX;;;S-1-5-32-568)", 0,
			"D:(A;;GX;;;" + alice + ")(A;;GA;;;SY)(A;;GX;;;IS)"},
		{"newer alias", "D:(A;;GX;;;S-1-5-32-579)", 0, "D:(A;;GX;;;AA)"},
		{"owner group and flags", "O:BAG:SYD:P(A;;GX;;;WD)", 0, "O:BAG:SYD:P(A;;GX;;;WD)"},
		{"empty DACL", "D:", 0, "D:"},
		{"unmapped SID is stored", "D:(A;;GX;;;S-1-5-21-1-2-3-4242)", 0, "D:(A;;GX;;;S-1-5-21-1-2-3-4242)"},
		{"unmapped owner SID is stored", "O:S-1-5-21-9-9-9-9D:(A;;GX;;;WD)", 0, "O:S-1-5-21-9-9-9-9D:(A;;GX;;;WD)"},
		{"domain alias on a workgroup host", "D:(A;;GX;;;DA)", 1332, ""},
		{"empty", "", 87, ""},
		{"no DACL", "O:BA", 87, ""},
		{"deny ACE", "D:(D;;GX;;;WD)", 87, ""},
		{"read right", "D:(A;;GR;;;WD)", 87, ""},
		{"file rights", "D:(A;;FA;;;WD)", 87, ""},
		{"no rights", "D:(A;;;;;WD)", 87, ""},
		{"ACE flags", "D:(A;CI;GX;;;WD)", 87, ""},
		{"unknown alias", "D:(A;;GX;;;XX)", 87, ""},
		{"bad SID string", "D:(A;;GX;;;S-1-x)", 87, ""},
		{"missing paren", "D:(A;;GX;;;WD", 87, ""},
		{"five fields", "D:(A;;GX;;WD)", 87, ""},
		{"trailing CR", "D:(A;;GX;;;WD)\r", 87, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := accountsHost("en-US")
			wantCode(t, tt.sddl, setURLACL(h, "https://+:4207/", tt.sddl), tt.code)
			if tt.code != 0 {
				return
			}
			h.Exclusive(func() {
				got, opErr := h.URLACLStateLocked("https://+:4207/")
				if opErr != nil || got.URL != "https://+:4207/" || got.SDDL != tt.wantSDDL {
					t.Errorf("set %q: stored %+v (%v), want sddl %q", tt.sddl, got, opErr, tt.wantSDDL)
				}
			})
		})
	}
}

func TestURLACLLifecycle(t *testing.T) {
	h := New(State{})
	wantCode(t, "first", setURLACL(h, "https://+:4207/", "D:(A;;GX;;;WD)"), 0)
	wantCode(t, "second", setURLACL(h, "http://+:8080/Sage/", "D:(A;;GX;;;BU)"), 0)

	dups := []string{"https://+:4207/", "https://+:4207/", "http://+:8080/sage/", "http://+:8080/SAGE/"}
	for _, url := range dups {
		wantCode(t, "duplicate "+url, setURLACL(h, url, "D:(A;;GX;;;WD)"), 183)
	}
	h.Exclusive(func() {
		got, opErr := h.URLACLStateLocked("http://+:8080/sage/")
		if opErr != nil || got.URL != "http://+:8080/Sage/" || got.SDDL != "D:(A;;GX;;;BU)" {
			t.Errorf("query (other case) = %+v, %v; want the reservation as set", got, opErr)
		}
		list := h.URLACLStatesLocked()
		if len(list) != 2 || list[0].URL != "https://+:4207/" || list[1].URL != "http://+:8080/Sage/" {
			t.Errorf("list = %+v, want both in insertion order", list)
		}
		wantCode(t, "delete", h.DeleteURLACLLocked("HTTPS://+:4207/"), 0)
		_, opErr = h.URLACLStateLocked("https://+:4207/")
		wantCode(t, "query deleted", opErr, 2)
		wantCode(t, "delete again", h.DeleteURLACLLocked("https://+:4207/"), 2)
		_, opErr = h.URLACLStateLocked("https://+:9999/")
		if opErr == nil || !strings.HasPrefix(opErr.Message, "The system cannot find the file specified.") {
			t.Errorf("absent reservation: %v, want FormatMessage text of 2", opErr)
		}
	})
}
