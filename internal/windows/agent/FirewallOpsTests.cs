using System;
using TfWin.Testing;

namespace TfWin
{
    public class FirewallOpsTests
    {
        private sealed class Fixture
        {
            public readonly InMemoryFirewall Firewall = new InMemoryFirewall();
            public readonly Agent Agent;

            public Fixture()
            {
                HostServices host = new HostServices();
                host.System = new InMemorySystemInfo();
                host.Firewall = Firewall;
                Agent = new Agent(host);
            }

            public AgentReply Run(string op, string json) { return Agent.Run(op, HostOpsTests.B64(json), ""); }
        }

        private static void Ok(AgentReply r, string part)
        {
            Assert.True(r.Ok, "want success: " + r.Line);
            Assert.True(r.Line.Contains(part), "result lacks " + part + ": " + r.Line);
        }

        private static void Failed(AgentReply r, long code, string part)
        {
            Assert.True(!r.Ok && r.Line.Contains("\"code\":" + code + ","), "want code " + code + ": " + r.Line);
            Assert.True(r.Line.Contains(part), "message lacks " + part + ": " + r.Line);
        }

        private static FirewallRule Rule(string name, string ports)
        {
            FirewallRule r = new FirewallRule();
            r.Name = name;
            r.LocalPorts = ports;
            r.Protocol = FirewallRule.ProtocolTcp;
            r.Direction = FirewallRule.DirectionIn;
            r.Action = FirewallRule.ActionAllow;
            r.Profiles = FirewallRule.ProfileAll;
            r.Enabled = true;
            return r;
        }

        [Test]
        public void AddWritesAnInboundTcpAllowRule()
        {
            Fixture f = new Fixture();
            Ok(f.Run("firewall.rule.add", "{\"name\":\"Sage 300 Agent (HTTPS)\",\"local_ports\":\"4207\",\"service\":\"Sage300Agent\",\"profiles\":[\"Domain\",\"Private\"],\"description\":\"d\"}"),
                "\"local_ports\":\"4207\",\"program\":null,\"service\":\"Sage300Agent\",\"profiles\":[\"Domain\",\"Private\"],\"direction\":\"in\",\"action\":\"allow\",\"enabled\":true");
            Assert.Equal(1, f.Firewall.Stored.Count, "rules");
            FirewallRule r = f.Firewall.Stored[0];
            Assert.Equal(FirewallRule.ProtocolTcp, r.Protocol, "protocol");
            Assert.Equal(FirewallRule.DirectionIn, r.Direction, "direction");
            Assert.Equal(FirewallRule.ActionAllow, r.Action, "action");
            Assert.Equal(FirewallRule.ProfileDomain | FirewallRule.ProfilePrivate, r.Profiles, "profiles");
        }

        [Test]
        public void AddAllProfilesIsWindowsAllMask()
        {
            Fixture f = new Fixture();
            Ok(f.Run("firewall.rule.add", "{\"name\":\"a\",\"local_ports\":\"4106, 4106,4107\",\"profiles\":[\"Public\",\"Private\",\"Domain\"]}"), "\"local_ports\":\"4106,4107\"");
            Assert.Equal(FirewallRule.ProfileAll, f.Firewall.Stored[0].Profiles, "NET_FW_PROFILE2_ALL");
        }

        [Test]
        public void AddRefusesAnExistingNameAndBadArguments()
        {
            Fixture f = new Fixture();
            f.Firewall.Stored.Add(Rule("Sage", "80"));
            Failed(f.Run("firewall.rule.add", "{\"name\":\"sage\",\"local_ports\":\"4207\"}"), 183, "already exists");
            Failed(f.Run("firewall.rule.add", "{\"name\":\"x\",\"local_ports\":\"0\"}"), 87, "local_ports");
            Failed(f.Run("firewall.rule.add", "{\"name\":\"x\",\"local_ports\":\"4207\",\"profiles\":[\"Work\"]}"), 87, "profiles");
            Failed(f.Run("firewall.rule.add", "{\"name\":\"a|b\",\"local_ports\":\"4207\"}"), 87, "'|'");
            Assert.Equal(1, f.Firewall.Stored.Count, "nothing added");
        }

        [Test]
        public void GetReportsAbsentAndAmbiguousNames()
        {
            Fixture f = new Fixture();
            Ok(f.Run("firewall.rule.get", "{\"name\":\"none\"}"), "\"exists\":false");
            f.Firewall.Stored.Add(Rule("twice", "1"));
            f.Firewall.Stored.Add(Rule("Twice", "2"));
            Failed(f.Run("firewall.rule.get", "{\"name\":\"twice\"}"), 87, "2 firewall rules are named");
            Failed(f.Run("firewall.rule.remove", "{\"name\":\"twice\"}"), 87, "2 firewall rules are named");
            Assert.Equal(2, f.Firewall.Stored.Count, "neither removed");
        }

        [Test]
        public void RemoveTakesOnlyItsRule()
        {
            Fixture f = new Fixture();
            f.Firewall.Stored.Add(Rule("other", "4207"));
            f.Firewall.Stored.Add(Rule("mine", "4207"));
            Ok(f.Run("firewall.rule.remove", "{\"name\":\"mine\"}"), "\"removed\":true");
            Assert.Equal(1, f.Firewall.Stored.Count, "one left");
            Assert.Equal("other", f.Firewall.Stored[0].Name, "the other rule on the same port stays");
            Ok(f.Run("firewall.rule.remove", "{\"name\":\"mine\"}"), "\"removed\":false");
        }

        [Test]
        public void FailuresCarryWindowsCode()
        {
            Fixture f = new Fixture();
            f.Firewall.FailNext("Add", unchecked((int)0x80070005));
            Failed(f.Run("firewall.rule.add", "{\"name\":\"x\",\"local_ports\":\"4207\"}"), 2147942405, "injected");
            f.Firewall.FailNext("Rules", 5);
            Failed(f.Run("firewall.rule.list", "{}"), 5, "injected");
        }
    }
}
