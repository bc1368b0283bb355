// Ops of the host itself: host.info (PROTOCOL.md "host.info") and the
// transport checks debug.echo and debug.emit, which let tests prove that
// large payloads and any text cross the wire intact, against the simulator
// and a real host alike.
using System;
using System.Security.Cryptography;

namespace TfWin
{
    public static class HostOps
    {
        /// <summary>debug.emit's bound, so a test cannot exhaust memory by mistake.</summary>
        public const int MaxEmitBytes = 64 << 20;

        public static void Register(OpTable ops, HostServices host)
        {
            ops.Add("host.info", delegate(OpArgs a) { return Info(host.System); });
            ops.Add("debug.echo", Echo);
            ops.Add("debug.emit", Emit);
        }

        public static JsonObject Info(ISystemInfo system)
        {
            return new JsonObject()
                .Set("hostname", system.MachineName)
                .Set("os_caption", system.OSCaption)
                .Set("os_version", system.OSVersion)
                .Set("powershell_version", system.PowerShellVersion);
        }

        /// <summary>{"data":B,"text":T} -> {"data":B,"sha256":hex of B's bytes,"text":T}.</summary>
        public static object Echo(OpArgs a)
        {
            string data = a.String("data") ?? "";
            byte[] bytes = a.Base64("data") ?? new byte[0];
            JsonObject result = new JsonObject().Set("data", data).Set("sha256", Sha256Hex(bytes));
            if (a.Has("text")) result.Set("text", a.String("text"));
            return result;
        }

        /// <summary>{"bytes":N} -> N deterministic bytes: byte i is (i*7 + i/251) mod 256.</summary>
        public static object Emit(OpArgs a)
        {
            int n = a.Int("bytes", 0);
            if (n < 0 || n > MaxEmitBytes) throw new OpException(Win32.InvalidParameter, "debug.emit: bytes must be 0.." + MaxEmitBytes);
            byte[] bytes = new byte[n];
            for (int i = 0; i < n; i++) bytes[i] = (byte)((i * 7 + i / 251) % 256);
            return new JsonObject().Set("data", Convert.ToBase64String(bytes)).Set("sha256", Sha256Hex(bytes));
        }

        public static string Sha256Hex(byte[] bytes)
        {
            using (SHA256 sha = SHA256.Create())
            {
                byte[] sum = sha.ComputeHash(bytes);
                char[] hex = new char[sum.Length * 2];
                const string digits = "0123456789abcdef";
                for (int i = 0; i < sum.Length; i++)
                {
                    hex[2 * i] = digits[sum[i] >> 4];
                    hex[2 * i + 1] = digits[sum[i] & 15];
                }
                return new string(hex);
            }
        }
    }
}
