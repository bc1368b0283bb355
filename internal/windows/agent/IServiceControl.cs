// The Service Control Manager, one method per SCM call ("Service Functions",
// learn.microsoft.com/windows/win32/services/service-functions). Services
// are named by their service (key) name, compared case-insensitively as
// the SCM does. Every failure is a Win32Exception with the code the SCM
// gave: 1060 ERROR_SERVICE_DOES_NOT_EXIST from OpenService, and the codes
// each call documents.
using System;

namespace TfWin
{
    /// <summary>SERVICE_STATUS.dwCurrentState; the names are
    /// System.ServiceProcess.ServiceControllerStatus's, which the protocol
    /// reports.</summary>
    public enum ServiceState
    {
        Stopped = 1,
        StartPending = 2,
        StopPending = 3,
        Running = 4,
        ContinuePending = 5,
        PausePending = 6,
        Paused = 7,
    }

    /// <summary>SERVICE_STATUS_PROCESS as QueryServiceStatusEx gives it, the
    /// fields the agent reads.</summary>
    public sealed class ServiceStatus
    {
        public ServiceState CurrentState;

        /// <summary>dwWin32ExitCode: the Win32 code of the last stop or failed
        /// start; 1066 ERROR_SERVICE_SPECIFIC_ERROR says
        /// ServiceSpecificExitCode holds the service's own.</summary>
        public int Win32ExitCode;

        public int ServiceSpecificExitCode;
    }

    /// <summary>QUERY_SERVICE_CONFIG (QueryServiceConfig) with the delayed
    /// auto-start flag (QueryServiceConfig2, SERVICE_CONFIG_DELAYED_AUTO_START_INFO).</summary>
    public sealed class ServiceConfig
    {
        /// <summary>dwStartType: 0 boot, 1 system, 2 auto, 3 demand, 4 disabled.</summary>
        public int StartType;

        public bool DelayedAutoStart;

        /// <summary>lpDisplayName.</summary>
        public string DisplayName;

        /// <summary>lpServiceStartName: the account the service logs on as
        /// (LocalSystem, NT AUTHORITY\LocalService, .\svc-sage, ...).</summary>
        public string ServiceStartName;
    }

    public interface IServiceControl
    {
        /// <summary>The service's name as the SCM spells it: GetServiceKeyName
        /// of its GetServiceDisplayName (the SCM finds names case-insensitively).</summary>
        string GetServiceKeyName(string serviceName);

        /// <summary>QueryServiceStatusEx(SC_STATUS_PROCESS_INFO).</summary>
        ServiceStatus QueryServiceStatusEx(string serviceName);

        /// <summary>QueryServiceConfig and QueryServiceConfig2(SERVICE_CONFIG_DELAYED_AUTO_START_INFO).</summary>
        ServiceConfig QueryServiceConfig(string serviceName);

        /// <summary>QueryServiceConfig2(SERVICE_CONFIG_SERVICE_SID_INFO):
        /// SERVICE_SID_INFO.dwServiceSidType, 0 none, 1 unrestricted, 3
        /// restricted ("SERVICE_SID_INFO structure", learn.microsoft.com).</summary>
        int QueryServiceSidType(string serviceName);

        /// <summary>EnumDependentServices(SERVICE_STATE_ALL): every service that
        /// depends on this one, directly or not, in the order to stop them
        /// (the reverse of their start order: "EnumDependentServicesW",
        /// learn.microsoft.com).</summary>
        string[] EnumDependentServices(string serviceName);

        /// <summary>ControlService(SERVICE_CONTROL_STOP): sends the stop control
        /// and returns (1051 while dependents run, 1061 while it cannot accept
        /// it, 1062 when not running).</summary>
        void ControlServiceStop(string serviceName);

        /// <summary>StartService without arguments: returns once the SCM has
        /// started the service process (1056 already running, 1058 disabled,
        /// 1069 logon failure, ...).</summary>
        void StartService(string serviceName);
    }
}
