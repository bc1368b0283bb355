// INetwork for the agent's tests: a resolver table, endpoints served by a
// real SslStream server on a loopback port of this process, and the
// host's Root and CA stores as collections. Connect follows Winsock's
// rules for which addresses a socket of a given family can reach, and
// records every attempt, so tests see the socket the op asked for.
using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.IO;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Threading;

namespace TfWin.Testing
{
    public sealed class InMemoryNetwork : INetwork
    {
        /// <summary>One Connect call, as the op made it.</summary>
        public sealed class ConnectAttempt
        {
            public AddressFamily Family;
            public bool DualMode;
            public string Host;
            public int Port;
            public int TimeoutMilliseconds;
        }

        private sealed class Endpoint
        {
            public X509Certificate2 Certificate;
            public SslProtocols Protocols;
        }

        // Winsock's texts (.NET's SocketException messages on Windows).
        public const string RefusedText = "No connection could be made because the target machine actively refused it";
        public const string TimedOutText = "A connection attempt failed because the connected party did not properly respond after a period of time, or established connection failed because connected host has failed to respond";
        public const string HostNotFoundText = "No such host is known";

        /// <summary>Socket.BeginConnect's text when no address of the host
        /// fits the socket's family (.NET Framework's net_invalidAddressList).</summary>
        public const string NoAddressFitsText = "None of the discovered or specified addresses match the socket address family.";

        /// <summary>The resolver: name to addresses, in the order Windows
        /// returns them (an IP literal resolves to itself).</summary>
        public readonly Dictionary<string, IPAddress[]> Names = new Dictionary<string, IPAddress[]>(StringComparer.OrdinalIgnoreCase);

        public readonly X509Certificate2Collection Roots = new X509Certificate2Collection();
        public readonly X509Certificate2Collection Authorities = new X509Certificate2Collection();

        /// <summary>What ClientProtocols answers.</summary>
        public SslProtocols Protocols = SslProtocols.Tls12;

        public readonly List<ConnectAttempt> Connects = new List<ConnectAttempt>();

        private readonly Dictionary<string, Endpoint> endpoints = new Dictionary<string, Endpoint>(StringComparer.Ordinal);
        private readonly Dictionary<string, Exception> failNext = new Dictionary<string, Exception>(StringComparer.Ordinal);

        public InMemoryNetwork()
        {
            // Windows answers localhost with ::1 first ("localhost" name
            // resolution is handled within DNS itself, since Windows 7).
            Names["localhost"] = new IPAddress[] { IPAddress.IPv6Loopback, IPAddress.Loopback };
        }

        /// <summary>Serves certificate over TLS on address:port, with the
        /// server's protocols.</summary>
        public void Serve(string address, int port, X509Certificate2 certificate, SslProtocols protocols)
        {
            Endpoint e = new Endpoint();
            e.Certificate = certificate;
            e.Protocols = protocols;
            endpoints[Key(IPAddress.Parse(address), port)] = e;
        }

        /// <summary>The next call of method ("connect", "client_protocols",
        /// "build_chain") throws e.</summary>
        public void FailNext(string method, Exception e) { failNext[method] = e; }

        /// <summary>The next call of method fails with a Win32 code.</summary>
        public void FailNext(string method, int code) { FailNext(method, new Win32Exception(code, "injected failure " + code)); }

        private void MaybeFail(string method)
        {
            Exception e;
            if (failNext.TryGetValue(method, out e))
            {
                failNext.Remove(method);
                throw e;
            }
        }

        private static string Key(IPAddress address, int port) { return new IPEndPoint(address, port).ToString(); }

        public Stream Connect(AddressFamily family, bool dualMode, string host, int port, int timeoutMilliseconds)
        {
            ConnectAttempt a = new ConnectAttempt();
            a.Family = family;
            a.DualMode = dualMode;
            a.Host = host;
            a.Port = port;
            a.TimeoutMilliseconds = timeoutMilliseconds;
            Connects.Add(a);
            MaybeFail("connect");
            IPAddress[] addresses;
            IPAddress literal;
            if (IPAddress.TryParse(host, out literal)) addresses = new IPAddress[] { literal };
            else if (!Names.TryGetValue(host, out addresses)) throw new Win32Exception(11001, HostNotFoundText);
            Exception last = null;
            foreach (IPAddress address in addresses)
            {
                bool fits = address.AddressFamily == family
                    || (family == AddressFamily.InterNetworkV6 && dualMode && address.AddressFamily == AddressFamily.InterNetwork);
                if (!fits) continue;
                Endpoint e;
                if (endpoints.TryGetValue(Key(address, port), out e)) return Open(e);
                last = new Win32Exception(10061, RefusedText + " " + Key(address, port));
            }
            if (last == null) throw new ArgumentException(NoAddressFitsText, "context");
            throw last;
        }

        /// <summary>A real TLS server for one connection, on a loopback port
        /// of this process; it serves until the client closes.</summary>
        private static Stream Open(Endpoint e)
        {
            TcpListener listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            Thread server = new Thread(delegate()
            {
                try
                {
                    using (TcpClient accepted = listener.AcceptTcpClient())
                    using (SslStream ssl = new SslStream(accepted.GetStream(), false))
                    {
                        ssl.AuthenticateAsServer(e.Certificate, false, e.Protocols, false);
                        byte[] buffer = new byte[256];
                        while (ssl.Read(buffer, 0, buffer.Length) > 0) { }
                    }
                }
                catch (Exception) { } // the client's failures are the test's
                finally { listener.Stop(); }
            });
            server.IsBackground = true;
            server.Start();
            TcpClient client = new TcpClient(AddressFamily.InterNetwork);
            client.Connect(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
            return client.GetStream();
        }

        public SslProtocols ClientProtocols()
        {
            MaybeFail("client_protocols");
            return Protocols;
        }

        /// <summary>The chain engine of a host whose Root store is Roots and CA
        /// store Authorities: Mono's X509Chain builds the path (from the
        /// stores and extra; any root accepted), then, as Windows does, the
        /// chain is trusted only when it ends in a self-signed certificate of
        /// Roots: UntrustedRoot for another self-signed end, PartialChain for
        /// a chain that ends before any. Mono's own trust list plays no part.</summary>
        public X509ChainStatusFlags BuildChain(X509Certificate2 certificate, X509Certificate2Collection extra)
        {
            MaybeFail("build_chain");
            X509Chain chain = new X509Chain(true);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            chain.ChainPolicy.VerificationFlags = X509VerificationFlags.AllowUnknownCertificateAuthority;
            chain.ChainPolicy.ExtraStore.AddRange(Authorities);
            chain.ChainPolicy.ExtraStore.AddRange(Roots);
            chain.ChainPolicy.ExtraStore.AddRange(extra);
            chain.Build(certificate);
            X509ChainStatusFlags flags = X509ChainStatusFlags.NoError;
            foreach (X509ChainStatus s in chain.ChainStatus) flags |= s.Status;
            flags &= ~(X509ChainStatusFlags.UntrustedRoot | X509ChainStatusFlags.PartialChain);
            X509Certificate2 top = chain.ChainElements.Count > 0 ? chain.ChainElements[chain.ChainElements.Count - 1].Certificate : certificate;
            if (top.SubjectName.Name != top.IssuerName.Name) flags |= X509ChainStatusFlags.PartialChain;
            else if (Roots.Find(X509FindType.FindByThumbprint, top.Thumbprint, false).Count == 0) flags |= X509ChainStatusFlags.UntrustedRoot;
            chain.Reset();
            return flags;
        }
    }

    public static partial class InMemoryHost
    {
        static partial void FillNetwork(HostServices host) { if (host.Network == null) host.Network = new InMemoryNetwork(); }
    }
}
