# Cross-cutting behaviour of the cmdlets: Ctrl+C stops a long wait promptly (secrets hygiene: SecretsHygiene.Tests.ps1).
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModuleManifest) -Force
    $script:Emu = Start-TestEmulator
    $script:Sub = Get-ScenarioSubscriptionId
    $script:ProdId = Get-ScenarioAccountId -ResourceGroupName rg-ai-prod -Name contoso-openai-prod
}
AfterAll { Stop-TestEmulator }

Describe 'Stopping a cmdlet' {
    BeforeEach {
        Reset-TestEmulator
        Connect-TestEmulator | Out-Null
        Clear-EmulatorRequest
    }

    It 'stops promptly while waiting for an operation that never finishes' {
        Add-EmulatorFault -PathLike '/accounts/contoso-openai-prod' -Method PATCH -Kind lroStuck
        $run = Start-TestCommand Disable-AoaiLocalAuth @{ ResourceId = $script:ProdId; WarningAction = 'SilentlyContinue' }
        try {
            $deadline = [DateTime]::UtcNow.AddSeconds(30)
            while (@(Get-EmulatorRequest -Method GET -PathLike '*/operationStatuses/*').Count -lt 2 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
            @(Get-EmulatorRequest -Method GET -PathLike '*/operationStatuses/*').Count | Should -BeGreaterOrEqual 2 -Because 'the cmdlet is polling the stuck operation'

            # Without cancellation the cmdlet would wait for the 30-minute LRO timeout.
            Stop-TestCommand $run | Should -BeTrue
            $run.PowerShell.InvocationStateInfo.State | Should -Be 'Stopped'
            $run.Invocation.IsCompleted | Should -BeTrue
        }
        finally {
            $run.PowerShell.Dispose()
        }
    }
}
