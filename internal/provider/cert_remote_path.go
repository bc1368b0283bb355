package provider

import (
	"errors"
	"strings"
)

// checkRemotePFXPath accepts what the host's cert.import_pfx_file accepts
// (PROTOCOL.md): a drive-absolute path (C:\certs\host.pfx) or a UNC
// path (\\server\share\host.pfx), with "\" or "/". A relative path, "\dir"
// or "C:file" would resolve against the WinRM session's current directory
// ("File path formats on Windows systems", learn.microsoft.com), which the
// host refuses with 87; refusing it here fails the plan instead.
func checkRemotePFXPath(p string) error {
	isSep := func(c byte) bool { return c == '\\' || c == '/' }
	isLetter := func(c byte) bool { return 'a' <= c|0x20 && c|0x20 <= 'z' }
	if len(p) >= 3 && isLetter(p[0]) && p[1] == ':' && isSep(p[2]) {
		return nil
	}
	if len(p) >= 2 && isSep(p[0]) && isSep(p[1]) {
		server, share, ok := strings.Cut(strings.ReplaceAll(p[2:], "/", `\`), `\`)
		if ok && server != "" && strings.TrimLeft(share, `\`) != "" {
			return nil
		}
	}
	return errors.New(`must be the absolute path of the .pfx file on the host, such as C:\certs\host.pfx or \\fileserver\certs\host.pfx`)
}
