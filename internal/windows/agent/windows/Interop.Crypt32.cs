// crypt32.dll declarations for the certificate stores: the key link
// property of a certificate context and the enumeration of system stores.
// Declarations only ("wincrypt.h", learn.microsoft.com).
using System;
using System.Runtime.InteropServices;

namespace TfWin.Windows
{
    internal static partial class Interop
    {
        internal static partial class Crypt32
        {
            /// <summary>CERT_KEY_PROV_INFO_PROP_ID.</summary>
            internal const int CertKeyProvInfoPropId = 2;

            /// <summary>CERT_SYSTEM_STORE_LOCAL_MACHINE (CERT_SYSTEM_STORE_LOCAL_MACHINE_ID 2 shl 16).</summary>
            internal const int CertSystemStoreLocalMachine = 2 << 16;

            /// <summary>CRYPT_KEY_PROV_INFO.</summary>
            [StructLayout(LayoutKind.Sequential, CharSet = CharSet.Unicode)]
            internal struct CRYPT_KEY_PROV_INFO
            {
                [MarshalAs(UnmanagedType.LPWStr)] internal string pwszContainerName;
                [MarshalAs(UnmanagedType.LPWStr)] internal string pwszProvName;
                internal int dwProvType;
                internal int dwFlags;
                internal int cProvParam;
                internal IntPtr rgProvParam;
                internal int dwKeySpec;
            }

            [DllImport("crypt32.dll", SetLastError = true)]
            [return: MarshalAs(UnmanagedType.Bool)]
            internal static extern bool CertGetCertificateContextProperty(IntPtr pCertContext, int dwPropId, IntPtr pvData, ref int pcbData);

            [DllImport("crypt32.dll", SetLastError = true, CharSet = CharSet.Unicode)]
            [return: MarshalAs(UnmanagedType.Bool)]
            internal static extern bool CertSetCertificateContextProperty(IntPtr pCertContext, int dwPropId, int dwFlags, ref CRYPT_KEY_PROV_INFO pvData);

            /// <summary>PFN_CERT_ENUM_SYSTEM_STORE: pvSystemStore is the store's
            /// name (LPCWSTR) for a store location without CERT_SYSTEM_STORE_RELOCATE_FLAG.</summary>
            [UnmanagedFunctionPointer(CallingConvention.Winapi)]
            [return: MarshalAs(UnmanagedType.Bool)]
            internal delegate bool CertEnumSystemStoreCallback(IntPtr pvSystemStore, int dwFlags, IntPtr pStoreInfo, IntPtr pvReserved, IntPtr pvArg);

            [DllImport("crypt32.dll", SetLastError = true)]
            [return: MarshalAs(UnmanagedType.Bool)]
            internal static extern bool CertEnumSystemStore(int dwFlags, IntPtr pvSystemStoreLocationPara, IntPtr pvArg, CertEnumSystemStoreCallback pfnEnum);
        }
    }
}
