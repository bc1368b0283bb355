package model

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// The appconfig ops (PROTOCOL.md, "App config files") edit .NET
// configuration files in the host's files table, as the op script does with
// XmlDocument (PreserveWhitespace) and File.Replace on Windows.

// errInvalidData is ERROR_INVALID_DATA ("System Error Codes (0-499)"): the
// op script's answer for a file that is not well-formed XML or not a .NET
// configuration file.
const errInvalidData = 13

// appConfigBackupSuffix names the backup File.Replace keeps of the previous
// content ("<file>.tfbak").
const appConfigBackupSuffix = ".tfbak"

// errNotSupported is ERROR_NOT_SUPPORTED: the op script's answer for
// appSettings kept in a configSource file.
const errNotSupported = 50

// errRevisionMismatch is ERROR_REVISION_MISMATCH: the op script's answer
// for a set or remove whose expected entry is not the one in the file.
const errRevisionMismatch = 1306

type appSettingArgs struct {
	Path  string  `json:"path"`
	Key   string  `json:"key"`
	Value *string `json:"value"`
	// Expected, when present, is the entry the caller expects: a JSON
	// string, or null for no entry.
	Expected json.RawMessage `json:"expected"`
}

// appSettingResult is appconfig.get's result; set adds PreviousValue and
// Existed.
type appSettingResult struct {
	Path          string  `json:"path"`
	Key           string  `json:"key"`
	Value         *string `json:"value"`
	Exists        bool    `json:"exists"`
	Encoding      string  `json:"encoding"`
	BackupPath    *string `json:"backup_path"`
	PreviousValue *string `json:"previous_value,omitempty"`
	Existed       *bool   `json:"existed,omitempty"`
}

// configFile is a parsed configuration file: its text and the offsets of
// its elements.
type configFile struct {
	path string // normalised
	configText
	root *xmlElement
	// sections are the file's appSettings sections (appSettingsSections).
	sections []*xmlElement
}

func (h *Host) parseAppSettingArgs(op string, raw json.RawMessage) (appSettingArgs, error) {
	var a appSettingArgs
	if err := json.Unmarshal(raw, &a); err != nil {
		return a, h.win32Error(errInvalidParameter, "%s: arguments: %v", op, err)
	}
	if a.Key == "" {
		return a, h.win32Error(errInvalidParameter, "key: an appSettings key is required")
	}
	if err := checkXMLText("key", a.Key); err != nil {
		return a, h.win32Error(errInvalidParameter, "%v", err)
	}
	if a.Value != nil {
		if err := checkXMLText("value", *a.Value); err != nil {
			return a, h.win32Error(errInvalidParameter, "%v", err)
		}
	}
	return a, nil
}

// checkXMLText refuses what the op script's Assert-XmlText refuses: NUL and
// the C0 controls but TAB, CR and LF, and U+FFFE/U+FFFF, which are not XML
// 1.0 characters (XML 1.0, 2.2 Characters, production [2] Char), and U+007F,
// a legal but discouraged control character (the note in 2.2) that nothing
// in a .config needs.
func checkXMLText(name, text string) error {
	pos := 0
	for _, r := range text {
		pos++
		if (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0x7F || r == 0xFFFE || r == 0xFFFF {
			return fmt.Errorf("%s: character U+%04X at position %d cannot be stored in an XML configuration file (XML 1.0 cannot hold it); remove it", name, r, pos)
		}
	}
	return nil
}

// readConfigFile loads and parses the configuration file at path: 2 if it
// does not exist, 13 if it is not well-formed or has no <configuration>
// root (what XmlDocument.Load and the script's root check answer), 50 if
// its appSettings are kept in a configSource file (appSettingsSections).
func (h *Host) readConfigFile(path string) (*configFile, error) {
	norm, err := normalizeWindowsPath(path)
	if err != nil {
		return nil, h.win32Error(errInvalidParameter, "path: %v", err)
	}
	i := h.findFile(norm)
	if i < 0 {
		return nil, h.win32Error(errFileNotFound, "%s does not exist", path)
	}
	text, err := decodeConfigText(h.files[i].content)
	if err != nil {
		return nil, h.win32Error(errInvalidData, "%s is not well-formed XML: %v", path, err)
	}
	root, err := parseConfigXML(text.text)
	if err != nil {
		return nil, h.win32Error(errInvalidData, "%s is not well-formed XML: %v", path, err)
	}
	if root.name != "configuration" && root.name != "appSettings" {
		return nil, h.win32Error(errInvalidData, "%s is not a .NET configuration file: its root element is not <configuration> (or <appSettings>, for a configSource file)", path)
	}
	c := &configFile{path: h.files[i].path, configText: text, root: root}
	if c.sections, err = h.appSettingsSections(c); err != nil {
		return nil, err
	}
	return c, nil
}

// appSettingsSections are the root's <appSettings> children, or the root
// itself in the file a configSource names (its root is the section). A
// section with configSource keeps its entries in that file and "may contain
// no other attributes or elements" (SectionInformation.ConfigSource; .NET
// throws ConfigurationErrorsException when the application starts): it is
// refused with 50, naming the file, as the op script does.
func (h *Host) appSettingsSections(c *configFile) ([]*xmlElement, error) {
	if c.root.name == "appSettings" {
		return []*xmlElement{c.root}, nil
	}
	var out []*xmlElement
	for _, e := range c.root.children {
		if e.name != "appSettings" {
			continue
		}
		if source, ok := e.attr("configSource"); ok {
			full := joinWindowsPath(c.path, source)
			return nil, h.win32Error(errNotSupported,
				`%s keeps its appSettings in %s (<appSettings configSource="%s"/>), and .NET refuses to start an application whose configSource section has entries of its own: set config_path to %s`,
				c.path, full, source, full)
		}
		out = append(out, e)
	}
	return out, nil
}

// joinWindowsPath resolves a configSource, relative to the folder of the
// file that names it, as Path.Combine and Path.GetFullPath do.
func joinWindowsPath(file, rel string) string {
	rel = strings.ReplaceAll(rel, "/", `\`)
	if len(rel) >= 2 && rel[1] == ':' || strings.HasPrefix(rel, `\`) {
		return rel
	}
	folder := file[:strings.LastIndexByte(file, '\\')+1]
	parts := strings.Split(strings.TrimSuffix(folder, `\`), `\`)
	for _, p := range strings.Split(rel, `\`) {
		switch p {
		case "", ".":
		case "..":
			if len(parts) > 1 {
				parts = parts[:len(parts)-1]
			}
		default:
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, `\`)
}

// findSetting returns the <add> element that gives key its value, or nil:
// <add>, <remove key> and <clear/> count in document order, as
// AppSettingsSection reads them ("<remove> element for <appSettings>",
// "<clear> element for <appSettings>"), so of several <add> the last counts
// and a later <remove> or <clear/> leaves the key without a value. Keys
// compare case-insensitively, as ConfigurationManager.AppSettings (a
// NameValueCollection with a case-insensitive comparer) looks them up.
func (c *configFile) findSetting(key string) *xmlElement {
	var found *xmlElement
	for _, section := range c.sections {
		for _, e := range section.children {
			k, _ := e.attr("key")
			switch {
			case e.name == "add" && strings.EqualFold(k, key):
				found = e
			case e.name == "remove" && strings.EqualFold(k, key), e.name == "clear":
				found = nil
			}
		}
	}
	return found
}

// checkExpected refuses a change when the caller said which entry it
// expects (a value, or null for none) and the file holds another: something
// else changed it since the caller read it (the op script's
// Assert-Expected).
func (h *Host) checkExpected(a appSettingArgs, e *xmlElement) error {
	if len(a.Expected) == 0 {
		return nil
	}
	var expected *string
	if err := json.Unmarshal(a.Expected, &expected); err != nil {
		return h.win32Error(errInvalidParameter, "expected: a string or null: %v", err)
	}
	describe := func(v *string) string {
		if v == nil {
			return "no entry"
		}
		return fmt.Sprintf("the value %q", *v)
	}
	var current *string
	if e != nil {
		v, _ := e.attr("value")
		current = &v
	}
	if (expected == nil) == (current == nil) && (expected == nil || *expected == *current) {
		return nil
	}
	return h.win32Error(errRevisionMismatch,
		"%s in %s has %s, not %s as recorded: something else changed it (another resource on the same key, or a person); nothing was written",
		a.Key, a.Path, describe(current), describe(expected))
}

// writeConfigFile replaces the file's content with text in the file's
// encoding, keeping the previous content as the backup, as File.Replace
// does; it returns the backup's path.
func (h *Host) writeConfigFile(c *configFile, text string) (string, error) {
	content, err := c.encode(text)
	var unencodable unencodableError
	if errors.As(err, &unencodable) {
		return "", h.win32Error(errInvalidParameter, "value: %v", err)
	}
	if err != nil {
		return "", err
	}
	i := h.findFile(c.path)
	backup := c.path + appConfigBackupSuffix
	old := h.files[i].content
	h.files[i].content = content
	if j := h.findFile(backup); j >= 0 {
		h.files[j].content = old
	} else {
		h.files = append(h.files, hostFile{path: backup, content: old})
	}
	return backup, nil
}

// backupPath returns the backup of the file, if there is one.
func (h *Host) backupPath(c *configFile) *string {
	backup := c.path + appConfigBackupSuffix
	if j := h.findFile(backup); j >= 0 {
		p := h.files[j].path
		return &p
	}
	return nil
}

func appConfigGet(h *Host, raw json.RawMessage) (any, error) {
	a, err := h.parseAppSettingArgs("appconfig.get", raw)
	if err != nil {
		return nil, err
	}
	c, err := h.readConfigFile(a.Path)
	if err != nil {
		return nil, err
	}
	res := appSettingResult{Path: a.Path, Key: a.Key, Encoding: c.encoding, BackupPath: h.backupPath(c)}
	if e := c.findSetting(a.Key); e != nil {
		v, _ := e.attr("value")
		res.Value, res.Exists = &v, true
	}
	return res, nil
}

func appConfigSet(h *Host, raw json.RawMessage) (any, error) {
	a, err := h.parseAppSettingArgs("appconfig.set", raw)
	if err != nil {
		return nil, err
	}
	if a.Value == nil {
		return nil, h.win32Error(errInvalidParameter, "value: a value is required (it may be empty)")
	}
	c, err := h.readConfigFile(a.Path)
	if err != nil {
		return nil, err
	}
	value := *a.Value
	existed := false
	res := appSettingResult{Path: a.Path, Key: a.Key, Value: &value, Exists: true, Encoding: c.encoding,
		BackupPath: h.backupPath(c), Existed: &existed}
	e := c.findSetting(a.Key)
	if err := h.checkExpected(a, e); err != nil {
		return nil, err
	}
	if e != nil {
		prev, hasValue := e.attr("value")
		existed, res.PreviousValue = true, &prev
		if hasValue && prev == value {
			return res, nil // nothing to change: the file is not rewritten
		}
	}
	backup, err := h.writeConfigFile(c, c.withSetting(e, a.Key, value))
	if err != nil {
		return nil, err
	}
	res.BackupPath = &backup
	return res, nil
}

// withSetting returns the file's text with key set to value: the value
// attribute of e replaced (or added), or a new <add> element (and
// <appSettings> section) appended, as XmlTextWriter writes them.
// A new element goes at the end of the last section, after any <remove> or
// <clear/>, so that it counts.
func (c *configFile) withSetting(e *xmlElement, key, value string) string {
	text := c.text
	if e != nil {
		if from, to, quote, ok := attrValueSpan(text, e, "value"); ok {
			return text[:from] + escapeAttr(value, quote) + text[to:]
		}
		at := lastAttrEnd(text, e)
		return text[:at] + ` value="` + escapeAttr(value, '"') + `"` + text[at:]
	}
	add := `<add key="` + escapeAttr(key, '"') + `" value="` + escapeAttr(value, '"') + `" />`
	if len(c.sections) > 0 {
		return appendChildText(text, c.sections[len(c.sections)-1], add)
	}
	return appendChildText(text, c.root, "<appSettings>"+add+"</appSettings>")
}

func appConfigRemove(h *Host, raw json.RawMessage) (any, error) {
	a, err := h.parseAppSettingArgs("appconfig.remove", raw)
	if err != nil {
		return nil, err
	}
	c, err := h.readConfigFile(a.Path)
	if err != nil {
		return nil, err
	}
	e := c.findSetting(a.Key)
	if err := h.checkExpected(a, e); err != nil {
		return nil, err
	}
	if e != nil {
		from := leadingWhitespace(c.text, e.start)
		if _, err := h.writeConfigFile(c, c.text[:from]+c.text[e.end:]); err != nil {
			return nil, err
		}
	}
	return struct{}{}, nil
}
