// IServiceControl in the simulator: each SCM call is one bridge call
// ("services.<method>"), answered from the host model's services
// (bridge_service.go), which keeps the states and their transitions.
using System;
using System.Collections.Generic;

namespace TfWin.Sim
{
    internal sealed class SimServiceControl : IServiceControl
    {
        private readonly SimBridge bridge;

        internal SimServiceControl(SimBridge bridge) { this.bridge = bridge; }

        private object Call(string method, string serviceName)
        {
            return bridge.Call("services." + method, new JsonObject().Set("name", serviceName));
        }

        private static int Int(JsonObject o, string name)
        {
            object v = o.Get(name);
            return v is long ? (int)(long)v : 0;
        }

        public string GetServiceKeyName(string serviceName) { return (string)Call("getservicekeyname", serviceName); }

        public ServiceStatus QueryServiceStatusEx(string serviceName)
        {
            JsonObject o = (JsonObject)Call("queryservicestatusex", serviceName);
            ServiceStatus s = new ServiceStatus();
            s.CurrentState = (ServiceState)Enum.Parse(typeof(ServiceState), (string)o.Get("current_state"));
            s.Win32ExitCode = Int(o, "win32_exit_code");
            s.ServiceSpecificExitCode = Int(o, "service_specific_exit_code");
            return s;
        }

        public ServiceConfig QueryServiceConfig(string serviceName)
        {
            JsonObject o = (JsonObject)Call("queryserviceconfig", serviceName);
            ServiceConfig c = new ServiceConfig();
            c.StartType = Int(o, "start_type");
            c.DelayedAutoStart = o.Get("delayed_auto_start") is bool && (bool)o.Get("delayed_auto_start");
            c.DisplayName = o.Get("display_name") as string;
            c.ServiceStartName = o.Get("service_start_name") as string;
            return c;
        }

        public int QueryServiceSidType(string serviceName)
        {
            object v = Call("queryservicesidtype", serviceName);
            return v is long ? (int)(long)v : 0;
        }

        public string[] EnumDependentServices(string serviceName)
        {
            List<string> names = new List<string>();
            List<object> list = Call("enumdependentservices", serviceName) as List<object>;
            if (list != null)
            {
                foreach (object n in list) names.Add((string)n);
            }
            return names.ToArray();
        }

        public void ControlServiceStop(string serviceName) { Call("controlservicestop", serviceName); }

        public void StartService(string serviceName) { Call("startservice", serviceName); }
    }

    internal static partial class SimHost
    {
        static partial void FillServices(HostServices host, SimBridge bridge)
        {
            host.Services = new SimServiceControl(bridge);
            host.Clock = new SimClock(bridge);
        }
    }
}
