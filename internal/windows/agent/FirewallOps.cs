// firewall.rule.* (PROTOCOL.md "Firewall rules"): inbound TCP allow rules of
// Windows Defender Firewall, through IFirewall. A rule is found by its name;
// a name several rules share is refused (Windows allows it, and removing
// "the" rule would then remove another's). Only rules whose direction,
// action and protocol are the ones the ops write (inbound, allow, TCP) are
// the ops' to report as such; others are reported with what they are so
// the provider can say why it cannot adopt them.
// Errors: 87 bad arguments or an ambiguous name; 183 the name exists (add).
using System;
using System.Collections.Generic;
using System.Globalization;

namespace TfWin
{
    public static class FirewallOps
    {
        public static void Register(OpTable ops, HostServices host)
        {
            ops.Add("firewall.rule.get", delegate(OpArgs a) { return Get(host.Firewall, RequiredName(a)); });
            ops.Add("firewall.rule.list", delegate(OpArgs a) { return List(host.Firewall); });
            ops.Add("firewall.rule.add", delegate(OpArgs a) { return Add(host.Firewall, a); });
            ops.Add("firewall.rule.remove", delegate(OpArgs a) { return Remove(host.Firewall, RequiredName(a)); });
        }

        private static string RequiredName(OpArgs a)
        {
            string name = a.RequiredString("name", "the rule's name is required");
            if (name.Trim().Length == 0 || name.Contains("|"))
                throw new OpException(Win32.InvalidParameter, "name: a rule name must not be empty or contain '|' (\"INetFwRule::Name\", learn.microsoft.com)");
            return name;
        }

        /// <summary>The one rule of that name, or null; 87 when several share it.</summary>
        public static FirewallRule Find(IFirewall firewall, string name)
        {
            FirewallRule found = null;
            int count = 0;
            foreach (FirewallRule r in firewall.Rules())
            {
                if (!string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase)) continue;
                found = r;
                count++;
            }
            if (count > 1)
                throw new OpException(Win32.InvalidParameter, string.Format(CultureInfo.InvariantCulture,
                    "{0} firewall rules are named \"{1}\": rename or remove all but one (Get-NetFirewallRule -DisplayName '{1}') so the rule can be told apart", count, name));
            return found;
        }

        public static JsonObject Get(IFirewall firewall, string name)
        {
            FirewallRule r = Find(firewall, name);
            if (r == null) return new JsonObject().Set("exists", false).Set("name", name);
            return ToJson(r);
        }

        public static List<object> List(IFirewall firewall)
        {
            List<object> all = new List<object>();
            foreach (FirewallRule r in firewall.Rules()) all.Add(ToJson(r));
            return all;
        }

        public static JsonObject ToJson(FirewallRule r)
        {
            return new JsonObject()
                .Set("exists", true)
                .Set("name", r.Name)
                .Set("description", r.Description)
                .Set("group", r.Grouping)
                .Set("protocol", (long)r.Protocol)
                .Set("local_ports", r.LocalPorts)
                .Set("program", r.ApplicationName)
                .Set("service", r.ServiceName)
                .Set("profiles", ProfileNames(r.Profiles))
                .Set("direction", r.Direction == FirewallRule.DirectionIn ? "in" : "out")
                .Set("action", r.Action == FirewallRule.ActionAllow ? "allow" : "block")
                .Set("enabled", r.Enabled);
        }

        /// <summary>The profiles of a NET_FW_PROFILE_TYPE2 mask, by name.</summary>
        public static List<object> ProfileNames(int mask)
        {
            List<object> names = new List<object>();
            if ((mask & FirewallRule.ProfileDomain) != 0) names.Add("Domain");
            if ((mask & FirewallRule.ProfilePrivate) != 0) names.Add("Private");
            if ((mask & FirewallRule.ProfilePublic) != 0) names.Add("Public");
            return names;
        }

        /// <summary>Adds an enabled inbound TCP allow rule: name, local_ports
        /// (port numbers, comma-separated), optional program (a full path),
        /// service (a short name), profiles (names; all three when empty),
        /// description, group.</summary>
        public static JsonObject Add(IFirewall firewall, OpArgs a)
        {
            FirewallRule r = new FirewallRule();
            r.Name = RequiredName(a);
            r.LocalPorts = Ports(a.String("local_ports"));
            r.Description = Empty(a.String("description"));
            r.Grouping = Empty(a.String("group"));
            r.ApplicationName = Empty(a.String("program"));
            r.ServiceName = Empty(a.String("service"));
            r.Profiles = ProfileMask(a.Raw("profiles"));
            r.Protocol = FirewallRule.ProtocolTcp;
            r.Direction = FirewallRule.DirectionIn;
            r.Action = FirewallRule.ActionAllow;
            r.Enabled = true;
            if (Find(firewall, r.Name) != null)
                throw new OpException(Win32.AlreadyExists, "a firewall rule named \"" + r.Name + "\" already exists");
            firewall.Add(r);
            FirewallRule added = Find(firewall, r.Name);
            if (added == null) throw new OpException(Win32.FileNotFound, "the firewall rule \"" + r.Name + "\" is not there after it was added");
            return ToJson(added);
        }

        public static JsonObject Remove(IFirewall firewall, string name)
        {
            FirewallRule r = Find(firewall, name);
            if (r == null) return new JsonObject().Set("removed", false);
            firewall.Remove(r.Name);
            return new JsonObject().Set("removed", true);
        }

        private static string Empty(string s) { return string.IsNullOrEmpty(s) ? null : s; }

        /// <summary>"4207" or "4207,4208": port numbers 1..65535, no
        /// duplicates, in the order given (INetFwRule::LocalPorts also takes
        /// ranges and keywords; the resource writes numbers only).</summary>
        public static string Ports(string list)
        {
            const string hint = "local_ports: TCP port numbers between 1 and 65535, comma-separated, are required";
            if (string.IsNullOrWhiteSpace(list)) throw new OpException(Win32.InvalidParameter, hint);
            List<string> ports = new List<string>();
            foreach (string part in list.Split(','))
            {
                int p;
                if (!int.TryParse(part.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out p) || p < 1 || p > 65535)
                    throw new OpException(Win32.InvalidParameter, hint + ", not \"" + part.Trim() + "\"");
                string s = p.ToString(CultureInfo.InvariantCulture);
                if (!ports.Contains(s)) ports.Add(s);
            }
            return string.Join(",", ports.ToArray());
        }

        /// <summary>A list of profile names (Domain, Private, Public) as a
        /// NET_FW_PROFILE_TYPE2 mask; null or empty is every profile.</summary>
        public static int ProfileMask(object raw)
        {
            if (raw == null) return FirewallRule.ProfileAll;
            List<object> names = raw as List<object>;
            if (names == null) throw new OpException(Win32.InvalidParameter, "profiles: a list of Domain, Private, Public is required");
            if (names.Count == 0) return FirewallRule.ProfileAll;
            int mask = 0;
            foreach (object o in names)
            {
                string n = o as string;
                if (string.Equals(n, "Domain", StringComparison.OrdinalIgnoreCase)) mask |= FirewallRule.ProfileDomain;
                else if (string.Equals(n, "Private", StringComparison.OrdinalIgnoreCase)) mask |= FirewallRule.ProfilePrivate;
                else if (string.Equals(n, "Public", StringComparison.OrdinalIgnoreCase)) mask |= FirewallRule.ProfilePublic;
                else throw new OpException(Win32.InvalidParameter, "profiles: Domain, Private or Public, not " + Json.Write(o));
            }
            return mask == (FirewallRule.ProfileDomain | FirewallRule.ProfilePrivate | FirewallRule.ProfilePublic) ? FirewallRule.ProfileAll : mask;
        }
    }
}
