using System;
using TfWin.Testing;

namespace TfWin
{
    public class RegistryOpsTests
    {
        private const string Tls12Server = @"SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.2\Server";
        private const string Net4 = @"SOFTWARE\Microsoft\.NETFramework\v4.0.30319";
        private const string Net4Wow = @"SOFTWARE\WOW6432Node\Microsoft\.NETFramework\v4.0.30319";

        private sealed class Fixture
        {
            public readonly InMemoryRegistry Registry = new InMemoryRegistry();
            public readonly Agent Agent;

            public Fixture()
            {
                HostServices host = new HostServices();
                host.System = new InMemorySystemInfo();
                host.Registry = Registry;
                Agent = new Agent(host);
            }

            public AgentReply Run(string op, string json) { return Agent.Run(op, HostOpsTests.B64(json), ""); }
        }

        private static string Result(AgentReply r)
        {
            Assert.True(r.Ok, "want success: " + r.Line);
            const string prefix = "##tfwin-envelope## {\"ok\":true,\"result\":";
            Assert.True(r.Line.StartsWith(prefix), r.Line);
            return r.Line.Substring(prefix.Length, r.Line.Length - prefix.Length - 1);
        }

        private static void Failed(AgentReply r, long code, string part)
        {
            Assert.True(!r.Ok && r.Line.Contains("\"code\":" + code + ","), "want code " + code + ": " + r.Line);
            Assert.True(r.Line.Contains(part), "message lacks " + Json.Write(part) + ": " + r.Line);
        }

        private static string Side(string protocol, string side, bool exists, string enabled, string dbd, bool changed)
        {
            return "{\"protocol\":\"" + protocol + "\",\"side\":\"" + side + "\",\"key\":\"HKLM\\\\SYSTEM\\\\CurrentControlSet\\\\Control\\\\SecurityProviders\\\\SCHANNEL\\\\Protocols\\\\" +
                protocol + "\\\\" + side + "\",\"key_exists\":" + (exists ? "true" : "false") + ",\"enabled\":" + enabled + ",\"disabled_by_default\":" + dbd +
                ",\"changed\":" + (changed ? "true" : "false") + "}";
        }

        [Test]
        public void SchannelGetReportsTheRegistry()
        {
            Fixture f = new Fixture();
            Assert.Equal(Side("TLS 1.2", "Server", false, "null", "null", false),
                Result(f.Run("registry.schannel.get", "{\"protocol\":\"tls 1.2\",\"side\":\"server\"}")), "absent key");
            f.Registry.Dword(Tls12Server, "Enabled", 0xFFFFFFFF);
            Assert.Equal(Side("TLS 1.2", "Server", true, "4294967295", "null", false),
                Result(f.Run("registry.schannel.get", "{\"protocol\":\"TLS 1.2\",\"side\":\"Server\"}")), "an unsigned DWORD");
            f.Registry.Key(Tls12Server)["DisabledByDefault"] = new RegistryData(Microsoft.Win32.RegistryValueKind.String, "1");
            Assert.Equal(Side("TLS 1.2", "Server", true, "4294967295", "null", false),
                Result(f.Run("registry.schannel.get", "{\"protocol\":\"TLS 1.2\",\"side\":\"server\"}")), "a value that is not a DWORD is null");
        }

        [Test]
        public void SchannelBadArguments()
        {
            Fixture f = new Fixture();
            Failed(f.Run("registry.schannel.get", "{\"protocol\":\"SSL 2.0\",\"side\":\"server\"}"), 87, "use one of SSL 3.0, TLS 1.0, TLS 1.1, TLS 1.2, TLS 1.3");
            Failed(f.Run("registry.schannel.get", "{\"protocol\":\"TLS 1.2\",\"side\":\"both\"}"), 87, "side \\\"both\\\": use Server or Client");
            Failed(f.Run("registry.schannel.set", "{\"protocol\":\"TLS 1.2\",\"side\":\"server\",\"enabled\":-1}"), 87, "enabled: a DWORD is between 0 and 4294967295");
            Failed(f.Run("registry.schannel.set", "{\"protocol\":\"TLS 1.2\",\"side\":\"server\",\"enabled\":4294967296}"), 87, "enabled:");
            Failed(f.Run("registry.schannel.set", "{\"protocol\":\"TLS 1.2\",\"side\":\"server\",\"disabled_by_default\":true}"), 87, "disabled_by_default:");
            Assert.True(!f.Registry.KeyExists(Tls12Server), "nothing written");
        }

        /// <summary>Set creates the key, writes both DWORDs, reports changed;
        /// the same write again changes nothing; both null without keep_key
        /// deletes the key it created.</summary>
        [Test]
        public void SchannelSetAndRestore()
        {
            Fixture f = new Fixture();
            Assert.Equal(Side("TLS 1.2", "Server", true, "1", "0", true),
                Result(f.Run("registry.schannel.set", "{\"protocol\":\"TLS 1.2\",\"side\":\"server\",\"enabled\":1,\"disabled_by_default\":0,\"keep_key\":false}")), "set");
            Assert.Equal(Side("TLS 1.2", "Server", true, "1", "0", false),
                Result(f.Run("registry.schannel.set", "{\"protocol\":\"TLS 1.2\",\"side\":\"server\",\"enabled\":1,\"disabled_by_default\":0}")), "again");
            Assert.Equal(Side("TLS 1.2", "Server", true, "0", "null", true),
                Result(f.Run("registry.schannel.set", "{\"protocol\":\"TLS 1.2\",\"side\":\"server\",\"enabled\":0,\"disabled_by_default\":null}")), "one deleted");
            Assert.Equal(Side("TLS 1.2", "Server", false, "null", "null", true),
                Result(f.Run("registry.schannel.set", "{\"protocol\":\"TLS 1.2\",\"side\":\"server\",\"enabled\":null,\"disabled_by_default\":null,\"keep_key\":false}")), "restore");
            Assert.True(!f.Registry.KeyExists(Tls12Server), "the key is gone");
            Assert.True(f.Registry.KeyExists(@"SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols"), "its parents stay");
        }

        [Test]
        public void SchannelRestoreKeepsAKeyThatExisted()
        {
            Fixture f = new Fixture();
            f.Registry.Dword(Tls12Server, "Enabled", 1);
            Assert.Equal(Side("TLS 1.2", "Server", true, "null", "null", true),
                Result(f.Run("registry.schannel.set", "{\"protocol\":\"TLS 1.2\",\"side\":\"server\",\"enabled\":null,\"disabled_by_default\":null,\"keep_key\":true}")), "keep_key");
            Assert.True(f.Registry.KeyExists(Tls12Server), "kept");
            // A key holding something else stays even without keep_key.
            f.Registry.Dword(Tls12Server, "Other", 3);
            Assert.Equal(Side("TLS 1.2", "Server", true, "null", "null", false),
                Result(f.Run("registry.schannel.set", "{\"protocol\":\"TLS 1.2\",\"side\":\"server\"}")), "not empty");
            // Nothing to delete, no key: nothing changes.
            Assert.Equal(Side("TLS 1.0", "Client", false, "null", "null", false),
                Result(f.Run("registry.schannel.set", "{\"protocol\":\"TLS 1.0\",\"side\":\"client\"}")), "absent");
            Assert.True(!f.Registry.KeyExists(@"SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.0\Client"), "no key created");
        }

        [Test]
        public void SchannelSetFailuresKeepTheirCode()
        {
            Fixture f = new Fixture();
            f.Registry.FailNext("CreateKey", 5);
            Failed(f.Run("registry.schannel.set", "{\"protocol\":\"TLS 1.2\",\"side\":\"server\",\"enabled\":1}"), 5, "CreateKey");
            f.Registry.FailNext("SetValue", 5);
            Failed(f.Run("registry.schannel.set", "{\"protocol\":\"TLS 1.2\",\"side\":\"server\",\"enabled\":1}"), 5, "SetValue");
            f.Registry.Dword(Tls12Server, "Enabled", 1);
            f.Registry.FailNext("DeleteValue", 5);
            Failed(f.Run("registry.schannel.set", "{\"protocol\":\"TLS 1.2\",\"side\":\"server\"}"), 5, "DeleteValue");
            f.Registry.FailNext("DeleteKey", 5);
            Failed(f.Run("registry.schannel.set", "{\"protocol\":\"TLS 1.2\",\"side\":\"server\"}"), 5, "DeleteKey");
            f.Registry.FailNext("KeyExists", 5);
            Failed(f.Run("registry.schannel.get", "{\"protocol\":\"TLS 1.2\",\"side\":\"server\"}"), 5, "KeyExists");
        }

        private static string DotNetKey(string path, string view, string framework, bool exists, string strong, string system)
        {
            return "{\"path\":\"HKLM\\\\" + path.Replace(@"\", @"\\") + "\",\"view\":\"" + view + "\",\"framework\":\"" + framework + "\",\"exists\":" +
                (exists ? "true" : "false") + ",\"sch_use_strong_crypto\":" + strong + ",\"system_default_tls_versions\":" + system + "}";
        }

        [Test]
        public void DotNetCryptoGetReportsTheFourKeys()
        {
            Fixture f = new Fixture();
            f.Registry.Key(Net4);
            f.Registry.Dword(Net4Wow, "SchUseStrongCrypto", 1);
            Assert.Equal("{\"keys\":[" +
                DotNetKey(Net4, "64-bit", "v4.0.30319", true, "null", "null") + "," +
                DotNetKey(Net4Wow, "32-bit", "v4.0.30319", true, "1", "null") + "," +
                DotNetKey(@"SOFTWARE\Microsoft\.NETFramework\v2.0.50727", "64-bit", "v2.0.50727", false, "null", "null") + "," +
                DotNetKey(@"SOFTWARE\WOW6432Node\Microsoft\.NETFramework\v2.0.50727", "32-bit", "v2.0.50727", false, "null", "null") + "]}",
                Result(f.Run("registry.dotnet_crypto.get", "{}")), "get");
        }

        [Test]
        public void DotNetCryptoSetWritesAndDeletes()
        {
            Fixture f = new Fixture();
            f.Registry.Key(Net4);
            f.Registry.Dword(Net4Wow, "SystemDefaultTlsVersions", 1);
            string result = Result(f.Run("registry.dotnet_crypto.set", "{\"keys\":[" +
                "{\"path\":\"hklm\\\\software\\\\microsoft\\\\.netframework\\\\v4.0.30319\",\"sch_use_strong_crypto\":1,\"system_default_tls_versions\":1}," +
                "{\"path\":\"HKLM\\\\SOFTWARE\\\\WOW6432Node\\\\Microsoft\\\\.NETFramework\\\\v4.0.30319\",\"sch_use_strong_crypto\":1,\"system_default_tls_versions\":null},null]}"));
            Assert.True(result.StartsWith("{\"keys\":[" + DotNetKey(Net4, "64-bit", "v4.0.30319", true, "1", "1") + "," +
                DotNetKey(Net4Wow, "32-bit", "v4.0.30319", true, "1", "null") + ","), result);
            Assert.Equal(2, f.Registry.Key(Net4).Count + 0, "two values written");
        }

        /// <summary>Every key is checked before anything is written.</summary>
        [Test]
        public void DotNetCryptoSetRefusesBeforeWriting()
        {
            Fixture f = new Fixture();
            f.Registry.Key(Net4);
            Failed(f.Run("registry.dotnet_crypto.set", "{\"keys\":[" +
                "{\"path\":\"HKLM\\\\SOFTWARE\\\\Microsoft\\\\.NETFramework\\\\v4.0.30319\",\"sch_use_strong_crypto\":1,\"system_default_tls_versions\":1}," +
                "{\"path\":\"HKLM\\\\SOFTWARE\\\\Microsoft\\\\.NETFramework\\\\v2.0.50727\",\"sch_use_strong_crypto\":1,\"system_default_tls_versions\":1}]}"),
                2, @"HKLM\\SOFTWARE\\Microsoft\\.NETFramework\\v2.0.50727 does not exist: that .NET Framework is not installed");
            Assert.Equal(0, f.Registry.Key(Net4).Count, "nothing written");
            Failed(f.Run("registry.dotnet_crypto.set", "{\"keys\":[" +
                "{\"path\":\"HKLM\\\\SOFTWARE\\\\Microsoft\\\\.NETFramework\\\\v4.0.30319\",\"sch_use_strong_crypto\":1}," +
                "{\"path\":\"HKLM\\\\SOFTWARE\\\\Other\",\"sch_use_strong_crypto\":1}]}"),
                87, "is not a .NET Framework key this op manages");
            Assert.Equal(0, f.Registry.Key(Net4).Count, "nothing written");
            Failed(f.Run("registry.dotnet_crypto.set", "{\"keys\":[{\"path\":\"HKLM\\\\SOFTWARE\\\\Microsoft\\\\.NETFramework\\\\v4.0.30319\",\"sch_use_strong_crypto\":-2}]}"),
                87, "sch_use_strong_crypto:");
            Failed(f.Run("registry.dotnet_crypto.set", "{\"keys\":{}}"), 87, "keys:");
            Failed(f.Run("registry.dotnet_crypto.set", "{\"keys\":[1]}"), 87, "keys:");
        }

        [Test]
        public void DotNetCryptoSetEmptyIsAGet()
        {
            Fixture f = new Fixture();
            string result = Result(f.Run("registry.dotnet_crypto.set", "{}"));
            Assert.True(result.StartsWith("{\"keys\":[{\"path\":"), result);
        }

        [Test]
        public void InMemoryRegistryBehavesAsWindows()
        {
            InMemoryRegistry r = new InMemoryRegistry();
            Fails(2, delegate { r.SetValue(@"A\B", "x", new RegistryData(Microsoft.Win32.RegistryValueKind.DWord, 1)); }, "set in an absent key");
            r.CreateKey(@"A\B\C");
            Assert.True(r.KeyExists(@"a\b"), "parents exist");
            Fails(5, delegate { r.DeleteKey(@"A\B"); }, "a key with subkeys");
            Fails(2, delegate { r.DeleteValue(@"A\B\C", "x"); }, "an absent value");
            Assert.Equal("C", string.Join(",", r.GetSubKeyNames(@"A\B")), "subkeys");
            r.DeleteKey(@"A\B\C");
            Assert.True(!r.KeyExists(@"A\B\C"), "deleted");
        }

        private static void Fails(long code, Action action, string what) { Assert.Fails(code, action, what); }
    }
}
