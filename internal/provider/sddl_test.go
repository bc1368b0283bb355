package provider

import (
	"strings"
	"testing"
)

func TestSDDLEquivalent(t *testing.T) {
	tests := []struct {
		name string
		a, b string
		want bool
	}{
		{"alias and SID", "D:(A;;GX;;;WD)", "D:(A;;GX;;;S-1-1-0)", true},
		{"lower-case tokens", "D:(A;;GX;;;WD)", "d:(a;;gx;;;wd)", true},
		{"GA is listen and delegate", "D:(A;;GA;;;BU)", "D:(A;;GXGW;;;S-1-5-32-545)", true},
		{"entry order", "D:(A;;GX;;;WD)(A;;GA;;;BA)", "D:(A;;GA;;;BA)(A;;GX;;;WD)", true},
		{"owner and DACL flags ignored", "O:BAD:P(A;;GX;;;WD)", "D:(A;;GX;;;WD)", true},
		{"hex rights", "D:(A;;0x20000000;;;WD)", "D:(A;;GX;;;WD)", true},
		{"split entries for one SID add up", "D:(A;;GX;;;WD)(A;;GW;;;WD)", "D:(A;;GA;;;WD)", true},
		{"listen vs delegate", "D:(A;;GX;;;WD)", "D:(A;;GW;;;WD)", false},
		{"other account", "D:(A;;GX;;;WD)", "D:(A;;GX;;;BU)", false},
		{"extra entry", "D:(A;;GX;;;WD)", "D:(A;;GX;;;WD)(A;;GX;;;BU)", false},
		{"deny vs allow", "D:(A;;GX;;;WD)", "D:(D;;GX;;;WD)", false},
		{"extra right", "D:(A;;GX;;;WD)", "D:(A;;GXGR;;;WD)", false},
		{"newer fixed aliases", "D:(A;;GX;;;UD)(A;;GX;;;AA)(A;;GX;;;MP)", "D:(A;;GX;;;S-1-5-84-0-0-0-0-0)(A;;GX;;;S-1-5-32-579)(A;;GX;;;S-1-16-8448)", true},
		{"domain-relative alias as written", "D:(A;;GX;;;DA)", "D:(A;;GX;;;da)", true},
		{"unparsable texts compare as text", "junk", "junk", true},
		{"unparsable vs valid", "junk", "D:(A;;GX;;;WD)", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sddlEquivalent(tt.a, tt.b); got != tt.want {
				t.Fatalf("sddlEquivalent(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
			}
			if got := sddlEquivalent(tt.b, tt.a); got != tt.want {
				t.Fatalf("sddlEquivalent is not symmetric for %q, %q", tt.a, tt.b)
			}
		})
	}
}

func TestParseURLACLSDDLErrors(t *testing.T) {
	tests := []struct {
		name, in, wantErr string
	}{
		{"empty", "", "no D: part"},
		{"no DACL", "O:BA", "no D: part"},
		{"empty DACL", "D:", "no entries"},
		{"unclosed entry", "D:(A;;GX;;;WD", "no closing parenthesis"},
		{"five fields", "D:(A;;GX;;WD)", "has 5 fields"},
		{"audit entry", "D:(AU;;GX;;;WD)", "not A (allow) or D (deny)"},
		{"unknown right", "D:(A;;ZZ;;;WD)", "unknown right"},
		{"odd rights", "D:(A;;G;;;WD)", "two-letter codes"},
		{"bad SID", "D:(A;;GX;;;S-1-x)", "not a SID"},
		{"object GUID", "D:(A;;GX;4d159978-4574-4dd5-b3ff-6f7fc8c20344;;WD)", "object GUIDs"},
		{"trailing newline", "D:(A;;GX;;;WD)\n", `unexpected '\n' at character 15`},
		{"trailing CR", "D:(A;;GX;;;WD)\r", `unexpected '\r' at character 15`},
		{"space", "D: (A;;GX;;;WD)", "unexpected ' '"},
		{"two DACLs", "D:(A;;GX;;;WD)D:(A;;GX;;;BU)", "more than one D:"},
		{"quote in SID", "D:(A;;GX;;;W')", "not a SID"},
		{"unknown alias", "D:(A;;GX;;;XX)", `"XX" is not a SID alias of Windows`},
		{"unknown alias as owner", "O:QQD:(A;;GX;;;WD)", `"QQ" is not a SID alias`},
		{"command substitution", "D:(A;;GX;;;$(x))", "not a SID"},
		{"10 KB", "D:" + strings.Repeat("(A;;GX;;;WD)", 900), "longer than 4096"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseURLACLSDDL(tt.in)
			checkNormalized(t, tt.in, "", err, "", tt.wantErr)
		})
	}
}

func TestUserSDDL(t *testing.T) {
	tests := []struct {
		listen, delegate bool
		want             string
	}{
		{true, false, "D:(A;;GX;;;S-1-1-0)"},
		{false, true, "D:(A;;GW;;;S-1-1-0)"},
		{true, true, "D:(A;;GA;;;S-1-1-0)"},
	}
	for _, tt := range tests {
		got := userSDDL("S-1-1-0", tt.listen, tt.delegate)
		if got != tt.want {
			t.Errorf("userSDDL(listen=%v, delegate=%v) = %q, want %q", tt.listen, tt.delegate, got, tt.want)
		}
		acl, err := parseURLACLSDDL(got)
		if err != nil {
			t.Fatalf("userSDDL wrote %q, which does not parse: %v", got, err)
		}
		if l, d := acl.rightsOfAll(); l != tt.listen || d != tt.delegate {
			t.Errorf("%q reads back as listen=%v delegate=%v", got, l, d)
		}
	}
}

func TestRightsOfAll(t *testing.T) {
	tests := []struct {
		sddl             string
		listen, delegate bool
	}{
		{"D:(A;;GX;;;WD)(A;;GA;;;BA)", true, false},
		{"D:(A;;GA;;;WD)(A;;GA;;;BA)", true, true},
		{"D:(A;;GW;;;WD)(A;;GX;;;BA)", false, false},
		{"D:(D;;GX;;;WD)", false, false},
	}
	for _, tt := range tests {
		acl, err := parseURLACLSDDL(tt.sddl)
		if err != nil {
			t.Fatal(err)
		}
		if l, d := acl.rightsOfAll(); l != tt.listen || d != tt.delegate {
			t.Errorf("rightsOfAll(%q) = %v, %v; want %v, %v", tt.sddl, l, d, tt.listen, tt.delegate)
		}
	}
}
