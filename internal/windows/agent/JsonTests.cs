using System.Collections.Generic;
using TfWin.Testing;

namespace TfWin
{
    public class JsonTests
    {
        [Test]
        public void ParsesEveryKindOfValue()
        {
            JsonObject o = (JsonObject)Json.Parse(" {\"s\":\"a\\u00e9\\n\\\"\",\"n\":-12,\"d\":1.5,\"t\":true,\"f\":false,\"z\":null,\"l\":[1,{}]} ");
            Assert.Equal("a\u00e9\n\"", o.Get("s"), "string");
            Assert.Equal(-12L, o.Get("n"), "integer");
            Assert.Equal(1.5, o.Get("d"), "fraction");
            Assert.Equal(true, o.Get("t"), "true");
            Assert.Equal(false, o.Get("f"), "false");
            Assert.True(o.Has("z") && o.Get("z") == null, "null is present");
            Assert.Equal(2, ((List<object>)o.Get("l")).Count, "list length");
        }

        [Test]
        public void RefusesWhatIsNotJson()
        {
            foreach (string bad in new string[] { "", "{", "{\"a\"}", "[1,]", "{\"a\":1}x", "\"\u0001\"", "tru", "{\"a\":\"\\q\"}" })
            {
                bool threw = false;
                try { Json.Parse(bad); }
                catch (JsonException) { threw = true; }
                Assert.True(threw, "accepted " + Json.Write(bad));
            }
        }

        [Test]
        public void WritesPrintableASCIIOnly()
        {
            string text = Json.Write(new JsonObject().Set("v", "\u00e9\u2019\ud83d\ude00<&>\u007f\t").Set("n", 3).Set("b", false));
            Assert.Equal("{\"v\":\"\\u00e9\\u2019\\ud83d\\ude00<&>\\u007f\\t\",\"n\":3,\"b\":false}", text, "written");
            foreach (char c in text) Assert.True(c >= 0x20 && c < 0x7f, "non-ASCII character written");
        }

        [Test]
        public void RoundTripsAnyString()
        {
            string s = "##tfwin-envelope## \"quoted\" \\ \r\n \u0000 \ud800 \uffff";
            Assert.Equal(s, Json.Parse(Json.Write(s)), "round trip");
        }
    }
}
