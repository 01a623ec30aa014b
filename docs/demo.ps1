<#
.SYNOPSIS
    The AoaiHardening demo: find Azure OpenAI accounts that accept API keys, and turn key authentication off.
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
Connect-AoaiHardening -ArmEndpoint $ArmEndpoint -AccessToken $token -SubscriptionId $SubscriptionId | Format-List | Out-Host

Write-Step 'Inventory: Azure OpenAI and AI Services accounts in the subscription'
$before = @(Get-AoaiAccount)
$before | Format-Table | Out-Host

Write-Step 'Which accounts still accept API keys?'
$exposed = @($before | Where-Object { -not $_.DisableLocalAuth })
$exposed | Format-Table Name, ResourceGroupName, Kind, DisableLocalAuth | Out-Host

Write-Step 'Plan: what Disable-AoaiLocalAuth would change (-WhatIf writes nothing)'
$exposed | Disable-AoaiLocalAuth -WhatIf

Write-Step 'Harden: turn key authentication off (one PATCH per account, waiting for each operation)'
$after = @($exposed | Disable-AoaiLocalAuth -PassThru -Confirm:$false)

Write-Step 'Result: DisableLocalAuth before -> after'
$after | ForEach-Object {
    $old = $before | Where-Object Id -eq $_.Id
    [pscustomobject]@{ Name = $_.Name; ResourceGroup = $_.ResourceGroupName; Before = $old.DisableLocalAuth; After = $_.DisableLocalAuth }
} | Format-Table | Out-Host

Write-Step 'Run it again: already compliant, nothing is written'
Get-AoaiAccount | Disable-AoaiLocalAuth -Verbose 4>&1 | ForEach-Object { Write-Host "  $_" }

if (@(Get-AoaiAccount | Where-Object { -not $_.DisableLocalAuth }).Count -ne 0) { throw 'Some accounts still accept API keys.' }
Write-Host "`nAll $(@($after).Count) exposed accounts now require Microsoft Entra ID." -ForegroundColor Green
