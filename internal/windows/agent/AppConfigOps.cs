// .NET application configuration files (*.exe.config), PROTOCOL.md "App
// config files": read, set and remove one appSettings entry
// (/configuration/appSettings/add[@key=KEY]/@value).
//
// appSettings are read as System.Configuration reads them: <add>, <remove>
// and <clear/> in document order ("<remove> element for <appSettings>",
// "<clear> element for <appSettings>"), so of several <add> for one key the
// last counts; keys compare case-insensitively (AppSettings is a
// NameValueCollection with a case-insensitive comparer). A section's
// configSource keeps its entries in another file and "may contain no other
// attributes or elements" (SectionInformation.ConfigSource): refused with 50,
// naming that file. A section's file attribute names a file whose entries
// are read after the section's, over them, when it exists
// (AppSettingsSection.DeserializeElement, .NET reference source; "<appSettings>
// element": "If the specified file cannot be found, the runtime ignores the
// attribute"): it is followed when reading, and a change that file would
// override is refused with 50, naming it.
//
// A change is a splice into the file's bytes (AppConfigXml.cs): every byte
// but the changed value, element or section stays. It is written to a new
// file beside the old one and swapped in with File.Replace (ReplaceFile),
// which keeps the original's ACL and attributes and leaves the previous
// content in "<file>.tfbak".
using System;
using System.Collections.Generic;
using System.Text;

namespace TfWin
{
    public static class AppConfigOps
    {
        public const string BackupSuffix = ".tfbak";

        /// <summary>How long a change waits for another change to the same file.</summary>
        public static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(60);

        public static void Register(OpTable ops, HostServices host)
        {
            ops.Add("appconfig.get", delegate(OpArgs a) { return Get(host.Files, a); });
            ops.Add("appconfig.set", delegate(OpArgs a) { return Set(host.Files, a); });
            ops.Add("appconfig.remove", delegate(OpArgs a) { return Remove(host.Files, a); });
        }

        public static JsonObject Get(IFileSystem files, OpArgs a)
        {
            string path = PathArg(a);
            string key = KeyArg(a);
            ConfigFile config = ConfigFile.Load(files, path);
            Setting s = config.Find(files, key);
            List<object> keys = new List<object>();
            foreach (string k in config.Keys(files)) keys.Add(k);
            return new JsonObject()
                .Set("path", path)
                .Set("key", key)
                .Set("value", s.Value)
                .Set("exists", s.Exists)
                .Set("keys", keys)
                .Set("encoding", config.Text.EncodingName)
                .Set("backup_path", BackupPath(files, path));
        }

        public static JsonObject Set(IFileSystem files, OpArgs a)
        {
            string path = PathArg(a);
            string key = KeyArg(a);
            if (a.IsNull("value")) throw new OpException(Win32.InvalidParameter, "value: a value is required (it may be empty)");
            string value = a.String("value");
            CheckXmlText("value", value);
            Expected expected = Expected.From(a);
            using (files.Lock(LockName(path), LockTimeout))
            {
                ConfigFile config = ConfigFile.Load(files, path);
                Setting s = config.Find(files, key);
                expected.Check(path, key, s);
                s.RefuseIfExternal(path, key);
                string backup = BackupPath(files, path);
                bool hasValue = s.Element != null && s.Element.Attribute("value") != null;
                if (!hasValue || s.Value != value)
                {
                    config.Text.CheckEncodable("value", value);
                    if (s.Element == null) config.Text.CheckEncodable("key", key);
                    config.SetValue(s.Element, key, value);
                    backup = config.Save(files);
                }
                return new JsonObject()
                    .Set("path", path)
                    .Set("key", key)
                    .Set("value", value)
                    .Set("exists", true)
                    .Set("encoding", config.Text.EncodingName)
                    .Set("backup_path", backup)
                    .Set("previous_value", s.Exists ? (s.Value ?? "") : null)
                    .Set("existed", s.Exists);
            }
        }

        public static JsonObject Remove(IFileSystem files, OpArgs a)
        {
            string path = PathArg(a);
            string key = KeyArg(a);
            Expected expected = Expected.From(a);
            using (files.Lock(LockName(path), LockTimeout))
            {
                ConfigFile config = ConfigFile.Load(files, path);
                Setting s = config.Find(files, key);
                expected.Check(path, key, s);
                if (!s.Exists) return new JsonObject();
                s.RefuseIfExternal(path, key);
                // Of several <add> for the key the last counts: removing it puts
                // an earlier one in force, so remove until none is.
                while (s.Element != null)
                {
                    config.RemoveElement(s.Element);
                    config.Reparse();
                    s = config.Find(files, key);
                    s.RefuseIfExternal(path, key);
                }
                config.Save(files);
                return new JsonObject();
            }
        }

        private static string PathArg(OpArgs a)
        {
            string path = a.String("path");
            if (!WindowsPath.IsAbsolute(path))
                throw new OpException(Win32.InvalidParameter, "path: an absolute path to the .config file is required, such as C:\\Program Files\\App\\App.exe.config");
            return path;
        }

        private static string KeyArg(OpArgs a)
        {
            string key = a.String("key");
            if (string.IsNullOrEmpty(key)) throw new OpException(Win32.InvalidParameter, "key: an appSettings key is required");
            CheckXmlText("key", key);
            return key;
        }

        /// <summary>Refuses text an XML 1.0 attribute cannot hold: NUL and the C0
        /// controls but TAB, CR and LF, and U+FFFE/U+FFFF (XML 1.0, 2.2
        /// Characters, production [2] Char); and U+007F, a legal but
        /// discouraged control character (the note in 2.2) that nothing in a
        /// .config needs and editors hide. The position is reported, never the
        /// text (a value may be a secret).</summary>
        public static void CheckXmlText(string name, string text)
        {
            int position = 0;
            for (int i = 0; i < text.Length; i++)
            {
                position++;
                char c = text[i];
                if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F || c == 0xFFFE || c == 0xFFFF)
                    throw new OpException(Win32.InvalidParameter, name + ": character U+" + ((int)c).ToString("X4") + " at position " + position +
                        " cannot be stored in an XML configuration file (XML 1.0 cannot hold it); remove it");
                if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) i++;
            }
        }

        private static string BackupPath(IFileSystem files, string path)
        {
            string backup = path + BackupSuffix;
            return files.FileExists(backup) ? backup : null;
        }

        /// <summary>The machine-wide lock of one file: Terraform applies
        /// resources in parallel and two settings of one .exe.config are
        /// common; they must change the file one after the other.</summary>
        internal static string LockName(string path)
        {
            return "tfwin-appconfig-" + HostOps.Sha256Hex(Encoding.UTF8.GetBytes(WindowsPath.Normalize(path).ToUpperInvariant()));
        }
    }

    /// <summary>The entry a change expects (PROTOCOL.md "expected"): absent is
    /// no check, null is "no entry", a string is that value.</summary>
    internal sealed class Expected
    {
        private bool present;
        private string value;

        public static Expected From(OpArgs a)
        {
            Expected e = new Expected();
            e.present = a.Has("expected");
            if (e.present && !a.IsNull("expected") && !(a.Raw("expected") is string))
                throw new OpException(Win32.InvalidParameter, "expected: a string or null is required");
            e.value = a.String("expected");
            return e;
        }

        /// <summary>1306 when the file holds something else: another resource or a
        /// person changed the entry since the caller read it, and writing now
        /// would silently overwrite that. Values are not named (secrets).</summary>
        public void Check(string path, string key, Setting s)
        {
            if (!present) return;
            if (value == null && !s.Exists) return;
            if (value != null && s.Exists && string.Equals(s.Value ?? "", value, StringComparison.Ordinal)) return;
            string want = value == null ? "no entry" : "the value recorded";
            string have = !s.Exists ? "no entry" : (value == null ? "an entry" : "another value");
            throw new OpException(Win32.RevisionMismatch, key + " in " + path + " has " + have + ", not " + want +
                ": something else changed it (another resource on the same key, or a person); nothing was written");
        }
    }

    /// <summary>The entry that gives a key its value, as System.Configuration
    /// reads the file.</summary>
    internal sealed class Setting
    {
        /// <summary>The &lt;add&gt; element in force in the file itself, or null.</summary>
        public SpanElement Element;
        public bool Exists;
        /// <summary>The value attribute of the entry in force (null without one).</summary>
        public string Value;
        /// <summary>The file (a section's file attribute) whose entries decide the
        /// key, when it mentions the key; null when the file itself decides.</summary>
        public string DecidedBy;
        public string DecidedByAttribute;

        public void RefuseIfExternal(string path, string key)
        {
            if (DecidedBy == null) return;
            throw new OpException(Win32.NotSupported, key + " in " + path + " is decided by " + DecidedBy + " (<appSettings file=\"" + DecidedByAttribute +
                "\">), whose entries override the section's: set config_path to " + DecidedBy + " to change it there; nothing was written");
        }
    }

    internal sealed class ConfigFile
    {
        public string Path;
        public ConfigText Text;
        public SpanElement Root;
        public List<SpanElement> Sections;

        /// <summary>Reads and parses the file: 2 missing, 5 access denied, 13
        /// not well-formed or not a configuration file, 50 appSettings kept in a
        /// configSource file.</summary>
        public static ConfigFile Load(IFileSystem files, string path)
        {
            ConfigFile c = new ConfigFile();
            c.Path = path;
            c.Text = ConfigText.Decode(path, ReadFile(files, path, "read"));
            c.Reparse();
            return c;
        }

        internal static byte[] ReadFile(IFileSystem files, string path, string what)
        {
            try { return files.ReadAllBytes(path); }
            catch (Exception e)
            {
                long code = ErrorCodes.Of(e);
                // ERROR_PATH_NOT_FOUND (3): a missing folder is a missing file here.
                if (code == Win32.FileNotFound || code == 3) throw new OpException(Win32.FileNotFound, path + " does not exist", e);
                if (code == Win32.AccessDenied) throw new OpException(Win32.AccessDenied, "cannot " + what + " " + path + ": access denied", e);
                throw new OpException((int)code, "cannot " + what + " " + path + ": " + e.Message, e);
            }
        }

        public void Reparse()
        {
            Root = SpanXml.Parse(Path, Text.Text);
            if (Root.Name != "configuration" && Root.Name != "appSettings")
                throw new OpException(Win32.InvalidData, Path + " is not a .NET configuration file: its root element is not <configuration> (or <appSettings>, for a configSource file)");
            Sections = new List<SpanElement>();
            if (Root.Name == "appSettings")
            {
                Sections.Add(Root);
                return;
            }
            foreach (SpanElement e in Root.Children)
            {
                if (e.Name != "appSettings") continue;
                string source = e.Attr("configSource");
                if (source != null)
                {
                    string full = WindowsPath.Combine(Path, source);
                    throw new OpException(Win32.NotSupported, Path + " keeps its appSettings in " + full + " (<appSettings configSource=\"" + source +
                        "\"/>), and .NET refuses to start an application whose configSource section has entries of its own: set config_path to " + full);
                }
                Sections.Add(e);
            }
        }

        private static bool KeyIs(SpanElement e, string key)
        {
            return string.Equals(e.Attr("key"), key, StringComparison.OrdinalIgnoreCase);
        }

        /// <summary>The entry in force for key: the section's &lt;add&gt;,
        /// &lt;remove&gt; and &lt;clear/&gt; in document order, then those of the
        /// file the section's file attribute names, if it exists.</summary>
        public Setting Find(IFileSystem files, string key)
        {
            Setting s = new Setting();
            foreach (SpanElement section in Sections)
            {
                Apply(s, section, key, true);
                string file = section == Root ? null : section.Attr("file");
                if (string.IsNullOrEmpty(file)) continue;
                string full = WindowsPath.Combine(Path, file);
                if (!files.FileExists(full)) continue;
                ConfigText text = ConfigText.Decode(full, ReadFile(files, full, "read"));
                SpanElement root = SpanXml.Parse(full, text.Text);
                if (root.Name != "appSettings")
                    throw new OpException(Win32.InvalidData, full + " (named by <appSettings file=\"" + file + "\"> in " + Path +
                        ") is not an appSettings file: its root element must be <appSettings>, or .NET refuses to start the application");
                Setting external = new Setting();
                if (Apply(external, root, key, false))
                {
                    s.Element = null;
                    s.Exists = external.Exists;
                    s.Value = external.Value;
                    s.DecidedBy = full;
                    s.DecidedByAttribute = file;
                }
            }
            return s;
        }

        /// <summary>The keys in force, as .NET reads them (the same rules as
        /// Find: &lt;add&gt;, &lt;remove&gt; and &lt;clear/&gt; in document order,
        /// then the section's file), in the order they were first added and
        /// spelt as the entry in force spells them. Keys only: a value may be
        /// a secret.</summary>
        public List<string> Keys(IFileSystem files)
        {
            List<string> keys = new List<string>();
            foreach (SpanElement section in Sections)
            {
                ApplyKeys(keys, section);
                string file = section == Root ? null : section.Attr("file");
                if (string.IsNullOrEmpty(file)) continue;
                string full = WindowsPath.Combine(Path, file);
                if (!files.FileExists(full)) continue;
                ConfigText text = ConfigText.Decode(full, ReadFile(files, full, "read"));
                SpanElement root = SpanXml.Parse(full, text.Text);
                if (root.Name == "appSettings") ApplyKeys(keys, root);
            }
            return keys;
        }

        private static void ApplyKeys(List<string> keys, SpanElement section)
        {
            foreach (SpanElement e in section.Children)
            {
                string key = e.Attr("key");
                if (e.Name == "clear") keys.Clear();
                else if (key == null) continue;
                else if (e.Name == "add")
                {
                    int i = keys.FindIndex(delegate(string k) { return string.Equals(k, key, StringComparison.OrdinalIgnoreCase); });
                    if (i < 0) keys.Add(key);
                    else keys[i] = key;
                }
                else if (e.Name == "remove")
                    keys.RemoveAll(delegate(string k) { return string.Equals(k, key, StringComparison.OrdinalIgnoreCase); });
            }
        }

        // Apply reads one section's entries for key over s; true when one of
        // them concerns the key.
        private static bool Apply(Setting s, SpanElement section, string key, bool local)
        {
            bool touched = false;
            foreach (SpanElement e in section.Children)
            {
                if (e.Name == "add" && KeyIs(e, key))
                {
                    s.Element = local ? e : null;
                    s.Exists = true;
                    s.Value = e.Attr("value");
                    s.DecidedBy = null;
                    touched = true;
                }
                else if ((e.Name == "remove" && KeyIs(e, key)) || e.Name == "clear")
                {
                    s.Element = null;
                    s.Exists = false;
                    s.Value = null;
                    s.DecidedBy = null;
                    touched = true;
                }
            }
            return touched;
        }

        /// <summary>Sets the value of element e, or adds &lt;add key value/&gt; at
        /// the end of the last section (after any &lt;remove&gt; or &lt;clear/&gt;,
        /// so that it counts), or a new section at the end of
        /// &lt;configuration&gt; (&lt;configSections&gt; must stay first).</summary>
        public void SetValue(SpanElement e, string key, string value)
        {
            if (e != null)
            {
                SpanAttribute attr = e.Attribute("value");
                if (attr != null)
                {
                    Text.Splice(attr.ValueStart, attr.ValueEnd, SpanXml.EscapeAttribute(value, attr.Quote));
                    return;
                }
                // After the last attribute, quoted as that attribute is.
                char quote = e.Attributes.Count > 0 ? e.Attributes[e.Attributes.Count - 1].Quote : '"';
                int at = e.Attributes.Count > 0 ? e.Attributes[e.Attributes.Count - 1].ValueEnd + 1 : e.Start + 1 + e.Name.Length;
                Text.Splice(at, at, " value=" + quote + SpanXml.EscapeAttribute(value, quote) + quote);
                return;
            }
            string add = NewAdd(key, value);
            if (Sections.Count > 0)
            {
                AppendChild(Sections[Sections.Count - 1], add);
                return;
            }
            // A new section holds its one entry on the same line: that shape
            // is how remove recognises a section set created (and removes it
            // with its entry, giving back the original file).
            AppendChild(Root, "<appSettings>" + add + "</appSettings>");
        }

        private string NewAdd(string key, string value)
        {
            char quote = QuoteStyle();
            return "<add key=" + quote + SpanXml.EscapeAttribute(key, quote) + quote + " value=" + quote + SpanXml.EscapeAttribute(value, quote) + quote + " />";
        }

        // QuoteStyle is the quote of the file's first entry, so a new one
        // looks like its neighbours.
        private char QuoteStyle()
        {
            foreach (SpanElement section in Sections)
                foreach (SpanElement e in section.Children)
                    if (e.Attributes.Count > 0) return e.Attributes[0].Quote;
            return '"';
        }

        /// <summary>Adds markup as parent's last child element: after its last
        /// child element, with the whitespace that one has before it; in a
        /// parent without child elements, right after its start tag on a line
        /// of its own; an empty-element tag &lt;x/&gt; becomes &lt;x&gt;markup
        /// LINE&lt;/x&gt;.</summary>
        private void AppendChild(SpanElement parent, string markup)
        {
            string text = Text.Text;
            if (parent.Children.Count > 0)
            {
                SpanElement last = parent.Children[parent.Children.Count - 1];
                string space = text.Substring(SpanXml.LeadingSpace(text, last.Start), last.Start - SpanXml.LeadingSpace(text, last.Start));
                Text.Splice(last.End, last.End, space + markup);
                return;
            }
            string indent = Indent(parent);
            if (parent.IsEmpty)
            {
                // <x A/> becomes <x A>markup LINE</x>: the markup directly
                // after the start tag (no whitespace) is how remove knows to
                // give back <x A/>.
                int slash = parent.StartTagEnd - 2;
                Text.Splice(slash, parent.StartTagEnd, ">" + markup + Text.LineBreak + indent + "</" + parent.Name + ">");
                return;
            }
            Text.Splice(parent.StartTagEnd, parent.StartTagEnd, Text.LineBreak + indent + IndentUnit(parent, indent) + markup);
        }

        // Indent is the whitespace before e on its line ("" when e does not
        // start its line).
        private string Indent(SpanElement e)
        {
            string text = Text.Text;
            int i = e.Start;
            while (i > 0 && (text[i - 1] == ' ' || text[i - 1] == '\t')) i--;
            if (i > 0 && text[i - 1] != '\n' && text[i - 1] != '\r') return "";
            return text.Substring(i, e.Start - i);
        }

        // IndentUnit is one level of the file's indentation: what e adds to
        // its parent's, else a tab in a file indented with tabs, else two spaces.
        private string IndentUnit(SpanElement e, string indent)
        {
            if (e.Parent != null)
            {
                string outer = Indent(e.Parent);
                if (indent.Length > outer.Length && indent.StartsWith(outer, StringComparison.Ordinal)) return indent.Substring(outer.Length);
            }
            foreach (SpanElement child in e.Children)
            {
                string inner = Indent(child);
                if (inner.Length > indent.Length && inner.StartsWith(indent, StringComparison.Ordinal)) return inner.Substring(indent.Length);
            }
            return indent.IndexOf('\t') >= 0 ? "\t" : "  ";
        }

        /// <summary>Removes element e with the whitespace before it; a section
        /// that set created around it (and an empty-element tag set opened) goes
        /// back to what it was.</summary>
        public void RemoveElement(SpanElement e)
        {
            string text = Text.Text;
            SpanElement section = e.Parent;
            bool only = section != null && section.Children.Count == 1 && !section.IsEmpty;
            if (only && section != Root && section.Name == "appSettings" && section.Attributes.Count == 0 &&
                e.Start == section.StartTagEnd && e.End == section.EndTagStart &&
                section.StartTagEnd - section.Start == "<appSettings>".Length)
            {
                // <appSettings><add .../></appSettings>: the section set created.
                int from = SpanXml.LeadingSpace(text, section.Start);
                Text.Splice(from, section.End, "");
                return;
            }
            if (only && e.Start == section.StartTagEnd && IsSpaceOnly(text, e.End, section.EndTagStart) && e.End < section.EndTagStart)
            {
                // <x A><add .../>LINE</x>: the empty-element tag <x A/> set opened.
                Text.Splice(section.StartTagEnd - 1, section.End, "/>");
                return;
            }
            Text.Splice(SpanXml.LeadingSpace(text, e.Start), e.End, "");
        }

        private static bool IsSpaceOnly(string text, int from, int to)
        {
            for (int i = from; i < to; i++) if (!SpanXml.IsSpace(text[i])) return false;
            return true;
        }

        /// <summary>Writes the changed bytes to a new file beside the old one and
        /// swaps it in with File.Replace, keeping the previous content as
        /// &lt;file&gt;.tfbak; returns the backup's path.</summary>
        public string Save(IFileSystem files)
        {
            Text.Verify(Path);
            return SafeFile.Replace(files, Path, Text.Original, Text.Bytes, Path + AppConfigOps.BackupSuffix);
        }
    }

    /// <summary>A file's content replaced without a moment where the file is
    /// missing or partly written, and without losing any content when
    /// ReplaceFile fails half-way.</summary>
    internal static class SafeFile
    {
        public static string Replace(IFileSystem files, string path, byte[] previous, byte[] content, string backup)
        {
            string temp = WindowsPath.Folder(path) + WindowsPath.FileName(path) + "." + Guid.NewGuid().ToString("N") + ".tmp";
            try { files.WriteNewFile(temp, content); }
            catch (Exception e)
            {
                long code = ErrorCodes.Of(e);
                TryDelete(files, temp);
                throw Failure(code, "cannot write " + temp + " (the new content of " + path + ")", e, path + " is unchanged");
            }
            try
            {
                files.Replace(temp, path, backup);
                return backup;
            }
            catch (Exception e)
            {
                long code = ErrorCodes.Of(e);
                if (code != Win32.UnableToMoveReplacement2)
                {
                    // 1175 (ERROR_UNABLE_TO_REMOVE_REPLACED) and 1176
                    // (ERROR_UNABLE_TO_MOVE_REPLACEMENT, with a backup name
                    // given): "the replaced and replacement files retain their
                    // original file names" ("ReplaceFileW function"); any other
                    // failure changed nothing either. The temporary file is ours.
                    TryDelete(files, temp);
                    throw Failure(code, "cannot replace " + path, e, path + " is unchanged");
                }
                // 1177 (ERROR_UNABLE_TO_MOVE_REPLACEMENT_2): "The replacement
                // file still exists under its original name ... The file to be
                // replaced still exists with a different name. If
                // lpBackupFileName is specified, it will be the name of the
                // replaced file." The path is empty then: put the previous
                // content back (a copy, so the backup stays as promised). The
                // temporary file, the only copy of the new content, goes only
                // once the path holds the previous content again.
                string restoreFailure = null;
                bool copied = false;
                if (!files.FileExists(path))
                {
                    try { files.Copy(backup, path, false); copied = true; }
                    catch (Exception restore) { restoreFailure = restore.Message; }
                }
                if (restoreFailure == null && HoldsBytes(files, path, previous))
                {
                    TryDelete(files, temp);
                    throw new OpException(Win32.UnableToMoveReplacement2, "cannot replace " + path + ": " + e.Message +
                        "; the new content was not moved in" + (copied ? " and Windows had moved the file to " + backup + ", from which it was copied back" : "") +
                        ": " + path + " is unchanged", e);
                }
                throw new OpException(Win32.UnableToMoveReplacement2, "cannot replace " + path + ": " + e.Message +
                    "; Windows moved the file to " + backup + " and could not move its new content in" +
                    (restoreFailure == null ? "" : ", nor could the previous content be copied back (" + restoreFailure + ")") +
                    ": " + path + " is missing or not what it was; its previous content is in " + backup + " and its new content in " + temp +
                    "; rename one of them to " + path, e);
            }
        }

        private static bool HoldsBytes(IFileSystem files, string path, byte[] expected)
        {
            byte[] now;
            try { now = files.ReadAllBytes(path); }
            catch (Exception) { return false; }
            if (now.Length != expected.Length) return false;
            for (int i = 0; i < now.Length; i++) if (now[i] != expected[i]) return false;
            return true;
        }

        private static OpException Failure(long code, string what, Exception e, string outcome)
        {
            if (code == Win32.AccessDenied) return new OpException(Win32.AccessDenied, what + ": access denied; " + outcome, e);
            return new OpException((int)code, what + ": " + e.Message + "; " + outcome, e);
        }

        private static void TryDelete(IFileSystem files, string path)
        {
            try { files.Delete(path); }
            catch (Exception) { /* best effort: the failure being reported matters more */ }
        }
    }

    /// <summary>Windows paths, handled as Windows handles them whatever the
    /// runtime (Mono's System.IO.Path knows only "/").</summary>
    internal static class WindowsPath
    {
        /// <summary>Drive-absolute ("C:\...") or UNC ("\\server\share\...").</summary>
        public static bool IsAbsolute(string path)
        {
            if (string.IsNullOrEmpty(path) || path.Trim().Length == 0) return false;
            if (path.Length >= 3 && char.IsLetter(path[0]) && path[0] < 128 && path[1] == ':' && IsSeparator(path[2])) return true;
            if (path.Length >= 5 && IsSeparator(path[0]) && IsSeparator(path[1]))
            {
                string[] parts = path.Substring(2).Split('\\', '/');
                return parts.Length >= 3 && parts[0].Length > 0 && parts[1].Length > 0;
            }
            return false;
        }

        private static bool IsSeparator(char c) { return c == '\\' || c == '/'; }

        /// <summary>The folder of path with its trailing separator.</summary>
        public static string Folder(string path)
        {
            int i = Math.Max(path.LastIndexOf('\\'), path.LastIndexOf('/'));
            return path.Substring(0, i + 1);
        }

        public static string FileName(string path) { return path.Substring(Folder(path).Length); }

        /// <summary>"." and ".." resolved, "/" as "\", runs of separators as one
        /// (Path.GetFullPath's normalisation, "File path formats on Windows
        /// systems").</summary>
        public static string Normalize(string path)
        {
            string s = path.Replace('/', '\\');
            string root;
            string rest;
            if (s.StartsWith("\\\\", StringComparison.Ordinal))
            {
                string[] p = s.Substring(2).Split(new char[] { '\\' }, 3);
                root = "\\\\" + p[0] + "\\" + (p.Length > 1 ? p[1] : "") + "\\";
                rest = p.Length > 2 ? p[2] : "";
            }
            else
            {
                root = s.Substring(0, Math.Min(3, s.Length));
                rest = s.Length > 3 ? s.Substring(3) : "";
            }
            List<string> parts = new List<string>();
            foreach (string seg in rest.Split('\\'))
            {
                if (seg.Length == 0 || seg == ".") continue;
                if (seg == "..") { if (parts.Count > 0) parts.RemoveAt(parts.Count - 1); continue; }
                parts.Add(seg);
            }
            return root + string.Join("\\", parts.ToArray());
        }

        /// <summary>rel resolved against the folder of file (Path.Combine, then
        /// Path.GetFullPath), as .NET resolves configSource and file.</summary>
        public static string Combine(string file, string rel)
        {
            if (IsAbsolute(rel)) return Normalize(rel);
            string r = rel.Replace('/', '\\');
            if (r.StartsWith("\\", StringComparison.Ordinal))
            {
                // Rooted without a drive: on the drive (or share) of file.
                string full = Normalize(file);
                if (!full.StartsWith("\\\\", StringComparison.Ordinal)) return Normalize(full.Substring(0, 2) + r);
                string[] p = full.Substring(2).Split('\\');
                return Normalize("\\\\" + p[0] + "\\" + p[1] + r);
            }
            return Normalize(Folder(file) + r);
        }
    }
}
