using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Text;
using TfWin.Testing;

namespace TfWin
{
    /// <summary>A file system of a few files, for cert.import_pfx_file, which
    /// only reads. The other members of IFileSystem (the appconfig domain's)
    /// are here so the stub implements the whole interface; they refuse.</summary>
    internal sealed class CertTestFiles : IFileSystem
    {
        internal readonly Dictionary<string, byte[]> Files = new Dictionary<string, byte[]>(StringComparer.OrdinalIgnoreCase);

        public byte[] ReadAllBytes(string path)
        {
            byte[] b;
            if (Files.TryGetValue(path, out b)) return b;
            throw new Win32Exception(2, "Could not find file '" + path + "'.");
        }

        public bool FileExists(string path) { return Files.ContainsKey(path); }

        public void WriteNewFile(string path, byte[] bytes) { throw new NotSupportedException("cert ops write no files"); }

        public void Replace(string source, string destination, string backup) { throw new NotSupportedException("cert ops write no files"); }

        public void Copy(string source, string destination, bool overwrite) { throw new NotSupportedException("cert ops write no files"); }

        public void Delete(string path) { throw new NotSupportedException("cert ops write no files"); }

        public IDisposable Lock(string name, TimeSpan timeout) { throw new NotSupportedException("cert ops take no locks"); }
    }

    /// <summary>A host with in-memory certificate stores, and ways to run ops on it.</summary>
    internal sealed class CertTestHost
    {
        internal readonly InMemoryCertificateStores Stores = new InMemoryCertificateStores();
        internal readonly CertTestFiles Files = new CertTestFiles();
        internal readonly InMemoryAccounts Accounts = new InMemoryAccounts("AGENT-TEST");
        internal readonly Agent Agent;

        internal CertTestHost()
        {
            HostServices host = new HostServices();
            host.System = new InMemorySystemInfo();
            host.Files = Files;
            host.Certificates = Stores;
            host.Accounts = Accounts;
            Agent = new Agent(host);
        }

        internal AgentReply Run(string op, JsonObject args)
        {
            return Agent.Run(op, Convert.ToBase64String(Encoding.UTF8.GetBytes(Json.Write(args))), "");
        }

        /// <summary>The op's result; the test fails unless it succeeds.</summary>
        internal JsonObject Ok(string op, JsonObject args)
        {
            AgentReply r = Run(op, args);
            Assert.True(r.Ok, op + " failed: " + r.Line);
            JsonObject envelope = (JsonObject)Json.Parse(r.Line.Substring(Agent.EnvelopeMarker.Length));
            return (JsonObject)envelope.Get("result");
        }

        /// <summary>The op's error code; the test fails unless it fails.</summary>
        internal long Code(string op, JsonObject args)
        {
            AgentReply r = Run(op, args);
            Assert.True(!r.Ok, op + " succeeded: " + r.Line);
            JsonObject envelope = (JsonObject)Json.Parse(r.Line.Substring(Agent.EnvelopeMarker.Length));
            return (long)((JsonObject)envelope.Get("error")).Get("code");
        }

        internal static JsonObject Pfx(string pfxBase64, string password)
        {
            return new JsonObject().Set("store", "MY").Set("pfx_base64", pfxBase64).Set("password", password)
                .Set("exportable", false).Set("import_chain", false);
        }

        internal static JsonObject Key(string store, string thumbprint)
        {
            return new JsonObject().Set("store", store).Set("thumbprint", thumbprint);
        }

        internal static byte[] Der(string pem)
        {
            string b64 = pem.Replace("-----BEGIN CERTIFICATE-----", "").Replace("-----END CERTIFICATE-----", "").Replace("\n", "");
            return Convert.FromBase64String(b64);
        }

        /// <summary>Imports leaf.example's PFX into MY and returns its key link.</summary>
        internal KeyProviderInfo ImportLeaf()
        {
            Ok("cert.import_pfx", Pfx(CertificateFixtures.LeafPfx, CertificateFixtures.Password));
            KeyProviderInfo k = Stores.LinkOf("MY", CertificateFixtures.LeafThumbprint);
            Assert.True(k != null && Stores.Exists(k), "the imported certificate links a key that exists");
            return k;
        }
    }

    public class CertificateOpsTests
    {
        private const long WrongPassword = 0x80070056L, NotPfx = 0x80092009L, MalformedPfx = 0x8009310BL, BadKeyset = 0x80090016L;

        [Test]
        public void ListOfMissingStoreIsEmptyAndCreatesNothing()
        {
            CertTestHost h = new CertTestHost();
            JsonObject r = h.Ok("cert.list", new JsonObject().Set("store", "NoSuchStore"));
            Assert.Equal(0, ((List<object>)r.Get("certificates")).Count, "certificates");
            Assert.True(!h.Stores.EnumSystemStores().Contains("NoSuchStore"), "the store must not be created");
        }

        [Test]
        public void AddReportsWhatDotNetReadsFromTheBytes()
        {
            CertTestHost h = new CertTestHost();
            JsonObject c = h.Ok("cert.add", new JsonObject().Set("store", "webhosting").Set("pem", CertificateFixtures.LeafPem));
            Assert.Equal("WEBHOSTING", c.Get("store"), "store");
            Assert.Equal(CertificateFixtures.LeafThumbprint, c.Get("thumbprint"), "thumbprint");
            // X500DistinguishedName.Name: the RDNs in reverse order, a value
            // with a comma quoted.
            Assert.Equal("CN=leaf.example, O=\"Ex, Inc.\", C=US", c.Get("subject"), "subject");
            Assert.Equal("CN=Example Issuing CA, O=Example, C=US", c.Get("issuer"), "issuer");
            Assert.Equal("[\"leaf.example\",\"www.leaf.example\"]", Json.Write(c.Get("dns_names")), "dns_names (the IP address entry is no DNS name)");
            Assert.Equal("[\"1.3.6.1.5.5.7.3.2\",\"1.3.6.1.5.5.7.3.1\"]", Json.Write(c.Get("enhanced_key_usages")), "EKUs in the certificate's order");
            Assert.Equal("2026-12-07T01:45:52Z", c.Get("not_before"), "not_before");
            Assert.Equal("2028-01-11T01:45:52Z", c.Get("not_after"), "not_after");
            Assert.Equal(false, c.Get("has_private_key"), "has_private_key");
            Assert.Bytes(CertTestHost.Der(CertificateFixtures.LeafPem), CertTestHost.Der((string)c.Get("pem")), "pem");
            Assert.True(((string)c.Get("pem")).StartsWith("-----BEGIN CERTIFICATE-----\n", StringComparison.Ordinal), "pem header");
            string[] members = new string[] { "store", "thumbprint", "subject", "issuer", "dns_names", "not_before", "not_after", "has_private_key", "enhanced_key_usages", "pem" };
            int i = 0;
            foreach (KeyValuePair<string, object> m in c) Assert.Equal(members[i++], m.Key, "member " + i);
            Assert.Equal(members.Length, i, "members");
        }

        [Test]
        public void AddKeepsTheKeyLinkOfACertificateAlreadyThere()
        {
            CertTestHost h = new CertTestHost();
            KeyProviderInfo k = h.ImportLeaf();
            JsonObject c = h.Ok("cert.add", new JsonObject().Set("store", "MY").Set("pem", CertificateFixtures.LeafPem));
            Assert.Equal(true, c.Get("has_private_key"), "has_private_key");
            Assert.True(k.SameContainer(h.Stores.LinkOf("MY", CertificateFixtures.LeafThumbprint)), "the key link stays");
        }

        [Test]
        public void AddRefusesWhatIsNoCertificate()
        {
            CertTestHost h = new CertTestHost();
            Assert.Equal(87L, h.Code("cert.add", new JsonObject().Set("store", "MY").Set("pem", "")), "empty");
            Assert.Equal(87L, h.Code("cert.add", new JsonObject().Set("store", "MY").Set("pem", CertificateFixtures.LeafPem + CertificateFixtures.RootPem)), "two blocks");
            Assert.Equal(87L, h.Code("cert.add", new JsonObject().Set("store", "MY").Set("pem", "-----BEGIN CERTIFICATE-----\nAAE=\n-----END CERTIFICATE-----\n")), "not a certificate");
            Assert.Equal(87L, h.Code("cert.add", new JsonObject().Set("store", "").Set("pem", CertificateFixtures.LeafPem)), "empty store");
            Assert.Equal(87L, h.Code("cert.add", new JsonObject().Set("store", "MY\\X").Set("pem", CertificateFixtures.LeafPem)), "store path");
        }

        [Test]
        public void GetAnswersAbsentAndBadArguments()
        {
            CertTestHost h = new CertTestHost();
            Assert.Equal(2L, h.Code("cert.get", CertTestHost.Key("MY", CertificateFixtures.LeafThumbprint)), "absent");
            Assert.Equal(2L, h.Code("cert.get", CertTestHost.Key("NOSUCH", CertificateFixtures.LeafThumbprint)), "no such store");
            Assert.Equal(87L, h.Code("cert.get", CertTestHost.Key("MY", "25D98A13")), "short thumbprint");
            Assert.Equal(87L, h.Code("cert.get", CertTestHost.Key("MY", "\u200e" + CertificateFixtures.LeafThumbprint.Substring(1))), "invisible character");
            h.Ok("cert.add", new JsonObject().Set("store", "MY").Set("pem", CertificateFixtures.LeafPem));
            JsonObject c = h.Ok("cert.get", CertTestHost.Key("my", CertificateFixtures.LeafThumbprint.ToLowerInvariant()));
            Assert.Equal("MY", c.Get("store"), "store upper-cased");
        }

        [Test]
        public void GetRequireKeyOpensTheKey()
        {
            CertTestHost h = new CertTestHost();
            h.Ok("cert.add", new JsonObject().Set("store", "MY").Set("pem", CertificateFixtures.RootPem));
            Assert.Equal(1312L, h.Code("cert.get", CertTestHost.Key("MY", CertificateFixtures.RootThumbprint).Set("require_key", true)), "no key");
            KeyProviderInfo k = h.ImportLeaf();
            h.Ok("cert.get", CertTestHost.Key("MY", CertificateFixtures.LeafThumbprint).Set("require_key", true));
            h.Stores.DeleteContainer(k);
            JsonObject c = h.Ok("cert.get", CertTestHost.Key("MY", CertificateFixtures.LeafThumbprint));
            Assert.Equal(true, c.Get("has_private_key"), "has_private_key only says a key is linked");
            Assert.Equal(1312L, h.Code("cert.get", CertTestHost.Key("MY", CertificateFixtures.LeafThumbprint).Set("require_key", true)), "a link whose container is gone");
        }

        [Test]
        public void OpenKeysSaysWhetherTheKeyOpens()
        {
            CertTestHost h = new CertTestHost();
            h.Ok("cert.add", new JsonObject().Set("store", "MY").Set("pem", CertificateFixtures.RootPem));
            KeyProviderInfo k = h.ImportLeaf();
            JsonObject leaf = h.Ok("cert.get", CertTestHost.Key("MY", CertificateFixtures.LeafThumbprint).Set("open_keys", true));
            Assert.Equal(true, leaf.Get("key_opens"), "a key that opens");
            JsonObject root = h.Ok("cert.get", CertTestHost.Key("MY", CertificateFixtures.RootThumbprint).Set("open_keys", true));
            Assert.Equal(false, root.Get("key_opens"), "no key");
            Assert.True(!h.Ok("cert.get", CertTestHost.Key("MY", CertificateFixtures.LeafThumbprint)).Has("key_opens"), "only when asked");
            h.Stores.DeleteContainer(k);
            leaf = h.Ok("cert.get", CertTestHost.Key("MY", CertificateFixtures.LeafThumbprint).Set("open_keys", true));
            Assert.Equal(true, leaf.Get("has_private_key"), "the link is still there");
            Assert.Equal(false, leaf.Get("key_opens"), "a link whose container is gone does not open");
            JsonObject listed = h.Ok("cert.list", new JsonObject().Set("store", "MY").Set("open_keys", true));
            int seen = 0;
            foreach (object o in (List<object>)listed.Get("certificates"))
            {
                JsonObject c = (JsonObject)o;
                Assert.Equal(false, c.Get("key_opens"), "cert.list " + c.Get("thumbprint"));
                seen++;
            }
            Assert.Equal(2, seen, "both certificates listed");
        }

        [Test]
        public void ImportOpensTheKeyWithTheApiOfItsProvider()
        {
            // A normal PFX's RSA key lands in a CSP (CAPI): the key is opened
            // with CryptAcquireContext, not through CNG (.NET 4.6+'s
            // GetRSAPrivateKey answers RSACng for it all the same).
            CertTestHost h = new CertTestHost();
            h.ImportLeaf();
            Assert.Equal(1, h.Stores.CallCount("CryptAcquireContext"), "CAPI open: " + string.Join(", ", h.Stores.Calls));
            Assert.Equal(0, h.Stores.CallCount("NCrypt"), "no CNG call for a CAPI key");
            CertTestHost cng = new CertTestHost();
            cng.Stores.ImportRsaAsCng = true;
            cng.ImportLeaf();
            Assert.Equal(1, cng.Stores.CallCount("NCryptOpenKey"), "CNG open");
            Assert.Equal(0, cng.Stores.CallCount("CryptAcquireContext"), "no CAPI call for a CNG key");
        }

        [Test]
        public void ImportWithChainPutsCAsIntoCAAndRoot()
        {
            CertTestHost h = new CertTestHost();
            JsonObject args = CertTestHost.Pfx(CertificateFixtures.ChainPfx, CertificateFixtures.Password).Set("import_chain", true).Set("exportable", true);
            JsonObject r = h.Ok("cert.import_pfx", args);
            JsonObject c = (JsonObject)r.Get("certificate");
            Assert.Equal(CertificateFixtures.LeafThumbprint, c.Get("thumbprint"), "the end-entity is the certificate with the key");
            Assert.Equal(true, c.Get("has_private_key"), "has_private_key");
            List<object> chain = (List<object>)r.Get("chain");
            Assert.Equal(2, chain.Count, "chain");
            Dictionary<string, string> where = new Dictionary<string, string>();
            foreach (object o in chain) where[(string)((JsonObject)o).Get("thumbprint")] = (string)((JsonObject)o).Get("store");
            Assert.Equal("CA", where[CertificateFixtures.IssuingThumbprint], "issuing CA");
            Assert.Equal("ROOT", where[CertificateFixtures.RootThumbprint], "root");
            Assert.True(h.Stores.Holds("CA", CertificateFixtures.IssuingThumbprint) && h.Stores.Holds("ROOT", CertificateFixtures.RootThumbprint), "stored");
            Assert.True(h.Stores.Calls.Contains("ImportPfx 22"), "MachineKeySet | PersistKeySet | Exportable: " + string.Join(", ", h.Stores.Calls));
            Assert.Equal(1, h.Stores.ContainerCount, "one key");
        }

        [Test]
        public void ImportWithoutChainImportsOnlyTheEndEntity()
        {
            CertTestHost h = new CertTestHost();
            JsonObject r = h.Ok("cert.import_pfx", CertTestHost.Pfx(CertificateFixtures.ChainPfx, CertificateFixtures.Password));
            Assert.Equal(0, ((List<object>)r.Get("chain")).Count, "chain");
            Assert.True(!h.Stores.Holds("CA", CertificateFixtures.IssuingThumbprint), "no CA");
            Assert.True(h.Stores.Calls.Contains("ImportPfx 18"), "MachineKeySet | PersistKeySet: " + string.Join(", ", h.Stores.Calls));
        }

        [Test]
        public void ImportFailuresAnswerAsWindows()
        {
            CertTestHost h = new CertTestHost();
            Assert.Equal(WrongPassword, h.Code("cert.import_pfx", CertTestHost.Pfx(CertificateFixtures.LeafPfx, "wrong")), "wrong password");
            Assert.Equal(NotPfx, h.Code("cert.import_pfx", CertTestHost.Pfx(Convert.ToBase64String(Encoding.ASCII.GetBytes("no pfx at all")), "")), "garbage");
            Assert.Equal(87L, h.Code("cert.import_pfx", CertTestHost.Pfx(Convert.ToBase64String(CertTestHost.Der(CertificateFixtures.LeafPem)), "")), "bare DER certificate");
            Assert.Equal(87L, h.Code("cert.import_pfx", CertTestHost.Pfx(Convert.ToBase64String(Encoding.ASCII.GetBytes(CertificateFixtures.LeafPem)), "")), "PEM certificate");
            Assert.Equal(87L, h.Code("cert.import_pfx", CertTestHost.Pfx(CertificateFixtures.NoKeyPfx, CertificateFixtures.Password)), "PFX without a key");
            Assert.Equal(MalformedPfx, h.Code("cert.import_pfx", CertTestHost.Pfx(CertificateFixtures.MalformedPfx, CertificateFixtures.Password)), "malformed PFX");
            Assert.Equal(87L, h.Code("cert.import_pfx", CertTestHost.Pfx("***", "")), "not base64");
            Assert.Equal(0, h.Stores.ContainerCount, "no key left behind");
            Assert.Equal(0, h.Stores.Certificates("MY").Count, "nothing stored");
        }

        [Test]
        public void ImportOfAes256PfxIsWrongPasswordLikeServer2016()
        {
            // Mono 6.8 cannot read PBES2 (AES-256) PFX files, OpenSSL 3's
            // default; the simulator answers as Windows Server 2016 does
            // (0x80070056). Server 2019 and later import them.
            CertTestHost h = new CertTestHost();
            h.Stores.ReadsPbes2Pfx = false;
            AgentReply r = h.Run("cert.import_pfx", CertTestHost.Pfx(CertificateFixtures.LeafAesPfx, CertificateFixtures.Password));
            Assert.True(!r.Ok && r.Line.Contains("\"code\":2147942486"), r.Line);
            Assert.True(!r.Line.Contains(CertificateFixtures.Password), "the password is never in a message");
        }

        [Test]
        public void ImportOfAes256PfxWorksLikeServer2019()
        {
            CertTestHost h = new CertTestHost();
            JsonObject r = h.Ok("cert.import_pfx", CertTestHost.Pfx(CertificateFixtures.LeafAesPfx, CertificateFixtures.Password));
            Assert.Equal(CertificateFixtures.LeafThumbprint, ((JsonObject)r.Get("certificate")).Get("thumbprint"), "imported");
            Assert.Equal(WrongPassword, h.Code("cert.import_pfx", CertTestHost.Pfx(CertificateFixtures.LeafAesPfx, "wrong")), "wrong password");
        }

        [Test]
        public void Pkcs12ReaderReadsEveryCertificateAndTheRsaKey()
        {
            List<PfxEntry> entries = Pkcs12Reader.Read(Convert.FromBase64String(CertificateFixtures.ChainAesPfx), CertificateFixtures.Password);
            Assert.Equal(3, entries.Count, "certificates");
            Assert.Equal(CertificateFixtures.LeafThumbprint, CertificateOps.ThumbprintOf(entries[0].RawData), "leaf first");
            Assert.True(entries[0].HasKey && entries[0].PrivateKey != null, "the leaf has the key");
            Assert.True(!entries[1].HasKey && !entries[2].HasKey, "the CAs have none");
            List<PfxEntry> legacy = PfxEmulation.Read(Convert.FromBase64String(CertificateFixtures.ChainPfx), CertificateFixtures.Password, true);
            Assert.Bytes(Pkcs1Of(legacy[0]), Pkcs1Of(entries[0]), "the same key as Mono's import of the legacy PFX exports");
            List<PfxEntry> managed = Pkcs12Reader.Read(Convert.FromBase64String(CertificateFixtures.ChainPfx), CertificateFixtures.Password);
            Assert.Equal(3, managed.Count, "the legacy (TripleDES) PFX's certificates");
            Assert.Bytes(Pkcs1Of(legacy[0]), Pkcs1Of(managed[0]), "its key");
            Assert.Fails(1, delegate { Pkcs12Reader.Read(Convert.FromBase64String(CertificateFixtures.ChainPfx), "wrong"); }, "wrong password");
        }

        [Test]
        public void ImportOfAnotherCertificateThanExpectedChangesNothing()
        {
            CertTestHost h = new CertTestHost();
            KeyProviderInfo k = h.ImportLeaf();
            JsonObject args = CertTestHost.Pfx(CertificateFixtures.RenewalPfx, CertificateFixtures.Password).Set("expect_thumbprint", CertificateFixtures.LeafThumbprint.ToLowerInvariant());
            Assert.Equal(13L, h.Code("cert.import_pfx", args), "another certificate");
            Assert.True(k.SameContainer(h.Stores.LinkOf("MY", CertificateFixtures.LeafThumbprint)) && h.Stores.Exists(k), "the stored certificate keeps its key");
            Assert.True(!h.Stores.Holds("MY", CertificateFixtures.RenewalThumbprint), "the renewal is not stored");
            Assert.Equal(1, h.Stores.ContainerCount, "the key the import wrote is deleted again");
        }

        [Test]
        public void ReimportLinksTheNewKeyAndDeletesThePrevious()
        {
            CertTestHost h = new CertTestHost();
            KeyProviderInfo first = h.ImportLeaf();
            JsonObject args = CertTestHost.Pfx(CertificateFixtures.LeafPfx, CertificateFixtures.Password).Set("expect_thumbprint", CertificateFixtures.LeafThumbprint).Set("exportable", true);
            h.Ok("cert.import_pfx", args);
            KeyProviderInfo second = h.Stores.LinkOf("MY", CertificateFixtures.LeafThumbprint);
            Assert.True(!second.SameContainer(first), "a new key");
            Assert.True(!h.Stores.Exists(first) && h.Stores.Exists(second), "the previous key is deleted, the new one kept");
            Assert.Equal(1, h.Stores.CallCount("CryptDeleteKeyset " + first.ContainerName), "deleted with CryptoAPI");
        }

        [Test]
        public void ReimportRollbackRelinksThePreviousKey()
        {
            CertTestHost h = new CertTestHost();
            KeyProviderInfo first = h.ImportLeaf();
            h.Stores.FailNext("Add", 5, 1); // the second Add: the chain's first certificate
            JsonObject args = CertTestHost.Pfx(CertificateFixtures.ChainPfx, CertificateFixtures.Password).Set("import_chain", true);
            Assert.Equal(5L, h.Code("cert.import_pfx", args), "the chain's failure");
            Assert.True(first.SameContainer(h.Stores.LinkOf("MY", CertificateFixtures.LeafThumbprint)), "linked to the previous key again");
            Assert.True(h.Stores.Exists(first), "the previous key stays");
            Assert.Equal(1, h.Stores.ContainerCount, "the new key is deleted");
        }

        [Test]
        public void FirstImportRollbackRemovesTheCertificate()
        {
            CertTestHost h = new CertTestHost();
            h.Stores.FailNext("Add", 5, 1);
            JsonObject args = CertTestHost.Pfx(CertificateFixtures.ChainPfx, CertificateFixtures.Password).Set("import_chain", true);
            Assert.Equal(5L, h.Code("cert.import_pfx", args), "the chain's failure");
            Assert.True(!h.Stores.Holds("MY", CertificateFixtures.LeafThumbprint), "removed");
            Assert.Equal(0, h.Stores.ContainerCount, "no key left");
        }

        [Test]
        public void ImportFailsWith1312WhenTheImportedKeyDoesNotOpen()
        {
            CertTestHost h = new CertTestHost();
            h.Stores.FailNext("CryptAcquireContext", BadKeyset);
            Assert.Equal(1312L, h.Code("cert.import_pfx", CertTestHost.Pfx(CertificateFixtures.LeafPfx, CertificateFixtures.Password)), "key does not open");
            Assert.True(!h.Stores.Holds("MY", CertificateFixtures.LeafThumbprint), "removed");
            Assert.Equal(0, h.Stores.ContainerCount, "no key left");
        }

        [Test]
        public void ReimportKeepsAPreviousKeyAnotherCertificateLinks()
        {
            CertTestHost h = new CertTestHost();
            KeyProviderInfo first = h.ImportLeaf();
            h.Stores.Put("WEBHOSTING", CertTestHost.Der(CertificateFixtures.LeafPem), first);
            h.Ok("cert.import_pfx", CertTestHost.Pfx(CertificateFixtures.LeafPfx, CertificateFixtures.Password));
            Assert.True(h.Stores.Exists(first), "the copy in WEBHOSTING still links the previous key");
            h.Ok("cert.get", CertTestHost.Key("WEBHOSTING", CertificateFixtures.LeafThumbprint).Set("require_key", true));
        }

        /// <summary>Runs op on fresh hosts made by setup, failing each call the
        /// op makes in turn (access denied), and checks after each run that no
        /// stored certificate links a key that is gone, that no key is left
        /// that nothing links (unless a deletion was the failed call), and
        /// check's own condition.</summary>
        internal static void FailEveryStep(Func<CertTestHost> setup, string op, JsonObject args, Action<CertTestHost, bool> check)
        {
            CertTestHost clean = setup();
            int before = clean.Stores.Calls.Count;
            clean.Ok(op, args);
            List<string> calls = clean.Stores.Calls.GetRange(before, clean.Stores.Calls.Count - before);
            Dictionary<string, int> seen = new Dictionary<string, int>();
            foreach (string call in calls)
            {
                string method = call.Split(' ')[0];
                int skip;
                seen.TryGetValue(method, out skip);
                seen[method] = skip + 1;
                CertTestHost h = setup();
                h.Stores.FailNext(method, Win32.AccessDenied, skip);
                AgentReply r = h.Run(op, args);
                string step = op + " with " + call + " failing (" + r.Line + ")";
                // A key may stay behind only where the op says it could not be deleted.
                bool deleteFailed = method == "CryptDeleteKeyset" || method == "NCryptDeleteKey" || r.Line.Contains("could not be deleted");
                // cert.remove deletes the key first, so that a failed key
                // deletion leaves the certificate intact; when the removal of
                // the certificate then fails, it links a deleted key until the
                // op runs again (which then finds the key gone and removes it).
                bool removeFailed = op == "cert.remove" && method == "Remove";
                foreach (string store in h.Stores.EnumSystemStores())
                {
                    foreach (StoreCertificate c in h.Stores.Certificates(store))
                        Assert.True(removeFailed || c.Key == null || h.Stores.Exists(c.Key), step + ": a stored certificate links a key that is gone");
                }
                if (!deleteFailed) Assert.Equal(Linked(h), h.Stores.ContainerCount, step + ": keys nothing links");
                try { check(h, r.Ok); }
                catch (AssertionException e) { throw new AssertionException(step + ": " + e.Message); }
            }
        }

        /// <summary>How many distinct containers stored certificates link.</summary>
        private static int Linked(CertTestHost h)
        {
            List<KeyProviderInfo> links = new List<KeyProviderInfo>();
            foreach (string store in h.Stores.EnumSystemStores())
            {
                foreach (StoreCertificate c in h.Stores.Certificates(store))
                {
                    if (c.Key == null || !h.Stores.Exists(c.Key)) continue;
                    if (!links.Exists(delegate(KeyProviderInfo k) { return k.SameContainer(c.Key); })) links.Add(c.Key);
                }
            }
            return links.Count;
        }

        [Test]
        public void FirstImportSurvivesAFailureAtEveryStep()
        {
            JsonObject args = CertTestHost.Pfx(CertificateFixtures.ChainPfx, CertificateFixtures.Password).Set("import_chain", true);
            FailEveryStep(delegate { return new CertTestHost(); }, "cert.import_pfx", args, delegate(CertTestHost h, bool ok)
            {
                if (!ok) Assert.True(!h.Stores.Holds("MY", CertificateFixtures.LeafThumbprint), "a failed first import is removed");
                else Assert.True(h.Stores.Holds("MY", CertificateFixtures.LeafThumbprint), "imported");
            });
        }

        [Test]
        public void ReimportKeepsTheCertificateUsableAtEveryStep()
        {
            JsonObject args = CertTestHost.Pfx(CertificateFixtures.ChainPfx, CertificateFixtures.Password).Set("import_chain", true)
                .Set("expect_thumbprint", CertificateFixtures.LeafThumbprint);
            FailEveryStep(delegate { CertTestHost h = new CertTestHost(); h.ImportLeaf(); return h; }, "cert.import_pfx", args, delegate(CertTestHost h, bool ok)
            {
                KeyProviderInfo k = h.Stores.LinkOf("MY", CertificateFixtures.LeafThumbprint);
                Assert.True(k != null && h.Stores.Exists(k), "the certificate stays linked to a key that exists");
            });
        }

        [Test]
        public void RemoveDeletesTheKeyWithTheApiOfItsProvider()
        {
            CertTestHost h = new CertTestHost();
            KeyProviderInfo k = h.ImportLeaf();
            h.Ok("cert.remove", CertTestHost.Key("MY", CertificateFixtures.LeafThumbprint));
            Assert.True(!h.Stores.Holds("MY", CertificateFixtures.LeafThumbprint) && !h.Stores.Exists(k), "certificate and key gone");
            Assert.Equal(1, h.Stores.CallCount("CryptDeleteKeyset"), "CAPI key deleted with CryptoAPI");
            Assert.Equal(0, h.Stores.CallCount("NCryptDeleteKey"), "not through CNG");

            CertTestHost cng = new CertTestHost();
            cng.Stores.ImportRsaAsCng = true;
            KeyProviderInfo ck = cng.ImportLeaf();
            cng.Ok("cert.remove", CertTestHost.Key("MY", CertificateFixtures.LeafThumbprint));
            Assert.True(!cng.Stores.Exists(ck), "CNG key gone");
            Assert.Equal(1, cng.Stores.CallCount("NCryptDeleteKey"), "CNG key deleted with NCryptDeleteKey");
        }

        [Test]
        public void RemoveKeepsAKeyARenewalWithTheSameKeyLinks()
        {
            CertTestHost h = new CertTestHost();
            KeyProviderInfo k = h.ImportLeaf();
            // A renewal "with same key" links the same container.
            h.Stores.Put("MY", CertTestHost.Der(RenewalPem()), k);
            h.Ok("cert.remove", CertTestHost.Key("MY", CertificateFixtures.LeafThumbprint));
            Assert.True(h.Stores.Exists(k), "the renewal's key stays");
            h.Ok("cert.get", CertTestHost.Key("MY", CertificateFixtures.RenewalThumbprint).Set("require_key", true));
        }

        [Test]
        public void RemoveKeepsAKeyACopyInAnotherStoreLinks()
        {
            CertTestHost h = new CertTestHost();
            KeyProviderInfo k = h.ImportLeaf();
            h.Stores.Put("WEBHOSTING", CertTestHost.Der(CertificateFixtures.LeafPem), k);
            h.Ok("cert.remove", CertTestHost.Key("MY", CertificateFixtures.LeafThumbprint));
            Assert.True(h.Stores.Exists(k), "the copy's key stays");
            Assert.True(h.Stores.Holds("WEBHOSTING", CertificateFixtures.LeafThumbprint), "the copy stays");
        }

        [Test]
        public void RemoveOfAbsentIs2AndAKeyDeletionFailureKeepsTheCertificate()
        {
            CertTestHost h = new CertTestHost();
            Assert.Equal(2L, h.Code("cert.remove", CertTestHost.Key("MY", CertificateFixtures.LeafThumbprint)), "absent");
            KeyProviderInfo k = h.ImportLeaf();
            h.Stores.FailNext("CryptDeleteKeyset", Win32.AccessDenied);
            Assert.Equal(5L, h.Code("cert.remove", CertTestHost.Key("MY", CertificateFixtures.LeafThumbprint)), "key deletion failed");
            Assert.True(h.Stores.Holds("MY", CertificateFixtures.LeafThumbprint) && h.Stores.Exists(k), "certificate and key intact");
            // A key already gone is fine.
            h.Stores.DeleteContainer(k);
            h.Ok("cert.remove", CertTestHost.Key("MY", CertificateFixtures.LeafThumbprint));
        }

        [Test]
        public void RemoveSurvivesAFailureAtEveryStep()
        {
            FailEveryStep(delegate { CertTestHost h = new CertTestHost(); h.ImportLeaf(); return h; }, "cert.remove",
                CertTestHost.Key("MY", CertificateFixtures.LeafThumbprint), delegate(CertTestHost h, bool ok)
                {
                    if (ok) Assert.True(!h.Stores.Holds("MY", CertificateFixtures.LeafThumbprint), "removed");
                    if (!ok) h.Ok("cert.remove", CertTestHost.Key("MY", CertificateFixtures.LeafThumbprint));
                    Assert.Equal(0, h.Stores.ContainerCount, "after the op ran again, no key is left");
                });
        }

        [Test]
        public void ImportPfxFileReadsAnAbsolutePath()
        {
            CertTestHost h = new CertTestHost();
            h.Files.Files["C:\\Certs\\leaf.pfx"] = Convert.FromBase64String(CertificateFixtures.LeafPfx);
            JsonObject args = new JsonObject().Set("store", "MY").Set("path", "C:\\Certs\\leaf.pfx").Set("password", CertificateFixtures.Password)
                .Set("exportable", false).Set("import_chain", false);
            JsonObject r = h.Ok("cert.import_pfx_file", args);
            Assert.Equal(CertificateFixtures.LeafThumbprint, ((JsonObject)r.Get("certificate")).Get("thumbprint"), "imported");
            Assert.Equal(2L, h.Code("cert.import_pfx_file", args.Set("path", "C:\\Certs\\missing.pfx")), "no such file");
            foreach (string relative in new string[] { "leaf.pfx", "Certs\\leaf.pfx", "\\Certs\\leaf.pfx", "C:leaf.pfx", "\\\\server", "" })
                Assert.Equal(87L, h.Code("cert.import_pfx_file", args.Set("path", relative)), "relative path " + relative);
            h.Files.Files["\\\\server\\share\\leaf.pfx"] = Convert.FromBase64String(CertificateFixtures.LeafPfx);
            h.Ok("cert.import_pfx_file", args.Set("path", "\\\\server\\share\\leaf.pfx"));
        }

        [Test]
        public void EcdsaPfxKeyLandsInCng()
        {
            CertTestHost h = new CertTestHost();
            JsonObject r = h.Ok("cert.import_pfx", CertTestHost.Pfx(CertificateFixtures.EcPfx, CertificateFixtures.EcPfxPassword));
            string t = (string)((JsonObject)r.Get("certificate")).Get("thumbprint");
            Assert.True(h.Stores.LinkOf("MY", t).IsCng, "an ECDSA key is a CNG key");
        }

        [Test]
        public void EcdsaPfxWithChainImportsTheChain()
        {
            // Mono's own PKCS #12 code knows no EC keys; Pkcs12Reader reads the
            // chain, Mono's import says which certificate has the key.
            CertTestHost h = new CertTestHost();
            JsonObject r = h.Ok("cert.import_pfx", CertTestHost.Pfx(CertificateFixtures.EcChainPfx, CertificateFixtures.Password).Set("import_chain", true));
            Assert.Equal("CN=ec.example", ((JsonObject)r.Get("certificate")).Get("subject"), "the end-entity");
            Assert.Equal(2, ((List<object>)r.Get("chain")).Count, "chain");
            Assert.True(h.Stores.Holds("ROOT", CertificateFixtures.RootThumbprint) && h.Stores.Holds("CA", CertificateFixtures.IssuingThumbprint), "stored");
        }

        /// <summary>The PKCS #1 key inside an entry's PKCS #8 PrivateKeyInfo
        /// (Mono's export and the reader wrap it alike).</summary>
        private static byte[] Pkcs1Of(PfxEntry e)
        {
            Assert.True(e.PrivateKey != null, "a key");
            byte[] k = e.PrivateKey;
            // PrivateKeyInfo: the OCTET STRING after the version and AlgorithmIdentifier.
            int start, length;
            CertificateOps.DerHeader(k, 0, out start, out length);
            int pos = start;
            CertificateOps.DerHeader(k, pos, out start, out length); pos = start + length;
            CertificateOps.DerHeader(k, pos, out start, out length); pos = start + length;
            CertificateOps.DerHeader(k, pos, out start, out length);
            byte[] pkcs1 = new byte[length];
            Array.Copy(k, start, pkcs1, 0, length);
            return pkcs1;
        }

        private static string RenewalPem()
        {
            // The renewal's certificate, from its PFX.
            foreach (PfxEntry c in PfxEmulation.Read(Convert.FromBase64String(CertificateFixtures.RenewalPfx), CertificateFixtures.Password, true))
                return CertificateOps.Pem(c.RawData);
            throw new AssertionException("no certificate in the renewal PFX");
        }
    }
}
