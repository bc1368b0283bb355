using System;
using System.Text;
using TfWin.Testing;

namespace TfWin
{
    public class HostOpsTests
    {
        private static Agent NewAgent()
        {
            HostServices host = new HostServices();
            host.System = new InMemorySystemInfo();
            return new Agent(host);
        }

        internal static string B64(string json) { return Convert.ToBase64String(Encoding.UTF8.GetBytes(json)); }

        [Test]
        public void HostInfoReportsTheSystem()
        {
            AgentReply r = NewAgent().Run("host.info", B64("{}"), "00112233aabbccdd");
            Assert.True(r.Ok, r.Line);
            Assert.Equal("##tfwin-envelope## {\"id\":\"00112233aabbccdd\",\"ok\":true,\"result\":{\"hostname\":\"AGENT-TEST\",\"os_caption\":\"Microsoft Windows Server 2022 Standard\",\"os_version\":\"10.0.20348\",\"powershell_version\":\"5.1.20348.2849\"}}", r.Line, "envelope");
        }

        [Test]
        public void UnknownOpIsNull()
        {
            Assert.True(NewAgent().Run("nope.get", B64("{}"), "") == null, "an unknown op must be null");
        }

        [Test]
        public void EchoHashesTheDecodedBytes()
        {
            AgentReply r = NewAgent().Run("debug.echo", B64("{\"data\":\"AAEC\",\"text\":\"\u00e9\"}"), "");
            Assert.Equal("##tfwin-envelope## {\"ok\":true,\"result\":{\"data\":\"AAEC\",\"sha256\":\"ae4b3280e56e2faf83f414a6e3dabe9d5fbe18976544c05fed121accb85b53fc\",\"text\":\"\\u00e9\"}}", r.Line, "envelope");
        }

        [Test]
        public void BadArgumentsAre87()
        {
            AgentReply r = NewAgent().Run("debug.emit", B64("{\"bytes\":-1}"), "");
            Assert.True(!r.Ok && r.Line.Contains("\"code\":87"), r.Line);
            r = NewAgent().Run("debug.emit", "***", "");
            Assert.True(!r.Ok && r.Line.Contains("\"code\":87"), r.Line);
            r = NewAgent().Run("debug.emit", B64("[1]"), "");
            Assert.True(!r.Ok && r.Line.Contains("\"code\":87"), r.Line);
        }

        [Test]
        public void EmitIsDeterministic()
        {
            AgentReply r = NewAgent().Run("debug.emit", B64("{\"bytes\":300}"), "");
            Assert.True(r.Ok, r.Line);
            byte[] expected = new byte[300];
            for (int i = 0; i < 300; i++) expected[i] = (byte)((i * 7 + i / 251) % 256);
            Assert.True(r.Line.Contains(Convert.ToBase64String(expected)), "data");
            Assert.True(r.Line.Contains(HostOps.Sha256Hex(expected)), "sha256");
        }
    }
}
