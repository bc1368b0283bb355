// INetwork in the simulator. The model decides what a connect on the
// simulated host reaches (network.connect): a Winsock error, or the real
// loopback TLS listener of the simulated service that serves that port;
// this side then opens a real TCP connection to it, so the agent's own
// SslStream (Mono's) makes the handshake. Mono's SslStream negotiates TLS
// 1.0 to 1.2 only: the model words a handshake SChannel would refuse
// (no protocol both sides have on) as SChannel does, and one only TLS 1.3
// could make as the simulator's limit.
using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace TfWin.Sim
{
    internal sealed class SimNetwork : INetwork
    {
        private readonly SimBridge bridge;

        /// <summary>SslStream's AuthenticationException text around an SSPI
        /// error on Windows (.NET's resource net_auth_SSPI).</summary>
        private const string SspiFailed = "A call to SSPI failed, see inner exception.";

        internal SimNetwork(SimBridge bridge) { this.bridge = bridge; }

        public Stream Connect(AddressFamily family, bool dualMode, string host, int port, int timeoutMilliseconds)
        {
            JsonObject r = (JsonObject)bridge.Call("network.connect", new JsonObject()
                .Set("family", family.ToString())
                .Set("dual_mode", dualMode)
                .Set("host", host)
                .Set("port", (long)port));
            JsonObject refusal = r.Get("handshake_error") as JsonObject;
            if (refusal != null)
                return new RefusedHandshakeStream(new AuthenticationException(SspiFailed,
                    new Win32Exception((int)(long)refusal.Get("code"), (string)refusal.Get("message"))));
            // "127.0.0.1:NNNNN": the simulator's listeners are IPv4 loopback ones.
            string listener = (string)r.Get("listener");
            int colon = listener.LastIndexOf(':');
            TcpClient client = new TcpClient(AddressFamily.InterNetwork);
            try
            {
                IAsyncResult connecting = client.BeginConnect(IPAddress.Parse(listener.Substring(0, colon)), int.Parse(listener.Substring(colon + 1)), null, null);
                if (!connecting.AsyncWaitHandle.WaitOne(timeoutMilliseconds)) throw new SocketException((int)SocketError.TimedOut);
                client.EndConnect(connecting);
                return client.GetStream();
            }
            catch
            {
                client.Close();
                throw;
            }
        }

        public SslProtocols ClientProtocols()
        {
            List<object> names = (List<object>)bridge.Call("network.client_protocols", new JsonObject());
            SslProtocols p = SslProtocols.None;
            foreach (object n in names)
            {
                switch ((string)n)
                {
                    case "TLS 1.0": p |= SslProtocols.Tls; break;
                    case "TLS 1.1": p |= SslProtocols.Tls11; break;
                    case "TLS 1.2": p |= SslProtocols.Tls12; break;
                    // SSL 3.0: no simulated listener serves it; TLS 1.3: Mono
                    // cannot. network.connect already refused the handshakes
                    // that would need them.
                }
            }
            // None would mean "the system default" to Mono: with nothing it
            // can offer, network.connect has refused the handshake already.
            return p == SslProtocols.None ? SslProtocols.Tls12 : p;
        }

        /// <summary>The model builds the chain (Mono's X509Chain cannot check
        /// an ECDSA signature): network.build_chain answers the status flags.</summary>
        public X509ChainStatusFlags BuildChain(X509Certificate2 certificate, X509Certificate2Collection extra)
        {
            List<object> sent = new List<object>();
            foreach (X509Certificate2 c in extra) sent.Add(Convert.ToBase64String(c.RawData));
            JsonObject r = (JsonObject)bridge.Call("network.build_chain", new JsonObject()
                .Set("certificate", Convert.ToBase64String(certificate.RawData))
                .Set("extra", sent));
            return (X509ChainStatusFlags)(int)(long)r.Get("status");
        }

        /// <summary>A connection whose TLS handshake SChannel refuses: what
        /// the client writes goes nowhere, the first read fails as SslStream
        /// fails on Windows (Mono's SslStream passes an AuthenticationException
        /// on as it is).</summary>
        private sealed class RefusedHandshakeStream : Stream
        {
            private readonly Exception refusal;

            internal RefusedHandshakeStream(Exception refusal) { this.refusal = refusal; }

            public override bool CanRead { get { return true; } }
            public override bool CanSeek { get { return false; } }
            public override bool CanWrite { get { return true; } }
            public override long Length { get { throw new NotSupportedException(); } }
            public override long Position { get { throw new NotSupportedException(); } set { throw new NotSupportedException(); } }
            public override void Flush() { }
            public override int Read(byte[] buffer, int offset, int count) { throw refusal; }
            public override void Write(byte[] buffer, int offset, int count) { }
            public override long Seek(long offset, SeekOrigin origin) { throw new NotSupportedException(); }
            public override void SetLength(long value) { throw new NotSupportedException(); }
        }
    }

    internal static partial class SimHost
    {
        static partial void FillNetwork(HostServices host, SimBridge bridge) { host.Network = new SimNetwork(bridge); }
    }
}
