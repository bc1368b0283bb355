package model

import (
	"errors"
	"fmt"
	"strings"
)

// A simulated .NET service reads its own configuration file when it starts
// (endpoints.go), as System.Configuration reads it. The appconfig ops
// themselves run in the host agent (internal/windows/agent/AppConfigOps.cs),
// which edits the files table through the bridge (filetable.go).

// configFile is a parsed configuration file: its text and the offsets of
// its elements.
type configFile struct {
	configText
	root *xmlElement
	// sections are the file's appSettings sections.
	sections []*xmlElement
}

// readConfigFile loads and parses the configuration file at path, as the
// application does when it starts; an error where .NET would refuse it.
func (h *Host) readConfigFile(path string) (*configFile, error) {
	content, ok, err := h.readFile(path)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("%s does not exist", path)
	}
	text, err := decodeConfigText(content)
	if err != nil {
		return nil, err
	}
	root, err := parseConfigXML(text.text)
	if err != nil {
		return nil, err
	}
	if root.name != "configuration" && root.name != "appSettings" {
		return nil, errors.New("the root element is not <configuration>")
	}
	c := &configFile{configText: text, root: root}
	if root.name == "appSettings" {
		c.sections = []*xmlElement{root}
		return c, nil
	}
	for _, e := range root.children {
		if e.name == "appSettings" {
			if _, ok := e.attr("configSource"); ok {
				// The simulator's services do not follow configSource.
				return nil, errors.New("appSettings are kept in a configSource file")
			}
			c.sections = append(c.sections, e)
		}
	}
	return c, nil
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
