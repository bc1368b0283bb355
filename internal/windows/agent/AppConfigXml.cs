// The text of a .config file and where its elements and attributes are in
// it. A change to the file is a splice into the original bytes at a position
// that a real XML parse (XmlTextReader, whose IXmlLineInfo gives each
// element's and attribute's line and column) found; nothing is ever
// re-serialised, because XmlDocument.WriteTo rewrites every line it writes
// (the XML declaration's "?>" spacing, single quotes, &apos; and character
// references, runs of spaces between attributes, "/>"): see PITFALLS.md.
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml;

namespace TfWin
{
    /// <summary>A configuration file's bytes decoded as XmlTextReader decodes
    /// them, with the encoding that writes changes back byte for byte.</summary>
    internal sealed class ConfigText
    {
        public const string Utf8 = "utf-8";
        public const string Utf8Bom = "utf-8-bom";
        public const string Utf16LE = "utf-16le";
        public const string Utf16BE = "utf-16be";

        // XML 1.0, 4.3.3: the declaration is ASCII in every encoding that is
        // detected from it.
        private static readonly Regex DeclaredEncoding = new Regex(
            "^<\\?xml[ \\t\\r\\n][^>]*?encoding[ \\t\\r\\n]*=[ \\t\\r\\n]*[\"']([A-Za-z][A-Za-z0-9._-]*)[\"']",
            RegexOptions.CultureInvariant);

        public byte[] Bytes { get; private set; }
        /// <summary>The bytes as read, before any splice.</summary>
        public byte[] Original { get; private set; }
        public string Text { get; private set; }
        /// <summary>The name appconfig.get reports: utf-8, utf-8-bom, utf-16le,
        /// utf-16be, or the declared encoding's .NET WebName.</summary>
        public string EncodingName { get; private set; }
        /// <summary>Writes without a BOM and fails (EncoderFallbackException) on a
        /// character the encoding cannot hold, instead of writing "?".</summary>
        public Encoding Encoding { get; private set; }
        public int BomLength { get; private set; }

        /// <summary>Decodes a file's bytes: the byte order mark's encoding (UTF-8,
        /// UTF-16 LE or BE), else the one the XML declaration names, else UTF-8
        /// ("XmlTextReader.Encoding": "If no encoding attribute exists, and
        /// there is no byte-order mark, this defaults to UTF-8"). Bytes the
        /// encoding does not define are not well-formed (13).</summary>
        public static ConfigText Decode(string path, byte[] bytes)
        {
            ConfigText t = new ConfigText();
            t.Bytes = bytes;
            t.Original = bytes;
            if (StartsWith(bytes, 0xEF, 0xBB, 0xBF)) t.Use(Utf8Bom, new UTF8Encoding(false, true), 3);
            else if (StartsWith(bytes, 0xFF, 0xFE)) t.Use(Utf16LE, new UnicodeEncoding(false, false, true), 2);
            else if (StartsWith(bytes, 0xFE, 0xFF)) t.Use(Utf16BE, new UnicodeEncoding(true, false, true), 2);
            else
            {
                string head = Encoding.ASCII.GetString(bytes, 0, Math.Min(bytes.Length, 512));
                Match m = DeclaredEncoding.Match(head);
                if (!m.Success) t.Use(Utf8, new UTF8Encoding(false, true), 0);
                else
                {
                    string declared = m.Groups[1].Value;
                    Encoding e;
                    try { e = Encoding.GetEncoding(declared, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback); }
                    catch (ArgumentException)
                    {
                        throw new OpException(Win32.InvalidData, path + " is not well-formed XML: it declares the encoding \"" + declared + "\", which .NET does not know");
                    }
                    catch (NotSupportedException)
                    {
                        throw new OpException(Win32.InvalidData, path + " is not well-formed XML: it declares the encoding \"" + declared + "\", which .NET does not know");
                    }
                    int cp = e.CodePage;
                    if (cp == 1200 || cp == 1201 || cp == 12000 || cp == 12001)
                        throw new OpException(Win32.InvalidData, path + " is not well-formed XML: it declares " + declared + " but has no Unicode byte order mark (XmlTextReader: \"There is no Unicode byte order mark. Cannot switch to Unicode.\")");
                    if (cp == 65001) t.Use(Utf8, new UTF8Encoding(false, true), 0);
                    else t.Use(e.WebName.ToLowerInvariant(), e, 0);
                }
            }
            try { t.Text = t.Encoding.GetString(bytes, t.BomLength, bytes.Length - t.BomLength); }
            catch (DecoderFallbackException)
            {
                throw new OpException(Win32.InvalidData, path + " is not well-formed XML: it holds bytes that are not " + t.EncodingName + " text");
            }
            return t;
        }

        private void Use(string name, Encoding encoding, int bom)
        {
            EncodingName = name;
            Encoding = encoding;
            BomLength = bom;
        }

        private static bool StartsWith(byte[] b, params byte[] prefix)
        {
            if (b.Length < prefix.Length) return false;
            for (int i = 0; i < prefix.Length; i++) if (b[i] != prefix[i]) return false;
            return true;
        }

        /// <summary>Throws 87 naming what when the encoding cannot hold text.</summary>
        public void CheckEncodable(string what, string text)
        {
            try { Encoding.GetByteCount(text); }
            catch (EncoderFallbackException e)
            {
                int cp = e.CharUnknown;
                if (e.IsUnknownSurrogate()) cp = char.ConvertToUtf32(e.CharUnknownHigh, e.CharUnknownLow);
                throw new OpException(Win32.InvalidParameter, what + ": the file is in " + EncodingName +
                    ", which cannot hold the character U+" + cp.ToString("X4") + "; use only characters of that encoding (or convert the file to UTF-8)");
            }
        }

        /// <summary>The text with [from, to) replaced by replacement, and the
        /// bytes with the same span replaced by replacement's bytes: every other
        /// byte of the file stays as it was.</summary>
        public void Splice(int from, int to, string replacement)
        {
            int byteFrom = BomLength + Encoding.GetByteCount(Text.Substring(0, from));
            int byteTo = byteFrom + Encoding.GetByteCount(Text.Substring(from, to - from));
            byte[] middle = Encoding.GetBytes(replacement);
            byte[] result = new byte[Bytes.Length - (byteTo - byteFrom) + middle.Length];
            Buffer.BlockCopy(Bytes, 0, result, 0, byteFrom);
            Buffer.BlockCopy(middle, 0, result, byteFrom, middle.Length);
            Buffer.BlockCopy(Bytes, byteTo, result, byteFrom + middle.Length, Bytes.Length - byteTo);
            Bytes = result;
            Text = Text.Substring(0, from) + replacement + Text.Substring(to);
        }

        /// <summary>Checks that the bytes decode to the text: the byte offsets
        /// of a stateful encoding might not follow from the characters.</summary>
        public void Verify(string path)
        {
            string decoded;
            try { decoded = Encoding.GetString(Bytes, BomLength, Bytes.Length - BomLength); }
            catch (DecoderFallbackException) { decoded = null; }
            if (decoded != Text)
                throw new OpException(Win32.NotSupported, path + " is in " + EncodingName + ", which cannot be changed in place byte for byte; convert the file to UTF-8; nothing was written");
        }

        /// <summary>The file's line break: CRLF if it has one, else LF.</summary>
        public string LineBreak { get { return Text.IndexOf("\r\n", StringComparison.Ordinal) >= 0 ? "\r\n" : "\n"; } }
    }

    /// <summary>An attribute and where its value is: [ValueStart, ValueEnd)
    /// between the quotes.</summary>
    internal sealed class SpanAttribute
    {
        public string Name;
        public string Value;
        public int NameStart, ValueStart, ValueEnd;
        public char Quote;
    }

    /// <summary>An element and where it is in the text: Start at '&lt;',
    /// StartTagEnd after the start tag's '&gt;', EndTagStart at "&lt;/" (-1
    /// for an empty-element tag), End after the element.</summary>
    internal sealed class SpanElement
    {
        public string Name;
        public int Start, StartTagEnd, EndTagStart = -1, End;
        public bool IsEmpty;
        public SpanElement Parent;
        public readonly List<SpanAttribute> Attributes = new List<SpanAttribute>();
        public readonly List<SpanElement> Children = new List<SpanElement>();

        public SpanAttribute Attribute(string name)
        {
            foreach (SpanAttribute a in Attributes) if (a.Name == name) return a;
            return null;
        }

        /// <summary>The attribute's value, or null when the element has none.</summary>
        public string Attr(string name)
        {
            SpanAttribute a = Attribute(name);
            return a == null ? null : a.Value;
        }
    }

    internal static class SpanXml
    {
        /// <summary>Parses text (well-formed XML 1.0, no DTD) and returns its root
        /// with every element's and attribute's position; 13 otherwise.</summary>
        public static SpanElement Parse(string path, string text)
        {
            List<int> lineStarts = LineStarts(text);
            XmlTextReader reader = new XmlTextReader(new StringReader(text));
            reader.WhitespaceHandling = WhitespaceHandling.All;
            // A DTD could declare entities and default attributes a splice
            // cannot see; .config files have none.
            reader.DtdProcessing = DtdProcessing.Prohibit;
            reader.XmlResolver = null;
            // As System.Configuration reads attribute values (its XmlTextReader
            // keeps the default: no normalisation).
            reader.Normalization = false;
            SpanElement root = null;
            Stack<SpanElement> open = new Stack<SpanElement>();
            try
            {
                while (reader.Read())
                {
                    if (reader.NodeType == XmlNodeType.Element)
                    {
                        SpanElement e = new SpanElement();
                        e.Name = reader.Name;
                        e.IsEmpty = reader.IsEmptyElement;
                        int nameAt = Offset(lineStarts, reader.LineNumber, reader.LinePosition);
                        Expect(text, nameAt - 1, "<" + e.Name);
                        e.Start = nameAt - 1;
                        int after = nameAt + e.Name.Length;
                        for (int i = 0; i < reader.AttributeCount; i++)
                        {
                            reader.MoveToAttribute(i);
                            SpanAttribute a = new SpanAttribute();
                            a.Name = reader.Name;
                            a.Value = reader.Value;
                            a.Quote = reader.QuoteChar;
                            a.NameStart = Offset(lineStarts, reader.LineNumber, reader.LinePosition);
                            Expect(text, a.NameStart, a.Name);
                            int j = SkipSpace(text, a.NameStart + a.Name.Length);
                            Expect(text, j, "=");
                            j = SkipSpace(text, j + 1);
                            Expect(text, j, a.Quote.ToString());
                            a.ValueStart = j + 1;
                            a.ValueEnd = text.IndexOf(a.Quote, a.ValueStart);
                            if (a.ValueEnd < 0) throw new XmlException("unterminated attribute value");
                            e.Attributes.Add(a);
                            after = Math.Max(after, a.ValueEnd + 1);
                        }
                        reader.MoveToElement();
                        int close = SkipSpace(text, after);
                        if (e.IsEmpty) { Expect(text, close, "/>"); e.StartTagEnd = e.End = close + 2; }
                        else { Expect(text, close, ">"); e.StartTagEnd = close + 1; }
                        if (open.Count > 0)
                        {
                            e.Parent = open.Peek();
                            e.Parent.Children.Add(e);
                        }
                        else root = e;
                        if (!e.IsEmpty) open.Push(e);
                    }
                    else if (reader.NodeType == XmlNodeType.EndElement)
                    {
                        SpanElement e = open.Pop();
                        int nameAt = Offset(lineStarts, reader.LineNumber, reader.LinePosition);
                        Expect(text, nameAt - 2, "</" + e.Name);
                        e.EndTagStart = nameAt - 2;
                        int close = SkipSpace(text, nameAt + e.Name.Length);
                        Expect(text, close, ">");
                        e.End = close + 1;
                    }
                }
            }
            catch (XmlException x)
            {
                throw new OpException(Win32.InvalidData, path + " is not well-formed XML: " + x.Message);
            }
            finally
            {
                reader.Close();
            }
            if (root == null) throw new OpException(Win32.InvalidData, path + " is not well-formed XML: it has no root element");
            return root;
        }

        // XmlTextReader counts CR LF, CR and LF each as one line break and
        // columns from 1 in UTF-16 code units.
        private static List<int> LineStarts(string text)
        {
            List<int> starts = new List<int>();
            starts.Add(0);
            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                if (c == '\r')
                {
                    if (i + 1 < text.Length && text[i + 1] == '\n') i++;
                    starts.Add(i + 1);
                }
                else if (c == '\n') starts.Add(i + 1);
            }
            return starts;
        }

        private static int Offset(List<int> lineStarts, int line, int column)
        {
            if (line < 1 || line > lineStarts.Count || column < 1) throw new XmlException("no position for a node (line " + line + ", column " + column + ")");
            return lineStarts[line - 1] + column - 1;
        }

        // Expect checks that the parser's position holds what it parsed: a
        // splice must never land anywhere else.
        private static void Expect(string text, int at, string what)
        {
            if (at < 0 || at + what.Length > text.Length || string.CompareOrdinal(text, at, what, 0, what.Length) != 0)
                throw new XmlException("the parser's position of \"" + what + "\" does not match the text at offset " + at);
        }

        public static bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

        public static int SkipSpace(string text, int i)
        {
            while (i < text.Length && IsSpace(text[i])) i++;
            return i;
        }

        /// <summary>The start of the whitespace right before at, when it follows
        /// markup ('&gt;'): the indentation that belongs to the element at at.
        /// Otherwise at (text before it is content of its own).</summary>
        public static int LeadingSpace(string text, int at)
        {
            int i = at;
            while (i > 0 && IsSpace(text[i - 1])) i--;
            if (i > 0 && text[i - 1] != '>') return at;
            return i;
        }

        /// <summary>An attribute value as XmlTextWriter escapes it between the
        /// given quotes; tab and line ends as character references, so that
        /// they survive attribute-value normalisation.</summary>
        public static string EscapeAttribute(string value, char quote)
        {
            StringBuilder b = new StringBuilder(value.Length + 8);
            foreach (char c in value)
            {
                switch (c)
                {
                    case '&': b.Append("&amp;"); break;
                    case '<': b.Append("&lt;"); break;
                    case '>': b.Append("&gt;"); break;
                    case '\t': b.Append("&#x9;"); break;
                    case '\n': b.Append("&#xA;"); break;
                    case '\r': b.Append("&#xD;"); break;
                    case '"': b.Append(quote == '"' ? "&quot;" : "\""); break;
                    case '\'': b.Append(quote == '\'' ? "&apos;" : "'"); break;
                    default: b.Append(c); break;
                }
            }
            return b.ToString();
        }
    }
}
