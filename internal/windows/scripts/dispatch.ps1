# Dispatch (appended after the domain script): run the op's function
# Invoke-<op> with the decoded arguments and write the envelope. An op the
# script does not define fails as PowerShell fails for an unknown command.
# One process per op ends here with exit code 0 or 1; in a worker (a request
# id is set) the script returns to the worker's loop instead, since exit
# would end the worker.
$opFunction = 'Invoke-' + $Op
if ($null -eq (Get-Command -Name $opFunction -CommandType Function -ErrorAction SilentlyContinue)) {
    & $opFunction
}
try {
    $json = [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($ArgsBase64))
    $opArgs = ConvertTo-Hashtable (ConvertFrom-Json -InputObject $json)
    $result = & $opFunction $opArgs
    Write-Envelope @{ ok = $true; result = $result }
    if ($RequestId -eq '') { exit 0 }
} catch {
    $exception = $_.Exception
    Write-Envelope @{ ok = $false; error = @{ code = (Get-ErrorCode $exception); message = $exception.Message } }
    if ($RequestId -eq '') { exit 1 }
}
