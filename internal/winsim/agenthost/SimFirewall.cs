// IFirewall in the simulator: the host model's firewall rules
// (bridge_firewall.go), which decide what connections from other simulated
// hosts reach (bridge_network.go).
using System.Collections.Generic;

namespace TfWin.Sim
{
    internal sealed class SimFirewall : IFirewall
    {
        private readonly SimBridge bridge;

        internal SimFirewall(SimBridge bridge) { this.bridge = bridge; }

        private static string Text(JsonObject o, string name) { return (string)o.Get(name) == "" ? null : (string)o.Get(name); }

        public FirewallRule[] Rules()
        {
            List<FirewallRule> rules = new List<FirewallRule>();
            foreach (object item in (List<object>)bridge.Call("firewall.rules", new JsonObject()))
            {
                JsonObject o = (JsonObject)item;
                FirewallRule r = new FirewallRule();
                r.Name = (string)o.Get("name");
                r.Description = Text(o, "description");
                r.Grouping = Text(o, "group");
                r.Protocol = (int)(long)o.Get("protocol");
                r.LocalPorts = (string)o.Get("local_ports");
                r.ApplicationName = Text(o, "program");
                r.ServiceName = Text(o, "service");
                r.Profiles = (int)(long)o.Get("profiles");
                r.Direction = (int)(long)o.Get("direction");
                r.Action = (int)(long)o.Get("action");
                r.Enabled = (bool)o.Get("enabled");
                rules.Add(r);
            }
            return rules.ToArray();
        }

        public void Add(FirewallRule rule)
        {
            bridge.Call("firewall.add", new JsonObject()
                .Set("name", rule.Name)
                .Set("description", rule.Description ?? "")
                .Set("group", rule.Grouping ?? "")
                .Set("protocol", (long)rule.Protocol)
                .Set("local_ports", rule.LocalPorts)
                .Set("program", rule.ApplicationName ?? "")
                .Set("service", rule.ServiceName ?? "")
                .Set("profiles", (long)rule.Profiles)
                .Set("direction", (long)rule.Direction)
                .Set("action", (long)rule.Action)
                .Set("enabled", rule.Enabled));
        }

        public void Remove(string name) { bridge.Call("firewall.remove", new JsonObject().Set("name", name)); }
    }

    internal static partial class SimHost
    {
        static partial void FillFirewall(HostServices host, SimBridge bridge) { host.Firewall = new SimFirewall(bridge); }
    }
}
