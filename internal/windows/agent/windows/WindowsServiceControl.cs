// IServiceControl on Windows: one SCM call per method through
// Interop.Advapi32, each failure a Win32Exception with GetLastError's code.
// Only a real host runs this file.
using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Runtime.InteropServices;

namespace TfWin.Windows
{
    internal sealed class WindowsServiceControl : IServiceControl
    {
        private static Win32Exception LastError(string call, string name)
        {
            int code = Marshal.GetLastWin32Error();
            return new Win32Exception(code, call + "(" + name + "): " + new Win32Exception(code).Message);
        }

        private static SafeServiceHandle OpenManager()
        {
            SafeServiceHandle scm = Interop.Advapi32.OpenSCManager(null, null, Interop.Advapi32.SC_MANAGER_CONNECT);
            if (scm.IsInvalid) throw LastError("OpenSCManager", "");
            return scm;
        }

        private static SafeServiceHandle Open(SafeServiceHandle scm, string name, int access)
        {
            SafeServiceHandle service = Interop.Advapi32.OpenService(scm, name, access);
            if (service.IsInvalid) throw LastError("OpenService", name);
            return service;
        }

        public string GetServiceKeyName(string serviceName)
        {
            using (SafeServiceHandle scm = OpenManager())
            {
                // The display name's length in characters, then the name.
                int length = 0;
                Interop.Advapi32.GetServiceDisplayName(scm, serviceName, null, ref length);
                char[] display = new char[length + 1];
                length = display.Length;
                if (!Interop.Advapi32.GetServiceDisplayName(scm, serviceName, display, ref length)) throw LastError("GetServiceDisplayName", serviceName);
                string displayName = new string(display, 0, length);
                length = 0;
                Interop.Advapi32.GetServiceKeyName(scm, displayName, null, ref length);
                char[] key = new char[length + 1];
                length = key.Length;
                if (!Interop.Advapi32.GetServiceKeyName(scm, displayName, key, ref length)) throw LastError("GetServiceKeyName", displayName);
                return new string(key, 0, length);
            }
        }

        public ServiceStatus QueryServiceStatusEx(string serviceName)
        {
            using (SafeServiceHandle scm = OpenManager())
            using (SafeServiceHandle service = Open(scm, serviceName, Interop.Advapi32.SERVICE_QUERY_STATUS))
            {
                Interop.Advapi32.SERVICE_STATUS_PROCESS status;
                int needed;
                if (!Interop.Advapi32.QueryServiceStatusEx(service, Interop.Advapi32.SC_STATUS_PROCESS_INFO, out status,
                    Marshal.SizeOf(typeof(Interop.Advapi32.SERVICE_STATUS_PROCESS)), out needed))
                {
                    throw LastError("QueryServiceStatusEx", serviceName);
                }
                ServiceStatus s = new ServiceStatus();
                s.CurrentState = (ServiceState)status.dwCurrentState;
                s.Win32ExitCode = status.dwWin32ExitCode;
                s.ServiceSpecificExitCode = status.dwServiceSpecificExitCode;
                return s;
            }
        }

        public ServiceConfig QueryServiceConfig(string serviceName)
        {
            using (SafeServiceHandle scm = OpenManager())
            using (SafeServiceHandle service = Open(scm, serviceName, Interop.Advapi32.SERVICE_QUERY_CONFIG))
            {
                ServiceConfig config = new ServiceConfig();
                int needed;
                Interop.Advapi32.QueryServiceConfig(service, IntPtr.Zero, 0, out needed);
                IntPtr buffer = Marshal.AllocHGlobal(Math.Max(needed, 1));
                try
                {
                    if (!Interop.Advapi32.QueryServiceConfig(service, buffer, needed, out needed)) throw LastError("QueryServiceConfig", serviceName);
                    Interop.Advapi32.QUERY_SERVICE_CONFIG c = (Interop.Advapi32.QUERY_SERVICE_CONFIG)Marshal.PtrToStructure(buffer, typeof(Interop.Advapi32.QUERY_SERVICE_CONFIG));
                    config.StartType = c.dwStartType;
                    config.DisplayName = Marshal.PtrToStringUni(c.lpDisplayName);
                    config.ServiceStartName = Marshal.PtrToStringUni(c.lpServiceStartName);
                }
                finally { Marshal.FreeHGlobal(buffer); }
                Interop.Advapi32.QueryServiceConfig2(service, Interop.Advapi32.SERVICE_CONFIG_DELAYED_AUTO_START_INFO, IntPtr.Zero, 0, out needed);
                buffer = Marshal.AllocHGlobal(Math.Max(needed, 4));
                try
                {
                    if (!Interop.Advapi32.QueryServiceConfig2(service, Interop.Advapi32.SERVICE_CONFIG_DELAYED_AUTO_START_INFO, buffer, Math.Max(needed, 4), out needed))
                        throw LastError("QueryServiceConfig2", serviceName);
                    config.DelayedAutoStart = Marshal.ReadInt32(buffer) != 0;
                }
                finally { Marshal.FreeHGlobal(buffer); }
                return config;
            }
        }

        public int QueryServiceSidType(string serviceName)
        {
            using (SafeServiceHandle scm = OpenManager())
            using (SafeServiceHandle service = Open(scm, serviceName, Interop.Advapi32.SERVICE_QUERY_CONFIG))
            {
                // SERVICE_SID_INFO is one DWORD.
                int needed;
                Interop.Advapi32.QueryServiceConfig2(service, Interop.Advapi32.SERVICE_CONFIG_SERVICE_SID_INFO, IntPtr.Zero, 0, out needed);
                IntPtr buffer = Marshal.AllocHGlobal(Math.Max(needed, 4));
                try
                {
                    if (!Interop.Advapi32.QueryServiceConfig2(service, Interop.Advapi32.SERVICE_CONFIG_SERVICE_SID_INFO, buffer, Math.Max(needed, 4), out needed))
                        throw LastError("QueryServiceConfig2", serviceName);
                    return Marshal.ReadInt32(buffer);
                }
                finally { Marshal.FreeHGlobal(buffer); }
            }
        }

        public string[] EnumDependentServices(string serviceName)
        {
            using (SafeServiceHandle scm = OpenManager())
            using (SafeServiceHandle service = Open(scm, serviceName, Interop.Advapi32.SERVICE_ENUMERATE_DEPENDENTS))
            {
                int needed, count;
                if (Interop.Advapi32.EnumDependentServices(service, Interop.Advapi32.SERVICE_STATE_ALL, IntPtr.Zero, 0, out needed, out count))
                    return new string[0];
                int code = Marshal.GetLastWin32Error();
                if (code != Interop.Advapi32.ERROR_MORE_DATA) throw new Win32Exception(code, "EnumDependentServices(" + serviceName + "): " + new Win32Exception(code).Message);
                IntPtr buffer = Marshal.AllocHGlobal(needed);
                try
                {
                    if (!Interop.Advapi32.EnumDependentServices(service, Interop.Advapi32.SERVICE_STATE_ALL, buffer, needed, out needed, out count))
                        throw LastError("EnumDependentServices", serviceName);
                    List<string> names = new List<string>();
                    int size = Marshal.SizeOf(typeof(Interop.Advapi32.ENUM_SERVICE_STATUS));
                    for (int i = 0; i < count; i++)
                    {
                        Interop.Advapi32.ENUM_SERVICE_STATUS e = (Interop.Advapi32.ENUM_SERVICE_STATUS)Marshal.PtrToStructure(
                            new IntPtr(buffer.ToInt64() + (long)i * size), typeof(Interop.Advapi32.ENUM_SERVICE_STATUS));
                        names.Add(Marshal.PtrToStringUni(e.lpServiceName));
                    }
                    return names.ToArray();
                }
                finally { Marshal.FreeHGlobal(buffer); }
            }
        }

        public void ControlServiceStop(string serviceName)
        {
            using (SafeServiceHandle scm = OpenManager())
            using (SafeServiceHandle service = Open(scm, serviceName, Interop.Advapi32.SERVICE_STOP))
            {
                Interop.Advapi32.SERVICE_STATUS status;
                if (!Interop.Advapi32.ControlService(service, Interop.Advapi32.SERVICE_CONTROL_STOP, out status)) throw LastError("ControlService", serviceName);
            }
        }

        public void StartService(string serviceName)
        {
            using (SafeServiceHandle scm = OpenManager())
            using (SafeServiceHandle service = Open(scm, serviceName, Interop.Advapi32.SERVICE_START))
            {
                if (!Interop.Advapi32.StartService(service, 0, IntPtr.Zero)) throw LastError("StartService", serviceName);
            }
        }
    }

    internal static partial class WindowsHostParts
    {
        static partial void FillServices(HostServices host)
        {
            host.Services = new WindowsServiceControl();
            host.Clock = new WindowsClock();
        }
    }
}
