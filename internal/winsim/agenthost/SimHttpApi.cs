// IHttpApi and IAccounts in the simulator: each method one bridge call
// ("httpapi.*", "accounts.*", internal/winsim/bridge_httpsys.go) answered
// by the host model's HTTP.sys tables and accounts, failing as Windows does
// (a Win32Exception with the model's code).
using System;
using System.Collections.Generic;
using System.Globalization;

namespace TfWin.Sim
{
    internal sealed class SimHttpApi : IHttpApi
    {
        private readonly SimBridge bridge;

        internal SimHttpApi(SimBridge bridge) { this.bridge = bridge; }

        private static UrlAclRecord UrlAcl(object o)
        {
            JsonObject j = (JsonObject)o;
            return new UrlAclRecord((string)j.Get("url"), (string)j.Get("sddl"));
        }

        public IList<UrlAclRecord> QueryUrlAcls()
        {
            List<UrlAclRecord> list = new List<UrlAclRecord>();
            foreach (object o in (List<object>)bridge.Call("httpapi.queryurlacls", new JsonObject())) list.Add(UrlAcl(o));
            return list;
        }

        public UrlAclRecord QueryUrlAcl(string url)
        {
            return UrlAcl(bridge.Call("httpapi.queryurlacl", new JsonObject().Set("url", url)));
        }

        public void SetUrlAcl(UrlAclRecord record)
        {
            bridge.Call("httpapi.seturlacl", new JsonObject().Set("url", record.Url).Set("sddl", record.Sddl));
        }

        public void DeleteUrlAcl(string url)
        {
            bridge.Call("httpapi.deleteurlacl", new JsonObject().Set("url", url));
        }

        private static JsonObject Key(SslKey key)
        {
            return new JsonObject().Set("ipport", HttpSysOps.IpPort(key)).Set("hostnameport", HttpSysOps.HostnamePort(key));
        }

        private static JsonObject Record(SslRecord r)
        {
            return Key(r.Key)
                .Set("hash", HttpSysOps.Hex(r.Hash))
                .Set("app_id", r.AppId.ToString("D"))
                .Set("store_name", r.StoreName)
                .Set("cert_check_mode", r.CertCheckMode)
                .Set("revocation_freshness_time", r.RevocationFreshnessTime)
                .Set("url_retrieval_timeout", r.UrlRetrievalTimeout)
                .Set("ctl_identifier", r.CtlIdentifier)
                .Set("ctl_store_name", r.CtlStoreName)
                .Set("flags", r.Flags);
        }

        private static SslRecord Record(object o)
        {
            JsonObject j = (JsonObject)o;
            SslRecord r = new SslRecord();
            string ipport = (string)j.Get("ipport");
            r.Key = ipport != null ? HttpSysOps.ParseIpPort(ipport) : HttpSysOps.ParseHostnamePort((string)j.Get("hostnameport"));
            string hash = (string)j.Get("hash");
            r.Hash = new byte[hash.Length / 2];
            for (int i = 0; i < r.Hash.Length; i++) r.Hash[i] = byte.Parse(hash.Substring(2 * i, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
            r.AppId = new Guid((string)j.Get("app_id"));
            r.StoreName = (string)j.Get("store_name");
            r.CertCheckMode = (uint)(long)j.Get("cert_check_mode");
            r.RevocationFreshnessTime = (uint)(long)j.Get("revocation_freshness_time");
            r.UrlRetrievalTimeout = (uint)(long)j.Get("url_retrieval_timeout");
            r.CtlIdentifier = (string)j.Get("ctl_identifier");
            r.CtlStoreName = (string)j.Get("ctl_store_name");
            r.Flags = (uint)(long)j.Get("flags");
            return r;
        }

        public IList<SslRecord> QuerySslBindings(bool sni)
        {
            List<SslRecord> list = new List<SslRecord>();
            foreach (object o in (List<object>)bridge.Call("httpapi.querysslbindings", new JsonObject().Set("sni", sni))) list.Add(Record(o));
            return list;
        }

        public IList<SslRecord> QuerySslCcsBindings()
        {
            List<SslRecord> list = new List<SslRecord>();
            foreach (object o in (List<object>)bridge.Call("httpapi.querysslccsbindings", new JsonObject()))
            {
                JsonObject j = (JsonObject)o;
                SslRecord r = new SslRecord();
                r.Key = SslKey.ForCcs((int)(long)j.Get("port"));
                r.Hash = new byte[0];
                r.AppId = new Guid((string)j.Get("app_id"));
                list.Add(r);
            }
            return list;
        }

        public SslRecord QuerySslBinding(SslKey key) { return Record(bridge.Call("httpapi.querysslbinding", Key(key))); }

        public void SetSslBinding(SslRecord record) { bridge.Call("httpapi.setsslbinding", Record(record)); }

        public void UpdateSslBinding(SslRecord record) { bridge.Call("httpapi.updatesslbinding", Record(record)); }

        public void DeleteSslBinding(SslKey key) { bridge.Call("httpapi.deletesslbinding", Key(key)); }

        public bool HasExtendedParameter(SslKey key, int paramType)
        {
            return (bool)bridge.Call("httpapi.hasextendedparameter", Key(key).Set("param_type", paramType));
        }
    }

    internal sealed class SimAccounts : IAccounts
    {
        private readonly SimBridge bridge;

        internal SimAccounts(SimBridge bridge) { this.bridge = bridge; }

        public string SidOf(string accountName) { return (string)bridge.Call("accounts.sidof", new JsonObject().Set("name", accountName)); }

        public string NameOf(string sid) { return (string)bridge.Call("accounts.nameof", new JsonObject().Set("sid", sid)); }
    }

    internal static partial class SimHost
    {
        static partial void FillHttpApi(HostServices host, SimBridge bridge)
        {
            host.HttpApi = new SimHttpApi(bridge);
            if (host.Accounts == null) host.Accounts = new SimAccounts(bridge);
        }
    }
}
