# Domain: .NET application configuration files (*.exe.config), PROTOCOL.md
# "App config files": read, set and remove one appSettings entry
# (/configuration/appSettings/add[@key=KEY]/@value).
#
# .NET APIs (all in .NET Framework 4.5): System.Xml.XmlDocument with
# PreserveWhitespace (the file's layout survives; ansible/ansible #48471 is
# what happens without it), loaded through XmlTextReader (XmlDocument.Load),
# which does not normalise line ends; written back with XmlTextWriter in the
# file's own encoding, BOM or none, through XmlDocument.WriteTo, which writes
# the document's own XML declaration (or none) instead of a new one.
# The new file is written next to the old one and swapped in with
# System.IO.File.Replace (ReplaceFile): atomic on NTFS, keeps the original's
# ACL and attributes, and leaves the previous content in "<file>.tfbak".
# Windows PowerShell 4.0 and 5.1: no classes, no ::new().
#
# Errors: 2 no such file, 13 (ERROR_INVALID_DATA) not well-formed XML or no
# <configuration> root, 87 bad argument, 5 access denied.

$AppConfigBackupSuffix = '.tfbak'

function Get-ConfigPathArg([hashtable]$A) {
    $path = [string]$A['path']
    if ([string]::IsNullOrWhiteSpace($path) -or -not [System.IO.Path]::IsPathRooted($path)) {
        throw (New-OpError 87 'path: an absolute path to the .config file is required, such as C:\Program Files\App\App.exe.config')
    }
    return $path
}

function Get-SettingKeyArg([hashtable]$A) {
    $key = [string]$A['key']
    if ([string]::IsNullOrEmpty($key)) { throw (New-OpError 87 'key: an appSettings key is required') }
    return $key
}

# Get-BomEncodingName names the encoding the file's byte order mark says; a
# file without one is UTF-8, as XmlDocument reads it.
function Get-BomEncodingName([byte[]]$Bytes) {
    if ($Bytes.Length -ge 3 -and $Bytes[0] -eq 0xEF -and $Bytes[1] -eq 0xBB -and $Bytes[2] -eq 0xBF) { return 'utf-8-bom' }
    if ($Bytes.Length -ge 2 -and $Bytes[0] -eq 0xFF -and $Bytes[1] -eq 0xFE) { return 'utf-16le' }
    return 'utf-8'
}

# New-FileEncoding returns the System.Text.Encoding that writes a file back
# as it was: with the BOM it had, or without.
function New-FileEncoding([string]$Name) {
    if ($Name -eq 'utf-8-bom') { return (New-Object System.Text.UTF8Encoding -ArgumentList $true) }
    if ($Name -eq 'utf-16le') { return (New-Object System.Text.UnicodeEncoding -ArgumentList $false, $true) }
    return (New-Object System.Text.UTF8Encoding -ArgumentList $false)
}

# Read-ConfigFile loads the file as an XmlDocument that keeps whitespace.
function Read-ConfigFile([string]$Path) {
    if (-not [System.IO.File]::Exists($Path)) {
        throw (New-OpError 2 ('{0} does not exist' -f $Path))
    }
    try {
        $bytes = [System.IO.File]::ReadAllBytes($Path)
    } catch [System.UnauthorizedAccessException] {
        throw (New-OpError 5 ('cannot read {0}: access denied' -f $Path))
    }
    $doc = New-Object System.Xml.XmlDocument
    $doc.PreserveWhitespace = $true
    $doc.XmlResolver = $null # no DTD or entity fetched from anywhere
    $stream = New-Object System.IO.MemoryStream -ArgumentList (, $bytes)
    try {
        $doc.Load($stream)
    } catch {
        throw (New-OpError 13 ('{0} is not well-formed XML: {1}' -f $Path, $_.Exception.InnerException.Message))
    } finally {
        $stream.Dispose()
    }
    if ($null -eq $doc.DocumentElement -or $doc.DocumentElement.Name -cne 'configuration') {
        throw (New-OpError 13 ('{0} is not a .NET configuration file: its root element is not <configuration>' -f $Path))
    }
    return @{ Document = $doc; Encoding = (Get-BomEncodingName $bytes) }
}

# Find-AppSetting returns the <add> element of key, or $null. Keys compare
# case-insensitively, as ConfigurationManager.AppSettings looks them up; of
# several elements the last counts, as it does for the application.
function Find-AppSetting($Doc, [string]$Key) {
    $found = $null
    foreach ($section in $Doc.DocumentElement.ChildNodes) {
        if ($section.NodeType -ne [System.Xml.XmlNodeType]::Element -or $section.Name -cne 'appSettings') { continue }
        foreach ($node in $section.ChildNodes) {
            if ($node.NodeType -eq [System.Xml.XmlNodeType]::Element -and $node.Name -ceq 'add' -and
                [string]::Equals($node.GetAttribute('key'), $Key, [System.StringComparison]::OrdinalIgnoreCase)) {
                $found = $node
            }
        }
    }
    return $found
}

function Test-WhitespaceNode($Node) {
    return ($null -ne $Node) -and ($Node.NodeType -eq [System.Xml.XmlNodeType]::Whitespace -or
        $Node.NodeType -eq [System.Xml.XmlNodeType]::SignificantWhitespace)
}

# Add-IndentedChild appends Child after Parent's last element, indented as
# that element is, so the file keeps its layout.
function Add-IndentedChild($Parent, $Child) {
    $last = $null
    foreach ($node in $Parent.ChildNodes) {
        if ($node.NodeType -eq [System.Xml.XmlNodeType]::Element) { $last = $node }
    }
    if ($null -eq $last) {
        $null = $Parent.AppendChild($Child)
        return
    }
    $null = $Parent.InsertAfter($Child, $last)
    if (Test-WhitespaceNode $last.PreviousSibling) {
        $null = $Parent.InsertAfter($Parent.OwnerDocument.CreateWhitespace($last.PreviousSibling.Value), $last)
    }
}

# Add-AppSetting creates <add key="KEY"/>, and <appSettings> if the file has
# none (at the end of <configuration>: <configSections> must stay first).
# A key that matches nothing is created, never silently skipped.
function Add-AppSetting($Doc, [string]$Key) {
    $section = $null
    foreach ($node in $Doc.DocumentElement.ChildNodes) {
        if ($node.NodeType -eq [System.Xml.XmlNodeType]::Element -and $node.Name -ceq 'appSettings') { $section = $node }
    }
    if ($null -eq $section) {
        $section = $Doc.CreateElement('appSettings')
        Add-IndentedChild $Doc.DocumentElement $section
    }
    $add = $Doc.CreateElement('add')
    $add.SetAttribute('key', $Key)
    Add-IndentedChild $section $add
    return $add
}

# Save-ConfigFile writes the document to a temporary file in the same folder
# and swaps it in with File.Replace, keeping the old content as a backup.
function Save-ConfigFile([string]$Path, $Doc, [string]$EncodingName) {
    $folder = [System.IO.Path]::GetDirectoryName($Path)
    $temp = [System.IO.Path]::Combine($folder, ('{0}.{1}.tmp' -f [System.IO.Path]::GetFileName($Path), [guid]::NewGuid().ToString('N')))
    $backup = $Path + $AppConfigBackupSuffix
    try {
        $stream = New-Object System.IO.FileStream -ArgumentList $temp, ([System.IO.FileMode]::CreateNew), ([System.IO.FileAccess]::Write)
        try {
            $writer = New-Object System.Xml.XmlTextWriter -ArgumentList $stream, (New-FileEncoding $EncodingName)
            $writer.Formatting = [System.Xml.Formatting]::None
            $Doc.WriteTo($writer)
            $writer.Flush()
        } finally {
            $stream.Dispose()
        }
        [System.IO.File]::Replace($temp, $Path, $backup)
    } catch [System.UnauthorizedAccessException] {
        throw (New-OpError 5 ('cannot write {0}: access denied' -f $Path))
    } finally {
        if ([System.IO.File]::Exists($temp)) { [System.IO.File]::Delete($temp) }
    }
    return $backup
}

# Use-FileLock runs $Action while holding a machine-wide named mutex for the
# file, so two requests changing one file (Terraform applies resources in
# parallel; two settings of one .exe.config are common) read, change and
# replace it one after the other instead of losing each other's change.
# System.Threading.Mutex with a "Global\" name is visible to every session.
function Use-FileLock([string]$Path, [scriptblock]$Action) {
    $full = [System.IO.Path]::GetFullPath($Path).ToUpperInvariant()
    $sha = [System.Security.Cryptography.SHA256]::Create()
    try { $hash = (($sha.ComputeHash([System.Text.Encoding]::UTF8.GetBytes($full)) | ForEach-Object { $_.ToString('x2') }) -join '') }
    finally { $sha.Dispose() }
    $mutex = New-Object System.Threading.Mutex -ArgumentList $false, ('Global\tfwin-appconfig-' + $hash)
    $owned = $false
    try {
        # An abandoned mutex (its holder died) is ours now: the file itself
        # was swapped atomically, so it is whole.
        try { $owned = $mutex.WaitOne([TimeSpan]::FromSeconds(60)) } catch [System.Threading.AbandonedMutexException] { $owned = $true }
        if (-not $owned) { throw (New-OpError 1460 ('timed out after 60 s waiting for another change to {0}' -f $Path)) } # ERROR_TIMEOUT
        return (& $Action)
    } finally {
        if ($owned) { $mutex.ReleaseMutex() }
        $mutex.Dispose()
    }
}

function Get-BackupPath([string]$Path) {
    $backup = $Path + $AppConfigBackupSuffix
    if ([System.IO.File]::Exists($backup)) { return $backup }
    return $null
}

function Invoke-appconfig.get([hashtable]$A) {
    $path = Get-ConfigPathArg $A
    $key = Get-SettingKeyArg $A
    $config = Read-ConfigFile $path
    $node = Find-AppSetting $config.Document $key
    $value = $null
    if ($null -ne $node) { $value = $node.GetAttribute('value') }
    return @{ path = $path; key = $key; value = $value; exists = ($null -ne $node)
        encoding = $config.Encoding; backup_path = (Get-BackupPath $path) }
}

function Invoke-appconfig.set([hashtable]$A) {
    $path = Get-ConfigPathArg $A
    $key = Get-SettingKeyArg $A
    if ($null -eq $A['value']) { throw (New-OpError 87 'value: a value is required (it may be empty)') }
    $value = [string]$A['value']
    return (Use-FileLock $path {
        $config = Read-ConfigFile $path
        $node = Find-AppSetting $config.Document $key
        $previous = $null
        if ($null -ne $node) { $previous = $node.GetAttribute('value') }
        $backupPath = Get-BackupPath $path
        if ($null -eq $node -or -not $node.HasAttribute('value') -or $previous -cne $value) {
            if ($null -eq $node) { $node = Add-AppSetting $config.Document $key }
            $node.SetAttribute('value', $value)
            $backupPath = Save-ConfigFile $path $config.Document $config.Encoding
        }
        return @{ path = $path; key = $key; value = $value; exists = $true; encoding = $config.Encoding
            backup_path = $backupPath; previous_value = $previous; existed = ($null -ne $previous) }
    })
}

function Invoke-appconfig.remove([hashtable]$A) {
    $path = Get-ConfigPathArg $A
    $key = Get-SettingKeyArg $A
    return (Use-FileLock $path {
        $config = Read-ConfigFile $path
        $node = Find-AppSetting $config.Document $key
        if ($null -eq $node) { return @{} }
        $parent = $node.ParentNode
        if (Test-WhitespaceNode $node.PreviousSibling) { $null = $parent.RemoveChild($node.PreviousSibling) }
        $null = $parent.RemoveChild($node)
        $null = Save-ConfigFile $path $config.Document $config.Encoding
        return @{}
    })
}
