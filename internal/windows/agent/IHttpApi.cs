// The HTTP Server API's configuration store (httpapi.dll, http.h), in the
// API's own shape: per config id query all, query one, set, update, delete.
// What the records mean (keys as text, flag bits, SDDL entries, replace
// order and rollback) is decided in HttpSysOps above this interface; what
// HTTP.sys itself checks and answers (183 exists, 2 absent, 87 a bad URL
// prefix or SDDL, 1312 a certificate not in its store or whose key does not
// open) comes from the implementation as a Win32Exception with that code.
using System;
using System.Collections.Generic;
using System.Net;

namespace TfWin
{
    public interface IHttpApi
    {
        /// <summary>Every URL reservation (HttpServiceConfigUrlAclInfo,
        /// HttpServiceConfigQueryNext until ERROR_NO_MORE_ITEMS).</summary>
        IList<UrlAclRecord> QueryUrlAcls();

        /// <summary>The reservation of url (HttpServiceConfigQueryExact); 2 when absent.</summary>
        UrlAclRecord QueryUrlAcl(string url);

        /// <summary>HttpSetServiceConfiguration(HttpServiceConfigUrlAclInfo):
        /// 183 when reserved, 87 for a bad prefix or SDDL.</summary>
        void SetUrlAcl(UrlAclRecord record);

        /// <summary>HttpDeleteServiceConfiguration(HttpServiceConfigUrlAclInfo); 2 when absent.</summary>
        void DeleteUrlAcl(string url);

        /// <summary>Every SSL binding of one table: HttpServiceConfigSSLCertInfo
        /// (sni false) or HttpServiceConfigSslSniCertInfo (sni true).</summary>
        IList<SslRecord> QuerySslBindings(bool sni);

        /// <summary>Every Central Certificate Store binding
        /// (HttpServiceConfigSslCcsCertInfo, Windows 8 / Server 2012): a port
        /// whose certificate HTTP.sys loads per host name from the CCS share,
        /// so its record has no hash. Keys are SslKey.ForCcs.</summary>
        IList<SslRecord> QuerySslCcsBindings();

        /// <summary>The binding at key (HttpServiceConfigQueryExact); 2 when absent.</summary>
        SslRecord QuerySslBinding(SslKey key);

        /// <summary>HttpSetServiceConfiguration: 183 when the key is taken,
        /// 1312 when the certificate is not in the store or its key does not open.</summary>
        void SetSslBinding(SslRecord record);

        /// <summary>HttpUpdateServiceConfiguration: replaces the binding's
        /// parameters in place, atomically, keeping the record (and so its
        /// extended parameters); 2 when absent. Hosts whose httpapi.dll lacks
        /// the function (before Windows 10 / Server 2016) answer 127
        /// (ERROR_PROC_NOT_FOUND).</summary>
        void UpdateSslBinding(SslRecord record);

        /// <summary>HttpDeleteServiceConfiguration; 2 when absent.</summary>
        void DeleteSslBinding(SslKey key);

        /// <summary>Whether the binding at key holds the extended parameter of
        /// that type (HTTP_SSL_SERVICE_CONFIG_EX_PARAM_TYPE), asked with
        /// HttpQueryServiceConfiguration(HttpServiceConfigSslCertInfoEx or
        /// HttpServiceConfigSslSniCertInfoEx, QueryExact). False when the
        /// record has none or the host has no such config id.</summary>
        bool HasExtendedParameter(SslKey key, int paramType);
    }

    /// <summary>A URL reservation (HTTP_SERVICE_CONFIG_URLACL_SET).</summary>
    public sealed class UrlAclRecord
    {
        public UrlAclRecord(string url, string sddl) { Url = url; Sddl = sddl; }

        public string Url { get; private set; }
        public string Sddl { get; private set; }
    }

    /// <summary>An SSL binding's key: HTTP_SERVICE_CONFIG_SSL_KEY (an IP
    /// address and port) or, when Sni, HTTP_SERVICE_CONFIG_SSL_SNI_KEY (a host
    /// name and port; its address is always the IPv4 wildcard), or, when Ccs,
    /// HTTP_SERVICE_CONFIG_SSL_CCS_KEY (a port; the IPv4 wildcard).</summary>
    public sealed class SslKey
    {
        private SslKey(bool sni, bool ccs, IPAddress address, string host, int port)
        {
            Sni = sni;
            Ccs = ccs;
            Address = address;
            Host = host;
            Port = port;
        }

        public static SslKey ForAddress(IPAddress address, int port) { return new SslKey(false, false, address, null, port); }

        public static SslKey ForHost(string host, int port) { return new SslKey(true, false, null, host, port); }

        public static SslKey ForCcs(int port) { return new SslKey(false, true, null, null, port); }

        public bool Sni { get; private set; }
        /// <summary>A Central Certificate Store binding (only QuerySslCcsBindings answers them).</summary>
        public bool Ccs { get; private set; }
        /// <summary>The IP table's address (IPv4 or IPv6 with its scope id); null for SNI and CCS.</summary>
        public IPAddress Address { get; private set; }
        /// <summary>The SNI table's host name; null for the IP table.</summary>
        public string Host { get; private set; }
        public int Port { get; private set; }
    }

    /// <summary>An SSL binding (HTTP_SERVICE_CONFIG_SSL_SET or _SSL_SNI_SET),
    /// its HTTP_SERVICE_CONFIG_SSL_PARAM fields as HTTP.sys stores them.</summary>
    public sealed class SslRecord
    {
        public SslKey Key;
        /// <summary>pSslHash: the certificate's SHA-1 hash.</summary>
        public byte[] Hash;
        public Guid AppId;
        /// <summary>pSslCertStoreName; null when not set (HTTP.sys reads MY).</summary>
        public string StoreName;
        public uint CertCheckMode;
        public uint RevocationFreshnessTime;
        public uint UrlRetrievalTimeout;
        public string CtlIdentifier;
        public string CtlStoreName;
        public uint Flags;

        public SslRecord Copy()
        {
            return (SslRecord)MemberwiseClone();
        }
    }
}
