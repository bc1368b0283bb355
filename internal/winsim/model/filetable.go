package model

import "fmt"

// The host's files as the agent's IFileSystem sees them (bridge_files.go):
// whole files by path, with the failures Windows reports for each call.
// Folders are not modelled: a file can be created in any folder.

// Win32 codes of the file calls ("System Error Codes (0-499)").
const (
	errFileExists  = 80  // ERROR_FILE_EXISTS
	errInvalidName = 123 // ERROR_INVALID_NAME
)

func fileError(code int, text, path string) *OpError {
	return &OpError{Code: code, Message: fmt.Sprintf("%s '%s'", text, path)}
}

// normalizeFilePath is normalizeWindowsPath with Windows' answer, 123, for
// a path the simulator cannot resolve.
func normalizeFilePath(path string) (string, *OpError) {
	norm, err := normalizeWindowsPath(path)
	if err != nil {
		return "", &OpError{Code: errInvalidName, Message: "The filename, directory name, or volume label syntax is incorrect. " + err.Error()}
	}
	return norm, nil
}

// ReadFileLocked is File.ReadAllBytes: 2 for a missing file. Call only
// inside Host.Exclusive.
func (h *Host) ReadFileLocked(path string) ([]byte, error) {
	norm, opErr := normalizeFilePath(path)
	if opErr != nil {
		return nil, opErr
	}
	i := h.findFile(norm)
	if i < 0 {
		return nil, fileError(errFileNotFound, "Could not find file", path)
	}
	return append([]byte(nil), h.files[i].content...), nil
}

// FileExistsLocked is File.Exists: false for a path that cannot be
// resolved. Call only inside Host.Exclusive.
func (h *Host) FileExistsLocked(path string) bool {
	norm, opErr := normalizeFilePath(path)
	return opErr == nil && h.findFile(norm) >= 0
}

// WriteNewFileLocked creates a file that must not exist yet
// (FileMode.CreateNew: 80 if it does). Call only inside Host.Exclusive.
func (h *Host) WriteNewFileLocked(path string, content []byte) error {
	norm, opErr := normalizeFilePath(path)
	if opErr != nil {
		return opErr
	}
	if h.findFile(norm) >= 0 {
		return fileError(errFileExists, "The file exists.", path)
	}
	h.files = append(h.files, hostFile{path: norm, content: append([]byte(nil), content...)})
	return nil
}

// ReplaceFileLocked is File.Replace(source, destination, backup)
// (ReplaceFile): destination takes source's content and keeps its own name,
// its previous content goes to backup (replacing a file there), source is
// gone. A missing source or destination is 2 and changes nothing. Call only
// inside Host.Exclusive.
func (h *Host) ReplaceFileLocked(source, destination, backup string) error {
	var norm [3]string
	for i, p := range []string{source, destination, backup} {
		n, opErr := normalizeFilePath(p)
		if opErr != nil {
			return opErr
		}
		norm[i] = n
	}
	s, d := h.findFile(norm[0]), h.findFile(norm[1])
	if s < 0 {
		return fileError(errFileNotFound, "Could not find file", source)
	}
	if d < 0 {
		return fileError(errFileNotFound, "Could not find file", destination)
	}
	previous := h.files[d].content
	h.files[d].content = h.files[s].content
	if b := h.findFile(norm[2]); b >= 0 {
		h.files[b].content = previous
	} else {
		h.files = append(h.files, hostFile{path: norm[2], content: previous})
	}
	h.deleteFile(norm[0])
	return nil
}

// FailReplaceLocked is a ReplaceFile that fails with code, leaving what
// Windows leaves for it ("ReplaceFileW", learn.microsoft.com, Return value):
// 1175 (ERROR_UNABLE_TO_REMOVE_REPLACED) and 1176 (ERROR_UNABLE_TO_MOVE_
// REPLACEMENT, with a backup name) leave both files under their names; 1177
// (ERROR_UNABLE_TO_MOVE_REPLACEMENT_2) leaves the replacement under its own
// name and the replaced file under the backup name, so the destination path
// is empty. Any other code changes nothing. The simulator's fail_calls
// faults use it. Call only inside Host.Exclusive.
func (h *Host) FailReplaceLocked(source, destination, backup string, code int) {
	if code != 1177 {
		return
	}
	dst, errD := normalizeFilePath(destination)
	bak, errB := normalizeFilePath(backup)
	if errD != nil || errB != nil || h.findFile(dst) < 0 {
		return
	}
	if _, errS := normalizeFilePath(source); errS != nil {
		return
	}
	d := h.findFile(dst)
	previous := h.files[d].content
	h.deleteFile(dst)
	if b := h.findFile(bak); b >= 0 {
		h.files[b].content = previous
	} else {
		h.files = append(h.files, hostFile{path: bak, content: previous})
	}
}

// CopyFileLocked is File.Copy: 2 for a missing source, 80 for an existing
// destination unless overwrite. Call only inside Host.Exclusive.
func (h *Host) CopyFileLocked(source, destination string, overwrite bool) error {
	src, opErr := normalizeFilePath(source)
	if opErr != nil {
		return opErr
	}
	dst, opErr := normalizeFilePath(destination)
	if opErr != nil {
		return opErr
	}
	s := h.findFile(src)
	if s < 0 {
		return fileError(errFileNotFound, "Could not find file", source)
	}
	content := append([]byte(nil), h.files[s].content...)
	if d := h.findFile(dst); d >= 0 {
		if !overwrite {
			return fileError(errFileExists, "The file exists.", destination)
		}
		h.files[d].content = content
		return nil
	}
	h.files = append(h.files, hostFile{path: dst, content: content})
	return nil
}

// DeleteFileLocked is File.Delete: a missing file is not an error. Call
// only inside Host.Exclusive.
func (h *Host) DeleteFileLocked(path string) error {
	norm, opErr := normalizeFilePath(path)
	if opErr != nil {
		return opErr
	}
	h.deleteFile(norm)
	return nil
}

func (h *Host) deleteFile(norm string) {
	if i := h.findFile(norm); i >= 0 {
		h.files = append(h.files[:i], h.files[i+1:]...)
	}
}
