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
    [ValidateRange(1, 1000000)][int] $Accounts = 10000,
    # The live scan (section live): subscriptions x accounts in the emulator's generated fleet, and its latency.
    [ValidateRange(1, 1000)][int] $LiveSubscriptions = 10,
    [ValidateRange(1, 10000)][int] $LiveAccountsPerSubscription = 100,
    [ValidateRange(0, 10000)][int] $LatencyMs = 50,
    # The memory scan (section memory): a live scan of this many subscriptions of 100 accounts.
    [ValidateRange(1, 1000)][int] $MemorySubscriptions = 100,
    # Fresh-process starts per variant in section import.
    [ValidateRange(5, 51)][int] $ImportRuns = 7
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

# ------------------------------------------------------------------ live scans against the emulator

$script:BenchEmulator = $null

function Start-BenchEmulator {
    # One emulator for the live sections (build.ps1 set up its TLS trust); it exits with this process.
    if (-not $script:BenchEmulator) {
        Import-Module (Join-Path $PSScriptRoot '../Pester/TestHelpers.psm1') -Force
        $script:BenchEmulator = Start-TestEmulator
    }
    $script:BenchEmulator
}

function Invoke-LiveScan {
    # One measured scan in a fresh pwsh, with the emulator's request log of exactly that scan.
    param([string[]] $Subscriptions, [string] $Mode, [int] $ThrottleLimit, [hashtable] $Config)
    $emulator = Start-BenchEmulator
    # Any config change also refills the emulator's token buckets: every scan starts from a full ARM budget.
    Invoke-EmulatorControl -Path config -Method POST -Body $Config | Out-Null
    # The emulator keeps the last 10,000 log entries: requests are counted by sequence number, not by entries.
    $before = @(Get-EmulatorRequest | Select-Object -Last 1 -ExpandProperty seq)
    $firstSeq = if ($before) { [long]$before[0] + 1 } else { 1 }
    Clear-EmulatorRequest
    $run = Invoke-BenchProcess -Script (Join-Path $PSScriptRoot 'Invoke-LiveBench.ps1') -Parameters @{
        ModulePath = $ModulePath; Mode = $Mode; EmulatorUrl = $emulator.Url; SubscriptionIds = ($Subscriptions -join ','); ThrottleLimit = $ThrottleLimit }
    $requests = @(Get-EmulatorRequest)
    $lastSeq = if ($requests) { [long]$requests[-1].seq } else { $firstSeq - 1 }
    $run | Add-Member -NotePropertyName requests -NotePropertyValue ($lastSeq - $firstSeq + 1)
    $run | Add-Member -NotePropertyName logComplete -NotePropertyValue ($requests.Count -eq ($lastSeq - $firstSeq + 1))
    # 429s: the ones still in the log, and the client's own count (its pacing line), which sees every one.
    $run | Add-Member -NotePropertyName throttled -NotePropertyValue @($requests | Where-Object status -eq 429).Count
    $clientThrottled = if ($run.pacing -match '(\d+) throttled') { [int]$Matches[1] } else { $null }
    $run | Add-Member -NotePropertyName clientThrottled -NotePropertyValue $clientThrottled
    $run | Add-Member -NotePropertyName resourceGraphQueries -NotePropertyValue @($requests | Where-Object path -like '*/Microsoft.ResourceGraph/*').Count
    $run
}

function Invoke-LiveSection {
    $emulator = Start-BenchEmulator
    Reset-TestEmulator
    $fleet = New-EmulatorFleet -Subscriptions $LiveSubscriptions -AccountsPerSubscription $LiveAccountsPerSubscription -ResourceGroupsPerSubscription 10
    $accounts = [int]$fleet.accounts
    $config = @{ latencyMs = $LatencyMs; throttling = $true }
    $problems = [Collections.Generic.List[string]]::new()
    $runs = [ordered]@{}
    foreach ($case in @(@{ Name = 'sequential'; Limit = 1; Label = '-ThrottleLimit 1' }, @{ Name = 'parallel'; Limit = 0; Label = 'default -ThrottleLimit' })) {
        Write-Host "Live scan of $accounts accounts, $($case.Label), $LatencyMs ms per request" -ForegroundColor Cyan
        $runs[$case.Name] = Invoke-LiveScan -Subscriptions $fleet.subscriptions -Mode Summary -ThrottleLimit $case.Limit -Config $config
    }
    foreach ($name in $runs.Keys) {
        $run = $runs[$name]
        if ($run.summary.Accounts -ne $accounts) { $problems.Add("$name run: $($run.summary.Accounts) account(s) assessed, the fleet has $accounts.") }
        if ($run.summary.Error -ne 0) { $problems.Add("$name run: $($run.summary.Error) Error finding(s).") }
        if ($run.errorsSurfaced -ne 0) { $problems.Add("$name run: $($run.errorsSurfaced) error record(s): $($run.errorMessages -join ' | ')") }
    }
    foreach ($field in 'Findings', 'Pass', 'Fail', 'NotApplicable', 'NotEvaluated') {
        if ($runs.sequential.summary.$field -ne $runs.parallel.summary.$field) { $problems.Add("$field differs: $($runs.sequential.summary.$field) sequential, $($runs.parallel.summary.$field) parallel.") }
    }
    $speedup = [Math]::Round($runs.sequential.seconds / $runs.parallel.seconds, 1)
    $rows = foreach ($name in $runs.Keys) {
        $run = $runs[$name]
        [pscustomobject][ordered]@{
            Run                  = if ($name -eq 'sequential') { 'Test-AoaiHardening -ThrottleLimit 1 -Summary' } else { 'Test-AoaiHardening -Summary (default -ThrottleLimit 16)' }
            'Wall s'             = '{0:N1}' -f $run.seconds
            'Accounts/s'         = '{0:N0}' -f ($accounts / $run.seconds)
            'ARM requests'       = '{0:N0}' -f $run.requests
            'Requests/account'   = '{0:N2}' -f ($run.requests / $accounts)
            'ARG queries'        = $run.resourceGraphQueries
            '429 served'         = $run.throttled
            'Errors surfaced'    = $run.errorsSurfaced
            'Peak MB'            = '{0:N0}' -f (ConvertTo-BenchMB $run.peakBytes)
        }
    }
    $figures = [ordered]@{
        sequentialSeconds     = New-Figure ([Math]::Round($runs.sequential.seconds, 2)) 's'
        parallelSeconds       = New-Figure ([Math]::Round($runs.parallel.seconds, 2)) 's'
        speedup               = New-Figure $speedup 'x (target >= 10)'
        armRequestsPerAccount = New-Figure ([Math]::Round($runs.parallel.requests / $accounts, 2)) 'requests (target <= 4)'
        throttled429Served    = New-Figure ($runs.sequential.throttled + $runs.parallel.throttled) 'responses'
        errorsSurfaced        = New-Figure ($runs.sequential.errorsSurfaced + $runs.parallel.errorsSurfaced) 'errors (target 0)'
    }
    [pscustomobject]@{
        Name     = 'live'
        Title    = "Live scan: $accounts accounts in $LiveSubscriptions subscriptions of the emulator's fleet, $LatencyMs ms latency per request, ARM throttling on (reads 250 + 25/s per subscription), Default baseline, each run in a fresh pwsh"
        Rows     = $rows
        Figures  = $figures
        Problems = $problems
        Data     = [ordered]@{ fleet = $fleet; config = $config; runs = $runs; pacing = [ordered]@{ sequential = $runs.sequential.pacing; parallel = $runs.parallel.pacing } }
    }
}

function Invoke-MemorySection {
    Start-BenchEmulator | Out-Null
    Reset-TestEmulator
    $fleet = New-EmulatorFleet -Subscriptions $MemorySubscriptions -AccountsPerSubscription 100 -ResourceGroupsPerSubscription 10
    $accounts = [int]$fleet.accounts
    Write-Host "Live scan of $accounts accounts, every finding down the pipeline (memory)" -ForegroundColor Cyan
    $run = Invoke-LiveScan -Subscriptions $fleet.subscriptions -Mode Findings -ThrottleLimit 0 -Config @{ latencyMs = 0; throttling = $true }
    $problems = [Collections.Generic.List[string]]::new()
    # Every fleet account has two deployments: 12 account rules and 3 content-safety rules per deployment.
    if ($run.findings -ne $accounts * 18) { $problems.Add("$($run.findings) finding(s), the fleet implies $($accounts * 18).") }
    if ($run.errorsSurfaced -ne 0) { $problems.Add("$($run.errorsSurfaced) error record(s): $($run.errorMessages -join ' | ')") }
    [pscustomobject]@{
        Name     = 'memory'
        Title    = "Memory: a live scan of $accounts accounts in $MemorySubscriptions subscriptions (no added latency, throttling on), Test-AoaiHardening | Measure-Object in a fresh pwsh"
        Rows     = @([pscustomobject][ordered]@{
                'Wall s'           = '{0:N1}' -f $run.seconds
                'Accounts/s'       = '{0:N0}' -f ($accounts / $run.seconds)
                Findings           = '{0:N0}' -f $run.findings
                'Requests/account' = '{0:N2}' -f ($run.requests / $accounts)
                '429s (client)'    = $run.clientThrottled
                'Peak MB'          = '{0:N0}' -f (ConvertTo-BenchMB $run.peakBytes)
                'Alloc MB'         = '{0:N0}' -f (ConvertTo-BenchMB $run.allocatedBytes)
            })
        Figures  = [ordered]@{
            peakMB                = New-Figure (ConvertTo-BenchMB $run.peakBytes) 'MB (target <= 300)'
            seconds               = New-Figure ([Math]::Round($run.seconds, 1)) 's'
            armRequestsPerAccount = New-Figure ([Math]::Round($run.requests / $accounts, 2)) 'requests'
            throttled429          = New-Figure $run.clientThrottled 'responses (the client counts every one)'
        }
        Problems = $problems
        Data     = [ordered]@{ fleet = [ordered]@{ accounts = $accounts; subscriptions = $MemorySubscriptions }; run = $run }
    }
}

# ------------------------------------------------------------------ Import-Module time

function Invoke-ImportSection {
    # Wall time of whole fresh processes, as a user or runbook pays it: a bare pwsh start, and one that imports the module.
    $pwsh = Join-Path $PSHOME 'pwsh.dll'
    $variants = [ordered]@{ bare = 'exit 0'; import = "Import-Module '$ModulePath' -ErrorAction Stop; exit 0" }
    $times = @{ bare = [Collections.Generic.List[double]]::new(); import = [Collections.Generic.List[double]]::new() }
    $problems = [Collections.Generic.List[string]]::new()
    Write-Host "Import-Module: $ImportRuns fresh starts of each, alternating" -ForegroundColor Cyan
    for ($i = 0; $i -le $ImportRuns; $i++) {
        foreach ($name in $variants.Keys) {
            $watch = [Diagnostics.Stopwatch]::StartNew()
            & dotnet $pwsh -NoLogo -NoProfile -NonInteractive -Command $variants[$name]
            $watch.Stop()
            if ($LASTEXITCODE -ne 0) { $problems.Add("The $name start failed with exit code $LASTEXITCODE.") }
            # The first round only warms the disk cache.
            if ($i -gt 0) { $times[$name].Add($watch.Elapsed.TotalMilliseconds) }
        }
    }
    $bare = Get-BenchMedian $times.bare
    $import = Get-BenchMedian $times.import
    $added = [Math]::Round($import - $bare)
    [pscustomobject]@{
        Name     = 'import'
        Title    = "Import-Module over a bare pwsh start: median of $ImportRuns fresh processes each (after one warm-up round)"
        Rows     = foreach ($name in $variants.Keys) {
            [pscustomobject][ordered]@{ Start = "pwsh -NoProfile -Command '$($variants[$name])'"; 'Median ms' = '{0:N0}' -f (Get-BenchMedian $times[$name]); 'Runs ms' = ($times[$name] | ForEach-Object { '{0:N0}' -f $_ }) -join ' ' }
        }
        Figures  = [ordered]@{
            bareStartMs   = New-Figure ([Math]::Round($bare)) 'ms'
            importStartMs = New-Figure ([Math]::Round($import)) 'ms'
            importAddsMs  = New-Figure $added 'ms (target <= 300)'
        }
        Problems = $problems
        Data     = [ordered]@{ runs = $times }
    }
}

# Name -> the function that measures it.
$Sections = [ordered]@{
    offline = { Invoke-OfflineSection }
    live    = { Invoke-LiveSection }
    import  = { Invoke-ImportSection }
    memory  = { Invoke-MemorySection }
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
