# Domain: TLS endpoint probe, PROTOCOL.md "TLS endpoint probe": a TLS
# handshake made from the host itself, reporting the certificate and
# protocol the endpoint really serves.
#
# .NET: System.Net.Sockets.TcpClient (BeginConnect with a bounded wait),
# System.Net.Security.SslStream.AuthenticateAsClient(targetHost, null,
# SslProtocols.None, false): SslProtocols.None (.NET 4.7) lets SChannel
# choose from the protocols the host's SCHANNEL Client keys leave on, as
# any .NET app with the system defaults does; older Frameworks reject it
# (ArgumentException) and get TLS 1.0 to 1.2 by name. The validation
# callback records the certificate and the chain's status and accepts it:
# the probe reports trust instead of failing. A script block is a fine
# RemoteCertificateValidationCallback here because the synchronous
# AuthenticateAsClient calls it on this thread, in this runspace.
#
# A failed connect or handshake is a result (reachable false, error), not
# an op error: checks want to say what is wrong. Errors: 87 bad port.

$TlsProtocolNames = @{ 48 = 'SSL 3.0'; 192 = 'TLS 1.0'; 768 = 'TLS 1.1'; 3072 = 'TLS 1.2'; 12288 = 'TLS 1.3' }
$TlsRemoteCertificateChainErrors = 4 # SslPolicyErrors.RemoteCertificateChainErrors

# Get-ExceptionText joins the messages of an exception chain, leaving out
# PowerShell's MethodInvocationException wrapper, as "A call to SSPI failed,
# see inner exception. The client and server cannot communicate, ...".
function Get-ExceptionText([System.Exception]$Exception) {
    $parts = @()
    for ($e = $Exception; $null -ne $e; $e = $e.InnerException) {
        if ($e -is [System.Management.Automation.MethodInvocationException] -and $null -ne $e.InnerException) { continue }
        $parts += $e.Message.Trim()
    }
    return ($parts -join ' ')
}

function Get-TlsProbeArgs([hashtable]$A) {
    $port = 0
    if ($null -ne $A['port']) { $port = [int]$A['port'] }
    if ($port -lt 1 -or $port -gt 65535) { throw (New-OpError 87 'port: a TCP port between 1 and 65535 is required') }
    $address = [string]$A['address']
    if ([string]::IsNullOrWhiteSpace($address)) { $address = '127.0.0.1' }
    $serverName = [string]$A['server_name']
    if ([string]::IsNullOrWhiteSpace($serverName)) { $serverName = $address }
    $seconds = 10
    if ($null -ne $A['timeout_seconds'] -and [int]$A['timeout_seconds'] -gt 0) { $seconds = [int]$A['timeout_seconds'] }
    return @{ port = $port; address = $address; server_name = $serverName; timeout_ms = ($seconds * 1000) }
}

# Invoke-TlsHandshake authenticates as a client, with the OS's protocol
# defaults where the Framework has them.
function Invoke-TlsHandshake($Ssl, [string]$ServerName) {
    try {
        $Ssl.AuthenticateAsClient($ServerName, $null, [System.Security.Authentication.SslProtocols]0, $false)
    } catch {
        $inner = $_.Exception.InnerException
        if ($inner -isnot [System.ArgumentException]) { throw }
        $Ssl.AuthenticateAsClient($ServerName, $null, [System.Security.Authentication.SslProtocols]3264, $false) # Tls12 | Tls11 | Tls
    }
}

# Get-CipherSuiteName names the negotiated suite: its IANA name where the
# runtime has SslStream.NegotiatedCipherSuite (.NET 5 and later), else the
# .NET Framework's parts, such as "Aes256 Sha384 44550" (cipher, hash, key
# exchange algorithm).
function Get-CipherSuiteName($Ssl) {
    $negotiated = $Ssl.PSObject.Properties['NegotiatedCipherSuite']
    if ($null -ne $negotiated) { return [string]$negotiated.Value }
    return ('{0} {1} {2}' -f $Ssl.CipherAlgorithm, $Ssl.HashAlgorithm, $Ssl.KeyExchangeAlgorithm)
}

function Invoke-tls.probe([hashtable]$A) {
    $p = Get-TlsProbeArgs $A
    $result = @{ reachable = $false; error = $null; thumbprint = $null; subject = $null; issuer = $null; not_after = $null
        protocol = $null; cipher_suite = $null; chain_trusted = $false; chain_status = $null }
    $client = New-Object System.Net.Sockets.TcpClient
    try {
        try {
            $connecting = $client.BeginConnect($p.address, $p.port, $null, $null)
            if (-not $connecting.AsyncWaitHandle.WaitOne($p.timeout_ms)) {
                $result.error = ('A connection attempt failed because the connected party did not properly respond after a period of time {0}:{1}' -f $p.address, $p.port)
                return $result
            }
            $client.EndConnect($connecting)
        } catch {
            $result.error = Get-ExceptionText $_.Exception
            return $result
        }
        $stream = $client.GetStream()
        $stream.ReadTimeout = $p.timeout_ms
        $stream.WriteTimeout = $p.timeout_ms
        $seen = @{ certificate = $null; errors = 0; status = $null }
        $callback = [System.Net.Security.RemoteCertificateValidationCallback] {
            param($source, $certificate, $chain, $sslPolicyErrors)
            if ($null -ne $certificate) {
                $seen.certificate = New-Object System.Security.Cryptography.X509Certificates.X509Certificate2 -ArgumentList $certificate
            }
            $seen.errors = [int]$sslPolicyErrors
            if ($null -ne $chain) {
                $seen.status = (@($chain.ChainStatus | ForEach-Object { $_.StatusInformation.Trim() }) -join ' ')
            }
            return $true
        }
        $ssl = New-Object System.Net.Security.SslStream -ArgumentList $stream, $false, $callback
        try {
            try {
                Invoke-TlsHandshake $ssl $p.server_name
            } catch {
                $result.error = Get-ExceptionText $_.Exception
                return $result
            }
            $cert = $seen.certificate
            $result.reachable = $true
            $result.thumbprint = $cert.Thumbprint
            $result.subject = $cert.Subject
            $result.issuer = $cert.Issuer
            $result.not_after = $cert.NotAfter.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", [Globalization.CultureInfo]::InvariantCulture)
            $protocol = [int]$ssl.SslProtocol
            $result.protocol = [string]$ssl.SslProtocol
            if ($TlsProtocolNames.ContainsKey($protocol)) { $result.protocol = $TlsProtocolNames[$protocol] }
            $result.cipher_suite = Get-CipherSuiteName $ssl
            $result.chain_trusted = (($seen.errors -band $TlsRemoteCertificateChainErrors) -eq 0)
            if (-not $result.chain_trusted) { $result.chain_status = $seen.status }
        } finally { $ssl.Dispose() }
    } finally { $client.Close() }
    return $result
}
