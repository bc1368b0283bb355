// bin/agent.exe (make agent): the agent as a console program, so anyone can
// run an op of the real agent by hand. It reads PROTOCOL.md section 1.1
// request lines on stdin ("tfwin-request ID OP SHA256 ARGS SCRIPT"; SCRIPT
// may be "-": the agent is built in, and any script sent is ignored) and
// prints what a worker prints: the code page line once, then per request
// the envelope line and the done line. Files are the real file system, with
// Windows paths mapped under --root (C:\app\a.config is DIR/C/app/a.config);
// every other Windows subsystem is an in-memory stand-in.
using System;
using System.IO;
using System.Text;

namespace TfWin.Testing
{
    public static class ConsoleMain
    {
        public static int Main(string[] args)
        {
            string root = null;
            for (int i = 0; i < args.Length; i++)
            {
                if ((args[i] == "--root" || args[i] == "-root") && i + 1 < args.Length) root = args[++i];
                else if (args[i].StartsWith("--root=", StringComparison.Ordinal)) root = args[i].Substring(7);
                else return Usage("unknown argument " + args[i]);
            }
            if (root == null) return Usage("--root DIR is required");
            if (!Directory.Exists(root)) return Usage("--root " + root + ": no such folder");
            Agent agent = new Agent(InMemoryHost.Create(new RootedFileSystem(Path.GetFullPath(root))));
            TextReader input = new StreamReader(Console.OpenStandardInput(), new UTF8Encoding(false));
            TextWriter output = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false));
            output.Write("##tfwin-codepage## 65001\r\n");
            output.Flush();
            string line;
            while ((line = input.ReadLine()) != null)
            {
                string[] f = line.Trim().Split(' ');
                if (f.Length < 6 || f[0] != "tfwin-request") continue;
                AgentReply reply = agent.Run(f[2], f[4], f[1]);
                if (reply == null)
                    Console.Error.WriteLine("The term 'Invoke-" + f[2] + "' is not recognized as the name of a cmdlet, function, script file, or operable program.");
                else
                    output.Write(reply.Line + "\r\n");
                output.Write("##tfwin-done## " + f[1] + "\r\n");
                output.Flush();
            }
            return 0;
        }

        private static int Usage(string problem)
        {
            Console.Error.WriteLine("agent.exe: " + problem);
            Console.Error.WriteLine("usage: mono bin/agent.exe --root DIR < requests   (PROTOCOL.md section 1.1 request lines; C:\\x is DIR/C/x)");
            return 2;
        }
    }
}
