// IHttpApi on Windows: the HTTP Server API configuration store through
// httpapi.dll (Interop.HttpApi). Each method is one configuration call
// (between HttpInitialize and HttpTerminate, as the API requires for
// HTTP_INITIALIZE_CONFIG) plus the marshalling of its record; a non-zero
// return is thrown as Win32Exception with that code. Only a real host runs
// this file.
using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Api = TfWin.Windows.Interop.HttpApi;

namespace TfWin.Windows
{
    internal sealed class WindowsHttpApi : IHttpApi
    {
        private const uint ErrorInsufficientBuffer = 122;
        private const uint ErrorMoreData = 234;
        private const uint ErrorNoMoreItems = 259;
        private const int ErrorProcNotFound = 127;
        private const int SockAddrStorageSize = 128;
        private const short AfInet = 2;
        private const short AfInet6 = 23;

        // ---- URL reservations

        public IList<UrlAclRecord> QueryUrlAcls()
        {
            List<UrlAclRecord> found = new List<UrlAclRecord>();
            using (Session s = new Session())
            {
                for (uint token = 0; ; token++)
                {
                    Api.HTTP_SERVICE_CONFIG_URLACL_QUERY q = new Api.HTTP_SERVICE_CONFIG_URLACL_QUERY();
                    q.QueryDesc = Api.HttpServiceConfigQueryNext;
                    q.dwToken = token;
                    IntPtr output = s.Query(Api.HttpServiceConfigUrlAclInfo, q, "HttpQueryServiceConfiguration(UrlAclInfo)");
                    if (output == IntPtr.Zero) return found;
                    found.Add(ReadUrlAcl(output));
                }
            }
        }

        public UrlAclRecord QueryUrlAcl(string url)
        {
            using (Session s = new Session())
            {
                Api.HTTP_SERVICE_CONFIG_URLACL_QUERY q = new Api.HTTP_SERVICE_CONFIG_URLACL_QUERY();
                q.QueryDesc = Api.HttpServiceConfigQueryExact;
                q.KeyDesc.pUrlPrefix = s.Utf16(url);
                return ReadUrlAcl(s.QueryExact(Api.HttpServiceConfigUrlAclInfo, q, "HttpQueryServiceConfiguration(UrlAclInfo)"));
            }
        }

        public void SetUrlAcl(UrlAclRecord record)
        {
            using (Session s = new Session())
            {
                Api.HTTP_SERVICE_CONFIG_URLACL_SET set = new Api.HTTP_SERVICE_CONFIG_URLACL_SET();
                set.KeyDesc.pUrlPrefix = s.Utf16(record.Url);
                set.ParamDesc.pStringSecurityDescriptor = s.Utf16(record.Sddl);
                int size;
                IntPtr p = s.Struct(set, out size);
                Check(Api.HttpSetServiceConfiguration(IntPtr.Zero, Api.HttpServiceConfigUrlAclInfo, p, (uint)size, IntPtr.Zero), "HttpSetServiceConfiguration(UrlAclInfo)");
            }
        }

        public void DeleteUrlAcl(string url)
        {
            using (Session s = new Session())
            {
                Api.HTTP_SERVICE_CONFIG_URLACL_SET set = new Api.HTTP_SERVICE_CONFIG_URLACL_SET();
                set.KeyDesc.pUrlPrefix = s.Utf16(url);
                int size;
                IntPtr p = s.Struct(set, out size);
                Check(Api.HttpDeleteServiceConfiguration(IntPtr.Zero, Api.HttpServiceConfigUrlAclInfo, p, (uint)size, IntPtr.Zero), "HttpDeleteServiceConfiguration(UrlAclInfo)");
            }
        }

        private static UrlAclRecord ReadUrlAcl(IntPtr output)
        {
            Api.HTTP_SERVICE_CONFIG_URLACL_SET set = (Api.HTTP_SERVICE_CONFIG_URLACL_SET)Marshal.PtrToStructure(output, typeof(Api.HTTP_SERVICE_CONFIG_URLACL_SET));
            return new UrlAclRecord(Marshal.PtrToStringUni(set.KeyDesc.pUrlPrefix), Marshal.PtrToStringUni(set.ParamDesc.pStringSecurityDescriptor));
        }

        // ---- SSL bindings

        private static int ConfigId(bool sni) { return sni ? Api.HttpServiceConfigSslSniCertInfo : Api.HttpServiceConfigSSLCertInfo; }

        public IList<SslRecord> QuerySslBindings(bool sni)
        {
            List<SslRecord> found = new List<SslRecord>();
            using (Session s = new Session())
            {
                for (uint token = 0; ; token++)
                {
                    IntPtr output;
                    if (sni)
                    {
                        Api.HTTP_SERVICE_CONFIG_SSL_SNI_QUERY q = new Api.HTTP_SERVICE_CONFIG_SSL_SNI_QUERY();
                        q.QueryDesc = Api.HttpServiceConfigQueryNext;
                        q.dwToken = token;
                        q.KeyDesc.IpPort = Storage(null);
                        output = s.Query(ConfigId(true), q, "HttpQueryServiceConfiguration(SslSniCertInfo)");
                    }
                    else
                    {
                        Api.HTTP_SERVICE_CONFIG_SSL_QUERY q = new Api.HTTP_SERVICE_CONFIG_SSL_QUERY();
                        q.QueryDesc = Api.HttpServiceConfigQueryNext;
                        q.dwToken = token;
                        output = s.Query(ConfigId(false), q, "HttpQueryServiceConfiguration(SSLCertInfo)");
                    }
                    if (output == IntPtr.Zero) return found;
                    found.Add(ReadSsl(output, sni));
                }
            }
        }

        public SslRecord QuerySslBinding(SslKey key)
        {
            using (Session s = new Session())
            {
                if (key.Sni)
                {
                    Api.HTTP_SERVICE_CONFIG_SSL_SNI_QUERY q = new Api.HTTP_SERVICE_CONFIG_SSL_SNI_QUERY();
                    q.QueryDesc = Api.HttpServiceConfigQueryExact;
                    q.KeyDesc = SniKey(s, key);
                    return ReadSsl(s.QueryExact(ConfigId(true), q, "HttpQueryServiceConfiguration(SslSniCertInfo)"), true);
                }
                Api.HTTP_SERVICE_CONFIG_SSL_QUERY ip = new Api.HTTP_SERVICE_CONFIG_SSL_QUERY();
                ip.QueryDesc = Api.HttpServiceConfigQueryExact;
                ip.KeyDesc.pIpPort = s.Bytes(SockAddr(key.Address, key.Port), SockAddrStorageSize);
                return ReadSsl(s.QueryExact(ConfigId(false), ip, "HttpQueryServiceConfiguration(SSLCertInfo)"), false);
            }
        }

        public void SetSslBinding(SslRecord record)
        {
            using (Session s = new Session())
            {
                int size;
                IntPtr p = SslSet(s, record, true, out size);
                Check(Api.HttpSetServiceConfiguration(IntPtr.Zero, ConfigId(record.Key.Sni), p, (uint)size, IntPtr.Zero), "HttpSetServiceConfiguration");
            }
        }

        public void UpdateSslBinding(SslRecord record)
        {
            using (Session s = new Session())
            {
                int size;
                IntPtr p = SslSet(s, record, true, out size);
                uint rc;
                try { rc = Api.HttpUpdateServiceConfiguration(IntPtr.Zero, ConfigId(record.Key.Sni), p, (uint)size, IntPtr.Zero); }
                catch (EntryPointNotFoundException e) { throw new Win32Exception(ErrorProcNotFound, "HttpUpdateServiceConfiguration: " + e.Message); }
                Check(rc, "HttpUpdateServiceConfiguration");
            }
        }

        public void DeleteSslBinding(SslKey key)
        {
            using (Session s = new Session())
            {
                SslRecord keyOnly = new SslRecord();
                keyOnly.Key = key;
                int size;
                IntPtr p = SslSet(s, keyOnly, false, out size);
                Check(Api.HttpDeleteServiceConfiguration(IntPtr.Zero, ConfigId(key.Sni), p, (uint)size, IntPtr.Zero), "HttpDeleteServiceConfiguration");
            }
        }

        public bool HasExtendedParameter(SslKey key, int paramType)
        {
            using (Session s = new Session())
            {
                uint rc;
                if (key.Sni)
                {
                    Api.HTTP_SERVICE_CONFIG_SSL_SNI_QUERY_EX q = new Api.HTTP_SERVICE_CONFIG_SSL_SNI_QUERY_EX();
                    q.QueryDesc = Api.HttpServiceConfigQueryExact;
                    q.KeyDesc = SniKey(s, key);
                    q.ParamType = paramType;
                    rc = s.TryQuery(Api.HttpServiceConfigSslSniCertInfoEx, q);
                }
                else
                {
                    Api.HTTP_SERVICE_CONFIG_SSL_QUERY_EX q = new Api.HTTP_SERVICE_CONFIG_SSL_QUERY_EX();
                    q.QueryDesc = Api.HttpServiceConfigQueryExact;
                    q.KeyDesc.IpPort = Storage(SockAddr(key.Address, key.Port));
                    q.ParamType = paramType;
                    rc = s.TryQuery(Api.HttpServiceConfigSslCertInfoEx, q);
                }
                return rc == 0;
            }
        }

        // SslSet lays out HTTP_SERVICE_CONFIG_SSL_SET or _SSL_SNI_SET, with
        // the parameters when withParam (a delete needs only the key).
        private static IntPtr SslSet(Session s, SslRecord r, bool withParam, out int size)
        {
            Api.HTTP_SERVICE_CONFIG_SSL_PARAM param = new Api.HTTP_SERVICE_CONFIG_SSL_PARAM();
            if (withParam)
            {
                byte[] hash = r.Hash ?? new byte[0];
                param.SslHashLength = (uint)hash.Length;
                param.pSslHash = s.Bytes(hash, hash.Length);
                param.AppId = r.AppId;
                param.pSslCertStoreName = s.Utf16(r.StoreName);
                param.DefaultCertCheckMode = r.CertCheckMode;
                param.DefaultRevocationFreshnessTime = r.RevocationFreshnessTime;
                param.DefaultRevocationUrlRetrievalTimeout = r.UrlRetrievalTimeout;
                param.pDefaultSslCtlIdentifier = s.Utf16(r.CtlIdentifier);
                param.pDefaultSslCtlStoreName = s.Utf16(r.CtlStoreName);
                param.DefaultFlags = r.Flags;
            }
            if (r.Key.Sni)
            {
                Api.HTTP_SERVICE_CONFIG_SSL_SNI_SET sni = new Api.HTTP_SERVICE_CONFIG_SSL_SNI_SET();
                sni.KeyDesc = SniKey(s, r.Key);
                sni.ParamDesc = param;
                return s.Struct(sni, out size);
            }
            Api.HTTP_SERVICE_CONFIG_SSL_SET ip = new Api.HTTP_SERVICE_CONFIG_SSL_SET();
            ip.KeyDesc.pIpPort = s.Bytes(SockAddr(r.Key.Address, r.Key.Port), SockAddrStorageSize);
            ip.ParamDesc = param;
            return s.Struct(ip, out size);
        }

        // SniKey: "HTTP_SERVICE_CONFIG_SSL_SNI_KEY": IpPort must be the IPv4
        // wildcard with the port; Host the name.
        private static Api.HTTP_SERVICE_CONFIG_SSL_SNI_KEY SniKey(Session s, SslKey key)
        {
            Api.HTTP_SERVICE_CONFIG_SSL_SNI_KEY k = new Api.HTTP_SERVICE_CONFIG_SSL_SNI_KEY();
            k.IpPort = Storage(SockAddr(IPAddress.Any, key.Port));
            k.Host = s.Utf16(key.Host);
            return k;
        }

        public IList<SslRecord> QuerySslCcsBindings()
        {
            List<SslRecord> found = new List<SslRecord>();
            using (Session s = new Session())
            {
                for (uint token = 0; ; token++)
                {
                    Api.HTTP_SERVICE_CONFIG_SSL_CCS_QUERY q = new Api.HTTP_SERVICE_CONFIG_SSL_CCS_QUERY();
                    q.QueryDesc = Api.HttpServiceConfigQueryNext;
                    q.dwToken = token;
                    q.KeyDesc.LocalAddress = Storage(null);
                    IntPtr output = s.Query(Api.HttpServiceConfigSslCcsCertInfo, q, "HttpQueryServiceConfiguration(SslCcsCertInfo)");
                    if (output == IntPtr.Zero) return found;
                    Api.HTTP_SERVICE_CONFIG_SSL_CCS_SET set = (Api.HTTP_SERVICE_CONFIG_SSL_CCS_SET)Marshal.PtrToStructure(output, typeof(Api.HTTP_SERVICE_CONFIG_SSL_CCS_SET));
                    int port = ((set.KeyDesc.LocalAddress.__ss_pad1[0] & 0xFF) << 8) | (set.KeyDesc.LocalAddress.__ss_pad1[1] & 0xFF);
                    found.Add(ReadParam(SslKey.ForCcs(port), set.ParamDesc));
                }
            }
        }

        private static SslRecord ReadSsl(IntPtr output, bool sni)
        {
            SslKey key;
            Api.HTTP_SERVICE_CONFIG_SSL_PARAM p;
            if (sni)
            {
                Api.HTTP_SERVICE_CONFIG_SSL_SNI_SET set = (Api.HTTP_SERVICE_CONFIG_SSL_SNI_SET)Marshal.PtrToStructure(output, typeof(Api.HTTP_SERVICE_CONFIG_SSL_SNI_SET));
                int port = ((set.KeyDesc.IpPort.__ss_pad1[0] & 0xFF) << 8) | (set.KeyDesc.IpPort.__ss_pad1[1] & 0xFF);
                key = SslKey.ForHost(Marshal.PtrToStringUni(set.KeyDesc.Host), port);
                p = set.ParamDesc;
            }
            else
            {
                Api.HTTP_SERVICE_CONFIG_SSL_SET set = (Api.HTTP_SERVICE_CONFIG_SSL_SET)Marshal.PtrToStructure(output, typeof(Api.HTTP_SERVICE_CONFIG_SSL_SET));
                key = ReadSockAddr(set.KeyDesc.pIpPort);
                p = set.ParamDesc;
            }
            return ReadParam(key, p);
        }

        private static SslRecord ReadParam(SslKey key, Api.HTTP_SERVICE_CONFIG_SSL_PARAM p)
        {
            SslRecord r = new SslRecord();
            r.Key = key;
            r.Hash = new byte[p.SslHashLength];
            if (p.SslHashLength > 0 && p.pSslHash != IntPtr.Zero) Marshal.Copy(p.pSslHash, r.Hash, 0, (int)p.SslHashLength);
            r.AppId = p.AppId;
            r.StoreName = Marshal.PtrToStringUni(p.pSslCertStoreName);
            r.CertCheckMode = p.DefaultCertCheckMode;
            r.RevocationFreshnessTime = p.DefaultRevocationFreshnessTime;
            r.UrlRetrievalTimeout = p.DefaultRevocationUrlRetrievalTimeout;
            r.CtlIdentifier = Marshal.PtrToStringUni(p.pDefaultSslCtlIdentifier);
            r.CtlStoreName = Marshal.PtrToStringUni(p.pDefaultSslCtlStoreName);
            r.Flags = p.DefaultFlags;
            return r;
        }

        // ---- SOCKADDR (ws2def.h, ws2ipdef.h): family in host order, port in
        // network order; SOCKADDR_IN6 adds flow info, address and scope id.

        private static byte[] SockAddr(IPAddress address, int port)
        {
            byte[] a = address.GetAddressBytes();
            byte[] sa;
            if (address.AddressFamily == AddressFamily.InterNetworkV6)
            {
                sa = new byte[28];
                BitConverter.GetBytes(AfInet6).CopyTo(sa, 0);
                Array.Copy(a, 0, sa, 8, 16);
                BitConverter.GetBytes((uint)address.ScopeId).CopyTo(sa, 24);
            }
            else
            {
                sa = new byte[16];
                BitConverter.GetBytes(AfInet).CopyTo(sa, 0);
                Array.Copy(a, 0, sa, 4, 4);
            }
            sa[2] = (byte)(port >> 8);
            sa[3] = (byte)port;
            return sa;
        }

        private static SslKey ReadSockAddr(IntPtr p)
        {
            short family = Marshal.ReadInt16(p);
            byte[] sa = new byte[family == AfInet6 ? 28 : 16];
            Marshal.Copy(p, sa, 0, sa.Length);
            int port = (sa[2] << 8) | sa[3];
            if (family == AfInet6)
            {
                byte[] a = new byte[16];
                Array.Copy(sa, 8, a, 0, 16);
                return SslKey.ForAddress(new IPAddress(a, BitConverter.ToUInt32(sa, 24)), port);
            }
            byte[] v4 = new byte[4];
            Array.Copy(sa, 4, v4, 0, 4);
            return SslKey.ForAddress(new IPAddress(v4), port);
        }

        private static Api.SOCKADDR_STORAGE Storage(byte[] sa)
        {
            byte[] all = new byte[SockAddrStorageSize];
            if (sa != null) Array.Copy(sa, all, sa.Length);
            Api.SOCKADDR_STORAGE st = new Api.SOCKADDR_STORAGE();
            st.ss_family = BitConverter.ToInt16(all, 0);
            st.__ss_pad1 = new byte[6];
            Array.Copy(all, 2, st.__ss_pad1, 0, 6);
            st.__ss_align = BitConverter.ToInt64(all, 8);
            st.__ss_pad2 = new byte[112];
            Array.Copy(all, 16, st.__ss_pad2, 0, 112);
            return st;
        }

        private static void Check(uint rc, string call)
        {
            if (rc != 0) throw new Win32Exception((int)rc, call + ": " + new Win32Exception((int)rc).Message);
        }

        /// <summary>One configuration session: HttpInitialize on creation,
        /// HttpTerminate and the unmanaged memory freed on Dispose.</summary>
        private sealed class Session : IDisposable
        {
            private readonly List<IntPtr> blocks = new List<IntPtr>();

            internal Session()
            {
                Api.HTTPAPI_VERSION v = new Api.HTTPAPI_VERSION();
                v.HttpApiMajorVersion = 1;
                Check(Api.HttpInitialize(v, Api.HTTP_INITIALIZE_CONFIG, IntPtr.Zero), "HttpInitialize");
            }

            public void Dispose()
            {
                foreach (IntPtr p in blocks) Marshal.FreeHGlobal(p);
                blocks.Clear();
                Api.HttpTerminate(Api.HTTP_INITIALIZE_CONFIG, IntPtr.Zero);
            }

            internal IntPtr Alloc(int size)
            {
                IntPtr p = Marshal.AllocHGlobal(size);
                blocks.Add(p);
                Marshal.Copy(new byte[size], 0, p, size);
                return p;
            }

            internal IntPtr Utf16(string text)
            {
                if (string.IsNullOrEmpty(text)) return IntPtr.Zero;
                IntPtr p = Marshal.StringToHGlobalUni(text);
                blocks.Add(p);
                return p;
            }

            internal IntPtr Bytes(byte[] data, int size)
            {
                if (data == null || size == 0) return IntPtr.Zero;
                IntPtr p = Alloc(Math.Max(size, data.Length));
                Marshal.Copy(data, 0, p, data.Length);
                return p;
            }

            internal IntPtr Struct(object value, out int size)
            {
                size = Marshal.SizeOf(value);
                IntPtr p = Alloc(size);
                Marshal.StructureToPtr(value, p, false);
                return p;
            }

            // TryQuery calls HttpQueryServiceConfiguration with input,
            // growing the output while it asks for more; the code it returns.
            internal uint TryQuery(int configId, object input, out IntPtr output)
            {
                int inSize;
                IntPtr inPtr = Struct(input, out inSize);
                uint size = 1024;
                for (int attempt = 0; attempt < 8; attempt++)
                {
                    output = Alloc((int)size);
                    uint needed;
                    uint rc = Api.HttpQueryServiceConfiguration(IntPtr.Zero, configId, inPtr, (uint)inSize, output, size, out needed, IntPtr.Zero);
                    if (rc != ErrorInsufficientBuffer && rc != ErrorMoreData) return rc;
                    size = needed > size ? needed : size * 2;
                }
                output = IntPtr.Zero;
                return ErrorInsufficientBuffer;
            }

            internal uint TryQuery(int configId, object input)
            {
                IntPtr output;
                return TryQuery(configId, input, out output);
            }

            /// <summary>The record of a QueryNext, or IntPtr.Zero at ERROR_NO_MORE_ITEMS.</summary>
            internal IntPtr Query(int configId, object input, string call)
            {
                IntPtr output;
                uint rc = TryQuery(configId, input, out output);
                if (rc == ErrorNoMoreItems) return IntPtr.Zero;
                Check(rc, call);
                return output;
            }

            internal IntPtr QueryExact(int configId, object input, string call)
            {
                IntPtr output;
                Check(TryQuery(configId, input, out output), call);
                return output;
            }
        }
    }

    internal static partial class WindowsHostParts
    {
        static partial void FillHttpApi(HostServices host)
        {
            host.HttpApi = new WindowsHttpApi();
            if (host.Accounts == null) host.Accounts = new WindowsAccounts();
        }
    }
}
