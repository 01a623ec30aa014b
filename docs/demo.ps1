<#
.SYNOPSIS
    The AoaiHardening demo: assess Azure OpenAI accounts, repair what the module can fix, and prove it.
.DESCRIPTION
    Run by `dotnet pwsh ./build.ps1 -Task Demo`, which starts the local ARM emulator with a small, insecure sample
    tenant (tests/Scenarios/demo-tenant.json) and passes its endpoint here. Against real Azure, replace the
    Connect-AoaiHardening line with `Connect-AoaiHardening -SubscriptionId <id>` (or -Identity in a runbook).
#>
param(
    [Parameter(Mandatory)][string] $ArmEndpoint,
    [Parameter(Mandatory)][string] $SubscriptionId,
    [string] $ModulePath = (Join-Path $PSScriptRoot '../output/AoaiHardening/AoaiHardening.psd1')
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath

function Write-Step([string] $Text) { Write-Host "`n== $Text" -ForegroundColor Cyan }

Write-Step 'Connect (here: the local ARM emulator; the token is a stand-in)'
$token = ConvertTo-SecureString 'demo-access-token' -AsPlainText -Force
# An ARM token is never sent to another audience: the content filter probes get their own (data-plane) token.
$dataPlaneToken = ConvertTo-SecureString 'demo-data-plane-token' -AsPlainText -Force
Connect-AoaiHardening -ArmEndpoint $ArmEndpoint -AccessToken $token -DataPlaneAccessToken $dataPlaneToken -SubscriptionId $SubscriptionId | Format-List | Out-Host

Write-Step 'Inventory: Azure OpenAI and AI Services accounts in the subscription'
$before = @(Get-AoaiAccount)
$before | Format-Table Name, ResourceGroupName, Kind, PublicNetworkAccess, DisableLocalAuth, IdentityType | Out-Host

Write-Step 'Assess: Test-AoaiHardening (Default baseline), the failures'
$findings = @(Test-AoaiHardening)
$findings | Where-Object Status -eq 'Fail' | Sort-Object Severity -Descending |
    Format-Table ResourceName, RuleId, Severity, Title -AutoSize | Out-Host
Test-AoaiHardening -Summary | Format-Table Accounts, Findings, Pass, Fail, FailHigh, FailMedium, FailLow | Out-Host

Write-Step 'Plan: Repair-AoaiHardening -WhatIf (writes nothing)'
$findings | Repair-AoaiHardening -WhatIf | Format-Table RuleId, ResourceName, Status, Message -Wrap | Out-Host

Write-Step 'Repair: run the fixes this version has (one PATCH per fix, waiting for each operation)'
$findings | Repair-AoaiHardening -Confirm:$false -WarningAction SilentlyContinue |
    Where-Object Status -eq 'Fixed' | Format-Table RuleId, ResourceName, Status, Command -AutoSize | Out-Host

Write-Step 'Result: DisableLocalAuth before -> after'
Get-AoaiAccount | ForEach-Object {
    $old = $before | Where-Object Id -eq $_.Id
    [pscustomobject]@{ Name = $_.Name; ResourceGroup = $_.ResourceGroupName; Before = $old.DisableLocalAuth; After = $_.DisableLocalAuth }
} | Format-Table | Out-Host

Write-Step 'Prove it: Test-AoaiHardening again'
Test-AoaiHardening -Rule AOAI-IAM-001 | Format-Table ResourceName, RuleId, Status, Message -AutoSize | Out-Host
Test-AoaiHardening -Summary | Format-Table Accounts, Findings, Pass, Fail, FailHigh, FailMedium, FailLow | Out-Host

Write-Step 'Encrypt with your own key: Enable-AoaiCustomerManagedKey checks vault and key, grants the identity, sets the key'
$vault = "/subscriptions/$SubscriptionId/resourceGroups/rg-ai-prod/providers/Microsoft.KeyVault/vaults/kv-contoso-prod"
Get-AoaiAccount -ResourceGroupName rg-ai-prod -Name contoso-openai-prod |
    Enable-AoaiCustomerManagedKey -KeyVaultResourceId $vault -KeyName cmk-openai -PassThru |
    Get-AoaiEncryptionStatus | Format-List AccountName, KeySource, KeyVaultName, KeyName, KeyVersion, IsLatestVersion, KeyType, KeySize, Recoverable, Identity, Problems | Out-Host

Write-Step 'Content safety: the strict production filter on every deployment (AOAI-CSF-001..005)'
Get-AoaiAccount | Get-AoaiDeployment | Format-Table AccountName, Name, Model, SkuName, RaiPolicyName | Out-Host
Test-AoaiHardening -Baseline Strict -Rule AOAI-CSF-* | Where-Object Status -eq 'Fail' | Format-Table ResourceName, Target, RuleId, Actual -AutoSize | Out-Host
Get-AoaiAccount -ResourceGroupName rg-ai-prod -Name contoso-openai-prod |
    New-AoaiContentFilterPolicy -Name strict-production-filter -Preset Strict -DeploymentName * -PassThru | Out-Host
Test-AoaiHardening -Baseline Strict -Rule AOAI-CSF-* -ResourceGroupName rg-ai-prod -Name contoso-openai-prod |
    Format-Table ResourceName, Target, RuleId, Status -AutoSize | Out-Host

Write-Step 'Prove the filter works: Test-AoaiContentFilter sends the probe suite to each deployment (Entra ID token, no key)'
Test-AoaiContentFilter -ResourceGroupName rg-ai-prod -AccountName contoso-openai-prod -DeploymentName gpt-4o, gpt-4o-mini |
    Format-Table DeploymentName, ProbeName, Expected, Actual, Passed, @{ n = 'Fired'; e = { $_.CategoriesFired -join ', ' } } -AutoSize | Out-Host

Write-Step 'Monitoring: logs to Log Analytics, detection alerts, Defender for AI (AOAI-MON-001..003)'
$rg = "/subscriptions/$SubscriptionId/resourceGroups/rg-ai-prod/providers"
$prod = Get-AoaiAccount -ResourceGroupName rg-ai-prod -Name contoso-openai-prod
$prod | Set-AoaiDiagnosticSetting -WorkspaceResourceId "$rg/Microsoft.OperationalInsights/workspaces/law-contoso-prod" | Out-Null
$prod | New-AoaiAlertRule -WorkspaceResourceId "$rg/Microsoft.OperationalInsights/workspaces/law-contoso-prod" `
    -ActionGroupResourceId "$rg/Microsoft.Insights/actionGroups/ag-ai-security" -PassThru | Out-Host
$prod | Enable-AoaiDefenderForAI | Out-Null
Test-AoaiHardening -Baseline Strict -Rule AOAI-MON-* -ResourceGroupName rg-ai-prod -Name contoso-openai-prod |
    Format-Table ResourceName, RuleId, Status, Message -AutoSize | Out-Host

Write-Step 'Run the fix again: already compliant, nothing is written'
Get-AoaiAccount | Disable-AoaiLocalAuth -Verbose 4>&1 | ForEach-Object { Write-Host "  $_" }

# The demo is also a check: it fails if the repair did not hold.
Assert-AoaiHardening -Rule AOAI-IAM-001
Assert-AoaiHardening -Baseline Strict -Rule AOAI-CSF-*, AOAI-MON-* -ResourceGroupName rg-ai-prod -Name contoso-openai-prod
Write-Host "`nEvery account now requires Microsoft Entra ID (AOAI-IAM-001 passes). The remaining failures name the cmdlets that will fix them." -ForegroundColor Green
