// The agent: every op of PROTOCOL.md, run against the host's Windows
// subsystems (HostServices). PowerShell only hosts it: the worker loop and
// the bootstrap read a request, call Agent.Run and write what it returns.
using System;
using System.Collections.Generic;
using System.Text;

namespace TfWin
{
    /// <summary>One op: its arguments in, its result (JSON-writable) out; a
    /// failure is an exception whose code ErrorCodes.Of finds.</summary>
    public delegate object Op(OpArgs args);

    /// <summary>The ops a domain defines, by name.</summary>
    public sealed class OpTable
    {
        private readonly Dictionary<string, Op> ops = new Dictionary<string, Op>(StringComparer.Ordinal);

        public void Add(string name, Op op)
        {
            if (ops.ContainsKey(name)) throw new InvalidOperationException("op " + name + " is defined twice");
            ops[name] = op;
        }

        public bool TryGet(string name, out Op op) { return ops.TryGetValue(name, out op); }

        public IEnumerable<string> Names { get { return ops.Keys; } }
    }

    public sealed class Agent
    {
        /// <summary>The prefix of the one line the client reads (PROTOCOL.md section 2).</summary>
        public const string EnvelopeMarker = "##tfwin-envelope## ";

        private readonly OpTable ops = new OpTable();

        public Agent(HostServices host)
        {
            if (host == null) throw new ArgumentNullException("host");
            HostOps.Register(ops, host);
            AppConfigOps.Register(ops, host);
            HttpSysOps.Register(ops, host);
            CertificatesInUseOps.Register(ops, host);
            CertificateOps.Register(ops, host);
            ServiceOps.Register(ops, host);
            RegistryOps.Register(ops, host);
            TlsProbeOps.Register(ops, host);
            FirewallOps.Register(ops, host);
        }

        public IEnumerable<string> OpNames { get { return ops.Names; } }

        public bool Defines(string op) { Op f; return ops.TryGet(op, out f); }

        /// <summary>Runs op with its arguments (base64 of UTF-8 JSON) and returns
        /// its reply, or null for an op no domain defines (the host then fails
        /// as PowerShell does for an unknown command). requestId, when not
        /// empty, is echoed in the envelope.</summary>
        public AgentReply Run(string op, string argsBase64, string requestId)
        {
            Op f;
            if (!ops.TryGet(op, out f)) return null;
            bool ok;
            JsonObject envelope = new JsonObject();
            if (!string.IsNullOrEmpty(requestId)) envelope.Set("id", requestId);
            try
            {
                string json;
                try { json = new UTF8Encoding(false, true).GetString(Convert.FromBase64String(argsBase64 ?? "")); }
                catch (FormatException) { throw new OpException(Win32.InvalidParameter, "arguments: base64 of UTF-8 JSON is required"); }
                catch (ArgumentException) { throw new OpException(Win32.InvalidParameter, "arguments: base64 of UTF-8 JSON is required"); }
                OpArgs args;
                try { args = OpArgs.FromJson(json); }
                catch (JsonException e) { throw new OpException(Win32.InvalidParameter, "arguments: " + e.Message); }
                object result = f(args);
                envelope.Set("ok", true);
                envelope.Set("result", result ?? new JsonObject());
                ok = true;
            }
            catch (Exception e)
            {
                ok = false;
                envelope.Set("ok", false);
                envelope.Set("error", new JsonObject().Set("code", ErrorCodes.Of(e)).Set("message", e.Message));
            }
            return new AgentReply(EnvelopeMarker + Json.Write(envelope), ok);
        }
    }

    /// <summary>What an op answers: the envelope line (ASCII, without its line
    /// end) and whether it reports success (a one-shot process exits 0 or 1).</summary>
    public sealed class AgentReply
    {
        public AgentReply(string line, bool ok) { Line = line; Ok = ok; }

        public string Line { get; private set; }
        public bool Ok { get; private set; }
    }
}
