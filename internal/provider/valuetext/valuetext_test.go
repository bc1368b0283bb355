package valuetext

import (
	"strings"
	"testing"
)

func TestQuoteBoundsLengthAndShowsInvisibles(t *testing.T) {
	got := Quote(strings.Repeat("x", 10240))
	if len(got) > 200 || !strings.Contains(got, "10240 characters") {
		t.Fatalf("Quote of 10 KB = %q", got)
	}
	if got := Quote("a\x00b\u200e"); got != `"a\x00b\u200e"` {
		t.Fatalf("Quote does not show invisible characters: %s", got)
	}
}

func TestHCLString(t *testing.T) {
	tests := map[string]string{
		`C:\Program Files (x86)\Sage`: `"C:\\Program Files (x86)\\Sage"`,
		`say "hi"`:                    `"say \"hi\""`,
		"a\tb\r\nc":                   `"a\tb\r\nc"`,
		"${var.x} %{if}":              `"$${var.x} %%{if}"`,
		"$5 and 100%":                 `"$5 and 100%"`,
		"\u200e\x07":                  `"\u200E\u0007"`,
	}
	for in, want := range tests {
		if got := HCLString(in); got != want {
			t.Errorf("HCLString(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestIndexControlOrFormat(t *testing.T) {
	tests := map[string]int{"plain": -1, "a\nb": 1, "\u200eab": 0, "ab\x7f": 2, "é\u00a0": -1}
	for in, want := range tests {
		if got := IndexControlOrFormat(in); got != want {
			t.Errorf("IndexControlOrFormat(%q) = %d, want %d", in, got, want)
		}
	}
}
