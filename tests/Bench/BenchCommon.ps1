<#
    Helpers shared by the benchmark driver (Invoke-Bench.ps1) and the scripts it starts, one fresh pwsh per
    measurement (Invoke-*Bench.ps1). Dot-source it.
#>
Set-StrictMode -Version Latest

# ------------------------------------------------------------------ in the measured process

function Get-BenchPeakMemory {
    # The process's peak resident set. VmHWM counts the whole process (runtime, module, data) since it started.
    if (Test-Path '/proc/self/status') {
        $line = Select-String -Path '/proc/self/status' -Pattern '^VmHWM:\s+(\d+)\s+kB' | Select-Object -First 1
        if ($line) { return [pscustomobject]@{ Bytes = [long]$line.Matches[0].Groups[1].Value * 1KB; Source = 'VmHWM' } }
    }
    [pscustomobject]@{ Bytes = [Diagnostics.Process]::GetCurrentProcess().PeakWorkingSet64; Source = 'PeakWorkingSet64' }
}

function Import-BenchModule([string] $ModulePath) {
    # Returns the time Import-Module took, in milliseconds.
    $watch = [Diagnostics.Stopwatch]::StartNew()
    Import-Module $ModulePath -ErrorAction Stop
    $watch.Stop()
    $watch.Elapsed.TotalMilliseconds
}

function Write-BenchResult {
    # The measured process hands its figures back as one JSON file, with its peak memory and GC counts taken last.
    param([Parameter(Mandatory)][string] $Path, [Parameter(Mandatory)][System.Collections.IDictionary] $Result)
    $peak = Get-BenchPeakMemory
    $Result.peakBytes = $peak.Bytes
    $Result.peakSource = $peak.Source
    $Result.allocatedBytes = [GC]::GetTotalAllocatedBytes($false)
    $Result.gcCollections = @(0, 1, 2 | ForEach-Object { [GC]::CollectionCount($_) })
    $Result | ConvertTo-Json -Depth 6 | Set-Content -LiteralPath $Path -Encoding utf8
}

# ------------------------------------------------------------------ in the driver

function Invoke-BenchProcess {
    # Runs a script in a fresh pwsh (the same PowerShell as this one) and returns the object it wrote with Write-BenchResult.
    param([Parameter(Mandatory)][string] $Script, [Parameter(Mandatory)][hashtable] $Parameters)
    $resultPath = Join-Path ([IO.Path]::GetTempPath()) "aoai-bench-$([guid]::NewGuid().ToString('n')).json"
    # Arguments in an array: a bare '*' would be expanded by PowerShell's native-command globbing on Unix.
    $arguments = @((Join-Path $PSHOME 'pwsh.dll'), '-NoLogo', '-NoProfile', '-NonInteractive', '-File', $Script, '-ResultPath', $resultPath)
    foreach ($name in $Parameters.Keys) { $arguments += @("-$name", [string]$Parameters[$name]) }
    try {
        & dotnet @arguments
        if ($LASTEXITCODE -ne 0) { throw "$(Split-Path $Script -Leaf) $($Parameters.Mode) failed with exit code $LASTEXITCODE." }
        if (-not (Test-Path $resultPath)) { throw "$(Split-Path $Script -Leaf) $($Parameters.Mode) wrote no result." }
        Get-Content -LiteralPath $resultPath -Raw | ConvertFrom-Json
    }
    finally {
        Remove-Item -LiteralPath $resultPath -ErrorAction SilentlyContinue
    }
}

function Get-BenchMedian([double[]] $Values) {
    $sorted = @($Values | Sort-Object)
    $middle = [Math]::Floor($sorted.Count / 2)
    if ($sorted.Count % 2) { $sorted[$middle] } else { ($sorted[$middle - 1] + $sorted[$middle]) / 2 }
}

function ConvertTo-BenchMB([double] $Bytes) { [Math]::Round($Bytes / 1MB, 1) }
