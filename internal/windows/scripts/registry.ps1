# Domain: TLS settings in the registry, PROTOCOL.md "SChannel protocols"
# and ".NET Framework strong cryptography".
#
# SCHANNEL\Protocols\<protocol>\<Server|Client> holds the DWORDs Enabled and
# DisabledByDefault ("Transport Layer Security (TLS) registry settings",
# learn.microsoft.com/windows-server/security/tls/tls-registry-settings);
# SOFTWARE\[WOW6432Node\]Microsoft\.NETFramework\<version> holds
# SchUseStrongCrypto and SystemDefaultTlsVersions ("Transport Layer Security
# (TLS) best practices with the .NET Framework", learn.microsoft.com). Both
# are read through the 64-bit registry view (RegistryKey.OpenBaseKey with
# RegistryView.Registry64, .NET 4), so a 32-bit PowerShell sees the same
# keys and WOW6432Node is addressed by its path, as .reg files do.
#
# Errors: 87 bad protocol, side or path; 2 a .NET Framework key that does
# not exist (that Framework is not installed); 5 access denied.

$SchannelRoot = 'SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols'
$SchannelProtocols = @('SSL 3.0', 'TLS 1.0', 'TLS 1.1', 'TLS 1.2', 'TLS 1.3')
$DotNetCryptoKeys = @(
    @{ path = 'SOFTWARE\Microsoft\.NETFramework\v4.0.30319'; view = '64-bit'; framework = 'v4.0.30319' },
    @{ path = 'SOFTWARE\WOW6432Node\Microsoft\.NETFramework\v4.0.30319'; view = '32-bit'; framework = 'v4.0.30319' },
    @{ path = 'SOFTWARE\Microsoft\.NETFramework\v2.0.50727'; view = '64-bit'; framework = 'v2.0.50727' },
    @{ path = 'SOFTWARE\WOW6432Node\Microsoft\.NETFramework\v2.0.50727'; view = '32-bit'; framework = 'v2.0.50727' }
)

function Open-LocalMachine64 {
    return [Microsoft.Win32.RegistryKey]::OpenBaseKey([Microsoft.Win32.RegistryHive]::LocalMachine, [Microsoft.Win32.RegistryView]::Registry64)
}

# Get-DwordValue returns a DWORD as an unsigned number, or $null when the
# value is absent or not a DWORD (SChannel and .NET read DWORDs only).
function Get-DwordValue([Microsoft.Win32.RegistryKey]$Key, [string]$Name) {
    if ($null -eq $Key -or $Key.GetValueNames() -notcontains $Name) { return $null }
    if ($Key.GetValueKind($Name) -ne [Microsoft.Win32.RegistryValueKind]::DWord) { return $null }
    return ([int64]$Key.GetValue($Name) -band 4294967295) # the DWORD as unsigned
}

# Set-DwordValue writes a DWORD from an unsigned number, or deletes the
# value for $null.
function Set-DwordValue([Microsoft.Win32.RegistryKey]$Key, [string]$Name, $Value) {
    if ($null -eq $Value) {
        $Key.DeleteValue($Name, $false)
        return
    }
    $n = [int64]$Value
    if ($n -lt 0 -or $n -gt 4294967295) { throw (New-OpError 87 ('{0}: a DWORD is between 0 and 4294967295' -f $Name)) }
    $signed = [BitConverter]::ToInt32([BitConverter]::GetBytes([uint32]$n), 0)
    $Key.SetValue($Name, $signed, [Microsoft.Win32.RegistryValueKind]::DWord)
}

function Get-SchannelArgs([hashtable]$A) {
    $protocol = $null
    foreach ($p in $SchannelProtocols) { if ($p -eq [string]$A['protocol']) { $protocol = $p } }
    if ($null -eq $protocol) {
        throw (New-OpError 87 ('protocol {0}: use one of {1}' -f [string]$A['protocol'], ($SchannelProtocols -join ', ')))
    }
    $side = $null
    if ([string]$A['side'] -eq 'server') { $side = 'Server' }
    if ([string]$A['side'] -eq 'client') { $side = 'Client' }
    if ($null -eq $side) { throw (New-OpError 87 ('side {0}: use Server or Client' -f [string]$A['side'])) }
    return @{ protocol = $protocol; side = $side; path = ($SchannelRoot + '\' + $protocol + '\' + $side) }
}

function Get-SchannelView([hashtable]$P) {
    $view = @{ protocol = $P.protocol; side = $P.side; key = ('HKLM\' + $P.path); key_exists = $false
        enabled = $null; disabled_by_default = $null; changed = $false }
    $base = Open-LocalMachine64
    try {
        $key = $base.OpenSubKey($P.path)
        if ($null -ne $key) {
            try {
                $view.key_exists = $true
                $view.enabled = Get-DwordValue $key 'Enabled'
                $view.disabled_by_default = Get-DwordValue $key 'DisabledByDefault'
            } finally { $key.Close() }
        }
    } finally { $base.Close() }
    return $view
}

function Invoke-registry.schannel.get([hashtable]$A) {
    return (Get-SchannelView (Get-SchannelArgs $A))
}

# registry.schannel.set writes both values ($null deletes one); with both $null and
# keep_key false it deletes the side's key when nothing else is in it.
function Invoke-registry.schannel.set([hashtable]$A) {
    $p = Get-SchannelArgs $A
    $before = Get-SchannelView $p
    $enabled = $A['enabled']
    $disabledByDefault = $A['disabled_by_default']
    $base = Open-LocalMachine64
    try {
        if ($null -ne $enabled -or $null -ne $disabledByDefault) {
            $key = $base.CreateSubKey($p.path)
            try {
                Set-DwordValue $key 'Enabled' $enabled
                Set-DwordValue $key 'DisabledByDefault' $disabledByDefault
            } finally { $key.Close() }
        } elseif ($before.key_exists) {
            $key = $base.OpenSubKey($p.path, $true)
            try {
                Set-DwordValue $key 'Enabled' $null
                Set-DwordValue $key 'DisabledByDefault' $null
                $empty = $key.ValueCount -eq 0 -and $key.SubKeyCount -eq 0
            } finally { $key.Close() }
            if ($empty -and -not $A['keep_key']) { $base.DeleteSubKey($p.path, $false) }
        }
    } finally { $base.Close() }
    $after = Get-SchannelView $p
    $after.changed = ($before.key_exists -ne $after.key_exists) -or ($before.enabled -ne $after.enabled) -or
        ($before.disabled_by_default -ne $after.disabled_by_default)
    return $after
}

function Get-DotNetCryptoKeys {
    $base = Open-LocalMachine64
    try {
        foreach ($d in $DotNetCryptoKeys) {
            $item = @{ path = ('HKLM\' + $d.path); view = $d.view; framework = $d.framework; exists = $false
                sch_use_strong_crypto = $null; system_default_tls_versions = $null }
            $key = $base.OpenSubKey($d.path)
            if ($null -ne $key) {
                try {
                    $item.exists = $true
                    $item.sch_use_strong_crypto = Get-DwordValue $key 'SchUseStrongCrypto'
                    $item.system_default_tls_versions = Get-DwordValue $key 'SystemDefaultTlsVersions'
                } finally { $key.Close() }
            }
            $item
        }
    } finally { $base.Close() }
}

function Invoke-registry.dotnet_crypto.get([hashtable]$A) {
    return @{ keys = @(Get-DotNetCryptoKeys) }
}

# Get-DotNetCryptoPath maps a requested HKLM\ path to one of the managed
# keys' subkey paths, or fails with 87.
function Get-DotNetCryptoPath([string]$Path) {
    foreach ($d in $DotNetCryptoKeys) { if (('HKLM\' + $d.path) -eq $Path) { return $d.path } }
    throw (New-OpError 87 ('path {0} is not a .NET Framework key this op manages' -f $Path))
}

# registry.dotnet_crypto.set writes the two values ($null deletes one) in each
# key given; every key must exist: the op never creates a Framework's key.
function Invoke-registry.dotnet_crypto.set([hashtable]$A) {
    $items = @()
    foreach ($k in @($A['keys'])) {
        if ($null -eq $k) { continue }
        $item = ConvertTo-Hashtable $k
        $items += @{ path = (Get-DotNetCryptoPath ([string]$item['path'])); strong = $item['sch_use_strong_crypto']
            system = $item['system_default_tls_versions'] }
    }
    $base = Open-LocalMachine64
    try {
        foreach ($i in $items) {
            $key = $base.OpenSubKey($i.path)
            if ($null -eq $key) { throw (New-OpError 2 ('HKLM\{0} does not exist: that .NET Framework is not installed' -f $i.path)) }
            $key.Close()
        }
        foreach ($i in $items) {
            $key = $base.OpenSubKey($i.path, $true)
            try {
                Set-DwordValue $key 'SchUseStrongCrypto' $i.strong
                Set-DwordValue $key 'SystemDefaultTlsVersions' $i.system
            } finally { $key.Close() }
        }
    } finally { $base.Close() }
    return @{ keys = @(Get-DotNetCryptoKeys) }
}
