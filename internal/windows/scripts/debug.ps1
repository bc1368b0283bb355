# Domain: transport checks. Lets tests prove that large payloads cross the
# wire intact, against the simulator and against a real host alike.

# An optional text argument comes back as it is, as text values (app
# settings, URLs) do in other ops' results.
function Invoke-debug.echo([hashtable]$A) {
    $bytes = [Convert]::FromBase64String([string]$A['data'])
    $result = @{ data = [string]$A['data']; sha256 = (Get-Sha256Hex $bytes) }
    if ($A.ContainsKey('text')) { $result['text'] = [string]$A['text'] }
    return $result
}

# Byte i is (i*7 + i/251) mod 256, as the simulator's DebugEmitData.
function Invoke-debug.emit([hashtable]$A) {
    $n = [int]$A['bytes']
    if ($n -lt 0 -or $n -gt 67108864) { throw (New-OpError 87 'debug.emit: bytes must be 0..67108864') }
    $bytes = New-Object byte[] $n
    for ($i = 0; $i -lt $n; $i++) { $bytes[$i] = [byte](($i * 7 + [math]::Floor($i / 251)) % 256) }
    return @{ data = [Convert]::ToBase64String($bytes); sha256 = (Get-Sha256Hex $bytes) }
}
