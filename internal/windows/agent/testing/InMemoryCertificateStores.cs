// The LocalMachine certificate stores and machine keys in memory, for the
// agent's tests: what Windows keeps (certificate bytes and key links per
// store, key containers with their DACLs) and what it enforces, with every
// call logged and any call failing on demand.
using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Security.AccessControl;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace TfWin.Testing
{
    public static partial class InMemoryHost
    {
        static partial void FillCertificates(HostServices host)
        {
            if (host.Certificates == null) host.Certificates = new InMemoryCertificateStores();
        }
    }

    public sealed class InMemoryCertificateStores : ICertificateStores
    {
        public const string CngProvider = "Microsoft Software Key Storage Provider";
        public const string CapiProvider = "Microsoft Enhanced RSA and AES Cryptographic Provider";
        public const int ProvRsaAes = 24;
        public const string ProgramData = "C:\\ProgramData";

        // The DACL Windows gives a new machine key: SYSTEM and Administrators
        // with full control ("Default permissions for the MachineKeys folders").
        public const string DefaultCngSddl = "D:(A;;GA;;;SY)(A;;GA;;;BA)";
        public const string DefaultCapiSddl = "D:(A;;FA;;;SY)(A;;FA;;;BA)";

        private sealed class Entry
        {
            internal byte[] Raw;
            internal string Thumbprint;
            internal KeyProviderInfo Key;
        }

        /// <summary>A key container: its identity (a link that names it), the
        /// unique name of its file and its DACL.</summary>
        public sealed class Container
        {
            public KeyProviderInfo Link;
            public string UniqueName;
            public byte[] SecurityDescriptor;
        }

        private sealed class Fault
        {
            internal string Method;
            internal long Code;
            internal int Skip;
        }

        private readonly Dictionary<string, List<Entry>> stores = new Dictionary<string, List<Entry>>(StringComparer.OrdinalIgnoreCase);
        private readonly List<Container> containers = new List<Container>();
        private readonly List<Fault> faults = new List<Fault>();
        private int serial;

        public InMemoryCertificateStores()
        {
            Calls = new List<string>();
            ReadsPbes2Pfx = true;
            foreach (string s in new string[] { "MY", "ROOT", "CA", "WEBHOSTING" }) stores[s] = new List<Entry>();
        }

        /// <summary>Every call, in order: "Method arg".</summary>
        public List<string> Calls { get; private set; }

        /// <summary>Keys of imported RSA PFX files go to CNG (what
        /// Import-PfxCertificate does) instead of the CSP the PFX names.</summary>
        public bool ImportRsaAsCng { get; set; }

        /// <summary>PBES2 (AES-256) PFX files import, as on Windows 10 1709 /
        /// Windows Server 2019 (build 16299) and later (the default); false:
        /// as on Server 2016, 0x80070056.</summary>
        public bool ReadsPbes2Pfx { get; set; }

        /// <summary>The (skip+1)-th call of method from now fails once with code.</summary>
        public void FailNext(string method, long code, int skip)
        {
            Fault f = new Fault();
            f.Method = method;
            f.Code = code;
            f.Skip = skip;
            faults.Add(f);
        }

        public void FailNext(string method, long code) { FailNext(method, code, 0); }

        private void Enter(string method, string arg)
        {
            Calls.Add(arg == null ? method : method + " " + arg);
            for (int i = 0; i < faults.Count; i++)
            {
                Fault f = faults[i];
                if (f.Method != method) continue;
                if (f.Skip > 0) { f.Skip--; continue; }
                faults.RemoveAt(i);
                throw new Win32Exception(unchecked((int)f.Code), "injected failure of " + method);
            }
        }

        public int CallCount(string prefix)
        {
            int n = 0;
            foreach (string c in Calls) if (c.StartsWith(prefix, StringComparison.Ordinal)) n++;
            return n;
        }

        // ---- test set-up and inspection (not logged)

        /// <summary>Puts a certificate into a store as it is, linked to key (or none).</summary>
        public void Put(string store, byte[] raw, KeyProviderInfo key)
        {
            List<Entry> list;
            if (!stores.TryGetValue(store, out list)) stores[store] = list = new List<Entry>();
            string t = Thumb(raw);
            list.RemoveAll(delegate(Entry e) { return e.Thumbprint == t; });
            Entry n = new Entry();
            n.Raw = raw;
            n.Thumbprint = t;
            n.Key = key;
            list.Add(n);
        }

        /// <summary>The key link of a stored certificate, or null.</summary>
        public KeyProviderInfo LinkOf(string store, string thumbprint)
        {
            Entry e = Find(store, thumbprint);
            return e == null ? null : e.Key;
        }

        public bool Holds(string store, string thumbprint) { return Find(store, thumbprint) != null; }

        /// <summary>A new key container (as PFXImportCertStore writes one).</summary>
        public KeyProviderInfo NewContainer(bool cng)
        {
            serial++;
            string name = "te-" + Guid.NewGuid().ToString();
            KeyProviderInfo link = cng
                ? new KeyProviderInfo(name, CngProvider, KeyProviderInfo.CngProviderType, KeyProviderInfo.MachineKeySet, 0)
                : new KeyProviderInfo(name, CapiProvider, ProvRsaAes, KeyProviderInfo.MachineKeySet, 1);
            Container c = new Container();
            c.Link = link;
            c.UniqueName = serial.ToString("x8") + "d0c3f1a2b4e5f60718293a4b5c6d7e8f_5b6e1f0c-3a2d-4e8f-9c71-0d2b4a6e8f13";
            c.SecurityDescriptor = Sd(cng ? DefaultCngSddl : DefaultCapiSddl);
            containers.Add(c);
            return link;
        }

        public Container ContainerOf(KeyProviderInfo link)
        {
            if (link == null) return null;
            foreach (Container c in containers) if (c.Link.SameContainer(link)) return c;
            return null;
        }

        public bool Exists(KeyProviderInfo link) { return ContainerOf(link) != null; }

        public void DeleteContainer(KeyProviderInfo link) { containers.Remove(ContainerOf(link)); }

        public int ContainerCount { get { return containers.Count; } }

        public static byte[] Sd(string sddl)
        {
            RawSecurityDescriptor sd = new RawSecurityDescriptor(sddl);
            byte[] b = new byte[sd.BinaryLength];
            sd.GetBinaryForm(b, 0);
            return b;
        }

        public static string Sddl(byte[] sd)
        {
            return new RawSecurityDescriptor(sd, 0).GetSddlForm(AccessControlSections.Access);
        }

        private static string Thumb(byte[] raw) { return new X509Certificate2(raw).Thumbprint.ToUpperInvariant(); }

        private Entry Find(string store, string thumbprint)
        {
            List<Entry> list;
            if (!stores.TryGetValue(store, out list)) return null;
            foreach (Entry e in list) if (e.Thumbprint == thumbprint.ToUpperInvariant()) return e;
            return null;
        }

        private static Exception BadKeyset()
        {
            return new Win32Exception(unchecked((int)CertificateOps.NteBadKeyset), "Keyset does not exist");
        }

        // ---- ICertificateStores

        public IList<string> EnumSystemStores()
        {
            Enter("EnumSystemStores", null);
            return new List<string>(stores.Keys);
        }

        private List<Entry> Existing(string store)
        {
            List<Entry> list;
            if (!stores.TryGetValue(store, out list)) throw new Win32Exception(2, "The system cannot find the file specified.");
            return list;
        }

        public IList<StoreCertificate> Certificates(string store)
        {
            Enter("Certificates", store);
            List<StoreCertificate> result = new List<StoreCertificate>();
            foreach (Entry e in Existing(store)) result.Add(new StoreCertificate(e.Raw, e.Key));
            return result;
        }

        public StoreCertificate FindByThumbprint(string store, string thumbprint)
        {
            Enter("FindByThumbprint", store + " " + thumbprint);
            Existing(store);
            Entry e = Find(store, thumbprint);
            return e == null ? null : new StoreCertificate(e.Raw, e.Key);
        }

        /// <summary>X509Store.Add: a certificate already there keeps its
        /// context, and its key link unless the added one has a link.</summary>
        public void Add(string store, byte[] rawData, KeyProviderInfo keyLink)
        {
            Enter("Add", store + (keyLink == null ? "" : " " + keyLink.ContainerName));
            Entry e = Find(store, Thumb(rawData));
            if (e != null)
            {
                if (keyLink != null) e.Key = keyLink;
                return;
            }
            Put(store, rawData, keyLink);
        }

        public void Remove(string store, string thumbprint)
        {
            Enter("Remove", store + " " + thumbprint);
            Existing(store).RemoveAll(delegate(Entry x) { return x.Thumbprint == thumbprint.ToUpperInvariant(); });
        }

        /// <summary>.NET's parse (PfxEmulation), then a new container per key,
        /// as PFXImportCertStore writes them: CAPI for RSA keys (the CSP a
        /// legacy PFX names), CNG for others.</summary>
        public IList<StoreCertificate> ImportPfx(byte[] pfx, string password, X509KeyStorageFlags flags)
        {
            Enter("ImportPfx", ((int)flags).ToString());
            if ((flags & X509KeyStorageFlags.MachineKeySet) == 0 || (flags & X509KeyStorageFlags.PersistKeySet) == 0)
                throw new InvalidOperationException("the agent must import with MachineKeySet | PersistKeySet");
            List<StoreCertificate> result = new List<StoreCertificate>();
            foreach (PfxEntry c in PfxEmulation.Read(pfx, password, ReadsPbes2Pfx))
            {
                KeyProviderInfo key = null;
                if (c.HasKey)
                {
                    bool rsa = new X509Certificate2(c.RawData).PublicKey.Oid.Value == "1.2.840.113549.1.1.1";
                    key = NewContainer(!rsa || ImportRsaAsCng);
                }
                result.Add(new StoreCertificate(c.RawData, key));
            }
            return result;
        }

        private Container Cng(KeyProviderInfo key)
        {
            Container c = ContainerOf(key);
            // Stricter than Windows, whose KSP also opens CSP keys: a test
            // sees which API an op uses for a key.
            if (c == null || !key.IsCng) throw BadKeyset();
            return c;
        }

        private Container Capi(KeyProviderInfo key)
        {
            Container c = ContainerOf(key);
            if (c == null || key.IsCng) throw BadKeyset();
            return c;
        }

        public void NCryptOpenKey(KeyProviderInfo key) { Enter("NCryptOpenKey", key.ContainerName); Cng(key); }

        public string NCryptGetUniqueName(KeyProviderInfo key) { Enter("NCryptGetUniqueName", key.ContainerName); return Cng(key).UniqueName; }

        public byte[] NCryptGetSecurityDescr(KeyProviderInfo key) { Enter("NCryptGetSecurityDescr", key.ContainerName); return Cng(key).SecurityDescriptor; }

        public void NCryptSetSecurityDescr(KeyProviderInfo key, byte[] securityDescriptor)
        {
            Enter("NCryptSetSecurityDescr", key.ContainerName);
            Cng(key).SecurityDescriptor = securityDescriptor;
        }

        public void NCryptDeleteKey(KeyProviderInfo key) { Enter("NCryptDeleteKey", key.ContainerName); containers.Remove(Cng(key)); }

        public void CryptAcquireContext(KeyProviderInfo key) { Enter("CryptAcquireContext", key.ContainerName); Capi(key); }

        public string CryptGetUniqueContainerName(KeyProviderInfo key) { Enter("CryptGetUniqueContainerName", key.ContainerName); return Capi(key).UniqueName; }

        public void CryptDeleteKeyset(KeyProviderInfo key) { Enter("CryptDeleteKeyset", key.ContainerName); containers.Remove(Capi(key)); }

        private Container ByCapiPath(string path)
        {
            foreach (Container c in containers)
            {
                if (!c.Link.IsCng && path == ProgramData + "\\Microsoft\\Crypto\\RSA\\MachineKeys\\" + c.UniqueName) return c;
            }
            throw new Win32Exception(2, "Could not find file '" + path + "'.");
        }

        public byte[] GetFileSecurity(string path) { Enter("GetFileSecurity", path); return ByCapiPath(path).SecurityDescriptor; }

        public void SetFileSecurity(string path, byte[] securityDescriptor)
        {
            Enter("SetFileSecurity", path);
            ByCapiPath(path).SecurityDescriptor = securityDescriptor;
        }

        public string CommonApplicationData { get { return ProgramData; } }
    }
}
