# Domain: Windows services, PROTOCOL.md "Services": read a service and
# restart it with bounded waits.
#
# .NET and Windows APIs: System.ServiceProcess.ServiceController (Status,
# DisplayName, ServiceName, DependentServices, Stop, Start, Refresh); waits
# poll Status against one deadline rather than WaitForStatus, which cannot
# see a start fall back to Stopped and throws
# System.ServiceProcess.TimeoutException, without a Win32 code; the start
# type from the service's registry key (HKLM\SYSTEM\CurrentControlSet\
# Services\NAME: Start 2/3/4, DelayedAutostart 1), as ServiceController.
# StartType needs .NET 4.6.1; exit codes from CIM Win32_Service (ExitCode,
# ServiceSpecificExitCode), what services.msc and "sc query" show. Nothing
# here reads localized text. Windows PowerShell 4.0 and 5.1: no classes, no
# ::new().
#
# Errors (System Error Codes): 1060 ERROR_SERVICE_DOES_NOT_EXIST, 1053
# ERROR_SERVICE_REQUEST_TIMEOUT when a state is not reached in time, the
# Win32 code StartService failed with (1069 ERROR_SERVICE_LOGON_FAILED,
# ...), or the exit code of a service that stopped while starting (1067
# ERROR_PROCESS_ABORTED when it left none), with the state and exit codes
# named.

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

# New-TimeoutError is the failure of a wait that ran out of time: always
# 1053 ERROR_SERVICE_REQUEST_TIMEOUT, with the state and exit codes named.
function New-TimeoutError($Controller, [string]$Wanted, [int]$Seconds) {
    $Controller.Refresh()
    $codes = Get-ServiceExitCodes $Controller.ServiceName
    return (New-OpError 1053 ('service {0} did not reach {1} within {2} s: it is {3}, exit code {4}, service-specific exit code {5}' -f
            $Controller.ServiceName, $Wanted, $Seconds, $Controller.Status, $codes.exit, $codes.specific))
}

# New-FellBackError is a start that ended in Stopped (StartService
# succeeded, then the service stopped): its Win32 exit code (1066
# ERROR_SERVICE_SPECIFIC_ERROR puts the service's own code in the message),
# or 1067 ERROR_PROCESS_ABORTED when it stopped without one.
function New-FellBackError($Controller) {
    $codes = Get-ServiceExitCodes $Controller.ServiceName
    $code = 1067
    if ($codes.exit -ne 0) { $code = $codes.exit }
    return (New-OpError $code ('service {0} stopped while starting (StartPending, then Stopped): exit code {1}, service-specific exit code {2}' -f
            $Controller.ServiceName, $codes.exit, $codes.specific))
}

# Wait-ServiceSettled polls a starting service until it is Running, Paused
# or, its start having failed (often through StopPending), Stopped; it fails
# with 1053 at the deadline. It returns the status: a start that fails is
# seen when the service stops, not when the time runs out
# (WaitForStatus(Running) would wait the whole timeout).
function Wait-ServiceSettled($Controller, [datetime]$Deadline, [int]$Seconds) {
    $statusEnum = [System.ServiceProcess.ServiceControllerStatus]
    while ($true) {
        $Controller.Refresh()
        $status = $Controller.Status
        if ($status -eq $statusEnum::Running -or $status -eq $statusEnum::Stopped -or $status -eq $statusEnum::Paused) { return $status }
        if ([DateTime]::UtcNow -ge $Deadline) { throw (New-TimeoutError $Controller 'Running' $Seconds) }
        Start-Sleep -Milliseconds $ServicePollMilliseconds
    }
}

# Wait-ServiceRunning waits after a start: Running returns, a service that
# falls back to Stopped fails at once with its exit codes, the deadline
# fails with 1053.
function Wait-ServiceRunning($Controller, [datetime]$Deadline, [int]$Seconds) {
    $status = Wait-ServiceSettled $Controller $Deadline $Seconds
    if ($status -eq [System.ServiceProcess.ServiceControllerStatus]::Running) { return }
    if ($status -eq [System.ServiceProcess.ServiceControllerStatus]::Stopped) { throw (New-FellBackError $Controller) }
    throw (New-OpError 1053 ('service {0} did not reach Running: it is {1}' -f $Controller.ServiceName, $status))
}

# Wait-ServiceStopped polls until Stopped, failing with 1053 at the deadline.
function Wait-ServiceStopped($Controller, [datetime]$Deadline, [int]$Seconds) {
    while ($true) {
        $Controller.Refresh()
        if ($Controller.Status -eq [System.ServiceProcess.ServiceControllerStatus]::Stopped) { return }
        if ([DateTime]::UtcNow -ge $Deadline) { throw (New-TimeoutError $Controller 'Stopped' $Seconds) }
        Start-Sleep -Milliseconds $ServicePollMilliseconds
    }
}

# Stop-ServiceWithin stops one service and waits for Stopped until the
# deadline. The caller stops its dependents first (Invoke-service.restart),
# so ServiceController.Stop finds them all Stopped and sends only the stop
# control: its own handling of running dependents (Stop and a fixed 30 s
# WaitForStatus for each, .NET Framework reference source,
# ServiceController.cs) would run outside the deadline and fail with a
# TimeoutException without a Win32 code. Should another process start a
# dependent in between, that TimeoutException is reported as 1053.
function Stop-ServiceWithin([string]$Name, [datetime]$Deadline, [int]$Seconds) {
    $statusEnum = [System.ServiceProcess.ServiceControllerStatus]
    $sc = Get-ServiceController $Name
    if ($sc.Status -eq $statusEnum::StartPending -or $sc.Status -eq $statusEnum::ContinuePending -or $sc.Status -eq $statusEnum::PausePending) {
        # A pending start accepts no stop control: let it settle first.
        if ((Wait-ServiceSettled $sc $Deadline $Seconds) -eq $statusEnum::Stopped) { return }
    }
    if ($sc.Status -eq $statusEnum::Stopped) { return }
    if ($sc.Status -ne $statusEnum::StopPending) {
        try {
            $sc.Stop()
        } catch {
            # System.ServiceProcess.TimeoutException carries no Win32 code.
            if ($null -ne (Find-Exception $_.Exception ([System.ServiceProcess.TimeoutException]))) { throw (New-TimeoutError $sc 'Stopped' $Seconds) }
            $sc.Refresh()
            if ($sc.Status -ne $statusEnum::Stopped -and $sc.Status -ne $statusEnum::StopPending) {
                $code = Get-ErrorCode $_.Exception
                throw (New-OpError $code ('service {0} could not be stopped: it is {1}, error {2}: {3}' -f
                        $Name, $sc.Status, $code, $_.Exception.InnerException.Message))
            }
        }
    }
    Wait-ServiceStopped $sc $Deadline $Seconds
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

# Invoke-service.restart stops the running dependents itself, each waited
# to Stopped, then the service; starts the service and then the dependents
# that were running, every wait bounded by one deadline. DependentServices
# (EnumDependentServices) lists the dependents in reverse start order, the
# order to stop them in ("EnumDependentServicesW", learn.microsoft.com), so
# they start in the reverse. A service that is StartPending when the restart
# begins is waited out first: one that falls back to Stopped fails at once
# with its exit codes.
function Invoke-service.restart([hashtable]$A) {
    $sc = Get-ServiceController (Get-ServiceNameArg $A)
    $seconds = Get-TimeoutArg $A
    $deadline = [DateTime]::UtcNow.AddSeconds($seconds)
    $statusEnum = [System.ServiceProcess.ServiceControllerStatus]
    $wasRunning = @()
    foreach ($d in $sc.DependentServices) {
        if ($d.Status -ne $statusEnum::Stopped) { $wasRunning += $d.ServiceName }
    }
    if ($sc.Status -eq $statusEnum::StartPending) {
        if ((Wait-ServiceSettled $sc $deadline $seconds) -eq $statusEnum::Stopped) { throw (New-FellBackError $sc) }
    }
    foreach ($name in $wasRunning) { Stop-ServiceWithin $name $deadline $seconds }
    Stop-ServiceWithin $sc.ServiceName $deadline $seconds
    Start-ServiceChecked $sc $seconds
    Wait-ServiceRunning $sc $deadline $seconds
    [array]::Reverse($wasRunning)
    foreach ($name in $wasRunning) {
        $dependent = Get-ServiceController $name
        if ($dependent.Status -eq $statusEnum::Running) { continue }
        if ($dependent.Status -ne $statusEnum::StartPending) { Start-ServiceChecked $dependent $seconds }
        Wait-ServiceRunning $dependent $deadline $seconds
    }
    return (ConvertTo-ServiceResult $sc)
}
