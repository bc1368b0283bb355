// Private key access (PROTOCOL.md, "Private key access"): cert.key_acl.get,
// cert.key_acl.add, cert.key_acl.remove. A certificate's key lives in one of
// two places, each with its own security descriptor ("Key Storage and
// Retrieval", learn.microsoft.com/windows/win32/seccng/key-storage-and-retrieval):
//   CAPI (CSP) machine keys: a file under %ProgramData%\Microsoft\Crypto\RSA\
//     MachineKeys (DSS keys: Crypto\DSS\MachineKeys) named by the container's
//     unique name (PP_UNIQUE_CONTAINER); its DACL is the file's.
//   CNG (KSP) machine keys, which Import-PfxCertificate and ECDSA keys use:
//     the key's "Security Descr" property (NCRYPT_SECURITY_DESCR_PROPERTY)
//     read and written with DACL_SECURITY_INFORMATION; the file is under
//     %ProgramData%\Microsoft\Crypto\Keys. CSP APIs fail on these keys.
// Which one a key is comes from its link (CERT_KEY_PROV_INFO_PROP_ID,
// dwProvType 0 = CNG), never from which .NET key class opens it: on .NET
// 4.6+ GetRSAPrivateKey answers RSACng for CAPI keys too (dotnet/corefx
// #3502, #7828). The DACL is edited ACE by ACE as a RawSecurityDescriptor:
// a grant inserts one allow ACE after the explicit ones, a removal takes
// out exactly that ACE, so entries others added stay as they are.
using System;
using System.Collections.Generic;
using System.Security.AccessControl;
using System.Security.Principal;

namespace TfWin
{
    public static class KeyAccessOps
    {
        // Access masks ("ACCESS_MASK"; "File Security and Access Rights").
        public const uint GenericRead = 0x80000000;
        public const uint GenericAll = 0x10000000;
        public const uint FileGenericRead = 0x120089;
        public const uint FileAllAccess = 0x1F01FF;

        public static void Register(OpTable ops, HostServices host)
        {
            ops.Add("cert.key_acl.get", delegate(OpArgs a) { return Get(host.Certificates, host.Accounts, a); });
            ops.Add("cert.key_acl.add", delegate(OpArgs a) { return AddGrant(host.Certificates, host.Accounts, a); });
            ops.Add("cert.key_acl.remove", delegate(OpArgs a) { return RemoveGrant(host.Certificates, host.Accounts, a); });
        }

        /// <summary>A certificate's key as the ops see it.</summary>
        public sealed class KeyDescriptor
        {
            public string Store, Thumbprint, Provider, Path;
            public KeyProviderInfo Key;
            public RawSecurityDescriptor Descriptor;
        }

        /// <summary>The mask a grant of access writes for a key of the provider.</summary>
        public static uint MaskOf(string provider, string access)
        {
            if (provider == "capi") return access == "full" ? FileAllAccess : FileGenericRead;
            return access == "full" ? GenericAll : GenericRead;
        }

        /// <summary>Names what a mask grants: full, read or other.</summary>
        public static string AccessOf(uint mask)
        {
            if ((mask & GenericAll) != 0 || (mask & FileAllAccess) == FileAllAccess) return "full";
            if ((mask & GenericRead) != 0 || (mask & FileGenericRead) == FileGenericRead) return "read";
            return "other";
        }

        private static Exception BadKeyset(string message, Exception inner)
        {
            return CertificateOps.Failure(CertificateOps.NteBadKeyset, message + ": Keyset does not exist", inner);
        }

        /// <summary>Finds the certificate's key and reads its DACL: 2 when the
        /// certificate is not there, NTE_BAD_KEYSET when it links no key or
        /// one that does not open.</summary>
        public static KeyDescriptor Open(ICertificateStores stores, OpArgs a)
        {
            string store = CertificateOps.StoreArg(a);
            string thumbprint = CertificateOps.ThumbprintArg(a, "thumbprint");
            StoreCertificate cert = CertificateOps.FindRequired(stores, store, thumbprint);
            string where = "certificate " + thumbprint + " in LocalMachine\\" + store;
            KeyProviderInfo key = cert.Key;
            if (key == null) throw BadKeyset(where + " has no private key", null);
            if (!key.IsMachineKey)
                throw new OpException(1, where + ": its " + (key.IsCng ? "CNG" : "CSP") + " key is in a user profile, not the machine key store");
            KeyDescriptor d = new KeyDescriptor();
            d.Store = store;
            d.Thumbprint = thumbprint;
            d.Key = key;
            // String concatenation, not Path.Combine: the simulator runs this on
            // Mono under Linux, whose separator is "/".
            string keys = stores.CommonApplicationData.TrimEnd('\\') + "\\Microsoft\\Crypto";
            byte[] sd;
            try
            {
                if (key.IsCng)
                {
                    d.Provider = "cng";
                    d.Path = keys + "\\Keys\\" + stores.NCryptGetUniqueName(key);
                    sd = stores.NCryptGetSecurityDescr(key);
                }
                else
                {
                    d.Provider = "capi";
                    string folder = key.ProviderType == KeyProviderInfo.ProvDss || key.ProviderType == KeyProviderInfo.ProvDssDh ? "\\DSS\\MachineKeys\\" : "\\RSA\\MachineKeys\\";
                    d.Path = keys + folder + stores.CryptGetUniqueContainerName(key);
                    sd = stores.GetFileSecurity(d.Path);
                }
            }
            catch (Exception e)
            {
                if (CertificateOps.CodeOf(e) == CertificateOps.NteBadKeyset) throw BadKeyset(where + ": its private key cannot be opened", e);
                throw CertificateOps.Reportable(e);
            }
            d.Descriptor = new RawSecurityDescriptor(sd, 0);
            return d;
        }

        /// <summary>Writes the edited DACL back where it came from.</summary>
        private static void Save(ICertificateStores stores, KeyDescriptor d)
        {
            byte[] bytes = new byte[d.Descriptor.BinaryLength];
            d.Descriptor.GetBinaryForm(bytes, 0);
            try
            {
                if (d.Key.IsCng) stores.NCryptSetSecurityDescr(d.Key, bytes);
                else stores.SetFileSecurity(d.Path, bytes);
            }
            catch (Exception e) { throw CertificateOps.Reportable(e); }
        }

        /// <summary>The protocol's key access object; changed null leaves it out.</summary>
        public static JsonObject Result(IAccounts accounts, KeyDescriptor d, object changed)
        {
            List<object> entries = new List<object>();
            RawAcl acl = d.Descriptor.DiscretionaryAcl;
            if (acl != null)
            {
                foreach (GenericAce g in acl)
                {
                    CommonAce ace = g as CommonAce;
                    if (ace == null || ace.AceQualifier != AceQualifier.AccessAllowed) continue;
                    uint mask = unchecked((uint)ace.AccessMask);
                    string sid = ace.SecurityIdentifier.Value;
                    string account = null;
                    // A SID no account has (a deleted user) shows as itself.
                    try { account = accounts.NameOf(sid); }
                    catch (Exception) { }
                    entries.Add(new JsonObject()
                        .Set("sid", sid)
                        .Set("account", account ?? sid)
                        .Set("access_mask", (long)mask)
                        .Set("access", AccessOf(mask)));
                }
            }
            JsonObject result = new JsonObject()
                .Set("store", d.Store)
                .Set("thumbprint", d.Thumbprint)
                .Set("provider", d.Provider)
                .Set("key_path", d.Path)
                .Set("entries", entries);
            if (changed != null) result.Set("changed", changed);
            return result;
        }

        /// <summary>The grant's SID (87 malformed, 1332 no account has it) and
        /// access (87 unless read or full).</summary>
        private static SecurityIdentifier GrantArgs(IAccounts accounts, OpArgs a, out string access)
        {
            string text = a.String("sid") ?? "";
            SecurityIdentifier sid;
            try { sid = new SecurityIdentifier(text); }
            catch (ArgumentException) { throw new OpException(Win32.InvalidParameter, "sid '" + text + "' is not a SID string"); }
            try { accounts.NameOf(sid.Value); }
            catch (Exception e)
            {
                if (CertificateOps.CodeOf(e) != Win32.NoneMapped) throw CertificateOps.Reportable(e);
                throw new OpException(Win32.NoneMapped, "no account on this host has SID " + sid.Value, e);
            }
            access = a.String("access");
            if (access != "read" && access != "full") throw new OpException(Win32.InvalidParameter, "access '" + access + "' must be read or full");
            return sid;
        }

        /// <summary>The key's DACL read again after a write; if that read fails,
        /// the DACL as written (the change is made: a failure now would report
        /// a write that happened as one that did not).</summary>
        private static KeyDescriptor ReadBack(ICertificateStores stores, OpArgs a, KeyDescriptor written)
        {
            try { return Open(stores, a); }
            catch (Exception) { return written; }
        }

        public static object Get(ICertificateStores stores, IAccounts accounts, OpArgs a)
        {
            return Result(accounts, Open(stores, a), null);
        }

        /// <summary>cert.key_acl.add inserts one allow ACE for the SID after the
        /// explicit ACEs (before inherited ones, the canonical order), unless an
        /// allow ACE of that SID already grants the access (full grants read).</summary>
        public static object AddGrant(ICertificateStores stores, IAccounts accounts, OpArgs a)
        {
            string access;
            SecurityIdentifier sid = GrantArgs(accounts, a, out access);
            KeyDescriptor d = Open(stores, a);
            RawAcl acl = d.Descriptor.DiscretionaryAcl;
            if (acl == null) throw new OpException(1, "the private key has no DACL (everyone has full access); refusing to replace it with one entry");
            int insertAt = acl.Count;
            for (int i = 0; i < acl.Count; i++)
            {
                GenericAce g = acl[i];
                if ((g.AceFlags & AceFlags.Inherited) != 0 && insertAt == acl.Count) insertAt = i;
                CommonAce ace = g as CommonAce;
                if (ace == null || ace.AceQualifier != AceQualifier.AccessAllowed || ace.SecurityIdentifier != sid) continue;
                string held = AccessOf(unchecked((uint)ace.AccessMask));
                if (held == "full" || held == access) return Result(accounts, d, false);
            }
            int mask = unchecked((int)MaskOf(d.Provider, access));
            acl.InsertAce(insertAt, new CommonAce(AceFlags.None, AceQualifier.AccessAllowed, mask, sid, false, null));
            Save(stores, d);
            return Result(accounts, ReadBack(stores, a, d), true);
        }

        /// <summary>cert.key_acl.remove removes the one explicit allow ACE
        /// cert.key_acl.add writes for the SID and access (the same mask);
        /// other ACEs, of that SID too, stay.</summary>
        public static object RemoveGrant(ICertificateStores stores, IAccounts accounts, OpArgs a)
        {
            string access;
            SecurityIdentifier sid = GrantArgs(accounts, a, out access);
            KeyDescriptor d = Open(stores, a);
            RawAcl acl = d.Descriptor.DiscretionaryAcl;
            int mask = unchecked((int)MaskOf(d.Provider, access));
            if (acl != null)
            {
                for (int i = 0; i < acl.Count; i++)
                {
                    CommonAce ace = acl[i] as CommonAce;
                    if (ace == null || ace.AceQualifier != AceQualifier.AccessAllowed || (ace.AceFlags & AceFlags.Inherited) != 0) continue;
                    if (ace.SecurityIdentifier != sid || ace.AccessMask != mask) continue;
                    acl.RemoveAce(i);
                    Save(stores, d);
                    return Result(accounts, ReadBack(stores, a, d), true);
                }
            }
            return Result(accounts, d, false);
        }
    }
}
