// The agent's JSON: requests arrive as UTF-8 JSON and the envelope leaves as
// one ASCII line. It is parsed here rather than by ConvertFrom-Json because a
// cmdlet's parameters are recorded by PowerShell Module Logging (event 4103)
// and the arguments carry secrets (PFX passwords, app-setting values).
using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace TfWin
{
    /// <summary>A JSON object that keeps its members in insertion order, so
    /// the envelope reads as the op wrote it.</summary>
    public sealed class JsonObject : IEnumerable<KeyValuePair<string, object>>
    {
        private readonly List<KeyValuePair<string, object>> members = new List<KeyValuePair<string, object>>();
        private readonly Dictionary<string, int> index = new Dictionary<string, int>(StringComparer.Ordinal);

        /// <summary>Sets a member, replacing one of the same name in place.</summary>
        public JsonObject Set(string name, object value)
        {
            int i;
            if (index.TryGetValue(name, out i))
            {
                members[i] = new KeyValuePair<string, object>(name, value);
            }
            else
            {
                index[name] = members.Count;
                members.Add(new KeyValuePair<string, object>(name, value));
            }
            return this;
        }

        public bool Has(string name) { return index.ContainsKey(name); }

        /// <summary>The member's value, or null when absent (or JSON null).</summary>
        public object Get(string name)
        {
            int i;
            return index.TryGetValue(name, out i) ? members[i].Value : null;
        }

        public int Count { get { return members.Count; } }

        public IEnumerator<KeyValuePair<string, object>> GetEnumerator() { return members.GetEnumerator(); }
        IEnumerator IEnumerable.GetEnumerator() { return GetEnumerator(); }
    }

    /// <summary>Thrown for text that is not the JSON the agent accepts.</summary>
    public sealed class JsonException : FormatException
    {
        public JsonException(string message) : base(message) { }
    }

    /// <summary>RFC 8259 JSON. Parse gives JsonObject, List&lt;object&gt;,
    /// string, long or double, bool and null; Write takes those, any
    /// IDictionary with string keys, IEnumerable, and the integer types.</summary>
    public static class Json
    {
        private const int MaxDepth = 64;

        public static object Parse(string text)
        {
            if (text == null) throw new ArgumentNullException("text");
            int at = 0;
            object value = ParseValue(text, ref at, 0);
            SkipSpace(text, ref at);
            if (at != text.Length) throw Fail(at, "unexpected text after the value");
            return value;
        }

        /// <summary>Writes value as compact JSON; every character outside
        /// printable ASCII is escaped, so the text survives any code page.</summary>
        public static string Write(object value)
        {
            StringBuilder sb = new StringBuilder();
            WriteValue(sb, value, 0);
            return sb.ToString();
        }

        private static JsonException Fail(int at, string what)
        {
            return new JsonException("JSON: " + what + " at offset " + at.ToString(CultureInfo.InvariantCulture));
        }

        private static void SkipSpace(string s, ref int at)
        {
            while (at < s.Length && (s[at] == ' ' || s[at] == '\t' || s[at] == '\r' || s[at] == '\n')) at++;
        }

        private static object ParseValue(string s, ref int at, int depth)
        {
            if (depth > MaxDepth) throw Fail(at, "nesting too deep");
            SkipSpace(s, ref at);
            if (at >= s.Length) throw Fail(at, "a value is missing");
            char c = s[at];
            switch (c)
            {
                case '{': return ParseObject(s, ref at, depth);
                case '[': return ParseArray(s, ref at, depth);
                case '"': return ParseString(s, ref at);
                case 't': Expect(s, ref at, "true"); return true;
                case 'f': Expect(s, ref at, "false"); return false;
                case 'n': Expect(s, ref at, "null"); return null;
            }
            if (c == '-' || (c >= '0' && c <= '9')) return ParseNumber(s, ref at);
            throw Fail(at, "unexpected character");
        }

        private static void Expect(string s, ref int at, string word)
        {
            if (string.CompareOrdinal(s, at, word, 0, word.Length) != 0) throw Fail(at, "unexpected word");
            at += word.Length;
        }

        private static JsonObject ParseObject(string s, ref int at, int depth)
        {
            JsonObject o = new JsonObject();
            at++;
            SkipSpace(s, ref at);
            if (at < s.Length && s[at] == '}') { at++; return o; }
            while (true)
            {
                SkipSpace(s, ref at);
                if (at >= s.Length || s[at] != '"') throw Fail(at, "a member name is missing");
                string name = ParseString(s, ref at);
                SkipSpace(s, ref at);
                if (at >= s.Length || s[at] != ':') throw Fail(at, "':' is missing");
                at++;
                o.Set(name, ParseValue(s, ref at, depth + 1));
                SkipSpace(s, ref at);
                if (at >= s.Length) throw Fail(at, "'}' is missing");
                if (s[at] == ',') { at++; continue; }
                if (s[at] == '}') { at++; return o; }
                throw Fail(at, "',' or '}' is missing");
            }
        }

        private static List<object> ParseArray(string s, ref int at, int depth)
        {
            List<object> list = new List<object>();
            at++;
            SkipSpace(s, ref at);
            if (at < s.Length && s[at] == ']') { at++; return list; }
            while (true)
            {
                list.Add(ParseValue(s, ref at, depth + 1));
                SkipSpace(s, ref at);
                if (at >= s.Length) throw Fail(at, "']' is missing");
                if (s[at] == ',') { at++; continue; }
                if (s[at] == ']') { at++; return list; }
                throw Fail(at, "',' or ']' is missing");
            }
        }

        private static string ParseString(string s, ref int at)
        {
            StringBuilder sb = new StringBuilder();
            at++;
            while (true)
            {
                if (at >= s.Length) throw Fail(at, "a string is not closed");
                char c = s[at++];
                if (c == '"') return sb.ToString();
                if (c < 0x20) throw Fail(at - 1, "a control character in a string");
                if (c != '\\') { sb.Append(c); continue; }
                if (at >= s.Length) throw Fail(at, "a string is not closed");
                char e = s[at++];
                switch (e)
                {
                    case '"': sb.Append('"'); break;
                    case '\\': sb.Append('\\'); break;
                    case '/': sb.Append('/'); break;
                    case 'b': sb.Append('\b'); break;
                    case 'f': sb.Append('\f'); break;
                    case 'n': sb.Append('\n'); break;
                    case 'r': sb.Append('\r'); break;
                    case 't': sb.Append('\t'); break;
                    case 'u':
                        if (at + 4 > s.Length) throw Fail(at, "a \\u escape is cut short");
                        int code;
                        if (!int.TryParse(s.Substring(at, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out code))
                            throw Fail(at, "a \\u escape is not hexadecimal");
                        sb.Append((char)code);
                        at += 4;
                        break;
                    default: throw Fail(at - 1, "an unknown escape");
                }
            }
        }

        private static object ParseNumber(string s, ref int at)
        {
            int start = at;
            if (s[at] == '-') at++;
            bool integer = true;
            while (at < s.Length)
            {
                char c = s[at];
                if (c >= '0' && c <= '9') { at++; continue; }
                if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') { integer = false; at++; continue; }
                break;
            }
            string text = s.Substring(start, at - start);
            long l;
            if (integer && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out l)) return l;
            double d;
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out d)) return d;
            throw Fail(start, "a malformed number");
        }

        private static void WriteValue(StringBuilder sb, object value, int depth)
        {
            if (depth > MaxDepth) throw new InvalidOperationException("JSON: nesting too deep");
            if (value == null) { sb.Append("null"); return; }
            string str = value as string;
            if (str != null) { WriteString(sb, str); return; }
            if (value is bool) { sb.Append((bool)value ? "true" : "false"); return; }
            if (value is int || value is long || value is uint || value is short || value is ushort || value is byte || value is sbyte)
            {
                sb.Append(Convert.ToInt64(value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture));
                return;
            }
            if (value is ulong) { sb.Append(((ulong)value).ToString(CultureInfo.InvariantCulture)); return; }
            if (value is double || value is float || value is decimal)
            {
                sb.Append(Convert.ToDouble(value, CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture));
                return;
            }
            JsonObject obj = value as JsonObject;
            if (obj != null)
            {
                WriteMembers(sb, obj, depth);
                return;
            }
            IDictionary dict = value as IDictionary;
            if (dict != null)
            {
                List<KeyValuePair<string, object>> pairs = new List<KeyValuePair<string, object>>();
                foreach (DictionaryEntry e in dict) pairs.Add(new KeyValuePair<string, object>((string)e.Key, e.Value));
                WriteMembers(sb, pairs, depth);
                return;
            }
            IEnumerable list = value as IEnumerable;
            if (list != null)
            {
                sb.Append('[');
                bool first = true;
                foreach (object item in list)
                {
                    if (!first) sb.Append(',');
                    first = false;
                    WriteValue(sb, item, depth + 1);
                }
                sb.Append(']');
                return;
            }
            throw new InvalidOperationException("JSON: cannot write a " + value.GetType().FullName);
        }

        private static void WriteMembers(StringBuilder sb, IEnumerable<KeyValuePair<string, object>> members, int depth)
        {
            sb.Append('{');
            bool first = true;
            foreach (KeyValuePair<string, object> m in members)
            {
                if (!first) sb.Append(',');
                first = false;
                WriteString(sb, m.Key);
                sb.Append(':');
                WriteValue(sb, m.Value, depth + 1);
            }
            sb.Append('}');
        }

        private static void WriteString(StringBuilder sb, string s)
        {
            sb.Append('"');
            foreach (char c in s)
            {
                switch (c)
                {
                    case '"': sb.Append("\\\""); break;
                    case '\\': sb.Append("\\\\"); break;
                    case '\n': sb.Append("\\n"); break;
                    case '\r': sb.Append("\\r"); break;
                    case '\t': sb.Append("\\t"); break;
                    default:
                        if (c < 0x20 || c > 0x7E)
                            sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                        else
                            sb.Append(c);
                        break;
                }
            }
            sb.Append('"');
        }
    }
}
