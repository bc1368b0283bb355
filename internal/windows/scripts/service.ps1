# Domain: Windows services, PROTOCOL.md "Services": read a service and
# restart it with bounded waits.
#
# .NET and Windows APIs: System.ServiceProcess.ServiceController (Status,
# DisplayName, ServiceName, DependentServices, Stop, Start, Refresh,
# WaitForStatus(ServiceControllerStatus, TimeSpan), which throws
# System.ServiceProcess.TimeoutException when the time runs out); the start
# type from the service's registry key (HKLM\SYSTEM\CurrentControlSet\
# Services\NAME: Start 2/3/4, DelayedAutostart 1), as ServiceController.
# StartType needs .NET 4.6.1; exit codes from CIM Win32_Service (ExitCode,
# ServiceSpecificExitCode), what services.msc and "sc query" show. Nothing
# here reads localized text. Windows PowerShell 4.0 and 5.1: no classes, no
# ::new().
#
# Errors (System Error Codes): 1060 ERROR_SERVICE_DOES_NOT_EXIST, 1053
# ERROR_SERVICE_REQUEST_TIMEOUT when a state is not reached in time, or the
# Win32 exit code the service failed to start with (1069
# ERROR_SERVICE_LOGON_FAILED, ...), with the state and exit code named.

Add-Type -AssemblyName System.ServiceProcess

$ServiceDefaultTimeoutSeconds = 120
$ServicePollMilliseconds = 250

function Get-ServiceNameArg([hashtable]$A) {
    $name = [string]$A['name']
    if ([string]::IsNullOrWhiteSpace($name) -or $name.IndexOfAny([char[]]'\/') -ge 0) {
        throw (New-OpError 87 'name: a service name is required (the short name, such as Sage300IntegrationService)')
    }
    return $name
}

function Get-TimeoutArg([hashtable]$A) {
    $seconds = $ServiceDefaultTimeoutSeconds
    if ($null -ne $A['timeout_seconds']) { $seconds = [int]$A['timeout_seconds'] }
    if ($seconds -lt 1 -or $seconds -gt 86400) { throw (New-OpError 87 'timeout_seconds: must be between 1 and 86400') }
    return $seconds
}

# Get-ServiceController returns the controller of an installed service, or
# fails with 1060 as the Service Control Manager does.
function Get-ServiceController([string]$Name) {
    $sc = New-Object System.ServiceProcess.ServiceController -ArgumentList $Name
    try {
        $null = $sc.Status
    } catch {
        if ((Get-ErrorCode $_.Exception) -eq 1060) {
            throw (New-OpError 1060 ('service {0} does not exist on this host' -f $Name))
        }
        throw
    }
    return $sc
}

# Get-ServiceStartType reads the start type from the service's registry key.
function Get-ServiceStartType([string]$ServiceName) {
    $key = [Microsoft.Win32.Registry]::LocalMachine.OpenSubKey('SYSTEM\CurrentControlSet\Services\' + $ServiceName)
    if ($null -eq $key) { return 'Unknown' }
    try {
        $start = [int]$key.GetValue('Start', -1)
        $delayed = [int]$key.GetValue('DelayedAutostart', 0)
    } finally {
        $key.Close()
    }
    if ($start -eq 0) { return 'Boot' }
    if ($start -eq 1) { return 'System' }
    if ($start -eq 2 -and $delayed -eq 1) { return 'AutomaticDelayed' }
    if ($start -eq 2) { return 'Automatic' }
    if ($start -eq 3) { return 'Manual' }
    if ($start -eq 4) { return 'Disabled' }
    return 'Unknown'
}

# Get-ServiceExitCodes returns Win32_Service's ExitCode and
# ServiceSpecificExitCode. The name travels as WQL string data, escaped.
function Get-ServiceExitCodes([string]$ServiceName) {
    $quoted = $ServiceName.Replace('\', '\\').Replace("'", "\'")
    $svc = Get-CimInstance -ClassName Win32_Service -Filter ("Name='" + $quoted + "'")
    if ($null -eq $svc) { return @{ exit = 0; specific = 0 } }
    return @{ exit = [int64]$svc.ExitCode; specific = [int64]$svc.ServiceSpecificExitCode }
}

function ConvertTo-ServiceResult($Controller) {
    $Controller.Refresh()
    $codes = Get-ServiceExitCodes $Controller.ServiceName
    $dependents = @()
    foreach ($d in $Controller.DependentServices) { $dependents += $d.ServiceName }
    return @{
        name                       = $Controller.ServiceName
        display_name               = $Controller.DisplayName
        status                     = $Controller.Status.ToString()
        start_type                 = (Get-ServiceStartType $Controller.ServiceName)
        dependent_services         = $dependents
        exit_code                  = $codes.exit
        service_specific_exit_code = $codes.specific
    }
}

function Get-Remaining([datetime]$Deadline) {
    $left = $Deadline - [DateTime]::UtcNow
    if ($left -lt [TimeSpan]::Zero) { return [TimeSpan]::Zero }
    return $left
}

# New-StateError is the failure of a wait: the service's Win32 exit code if
# it has one, else 1053, with the state and exit code in the message.
function New-StateError($Controller, [string]$Wanted, [int]$Seconds) {
    $Controller.Refresh()
    $codes = Get-ServiceExitCodes $Controller.ServiceName
    $code = 1053
    # 1066 ERROR_SERVICE_SPECIFIC_ERROR: the service-specific code says more.
    if ($codes.exit -ne 0) { $code = $codes.exit }
    $message = ('service {0} did not reach {1} within {2} s: it is {3}, exit code {4}, service-specific exit code {5}' -f
        $Controller.ServiceName, $Wanted, $Seconds, $Controller.Status, $codes.exit, $codes.specific)
    return (New-OpError $code $message)
}

# Wait-ServiceStatus waits for a status until the deadline (WaitForStatus
# with the time left).
function Wait-ServiceStatus($Controller, [string]$Status, [datetime]$Deadline, [int]$Seconds) {
    $wanted = [System.ServiceProcess.ServiceControllerStatus]$Status
    try {
        $Controller.WaitForStatus($wanted, (Get-Remaining $Deadline))
    } catch {
        throw (New-StateError $Controller $Status $Seconds)
    }
}

# Wait-ServiceRunning polls after a start: a service that stops again (its
# start failed) fails at once with its exit code instead of at the deadline.
function Wait-ServiceRunning($Controller, [datetime]$Deadline, [int]$Seconds) {
    while ($true) {
        $Controller.Refresh()
        $status = $Controller.Status
        if ($status -eq [System.ServiceProcess.ServiceControllerStatus]::Running) { return }
        if ($status -eq [System.ServiceProcess.ServiceControllerStatus]::Stopped -or [DateTime]::UtcNow -ge $Deadline) {
            throw (New-StateError $Controller 'Running' $Seconds)
        }
        Start-Sleep -Milliseconds $ServicePollMilliseconds
    }
}

# Start-ServiceChecked starts a service; StartService's own failure (1069
# logon failure, 1058 disabled, ...) keeps its Win32 code, with the state.
function Start-ServiceChecked($Controller, [int]$Seconds) {
    try {
        $Controller.Start()
    } catch {
        $code = Get-ErrorCode $_.Exception
        $Controller.Refresh()
        throw (New-OpError $code ('service {0} failed to start: it is {1}, exit code {2}: {3}' -f
                $Controller.ServiceName, $Controller.Status, $code, $_.Exception.InnerException.Message))
    }
}

function Invoke-service.get([hashtable]$A) {
    return (ConvertTo-ServiceResult (Get-ServiceController (Get-ServiceNameArg $A)))
}

# Invoke-service.restart stops the running dependents and the service
# (ServiceController.Stop stops dependents first), starts the service and
# then the dependents that were running, each wait bounded by one deadline.
function Invoke-service.restart([hashtable]$A) {
    $sc = Get-ServiceController (Get-ServiceNameArg $A)
    $seconds = Get-TimeoutArg $A
    $deadline = [DateTime]::UtcNow.AddSeconds($seconds)
    $statusEnum = [System.ServiceProcess.ServiceControllerStatus]
    $wasRunning = @()
    foreach ($d in $sc.DependentServices) {
        if ($d.Status -ne $statusEnum::Stopped) { $wasRunning += $d.ServiceName }
    }
    if ($sc.Status -eq $statusEnum::StartPending) { Wait-ServiceStatus $sc 'Running' $deadline $seconds }
    if ($sc.Status -ne $statusEnum::Stopped -and $sc.Status -ne $statusEnum::StopPending) { $sc.Stop() }
    Wait-ServiceStatus $sc 'Stopped' $deadline $seconds
    Start-ServiceChecked $sc $seconds
    Wait-ServiceRunning $sc $deadline $seconds
    # DependentServices lists indirect dependents first; start in reverse.
    [array]::Reverse($wasRunning)
    foreach ($name in $wasRunning) {
        $dependent = Get-ServiceController $name
        $dependent.Refresh()
        if ($dependent.Status -eq $statusEnum::Running) { continue }
        Start-ServiceChecked $dependent $seconds
        Wait-ServiceRunning $dependent $deadline $seconds
    }
    return (ConvertTo-ServiceResult $sc)
}
