// host.info on Windows: Win32_OperatingSystem through WMI with a bounded
// wait (a broken WMI repository otherwise hangs the op forever), and the
// PowerShell engine version from the registry key the engine's setup
// writes. Only a real host runs this file.
using System;
using System.Management;
using Microsoft.Win32;

namespace TfWin.Windows
{
    internal sealed class WindowsSystemInfo : ISystemInfo
    {
        // EnumerationOptions.Timeout bounds each WMI call ("EnumerationOptions.Timeout
        // Property", learn.microsoft.com); ManagementException after it.
        private static readonly TimeSpan WmiTimeout = TimeSpan.FromSeconds(30);

        private string caption, version;

        public string MachineName { get { return Environment.MachineName; } }

        public string OSCaption { get { Load(); return caption; } }

        public string OSVersion { get { Load(); return version; } }

        public string PowerShellVersion
        {
            get
            {
                // HKLM\SOFTWARE\Microsoft\PowerShell\3\PowerShellEngine holds
                // the 3.0-5.1 engine's PowerShellVersion ("5.1.20348.2849").
                object v = Registry.GetValue(@"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\PowerShell\3\PowerShellEngine", "PowerShellVersion", null);
                return v as string ?? "";
            }
        }

        private void Load()
        {
            if (caption != null) return;
            EnumerationOptions options = new EnumerationOptions();
            options.Timeout = WmiTimeout;
            options.ReturnImmediately = false;
            using (ManagementObjectSearcher searcher = new ManagementObjectSearcher(
                new ManagementScope(@"root\cimv2"), new ObjectQuery("SELECT Caption, Version FROM Win32_OperatingSystem"), options))
            {
                foreach (ManagementBaseObject os in searcher.Get())
                {
                    caption = Convert.ToString(os["Caption"]);
                    version = Convert.ToString(os["Version"]);
                    return;
                }
            }
            caption = "";
            version = "";
        }
    }
}
