// The simulator's LocalMachine stores and machine keys: each method one
// bridge call ("certificates.<method>", winsim/bridge_cert.go) answered from
// the host model. A PFX is read here by .NET (Mono's X509Certificate2Collection.
// Import, through PfxEmulation, which adds Windows' failure codes); the model
// only writes the key containers.
using System;
using System.Collections.Generic;
using System.Security.AccessControl;
using System.Security.Cryptography.X509Certificates;
using System.Security.Principal;

namespace TfWin.Sim
{
    internal static partial class SimHost
    {
        static partial void FillCertificates(HostServices host, SimBridge bridge)
        {
            host.Certificates = new SimCertificateStores(bridge);
        }
    }

    internal sealed class SimCertificateStores : ICertificateStores
    {
        private readonly SimBridge bridge;

        internal SimCertificateStores(SimBridge bridge) { this.bridge = bridge; }

        private JsonObject Call(string method, JsonObject args)
        {
            return (JsonObject)bridge.Call("certificates." + method, args);
        }

        private static JsonObject LinkJson(KeyProviderInfo k)
        {
            if (k == null) return null;
            return new JsonObject()
                .Set("container", k.ContainerName)
                .Set("provider", k.ProviderName)
                .Set("prov_type", (long)k.ProviderType)
                .Set("flags", (long)k.Flags)
                .Set("key_spec", (long)k.KeySpec);
        }

        private static KeyProviderInfo Link(object o)
        {
            JsonObject j = o as JsonObject;
            if (j == null) return null;
            return new KeyProviderInfo((string)j.Get("container"), (string)j.Get("provider"),
                (int)(long)j.Get("prov_type"), (int)(long)j.Get("flags"), (int)(long)j.Get("key_spec"));
        }

        private static StoreCertificate Stored(object o)
        {
            JsonObject j = o as JsonObject;
            if (j == null) return null;
            return new StoreCertificate(Convert.FromBase64String((string)j.Get("der")), Link(j.Get("key")));
        }

        private static List<StoreCertificate> StoredList(JsonObject result)
        {
            List<StoreCertificate> list = new List<StoreCertificate>();
            List<object> items = result.Get("certificates") as List<object>;
            if (items != null) foreach (object o in items) list.Add(Stored(o));
            return list;
        }

        private JsonObject Key(KeyProviderInfo k) { return new JsonObject().Set("key", LinkJson(k)); }

        public IList<string> EnumSystemStores()
        {
            List<string> names = new List<string>();
            foreach (object o in (List<object>)Call("enumsystemstores", new JsonObject()).Get("stores")) names.Add((string)o);
            return names;
        }

        public IList<StoreCertificate> Certificates(string store)
        {
            return StoredList(Call("certificates", new JsonObject().Set("store", store)));
        }

        public StoreCertificate FindByThumbprint(string store, string thumbprint)
        {
            return Stored(Call("findbythumbprint", new JsonObject().Set("store", store).Set("thumbprint", thumbprint)).Get("certificate"));
        }

        public void Add(string store, byte[] rawData, KeyProviderInfo keyLink)
        {
            Call("add", new JsonObject().Set("store", store).Set("der", Convert.ToBase64String(rawData)).Set("key", LinkJson(keyLink)));
        }

        public void Remove(string store, string thumbprint)
        {
            Call("remove", new JsonObject().Set("store", store).Set("thumbprint", thumbprint));
        }

        /// <summary>.NET reads the PFX; the model writes a key container per
        /// key, given the key's bytes (PKCS #8) where they could be read, so the
        /// simulated HTTPS endpoints can serve the certificate.</summary>
        public IList<StoreCertificate> ImportPfx(byte[] pfx, string password, X509KeyStorageFlags flags)
        {
            List<object> certs = new List<object>();
            foreach (PfxEntry c in PfxEmulation.Read(pfx, password, ReadsPbes2Pfx()))
            {
                JsonObject o = new JsonObject().Set("der", Convert.ToBase64String(c.RawData)).Set("has_key", c.HasKey);
                if (c.PrivateKey != null) o.Set("private_key", Convert.ToBase64String(c.PrivateKey));
                certs.Add(o);
            }
            JsonObject args = new JsonObject().Set("certificates", certs).Set("exportable", (flags & X509KeyStorageFlags.Exportable) != 0);
            return StoredList(Call("importpfx", args));
        }

        /// <summary>The first build that imports PBES2 PFX files (see
        /// ReadsPbes2Pfx).</summary>
        public const int Pbes2MinBuild = 16299;

        /// <summary>Windows 10 1709 and Windows Server version 1709 (build
        /// 16299) and later import PBES2 (AES-256) PFX files: Microsoft
        /// documents the PBES2 export (PKCS12_PBES2_EXPORT_PARAMS, wincrypt.h)
        /// for Windows 10 1709 and Windows Server 2019 at the earliest, and
        /// CertificateDsc #153 / ansible.windows #582 report older builds,
        /// Windows Server 2016 (14393) included, answering 0x80070056. The
        /// provider's plan check uses the same build
        /// (internal/provider/cert_pfx_encryption.go).</summary>
        private bool ReadsPbes2Pfx()
        {
            JsonObject info = (JsonObject)bridge.Call("system.info", new JsonObject());
            string[] version = ((info.Get("os_version") as string) ?? "").Split('.');
            int build;
            return version.Length < 3 || !int.TryParse(version[2], out build) || build >= Pbes2MinBuild;
        }

        public void NCryptOpenKey(KeyProviderInfo key) { Call("ncryptopenkey", Key(key)); }

        public string NCryptGetUniqueName(KeyProviderInfo key) { return (string)Call("ncryptgetuniquename", Key(key)).Get("name"); }

        public byte[] NCryptGetSecurityDescr(KeyProviderInfo key) { return Descriptor(Call("ncryptgetsecuritydescr", Key(key))); }

        public void NCryptSetSecurityDescr(KeyProviderInfo key, byte[] securityDescriptor)
        {
            Call("ncryptsetsecuritydescr", Key(key).Set("acl", Aces(securityDescriptor)));
        }

        public void NCryptDeleteKey(KeyProviderInfo key) { Call("ncryptdeletekey", Key(key)); }

        public void CryptAcquireContext(KeyProviderInfo key) { Call("cryptacquirecontext", Key(key)); }

        public string CryptGetUniqueContainerName(KeyProviderInfo key) { return (string)Call("cryptgetuniquecontainername", Key(key)).Get("name"); }

        public void CryptDeleteKeyset(KeyProviderInfo key) { Call("cryptdeletekeyset", Key(key)); }

        public byte[] GetFileSecurity(string path) { return Descriptor(Call("getfilesecurity", new JsonObject().Set("path", path))); }

        public void SetFileSecurity(string path, byte[] securityDescriptor)
        {
            Call("setfilesecurity", new JsonObject().Set("path", path).Set("acl", Aces(securityDescriptor)));
        }

        /// <summary>The model keeps a key's DACL as its allow entries
        /// (model.KeyACE); Windows hands out a self-relative descriptor.</summary>
        private static byte[] Descriptor(JsonObject result)
        {
            RawAcl acl = new RawAcl(GenericAcl.AclRevision, 4);
            List<object> entries = result.Get("acl") as List<object>;
            if (entries != null)
            {
                foreach (object o in entries)
                {
                    JsonObject e = (JsonObject)o;
                    int mask = unchecked((int)(uint)(long)e.Get("access_mask"));
                    acl.InsertAce(acl.Count, new CommonAce(AceFlags.None, AceQualifier.AccessAllowed, mask, new SecurityIdentifier((string)e.Get("sid")), false, null));
                }
            }
            RawSecurityDescriptor sd = new RawSecurityDescriptor(ControlFlags.DiscretionaryAclPresent | ControlFlags.SelfRelative, null, null, null, acl);
            byte[] bytes = new byte[sd.BinaryLength];
            sd.GetBinaryForm(bytes, 0);
            return bytes;
        }

        private static List<object> Aces(byte[] securityDescriptor)
        {
            List<object> list = new List<object>();
            RawAcl acl = new RawSecurityDescriptor(securityDescriptor, 0).DiscretionaryAcl;
            if (acl == null) return list;
            foreach (GenericAce g in acl)
            {
                CommonAce ace = g as CommonAce;
                if (ace == null || ace.AceQualifier != AceQualifier.AccessAllowed) continue;
                list.Add(new JsonObject().Set("sid", ace.SecurityIdentifier.Value).Set("access_mask", (long)unchecked((uint)ace.AccessMask)));
            }
            return list;
        }

        public string CommonApplicationData { get { return "C:\\ProgramData"; } }
    }
}
