package model

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// FileState is a file on the simulated host's disk, as the state document
// holds it: a PFX for cert.import_pfx_file, and any other file an op reads.
type FileState struct {
	// Path is an absolute Windows path ("C:\certs\host.pfx" or
	// "\\server\share\host.pfx"); the host normalises it as Windows does and
	// compares it case-insensitively.
	Path          string `json:"path"`
	ContentBase64 string `json:"content_base64"`
}

// hostFile is a file in the host's table.
type hostFile struct {
	path    string // normalised, case as first given
	content []byte
}

// normalizeWindowsPath puts an absolute path in the form Windows resolves it
// to ("File path formats on Windows systems", learn.microsoft.com/dotnet/
// standard/io/file-path-formats, "Path normalization"): "/" is a separator
// too, runs of separators collapse, "." and ".." segments are resolved
// (never above the root), a segment's single trailing period goes, and the
// last segment loses its trailing periods and spaces. Only drive-absolute
// ("C:\...") and UNC ("\\server\share\...") paths are accepted: the host has
// no current directory the simulator could resolve a relative path against.
func normalizeWindowsPath(p string) (string, error) {
	s := strings.ReplaceAll(p, "/", `\`)
	root, rest, err := splitPathRoot(s)
	if err != nil {
		return "", fmt.Errorf("path %q: %w", p, err)
	}
	var segments []string
	for _, seg := range strings.Split(rest, `\`) {
		switch seg {
		case "", ".":
		case "..":
			if len(segments) > 0 {
				segments = segments[:len(segments)-1]
			}
		default:
			if strings.HasSuffix(seg, ".") && !strings.HasSuffix(seg, "..") {
				seg = seg[:len(seg)-1]
			}
			segments = append(segments, seg)
		}
	}
	if n := len(segments); n > 0 && !strings.HasSuffix(rest, `\`) {
		segments[n-1] = strings.TrimRight(segments[n-1], ". ")
		if segments[n-1] == "" {
			segments = segments[:n-1]
		}
	}
	return root + strings.Join(segments, `\`), nil
}

// splitPathRoot returns the root of an absolute path ("C:\" or
// "\\server\share\") and the rest.
func splitPathRoot(s string) (root, rest string, err error) {
	switch {
	case strings.HasPrefix(s, `\\?\`) || strings.HasPrefix(s, `\\.\`):
		return "", "", errors.New(`device paths (\\?\, \\.\) are not supported by the simulator`)
	case strings.HasPrefix(s, `\\`):
		parts := strings.SplitN(strings.TrimLeft(s, `\`), `\`, 3)
		if len(parts) < 2 || parts[0] == "" || parts[1] == "" {
			return "", "", errors.New(`a UNC path needs a server and a share (\\server\share\file)`)
		}
		rest := ""
		if len(parts) == 3 {
			rest = parts[2]
		}
		return `\\` + parts[0] + `\` + parts[1] + `\`, rest, nil
	case len(s) >= 3 && isDriveLetter(s[0]) && s[1] == ':' && s[2] == '\\':
		return s[:3], s[3:], nil
	default:
		return "", "", errors.New(`must be an absolute path such as C:\certs\host.pfx`)
	}
}

func isDriveLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// findFile returns the index of the file at a normalised path, or -1.
// NTFS compares names case-insensitively (by its upcase table).
func (h *Host) findFile(path string) int {
	for i, f := range h.files {
		if strings.EqualFold(f.path, path) {
			return i
		}
	}
	return -1
}

// readFile returns the content of the file at path (any form Windows
// accepts); ok is false if there is no such file. err is set for a path the
// simulator cannot resolve.
func (h *Host) readFile(path string) (content []byte, ok bool, err error) {
	norm, err := normalizeWindowsPath(path)
	if err != nil {
		return nil, false, err
	}
	i := h.findFile(norm)
	if i < 0 {
		return nil, false, nil
	}
	return h.files[i].content, true, nil
}

// loadFiles adds the state document's files.
func (h *Host) loadFiles(list []FileState) error {
	for i, f := range list {
		path, err := normalizeWindowsPath(f.Path)
		if err != nil {
			return fmt.Errorf("files[%d]: %w", i, err)
		}
		content, err := base64.StdEncoding.DecodeString(f.ContentBase64)
		if err != nil {
			return fmt.Errorf("files[%d] %s: content_base64 is not base64", i, path)
		}
		if h.findFile(path) >= 0 {
			return fmt.Errorf("files[%d]: %s is in the document twice (paths are case-insensitive)", i, path)
		}
		h.files = append(h.files, hostFile{path: path, content: content})
	}
	return nil
}

// fileStates returns the files for the state document.
func (h *Host) fileStates() []FileState {
	out := make([]FileState, 0, len(h.files))
	for _, f := range h.files {
		out = append(out, FileState{Path: f.path, ContentBase64: base64.StdEncoding.EncodeToString(f.content)})
	}
	return out
}
