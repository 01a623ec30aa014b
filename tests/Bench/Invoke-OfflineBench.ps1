<#
.SYNOPSIS
    One offline measurement, in the fresh pwsh that Invoke-Bench.ps1 starts for it: imports the built module, runs
    Test-AoaiHardening -Path <file> -Baseline Strict once, and writes the figures to -ResultPath.
.DESCRIPTION
    Modes:
      Import   - only imports the module (the memory baseline of a bare pwsh with the module loaded).
      Findings - times Test-AoaiHardening ... | Measure-Object (every finding goes down the pipeline).
      Summary  - times Test-AoaiHardening ... -Summary (one object out).
      Verify   - counts findings per rule and status (untimed check; the driver runs it first, as the warm-up).
#>
param(
    [Parameter(Mandatory)][string] $ModulePath,
    [Parameter(Mandatory)][ValidateSet('Import', 'Findings', 'Summary', 'Verify')][string] $Mode,
    [Parameter(Mandatory)][string] $ResultPath,
    [string] $InputPath
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
. (Join-Path $PSScriptRoot 'BenchCommon.ps1')

$result = [ordered]@{ mode = $Mode; importMs = Import-BenchModule $ModulePath }
if ($Mode -ne 'Import') {
    if (-not $InputPath) { throw "-InputPath is needed in mode $Mode." }
    $test = @{ Path = $InputPath; Baseline = 'Strict' }
    $watch = [Diagnostics.Stopwatch]::StartNew()
    switch ($Mode) {
        'Findings' { $result.findings = (Test-AoaiHardening @test | Measure-Object).Count }
        'Summary' { $result.summary = Test-AoaiHardening @test -Summary | Select-Object Accounts, Findings, Pass, Fail, NotApplicable, NotEvaluated, Error, Waived }
        'Verify' {
            $byRule = @{}
            Test-AoaiHardening @test | ForEach-Object { $byRule["$($_.RuleId)/$($_.Status)"] += 1 }
            $result.byRule = $byRule
        }
    }
    $watch.Stop()
    $result.seconds = $watch.Elapsed.TotalSeconds
}
Write-BenchResult -Path $ResultPath -Result $result
