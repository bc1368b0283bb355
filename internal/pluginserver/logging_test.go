package pluginserver

import "testing"

func TestQuietVariables(t *testing.T) {
	for _, tc := range []struct {
		env   []string
		quiet bool
	}{
		{[]string{"PATH=/bin", "HOME=/root"}, true},
		{[]string{"TF_LOG="}, true},
		{[]string{"TF_LOG=trace"}, false},
		{[]string{"TF_LOG=JSON"}, false},
		{[]string{"TF_LOG_PROVIDER=debug"}, false},
		{[]string{"TF_LOG_PROVIDER_WINDOWS=trace"}, false},
		{[]string{"TF_LOG_SDK_PROTO=trace"}, false},
		{[]string{"TF_LOG_SDK_FRAMEWORK=debug"}, false},
		{[]string{"TF_LOG_PATH=/tmp/x"}, false},
		{[]string{"TF_ACC_LOG_PATH=/tmp/x"}, false},
	} {
		if got := quietVariables(tc.env) != nil; got != tc.quiet {
			t.Errorf("%v: quiet = %v, want %v", tc.env, got, tc.quiet)
		}
	}
}
