<#
.SYNOPSIS
    Runs the Pester suite in this (child) PowerShell process and writes a summary for build.ps1.
.DESCRIPTION
    build.ps1 starts this script in a fresh pwsh so that the built module is imported here, never into the build's
    own session. Results: NUnit XML and pester-summary.json in -ResultDirectory.
#>
param(
    [Parameter(Mandatory)][string] $PesterPath,
    [Parameter(Mandatory)][string] $TestPath,
    [Parameter(Mandatory)][string] $ResultDirectory,
    [string] $Filter = ''
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

Import-Module $PesterPath -Force
$config = New-PesterConfiguration
$config.Run.Path = @(Get-ChildItem $TestPath -Filter '*.Tests.ps1' | Where-Object Name -like "*$Filter*" | ForEach-Object FullName)
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
$config.TestResult.Enabled = $true
$config.TestResult.OutputFormat = 'NUnitXml'
$config.TestResult.OutputPath = Join-Path $ResultDirectory 'pester.xml'
$result = Invoke-Pester -Configuration $config

$summary = [ordered]@{
    Passed  = $result.PassedCount
    Failed  = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
    Skipped = $result.SkippedCount + $result.NotRunCount
}
$summary | ConvertTo-Json | Set-Content (Join-Path $ResultDirectory 'pester-summary.json')
exit ([int]($summary.Failed -gt 0))
