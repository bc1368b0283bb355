// The LocalMachine certificate stores and machine keys on Windows: one
// Windows call per method, no decisions (those are CertificateOps' and
// KeyAccessOps'). .NET's own failures (CryptographicException with the
// HRESULT Windows gave) pass through; ErrorCodes.Of reads their codes.
// Only a real host runs this file.
using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.IO;
using System.Runtime.InteropServices;
using System.Security.AccessControl;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace TfWin.Windows
{
    internal static partial class WindowsHostParts
    {
        static partial void FillCertificates(HostServices host) { host.Certificates = new WindowsCertificateStores(); }
    }

    internal sealed class WindowsCertificateStores : ICertificateStores
    {
        // CngPropertyOptions value of DACL_SECURITY_INFORMATION: NCryptGetProperty /
        // NCryptSetProperty take the SECURITY_INFORMATION flags in dwFlags for
        // NCRYPT_SECURITY_DESCR_PROPERTY ("NCryptSetProperty function").
        private const CngPropertyOptions DaclSecurityInformation = (CngPropertyOptions)4;
        private const string SecurityDescrProperty = "Security Descr";

        private static X509Store Open(string store, OpenFlags flags)
        {
            X509Store s = new X509Store(store, StoreLocation.LocalMachine);
            s.Open(flags);
            return s;
        }

        /// <summary>The certificate's CERT_KEY_PROV_INFO_PROP_ID, or null.</summary>
        private static KeyProviderInfo KeyLinkOf(X509Certificate2 cert)
        {
            int size = 0;
            if (!Interop.Crypt32.CertGetCertificateContextProperty(cert.Handle, Interop.Crypt32.CertKeyProvInfoPropId, IntPtr.Zero, ref size)) return null;
            IntPtr buffer = Marshal.AllocHGlobal(size);
            try
            {
                if (!Interop.Crypt32.CertGetCertificateContextProperty(cert.Handle, Interop.Crypt32.CertKeyProvInfoPropId, buffer, ref size))
                    throw new Win32Exception(Marshal.GetLastWin32Error());
                Interop.Crypt32.CRYPT_KEY_PROV_INFO info = (Interop.Crypt32.CRYPT_KEY_PROV_INFO)Marshal.PtrToStructure(buffer, typeof(Interop.Crypt32.CRYPT_KEY_PROV_INFO));
                return new KeyProviderInfo(info.pwszContainerName, info.pwszProvName, info.dwProvType, info.dwFlags, info.dwKeySpec);
            }
            finally { Marshal.FreeHGlobal(buffer); }
        }

        private static StoreCertificate Stored(X509Certificate2 cert) { return new StoreCertificate(cert.RawData, KeyLinkOf(cert)); }

        public IList<string> EnumSystemStores()
        {
            List<string> names = new List<string>();
            Interop.Crypt32.CertEnumSystemStoreCallback callback = delegate(IntPtr name, int flags, IntPtr info, IntPtr reserved, IntPtr arg)
            {
                names.Add(Marshal.PtrToStringUni(name));
                return true;
            };
            if (!Interop.Crypt32.CertEnumSystemStore(Interop.Crypt32.CertSystemStoreLocalMachine, IntPtr.Zero, IntPtr.Zero, callback))
                throw new Win32Exception(Marshal.GetLastWin32Error());
            GC.KeepAlive(callback);
            return names;
        }

        public IList<StoreCertificate> Certificates(string store)
        {
            X509Store s = Open(store, OpenFlags.ReadOnly | OpenFlags.OpenExistingOnly);
            try
            {
                List<StoreCertificate> list = new List<StoreCertificate>();
                foreach (X509Certificate2 c in s.Certificates) list.Add(Stored(c));
                return list;
            }
            finally { s.Close(); }
        }

        public StoreCertificate FindByThumbprint(string store, string thumbprint)
        {
            X509Store s = Open(store, OpenFlags.ReadOnly | OpenFlags.OpenExistingOnly);
            try
            {
                X509Certificate2Collection found = s.Certificates.Find(X509FindType.FindByThumbprint, thumbprint, false);
                return found.Count == 0 ? null : Stored(found[0]);
            }
            finally { s.Close(); }
        }

        public void Add(string store, byte[] rawData, KeyProviderInfo keyLink)
        {
            X509Certificate2 cert = new X509Certificate2(rawData);
            if (keyLink != null)
            {
                Interop.Crypt32.CRYPT_KEY_PROV_INFO info = new Interop.Crypt32.CRYPT_KEY_PROV_INFO();
                info.pwszContainerName = keyLink.ContainerName;
                info.pwszProvName = keyLink.ProviderName;
                info.dwProvType = keyLink.ProviderType;
                info.dwFlags = keyLink.Flags;
                info.dwKeySpec = keyLink.KeySpec;
                if (!Interop.Crypt32.CertSetCertificateContextProperty(cert.Handle, Interop.Crypt32.CertKeyProvInfoPropId, 0, ref info))
                    throw new Win32Exception(Marshal.GetLastWin32Error());
            }
            X509Store s = Open(store, OpenFlags.ReadWrite);
            try { s.Add(cert); }
            finally { s.Close(); }
        }

        public void Remove(string store, string thumbprint)
        {
            X509Store s = Open(store, OpenFlags.ReadWrite | OpenFlags.OpenExistingOnly);
            try
            {
                foreach (X509Certificate2 c in s.Certificates.Find(X509FindType.FindByThumbprint, thumbprint, false)) s.Remove(c);
            }
            finally { s.Close(); }
        }

        public IList<StoreCertificate> ImportPfx(byte[] pfx, string password, X509KeyStorageFlags flags)
        {
            X509Certificate2Collection collection = new X509Certificate2Collection();
            collection.Import(pfx, password, flags);
            List<StoreCertificate> list = new List<StoreCertificate>();
            foreach (X509Certificate2 c in collection) list.Add(Stored(c));
            return list;
        }

        private static CngKey OpenCng(KeyProviderInfo key)
        {
            CngKeyOpenOptions options = key.IsMachineKey ? CngKeyOpenOptions.MachineKey : CngKeyOpenOptions.None;
            return CngKey.Open(key.ContainerName, new CngProvider(key.ProviderName), options | CngKeyOpenOptions.Silent);
        }

        public void NCryptOpenKey(KeyProviderInfo key) { OpenCng(key).Dispose(); }

        public string NCryptGetUniqueName(KeyProviderInfo key)
        {
            using (CngKey k = OpenCng(key)) return k.UniqueName;
        }

        public byte[] NCryptGetSecurityDescr(KeyProviderInfo key)
        {
            using (CngKey k = OpenCng(key)) return k.GetProperty(SecurityDescrProperty, DaclSecurityInformation).GetValue();
        }

        public void NCryptSetSecurityDescr(KeyProviderInfo key, byte[] securityDescriptor)
        {
            using (CngKey k = OpenCng(key)) k.SetProperty(new CngProperty(SecurityDescrProperty, securityDescriptor, DaclSecurityInformation));
        }

        public void NCryptDeleteKey(KeyProviderInfo key) { OpenCng(key).Delete(); }

        /// <summary>The CSP container as an AsymmetricAlgorithm over
        /// CryptAcquireContext (CspParameters with UseExistingKey): the DSS
        /// CSPs' keys as DSACryptoServiceProvider, others as RSACryptoServiceProvider.</summary>
        private static ICspAsymmetricAlgorithm AcquireCsp(KeyProviderInfo key)
        {
            CspParameters p = new CspParameters(key.ProviderType, key.ProviderName, key.ContainerName);
            p.KeyNumber = key.KeySpec;
            p.Flags = CspProviderFlags.UseExistingKey;
            if (key.IsMachineKey) p.Flags |= CspProviderFlags.UseMachineKeyStore;
            if (key.ProviderType == KeyProviderInfo.ProvDss || key.ProviderType == KeyProviderInfo.ProvDssDh) return new DSACryptoServiceProvider(p);
            return new RSACryptoServiceProvider(p);
        }

        public void CryptAcquireContext(KeyProviderInfo key) { ((IDisposable)AcquireCsp(key)).Dispose(); }

        public string CryptGetUniqueContainerName(KeyProviderInfo key)
        {
            ICspAsymmetricAlgorithm k = AcquireCsp(key);
            try { return k.CspKeyContainerInfo.UniqueKeyContainerName; }
            finally { ((IDisposable)k).Dispose(); }
        }

        public void CryptDeleteKeyset(KeyProviderInfo key)
        {
            // PersistKeyInCsp = false makes Clear() delete the container
            // (CryptAcquireContext with CRYPT_DELETEKEYSET), as .NET's own
            // reference source does.
            ICspAsymmetricAlgorithm k = AcquireCsp(key);
            RSACryptoServiceProvider rsa = k as RSACryptoServiceProvider;
            if (rsa != null) rsa.PersistKeyInCsp = false;
            DSACryptoServiceProvider dsa = k as DSACryptoServiceProvider;
            if (dsa != null) dsa.PersistKeyInCsp = false;
            ((AsymmetricAlgorithm)k).Clear();
        }

        public byte[] GetFileSecurity(string path)
        {
            return File.GetAccessControl(path, AccessControlSections.Access).GetSecurityDescriptorBinaryForm();
        }

        public void SetFileSecurity(string path, byte[] securityDescriptor)
        {
            FileSecurity security = new FileSecurity();
            security.SetSecurityDescriptorBinaryForm(securityDescriptor, AccessControlSections.Access);
            File.SetAccessControl(path, security);
        }

        public string CommonApplicationData
        {
            get { return Environment.GetFolderPath(Environment.SpecialFolder.CommonApplicationData); }
        }
    }
}
