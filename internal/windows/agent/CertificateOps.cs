// Certificates in LocalMachine stores (PROTOCOL.md, "Certificates"):
// cert.list, cert.get, cert.import_pfx, cert.import_pfx_file, cert.add,
// cert.remove, and cert.pfx_file.inspect, which reads a PFX file on the host
// without importing it. What the ops report about a certificate (names, dates, SAN
// DNS names, EKUs, thumbprint) is computed here by .NET from the
// certificate's bytes; the stores (ICertificateStores) only keep bytes and
// key links, as Windows does.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.RegularExpressions;

namespace TfWin
{
    public static class CertificateOps
    {
        // HRESULTs ("COM Error Codes (Security and Setup)", learn.microsoft.com).
        public const long NteBadKeyset = 0x80090016L;         // the key container does not exist
        public const long WrongPassword = 0x80070056L;        // HRESULT_FROM_WIN32(ERROR_INVALID_PASSWORD)
        public const long CryptENoMatch = 0x80092009L;        // CryptQueryObject: not a certificate, PKCS #7 or PFX
        public const long CryptEAsn1BadTag = 0x8009310BL;     // a PFX whose inside is malformed
        public const long FileNotFoundHResult = 0x80070002L;  // HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND)
        public const int NotFound = 1168;                     // ERROR_NOT_FOUND

        /// <summary>Windows' text of 0x80070056 (ERROR_INVALID_PASSWORD).</summary>
        public const string WrongPasswordMessage = "The specified network password is not correct.";

        public static void Register(OpTable ops, HostServices host)
        {
            ops.Add("cert.list", delegate(OpArgs a) { return List(host.Certificates, a); });
            ops.Add("cert.get", delegate(OpArgs a) { return Get(host.Certificates, a); });
            ops.Add("cert.import_pfx", delegate(OpArgs a) { return ImportPfx(host.Certificates, a); });
            ops.Add("cert.import_pfx_file", delegate(OpArgs a) { return ImportPfxFile(host, a); });
            ops.Add("cert.pfx_file.inspect", delegate(OpArgs a) { return InspectPfxFile(host, a); });
            ops.Add("cert.add", delegate(OpArgs a) { return Add(host.Certificates, a); });
            ops.Add("cert.remove", delegate(OpArgs a) { return Remove(host.Certificates, a); });
            KeyAccessOps.Register(ops, host);
        }

        // ---- arguments

        /// <summary>The store argument upper-cased: a system store name (MY,
        /// ROOT, CA, WEBHOSTING, ...), case-insensitive as CertOpenStore treats
        /// them ("System Store Locations", learn.microsoft.com).</summary>
        public static string StoreArg(OpArgs a)
        {
            string store = a.String("store");
            if (string.IsNullOrEmpty(store) || store.Trim().Length == 0)
                throw new OpException(Win32.InvalidParameter, "store: a certificate store name such as MY or ROOT is required");
            if (store.IndexOf('\\') >= 0 || store.IndexOf('/') >= 0)
                throw new OpException(Win32.InvalidParameter, "store: " + store + " must be a LocalMachine system store name such as MY or ROOT");
            return store.ToUpperInvariant();
        }

        /// <summary>40 hexadecimal digits in any case, upper-cased (what
        /// X509FindType.FindByThumbprint matches).</summary>
        public static string ThumbprintArg(OpArgs a, string name)
        {
            string t = a.String(name) ?? "";
            if (!IsThumbprint(t)) throw new OpException(Win32.InvalidParameter, name + ": expected 40 hexadecimal digits");
            return t.ToUpperInvariant();
        }

        private static bool IsThumbprint(string t)
        {
            if (t.Length != 40) return false;
            foreach (char c in t)
            {
                bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
                if (!hex) return false;
            }
            return true;
        }

        // ---- failures

        /// <summary>The code a failure reports, as an unsigned 32-bit value
        /// (a Win32Exception carries an HRESULT as a negative int).</summary>
        public static long CodeOf(Exception e) { return ErrorCodes.Of(e) & 0xFFFFFFFFL; }

        /// <summary>A failure with code: an OpException for a Win32 code, an
        /// HResultException for an HRESULT, so the envelope reports it unsigned.</summary>
        public static Exception Failure(long code, string message, Exception inner)
        {
            if (code >= 0 && code <= int.MaxValue) return new OpException((int)code, message, inner);
            return new HResultException(unchecked((int)code), message, inner);
        }

        /// <summary>e as the op reports it: the same exception unless its code
        /// is an HRESULT a Win32Exception carries (negative), which is
        /// wrapped so the envelope shows it unsigned.</summary>
        public static Exception Reportable(Exception e)
        {
            if (ErrorCodes.Of(e) >= 0) return e;
            return new HResultException(unchecked((int)CodeOf(e)), e.Message, e);
        }

        private static bool IsFileNotFound(Exception e)
        {
            long code = CodeOf(e);
            return code == Win32.FileNotFound || code == FileNotFoundHResult;
        }

        private static string Where(string thumbprint, string store)
        {
            return "certificate " + thumbprint + " in LocalMachine\\" + store;
        }

        // ---- the certificate object

        /// <summary>The protocol's certificate object: what .NET's
        /// X509Certificate2 reads from the bytes.</summary>
        /// <summary>View with key_opens: whether the linked key opens
        /// (OpenKey), what has_private_key alone cannot say.</summary>
        public static JsonObject ViewOpeningKey(ICertificateStores stores, string store, StoreCertificate stored)
        {
            return View(store, stored).Set("key_opens", KeyOpens(stores, stored));
        }

        /// <summary>Whether the certificate links a key that opens. A key
        /// that does not open, for whatever reason, is no key to HTTP.sys
        /// (1312), which is what callers of this want to know.</summary>
        public static bool KeyOpens(ICertificateStores stores, StoreCertificate cert)
        {
            if (cert.Key == null) return false;
            try { OpenKey(stores, cert.Key); }
            catch (Exception) { return false; }
            return true;
        }

        public static JsonObject View(string store, StoreCertificate stored)
        {
            return Facts(store, stored).Set("pem", Pem(stored.RawData));
        }

        /// <summary>The certificate object without its PEM: what a report
        /// about the certificate needs (httpsys.sslcert.certificates).</summary>
        public static JsonObject Facts(string store, StoreCertificate stored)
        {
            return Facts(store, stored.RawData, stored.Key != null);
        }

        /// <summary>The certificate object of DER bytes; without store (null)
        /// for a certificate in no store, such as one inside a PFX file.</summary>
        public static JsonObject Facts(string store, byte[] rawData, bool hasPrivateKey)
        {
            X509Certificate2 cert = Parse(rawData);
            List<object> dnsNames = new List<object>();
            foreach (string n in SanDnsNames(cert)) dnsNames.Add(n);
            List<object> ekus = new List<object>();
            foreach (string o in EnhancedKeyUsages(cert)) ekus.Add(o);
            JsonObject facts = new JsonObject();
            if (store != null) facts.Set("store", store.ToUpperInvariant());
            return facts
                .Set("thumbprint", cert.Thumbprint.ToUpperInvariant())
                .Set("subject", cert.SubjectName.Name)
                .Set("issuer", cert.IssuerName.Name)
                .Set("dns_names", dnsNames)
                .Set("not_before", UtcTime(cert.NotBefore))
                .Set("not_after", UtcTime(cert.NotAfter))
                .Set("has_private_key", hasPrivateKey)
                .Set("enhanced_key_usages", ekus);
        }

        public static X509Certificate2 Parse(byte[] der) { return new X509Certificate2(der); }

        public static string ThumbprintOf(byte[] der) { return Parse(der).Thumbprint.ToUpperInvariant(); }

        public static string UtcTime(DateTime t)
        {
            return t.ToUniversalTime().ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'Z'", CultureInfo.InvariantCulture);
        }

        /// <summary>DER as PEM: 64-character base64 lines, LF line ends.</summary>
        public static string Pem(byte[] der)
        {
            string b64 = Convert.ToBase64String(der);
            StringBuilder sb = new StringBuilder("-----BEGIN CERTIFICATE-----\n");
            for (int i = 0; i < b64.Length; i += 64) sb.Append(b64, i, Math.Min(64, b64.Length - i)).Append('\n');
            return sb.Append("-----END CERTIFICATE-----\n").ToString();
        }

        /// <summary>The EKU OIDs (2.5.29.37) in the certificate's order.</summary>
        public static List<string> EnhancedKeyUsages(X509Certificate2 cert)
        {
            List<string> oids = new List<string>();
            foreach (X509Extension ext in cert.Extensions)
            {
                if (ext.Oid.Value != "2.5.29.37") continue;
                X509EnhancedKeyUsageExtension eku = new X509EnhancedKeyUsageExtension(ext, ext.Critical);
                foreach (Oid oid in eku.EnhancedKeyUsages) oids.Add(oid.Value);
            }
            return oids;
        }

        /// <summary>The dNSName entries of the subject alternative name
        /// extension (2.5.29.17): GeneralNames ::= SEQUENCE OF GeneralName,
        /// dNSName [2] IMPLICIT IA5String, tag 0x82 (RFC 5280 4.2.1.6). Read
        /// from the DER: X509Extension.Format() is in the host's language.</summary>
        public static List<string> SanDnsNames(X509Certificate2 cert)
        {
            List<string> names = new List<string>();
            foreach (X509Extension ext in cert.Extensions)
            {
                if (ext.Oid.Value != "2.5.29.17") continue;
                byte[] der = ext.RawData;
                if (der.Length < 2 || der[0] != 0x30) throw new OpException(Win32.InvalidData, "malformed subject alternative name extension");
                int start, length;
                DerHeader(der, 0, out start, out length);
                int pos = start, end = start + length;
                while (pos < end)
                {
                    int itemStart, itemLength;
                    DerHeader(der, pos, out itemStart, out itemLength);
                    if (der[pos] == 0x82) names.Add(Encoding.ASCII.GetString(der, itemStart, itemLength));
                    pos = itemStart + itemLength;
                }
            }
            return names;
        }

        /// <summary>Where the value of the DER element at pos starts and its
        /// length (X.690 8.1.3: short form, or long form of 1 to 4 bytes).</summary>
        public static void DerHeader(byte[] der, int pos, out int start, out int length)
        {
            if (pos + 2 > der.Length) throw new OpException(Win32.InvalidData, "malformed DER in a certificate extension");
            long len = der[pos + 1];
            start = pos + 2;
            if (len >= 0x80)
            {
                int n = (int)(len & 0x7F);
                if (n < 1 || n > 4 || start + n > der.Length) throw new OpException(Win32.InvalidData, "malformed DER in a certificate extension");
                len = 0;
                for (int i = 0; i < n; i++) len = len * 256 + der[start + i];
                start += n;
            }
            if (start + len > der.Length) throw new OpException(Win32.InvalidData, "malformed DER in a certificate extension");
            length = (int)len;
        }

        // ---- store access

        /// <summary>The certificate, or null; a store that does not exist holds none.</summary>
        public static StoreCertificate FindOrNull(ICertificateStores stores, string store, string thumbprint)
        {
            try { return stores.FindByThumbprint(store, thumbprint); }
            catch (Exception e)
            {
                if (IsFileNotFound(e)) return null;
                throw Reportable(e);
            }
        }

        /// <summary>The certificate; 2 when it (or its store) is not there.</summary>
        public static StoreCertificate FindRequired(ICertificateStores stores, string store, string thumbprint)
        {
            StoreCertificate c = FindOrNull(stores, store, thumbprint);
            if (c == null) throw new OpException(Win32.FileNotFound, "certificate " + thumbprint + " is not in LocalMachine\\" + store);
            return c;
        }

        /// <summary>Opens the key a link names with the API of its kind: CNG
        /// (NCryptOpenKey) for provider type 0, CryptoAPI (CryptAcquireContext)
        /// otherwise. .NET's GetRSAPrivateKey cannot decide this: on .NET 4.6+
        /// it answers RSACng for CAPI keys too (dotnet/corefx #3502, #7828).</summary>
        public static void OpenKey(ICertificateStores stores, KeyProviderInfo key)
        {
            if (key.IsCng) stores.NCryptOpenKey(key);
            else stores.CryptAcquireContext(key);
        }

        /// <summary>Fails with 1312 (what HTTP.sys answers a binding) unless
        /// the certificate links a key that opens: HasPrivateKey only says the
        /// link exists (Posh-ACME #157).</summary>
        public static void RequireKeyOpens(ICertificateStores stores, StoreCertificate cert, string store, string context)
        {
            string thumbprint = ThumbprintOf(cert.RawData);
            if (cert.Key == null)
                throw new OpException(Win32.NoSuchLogonSession, context + Where(thumbprint, store) + " has no private key");
            try { OpenKey(stores, cert.Key); }
            catch (Exception e)
            {
                throw new OpException(Win32.NoSuchLogonSession, context + Where(thumbprint, store) + " links a private key that cannot be opened ("
                    + (cert.Key.IsCng ? "CNG" : "CryptoAPI") + ": " + e.Message + "): its key container is missing or not the one the certificate names; import the PFX again with its private key", e);
            }
        }

        /// <summary>Whether a certificate other than (exceptStore,
        /// exceptThumbprint) in any LocalMachine store links the key container:
        /// a renewal "with same key", or a copy in another store. Such a key is
        /// never deleted (Windows' own tools never delete keys on certificate
        /// removal). A store that cannot be read fails the op: the key is kept.</summary>
        public static bool LinkedElsewhere(ICertificateStores stores, KeyProviderInfo key, string exceptStore, string exceptThumbprint)
        {
            foreach (string name in stores.EnumSystemStores())
            {
                IList<StoreCertificate> certs;
                try { certs = stores.Certificates(name); }
                catch (Exception e)
                {
                    if (IsFileNotFound(e)) continue;
                    throw Reportable(e);
                }
                foreach (StoreCertificate c in certs)
                {
                    if (c.Key == null || !c.Key.SameContainer(key)) continue;
                    if (exceptThumbprint != null && string.Equals(name, exceptStore, StringComparison.OrdinalIgnoreCase)
                        && ThumbprintOf(c.RawData) == exceptThumbprint) continue;
                    return true;
                }
            }
            return false;
        }

        /// <summary>Deletes a key container with the API of its kind
        /// (NCryptDeleteKey, or CryptAcquireContext CRYPT_DELETEKEYSET); one
        /// already gone (NTE_BAD_KEYSET) is fine.</summary>
        public static void DeleteKey(ICertificateStores stores, KeyProviderInfo key)
        {
            try
            {
                if (key.IsCng) stores.NCryptDeleteKey(key);
                else stores.CryptDeleteKeyset(key);
            }
            catch (Exception e)
            {
                if (CodeOf(e) == NteBadKeyset) return;
                throw Reportable(e);
            }
        }

        // ---- ops

        /// <summary>cert.list: a store that does not exist lists empty (and
        /// is not created). With open_keys each certificate says whether its
        /// key opens (key_opens).</summary>
        public static object List(ICertificateStores stores, OpArgs a)
        {
            string store = StoreArg(a);
            List<object> list = new List<object>();
            IList<StoreCertificate> certs;
            try { certs = stores.Certificates(store); }
            catch (Exception e)
            {
                if (IsFileNotFound(e)) return new JsonObject().Set("certificates", list);
                throw Reportable(e);
            }
            bool openKeys = a.Bool("open_keys", false);
            foreach (StoreCertificate c in certs) list.Add(openKeys ? ViewOpeningKey(stores, store, c) : View(store, c));
            return new JsonObject().Set("certificates", list);
        }

        public static object Get(ICertificateStores stores, OpArgs a)
        {
            string store = StoreArg(a);
            string thumbprint = ThumbprintArg(a, "thumbprint");
            bool requireKey = a.Bool("require_key", false);
            StoreCertificate cert = FindRequired(stores, store, thumbprint);
            if (requireKey) RequireKeyOpens(stores, cert, store, "");
            return a.Bool("open_keys", false) ? ViewOpeningKey(stores, store, cert) : View(store, cert);
        }

        private static readonly Regex PemBlock = new Regex("-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\\s]*)-----END CERTIFICATE-----");

        /// <summary>cert.add: one PEM certificate, added with X509Store.Add (a
        /// certificate already there keeps its key link), read back.</summary>
        public static object Add(ICertificateStores stores, OpArgs a)
        {
            string store = StoreArg(a);
            string pem = a.String("pem") ?? "";
            MatchCollection found = PemBlock.Matches(pem);
            if (found.Count != 1)
                throw new OpException(Win32.InvalidParameter, "pem: expected exactly one PEM certificate (-----BEGIN CERTIFICATE-----), found " + found.Count);
            byte[] der;
            try { der = Convert.FromBase64String(Regex.Replace(found[0].Groups[1].Value, "\\s", "")); }
            catch (FormatException) { throw new OpException(Win32.InvalidParameter, "pem: the certificate block is not valid base64"); }
            string thumbprint;
            try { thumbprint = ThumbprintOf(der); }
            catch (CryptographicException e) { throw new OpException(Win32.InvalidParameter, "pem: not an X.509 certificate: " + e.Message); }
            try { stores.Add(store, der, null); }
            catch (Exception e) { throw Reportable(e); }
            return Confirm(stores, store, thumbprint, false);
        }

        /// <summary>Reads a certificate back from its store after it was added:
        /// an add that seemed to succeed must have put it there (and, for a
        /// PFX, linked a key that opens: puppetlabs-sslcertificate #116).</summary>
        private static JsonObject Confirm(ICertificateStores stores, string store, string thumbprint, bool requireKey)
        {
            StoreCertificate c = FindOrNull(stores, store, thumbprint);
            if (c == null) throw new OpException(NotFound, "after the import, certificate " + thumbprint + " is not in LocalMachine\\" + store);
            if (requireKey) RequireKeyOpens(stores, c, store, "after the import, ");
            return View(store, c);
        }

        /// <summary>cert.remove: the certificate, and its key container unless
        /// another certificate in any LocalMachine store links it. The key goes
        /// first: if that fails, the certificate is still there, intact.</summary>
        public static object Remove(ICertificateStores stores, OpArgs a)
        {
            string store = StoreArg(a);
            string thumbprint = ThumbprintArg(a, "thumbprint");
            StoreCertificate cert = FindRequired(stores, store, thumbprint);
            if (cert.Key != null && !LinkedElsewhere(stores, cert.Key, store, thumbprint)) DeleteKey(stores, cert.Key);
            try { stores.Remove(store, thumbprint); }
            catch (Exception e) { throw Reportable(e); }
            return new JsonObject();
        }

        public static object ImportPfx(ICertificateStores stores, OpArgs a)
        {
            string store = StoreArg(a);
            string b64 = a.String("pfx_base64") ?? "";
            byte[] bytes;
            try { bytes = Convert.FromBase64String(b64); }
            catch (FormatException) { throw new OpException(Win32.InvalidParameter, "pfx_base64: not valid base64"); }
            return Import(stores, store, bytes, a);
        }

        /// <summary>A drive-absolute (C:\...) or UNC (\\server\share\...) path.
        /// Path.IsPathRooted also accepts "\dir\file" and "C:file", which
        /// resolve against the session's current drive or directory ("File
        /// path formats on Windows systems", learn.microsoft.com); over WinRM
        /// that is the user's profile folder, not what the user meant.</summary>
        public static bool IsAbsolutePath(string path)
        {
            return Regex.IsMatch(path, "^[A-Za-z]:[\\\\/]") || Regex.IsMatch(path, "^[\\\\/]{2}[^\\\\/]+[\\\\/]+[^\\\\/]");
        }

        public static object ImportPfxFile(HostServices host, OpArgs a)
        {
            return Import(host.Certificates, StoreArg(a), ReadPfxFile(host, a), a);
        }

        /// <summary>The bytes of the file the path argument names: an
        /// absolute path (87 otherwise); 2 naming the path when the file or
        /// its folder is not there.</summary>
        private static byte[] ReadPfxFile(HostServices host, OpArgs a)
        {
            string path = a.String("path");
            if (string.IsNullOrEmpty(path) || path.Trim().Length == 0)
                throw new OpException(Win32.InvalidParameter, "path: the path of a .pfx file on the host is required");
            if (!IsAbsolutePath(path))
                throw new OpException(Win32.InvalidParameter, "path: " + path + " is relative; give the full path of the .pfx file on the host, such as C:\\Certs\\host.pfx");
            try { return host.Files.ReadAllBytes(path); }
            catch (Exception e)
            {
                if (IsFileNotFound(e) || CodeOf(e) == 3) throw new OpException(Win32.FileNotFound, "no such file: " + path, e);
                throw Reportable(e);
            }
        }

        /// <summary>cert.pfx_file.inspect: what importing the PFX file would
        /// import, read without importing it (PROTOCOL.md). The file is read
        /// by Pkcs12Reader, in memory: X509Certificate2Collection.Import would
        /// write the PFX's keys into key containers. It fails as the import
        /// would only where the answer is certain: a wrong password (the MAC
        /// does not match: 0x80070056, Windows' answer), no PFX at all
        /// (0x80092009), a PFX with more than one key (87, as
        /// cert.import_pfx). A bare certificate (DER or PEM), which the import
        /// would load without a key, answers "bare_certificate":true with the
        /// certificate. A PFX this reader cannot
        /// read, though Windows may (RC4, unusual PBES2 parameters or MAC
        /// digests, BER, a key it cannot match to its certificate, an empty
        /// password that Windows also tries as NULL), answers
        /// {"inspected":false,"reason":...}, never a failure.</summary>
        public static object InspectPfxFile(HostServices host, OpArgs a)
        {
            byte[] bytes = ReadPfxFile(host, a);
            string path = a.String("path");
            string password = a.String("password") ?? "";
            if (!Pkcs12Reader.IsPfxBlob(bytes))
            {
                byte[] der = BareCertificate(bytes);
                if (der != null)
                    return new JsonObject().Set("inspected", true).Set("bare_certificate", true)
                        .Set("certificate", Facts(null, der, false).Set("pem", Pem(der))).Set("chain", new List<object>()).Set("pbes2", false);
                if (MayBeEncodedPfx(bytes)) return CannotInspect("the file is not a DER-encoded PFX (BER or base64 text)");
                throw new HResultException(unchecked((int)CryptENoMatch), "Cannot find the requested object. (" + path + " is not a PFX file)", null);
            }
            Pkcs12Reader.Contents contents;
            try { contents = Pkcs12Reader.Inspect(bytes, password); }
            catch (Pkcs12Reader.Pkcs12Exception e)
            {
                if (e.MacMismatch && password.Length > 0) throw new HResultException(unchecked((int)WrongPassword), WrongPasswordMessage, null);
                return CannotInspect(e.MacMismatch ? "the MAC does not match the empty password, and Windows also tries none" : e.Message);
            }
            catch (Exception e)
            {
                return CannotInspect("the PFX's structure is not one this reader knows (" + e.GetType().Name + ")");
            }
            if (!contents.MacVerified) return CannotInspect("the PFX has no password integrity (MAC) to check the password against");
            if (contents.UnmatchedKeys > 0) return CannotInspect("a private key in the PFX matches none of its certificates by localKeyId");
            if (contents.Entries.Count == 0) return CannotInspect("the PFX holds no certificate this reader knows");
            PfxEntry leaf = null;
            int withKey = 0;
            foreach (PfxEntry e in contents.Entries)
            {
                if (!e.HasKey) continue;
                leaf = e;
                withKey++;
            }
            if (withKey > 1) throw new OpException(Win32.InvalidParameter, "the PFX holds " + withKey + " certificates with private keys; it must hold one (the server certificate)");
            if (leaf == null) leaf = contents.Entries[0];
            List<object> chain = new List<object>();
            foreach (PfxEntry e in contents.Entries)
                if (!object.ReferenceEquals(e, leaf)) chain.Add(Facts(null, e.RawData, false).Set("pem", Pem(e.RawData)));
            return new JsonObject().Set("inspected", true)
                .Set("certificate", Facts(null, leaf.RawData, leaf.HasKey).Set("pem", Pem(leaf.RawData)))
                .Set("chain", chain)
                .Set("pbes2", contents.UsesPbes2);
        }

        private static JsonObject CannotInspect(string reason)
        {
            return new JsonObject().Set("inspected", false).Set("reason", reason);
        }

        /// <summary>The DER of one X.509 certificate, DER or PEM, or null:
        /// Windows' CryptQueryObject loads it as a collection of one
        /// certificate without a key. Only a whole DER SEQUENCE whose first
        /// element is a SEQUENCE (the tbsCertificate; a PFX's is its version
        /// INTEGER) is handed to .NET, which therefore never sees a PFX here.</summary>
        private static byte[] BareCertificate(byte[] bytes)
        {
            byte[] der = bytes;
            Match m = PemBlock.Match(Encoding.ASCII.GetString(bytes));
            if (m.Success)
            {
                try { der = Convert.FromBase64String(Regex.Replace(m.Groups[1].Value, "\\s", "")); }
                catch (FormatException) { return null; }
            }
            int start, length, inner, innerLength;
            try
            {
                if (der.Length < 4 || der[0] != 0x30) return null;
                DerHeader(der, 0, out start, out length);
                if (start + length != der.Length || der[start] != 0x30) return null;
                DerHeader(der, start, out inner, out innerLength);
                Parse(der);
                return der;
            }
            catch (Exception) { return null; }
        }

        /// <summary>Bytes Windows may still read as a PFX though they are not
        /// one in DER: BER with an indefinite length (0x30 0x80), or base64
        /// text (CryptQueryObject decodes base64).</summary>
        private static bool MayBeEncodedPfx(byte[] bytes)
        {
            if (bytes.Length >= 2 && bytes[0] == 0x30 && bytes[1] == 0x80) return true;
            string text = Encoding.ASCII.GetString(bytes);
            if (!Regex.IsMatch(text, "^[A-Za-z0-9+/=\\s]+$")) return false;
            try { return Pkcs12Reader.IsPfxBlob(Convert.FromBase64String(Regex.Replace(text, "\\s", ""))); }
            catch (FormatException) { return false; }
        }

        /// <summary>The import of a PFX (PROTOCOL.md "cert.import_pfx"), with
        /// MachineKeySet | PersistKeySet: over WinRM the logon has no loaded
        /// profile, so a user key set would vanish. PersistKeySet writes every
        /// key of the PFX during the import, so on a failure the keys not kept
        /// are deleted again.
        ///
        /// A certificate already in the store (a re-import: new key flags, a
        /// chain, a lost key) stays usable throughout, for the SSL bindings
        /// that serve it: the new key is written first; X509Store.Add replaces
        /// the stored certificate's key link with the new key's; the thumbprint
        /// and the new key are confirmed; only then is the previous key
        /// container deleted (unless another certificate links it). On a
        /// failure after the Add the certificate is linked to its previous key
        /// container again (a first import is removed) and the new keys are
        /// deleted, except one a stored certificate still links to.</summary>
        public static JsonObject Import(ICertificateStores stores, string store, byte[] bytes, OpArgs a)
        {
            string password = a.String("password") ?? "";
            bool exportable = a.Bool("exportable", false);
            bool importChain = a.Bool("import_chain", false);
            string expected = a.String("expect_thumbprint");
            if (!string.IsNullOrEmpty(expected)) expected = ThumbprintArg(a, "expect_thumbprint");
            X509KeyStorageFlags flags = X509KeyStorageFlags.MachineKeySet | X509KeyStorageFlags.PersistKeySet;
            if (exportable) flags |= X509KeyStorageFlags.Exportable;

            IList<StoreCertificate> pfx;
            try { pfx = stores.ImportPfx(bytes, password, flags); }
            catch (Exception e) { throw Reportable(e); }

            string thumbprint = null;
            bool linked = false, hadPrevious = false;
            KeyProviderInfo previousKey = null;
            StoreCertificate endEntity = null;
            JsonObject certificate;
            List<object> chain = new List<object>();
            try
            {
                endEntity = SelectEndEntity(pfx);
                thumbprint = ThumbprintOf(endEntity.RawData);
                if (expected != null && expected.Length > 0 && thumbprint != expected)
                    throw new OpException(Win32.InvalidData, "the PFX holds certificate " + thumbprint + ", not " + expected + ", which is being imported again; nothing was changed");
                StoreCertificate previous = FindOrNull(stores, store, thumbprint);
                hadPrevious = previous != null;
                if (previous != null) previousKey = previous.Key;
                try { stores.Add(store, endEntity.RawData, endEntity.Key); }
                catch (Exception e) { throw Reportable(e); }
                linked = true;
                certificate = Confirm(stores, store, thumbprint, true);
                if (importChain)
                {
                    foreach (StoreCertificate c in pfx)
                    {
                        if (object.ReferenceEquals(c, endEntity)) continue;
                        X509Certificate2 x = Parse(c.RawData);
                        string target = IsSelfSigned(x) ? "ROOT" : "CA";
                        try { stores.Add(target, c.RawData, null); }
                        catch (Exception e) { throw Reportable(e); }
                        chain.Add(Confirm(stores, target, x.Thumbprint.ToUpperInvariant(), false));
                    }
                }
            }
            catch (Exception)
            {
                KeyProviderInfo stored = previousKey;
                bool known = true;
                if (linked) known = UndoAdd(stores, store, endEntity, thumbprint, hadPrevious, previousKey, out stored);
                if (known)
                {
                    foreach (StoreCertificate c in pfx)
                    {
                        if (c.Key == null || c.Key.SameContainer(previousKey) || c.Key.SameContainer(stored)) continue;
                        try
                        {
                            if (!LinkedElsewhere(stores, c.Key, null, null)) DeleteKey(stores, c.Key);
                        }
                        catch (Exception) { }
                    }
                }
                throw;
            }
            if (previousKey != null && !previousKey.SameContainer(endEntity.Key))
            {
                try
                {
                    if (!LinkedElsewhere(stores, previousKey, store, thumbprint)) DeleteKey(stores, previousKey);
                }
                catch (Exception e)
                {
                    throw new OpException(1, "certificate " + thumbprint + " was imported again with its new key, but its previous key container "
                        + previousKey.ContainerName + " could not be deleted: " + e.Message, e);
                }
            }
            return new JsonObject().Set("certificate", certificate).Set("chain", chain);
        }

        /// <summary>The one certificate of the PFX that has a private key.</summary>
        private static StoreCertificate SelectEndEntity(IList<StoreCertificate> pfx)
        {
            StoreCertificate found = null;
            int n = 0;
            foreach (StoreCertificate c in pfx)
            {
                if (c.Key == null) continue;
                found = c;
                n++;
            }
            if (n == 0) throw new OpException(Win32.InvalidParameter, "the PFX holds no certificate with a private key; export the certificate with its private key");
            if (n > 1) throw new OpException(Win32.InvalidParameter, "the PFX holds " + n + " certificates with private keys; it must hold one (the server certificate)");
            return found;
        }

        /// <summary>A certificate whose issuer is its own subject is a root.</summary>
        public static bool IsSelfSigned(X509Certificate2 cert)
        {
            return Convert.ToBase64String(cert.SubjectName.RawData) == Convert.ToBase64String(cert.IssuerName.RawData);
        }

        /// <summary>Puts the store back as it was before the end-entity was
        /// added: a first import is removed; a re-import's certificate is linked
        /// to its previous key container again (read before the Add: X509Store.Add
        /// keeps the stored context and gives it the new key link). A previous
        /// link that was null is not restored: the new key stays linked, better
        /// than none. Best effort. It reports the key the stored certificate links
        /// to afterwards (stored), which must not be deleted, and false when that
        /// cannot be read (then no key may be deleted).</summary>
        private static bool UndoAdd(ICertificateStores stores, string store, StoreCertificate endEntity, string thumbprint,
            bool hadPrevious, KeyProviderInfo previousKey, out KeyProviderInfo stored)
        {
            try
            {
                if (!hadPrevious) stores.Remove(store, thumbprint);
                else if (previousKey != null) stores.Add(store, endEntity.RawData, previousKey);
            }
            catch (Exception) { }
            try
            {
                StoreCertificate now = FindOrNull(stores, store, thumbprint);
                stored = now == null ? null : now.Key;
                return true;
            }
            catch (Exception)
            {
                stored = null;
                return false;
            }
        }
    }

    /// <summary>A failure reported with an HRESULT (0x8xxxxxxx): the envelope
    /// shows a CryptographicException's HResult unsigned (ErrorCodes.Of).</summary>
    public sealed class HResultException : CryptographicException
    {
        public HResultException(int hresult, string message, Exception inner) : base(message, inner) { HResult = hresult; }
    }
}
