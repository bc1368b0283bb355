// Tests of the httpsys.* ops on the in-memory HTTP Server API and accounts,
// with faults injected at every step of a replace.
using System;
using System.Net;
using TfWin.Testing;

namespace TfWin
{
    public class HttpSysOpsTests
    {
        private const string Hash = "0123456789ABCDEF0123456789ABCDEF01234567";
        private const string OtherHash = "89ABCDEF0123456789ABCDEF0123456789ABCDEF";
        private const string AppId = "{4d159978-4574-4dd5-b3ff-6f7fc8c20344}";
        private const string AliceSid = "S-1-5-21-1004336348-1177238915-682003330-1001";

        private HostServices host;
        private Agent agent;

        private InMemoryHttpApi Api { get { return (InMemoryHttpApi)host.HttpApi; } }
        private InMemoryAccounts Accounts { get { return (InMemoryAccounts)host.Accounts; } }

        public HttpSysOpsTests()
        {
            host = InMemoryHost.Create(null);
            agent = new Agent(host);
        }

        private AgentReply Run(string op, string json) { return agent.Run(op, HostOpsTests.B64(json), ""); }

        private string Ok(string op, string json)
        {
            AgentReply r = Run(op, json);
            Assert.True(r.Ok, op + ": " + r.Line);
            string prefix = Agent.EnvelopeMarker + "{\"ok\":true,\"result\":";
            Assert.True(r.Line.StartsWith(prefix, StringComparison.Ordinal), r.Line);
            return r.Line.Substring(prefix.Length, r.Line.Length - prefix.Length - 1);
        }

        private string Fails(string op, string json, long code)
        {
            AgentReply r = Run(op, json);
            Assert.True(!r.Ok, op + " must fail: " + r.Line);
            JsonObject error = (JsonObject)((JsonObject)Json.Parse(r.Line.Substring(Agent.EnvelopeMarker.Length))).Get("error");
            Assert.Equal(code, error.Get("code"), op + " code (" + error.Get("message") + ")");
            return (string)error.Get("message");
        }

        private static string Binding(string key, string hash, string extra)
        {
            return "{" + key + ",\"certificate_hash\":\"" + hash + "\",\"app_id\":\"" + AppId + "\"" + (extra ?? "") + "}";
        }

        private static SslKey Port443 { get { return SslKey.ForAddress(IPAddress.Any, 443); } }

        // ---- accounts

        [Test]
        public void AccountLookupResolvesNamesAndSids()
        {
            Assert.Equal("{\"sid\":\"S-1-1-0\",\"account\":\"Everyone\"}", Ok("httpsys.account.lookup", "{\"account\":\"everyone\"}"), "name");
            Assert.Equal("{\"sid\":\"S-1-5-32-545\",\"account\":\"BUILTIN\\\\Users\"}", Ok("httpsys.account.lookup", "{\"account\":\"s-1-5-32-545\"}"), "SID");
            Assert.Equal("{\"sid\":\"" + AliceSid + "\",\"account\":\"AGENT-TEST\\\\alice\"}", Ok("httpsys.account.lookup", "{\"account\":\".\\\\alice\"}"), ".\\ is the host");
            Assert.True(Fails("httpsys.account.lookup", "{\"account\":\"Jeder\"}", 1332).Contains("\"Jeder\""), "names the account");
            Fails("httpsys.account.lookup", "{\"account\":\"S-1-5-21-9-9-9-9\"}", 1332);
            Fails("httpsys.account.lookup", "{\"account\":\"S-1-x\"}", 87);
            Fails("httpsys.account.lookup", "{}", 87);
        }

        /// <summary>The names a service's grant resolves go to LookupAccountName
        /// as they are: a service SID (NT SERVICE\\name, which starts like
        /// neither a SID string nor .\\) and a gMSA's DOMAIN\\name$.</summary>
        [Test]
        public void AccountLookupPassesServiceAndGmsaNames()
        {
            const string trustedInstaller = "S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464";
            Accounts.Add(trustedInstaller, "NT SERVICE", "TrustedInstaller");
            Accounts.Add("S-1-5-21-1-2-3-2107", "CORP", "gmsa-sage$");
            Assert.Equal("{\"sid\":\"" + trustedInstaller + "\",\"account\":\"NT SERVICE\\\\TrustedInstaller\"}",
                Ok("httpsys.account.lookup", "{\"account\":\"NT SERVICE\\\\trustedinstaller\"}"), "service SID");
            Assert.Equal("{\"sid\":\"S-1-5-21-1-2-3-2107\",\"account\":\"CORP\\\\gmsa-sage$\"}",
                Ok("httpsys.account.lookup", "{\"account\":\"CORP\\\\gmsa-sage$\"}"), "gMSA");
            Assert.True(Fails("httpsys.account.lookup", "{\"account\":\"NT SERVICE\\\\NoSuchService\"}", 1332).Contains("NoSuchService"), "names the service");
        }

        // ---- URL reservations

        [Test]
        public void UrlAclAddGetListDelete()
        {
            string want = "{\"url\":\"https://+:4207/\",\"sddl\":\"D:(A;;GX;;;WD)(A;;GA;;;" + AliceSid + ")(A;;GW;;;BU)\",\"entries\":[" +
                "{\"sid\":\"S-1-1-0\",\"account\":\"Everyone\",\"listen\":true,\"delegate\":false}," +
                "{\"sid\":\"" + AliceSid + "\",\"account\":\"AGENT-TEST\\\\alice\",\"listen\":true,\"delegate\":true}," +
                "{\"sid\":\"S-1-5-32-545\",\"account\":\"BUILTIN\\\\Users\",\"listen\":false,\"delegate\":true}]}";
            Assert.Equal(want, Ok("httpsys.urlacl.add", "{\"url\":\"https://+:4207/\",\"sddl\":\"D:(A;;GX;;;WD)(A;;GA;;;" + AliceSid + ")(A;;GW;;;BU)\"}"), "add");
            Assert.Equal(want, Ok("httpsys.urlacl.get", "{\"url\":\"HTTPS://+:4207/\"}"), "get");
            Assert.Equal("{\"urlacls\":[" + want + "]}", Ok("httpsys.urlacl.list", "{}"), "list");
            Assert.True(Fails("httpsys.urlacl.add", "{\"url\":\"https://+:4207/\",\"sddl\":\"D:(A;;GX;;;WD)\"}", 183).Contains("import"), "183 says what to do");
            Assert.Equal("{}", Ok("httpsys.urlacl.delete", "{\"url\":\"https://+:4207/\"}"), "delete");
            Fails("httpsys.urlacl.get", "{\"url\":\"https://+:4207/\"}", 2);
            Fails("httpsys.urlacl.delete", "{\"url\":\"https://+:4207/\"}", 2);
            Fails("httpsys.urlacl.add", "{\"url\":\"https://+:4207/\"}", 87);
        }

        [Test]
        public void UrlAclEntryOfAnUnmappedSidShowsTheSid()
        {
            Api.UrlAcls.Add(new UrlAclRecord("http://+:80/gone/", "D:(A;;GX;;;S-1-5-21-1-2-3-500)(D;;GX;;;WD)"));
            Assert.Equal("{\"urlacls\":[{\"url\":\"http://+:80/gone/\",\"sddl\":\"D:(A;;GX;;;S-1-5-21-1-2-3-500)(D;;GX;;;WD)\",\"entries\":[" +
                "{\"sid\":\"S-1-5-21-1-2-3-500\",\"account\":\"S-1-5-21-1-2-3-500\",\"listen\":true,\"delegate\":false}]}]}",
                Ok("httpsys.urlacl.list", "{}"), "deny entries are not reported; an unmapped SID names itself");
        }

        // HTTP.sys stores any well-formed SID (the model does too); the agent
        // refuses one no account has before the set, naming it (1332).
        [Test]
        public void UrlAclAddRefusesAnUnknownSidBeforeHttpSys()
        {
            string message = Fails("httpsys.urlacl.add", "{\"url\":\"https://+:4207/\",\"sddl\":\"D:(A;;GX;;;WD)(A;;GX;;;S-1-5-21-9-9-9-1001)\"}", 1332);
            Assert.True(message.Contains("S-1-5-21-9-9-9-1001"), "names the SID: " + message);
            Assert.Equal(0, Api.Faults.Calls("SetUrlAcl"), "HTTP.sys not called");
            message = Fails("httpsys.urlacl.add", "{\"url\":\"https://+:4207/\",\"sddl\":\"O:S-1-5-21-9-9-9-7D:(A;;GX;;;WD)\"}", 1332);
            Assert.True(message.Contains("S-1-5-21-9-9-9-7"), "the owner counts too: " + message);
        }

        [Test]
        public void UrlAclAddRefusesAnUnknownAliasNamingIt()
        {
            string message = Fails("httpsys.urlacl.add", "{\"url\":\"https://+:4207/\",\"sddl\":\"D:(A;;GX;;;XX)\"}", 87);
            Assert.True(message.Contains("\"XX\""), "names the alias: " + message);
            Assert.Equal(0, Api.Faults.Calls("SetUrlAcl"), "HTTP.sys not called");
            Ok("httpsys.urlacl.add", "{\"url\":\"https://+:4207/\",\"sddl\":\"D:(A;;GX;;;IS)(A;;GX;;;da)\"}");
        }

        [Test]
        public void UrlAclSetFailureKeepsTheCodeAndSaysWhatToDo()
        {
            Api.Faults.FailNext("SetUrlAcl", 87);
            string message = Fails("httpsys.urlacl.add", "{\"url\":\"https://+:4207\",\"sddl\":\"D:(A;;GX;;;WD)\"}", 87);
            Assert.True(message.Contains("final slash"), message);
        }

        // ---- SSL bindings

        private static string FullBinding(string ipport, string hostnameport, string hash, string store, long other, string flags)
        {
            return "{\"ipport\":" + (ipport == null ? "null" : "\"" + ipport + "\"") + ",\"hostnameport\":" + (hostnameport == null ? "null" : "\"" + hostnameport + "\"") +
                ",\"certificate_hash\":\"" + hash + "\",\"app_id\":\"" + AppId + "\",\"certificate_store_name\":\"" + store + "\"," +
                "\"verify_client_cert_revocation\":true,\"verify_revocation_with_cached_client_cert_only\":false,\"usage_check\":true," +
                "\"revocation_freshness_time\":0,\"url_retrieval_timeout\":0,\"ctl_identifier\":\"\",\"ctl_store_name\":\"\"," +
                (flags ?? "\"ds_mapper_usage\":false,\"negotiate_client_cert\":false,\"disable_http2\":false,\"disable_quic\":false,\"disable_tls13\":false,\"disable_ocsp_stapling\":false,\"disable_legacy_tls\":false") +
                ",\"other_flags\":" + other + "}";
        }

        [Test]
        public void SslCertAddGetListDelete()
        {
            string ip = FullBinding("0.0.0.0:443", null, Hash, "MY", 0, null);
            Assert.Equal(ip, Ok("httpsys.sslcert.add", Binding("\"ipport\":\"0.0.0.0:443\"", Hash.ToLowerInvariant(), null)), "add ip");
            string v6 = FullBinding("[::1]:8443", null, Hash, "WEBHOSTING", 0, null);
            Assert.Equal(v6, Ok("httpsys.sslcert.add", Binding("\"ipport\":\"[0:0::1]:8443\"", Hash, ",\"certificate_store_name\":\"WebHosting\"")), "add ipv6");
            string sni = FullBinding(null, "www.example.com:443", Hash, "MY", 0x800,
                "\"ds_mapper_usage\":false,\"negotiate_client_cert\":true,\"disable_http2\":false,\"disable_quic\":false,\"disable_tls13\":true,\"disable_ocsp_stapling\":false,\"disable_legacy_tls\":false");
            Assert.Equal(sni, Ok("httpsys.sslcert.add", Binding("\"hostnameport\":\"www.example.com:443\"", Hash, ",\"negotiate_client_cert\":true,\"disable_tls13\":true,\"other_flags\":2048")), "add sni");
            Assert.Equal(0x842u, Api.SniBindings[0].Flags, "DefaultFlags bits");
            Assert.Equal("{\"bindings\":[" + ip + "," + v6 + "," + sni + "]}", Ok("httpsys.sslcert.list", "{}"), "list: IP table, then SNI");
            Assert.Equal(ip, Ok("httpsys.sslcert.get", "{\"ipport\":\"0.0.0.0:443\"}"), "get");
            Assert.True(Fails("httpsys.sslcert.add", Binding("\"ipport\":\"0.0.0.0:443\"", Hash, null), 183).Contains("import it"), "183");
            Assert.Equal("{}", Ok("httpsys.sslcert.delete", "{\"ipport\":\"0.0.0.0:443\"}"), "delete");
            Fails("httpsys.sslcert.get", "{\"ipport\":\"0.0.0.0:443\"}", 2);
            Fails("httpsys.sslcert.delete", "{\"ipport\":\"0.0.0.0:443\"}", 2);
        }

        [Test]
        public void SslCertCheckModeBits()
        {
            Ok("httpsys.sslcert.add", Binding("\"ipport\":\"0.0.0.0:443\"", Hash,
                ",\"verify_client_cert_revocation\":false,\"verify_revocation_with_cached_client_cert_only\":true,\"usage_check\":false,\"revocation_freshness_time\":60,\"url_retrieval_timeout\":5000,\"ctl_identifier\":\"ctl\",\"ctl_store_name\":\"CA\""));
            SslRecord r = Api.IpBindings[0];
            Assert.Equal(0x10007u, r.CertCheckMode, "DefaultCertCheckMode");
            Assert.Equal(60u, r.RevocationFreshnessTime, "freshness");
            Assert.Equal("ctl", r.CtlIdentifier, "ctl");
            Assert.True(r.StoreName == null, "no store name is NULL (MY)");
        }

        [Test]
        public void SslCertArgumentsAreChecked()
        {
            Fails("httpsys.sslcert.add", Binding("\"ipport\":\"0.0.0.0:443\",\"hostnameport\":\"a:1\"", Hash, null), 87);
            Fails("httpsys.sslcert.add", Binding("\"ipport\":\"10.1:443\"", Hash, null), 87);
            Fails("httpsys.sslcert.add", Binding("\"ipport\":\"0.0.0.0:0\"", Hash, null), 87);
            Fails("httpsys.sslcert.add", Binding("\"ipport\":\"::1:443\"", Hash, null), 87);
            Fails("httpsys.sslcert.add", Binding("\"hostnameport\":\"bad host:443\"", Hash, null), 87);
            Fails("httpsys.sslcert.add", Binding("\"ipport\":\"0.0.0.0:443\"", "ABC", null), 87);
            Fails("httpsys.sslcert.add", "{\"ipport\":\"0.0.0.0:443\",\"certificate_hash\":\"" + Hash + "\",\"app_id\":\"nope\"}", 87);
            Assert.True(Fails("httpsys.sslcert.add", Binding("\"ipport\":\"0.0.0.0:443\"", Hash, ",\"other_flags\":2"), 87).Contains("other_flags"), "named bit in other_flags");
            Fails("httpsys.sslcert.add", Binding("\"ipport\":\"0.0.0.0:443\"", Hash, ",\"usage_check\":\"no\""), 87);
            Fails("httpsys.sslcert.add", Binding("\"ipport\":\"0.0.0.0:443\"", Hash, ",\"url_retrieval_timeout\":-1"), 87);
            Assert.Equal(0, Api.Faults.Calls("SetSslBinding"), "nothing reached HTTP.sys");
        }

        [Test]
        public void SslCertAdd1312SaysWhatToDo()
        {
            Api.CertificateCheck = delegate(SslRecord r) { return 1312; };
            string message = Fails("httpsys.sslcert.add", Binding("\"ipport\":\"0.0.0.0:443\"", Hash, null), 1312);
            Assert.True(message.Contains("ipport=0.0.0.0:443") && message.Contains("private key"), message);
        }

        private void SeedOldBinding(uint flags)
        {
            Ok("httpsys.sslcert.add", Binding("\"ipport\":\"0.0.0.0:443\"", Hash, ",\"disable_http2\":true"));
            Api.IpBindings[0].Flags |= flags;
        }

        private string Replace(long code)
        {
            string args = Binding("\"ipport\":\"0.0.0.0:443\"", OtherHash, null);
            if (code == 0) return Ok("httpsys.sslcert.replace", args);
            return Fails("httpsys.sslcert.replace", args, code);
        }

        [Test]
        public void ReplaceUpdatesInPlaceKeepingOtherFlagsAndExtendedParameters()
        {
            SeedOldBinding(0x800);
            Api.SetExtended(Port443, 0);
            Assert.Equal(FullBinding("0.0.0.0:443", null, OtherHash, "MY", 0x800, null), Replace(0), "replace");
            Assert.Equal(1, Api.Faults.Calls("UpdateSslBinding"), "HttpUpdateServiceConfiguration");
            Assert.Equal(0, Api.Faults.Calls("DeleteSslBinding"), "no delete");
            Assert.True(Api.HasExtendedParameter(Port443, 0), "extended parameters kept");
        }

        [Test]
        public void ReplaceOfAnAbsentBindingIs2()
        {
            Assert.True(Replace(2).Contains("add the binding"), "says what to do");
        }

        [Test]
        public void ReplaceUpdateFailureLeavesTheOldBinding()
        {
            SeedOldBinding(0);
            Api.CertificateCheck = delegate(SslRecord r) { return HttpSysOps.Hex(r.Hash) == OtherHash ? 1312 : 0; };
            string message = Replace(1312);
            Assert.True(message.Contains("old binding is unchanged"), message);
            Assert.Equal(Hash, HttpSysOps.Hex(Api.IpBindings[0].Hash), "old binding");
            Assert.Equal(0, Api.Faults.Calls("DeleteSslBinding"), "no fallback after a real update failure");
        }

        [Test]
        public void ReplaceWithoutUpdateDeletesAndAdds()
        {
            SeedOldBinding(0x800);
            Api.UpdateSupported = false;
            Assert.Equal(FullBinding("0.0.0.0:443", null, OtherHash, "MY", 0x800, null), Replace(0), "replace");
            Assert.Equal(1, Api.Faults.Calls("DeleteSslBinding"), "delete");
            Assert.Equal(7, Api.Faults.Calls("HasExtendedParameter"), "every extended parameter type asked");
        }

        [Test]
        public void ReplaceWithoutUpdateRefusesToLoseExtendedParameters()
        {
            SeedOldBinding(0);
            Api.UpdateSupported = false;
            Api.SetExtended(Port443, 3);
            string message = Replace(50);
            Assert.True(message.Contains("extended parameters") && message.Contains("unchanged"), message);
            Assert.Equal(Hash, HttpSysOps.Hex(Api.IpBindings[0].Hash), "old binding");
            Assert.True(Api.HasExtendedParameter(Port443, 3), "extended parameter kept");
        }

        [Test]
        public void ReplaceDeleteFailureLeavesTheOldBinding()
        {
            SeedOldBinding(0);
            Api.UpdateSupported = false;
            Api.Faults.FailNext("DeleteSslBinding", 5);
            string message = Replace(5);
            Assert.True(message.Contains("unchanged"), message);
            Assert.Equal(Hash, HttpSysOps.Hex(Api.IpBindings[0].Hash), "old binding");
        }

        // The fault after the delete: the add fails, the old binding is put
        // back, and the error says so with the add's code.
        [Test]
        public void ReplaceAddFailureRestoresTheOldBinding()
        {
            SeedOldBinding(0x800);
            Api.UpdateSupported = false;
            Api.Faults.FailNext("SetSslBinding", 1312);
            string message = Replace(1312);
            Assert.True(message.Contains("previous binding was restored"), message);
            Assert.True(!message.Contains("unbound"), message);
            Assert.Equal(1, Api.IpBindings.Count, "bound");
            Assert.Equal(Hash, HttpSysOps.Hex(Api.IpBindings[0].Hash), "old binding");
            Assert.Equal(0x810u, Api.IpBindings[0].Flags, "old binding's flags as they were");
        }

        // The restore fails too: the port is unbound and the error says so
        // (it used to claim the old binding was still in place).
        [Test]
        public void ReplaceFailedRestoreSaysThePortIsUnbound()
        {
            SeedOldBinding(0);
            Api.UpdateSupported = false;
            Api.Faults.FailNext("SetSslBinding", 1312);
            Api.Faults.Fail("SetSslBinding", 1450, 0);
            string message = Replace(1312);
            Assert.True(message.Contains("ipport=0.0.0.0:443 is now unbound"), message);
            Assert.True(message.Contains("1450") && !message.Contains("restored."), message);
            Assert.Equal(0, Api.IpBindings.Count, "unbound");
        }

        // The fault after the add: the new binding is in place, reading it
        // back fails, and the error says the binding was changed.
        [Test]
        public void ReplaceReadBackFailureSaysTheBindingChanged()
        {
            SeedOldBinding(0);
            Api.UpdateSupported = false;
            Api.Faults.Fail("QuerySslBinding", 1450, 1);
            string message = Replace(1450);
            Assert.True(message.Contains("binding was changed"), message);
            Assert.Equal(OtherHash, HttpSysOps.Hex(Api.IpBindings[0].Hash), "new binding");
        }
    }
}
