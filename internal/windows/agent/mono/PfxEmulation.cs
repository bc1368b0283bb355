// How Windows answers X509Certificate2Collection.Import of a PFX, for the
// stand-ins of Windows that run on Mono: the simulator (agenthost) and the
// agent's tests. Never shipped to hosts: it sits in mono/, which the agent
// script leaves out (agent.MonoSources gives it to the simulator's build and
// scripts/agent.sh test and build compile it). The parse itself is .NET's (Mono's X509Certificate2Collection.
// Import, keys kept in memory only); this class adds what Mono does not
// report as Windows does: the HRESULT of each failure. Windows hosts never
// call it (WindowsCertificateStores imports with Windows' own PFXImportCertStore).
using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace TfWin
{
    public static class PfxEmulation
    {
        /// <summary>The PFX's certificates in file order, as .NET reads them
        /// (which has the key, and an RSA key's bytes), or the failure Windows
        /// reports:
        /// - bytes whose outer layer is no PFX (PFXIsPFXBlob) load as
        ///   certificates when they are one (DER, PEM or base64: Windows'
        ///   CryptQueryObject accepts a bare certificate as a collection of one,
        ///   without a key), else fail with CRYPT_E_NO_MATCH 0x80092009;
        /// - a PFX whose authenticated safe is not a SEQUENCE of ContentInfo
        ///   fails with CRYPT_E_ASN1_BADTAG 0x8009310B;
        /// - a PFX that does not open fails with 0x80070056, Windows' answer
        ///   to a wrong password. Mono 6.8's import cannot read PBES2 (AES-256)
        ///   PFX files, OpenSSL 3's default; Windows 10 1709 / Windows Server
        ///   2019 (build 16299) and later can, so with readsPbes2 Pkcs12Reader
        ///   reads them. Without it they fail with 0x80070056, as on Windows
        ///   Server 2016 and older (ansible.windows #582).</summary>
        public static List<PfxEntry> Read(byte[] data, string password, bool readsPbes2)
        {
            password = password ?? "";
            X509Certificate2Collection collection = new X509Certificate2Collection();
            List<PfxEntry> entries = new List<PfxEntry>();
            if (!IsPfxBlob(data))
            {
                try { collection.Import(data); }
                catch (CryptographicException e)
                {
                    throw new HResultException(unchecked((int)CertificateOps.CryptENoMatch), "Cannot find the requested object.", e);
                }
                foreach (X509Certificate2 c in collection) entries.Add(new PfxEntry(c.RawData, false, null));
                return entries;
            }
            if (!AuthenticatedSafeIsWellFormed(data))
                throw new HResultException(unchecked((int)CertificateOps.CryptEAsn1BadTag), "ASN1 bad tag value met.", null);
            try { collection.Import(data, password, X509KeyStorageFlags.Exportable); }
            catch (CryptographicException e)
            {
                if (!readsPbes2) throw new HResultException(unchecked((int)CertificateOps.WrongPassword), CertificateOps.WrongPasswordMessage, e);
                try { return Pkcs12Reader.Read(data, password); }
                catch (Exception other)
                {
                    // A wrong password, or a form neither reader knows.
                    throw new HResultException(unchecked((int)CertificateOps.WrongPassword), CertificateOps.WrongPasswordMessage, other);
                }
            }
            foreach (X509Certificate2 c in collection)
                entries.Add(new PfxEntry(c.RawData, c.HasPrivateKey, c.HasPrivateKey ? RsaPrivateKey(c) : null));
            return WithOtherCertificates(entries, data, password);
        }

        /// <summary>The RSA key as PKCS #8 PrivateKeyInfo DER (RFC 5208) around
        /// the PKCS #1 RSAPrivateKey (RFC 8017 A.1.2), or null when Mono gives
        /// no RSA key (it knows no EC keys).</summary>
        private static byte[] RsaPrivateKey(X509Certificate2 cert)
        {
            RSA rsa;
            try { rsa = cert.PrivateKey as RSA; }
            catch (NotSupportedException) { return null; }
            catch (CryptographicException) { return null; }
            if (rsa == null) return null;
            RSAParameters p = rsa.ExportParameters(true);
            List<byte> body = new List<byte>();
            foreach (byte[] n in new byte[][] { new byte[] { 0 }, p.Modulus, p.Exponent, p.D, p.P, p.Q, p.DP, p.DQ, p.InverseQ })
                body.AddRange(DerElement(0x02, DerInteger(n)));
            byte[] pkcs1 = DerElement(0x30, body.ToArray());
            // AlgorithmIdentifier { rsaEncryption 1.2.840.113549.1.1.1, NULL }.
            byte[] rsaEncryption = new byte[] { 0x30, 0x0D, 0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01, 0x05, 0x00 };
            List<byte> info = new List<byte>(new byte[] { 0x02, 0x01, 0x00 });
            info.AddRange(rsaEncryption);
            info.AddRange(DerElement(0x04, pkcs1));
            return DerElement(0x30, info.ToArray());
        }

        private static byte[] DerInteger(byte[] n)
        {
            int i = 0;
            while (i < n.Length - 1 && n[i] == 0) i++;
            bool pad = (n[i] & 0x80) != 0;
            byte[] r = new byte[n.Length - i + (pad ? 1 : 0)];
            Array.Copy(n, i, r, pad ? 1 : 0, n.Length - i);
            return r;
        }

        private static byte[] DerElement(byte tag, byte[] value)
        {
            List<byte> b = new List<byte>();
            b.Add(tag);
            int len = value.Length;
            if (len < 0x80) b.Add((byte)len);
            else if (len < 0x100) { b.Add(0x81); b.Add((byte)len); }
            else if (len < 0x10000) { b.Add(0x82); b.Add((byte)(len >> 8)); b.Add((byte)len); }
            else { b.Add(0x83); b.Add((byte)(len >> 16)); b.Add((byte)(len >> 8)); b.Add((byte)len); }
            b.AddRange(value);
            return b.ToArray();
        }

        /// <summary>Mono's X509Certificate2Collection.Import of a PFX answers
        /// only the certificate that has the key; Windows answers every
        /// certificate of the PFX. The others come from Pkcs12Reader, in file
        /// order; where it cannot read the file, the entries stay as Mono
        /// answered them.</summary>
        private static List<PfxEntry> WithOtherCertificates(List<PfxEntry> imported, byte[] data, string password)
        {
            List<PfxEntry> all;
            try { all = Pkcs12Reader.Read(data, password); }
            catch (Exception) { return imported; }
            foreach (PfxEntry e in imported)
            {
                string thumbprint = CertificateOps.ThumbprintOf(e.RawData);
                if (!all.Exists(delegate(PfxEntry x) { return CertificateOps.ThumbprintOf(x.RawData) == thumbprint; })) all.Add(e);
            }
            // Only Mono's answer says which certificate has the key; the
            // reader gives the key's bytes where Mono cannot export them (EC).
            for (int i = 0; i < all.Count; i++)
            {
                if (imported.Contains(all[i])) continue;
                PfxEntry mono = imported.Find(delegate(PfxEntry e) { return CertificateOps.ThumbprintOf(e.RawData) == CertificateOps.ThumbprintOf(all[i].RawData); });
                all[i] = new PfxEntry(all[i].RawData, mono != null && mono.HasKey, mono != null && mono.HasKey ? (mono.PrivateKey ?? all[i].PrivateKey) : null);
            }
            return all;
        }

        /// <summary>PFXIsPFXBlob (Pkcs12Reader's, which hosts use too).</summary>
        public static bool IsPfxBlob(byte[] data) { return Pkcs12Reader.IsPfxBlob(data); }

        /// <summary>The authSafe's content (ContentInfo of type data: [0] {
        /// OCTET STRING }) holds AuthenticatedSafe ::= SEQUENCE OF ContentInfo.
        /// Contents in other forms (signed data, BER) are left to the parse.</summary>
        private static bool AuthenticatedSafeIsWellFormed(byte[] data)
        {
            int s, l, vs, vl, cs, cl, os, ol, ps, pl, xs, xl;
            Element(data, 0, data.Length, 0x30, out s, out l);
            Element(data, s, s + l, 0x02, out vs, out vl);
            Element(data, vs + vl, s + l, 0x30, out cs, out cl);
            int cend = cs + cl;
            if (!Element(data, cs, cend, 0x06, out os, out ol)) return false;
            if (!Element(data, os + ol, cend, 0xA0, out ps, out pl)) return true;
            if (!Element(data, ps, ps + pl, 0x04, out xs, out xl)) return true;
            int safeStart, safeLength;
            if (!Element(data, xs, xs + xl, 0x30, out safeStart, out safeLength) || safeStart + safeLength != xs + xl) return false;
            for (int pos = safeStart; pos < safeStart + safeLength;)
            {
                int es, el, eos, eol;
                if (!Element(data, pos, safeStart + safeLength, 0x30, out es, out el)) return false;
                if (!Element(data, es, es + el, 0x06, out eos, out eol)) return false;
                pos = es + el;
            }
            return true;
        }

        /// <summary>Reads the DER element at pos (before limit) with the tag:
        /// where its value starts and its length; false when it is not there
        /// or does not fit.</summary>
        private static bool Element(byte[] d, int pos, int limit, byte tag, out int start, out int length)
        {
            start = 0;
            length = 0;
            if (pos + 2 > limit || d[pos] != tag) return false;
            long len = d[pos + 1];
            int at = pos + 2;
            if (len >= 0x80)
            {
                int n = (int)(len & 0x7F);
                if (n < 1 || n > 4 || at + n > limit) return false;
                len = 0;
                for (int i = 0; i < n; i++) len = len * 256 + d[at + i];
                at += n;
            }
            if (at + len > limit) return false;
            start = at;
            length = (int)len;
            return true;
        }
    }
}
