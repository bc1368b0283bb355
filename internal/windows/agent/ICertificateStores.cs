// The LocalMachine certificate stores and the private keys their
// certificates link to, as Windows keeps them: each method is one Windows
// call, named after it; every decision (which key API a key needs, which
// key may be deleted, what a failure means) is CertificateOps' and
// KeyAccessOps'. Certificates cross this interface as their DER bytes and
// their key link (CERT_KEY_PROV_INFO_PROP_ID), so what the ops report about
// a certificate is computed above it, by .NET, from the bytes.
using System.Collections.Generic;

namespace TfWin
{
    public interface ICertificateStores
    {
        /// <summary>The LocalMachine system store names (CertEnumSystemStore
        /// with CERT_SYSTEM_STORE_LOCAL_MACHINE).</summary>
        IList<string> EnumSystemStores();

        /// <summary>Every certificate of a LocalMachine store (X509Store.Open
        /// with ReadOnly | OpenExistingOnly, X509Store.Certificates); a store
        /// that does not exist fails with 2 (0x80070002).</summary>
        IList<StoreCertificate> Certificates(string store);

        /// <summary>The certificate with the thumbprint (40 upper-case hex
        /// digits) in a LocalMachine store (X509Certificate2Collection.Find
        /// FindByThumbprint), or null; a store that does not exist fails with
        /// 2 (0x80070002).</summary>
        StoreCertificate FindByThumbprint(string store, string thumbprint);

        /// <summary>X509Store.Add into a LocalMachine store opened ReadWrite
        /// (which creates a missing store, as certutil -addstore does).
        /// keyLink null: the certificate as it is, without a key link (a
        /// certificate already in the store keeps its own); otherwise the
        /// certificate's CERT_KEY_PROV_INFO_PROP_ID is set to keyLink first
        /// (CertSetCertificateContextProperty), and Add gives the stored
        /// certificate that link (CERT_STORE_ADD_REPLACE_EXISTING_INHERIT_PROPERTIES).</summary>
        void Add(string store, byte[] rawData, KeyProviderInfo keyLink);

        /// <summary>X509Store.Remove of the certificate with the thumbprint;
        /// its key container stays (CertDeleteCertificateFromStore deletes
        /// no key).</summary>
        void Remove(string store, string thumbprint);

        /// <summary>X509Certificate2Collection.Import(pfx, password, flags):
        /// PFXImportCertStore writes the keys of the PFX (with PersistKeySet,
        /// to stay) and answers the PFX's certificates in file order with
        /// their key links. Failures as Windows reports them: 0x80070056
        /// wrong password, 0x80092009 not a PFX nor a certificate,
        /// 0x8009310B a malformed PFX.</summary>
        IList<StoreCertificate> ImportPfx(byte[] pfx, string password, System.Security.Cryptography.X509Certificates.X509KeyStorageFlags flags);

        /// <summary>NCryptOpenKey of a CNG key (CngKey.Open with
        /// MachineKey when the link says so); fails with NTE_BAD_KEYSET
        /// (0x80090016) when it does not open.</summary>
        void NCryptOpenKey(KeyProviderInfo key);

        /// <summary>The CNG key's NCRYPT_UNIQUE_NAME_PROPERTY
        /// (CngKey.UniqueName): its file name under Crypto\Keys.</summary>
        string NCryptGetUniqueName(KeyProviderInfo key);

        /// <summary>The CNG key's "Security Descr" property read with
        /// DACL_SECURITY_INFORMATION (NCryptGetProperty): a self-relative
        /// security descriptor.</summary>
        byte[] NCryptGetSecurityDescr(KeyProviderInfo key);

        /// <summary>NCryptSetProperty("Security Descr", DACL_SECURITY_INFORMATION).</summary>
        void NCryptSetSecurityDescr(KeyProviderInfo key, byte[] securityDescriptor);

        /// <summary>NCryptDeleteKey (CngKey.Delete).</summary>
        void NCryptDeleteKey(KeyProviderInfo key);

        /// <summary>CryptAcquireContext of a CAPI (CSP) key container with
        /// the link's flags (CRYPT_MACHINE_KEYSET); fails with NTE_BAD_KEYSET
        /// (0x80090016) when it does not open.</summary>
        void CryptAcquireContext(KeyProviderInfo key);

        /// <summary>CryptGetProvParam(PP_UNIQUE_CONTAINER) of a CAPI key
        /// container: its file name under Crypto\RSA\MachineKeys.</summary>
        string CryptGetUniqueContainerName(KeyProviderInfo key);

        /// <summary>CryptAcquireContext with CRYPT_DELETEKEYSET: deletes a
        /// CAPI key container.</summary>
        void CryptDeleteKeyset(KeyProviderInfo key);

        /// <summary>The DACL of a file as a self-relative security descriptor
        /// (File.GetAccessControl(path, AccessControlSections.Access)).</summary>
        byte[] GetFileSecurity(string path);

        /// <summary>File.SetAccessControl with the descriptor's DACL.</summary>
        void SetFileSecurity(string path, byte[] securityDescriptor);

        /// <summary>%ProgramData% (Environment.SpecialFolder.CommonApplicationData),
        /// under which machine keys live.</summary>
        string CommonApplicationData { get; }
    }

    /// <summary>A certificate in a store: its DER bytes and its key link.</summary>
    public sealed class StoreCertificate
    {
        public StoreCertificate(byte[] rawData, KeyProviderInfo key)
        {
            RawData = rawData;
            Key = key;
        }

        public byte[] RawData { get; private set; }

        /// <summary>The key link (CERT_KEY_PROV_INFO_PROP_ID), null when the
        /// certificate has none: what X509Certificate2.HasPrivateKey reports.
        /// A link does not prove the key opens.</summary>
        public KeyProviderInfo Key { get; private set; }
    }

    /// <summary>CRYPT_KEY_PROV_INFO ("CRYPT_KEY_PROV_INFO structure",
    /// learn.microsoft.com/windows/win32/api/wincrypt/ns-wincrypt-crypt_key_prov_info):
    /// names the key container a certificate links to.</summary>
    public sealed class KeyProviderInfo
    {
        /// <summary>dwProvType 0: the key is a CNG (KSP) key.</summary>
        public const int CngProviderType = 0;

        /// <summary>CRYPT_MACHINE_KEYSET / NCRYPT_MACHINE_KEY_FLAG in dwFlags.</summary>
        public const int MachineKeySet = 0x20;

        /// <summary>PROV_DSS and PROV_DSS_DH: CSPs that keep keys in Crypto\DSS.</summary>
        public const int ProvDss = 3, ProvDssDh = 13;

        public KeyProviderInfo(string containerName, string providerName, int providerType, int flags, int keySpec)
        {
            ContainerName = containerName;
            ProviderName = providerName;
            ProviderType = providerType;
            Flags = flags;
            KeySpec = keySpec;
        }

        public string ContainerName { get; private set; }
        public string ProviderName { get; private set; }
        public int ProviderType { get; private set; }
        public int Flags { get; private set; }
        public int KeySpec { get; private set; }

        public bool IsCng { get { return ProviderType == CngProviderType; } }

        public bool IsMachineKey { get { return (Flags & MachineKeySet) != 0; } }

        /// <summary>Both may name one container: the same kind of provider
        /// and key set and the same container name (which KSPs and CSPs
        /// compare without case). The provider name is left out on purpose:
        /// the Microsoft RSA CSPs share one MachineKeys folder, so two links
        /// naming different CSPs can reach the same file, and a key is never
        /// deleted while anything may still reach it.</summary>
        public bool SameContainer(KeyProviderInfo other)
        {
            return other != null && other.IsCng == IsCng && other.IsMachineKey == IsMachineKey
                && string.Equals(other.ContainerName, ContainerName, System.StringComparison.OrdinalIgnoreCase);
        }

        public override string ToString() { return (IsCng ? "CNG" : "CAPI") + " key container " + ContainerName; }
    }
}
