# tfwin-agent-v1
# The host agent's PowerShell host (PROTOCOL.md, "The agent"): every op runs
# in the C# agent below; this script only loads it and hands it the request.
# The worker or bootstrap invokes the whole script as a script block with the
# op name, the base64 of its UTF-8 JSON arguments and, in a worker, the
# request id. User values reach only the agent, as that data: no cmdlet sees
# them, so PowerShell's Module Logging (event 4103) cannot record a secret.
param([string]$Op, [string]$ArgsBase64, [string]$RequestId = '')
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3

#@AGENT-SOURCE@

# The agent is compiled once per host and agent version (csc.exe: 1-3 s,
# more under antivirus), not per process: the assembly is kept in
# %ProgramData%\TfWinAssemblies, a folder only Administrators and SYSTEM may
# write, checked before each use. Its name is <SHA-256 of the source>-
# <SHA-256 of the DLL>.dll; the bytes are read, their hash checked against
# the name, and those bytes (never a path that could be swapped between
# check and load) go to Assembly.Load. A folder that cannot be trusted means
# a compile in memory, as Add-Type does by default.

function Get-Sha256Hex([byte[]]$Bytes) {
    $sha = [Security.Cryptography.SHA256]::Create()
    try { return -join ($sha.ComputeHash($Bytes) | ForEach-Object { $_.ToString('x2') }) } finally { $sha.Dispose() }
}

# Test-AdminOnlyFolder: owned by Administrators or SYSTEM, no inherited
# rules, and no other account allowed any right that writes: FileSystemRights
# Write|AppendData|WriteExtendedAttributes|DeleteSubdirectoriesAndFiles|
# WriteAttributes|Delete|ChangePermissions|TakeOwnership (0x000D0156) and
# GENERIC_ALL|GENERIC_WRITE (0x50000000).
function Test-AdminOnlyFolder([string]$Path) {
    $trusted = @('S-1-5-32-544', 'S-1-5-18')
    $acl = [IO.Directory]::GetAccessControl($Path)
    if ($trusted -notcontains $acl.GetOwner([Security.Principal.SecurityIdentifier]).Value -or -not $acl.AreAccessRulesProtected) { return $false }
    foreach ($rule in $acl.GetAccessRules($true, $true, [Security.Principal.SecurityIdentifier])) {
        if ($rule.AccessControlType -ne 'Allow' -or $trusted -contains $rule.IdentityReference.Value) { continue }
        if (([int64]$rule.FileSystemRights -band 0x500D0156) -ne 0) { return $false }
    }
    return $true
}

function New-AgentCompiler([bool]$InMemory, [string]$Output) {
    $params = New-Object CodeDom.Compiler.CompilerParameters
    $params.GenerateInMemory = $InMemory
    if (-not $InMemory) { $params.OutputAssembly = $Output }
    foreach ($name in $AgentReferences) { $null = $params.ReferencedAssemblies.Add($name) }
    return $params
}

function Import-Agent {
    $compiler = New-Object Microsoft.CSharp.CSharpCodeProvider
    try {
        $folder = Join-Path ([Environment]::GetFolderPath('CommonApplicationData')) 'TfWinAssemblies'
        if (-not [IO.Directory]::Exists($folder)) {
            $security = New-Object Security.AccessControl.DirectorySecurity
            $security.SetAccessRuleProtection($true, $false)
            foreach ($sid in @('S-1-5-32-544', 'S-1-5-18')) {
                $rule = New-Object Security.AccessControl.FileSystemAccessRule -ArgumentList (New-Object Security.Principal.SecurityIdentifier $sid), 'FullControl', 'ContainerInherit, ObjectInherit', 'None', 'Allow'
                $security.AddAccessRule($rule)
            }
            $security.SetOwner((New-Object Security.Principal.SecurityIdentifier 'S-1-5-32-544'))
            $null = [IO.Directory]::CreateDirectory($folder, $security)
        }
        if (Test-AdminOnlyFolder $folder) {
            $sourceHash = Get-Sha256Hex ([Text.Encoding]::UTF8.GetBytes($AgentSource))
            for ($attempt = 0; $attempt -lt 2; $attempt++) {
                foreach ($file in [IO.Directory]::GetFiles($folder, $sourceHash + '-*.dll')) {
                    $bytes = [IO.File]::ReadAllBytes($file)
                    if ((Get-Sha256Hex $bytes) -eq [IO.Path]::GetFileNameWithoutExtension($file).Substring(65)) {
                        $null = [Reflection.Assembly]::Load($bytes)
                        return
                    }
                }
                if ($attempt -eq 0) {
                    $tmp = Join-Path $folder ($sourceHash + '.' + [Guid]::NewGuid().ToString('N') + '.tmp')
                    try {
                        $results = $compiler.CompileAssemblyFromSource((New-AgentCompiler $false $tmp), $AgentSource)
                        if (-not $results.Errors.HasErrors) {
                            $final = Join-Path $folder ($sourceHash + '-' + (Get-Sha256Hex ([IO.File]::ReadAllBytes($tmp))) + '.dll')
                            if (-not [IO.File]::Exists($final)) { [IO.File]::Move($tmp, $final) }
                        }
                    } finally { if ([IO.File]::Exists($tmp)) { [IO.File]::Delete($tmp) } }
                }
            }
        }
    } catch { $null = $_ } # the cache is an optimisation: any failure compiles in memory
    $results = $compiler.CompileAssemblyFromSource((New-AgentCompiler $true ''), $AgentSource)
    if ($results.Errors.HasErrors) { throw ('the agent does not compile on this host: ' + ($results.Errors | Select-Object -First 3 | Out-String)) }
    $null = $results.CompiledAssembly # loads it
}

if ($null -eq ('TfWin.Windows.PowerShellEntry' -as [type])) { Import-Agent }
$reply = [TfWin.Windows.PowerShellEntry]::Run($Op, $ArgsBase64, $RequestId)
if ($null -eq $reply) { & ('Invoke-' + $Op) } # an op the agent lacks fails as an unknown command does
[Console]::Out.Write($reply.Line + [char]13 + [char]10)
[Console]::Out.Flush()
if ($RequestId -eq '') { if ($reply.Ok) { exit 0 } else { exit 1 } }
