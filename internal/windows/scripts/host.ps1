# Domain: host facts. Needs only .NET and CIM (Windows Server 2012 and later).

function Invoke-host.info([hashtable]$A) {
    $os = Get-CimInstance -ClassName Win32_OperatingSystem
    return @{
        hostname           = [Environment]::MachineName
        os_caption         = [string]$os.Caption
        os_version         = [string]$os.Version
        powershell_version = $PSVersionTable.PSVersion.ToString()
    }
}
