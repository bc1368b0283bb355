// advapi32.dll's Service Control Manager functions the agent calls
// ("Service Functions", learn.microsoft.com/windows/win32/services/service-functions),
// declared as .NET's own ServiceController declares them (.NET Framework
// reference source, System.ServiceProcess\NativeMethods.cs). No logic here.
using System;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace TfWin.Windows
{
    internal static partial class Interop
    {
        internal static partial class Advapi32
        {
            internal const int SC_MANAGER_CONNECT = 0x0001;
            internal const int SERVICE_QUERY_CONFIG = 0x0001;
            internal const int SERVICE_QUERY_STATUS = 0x0004;
            internal const int SERVICE_ENUMERATE_DEPENDENTS = 0x0008;
            internal const int SERVICE_START = 0x0010;
            internal const int SERVICE_STOP = 0x0020;
            internal const int SERVICE_CONTROL_STOP = 0x00000001;
            internal const int SC_STATUS_PROCESS_INFO = 0;
            internal const int SERVICE_CONFIG_DELAYED_AUTO_START_INFO = 3;
            internal const int SERVICE_CONFIG_SERVICE_SID_INFO = 5;
            internal const int SERVICE_STATE_ALL = 0x00000003;
            internal const int ERROR_MORE_DATA = 234;

            [StructLayout(LayoutKind.Sequential)]
            internal struct SERVICE_STATUS
            {
                public int dwServiceType;
                public int dwCurrentState;
                public int dwControlsAccepted;
                public int dwWin32ExitCode;
                public int dwServiceSpecificExitCode;
                public int dwCheckPoint;
                public int dwWaitHint;
            }

            [StructLayout(LayoutKind.Sequential)]
            internal struct SERVICE_STATUS_PROCESS
            {
                public int dwServiceType;
                public int dwCurrentState;
                public int dwControlsAccepted;
                public int dwWin32ExitCode;
                public int dwServiceSpecificExitCode;
                public int dwCheckPoint;
                public int dwWaitHint;
                public int dwProcessId;
                public int dwServiceFlags;
            }

            [StructLayout(LayoutKind.Sequential, CharSet = CharSet.Unicode)]
            internal struct QUERY_SERVICE_CONFIG
            {
                public int dwServiceType;
                public int dwStartType;
                public int dwErrorControl;
                public IntPtr lpBinaryPathName;
                public IntPtr lpLoadOrderGroup;
                public int dwTagId;
                public IntPtr lpDependencies;
                public IntPtr lpServiceStartName;
                public IntPtr lpDisplayName;
            }

            [StructLayout(LayoutKind.Sequential, CharSet = CharSet.Unicode)]
            internal struct ENUM_SERVICE_STATUS
            {
                public IntPtr lpServiceName;
                public IntPtr lpDisplayName;
                public SERVICE_STATUS ServiceStatus;
            }

            [DllImport("advapi32.dll", CharSet = CharSet.Unicode, SetLastError = true)]
            internal static extern SafeServiceHandle OpenSCManager(string machineName, string databaseName, int access);

            [DllImport("advapi32.dll", CharSet = CharSet.Unicode, SetLastError = true)]
            internal static extern SafeServiceHandle OpenService(SafeServiceHandle scManager, string serviceName, int access);

            [DllImport("advapi32.dll", SetLastError = true)]
            [return: MarshalAs(UnmanagedType.Bool)]
            internal static extern bool CloseServiceHandle(IntPtr handle);

            [DllImport("advapi32.dll", CharSet = CharSet.Unicode, SetLastError = true)]
            [return: MarshalAs(UnmanagedType.Bool)]
            internal static extern bool GetServiceDisplayName(SafeServiceHandle scManager, string serviceName, char[] displayName, ref int length);

            [DllImport("advapi32.dll", CharSet = CharSet.Unicode, SetLastError = true)]
            [return: MarshalAs(UnmanagedType.Bool)]
            internal static extern bool GetServiceKeyName(SafeServiceHandle scManager, string displayName, char[] serviceName, ref int length);

            [DllImport("advapi32.dll", SetLastError = true)]
            [return: MarshalAs(UnmanagedType.Bool)]
            internal static extern bool QueryServiceStatusEx(SafeServiceHandle service, int infoLevel, out SERVICE_STATUS_PROCESS status, int bufSize, out int bytesNeeded);

            [DllImport("advapi32.dll", CharSet = CharSet.Unicode, SetLastError = true)]
            [return: MarshalAs(UnmanagedType.Bool)]
            internal static extern bool QueryServiceConfig(SafeServiceHandle service, IntPtr config, int bufSize, out int bytesNeeded);

            [DllImport("advapi32.dll", CharSet = CharSet.Unicode, SetLastError = true)]
            [return: MarshalAs(UnmanagedType.Bool)]
            internal static extern bool QueryServiceConfig2(SafeServiceHandle service, int infoLevel, IntPtr buffer, int bufSize, out int bytesNeeded);

            [DllImport("advapi32.dll", CharSet = CharSet.Unicode, SetLastError = true)]
            [return: MarshalAs(UnmanagedType.Bool)]
            internal static extern bool EnumDependentServices(SafeServiceHandle service, int serviceState, IntPtr services, int bufSize, out int bytesNeeded, out int servicesReturned);

            [DllImport("advapi32.dll", SetLastError = true)]
            [return: MarshalAs(UnmanagedType.Bool)]
            internal static extern bool ControlService(SafeServiceHandle service, int control, out SERVICE_STATUS status);

            [DllImport("advapi32.dll", CharSet = CharSet.Unicode, SetLastError = true)]
            [return: MarshalAs(UnmanagedType.Bool)]
            internal static extern bool StartService(SafeServiceHandle service, int argc, IntPtr argv);
        }
    }

    /// <summary>An SC_HANDLE from OpenSCManager or OpenService, closed with
    /// CloseServiceHandle (.NET Core's SafeServiceHandle).</summary>
    internal sealed class SafeServiceHandle : SafeHandleZeroOrMinusOneIsInvalid
    {
        public SafeServiceHandle() : base(true) { }

        protected override bool ReleaseHandle() { return Interop.Advapi32.CloseServiceHandle(handle); }
    }
}
