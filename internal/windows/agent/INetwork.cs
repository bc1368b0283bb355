// The host's TCP/IP stack and the trust its TLS clients build chains to,
// as tls.probe needs them (PROTOCOL.md "TLS endpoint probe").
using System.IO;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace TfWin
{
    public interface INetwork
    {
        /// <summary>Opens a TCP socket of family (dualMode: an IPv6 socket
        /// that also reaches IPv4 addresses, as IPv4-mapped ones), resolves
        /// host as Windows does (an IP literal is itself; a name through the
        /// resolver, every address tried in order) and connects it to port,
        /// giving up after timeoutMilliseconds. Returns the connected stream,
        /// which owns the socket. Throws what .NET throws for a failed connect
        /// (a SocketException, a Win32Exception, with Winsock's code and text;
        /// an ArgumentException when no address fits the socket's family).</summary>
        Stream Connect(AddressFamily family, bool dualMode, string host, int port, int timeoutMilliseconds);

        /// <summary>The protocols a TLS client on the host asks SslStream for:
        /// SslProtocols.None on Windows, where SChannel itself offers what its
        /// Client keys leave on (.NET 4.7 and later); SChannel itself fails the
        /// handshake when none is left.</summary>
        SslProtocols ClientProtocols();

        /// <summary>Builds certificate's chain as the host's chain engine does
        /// for a TLS client (CertGetCertificateChain in the machine context:
        /// the LocalMachine Root store as trust anchors, its CA store and
        /// extra as intermediates, no revocation check, at the current time)
        /// and returns every problem found (the union of the chain's
        /// X509ChainStatus flags): NoError when it builds to a trusted root.</summary>
        X509ChainStatusFlags BuildChain(X509Certificate2 certificate, X509Certificate2Collection extra);
    }
}
