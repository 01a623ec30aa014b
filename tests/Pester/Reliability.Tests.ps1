# Cross-cutting behaviour of the cmdlets: Ctrl+C stops a long wait promptly; secrets never reach a stream or transcript.
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

Describe 'Secrets hygiene' {
    It 'keeps the access token out of every stream and the transcript' {
        Reset-TestEmulator
        $secretToken = 'eyJhbGciOiJub25lIn0.eyJleHAiOjQxMDI0NDQ4MDB9.secret-signature-123'
        $transcript = Join-Path $TestDrive 'transcript.txt'
        Start-Transcript -Path $transcript | Out-Null
        try {
            # -Debug on a compiled cmdlet turns warnings into prompts; -WarningAction Continue keeps them in the stream.
            $all = & {
                Connect-AoaiHardening -ArmEndpoint $script:Emu.Url -AccessToken (ConvertTo-SecureString $secretToken -AsPlainText -Force) -SubscriptionId $script:Sub -Verbose -Debug
                Get-AoaiContext | Format-List * | Out-String
                Get-AoaiAccount -Verbose -Debug
                Disable-AoaiLocalAuth -ResourceId $script:ProdId -PassThru -Verbose -Debug -Confirm:$false -WarningAction Continue
                Get-AoaiAccount -ResourceGroupName rg-ai-prod -Name missing -Verbose -Debug -ErrorAction Continue
            } *>&1 | Out-String -Width 500
        }
        finally {
            Stop-Transcript | Out-Null
        }
        $all | Should -Match 'ARM GET' -Because 'the debug stream carries the request trace'
        $all | Should -Not -Match 'secret-signature-123'
        Get-Content $transcript -Raw | Should -Not -Match 'secret-signature-123'
    }
}
