// Service ops, PROTOCOL.md "Services": service.get and service.restart,
// against the Service Control Manager (IServiceControl) with every wait on
// the host's clock (IClock).
//
// restart does what ServiceController.Stop/Start and WaitForStatus would,
// without their traps: Stop stops running dependents itself with a fixed
// 30 s WaitForStatus each (.NET Framework reference source,
// ServiceController.cs) and throws System.ServiceProcess.TimeoutException,
// which has no Win32 code; WaitForStatus(Running) cannot see a start fall
// back to Stopped and waits out its whole timeout. Here every wait polls
// QueryServiceStatusEx against one deadline; running out is 1053.
// Exit codes come from SERVICE_STATUS_PROCESS, not WMI (Win32_Service),
// whose queries hang on a broken repository.
using System;
using System.Collections.Generic;

namespace TfWin
{
    public static class ServiceOps
    {
        public const int DefaultTimeoutSeconds = 120;
        public const int MaxTimeoutSeconds = 86400;

        /// <summary>How often a wait asks the SCM for the service's state.</summary>
        public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

        /// <summary>The service that carries every op ("Installation and
        /// configuration for Windows Remote Management", learn.microsoft.com):
        /// stopping it, or a service it depends on (HTTP), ends the worker
        /// running the op.</summary>
        public const string WinRMServiceName = "WinRM";

        // "System Error Codes (1000-1299)", learn.microsoft.com.
        public const int ErrorDependentServicesRunning = 1051;
        public const int ErrorServiceRequestTimeout = 1053;
        public const int ErrorServiceAlreadyRunning = 1056;
        public const int ErrorServiceDisabled = 1058;
        public const int ErrorServiceDoesNotExist = 1060;
        public const int ErrorServiceCannotAcceptControl = 1061;
        public const int ErrorServiceNotActive = 1062;
        public const int ErrorServiceSpecificError = 1066;
        public const int ErrorProcessAborted = 1067;
        public const int ErrorServiceLogonFailed = 1069;

        /// <summary>FormatMessage's en-US text of the codes a restart
        /// reports, put after the detail (the host's language is not the
        /// reader's, and Mono's Win32Exception knows none of them).</summary>
        private static readonly Dictionary<int, string> Messages = new Dictionary<int, string>
        {
            { ErrorDependentServicesRunning, "A stop control has been sent to a service that other running services are dependent on." },
            { ErrorServiceRequestTimeout, "The service did not respond to the start or control request in a timely fashion." },
            { ErrorServiceAlreadyRunning, "An instance of the service is already running." },
            { ErrorServiceDisabled, "The service cannot be started, either because it is disabled or because it has no enabled devices associated with it." },
            { ErrorServiceDoesNotExist, "The specified service does not exist as an installed service." },
            { ErrorServiceCannotAcceptControl, "The service cannot accept control messages at this time." },
            { ErrorServiceNotActive, "The service has not been started." },
            { ErrorServiceSpecificError, "The service has returned a service-specific error code." },
            { ErrorProcessAborted, "The process terminated unexpectedly." },
            { ErrorServiceLogonFailed, "The service did not start due to a logon failure." },
        };

        public static void Register(OpTable ops, HostServices host)
        {
            ops.Add("service.get", delegate(OpArgs a) { return Get(host.Services, NameArg(a)); });
            ops.Add("service.restart", delegate(OpArgs a) { return new Restart(host.Services, host.Clock, NameArg(a), TimeoutArg(a)).Run(); });
        }

        /// <summary>name: a service's short name; a path separator cannot be in one.</summary>
        public static string NameArg(OpArgs a)
        {
            string name = a.String("name");
            if (name == null || name.Trim().Length == 0 || name.IndexOfAny(new char[] { '\\', '/' }) >= 0)
                throw new OpException(Win32.InvalidParameter, "name: a service name is required (the short name, such as Sage300IntegrationService)");
            return name;
        }

        public static int TimeoutArg(OpArgs a)
        {
            long seconds = a.Long("timeout_seconds", DefaultTimeoutSeconds);
            if (seconds < 1 || seconds > MaxTimeoutSeconds)
                throw new OpException(Win32.InvalidParameter, "timeout_seconds: must be between 1 and " + MaxTimeoutSeconds);
            return (int)seconds;
        }

        /// <summary>The service object of PROTOCOL.md; 1060 for a service
        /// that is not installed.</summary>
        public static JsonObject Get(IServiceControl scm, string name)
        {
            string keyName = KeyName(scm, name);
            ServiceStatus status = scm.QueryServiceStatusEx(keyName);
            ServiceConfig config = scm.QueryServiceConfig(keyName);
            List<object> dependents = new List<object>();
            foreach (string d in scm.EnumDependentServices(keyName)) dependents.Add(d);
            return new JsonObject()
                .Set("name", keyName)
                .Set("display_name", config.DisplayName ?? keyName)
                .Set("status", status.CurrentState.ToString())
                .Set("start_type", StartTypeName(config))
                .Set("start_name", config.ServiceStartName ?? "")
                .Set("sid_type", SidTypeName(scm.QueryServiceSidType(keyName)))
                .Set("dependent_services", dependents)
                .Set("exit_code", (long)status.Win32ExitCode)
                .Set("service_specific_exit_code", (long)status.ServiceSpecificExitCode);
        }

        /// <summary>The service's key name; a missing service is 1060 with a
        /// message naming it.</summary>
        public static string KeyName(IServiceControl scm, string name)
        {
            try { return scm.GetServiceKeyName(name); }
            catch (Exception e)
            {
                if (ErrorCodes.Of(e) == ErrorServiceDoesNotExist)
                    throw new OpException(ErrorServiceDoesNotExist, "service " + name + " does not exist on this host: " + Messages[ErrorServiceDoesNotExist], e);
                throw;
            }
        }

        /// <summary>The start type as ServiceController.StartType (.NET 4.6.1)
        /// names it, with AutomaticDelayed for an auto-start service whose
        /// start is delayed (services.msc's "Automatic (Delayed Start)").</summary>
        public static string StartTypeName(ServiceConfig config)
        {
            switch (config.StartType)
            {
                case 0: return "Boot";
                case 1: return "System";
                case 2: return config.DelayedAutoStart ? "AutomaticDelayed" : "Automatic";
                case 3: return "Manual";
                case 4: return "Disabled";
                default: return "Unknown";
            }
        }

        /// <summary>SERVICE_SID_INFO.dwServiceSidType as sc.exe qsidtype names
        /// it ("SERVICE_SID_INFO structure", learn.microsoft.com): none (the
        /// service SID is not in the service's token), unrestricted (it is),
        /// restricted (it is, and the token is write-restricted).</summary>
        public static string SidTypeName(int sidType)
        {
            switch (sidType)
            {
                case 0: return "none";
                case 1: return "unrestricted";
                case 3: return "restricted";
                default: return "unknown";
            }
        }

        /// <summary>code's FormatMessage text, or a generic one.</summary>
        public static string MessageOf(int code)
        {
            string text;
            return Messages.TryGetValue(code, out text) ? text : "Windows error " + code + ".";
        }

        /// <summary>A failure with code: the detail, then what the code means.</summary>
        public static OpException Failure(int code, string detail)
        {
            return new OpException(code, detail + ": " + MessageOf(code));
        }

        /// <summary>One service.restart: the service, its deadline, and the
        /// steps of PROTOCOL.md's "restart" in order.</summary>
        private sealed class Restart
        {
            private readonly IServiceControl scm;
            private readonly IClock clock;
            private readonly string requested;
            private readonly int seconds;
            private DateTime deadline;

            public Restart(IServiceControl scm, IClock clock, string name, int seconds)
            {
                this.scm = scm;
                this.clock = clock;
                this.requested = name;
                this.seconds = seconds;
            }

            public JsonObject Run()
            {
                string name = KeyName(scm, requested);
                string[] dependents = scm.EnumDependentServices(name);
                RefuseTheTransport(name, dependents);
                deadline = clock.UtcNow.AddSeconds(seconds);
                List<string> wasRunning = new List<string>();
                foreach (string d in dependents)
                {
                    if (scm.QueryServiceStatusEx(d).CurrentState != ServiceState.Stopped) wasRunning.Add(d);
                }
                if (scm.QueryServiceStatusEx(name).CurrentState == ServiceState.StartPending)
                {
                    // A restart of a service that is still starting: if that
                    // start fails, say so now instead of restarting into it.
                    ServiceStatus settled = Settle(name);
                    if (settled.CurrentState == ServiceState.Stopped) throw FellBack(name, settled);
                }
                // DependentServices order stops every service before those
                // it depends on.
                foreach (string d in wasRunning) StopWithin(d);
                StopWithin(name);
                Start(name);
                WaitRunning(name);
                for (int i = wasRunning.Count - 1; i >= 0; i--)
                {
                    string d = wasRunning[i];
                    ServiceState state = scm.QueryServiceStatusEx(d).CurrentState;
                    if (state == ServiceState.Running) continue;
                    if (state != ServiceState.StartPending) Start(d);
                    WaitRunning(d);
                }
                return Get(scm, name);
            }

            /// <summary>Restarting WinRM, or a service WinRM depends on (HTTP),
            /// stops WinRM: the shell running this op goes with it, the op's
            /// answer is lost and nothing starts WinRM again. Refused with 87.</summary>
            private void RefuseTheTransport(string name, string[] dependents)
            {
                bool stopsWinRM = string.Equals(name, WinRMServiceName, StringComparison.OrdinalIgnoreCase);
                foreach (string d in dependents)
                {
                    stopsWinRM = stopsWinRM || string.Equals(d, WinRMServiceName, StringComparison.OrdinalIgnoreCase);
                }
                if (!stopsWinRM) return;
                string what = string.Equals(name, WinRMServiceName, StringComparison.OrdinalIgnoreCase)
                    ? "restarting WinRM"
                    : "restarting " + name + " stops WinRM, which depends on it, and";
                throw new OpException(Win32.InvalidParameter, "service " + name + ": " + what +
                    " would end the WinRM session this request runs in before the restart completes, leaving WinRM stopped. " +
                    "Restart it on the host instead (from a console or a scheduled task: Restart-Service -Force " + name + "), or restart Windows.");
            }

            /// <summary>Polls a service in a pending state until it is Running,
            /// Paused or Stopped (a start that failed, often through
            /// StopPending); 1053 at the deadline.</summary>
            private ServiceStatus Settle(string name)
            {
                while (true)
                {
                    ServiceStatus s = scm.QueryServiceStatusEx(name);
                    if (s.CurrentState == ServiceState.Running || s.CurrentState == ServiceState.Paused || s.CurrentState == ServiceState.Stopped) return s;
                    Tick(name, s, "Running");
                }
            }

            /// <summary>Fails with 1053 when the deadline has passed, else waits
            /// one poll interval (never past the deadline).</summary>
            private void Tick(string name, ServiceStatus s, string wanted)
            {
                DateTime now = clock.UtcNow;
                if (now >= deadline) throw TimedOut(name, s, wanted);
                TimeSpan left = deadline - now;
                clock.Sleep(left < PollInterval ? left : PollInterval);
            }

            private OpException TimedOut(string name, ServiceStatus s, string wanted)
            {
                return Failure(ErrorServiceRequestTimeout, "service " + name + " did not reach " + wanted + " within " + seconds + " s: it is " +
                    s.CurrentState + ", exit code " + s.Win32ExitCode + ", service-specific exit code " + s.ServiceSpecificExitCode);
            }

            /// <summary>A start that ended in Stopped: its Win32 exit code (1066
            /// with the service's own code in the message), 1067 when it left none.</summary>
            private static OpException FellBack(string name, ServiceStatus s)
            {
                int code = s.Win32ExitCode != 0 ? s.Win32ExitCode : ErrorProcessAborted;
                string detail = "service " + name + " stopped while starting (StartPending, then Stopped): exit code " + s.Win32ExitCode +
                    ", service-specific exit code " + s.ServiceSpecificExitCode;
                return Failure(code, detail);
            }

            /// <summary>Stops one service and waits for Stopped: a pending start
            /// (which accepts no stop control) settles first; a service already
            /// stopping is only waited for.</summary>
            private void StopWithin(string name)
            {
                ServiceStatus s = scm.QueryServiceStatusEx(name);
                if (s.CurrentState == ServiceState.StartPending || s.CurrentState == ServiceState.ContinuePending || s.CurrentState == ServiceState.PausePending)
                {
                    s = Settle(name);
                }
                if (s.CurrentState == ServiceState.Stopped) return;
                if (s.CurrentState != ServiceState.StopPending)
                {
                    try { scm.ControlServiceStop(name); }
                    catch (Exception e)
                    {
                        // The service may have stopped by itself between the
                        // query and the control (1062): that is what we want.
                        s = scm.QueryServiceStatusEx(name);
                        if (s.CurrentState != ServiceState.Stopped && s.CurrentState != ServiceState.StopPending)
                        {
                            int code = (int)ErrorCodes.Of(e);
                            throw new OpException(code, "service " + name + " could not be stopped: it is " + s.CurrentState + ", error " + code + ": " +
                                (Messages.ContainsKey(code) ? Messages[code] : e.Message), e);
                        }
                    }
                }
                while (true)
                {
                    s = scm.QueryServiceStatusEx(name);
                    if (s.CurrentState == ServiceState.Stopped) return;
                    Tick(name, s, "Stopped");
                }
            }

            /// <summary>StartService; its own failure keeps its Win32 code, with
            /// the state. A logon failure (1069) names the account, the
            /// password of which is what to fix.</summary>
            private void Start(string name)
            {
                try { scm.StartService(name); }
                catch (Exception e)
                {
                    int code = (int)ErrorCodes.Of(e);
                    ServiceStatus s = scm.QueryServiceStatusEx(name);
                    string detail = "service " + name + " failed to start: it is " + s.CurrentState + ", exit code " + code;
                    string text = Messages.ContainsKey(code) ? Messages[code] : e.Message;
                    if (code == ErrorServiceLogonFailed)
                    {
                        text += " " + LogonAdvice(name);
                    }
                    throw new OpException(code, detail + ": " + text, e);
                }
            }

            /// <summary>What to do about a logon failure: the service's account
            /// and the usual causes (ServiceStartName is not secret).</summary>
            private string LogonAdvice(string name)
            {
                string account = null;
                try { account = scm.QueryServiceConfig(name).ServiceStartName; }
                catch (Exception) { account = null; }
                return "Windows could not log on the service's account" + (string.IsNullOrEmpty(account) ? "" : " " + account) +
                    ": its password is wrong or expired, the account is locked or disabled, or it lacks the \"Log on as a service\" right. " +
                    "Set the password in the service's properties (services.msc, Log On) or with sc.exe config " + name + " password= ..., then restart again.";
            }

            /// <summary>Waits after a start: Running returns; a service that
            /// falls back to Stopped fails at once with its exit codes; the
            /// deadline fails with 1053.</summary>
            private void WaitRunning(string name)
            {
                ServiceStatus s = Settle(name);
                if (s.CurrentState == ServiceState.Running) return;
                if (s.CurrentState == ServiceState.Stopped) throw FellBack(name, s);
                throw Failure(ErrorServiceRequestTimeout, "service " + name + " did not reach Running: it is " + s.CurrentState);
            }
        }
    }
}
