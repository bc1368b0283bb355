// Reading a URL reservation's SDDL ("Security Descriptor String Format",
// learn.microsoft.com/windows/win32/secauthz/security-descriptor-string-format):
// the SIDs it names (checked against the host's accounts before HTTP.sys
// stores it) and its allow entries as the protocol reports them. HTTP.sys
// itself validates the text (87); this reader is lenient where HTTP.sys
// decides and strict only about what is fixed by the documentation (the
// SID aliases of "SID Strings").
using System;
using System.Collections.Generic;
using System.Globalization;

namespace TfWin
{
    /// <summary>An ACE of a descriptor: its type ("A", "D", ...), rights mask
    /// and trustee (the SID string; an alias is resolved).</summary>
    public sealed class SddlAce
    {
        public string Type;
        public uint Mask;
        public string Sid;
        /// <summary>The trustee as written (an alias or a SID string).</summary>
        public string Trustee;
    }

    public static class Sddl
    {
        // Generic rights ("ACCESS_MASK"); URL reservations use GX to listen,
        // GW to delegate, GA for both ("add urlacl", netsh http).
        public const uint GenericAll = 0x10000000;
        public const uint GenericExecute = 0x20000000;
        public const uint GenericWrite = 0x40000000;
        public const uint GenericRead = 0x80000000;

        // The SID aliases of "SID Strings" (learn.microsoft.com/windows/win32/
        // secauthz/sid-strings; sddl.h SDDL_*) that name the same SID on every
        // host.
        private static readonly Dictionary<string, string> FixedAliases = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            { "WD", "S-1-1-0" }, { "CO", "S-1-3-0" }, { "CG", "S-1-3-1" }, { "OW", "S-1-3-4" },
            { "NU", "S-1-5-2" }, { "IU", "S-1-5-4" }, { "SU", "S-1-5-6" }, { "AN", "S-1-5-7" },
            { "ED", "S-1-5-9" }, { "PS", "S-1-5-10" }, { "AU", "S-1-5-11" }, { "RC", "S-1-5-12" },
            { "SY", "S-1-5-18" }, { "LS", "S-1-5-19" }, { "NS", "S-1-5-20" }, { "WR", "S-1-5-33" },
            { "BA", "S-1-5-32-544" }, { "BU", "S-1-5-32-545" }, { "BG", "S-1-5-32-546" }, { "PU", "S-1-5-32-547" },
            { "AO", "S-1-5-32-548" }, { "SO", "S-1-5-32-549" }, { "PO", "S-1-5-32-550" }, { "BO", "S-1-5-32-551" },
            { "RE", "S-1-5-32-552" }, { "RU", "S-1-5-32-554" }, { "RD", "S-1-5-32-555" }, { "NO", "S-1-5-32-556" },
            { "MU", "S-1-5-32-558" }, { "LU", "S-1-5-32-559" }, { "IS", "S-1-5-32-568" }, { "CY", "S-1-5-32-569" },
            { "ER", "S-1-5-32-573" }, { "CD", "S-1-5-32-574" }, { "RA", "S-1-5-32-575" }, { "ES", "S-1-5-32-576" },
            { "MS", "S-1-5-32-577" }, { "HA", "S-1-5-32-578" }, { "AA", "S-1-5-32-579" }, { "RM", "S-1-5-32-580" },
            { "UD", "S-1-5-84-0-0-0-0-0" }, { "AC", "S-1-15-2-1" }, { "AS", "S-1-18-1" }, { "SS", "S-1-18-2" },
            { "LW", "S-1-16-4096" }, { "ME", "S-1-16-8192" }, { "MP", "S-1-16-8448" }, { "HI", "S-1-16-12288" },
            { "SI", "S-1-16-16384" },
        };

        // The aliases of "SID Strings" relative to the host's domain or
        // machine (DA = DOMAIN-512, LA = MACHINE-500, ...): Windows resolves
        // them when it converts the text; this reader does not need their SIDs.
        private static readonly HashSet<string> RelativeAliases = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            "AP", "CA", "CN", "DA", "DC", "DD", "DG", "DU", "EA", "EK", "KA", "LA", "LG", "PA", "RO", "RS", "SA",
        };

        // Rights tokens of "ACE Strings" and their bits.
        private static readonly Dictionary<string, uint> RightTokens = new Dictionary<string, uint>(StringComparer.OrdinalIgnoreCase)
        {
            { "GA", GenericAll }, { "GX", GenericExecute }, { "GW", GenericWrite }, { "GR", GenericRead },
            { "RC", 0x20000 }, { "SD", 0x10000 }, { "WD", 0x40000 }, { "WO", 0x80000 },
            { "CC", 0x1 }, { "DC", 0x2 }, { "LC", 0x4 }, { "SW", 0x8 }, { "RP", 0x10 }, { "WP", 0x20 },
            { "DT", 0x40 }, { "LO", 0x80 }, { "CR", 0x100 },
            { "FA", 0x1F01FF }, { "FR", 0x120089 }, { "FW", 0x120116 }, { "FX", 0x1200A0 },
            { "KA", 0xF003F }, { "KR", 0x20019 }, { "KW", 0x20006 }, { "KX", 0x20019 },
        };

        /// <summary>The SID a fixed alias stands for, or null.</summary>
        public static string AliasSid(string alias)
        {
            string sid;
            return FixedAliases.TryGetValue(alias, out sid) ? sid : null;
        }

        /// <summary>Whether text is a SID alias of "SID Strings".</summary>
        public static bool IsKnownAlias(string alias)
        {
            return FixedAliases.ContainsKey(alias) || RelativeAliases.Contains(alias);
        }

        /// <summary>Whether text has the S-1-... form of a SID string ("SID
        /// Components"): revision 1, an authority, at most 15 sub-authorities.</summary>
        public static bool IsSidString(string text)
        {
            if (text == null) return false;
            string[] parts = text.Split('-');
            if (parts.Length < 3 || parts.Length > 18 || !string.Equals(parts[0], "S", StringComparison.OrdinalIgnoreCase) || parts[1] != "1") return false;
            for (int i = 2; i < parts.Length; i++)
            {
                ulong v;
                if (parts[i].Length == 0 || !ulong.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out v)) return false;
                if (v > (i == 2 ? 0xFFFFFFFFFFFFUL : 0xFFFFFFFFUL)) return false;
            }
            return true;
        }

        /// <summary>The trustees an SDDL names (owner, group, every ACE of
        /// DACL and SACL), as written. Unknown aliases are reported through
        /// unknownAlias (the first one), so the caller can name it; text that
        /// does not parse yields what was read so far (HTTP.sys judges it).</summary>
        public static List<string> Trustees(string sddl, out string unknownAlias)
        {
            unknownAlias = null;
            List<string> trustees = new List<string>();
            if (sddl == null) return trustees;
            int at = 0;
            while (at + 1 < sddl.Length && sddl[at + 1] == ':')
            {
                char part = char.ToUpperInvariant(sddl[at]);
                at += 2;
                if (part == 'O' || part == 'G')
                {
                    string t = ReadTrustee(sddl, ref at);
                    if (t == null) return trustees;
                    trustees.Add(t);
                }
                else if (part == 'D' || part == 'S')
                {
                    foreach (string[] fields in ReadAces(sddl, ref at)) trustees.Add(fields[5]);
                }
                else return trustees;
            }
            foreach (string t in trustees)
            {
                if (!IsSidString(t) && t.Length == 2 && !IsKnownAlias(t)) { unknownAlias = t; break; }
            }
            return trustees;
        }

        /// <summary>The DACL's ACEs of an SDDL (as HttpQueryServiceConfiguration
        /// returns it), each with its SID; entries whose rights or trustee do
        /// not parse are left out. Null when there is no DACL.</summary>
        public static List<SddlAce> DaclAces(string sddl)
        {
            if (sddl == null) return null;
            List<SddlAce> aces = null;
            int at = 0;
            while (at + 1 < sddl.Length && sddl[at + 1] == ':')
            {
                char part = char.ToUpperInvariant(sddl[at]);
                at += 2;
                if (part == 'O' || part == 'G')
                {
                    if (ReadTrustee(sddl, ref at) == null) break;
                }
                else if (part == 'D' || part == 'S')
                {
                    List<string[]> read = ReadAces(sddl, ref at);
                    if (part != 'D') continue;
                    aces = new List<SddlAce>();
                    foreach (string[] f in read)
                    {
                        uint mask;
                        string sid = IsSidString(f[5]) ? "S" + f[5].Substring(1) : AliasSid(f[5]);
                        if (sid == null || !ParseRights(f[2], out mask)) continue;
                        SddlAce ace = new SddlAce();
                        ace.Type = f[0].ToUpperInvariant();
                        ace.Mask = mask;
                        ace.Sid = sid;
                        ace.Trustee = f[5];
                        aces.Add(ace);
                    }
                }
                else break;
            }
            return aces;
        }

        private static string ReadTrustee(string s, ref int at)
        {
            int start = at;
            if (at + 1 < s.Length && (s[at] == 'S' || s[at] == 's') && s[at + 1] == '-')
            {
                at += 2;
                while (at < s.Length && (s[at] == '-' || (s[at] >= '0' && s[at] <= '9'))) at++;
                return s.Substring(start, at - start);
            }
            if (at + 2 > s.Length) return null;
            at += 2;
            return s.Substring(start, 2);
        }

        // ReadAces reads ACL flags then "(type;flags;rights;object;inherit;sid)"
        // entries; each result holds the six fields.
        private static List<string[]> ReadAces(string s, ref int at)
        {
            List<string[]> aces = new List<string[]>();
            while (at < s.Length && s[at] != '(' && !(at + 1 < s.Length && s[at + 1] == ':')) at++;
            while (at < s.Length && s[at] == '(')
            {
                int end = s.IndexOf(')', at);
                if (end < 0) { at = s.Length; break; }
                string[] fields = s.Substring(at + 1, end - at - 1).Split(';');
                at = end + 1;
                if (fields.Length == 6) aces.Add(fields);
            }
            return aces;
        }

        /// <summary>Reads a rights field: two-letter tokens or a 0x number.</summary>
        public static bool ParseRights(string text, out uint mask)
        {
            mask = 0;
            if (string.IsNullOrEmpty(text)) return false;
            if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
                return uint.TryParse(text.Substring(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out mask);
            if (text.Length % 2 != 0) return false;
            for (int i = 0; i < text.Length; i += 2)
            {
                uint bit;
                if (!RightTokens.TryGetValue(text.Substring(i, 2), out bit)) return false;
                mask |= bit;
            }
            return true;
        }
    }
}
