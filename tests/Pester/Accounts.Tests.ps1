# Connect-AoaiHardening, Get-AoaiContext, Disconnect-AoaiHardening and Get-AoaiAccount against the ARM emulator.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModuleManifest) -Force
    $script:Emu = Start-TestEmulator
    $script:Sub = Get-ScenarioSubscriptionId
    $script:Token = ConvertTo-SecureString 'emulator-test-token' -AsPlainText -Force
    $script:ProdId = Get-ScenarioAccountId -ResourceGroupName rg-ai-prod -Name contoso-openai-prod
}
AfterAll { Stop-TestEmulator }

Describe 'Connect-AoaiHardening and Get-AoaiContext' {
    It 'connects to a custom ARM endpoint with an access token, and the context shows no secret' {
        $ctx = Connect-TestEmulator
        $ctx.AuthenticationMethod | Should -Be 'AccessToken'
        $ctx.Environment | Should -Be 'Custom'
        $ctx.ArmEndpoint.Authority | Should -Be ([uri]$script:Emu.Url).Authority
        $ctx.ArmScope | Should -Be "$($script:Emu.Url)/.default"
        $ctx.SubscriptionId | Should -Be $script:Sub
        (Get-AoaiContext | ConvertTo-Json -Depth 5) | Should -Not -Match 'emulator-test-token'
    }

    It 'knows the sovereign clouds' {
        $ctx = Connect-AoaiHardening -Environment AzureUSGovernment -AccessToken $script:Token
        $ctx.ArmEndpoint | Should -Be 'https://management.usgovcloudapi.net/'
        $ctx.ArmScope | Should -Be 'https://management.core.usgovcloudapi.net/.default'
        $ctx = Connect-AoaiHardening -Environment AzureChinaCloud -AccessToken $script:Token
        $ctx.AuthorityHost | Should -Be 'https://login.chinacloudapi.cn/'
    }

    It 'records a service principal without showing its secret' {
        $secret = ConvertTo-SecureString 'sp-secret-value-123' -AsPlainText -Force
        $ctx = Connect-AoaiHardening -ServicePrincipal -TenantId 11111111-2222-3333-4444-555555555555 -ClientId 22222222-3333-4444-5555-666666666666 -ClientSecret $secret -ArmEndpoint $script:Emu.Url
        $ctx.AuthenticationMethod | Should -Be 'ServicePrincipalSecret'
        $ctx.ClientId | Should -Be '22222222-3333-4444-5555-666666666666'
        ($ctx | Format-List * | Out-String) | Should -Not -Match 'sp-secret-value-123'
    }

    It 'refuses an http ARM endpoint before any request' {
        { Connect-AoaiHardening -ArmEndpoint 'http://127.0.0.1:1' -AccessToken $script:Token } |
            Should -Throw -ErrorId 'AoaiHardening.Connect.InvalidEnvironment,AoaiHardening.Cmdlets.Connection.ConnectAoaiHardening'
    }

    It 'refuses a malformed subscription id' {
        { Connect-AoaiHardening -ArmEndpoint $script:Emu.Url -AccessToken $script:Token -SubscriptionId 'prod' } |
            Should -Throw -ErrorId 'AoaiHardening.Connect.InvalidSubscriptionId,*'
    }

    It 'falls back to the implicit DefaultAzureCredential context after Disconnect' {
        Disconnect-AoaiHardening
        $ctx = Get-AoaiContext
        $ctx.IsImplicit | Should -BeTrue
        $ctx.AuthenticationMethod | Should -Be 'DefaultAzureCredential'
        $ctx.ArmEndpoint | Should -Be 'https://management.azure.com/'
    }
}

Describe 'Get-AoaiAccount' {
    BeforeEach {
        Reset-TestEmulator
        Connect-TestEmulator | Out-Null
        Clear-EmulatorRequest
    }

    It 'lists the OpenAI and AIServices accounts of the default subscription and skips other kinds' {
        $accounts = Get-AoaiAccount
        $accounts.Name | Should -Contain 'contoso-openai-prod'
        $accounts.Name | Should -Contain 'contoso-aiservices'
        $accounts.Name | Should -Contain 'contoso-openai-dev'
        $accounts.Name | Should -Not -Contain 'contoso-language'
        $accounts | ForEach-Object { $_ | Should -BeOfType ([AoaiHardening.Model.AoaiAccount]) }
    }

    It 'includes every kind with -Kind *' {
        (Get-AoaiAccount -Kind *).Name | Should -Contain 'contoso-language'
    }

    It 'gets one account by resource group and name with one GET, mapping its security settings' {
        $a = Get-AoaiAccount -ResourceGroupName rg-ai-prod -Name contoso-openai-prod
        $a.Id | Should -Be $script:ProdId
        $a.SubscriptionId | Should -Be $script:Sub
        $a.ResourceGroupName | Should -Be 'rg-ai-prod'
        $a.Kind | Should -Be 'OpenAI'
        $a.PublicNetworkAccess | Should -Be 'Enabled'
        $a.NetworkDefaultAction | Should -Be 'Allow'
        $a.DisableLocalAuth | Should -BeFalse
        $a.IdentityType | Should -Be 'None'
        $a.EncryptionKeySource | Should -Be 'Microsoft.CognitiveServices'
        $a.Endpoint | Should -Match 'openai\.azure\.com'
        $a.ProvisioningState | Should -Be 'Succeeded'
        $a.Etag | Should -Not -BeNullOrEmpty
        ($a.RawJson | ConvertFrom-Json).name | Should -Be 'contoso-openai-prod'
        $gets = Get-EmulatorRequest -Method GET
        @($gets).Count | Should -Be 1
        $gets[0].path | Should -Be $script:ProdId
        $gets[0].apiVersion | Should -Be '2025-09-01'
    }

    It 'maps network rules and managed identity' {
        $a = Get-AoaiAccount -ResourceGroupName rg-ai-prod -Name contoso-aiservices
        $a.PublicNetworkAccess | Should -Be 'Disabled'
        $a.NetworkDefaultAction | Should -Be 'Deny'
        $a.NetworkBypass | Should -Be 'AzureServices'
        $a.IdentityType | Should -Be 'SystemAssigned'
        $a.PrincipalId | Should -Not -BeNullOrEmpty
        (Get-AoaiAccount -ResourceGroupName rg-ai-dev -Name contoso-openai-dev).IpRules.Count | Should -BeGreaterThan 0
    }

    It 'filters resource groups and names with wildcards' {
        $names = (Get-AoaiAccount -ResourceGroupName 'rg-ai-*' -Name 'contoso-openai-*').Name
        $names | Should -Contain 'contoso-openai-prod'
        $names | Should -Contain 'contoso-openai-dev'
        $names | Should -Not -Contain 'contoso-aiservices'
        (Get-AoaiAccount -Name '*-dev').Name | Should -Be 'contoso-openai-dev'
    }

    It 'follows nextLink across pages' {
        Reset-TestEmulator -Config @{ pageSize = 1 }
        $all = Get-AoaiAccount -Kind *
        @($all).Count | Should -Be 4
        @(Get-EmulatorRequest -Method GET -PathLike '*/accounts').Count | Should -BeGreaterOrEqual 4
    }

    It 'binds -ResourceId by property name, as Get-AzResource output does' {
        $a = [pscustomobject]@{ ResourceId = $script:ProdId; Name = 'ignored' } | Get-AoaiAccount
        $a.Name | Should -Be 'contoso-openai-prod'
    }

    It 'skips other resource types arriving from the pipeline without a request' {
        $storage = "/subscriptions/$script:Sub/resourceGroups/rg-ai-prod/providers/Microsoft.Storage/storageAccounts/contosodata"
        @([pscustomobject]@{ ResourceId = $storage } | Get-AoaiAccount).Count | Should -Be 0
        @(Get-EmulatorRequest).Count | Should -Be 0
    }

    It 'refuses a malformed -ResourceId with a terminating error and makes no request' {
        { Get-AoaiAccount -ResourceId 'contoso-openai-prod' } | Should -Throw -ErrorId 'AoaiHardening.Account.InvalidResourceId,AoaiHardening.Cmdlets.Accounts.GetAoaiAccount'
        { Get-AoaiAccount -ResourceId "/subscriptions/$script:Sub/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/x" } | Should -Throw -ErrorId 'AoaiHardening.Account.InvalidResourceId,*'
        @(Get-EmulatorRequest).Count | Should -Be 0
    }

    It 'reports a missing account as a non-terminating ObjectNotFound error naming it' {
        $r = Get-AoaiAccount -ResourceGroupName rg-ai-prod -Name contoso-missing -ErrorVariable err -ErrorAction SilentlyContinue
        $r | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.Account.NotFound,*'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err[0].Exception.Message | Should -Match 'contoso-missing'
        $err[0].Exception.ErrorCode | Should -Be 'ResourceNotFound'
    }

    It 'reports a missing resource group' {
        Get-AoaiAccount -ResourceGroupName rg-nope -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.Account.ScopeNotFound,*'
        $err[0].Exception.ErrorCode | Should -Be 'ResourceGroupNotFound'
    }

    It 'survives injected 503s (Retry-After honoured) and a connection reset' {
        Add-EmulatorFault -PathLike '/accounts/contoso-openai-prod' -Status 503 -Count 2 -RetryAfter 0
        (Get-AoaiAccount -ResourceGroupName rg-ai-prod -Name contoso-openai-prod).Name | Should -Be 'contoso-openai-prod'
        $statuses = @(Get-EmulatorRequest -Method GET).status
        $statuses | Should -Be @(503, 503, 200)
        Clear-EmulatorRequest
        Add-EmulatorFault -PathLike '/accounts/contoso-openai-prod' -Kind reset -Count 1
        (Get-AoaiAccount -ResourceGroupName rg-ai-prod -Name contoso-openai-prod).Name | Should -Be 'contoso-openai-prod'
    }

    It 'does not retry a 403 and reports it as PermissionDenied' {
        Add-EmulatorFault -PathLike '/accounts/contoso-openai-prod' -Status 403 -Code AuthorizationFailed -Message 'The client does not have authorization to perform action.' -Count 5
        Get-AoaiAccount -ResourceGroupName rg-ai-prod -Name contoso-openai-prod -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        $err[0].Exception.Message | Should -Match 'AuthorizationFailed'
        @(Get-EmulatorRequest -Method GET).Count | Should -Be 1
    }

    It 'identifies itself with the module user agent and a bearer token' {
        Get-AoaiAccount -ResourceGroupName rg-ai-prod -Name contoso-openai-prod | Out-Null
        $request = @(Get-EmulatorRequest)[0]
        $request.userAgent | Should -BeLike 'AoaiHardening/0.1.0 *'
        $request.hasAuthorization | Should -BeTrue
    }

    It 'completes resource group names from ARM' {
        $completion = TabExpansion2 -inputScript 'Get-AoaiAccount -ResourceGroupName rg-ai-' -cursorColumn 'Get-AoaiAccount -ResourceGroupName rg-ai-'.Length
        $completion.CompletionMatches.CompletionText | Should -Contain 'rg-ai-prod'
        $completion.CompletionMatches.CompletionText | Should -Contain 'rg-ai-dev'
    }

    It 'completes account names within the bound resource group' {
        $line = 'Get-AoaiAccount -ResourceGroupName rg-ai-prod -Name contoso-o'
        $completion = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        $completion.CompletionMatches.CompletionText | Should -Be @('contoso-openai-prod')
    }
}
