// TLS settings in the registry, PROTOCOL.md "SChannel protocols" and ".NET
// Framework strong cryptography", through IRegistry (HKLM, 64-bit view).
//
// SCHANNEL\Protocols\<protocol>\<Server|Client> holds the DWORDs Enabled and
// DisabledByDefault ("Transport Layer Security (TLS) registry settings",
// learn.microsoft.com/windows-server/security/tls/tls-registry-settings);
// SOFTWARE\[WOW6432Node\]Microsoft\.NETFramework\<version> holds
// SchUseStrongCrypto and SystemDefaultTlsVersions ("Transport Layer Security
// (TLS) best practices with the .NET Framework", learn.microsoft.com). The
// ops report what the registry holds: an absent value is null, and what
// Windows does without it (its default per build) is the provider's to
// interpret (internal/windows/schannel's table), not the host's.
using System;
using System.Collections.Generic;
using Microsoft.Win32;

namespace TfWin
{
    public static class RegistryOps
    {
        public const string SchannelRoot = @"SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols";

        /// <summary>The protocol key names the ops accept, as SChannel names them.</summary>
        public static readonly string[] SchannelProtocols = { "SSL 3.0", "TLS 1.0", "TLS 1.1", "TLS 1.2", "TLS 1.3" };

        /// <summary>A .NET Framework key the ops manage.</summary>
        public sealed class DotNetKey
        {
            public DotNetKey(string path, string view, string framework) { Path = path; View = view; Framework = framework; }

            /// <summary>The path under HKLM in the 64-bit view.</summary>
            public string Path { get; private set; }
            public string View { get; private set; }
            public string Framework { get; private set; }
        }

        /// <summary>The four keys, in the order the ops report them: .NET 4
        /// (v4.0.30319) and .NET 2.0-3.5 (v2.0.50727), each for 64-bit
        /// processes and for 32-bit ones (WOW6432Node).</summary>
        public static readonly DotNetKey[] DotNetKeys =
        {
            new DotNetKey(@"SOFTWARE\Microsoft\.NETFramework\v4.0.30319", "64-bit", "v4.0.30319"),
            new DotNetKey(@"SOFTWARE\WOW6432Node\Microsoft\.NETFramework\v4.0.30319", "32-bit", "v4.0.30319"),
            new DotNetKey(@"SOFTWARE\Microsoft\.NETFramework\v2.0.50727", "64-bit", "v2.0.50727"),
            new DotNetKey(@"SOFTWARE\WOW6432Node\Microsoft\.NETFramework\v2.0.50727", "32-bit", "v2.0.50727"),
        };

        public const long MaxDword = 4294967295L;

        public static void Register(OpTable ops, HostServices host)
        {
            ops.Add("registry.schannel.get", delegate(OpArgs a) { return SchannelGet(host.Registry, a); });
            ops.Add("registry.schannel.set", delegate(OpArgs a) { return SchannelSet(host.Registry, a); });
            ops.Add("registry.dotnet_crypto.get", delegate(OpArgs a) { return DotNetCryptoGet(host.Registry); });
            ops.Add("registry.dotnet_crypto.set", delegate(OpArgs a) { return DotNetCryptoSet(host.Registry, a); });
        }

        /// <summary>A DWORD value as an unsigned number, or null when the key
        /// or the value is absent or the value is not a REG_DWORD (SChannel
        /// and the Framework read DWORDs only).</summary>
        public static object Dword(IRegistry registry, string path, string name)
        {
            RegistryData v = registry.GetValue(path, name);
            if (v == null || v.Kind != RegistryValueKind.DWord || !(v.Data is int)) return null;
            return (long)unchecked((uint)(int)v.Data);
        }

        /// <summary>Writes a DWORD (an unsigned number) in an existing key, or
        /// deletes the value for null (nothing when it is absent).</summary>
        public static void SetDword(IRegistry registry, string path, string name, long? value)
        {
            if (value == null)
            {
                if (registry.GetValue(path, name) != null) registry.DeleteValue(path, name);
                return;
            }
            registry.SetValue(path, name, new RegistryData(RegistryValueKind.DWord, unchecked((int)(uint)value.Value)));
        }

        /// <summary>An optional DWORD argument: null, or 0..4294967295.</summary>
        public static long? DwordArg(object raw, string name)
        {
            if (raw == null) return null;
            long n;
            if (raw is long) n = (long)raw;
            else if (raw is double && Math.Floor((double)raw) == (double)raw && Math.Abs((double)raw) < 1e19) n = (long)(double)raw;
            else throw new OpException(Win32.InvalidParameter, name + ": a DWORD (a whole number between 0 and 4294967295) or null is required");
            if (n < 0 || n > MaxDword) throw new OpException(Win32.InvalidParameter, name + ": a DWORD is between 0 and 4294967295");
            return n;
        }

        /// <summary>The protocol and side arguments, case-insensitive, as
        /// SChannel spells them; 87 for anything else.</summary>
        private static void SchannelArgs(OpArgs a, out string protocol, out string side)
        {
            string p = a.String("protocol") ?? "";
            protocol = null;
            foreach (string known in SchannelProtocols)
            {
                if (string.Equals(known, p, StringComparison.OrdinalIgnoreCase)) protocol = known;
            }
            if (protocol == null) throw new OpException(Win32.InvalidParameter, "protocol " + Json.Write(p) + ": use one of " + string.Join(", ", SchannelProtocols));
            string s = a.String("side") ?? "";
            if (string.Equals(s, "server", StringComparison.OrdinalIgnoreCase)) side = "Server";
            else if (string.Equals(s, "client", StringComparison.OrdinalIgnoreCase)) side = "Client";
            else throw new OpException(Win32.InvalidParameter, "side " + Json.Write(s) + ": use Server or Client");
        }

        public static string SchannelPath(string protocol, string side) { return SchannelRoot + @"\" + protocol + @"\" + side; }

        private static JsonObject SchannelView(IRegistry registry, string protocol, string side)
        {
            string path = SchannelPath(protocol, side);
            bool exists = registry.KeyExists(path);
            return new JsonObject()
                .Set("protocol", protocol)
                .Set("side", side)
                .Set("key", @"HKLM\" + path)
                .Set("key_exists", exists)
                .Set("enabled", exists ? Dword(registry, path, "Enabled") : null)
                .Set("disabled_by_default", exists ? Dword(registry, path, "DisabledByDefault") : null)
                .Set("changed", false);
        }

        public static JsonObject SchannelGet(IRegistry registry, OpArgs a)
        {
            string protocol, side;
            SchannelArgs(a, out protocol, out side);
            return SchannelView(registry, protocol, side);
        }

        /// <summary>Writes both values (null deletes one), creating the key
        /// when a value is written; with both null and keep_key false it
        /// deletes the side's key when nothing else is in it.</summary>
        public static JsonObject SchannelSet(IRegistry registry, OpArgs a)
        {
            string protocol, side;
            SchannelArgs(a, out protocol, out side);
            long? enabled = DwordArg(a.Raw("enabled"), "enabled");
            long? disabledByDefault = DwordArg(a.Raw("disabled_by_default"), "disabled_by_default");
            bool keepKey = a.Bool("keep_key", false);
            string path = SchannelPath(protocol, side);
            JsonObject before = SchannelView(registry, protocol, side);
            if (enabled != null || disabledByDefault != null)
            {
                registry.CreateKey(path);
                SetDword(registry, path, "Enabled", enabled);
                SetDword(registry, path, "DisabledByDefault", disabledByDefault);
            }
            else if ((bool)before.Get("key_exists"))
            {
                SetDword(registry, path, "Enabled", null);
                SetDword(registry, path, "DisabledByDefault", null);
                bool empty = registry.GetValueNames(path).Length == 0 && registry.GetSubKeyNames(path).Length == 0;
                if (empty && !keepKey) registry.DeleteKey(path);
            }
            JsonObject after = SchannelView(registry, protocol, side);
            bool changed = !object.Equals(before.Get("key_exists"), after.Get("key_exists")) ||
                !object.Equals(before.Get("enabled"), after.Get("enabled")) ||
                !object.Equals(before.Get("disabled_by_default"), after.Get("disabled_by_default"));
            after.Set("changed", changed);
            return after;
        }

        public static JsonObject DotNetCryptoGet(IRegistry registry)
        {
            List<object> keys = new List<object>();
            foreach (DotNetKey k in DotNetKeys)
            {
                bool exists = registry.KeyExists(k.Path);
                keys.Add(new JsonObject()
                    .Set("path", @"HKLM\" + k.Path)
                    .Set("view", k.View)
                    .Set("framework", k.Framework)
                    .Set("exists", exists)
                    .Set("sch_use_strong_crypto", exists ? Dword(registry, k.Path, "SchUseStrongCrypto") : null)
                    .Set("system_default_tls_versions", exists ? Dword(registry, k.Path, "SystemDefaultTlsVersions") : null));
            }
            return new JsonObject().Set("keys", keys);
        }

        /// <summary>Writes the two values (null deletes one) in each key given.
        /// Every key is checked before anything is written: one of the four
        /// (87), and existing (2: the op never creates a Framework's key).</summary>
        public static JsonObject DotNetCryptoSet(IRegistry registry, OpArgs a)
        {
            List<object> items = a.List("keys") ?? new List<object>();
            List<KeyValuePair<DotNetKey, long?[]>> writes = new List<KeyValuePair<DotNetKey, long?[]>>();
            foreach (object raw in items)
            {
                if (raw == null) continue;
                JsonObject item = raw as JsonObject;
                if (item == null) throw new OpException(Win32.InvalidParameter, "keys: a list of objects {\"path\",\"sch_use_strong_crypto\",\"system_default_tls_versions\"} is required");
                string path = item.Get("path") as string ?? "";
                DotNetKey key = null;
                foreach (DotNetKey k in DotNetKeys)
                {
                    if (string.Equals(@"HKLM\" + k.Path, path, StringComparison.OrdinalIgnoreCase)) key = k;
                }
                if (key == null) throw new OpException(Win32.InvalidParameter, "path " + Json.Write(path) + " is not a .NET Framework key this op manages");
                writes.Add(new KeyValuePair<DotNetKey, long?[]>(key, new long?[]
                {
                    DwordArg(item.Get("sch_use_strong_crypto"), "sch_use_strong_crypto"),
                    DwordArg(item.Get("system_default_tls_versions"), "system_default_tls_versions"),
                }));
            }
            foreach (KeyValuePair<DotNetKey, long?[]> w in writes)
            {
                if (!registry.KeyExists(w.Key.Path))
                    throw new OpException(Win32.FileNotFound, @"HKLM\" + w.Key.Path + " does not exist: that .NET Framework is not installed");
            }
            foreach (KeyValuePair<DotNetKey, long?[]> w in writes)
            {
                SetDword(registry, w.Key.Path, "SchUseStrongCrypto", w.Value[0]);
                SetDword(registry, w.Key.Path, "SystemDefaultTlsVersions", w.Value[1]);
            }
            return DotNetCryptoGet(registry);
        }
    }
}
