using System.Collections.Generic;
using TfWin.Testing;

namespace TfWin
{
    public class KeyAccessOpsTests
    {
        private const long BadKeyset = 0x80090016L;

        private static JsonObject Grant(string sid, string access)
        {
            return CertTestHost.Key("MY", CertificateFixtures.LeafThumbprint).Set("sid", sid).Set("access", access);
        }

        private static string Entries(JsonObject r)
        {
            List<string> parts = new List<string>();
            foreach (object o in (List<object>)r.Get("entries"))
            {
                JsonObject e = (JsonObject)o;
                parts.Add(e.Get("sid") + "=" + e.Get("access") + ":" + ((long)e.Get("access_mask")).ToString("x"));
            }
            return string.Join(" ", parts.ToArray());
        }

        [Test]
        public void CapiKeyIsTheMachineKeysFileAndItsDacl()
        {
            // A normal PFX's RSA key is a CAPI key: its DACL is the file's
            // under Crypto\RSA\MachineKeys, read and written as a file, never
            // through NCrypt (.NET 4.6+'s GetRSAPrivateKey answers RSACng for
            // it all the same: dotnet/corefx #3502).
            CertTestHost h = new CertTestHost();
            KeyProviderInfo k = h.ImportLeaf();
            string unique = h.Stores.ContainerOf(k).UniqueName;
            JsonObject r = h.Ok("cert.key_acl.get", CertTestHost.Key("my", CertificateFixtures.LeafThumbprint.ToLowerInvariant()));
            Assert.Equal("##tfwin-envelope## {\"ok\":true,\"result\":{\"store\":\"MY\",\"thumbprint\":\"" + CertificateFixtures.LeafThumbprint
                + "\",\"provider\":\"capi\",\"key_path\":\"C:\\\\ProgramData\\\\Microsoft\\\\Crypto\\\\RSA\\\\MachineKeys\\\\" + unique
                + "\",\"entries\":[{\"sid\":\"S-1-5-18\",\"account\":\"NT AUTHORITY\\\\SYSTEM\",\"access_mask\":2032127,\"access\":\"full\"},"
                + "{\"sid\":\"S-1-5-32-544\",\"account\":\"BUILTIN\\\\Administrators\",\"access_mask\":2032127,\"access\":\"full\"}]}}",
                h.Run("cert.key_acl.get", CertTestHost.Key("MY", CertificateFixtures.LeafThumbprint)).Line, "envelope");
            Assert.Equal(false, r.Has("changed"), "get has no changed");

            r = h.Ok("cert.key_acl.add", Grant("S-1-5-20", "read"));
            Assert.Equal(true, r.Get("changed"), "changed");
            Assert.Equal("S-1-5-18=full:1f01ff S-1-5-32-544=full:1f01ff S-1-5-20=read:120089", Entries(r), "FILE_GENERIC_READ added");
            Assert.Equal(1, h.Stores.CallCount("SetFileSecurity"), "written as the file's DACL");
            Assert.Equal(0, h.Stores.CallCount("NCrypt"), "no CNG call for a CAPI key: " + string.Join(", ", h.Stores.Calls));
        }

        [Test]
        public void CngKeyIsItsSecurityDescrProperty()
        {
            CertTestHost h = new CertTestHost();
            h.Stores.ImportRsaAsCng = true;
            KeyProviderInfo k = h.ImportLeaf();
            JsonObject r = h.Ok("cert.key_acl.get", CertTestHost.Key("MY", CertificateFixtures.LeafThumbprint));
            Assert.Equal("cng", r.Get("provider"), "provider");
            Assert.Equal("C:\\ProgramData\\Microsoft\\Crypto\\Keys\\" + h.Stores.ContainerOf(k).UniqueName, r.Get("key_path"), "key_path");
            r = h.Ok("cert.key_acl.add", Grant("S-1-5-20", "read"));
            Assert.Equal("S-1-5-18=full:10000000 S-1-5-32-544=full:10000000 S-1-5-20=read:80000000", Entries(r), "GENERIC_READ added");
            r = h.Ok("cert.key_acl.add", Grant("S-1-5-32-568", "full"));
            Assert.Equal("S-1-5-18=full:10000000 S-1-5-32-544=full:10000000 S-1-5-20=read:80000000 S-1-5-32-568=full:10000000", Entries(r), "GENERIC_ALL added");
            Assert.Equal(2, h.Stores.CallCount("NCryptSetSecurityDescr"), "written through NCryptSetProperty");
            Assert.Equal(0, h.Stores.CallCount("SetFileSecurity") + h.Stores.CallCount("CryptAcquireContext"), "no CAPI call for a CNG key");
        }

        [Test]
        public void AddWritesNothingWhenTheAccessIsHeld()
        {
            CertTestHost h = new CertTestHost();
            h.ImportLeaf();
            Assert.Equal(false, h.Ok("cert.key_acl.add", Grant("S-1-5-18", "read")).Get("changed"), "full grants read");
            Assert.Equal(false, h.Ok("cert.key_acl.add", Grant("S-1-5-18", "full")).Get("changed"), "full held");
            Assert.Equal(true, h.Ok("cert.key_acl.add", Grant("S-1-5-20", "read")).Get("changed"), "new");
            Assert.Equal(false, h.Ok("cert.key_acl.add", Grant("S-1-5-20", "read")).Get("changed"), "again");
            Assert.Equal(true, h.Ok("cert.key_acl.add", Grant("S-1-5-20", "full")).Get("changed"), "read does not grant full");
            Assert.Equal(2, h.Stores.CallCount("SetFileSecurity"), "written twice");
        }

        [Test]
        public void AddInsertsBeforeInheritedEntriesAndRemoveTakesOutOnlyItsOwn()
        {
            CertTestHost h = new CertTestHost();
            KeyProviderInfo k = h.ImportLeaf();
            // SYSTEM full, NETWORK SERVICE full and read (explicit), Users read (inherited).
            h.Stores.ContainerOf(k).SecurityDescriptor = InMemoryCertificateStores.Sd("D:(A;;FA;;;SY)(A;;FA;;;NS)(A;;FR;;;NS)(A;ID;FR;;;BU)");
            JsonObject r = h.Ok("cert.key_acl.add", Grant("S-1-5-19", "read"));
            Assert.Equal("S-1-5-18=full:1f01ff S-1-5-20=full:1f01ff S-1-5-20=read:120089 S-1-5-19=read:120089 S-1-5-32-545=read:120089", Entries(r), "before the inherited ACE");
            r = h.Ok("cert.key_acl.remove", Grant("S-1-5-20", "read"));
            Assert.Equal(true, r.Get("changed"), "removed");
            Assert.Equal("S-1-5-18=full:1f01ff S-1-5-20=full:1f01ff S-1-5-19=read:120089 S-1-5-32-545=read:120089", Entries(r), "only the read ACE goes");
            r = h.Ok("cert.key_acl.remove", Grant("S-1-5-20", "read"));
            Assert.Equal(false, r.Get("changed"), "nothing to remove");
            r = h.Ok("cert.key_acl.remove", Grant("S-1-5-32-545", "read"));
            Assert.Equal(false, r.Get("changed"), "an inherited ACE is not removed");
        }

        [Test]
        public void ErrorsAnswerAsTheProtocolSays()
        {
            CertTestHost h = new CertTestHost();
            Assert.Equal(2L, h.Code("cert.key_acl.get", CertTestHost.Key("MY", CertificateFixtures.LeafThumbprint)), "no certificate");
            h.Ok("cert.add", new JsonObject().Set("store", "MY").Set("pem", CertificateFixtures.RootPem));
            Assert.Equal(BadKeyset, h.Code("cert.key_acl.get", CertTestHost.Key("MY", CertificateFixtures.RootThumbprint)), "no key");
            KeyProviderInfo k = h.ImportLeaf();
            Assert.Equal(1332L, h.Code("cert.key_acl.add", Grant("S-1-5-21-1-2-3-4242", "read")), "no account has the SID");
            Assert.Equal(87L, h.Code("cert.key_acl.add", Grant("NETWORK SERVICE", "read")), "not a SID");
            Assert.Equal(87L, h.Code("cert.key_acl.add", Grant("S-1-5-20", "write")), "access");
            Assert.Equal(87L, h.Code("cert.key_acl.get", CertTestHost.Key("MY", "xyz")), "thumbprint");
            h.Stores.DeleteContainer(k);
            Assert.Equal(BadKeyset, h.Code("cert.key_acl.get", CertTestHost.Key("MY", CertificateFixtures.LeafThumbprint)), "key container gone");
            Assert.Equal(BadKeyset, h.Code("cert.key_acl.add", Grant("S-1-5-20", "read")), "key container gone (add)");
        }

        [Test]
        public void AddAndRemoveSurviveAFailureAtEveryStep()
        {
            foreach (string op in new string[] { "cert.key_acl.add", "cert.key_acl.remove" })
            {
                foreach (bool cng in new bool[] { false, true })
                {
                    bool useCng = cng;
                    string name = op;
                    CertificateOpsTests.FailEveryStep(delegate
                    {
                        CertTestHost h = new CertTestHost();
                        h.Stores.ImportRsaAsCng = useCng;
                        h.ImportLeaf();
                        if (name == "cert.key_acl.remove") h.Ok("cert.key_acl.add", Grant("S-1-5-20", "read"));
                        return h;
                    }, op, Grant("S-1-5-20", "read"), delegate(CertTestHost h, bool ok)
                    {
                        JsonObject r = h.Ok("cert.key_acl.get", CertTestHost.Key("MY", CertificateFixtures.LeafThumbprint));
                        bool granted = Entries(r).Contains("S-1-5-20=read");
                        if (ok) Assert.Equal(name == "cert.key_acl.add", granted, "the op's change is made");
                        else Assert.Equal(name == "cert.key_acl.remove", granted, "a failed op changes nothing");
                    });
                }
            }
        }
    }
}
