using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using TfWin.Testing;

namespace TfWin
{
    public class AppConfigTests
    {
        private const string Dir = "C:\\Program Files\\App\\";
        private const string ConfigPath = Dir + "App.exe.config";

        private readonly InMemoryFileSystem files = new InMemoryFileSystem();
        private Agent agent;

        private Agent TheAgent
        {
            get
            {
                if (agent == null) agent = new Agent(InMemoryHost.Create(files));
                return agent;
            }
        }

        // The corpus: real-world shapes of .config files, byte for byte.
        internal static string CorpusDir()
        {
            string dir = AppDomain.CurrentDomain.BaseDirectory;
            for (int i = 0; i < 6 && dir != null; i++)
            {
                string candidate = Path.Combine(dir, Path.Combine("internal", Path.Combine("windows", Path.Combine("agent", Path.Combine("testdata", "appconfig")))));
                if (Directory.Exists(candidate)) return candidate;
                dir = Path.GetDirectoryName(dir.TrimEnd(Path.DirectorySeparatorChar));
            }
            throw new AssertionException("testdata/appconfig not found above " + AppDomain.CurrentDomain.BaseDirectory);
        }

        internal static SortedDictionary<string, byte[]> Corpus()
        {
            SortedDictionary<string, byte[]> corpus = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
            foreach (string f in Directory.GetFiles(CorpusDir(), "*.config")) corpus[Path.GetFileName(f)] = File.ReadAllBytes(f);
            Assert.True(corpus.Count >= 15, "the corpus has its files");
            return corpus;
        }

        private static string Q(string s) { return Json.Write(s); }

        private AgentReply Run(string op, string json)
        {
            return TheAgent.Run(op, HostOpsTests.B64(json), "");
        }

        private string Ok(string op, string json)
        {
            AgentReply r = Run(op, json);
            Assert.True(r != null && r.Ok, op + " " + json + ": " + (r == null ? "unknown op" : r.Line));
            const string prefix = "##tfwin-envelope## {\"ok\":true,\"result\":";
            Assert.True(r.Line.StartsWith(prefix, StringComparison.Ordinal), r.Line);
            return r.Line.Substring(prefix.Length, r.Line.Length - prefix.Length - 1);
        }

        private JsonObject OkObject(string op, string json) { return (JsonObject)Json.Parse(Ok(op, json)); }

        private string Fails(long code, string op, string json)
        {
            AgentReply r = Run(op, json);
            Assert.True(r != null && !r.Ok, op + " " + json + " must fail: " + (r == null ? "unknown op" : r.Line));
            JsonObject envelope = (JsonObject)Json.Parse(r.Line.Substring(Agent.EnvelopeMarker.Length));
            JsonObject error = (JsonObject)envelope.Get("error");
            Assert.Equal(code, (long)error.Get("code"), op + " " + json + " code (" + error.Get("message") + ")");
            return (string)error.Get("message");
        }

        private static string Args(string path, string key) { return "{\"path\":" + Q(path) + ",\"key\":" + Q(key) + "}"; }

        private static string SetArgs(string path, string key, string value)
        {
            return "{\"path\":" + Q(path) + ",\"key\":" + Q(key) + ",\"value\":" + Q(value) + "}";
        }

        private void Put(string text) { files.Put(ConfigPath, Encoding.UTF8.GetBytes(text)); }

        private string Text() { return Encoding.UTF8.GetString(files.Get(ConfigPath)); }

        // ---- the corpus: set and remove/restore give back the original bytes

        [Test]
        public void CorpusNewKeySetThenRemoveGivesTheOriginalBytes()
        {
            foreach (KeyValuePair<string, byte[]> f in Corpus())
            {
                string path = Dir + f.Key;
                files.Put(path, f.Value);
                JsonObject set = OkObject("appconfig.set", SetArgs(path, "TfNewKey", "n\u00e9w & <v>"));
                Assert.Equal(false, set.Get("existed"), f.Key + ": existed");
                JsonObject got = OkObject("appconfig.get", Args(path, "TfNewKey"));
                Assert.Equal("n\u00e9w & <v>", got.Get("value"), f.Key + ": value read back");
                Assert.Bytes(f.Value, files.Get(path + ".tfbak"), f.Key + ": the backup is the original");
                OnlyInserted(f.Key, files.Get(path), f.Value, path);
                Ok("appconfig.remove", Args(path, "TfNewKey"));
                Assert.Bytes(f.Value, files.Get(path), f.Key + ": set then remove gives the original bytes");
            }
        }

        // OnlyInserted checks that the file after set is the original with
        // one run of text inserted, holding the new entry.
        private void OnlyInserted(string name, byte[] now, byte[] original, string path)
        {
            ConfigText before = ConfigText.Decode(path, original);
            ConfigText after = ConfigText.Decode(path, now);
            string a = before.Text, b = after.Text;
            int p = 0;
            while (p < a.Length && a[p] == b[p]) p++;
            int s = 0;
            while (s < a.Length - p && a[a.Length - 1 - s] == b[b.Length - 1 - s]) s++;
            string removed = a.Substring(p, a.Length - p - s);
            string inserted = b.Substring(p, b.Length - p - s);
            // Only an empty-element tag may lose its "/>" (it gets content).
            Assert.True(removed.Length == 0 || removed == "/>" || removed == "/", name + ": nothing but the insertion changes, removed " + Json.Write(removed));
            Assert.True(inserted.Contains("key=") && inserted.Contains("TfNewKey") && inserted.Contains("n\u00e9w &amp; &lt;v&gt;"), name + ": inserted " + Json.Write(inserted));
        }

        [Test]
        public void CorpusExistingKeySetChangesOnlyTheValueAndRestoreGivesTheOriginalBytes()
        {
            int tested = 0;
            foreach (KeyValuePair<string, byte[]> f in Corpus())
            {
                string path = Dir + f.Key;
                files.Put(path, f.Value);
                JsonObject got = OkObject("appconfig.get", Args(path, "Existing"));
                if (!(bool)got.Get("exists")) continue;
                tested++;
                string old = (string)got.Get("value");
                JsonObject set = OkObject("appconfig.set", SetArgs(path, "Existing", "changed"));
                Assert.Equal(old, set.Get("previous_value"), f.Key + ": previous_value");
                Assert.Equal(true, set.Get("existed"), f.Key + ": existed");
                ConfigText before = ConfigText.Decode(path, f.Value);
                ConfigText after = ConfigText.Decode(path, files.Get(path));
                string a = before.Text, b = after.Text;
                int p = 0;
                while (p < a.Length && p < b.Length && a[p] == b[p]) p++;
                int s = 0;
                while (s < a.Length - p && s < b.Length - p && a[a.Length - 1 - s] == b[b.Length - 1 - s]) s++;
                Assert.True(SpanXml.EscapeAttribute(old, '"').Contains(a.Substring(p, a.Length - p - s)) ||
                    SpanXml.EscapeAttribute(old, '\'').Contains(a.Substring(p, a.Length - p - s)), f.Key + ": only the old value's text goes");
                Assert.True("changed".Contains(b.Substring(p, b.Length - p - s)), f.Key + ": only the new value comes");
                Ok("appconfig.set", SetArgs(path, "Existing", old));
                Assert.Bytes(f.Value, files.Get(path), f.Key + ": set and restore give the original bytes");
            }
            Assert.True(tested >= 10, "most corpus files have Existing");
        }

        [Test]
        public void CorpusEncodingsAreReported()
        {
            string[,] want = {
                { "vs-default-crlf-bom.exe.config", "utf-8-bom" },
                { "quotes-entities-lf.exe.config", "utf-8" },
                { "utf16le.exe.config", "utf-16le" },
                { "utf16be.exe.config", "utf-16be" },
                { "windows1252.exe.config", "windows-1252" },
                { "iso-8859-1.exe.config", "iso-8859-1" },
                { "no-appsettings-bare.exe.config", "utf-8" },
            };
            SortedDictionary<string, byte[]> corpus = Corpus();
            for (int i = 0; i < want.GetLength(0); i++)
            {
                string path = Dir + want[i, 0];
                files.Put(path, corpus[want[i, 0]]);
                Assert.Equal(want[i, 1], OkObject("appconfig.get", Args(path, "Existing")).Get("encoding"), want[i, 0]);
            }
        }

        [Test]
        public void CorpusValuesAreReadAsDotNetReadsThem()
        {
            SortedDictionary<string, byte[]> corpus = Corpus();
            string path = Dir + "quotes-entities-lf.exe.config";
            files.Put(path, corpus["quotes-entities-lf.exe.config"]);
            Assert.Equal("it's A \"test\" & more", OkObject("appconfig.get", Args(path, "greeting")).Get("value"), "entities and a character reference");
            Assert.Equal("a > b A", OkObject("appconfig.get", Args(path, "Mixed")).Get("value"), "&gt; and &#65;");
            path = Dir + "windows1252.exe.config";
            files.Put(path, corpus["windows1252.exe.config"]);
            Assert.Equal("\u20ac 5", OkObject("appconfig.get", Args(path, "W\u00e4hrung")).Get("value"), "windows-1252 key and value");
            path = Dir + "multiline-attributes.exe.config";
            files.Put(path, corpus["multiline-attributes.exe.config"]);
            Assert.Equal("multi\nline", OkObject("appconfig.get", Args(path, "Multi")).Get("value"), "a line break in a value");
        }

        // ---- exact bytes of a change

        [Test]
        public void SetKeepsQuotesEntitiesAndSpacingOfEveryOtherByte()
        {
            string original = "<?xml version='1.0' encoding='utf-8' ?>\n<configuration>\n\t<appSettings>\n\t\t<add   key='A'    value='x &#x41; &apos;'/>\n\t\t<add key='B' value='b' />\n\t</appSettings>\n</configuration>";
            Put(original);
            Ok("appconfig.set", SetArgs(ConfigPath, "B", "it's \"new\"\t<>&"));
            Assert.Equal(original.Replace("value='b'", "value='it&apos;s \"new\"&#x9;&lt;&gt;&amp;'"), Text(), "only the value's text changes");
        }

        [Test]
        public void NewEntryGoesAfterTheLastEntryIndentedAsItIs()
        {
            string original = "<?xml version=\"1.0\" encoding=\"utf-8\" ?>\r\n<configuration>\r\n  <appSettings>\r\n    <add key=\"A\" value=\"a\"/>\r\n    <clear/>\r\n  </appSettings>\r\n</configuration>\r\n";
            Put(original);
            Ok("appconfig.set", SetArgs(ConfigPath, "A", "new"));
            Assert.Equal(original.Replace("<clear/>", "<clear/>\r\n    <add key=\"A\" value=\"new\" />"), Text(), "after <clear/>, so that it counts");
        }

        [Test]
        public void NewSectionGoesAtTheEndOfConfigurationAndRemoveTakesItAway()
        {
            string original = "<?xml version=\"1.0\" encoding=\"utf-8\" ?>\r\n<configuration>\r\n  <configSections>\r\n  </configSections>\r\n  <startup />\r\n</configuration>\r\n";
            Put(original);
            JsonObject set = OkObject("appconfig.set", SetArgs(ConfigPath, "K", "v"));
            Assert.Equal(original.Replace("<startup />", "<startup />\r\n  <appSettings><add key=\"K\" value=\"v\" /></appSettings>"), Text(), "a new section");
            Assert.Equal(null, set.Get("previous_value"), "previous_value");
            Ok("appconfig.set", SetArgs(ConfigPath, "K2", "v2"));
            Ok("appconfig.remove", Args(ConfigPath, "K"));
            Ok("appconfig.remove", Args(ConfigPath, "K2"));
            Assert.Equal(original, Text(), "set, set, remove, remove gives the original");
        }

        [Test]
        public void EmptyElementSectionOpensAndClosesAgain()
        {
            string original = "<configuration>\n  <appSettings />\n</configuration>";
            Put(original);
            Ok("appconfig.set", SetArgs(ConfigPath, "K", "v"));
            Assert.Equal("<configuration>\n  <appSettings ><add key=\"K\" value=\"v\" />\n  </appSettings>\n</configuration>", Text(), "the empty-element tag gets content");
            Ok("appconfig.remove", Args(ConfigPath, "K"));
            Assert.Equal(original, Text(), "and is given back");
        }

        [Test]
        public void PositionsHoldAfterSurrogatePairsAndAnyLineEnd()
        {
            foreach (string nl in new string[] { "\n", "\r\n", "\r" })
            {
                string original = "<configuration>" + nl + "<appSettings>" + nl + "<add key=\"\U0001F600\U0001F600\" value=\"a" + nl + "b\" x=\"\u00e9\"/><add" + nl + " key='K'" + nl + "  value='v'/>" + nl + "</appSettings></configuration>";
                Put(original);
                Ok("appconfig.set", SetArgs(ConfigPath, "K", "w"));
                Ok("appconfig.set", SetArgs(ConfigPath, "\U0001F600\U0001F600", "c"));
                Assert.Equal(original.Replace("value='v'", "value='w'").Replace("value=\"a" + nl + "b\"", "value=\"c\""), Text(), "line end " + Json.Write(nl));
            }
        }

        [Test]
        public void SetWithoutValueAttributeAddsOne()
        {
            Put("<configuration><appSettings><add key='K'/></appSettings></configuration>");
            JsonObject set = OkObject("appconfig.set", SetArgs(ConfigPath, "K", "v"));
            Assert.Equal("", set.Get("previous_value"), "an entry without value has the value \"\"");
            Assert.Equal("<configuration><appSettings><add key='K' value='v'/></appSettings></configuration>", Text(), "value added after the key");
        }

        [Test]
        public void SetSameValueWritesNothing()
        {
            Put("<configuration><appSettings><add key=\"K\" value=\"v\"/></appSettings></configuration>");
            JsonObject set = OkObject("appconfig.set", SetArgs(ConfigPath, "k", "v"));
            Assert.Equal(null, set.Get("backup_path"), "no backup: nothing written");
            foreach (string call in files.Calls) Assert.True(!call.StartsWith("WriteNewFile") && !call.StartsWith("Replace"), "no write: " + call);
        }

        [Test]
        public void ResultsAreAsProtocolSays()
        {
            Put("<configuration><appSettings><add key=\"K\" value=\"v\"/></appSettings></configuration>");
            string p = Q(ConfigPath);
            Assert.Equal("{\"path\":" + p + ",\"key\":\"k\",\"value\":\"v\",\"exists\":true,\"keys\":[\"K\"],\"encoding\":\"utf-8\",\"backup_path\":null}",
                Ok("appconfig.get", Args(ConfigPath, "k")), "get");
            Assert.Equal("{\"path\":" + p + ",\"key\":\"N\",\"value\":null,\"exists\":false,\"keys\":[\"K\"],\"encoding\":\"utf-8\",\"backup_path\":null}",
                Ok("appconfig.get", Args(ConfigPath, "N")), "get of no entry");
            Assert.Equal("{\"path\":" + p + ",\"key\":\"K\",\"value\":\"w\",\"exists\":true,\"encoding\":\"utf-8\",\"backup_path\":" + Q(ConfigPath + ".tfbak") + ",\"previous_value\":\"v\",\"existed\":true}",
                Ok("appconfig.set", SetArgs(ConfigPath, "K", "w")), "set");
            Assert.Equal("{\"path\":" + p + ",\"key\":\"N\",\"value\":\"n\",\"exists\":true,\"encoding\":\"utf-8\",\"backup_path\":" + Q(ConfigPath + ".tfbak") + ",\"previous_value\":null,\"existed\":false}",
                Ok("appconfig.set", SetArgs(ConfigPath, "N", "n")), "set of a new entry");
            Assert.Equal("{}", Ok("appconfig.remove", Args(ConfigPath, "N")), "remove");
            Assert.Equal("{}", Ok("appconfig.remove", Args(ConfigPath, "N")), "remove of no entry");
        }

        [Test]
        public void TheNewContentIsWrittenBesideTheFileAndSwappedIn()
        {
            Put("<configuration/>");
            Ok("appconfig.set", SetArgs(ConfigPath, "K", "v"));
            string temp = null;
            foreach (string call in files.Calls) if (call.StartsWith("WriteNewFile ")) temp = call.Substring("WriteNewFile ".Length);
            Assert.True(temp != null && temp.StartsWith(ConfigPath + ".") && temp.EndsWith(".tmp"), "a temporary file beside it: " + temp);
            Assert.True(files.Calls.Contains("Replace " + temp + " " + ConfigPath + " " + ConfigPath + ".tfbak"), "File.Replace with the backup");
            Assert.True(files.Get(temp) == null, "the temporary file is gone");
            Assert.True(files.Calls.Contains("Lock " + AppConfigOps.LockName(ConfigPath)), "the change holds the file's lock");
        }

        // ---- encodings

        [Test]
        public void ACharacterTheEncodingCannotHoldIs87()
        {
            byte[] original = Corpus()["windows1252.exe.config"];
            files.Put(ConfigPath, original);
            string m = Fails(87, "appconfig.set", SetArgs(ConfigPath, "Existing", "\U0001F600"));
            Assert.True(m.Contains("windows-1252") && m.Contains("U+1F600"), m);
            Fails(87, "appconfig.set", SetArgs(ConfigPath, "\u0100key", "v"));
            Assert.Bytes(original, files.Get(ConfigPath), "nothing written");
            Ok("appconfig.set", SetArgs(ConfigPath, "Existing", "\u20ac\u00fc"));
            ConfigText t = ConfigText.Decode(ConfigPath, files.Get(ConfigPath));
            Assert.True(t.Text.Contains("value=\"\u20ac\u00fc\""), "written in windows-1252");
            Assert.True(Array.IndexOf(files.Get(ConfigPath), (byte)0x80) > 0, "the euro sign is byte 0x80");
        }

        [Test]
        public void UndeclaredUtf16WithoutBomAndBadBytesAre13()
        {
            files.Put(ConfigPath, Encoding.ASCII.GetBytes("<?xml version=\"1.0\" encoding=\"utf-16\"?><configuration/>"));
            Fails(13, "appconfig.get", Args(ConfigPath, "K"));
            files.Put(ConfigPath, new byte[] { 0x3C, 0x63, 0xFF, 0x3E });
            Fails(13, "appconfig.get", Args(ConfigPath, "K"));
        }

        // ---- defects fixed

        [Test]
        public void Replace1177KeepsEveryContentAndRestoresTheFile()
        {
            // The old finally-block deleted the temporary file, then the only
            // copy of the new content, and left the path empty.
            string original = "<configuration><appSettings><add key=\"K\" value=\"v\"/></appSettings></configuration>";
            Put(original);
            files.FailNext("Replace", 1177);
            string m = Fails(1177, "appconfig.set", SetArgs(ConfigPath, "K", "w"));
            Assert.Equal(original, Text(), "the previous content is back at the path");
            Assert.Equal(original, Encoding.UTF8.GetString(files.Get(ConfigPath + ".tfbak")), "and in the backup");
            Assert.True(m.Contains(ConfigPath + ".tfbak") && m.Contains("unchanged"), m);
            Assert.True(!m.Contains("\"w\""), "no value in the message");
        }

        [Test]
        public void Replace1177WhoseRestoreFailsNamesWhereTheContentIs()
        {
            string original = "<configuration><appSettings><add key=\"K\" value=\"v\"/></appSettings></configuration>";
            Put(original);
            files.FailNext("Replace", 1177);
            files.FailNext("Copy", 5);
            string m = Fails(1177, "appconfig.set", SetArgs(ConfigPath, "K", "w"));
            Assert.True(files.Get(ConfigPath) == null, "Windows left the path empty");
            Assert.Equal(original, Encoding.UTF8.GetString(files.Get(ConfigPath + ".tfbak")), "the previous content is in the backup");
            string temp = null;
            foreach (string p in files.Paths) if (p.EndsWith(".tmp")) temp = p;
            Assert.True(temp != null, "the new content is kept");
            Assert.Equal(original.Replace("\"v\"", "\"w\""), Encoding.UTF8.GetString(files.Get(temp)), "the temporary file holds the new content");
            Assert.True(m.Contains(temp) && m.Contains(ConfigPath + ".tfbak") && m.Contains("missing"), m);
        }

        [Test]
        public void Replace1177ThatLeftThePathInPlaceDeletesOnlyTheTemporaryFile()
        {
            // A ReplaceFile that reports 1177 with the files still under their
            // names (as the simulator's injected failure does).
            string original = "<configuration><appSettings><add key=\"K\" value=\"v\"/></appSettings></configuration>";
            Put(original);
            files.ReplaceFailuresMoveFiles = false;
            files.FailNext("Replace", 1177);
            string m = Fails(1177, "appconfig.set", SetArgs(ConfigPath, "K", "w"));
            Assert.Equal(original, Text(), "unchanged");
            foreach (string p in files.Paths) Assert.True(!p.EndsWith(".tmp"), "the temporary file is removed: " + p);
            Assert.True(m.Contains("unchanged"), m);
        }

        [Test]
        public void Replace1175And1176LeaveTheFileAndNoTemporaryFile()
        {
            foreach (int code in new int[] { 1175, 1176, 5, 32 })
            {
                string original = "<configuration><appSettings><add key=\"K\" value=\"v\"/></appSettings></configuration>";
                Put(original);
                files.FailNext("Replace", code);
                string m = Fails(code, "appconfig.set", SetArgs(ConfigPath, "K", "w"));
                Assert.Equal(original, Text(), code + ": unchanged");
                foreach (string p in files.Paths) Assert.True(!p.EndsWith(".tmp"), code + ": the temporary file is removed: " + p);
                Assert.True(m.Contains("unchanged"), m);
            }
        }

        [Test]
        public void WriteFailuresLeaveTheFile()
        {
            string original = "<configuration/>";
            Put(original);
            files.FailNext("WriteNewFile", 5);
            Fails(5, "appconfig.set", SetArgs(ConfigPath, "K", "w"));
            files.FailNext("WriteNewFile", 112);
            Fails(112, "appconfig.set", SetArgs(ConfigPath, "K", "w"));
            Assert.Equal(original, Text(), "unchanged");
            files.FailNext("Lock", 1460);
            Fails(1460, "appconfig.set", SetArgs(ConfigPath, "K", "w"));
            files.FailNext("Lock", 1460);
            Fails(1460, "appconfig.remove", Args(ConfigPath, "K"));
        }

        [Test]
        public void RemoveLeavesNoEarlierDuplicateInForce()
        {
            // The old remove took the last <add> away and so put the earlier
            // one in force.
            files.Put(ConfigPath, Corpus()["duplicates.exe.config"]);
            Assert.Equal("second", OkObject("appconfig.get", Args(ConfigPath, "EXISTING")).Get("value"), "the last counts");
            Ok("appconfig.remove", Args(ConfigPath, "Existing"));
            Assert.Equal(false, OkObject("appconfig.get", Args(ConfigPath, "Existing")).Get("exists"), "no entry in force");
            Assert.Equal("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<configuration>\n  <appSettings>\n    <add key=\"Other\" value=\"o\" />\n  </appSettings>\n</configuration>\n", Text(), "both entries go, nothing else");
        }

        [Test]
        public void RemoveStopsAtAClearThatAlreadyHidesEarlierEntries()
        {
            string original = "<configuration><appSettings><add key=\"K\" value=\"a\"/><clear/><add key=\"K\" value=\"b\"/></appSettings></configuration>";
            Put(original);
            Ok("appconfig.remove", Args(ConfigPath, "K"));
            Assert.Equal("<configuration><appSettings><add key=\"K\" value=\"a\"/><clear/></appSettings></configuration>", Text(), "the entry before <clear/> is not in force: it stays");
        }

        // Keys lists the keys of the entries in force, as Find decides them,
        // and never a value (a value may be a secret).
        private string Keys(string path)
        {
            JsonObject got = OkObject("appconfig.get", Args(path, "Anything"));
            List<string> keys = new List<string>();
            foreach (object k in (List<object>)got.Get("keys")) keys.Add((string)k);
            return string.Join(",", keys.ToArray());
        }

        [Test]
        public void GetListsTheKeysInForceWithoutTheirValues()
        {
            Put("<configuration>\n  <appSettings>\n    <add key=\"Old\" value=\"s3cret-old\"/>\n    <clear/>\n" +
                "    <add key=\"ServiceUri\" value=\"http://sage300:4207\"/>\n    <add key=\"Password\" value=\"s3cret\"/>\n" +
                "    <add key=\"CompanyDatabase\" value=\"SAMINC\"/>\n    <remove key=\"password\"/>\n" +
                "    <add key=\"serviceuri\" value=\"http://sage300:4208\"/>\n  </appSettings>\n</configuration>");
            Assert.Equal("serviceuri,CompanyDatabase", Keys(ConfigPath), "<clear/> drops Old, <remove> drops Password (case-insensitively), a later <add> of a key keeps its place");
            Assert.True(!Ok("appconfig.get", Args(ConfigPath, "Anything")).Contains("s3cret"), "no value of another key in the answer");
            Put("<configuration/>");
            Assert.Equal("", Keys(ConfigPath), "no appSettings: no keys");
            files.Put(ConfigPath, Corpus()["file-attribute.exe.config"]);
            string main = Keys(ConfigPath);
            files.Put(Dir + "user.config", Encoding.UTF8.GetBytes("<appSettings>\n  <add key=\"FromUser\" value=\"u\"/>\n  <remove key=\"Existing\"/>\n</appSettings>"));
            Assert.True(main.Contains("Existing") && !main.Contains("FromUser"), "without user.config: " + main);
            string merged = Keys(ConfigPath);
            Assert.True(!merged.Contains("Existing") && merged.EndsWith("FromUser", StringComparison.Ordinal), "user.config's entries are read over the section's: " + merged);
        }

        [Test]
        public void FileAttributeIsFollowed()
        {
            // The old code ignored <appSettings file="…">, whose entries .NET
            // reads over the section's.
            files.Put(ConfigPath, Corpus()["file-attribute.exe.config"]);
            string user = Dir + "user.config";
            Assert.Equal("from-main", OkObject("appconfig.get", Args(ConfigPath, "Existing")).Get("value"), "no user.config: ignored, as .NET ignores it");
            files.Put(user, Encoding.UTF8.GetBytes("<appSettings>\n  <add key=\"existing\" value=\"from-user\"/>\n  <remove key=\"Gone\"/>\n</appSettings>"));
            Assert.Equal("from-user", OkObject("appconfig.get", Args(ConfigPath, "Existing")).Get("value"), "user.config overrides");
            byte[] before = files.Get(ConfigPath);
            string m = Fails(50, "appconfig.set", SetArgs(ConfigPath, "Existing", "x"));
            Assert.True(m.Contains(user) && m.Contains("file=\"user.config\""), m);
            Fails(50, "appconfig.remove", Args(ConfigPath, "Existing"));
            Fails(50, "appconfig.set", SetArgs(ConfigPath, "Gone", "x"));
            Assert.Bytes(before, files.Get(ConfigPath), "nothing written");
            Ok("appconfig.set", SetArgs(ConfigPath, "Other", "o"));
            Assert.Equal("o", OkObject("appconfig.get", Args(ConfigPath, "Other")).Get("value"), "a key user.config does not name is the section's");
            Ok("appconfig.set", SetArgs(user, "Existing", "changed there"));
            Assert.Equal("changed there", OkObject("appconfig.get", Args(ConfigPath, "Existing")).Get("value"), "managed in user.config itself");
            files.Put(user, Encoding.UTF8.GetBytes("<configuration/>"));
            Fails(13, "appconfig.get", Args(ConfigPath, "Existing"));
        }

        // ---- existing semantics kept

        [Test]
        public void RemoveAndClearCountInDocumentOrder()
        {
            files.Put(ConfigPath, Corpus()["remove-clear-comments.exe.config"]);
            Assert.Equal(false, OkObject("appconfig.get", Args(ConfigPath, "Old")).Get("exists"), "removed");
            JsonObject set = OkObject("appconfig.set", SetArgs(ConfigPath, "Old", "again"));
            Assert.Equal(false, set.Get("existed"), "not in force before");
            Assert.Equal("again", OkObject("appconfig.get", Args(ConfigPath, "Old")).Get("value"), "the new entry counts: it is after the <remove>");
        }

        [Test]
        public void ConfigSourceIsRefusedNamingTheFile()
        {
            Put("<configuration>\n  <appSettings configSource=\"config\\app.config\" />\n</configuration>");
            string m = Fails(50, "appconfig.get", Args(ConfigPath, "K"));
            Assert.True(m.Contains(Dir + "config\\app.config"), m);
            Fails(50, "appconfig.set", SetArgs(ConfigPath, "K", "v"));
            Put("<configuration>\n  <appSettings configSource=\"..\\shared\\app.config\" />\n</configuration>");
            m = Fails(50, "appconfig.get", Args(ConfigPath, "K"));
            Assert.True(m.Contains("C:\\Program Files\\shared\\app.config"), m);
        }

        [Test]
        public void ExpectedIsChecked()
        {
            Put("<configuration><appSettings><add key=\"K\" value=\"secret\"/></appSettings></configuration>");
            string m = Fails(1306, "appconfig.set", "{\"path\":" + Q(ConfigPath) + ",\"key\":\"K\",\"value\":\"w\",\"expected\":\"xyzzy\"}");
            Assert.True(!m.Contains("secret") && !m.Contains("xyzzy"), "values are not in messages: " + m);
            Fails(1306, "appconfig.set", "{\"path\":" + Q(ConfigPath) + ",\"key\":\"K\",\"value\":\"w\",\"expected\":null}");
            Fails(1306, "appconfig.remove", "{\"path\":" + Q(ConfigPath) + ",\"key\":\"K\",\"expected\":\"Secret\"}");
            Fails(1306, "appconfig.set", "{\"path\":" + Q(ConfigPath) + ",\"key\":\"N\",\"value\":\"w\",\"expected\":\"x\"}");
            Fails(87, "appconfig.set", "{\"path\":" + Q(ConfigPath) + ",\"key\":\"N\",\"value\":\"w\",\"expected\":1}");
            Assert.True(files.Get(ConfigPath + ".tfbak") == null, "nothing written");
            Ok("appconfig.set", "{\"path\":" + Q(ConfigPath) + ",\"key\":\"K\",\"value\":\"w\",\"expected\":\"secret\"}");
            Ok("appconfig.set", "{\"path\":" + Q(ConfigPath) + ",\"key\":\"N\",\"value\":\"n\",\"expected\":null}");
            Ok("appconfig.remove", "{\"path\":" + Q(ConfigPath) + ",\"key\":\"N\",\"expected\":\"n\"}");
            Ok("appconfig.remove", "{\"path\":" + Q(ConfigPath) + ",\"key\":\"N\",\"expected\":null}");
        }

        [Test]
        public void BadArgumentsAre87()
        {
            Put("<configuration/>");
            Fails(87, "appconfig.get", Args("App.exe.config", "K"));
            Fails(87, "appconfig.get", Args("\\App.exe.config", "K"));
            Fails(87, "appconfig.get", "{\"key\":\"K\"}");
            Fails(87, "appconfig.get", Args(ConfigPath, ""));
            Fails(87, "appconfig.set", "{\"path\":" + Q(ConfigPath) + ",\"key\":\"K\"}");
            Fails(87, "appconfig.set", "{\"path\":" + Q(ConfigPath) + ",\"key\":\"K\",\"value\":null}");
            foreach (string bad in new string[] { "\u0000", "\u0001", "\u001F", "\u007F", "\uFFFE", "\uFFFF" })
            {
                string m = Fails(87, "appconfig.set", SetArgs(ConfigPath, "K", "ok" + bad));
                Assert.True(m.StartsWith("value: character U+") && m.Contains("position 3"), m);
                m = Fails(87, "appconfig.get", Args(ConfigPath, "k" + bad));
                Assert.True(m.StartsWith("key: "), m);
            }
            Ok("appconfig.set", SetArgs(ConfigPath, "K", "tab\tcr\rlf\n\U0001F600"));
            Assert.Equal("tab\tcr\rlf\n\U0001F600", OkObject("appconfig.get", Args(ConfigPath, "K")).Get("value"), "tab, CR, LF and a surrogate pair survive");
            Assert.True(files.Get(ConfigPath + ".tfbak") != null, "written");
        }

        [Test]
        public void FileFailuresHaveTheirCodes()
        {
            Fails(2, "appconfig.get", Args(ConfigPath, "K"));
            Fails(2, "appconfig.set", SetArgs(ConfigPath, "K", "v"));
            Fails(2, "appconfig.remove", Args(ConfigPath, "K"));
            Put("<configuration><appSettings></configuration>");
            Fails(13, "appconfig.get", Args(ConfigPath, "K"));
            Put("<settings/>");
            Fails(13, "appconfig.get", Args(ConfigPath, "K"));
            Put("");
            Fails(13, "appconfig.get", Args(ConfigPath, "K"));
            Put("<!DOCTYPE configuration [<!ENTITY e \"x\">]><configuration/>");
            Fails(13, "appconfig.get", Args(ConfigPath, "K"));
            Put("<configuration/>");
            files.Deny(ConfigPath);
            string m = Fails(5, "appconfig.get", Args(ConfigPath, "K"));
            Assert.True(m.Contains("access denied"), m);
        }

        [Test]
        public void ConfigSourceTargetIsItsOwnSection()
        {
            string path = Dir + "configsource-target.config";
            byte[] original = Corpus()["configsource-target.config"];
            files.Put(path, original);
            Ok("appconfig.remove", Args(path, "Existing"));
            Assert.Equal("<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<appSettings>\r\n</appSettings>\r\n", Encoding.UTF8.GetString(files.Get(path)), "the root stays");
            Ok("appconfig.set", SetArgs(path, "Existing", "external"));
            Assert.Equal("<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<appSettings>\r\n  <add key=\"Existing\" value=\"external\" />\r\n</appSettings>\r\n", Encoding.UTF8.GetString(files.Get(path)), "into the root, on a line of its own");
        }

        [Test]
        public void RootedFileSystemMapsWindowsPathsUnderItsRoot()
        {
            string root = Path.Combine(Path.GetTempPath(), "tfwin-appconfig-" + Guid.NewGuid().ToString("N"));
            try
            {
                RootedFileSystem rooted = new RootedFileSystem(root);
                string real = Path.Combine(root, Path.Combine("C", Path.Combine("app", "a.config")));
                Assert.Equal(real, rooted.Map("C:\\app\\a.config"), "C:\\app\\a.config");
                Directory.CreateDirectory(Path.GetDirectoryName(real));
                byte[] original = Corpus()["vs-default-crlf-bom.exe.config"];
                File.WriteAllBytes(real, original);
                Agent a = new Agent(InMemoryHost.Create(rooted));
                Assert.True(a.Run("appconfig.set", HostOpsTests.B64(SetArgs("C:\\app\\a.config", "K", "v")), "").Ok, "set");
                Assert.Bytes(original, File.ReadAllBytes(real + ".tfbak"), "the backup");
                Assert.True(a.Run("appconfig.remove", HostOpsTests.B64(Args("C:\\app\\a.config", "K")), "").Ok, "remove");
                Assert.Bytes(original, File.ReadAllBytes(real), "round trip on disk");
                Assert.Equal(2, Directory.GetFiles(Path.GetDirectoryName(real)).Length, "no temporary file left");
                AgentReply r = a.Run("appconfig.get", HostOpsTests.B64(Args("C:\\app\\missing.config", "K")), "");
                Assert.True(!r.Ok && r.Line.Contains("\"code\":2"), r.Line);
                Assert.Equal(Path.Combine(root, Path.Combine("C", "x.config")), rooted.Map("C:\\app\\..\\..\\x.config"), ".. stops at the drive, as on Windows");
            }
            finally
            {
                if (Directory.Exists(root)) Directory.Delete(root, true);
            }
        }

        [Test]
        public void CorpusRoundTripsOnDisk()
        {
            // What bin/agent.exe does: the real file system under a root.
            string root = Path.Combine(Path.GetTempPath(), "tfwin-appconfig-" + Guid.NewGuid().ToString("N"));
            try
            {
                RootedFileSystem rooted = new RootedFileSystem(root);
                Directory.CreateDirectory(Path.GetDirectoryName(rooted.Map(Dir + "x")));
                Agent a = new Agent(InMemoryHost.Create(rooted));
                foreach (KeyValuePair<string, byte[]> f in Corpus())
                {
                    string path = Dir + f.Key;
                    File.WriteAllBytes(rooted.Map(path), f.Value);
                    AgentReply r = a.Run("appconfig.set", HostOpsTests.B64(SetArgs(path, "TfNewKey", "v\u00e9")), "");
                    Assert.True(r.Ok, f.Key + ": " + r.Line);
                    r = a.Run("appconfig.remove", HostOpsTests.B64(Args(path, "TfNewKey")), "");
                    Assert.True(r.Ok, f.Key + ": " + r.Line);
                    Assert.Bytes(f.Value, File.ReadAllBytes(rooted.Map(path)), f.Key + ": set then remove on disk");
                }
                Assert.Equal(Corpus().Count * 2, Directory.GetFiles(Path.GetDirectoryName(rooted.Map(Dir + "x"))).Length, "each file and its backup, no temporary file");
            }
            finally
            {
                if (Directory.Exists(root)) Directory.Delete(root, true);
            }
        }

        [Test]
        public void WindowsPathsResolveAsWindowsResolvesThem()
        {
            Assert.Equal("C:\\a\\c\\x.config", WindowsPath.Combine("C:\\a\\b\\app.config", "..\\c\\.\\x.config"), "..");
            Assert.Equal("C:\\x.config", WindowsPath.Combine("C:\\a\\b\\app.config", "\\x.config"), "rooted");
            Assert.Equal("D:\\x.config", WindowsPath.Combine("C:\\a\\b\\app.config", "D:/x.config"), "absolute");
            Assert.Equal("\\\\srv\\share\\x.config", WindowsPath.Combine("\\\\srv\\share\\a\\app.config", "\\x.config"), "UNC rooted");
            Assert.True(WindowsPath.IsAbsolute("\\\\srv\\share\\a.config") && !WindowsPath.IsAbsolute("\\\\srv") && !WindowsPath.IsAbsolute("C:a.config"), "absolute paths");
        }
    }
}
