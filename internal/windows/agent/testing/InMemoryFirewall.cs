// IFirewall for the agent's tests: a list of rules, which like Windows'
// allows two rules of one name, and fault injection per method.
using System;
using System.Collections.Generic;
using System.ComponentModel;

namespace TfWin.Testing
{
    public sealed class InMemoryFirewall : IFirewall
    {
        public readonly List<FirewallRule> Stored = new List<FirewallRule>();
        private readonly List<KeyValuePair<string, int>> failures = new List<KeyValuePair<string, int>>();

        /// <summary>The next call of method ("Rules", "Add", "Remove") fails with code.</summary>
        public void FailNext(string method, int code) { failures.Add(new KeyValuePair<string, int>(method, code)); }

        private void Enter(string method)
        {
            for (int i = 0; i < failures.Count; i++)
            {
                if (failures[i].Key != method) continue;
                int code = failures[i].Value;
                failures.RemoveAt(i);
                throw new Win32Exception(code, method + " failed (injected)");
            }
        }

        public FirewallRule[] Rules()
        {
            Enter("Rules");
            return Stored.ToArray();
        }

        public void Add(FirewallRule rule)
        {
            Enter("Add");
            Stored.Add(rule);
        }

        /// <summary>INetFwRules.Remove: the first rule of that name.</summary>
        public void Remove(string name)
        {
            Enter("Remove");
            int i = Stored.FindIndex(delegate(FirewallRule r) { return string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase); });
            if (i >= 0) Stored.RemoveAt(i);
        }
    }

    public static partial class InMemoryHost
    {
        static partial void FillFirewall(HostServices host) { if (host.Firewall == null) host.Firewall = new InMemoryFirewall(); }
    }
}
