package windows

import (
	"context"
	"encoding/json"
	"testing"
)

// TestAppConfigExpectArgs: an Expect travels as "expected" (a string, or
// null for no entry); without one there is no "expected" at all, which the
// host reads as "no check".
func TestAppConfigExpectArgs(t *testing.T) {
	value := "https://sage300:4207"
	tests := []struct {
		name   string
		call   func(a *AppConfig) error
		want   string
		wantOp string
	}{
		{"set without expect", func(a *AppConfig) error {
			_, err := a.Set(context.Background(), `C:\a.config`, "K", "v", nil)
			return err
		},
			`{"key":"K","path":"C:\\a.config","value":"v"}`, "appconfig.set"},
		{"set expecting a value", func(a *AppConfig) error {
			_, err := a.Set(context.Background(), `C:\a.config`, "K", "v", &Expect{Value: &value})
			return err
		}, `{"expected":"https://sage300:4207","key":"K","path":"C:\\a.config","value":"v"}`, "appconfig.set"},
		{"set expecting no entry", func(a *AppConfig) error {
			_, err := a.Set(context.Background(), `C:\a.config`, "K", "v", &Expect{})
			return err
		}, `{"expected":null,"key":"K","path":"C:\\a.config","value":"v"}`, "appconfig.set"},
		{"remove expecting a value", func(a *AppConfig) error {
			return a.Remove(context.Background(), `C:\a.config`, "K", &Expect{Value: &value})
		}, `{"expected":"https://sage300:4207","key":"K","path":"C:\\a.config"}`, "appconfig.remove"},
		{"remove without expect", func(a *AppConfig) error { return a.Remove(context.Background(), `C:\a.config`, "K", nil) },
			`{"key":"K","path":"C:\\a.config"}`, "appconfig.remove"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			runner := &recordingRunner{envelope: `{"ok":true,"result":{}}`}
			if err := tt.call(New(runner).AppConfig()); err != nil {
				t.Fatalf("call: %v", err)
			}
			if op := runner.requests[0].Op; op != tt.wantOp {
				t.Errorf("op %q, want %q", op, tt.wantOp)
			}
			got, err := json.Marshal(runner.args(t))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("arguments %s, want %s", got, tt.want)
			}
		})
	}
}
