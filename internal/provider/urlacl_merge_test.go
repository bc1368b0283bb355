package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/windows"
)

func userState(user, sddl string, listen, delegate bool) urlACLModel {
	return urlACLModel{
		ID: types.StringValue("https://+:4207/"), URL: types.StringValue("https://+:4207/"),
		User: types.StringValue(user), SDDL: types.StringValue(sddl),
		Listen: types.BoolValue(listen), Delegate: types.BoolValue(delegate),
		Entries: types.ListNull(urlACLEntryType),
	}
}

// importedURLACLState is the state ImportState leaves: url and id only.
func importedURLACLState() urlACLModel {
	return urlACLModel{ID: types.StringValue("https://+:4207/"), URL: types.StringValue("https://+:4207/"),
		User: types.StringNull(), SDDL: types.StringNull(), Listen: types.BoolNull(), Delegate: types.BoolNull()}
}

func TestMergeHostURLACL(t *testing.T) {
	everyone := userState("Everyone", "D:(A;;GX;;;S-1-1-0)", true, false)
	tests := []struct {
		name                 string
		state                urlACLModel
		host                 windows.URLACL
		wantUser, wantSDDL   types.String
		wantListen, wantDele bool
	}{
		{
			name:  "German host names Everyone Jeder: no drift",
			state: everyone,
			host: windows.URLACL{URL: "https://+:4207/", SDDL: "D:(A;;GX;;;WD)",
				Entries: []windows.URLACLEntry{{SID: "S-1-1-0", Account: "Jeder", Listen: true}}},
			wantUser: types.StringValue("Everyone"), wantSDDL: types.StringValue("D:(A;;GX;;;S-1-1-0)"),
			wantListen: true,
		},
		{
			name:     "same account, other rights: user stays, rights show the drift",
			state:    everyone,
			host:     windows.URLACL{URL: "https://+:4207/", SDDL: "D:(A;;GW;;;WD)"},
			wantUser: types.StringValue("Everyone"), wantSDDL: types.StringValue("D:(A;;GW;;;WD)"),
			wantDele: true,
		},
		{
			name:     "other account: user no longer describes the host",
			state:    everyone,
			host:     windows.URLACL{URL: "https://+:4207/", SDDL: "D:(A;;GX;;;BU)"},
			wantUser: types.StringNull(), wantSDDL: types.StringValue("D:(A;;GX;;;BU)"),
			wantListen: true,
		},
		{
			name:     "an account added: user no longer describes the host",
			state:    everyone,
			host:     windows.URLACL{URL: "https://+:4207/", SDDL: "D:(A;;GX;;;WD)(A;;GA;;;BA)"},
			wantUser: types.StringNull(), wantSDDL: types.StringValue("D:(A;;GX;;;WD)(A;;GA;;;BA)"),
			wantListen: true,
		},
		{
			name: "import: everything from the host",
			state: urlACLModel{ID: types.StringValue("https://+:4207/"), URL: types.StringValue("https://+:4207/"),
				User: types.StringNull(), SDDL: types.StringNull(), Listen: types.BoolNull(), Delegate: types.BoolNull()},
			host:     windows.URLACL{URL: "https://+:4207/", SDDL: "D:(A;;GA;;;WD)"},
			wantUser: types.StringValue("Everyone"), wantSDDL: types.StringValue("D:(A;;GA;;;WD)"),
			wantListen: true, wantDele: true,
		},
		{
			name:  "import on a German host: the English name of a well-known account",
			state: importedURLACLState(),
			host: windows.URLACL{URL: "https://+:4207/", SDDL: "D:(A;;GX;;;BU)",
				Entries: []windows.URLACLEntry{{SID: "S-1-5-32-545", Account: `VORDEFINIERT\Benutzer`, Listen: true}}},
			wantUser: types.StringValue(`BUILTIN\Users`), wantSDDL: types.StringValue("D:(A;;GX;;;BU)"),
			wantListen: true,
		},
		{
			name:  "import of a local account's reservation: the host's name",
			state: importedURLACLState(),
			host: windows.URLACL{URL: "https://+:4207/", SDDL: "D:(A;;GW;;;S-1-5-21-1-2-3-1001)",
				Entries: []windows.URLACLEntry{{SID: "S-1-5-21-1-2-3-1001", Account: `SAGE300\svc-sage`, Delegate: true}}},
			wantUser: types.StringValue(`SAGE300\svc-sage`), wantSDDL: types.StringValue("D:(A;;GW;;;S-1-5-21-1-2-3-1001)"),
			wantDele: true,
		},
		{
			name:     "import of two accounts: sddl alone",
			state:    importedURLACLState(),
			host:     windows.URLACL{URL: "https://+:4207/", SDDL: "D:(A;;GX;;;WD)(A;;GA;;;BA)"},
			wantUser: types.StringNull(), wantSDDL: types.StringValue("D:(A;;GX;;;WD)(A;;GA;;;BA)"),
			wantListen: true,
		},
		{
			name:     "import of a right user cannot give (GR): sddl alone",
			state:    importedURLACLState(),
			host:     windows.URLACL{URL: "https://+:4207/", SDDL: "D:(A;;GXGR;;;WD)"},
			wantUser: types.StringNull(), wantSDDL: types.StringValue("D:(A;;GXGR;;;WD)"),
			wantListen: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			state := tt.state
			if diags := mergeHostURLACL(&state, tt.host); diags.HasError() {
				t.Fatal(diags)
			}
			if !state.User.Equal(tt.wantUser) || !state.SDDL.Equal(tt.wantSDDL) {
				t.Errorf("user, sddl = %v, %v; want %v, %v", state.User, state.SDDL, tt.wantUser, tt.wantSDDL)
			}
			if state.Listen.ValueBool() != tt.wantListen || state.Delegate.ValueBool() != tt.wantDele {
				t.Errorf("listen, delegate = %v, %v; want %v, %v", state.Listen, state.Delegate, tt.wantListen, tt.wantDele)
			}
			if len(state.Entries.Elements()) != len(tt.host.Entries) {
				t.Errorf("entries = %v, want the host's %d", state.Entries, len(tt.host.Entries))
			}
		})
	}
}

func TestPlanAgainstState(t *testing.T) {
	state := userState("Everyone", "D:(A;;GX;;;WD)", true, false)
	tests := []struct {
		name        string
		plan        urlACLModel
		wantReplace path.Paths
		wantSDDL    string
	}{
		{
			name:     "same grant spelled differently keeps the state's SDDL",
			plan:     userState("Everyone", "D:(A;;GX;;;S-1-1-0)", true, false),
			wantSDDL: "D:(A;;GX;;;WD)",
		},
		{
			name:     "user renamed to the host's name for the same SID: state-only update",
			plan:     userState("Jeder", "D:(A;;GX;;;S-1-1-0)", true, false),
			wantSDDL: "D:(A;;GX;;;WD)",
		},
		{
			name:        "delegate added: replace",
			plan:        userState("Everyone", "D:(A;;GA;;;S-1-1-0)", true, true),
			wantReplace: path.Paths{path.Root("delegate"), path.Root("sddl")},
			wantSDDL:    "D:(A;;GA;;;S-1-1-0)",
		},
		{
			name:        "drift on the host (state SDDL from the host differs): replace on sddl",
			plan:        userState("Everyone", "D:(A;;GW;;;S-1-1-0)", true, false),
			wantReplace: path.Paths{path.Root("sddl")},
			wantSDDL:    "D:(A;;GW;;;S-1-1-0)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan := tt.plan
			got := planAgainstState(&plan, state)
			if len(got) != len(tt.wantReplace) {
				t.Fatalf("replace = %v, want %v", got, tt.wantReplace)
			}
			for _, p := range tt.wantReplace {
				if !got.Contains(p) {
					t.Fatalf("replace = %v, want %v", got, tt.wantReplace)
				}
			}
			if plan.SDDL.ValueString() != tt.wantSDDL {
				t.Fatalf("planned sddl = %v, want %q", plan.SDDL, tt.wantSDDL)
			}
		})
	}
}

// TestWellKnownAccountNamesResolve: every name import writes for a
// well-known account resolves, without the host, to that account.
func TestWellKnownAccountNamesResolve(t *testing.T) {
	for sid, name := range wellKnownAccountNames {
		if got, ok := localAccountSID(name); !ok || got != sid {
			t.Errorf("localAccountSID(%q) = %q, %v; want %s", name, got, ok, sid)
		}
		if err := checkAccountName(name); err != nil {
			t.Errorf("checkAccountName(%q): %v", name, err)
		}
	}
}
