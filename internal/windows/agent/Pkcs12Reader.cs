// A reader of PKCS #12 files (RFC 7292) with password integrity, whose bags
// are encrypted with PBES2 (PBKDF2 and AES-CBC, RFC 8018: the "modern" PFX
// that OpenSSL 3 writes by default and Windows Server 2019 and later import)
// or the legacy PKCS #12 PBE (TripleDES, RC2). Built from .NET's own
// primitives (HMAC, AES, TripleDES, RC2), in memory only: unlike
// X509Certificate2Collection.Import, which on .NET Framework writes every key
// of the PFX into a key container, it creates nothing on the host. On hosts,
// cert.pfx_file.inspect reads a PFX file with it at plan time. The stand-ins
// of Windows that run on Mono (mono/) read with it what Mono 6.8's
// X509Certificate2Collection.Import cannot: PBES2 files, and every
// certificate of a legacy one (Mono answers only the one with the key).
// What it does not know (RC4, PBES2 with a cipher or PRF other than AES and
// HMAC-SHA-1/-256, a MAC digest other than SHA-1/-256) it reports as a
// Pkcs12Exception that is not a wrong password.
using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using System.Text;

namespace TfWin
{
    public static class Pkcs12Reader
    {
        private const string OidData = "1.2.840.113549.1.7.1";
        private const string OidEncryptedData = "1.2.840.113549.1.7.6";
        private const string OidPbes2 = "1.2.840.113549.1.5.13";
        private const string OidPkcs12Pbe = "1.2.840.113549.1.12.1";
        private const string OidPbkdf2 = "1.2.840.113549.1.5.12";
        private const string OidHmacSha1 = "1.2.840.113549.2.7";
        private const string OidHmacSha256 = "1.2.840.113549.2.9";
        private const string OidSha1 = "1.3.14.3.2.26";
        private const string OidSha256 = "2.16.840.1.101.3.4.2.1";
        private const string OidKeyBag = "1.2.840.113549.1.12.10.1.1";
        private const string OidShroudedKeyBag = "1.2.840.113549.1.12.10.1.2";
        private const string OidCertBag = "1.2.840.113549.1.12.10.1.3";
        private const string OidLocalKeyId = "1.2.840.113549.1.9.21";
        private const string OidRsa = "1.2.840.113549.1.1.1";

        /// <summary>Why a PFX could not be read: a wrong password (the MAC or
        /// a bag's padding does not check out) or a form this reader does not
        /// know.</summary>
        public sealed class Pkcs12Exception : Exception
        {
            public Pkcs12Exception(string message, bool wrongPassword) : this(message, wrongPassword, false) { }

            public Pkcs12Exception(string message, bool wrongPassword, bool macMismatch) : base(message)
            {
                WrongPassword = wrongPassword;
                MacMismatch = macMismatch;
            }

            public bool WrongPassword { get; private set; }

            /// <summary>The password integrity check (the MAC over the whole
            /// file) failed: what Windows answers with "wrong password". A bag
            /// that does not decrypt is WrongPassword without it.</summary>
            public bool MacMismatch { get; private set; }
        }

        /// <summary>What Inspect read from a PFX.</summary>
        public sealed class Contents
        {
            internal Contents() { Entries = new List<PfxEntry>(); }

            /// <summary>The certificates in file order, the key's owner marked.</summary>
            public List<PfxEntry> Entries { get; private set; }

            /// <summary>Some content (an encrypted safe or a shrouded key) is
            /// encrypted with PBES2 (AES), which Windows imports only from
            /// build 16299 on.</summary>
            public bool UsesPbes2 { get; internal set; }

            /// <summary>The file has a MAC and the password checked out against it.</summary>
            public bool MacVerified { get; internal set; }

            /// <summary>Private keys that belong to no certificate this reader
            /// could match (by localKeyId, or an RSA key's modulus).</summary>
            public int UnmatchedKeys { get; internal set; }
        }

        /// <summary>The certificates in file order; the one the key belongs to
        /// (by localKeyId, else by RSA modulus) carries it.</summary>
        public static List<PfxEntry> Read(byte[] pfx, string password)
        {
            return Inspect(pfx, password).Entries;
        }

        /// <summary>Read, and how the file is protected.</summary>
        public static Contents Inspect(byte[] pfx, string password)
        {
            Contents contents = new Contents();
            Der outer = Der.Parse(pfx, 0, pfx.Length).Expect(0x30);
            List<Der> top = outer.Children();
            if (top.Count < 2) throw new Pkcs12Exception("not a PFX", false);
            Der authSafe = top[1].Expect(0x30);
            List<Der> ci = authSafe.Children();
            if (ci[0].Oid() != OidData) throw new Pkcs12Exception("a PFX signed with a public key (not password integrity)", false);
            byte[] content = ci[1].Expect(0xA0).Children()[0].OctetString();
            // The authenticated safe is a SEQUENCE OF ContentInfo before the
            // MAC is checked: a damaged file is malformed, not a wrong password.
            foreach (Der info in Der.Parse(content, 0, content.Length).Expect(0x30).Children()) info.Expect(0x30).Children()[0].Oid();
            if (top.Count > 2)
            {
                CheckMac(top[2], content, password);
                contents.MacVerified = true;
            }

            List<KeyValuePair<byte[], byte[]>> certs = new List<KeyValuePair<byte[], byte[]>>(); // DER, localKeyId
            List<KeyValuePair<byte[], byte[]>> keys = new List<KeyValuePair<byte[], byte[]>>();  // PKCS #8, localKeyId
            foreach (Der info in Der.Parse(content, 0, content.Length).Expect(0x30).Children())
            {
                List<Der> parts = info.Children();
                string type = parts[0].Oid();
                byte[] safeContents;
                if (type == OidData) safeContents = parts[1].Expect(0xA0).Children()[0].OctetString();
                else if (type == OidEncryptedData)
                {
                    List<Der> encrypted = parts[1].Expect(0xA0).Children()[0].Expect(0x30).Children()[1].Children();
                    byte[] cipher = encrypted.Count > 2 ? encrypted[2].ImplicitOctetString() : new byte[0];
                    safeContents = Decrypt(encrypted[1], cipher, password, contents);
                }
                else throw new Pkcs12Exception("a PFX content of type " + type, false);
                foreach (Der bag in Der.Parse(safeContents, 0, safeContents.Length).Expect(0x30).Children())
                {
                    List<Der> b = bag.Children();
                    string bagType = b[0].Oid();
                    Der value = b[1].Expect(0xA0).Children()[0];
                    byte[] keyId = b.Count > 2 ? LocalKeyId(b[2]) : null;
                    if (bagType == OidCertBag) certs.Add(new KeyValuePair<byte[], byte[]>(value.Children()[1].Expect(0xA0).Children()[0].OctetString(), keyId));
                    else if (bagType == OidShroudedKeyBag)
                    {
                        List<Der> epki = value.Children();
                        keys.Add(new KeyValuePair<byte[], byte[]>(Decrypt(epki[0], epki[1].OctetString(), password, contents), keyId));
                    }
                    else if (bagType == OidKeyBag) keys.Add(new KeyValuePair<byte[], byte[]>(value.Bytes(), keyId));
                }
            }
            List<PfxEntry> result = contents.Entries;
            foreach (KeyValuePair<byte[], byte[]> c in certs) result.Add(new PfxEntry(c.Key, false, null));
            foreach (KeyValuePair<byte[], byte[]> k in keys)
            {
                int owner = -1;
                for (int i = 0; i < certs.Count && owner < 0; i++)
                    if (k.Value != null && certs[i].Value != null && Same(k.Value, certs[i].Value)) owner = i;
                byte[] rsa = RsaPrivateKey(k.Key);
                for (int i = 0; i < certs.Count && owner < 0; i++)
                    if (rsa != null && Same(RsaModulus(rsa), CertificateModulus(certs[i].Key))) owner = i;
                if (owner < 0)
                {
                    contents.UnmatchedKeys++;
                    continue;
                }
                result[owner] = new PfxEntry(certs[owner].Key, true, k.Key);
            }
            return contents;
        }

        /// <summary>PFXIsPFXBlob: the outer layer decodes as a version 3 PFX
        /// (RFC 7292 4: PFX ::= SEQUENCE { version INTEGER {v3(3)}, authSafe
        /// ContentInfo, macData MacData OPTIONAL }), in DER.</summary>
        public static bool IsPfxBlob(byte[] data)
        {
            try
            {
                Der outer = Der.Parse(data, 0, data.Length);
                if (outer.Tag != 0x30 || outer.End != data.Length) return false;
                Der version = Der.Parse(data, outer.Start, outer.End);
                if (version.Tag != 0x02 || version.End - version.Start != 1 || data[version.Start] != 3) return false;
                return Der.Parse(data, version.End, outer.End).Tag == 0x30;
            }
            catch (Pkcs12Exception) { return false; }
        }

        private static bool Same(byte[] a, byte[] b)
        {
            if (a == null || b == null || a.Length != b.Length) return false;
            for (int i = 0; i < a.Length; i++) if (a[i] != b[i]) return false;
            return true;
        }

        private static byte[] LocalKeyId(Der attributes)
        {
            foreach (Der attribute in attributes.Children())
            {
                List<Der> a = attribute.Children();
                if (a.Count == 2 && a[0].Oid() == OidLocalKeyId)
                {
                    List<Der> values = a[1].Children();
                    if (values.Count > 0) return values[0].OctetString();
                }
            }
            return null;
        }

        /// <summary>The RSAPrivateKey (PKCS #1) inside a PKCS #8 PrivateKeyInfo, or null for another key type.</summary>
        private static byte[] RsaPrivateKey(byte[] pkcs8)
        {
            List<Der> info = Der.Parse(pkcs8, 0, pkcs8.Length).Expect(0x30).Children();
            if (info[1].Children()[0].Oid() != OidRsa) return null;
            return info[2].OctetString();
        }

        private static byte[] RsaModulus(byte[] pkcs1)
        {
            return Unsigned(Der.Parse(pkcs1, 0, pkcs1.Length).Expect(0x30).Children()[1].Bytes());
        }

        private static byte[] CertificateModulus(byte[] der)
        {
            try
            {
                System.Security.Cryptography.X509Certificates.X509Certificate2 cert = new System.Security.Cryptography.X509Certificates.X509Certificate2(der);
                if (cert.PublicKey.Oid.Value != OidRsa) return null;
                byte[] key = cert.PublicKey.EncodedKeyValue.RawData;
                return Unsigned(Der.Parse(key, 0, key.Length).Expect(0x30).Children()[0].Bytes());
            }
            catch (CryptographicException) { return null; }
        }

        private static byte[] Unsigned(byte[] n)
        {
            int i = 0;
            while (i < n.Length - 1 && n[i] == 0) i++;
            byte[] r = new byte[n.Length - i];
            Array.Copy(n, i, r, 0, r.Length);
            return r;
        }

        /// <summary>MacData ::= SEQUENCE { mac DigestInfo, macSalt OCTET STRING,
        /// iterations INTEGER DEFAULT 1 }: HMAC over the authenticated safe with
        /// the key of the PKCS #12 KDF (ID 3) from the BMPString password.</summary>
        private static void CheckMac(Der macData, byte[] content, string password)
        {
            List<Der> m = macData.Children();
            List<Der> digestInfo = m[0].Children();
            string hash = digestInfo[0].Children()[0].Oid();
            byte[] expected = digestInfo[1].OctetString();
            byte[] salt = m[1].OctetString();
            int iterations = m.Count > 2 ? (int)m[2].Integer() : 1;
            HMAC hmac;
            if (hash == OidSha256) hmac = new HMACSHA256();
            else if (hash == OidSha1) hmac = new HMACSHA1();
            else throw new Pkcs12Exception("a PFX MAC with digest " + hash, false);
            using (hmac)
            {
                hmac.Key = Pkcs12Kdf(hash == OidSha256 ? (HashAlgorithm)SHA256.Create() : SHA1.Create(), 3, BmpPassword(password), salt, iterations, hmac.HashSize / 8);
                if (!Same(hmac.ComputeHash(content), expected)) throw new Pkcs12Exception("the MAC does not match: wrong password", true, true);
            }
        }

        private static byte[] BmpPassword(string password)
        {
            byte[] utf16 = Encoding.BigEndianUnicode.GetBytes(password ?? "");
            byte[] r = new byte[utf16.Length + 2];
            Array.Copy(utf16, r, utf16.Length);
            return r;
        }

        /// <summary>RFC 7292 B.2.</summary>
        private static byte[] Pkcs12Kdf(HashAlgorithm h, byte id, byte[] password, byte[] salt, int iterations, int n)
        {
            using (h)
            {
                int u = h.HashSize / 8, v = 64;
                byte[] s = Repeat(salt, v * ((salt.Length + v - 1) / v));
                byte[] p = Repeat(password, v * ((password.Length + v - 1) / v));
                byte[] i = new byte[s.Length + p.Length];
                Array.Copy(s, i, s.Length);
                Array.Copy(p, 0, i, s.Length, p.Length);
                byte[] d = new byte[v];
                for (int k = 0; k < v; k++) d[k] = id;
                MemoryStream output = new MemoryStream();
                while (output.Length < n)
                {
                    byte[] a = new byte[d.Length + i.Length];
                    Array.Copy(d, a, d.Length);
                    Array.Copy(i, 0, a, d.Length, i.Length);
                    for (int r = 0; r < iterations; r++) a = h.ComputeHash(a);
                    output.Write(a, 0, a.Length);
                    byte[] b = Repeat(a, v);
                    for (int j = 0; j < i.Length; j += v)
                    {
                        int carry = 1;
                        for (int k = v - 1; k >= 0; k--)
                        {
                            int sum = i[j + k] + b[k] + carry;
                            i[j + k] = (byte)sum;
                            carry = sum >> 8;
                        }
                    }
                    if (u == 0) break;
                }
                byte[] result = new byte[n];
                Array.Copy(output.ToArray(), result, n);
                return result;
            }
        }

        private static byte[] Repeat(byte[] data, int length)
        {
            byte[] r = new byte[length];
            for (int k = 0; k < length && data.Length > 0; k++) r[k] = data[k % data.Length];
            return r;
        }

        /// <summary>Decrypts with a PBES2 AlgorithmIdentifier: PBKDF2 (HMAC-SHA-1
        /// or -SHA-256) from the UTF-8 password (RFC 8018 leaves the encoding to
        /// the application; OpenSSL and Windows use UTF-8), AES-CBC.</summary>
        private static byte[] Decrypt(Der algorithm, byte[] cipher, string password, Contents contents)
        {
            List<Der> alg = algorithm.Children();
            if (alg[0].Oid().StartsWith(OidPkcs12Pbe, StringComparison.Ordinal)) return DecryptPkcs12Pbe(alg, cipher, password);
            if (alg[0].Oid() != OidPbes2) throw new Pkcs12Exception("a bag encrypted with " + alg[0].Oid() + ", not PBES2", false);
            contents.UsesPbes2 = true;
            List<Der> parameters = alg[1].Children();
            List<Der> kdf = parameters[0].Children();
            if (kdf[0].Oid() != OidPbkdf2) throw new Pkcs12Exception("PBES2 with KDF " + kdf[0].Oid(), false);
            List<Der> kp = kdf[1].Children();
            byte[] salt = kp[0].OctetString();
            int iterations = (int)kp[1].Integer();
            string prf = OidHmacSha1;
            foreach (Der d in kp.GetRange(2, kp.Count - 2)) if (d.Tag == 0x30) prf = d.Children()[0].Oid();
            List<Der> scheme = parameters[1].Children();
            int keyLength;
            switch (scheme[0].Oid())
            {
                case "2.16.840.1.101.3.4.1.2": keyLength = 16; break;
                case "2.16.840.1.101.3.4.1.22": keyLength = 24; break;
                case "2.16.840.1.101.3.4.1.42": keyLength = 32; break;
                default: throw new Pkcs12Exception("PBES2 with cipher " + scheme[0].Oid(), false);
            }
            HMAC mac;
            if (prf == OidHmacSha256) mac = new HMACSHA256();
            else if (prf == OidHmacSha1) mac = new HMACSHA1();
            else throw new Pkcs12Exception("PBKDF2 with PRF " + prf, false);
            byte[] key = Pbkdf2(mac, Encoding.UTF8.GetBytes(password ?? ""), salt, iterations, keyLength);
            using (Aes aes = Aes.Create())
            {
                aes.Mode = CipherMode.CBC;
                aes.Padding = PaddingMode.PKCS7;
                aes.Key = key;
                aes.IV = scheme[1].OctetString();
                try
                {
                    using (ICryptoTransform t = aes.CreateDecryptor()) return t.TransformFinalBlock(cipher, 0, cipher.Length);
                }
                catch (CryptographicException) { throw new Pkcs12Exception("a bag does not decrypt: wrong password", true); }
            }
        }

        /// <summary>The legacy PKCS #12 PBE schemes (RFC 7292 appendix C),
        /// what Windows' and OpenSSL's -legacy export use: a key and IV from
        /// the PKCS #12 KDF (SHA-1, IDs 1 and 2) with the BMPString password;
        /// 3-key or 2-key TripleDES, or RC2 with 128 or 40 bits.</summary>
        private static byte[] DecryptPkcs12Pbe(List<Der> alg, byte[] cipher, string password)
        {
            List<Der> p = alg[1].Children();
            byte[] salt = p[0].OctetString();
            int iterations = (int)p[1].Integer();
            SymmetricAlgorithm algorithm;
            int keyLength;
            switch (alg[0].Oid())
            {
                case OidPkcs12Pbe + ".3": algorithm = TripleDES.Create(); keyLength = 24; break;
                case OidPkcs12Pbe + ".4": algorithm = TripleDES.Create(); keyLength = 16; break;
                case OidPkcs12Pbe + ".5": algorithm = RC2.Create(); keyLength = 16; break;
                case OidPkcs12Pbe + ".6": algorithm = RC2.Create(); keyLength = 5; break;
                default: throw new Pkcs12Exception("a bag encrypted with " + alg[0].Oid(), false);
            }
            byte[] bmp = BmpPassword(password);
            using (algorithm)
            {
                algorithm.Mode = CipherMode.CBC;
                algorithm.Padding = PaddingMode.PKCS7;
                byte[] key = Pkcs12Kdf(SHA1.Create(), 1, bmp, salt, iterations, keyLength);
                RC2 rc2 = algorithm as RC2;
                if (rc2 != null)
                {
                    rc2.KeySize = keyLength * 8;
                    rc2.EffectiveKeySize = keyLength * 8;
                }
                algorithm.Key = key;
                algorithm.IV = Pkcs12Kdf(SHA1.Create(), 2, bmp, salt, iterations, 8);
                try
                {
                    using (ICryptoTransform t = algorithm.CreateDecryptor()) return t.TransformFinalBlock(cipher, 0, cipher.Length);
                }
                catch (CryptographicException) { throw new Pkcs12Exception("a bag does not decrypt: wrong password", true); }
            }
        }

        /// <summary>RFC 8018 5.2 (Rfc2898DeriveBytes takes only HMAC-SHA-1 before .NET 4.7.2).</summary>
        private static byte[] Pbkdf2(HMAC mac, byte[] password, byte[] salt, int iterations, int length)
        {
            using (mac)
            {
                mac.Key = password;
                int hLen = mac.HashSize / 8;
                byte[] result = new byte[length];
                for (int block = 1, done = 0; done < length; block++)
                {
                    byte[] input = new byte[salt.Length + 4];
                    Array.Copy(salt, input, salt.Length);
                    input[salt.Length] = (byte)(block >> 24);
                    input[salt.Length + 1] = (byte)(block >> 16);
                    input[salt.Length + 2] = (byte)(block >> 8);
                    input[salt.Length + 3] = (byte)block;
                    byte[] u = mac.ComputeHash(input);
                    byte[] t = (byte[])u.Clone();
                    for (int i = 1; i < iterations; i++)
                    {
                        u = mac.ComputeHash(u);
                        for (int k = 0; k < hLen; k++) t[k] ^= u[k];
                    }
                    int n = Math.Min(hLen, length - done);
                    Array.Copy(t, 0, result, done, n);
                    done += n;
                }
                return result;
            }
        }

        /// <summary>One DER element.</summary>
        private sealed class Der
        {
            private readonly byte[] data;
            private readonly int start, length;

            private Der(byte tag, byte[] data, int start, int length)
            {
                Tag = tag;
                this.data = data;
                this.start = start;
                this.length = length;
            }

            public byte Tag { get; private set; }

            public int Start { get { return start; } }

            public int End { get { return start + length; } }

            internal static Der Parse(byte[] d, int pos, int limit)
            {
                if (pos + 2 > limit) throw new Pkcs12Exception("truncated DER", false);
                byte tag = d[pos];
                long len = d[pos + 1];
                int at = pos + 2;
                if (len >= 0x80)
                {
                    int n = (int)(len & 0x7F);
                    if (n < 1 || n > 4 || at + n > limit) throw new Pkcs12Exception("a DER length this reader does not take", false);
                    len = 0;
                    for (int i = 0; i < n; i++) len = len * 256 + d[at + i];
                    at += n;
                }
                if (at + len > limit) throw new Pkcs12Exception("truncated DER", false);
                return new Der(tag, d, at, (int)len);
            }

            internal Der Expect(byte tag)
            {
                if (Tag != tag) throw new Pkcs12Exception("unexpected DER tag 0x" + Tag.ToString("x2"), false);
                return this;
            }

            internal List<Der> Children()
            {
                List<Der> list = new List<Der>();
                for (int pos = start; pos < End;)
                {
                    Der c = Parse(data, pos, End);
                    list.Add(c);
                    pos = c.End;
                }
                return list;
            }

            internal byte[] Bytes()
            {
                byte[] r = new byte[length];
                Array.Copy(data, start, r, 0, length);
                return r;
            }

            internal byte[] OctetString() { return Expect(0x04).Bytes(); }

            /// <summary>[0] IMPLICIT OCTET STRING, primitive or in constructed chunks.</summary>
            internal byte[] ImplicitOctetString()
            {
                if (Tag == 0x80) return Bytes();
                Expect(0xA0);
                MemoryStream m = new MemoryStream();
                foreach (Der chunk in Children())
                {
                    byte[] b = chunk.OctetString();
                    m.Write(b, 0, b.Length);
                }
                return m.ToArray();
            }

            internal long Integer()
            {
                Expect(0x02);
                long v = 0;
                for (int i = 0; i < length; i++) v = v * 256 + data[start + i];
                return v;
            }

            internal string Oid()
            {
                Expect(0x06);
                StringBuilder sb = new StringBuilder();
                long value = 0;
                bool first = true;
                for (int i = start; i < End; i++)
                {
                    value = value * 128 + (data[i] & 0x7F);
                    if ((data[i] & 0x80) != 0) continue;
                    if (first)
                    {
                        long a = value < 80 ? value / 40 : 2;
                        sb.Append(a).Append('.').Append(value - a * 40);
                        first = false;
                    }
                    else sb.Append('.').Append(value);
                    value = 0;
                }
                return sb.ToString();
            }
        }
    }

    /// <summary>One certificate of a PFX: its bytes, whether the PFX holds its
    /// key, and the key as PKCS #8 PrivateKeyInfo DER when it could be read.</summary>
    public sealed class PfxEntry
    {
        public PfxEntry(byte[] rawData, bool hasKey, byte[] privateKey)
        {
            RawData = rawData;
            HasKey = hasKey;
            PrivateKey = privateKey;
        }

        public byte[] RawData { get; private set; }
        public bool HasKey { get; private set; }
        public byte[] PrivateKey { get; private set; }
    }
}
