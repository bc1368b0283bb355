# Prelude of every request script (PROTOCOL.md). The bootstrap invokes the
# whole script as a script block with the op name, the base64 of its UTF-8
# JSON arguments and, in a worker, the request id the envelope echoes. User
# values arrive only as that data; they are never part of this source text.
#
# Needs Windows PowerShell 3.0 or later (ConvertFrom-Json), i.e. Windows Server
# 2012 and later; Server 2012 R2 ships 4.0.
param([string]$Op, [string]$ArgsBase64, [string]$RequestId = '')

$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Set-StrictMode -Version 3

# Write-Envelope writes the one line the caller reads. Non-ASCII characters
# are escaped as \uXXXX so the line survives any console code page.
function Write-Envelope([hashtable]$Envelope) {
    if ($RequestId -ne '') { $Envelope['id'] = $RequestId }
    $json = ConvertTo-Json -InputObject $Envelope -Depth 20 -Compress
    $json = [regex]::Replace($json, '[^\x00-\x7F]', { param($m) '\u{0:x4}' -f [int][char]$m.Value })
    [Console]::Out.Write("##tfwin-envelope## " + $json + "`r`n")
    [Console]::Out.Flush()
}

# New-OpError returns an exception that carries a Win32 code to the envelope.
function New-OpError([int]$Code, [string]$Message) {
    return New-Object System.ComponentModel.Win32Exception -ArgumentList $Code, $Message
}

# Get-ErrorCode finds the Win32 code or HRESULT in an exception chain: a
# Win32Exception's code; a CryptographicException's whole HRESULT (the
# protocol reports 0x80070056 for a wrong PFX password); otherwise the Win32
# code inside any HRESULT of the Win32 facility (0x8007xxxx), which is how
# .NET reports access denied (UnauthorizedAccessException, 5), a missing file
# (FileNotFoundException, 2) or a sharing violation (IOException, 32).
function Get-ErrorCode([System.Exception]$Exception) {
    for ($e = $Exception; $null -ne $e; $e = $e.InnerException) {
        if ($e -is [System.ComponentModel.Win32Exception]) { return $e.NativeErrorCode }
        if ($e -is [System.Security.Cryptography.CryptographicException] -and $e.HResult -ne 0) {
            return ($e.HResult -band 4294967295) # 0xFFFFFFFF: the unsigned HRESULT
        }
    }
    for ($e = $Exception; $null -ne $e; $e = $e.InnerException) {
        # 0xFFFF0000 selects severity and facility; 0x80070000 is FACILITY_WIN32.
        if (($e.HResult -band 4294901760) -eq 2147942400) { return ($e.HResult -band 65535) }
    }
    return 1
}

# Find-Exception returns the first exception of Type in the chain, or $null:
# PowerShell wraps what a .NET method throws (MethodInvocationException).
function Find-Exception([System.Exception]$Exception, [type]$Type) {
    for ($e = $Exception; $null -ne $e; $e = $e.InnerException) {
        if ($Type.IsInstanceOfType($e)) { return $e }
    }
    return $null
}

# Get-Sha256Hex is the SHA-256 of Bytes as lowercase hexadecimal.
function Get-Sha256Hex([byte[]]$Bytes) {
    $sha = [System.Security.Cryptography.SHA256]::Create()
    try { return (($sha.ComputeHash($Bytes) | ForEach-Object { $_.ToString('x2') }) -join '') }
    finally { $sha.Dispose() }
}

# ConvertTo-Hashtable turns ConvertFrom-Json's PSCustomObject into a hashtable
# so ops can test for optional fields without tripping strict mode.
function ConvertTo-Hashtable($Object) {
    $table = @{}
    if ($null -eq $Object) { return $table }
    foreach ($p in $Object.PSObject.Properties) { $table[$p.Name] = $p.Value }
    return $table
}
