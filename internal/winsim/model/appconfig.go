package model

import (
	"encoding/json"
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

type appSettingArgs struct {
	Path  string  `json:"path"`
	Key   string  `json:"key"`
	Value *string `json:"value"`
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
}

func (h *Host) parseAppSettingArgs(op string, raw json.RawMessage) (appSettingArgs, error) {
	var a appSettingArgs
	if err := json.Unmarshal(raw, &a); err != nil {
		return a, h.win32Error(errInvalidParameter, "%s: arguments: %v", op, err)
	}
	if a.Key == "" {
		return a, h.win32Error(errInvalidParameter, "key: an appSettings key is required")
	}
	return a, nil
}

// readConfigFile loads and parses the configuration file at path: 2 if it
// does not exist, 13 if it is not well-formed or has no <configuration>
// root (what XmlDocument.Load and the script's root check answer).
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
	if root.name != "configuration" {
		return nil, h.win32Error(errInvalidData, "%s is not a .NET configuration file: its root element is not <configuration>", path)
	}
	return &configFile{path: h.files[i].path, configText: text, root: root}, nil
}

// appSettingsSections are the root's <appSettings> children.
func (c *configFile) appSettingsSections() []*xmlElement {
	var out []*xmlElement
	for _, e := range c.root.children {
		if e.name == "appSettings" {
			out = append(out, e)
		}
	}
	return out
}

// findSetting returns the <add> element of key: keys compare
// case-insensitively, as ConfigurationManager.AppSettings (a
// NameValueCollection with a case-insensitive comparer) looks them up, and
// of several the last one counts, as it does for the application.
func (c *configFile) findSetting(key string) *xmlElement {
	var found *xmlElement
	for _, section := range c.appSettingsSections() {
		for _, e := range section.children {
			if k, ok := e.attr("key"); ok && e.name == "add" && strings.EqualFold(k, key) {
				found = e
			}
		}
	}
	return found
}

// writeConfigFile replaces the file's content with text in the file's
// encoding, keeping the previous content as the backup, as File.Replace
// does; it returns the backup's path.
func (h *Host) writeConfigFile(c *configFile, text string) string {
	i := h.findFile(c.path)
	backup := c.path + appConfigBackupSuffix
	old := h.files[i].content
	h.files[i].content = c.encode(text)
	if j := h.findFile(backup); j >= 0 {
		h.files[j].content = old
	} else {
		h.files = append(h.files, hostFile{path: backup, content: old})
	}
	return backup
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
	if e != nil {
		prev, hasValue := e.attr("value")
		existed, res.PreviousValue = true, &prev
		if hasValue && prev == value {
			return res, nil // nothing to change: the file is not rewritten
		}
	}
	backup := h.writeConfigFile(c, c.withSetting(e, a.Key, value))
	res.BackupPath = &backup
	return res, nil
}

// withSetting returns the file's text with key set to value: the value
// attribute of e replaced (or added), or a new <add> element (and
// <appSettings> section) appended, as XmlTextWriter writes them.
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
	if sections := c.appSettingsSections(); len(sections) > 0 {
		return appendChildText(text, sections[len(sections)-1], add)
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
	if e := c.findSetting(a.Key); e != nil {
		from := leadingWhitespace(c.text, e.start)
		h.writeConfigFile(c, c.text[:from]+c.text[e.end:])
	}
	return struct{}{}, nil
}
