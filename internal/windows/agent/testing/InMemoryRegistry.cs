// An in-memory HKLM: keys (paths compared case-insensitively, parents
// implied by their subkeys), typed values, and fault injection per method.
using System;
using System.Collections.Generic;
using System.ComponentModel;

namespace TfWin.Testing
{
    public sealed class InMemoryRegistry : IRegistry
    {
        private readonly Dictionary<string, Dictionary<string, RegistryData>> keys =
            new Dictionary<string, Dictionary<string, RegistryData>>(StringComparer.OrdinalIgnoreCase);
        private readonly List<KeyValuePair<string, int>> failures = new List<KeyValuePair<string, int>>();

        public InMemoryRegistry() { Calls = new List<string>(); }

        /// <summary>Every call made, as "Method path[ name]".</summary>
        public List<string> Calls { get; private set; }

        /// <summary>The next call of method ("SetValue", ...) fails with code.</summary>
        public void FailNext(string method, int code) { failures.Add(new KeyValuePair<string, int>(method, code)); }

        private void Enter(string method, string path, string name)
        {
            Calls.Add(method + " " + path + (name == null ? "" : " " + name));
            for (int i = 0; i < failures.Count; i++)
            {
                if (failures[i].Key != method) continue;
                int code = failures[i].Value;
                failures.RemoveAt(i);
                throw new Win32Exception(code, method + "(" + path + ") failed (injected)");
            }
        }

        /// <summary>Sets a DWORD, creating the key: for arranging a test.</summary>
        public InMemoryRegistry Dword(string path, string name, uint value)
        {
            Key(path)[name] = new RegistryData(Microsoft.Win32.RegistryValueKind.DWord, unchecked((int)value));
            return this;
        }

        /// <summary>The key's values, creating it: for arranging a test.</summary>
        public Dictionary<string, RegistryData> Key(string path)
        {
            Dictionary<string, RegistryData> values;
            if (!keys.TryGetValue(path, out values))
            {
                values = new Dictionary<string, RegistryData>(StringComparer.OrdinalIgnoreCase);
                keys[path] = values;
            }
            return values;
        }

        private bool Exists(string path)
        {
            if (keys.ContainsKey(path)) return true;
            string prefix = path + @"\";
            foreach (string k in keys.Keys)
            {
                if (k.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) return true;
            }
            return false;
        }

        private Dictionary<string, RegistryData> Existing(string path)
        {
            if (!Exists(path)) throw new Win32Exception(2, @"HKLM\" + path + " does not exist");
            return Key(path);
        }

        public bool KeyExists(string path) { Enter("KeyExists", path, null); return Exists(path); }

        public string[] GetSubKeyNames(string path)
        {
            Enter("GetSubKeyNames", path, null);
            Existing(path);
            List<string> names = new List<string>();
            string prefix = path + @"\";
            foreach (string k in keys.Keys)
            {
                if (!k.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) continue;
                string child = k.Substring(prefix.Length).Split('\\')[0];
                if (!names.Exists(delegate(string n) { return string.Equals(n, child, StringComparison.OrdinalIgnoreCase); })) names.Add(child);
            }
            return names.ToArray();
        }

        public string[] GetValueNames(string path)
        {
            Enter("GetValueNames", path, null);
            return new List<string>(Existing(path).Keys).ToArray();
        }

        public RegistryData GetValue(string path, string name)
        {
            Enter("GetValue", path, name);
            if (!Exists(path)) return null;
            RegistryData v;
            return Key(path).TryGetValue(name, out v) ? v : null;
        }

        /// <summary>Creates the key and its parents, as RegCreateKeyEx does.</summary>
        public void CreateKey(string path)
        {
            Enter("CreateKey", path, null);
            for (int i = path.IndexOf('\\'); i > 0; i = path.IndexOf('\\', i + 1)) Key(path.Substring(0, i));
            Key(path);
        }

        public void SetValue(string path, string name, RegistryData value)
        {
            Enter("SetValue", path, name);
            Existing(path)[name] = value;
        }

        public void DeleteValue(string path, string name)
        {
            Enter("DeleteValue", path, name);
            if (!Existing(path).Remove(name)) throw new Win32Exception(2, @"HKLM\" + path + " has no value " + name);
        }

        public void DeleteKey(string path)
        {
            Enter("DeleteKey", path, null);
            Existing(path);
            string prefix = path + @"\";
            foreach (string k in keys.Keys)
            {
                if (k.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) throw new Win32Exception(5, @"HKLM\" + path + " has subkeys");
            }
            keys.Remove(path);
        }
    }

    public static partial class InMemoryHost
    {
        static partial void FillRegistry(HostServices host) { if (host.Registry == null) host.Registry = new InMemoryRegistry(); }
    }
}
