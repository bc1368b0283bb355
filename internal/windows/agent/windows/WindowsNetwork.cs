// INetwork on Windows: Winsock through TcpClient, the LocalMachine
// certificate stores through X509Store. Only a real host runs this file.
using System;
using System.IO;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace TfWin.Windows
{
    internal sealed class WindowsNetwork : INetwork
    {
        public Stream Connect(AddressFamily family, bool dualMode, string host, int port, int timeoutMilliseconds)
        {
            // new TcpClient(family): the parameterless one is IPv4-only.
            // BeginConnect(string, int) resolves host with Dns and tries each
            // address; a dual-mode socket maps IPv4 ones ("Socket.DualMode",
            // learn.microsoft.com). The wait bounds it; Winsock's own connect
            // timeout is about 21 s.
            TcpClient client = new TcpClient(family);
            try
            {
                if (family == AddressFamily.InterNetworkV6) client.Client.DualMode = dualMode;
                IAsyncResult connecting = client.BeginConnect(host, port, null, null);
                if (!connecting.AsyncWaitHandle.WaitOne(timeoutMilliseconds)) throw new SocketException((int)SocketError.TimedOut);
                client.EndConnect(connecting);
                return client.GetStream(); // owns the socket: TcpClient.GetStream
            }
            catch
            {
                client.Close();
                throw;
            }
        }

        // SslProtocols.None: SChannel offers what its Client keys leave on
        // (".NET Framework TLS best practices", learn.microsoft.com).
        public SslProtocols ClientProtocols() { return SslProtocols.None; }

        public X509ChainStatusFlags BuildChain(X509Certificate2 certificate, X509Certificate2Collection extra)
        {
            // X509Chain(true): the machine context, whose Root and CA stores
            // are LocalMachine's ("X509Chain(Boolean)", learn.microsoft.com).
            X509Chain chain = new X509Chain(true);
            try
            {
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                chain.ChainPolicy.ExtraStore.AddRange(extra);
                chain.Build(certificate);
                X509ChainStatusFlags flags = X509ChainStatusFlags.NoError;
                foreach (X509ChainStatus s in chain.ChainStatus) flags |= s.Status;
                return flags;
            }
            finally
            {
                chain.Reset(); // X509Chain is IDisposable only from .NET 4.6
            }
        }
    }

    internal static partial class WindowsHostParts
    {
        static partial void FillNetwork(HostServices host) { host.Network = new WindowsNetwork(); }
    }
}
