package model

import (
	"bytes"
	"encoding/base64"
	"errors"
	"testing"
)

func fileTableHost(t *testing.T, files map[string]string) *Host {
	t.Helper()
	var list []FileState
	for p, c := range files {
		list = append(list, FileState{Path: p, ContentBase64: base64.StdEncoding.EncodeToString([]byte(c))})
	}
	return New(State{Files: list})
}

func wantFileCode(t *testing.T, err error, code int, what string) {
	t.Helper()
	var opErr *OpError
	if !errors.As(err, &opErr) || opErr.Code != code {
		t.Errorf("%s: %v, want code %d", what, err, code)
	}
}

func wantFileContent(t *testing.T, h *Host, path, content string) {
	t.Helper()
	got, err := h.ReadFileLocked(path)
	if err != nil || !bytes.Equal(got, []byte(content)) {
		t.Errorf("%s: %q, %v; want %q", path, got, err, content)
	}
}

// TestReplaceFileLocked: File.Replace's outcome (destination takes the
// source's content, the backup the previous one, the source goes) and its
// failures, which change nothing.
func TestReplaceFileLocked(t *testing.T) {
	h := fileTableHost(t, map[string]string{`C:\app\a.config`: "old", `C:\app\a.config.tmp`: "new", `C:\app\a.config.tfbak`: "older"})
	if err := h.ReplaceFileLocked(`C:\app\a.config.tmp`, `c:/APP/a.config`, `C:\app\a.config.tfbak`); err != nil {
		t.Fatal(err)
	}
	wantFileContent(t, h, `C:\app\a.config`, "new")
	wantFileContent(t, h, `C:\app\a.config.tfbak`, "old")
	if h.FileExistsLocked(`C:\app\a.config.tmp`) {
		t.Error("the source is still there")
	}
	wantFileCode(t, h.ReplaceFileLocked(`C:\app\missing.tmp`, `C:\app\a.config`, `C:\app\b.bak`), errFileNotFound, "missing source")
	if err := h.WriteNewFileLocked(`C:\app\x.tmp`, []byte("x")); err != nil {
		t.Fatal(err)
	}
	wantFileCode(t, h.ReplaceFileLocked(`C:\app\x.tmp`, `C:\app\none.config`, `C:\app\none.bak`), errFileNotFound, "missing destination")
	wantFileContent(t, h, `C:\app\x.tmp`, "x")
	if h.FileExistsLocked(`C:\app\none.bak`) || h.FileExistsLocked(`C:\app\b.bak`) {
		t.Error("a failed replace made a backup")
	}
}

func TestFileCallsLocked(t *testing.T) {
	h := fileTableHost(t, map[string]string{`C:\a.txt`: "a"})
	wantFileCode(t, h.WriteNewFileLocked(`C:\A.TXT`, []byte("b")), errFileExists, "write over an existing file")
	wantFileCode(t, h.CopyFileLocked(`C:\a.txt`, `C:\a.txt`, false), errFileExists, "copy over an existing file")
	wantFileCode(t, h.CopyFileLocked(`C:\none.txt`, `C:\b.txt`, true), errFileNotFound, "copy of a missing file")
	if err := h.CopyFileLocked(`C:\a.txt`, `C:\b.txt`, false); err != nil {
		t.Fatal(err)
	}
	wantFileContent(t, h, `C:\b.txt`, "a")
	if err := h.DeleteFileLocked(`C:\b.txt`); err != nil {
		t.Fatal(err)
	}
	if err := h.DeleteFileLocked(`C:\b.txt`); err != nil {
		t.Errorf("deleting a missing file: %v", err)
	}
	_, err := h.ReadFileLocked(`C:\b.txt`)
	wantFileCode(t, err, errFileNotFound, "read of a deleted file")
	_, err = h.ReadFileLocked(`relative.txt`)
	wantFileCode(t, err, errInvalidName, "relative path")
	if h.FileExistsLocked(`relative.txt`) {
		t.Error("a relative path exists")
	}
}
