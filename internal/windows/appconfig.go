package windows

import "context"

// CodeInvalidData is ERROR_INVALID_DATA ("System Error Codes (0-499)"): the
// host's answer for a .config file that is not well-formed XML or has no
// <configuration> root.
const CodeInvalidData = 13

// CodeNotSupported is ERROR_NOT_SUPPORTED: the host's answer for a file
// whose appSettings live in another file (<appSettings configSource="…"/>);
// the message names that file.
const CodeNotSupported = 50

// CodeRevisionMismatch is ERROR_REVISION_MISMATCH: the host's answer for a
// change whose Expect does not match the entry in the file (something else
// changed it); nothing was written.
const CodeRevisionMismatch = 1306

// AppConfig is the host's .NET application configuration files
// (*.exe.config): their appSettings, read and changed by the host agent
// (agent/AppConfigOps.cs), which splices each change into the file's bytes.
type AppConfig struct{ host *Host }

// AppConfig returns the host's .NET configuration file API.
func (h *Host) AppConfig() *AppConfig { return &AppConfig{host: h} }

// AppSetting is one appSettings entry of a configuration file as the host
// reads it.
type AppSetting struct {
	Path string `json:"path"`
	Key  string `json:"key"`
	// Value is the entry's value attribute; nil when Exists is false.
	Value  *string `json:"value"`
	Exists bool    `json:"exists"`
	// Keys are the keys of all the entries in force in the file (Get
	// only), never their values.
	Keys []string `json:"keys,omitempty"`
	// Encoding is the file's encoding: utf-8, utf-8-bom, utf-16le,
	// utf-16be, or the one a BOM-less file declares (windows-1252, ...).
	Encoding string `json:"encoding"`
	// BackupPath is the copy of the previous content the last write kept
	// ("<file>.tfbak"), if there is one.
	BackupPath *string `json:"backup_path,omitempty"`
}

// AppSettingChange is the outcome of a Set: the entry now, and what it was.
type AppSettingChange struct {
	AppSetting
	// PreviousValue is the value before the change; nil if the entry did
	// not exist (Existed false).
	PreviousValue *string `json:"previous_value"`
	Existed       bool    `json:"existed"`
}

// Expect is the entry a change expects to find in the file: Value, or no
// entry when Value is nil. A change whose Expect does not hold fails with
// CodeRevisionMismatch and writes nothing.
type Expect struct{ Value *string }

type appSettingArgs struct {
	Path  string  `json:"path"`
	Key   string  `json:"key"`
	Value *string `json:"value,omitempty"`
	// Expected points at the Expect's Value: nil is absent (no check), a
	// nil Value is null (no entry expected).
	Expected **string `json:"expected,omitempty"`
}

// changeArgs returns the arguments of a change, with the expectation if
// any.
func changeArgs(path, key string, value *string, expect *Expect) appSettingArgs {
	a := appSettingArgs{Path: path, Key: key, Value: value}
	if expect != nil {
		a.Expected = &expect.Value
	}
	return a
}

// Get reads the entry key of the configuration file at path. A missing file
// is an error for which IsNotFound holds; a missing entry is not an error
// (Exists is false).
func (a *AppConfig) Get(ctx context.Context, path, key string) (AppSetting, error) {
	var s AppSetting
	err := a.host.call(ctx, "appconfig.get", appSettingArgs{Path: path, Key: key}, &s)
	return s, err
}

// Set sets the entry key to value, creating <appSettings> and the entry if
// they are missing, and keeping the file's layout, encoding and BOM. With
// expect, the host first checks that the entry is the one expected.
func (a *AppConfig) Set(ctx context.Context, path, key, value string, expect *Expect) (AppSettingChange, error) {
	var c AppSettingChange
	err := a.host.call(ctx, "appconfig.set", changeArgs(path, key, &value, expect), &c)
	return c, err
}

// Remove removes the entry key; removing an entry that is not there
// succeeds. With expect, the host first checks that the entry is the one
// expected.
func (a *AppConfig) Remove(ctx context.Context, path, key string, expect *Expect) error {
	return a.host.call(ctx, "appconfig.remove", changeArgs(path, key, nil, expect), nil)
}
