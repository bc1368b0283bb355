// HTTP.sys configuration ops (PROTOCOL.md "httpsys.*"): account lookup, URL
// reservations and SSL certificate bindings, over the HTTP Server API's
// configuration store (IHttpApi) and the host's accounts (IAccounts).
// The store is read and written through the API, never through netsh, whose
// output is translated on non-English Windows (Chef windows cookbook #379).
using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace TfWin
{
    public static class HttpSysOps
    {
        // DefaultFlags bits (HTTP_SERVICE_CONFIG_SSL_FLAG_* of http.h) that
        // have their own argument; other_flags carries every other bit.
        private static readonly string[] FlagNames =
        {
            "ds_mapper_usage", "negotiate_client_cert", "disable_http2", "disable_quic",
            "disable_tls13", "disable_ocsp_stapling", "disable_legacy_tls",
        };
        private static readonly uint[] FlagBits = { 0x1, 0x2, 0x10, 0x20, 0x40, 0x80, 0x400 };
        public const uint NamedFlags = 0x1 | 0x2 | 0x10 | 0x20 | 0x40 | 0x80 | 0x400;

        // DefaultCertCheckMode bits ("HTTP_SERVICE_CONFIG_SSL_PARAM").
        public const uint CheckNoRevocation = 0x1;
        public const uint CheckCachedOnly = 0x2;
        public const uint CheckFreshnessTime = 0x4;
        public const uint CheckNoUsage = 0x10000;

        // Codes of an HttpUpdateServiceConfiguration the host does not have:
        // the export is missing before Windows 10 / Server 2016 (P/Invoke's
        // EntryPointNotFoundException, ERROR_PROC_NOT_FOUND), or the call
        // is refused for the config id.
        private const int ProcNotFound = 127;
        private const int CallNotImplemented = 120;

        // HTTP_SSL_SERVICE_CONFIG_EX_PARAM_TYPE values 0..6 of the Windows
        // SDK's http.h (ExParamTypeHttp2Window .. ExParamTypeCertConfig),
        // asked before a replace by delete and add.
        private const int ExtendedParamTypes = 7;

        public static void Register(OpTable ops, HostServices host)
        {
            ops.Add("httpsys.account.lookup", delegate(OpArgs a) { return LookupAccount(host, a); });
            ops.Add("httpsys.urlacl.list", delegate(OpArgs a) { return ListUrlAcls(host); });
            ops.Add("httpsys.urlacl.get", delegate(OpArgs a) { return GetUrlAcl(host, a); });
            ops.Add("httpsys.urlacl.add", delegate(OpArgs a) { return AddUrlAcl(host, a); });
            ops.Add("httpsys.urlacl.delete", delegate(OpArgs a) { return DeleteUrlAcl(host, a); });
            ops.Add("httpsys.sslcert.list", delegate(OpArgs a) { return ListBindings(host); });
            ops.Add("httpsys.sslcert.get", delegate(OpArgs a) { return GetBinding(host, a); });
            ops.Add("httpsys.sslcert.add", delegate(OpArgs a) { return AddBinding(host, a); });
            ops.Add("httpsys.sslcert.replace", delegate(OpArgs a) { return ReplaceBinding(host, a); });
            ops.Add("httpsys.sslcert.delete", delegate(OpArgs a) { return DeleteBinding(host, a); });
        }

        // ---- errors

        /// <summary>An API failure with its call and key in front of Windows'
        /// text, keeping the code; hint (may be null) says what to do.</summary>
        private static OpException ApiError(Exception e, string call, string hint)
        {
            string message = call + ": " + e.Message;
            if (!string.IsNullOrEmpty(hint)) message += " " + hint;
            return new OpException((int)ErrorCodes.Of(e), message, e);
        }

        private static bool IsWindowsFailure(Exception e)
        {
            return e is Win32Exception || e is OpException;
        }

        // ---- accounts

        public static object LookupAccount(HostServices host, OpArgs a)
        {
            string account = a.RequiredString("account", "an account name (Everyone, BUILTIN\\Users, HOST\\alice, alice) or a SID string is required");
            string sid = ResolveSid(host, account);
            string name;
            try { name = host.Accounts.NameOf(sid); }
            catch (Exception e)
            {
                if (!IsWindowsFailure(e)) throw;
                throw ApiError(e, "account " + Quote(account) + " (" + sid + ")", "The SID has no account on this host.");
            }
            return new JsonObject().Set("sid", sid).Set("account", name);
        }

        /// <summary>The SID of a name or SID string. ".\name" means the host's
        /// own account (LookupAccountName does not take "."). 87 for a
        /// malformed SID string, 1332 for a name that does not resolve.</summary>
        private static string ResolveSid(HostServices host, string account)
        {
            if (account.StartsWith("S-", StringComparison.OrdinalIgnoreCase) && account.IndexOf('\\') < 0)
            {
                if (!Sddl.IsSidString(account)) throw new OpException(Win32.InvalidParameter, "account " + Quote(account) + " is not a valid SID string (S-1-5-...)");
                return "S" + account.Substring(1);
            }
            string lookup = account;
            if (lookup.StartsWith(".\\", StringComparison.Ordinal) && host.System != null) lookup = host.System.MachineName + lookup.Substring(1);
            try { return host.Accounts.SidOf(lookup); }
            catch (Exception e)
            {
                if (!IsWindowsFailure(e)) throw;
                if (ErrorCodes.Of(e) == Win32.NoneMapped)
                    throw new OpException(Win32.NoneMapped, "account " + Quote(account) + " does not resolve on this host: " + e.Message +
                        " Built-in names are translated on non-English Windows (Jeder = Everyone); a SID string works everywhere.", e);
                throw ApiError(e, "account " + Quote(account), null);
            }
        }

        /// <summary>The host's name of a SID, or the SID itself when no
        /// account has it (a deleted account); answers are cached per op.</summary>
        private static string NameOrSid(HostServices host, string sid, Dictionary<string, string> names)
        {
            string name;
            if (names.TryGetValue(sid, out name)) return name;
            try { name = host.Accounts.NameOf(sid); }
            catch (Exception e)
            {
                if (!IsWindowsFailure(e)) throw;
                name = sid;
            }
            names[sid] = name;
            return name;
        }

        // ---- URL reservations

        /// <summary>The protocol's URL ACL object: the SDDL as HTTP.sys returns
        /// it and the host's reading of its allow entries (GX listen, GW
        /// delegate, GA both).</summary>
        public static JsonObject UrlAclResult(HostServices host, UrlAclRecord record, Dictionary<string, string> names)
        {
            List<object> entries = new List<object>();
            List<SddlAce> aces = Sddl.DaclAces(record.Sddl);
            if (aces != null)
            {
                foreach (SddlAce ace in aces)
                {
                    if (ace.Type != "A") continue;
                    bool all = (ace.Mask & Sddl.GenericAll) != 0;
                    entries.Add(new JsonObject()
                        .Set("sid", ace.Sid)
                        .Set("account", NameOrSid(host, ace.Sid, names))
                        .Set("listen", all || (ace.Mask & Sddl.GenericExecute) != 0)
                        .Set("delegate", all || (ace.Mask & Sddl.GenericWrite) != 0));
                }
            }
            return new JsonObject().Set("url", record.Url).Set("sddl", record.Sddl).Set("entries", entries);
        }

        public static object ListUrlAcls(HostServices host)
        {
            IList<UrlAclRecord> records;
            try { records = host.HttpApi.QueryUrlAcls(); }
            catch (Exception e)
            {
                if (!IsWindowsFailure(e)) throw;
                throw ApiError(e, "HttpQueryServiceConfiguration(URL reservations)", null);
            }
            Dictionary<string, string> names = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            List<object> list = new List<object>();
            foreach (UrlAclRecord r in records) list.Add(UrlAclResult(host, r, names));
            return new JsonObject().Set("urlacls", list);
        }

        private static JsonObject QueryUrlAcl(HostServices host, string url)
        {
            UrlAclRecord record;
            try { record = host.HttpApi.QueryUrlAcl(url); }
            catch (Exception e)
            {
                if (!IsWindowsFailure(e)) throw;
                string hint = ErrorCodes.Of(e) == Win32.FileNotFound ? "No URL reservation for " + url + "." : null;
                throw ApiError(e, "HttpQueryServiceConfiguration(url=" + url + ")", hint);
            }
            return UrlAclResult(host, record, new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase));
        }

        public static object GetUrlAcl(HostServices host, OpArgs a)
        {
            return QueryUrlAcl(host, a.RequiredString("url", "the URL prefix is required, such as https://+:443/app/"));
        }

        /// <summary>Reserves url. HTTP.sys validates the prefix and the SDDL
        /// (87) and reports an existing reservation (183). It stores any
        /// well-formed SID, mapped or not (ConvertStringSecurityDescriptorTo-
        /// SecurityDescriptor converts SID strings without looking them up),
        /// so a reservation for an account that does not exist would only
        /// fail later, when a process registers the URL: every SID is checked
        /// here first (1332, naming it). An alias that "SID Strings" does not
        /// list is refused here too (87, naming it).</summary>
        public static object AddUrlAcl(HostServices host, OpArgs a)
        {
            string url = a.RequiredString("url", "the URL prefix is required, such as https://+:443/app/");
            string sddl = a.RequiredString("sddl", "a security descriptor is required, such as D:(A;;GX;;;WD)");
            CheckTrustees(host, sddl);
            try { host.HttpApi.SetUrlAcl(new UrlAclRecord(url, sddl)); }
            catch (Exception e)
            {
                if (!IsWindowsFailure(e)) throw;
                long code = ErrorCodes.Of(e);
                string hint = null;
                if (code == Win32.AlreadyExists) hint = "The URL is already reserved: import the reservation, or delete it first.";
                else if (code == Win32.InvalidParameter) hint = "HTTP.sys refused the URL prefix or the SDDL: the prefix must be scheme://host:port/path/ (with the final slash), the SDDL an allow DACL such as D:(A;;GX;;;WD).";
                throw ApiError(e, "HttpSetServiceConfiguration(url=" + url + ")", hint);
            }
            return QueryUrlAcl(host, url);
        }

        private static void CheckTrustees(HostServices host, string sddl)
        {
            string unknownAlias;
            List<string> trustees = Sddl.Trustees(sddl, out unknownAlias);
            if (unknownAlias != null)
                throw new OpException(Win32.InvalidParameter, "sddl " + Quote(sddl) + ": " + Quote(unknownAlias) +
                    " is not a SID alias (see \"SID Strings\" on learn.microsoft.com: WD, BU, BA, SY, AU, NS, LS, IS, ...); use the account's SID string instead");
            foreach (string t in trustees)
            {
                if (!Sddl.IsSidString(t)) continue;
                string sid = "S" + t.Substring(1);
                try { host.Accounts.NameOf(sid); }
                catch (Exception e)
                {
                    if (!IsWindowsFailure(e)) throw;
                    if (ErrorCodes.Of(e) == Win32.NoneMapped)
                        throw new OpException(Win32.NoneMapped, "sddl " + Quote(sddl) + ": no account on this host has SID " + sid +
                            " (" + e.Message + "); create the account first or remove its entry", e);
                    throw ApiError(e, "looking up SID " + sid, null);
                }
            }
        }

        public static object DeleteUrlAcl(HostServices host, OpArgs a)
        {
            string url = a.RequiredString("url", "the URL prefix is required, such as https://+:443/app/");
            try { host.HttpApi.DeleteUrlAcl(url); }
            catch (Exception e)
            {
                if (!IsWindowsFailure(e)) throw;
                string hint = ErrorCodes.Of(e) == Win32.FileNotFound ? "No URL reservation for " + url + "." : null;
                throw ApiError(e, "HttpDeleteServiceConfiguration(url=" + url + ")", hint);
            }
            return new JsonObject();
        }

        // ---- SSL binding keys

        /// <summary>The key text as netsh takes it: "ipport=0.0.0.0:443",
        /// "hostnameport=www.example.com:443" or "ccs=443".</summary>
        public static string KeyText(SslKey key)
        {
            if (key.Ccs) return "ccs=" + key.Port.ToString(CultureInfo.InvariantCulture);
            return key.Sni ? "hostnameport=" + HostnamePort(key) : "ipport=" + IpPort(key);
        }

        public static string IpPort(SslKey key)
        {
            if (key.Sni || key.Ccs) return null;
            string port = key.Port.ToString(CultureInfo.InvariantCulture);
            if (key.Address.AddressFamily == AddressFamily.InterNetworkV6) return "[" + key.Address.ToString() + "]:" + port;
            return key.Address.ToString() + ":" + port;
        }

        public static string HostnamePort(SslKey key)
        {
            if (!key.Sni) return null;
            return key.Host + ":" + key.Port.ToString(CultureInfo.InvariantCulture);
        }

        /// <summary>Reads exactly one of ipport ("a.b.c.d:port", "[IPv6]:port")
        /// and hostnameport ("name:port"; "*." wildcard label allowed).</summary>
        public static SslKey ParseKey(OpArgs a)
        {
            string ipport = a.String("ipport");
            string hostnameport = a.String("hostnameport");
            bool hasIp = !string.IsNullOrEmpty(ipport), hasHost = !string.IsNullOrEmpty(hostnameport);
            if (hasIp == hasHost) throw new OpException(Win32.InvalidParameter, "set exactly one of ipport and hostnameport");
            return hasIp ? ParseIpPort(ipport) : ParseHostnamePort(hostnameport);
        }

        private static bool SplitPort(string text, out string host, out int port)
        {
            host = null;
            port = 0;
            int colon = text.LastIndexOf(':');
            if (colon <= 0 || colon == text.Length - 1) return false;
            host = text.Substring(0, colon);
            string digits = text.Substring(colon + 1);
            if (digits.Length > 5) return false;
            foreach (char c in digits) if (c < '0' || c > '9') return false;
            port = int.Parse(digits, CultureInfo.InvariantCulture);
            return port >= 1 && port <= 65535;
        }

        public static SslKey ParseIpPort(string text)
        {
            OpException bad = new OpException(Win32.InvalidParameter, "ipport " + Quote(text) +
                " must be IPv4:port or [IPv6]:port with a port 1-65535, such as 0.0.0.0:443 or [::]:443");
            string host;
            int port;
            if (!SplitPort(text, out host, out port)) throw bad;
            bool bracketed = host.Length >= 2 && host[0] == '[' && host[host.Length - 1] == ']';
            if (bracketed) host = host.Substring(1, host.Length - 2);
            if (host.IndexOf('%') >= 0) throw bad;
            IPAddress address;
            if (!IPAddress.TryParse(host, out address)) throw bad;
            if (address.AddressFamily == AddressFamily.InterNetwork && !bracketed && IsDottedQuad(host)) return SslKey.ForAddress(address, port);
            if (address.AddressFamily == AddressFamily.InterNetworkV6 && bracketed) return SslKey.ForAddress(address, port);
            throw bad;
        }

        // IsDottedQuad refuses the short and octal forms IPAddress.TryParse
        // also takes ("10.1", "010.0.0.1").
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

        public static SslKey ParseHostnamePort(string text)
        {
            string host;
            int port;
            if (!SplitPort(text, out host, out port) || !IsDnsName(host.StartsWith("*.", StringComparison.Ordinal) ? host.Substring(2) : host))
                throw new OpException(Win32.InvalidParameter, "hostnameport " + Quote(text) + " must be hostname:port, such as www.example.com:443");
            return SslKey.ForHost(host, port);
        }

        // IsDnsName: dot-separated labels of letters, digits and hyphens,
        // 1-63 characters, not starting or ending with a hyphen (RFC 1123).
        private static bool IsDnsName(string s)
        {
            if (s.Length == 0 || s.Length > 253) return false;
            if (s.EndsWith(".", StringComparison.Ordinal)) s = s.Substring(0, s.Length - 1);
            foreach (string label in s.Split('.'))
            {
                if (label.Length == 0 || label.Length > 63 || label[0] == '-' || label[label.Length - 1] == '-') return false;
                foreach (char c in label)
                {
                    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
                    if (!ok) return false;
                }
            }
            return true;
        }

        // ---- SSL binding records

        /// <summary>Reads a Binding (PROTOCOL.md) into a record. Absent
        /// verify_client_cert_revocation and usage_check are true
        /// (DefaultCertCheckMode 0 checks both).</summary>
        public static SslRecord ParseBinding(OpArgs a)
        {
            SslRecord r = new SslRecord();
            r.Key = ParseKey(a);
            string hash = a.RequiredString("certificate_hash", "the certificate's SHA-1 thumbprint (40 hexadecimal digits) is required");
            r.Hash = ParseHash(hash);
            if (r.Hash == null)
                throw new OpException(Win32.InvalidParameter, "certificate_hash " + Quote(hash) + " must be 40 hexadecimal digits (the certificate's SHA-1 thumbprint)");
            string appId = a.RequiredString("app_id", "a GUID is required, such as {4d159978-4574-4dd5-b3ff-6f7fc8c20344}");
            r.AppId = ParseGuid(appId);
            string store = a.String("certificate_store_name");
            r.StoreName = string.IsNullOrEmpty(store) ? null : store;

            uint mode = 0;
            if (!a.Bool("verify_client_cert_revocation", true)) mode |= CheckNoRevocation;
            if (a.Bool("verify_revocation_with_cached_client_cert_only", false)) mode |= CheckCachedOnly;
            uint freshness = Dword(a, "revocation_freshness_time");
            if (freshness > 0) mode |= CheckFreshnessTime;
            if (!a.Bool("usage_check", true)) mode |= CheckNoUsage;
            r.CertCheckMode = mode;
            r.RevocationFreshnessTime = freshness;
            r.UrlRetrievalTimeout = Dword(a, "url_retrieval_timeout");
            string ctl = a.String("ctl_identifier");
            r.CtlIdentifier = string.IsNullOrEmpty(ctl) ? null : ctl;
            string ctlStore = a.String("ctl_store_name");
            r.CtlStoreName = string.IsNullOrEmpty(ctlStore) ? null : ctlStore;

            uint flags = Dword(a, "other_flags");
            if ((flags & NamedFlags) != 0)
                throw new OpException(Win32.InvalidParameter, "other_flags 0x" + flags.ToString("x", CultureInfo.InvariantCulture) +
                    " holds bits that have their own arguments (0x" + (flags & NamedFlags).ToString("x", CultureInfo.InvariantCulture) + ")");
            for (int i = 0; i < FlagNames.Length; i++)
            {
                if (a.Bool(FlagNames[i], false)) flags |= FlagBits[i];
            }
            r.Flags = flags;
            return r;
        }

        private static uint Dword(OpArgs a, string name)
        {
            long v = a.Long(name, 0);
            if (v < 0 || v > uint.MaxValue) throw new OpException(Win32.InvalidParameter, name + " " + v.ToString(CultureInfo.InvariantCulture) + " must be a whole number 0-4294967295");
            return (uint)v;
        }

        private static byte[] ParseHash(string hex)
        {
            if (hex.Length != 40) return null;
            byte[] bytes = new byte[20];
            for (int i = 0; i < 20; i++)
            {
                int high = HexDigit(hex[2 * i]), low = HexDigit(hex[2 * i + 1]);
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

        private static Guid ParseGuid(string text)
        {
            Guid g;
            bool braced = text.StartsWith("{", StringComparison.Ordinal) && text.EndsWith("}", StringComparison.Ordinal);
            string inner = braced ? text.Substring(1, text.Length - 2) : text;
            if (inner.Length != 36 || !Guid.TryParseExact(inner, "D", out g))
                throw new OpException(Win32.InvalidParameter, "app_id " + Quote(text) + " must be a GUID such as {4d159978-4574-4dd5-b3ff-6f7fc8c20344}");
            return g;
        }

        public static string Hex(byte[] bytes)
        {
            if (bytes == null) return "";
            StringBuilder sb = new StringBuilder(bytes.Length * 2);
            foreach (byte b in bytes) sb.Append(b.ToString("X2", CultureInfo.InvariantCulture));
            return sb.ToString();
        }

        /// <summary>The protocol's Binding object of a record.</summary>
        public static JsonObject BindingResult(SslRecord r)
        {
            string store = string.IsNullOrEmpty(r.StoreName) ? "MY" : r.StoreName.ToUpperInvariant();
            JsonObject o = new JsonObject()
                .Set("ipport", IpPort(r.Key))
                .Set("hostnameport", HostnamePort(r.Key))
                .Set("certificate_hash", Hex(r.Hash))
                .Set("app_id", "{" + r.AppId.ToString("D") + "}")
                .Set("certificate_store_name", store)
                .Set("verify_client_cert_revocation", (r.CertCheckMode & CheckNoRevocation) == 0)
                .Set("verify_revocation_with_cached_client_cert_only", (r.CertCheckMode & CheckCachedOnly) != 0)
                .Set("usage_check", (r.CertCheckMode & CheckNoUsage) == 0)
                .Set("revocation_freshness_time", (long)r.RevocationFreshnessTime)
                .Set("url_retrieval_timeout", (long)r.UrlRetrievalTimeout)
                .Set("ctl_identifier", r.CtlIdentifier ?? "")
                .Set("ctl_store_name", r.CtlStoreName ?? "");
            for (int i = 0; i < FlagNames.Length; i++) o.Set(FlagNames[i], (r.Flags & FlagBits[i]) != 0);
            o.Set("other_flags", (long)(r.Flags & ~NamedFlags));
            return o;
        }

        // ---- SSL binding ops

        /// <summary>Every SSL binding: the IP table, then the SNI table, each
        /// in the host's order.</summary>
        public static List<SslRecord> QueryBindings(HostServices host)
        {
            List<SslRecord> all = new List<SslRecord>();
            foreach (bool sni in new bool[] { false, true })
            {
                try { all.AddRange(host.HttpApi.QuerySslBindings(sni)); }
                catch (Exception e)
                {
                    if (!IsWindowsFailure(e)) throw;
                    throw ApiError(e, "HttpQueryServiceConfiguration(" + (sni ? "SNI" : "IP") + " SSL bindings)", null);
                }
            }
            return all;
        }

        /// <summary>The Central Certificate Store bindings, in the host's
        /// order.</summary>
        public static IList<SslRecord> QueryCcsBindings(HostServices host)
        {
            try { return host.HttpApi.QuerySslCcsBindings(); }
            catch (Exception e)
            {
                if (!IsWindowsFailure(e)) throw;
                throw ApiError(e, "HttpQueryServiceConfiguration(Central Certificate Store SSL bindings)", null);
            }
        }

        public static object ListBindings(HostServices host)
        {
            List<object> list = new List<object>();
            foreach (SslRecord r in QueryBindings(host)) list.Add(BindingResult(r));
            return new JsonObject().Set("bindings", list);
        }

        private static SslRecord Query(HostServices host, SslKey key, string hint)
        {
            try { return host.HttpApi.QuerySslBinding(key); }
            catch (Exception e)
            {
                if (!IsWindowsFailure(e)) throw;
                throw ApiError(e, "HttpQueryServiceConfiguration(" + KeyText(key) + ")",
                    ErrorCodes.Of(e) == Win32.FileNotFound ? "No SSL binding for " + KeyText(key) + "." + (hint == null ? "" : " " + hint) : hint);
            }
        }

        public static object GetBinding(HostServices host, OpArgs a)
        {
            return BindingResult(Query(host, ParseKey(a), null));
        }

        private static string AddHint(long code)
        {
            if (code == Win32.AlreadyExists) return "A binding for this key exists: import it, or delete it first.";
            if (code == Win32.NoSuchLogonSession) return "The certificate is not in that LocalMachine store, or its private key cannot be opened: import it with its key (MachineKeySet) and bind again.";
            return null;
        }

        /// <summary>Adds a binding. HTTP.sys checks the certificate itself:
        /// 1312 when it is not in the store or its key does not open, 183
        /// when the key is taken.</summary>
        public static object AddBinding(HostServices host, OpArgs a)
        {
            SslRecord r = ParseBinding(a);
            try { host.HttpApi.SetSslBinding(r); }
            catch (Exception e)
            {
                if (!IsWindowsFailure(e)) throw;
                throw ApiError(e, "HttpSetServiceConfiguration(" + KeyText(r.Key) + ")", AddHint(ErrorCodes.Of(e)));
            }
            return BindingResult(Query(host, r.Key, null));
        }

        /// <summary>Replaces the binding at the argument's key. The new binding
        /// keeps the old one's DefaultFlags bits the arguments have no name
        /// for. HttpUpdateServiceConfiguration changes the record atomically
        /// in place ("Updates atomically ...", learn.microsoft.com/windows/
        /// win32/api/http/nf-http-httpupdateserviceconfiguration; config ids
        /// HttpServiceConfigSSLCertInfo and HttpServiceConfigSslSniCertInfo):
        /// the port is never unbound and the record's extended parameters
        /// (HttpServiceConfigSslCertInfoEx) stay. Where httpapi.dll lacks it,
        /// the binding is deleted and the new one added; if the add fails the
        /// old one is added back, and the error says which of the two the
        /// port now has: the old binding, or none.</summary>
        public static object ReplaceBinding(HostServices host, OpArgs a)
        {
            SslRecord wanted = ParseBinding(a);
            string key = KeyText(wanted.Key);
            SslRecord old = Query(host, wanted.Key, "Nothing to replace: add the binding instead.");
            wanted.Flags |= old.Flags & ~NamedFlags;

            bool updated = false;
            try
            {
                host.HttpApi.UpdateSslBinding(wanted);
                updated = true;
            }
            catch (Exception e)
            {
                if (!IsWindowsFailure(e)) throw;
                long code = ErrorCodes.Of(e);
                if (code != ProcNotFound && code != CallNotImplemented && code != Win32.NotSupported)
                {
                    string hint = AddHint(code);
                    throw ApiError(e, "HttpUpdateServiceConfiguration(" + key + ")",
                        (hint == null ? "" : hint + " ") + "The old binding is unchanged.");
                }
            }
            if (!updated) ReplaceByDeleteAndAdd(host, old, wanted);
            return BindingResult(Query(host, wanted.Key, "The binding was changed; reading it back failed."));
        }

        private static void ReplaceByDeleteAndAdd(HostServices host, SslRecord old, SslRecord wanted)
        {
            string key = KeyText(wanted.Key);
            for (int type = 0; type < ExtendedParamTypes; type++)
            {
                bool has;
                try { has = host.HttpApi.HasExtendedParameter(old.Key, type); }
                catch (Exception e)
                {
                    if (!IsWindowsFailure(e)) throw;
                    has = false;
                }
                if (has)
                    throw new OpException(Win32.NotSupported, "the binding " + key + " has extended parameters (HttpServiceConfigSslCertInfoEx, type " +
                        type.ToString(CultureInfo.InvariantCulture) + ") that a delete and add would lose, and this host has no HttpUpdateServiceConfiguration; " +
                        "the old binding is unchanged. Change it on the host (netsh http update sslcert) or delete it and apply again.");
            }
            try { host.HttpApi.DeleteSslBinding(old.Key); }
            catch (Exception e)
            {
                if (!IsWindowsFailure(e)) throw;
                throw ApiError(e, "HttpDeleteServiceConfiguration(" + key + ")", "The old binding is unchanged.");
            }
            try { host.HttpApi.SetSslBinding(wanted); }
            catch (Exception addError)
            {
                if (!IsWindowsFailure(addError)) throw;
                string hint = AddHint(ErrorCodes.Of(addError));
                string restoreFailure = null;
                try { host.HttpApi.SetSslBinding(old); }
                catch (Exception restoreError)
                {
                    if (!IsWindowsFailure(restoreError)) throw;
                    restoreFailure = restoreError.Message;
                }
                if (restoreFailure == null)
                    throw ApiError(addError, "HttpSetServiceConfiguration(" + key + ")", (hint == null ? "" : hint + " ") + "The previous binding was restored.");
                throw ApiError(addError, "HttpSetServiceConfiguration(" + key + ")", (hint == null ? "" : hint + " ") +
                    "Restoring the previous binding failed too (" + restoreFailure + "): " + key + " is now unbound. " +
                    "Apply again to bind it, or add the binding on the host (netsh http add sslcert).");
            }
        }

        public static object DeleteBinding(HostServices host, OpArgs a)
        {
            SslKey key = ParseKey(a);
            try { host.HttpApi.DeleteSslBinding(key); }
            catch (Exception e)
            {
                if (!IsWindowsFailure(e)) throw;
                throw ApiError(e, "HttpDeleteServiceConfiguration(" + KeyText(key) + ")",
                    ErrorCodes.Of(e) == Win32.FileNotFound ? "No SSL binding for " + KeyText(key) + "." : null);
            }
            return new JsonObject();
        }

        private static string Quote(string s) { return Json.Write(s ?? ""); }
    }
}
