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
		{"", false, "url is required"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			opErr := invoke(t, New(State{}), "httpsys.urlacl.add", map[string]string{"url": tt.url, "sddl": "D:(A;;GX;;;WD)"}, nil)
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

func TestURLACLSDDL(t *testing.T) {
	const alice = "S-1-5-21-1004336348-1177238915-682003330-1001"
	type entry = urlACLEntry
	tests := []struct {
		name, sddl string
		code       int
		wantSDDL   string
		entries    []entry
	}{
		{"everyone listen", "D:(A;;GX;;;WD)", 0, "D:(A;;GX;;;WD)",
			[]entry{{"S-1-1-0", "Everyone", true, false}}},
		{"full SID becomes alias", "D:(A;;GX;;;S-1-1-0)", 0, "D:(A;;GX;;;WD)",
			[]entry{{"S-1-1-0", "Everyone", true, false}}},
		{"delegate", "D:(A;;GW;;;BU)", 0, "D:(A;;GW;;;BU)",
			[]entry{{"S-1-5-32-545", `BUILTIN\Users`, false, true}}},
		{"both as GA", "D:(A;;GA;;;NS)", 0, "D:(A;;GA;;;NS)",
			[]entry{{"S-1-5-20", `NT AUTHORITY\NETWORK SERVICE`, true, true}}},
		{"both as GWGX, bit order", "D:(A;;GWGX;;;LS)", 0, "D:(A;;GXGW;;;LS)",
			[]entry{{"S-1-5-19", `NT AUTHORITY\LOCAL SERVICE`, true, true}}},
		{"lower case tokens", "d:(a;;gx;;;au)", 0, "D:(A;;GX;;;AU)",
			[]entry{{"S-1-5-11", `NT AUTHORITY\Authenticated Users`, true, false}}},
		{"local user and several ACEs", "D:(A;;GX;;;" + alice + ")(A;;GA;;;SY)(A;;GX;;;S-1-5-32-568)", 0,
			"D:(A;;GX;;;" + alice + ")(A;;GA;;;SY)(A;;GX;;;IS)",
			[]entry{{alice, `SAGE300\alice`, true, false}, {"S-1-5-18", `NT AUTHORITY\SYSTEM`, true, true}, {"S-1-5-32-568", `BUILTIN\IIS_IUSRS`, true, false}}},
		{"owner group and flags", "O:BAG:SYD:P(A;;GX;;;WD)", 0, "O:BAG:SYD:P(A;;GX;;;WD)",
			[]entry{{"S-1-1-0", "Everyone", true, false}}},
		{"empty DACL", "D:", 0, "D:", []entry{}},
		{"unknown SID", "D:(A;;GX;;;S-1-5-21-1-2-3-4242)", 1332, "", nil},
		{"unknown owner SID", "O:S-1-5-21-9-9-9-9D:(A;;GX;;;WD)", 1332, "", nil},
		{"empty", "", 87, "", nil},
		{"no DACL", "O:BA", 87, "", nil},
		{"deny ACE", "D:(D;;GX;;;WD)", 87, "", nil},
		{"read right", "D:(A;;GR;;;WD)", 87, "", nil},
		{"file rights", "D:(A;;FA;;;WD)", 87, "", nil},
		{"no rights", "D:(A;;;;;WD)", 87, "", nil},
		{"ACE flags", "D:(A;CI;GX;;;WD)", 87, "", nil},
		{"unknown alias", "D:(A;;GX;;;XX)", 87, "", nil},
		{"bad SID string", "D:(A;;GX;;;S-1-x)", 87, "", nil},
		{"missing paren", "D:(A;;GX;;;WD", 87, "", nil},
		{"five fields", "D:(A;;GX;;WD)", 87, "", nil},
		{"trailing CR", "D:(A;;GX;;;WD)\r", 87, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := accountsHost("en-US")
			var got urlACLResult
			opErr := invoke(t, h, "httpsys.urlacl.add", map[string]string{"url": "https://+:4207/", "sddl": tt.sddl}, &got)
			wantCode(t, tt.sddl, opErr, tt.code)
			if tt.code != 0 {
				return
			}
			if got.URL != "https://+:4207/" || got.SDDL != tt.wantSDDL || !sameEntries(got.Entries, tt.entries) {
				t.Errorf("add %q = %+v, want sddl %q entries %+v", tt.sddl, got, tt.wantSDDL, tt.entries)
			}
		})
	}
}

func sameEntries(a, b []urlACLEntry) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestURLACLEntriesUseHostLanguage(t *testing.T) {
	h := accountsHost("de-DE")
	var got urlACLResult
	mustInvoke(t, h, "httpsys.urlacl.add", map[string]string{"url": "https://+:4207/", "sddl": "D:(A;;GX;;;WD)(A;;GA;;;NS)"}, &got)
	want := []urlACLEntry{{"S-1-1-0", "Jeder", true, false}, {"S-1-5-20", `NT-AUTORITÄT\NETZWERKDIENST`, true, true}}
	if !sameEntries(got.Entries, want) {
		t.Errorf("entries %+v, want %+v", got.Entries, want)
	}
}

func TestURLACLLifecycle(t *testing.T) {
	h := New(State{})
	mustInvoke(t, h, "httpsys.urlacl.add", map[string]string{"url": "https://+:4207/", "sddl": "D:(A;;GX;;;WD)"}, nil)
	mustInvoke(t, h, "httpsys.urlacl.add", map[string]string{"url": "http://+:8080/Sage/", "sddl": "D:(A;;GX;;;BU)"}, nil)

	dups := []string{"https://+:4207/", "https://+:4207/", "http://+:8080/sage/", "http://+:8080/SAGE/"}
	for _, url := range dups {
		opErr := invoke(t, h, "httpsys.urlacl.add", map[string]string{"url": url, "sddl": "D:(A;;GX;;;WD)"}, nil)
		wantCode(t, "duplicate "+url, opErr, 183)
	}

	var got urlACLResult
	mustInvoke(t, h, "httpsys.urlacl.get", map[string]string{"url": "http://+:8080/sage/"}, &got)
	if got.URL != "http://+:8080/Sage/" || got.SDDL != "D:(A;;GX;;;BU)" {
		t.Errorf("get (other case) = %+v, want the reservation as set", got)
	}

	var list struct{ URLACLs []urlACLResult }
	mustInvoke(t, h, "httpsys.urlacl.list", struct{}{}, &list)
	if len(list.URLACLs) != 2 || list.URLACLs[0].URL != "https://+:4207/" || list.URLACLs[1].URL != "http://+:8080/Sage/" {
		t.Errorf("list = %+v, want both in insertion order", list.URLACLs)
	}

	mustInvoke(t, h, "httpsys.urlacl.delete", map[string]string{"url": "HTTPS://+:4207/"}, nil)
	wantCode(t, "get deleted", invoke(t, h, "httpsys.urlacl.get", map[string]string{"url": "https://+:4207/"}, nil), 2)
	wantCode(t, "delete again", invoke(t, h, "httpsys.urlacl.delete", map[string]string{"url": "https://+:4207/"}, nil), 2)
	wantCode(t, "get without url", invoke(t, h, "httpsys.urlacl.get", map[string]string{}, nil), 87)

	opErr := invoke(t, h, "httpsys.urlacl.get", map[string]string{"url": "https://+:9999/"}, nil)
	if opErr == nil || !strings.HasPrefix(opErr.Message, "The system cannot find the file specified.") {
		t.Errorf("absent reservation: %v, want FormatMessage text of 2", opErr)
	}
}
