<#
.SYNOPSIS
    One live measurement, in the fresh pwsh that Invoke-Bench.ps1 starts for it: imports the built module, connects
    to the running emulator, runs Test-AoaiHardening over the given subscriptions once, and writes the figures to
    -ResultPath.
.DESCRIPTION
    Modes:
      Summary  - times Test-AoaiHardening -Summary (one object out).
      Findings - times Test-AoaiHardening | Measure-Object (every finding goes down the pipeline; the memory run).
    The scan's own counters come back too: error records surfaced, and the pacing line it writes to the verbose stream.
#>
param(
    [Parameter(Mandatory)][string] $ModulePath,
    [Parameter(Mandatory)][ValidateSet('Summary', 'Findings')][string] $Mode,
    [Parameter(Mandatory)][string] $ResultPath,
    [Parameter(Mandatory)][string] $EmulatorUrl,
    # Comma-separated: the driver passes every argument as one string.
    [Parameter(Mandatory)][string] $SubscriptionIds,
    [int] $ThrottleLimit = 0
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
. (Join-Path $PSScriptRoot 'BenchCommon.ps1')

$result = [ordered]@{ mode = $Mode; importMs = Import-BenchModule $ModulePath }
$subscriptions = @($SubscriptionIds -split ',')
# The emulator takes any bearer token for ARM, as it cannot validate one.
$token = ConvertTo-SecureString 'emulator-bench-token' -AsPlainText -Force
Connect-AoaiHardening -ArmEndpoint $EmulatorUrl -AccessToken $token -SubscriptionId $subscriptions[0] | Out-Null

$test = @{ SubscriptionId = $subscriptions; Verbose = $true; ErrorVariable = 'surfaced'; ErrorAction = 'SilentlyContinue' }
if ($ThrottleLimit -gt 0) { $test.ThrottleLimit = $ThrottleLimit }
$verbose = [Collections.Generic.List[string]]::new()
$watch = [Diagnostics.Stopwatch]::StartNew()
switch ($Mode) {
    'Summary' {
        $summary = Test-AoaiHardening @test -Summary 4>&1 | ForEach-Object { if ($_ -is [Management.Automation.VerboseRecord]) { $verbose.Add($_.Message) } else { $_ } }
        $result.summary = $summary | Select-Object Accounts, Findings, Pass, Fail, NotApplicable, NotEvaluated, Error, Waived
    }
    'Findings' {
        $count = 0
        Test-AoaiHardening @test 4>&1 | ForEach-Object { if ($_ -is [Management.Automation.VerboseRecord]) { $verbose.Add($_.Message) } else { $count++ } }
        $result.findings = $count
    }
}
$watch.Stop()
$result.seconds = $watch.Elapsed.TotalSeconds
$result.errorsSurfaced = @($surfaced).Count
$result.errorMessages = @($surfaced | Select-Object -First 3 | ForEach-Object { "$_" })
$result.pacing = @($verbose | Where-Object { $_ -match 'ARM budget' }) | Select-Object -Last 1
Write-BenchResult -Path $ResultPath -Result $result
