// An in-memory Service Control Manager: services with the state machine
// Windows keeps (pending states that end after a delay on the clock, stop
// refused while dependents run, start refused while not stopped), start
// failures and starts that fall back to Stopped, and fault injection per
// method. Every call is logged ("StartService Svc") for order checks.
using System;
using System.Collections.Generic;
using System.ComponentModel;

namespace TfWin.Testing
{
    public sealed class InMemoryService
    {
        public InMemoryService(string name)
        {
            Name = name;
            DisplayName = name;
            State = ServiceState.Running;
            StartType = 2;
            StartName = "LocalSystem";
            DependentServices = new List<string>();
        }

        public string Name;
        public string DisplayName;
        public ServiceState State;

        /// <summary>dwStartType: 2 auto, 3 demand, 4 disabled.</summary>
        public int StartType;
        public bool DelayedAutoStart;
        public string StartName;

        /// <summary>SERVICE_SID_INFO.dwServiceSidType: 0 none (what a service
        /// created without one has), 1 unrestricted, 3 restricted.</summary>
        public int SidType;

        /// <summary>The services that depend on this one directly.</summary>
        public List<string> DependentServices;

        public int ExitCode;
        public int ServiceSpecificExitCode;

        /// <summary>Not 0: every StartService fails with it (1069 for a wrong password).</summary>
        public int StartFailsWith;
        public TimeSpan StartDelay;
        public TimeSpan StopDelay;

        /// <summary>Every start ends Stopped after StartDelay with these exit codes.</summary>
        public bool FallsBack;
        public int FallBackExitCode;
        public int FallBackServiceSpecificExitCode;

        /// <summary>How many starts the service completed.</summary>
        public int Starts;

        /// <summary>When the pending state ends.</summary>
        public DateTime PendingUntil;
    }

    public sealed class InMemoryServiceControl : IServiceControl
    {
        private readonly IClock clock;
        private readonly List<InMemoryService> services = new List<InMemoryService>();
        private readonly List<KeyValuePair<string, int>> failures = new List<KeyValuePair<string, int>>();

        public InMemoryServiceControl(IClock clock) { this.clock = clock; Calls = new List<string>(); }

        /// <summary>Every call made, as "Method ServiceName".</summary>
        public List<string> Calls { get; private set; }

        /// <summary>Adds a service; one that is pending ends its state after
        /// its StartDelay or StopDelay from now.</summary>
        public InMemoryService Add(InMemoryService s)
        {
            if (s.State == ServiceState.StartPending) s.PendingUntil = clock.UtcNow + s.StartDelay;
            if (s.State == ServiceState.StopPending) s.PendingUntil = clock.UtcNow + s.StopDelay;
            services.Add(s);
            return s;
        }

        public InMemoryService Service(string name)
        {
            foreach (InMemoryService s in services)
            {
                if (string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase)) return s;
            }
            return null;
        }

        /// <summary>The next call of method ("StartService", ...), for
        /// service (null: any), fails with code.</summary>
        public void FailNext(string method, string service, int code)
        {
            failures.Add(new KeyValuePair<string, int>(method + " " + (service ?? "*"), code));
        }

        private InMemoryService Enter(string method, string name)
        {
            Calls.Add(method + " " + name);
            for (int i = 0; i < failures.Count; i++)
            {
                string[] parts = failures[i].Key.Split(new char[] { ' ' }, 2);
                if (parts[0] == method && (parts[1] == "*" || string.Equals(parts[1], name, StringComparison.OrdinalIgnoreCase)))
                {
                    int code = failures[i].Value;
                    failures.RemoveAt(i);
                    throw new Win32Exception(code, method + "(" + name + ") failed (injected)");
                }
            }
            InMemoryService s = Service(name);
            if (s == null) throw new Win32Exception(1060, "The specified service does not exist as an installed service");
            Advance(s);
            return s;
        }

        /// <summary>Ends a pending state whose time has come.</summary>
        private void Advance(InMemoryService s)
        {
            if (clock.UtcNow < s.PendingUntil) return;
            if (s.State == ServiceState.StartPending)
            {
                if (s.FallsBack)
                {
                    s.State = ServiceState.Stopped;
                    s.ExitCode = s.FallBackExitCode;
                    s.ServiceSpecificExitCode = s.FallBackServiceSpecificExitCode;
                }
                else
                {
                    s.State = ServiceState.Running;
                    s.Starts++;
                }
            }
            else if (s.State == ServiceState.StopPending)
            {
                s.State = ServiceState.Stopped;
                s.ExitCode = 0;
                s.ServiceSpecificExitCode = 0;
            }
        }

        public string GetServiceKeyName(string serviceName) { return Enter("GetServiceKeyName", serviceName).Name; }

        public ServiceStatus QueryServiceStatusEx(string serviceName)
        {
            InMemoryService s = Enter("QueryServiceStatusEx", serviceName);
            ServiceStatus status = new ServiceStatus();
            status.CurrentState = s.State;
            status.Win32ExitCode = s.ExitCode;
            status.ServiceSpecificExitCode = s.ServiceSpecificExitCode;
            return status;
        }

        public ServiceConfig QueryServiceConfig(string serviceName)
        {
            InMemoryService s = Enter("QueryServiceConfig", serviceName);
            ServiceConfig c = new ServiceConfig();
            c.StartType = s.StartType;
            c.DelayedAutoStart = s.DelayedAutoStart;
            c.DisplayName = s.DisplayName;
            c.ServiceStartName = s.StartName;
            return c;
        }

        public int QueryServiceSidType(string serviceName) { return Enter("QueryServiceSidType", serviceName).SidType; }

        public string[] EnumDependentServices(string serviceName)
        {
            InMemoryService s = Enter("EnumDependentServices", serviceName);
            return StopOrder(s).ToArray();
        }

        /// <summary>Every service depending on s, directly or not, each after
        /// the services that depend on it.</summary>
        private List<string> StopOrder(InMemoryService s)
        {
            List<string> order = new List<string>();
            HashSet<string> seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            seen.Add(s.Name);
            Visit(s, seen, order);
            return order;
        }

        private void Visit(InMemoryService s, HashSet<string> seen, List<string> order)
        {
            foreach (string name in s.DependentServices)
            {
                InMemoryService d = Service(name);
                if (d == null || !seen.Add(d.Name)) continue;
                Visit(d, seen, order);
                order.Add(d.Name);
            }
        }

        public void ControlServiceStop(string serviceName)
        {
            InMemoryService s = Enter("ControlServiceStop", serviceName);
            foreach (string name in s.DependentServices)
            {
                InMemoryService d = Service(name);
                if (d != null) Advance(d);
                if (d != null && d.State != ServiceState.Stopped) throw new Win32Exception(1051, "dependent services are running");
            }
            if (s.State == ServiceState.Stopped) throw new Win32Exception(1062, "The service has not been started");
            if (s.State != ServiceState.Running && s.State != ServiceState.Paused) throw new Win32Exception(1061, "The service cannot accept control messages at this time");
            s.State = ServiceState.StopPending;
            s.PendingUntil = clock.UtcNow + s.StopDelay;
            Advance(s);
        }

        public void StartService(string serviceName)
        {
            InMemoryService s = Enter("StartService", serviceName);
            if (s.State != ServiceState.Stopped) throw new Win32Exception(1056, "An instance of the service is already running");
            if (s.StartType == 4) throw new Win32Exception(1058, "The service is disabled");
            if (s.StartFailsWith != 0)
            {
                s.ExitCode = s.StartFailsWith;
                throw new Win32Exception(s.StartFailsWith, "StartService failed");
            }
            s.State = ServiceState.StartPending;
            s.PendingUntil = clock.UtcNow + s.StartDelay;
            Advance(s);
        }
    }
}
