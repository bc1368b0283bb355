// The simulator runs the agent it received as a long-lived Mono process:
// one op at a time from stdin, each Windows call of the agent's interfaces
// sent back to the simulator as a bridge call. The lines (all fields
// base64 where they may hold any text):
//   simulator -> agent   run <id or -> <op> <base64 args>
//   agent -> simulator   call <method> <base64 of JSON args>
//   simulator -> agent   ret <base64 of JSON result> | err <code> <base64 message>
//   agent -> simulator   end <0 ok | 1 error> <base64 envelope line> | end unknown
using System;
using System.ComponentModel;
using System.IO;
using System.Text;

namespace TfWin.Sim
{
    /// <summary>Sends one Windows call to the simulator and waits for its answer.</summary>
    internal sealed class SimBridge
    {
        private readonly TextReader input;
        private readonly TextWriter output;

        internal SimBridge(TextReader input, TextWriter output)
        {
            this.input = input;
            this.output = output;
        }

        /// <summary>The call's JSON result; a failure the model reports is
        /// thrown as Windows reports it: a Win32Exception with the code.</summary>
        internal object Call(string method, JsonObject args)
        {
            output.Write("call " + method + " " + B64(Json.Write(args)) + "\n");
            output.Flush();
            string line = input.ReadLine();
            if (line == null) throw new EndOfStreamException("the simulator closed the bridge");
            string[] f = line.Split(' ');
            if (f[0] == "ret" && f.Length == 2) return Json.Parse(Text(f[1]));
            // A code may be an HRESULT written unsigned (0x80090016 is 2148073494):
            // Win32Exception carries it as the same 32 bits, signed.
            if (f[0] == "err" && f.Length == 3) throw new Win32Exception(unchecked((int)long.Parse(f[1], System.Globalization.CultureInfo.InvariantCulture)), Text(f[2]));
            throw new InvalidDataException("bridge: unexpected answer " + line);
        }

        internal static string B64(string text) { return Convert.ToBase64String(Encoding.UTF8.GetBytes(text)); }

        internal static string Text(string b64) { return Encoding.UTF8.GetString(Convert.FromBase64String(b64)); }
    }

    internal static class SimMain
    {
        internal static int Main()
        {
            TextReader input = new StreamReader(Console.OpenStandardInput(), new UTF8Encoding(false));
            TextWriter output = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false));
            SimBridge bridge = new SimBridge(input, output);
            Agent agent = new Agent(SimHost.Create(bridge));
            output.Write("ready\n");
            output.Flush();
            string line;
            while ((line = input.ReadLine()) != null)
            {
                string[] f = line.Split(' ');
                if (f.Length != 4 || f[0] != "run") continue;
                AgentReply reply = agent.Run(f[2], f[3], f[1] == "-" ? "" : f[1]);
                if (reply == null)
                    output.Write("end unknown\n");
                else
                    output.Write("end " + (reply.Ok ? "0" : "1") + " " + SimBridge.B64(reply.Line) + "\n");
                output.Flush();
            }
            return 0;
        }
    }
}
