# Disable-AoaiLocalAuth and Enable-AoaiLocalAuth against the ARM emulator: surgical PATCH, LRO, idempotence,
# -WhatIf, bad input, injected faults.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModuleManifest) -Force
    $script:Emu = Start-TestEmulator
    $script:Sub = Get-ScenarioSubscriptionId
    $script:ProdId = Get-ScenarioAccountId -ResourceGroupName rg-ai-prod -Name contoso-openai-prod

    function Get-StoredAccount([string] $Name) {
        Get-EmulatorResource -Type 'Microsoft.CognitiveServices/accounts' | Where-Object name -eq $Name
    }
}
AfterAll { Stop-TestEmulator }

Describe 'Disable-AoaiLocalAuth' {
    BeforeEach {
        Reset-TestEmulator
        Connect-TestEmulator | Out-Null
        Clear-EmulatorRequest
    }

    It 'PATCHes only disableLocalAuth, waits for the operation and emits the updated account' {
        $before = Get-StoredAccount 'contoso-openai-prod'
        $result = Get-AoaiAccount -ResourceGroupName rg-ai-prod -Name contoso-openai-prod |
            Disable-AoaiLocalAuth -PassThru -WarningAction SilentlyContinue
        $result.DisableLocalAuth | Should -BeTrue
        $result.ProvisioningState | Should -Be 'Succeeded'

        $writes = @(Get-EmulatorWrite)
        $writes.Count | Should -Be 1
        $writes[0].method | Should -Be 'PATCH'
        $writes[0].path | Should -Be $script:ProdId
        ($writes[0].body | ConvertTo-Json -Compress -Depth 5) | Should -Be '{"properties":{"disableLocalAuth":true}}'
        # The LRO was followed through its status resource, not assumed.
        @(Get-EmulatorRequest -Method GET -PathLike '*/operationStatuses/*').Count | Should -BeGreaterOrEqual 1

        $after = Get-StoredAccount 'contoso-openai-prod'
        $after.properties.disableLocalAuth | Should -BeTrue
        # Everything else is as it was (tags, network settings, unknown fields).
        ($after.tags | ConvertTo-Json -Compress) | Should -Be ($before.tags | ConvertTo-Json -Compress)
        $after.properties.publicNetworkAccess | Should -Be $before.properties.publicNetworkAccess
    }

    It 'reports LRO progress while it waits' {
        Reset-TestEmulator -Config @{ lroPolls = 3 }
        $ProgressPreference = 'Continue'
        $null = Disable-AoaiLocalAuth -ResourceGroupName rg-ai-prod -Name contoso-openai-prod -WarningAction SilentlyContinue
        @(Get-EmulatorRequest -Method GET -PathLike '*/operationStatuses/*').Count | Should -Be 3
        (Get-StoredAccount 'contoso-openai-prod').properties.disableLocalAuth | Should -BeTrue
    }

    It 'makes no write when key auth is already off (second run)' {
        Disable-AoaiLocalAuth -ResourceId $script:ProdId -WarningAction SilentlyContinue
        Clear-EmulatorRequest
        $again = Disable-AoaiLocalAuth -ResourceId $script:ProdId -PassThru -WarningAction SilentlyContinue -WarningVariable warnings
        $again.DisableLocalAuth | Should -BeTrue
        @(Get-EmulatorWrite).Count | Should -Be 0
        @($warnings).Count | Should -Be 0
    }

    It 'makes no write under -WhatIf' {
        Get-AoaiAccount | Disable-AoaiLocalAuth -WhatIf
        @(Get-EmulatorWrite).Count | Should -Be 0
        (Get-StoredAccount 'contoso-openai-prod').properties.disableLocalAuth | Should -Not -BeTrue
    }

    It 'hardens every account on the pipeline and warns once' {
        $results = Get-AoaiAccount | Disable-AoaiLocalAuth -PassThru -WarningVariable warnings -WarningAction SilentlyContinue
        @($results).Count | Should -Be 3
        $results.DisableLocalAuth | Should -Not -Contain $false
        @($warnings).Count | Should -Be 1
        @(Get-EmulatorWrite).Count | Should -Be 3
    }

    It 'accepts -ResourceGroupName and -Name' {
        Disable-AoaiLocalAuth -ResourceGroupName rg-ai-dev -Name contoso-openai-dev -WarningAction SilentlyContinue
        (Get-StoredAccount 'contoso-openai-dev').properties.disableLocalAuth | Should -BeTrue
    }

    It 'refuses a malformed -ResourceId before any request' {
        { Disable-AoaiLocalAuth -ResourceId '/subscriptions/not-a-guid/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/a' } |
            Should -Throw -ErrorId 'AoaiHardening.Account.InvalidResourceId,AoaiHardening.Cmdlets.Identity.DisableAoaiLocalAuth'
        { Disable-AoaiLocalAuth -ResourceGroupName 'rg-ai-prod' -Name 'bad name!' } |
            Should -Throw -ErrorId 'AoaiHardening.Account.InvalidName,*'
        @(Get-EmulatorRequest).Count | Should -Be 0
    }

    It 'survives an injected 503 on the PATCH' {
        Add-EmulatorFault -PathLike '/accounts/contoso-openai-prod' -Method PATCH -Status 503 -Count 1 -RetryAfter 0
        $result = Disable-AoaiLocalAuth -ResourceId $script:ProdId -PassThru -WarningAction SilentlyContinue
        $result.DisableLocalAuth | Should -BeTrue
        @(Get-EmulatorRequest -Method PATCH).status | Should -Be @(503, 202)
    }

    It 'reports an injected 400 with the ARM code, the operation and the account' {
        Add-EmulatorFault -PathLike '/accounts/contoso-openai-prod' -Method PATCH -Status 400 -Code 'InvalidResourceProperties' -Message 'The property disableLocalAuth cannot be changed now.' -Count 1
        $result = Disable-AoaiLocalAuth -ResourceId $script:ProdId -PassThru -ErrorVariable err -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $result | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be 'AoaiHardening.LocalAuth.UpdateFailed,AoaiHardening.Cmdlets.Identity.DisableAoaiLocalAuth'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err[0].Exception.ErrorCode | Should -Be 'InvalidResourceProperties'
        $err[0].Exception.Status | Should -Be 400
        $err[0].Exception.Message | Should -Match 'contoso-openai-prod'
        $err[0].Exception.Message | Should -Match 'Disable key \(local\) authentication'
        $err[0].Exception.Message | Should -Match 'cannot be changed now'
        @(Get-EmulatorRequest -Method PATCH).Count | Should -Be 1 -Because '400 is not retried'
    }

    It 'reports a long-running operation that ends Failed' {
        Add-EmulatorFault -PathLike '/accounts/contoso-openai-prod' -Method PATCH -Kind lroFail -Code 'InternalError' -Message 'The update could not be applied.'
        Disable-AoaiLocalAuth -ResourceId $script:ProdId -ErrorVariable err -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.LocalAuth.UpdateFailed,*'
        $err[0].Exception.ErrorCode | Should -Be 'InternalError'
        $err[0].Exception.Message | Should -Match 'Failed'
    }

    It 'reports a missing account without writing' {
        Disable-AoaiLocalAuth -ResourceGroupName rg-ai-prod -Name contoso-gone -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.Account.NotFound,*'
        @(Get-EmulatorWrite).Count | Should -Be 0
    }
}

Describe 'Enable-AoaiLocalAuth' {
    BeforeEach {
        Reset-TestEmulator
        Connect-TestEmulator | Out-Null
        Disable-AoaiLocalAuth -ResourceId $script:ProdId -WarningAction SilentlyContinue
        Clear-EmulatorRequest
    }

    It 'is high impact, so it asks for confirmation by default' {
        $attr = (Get-Command Enable-AoaiLocalAuth).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0]
        $attr.ConfirmImpact | Should -Be 'High'
    }

    It 'turns key auth back on with one PATCH and is idempotent' {
        $result = Enable-AoaiLocalAuth -ResourceId $script:ProdId -Confirm:$false -PassThru -WarningAction SilentlyContinue
        $result.DisableLocalAuth | Should -BeFalse
        $writes = @(Get-EmulatorWrite)
        $writes.Count | Should -Be 1
        ($writes[0].body | ConvertTo-Json -Compress -Depth 5) | Should -Be '{"properties":{"disableLocalAuth":false}}'
        Clear-EmulatorRequest
        Enable-AoaiLocalAuth -ResourceId $script:ProdId -Confirm:$false -WarningAction SilentlyContinue
        @(Get-EmulatorWrite).Count | Should -Be 0
    }

    It 'makes no write under -WhatIf' {
        Enable-AoaiLocalAuth -ResourceId $script:ProdId -WhatIf
        @(Get-EmulatorWrite).Count | Should -Be 0
    }

    It 'survives an injected 429 with Retry-After' {
        Add-EmulatorFault -PathLike '/accounts/contoso-openai-prod' -Method PATCH -Status 429 -Code TooManyRequests -RetryAfter 1 -Count 1
        (Enable-AoaiLocalAuth -ResourceId $script:ProdId -Confirm:$false -PassThru -WarningAction SilentlyContinue).DisableLocalAuth | Should -BeFalse
        @(Get-EmulatorRequest -Method PATCH).status | Should -Be @(429, 202)
    }
}
