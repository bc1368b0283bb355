// IRegistry on Windows: HKEY_LOCAL_MACHINE in the 64-bit view
// (RegistryKey.OpenBaseKey with RegistryView.Registry64, .NET 4), one
// Microsoft.Win32.RegistryKey call per method. .NET reports registry
// failures as UnauthorizedAccessException, SecurityException and
// IOException; they are thrown as Win32Exceptions with the code. Only a
// real host runs this file.
using System;
using System.ComponentModel;
using System.IO;
using System.Security;
using Microsoft.Win32;

namespace TfWin.Windows
{
    internal sealed class WindowsRegistry : IRegistry
    {
        private const int ErrorFileNotFound = 2;
        private const int ErrorAccessDenied = 5;

        private static RegistryKey Base()
        {
            return RegistryKey.OpenBaseKey(RegistryHive.LocalMachine, RegistryView.Registry64);
        }

        /// <summary>Opens path (null when it does not exist).</summary>
        private static RegistryKey Open(RegistryKey hklm, string path, bool writable)
        {
            try { return hklm.OpenSubKey(path, writable); }
            catch (SecurityException e) { throw new Win32Exception(ErrorAccessDenied, @"HKLM\" + path + ": " + e.Message); }
            catch (UnauthorizedAccessException e) { throw new Win32Exception(ErrorAccessDenied, @"HKLM\" + path + ": " + e.Message); }
        }

        private static RegistryKey OpenExisting(RegistryKey hklm, string path, bool writable)
        {
            RegistryKey key = Open(hklm, path, writable);
            if (key == null) throw new Win32Exception(ErrorFileNotFound, @"HKLM\" + path + " does not exist");
            return key;
        }

        public bool KeyExists(string path)
        {
            using (RegistryKey hklm = Base())
            using (RegistryKey key = Open(hklm, path, false))
            {
                return key != null;
            }
        }

        public string[] GetSubKeyNames(string path)
        {
            using (RegistryKey hklm = Base())
            using (RegistryKey key = OpenExisting(hklm, path, false))
            {
                return key.GetSubKeyNames();
            }
        }

        public string[] GetValueNames(string path)
        {
            using (RegistryKey hklm = Base())
            using (RegistryKey key = OpenExisting(hklm, path, false))
            {
                return key.GetValueNames();
            }
        }

        public RegistryData GetValue(string path, string name)
        {
            using (RegistryKey hklm = Base())
            using (RegistryKey key = Open(hklm, path, false))
            {
                if (key == null) return null;
                object data = key.GetValue(name, null, RegistryValueOptions.DoNotExpandEnvironmentNames);
                if (data == null) return null;
                return new RegistryData(key.GetValueKind(name), data);
            }
        }

        public void CreateKey(string path)
        {
            using (RegistryKey hklm = Base())
            {
                try
                {
                    using (RegistryKey key = hklm.CreateSubKey(path)) { }
                }
                catch (SecurityException e) { throw new Win32Exception(ErrorAccessDenied, @"HKLM\" + path + ": " + e.Message); }
                catch (UnauthorizedAccessException e) { throw new Win32Exception(ErrorAccessDenied, @"HKLM\" + path + ": " + e.Message); }
            }
        }

        public void SetValue(string path, string name, RegistryData value)
        {
            using (RegistryKey hklm = Base())
            using (RegistryKey key = OpenExisting(hklm, path, true))
            {
                try { key.SetValue(name, value.Data, value.Kind); }
                catch (UnauthorizedAccessException e) { throw new Win32Exception(ErrorAccessDenied, @"HKLM\" + path + ": " + e.Message); }
            }
        }

        public void DeleteValue(string path, string name)
        {
            using (RegistryKey hklm = Base())
            using (RegistryKey key = OpenExisting(hklm, path, true))
            {
                try { key.DeleteValue(name, true); }
                catch (ArgumentException) { throw new Win32Exception(ErrorFileNotFound, @"HKLM\" + path + " has no value " + name); }
                catch (UnauthorizedAccessException e) { throw new Win32Exception(ErrorAccessDenied, @"HKLM\" + path + ": " + e.Message); }
            }
        }

        public void DeleteKey(string path)
        {
            using (RegistryKey hklm = Base())
            {
                try { hklm.DeleteSubKey(path, true); }
                catch (ArgumentException) { throw new Win32Exception(ErrorFileNotFound, @"HKLM\" + path + " does not exist"); }
                catch (InvalidOperationException) { throw new Win32Exception(ErrorAccessDenied, @"HKLM\" + path + " has subkeys"); }
                catch (SecurityException e) { throw new Win32Exception(ErrorAccessDenied, @"HKLM\" + path + ": " + e.Message); }
                catch (UnauthorizedAccessException e) { throw new Win32Exception(ErrorAccessDenied, @"HKLM\" + path + ": " + e.Message); }
                catch (IOException e) { throw new Win32Exception(ErrorCodes.Of(e) == 1 ? ErrorAccessDenied : (int)ErrorCodes.Of(e), @"HKLM\" + path + ": " + e.Message); }
            }
        }
    }

    internal static partial class WindowsHostParts
    {
        static partial void FillRegistry(HostServices host) { host.Registry = new WindowsRegistry(); }
    }
}
