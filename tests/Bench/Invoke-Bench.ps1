<#
.SYNOPSIS
    The benchmark behind build.ps1 -Task Bench: runs each section, prints a compact table and one line per figure,
    and writes the figures of each section to <OutputPath>/<section>.json.
.DESCRIPTION
    Every measurement runs in its own fresh pwsh that imports the built module (never this process, never the
    build's), so JIT, caches and memory of one run do not leak into another. Slow or large numbers are reported, not
    judged: the targets in docs/performance.md are for people. The run fails only when a measured run errors or finds
    something other than what the generated input implies.

    A section is a function that returns Name, Title, Rows (the table), Figures (name -> value and unit), Problems
    (failed checks) and Data (written to the JSON); add one to $Sections to extend the benchmark.
#>
param(
    [Parameter(Mandatory)][string] $ModulePath,
    [Parameter(Mandatory)][string] $OutputPath,
    # Only these sections (default: all).
    [string[]] $Section = @(),
    [ValidateRange(1, 9)][int] $Runs = 3,
    [ValidateRange(1, 1000000)][int] $Accounts = 10000
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
. (Join-Path $PSScriptRoot 'BenchCommon.ps1')
# The measured processes get full paths: a relative module path would be looked up as a module name.
$ModulePath = (Resolve-Path -LiteralPath $ModulePath).ProviderPath
$OutputPath = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($OutputPath)

function New-Figure($Value, [string] $Unit) { [pscustomobject]@{ value = $Value; unit = $Unit } }

function Invoke-OfflineSection {
    $benchScript = Join-Path $PSScriptRoot 'Invoke-OfflineBench.ps1'
    Write-Host "Generating $Accounts accounts" -ForegroundColor Cyan
    $inputInfo = & (Join-Path $PSScriptRoot 'New-BenchInput.ps1') -Path (Join-Path $OutputPath "input/accounts-$Accounts.json") -Count $Accounts
    $expected = $inputInfo.Expected
    $problems = [Collections.Generic.List[string]]::new()
    $measure = { param($Mode) Invoke-BenchProcess -Script $benchScript -Parameters @{ ModulePath = $ModulePath; Mode = $Mode; InputPath = $inputInfo.Path } }

    # The warm-up (file in the page cache) is also the full check: every rule's count per status.
    Write-Host 'Warm-up and check: findings per rule and status' -ForegroundColor Cyan
    $verify = & $measure 'Verify'
    $seen = @{}
    foreach ($p in $verify.byRule.PSObject.Properties) { $seen[$p.Name] = [int]$p.Value }
    foreach ($key in @($expected.ByRule.PSObject.Properties.Name) + @($seen.Keys) | Sort-Object -Unique) {
        $want = if ($expected.ByRule.PSObject.Properties[$key]) { [int]$expected.ByRule.$key } else { 0 }
        $got = if ($seen.ContainsKey($key)) { $seen[$key] } else { 0 }
        if ($want -ne $got) {
            $problems.Add("$key`: $got finding(s), the generated input implies $want (a change in the engine, or a Strict rule whose expected status New-BenchInput.ps1 does not list yet).")
        }
    }

    $results = @{ Findings = @(); Summary = @(); Import = @() }
    for ($i = 1; $i -le $Runs; $i++) {
        Write-Host "Run $i of $Runs" -ForegroundColor Cyan
        foreach ($mode in 'Findings', 'Summary', 'Import') { $results[$mode] += & $measure $mode }
    }
    foreach ($run in $results.Findings) {
        if ($run.findings -ne $expected.Findings) { $problems.Add("Findings run: $($run.findings) finding(s), expected $($expected.Findings).") }
    }
    foreach ($run in $results.Summary) {
        foreach ($field in 'Accounts', 'Findings', 'Pass', 'Fail', 'NotApplicable', 'NotEvaluated', 'Error', 'Waived') {
            $want = if ($field -eq 'Accounts') { $inputInfo.Accounts } else { $expected.$field }
            if ($run.summary.$field -ne $want) { $problems.Add("Summary run: $field = $($run.summary.$field), expected $want.") }
        }
    }

    $stats = [ordered]@{}
    foreach ($mode in 'Findings', 'Summary', 'Import') {
        $seconds = @($results[$mode] | ForEach-Object { if ($_.PSObject.Properties['seconds']) { [double]$_.seconds } })
        $median = if ($seconds) { Get-BenchMedian $seconds } else { $null }
        $stats[$mode] = [ordered]@{
            seconds           = $seconds
            medianSeconds     = $median
            accountsPerSecond = if ($median) { [long][Math]::Round($inputInfo.Accounts / $median) } else { $null }
            findingsPerSecond = if ($median) { [long][Math]::Round($expected.Findings / $median) } else { $null }
            peakBytes         = @($results[$mode].peakBytes)
            medianPeakBytes   = Get-BenchMedian @($results[$mode].peakBytes)
            allocatedBytes    = Get-BenchMedian @($results[$mode].allocatedBytes)
            importMs          = [Math]::Round((Get-BenchMedian @($results[$mode].importMs)), 1)
            gcCollections     = $results[$mode][0].gcCollections
        }
    }

    $labels = [ordered]@{ Findings = 'Test-AoaiHardening | Measure-Object'; Summary = 'Test-AoaiHardening -Summary'; Import = 'Import-Module only (baseline)' }
    $rows = foreach ($mode in $labels.Keys) {
        $s = $stats[$mode]
        [pscustomobject][ordered]@{
            Run          = $labels[$mode]
            'Median s'   = if ($null -ne $s.medianSeconds) { '{0:N2}' -f $s.medianSeconds } else { '' }
            'Runs s'     = ($s.seconds | ForEach-Object { '{0:N2}' -f $_ }) -join ' '
            'Accounts/s' = if ($s.accountsPerSecond) { '{0:N0}' -f $s.accountsPerSecond } else { '' }
            'Findings/s' = if ($s.findingsPerSecond) { '{0:N0}' -f $s.findingsPerSecond } else { '' }
            'Peak MB'    = '{0:N0}' -f (ConvertTo-BenchMB $s.medianPeakBytes)
            'Alloc MB'   = '{0:N0}' -f (ConvertTo-BenchMB $s.allocatedBytes)
            'Import ms'  = '{0:N0}' -f $s.importMs
        }
    }

    $figures = [ordered]@{}
    foreach ($mode in 'Findings', 'Summary') {
        $s = $stats[$mode]
        $key = $mode.ToLowerInvariant()
        $figures["$key.medianSeconds"] = New-Figure ([Math]::Round($s.medianSeconds, 3)) 's'
        $figures["$key.accountsPerSecond"] = New-Figure $s.accountsPerSecond 'accounts/s'
        $figures["$key.findingsPerSecond"] = New-Figure $s.findingsPerSecond 'findings/s'
        $figures["$key.peakMB"] = New-Figure (ConvertTo-BenchMB $s.medianPeakBytes) 'MB'
    }
    $figures['baseline.peakMB'] = New-Figure (ConvertTo-BenchMB $stats.Import.medianPeakBytes) 'MB'
    $figures['baseline.importMs'] = New-Figure $stats.Import.importMs 'ms'

    [pscustomobject]@{
        Name     = 'offline'
        Title    = "Offline evaluation: {0:N0} accounts ({1:N0} OpenAI/AIServices) in one {2:N1} MB ARM REST file, -Baseline Strict, {3:N0} findings; median of {4} runs after one warm-up, each in a fresh pwsh" -f `
            $inputInfo.Accounts, $inputInfo.InScope, (ConvertTo-BenchMB $inputInfo.Bytes), $expected.Findings, $Runs
        Rows     = $rows
        Figures  = $figures
        Problems = $problems
        Data     = [ordered]@{
            input = [ordered]@{ path = $inputInfo.Path; bytes = $inputInfo.Bytes; accounts = $inputInfo.Accounts; inScope = $inputInfo.InScope; kinds = $inputInfo.Kinds; profiles = $inputInfo.Profiles; expected = $expected }
            peakSource = $verify.peakSource
            runs = $stats
        }
    }
}

# Name -> the function that measures it. The live scan against the emulator and Import-Module timing plug in here.
$Sections = [ordered]@{
    offline = { Invoke-OfflineSection }
}

$unknown = @($Section | Where-Object { -not $Sections.Contains($_) })
if ($unknown) { throw "Unknown section(s) $($unknown -join ', '); known: $($Sections.Keys -join ', ')." }
$chosen = if ($Section) { @($Section) } else { @($Sections.Keys) }
New-Item -ItemType Directory -Path $OutputPath -Force | Out-Null

$commit = try { & git -C $PSScriptRoot rev-parse --short HEAD 2>$null } catch { $null }
$machine = [ordered]@{
    date           = [DateTime]::UtcNow.ToString('yyyy-MM-ddTHH:mm:ssZ')
    os             = [Runtime.InteropServices.RuntimeInformation]::OSDescription
    processorCount = [Environment]::ProcessorCount
    runtime        = [Runtime.InteropServices.RuntimeInformation]::FrameworkDescription
    pwsh           = "$($PSVersionTable.PSVersion)"
    module         = "$((Import-PowerShellDataFile $ModulePath).ModuleVersion)"
    commit         = $commit
    # Other work on the machine skews the figures: the 1-minute load average when the benchmark started (Linux).
    loadAverage    = if (Test-Path '/proc/loadavg') { [double]((Get-Content '/proc/loadavg' -Raw) -split ' ')[0] } else { $null }
}

$failed = $false
foreach ($name in $chosen) {
    $result = & $Sections[$name]
    $document = [ordered]@{ section = $result.Name; machine = $machine; figures = $result.Figures; problems = @($result.Problems | Select-Object -Unique) }
    foreach ($key in $result.Data.Keys) { $document[$key] = $result.Data[$key] }
    $jsonPath = Join-Path $OutputPath "$($result.Name).json"
    $document | ConvertTo-Json -Depth 8 | Set-Content -LiteralPath $jsonPath -Encoding utf8

    Write-Host ''
    Write-Host $result.Title -ForegroundColor Green
    Write-Host ($result.Rows | Format-Table -AutoSize | Out-String -Width 200).TrimEnd()
    Write-Host ''
    foreach ($figure in $result.Figures.GetEnumerator()) { Write-Host "$($result.Name).$($figure.Key) = $($figure.Value.value) $($figure.Value.unit)" }
    Write-Host "Figures: $jsonPath"
    foreach ($problem in $result.Problems | Select-Object -Unique) { Write-Host "CHECK FAILED: $problem" -ForegroundColor Red; $failed = $true }
}
Write-Host ("Machine: {0} processors, {1}, {2}, pwsh {3}, load average {4} at the start" -f $machine.processorCount, $machine.os, $machine.runtime, $machine.pwsh, $machine.loadAverage)
if ($failed) { exit 1 }
