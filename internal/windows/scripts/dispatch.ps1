# Dispatch (appended after the domain script): run the op's function
# Invoke-<op> with the decoded arguments and write the envelope. An op the
# script does not define fails as PowerShell fails for an unknown command.
$opFunction = 'Invoke-' + $Op
if ($null -eq (Get-Command -Name $opFunction -CommandType Function -ErrorAction SilentlyContinue)) {
    & $opFunction
}
try {
    $json = [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($ArgsBase64))
    $opArgs = ConvertTo-Hashtable (ConvertFrom-Json -InputObject $json)
    $result = & $opFunction $opArgs
    Write-Envelope @{ ok = $true; result = $result }
    exit 0
} catch {
    $exception = $_.Exception
    Write-Envelope @{ ok = $false; error = @{ code = (Get-ErrorCode $exception); message = $exception.Message } }
    exit 1
}
