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
# Encodings: XmlTextReader takes the byte order mark (UTF-8, UTF-16 LE or BE)
# and, without one, the encoding the XML declaration names, else UTF-8
# ("XmlTextReader.Encoding": "If no encoding attribute exists, and there is
# no byte-order mark, this defaults to UTF-8"). Saving through an
# XmlTextWriter uses the writer's encoding and ignores the declaration
# ("XmlDocument.CreateXmlDeclaration", Remarks), so the writer must be given
# the declared encoding (windows-1252 in German shops) or the file is
# written as UTF-8 under a declaration that says otherwise.
# appSettings are read as System.Configuration reads them: <add>, <remove>
# and <clear/> in document order ("<remove> element for <appSettings>",
# "<clear> element for <appSettings>"); a section with configSource keeps
# its entries in another file and "may contain no other attributes or
# elements" (SectionInformation.ConfigSource; ConfigurationErrorsException
# when the application starts), so it is refused, naming that file, whose
# own root is <appSettings> and which can be managed itself.
# The new file is written next to the old one and swapped in with
# System.IO.File.Replace (ReplaceFile): atomic on NTFS, keeps the original's
# ACL and attributes, and leaves the previous content in "<file>.tfbak".
# Windows PowerShell 4.0 and 5.1: no classes, no ::new().
#
# Errors: 2 no such file, 13 (ERROR_INVALID_DATA) not well-formed XML or no
# <configuration> root, 87 bad argument (also a key or value that XML 1.0
# cannot hold, or that the file's encoding cannot write), 5 access denied,
# 50 (ERROR_NOT_SUPPORTED) appSettings kept in a configSource file, 1306
# (ERROR_REVISION_MISMATCH) the entry is not what the caller expected.

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
    Assert-XmlText 'key' $key
    return $key
}

# Assert-XmlText refuses text an XML 1.0 attribute cannot hold: NUL and the
# C0 controls but TAB, CR and LF, and U+FFFE/U+FFFF (XML 1.0, 2.2
# Characters, production [2] Char). XmlTextWriter writes them raw and leaves
# a file no XML reader (the application's included) can load. U+007F is a
# legal Char but a control character XML 1.0 discourages (2.2, the note on
# compatibility characters); nothing in a .config needs it and editors and
# consoles hide it, so it is refused too.
function Assert-XmlText([string]$Name, [string]$Text) {
    $m = [regex]::Match($Text, '[\x00-\x08\x0B\x0C\x0E-\x1F\x7F\uFFFE\uFFFF]')
    if ($m.Success) {
        throw (New-OpError 87 ('{0}: character U+{1:X4} at position {2} cannot be stored in an XML configuration file (XML 1.0 cannot hold it); remove it' -f $Name, [int][char]$m.Value, ($m.Index + 1)))
    }
}

# Get-FileEncodingName names the encoding XmlTextReader read the file in:
# its byte order mark's, else the one its XML declaration names (Decl, as
# the loaded document has it), else UTF-8.
function Get-FileEncodingName([byte[]]$Bytes, [string]$Decl) {
    if ($Bytes.Length -ge 3 -and $Bytes[0] -eq 0xEF -and $Bytes[1] -eq 0xBB -and $Bytes[2] -eq 0xBF) { return 'utf-8-bom' }
    if ($Bytes.Length -ge 2 -and $Bytes[0] -eq 0xFF -and $Bytes[1] -eq 0xFE) { return 'utf-16le' }
    if ($Bytes.Length -ge 2 -and $Bytes[0] -eq 0xFE -and $Bytes[1] -eq 0xFF) { return 'utf-16be' }
    if ([string]::IsNullOrEmpty($Decl)) { return 'utf-8' }
    return ([System.Text.Encoding]::GetEncoding($Decl)).WebName.ToLowerInvariant()
}

# New-FileEncoding returns the System.Text.Encoding that writes a file back
# as it was: with the BOM it had, or without; a declared single-byte
# encoding fails on a character it cannot write instead of writing "?".
function New-FileEncoding([string]$Name) {
    if ($Name -eq 'utf-8') { return (New-Object System.Text.UTF8Encoding -ArgumentList $false) }
    if ($Name -eq 'utf-8-bom') { return (New-Object System.Text.UTF8Encoding -ArgumentList $true) }
    if ($Name -eq 'utf-16le') { return (New-Object System.Text.UnicodeEncoding -ArgumentList $false, $true) }
    if ($Name -eq 'utf-16be') { return (New-Object System.Text.UnicodeEncoding -ArgumentList $true, $true) }
    return [System.Text.Encoding]::GetEncoding($Name, [System.Text.EncoderFallback]::ExceptionFallback, [System.Text.DecoderFallback]::ExceptionFallback)
}

# Assert-Encodable refuses text the file's encoding cannot write (an emoji
# in a windows-1252 file), before anything is written.
function Assert-Encodable([string]$Name, [string]$Text, [string]$EncodingName) {
    try {
        $null = (New-FileEncoding $EncodingName).GetByteCount($Text)
    } catch [System.Text.EncoderFallbackException] {
        $e = Find-Exception $_.Exception ([System.Text.EncoderFallbackException])
        $cp = 0
        if ($null -ne $e) {
            $cp = [int]$e.CharUnknown
            if ($e.IsUnknownSurrogate()) { $cp = [char]::ConvertToUtf32($e.CharUnknownHigh, $e.CharUnknownLow) }
        }
        throw (New-OpError 87 ('{0}: the file is in {1}, which cannot hold the character U+{2:X4}; use only characters of that encoding (or convert the file to UTF-8)' -f $Name, $EncodingName, $cp))
    }
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
    if ($null -eq $doc.DocumentElement -or ($doc.DocumentElement.Name -cne 'configuration' -and $doc.DocumentElement.Name -cne 'appSettings')) {
        throw (New-OpError 13 ('{0} is not a .NET configuration file: its root element is not <configuration> (or <appSettings>, for a configSource file)' -f $Path))
    }
    $decl = $null
    if ($doc.FirstChild -is [System.Xml.XmlDeclaration]) { $decl = $doc.FirstChild.Encoding }
    return @{ Document = $doc; Path = $Path; Encoding = (Get-FileEncodingName $bytes $decl) }
}

# Get-AppSettingsSections returns the file's <appSettings> elements: the
# root's children, or the root itself in a file that a configSource names.
# A section that keeps its entries in a configSource file is refused.
function Get-AppSettingsSections($Config) {
    $root = $Config.Document.DocumentElement
    $sections = New-Object System.Collections.ArrayList
    if ($root.Name -ceq 'appSettings') {
        $null = $sections.Add($root)
        return , $sections.ToArray()
    }
    foreach ($node in $root.ChildNodes) {
        if ($node.NodeType -ne [System.Xml.XmlNodeType]::Element -or $node.Name -cne 'appSettings') { continue }
        if ($node.HasAttribute('configSource')) {
            $source = $node.GetAttribute('configSource')
            $full = [System.IO.Path]::GetFullPath([System.IO.Path]::Combine([System.IO.Path]::GetDirectoryName($Config.Path), $source))
            throw (New-OpError 50 ('{0} keeps its appSettings in {1} (<appSettings configSource="{2}"/>), and .NET refuses to start an application whose configSource section has entries of its own: set config_path to {1}' -f $Config.Path, $full, $source))
        }
        $null = $sections.Add($node)
    }
    return , $sections.ToArray()
}

function Test-KeyIs($Node, [string]$Key) {
    return [string]::Equals($Node.GetAttribute('key'), $Key, [System.StringComparison]::OrdinalIgnoreCase)
}

# Find-AppSetting returns the <add> element that gives key its value, or
# $null: <add>, <remove key> and <clear/> count in document order, as
# AppSettingsSection reads them, so of several <add> the last counts and a
# later <remove> or <clear/> leaves the key without a value. Keys compare
# case-insensitively, as ConfigurationManager.AppSettings looks them up.
function Find-AppSetting($Config, [string]$Key) {
    $found = $null
    foreach ($section in (Get-AppSettingsSections $Config)) {
        foreach ($node in $section.ChildNodes) {
            if ($node.NodeType -ne [System.Xml.XmlNodeType]::Element) { continue }
            if ($node.Name -ceq 'add' -and (Test-KeyIs $node $Key)) { $found = $node }
            elseif ($node.Name -ceq 'remove' -and (Test-KeyIs $node $Key)) { $found = $null }
            elseif ($node.Name -ceq 'clear') { $found = $null }
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

# Add-AppSetting creates <add key="KEY"/> at the end of the last
# <appSettings> (after any <remove> or <clear/>, so that it counts), and
# <appSettings> if the file has none (at the end of <configuration>:
# <configSections> must stay first). A key that matches nothing is created,
# never silently skipped.
function Add-AppSetting($Config, [string]$Key) {
    $Doc = $Config.Document
    $section = $null
    foreach ($node in (Get-AppSettingsSections $Config)) { $section = $node }
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
    $hash = Get-Sha256Hex ([System.Text.Encoding]::UTF8.GetBytes($full))
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

# Assert-Expected refuses a set when the caller said what it expects the
# entry to be (expected: a value, or null for no entry) and the file holds
# something else: another resource or a person changed it since the caller
# read it, and writing now would silently overwrite that change.
function Assert-Expected([hashtable]$A, [string]$Path, [string]$Key, $Node) {
    if (-not $A.ContainsKey('expected')) { return }
    $expected = $A['expected']
    $current = $null
    if ($null -ne $Node) { $current = $Node.GetAttribute('value') }
    if (($null -eq $expected) -and ($null -eq $Node)) { return }
    if (($null -ne $expected) -and ($null -ne $Node) -and ($current -ceq [string]$expected)) { return }
    $want = 'no entry'
    if ($null -ne $expected) { $want = 'the value "{0}"' -f $expected }
    $have = 'no entry'
    if ($null -ne $Node) { $have = 'the value "{0}"' -f $current }
    throw (New-OpError 1306 ('{0} in {1} has {2}, not {3} as recorded: something else changed it (another resource on the same key, or a person); nothing was written' -f $Key, $Path, $have, $want))
}

function Invoke-appconfig.get([hashtable]$A) {
    $path = Get-ConfigPathArg $A
    $key = Get-SettingKeyArg $A
    $config = Read-ConfigFile $path
    $node = Find-AppSetting $config $key
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
    Assert-XmlText 'value' $value
    return (Use-FileLock $path {
        $config = Read-ConfigFile $path
        $node = Find-AppSetting $config $key
        Assert-Expected $A $path $key $node
        $previous = $null
        if ($null -ne $node) { $previous = $node.GetAttribute('value') }
        $backupPath = Get-BackupPath $path
        if ($null -eq $node -or -not $node.HasAttribute('value') -or $previous -cne $value) {
            Assert-Encodable 'value' $value $config.Encoding
            if ($null -eq $node) {
                Assert-Encodable 'key' $key $config.Encoding
                $node = Add-AppSetting $config $key
            }
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
        $node = Find-AppSetting $config $key
        Assert-Expected $A $path $key $node
        if ($null -eq $node) { return @{} }
        $parent = $node.ParentNode
        if (Test-WhitespaceNode $node.PreviousSibling) { $null = $parent.RemoveChild($node.PreviousSibling) }
        $null = $parent.RemoveChild($node)
        $null = Save-ConfigFile $path $config.Document $config.Encoding
        return @{}
    })
}
