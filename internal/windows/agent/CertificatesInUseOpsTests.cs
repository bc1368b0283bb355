// Tests of httpsys.certificates_in_use.list on the in-memory HTTP Server API and
// certificate stores: every binding with its certificate's facts, a
// certificate gone from its store, a key that does not open, the port filter.
using System;
using System.Collections.Generic;
using System.Net;
using System.Text;
using TfWin.Testing;

namespace TfWin
{
    public class CertificatesInUseOpsTests
    {
        private const string AppId = "4d159978-4574-4dd5-b3ff-6f7fc8c20344";
        private const string MissingHash = "0123456789ABCDEF0123456789ABCDEF01234567";

        private readonly HostServices host;
        private readonly Agent agent;

        private InMemoryHttpApi Api { get { return (InMemoryHttpApi)host.HttpApi; } }
        private InMemoryCertificateStores Stores { get { return (InMemoryCertificateStores)host.Certificates; } }

        public CertificatesInUseOpsTests()
        {
            host = InMemoryHost.Create(null);
            agent = new Agent(host);
        }

        private AgentReply Run(string op, JsonObject args)
        {
            return agent.Run(op, Convert.ToBase64String(Encoding.UTF8.GetBytes(Json.Write(args))), "");
        }

        private JsonObject Ok(string op, JsonObject args)
        {
            AgentReply r = Run(op, args);
            Assert.True(r.Ok, op + " failed: " + r.Line);
            return (JsonObject)((JsonObject)Json.Parse(r.Line.Substring(Agent.EnvelopeMarker.Length))).Get("result");
        }

        private JsonObject Error(string op, JsonObject args)
        {
            AgentReply r = Run(op, args);
            Assert.True(!r.Ok, op + " must fail: " + r.Line);
            return (JsonObject)((JsonObject)Json.Parse(r.Line.Substring(Agent.EnvelopeMarker.Length))).Get("error");
        }

        private static SslRecord Binding(SslKey key, string hash, string store)
        {
            SslRecord r = new SslRecord();
            r.Key = key;
            byte[] bytes = new byte[20];
            for (int i = 0; i < 20; i++) bytes[i] = Convert.ToByte(hash.Substring(2 * i, 2), 16);
            r.Hash = bytes;
            r.AppId = new Guid(AppId);
            r.StoreName = store;
            return r;
        }

        /// <summary>leaf.example with its key in MY, the root CA without a key in ROOT.</summary>
        private KeyProviderInfo Certificates()
        {
            Ok("cert.import_pfx", new JsonObject().Set("store", "MY").Set("pfx_base64", CertificateFixtures.LeafPfx)
                .Set("password", CertificateFixtures.Password).Set("exportable", false).Set("import_chain", false));
            Ok("cert.add", new JsonObject().Set("store", "ROOT").Set("pem", CertificateFixtures.RootPem));
            return Stores.LinkOf("MY", CertificateFixtures.LeafThumbprint);
        }

        private static List<JsonObject> Bindings(JsonObject result)
        {
            List<JsonObject> list = new List<JsonObject>();
            foreach (object o in (List<object>)result.Get("bindings")) list.Add((JsonObject)o);
            return list;
        }

        [Test]
        public void ListsEveryBindingWithItsCertificateFacts()
        {
            Certificates();
            Api.IpBindings.Add(Binding(SslKey.ForAddress(IPAddress.Any, 4106), CertificateFixtures.LeafThumbprint, null));
            Api.IpBindings.Add(Binding(SslKey.ForAddress(IPAddress.IPv6Any, 4106), CertificateFixtures.RootThumbprint, "Root"));
            Api.SniBindings.Add(Binding(SslKey.ForHost("www.leaf.example", 443), CertificateFixtures.LeafThumbprint, "MY"));
            Api.SniBindings.Add(Binding(SslKey.ForHost("gone.example", 443), MissingHash, null));
            List<JsonObject> got = Bindings(Ok("httpsys.certificates_in_use.list", new JsonObject()));
            Assert.Equal(4, got.Count, "every binding, IP then SNI");

            JsonObject ip = got[0];
            Assert.Equal("0.0.0.0:4106", ip.Get("ipport"), "ipport");
            Assert.Equal(null, ip.Get("hostnameport"), "an IP binding has no hostnameport");
            Assert.Equal(4106L, ip.Get("port"), "port");
            Assert.Equal("{" + AppId + "}", ip.Get("app_id"), "app_id");
            Assert.Equal("MY", ip.Get("certificate_store_name"), "no store name is MY");
            Assert.Equal(CertificateFixtures.LeafThumbprint, ip.Get("certificate_hash"), "hash");
            Assert.Equal(true, ip.Get("certificate_found"), "found");
            JsonObject leaf = (JsonObject)ip.Get("certificate");
            JsonObject viaGet = Ok("cert.get", new JsonObject().Set("store", "MY").Set("thumbprint", CertificateFixtures.LeafThumbprint).Set("open_keys", true));
            foreach (KeyValuePair<string, object> m in viaGet)
            {
                if (m.Key == "pem") continue;
                Assert.Equal(Json.Write(m.Value), Json.Write(leaf.Get(m.Key)), "the facts cert.get reads: " + m.Key);
            }
            Assert.True(!leaf.Has("pem"), "no PEM in a report");
            Assert.Equal("2028-01-11T01:45:52Z", leaf.Get("not_after"), "not_after");
            Assert.Equal(true, leaf.Get("key_opens"), "the imported key opens");

            JsonObject root = got[1];
            Assert.Equal("[::]:4106", root.Get("ipport"), "IPv6 ipport");
            Assert.Equal("ROOT", root.Get("certificate_store_name"), "the binding's store, upper-cased");
            Assert.Equal(CertificateFixtures.RootThumbprint, ((JsonObject)root.Get("certificate")).Get("thumbprint"), "looked up in ROOT");
            Assert.Equal(false, ((JsonObject)root.Get("certificate")).Get("key_opens"), "no key");

            JsonObject sni = got[2];
            Assert.Equal(null, sni.Get("ipport"), "an SNI binding has no ipport");
            Assert.Equal("www.leaf.example:443", sni.Get("hostnameport"), "hostnameport");
            Assert.Equal(443L, sni.Get("port"), "SNI port");
            Assert.Equal("leaf.example", ((List<object>)((JsonObject)sni.Get("certificate")).Get("dns_names"))[0], "dns_names");

            JsonObject gone = got[3];
            Assert.Equal(false, gone.Get("certificate_found"), "a hash the store does not hold");
            Assert.Equal(null, gone.Get("certificate"), "no facts");
            Assert.Equal(MissingHash, gone.Get("certificate_hash"), "the hash is still reported");
        }

        [Test]
        public void CentralCertificateStoreBindingsComeLastWithoutACertificate()
        {
            Certificates();
            SslRecord ccs = new SslRecord();
            ccs.Key = SslKey.ForCcs(443);
            ccs.Hash = new byte[0];
            ccs.AppId = new Guid(AppId);
            Api.CcsBindings.Add(ccs);
            Api.SniBindings.Add(Binding(SslKey.ForHost("www.leaf.example", 443), CertificateFixtures.LeafThumbprint, null));
            int finds = Stores.CallCount("FindByThumbprint");
            List<JsonObject> got = Bindings(Ok("httpsys.certificates_in_use.list", new JsonObject()));
            Assert.Equal(2, got.Count, "the SNI binding, then the CCS one");
            Assert.Equal(null, got[0].Get("ccs"), "an SNI binding is not CCS");
            JsonObject c = got[1];
            Assert.Equal("443", c.Get("ccs"), "ccs is the port");
            Assert.Equal(443L, c.Get("port"), "port");
            Assert.Equal(null, c.Get("ipport"), "no ipport");
            Assert.Equal(null, c.Get("hostnameport"), "no hostnameport");
            Assert.Equal("{" + AppId + "}", c.Get("app_id"), "app_id");
            Assert.Equal(null, c.Get("certificate_store_name"), "no store");
            Assert.Equal("", c.Get("certificate_hash"), "no hash");
            Assert.Equal(null, c.Get("certificate"), "no certificate");
            Assert.Equal(finds + 1, Stores.CallCount("FindByThumbprint"), "no store lookup for the CCS binding");
            Assert.Equal("443", Bindings(Ok("httpsys.certificates_in_use.list", new JsonObject().Set("port", 443L)))[1].Get("ccs"), "the port filter keeps CCS bindings on the port");
            Assert.Equal(0, Bindings(Ok("httpsys.certificates_in_use.list", new JsonObject().Set("port", 8443L))).Count, "none on 8443");
            Api.Faults.FailNext("QuerySslCcsBindings", 5);
            JsonObject e = Error("httpsys.certificates_in_use.list", new JsonObject());
            Assert.Equal(5L, e.Get("code"), "access denied");
            Assert.True(((string)e.Get("message")).Contains("Central Certificate Store"), "names the table: " + e.Get("message"));
        }

        [Test]
        public void OneQueryPerTableAndOneLookupPerCertificate()
        {
            Certificates();
            Api.IpBindings.Add(Binding(SslKey.ForAddress(IPAddress.Any, 4106), CertificateFixtures.LeafThumbprint, null));
            Api.IpBindings.Add(Binding(SslKey.ForAddress(IPAddress.Any, 4107), CertificateFixtures.LeafThumbprint, "my"));
            Api.SniBindings.Add(Binding(SslKey.ForHost("www.leaf.example", 443), CertificateFixtures.LeafThumbprint, null));
            int finds = Stores.CallCount("FindByThumbprint");
            Assert.Equal(3, Bindings(Ok("httpsys.certificates_in_use.list", new JsonObject())).Count, "three bindings");
            Assert.Equal(2, Api.Faults.Calls("QuerySslBindings"), "one query per table");
            Assert.Equal(1, Api.Faults.Calls("QuerySslCcsBindings"), "and one of the CCS table");
            Assert.Equal(finds + 1, Stores.CallCount("FindByThumbprint"), "one certificate, one lookup");
        }

        [Test]
        public void AKeyThatDoesNotOpenIsReported()
        {
            KeyProviderInfo k = Certificates();
            Api.IpBindings.Add(Binding(SslKey.ForAddress(IPAddress.Any, 4106), CertificateFixtures.LeafThumbprint, null));
            Stores.DeleteContainer(k);
            JsonObject c = (JsonObject)Bindings(Ok("httpsys.certificates_in_use.list", new JsonObject()))[0].Get("certificate");
            Assert.Equal(true, c.Get("has_private_key"), "the link is still there");
            Assert.Equal(false, c.Get("key_opens"), "a link whose container is gone does not open");
        }

        [Test]
        public void PortFilter()
        {
            Certificates();
            Api.IpBindings.Add(Binding(SslKey.ForAddress(IPAddress.Any, 4106), CertificateFixtures.LeafThumbprint, null));
            Api.SniBindings.Add(Binding(SslKey.ForHost("www.leaf.example", 443), CertificateFixtures.LeafThumbprint, null));
            List<JsonObject> got = Bindings(Ok("httpsys.certificates_in_use.list", new JsonObject().Set("port", 443L)));
            Assert.Equal(1, got.Count, "only port 443");
            Assert.Equal("www.leaf.example:443", got[0].Get("hostnameport"), "the SNI binding");
            Assert.Equal(0, Bindings(Ok("httpsys.certificates_in_use.list", new JsonObject().Set("port", 8443L))).Count, "none on 8443");
            Assert.Equal(87L, Error("httpsys.certificates_in_use.list", new JsonObject().Set("port", 70000L)).Get("code"), "a port out of range");
        }

        [Test]
        public void NoBindingsListsEmpty()
        {
            Assert.Equal("{\"bindings\":[]}", Json.Write(Ok("httpsys.certificates_in_use.list", new JsonObject())), "empty");
        }

        [Test]
        public void AStoreThatCannotBeReadFailsNamingTheBinding()
        {
            Certificates();
            Api.IpBindings.Add(Binding(SslKey.ForAddress(IPAddress.Any, 4106), CertificateFixtures.LeafThumbprint, null));
            Stores.FailNext("FindByThumbprint", 5);
            JsonObject e = Error("httpsys.certificates_in_use.list", new JsonObject());
            Assert.Equal(5L, e.Get("code"), "access denied");
            Assert.True(((string)e.Get("message")).Contains("ipport=0.0.0.0:4106"), "names the binding: " + e.Get("message"));
        }

        [Test]
        public void ATableThatCannotBeReadFails()
        {
            Api.Faults.FailNext("QuerySslBindings", 5);
            JsonObject e = Error("httpsys.certificates_in_use.list", new JsonObject());
            Assert.Equal(5L, e.Get("code"), "access denied");
            Assert.True(((string)e.Get("message")).Contains("IP SSL bindings"), "names the table: " + e.Get("message"));
        }
    }
}
