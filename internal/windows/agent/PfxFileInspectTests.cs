using System;
using System.Collections.Generic;
using System.Text;
using TfWin.Testing;

namespace TfWin
{
    /// <summary>cert.pfx_file.inspect: a PFX file on the host read at plan
    /// time, changing nothing on the host.</summary>
    public class PfxFileInspectTests
    {
        private const long WrongPassword = 0x80070056L, NotPfx = 0x80092009L;
        private const string Path = "C:\\Certs\\host.pfx";

        private static JsonObject Args(string path, string password)
        {
            return new JsonObject().Set("path", path).Set("password", password);
        }

        private static CertTestHost HostWith(string pfxBase64)
        {
            CertTestHost h = new CertTestHost();
            h.Files.Files[Path] = Convert.FromBase64String(pfxBase64);
            return h;
        }

        private static void AssertNothingImported(CertTestHost h, string what)
        {
            Assert.Equal(0, h.Stores.ContainerCount, what + ": no key container created");
            foreach (string store in new string[] { "MY", "CA", "ROOT" })
                Assert.Equal(0, h.Stores.Certificates(store).Count, what + ": nothing in " + store);
        }

        [Test]
        public void InspectReportsTheLeafAsTheImportWouldAndImportsNothing()
        {
            // LeafPfx is OpenSSL's -legacy export: certificates under
            // pbeWithSHAAnd40BitRC2-CBC, the key under 3-key TripleDES.
            CertTestHost h = HostWith(CertificateFixtures.LeafPfx);
            JsonObject r = h.Ok("cert.pfx_file.inspect", Args(Path, CertificateFixtures.Password));
            AssertNothingImported(h, "inspect");
            Assert.Equal(true, r.Get("inspected"), "inspected");
            Assert.Equal(false, r.Get("pbes2"), "legacy encryption");
            JsonObject leaf = (JsonObject)r.Get("certificate");
            Assert.Equal(null, leaf.Get("store"), "a certificate in a file is in no store");
            Assert.Equal(true, leaf.Get("has_private_key"), "the PFX holds the leaf's key");
            Assert.Equal(0, ((List<object>)r.Get("chain")).Count, "no chain");

            // The same facts as cert.get reports after the import.
            h.ImportLeaf();
            JsonObject stored = h.Ok("cert.get", CertTestHost.Key("MY", CertificateFixtures.LeafThumbprint));
            foreach (string field in new string[] { "thumbprint", "subject", "issuer", "not_before", "not_after", "pem" })
                Assert.Equal(stored.Get(field), leaf.Get(field), field);
            Assert.Equal(Json.Write(stored.Get("dns_names")), Json.Write(leaf.Get("dns_names")), "dns_names");
            Assert.Equal(Json.Write(stored.Get("enhanced_key_usages")), Json.Write(leaf.Get("enhanced_key_usages")), "enhanced_key_usages");
        }

        [Test]
        public void InspectOfAnAes256PfxReportsPbes2AndTheChain()
        {
            CertTestHost h = HostWith(CertificateFixtures.ChainAesPfx);
            h.Stores.ReadsPbes2Pfx = false; // Server 2016 would not import it, but reading it is the agent's own
            JsonObject r = h.Ok("cert.pfx_file.inspect", Args(Path, CertificateFixtures.Password));
            AssertNothingImported(h, "inspect");
            Assert.Equal(true, r.Get("pbes2"), "PBES2 (AES-256)");
            Assert.Equal(CertificateFixtures.LeafThumbprint, ((JsonObject)r.Get("certificate")).Get("thumbprint"), "leaf");
            List<string> chain = new List<string>();
            foreach (object c in (List<object>)r.Get("chain"))
            {
                Assert.Equal(false, ((JsonObject)c).Get("has_private_key"), "a chain certificate has no key");
                chain.Add((string)((JsonObject)c).Get("thumbprint"));
            }
            Assert.Equal(CertificateFixtures.IssuingThumbprint + "," + CertificateFixtures.RootThumbprint, string.Join(",", chain), "chain in file order");
        }

        [Test]
        public void InspectOfAPfxWithoutAKeySaysSo()
        {
            CertTestHost h = HostWith(CertificateFixtures.NoKeyPfx);
            JsonObject r = h.Ok("cert.pfx_file.inspect", Args(Path, CertificateFixtures.Password));
            Assert.Equal(true, r.Get("inspected"), "inspected");
            Assert.Equal(false, ((JsonObject)r.Get("certificate")).Get("has_private_key"), "no key");
        }

        [Test]
        public void InspectFailsAsTheImportWould()
        {
            CertTestHost h = HostWith(CertificateFixtures.LeafPfx);
            AgentReply wrong = h.Run("cert.pfx_file.inspect", Args(Path, "not the password"));
            Assert.True(!wrong.Ok && wrong.Line.Contains("\"code\":2147942486") && wrong.Line.Contains("The specified network password is not correct."), wrong.Line);
            Assert.True(!wrong.Line.Contains("not the password"), "the password is never in a message");
            Assert.Equal(WrongPassword, h.Code("cert.import_pfx_file", Args(Path, "not the password").Set("store", "MY")), "the import answers the same");

            AgentReply missing = h.Run("cert.pfx_file.inspect", Args("C:\\Certs\\missing.pfx", CertificateFixtures.Password));
            Assert.True(!missing.Ok && missing.Line.Contains("\"code\":2,") && missing.Line.Contains("missing.pfx"), "no such file, named: " + missing.Line);

            h.Files.Files["C:\\Certs\\garbage.pfx"] = Encoding.ASCII.GetBytes("no pfx at all");
            Assert.Equal(NotPfx, h.Code("cert.pfx_file.inspect", Args("C:\\Certs\\garbage.pfx", "")), "not a PFX");
            h.Files.Files["C:\\Certs\\leaf.cer"] = CertTestHost.Der(CertificateFixtures.LeafPem);
            h.Files.Files["C:\\Certs\\leaf.pem"] = Encoding.ASCII.GetBytes(CertificateFixtures.LeafPem);
            foreach (string bare in new string[] { "C:\\Certs\\leaf.cer", "C:\\Certs\\leaf.pem" })
            {
                // The import would load it without a key (87).
                JsonObject r = h.Ok("cert.pfx_file.inspect", Args(bare, ""));
                Assert.Equal(true, r.Get("bare_certificate"), bare + ": a certificate, not a PFX");
                Assert.Equal(CertificateFixtures.LeafThumbprint, ((JsonObject)r.Get("certificate")).Get("thumbprint"), bare + ": which one");
                Assert.Equal(false, ((JsonObject)r.Get("certificate")).Get("has_private_key"), bare + ": no key");
                Assert.Equal(87L, h.Code("cert.import_pfx_file", Args(bare, "").Set("store", "MY")), bare + ": the import refuses it");
            }
            Assert.Equal(87L, h.Code("cert.pfx_file.inspect", Args("Certs\\host.pfx", "")), "a relative path");
            AssertNothingImported(h, "failures");
        }

        [Test]
        public void WhatTheReaderCannotReadIsUninspectableNeverAFailure()
        {
            // RC4 (no RC4 in .NET Framework): Windows and Mono import it.
            CertTestHost h = HostWith(CertificateFixtures.Rc4Pfx);
            JsonObject r = h.Ok("cert.pfx_file.inspect", Args(Path, CertificateFixtures.Password));
            Assert.Equal(false, r.Get("inspected"), "RC4 is not inspected");
            Assert.True(((string)r.Get("reason")).Contains("1.2.840.113549.1.12.1.1"), "the reason names the scheme: " + r.Get("reason"));
            AssertNothingImported(h, "inspect");
            JsonObject imported = h.Ok("cert.import_pfx_file", Args(Path, CertificateFixtures.Password).Set("store", "MY"));
            Assert.Equal(CertificateFixtures.Rc4Thumbprint, ((JsonObject)imported.Get("certificate")).Get("thumbprint"), "the import reads it");

            // An empty password whose MAC fails: Windows tries a NULL password too.
            CertTestHost empty = HostWith(CertificateFixtures.LeafPfx);
            Assert.Equal(false, empty.Ok("cert.pfx_file.inspect", Args(Path, "")).Get("inspected"), "empty password");

            // A damaged authenticated safe: malformed (0x8009310B on import), not a wrong password.
            CertTestHost malformed = HostWith(CertificateFixtures.MalformedPfx);
            Assert.Equal(false, malformed.Ok("cert.pfx_file.inspect", Args(Path, CertificateFixtures.Password)).Get("inspected"), "malformed");

            // BER (indefinite length) or base64 text: not DER, yet Windows may read it.
            CertTestHost ber = new CertTestHost();
            ber.Files.Files[Path] = new byte[] { 0x30, 0x80, 0x02, 0x01, 0x03, 0x00, 0x00 };
            Assert.Equal(false, ber.Ok("cert.pfx_file.inspect", Args(Path, "")).Get("inspected"), "BER");
            ber.Files.Files[Path] = Encoding.ASCII.GetBytes(CertificateFixtures.LeafPfx);
            Assert.Equal(false, ber.Ok("cert.pfx_file.inspect", Args(Path, CertificateFixtures.Password)).Get("inspected"), "base64 text");
        }
    }
}
