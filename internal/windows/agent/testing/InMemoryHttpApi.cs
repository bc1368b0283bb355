// The HTTP Server API configuration store in memory, with HTTP.sys's answers
// for existing (183) and absent (2) records, and fault injection per method
// so a test can fail any step of a multi-step op.
using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Net;

namespace TfWin.Testing
{
    /// <summary>Failures to inject, per method name: the (skip+1)-th call
    /// from now fails once with the code.</summary>
    public sealed class FaultPlan
    {
        private sealed class Fault { public int Skip; public int Code; }

        private readonly Dictionary<string, List<Fault>> faults = new Dictionary<string, List<Fault>>(StringComparer.Ordinal);
        private readonly Dictionary<string, int> calls = new Dictionary<string, int>(StringComparer.Ordinal);

        public void Fail(string method, int code, int skip)
        {
            List<Fault> list;
            if (!faults.TryGetValue(method, out list)) faults[method] = list = new List<Fault>();
            Fault f = new Fault();
            f.Skip = skip;
            f.Code = code;
            list.Add(f);
        }

        public void FailNext(string method, int code) { Fail(method, code, 0); }

        /// <summary>How many times method was called.</summary>
        public int Calls(string method)
        {
            int n;
            return calls.TryGetValue(method, out n) ? n : 0;
        }

        /// <summary>Counts the call and throws its injected failure, if any.</summary>
        public void Enter(string method)
        {
            int n;
            calls.TryGetValue(method, out n);
            calls[method] = n + 1;
            List<Fault> list;
            if (!faults.TryGetValue(method, out list)) return;
            for (int i = 0; i < list.Count; i++)
            {
                if (list[i].Skip > 0) { list[i].Skip--; continue; }
                int code = list[i].Code;
                list.RemoveAt(i);
                throw new Win32Exception(code, method + ": injected failure " + code);
            }
        }
    }

    public sealed class InMemoryHttpApi : IHttpApi
    {
        public readonly FaultPlan Faults = new FaultPlan();
        public readonly List<UrlAclRecord> UrlAcls = new List<UrlAclRecord>();
        public readonly List<SslRecord> IpBindings = new List<SslRecord>();
        public readonly List<SslRecord> SniBindings = new List<SslRecord>();
        public readonly List<SslRecord> CcsBindings = new List<SslRecord>();
        /// <summary>Extended parameter types set per binding key text.</summary>
        public readonly Dictionary<string, HashSet<int>> Extended = new Dictionary<string, HashSet<int>>(StringComparer.OrdinalIgnoreCase);

        public InMemoryHttpApi() { UpdateSupported = true; }

        /// <summary>False models an httpapi.dll without HttpUpdateServiceConfiguration (127).</summary>
        public bool UpdateSupported { get; set; }

        /// <summary>HTTP.sys's certificate check: returns 0, or 1312 for a
        /// certificate it cannot serve; null accepts all.</summary>
        public Func<SslRecord, int> CertificateCheck;

        public IList<UrlAclRecord> QueryUrlAcls()
        {
            Faults.Enter("QueryUrlAcls");
            return new List<UrlAclRecord>(UrlAcls);
        }

        private int FindUrl(string url)
        {
            for (int i = 0; i < UrlAcls.Count; i++)
                if (string.Equals(UrlAcls[i].Url, url, StringComparison.OrdinalIgnoreCase)) return i;
            return -1;
        }

        public UrlAclRecord QueryUrlAcl(string url)
        {
            Faults.Enter("QueryUrlAcl");
            int i = FindUrl(url);
            if (i < 0) throw new Win32Exception(2, "The system cannot find the file specified.");
            return UrlAcls[i];
        }

        public void SetUrlAcl(UrlAclRecord record)
        {
            Faults.Enter("SetUrlAcl");
            if (FindUrl(record.Url) >= 0) throw new Win32Exception(183, "Cannot create a file when that file already exists.");
            UrlAcls.Add(record);
        }

        public void DeleteUrlAcl(string url)
        {
            Faults.Enter("DeleteUrlAcl");
            int i = FindUrl(url);
            if (i < 0) throw new Win32Exception(2, "The system cannot find the file specified.");
            UrlAcls.RemoveAt(i);
        }

        private List<SslRecord> Table(SslKey key) { return key.Sni ? SniBindings : IpBindings; }

        private static bool SameKey(SslKey a, SslKey b)
        {
            if (a.Sni != b.Sni || a.Port != b.Port) return false;
            if (a.Sni) return string.Equals(a.Host, b.Host, StringComparison.OrdinalIgnoreCase);
            return a.Address.Equals(b.Address);
        }

        private int Find(SslKey key)
        {
            List<SslRecord> t = Table(key);
            for (int i = 0; i < t.Count; i++) if (SameKey(t[i].Key, key)) return i;
            return -1;
        }

        public IList<SslRecord> QuerySslBindings(bool sni)
        {
            Faults.Enter("QuerySslBindings");
            List<SslRecord> copy = new List<SslRecord>();
            foreach (SslRecord r in sni ? SniBindings : IpBindings) copy.Add(r.Copy());
            return copy;
        }

        public IList<SslRecord> QuerySslCcsBindings()
        {
            Faults.Enter("QuerySslCcsBindings");
            List<SslRecord> copy = new List<SslRecord>();
            foreach (SslRecord r in CcsBindings) copy.Add(r.Copy());
            return copy;
        }

        public SslRecord QuerySslBinding(SslKey key)
        {
            Faults.Enter("QuerySslBinding");
            int i = Find(key);
            if (i < 0) throw new Win32Exception(2, "The system cannot find the file specified.");
            return Table(key)[i].Copy();
        }

        private void CheckCertificate(SslRecord record)
        {
            int code = CertificateCheck == null ? 0 : CertificateCheck(record);
            if (code != 0) throw new Win32Exception(code, "A specified logon session does not exist. It may already have been terminated.");
        }

        public void SetSslBinding(SslRecord record)
        {
            Faults.Enter("SetSslBinding");
            if (Find(record.Key) >= 0) throw new Win32Exception(183, "Cannot create a file when that file already exists.");
            CheckCertificate(record);
            Table(record.Key).Add(record.Copy());
        }

        public void UpdateSslBinding(SslRecord record)
        {
            if (!UpdateSupported) throw new Win32Exception(127, "Unable to find an entry point named 'HttpUpdateServiceConfiguration' in DLL 'httpapi.dll'.");
            Faults.Enter("UpdateSslBinding");
            int i = Find(record.Key);
            if (i < 0) throw new Win32Exception(2, "The system cannot find the file specified.");
            CheckCertificate(record);
            Table(record.Key)[i] = record.Copy();
        }

        public void DeleteSslBinding(SslKey key)
        {
            Faults.Enter("DeleteSslBinding");
            int i = Find(key);
            if (i < 0) throw new Win32Exception(2, "The system cannot find the file specified.");
            Table(key).RemoveAt(i);
            Extended.Remove(HttpSysOps.KeyText(key));
        }

        public bool HasExtendedParameter(SslKey key, int paramType)
        {
            Faults.Enter("HasExtendedParameter");
            HashSet<int> types;
            return Find(key) >= 0 && Extended.TryGetValue(HttpSysOps.KeyText(key), out types) && types.Contains(paramType);
        }

        /// <summary>Gives the binding at key the extended parameter paramType.</summary>
        public void SetExtended(SslKey key, int paramType)
        {
            HashSet<int> types;
            string k = HttpSysOps.KeyText(key);
            if (!Extended.TryGetValue(k, out types)) Extended[k] = types = new HashSet<int>();
            types.Add(paramType);
        }
    }

    public static partial class InMemoryHost
    {
        static partial void FillHttpApi(HostServices host)
        {
            if (host.HttpApi == null) host.HttpApi = new InMemoryHttpApi();
            if (host.Accounts == null) host.Accounts = new InMemoryAccounts(host.System == null ? "AGENT-TEST" : host.System.MachineName);
        }
    }
}
