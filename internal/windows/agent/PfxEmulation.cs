// How Windows answers X509Certificate2Collection.Import of a PFX, for the
// stand-ins of Windows that run on Mono: the simulator (agenthost) and the
// agent's tests. The parse itself is .NET's (Mono's X509Certificate2Collection.
// Import, keys kept in memory only); this class adds what Mono does not
// report as Windows does: the HRESULT of each failure. Windows hosts never
// call it (WindowsCertificateStores imports with Windows' own PFXImportCertStore).
using System;
using System.Collections;
using System.Reflection;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace TfWin
{
    public static class PfxEmulation
    {
        public const string WrongPasswordMessage = "The specified network password is not correct.";

        /// <summary>The PFX's certificates in file order, as .NET reads them
        /// (X509Certificate2.HasPrivateKey says which has the key), or the
        /// failure Windows reports:
        /// - bytes whose outer layer is no PFX (PFXIsPFXBlob) load as
        ///   certificates when they are one (DER, PEM or base64: Windows'
        ///   CryptQueryObject accepts a bare certificate as a collection of one,
        ///   without a key), else fail with CRYPT_E_NO_MATCH 0x80092009;
        /// - a PFX whose authenticated safe is not a SEQUENCE of ContentInfo
        ///   fails with CRYPT_E_ASN1_BADTAG 0x8009310B;
        /// - a PFX Mono cannot open fails with 0x80070056, Windows' answer to
        ///   a wrong password. Mono 6.8 cannot read PBES2 (AES-256) PFX files,
        ///   OpenSSL 3's default: they get 0x80070056 too, which is what
        ///   Windows Server 2016 and older answer for them (ansible.windows
        ///   #582); Server 2019 and later read them.</summary>
        public static X509Certificate2Collection Read(byte[] data, string password)
        {
            X509Certificate2Collection collection = new X509Certificate2Collection();
            if (!IsPfxBlob(data))
            {
                try { collection.Import(data); }
                catch (CryptographicException e)
                {
                    throw new HResultException(unchecked((int)CertificateOps.CryptENoMatch), "Cannot find the requested object.", e);
                }
                return collection;
            }
            if (!AuthenticatedSafeIsWellFormed(data))
                throw new HResultException(unchecked((int)CertificateOps.CryptEAsn1BadTag), "ASN1 bad tag value met.", null);
            try { collection.Import(data, password ?? "", X509KeyStorageFlags.Exportable); }
            catch (CryptographicException e)
            {
                throw new HResultException(unchecked((int)CertificateOps.WrongPassword), WrongPasswordMessage, e);
            }
            return WithOtherCertificates(collection, data, password ?? "");
        }

        /// <summary>Mono's X509Certificate2Collection.Import of a PFX answers
        /// only the certificate that has the key; Windows answers every
        /// certificate of the PFX. The others are read with Mono's own PKCS #12
        /// reader (Mono.Security.X509.PKCS12, the code under Mono's import),
        /// found at run time: the agent compiles against the .NET Framework
        /// reference assemblies only. The result is in file order. Where that
        /// reader fails (it knows no EC keys), the collection stays as .NET
        /// answered it.</summary>
        private static X509Certificate2Collection WithOtherCertificates(X509Certificate2Collection imported, byte[] data, string password)
        {
            Type pkcs12 = Type.GetType("Mono.Security.X509.PKCS12, Mono.Security, Version=4.0.0.0, Culture=neutral, PublicKeyToken=0738eb9f132ed756", false);
            if (pkcs12 == null) return imported;
            IEnumerable certificates;
            try
            {
                object file = Activator.CreateInstance(pkcs12, new object[] { data, password });
                certificates = (IEnumerable)pkcs12.GetProperty("Certificates").GetValue(file, null);
            }
            catch (TargetInvocationException) { return imported; }
            X509Certificate2Collection all = new X509Certificate2Collection();
            foreach (object c in certificates)
            {
                X509Certificate2 cert = new X509Certificate2((byte[])c.GetType().GetProperty("RawData").GetValue(c, null));
                X509Certificate2Collection same = imported.Find(X509FindType.FindByThumbprint, cert.Thumbprint, false);
                all.Add(same.Count > 0 ? same[0] : cert);
            }
            foreach (X509Certificate2 c in imported)
            {
                if (all.Find(X509FindType.FindByThumbprint, c.Thumbprint, false).Count == 0) all.Add(c);
            }
            return all;
        }

        /// <summary>PFXIsPFXBlob: the outer layer decodes as a version 3 PFX
        /// (RFC 7292 4: PFX ::= SEQUENCE { version INTEGER {v3(3)}, authSafe
        /// ContentInfo, macData MacData OPTIONAL }).</summary>
        public static bool IsPfxBlob(byte[] data)
        {
            int start, length, end;
            if (!Element(data, 0, data.Length, 0x30, out start, out length) || start + length != data.Length) return false;
            end = start + length;
            int vs, vl;
            if (!Element(data, start, end, 0x02, out vs, out vl) || vl != 1 || data[vs] != 3) return false;
            int cs, cl;
            return Element(data, vs + vl, end, 0x30, out cs, out cl);
        }

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
