// P/Invoke declarations of the HTTP Server API (httpapi.dll, the Windows
// SDK's http.h), laid out for 32- and 64-bit alike (IntPtr for pointers,
// sequential layout). scripts/interop-check.sh compares every struct's size
// and field offsets on x64 with the SDK headers compiled by mingw-w64. No
// logic here: WindowsHttpApi uses these.
using System;
using System.Runtime.InteropServices;

namespace TfWin.Windows
{
    internal static partial class Interop
    {
        internal static class HttpApi
        {
            internal const uint HTTP_INITIALIZE_CONFIG = 0x00000002;

            // HTTP_SERVICE_CONFIG_ID
            internal const int HttpServiceConfigSSLCertInfo = 1;
            internal const int HttpServiceConfigUrlAclInfo = 2;
            internal const int HttpServiceConfigSslSniCertInfo = 5;
            internal const int HttpServiceConfigSslCcsCertInfo = 6;
            internal const int HttpServiceConfigSslCertInfoEx = 8;
            internal const int HttpServiceConfigSslSniCertInfoEx = 9;

            // HTTP_SERVICE_CONFIG_QUERY_TYPE
            internal const int HttpServiceConfigQueryExact = 0;
            internal const int HttpServiceConfigQueryNext = 1;

            [StructLayout(LayoutKind.Sequential)]
            internal struct HTTPAPI_VERSION
            {
                internal ushort HttpApiMajorVersion;
                internal ushort HttpApiMinorVersion;
            }

            [StructLayout(LayoutKind.Sequential)]
            internal struct HTTP_SERVICE_CONFIG_URLACL_KEY
            {
                internal IntPtr pUrlPrefix; // PWSTR
            }

            [StructLayout(LayoutKind.Sequential)]
            internal struct HTTP_SERVICE_CONFIG_URLACL_PARAM
            {
                internal IntPtr pStringSecurityDescriptor; // PWSTR
            }

            [StructLayout(LayoutKind.Sequential)]
            internal struct HTTP_SERVICE_CONFIG_URLACL_SET
            {
                internal HTTP_SERVICE_CONFIG_URLACL_KEY KeyDesc;
                internal HTTP_SERVICE_CONFIG_URLACL_PARAM ParamDesc;
            }

            [StructLayout(LayoutKind.Sequential)]
            internal struct HTTP_SERVICE_CONFIG_URLACL_QUERY
            {
                internal int QueryDesc; // HTTP_SERVICE_CONFIG_QUERY_TYPE
                internal HTTP_SERVICE_CONFIG_URLACL_KEY KeyDesc;
                internal uint dwToken;
            }

            [StructLayout(LayoutKind.Sequential)]
            internal struct HTTP_SERVICE_CONFIG_SSL_KEY
            {
                internal IntPtr pIpPort; // PSOCKADDR: SOCKADDR_IN or SOCKADDR_IN6
            }

            [StructLayout(LayoutKind.Sequential)]
            internal struct HTTP_SERVICE_CONFIG_SSL_PARAM
            {
                internal uint SslHashLength;
                internal IntPtr pSslHash;
                internal Guid AppId;
                internal IntPtr pSslCertStoreName; // PWSTR; NULL means "MY"
                internal uint DefaultCertCheckMode;
                internal uint DefaultRevocationFreshnessTime;
                internal uint DefaultRevocationUrlRetrievalTimeout;
                internal IntPtr pDefaultSslCtlIdentifier; // PWSTR
                internal IntPtr pDefaultSslCtlStoreName; // PWSTR
                internal uint DefaultFlags;
            }

            [StructLayout(LayoutKind.Sequential)]
            internal struct HTTP_SERVICE_CONFIG_SSL_SET
            {
                internal HTTP_SERVICE_CONFIG_SSL_KEY KeyDesc;
                internal HTTP_SERVICE_CONFIG_SSL_PARAM ParamDesc;
            }

            [StructLayout(LayoutKind.Sequential)]
            internal struct HTTP_SERVICE_CONFIG_SSL_QUERY
            {
                internal int QueryDesc;
                internal HTTP_SERVICE_CONFIG_SSL_KEY KeyDesc;
                internal uint dwToken;
            }

            // ws2def.h SOCKADDR_STORAGE: 128 bytes, 8-byte aligned by its
            // __int64 member on 32-bit Windows too, which places the SNI
            // key's Host pointer.
            [StructLayout(LayoutKind.Sequential)]
            internal struct SOCKADDR_STORAGE
            {
                internal short ss_family;
                [MarshalAs(UnmanagedType.ByValArray, SizeConst = 6)]
                internal byte[] __ss_pad1;
                internal long __ss_align;
                [MarshalAs(UnmanagedType.ByValArray, SizeConst = 112)]
                internal byte[] __ss_pad2;
            }

            [StructLayout(LayoutKind.Sequential)]
            internal struct HTTP_SERVICE_CONFIG_SSL_SNI_KEY
            {
                internal SOCKADDR_STORAGE IpPort;
                internal IntPtr Host; // PWSTR
            }

            [StructLayout(LayoutKind.Sequential)]
            internal struct HTTP_SERVICE_CONFIG_SSL_SNI_SET
            {
                internal HTTP_SERVICE_CONFIG_SSL_SNI_KEY KeyDesc;
                internal HTTP_SERVICE_CONFIG_SSL_PARAM ParamDesc;
            }

            [StructLayout(LayoutKind.Sequential)]
            internal struct HTTP_SERVICE_CONFIG_SSL_SNI_QUERY
            {
                internal int QueryDesc;
                internal HTTP_SERVICE_CONFIG_SSL_SNI_KEY KeyDesc;
                internal uint dwToken;
            }

            // HTTP_SERVICE_CONFIG_SSL_CCS_KEY: the IPv4 wildcard and a port.
            [StructLayout(LayoutKind.Sequential)]
            internal struct HTTP_SERVICE_CONFIG_SSL_CCS_KEY
            {
                internal SOCKADDR_STORAGE LocalAddress;
            }

            [StructLayout(LayoutKind.Sequential)]
            internal struct HTTP_SERVICE_CONFIG_SSL_CCS_SET
            {
                internal HTTP_SERVICE_CONFIG_SSL_CCS_KEY KeyDesc;
                internal HTTP_SERVICE_CONFIG_SSL_PARAM ParamDesc;
            }

            [StructLayout(LayoutKind.Sequential)]
            internal struct HTTP_SERVICE_CONFIG_SSL_CCS_QUERY
            {
                internal int QueryDesc;
                internal HTTP_SERVICE_CONFIG_SSL_CCS_KEY KeyDesc;
                internal uint dwToken;
            }

            [StructLayout(LayoutKind.Sequential)]
            internal struct HTTP_SERVICE_CONFIG_SSL_KEY_EX
            {
                internal SOCKADDR_STORAGE IpPort;
            }

            [StructLayout(LayoutKind.Sequential)]
            internal struct HTTP_SERVICE_CONFIG_SSL_QUERY_EX
            {
                internal int QueryDesc;
                internal HTTP_SERVICE_CONFIG_SSL_KEY_EX KeyDesc;
                internal uint dwToken;
                internal int ParamType; // HTTP_SSL_SERVICE_CONFIG_EX_PARAM_TYPE
            }

            [StructLayout(LayoutKind.Sequential)]
            internal struct HTTP_SERVICE_CONFIG_SSL_SNI_QUERY_EX
            {
                internal int QueryDesc;
                internal HTTP_SERVICE_CONFIG_SSL_SNI_KEY KeyDesc;
                internal uint dwToken;
                internal int ParamType;
            }

            [DllImport("httpapi.dll", ExactSpelling = true)]
            internal static extern uint HttpInitialize(HTTPAPI_VERSION Version, uint Flags, IntPtr pReserved);

            [DllImport("httpapi.dll", ExactSpelling = true)]
            internal static extern uint HttpTerminate(uint Flags, IntPtr pReserved);

            [DllImport("httpapi.dll", ExactSpelling = true)]
            internal static extern uint HttpQueryServiceConfiguration(IntPtr ServiceHandle, int ConfigId,
                IntPtr pInput, uint InputLength, IntPtr pOutput, uint OutputLength, out uint pReturnLength, IntPtr pOverlapped);

            [DllImport("httpapi.dll", ExactSpelling = true)]
            internal static extern uint HttpSetServiceConfiguration(IntPtr ServiceHandle, int ConfigId,
                IntPtr pConfigInformation, uint ConfigInformationLength, IntPtr pOverlapped);

            // Windows 10 / Server 2016 and later; older httpapi.dll has no
            // such export (EntryPointNotFoundException).
            [DllImport("httpapi.dll", ExactSpelling = true)]
            internal static extern uint HttpUpdateServiceConfiguration(IntPtr Handle, int ConfigId,
                IntPtr ConfigInfo, uint ConfigInfoLength, IntPtr Overlapped);

            [DllImport("httpapi.dll", ExactSpelling = true)]
            internal static extern uint HttpDeleteServiceConfiguration(IntPtr ServiceHandle, int ConfigId,
                IntPtr pConfigInformation, uint ConfigInformationLength, IntPtr pOverlapped);
        }
    }
}
