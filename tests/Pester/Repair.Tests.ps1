# Repair-AoaiHardening: findings in, fixes out; -WhatIf writes nothing; Repair then Test passes.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModuleManifest) -Force
    $script:Emu = Start-TestEmulator
    $script:ProdId = Get-ScenarioAccountId -ResourceGroupName rg-ai-prod -Name contoso-openai-prod
}
AfterAll { Stop-TestEmulator }

Describe 'Repair-AoaiHardening' {
    BeforeEach {
        Reset-TestEmulator
        Connect-TestEmulator | Out-Null
        Clear-EmulatorRequest
    }

    It 'prints the plan and writes nothing under -WhatIf' {
        $results = @(Test-AoaiHardening | Repair-AoaiHardening -WhatIf)
        @(Get-EmulatorWrite).Count | Should -Be 0
        $results.Status | Should -Not -Contain 'Fixed' -Because 'declined fixes produce no result'
        @(Test-AoaiHardening -Rule AOAI-IAM-001 | Where-Object Status -eq 'Fail').Count | Should -Be 3
    }

    It 'fixes what it can, says what it cannot, and Test then passes' {
        $results = @(Test-AoaiHardening | Repair-AoaiHardening -WarningVariable warnings -WarningAction SilentlyContinue)
        # Each fixing cmdlet warns once per run of its own; Repair says each distinct warning once: key auth (three fixes),
        # public access (two fixes), and the missing private endpoint of each of the two accounts it closes.
        @($warnings).Count | Should -Be 4
        @($warnings | Where-Object Message -Match 'API key').Count | Should -Be 1
        @($warnings | Where-Object Message -Match 'no approved private endpoint').Count | Should -Be 2
        # The key fix needs a vault and key Repair was not given: skipped, naming the parameters.
        $cmk = $results | Where-Object { $_.RuleId -eq 'AOAI-ENC-001' } | Select-Object -First 1
        $cmk.Status | Should -Be 'Skipped'
        $cmk.Message | Should -Match '-KeyVaultResourceId'
        $fixed = @($results | Where-Object Status -eq 'Fixed')
        $fixed.RuleId | Sort-Object -Unique | Should -Be @('AOAI-IAM-001', 'AOAI-IAM-002', 'AOAI-NET-001', 'AOAI-NET-004')
        $fixed.Count | Should -Be 8 -Because 'key auth off on 3 accounts, a managed identity on the 2 without one, public access off on the 2 open ones, broad IP rules off the dev one'
        # Revoking the user's Owner (AOAI-IAM-003) removes access: it needs -Force, so it is skipped with the command line to review.
        $revoke = $results | Where-Object RuleId -eq 'AOAI-IAM-003' | Select-Object -First 1
        $revoke.Status | Should -Be 'Skipped'
        $revoke.Message | Should -Match '-Force' 
        ($fixed | Where-Object ResourceId -eq $script:ProdId).Command |
            Should -Be @("Disable-AoaiPublicNetworkAccess -ResourceId '$script:ProdId'", "Disable-AoaiLocalAuth -ResourceId '$script:ProdId'", "Enable-AoaiManagedIdentity -ResourceId '$script:ProdId'")
        @(Get-EmulatorWrite).Count | Should -Be 8
        @(Test-AoaiHardening -Rule AOAI-IAM-001, AOAI-NET-001, AOAI-NET-004).Status | Sort-Object -Unique | Should -Be 'Pass'
    }

    It 'emits the repaired accounts with -PassThru, ready to test again' {
        $after = @(Test-AoaiHardening -Rule AOAI-IAM-001 | Repair-AoaiHardening -PassThru -WarningAction SilentlyContinue | Test-AoaiHardening -Rule AOAI-IAM-001)
        $after.Count | Should -Be 3
        $after.Status | Sort-Object -Unique | Should -Be 'Pass'
    }

    It 'skips fixes that need input it was not given, naming the parameter' {
        $finding = Test-AoaiHardening -Rule AOAI-NET-003 -ResourceGroupName rg-ai-prod -Name contoso-openai-prod
        $finding.Status | Should -Be 'Fail'
        Clear-EmulatorRequest
        $result = $finding | Repair-AoaiHardening
        $result.Status | Should -Be 'Skipped'
        $result.Message | Should -Match '-SubnetId'
        @(Get-EmulatorWrite).Count | Should -Be 0
        $result.Command | Should -Be "New-AoaiPrivateEndpoint -ResourceId '$script:ProdId' -SubnetId '<subnet resource id>'"
    }

    It 'skips findings from templates and passes over findings that are not failures' {
        $file = Join-Path $TestDrive 'main.json'
        '{ "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "resources": [ { "type": "Microsoft.CognitiveServices/accounts", "apiVersion": "2025-09-01", "name": "tpl", "kind": "OpenAI", "properties": {} } ] }' | Set-Content $file
        $result = Test-AoaiHardening -Path $file -Rule AOAI-IAM-001 | Repair-AoaiHardening
        $result.Status | Should -Be 'Skipped'
        $result.Message | Should -Match 'not a deployed account'
        $manual = @(Test-AoaiHardening -Path $file -Rule AOAI-NET-005 | Repair-AoaiHardening)
        $manual.Count | Should -Be 1
        $manual.Status | Should -Be 'NotAvailable' -Because 'NET-005 has no automatic fix'
        $passing = Test-AoaiHardening -Rule AOAI-NET-001 -ResourceGroupName rg-ai-prod -Name contoso-aiservices
        $passing.Status | Should -Be 'Pass'
        @($passing | Repair-AoaiHardening).Count | Should -Be 0
    }

    It 'reports a fix that fails, with the ARM error, and carries on' {
        Add-EmulatorFault -PathLike '/accounts/contoso-openai-prod' -Method PATCH -Status 409 -Code 'Conflict' -Message 'Another operation is in progress.' -Count 5
        $results = @(Test-AoaiHardening -Rule AOAI-IAM-001 | Repair-AoaiHardening -ErrorVariable err -ErrorAction SilentlyContinue -WarningAction SilentlyContinue)
        ($results | Where-Object ResourceId -eq $script:ProdId).Status | Should -Be 'Failed'
        ($results | Where-Object ResourceId -eq $script:ProdId).Message | Should -Match 'Another operation is in progress'
        @($results | Where-Object Status -eq 'Fixed').Count | Should -Be 2
        $err[0].FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.LocalAuth.UpdateFailed,*'
    }
}
