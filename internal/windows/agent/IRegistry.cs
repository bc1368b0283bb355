// HKEY_LOCAL_MACHINE in the 64-bit registry view (RegistryKey.OpenBaseKey
// with RegistryView.Registry64), whatever the bitness of the process that
// hosts the agent. The 32-bit view is addressed by its path in that view,
// SOFTWARE\WOW6432Node\..., as .reg files and regedit address it
// ("Registry Keys Affected by WOW64", learn.microsoft.com). Paths are
// relative to HKLM, without a leading backslash, compared
// case-insensitively as the registry does. Failures are Win32Exceptions:
// 2 for a key or value that does not exist, 5 access denied.
using Microsoft.Win32;

namespace TfWin
{
    /// <summary>A registry value: its type and data as RegistryKey.GetValue
    /// gives them (REG_DWORD an int, REG_QWORD a long, REG_SZ and
    /// REG_EXPAND_SZ a string, unexpanded, REG_MULTI_SZ a string[],
    /// REG_BINARY a byte[]).</summary>
    public sealed class RegistryData
    {
        public RegistryData(RegistryValueKind kind, object data) { Kind = kind; Data = data; }

        public RegistryValueKind Kind { get; private set; }
        public object Data { get; private set; }
    }

    public interface IRegistry
    {
        /// <summary>Whether the key exists (RegOpenKeyEx).</summary>
        bool KeyExists(string path);

        /// <summary>The key's subkey names (RegEnumKeyEx); 2 when the key does not exist.</summary>
        string[] GetSubKeyNames(string path);

        /// <summary>The key's value names (RegEnumValue); 2 when the key does not exist.</summary>
        string[] GetValueNames(string path);

        /// <summary>The value (RegQueryValueEx), or null when the key or the value does not exist.</summary>
        RegistryData GetValue(string path, string name);

        /// <summary>Creates the key and any missing parents (RegCreateKeyEx); an existing key is kept.</summary>
        void CreateKey(string path);

        /// <summary>Writes the value (RegSetValueEx) in an existing key; 2 when the key does not exist.</summary>
        void SetValue(string path, string name, RegistryData value);

        /// <summary>Deletes the value (RegDeleteValue); 2 when it does not exist.</summary>
        void DeleteValue(string path, string name);

        /// <summary>Deletes a key without subkeys (RegDeleteKeyEx); 2 when it
        /// does not exist, 5 when it has subkeys.</summary>
        void DeleteKey(string path);
    }
}
