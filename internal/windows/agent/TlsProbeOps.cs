// tls.probe (PROTOCOL.md "TLS endpoint probe"): a TLS handshake made from
// the host itself, reporting the certificate and protocol an endpoint
// really serves. A failed connect or handshake is a result (reachable
// false, error: the .NET messages), not an op error: checks want to say
// what is wrong. Errors: 87 bad port.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net.Security;
using System.Net.Sockets;
using System.Reflection;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace TfWin
{
    public static class TlsProbeOps
    {
        public const string DefaultAddress = "127.0.0.1";
        public const int DefaultTimeoutSeconds = 10;

        /// <summary>SslProtocols.Tls | Tls11 | Tls12: what a Framework older
        /// than 4.7 is asked for, as it rejects SslProtocols.None (the system
        /// default) with an ArgumentException.</summary>
        public const SslProtocols FrameworkDefaultProtocols = (SslProtocols)3264;

        public static void Register(OpTable ops, HostServices host)
        {
            ops.Add("tls.probe", delegate(OpArgs a) { return Probe(host.Network, ProbeRequest.From(a)); });
        }

        /// <summary>Where the probe connects and what it asks for.</summary>
        public sealed class ProbeRequest
        {
            public string Address;
            public int Port;
            public string ServerName;
            public int TimeoutMilliseconds;

            public static ProbeRequest From(OpArgs a)
            {
                const string portHint = "port: a TCP port between 1 and 65535 is required";
                long port;
                try { port = a.Long("port", 0); }
                catch (OpException) { throw new OpException(Win32.InvalidParameter, portHint); }
                if (port < 1 || port > 65535) throw new OpException(Win32.InvalidParameter, portHint);
                ProbeRequest r = new ProbeRequest();
                r.Port = (int)port;
                r.Address = a.String("address");
                if (string.IsNullOrWhiteSpace(r.Address)) r.Address = DefaultAddress;
                r.ServerName = a.String("server_name");
                if (string.IsNullOrWhiteSpace(r.ServerName)) r.ServerName = r.Address;
                long seconds = a.Long("timeout_seconds", 0);
                if (seconds <= 0) seconds = DefaultTimeoutSeconds;
                r.TimeoutMilliseconds = (int)Math.Min(seconds * 1000L, int.MaxValue);
                return r;
            }
        }

        /// <summary>Connects and authenticates as a client. The socket is an
        /// IPv6 one in dual mode, so "::1", IPv6 names and IPv4 addresses all
        /// connect: .NET Framework's new TcpClient() is IPv4-only and fails
        /// for "::1" with "None of the discovered or specified addresses match
        /// the socket address family" (Socket.DualMode, .NET 4.5,
        /// learn.microsoft.com).</summary>
        public static JsonObject Probe(INetwork network, ProbeRequest p)
        {
            Stream stream;
            try
            {
                stream = network.Connect(AddressFamily.InterNetworkV6, true, p.Address, p.Port, p.TimeoutMilliseconds);
            }
            catch (Exception e)
            {
                return Unreachable(ExceptionText(e));
            }
            using (stream)
            {
                if (stream.CanTimeout)
                {
                    stream.ReadTimeout = p.TimeoutMilliseconds;
                    stream.WriteTimeout = p.TimeoutMilliseconds;
                }
                SslProtocols protocols = network.ClientProtocols();
                ServedCertificate served = new ServedCertificate();
                using (SslStream ssl = new SslStream(stream, true, served.Record))
                {
                    try
                    {
                        Authenticate(ssl, p.ServerName, protocols);
                    }
                    catch (Exception e)
                    {
                        return Unreachable(ExceptionText(e));
                    }
                    X509Certificate2 leaf = served.Leaf;
                    if (leaf == null && ssl.RemoteCertificate != null) leaf = new X509Certificate2(ssl.RemoteCertificate);
                    if (leaf == null) return Unreachable("The server sent no certificate.");
                    ChainVerdict verdict = EvaluateChain(network, leaf, served.Sent);
                    JsonObject r = Result(true, null);
                    r.Set("thumbprint", leaf.Thumbprint);
                    r.Set("subject", leaf.Subject);
                    r.Set("issuer", leaf.Issuer);
                    r.Set("not_after", leaf.NotAfter.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
                    r.Set("protocol", ProtocolName(ssl.SslProtocol));
                    r.Set("cipher_suite", CipherSuiteName(ssl));
                    r.Set("chain_trusted", verdict.Trusted);
                    r.Set("chain_status", verdict.Trusted ? null : verdict.Status);
                    return r;
                }
            }
        }

        /// <summary>AuthenticateAsClient(targetHost, no client certificates,
        /// protocols, no revocation check). SslStream sends targetHost as SNI
        /// unless it is an IP address. A Framework older than 4.7 refuses
        /// SslProtocols.None (ArgumentException, before any byte is sent): it
        /// is then asked for TLS 1.0 to 1.2 by name, as .NET apps there are.</summary>
        private static void Authenticate(SslStream ssl, string serverName, SslProtocols protocols)
        {
            try
            {
                ssl.AuthenticateAsClient(serverName, null, protocols, false);
            }
            catch (ArgumentException)
            {
                if (protocols != SslProtocols.None) throw;
                ssl.AuthenticateAsClient(serverName, null, FrameworkDefaultProtocols, false);
            }
        }

        /// <summary>The validation callback: records what the server sent and
        /// accepts it, as the probe reports trust instead of failing on it.
        /// The synchronous AuthenticateAsClient calls it on this thread.</summary>
        private sealed class ServedCertificate
        {
            public X509Certificate2 Leaf;
            public readonly X509Certificate2Collection Sent = new X509Certificate2Collection();

            public bool Record(object sender, X509Certificate certificate, X509Chain chain, SslPolicyErrors errors)
            {
                // Copies: the runtime may release its objects after the callback.
                if (certificate != null) Leaf = new X509Certificate2(certificate.GetRawCertData());
                if (chain != null)
                {
                    foreach (X509ChainElement element in chain.ChainElements) Sent.Add(new X509Certificate2(element.Certificate.RawData));
                }
                return true;
            }
        }

        private static JsonObject Result(bool reachable, string error)
        {
            return new JsonObject()
                .Set("reachable", reachable)
                .Set("error", error)
                .Set("thumbprint", null)
                .Set("subject", null)
                .Set("issuer", null)
                .Set("not_after", null)
                .Set("protocol", null)
                .Set("cipher_suite", null)
                .Set("chain_trusted", false)
                .Set("chain_status", null);
        }

        private static JsonObject Unreachable(string error) { return Result(false, error); }

        /// <summary>The messages of an exception chain, joined: "A call to
        /// SSPI failed, see inner exception. The client and server cannot
        /// communicate, because they do not possess a common algorithm".</summary>
        public static string ExceptionText(Exception exception)
        {
            List<string> parts = new List<string>();
            for (Exception e = exception; e != null; e = e.InnerException)
            {
                if (e is TargetInvocationException && e.InnerException != null) continue;
                string m = (e.Message ?? "").Trim();
                if (m.Length > 0) parts.Add(m);
            }
            return string.Join(" ", parts);
        }

        /// <summary>The SCHANNEL protocol key's name of a negotiated protocol
        /// (SslProtocols values; Tls13 is 12288 from .NET 4.8).</summary>
        public static string ProtocolName(SslProtocols protocol)
        {
            switch ((int)protocol)
            {
                case 48: return "SSL 3.0";
                case 192: return "TLS 1.0";
                case 768: return "TLS 1.1";
                case 3072: return "TLS 1.2";
                case 12288: return "TLS 1.3";
                default: return protocol.ToString();
            }
        }

        /// <summary>The negotiated suite: its IANA name where the runtime has
        /// SslStream.NegotiatedCipherSuite (.NET Core 3.0 and later; read by
        /// reflection, the Framework's SslStream lacks it), else the .NET
        /// Framework's parts, "Aes256 Sha384 44550" (cipher, hash, key
        /// exchange algorithm; an ECDH exchange has no enum name).</summary>
        public static string CipherSuiteName(SslStream ssl)
        {
            PropertyInfo negotiated = ssl.GetType().GetProperty("NegotiatedCipherSuite");
            if (negotiated != null)
            {
                object v = negotiated.GetValue(ssl, null);
                if (v != null) return v.ToString();
            }
            return string.Format(CultureInfo.InvariantCulture, "{0} {1} {2}", ssl.CipherAlgorithm, ssl.HashAlgorithm, ssl.KeyExchangeAlgorithm);
        }

        /// <summary>Whether a served certificate's chain builds to the host's
        /// trusted roots, and if not, why.</summary>
        public sealed class ChainVerdict
        {
            public bool Trusted;
            public string Status;
        }

        /// <summary>Builds the chain with the host's chain engine (the
        /// certificates the server sent help as intermediates) and names each
        /// problem by the text Windows gives its X509ChainStatus, lowest flag
        /// first, so every runtime reports the same words.</summary>
        public static ChainVerdict EvaluateChain(INetwork network, X509Certificate2 leaf, X509Certificate2Collection sent)
        {
            X509ChainStatusFlags flags = network.BuildChain(leaf, sent ?? new X509Certificate2Collection());
            ChainVerdict v = new ChainVerdict();
            v.Trusted = flags == X509ChainStatusFlags.NoError;
            List<string> texts = new List<string>();
            foreach (X509ChainStatusFlags f in SingleFlags(flags))
            {
                string text = WindowsStatusText(f) ?? f.ToString();
                if (!texts.Contains(text)) texts.Add(text);
            }
            v.Status = texts.Count == 0 ? null : string.Join(" ", texts);
            return v;
        }

        /// <summary>The single flags of a set, lowest first.</summary>
        public static IEnumerable<X509ChainStatusFlags> SingleFlags(X509ChainStatusFlags flags)
        {
            for (int bit = 0; bit < 31; bit++)
            {
                X509ChainStatusFlags f = (X509ChainStatusFlags)(1 << bit);
                if ((flags & f) != 0) yield return f;
            }
        }

        /// <summary>The text Windows gives a chain status
        /// (X509ChainStatus.StatusInformation: the system message of the
        /// CERT_E_* / TRUST_E_* / CRYPT_E_* code CertGetCertificateChain's
        /// trust status maps to, "COM Error Codes (Security and Setup)",
        /// learn.microsoft.com), so every runtime reports the same words.</summary>
        public static string WindowsStatusText(X509ChainStatusFlags flag)
        {
            switch (flag)
            {
                case X509ChainStatusFlags.NotTimeValid: return "A required certificate is not within its validity period when verifying against the current system clock or the timestamp in the signed file.";
                case X509ChainStatusFlags.NotTimeNested: return "The validity periods of the certification chain do not nest correctly.";
                case X509ChainStatusFlags.Revoked: return "The certificate is revoked.";
                case X509ChainStatusFlags.NotSignatureValid: return "The signature of the certificate cannot be verified.";
                case X509ChainStatusFlags.NotValidForUsage: return "The certificate is not valid for the requested usage.";
                case X509ChainStatusFlags.UntrustedRoot: return "A certificate chain processed, but terminated in a root certificate which is not trusted by the trust provider.";
                case X509ChainStatusFlags.RevocationStatusUnknown: return "The revocation function was unable to check revocation for the certificate.";
                case X509ChainStatusFlags.Cyclic: return "A certificate chain could not be built to a trusted root authority.";
                case X509ChainStatusFlags.InvalidExtension: return "A certificate contains an unknown extension that is marked 'critical'.";
                case X509ChainStatusFlags.InvalidBasicConstraints: return "A certificate's basic constraint extension has not been observed.";
                case X509ChainStatusFlags.PartialChain: return "A certificate chain could not be built to a trusted root authority.";
                default: return null;
            }
        }
    }
}
