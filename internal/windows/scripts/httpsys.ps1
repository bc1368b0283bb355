# Domain: HTTP.sys configuration, PROTOCOL.md section 3: account lookup,
# URL reservations (httpsys.urlacl.*) and SSL certificate bindings
# (httpsys.sslcert.*).
#
# Reads and writes the HTTP Server API configuration store directly, never
# netsh, whose output is translated on non-English Windows. APIs (http.h,
# httpapi.dll), called through P/Invoke from the C# type below:
#   HttpInitialize (HTTPAPI_VERSION 1.0, HTTP_INITIALIZE_CONFIG), HttpTerminate,
#   HttpQueryServiceConfiguration (HttpServiceConfigQueryExact / QueryNext),
#   HttpSetServiceConfiguration, HttpDeleteServiceConfiguration,
# with the config ids HttpServiceConfigSSLCertInfo (1, ip:port bindings),
# HttpServiceConfigUrlAclInfo (2) and HttpServiceConfigSslSniCertInfo (5,
# hostname:port bindings; http.h's enum, as in the Windows SDK metadata).
# Accounts: System.Security.Principal (NTAccount, SecurityIdentifier); SDDL:
# System.Security.AccessControl.RawSecurityDescriptor.
#
# Minimum Windows: Vista / Server 2008 for the URL reservation and ip:port
# tables; Windows 8 / Server 2012 for the SNI (hostname:port) table. Windows
# PowerShell 3.0 or later (.NET 4): no classes, ternaries, '??' or ::new().
#
# Errors: a Win32 code an API returns becomes the envelope code, with Windows'
# own (localized) text after the API and key; wrong or missing arguments: 87.

# Import-HttpSysNative loads the P/Invoke declarations once per process,
# compiled once per host (Import-CachedAssembly). Struct layouts follow
# http.h for 32- and 64-bit alike (IntPtr for pointers, sequential layout);
# LayoutProblem re-checks them against http.h's sizes so a mismatch fails
# loudly instead of passing HTTP.sys a garbled record. The namespace carries
# a version: change it with any change to the C# code, as a process can hold
# only one definition of a type name.
function Import-HttpSysNative {
    if ($null -eq ('TfWin.HttpSys.V1.HttpConfig' -as [type])) {
        $source = @'
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace TfWin.HttpSys.V1
{
    [StructLayout(LayoutKind.Sequential, CharSet = CharSet.Unicode)]
    public struct HTTPAPI_VERSION
    {
        public ushort HttpApiMajorVersion;
        public ushort HttpApiMinorVersion;
    }

    [StructLayout(LayoutKind.Sequential, CharSet = CharSet.Unicode)]
    public struct HTTP_SERVICE_CONFIG_URLACL_KEY
    {
        public IntPtr pUrlPrefix; // PWSTR
    }

    [StructLayout(LayoutKind.Sequential, CharSet = CharSet.Unicode)]
    public struct HTTP_SERVICE_CONFIG_URLACL_PARAM
    {
        public IntPtr pStringSecurityDescriptor; // PWSTR
    }

    [StructLayout(LayoutKind.Sequential, CharSet = CharSet.Unicode)]
    public struct HTTP_SERVICE_CONFIG_URLACL_SET
    {
        public HTTP_SERVICE_CONFIG_URLACL_KEY KeyDesc;
        public HTTP_SERVICE_CONFIG_URLACL_PARAM ParamDesc;
    }

    [StructLayout(LayoutKind.Sequential, CharSet = CharSet.Unicode)]
    public struct HTTP_SERVICE_CONFIG_URLACL_QUERY
    {
        public int QueryDesc; // HTTP_SERVICE_CONFIG_QUERY_TYPE
        public HTTP_SERVICE_CONFIG_URLACL_KEY KeyDesc;
        public uint dwToken;
    }

    [StructLayout(LayoutKind.Sequential, CharSet = CharSet.Unicode)]
    public struct HTTP_SERVICE_CONFIG_SSL_KEY
    {
        public IntPtr pIpPort; // PSOCKADDR: SOCKADDR_IN or SOCKADDR_IN6
    }

    [StructLayout(LayoutKind.Sequential, CharSet = CharSet.Unicode)]
    public struct HTTP_SERVICE_CONFIG_SSL_PARAM
    {
        public uint SslHashLength;
        public IntPtr pSslHash;
        public Guid AppId;
        public IntPtr pSslCertStoreName; // PWSTR; NULL means "MY"
        public uint DefaultCertCheckMode;
        public uint DefaultRevocationFreshnessTime;
        public uint DefaultRevocationUrlRetrievalTimeout;
        public IntPtr pDefaultSslCtlIdentifier; // PWSTR
        public IntPtr pDefaultSslCtlStoreName; // PWSTR
        public uint DefaultFlags;
    }

    [StructLayout(LayoutKind.Sequential, CharSet = CharSet.Unicode)]
    public struct HTTP_SERVICE_CONFIG_SSL_SET
    {
        public HTTP_SERVICE_CONFIG_SSL_KEY KeyDesc;
        public HTTP_SERVICE_CONFIG_SSL_PARAM ParamDesc;
    }

    [StructLayout(LayoutKind.Sequential, CharSet = CharSet.Unicode)]
    public struct HTTP_SERVICE_CONFIG_SSL_QUERY
    {
        public int QueryDesc; // HTTP_SERVICE_CONFIG_QUERY_TYPE
        public HTTP_SERVICE_CONFIG_SSL_KEY KeyDesc;
        public uint dwToken;
    }

    // ws2def.h SOCKADDR_STORAGE: 128 bytes, 8-byte aligned by its __int64
    // member on 32-bit Windows too, which places the SNI key's Host pointer.
    [StructLayout(LayoutKind.Sequential, CharSet = CharSet.Unicode)]
    public struct SOCKADDR_STORAGE
    {
        public short ss_family;
        [MarshalAs(UnmanagedType.ByValArray, SizeConst = 6)]
        public byte[] ss_pad1;
        public long ss_align;
        [MarshalAs(UnmanagedType.ByValArray, SizeConst = 112)]
        public byte[] ss_pad2;
    }

    [StructLayout(LayoutKind.Sequential, CharSet = CharSet.Unicode)]
    public struct HTTP_SERVICE_CONFIG_SSL_SNI_KEY
    {
        public SOCKADDR_STORAGE IpPort;
        public IntPtr Host; // PWSTR
    }

    [StructLayout(LayoutKind.Sequential, CharSet = CharSet.Unicode)]
    public struct HTTP_SERVICE_CONFIG_SSL_SNI_SET
    {
        public HTTP_SERVICE_CONFIG_SSL_SNI_KEY KeyDesc;
        public HTTP_SERVICE_CONFIG_SSL_PARAM ParamDesc;
    }

    [StructLayout(LayoutKind.Sequential, CharSet = CharSet.Unicode)]
    public struct HTTP_SERVICE_CONFIG_SSL_SNI_QUERY
    {
        public int QueryDesc; // HTTP_SERVICE_CONFIG_QUERY_TYPE
        public HTTP_SERVICE_CONFIG_SSL_SNI_KEY KeyDesc;
        public uint dwToken;
    }

    public static class NativeMethods
    {
        public const uint HTTP_INITIALIZE_CONFIG = 0x00000002;

        // HTTP_SERVICE_CONFIG_ID
        public const int HttpServiceConfigSSLCertInfo = 1;
        public const int HttpServiceConfigUrlAclInfo = 2;
        public const int HttpServiceConfigSslSniCertInfo = 5;

        // HTTP_SERVICE_CONFIG_QUERY_TYPE
        public const int HttpServiceConfigQueryExact = 0;
        public const int HttpServiceConfigQueryNext = 1;

        [DllImport("httpapi.dll", ExactSpelling = true)]
        public static extern uint HttpInitialize(HTTPAPI_VERSION Version, uint Flags, IntPtr pReserved);

        [DllImport("httpapi.dll", ExactSpelling = true)]
        public static extern uint HttpTerminate(uint Flags, IntPtr pReserved);

        [DllImport("httpapi.dll", ExactSpelling = true)]
        public static extern uint HttpQueryServiceConfiguration(IntPtr ServiceHandle, int ConfigId,
            IntPtr pInput, uint InputLength, IntPtr pOutput, uint OutputLength,
            out uint pReturnLength, IntPtr pOverlapped);

        [DllImport("httpapi.dll", ExactSpelling = true)]
        public static extern uint HttpSetServiceConfiguration(IntPtr ServiceHandle, int ConfigId,
            IntPtr pConfigInformation, uint ConfigInformationLength, IntPtr pOverlapped);

        [DllImport("httpapi.dll", ExactSpelling = true)]
        public static extern uint HttpDeleteServiceConfiguration(IntPtr ServiceHandle, int ConfigId,
            IntPtr pConfigInformation, uint ConfigInformationLength, IntPtr pOverlapped);
    }

    // A URL reservation as the store holds it.
    public sealed class UrlAclRecord
    {
        public string Url;
        public string Sddl;
    }

    // An SSL binding as the store holds it. HostnamePort set means the SNI
    // table, otherwise IpPort and the ip:port table.
    public sealed class SslRecord
    {
        public string IpPort;
        public string HostnamePort;
        public byte[] Hash;
        public Guid AppId;
        public string StoreName;
        public uint CertCheckMode;
        public uint RevocationFreshnessTime;
        public uint UrlRetrievalTimeout;
        public string CtlIdentifier;
        public string CtlStoreName;
        public uint Flags;

        public bool IsSni
        {
            get { return !string.IsNullOrEmpty(HostnamePort); }
        }

        public string KeyText
        {
            get { return IsSni ? "hostnameport=" + HostnamePort : "ipport=" + IpPort; }
        }
    }

    // Unmanaged memory of one call, freed together when disposed.
    internal sealed class Arena : IDisposable
    {
        private readonly List<IntPtr> blocks = new List<IntPtr>();

        public IntPtr Zeroed(int size)
        {
            IntPtr p = Marshal.AllocHGlobal(size);
            blocks.Add(p);
            Marshal.Copy(new byte[size], 0, p, size);
            return p;
        }

        // Bytes copies data into a zeroed block of at least size bytes.
        public IntPtr Bytes(byte[] data, int size)
        {
            if (data == null || size == 0) return IntPtr.Zero;
            IntPtr p = Zeroed(Math.Max(size, data.Length));
            Marshal.Copy(data, 0, p, data.Length);
            return p;
        }

        // Utf16 returns a NUL-terminated copy of s, or NULL for null or "".
        public IntPtr Utf16(string s)
        {
            if (string.IsNullOrEmpty(s)) return IntPtr.Zero;
            IntPtr p = Marshal.StringToHGlobalUni(s);
            blocks.Add(p);
            return p;
        }

        public IntPtr Struct(object value, out int size)
        {
            size = Marshal.SizeOf(value);
            IntPtr p = Zeroed(size);
            Marshal.StructureToPtr(value, p, false);
            return p;
        }

        public void Adopt(IntPtr p)
        {
            if (p != IntPtr.Zero) blocks.Add(p);
        }

        public void Dispose()
        {
            foreach (IntPtr p in blocks) Marshal.FreeHGlobal(p);
            blocks.Clear();
        }
    }

    // HttpConfig is the configuration store. Every method returns the Win32
    // code of the call (0 = success) and never throws for an API failure.
    public static class HttpConfig
    {
        private const uint ERROR_INVALID_PARAMETER = 87;
        private const uint ERROR_INSUFFICIENT_BUFFER = 122;
        private const uint ERROR_MORE_DATA = 234;
        private const uint ERROR_NO_MORE_ITEMS = 259;
        private const int AF_INET = 2;
        private const int AF_INET6 = 23;
        private const int SockAddrStorageSize = 128;

        private delegate uint Work(Arena mem);

        // Run calls work between HttpInitialize and HttpTerminate with an
        // arena that is freed however work ends.
        private static uint Run(Work work)
        {
            HTTPAPI_VERSION version = new HTTPAPI_VERSION();
            version.HttpApiMajorVersion = 1;
            version.HttpApiMinorVersion = 0;
            uint rc = NativeMethods.HttpInitialize(version, NativeMethods.HTTP_INITIALIZE_CONFIG, IntPtr.Zero);
            if (rc != 0) return rc;
            try
            {
                using (Arena mem = new Arena())
                {
                    return work(mem);
                }
            }
            finally
            {
                NativeMethods.HttpTerminate(NativeMethods.HTTP_INITIALIZE_CONFIG, IntPtr.Zero);
            }
        }

        // Query calls HttpQueryServiceConfiguration, growing the output
        // buffer while it answers ERROR_INSUFFICIENT_BUFFER (or
        // ERROR_MORE_DATA) with the size it needs; on success the arena owns
        // *output.
        private static uint Query(Arena mem, int configId, IntPtr input, int inputLength, out IntPtr output)
        {
            output = IntPtr.Zero;
            uint size = 1024;
            for (int attempt = 0; attempt < 16; attempt++)
            {
                IntPtr buffer = Marshal.AllocHGlobal((int)size);
                bool kept = false;
                try
                {
                    uint needed = 0;
                    uint rc = NativeMethods.HttpQueryServiceConfiguration(IntPtr.Zero, configId,
                        input, (uint)inputLength, buffer, size, out needed, IntPtr.Zero);
                    if (rc == 0)
                    {
                        mem.Adopt(buffer);
                        kept = true;
                        output = buffer;
                        return 0;
                    }
                    if (rc != ERROR_INSUFFICIENT_BUFFER && rc != ERROR_MORE_DATA) return rc;
                    size = needed > size ? needed : size * 2;
                }
                finally
                {
                    if (!kept) Marshal.FreeHGlobal(buffer);
                }
            }
            return ERROR_INSUFFICIENT_BUFFER;
        }

        // ---- URL reservations (HttpServiceConfigUrlAclInfo)

        public static uint QueryUrlAcl(string url, out UrlAclRecord record)
        {
            UrlAclRecord found = null;
            uint rc = Run(delegate(Arena mem)
            {
                HTTP_SERVICE_CONFIG_URLACL_QUERY query = new HTTP_SERVICE_CONFIG_URLACL_QUERY();
                query.QueryDesc = NativeMethods.HttpServiceConfigQueryExact;
                query.KeyDesc.pUrlPrefix = mem.Utf16(url);
                int size;
                IntPtr input = mem.Struct(query, out size);
                IntPtr output;
                uint code = Query(mem, NativeMethods.HttpServiceConfigUrlAclInfo, input, size, out output);
                if (code != 0) return code;
                found = ReadUrlAcl(output);
                return 0;
            });
            record = found;
            return rc;
        }

        public static uint ListUrlAcls(out UrlAclRecord[] records)
        {
            List<UrlAclRecord> found = new List<UrlAclRecord>();
            uint rc = Run(delegate(Arena mem)
            {
                for (uint token = 0; ; token++)
                {
                    HTTP_SERVICE_CONFIG_URLACL_QUERY query = new HTTP_SERVICE_CONFIG_URLACL_QUERY();
                    query.QueryDesc = NativeMethods.HttpServiceConfigQueryNext;
                    query.dwToken = token;
                    int size;
                    IntPtr input = mem.Struct(query, out size);
                    IntPtr output;
                    uint code = Query(mem, NativeMethods.HttpServiceConfigUrlAclInfo, input, size, out output);
                    if (code == ERROR_NO_MORE_ITEMS) return 0;
                    if (code != 0) return code;
                    found.Add(ReadUrlAcl(output));
                }
            });
            records = found.ToArray();
            return rc;
        }

        public static uint AddUrlAcl(string url, string sddl)
        {
            return ChangeUrlAcl(url, sddl, true);
        }

        public static uint DeleteUrlAcl(string url)
        {
            return ChangeUrlAcl(url, null, false);
        }

        private static uint ChangeUrlAcl(string url, string sddl, bool add)
        {
            return Run(delegate(Arena mem)
            {
                HTTP_SERVICE_CONFIG_URLACL_SET set = new HTTP_SERVICE_CONFIG_URLACL_SET();
                set.KeyDesc.pUrlPrefix = mem.Utf16(url);
                set.ParamDesc.pStringSecurityDescriptor = mem.Utf16(sddl);
                int size;
                IntPtr info = mem.Struct(set, out size);
                if (add)
                {
                    return NativeMethods.HttpSetServiceConfiguration(IntPtr.Zero,
                        NativeMethods.HttpServiceConfigUrlAclInfo, info, (uint)size, IntPtr.Zero);
                }
                return NativeMethods.HttpDeleteServiceConfiguration(IntPtr.Zero,
                    NativeMethods.HttpServiceConfigUrlAclInfo, info, (uint)size, IntPtr.Zero);
            });
        }

        private static UrlAclRecord ReadUrlAcl(IntPtr output)
        {
            HTTP_SERVICE_CONFIG_URLACL_SET set = (HTTP_SERVICE_CONFIG_URLACL_SET)Marshal.PtrToStructure(
                output, typeof(HTTP_SERVICE_CONFIG_URLACL_SET));
            UrlAclRecord record = new UrlAclRecord();
            record.Url = Marshal.PtrToStringUni(set.KeyDesc.pUrlPrefix);
            record.Sddl = Marshal.PtrToStringUni(set.ParamDesc.pStringSecurityDescriptor);
            return record;
        }

        // ---- SSL bindings (HttpServiceConfigSSLCertInfo, HttpServiceConfigSslSniCertInfo)

        public static uint QuerySsl(SslRecord key, out SslRecord record)
        {
            SslRecord found = null;
            uint rc = Run(delegate(Arena mem)
            {
                int size;
                IntPtr input = BuildSslQuery(mem, key.IsSni, NativeMethods.HttpServiceConfigQueryExact, 0, key, out size);
                if (input == IntPtr.Zero) return ERROR_INVALID_PARAMETER;
                IntPtr output;
                uint code = Query(mem, SslConfigId(key.IsSni), input, size, out output);
                if (code != 0) return code;
                found = ReadSsl(output, key.IsSni);
                return 0;
            });
            record = found;
            return rc;
        }

        // ListSsl enumerates one table. Before Windows 8 / Server 2012 there
        // is no SNI table, so it is empty there.
        public static uint ListSsl(bool sni, out SslRecord[] records)
        {
            List<SslRecord> found = new List<SslRecord>();
            if (sni && Environment.OSVersion.Version < new Version(6, 2))
            {
                records = found.ToArray();
                return 0;
            }
            uint rc = Run(delegate(Arena mem)
            {
                for (uint token = 0; ; token++)
                {
                    int size;
                    IntPtr input = BuildSslQuery(mem, sni, NativeMethods.HttpServiceConfigQueryNext, token, null, out size);
                    IntPtr output;
                    uint code = Query(mem, SslConfigId(sni), input, size, out output);
                    if (code == ERROR_NO_MORE_ITEMS) return 0;
                    if (code != 0) return code;
                    found.Add(ReadSsl(output, sni));
                }
            });
            records = found.ToArray();
            return rc;
        }

        public static uint SetSsl(SslRecord record)
        {
            return ChangeSsl(record, true);
        }

        public static uint DeleteSsl(SslRecord key)
        {
            return ChangeSsl(key, false);
        }

        private static uint ChangeSsl(SslRecord record, bool add)
        {
            return Run(delegate(Arena mem)
            {
                int size;
                IntPtr info = BuildSslSet(mem, record, add, out size);
                if (info == IntPtr.Zero) return ERROR_INVALID_PARAMETER;
                int configId = SslConfigId(record.IsSni);
                if (add)
                {
                    return NativeMethods.HttpSetServiceConfiguration(IntPtr.Zero, configId, info, (uint)size, IntPtr.Zero);
                }
                return NativeMethods.HttpDeleteServiceConfiguration(IntPtr.Zero, configId, info, (uint)size, IntPtr.Zero);
            });
        }

        private static int SslConfigId(bool sni)
        {
            return sni ? NativeMethods.HttpServiceConfigSslSniCertInfo : NativeMethods.HttpServiceConfigSSLCertInfo;
        }

        // BuildSslQuery returns an HTTP_SERVICE_CONFIG_SSL[_SNI]_QUERY for key
        // (null for QueryNext), or IntPtr.Zero if key does not parse.
        private static IntPtr BuildSslQuery(Arena mem, bool sni, int queryType, uint token, SslRecord key, out int size)
        {
            size = 0;
            if (sni)
            {
                HTTP_SERVICE_CONFIG_SSL_SNI_QUERY sniQuery = new HTTP_SERVICE_CONFIG_SSL_SNI_QUERY();
                sniQuery.QueryDesc = queryType;
                sniQuery.dwToken = token;
                sniQuery.KeyDesc.IpPort = StorageFromBytes(new byte[0]);
                if (key != null && !TrySniKey(mem, key.HostnamePort, out sniQuery.KeyDesc)) return IntPtr.Zero;
                return mem.Struct(sniQuery, out size);
            }
            HTTP_SERVICE_CONFIG_SSL_QUERY ipQuery = new HTTP_SERVICE_CONFIG_SSL_QUERY();
            ipQuery.QueryDesc = queryType;
            ipQuery.dwToken = token;
            if (key != null && !TryIpKey(mem, key.IpPort, out ipQuery.KeyDesc.pIpPort)) return IntPtr.Zero;
            return mem.Struct(ipQuery, out size);
        }

        // BuildSslSet returns an HTTP_SERVICE_CONFIG_SSL[_SNI]_SET for record,
        // with its parameters when withParam (a delete needs only the key),
        // or IntPtr.Zero if the key does not parse.
        private static IntPtr BuildSslSet(Arena mem, SslRecord record, bool withParam, out int size)
        {
            size = 0;
            HTTP_SERVICE_CONFIG_SSL_PARAM param = new HTTP_SERVICE_CONFIG_SSL_PARAM();
            if (withParam) param = BuildParam(mem, record);
            if (record.IsSni)
            {
                HTTP_SERVICE_CONFIG_SSL_SNI_SET sniSet = new HTTP_SERVICE_CONFIG_SSL_SNI_SET();
                if (!TrySniKey(mem, record.HostnamePort, out sniSet.KeyDesc)) return IntPtr.Zero;
                sniSet.ParamDesc = param;
                return mem.Struct(sniSet, out size);
            }
            HTTP_SERVICE_CONFIG_SSL_SET ipSet = new HTTP_SERVICE_CONFIG_SSL_SET();
            if (!TryIpKey(mem, record.IpPort, out ipSet.KeyDesc.pIpPort)) return IntPtr.Zero;
            ipSet.ParamDesc = param;
            return mem.Struct(ipSet, out size);
        }

        private static HTTP_SERVICE_CONFIG_SSL_PARAM BuildParam(Arena mem, SslRecord record)
        {
            HTTP_SERVICE_CONFIG_SSL_PARAM param = new HTTP_SERVICE_CONFIG_SSL_PARAM();
            byte[] hash = record.Hash ?? new byte[0];
            param.SslHashLength = (uint)hash.Length;
            param.pSslHash = mem.Bytes(hash, hash.Length);
            param.AppId = record.AppId;
            param.pSslCertStoreName = mem.Utf16(record.StoreName);
            param.DefaultCertCheckMode = record.CertCheckMode;
            param.DefaultRevocationFreshnessTime = record.RevocationFreshnessTime;
            param.DefaultRevocationUrlRetrievalTimeout = record.UrlRetrievalTimeout;
            param.pDefaultSslCtlIdentifier = mem.Utf16(record.CtlIdentifier);
            param.pDefaultSslCtlStoreName = mem.Utf16(record.CtlStoreName);
            param.DefaultFlags = record.Flags;
            return param;
        }

        private static SslRecord ReadSsl(IntPtr output, bool sni)
        {
            SslRecord record = new SslRecord();
            HTTP_SERVICE_CONFIG_SSL_PARAM param;
            if (sni)
            {
                HTTP_SERVICE_CONFIG_SSL_SNI_SET sniSet = (HTTP_SERVICE_CONFIG_SSL_SNI_SET)Marshal.PtrToStructure(
                    output, typeof(HTTP_SERVICE_CONFIG_SSL_SNI_SET));
                byte[] sa = StorageToBytes(sniSet.KeyDesc.IpPort);
                int port = (sa[2] << 8) | sa[3];
                record.HostnamePort = Marshal.PtrToStringUni(sniSet.KeyDesc.Host) + ":" +
                    port.ToString(CultureInfo.InvariantCulture);
                param = sniSet.ParamDesc;
            }
            else
            {
                HTTP_SERVICE_CONFIG_SSL_SET ipSet = (HTTP_SERVICE_CONFIG_SSL_SET)Marshal.PtrToStructure(
                    output, typeof(HTTP_SERVICE_CONFIG_SSL_SET));
                record.IpPort = FormatSockAddr(ReadSockAddr(ipSet.KeyDesc.pIpPort));
                param = ipSet.ParamDesc;
            }
            record.Hash = new byte[param.SslHashLength];
            if (param.SslHashLength > 0 && param.pSslHash != IntPtr.Zero)
            {
                Marshal.Copy(param.pSslHash, record.Hash, 0, (int)param.SslHashLength);
            }
            record.AppId = param.AppId;
            record.StoreName = Marshal.PtrToStringUni(param.pSslCertStoreName);
            record.CertCheckMode = param.DefaultCertCheckMode;
            record.RevocationFreshnessTime = param.DefaultRevocationFreshnessTime;
            record.UrlRetrievalTimeout = param.DefaultRevocationUrlRetrievalTimeout;
            record.CtlIdentifier = Marshal.PtrToStringUni(param.pDefaultSslCtlIdentifier);
            record.CtlStoreName = Marshal.PtrToStringUni(param.pDefaultSslCtlStoreName);
            record.Flags = param.DefaultFlags;
            return record;
        }

        // ---- keys

        // KeyProblem says why key's ipport or hostnameport does not parse,
        // or returns null.
        public static string KeyProblem(SslRecord key)
        {
            if (key.IsSni)
            {
                string host;
                ushort port;
                if (!SplitHostPort(key.HostnamePort, out host, out port))
                {
                    return "hostnameport must be hostname:port, got '" + key.HostnamePort + "'";
                }
                return null;
            }
            if (ParseIpPort(key.IpPort) == null)
            {
                return "ipport must be a.b.c.d:port or [IPv6 address]:port, got '" + key.IpPort + "'";
            }
            return null;
        }

        private static bool TryIpKey(Arena mem, string ipPort, out IntPtr sockAddr)
        {
            sockAddr = IntPtr.Zero;
            byte[] sa = ParseIpPort(ipPort);
            if (sa == null) return false;
            sockAddr = mem.Bytes(sa, SockAddrStorageSize);
            return true;
        }

        // TrySniKey builds the SNI key: the docs of HTTP_SERVICE_CONFIG_SSL_SNI_KEY
        // require the IPv4 wildcard (AF_INET, sin_addr zero) with the port.
        private static bool TrySniKey(Arena mem, string hostnamePort, out HTTP_SERVICE_CONFIG_SSL_SNI_KEY key)
        {
            key = new HTTP_SERVICE_CONFIG_SSL_SNI_KEY();
            string host;
            ushort port;
            if (!SplitHostPort(hostnamePort, out host, out port)) return false;
            key.IpPort = StorageFromBytes(SockAddrIn(IPAddress.Any.GetAddressBytes(), port));
            key.Host = mem.Utf16(host);
            return true;
        }

        private static bool SplitHostPort(string text, out string host, out ushort port)
        {
            host = null;
            port = 0;
            if (string.IsNullOrEmpty(text)) return false;
            int colon = text.LastIndexOf(':');
            if (colon <= 0 || colon == text.Length - 1) return false;
            host = text.Substring(0, colon);
            return ushort.TryParse(text.Substring(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port);
        }

        // ParseIpPort returns the SOCKADDR_IN (a.b.c.d:port) or SOCKADDR_IN6
        // ([address]:port) of text, or null.
        public static byte[] ParseIpPort(string text)
        {
            string host;
            ushort port;
            if (!SplitHostPort(text, out host, out port)) return null;
            bool bracketed = host.Length >= 2 && host[0] == '[' && host[host.Length - 1] == ']';
            if (bracketed) host = host.Substring(1, host.Length - 2);
            IPAddress address;
            if (!IPAddress.TryParse(host, out address)) return null;
            if (address.AddressFamily == AddressFamily.InterNetwork && !bracketed && IsDottedQuad(host))
            {
                return SockAddrIn(address.GetAddressBytes(), port);
            }
            if (address.AddressFamily == AddressFamily.InterNetworkV6 && bracketed)
            {
                byte[] sa = new byte[28];
                sa[0] = AF_INET6;
                sa[2] = (byte)(port >> 8);
                sa[3] = (byte)port;
                Array.Copy(address.GetAddressBytes(), 0, sa, 8, 16);
                Array.Copy(BitConverter.GetBytes((uint)address.ScopeId), 0, sa, 24, 4);
                return sa;
            }
            return null;
        }

        // IsDottedQuad rejects the short and octal forms IPAddress.TryParse
        // also accepts ("10.1", "010.0.0.1").
        private static bool IsDottedQuad(string host)
        {
            string[] parts = host.Split('.');
            if (parts.Length != 4) return false;
            foreach (string part in parts)
            {
                byte value;
                if (part.Length == 0 || part.Length > 3 || (part.Length > 1 && part[0] == '0')) return false;
                if (!byte.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out value)) return false;
            }
            return true;
        }

        // SockAddrIn lays out a SOCKADDR_IN: family in host order, port in
        // network order, the address, eight zero bytes.
        private static byte[] SockAddrIn(byte[] address, ushort port)
        {
            byte[] sa = new byte[16];
            sa[0] = AF_INET;
            sa[2] = (byte)(port >> 8);
            sa[3] = (byte)port;
            Array.Copy(address, 0, sa, 4, 4);
            return sa;
        }

        private static byte[] ReadSockAddr(IntPtr p)
        {
            if (p == IntPtr.Zero) return null;
            int family = Marshal.ReadInt16(p);
            byte[] sa = new byte[family == AF_INET6 ? 28 : 16];
            Marshal.Copy(p, sa, 0, sa.Length);
            return sa;
        }

        public static string FormatSockAddr(byte[] sa)
        {
            if (sa == null || sa.Length < 16) return null;
            int family = sa[0] | (sa[1] << 8);
            string port = ((sa[2] << 8) | sa[3]).ToString(CultureInfo.InvariantCulture);
            if (family == AF_INET)
            {
                byte[] address = new byte[4];
                Array.Copy(sa, 4, address, 0, 4);
                return new IPAddress(address).ToString() + ":" + port;
            }
            if (family == AF_INET6 && sa.Length >= 28)
            {
                byte[] address = new byte[16];
                Array.Copy(sa, 8, address, 0, 16);
                long scope = BitConverter.ToUInt32(sa, 24);
                return "[" + new IPAddress(address, scope).ToString() + "]:" + port;
            }
            return "(address family " + family.ToString(CultureInfo.InvariantCulture) + "):" + port;
        }

        private static SOCKADDR_STORAGE StorageFromBytes(byte[] sa)
        {
            IntPtr p = Marshal.AllocHGlobal(SockAddrStorageSize);
            try
            {
                Marshal.Copy(new byte[SockAddrStorageSize], 0, p, SockAddrStorageSize);
                Marshal.Copy(sa, 0, p, Math.Min(sa.Length, SockAddrStorageSize));
                return (SOCKADDR_STORAGE)Marshal.PtrToStructure(p, typeof(SOCKADDR_STORAGE));
            }
            finally
            {
                Marshal.FreeHGlobal(p);
            }
        }

        private static byte[] StorageToBytes(SOCKADDR_STORAGE storage)
        {
            IntPtr p = Marshal.AllocHGlobal(SockAddrStorageSize);
            try
            {
                Marshal.StructureToPtr(storage, p, false);
                byte[] sa = new byte[SockAddrStorageSize];
                Marshal.Copy(p, sa, 0, SockAddrStorageSize);
                return sa;
            }
            finally
            {
                Marshal.FreeHGlobal(p);
            }
        }

        // ---- certificate hashes

        // ParseHex returns the bytes of an even number of hex digits, or null.
        public static byte[] ParseHex(string hex)
        {
            if (string.IsNullOrEmpty(hex) || hex.Length % 2 != 0) return null;
            byte[] bytes = new byte[hex.Length / 2];
            for (int i = 0; i < bytes.Length; i++)
            {
                int high = HexDigit(hex[2 * i]);
                int low = HexDigit(hex[2 * i + 1]);
                if (high < 0 || low < 0) return null;
                bytes[i] = (byte)((high << 4) | low);
            }
            return bytes;
        }

        private static int HexDigit(char c)
        {
            if (c >= '0' && c <= '9') return c - '0';
            if (c >= 'a' && c <= 'f') return c - 'a' + 10;
            if (c >= 'A' && c <= 'F') return c - 'A' + 10;
            return -1;
        }

        // ToHex returns upper-case hex digits, as netsh shows hashes.
        public static string ToHex(byte[] bytes)
        {
            if (bytes == null) return "";
            return BitConverter.ToString(bytes).Replace("-", "");
        }

        // ---- layout self-check

        // LayoutProblem compares the marshalled layouts with http.h's sizes and
        // offsets (64-bit, 32-bit); null when they agree.
        public static string LayoutProblem()
        {
            string[] problems = new string[]
            {
                Expect(typeof(HTTPAPI_VERSION), null, 4, 4),
                Expect(typeof(HTTP_SERVICE_CONFIG_URLACL_SET), null, 16, 8),
                Expect(typeof(HTTP_SERVICE_CONFIG_URLACL_QUERY), null, 24, 12),
                Expect(typeof(HTTP_SERVICE_CONFIG_URLACL_QUERY), "dwToken", 16, 8),
                Expect(typeof(HTTP_SERVICE_CONFIG_SSL_PARAM), null, 80, 52),
                Expect(typeof(HTTP_SERVICE_CONFIG_SSL_PARAM), "AppId", 16, 8),
                Expect(typeof(HTTP_SERVICE_CONFIG_SSL_PARAM), "DefaultCertCheckMode", 40, 28),
                Expect(typeof(HTTP_SERVICE_CONFIG_SSL_PARAM), "pDefaultSslCtlIdentifier", 56, 40),
                Expect(typeof(HTTP_SERVICE_CONFIG_SSL_PARAM), "DefaultFlags", 72, 48),
                Expect(typeof(HTTP_SERVICE_CONFIG_SSL_SET), null, 88, 56),
                Expect(typeof(HTTP_SERVICE_CONFIG_SSL_QUERY), null, 24, 12),
                Expect(typeof(SOCKADDR_STORAGE), null, 128, 128),
                Expect(typeof(HTTP_SERVICE_CONFIG_SSL_SNI_KEY), null, 136, 136),
                Expect(typeof(HTTP_SERVICE_CONFIG_SSL_SNI_KEY), "Host", 128, 128),
                Expect(typeof(HTTP_SERVICE_CONFIG_SSL_SNI_SET), null, 216, 192),
                Expect(typeof(HTTP_SERVICE_CONFIG_SSL_SNI_SET), "ParamDesc", 136, 136),
                Expect(typeof(HTTP_SERVICE_CONFIG_SSL_SNI_QUERY), null, 152, 152),
                Expect(typeof(HTTP_SERVICE_CONFIG_SSL_SNI_QUERY), "KeyDesc", 8, 8),
                Expect(typeof(HTTP_SERVICE_CONFIG_SSL_SNI_QUERY), "dwToken", 144, 144),
            };
            foreach (string problem in problems)
            {
                if (problem != null) return problem;
            }
            return null;
        }

        // Expect checks the size of type (field null) or the offset of field.
        private static string Expect(Type type, string field, int want64, int want32)
        {
            int want = IntPtr.Size == 8 ? want64 : want32;
            int got = field == null ? Marshal.SizeOf(type) : Marshal.OffsetOf(type, field).ToInt32();
            if (got == want) return null;
            string what = field == null ? "size of " + type.Name : "offset of " + type.Name + "." + field;
            return "HTTP Server API declarations do not match http.h: " + what + " is " +
                got.ToString(CultureInfo.InvariantCulture) + ", expected " + want.ToString(CultureInfo.InvariantCulture);
        }
    }
}
'@
        if (-not (Import-CachedAssembly $source)) {
            $null = Add-Type -TypeDefinition $source -IgnoreWarnings
        }
    }
    $problem = [TfWin.HttpSys.V1.HttpConfig]::LayoutProblem()
    if ($null -ne $problem) { throw (New-OpError 1 $problem) }
}

# ---- compiled declarations, cached on the host
#
# Compiling the C# above (csc.exe: 1-3 s, more under antivirus) is paid once
# per host and declaration version, not per process: the assembly is kept in
# %ProgramData%\TfWinAssemblies, a folder only Administrators and SYSTEM may
# write. Before each use the folder's owner and access rules are checked; a
# folder someone else created or may write is not trusted, and the source is
# then compiled in memory as before. The file is named
# <SHA-256 of the source>-<SHA-256 of the DLL>.dll: the bytes are read into
# memory, their hash checked against the name, and those bytes (never a
# path that could be swapped between check and load) go to Assembly.Load.
# (Reflection.Emit P/Invoke would need no compiler at all, but would mean
# re-declaring every struct field and layout of the interop above by hand,
# without the compiler checking them; caching keeps the reviewed C#.)

$AssemblyCacheWriteRights = 1342029590 # write, append, delete, ACL, owner, GENERIC_WRITE, GENERIC_ALL bits

# New-AdminOnlySecurity is a folder ACL: owner Administrators, full control
# for Administrators and SYSTEM only, nothing inherited.
function New-AdminOnlySecurity {
    $security = New-Object System.Security.AccessControl.DirectorySecurity
    $security.SetAccessRuleProtection($true, $false)
    foreach ($sddlSid in @('S-1-5-32-544', 'S-1-5-18')) {
        $sid = New-Object System.Security.Principal.SecurityIdentifier $sddlSid
        $rule = New-Object System.Security.AccessControl.FileSystemAccessRule -ArgumentList $sid, 'FullControl', 'ContainerInherit, ObjectInherit', 'None', 'Allow'
        $security.AddAccessRule($rule)
    }
    $security.SetOwner((New-Object System.Security.Principal.SecurityIdentifier 'S-1-5-32-544'))
    return $security
}

# Test-AdminOnlyFolder says whether only Administrators and SYSTEM own and
# may change the folder and its files.
function Test-AdminOnlyFolder([string]$Path) {
    $trusted = @('S-1-5-32-544', 'S-1-5-18')
    $acl = [System.IO.Directory]::GetAccessControl($Path)
    $owner = $acl.GetOwner([System.Security.Principal.SecurityIdentifier]).Value
    if ($trusted -notcontains $owner -or -not $acl.AreAccessRulesProtected) { return $false }
    foreach ($rule in $acl.GetAccessRules($true, $true, [System.Security.Principal.SecurityIdentifier])) {
        if ($rule.AccessControlType -ne [System.Security.AccessControl.AccessControlType]::Allow) { continue }
        if ($trusted -contains $rule.IdentityReference.Value) { continue }
        if (([int64]$rule.FileSystemRights -band $AssemblyCacheWriteRights) -ne 0) { return $false }
    }
    return $true
}

# Save-CompiledAssembly compiles Source into the folder under its
# hash-carrying name (a temporary name first, so no reader sees half a file).
function Save-CompiledAssembly([string]$Source, [string]$Folder, [string]$SourceHash) {
    $tmp = Join-Path $Folder ($SourceHash + '.' + [Guid]::NewGuid().ToString('N') + '.tmp')
    $compiler = New-Object Microsoft.CSharp.CSharpCodeProvider
    $params = New-Object System.CodeDom.Compiler.CompilerParameters
    $params.GenerateInMemory = $false
    $params.GenerateExecutable = $false
    $params.OutputAssembly = $tmp
    $null = $params.ReferencedAssemblies.Add('System.dll')
    try {
        $results = $compiler.CompileAssemblyFromSource($params, $Source)
        if ($results.Errors.HasErrors) { return }
        $hash = Get-Sha256Hex ([System.IO.File]::ReadAllBytes($tmp))
        $final = Join-Path $Folder ($SourceHash + '-' + $hash + '.dll')
        if (-not [System.IO.File]::Exists($final)) { [System.IO.File]::Move($tmp, $final) }
    } finally {
        $compiler.Dispose()
        if ([System.IO.File]::Exists($tmp)) { [System.IO.File]::Delete($tmp) }
    }
}

# Import-CachedAssembly loads the compiled Source from the cache, compiling
# it there first if needed; false when the cache cannot be used or trusted.
function Import-CachedAssembly([string]$Source) {
    try {
        $folder = Join-Path ([Environment]::GetFolderPath('CommonApplicationData')) 'TfWinAssemblies'
        if (-not [System.IO.Directory]::Exists($folder)) {
            $null = [System.IO.Directory]::CreateDirectory($folder, (New-AdminOnlySecurity))
        }
        if (-not (Test-AdminOnlyFolder $folder)) { return $false }
        $sourceHash = Get-Sha256Hex ([Text.Encoding]::UTF8.GetBytes($Source))
        for ($attempt = 0; $attempt -lt 2; $attempt++) {
            foreach ($file in [System.IO.Directory]::GetFiles($folder, $sourceHash + '-*.dll')) {
                $bytes = [System.IO.File]::ReadAllBytes($file)
                $expected = [System.IO.Path]::GetFileNameWithoutExtension($file).Substring($sourceHash.Length + 1)
                if ((Get-Sha256Hex $bytes) -eq $expected) {
                    $null = [System.Reflection.Assembly]::Load($bytes)
                    return $true
                }
            }
            if ($attempt -eq 0) { Save-CompiledAssembly $Source $folder $sourceHash }
        }
    } catch {
        # Any failure of the cache falls back to compiling in memory.
        $null = $_
    }
    return $false
}

# ---- arguments

# Get-RequiredString returns the non-empty string argument Name, or fails
# with 87 (ERROR_INVALID_PARAMETER).
function Get-RequiredString([hashtable]$A, [string]$Name) {
    $value = $A[$Name]
    if ($null -eq $value -or $value -isnot [string] -or $value.Length -eq 0) {
        throw (New-OpError 87 ("argument '" + $Name + "' is required"))
    }
    return $value
}

function Get-OptionalString([hashtable]$A, [string]$Name) {
    $value = $A[$Name]
    if ($null -eq $value) { return $null }
    if ($value -isnot [string]) { throw (New-OpError 87 ("argument '" + $Name + "' must be a string")) }
    return $value
}

# Get-OptionalBool takes only JSON true/false: PowerShell would read the
# string "false" as $true.
function Get-OptionalBool([hashtable]$A, [string]$Name, [bool]$Default) {
    $value = $A[$Name]
    if ($null -eq $value) { return $Default }
    if ($value -isnot [bool]) { throw (New-OpError 87 ("argument '" + $Name + "' must be true or false")) }
    return $value
}

# Get-OptionalUInt32 takes a JSON number 0..4294967295 (a DWORD field).
function Get-OptionalUInt32([hashtable]$A, [string]$Name) {
    $value = $A[$Name]
    if ($null -eq $value) { return [uint32]0 }
    $isNumber = ($value -is [int]) -or ($value -is [long]) -or ($value -is [decimal]) -or ($value -is [double])
    if ($isNumber) {
        $number = [double]$value
        if ($number -ge 0 -and $number -le 4294967295 -and $number -eq [math]::Floor($number)) { return [uint32]$number }
    }
    throw (New-OpError 87 ("argument '" + $Name + "' must be a whole number from 0 to 4294967295"))
}

# ---- errors

# Assert-HttpApi throws the Win32 code an HTTP Server API call returned, with
# Windows' own (localized) text after the call and its key.
function Assert-HttpApi([uint32]$Code, [string]$Call) {
    if ($Code -eq 0) { return }
    $windowsText = (New-Object System.ComponentModel.Win32Exception -ArgumentList ([int]$Code)).Message
    throw (New-Object System.ComponentModel.Win32Exception -ArgumentList ([int]$Code), ($Call + ': ' + $windowsText))
}

# ---- accounts

# ConvertTo-AccountError maps "does not resolve" to 1332 (ERROR_NONE_MAPPED)
# and returns any other exception as it is.
function ConvertTo-AccountError([System.Exception]$Exception, [string]$Account) {
    $notMapped = Find-Exception $Exception ([System.Security.Principal.IdentityNotMappedException])
    if ($null -eq $notMapped) { return $Exception }
    return (New-OpError 1332 ("account '" + $Account + "' does not resolve on this host: " + $notMapped.Message))
}

# Resolve-AccountSid returns the SecurityIdentifier of a name (Everyone,
# BUILTIN\Users, HOST\alice, alice) or of a SID string.
function Resolve-AccountSid([string]$Account) {
    if ($Account -match '^S-\d+(-\d+)+$') {
        try {
            return (New-Object System.Security.Principal.SecurityIdentifier -ArgumentList $Account)
        } catch {
            throw (New-OpError 87 ("account '" + $Account + "' is not a valid SID"))
        }
    }
    try {
        $ntAccount = New-Object System.Security.Principal.NTAccount -ArgumentList $Account
        return $ntAccount.Translate([System.Security.Principal.SecurityIdentifier])
    } catch {
        throw (ConvertTo-AccountError $_.Exception $Account)
    }
}

# Get-AccountName returns the host's name for a SID, or the SID string when it
# has none (a deleted account), caching answers in Names.
function Get-AccountName([System.Security.Principal.SecurityIdentifier]$Sid, [hashtable]$Names) {
    if ($Names.ContainsKey($Sid.Value)) { return $Names[$Sid.Value] }
    $name = $Sid.Value
    try { $name = $Sid.Translate([System.Security.Principal.NTAccount]).Value } catch { $name = $Sid.Value }
    $Names[$Sid.Value] = $name
    return $name
}

function Invoke-httpsys.account.lookup([hashtable]$A) {
    $account = Get-RequiredString $A 'account'
    $sid = Resolve-AccountSid $account
    $name = $null
    try {
        $name = $sid.Translate([System.Security.Principal.NTAccount]).Value
    } catch {
        throw (ConvertTo-AccountError $_.Exception $account)
    }
    return @{ sid = $sid.Value; account = $name }
}

# ---- URL reservations

# ConvertTo-UrlAclResult is the protocol's URL ACL object: the SDDL and the
# host's reading of its allow ACEs (GX = listen, GW = delegate, GA = both).
function ConvertTo-UrlAclResult([string]$Url, [string]$Sddl, [hashtable]$Names) {
    $entries = New-Object System.Collections.ArrayList
    $acl = $null
    try {
        $acl = (New-Object System.Security.AccessControl.RawSecurityDescriptor -ArgumentList $Sddl).DiscretionaryAcl
    } catch {
        $acl = $null # HTTP.sys checked the SDDL when it was stored; report it without entries.
    }
    if ($null -ne $acl) {
        foreach ($ace in $acl) {
            if ($ace -isnot [System.Security.AccessControl.CommonAce]) { continue }
            if ($ace.AceType -ne [System.Security.AccessControl.AceType]::AccessAllowed) { continue }
            $mask = $ace.AccessMask
            $all = ($mask -band 0x10000000) -ne 0
            [void]$entries.Add(@{
                    sid      = $ace.SecurityIdentifier.Value
                    account  = (Get-AccountName $ace.SecurityIdentifier $Names)
                    listen   = ($all -or (($mask -band 0x20000000) -ne 0))
                    delegate = ($all -or (($mask -band 0x40000000) -ne 0))
                })
        }
    }
    return @{ url = $Url; sddl = $Sddl; entries = $entries.ToArray() }
}

function Get-UrlAcl([string]$Url) {
    $record = $null
    Assert-HttpApi ([TfWin.HttpSys.V1.HttpConfig]::QueryUrlAcl($Url, [ref]$record)) ('HttpQueryServiceConfiguration(url=' + $Url + ')')
    return (ConvertTo-UrlAclResult $record.Url $record.Sddl @{})
}

function Invoke-httpsys.urlacl.list([hashtable]$A) {
    Import-HttpSysNative
    $records = $null
    Assert-HttpApi ([TfWin.HttpSys.V1.HttpConfig]::ListUrlAcls([ref]$records)) 'HttpQueryServiceConfiguration(URL reservations)'
    $names = @{}
    $urlacls = New-Object System.Collections.ArrayList
    foreach ($record in $records) {
        [void]$urlacls.Add((ConvertTo-UrlAclResult $record.Url $record.Sddl $names))
    }
    return @{ urlacls = $urlacls.ToArray() }
}

function Invoke-httpsys.urlacl.get([hashtable]$A) {
    $url = Get-RequiredString $A 'url'
    Import-HttpSysNative
    return (Get-UrlAcl $url)
}

# The URL and SDDL go to HTTP.sys as given: it validates both (87) and
# reports an existing reservation (183) itself.
function Invoke-httpsys.urlacl.add([hashtable]$A) {
    $url = Get-RequiredString $A 'url'
    $sddl = Get-RequiredString $A 'sddl'
    Import-HttpSysNative
    Assert-HttpApi ([TfWin.HttpSys.V1.HttpConfig]::AddUrlAcl($url, $sddl)) ('HttpSetServiceConfiguration(url=' + $url + ')')
    return (Get-UrlAcl $url)
}

function Invoke-httpsys.urlacl.delete([hashtable]$A) {
    $url = Get-RequiredString $A 'url'
    Import-HttpSysNative
    Assert-HttpApi ([TfWin.HttpSys.V1.HttpConfig]::DeleteUrlAcl($url)) ('HttpDeleteServiceConfiguration(url=' + $url + ')')
    return @{}
}

# ---- SSL bindings

# New-SslKeyRecord reads a binding key: exactly one of ipport ("a.b.c.d:port",
# "[IPv6]:port") and hostnameport ("name:port").
function New-SslKeyRecord([hashtable]$A) {
    $ipport = Get-OptionalString $A 'ipport'
    $hostnameport = Get-OptionalString $A 'hostnameport'
    $hasIpPort = -not [string]::IsNullOrEmpty($ipport)
    $hasHostnamePort = -not [string]::IsNullOrEmpty($hostnameport)
    if ($hasIpPort -eq $hasHostnamePort) {
        throw (New-OpError 87 'exactly one of ipport and hostnameport is required')
    }
    $record = New-Object TfWin.HttpSys.V1.SslRecord
    if ($hasIpPort) { $record.IpPort = $ipport } else { $record.HostnamePort = $hostnameport }
    $problem = [TfWin.HttpSys.V1.HttpConfig]::KeyProblem($record)
    if ($null -ne $problem) { throw (New-OpError 87 $problem) }
    return $record
}

# ConvertTo-SslRecord reads a Binding (PROTOCOL.md) into a record.
# DefaultCertCheckMode: 1 no client revocation check, 2 cached only,
# 4 freshness time enabled, 0x10000 no usage check. DefaultFlags: the bits
# of SslFlagBits below, plus other_flags.
function ConvertTo-SslRecord([hashtable]$A) {
    $record = New-SslKeyRecord $A

    $hashText = Get-RequiredString $A 'certificate_hash'
    $record.Hash = [TfWin.HttpSys.V1.HttpConfig]::ParseHex($hashText)
    if ($null -eq $record.Hash) {
        throw (New-OpError 87 ("certificate_hash must be hexadecimal digits, got '" + $hashText + "'"))
    }
    $appIdText = Get-RequiredString $A 'app_id'
    $appId = [guid]::Empty
    if (-not [guid]::TryParse($appIdText, [ref]$appId)) {
        throw (New-OpError 87 ("app_id must be a GUID, got '" + $appIdText + "'"))
    }
    $record.AppId = $appId
    $record.StoreName = Get-OptionalString $A 'certificate_store_name'

    $mode = 0
    if (-not (Get-OptionalBool $A 'verify_client_cert_revocation' $true)) { $mode = $mode -bor 1 }
    if (Get-OptionalBool $A 'verify_revocation_with_cached_client_cert_only' $false) { $mode = $mode -bor 2 }
    $freshness = Get-OptionalUInt32 $A 'revocation_freshness_time'
    if ($freshness -gt 0) { $mode = $mode -bor 4 }
    if (-not (Get-OptionalBool $A 'usage_check' $true)) { $mode = $mode -bor 0x10000 }
    $record.CertCheckMode = [uint32]$mode
    $record.RevocationFreshnessTime = $freshness
    $record.UrlRetrievalTimeout = Get-OptionalUInt32 $A 'url_retrieval_timeout'
    $record.CtlIdentifier = Get-OptionalString $A 'ctl_identifier'
    $record.CtlStoreName = Get-OptionalString $A 'ctl_store_name'

    $flags = [long](Get-OptionalUInt32 $A 'other_flags')
    $named = Get-NamedSslFlags
    if (($flags -band $named) -ne 0) {
        throw (New-OpError 87 ('other_flags holds bits that have their own arguments: 0x' + ($flags -band $named).ToString('x')))
    }
    $bits = Get-SslFlagBits
    foreach ($name in $bits.Keys) {
        if (Get-OptionalBool $A $name $false) { $flags = $flags -bor $bits[$name] }
    }
    $record.Flags = [uint32]$flags
    return $record
}

# Get-SslFlagBits returns the DefaultFlags bits (HTTP_SERVICE_CONFIG_SSL_FLAG_*
# of http.h) that have their own arguments; other_flags carries the rest.
function Get-SslFlagBits {
    return @{
        ds_mapper_usage       = 0x1   # USE_DS_MAPPER
        negotiate_client_cert = 0x2   # NEGOTIATE_CLIENT_CERT
        disable_http2         = 0x10  # DISABLE_HTTP2
        disable_quic          = 0x20  # DISABLE_QUIC
        disable_tls13         = 0x40  # DISABLE_TLS13
        disable_ocsp_stapling = 0x80  # DISABLE_OCSP_STAPLING
        disable_legacy_tls    = 0x400 # DISABLE_LEGACY_TLS
    }
}

# Get-NamedSslFlags returns the union of Get-SslFlagBits' bits.
function Get-NamedSslFlags {
    $union = [long]0
    foreach ($bit in (Get-SslFlagBits).Values) { $union = $union -bor $bit }
    return $union
}

# Get-OtherSslFlags returns the DefaultFlags bits of Flags that have no
# argument of their own.
function Get-OtherSslFlags([long]$Flags) {
    return ($Flags -band (-bnot (Get-NamedSslFlags)) -band 4294967295)
}

# ConvertTo-BindingResult is the protocol's Binding object of a record.
function ConvertTo-BindingResult($Record) {
    $mode = [long]$Record.CertCheckMode
    $flags = [long]$Record.Flags
    $store = [string]$Record.StoreName
    if ($store.Length -eq 0) { $store = 'MY' } # NULL: HTTP.sys reads the MY store
    $result = @{
        ipport                                         = $Record.IpPort
        hostnameport                                   = $Record.HostnamePort
        certificate_hash                               = [TfWin.HttpSys.V1.HttpConfig]::ToHex($Record.Hash)
        app_id                                         = '{' + $Record.AppId.ToString() + '}'
        certificate_store_name                         = $store.ToUpperInvariant()
        verify_client_cert_revocation                  = (($mode -band 1) -eq 0)
        verify_revocation_with_cached_client_cert_only = (($mode -band 2) -ne 0)
        usage_check                                    = (($mode -band 0x10000) -eq 0)
        revocation_freshness_time                      = [long]$Record.RevocationFreshnessTime
        url_retrieval_timeout                          = [long]$Record.UrlRetrievalTimeout
        ctl_identifier                                 = [string]$Record.CtlIdentifier
        ctl_store_name                                 = [string]$Record.CtlStoreName
        other_flags                                    = (Get-OtherSslFlags $flags)
    }
    $bits = Get-SslFlagBits
    foreach ($name in $bits.Keys) { $result[$name] = (($flags -band $bits[$name]) -ne 0) }
    return $result
}

function Get-SslRecord($Key) {
    $record = $null
    Assert-HttpApi ([TfWin.HttpSys.V1.HttpConfig]::QuerySsl($Key, [ref]$record)) ('HttpQueryServiceConfiguration(' + $Key.KeyText + ')')
    return $record
}

function Invoke-httpsys.sslcert.list([hashtable]$A) {
    Import-HttpSysNative
    $bindings = New-Object System.Collections.ArrayList
    foreach ($sni in @($false, $true)) {
        $records = $null
        Assert-HttpApi ([TfWin.HttpSys.V1.HttpConfig]::ListSsl($sni, [ref]$records)) 'HttpQueryServiceConfiguration(SSL bindings)'
        foreach ($record in $records) {
            [void]$bindings.Add((ConvertTo-BindingResult $record))
        }
    }
    return @{ bindings = $bindings.ToArray() }
}

function Invoke-httpsys.sslcert.get([hashtable]$A) {
    Import-HttpSysNative
    $key = New-SslKeyRecord $A
    return (ConvertTo-BindingResult (Get-SslRecord $key))
}

# HTTP.sys checks the certificate itself: 1312 when it is not in the store or
# its private key is not usable, 183 when the key is taken.
function Invoke-httpsys.sslcert.add([hashtable]$A) {
    Import-HttpSysNative
    $record = ConvertTo-SslRecord $A
    Assert-HttpApi ([TfWin.HttpSys.V1.HttpConfig]::SetSsl($record)) ('HttpSetServiceConfiguration(' + $record.KeyText + ')')
    return (ConvertTo-BindingResult (Get-SslRecord $record))
}

# Restore-SslRecord puts back the binding replace deleted. If even that fails
# the port is left unbound, and the error says so next to the add's error.
function Restore-SslRecord($Old, [System.Exception]$AddError) {
    $restoreText = $null
    try {
        $rc = [TfWin.HttpSys.V1.HttpConfig]::SetSsl($Old)
        if ($rc -ne 0) { $restoreText = (New-Object System.ComponentModel.Win32Exception -ArgumentList ([int]$rc)).Message }
    } catch {
        $restoreText = $_.Exception.Message
    }
    if ($null -eq $restoreText) { return }
    $code = Get-ErrorCode $AddError
    if ($code -gt [int]::MaxValue) { $code = 1 }
    $message = $AddError.Message + '; restoring the previous binding failed too, ' + $Old.KeyText + ' is now unbound: ' + $restoreText
    throw (New-Object System.ComponentModel.Win32Exception -ArgumentList ([int]$code), $message)
}

# Replace deletes the binding at the key and adds the new one; if the add
# fails it re-adds the old binding (every field as read, flags it does not
# model included) and reports the add's error, so the port never stays unbound.
# The new binding keeps the old one's DefaultFlags bits that have no argument.
function Invoke-httpsys.sslcert.replace([hashtable]$A) {
    Import-HttpSysNative
    $new = ConvertTo-SslRecord $A
    $old = Get-SslRecord $new
    # DefaultFlags bits the arguments have no name for stay as they were.
    $new.Flags = [uint32](([long]$new.Flags) -bor (Get-OtherSslFlags ([long]$old.Flags)))
    Assert-HttpApi ([TfWin.HttpSys.V1.HttpConfig]::DeleteSsl($old)) ('HttpDeleteServiceConfiguration(' + $old.KeyText + ')')
    try {
        Assert-HttpApi ([TfWin.HttpSys.V1.HttpConfig]::SetSsl($new)) ('HttpSetServiceConfiguration(' + $new.KeyText + ')')
    } catch {
        $addError = $_.Exception
        Restore-SslRecord $old $addError
        throw $addError
    }
    return (ConvertTo-BindingResult (Get-SslRecord $new))
}

function Invoke-httpsys.sslcert.delete([hashtable]$A) {
    Import-HttpSysNative
    $key = New-SslKeyRecord $A
    Assert-HttpApi ([TfWin.HttpSys.V1.HttpConfig]::DeleteSsl($key)) ('HttpDeleteServiceConfiguration(' + $key.KeyText + ')')
    return @{}
}
