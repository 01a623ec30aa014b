<#
.SYNOPSIS
    Azure Automation runbook: assess every Azure OpenAI / AI Services account the automation account can read, and report.

.DESCRIPTION
    Runs in an Azure Automation runtime environment with PowerShell 7.4 (or 5.1) and the AoaiHardening module imported
    (the zip from `build.ps1 -Task Package`). Signs in with the automation account's managed identity: directly through
    the sandbox's IDENTITY_ENDPOINT (default), or through Az PowerShell when the runbook already ran
    `Connect-AzAccount -Identity` (-UseAzContext).

    The identity needs Reader on the subscriptions (Resource Graph inventory) and, for the role-assignment rules,
    permission to read role assignments (Reader includes it). Nothing is changed: the runbook only assesses.

    Output, kept small for the 1 MiB job stream: one object per failed rule (rule, severity, account, fix command),
    then one summary object. The job fails (so an alert on failed jobs fires) when any failure is at or above
    -FailOnSeverity, or when a rule could not be evaluated (a read was refused). Memory stays low: findings stream through the pipeline, one account at a time is held.

.PARAMETER SubscriptionId
    The subscriptions to assess. Default: every subscription the identity can read (Resource Graph).

.PARAMETER Baseline
    Default (the rules every account should pass) or Strict.

.PARAMETER ClientId
    The client id of a user-assigned managed identity; default the system-assigned one.

.PARAMETER UseAzContext
    Use the Az PowerShell session (after Connect-AzAccount -Identity) instead of the managed identity endpoint.

.PARAMETER FailOnSeverity
    Fail the job when a rule of this severity or higher fails: High (default), Medium, Low, or None to never fail.

.PARAMETER ArmEndpoint
    Azure Resource Manager endpoint of a private cloud (or a test emulator). Leave empty in Azure.

.EXAMPLE
    Start-AzAutomationRunbook -AutomationAccountName aa-sec -ResourceGroupName rg-sec -Name Invoke-AoaiHardeningAssessment -Parameters @{ Baseline = 'Strict' }
#>
param(
    [string[]] $SubscriptionId,
    [ValidateSet('Default', 'Strict')]
    [string] $Baseline = 'Default',
    [string] $ClientId,
    [switch] $UseAzContext,
    [ValidateSet('High', 'Medium', 'Low', 'None')]
    [string] $FailOnSeverity = 'High',
    [string] $ArmEndpoint
)

$ErrorActionPreference = 'Stop'
# Progress records bloat Automation job streams and slow the job down.
$ProgressPreference = 'SilentlyContinue'

$connect = @{}
if ($ArmEndpoint) { $connect.ArmEndpoint = $ArmEndpoint }
if ($UseAzContext) {
    Connect-AoaiHardening -UseAzContext @connect | Out-Null
}
else {
    if ($ClientId) { $connect.ClientId = $ClientId }
    Connect-AoaiHardening -Identity @connect | Out-Null
}

$scope = if ($SubscriptionId) { @{ SubscriptionId = $SubscriptionId } } else { @{ AllSubscriptions = $true } }
$threshold = @{ High = 3; Medium = 2; Low = 1; None = [int]::MaxValue }[$FailOnSeverity]

$accounts = [Collections.Generic.HashSet[string]]::new([StringComparer]::OrdinalIgnoreCase)
$counts = @{ Pass = 0; Fail = 0; Error = 0; Other = 0; AtOrAboveThreshold = 0 }
Test-AoaiHardening @scope -Baseline $Baseline | ForEach-Object {
    $finding = $_
    [void] $accounts.Add($finding.ResourceId)
    switch ($finding.Status.ToString()) {
        'Pass' { $counts.Pass++ }
        'Fail' {
            $counts.Fail++
            if ([int] $finding.Severity -ge $threshold) { $counts.AtOrAboveThreshold++ }
            [pscustomobject]@{
                RuleId   = $finding.RuleId
                Severity = $finding.Severity.ToString()
                Account  = $finding.ResourceName
                Target   = $finding.Target
                Fix      = $finding.RemediationCommand
            }
        }
        # A read that failed (permissions, throttling): the account was not fully assessed.
        'Error' { $counts.Error++; Write-Warning "$($finding.RuleId) on $($finding.ResourceName) could not be evaluated: $($finding.Message)" }
        default { $counts.Other++ }
    }
}

[pscustomobject]@{
    Baseline         = $Baseline
    Accounts         = $accounts.Count
    Pass             = $counts.Pass
    Fail             = $counts.Fail
    Error            = $counts.Error
    NotApplicable    = $counts.Other
    FailOnSeverity   = $FailOnSeverity
    FailingThreshold = $counts.AtOrAboveThreshold
}

if ($counts.AtOrAboveThreshold -gt 0) {
    throw "AoaiHardening: $($counts.AtOrAboveThreshold) rule(s) of severity $FailOnSeverity or higher failed on $($accounts.Count) account(s)."
}
if ($counts.Error -gt 0) {
    throw "AoaiHardening: $($counts.Error) rule(s) could not be evaluated (see the warnings): grant the identity Reader where they failed."
}
