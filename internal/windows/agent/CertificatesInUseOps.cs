// The certificates HTTP.sys serves (PROTOCOL.md "httpsys.certificates_in_use.list"):
// every SSL binding, IP and SNI, with the facts of the certificate it names
// looked up in the binding's own store, in one round trip, so that an expiry
// report over many hosts costs one call per host. The bindings are read as
// httpsys.sslcert.list reads them (HttpSysOps.QueryBindings) and the
// certificates as cert.get with open_keys reads them (CertificateOps).
using System;
using System.Collections.Generic;
using System.Globalization;

namespace TfWin
{
    public static class CertificatesInUseOps
    {
        public static void Register(OpTable ops, HostServices host)
        {
            ops.Add("httpsys.certificates_in_use.list", delegate(OpArgs a) { return List(host, a); });
        }

        /// <summary>Each binding (optionally only those on one port) with its
        /// key, app id, store, hash, and the certificate's facts with
        /// key_opens; certificate_found false and certificate null when the
        /// store does not hold the hash (deleted after binding: HTTP.sys
        /// keeps the binding and fails the TLS handshakes). A certificate
        /// several bindings name is read once. Central Certificate Store
        /// bindings come last, with ccs set and no hash, store or
        /// certificate: HTTP.sys loads their certificate per host name from
        /// the CCS share at the handshake, not from a store.</summary>
        public static object List(HostServices host, OpArgs a)
        {
            long port = a.Long("port", 0);
            if (port < 0 || port > 65535)
                throw new OpException(Win32.InvalidParameter, "port " + port.ToString(CultureInfo.InvariantCulture) + " must be 1-65535 (0 or absent: every port)");
            Dictionary<string, JsonObject> seen = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
            List<object> list = new List<object>();
            foreach (SslRecord r in HttpSysOps.QueryBindings(host))
            {
                if (port != 0 && r.Key.Port != port) continue;
                string store = string.IsNullOrEmpty(r.StoreName) ? "MY" : r.StoreName.ToUpperInvariant();
                string hash = HttpSysOps.Hex(r.Hash);
                JsonObject certificate;
                string cacheKey = store + "\\" + hash;
                if (!seen.TryGetValue(cacheKey, out certificate))
                {
                    certificate = Lookup(host.Certificates, store, hash, r.Key);
                    seen[cacheKey] = certificate;
                }
                list.Add(new JsonObject()
                    .Set("ipport", HttpSysOps.IpPort(r.Key))
                    .Set("hostnameport", HttpSysOps.HostnamePort(r.Key))
                    .Set("ccs", null)
                    .Set("port", (long)r.Key.Port)
                    .Set("app_id", "{" + r.AppId.ToString("D") + "}")
                    .Set("certificate_store_name", store)
                    .Set("certificate_hash", hash)
                    .Set("certificate_found", certificate != null)
                    .Set("certificate", certificate));
            }
            foreach (SslRecord r in HttpSysOps.QueryCcsBindings(host))
            {
                if (port != 0 && r.Key.Port != port) continue;
                list.Add(new JsonObject()
                    .Set("ipport", null)
                    .Set("hostnameport", null)
                    .Set("ccs", r.Key.Port.ToString(CultureInfo.InvariantCulture))
                    .Set("port", (long)r.Key.Port)
                    .Set("app_id", "{" + r.AppId.ToString("D") + "}")
                    .Set("certificate_store_name", null)
                    .Set("certificate_hash", "")
                    .Set("certificate_found", false)
                    .Set("certificate", null));
            }
            return new JsonObject().Set("bindings", list);
        }

        /// <summary>The certificate's facts with key_opens, or null when the
        /// store (or the store itself) does not hold it. A store that cannot
        /// be read fails the op, naming the binding.</summary>
        private static JsonObject Lookup(ICertificateStores stores, string store, string hash, SslKey key)
        {
            if (hash.Length == 0) return null;
            StoreCertificate stored;
            try { stored = CertificateOps.FindOrNull(stores, store, hash); }
            catch (Exception e)
            {
                throw CertificateOps.Failure(CertificateOps.CodeOf(e), "reading certificate " + hash + " in LocalMachine\\" + store +
                    " for the binding " + HttpSysOps.KeyText(key) + ": " + e.Message, e);
            }
            if (stored == null) return null;
            return CertificateOps.Facts(store, stored).Set("key_opens", CertificateOps.KeyOpens(stores, stored));
        }
    }
}
