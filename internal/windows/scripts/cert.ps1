# Domain: certificates in LocalMachine stores (PROTOCOL.md, "Certificates").
#
# .NET APIs used (all in .NET Framework 4.5, except where noted):
#   X509Store(String storeName, StoreLocation.LocalMachine) with OpenFlags
#     (ReadOnly/ReadWrite, OpenExistingOnly), Certificates.Find(FindByThumbprint),
#     Add, Remove, Close.
#   X509Certificate2Collection.Import(byte[], string, X509KeyStorageFlags)
#     (PFXImportCertStore underneath) with MachineKeySet | PersistKeySet: over
#     WinRM the logon has no loaded profile, so a user key set would vanish.
#   X509EnhancedKeyUsageExtension for the EKU OIDs; the SAN extension's DER is
#     decoded here, because X509Extension.Format() is in the host's language.
#   Private key deletion: CngKey.Delete() through RSACng/ECDsaCng (.NET 4.6 /
#     4.6.1 extension methods) or CngKey.Open(name, provider, MachineKey), or
#     CspParameters + PersistKeyInCsp = $false + Clear() for CSP keys.
# Windows PowerShell 4.0 and 5.1: no classes, no ::new().

$X509 = 'System.Security.Cryptography.X509Certificates'
# HRESULTs, compared as unsigned 32-bit values ("COM Error Codes", learn.microsoft.com).
$HResultBadKeyset = [long]2148073494     # 0x80090016 NTE_BAD_KEYSET: the key container does not exist
$HResultBadProvType = [long]2148073492   # 0x80090014 NTE_BAD_PROV_TYPE: X509Certificate2.PrivateKey of a CNG key
$HResultFileNotFound = [long]2147942402  # 0x80070002 HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND): X509Store.Open, no such store

function Test-HResult([System.Exception]$Exception, [long]$HResult) {
    $ce = Find-Exception $Exception ([System.Security.Cryptography.CryptographicException])
    return ($null -ne $ce) -and (($ce.HResult -band 4294967295) -eq $HResult) # 0xFFFFFFFF: unsigned view
}

function Get-InnermostMessage([System.Exception]$Exception) {
    $e = $Exception
    while ($null -ne $e.InnerException) { $e = $e.InnerException }
    return $e.Message
}

# Open-CertStore opens a LocalMachine store. Reads and removals open only an
# existing store (2 if there is none), so a mistyped name creates nothing;
# -Create lets an import create a custom store, as certutil -addstore does.
function Open-CertStore([string]$Name, [switch]$Write, [switch]$Create) {
    if ([string]::IsNullOrWhiteSpace($Name)) { throw (New-OpError 87 'store: a certificate store name is required') }
    $location = [System.Security.Cryptography.X509Certificates.StoreLocation]::LocalMachine
    $store = New-Object "$X509.X509Store" -ArgumentList $Name, $location
    $flags = [System.Security.Cryptography.X509Certificates.OpenFlags]::ReadOnly
    if ($Write) { $flags = [System.Security.Cryptography.X509Certificates.OpenFlags]::ReadWrite }
    if (-not $Create) { $flags = $flags -bor [System.Security.Cryptography.X509Certificates.OpenFlags]::OpenExistingOnly }
    try {
        $store.Open($flags)
    } catch {
        if (Test-HResult $_.Exception $HResultFileNotFound) {
            throw (New-OpError 2 ("certificate store LocalMachine\{0} does not exist" -f $Name))
        }
        # An HRESULT_FROM_WIN32 (0x8007xxxx), such as access denied, becomes
        # its Win32 code (5), which the provider explains.
        $ce = Find-Exception $_.Exception ([System.Security.Cryptography.CryptographicException])
        # 0xFFFF0000 masks the facility: 0x8007xxxx is an HRESULT wrapping a Win32 code.
        if ($null -ne $ce -and (($ce.HResult -band 4294901760) -eq 2147942400)) {
            throw (New-OpError ($ce.HResult -band 0xFFFF) ("cannot open certificate store LocalMachine\{0}: {1}" -f $Name, $ce.Message))
        }
        throw
    }
    return $store
}

function Get-ThumbprintArg([hashtable]$A) {
    $t = [string]$A['thumbprint']
    if ($t -notmatch '^[0-9A-Fa-f]{40}\z') { throw (New-OpError 87 'thumbprint: expected 40 hexadecimal digits') }
    return $t.ToUpperInvariant()
}

function Find-StoreCertificate($Store, [string]$Thumbprint) {
    $found = $Store.Certificates.Find([System.Security.Cryptography.X509Certificates.X509FindType]::FindByThumbprint, $Thumbprint, $false)
    if ($found.Count -eq 0) { return $null }
    return $found[0]
}

# Read-DerHeader returns where the value of the DER element at $Pos starts and
# its length (X.690 8.1.3: short form, or long form with 1 to 4 length bytes).
function Read-DerHeader([byte[]]$Der, [int]$Pos) {
    if ($Pos + 2 -gt $Der.Length) { throw (New-OpError 13 'malformed DER in a certificate extension') }
    $length = [long]$Der[$Pos + 1]
    $start = $Pos + 2
    if ($length -ge 0x80) {
        $n = [int]($length -band 0x7F)
        if ($n -lt 1 -or $n -gt 4 -or $start + $n -gt $Der.Length) { throw (New-OpError 13 'malformed DER in a certificate extension') }
        $length = [long]0
        for ($i = 0; $i -lt $n; $i++) { $length = ($length * 256) + $Der[$start + $i] }
        $start += $n
    }
    if ($start + $length -gt $Der.Length) { throw (New-OpError 13 'malformed DER in a certificate extension') }
    return @{ Start = $start; Length = [int]$length }
}

# Get-SanDnsNames reads the dNSName entries of the subject alternative name
# extension (2.5.29.17): GeneralNames ::= SEQUENCE OF GeneralName, where
# dNSName is [2] IMPLICIT IA5String, tag 0x82 (RFC 5280 4.2.1.6).
function Get-SanDnsNames($Cert) {
    $names = New-Object System.Collections.Generic.List[string]
    foreach ($ext in $Cert.Extensions) {
        if ($ext.Oid.Value -ne '2.5.29.17') { continue }
        $der = $ext.RawData
        if ($der.Length -lt 2 -or $der[0] -ne 0x30) { throw (New-OpError 13 'malformed subject alternative name extension') }
        $outer = Read-DerHeader $der 0
        $pos = $outer.Start
        $end = $outer.Start + $outer.Length
        while ($pos -lt $end) {
            $item = Read-DerHeader $der $pos
            if ($der[$pos] -eq 0x82) {
                $names.Add([System.Text.Encoding]::ASCII.GetString($der, $item.Start, $item.Length))
            }
            $pos = $item.Start + $item.Length
        }
    }
    return , $names.ToArray()
}

# Get-EnhancedKeyUsages lists the EKU OIDs (2.5.29.37) in the certificate's order.
function Get-EnhancedKeyUsages($Cert) {
    $oids = New-Object System.Collections.Generic.List[string]
    foreach ($ext in $Cert.Extensions) {
        if ($ext.Oid.Value -ne '2.5.29.37') { continue }
        $eku = New-Object "$X509.X509EnhancedKeyUsageExtension" -ArgumentList $ext, $ext.Critical
        foreach ($oid in $eku.EnhancedKeyUsages) { $oids.Add($oid.Value) }
    }
    return , $oids.ToArray()
}

function Format-UtcTime([datetime]$Time) {
    return $Time.ToUniversalTime().ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'Z'", [System.Globalization.CultureInfo]::InvariantCulture)
}

# ConvertTo-Pem writes DER as PEM: 64-character base64 lines, LF line ends.
function ConvertTo-Pem([byte[]]$Der) {
    $b64 = [Convert]::ToBase64String($Der)
    $sb = New-Object System.Text.StringBuilder
    [void]$sb.Append("-----BEGIN CERTIFICATE-----`n")
    for ($i = 0; $i -lt $b64.Length; $i += 64) {
        [void]$sb.Append($b64.Substring($i, [Math]::Min(64, $b64.Length - $i)))
        [void]$sb.Append("`n")
    }
    [void]$sb.Append("-----END CERTIFICATE-----`n")
    return $sb.ToString()
}

# ConvertFrom-CertificatePem returns the DER of the one PEM certificate in $Pem.
function ConvertFrom-CertificatePem([string]$Pem) {
    $found = [regex]::Matches($Pem, '-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]*)-----END CERTIFICATE-----')
    if ($found.Count -ne 1) {
        throw (New-OpError 87 ('pem: expected exactly one PEM certificate (-----BEGIN CERTIFICATE-----), found {0}' -f $found.Count))
    }
    try {
        $der = [Convert]::FromBase64String(($found[0].Groups[1].Value -replace '\s', ''))
    } catch {
        throw (New-OpError 87 'pem: the certificate block is not valid base64')
    }
    return , $der
}

function ConvertTo-CertificateResult($Cert, [string]$Store) {
    return @{
        store               = $Store.ToUpperInvariant()
        thumbprint          = $Cert.Thumbprint.ToUpperInvariant()
        subject             = $Cert.SubjectName.Name
        issuer              = $Cert.IssuerName.Name
        dns_names           = (Get-SanDnsNames $Cert)
        not_before          = (Format-UtcTime $Cert.NotBefore)
        not_after           = (Format-UtcTime $Cert.NotAfter)
        has_private_key     = $Cert.HasPrivateKey
        enhanced_key_usages = (Get-EnhancedKeyUsages $Cert)
        pem                 = (ConvertTo-Pem $Cert.RawData)
    }
}

# Open-CertificatePrivateKey opens the private key a certificate links to:
# CNG first (RSACertificateExtensions.GetRSAPrivateKey, .NET 4.6, and
# ECDsaCertificateExtensions.GetECDsaPrivateKey, .NET 4.6.1, open the key
# the link names), then CryptoAPI (X509Certificate2.PrivateKey builds an
# RSA/DSACryptoServiceProvider with UseExistingKey, which acquires the
# container in its constructor). It returns the key object, or $null with
# each attempt's reason added to $Failures; $Cert itself when this .NET
# (before 4.6) has no CNG API and the key is a CNG key, which cannot be
# checked here and so is not refuted. HasPrivateKey is no proof: it
# only says the key-link property (CERT_KEY_PROV_INFO_PROP_ID) is present
# ("ICertificate2::HasPrivateKey method", learn.microsoft.com), and HTTP.sys
# answers 1312 for a link whose container does not open (Posh-ACME #157).
function Open-CertificatePrivateKey($Cert, [System.Collections.Generic.List[string]]$Failures) {
    $rsaExtensions = "$X509.RSACertificateExtensions" -as [type]
    $ecdsaExtensions = "$X509.ECDsaCertificateExtensions" -as [type]
    try {
        if ($null -ne $rsaExtensions) {
            $key = $rsaExtensions::GetRSAPrivateKey($Cert)
            if ($null -ne $key) { return $key }
        }
        if ($null -ne $ecdsaExtensions) {
            $key = $ecdsaExtensions::GetECDsaPrivateKey($Cert)
            if ($null -ne $key) { return $key }
        }
    } catch {
        $Failures.Add(('CNG: {0}' -f (Get-InnermostMessage $_.Exception)))
    }
    try {
        $key = $Cert.PrivateKey
        if ($null -ne $key) { return $key }
        $Failures.Add('CryptoAPI: no key object for this key type')
    } catch {
        if ($null -eq $rsaExtensions -and (Test-HResult $_.Exception $HResultBadProvType)) { return $Cert }
        $Failures.Add(('CryptoAPI: {0}' -f (Get-InnermostMessage $_.Exception)))
    }
    return $null
}

# Assert-PrivateKeyOpens fails with 1312 (what HTTP.sys would answer for a
# binding) unless the certificate links a private key that opens. $Context
# starts the message ("after the import, ").
function Assert-PrivateKeyOpens($Cert, [string]$StoreName, [string]$Context) {
    $thumbprint = $Cert.Thumbprint.ToUpperInvariant()
    if (-not $Cert.HasPrivateKey) {
        throw (New-OpError 1312 ("{0}certificate {1} in LocalMachine\{2} has no private key" -f $Context, $thumbprint, $StoreName))
    }
    $failures = New-Object System.Collections.Generic.List[string]
    if ($null -ne (Open-CertificatePrivateKey $Cert $failures)) { return }
    throw (New-OpError 1312 ("{0}certificate {1} in LocalMachine\{2} links a private key that cannot be opened ({3}): its key container is missing or not the one the certificate names; import the PFX again with its private key" -f $Context, $thumbprint, $StoreName, ($failures -join '; ')))
}

# Confirm-StoreCertificate reads the certificate back from a freshly opened
# store: an import that seemed to succeed must have put it there (and, for a
# PFX, linked a private key that opens: puppetlabs-sslcertificate #116,
# Posh-ACME #157).
function Confirm-StoreCertificate([string]$StoreName, [string]$Thumbprint, [switch]$RequireKey) {
    $store = Open-CertStore $StoreName
    try {
        $cert = Find-StoreCertificate $store $Thumbprint
        if ($null -eq $cert) {
            throw (New-OpError 1168 ("after the import, certificate {0} is not in LocalMachine\{1}" -f $Thumbprint, $StoreName))
        }
        if ($RequireKey) { Assert-PrivateKeyOpens $cert $StoreName 'after the import, ' }
        return (ConvertTo-CertificateResult $cert $StoreName)
    } finally {
        $store.Close()
    }
}

# Get-CertificatePrivateKey returns the certificate's private key object:
# RSACng/ECDsaCng for CNG (KSP) keys, RSA/DSACryptoServiceProvider for CSP keys.
function Get-CertificatePrivateKey($Cert) {
    # RSACertificateExtensions.GetRSAPrivateKey: .NET 4.6 (System.Core).
    $rsaExtensions = "$X509.RSACertificateExtensions" -as [type]
    if ($null -ne $rsaExtensions) {
        $key = $rsaExtensions::GetRSAPrivateKey($Cert)
        if ($null -ne $key) { return $key }
    }
    # ECDsaCertificateExtensions.GetECDsaPrivateKey: .NET 4.6.1 (System.Core).
    $ecdsaExtensions = "$X509.ECDsaCertificateExtensions" -as [type]
    if ($null -ne $ecdsaExtensions) {
        $key = $ecdsaExtensions::GetECDsaPrivateKey($Cert)
        if ($null -ne $key) { return $key }
    }
    # DSA keys, and .NET 4.5: X509Certificate2.PrivateKey (CSP keys only).
    return $Cert.PrivateKey
}

# Remove-KeyObjectContainer deletes the key container behind a key object.
function Remove-KeyObjectContainer($Key) {
    if ($Key -is [System.Security.Cryptography.ICspAsymmetricAlgorithm]) {
        # CSP: reopen the container and let the CSP delete it on Clear()
        # (CspParameters.Flags UseExistingKey, PersistKeyInCsp = $false), as in
        # "How to: Store Asymmetric Keys in a Key Container" (.NET docs).
        $info = $Key.CspKeyContainerInfo
        $params = New-Object System.Security.Cryptography.CspParameters -ArgumentList $info.ProviderType, $info.ProviderName, $info.KeyContainerName
        $params.Flags = [System.Security.Cryptography.CspProviderFlags]::UseExistingKey
        if ($info.MachineKeyStore) {
            $params.Flags = $params.Flags -bor [System.Security.Cryptography.CspProviderFlags]::UseMachineKeyStore
        }
        if ($Key -is [System.Security.Cryptography.DSA]) {
            $csp = New-Object System.Security.Cryptography.DSACryptoServiceProvider -ArgumentList $params
        } else {
            $csp = New-Object System.Security.Cryptography.RSACryptoServiceProvider -ArgumentList $params
        }
        $csp.PersistKeyInCsp = $false
        $csp.Clear()
        return
    }
    # CNG: RSACng.Key / ECDsaCng.Key is the CngKey; Delete() removes it from the KSP.
    $cngKey = $Key.PSObject.Properties['Key']
    if ($null -ne $cngKey -and $cngKey.Value -is [System.Security.Cryptography.CngKey]) {
        $cngKey.Value.Delete()
        return
    }
    throw (New-OpError 1 ("cannot delete a private key of type {0}" -f $Key.GetType().FullName))
}

# Remove-CertificatePrivateKey deletes the key a certificate links to, so that
# removing the certificate leaves no orphaned key under
# %ProgramData%\Microsoft\Crypto. A key already gone (NTE_BAD_KEYSET) is fine.
function Remove-CertificatePrivateKey($Cert) {
    if (-not $Cert.HasPrivateKey) { return }
    try {
        $key = Get-CertificatePrivateKey $Cert
        if ($null -eq $key) {
            throw (New-OpError 1 'cannot open the private key to delete it: .NET Framework 4.6 or later is needed for CNG keys')
        }
        Remove-KeyObjectContainer $key
    } catch {
        if (Test-HResult $_.Exception $HResultBadKeyset) { return }
        throw
    }
}

# Test-SelfSigned: a certificate whose issuer is its own subject is a root.
function Test-SelfSigned($Cert) {
    return [Convert]::ToBase64String($Cert.SubjectName.RawData) -eq [Convert]::ToBase64String($Cert.IssuerName.RawData)
}

# Select-EndEntity returns the one certificate of the PFX that has a private key.
function Select-EndEntity($Collection) {
    $withKey = @($Collection | Where-Object { $_.HasPrivateKey })
    if ($withKey.Count -eq 0) {
        throw (New-OpError 87 'the PFX holds no certificate with a private key; export the certificate with its private key')
    }
    if ($withKey.Count -gt 1) {
        throw (New-OpError 87 ('the PFX holds {0} certificates with private keys; it must hold one (the server certificate)' -f $withKey.Count))
    }
    return $withKey[0]
}

# Add-ChainCertificates puts the PFX's other certificates into CA (issuing
# CAs) or ROOT (self-signed roots) and returns them as the stores read them.
function Add-ChainCertificates($Collection, [string]$EndEntityThumbprint) {
    $added = New-Object System.Collections.ArrayList
    foreach ($cert in $Collection) {
        if ($cert.Thumbprint -eq $EndEntityThumbprint) { continue }
        $target = 'CA'
        if (Test-SelfSigned $cert) { $target = 'ROOT' }
        $store = Open-CertStore $target -Write
        try { $store.Add($cert) } finally { $store.Close() }
        [void]$added.Add((Confirm-StoreCertificate $target $cert.Thumbprint))
    }
    return , $added.ToArray()
}

# Get-KeyContainer names the key container behind a certificate's private
# key, or $null when it has none or the key cannot be opened (deleted
# outside Terraform: NTE_BAD_KEYSET). Cng is $true for a CNG (KSP) key.
function Get-KeyContainer($Cert) {
    if ($null -eq $Cert -or -not $Cert.HasPrivateKey) { return $null }
    try {
        $key = Get-CertificatePrivateKey $Cert
    } catch {
        return $null
    }
    if ($null -eq $key) { return $null }
    if ($key -is [System.Security.Cryptography.ICspAsymmetricAlgorithm]) {
        # CspKeyContainerInfo: the container name, provider and key store of a CSP key.
        $info = $key.CspKeyContainerInfo
        return @{ Cng = $false; Name = $info.KeyContainerName; Provider = $info.ProviderName
            ProviderType = $info.ProviderType; Machine = $info.MachineKeyStore; Dsa = ($key -is [System.Security.Cryptography.DSA]) }
    }
    # RSACng.Key / ECDsaCng.Key: CngKey.KeyName, CngKey.Provider (CngProvider), CngKey.IsMachineKey.
    $cngKey = $key.PSObject.Properties['Key']
    if ($null -ne $cngKey -and $cngKey.Value -is [System.Security.Cryptography.CngKey]) {
        return @{ Cng = $true; Name = $cngKey.Value.KeyName; Provider = $cngKey.Value.Provider.Provider; Machine = $cngKey.Value.IsMachineKey }
    }
    return $null
}

# Open-KeyContainer opens a key container by name, as Get-KeyContainer
# described it. CNG: CngKey.Open(String keyName, CngProvider,
# CngKeyOpenOptions.MachineKey) returns the machine key's CngKey. CSP:
# CspParameters(providerType, providerName, keyContainerName) with
# UseExistingKey | UseMachineKeyStore reopens the container as an
# RSA/DSACryptoServiceProvider.
function Open-KeyContainer([hashtable]$Container) {
    if ($Container.Cng) {
        $options = [System.Security.Cryptography.CngKeyOpenOptions]::None
        if ($Container.Machine) { $options = [System.Security.Cryptography.CngKeyOpenOptions]::MachineKey }
        $provider = New-Object System.Security.Cryptography.CngProvider -ArgumentList $Container.Provider
        return [System.Security.Cryptography.CngKey]::Open($Container.Name, $provider, $options)
    }
    $params = New-Object System.Security.Cryptography.CspParameters -ArgumentList $Container.ProviderType, $Container.Provider, $Container.Name
    $params.Flags = [System.Security.Cryptography.CspProviderFlags]::UseExistingKey
    if ($Container.Machine) {
        $params.Flags = $params.Flags -bor [System.Security.Cryptography.CspProviderFlags]::UseMachineKeyStore
    }
    if ($Container.Dsa) {
        return (New-Object System.Security.Cryptography.DSACryptoServiceProvider -ArgumentList $params)
    }
    return (New-Object System.Security.Cryptography.RSACryptoServiceProvider -ArgumentList $params)
}

# Remove-KeyContainer deletes a key container by name, as Get-KeyContainer
# described it; one already gone (NTE_BAD_KEYSET) is fine.
function Remove-KeyContainer([hashtable]$Container) {
    try {
        $key = Open-KeyContainer $Container
        if ($Container.Cng) {
            # CngKey.Delete() removes it from the KSP.
            $key.Delete()
            return
        }
        # CSP: PersistKeyInCsp = $false makes Clear() delete it from the CSP.
        $key.PersistKeyInCsp = $false
        $key.Clear()
    } catch {
        if (Test-HResult $_.Exception $HResultBadKeyset) { return }
        throw
    }
}

# Test-SameKeyContainer: both describe one container (names compare as the
# KSPs and CSPs do, without case).
function Test-SameKeyContainer($A, $B) {
    return ($null -ne $A) -and ($null -ne $B) -and ($A.Cng -eq $B.Cng) -and ($A.Name -eq $B.Name) -and ($A.Provider -eq $B.Provider)
}

# Open-PfxCollection reads a PFX with its keys in the machine key store.
function Open-PfxCollection([byte[]]$Bytes, [hashtable]$A) {
    $keyFlags = [System.Security.Cryptography.X509Certificates.X509KeyStorageFlags]
    $flags = $keyFlags::MachineKeySet -bor $keyFlags::PersistKeySet
    if ($A['exportable'] -eq $true) { $flags = $flags -bor $keyFlags::Exportable }
    $collection = New-Object "$X509.X509Certificate2Collection"
    try {
        $collection.Import($Bytes, [string]$A['password'], $flags)
    } catch {
        # Windows' own code passes through: 0x80070056 for a wrong password,
        # 0x80092009 (CRYPT_E_NO_MATCH, from CryptQueryObject) for bytes that
        # are no certificate, PKCS #7 or PFX at all, 0x8009310B
        # (CRYPT_E_ASN1_BADTAG) for a PFX whose inside is malformed. A bare
        # certificate loads as a collection without a key: Select-EndEntity
        # answers 87.
        $crypto = Find-Exception $_.Exception ([System.Security.Cryptography.CryptographicException])
        if ($null -ne $crypto -and $crypto.HResult -ne 0) { throw $crypto }
        throw (New-OpError 87 ('the PFX cannot be read: {0}' -f (Get-InnermostMessage $_.Exception)))
    }
    return , $collection
}

# Assert-ExpectedThumbprint fails (13, ERROR_INVALID_DATA) when a re-import
# finds another certificate in the PFX than the one it re-imports.
function Assert-ExpectedThumbprint($EndEntity, [hashtable]$A) {
    $expected = [string]$A['expect_thumbprint']
    if ($expected -eq '' -or $EndEntity.Thumbprint -eq $expected.ToUpperInvariant()) { return }
    throw (New-OpError 13 ('the PFX holds certificate {0}, not {1}, which is being imported again; nothing was changed' -f $EndEntity.Thumbprint, $expected.ToUpperInvariant()))
}

# New-KeyLinkedCertificate returns a copy of the certificate (DER) linked to
# the key container $Container names (as Get-KeyContainer described it), for
# X509Store.Add to give the stored certificate that key link again: Add keeps
# the stored context and gives it the added one's properties
# (CertAddCertificateContextToStore, CERT_STORE_ADD_REPLACE_EXISTING_INHERIT_PROPERTIES).
# CNG: CngKey.Open by name, then RSA/ECDsaCertificateExtensions.CopyWithPrivateKey
# (.NET Framework 4.7.2), which sets CERT_KEY_PROV_INFO_PROP_ID to the
# persisted key's name and provider. CSP: setting X509Certificate2.PrivateKey
# to the reopened RSA/DSACryptoServiceProvider sets the same property.
function New-KeyLinkedCertificate([byte[]]$RawData, [hashtable]$Container) {
    $cert = New-Object "$X509.X509Certificate2" -ArgumentList (, $RawData)
    $opened = Open-KeyContainer $Container
    if ($Container.Cng) {
        if ($opened.AlgorithmGroup -eq [System.Security.Cryptography.CngAlgorithmGroup]::Rsa) {
            $key = New-Object System.Security.Cryptography.RSACng -ArgumentList $opened
            $extensions = "$X509.RSACertificateExtensions" -as [type]
        } else {
            $key = New-Object System.Security.Cryptography.ECDsaCng -ArgumentList $opened
            $extensions = "$X509.ECDsaCertificateExtensions" -as [type]
        }
        if ($null -eq $extensions -or $null -eq $extensions.GetMethod('CopyWithPrivateKey')) {
            throw (New-OpError 1 'linking a certificate to a CNG key again needs .NET Framework 4.7.2 or later')
        }
        return $extensions::CopyWithPrivateKey($cert, $key)
    }
    $cert.PrivateKey = $opened
    return $cert
}

# Get-StoredKeyContainer describes the key container the stored certificate
# links to now ($null: not in the store, or no key that opens).
function Get-StoredKeyContainer([string]$StoreName, [string]$Thumbprint) {
    $store = Open-CertStore $StoreName
    try {
        return (Get-KeyContainer (Find-StoreCertificate $store $Thumbprint))
    } finally {
        $store.Close()
    }
}

# Undo-CertificateAdd puts the store back as it was before the end-entity
# was added: a first import is removed; a re-import's certificate is linked
# to its previous key container again (read before the Add: the object
# X509Store.Find returned is a link into the store, and after the Add it
# names the new key). A previous link that did not open is not restored:
# the new key stays linked, better than none. Best effort: the caller
# reports the first failure. It returns what the stored certificate links
# to afterwards, which must not be deleted, and Known = $false when that
# cannot be read (then no key may be deleted).
function Undo-CertificateAdd([string]$StoreName, $EndEntity, [bool]$HadPrevious, $PreviousKey) {
    try {
        $store = Open-CertStore $StoreName -Write
        try {
            if (-not $HadPrevious) {
                $store.Remove($EndEntity)
            } elseif ($null -ne $PreviousKey) {
                $store.Add((New-KeyLinkedCertificate $EndEntity.RawData $PreviousKey))
            }
        } finally { $store.Close() }
    } catch { }
    try {
        return @{ Known = $true; Container = (Get-StoredKeyContainer $StoreName $EndEntity.Thumbprint) }
    } catch {
        return @{ Known = $false; Container = $null }
    }
}

# Import-PfxBytes imports the end-entity certificate of a PFX with its key in
# the machine key store. PersistKeySet writes every key of the PFX to disk
# during Import, so on any failure the keys not kept are deleted again.
#
# A certificate already in the store (a re-import: new key flags, a chain, a
# lost key) stays usable throughout, for the SSL bindings that serve it: the
# new key is written first; X509Store.Add (CertAddCertificateContextToStore,
# CERT_STORE_ADD_REPLACE_EXISTING_INHERIT_PROPERTIES) replaces the stored
# certificate's key link (CERT_KEY_PROV_INFO_PROP_ID) with the new key's; the
# thumbprint and the new key are confirmed; only then is the previous key
# container deleted. On a failure after the Add, Undo-CertificateAdd links
# the certificate to its previous key container again, and the new keys are
# deleted, except one the stored certificate still links to.
function Import-PfxBytes([byte[]]$Bytes, [hashtable]$A) {
    $storeName = [string]$A['store']
    $collection = Open-PfxCollection $Bytes $A
    $linked = $false
    $endEntity = $null
    $hadPrevious = $false
    $previousKey = $null
    try {
        $endEntity = Select-EndEntity $collection
        Assert-ExpectedThumbprint $endEntity $A
        $store = Open-CertStore $storeName -Write -Create
        try {
            # Read before the Add, which changes what $previous points at.
            $previous = Find-StoreCertificate $store $endEntity.Thumbprint
            $hadPrevious = $null -ne $previous
            $previousKey = Get-KeyContainer $previous
            $store.Add($endEntity)
            $linked = $true
        } finally {
            $store.Close()
        }
        $certificate = Confirm-StoreCertificate $storeName $endEntity.Thumbprint -RequireKey
        $chain = @()
        if ($A['import_chain'] -eq $true) { $chain = Add-ChainCertificates $collection $endEntity.Thumbprint }
    } catch {
        $failure = $_
        $stored = @{ Known = $true; Container = $previousKey }
        if ($linked) { $stored = Undo-CertificateAdd $storeName $endEntity $hadPrevious $previousKey }
        if ($stored.Known) {
            foreach ($cert in $collection) {
                try {
                    # Never the container the stored certificate used before, nor the one it links to now.
                    $container = Get-KeyContainer $cert
                    if (-not (Test-SameKeyContainer $container $previousKey) -and -not (Test-SameKeyContainer $container $stored.Container)) {
                        Remove-CertificatePrivateKey $cert
                    }
                } catch { }
            }
        }
        throw $failure
    }
    $newKey = Get-KeyContainer $endEntity
    if ($null -ne $previousKey -and -not (Test-SameKeyContainer $previousKey $newKey)) {
        try {
            Remove-KeyContainer $previousKey
        } catch {
            throw (New-OpError 1 ('certificate {0} was imported again with its new key, but its previous key container {1} could not be deleted: {2}' -f $endEntity.Thumbprint, $previousKey.Name, (Get-InnermostMessage $_.Exception)))
        }
    }
    return @{ certificate = $certificate; chain = $chain }
}

# cert.list of a store that does not exist is empty (and creates nothing).
function Invoke-cert.list([hashtable]$A) {
    $name = [string]$A['store']
    try {
        $store = Open-CertStore $name
    } catch {
        if ((Get-ErrorCode $_.Exception) -eq 2) { return @{ certificates = @() } }
        throw
    }
    try {
        $list = New-Object System.Collections.ArrayList
        foreach ($cert in $store.Certificates) { [void]$list.Add((ConvertTo-CertificateResult $cert $name)) }
        return @{ certificates = $list.ToArray() }
    } finally {
        $store.Close()
    }
}

function Invoke-cert.get([hashtable]$A) {
    $name = [string]$A['store']
    $thumbprint = Get-ThumbprintArg $A
    $store = Open-CertStore $name
    try {
        $cert = Find-StoreCertificate $store $thumbprint
        if ($null -eq $cert) { throw (New-OpError 2 ("certificate {0} is not in LocalMachine\{1}" -f $thumbprint, $name)) }
        if ($A['require_key'] -eq $true) { Assert-PrivateKeyOpens $cert $name '' }
        return (ConvertTo-CertificateResult $cert $name)
    } finally {
        $store.Close()
    }
}

function Invoke-cert.import_pfx([hashtable]$A) {
    try {
        $bytes = [Convert]::FromBase64String([string]$A['pfx_base64'])
    } catch {
        throw (New-OpError 87 'pfx_base64: not valid base64')
    }
    return (Import-PfxBytes $bytes $A)
}

# Test-AbsolutePath: a drive-absolute (C:\...) or UNC (\\server\share\...)
# path. [IO.Path]::IsPathRooted also accepts "\dir\file" and "C:file", which
# resolve against the session's current drive or directory ("File path
# formats on Windows systems", learn.microsoft.com/dotnet/standard/io/file-path-formats);
# over WinRM that is the user's profile folder, not what the user meant.
function Test-AbsolutePath([string]$Path) {
    return ($Path -match '^[A-Za-z]:[\\/]') -or ($Path -match '^[\\/]{2}[^\\/]+[\\/]+[^\\/]')
}

function Invoke-cert.import_pfx_file([hashtable]$A) {
    $path = [string]$A['path']
    if ([string]::IsNullOrWhiteSpace($path)) { throw (New-OpError 87 'path: the path of a .pfx file on the host is required') }
    if (-not (Test-AbsolutePath $path)) {
        throw (New-OpError 87 ('path: {0} is relative; give the full path of the .pfx file on the host, such as C:\Certs\host.pfx' -f $path))
    }
    if (-not (Test-Path -LiteralPath $path -PathType Leaf)) { throw (New-OpError 2 ("no such file: {0}" -f $path)) }
    $bytes = [System.IO.File]::ReadAllBytes($path)
    return (Import-PfxBytes $bytes $A)
}

function Invoke-cert.add([hashtable]$A) {
    $name = [string]$A['store']
    $der = ConvertFrom-CertificatePem ([string]$A['pem'])
    try {
        $cert = New-Object "$X509.X509Certificate2" -ArgumentList (, $der)
    } catch {
        throw (New-OpError 87 ('pem: not an X.509 certificate: {0}' -f (Get-InnermostMessage $_.Exception)))
    }
    $store = Open-CertStore $name -Write -Create
    try { $store.Add($cert) } finally { $store.Close() }
    return (Confirm-StoreCertificate $name $cert.Thumbprint)
}

# cert.remove deletes the private key first: if that fails, the certificate
# is still there, intact, and the error says why.
function Invoke-cert.remove([hashtable]$A) {
    $name = [string]$A['store']
    $thumbprint = Get-ThumbprintArg $A
    $store = Open-CertStore $name -Write
    try {
        $cert = Find-StoreCertificate $store $thumbprint
        if ($null -eq $cert) { throw (New-OpError 2 ("certificate {0} is not in LocalMachine\{1}" -f $thumbprint, $name)) }
        Remove-CertificatePrivateKey $cert
        $store.Remove($cert)
    } finally {
        $store.Close()
    }
    return @{}
}

# ---- private key access (PROTOCOL.md, "Private key access")
#
# A certificate's private key lives in one of two places, each with its own
# security descriptor ("Key Storage and Retrieval", learn.microsoft.com):
#   CAPI (CSP) machine keys: a file under %ProgramData%\Microsoft\Crypto\RSA\
#     MachineKeys named CspKeyContainerInfo.UniqueKeyContainerName; its DACL
#     is the file's (File.GetAccessControl / SetAccessControl).
#   CNG (KSP) machine keys, which Import-PfxCertificate and ECDSA keys always
#     use: the key's "Security Descr" property (NCRYPT_SECURITY_DESCR_PROPERTY)
#     read and written with DACL_SECURITY_INFORMATION (4) as the property
#     flags, i.e. NCryptGetProperty / NCryptSetProperty through CngKey
#     (.NET 4.6 / 4.6.1: RSACertificateExtensions, ECDsaCertificateExtensions).
#     Setting it through CSP APIs fails for these keys.
# The DACL is edited as a RawSecurityDescriptor, ACE by ACE: a grant inserts
# one allow ACE after the explicit ones, a removal takes out exactly that
# ACE, so entries others added stay as they are.

# Access masks ("ACCESS_MASK"; "File Security and Access Rights"), as signed
# 32-bit values the way CommonAce takes them: GENERIC_READ 0x80000000,
# GENERIC_ALL 0x10000000 (CNG); FILE_GENERIC_READ 0x120089, FILE_ALL_ACCESS
# 0x1F01FF (CAPI files, FileSystemRights Read and FullControl).
$KeyMaskGenericRead = [int]-2147483648
$KeyMaskGenericAll = [int]268435456
$KeyMaskFileRead = [int]1179785
$KeyMaskFileAll = [int]2032127
$DaclSecurityInformation = 4
$HResultBadKeysetSigned = [int]-2146893802 # 0x80090016 NTE_BAD_KEYSET as a signed HRESULT

# Get-KeyAccessMask is the mask a grant of Access writes for a key of Provider.
function Get-KeyAccessMask([string]$Provider, [string]$Access) {
    if ($Provider -eq 'capi') {
        if ($Access -eq 'full') { return $KeyMaskFileAll }
        return $KeyMaskFileRead
    }
    if ($Access -eq 'full') { return $KeyMaskGenericAll }
    return $KeyMaskGenericRead
}

# Get-KeyAccessName names what a mask grants: full, read or other.
function Get-KeyAccessName([long]$Mask) {
    if ((($Mask -band 268435456) -ne 0) -or (($Mask -band 2032127) -eq 2032127)) { return 'full' }
    if ((($Mask -band 2147483648) -ne 0) -or (($Mask -band 1179785) -eq 1179785)) { return 'read' }
    return 'other'
}

# New-BadKeysetError is NTE_BAD_KEYSET with context: the certificate has no
# private key the host can open.
function New-BadKeysetError([string]$Message) {
    $inner = New-Object System.Security.Cryptography.CryptographicException -ArgumentList $HResultBadKeysetSigned
    return (New-Object System.Exception -ArgumentList ($Message + ': ' + $inner.Message), $inner)
}

# Open-CertificateKeyDescriptor finds the certificate's key and returns
# @{ Provider = 'cng'|'capi'; Path = the key file; Cng = CngKey or $null;
# Descriptor = RawSecurityDescriptor of its DACL }.
function Open-CertificateKeyDescriptor([hashtable]$A) {
    $name = [string]$A['store']
    $thumbprint = Get-ThumbprintArg $A
    $store = Open-CertStore $name
    try {
        $cert = Find-StoreCertificate $store $thumbprint
    } finally {
        $store.Close()
    }
    if ($null -eq $cert) { throw (New-OpError 2 ("certificate {0} is not in LocalMachine\{1}" -f $thumbprint, $name)) }
    $where = "certificate {0} in LocalMachine\{1}" -f $thumbprint, $name
    if (-not $cert.HasPrivateKey) { throw (New-BadKeysetError ($where + ' has no private key')) }
    $key = $null
    try {
        $key = Get-CertificatePrivateKey $cert
    } catch {
        if (Test-HResult $_.Exception $HResultBadKeyset) { throw (New-BadKeysetError ($where + ': its private key cannot be opened')) }
        throw
    }
    if ($null -eq $key) { throw (New-OpError 1 ($where + ': cannot open its private key; .NET Framework 4.6.1 or later is needed for CNG keys')) }
    $dataDir = $env:ProgramData # where machine keys live
    if ($key -is [System.Security.Cryptography.ICspAsymmetricAlgorithm]) {
        $info = $key.CspKeyContainerInfo
        if (-not $info.MachineKeyStore) { throw (New-OpError 1 ($where + ': its CSP key is in a user profile, not the machine key store')) }
        $path = [System.IO.Path]::Combine($dataDir, 'Microsoft\Crypto\RSA\MachineKeys\' + $info.UniqueKeyContainerName)
        $bytes = [System.IO.File]::GetAccessControl($path, [System.Security.AccessControl.AccessControlSections]::Access).GetSecurityDescriptorBinaryForm()
        return @{ Provider = 'capi'; Path = $path; Cng = $null
            Descriptor = (New-Object System.Security.AccessControl.RawSecurityDescriptor -ArgumentList $bytes, 0) }
    }
    $keyProperty = $key.PSObject.Properties['Key']
    if ($null -eq $keyProperty -or $keyProperty.Value -isnot [System.Security.Cryptography.CngKey]) {
        throw (New-OpError 1 ("{0}: cannot manage a private key of type {1}" -f $where, $key.GetType().FullName))
    }
    # Reopen by name as a machine key, so the handle may read and write the DACL.
    $found = $keyProperty.Value
    $options = [System.Security.Cryptography.CngKeyOpenOptions]::MachineKey
    if (-not $found.IsMachineKey) { throw (New-OpError 1 ($where + ': its CNG key is in a user profile, not the machine key store')) }
    $cng = [System.Security.Cryptography.CngKey]::Open($found.KeyName, $found.Provider, $options)
    $flags = [Enum]::ToObject([System.Security.Cryptography.CngPropertyOptions], $DaclSecurityInformation)
    $bytes = $cng.GetProperty('Security Descr', $flags).GetValue()
    $path = [System.IO.Path]::Combine($dataDir, 'Microsoft\Crypto\Keys\' + $cng.UniqueName)
    return @{ Provider = 'cng'; Path = $path; Cng = $cng
        Descriptor = (New-Object System.Security.AccessControl.RawSecurityDescriptor -ArgumentList $bytes, 0) }
}

# Save-KeyDescriptor writes the edited DACL back where it came from.
function Save-KeyDescriptor([hashtable]$Key) {
    $sd = $Key.Descriptor
    $bytes = New-Object byte[] $sd.BinaryLength
    $sd.GetBinaryForm($bytes, 0)
    if ($Key.Provider -eq 'cng') {
        $flags = [Enum]::ToObject([System.Security.Cryptography.CngPropertyOptions], $DaclSecurityInformation)
        $property = New-Object System.Security.Cryptography.CngProperty -ArgumentList 'Security Descr', $bytes, $flags
        $Key.Cng.SetProperty($property)
        return
    }
    $security = New-Object System.Security.AccessControl.FileSecurity
    $security.SetSecurityDescriptorBinaryForm($bytes, [System.Security.AccessControl.AccessControlSections]::Access)
    [System.IO.File]::SetAccessControl($Key.Path, $security)
}

# Get-KeyGrantArgs reads sid (87 malformed, 1332 no such account) and access.
function Get-KeyGrantArgs([hashtable]$A) {
    $sidText = [string]$A['sid']
    try {
        $sid = New-Object System.Security.Principal.SecurityIdentifier -ArgumentList $sidText
    } catch {
        throw (New-OpError 87 ("sid '" + $sidText + "' is not a SID string"))
    }
    try {
        [void]$sid.Translate([System.Security.Principal.NTAccount])
    } catch {
        throw (New-OpError 1332 ("no account on this host has SID " + $sid.Value))
    }
    $access = [string]$A['access']
    if ($access -ne 'read' -and $access -ne 'full') { throw (New-OpError 87 ("access '" + $access + "' must be read or full")) }
    return @{ Sid = $sid; Access = $access }
}

# ConvertTo-KeyAclResult is the protocol's key access object.
function ConvertTo-KeyAclResult([hashtable]$A, [hashtable]$Key, $Changed) {
    $entries = New-Object System.Collections.ArrayList
    $acl = $Key.Descriptor.DiscretionaryAcl
    if ($null -ne $acl) {
        foreach ($ace in $acl) {
            if ($ace -isnot [System.Security.AccessControl.CommonAce]) { continue }
            if ($ace.AceQualifier -ne [System.Security.AccessControl.AceQualifier]::AccessAllowed) { continue }
            $mask = ([long]$ace.AccessMask) -band 4294967295
            $account = $ace.SecurityIdentifier.Value
            try { $account = $ace.SecurityIdentifier.Translate([System.Security.Principal.NTAccount]).Value } catch { $account = $ace.SecurityIdentifier.Value }
            [void]$entries.Add(@{ sid = $ace.SecurityIdentifier.Value; account = $account; access_mask = $mask; access = (Get-KeyAccessName $mask) })
        }
    }
    $result = @{
        store      = ([string]$A['store']).ToUpperInvariant()
        thumbprint = (Get-ThumbprintArg $A)
        provider   = $Key.Provider
        key_path   = $Key.Path
        entries    = $entries.ToArray()
    }
    if ($null -ne $Changed) { $result['changed'] = [bool]$Changed }
    return $result
}

function Invoke-cert.key_acl.get([hashtable]$A) {
    $key = Open-CertificateKeyDescriptor $A
    return (ConvertTo-KeyAclResult $A $key $null)
}

# cert.key_acl.add inserts one allow ACE for the SID after the explicit
# ACEs (before inherited ones, the canonical order), unless an allow ACE of
# that SID already grants the access.
function Invoke-cert.key_acl.add([hashtable]$A) {
    $grant = Get-KeyGrantArgs $A
    $key = Open-CertificateKeyDescriptor $A
    $acl = $key.Descriptor.DiscretionaryAcl
    if ($null -eq $acl) { throw (New-OpError 1 'the private key has no DACL (everyone has full access); refusing to replace it with one entry') }
    $insertAt = $acl.Count
    for ($i = 0; $i -lt $acl.Count; $i++) {
        $ace = $acl[$i]
        if (($ace.AceFlags -band [System.Security.AccessControl.AceFlags]::Inherited) -ne 0) { $insertAt = $i; break }
        if ($ace -is [System.Security.AccessControl.CommonAce] -and
            $ace.AceQualifier -eq [System.Security.AccessControl.AceQualifier]::AccessAllowed -and
            $ace.SecurityIdentifier -eq $grant.Sid) {
            $held = Get-KeyAccessName (([long]$ace.AccessMask) -band 4294967295)
            if ($held -eq 'full' -or $held -eq $grant.Access) { return (ConvertTo-KeyAclResult $A $key $false) }
        }
    }
    $mask = Get-KeyAccessMask $key.Provider $grant.Access
    # CommonAce(AceFlags, AceQualifier, int accessMask, SecurityIdentifier, bool isCallback, byte[] opaque)
    $aceFlags = [System.Security.AccessControl.AceFlags]::None
    $allow = [System.Security.AccessControl.AceQualifier]::AccessAllowed
    $newAce = New-Object System.Security.AccessControl.CommonAce -ArgumentList $aceFlags, $allow, $mask, $grant.Sid, $false, $null
    $acl.InsertAce($insertAt, $newAce)
    Save-KeyDescriptor $key
    return (ConvertTo-KeyAclResult $A (Open-CertificateKeyDescriptor $A) $true)
}

# cert.key_acl.remove removes the one explicit allow ACE cert.key_acl.add
# writes for the SID and access (the same mask); other ACEs stay.
function Invoke-cert.key_acl.remove([hashtable]$A) {
    $grant = Get-KeyGrantArgs $A
    $key = Open-CertificateKeyDescriptor $A
    $acl = $key.Descriptor.DiscretionaryAcl
    $mask = Get-KeyAccessMask $key.Provider $grant.Access
    if ($null -ne $acl) {
        for ($i = 0; $i -lt $acl.Count; $i++) {
            $ace = $acl[$i]
            if ($ace -is [System.Security.AccessControl.CommonAce] -and
                $ace.AceQualifier -eq [System.Security.AccessControl.AceQualifier]::AccessAllowed -and
                ($ace.AceFlags -band [System.Security.AccessControl.AceFlags]::Inherited) -eq 0 -and
                $ace.SecurityIdentifier -eq $grant.Sid -and $ace.AccessMask -eq $mask) {
                $acl.RemoveAce($i)
                Save-KeyDescriptor $key
                return (ConvertTo-KeyAclResult $A (Open-CertificateKeyDescriptor $A) $true)
            }
        }
    }
    return (ConvertTo-KeyAclResult $A $key $false)
}
