# Test-AoaiOnYourDataSecurity and Grant-AoaiOnYourDataAccess against the emulator: a secure On Your Data scenario (the
# demo tenant edited in memory) passes every OYD rule; each broken variant fails exactly the rule it breaks.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModuleManifest) -Force
    $script:Emu = Start-TestEmulator
    $script:Sub = Get-ScenarioSubscriptionId
    $script:Rg = "/subscriptions/$script:Sub/resourceGroups/rg-ai-prod"
    $script:ProdId = Get-ScenarioAccountId -ResourceGroupName rg-ai-prod -Name contoso-openai-prod
    $script:SearchId = "$script:Rg/providers/Microsoft.Search/searchServices/srch-contoso-oyd"
    $script:StorageId = "$script:Rg/providers/Microsoft.Storage/storageAccounts/stcontosooyd"
    $script:AccountPrincipal = '0e0e0000-0000-4000-8000-0000000000a1'
    $script:SearchPrincipal = '0e0e0000-0000-4000-8000-0000000000b2'
    $script:Roles = @{
        SearchIndexDataReader   = '1407120a-92aa-4202-b7e9-c0e197c71c8f'
        SearchServiceContributor = '7ca78c08-252a-4471-8644-bb5ff32d4ba0'
        BlobDataContributor     = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
        OpenAIContributor       = 'a001fd3d-188f-4b5d-821b-7da978bf7442'
        BlobDataReader          = '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1'
    }

    function Approved([string] $Id) {
        , @(@{ id = "$Id/privateEndpointConnections/pe-oyd"; name = 'pe-oyd'; properties = @{ privateLinkServiceConnectionState = @{ status = 'Approved' }; groupIds = @('x') } })
    }

    # The demo tenant with a secure On Your Data setup; $Break edits it afterwards (one variant per rule).
    function Reset-OydScenario([scriptblock] $Break = {}, [switch] $NoRoles) {
        $body = Get-Content (Get-ScenarioPath 'demo-tenant.json') -Raw | ConvertFrom-Json -AsHashtable
        $body.config = @{ retryAfterSeconds = 0; lroPolls = 1 }
        $group = $body.subscriptions[0].resourceGroups | Where-Object name -eq 'rg-ai-prod'
        $account = $group.resources | Where-Object { $_.name -eq 'contoso-openai-prod' }
        $account.identity = @{ type = 'SystemAssigned'; principalId = $script:AccountPrincipal; tenantId = $body.tenantId }
        $account.properties.publicNetworkAccess = 'Disabled'
        $account.properties.networkAcls = @{ defaultAction = 'Deny'; bypass = 'AzureServices'; ipRules = @(); virtualNetworkRules = @() }
        $account.properties.privateEndpointConnections = Approved $script:ProdId
        $search = $group.resources | Where-Object { $_.name -eq 'srch-contoso-oyd' }
        if (-not $search) { $search = @{ type = 'Microsoft.Search/searchServices'; name = 'srch-contoso-oyd'; location = 'swedencentral'; sku = @{ name = 'standard' }; properties = @{} }; $group.resources += $search }
        $search.identity = @{ type = 'SystemAssigned'; principalId = $script:SearchPrincipal; tenantId = $body.tenantId }
        $search.properties.authOptions = @{ aadOrApiKey = @{ aadAuthFailureMode = 'http401WithBearerChallenge' } }
        $search.properties.disableLocalAuth = $false
        $search.properties.publicNetworkAccess = 'disabled'
        $search.properties.networkRuleSet = @{ ipRules = @(); bypass = 'AzureServices' }
        $search.properties.privateEndpointConnections = Approved $script:SearchId
        $storage = $group.resources | Where-Object { $_.name -eq 'stcontosooyd' }
        if (-not $storage) { $storage = @{ type = 'Microsoft.Storage/storageAccounts'; name = 'stcontosooyd'; kind = 'StorageV2'; location = 'swedencentral'; sku = @{ name = 'Standard_LRS' }; properties = @{} }; $group.resources += $storage }
        $storage.properties.publicNetworkAccess = 'Disabled'
        $storage.properties.networkAcls = @{ bypass = 'AzureServices'; defaultAction = 'Deny'; ipRules = @(); virtualNetworkRules = @() }
        $storage.properties.privateEndpointConnections = Approved $script:StorageId
        if (-not $NoRoles) {
            $n = 0
            foreach ($row in @(
                    @($script:Roles.SearchIndexDataReader, $script:AccountPrincipal, $script:SearchId),
                    @($script:Roles.SearchServiceContributor, $script:AccountPrincipal, $script:SearchId),
                    @($script:Roles.BlobDataContributor, $script:AccountPrincipal, $script:StorageId),
                    @($script:Roles.OpenAIContributor, $script:SearchPrincipal, $script:ProdId),
                    @($script:Roles.BlobDataReader, $script:SearchPrincipal, $script:StorageId))) {
                $n++
                $body.roleAssignments += @{ name = "0e0e0000-0000-4000-8000-00000000000$n"; roleDefinitionId = $row[0]; principalId = $row[1]; scope = $row[2] }
            }
        }
        & $Break @{ Account = $account; Search = $search; Storage = $storage; Body = $body }
        Invoke-EmulatorControl -Path 'scenario' -Method POST -Body $body | Out-Null
        Connect-TestEmulator | Out-Null
        Clear-EmulatorRequest
    }

    function Test-Oyd { Test-AoaiOnYourDataSecurity -ResourceId $script:ProdId -SearchServiceResourceId $script:SearchId -StorageAccountResourceId $script:StorageId }
    function Grant-Oyd { param([hashtable] $Extra = @{}) Grant-AoaiOnYourDataAccess -ResourceId $script:ProdId -SearchServiceResourceId $script:SearchId -StorageAccountResourceId $script:StorageId @Extra }
    function Get-RoleWrite { @(Get-EmulatorWrite -PathLike '*/roleAssignments/*') }
}
AfterAll { Stop-TestEmulator }

Describe 'Test-AoaiOnYourDataSecurity' {
    It 'passes every OYD rule on the secure scenario, one finding per resource and role row, in seven requests' {
        Reset-OydScenario
        $findings = @(Test-Oyd)
        $findings.Count | Should -Be 16
        @($findings | Where-Object Status -ne 'Pass') | ForEach-Object { "$($_.RuleId) $($_.Target): $($_.Message)" } | Should -BeNullOrEmpty
        ($findings.RuleId | Sort-Object -Unique) | Should -Be @('AOAI-OYD-001', 'AOAI-OYD-002', 'AOAI-OYD-003', 'AOAI-OYD-004', 'AOAI-OYD-005', 'AOAI-OYD-006', 'AOAI-OYD-007')
        $findings | ForEach-Object { $_.ResourceId | Should -Be $script:ProdId; $_.Baseline | Should -Be 'OnYourData' }
        @(Get-EmulatorRequest).Count | Should -Be 7
        @(Get-EmulatorWrite).Count | Should -Be 0
    }

    It 'fails exactly <Rule> when <Variant>' -ForEach @(
        @{ Rule = 'AOAI-OYD-002'; Variant = 'the storage account allows all networks'; Break = { param($r) $r.Storage.properties.networkAcls.defaultAction = 'Allow' } }
        @{ Rule = 'AOAI-OYD-002'; Variant = 'the account does not let Azure services through'; Break = { param($r) $r.Account.properties.networkAcls.bypass = 'None' } }
        @{ Rule = 'AOAI-OYD-003'; Variant = 'the search service is public'; Break = { param($r) $r.Search.properties.publicNetworkAccess = 'enabled' } }
        @{ Rule = 'AOAI-OYD-004'; Variant = 'the storage private endpoint is pending'; Break = { param($r) $r.Storage.properties.privateEndpointConnections[0].properties.privateLinkServiceConnectionState.status = 'Pending' } }
        @{ Rule = 'AOAI-OYD-005'; Variant = 'search takes API keys only'; Break = { param($r) $r.Search.properties.authOptions = @{ apiKeyOnly = @{} } } }
        @{ Rule = 'AOAI-OYD-007'; Variant = 'a role assignment is missing'; Break = { param($r) $r.Body.roleAssignments = @($r.Body.roleAssignments | Where-Object roleDefinitionId -ne '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1') } }
    ) {
        Reset-OydScenario -Break $Break
        $failing = @(Test-Oyd | Where-Object Status -ne 'Pass')
        ($failing.RuleId | Sort-Object -Unique) | Should -Be @($Rule)
        $failing | ForEach-Object { $_.Status | Should -Be 'Fail'; $_.Remediation | Should -Not -BeNullOrEmpty }
    }

    It 'fails OYD-001 (and the rows the account is assignee of, saying why) without the account identity' {
        Reset-OydScenario -Break { param($r) $r.Account.Remove('identity'); $r.Body.roleAssignments = @($r.Body.roleAssignments | Where-Object principalId -ne $script:AccountPrincipal) }
        $failing = @(Test-Oyd | Where-Object Status -ne 'Pass')
        ($failing.RuleId | Sort-Object -Unique) | Should -Be @('AOAI-OYD-001', 'AOAI-OYD-007')
        @($failing | Where-Object RuleId -eq 'AOAI-OYD-007').Count | Should -Be 3
        ($failing | Where-Object RuleId -eq 'AOAI-OYD-007')[0].Message | Should -Match 'no system-assigned identity'
    }

    It 'fails OYD-006 (and the rows Search is assignee of) without the search identity' {
        Reset-OydScenario -Break { param($r) $r.Search.Remove('identity'); $r.Body.roleAssignments = @($r.Body.roleAssignments | Where-Object principalId -ne $script:SearchPrincipal) }
        $failing = @(Test-Oyd | Where-Object Status -ne 'Pass')
        ($failing.RuleId | Sort-Object -Unique) | Should -Be @('AOAI-OYD-006', 'AOAI-OYD-007')
        @($failing | Where-Object RuleId -eq 'AOAI-OYD-007').Count | Should -Be 2
    }

    It 'reports a read failure as Error naming the resource' {
        Reset-OydScenario
        Add-EmulatorFault -PathLike '/searchServices/srch-contoso-oyd' -Method GET -Status 403 -Code AuthorizationFailed -Count 1
        $findings = @(Test-Oyd)
        $errors = @($findings | Where-Object Status -eq 'Error')
        ($errors.RuleId | Sort-Object -Unique) | Should -Be @('AOAI-OYD-003', 'AOAI-OYD-004', 'AOAI-OYD-005', 'AOAI-OYD-006', 'AOAI-OYD-007')
        ($errors | Where-Object RuleId -eq 'AOAI-OYD-005').Message | Should -Match 'search service srch-contoso-oyd.*403|403.*srch-contoso-oyd'
    }

    It 'feeds Assert-AoaiHardening: silent on the secure scenario, one error listing the failures otherwise' {
        Reset-OydScenario
        { Test-Oyd | Assert-AoaiHardening -ErrorAction Stop } | Should -Not -Throw
        Reset-OydScenario -Break { param($r) $r.Search.properties.publicNetworkAccess = 'enabled' }
        $thrown = { Test-Oyd | Assert-AoaiHardening -ErrorAction Stop } | Should -Throw -ErrorId 'AoaiHardening.Assert.Failed*' -PassThru
        $thrown.Exception.Message | Should -Match '1 hardening finding\(s\) failed in the given findings'
        $thrown.Exception.Message | Should -Match 'AOAI-OYD-003'
        @($thrown.Exception.Failures).Count | Should -Be 1
        @(Get-EmulatorWrite).Count | Should -Be 0
    }

    It 'refuses malformed ids before any request' {
        Reset-OydScenario
        { Test-AoaiOnYourDataSecurity -ResourceId $script:ProdId -SearchServiceResourceId $script:StorageId -StorageAccountResourceId $script:StorageId -ErrorAction Stop } |
            Should -Throw -ErrorId 'AoaiHardening.OnYourData.InvalidSearchServiceResourceId,*'
        @(Get-EmulatorRequest).Count | Should -Be 0
    }

    It 'hands failing findings to Repair: the account fixes run, Search and Storage are reported as manual' {
        Reset-OydScenario -NoRoles -Break { param($r) $r.Search.properties.publicNetworkAccess = 'enabled' }
        $results = @(Test-Oyd | Where-Object Status -eq 'Fail' | Repair-AoaiHardening -WhatIf)
        ($results | Where-Object RuleId -eq 'AOAI-OYD-003').Status | Should -Be 'NotAvailable'
        @(Get-EmulatorWrite).Count | Should -Be 0
        $fixed = @(Test-Oyd | Where-Object Status -eq 'Fail' | Repair-AoaiHardening -Confirm:$false)
        @($fixed | Where-Object { $_.RuleId -eq 'AOAI-OYD-007' -and $_.Status -eq 'Fixed' }).Count | Should -BeGreaterThan 0
        @(Test-Oyd | Where-Object { $_.RuleId -eq 'AOAI-OYD-007' -and $_.Status -ne 'Pass' }).Count | Should -Be 0
    }
}

Describe 'Grant-AoaiOnYourDataAccess' {
    It 'creates the five assignments at the resources with exact bodies, then is idempotent' {
        Reset-OydScenario -NoRoles
        $created = @(Grant-Oyd @{ PassThru = $true })
        $created.Count | Should -Be 5
        $puts = Get-RoleWrite
        $puts.Count | Should -Be 5
        $expected = @(
            @($script:SearchId, $script:Roles.SearchIndexDataReader, $script:AccountPrincipal),
            @($script:SearchId, $script:Roles.SearchServiceContributor, $script:AccountPrincipal),
            @($script:StorageId, $script:Roles.BlobDataContributor, $script:AccountPrincipal),
            @($script:ProdId, $script:Roles.OpenAIContributor, $script:SearchPrincipal),
            @($script:StorageId, $script:Roles.BlobDataReader, $script:SearchPrincipal))
        for ($i = 0; $i -lt 5; $i++) {
            $puts[$i].method | Should -Be 'PUT'
            $puts[$i].path | Should -BeLike "$($expected[$i][0])/providers/Microsoft.Authorization/roleAssignments/*"
            ($puts[$i].body | ConvertTo-Json -Depth 10 -Compress) | Should -BeExactly ('{"properties":{"roleDefinitionId":"/subscriptions/' + $script:Sub + '/providers/Microsoft.Authorization/roleDefinitions/' + $expected[$i][1] +
                '","principalId":"' + $expected[$i][2] + '","principalType":"ServicePrincipal","description":"On Your Data (Grant-AoaiOnYourDataAccess)"}}')
        }
        Clear-EmulatorRequest
        @(Grant-Oyd @{ PassThru = $true }).Count | Should -Be 5
        @(Get-EmulatorWrite).Count | Should -Be 0
    }

    It 'writes nothing under -WhatIf' {
        Reset-OydScenario -NoRoles
        Grant-Oyd @{ WhatIf = $true }
        @(Get-EmulatorWrite).Count | Should -Be 0
    }

    It 'counts an assignment inherited from the resource group as present' {
        Reset-OydScenario -NoRoles -Break { param($r) $r.Body.roleAssignments += @{ name = '0e0e0000-0000-4000-8000-0000000000f1'; roleDefinitionId = '1407120a-92aa-4202-b7e9-c0e197c71c8f'; principalId = $script:AccountPrincipal; scope = $script:Rg } }
        Grant-Oyd
        $puts = Get-RoleWrite
        $puts.Count | Should -Be 4
        @($puts | Where-Object body -like '*1407120a-92aa-4202-b7e9-c0e197c71c8f*').Count | Should -Be 0
    }

    It 'refuses malformed ids before any request' {
        Reset-OydScenario -NoRoles
        { Grant-AoaiOnYourDataAccess -ResourceId $script:ProdId -SearchServiceResourceId $script:SearchId -StorageAccountResourceId "$script:Rg/providers/Microsoft.Storage/storageAccounts/Bad_Name" -ErrorAction Stop } |
            Should -Throw -ErrorId 'AoaiHardening.OnYourData.InvalidStorageAccountResourceId,*'
        { Grant-AoaiOnYourDataAccess -ResourceId 'not-an-id' -SearchServiceResourceId $script:SearchId -StorageAccountResourceId $script:StorageId -ErrorAction Stop } |
            Should -Throw -ErrorId 'AoaiHardening.Account.InvalidResourceId,*'
        @(Get-EmulatorRequest).Count | Should -Be 0
    }

    It 'refuses before any write when the account has no system-assigned identity, naming Enable-AoaiManagedIdentity' {
        Reset-OydScenario -NoRoles -Break { param($r) $r.Account.Remove('identity'); $r.Body.roleAssignments = @($r.Body.roleAssignments | Where-Object principalId -ne $script:AccountPrincipal) }
        Grant-AoaiOnYourDataAccess -ResourceId $script:ProdId -SearchServiceResourceId $script:SearchId -StorageAccountResourceId $script:StorageId -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.OnYourData.NoManagedIdentity*'
        $err[0].Exception.Message | Should -Match 'Enable-AoaiManagedIdentity'
        @(Get-EmulatorWrite).Count | Should -Be 0
    }

    It 'reports a 403 on one PUT naming the role, the assignee and the scope, and grants the other rows' {
        Reset-OydScenario -NoRoles
        Add-EmulatorFault -PathLike "/storageAccounts/stcontosooyd/providers/Microsoft.Authorization/roleAssignments/" -Method PUT -Status 403 -Code AuthorizationFailed -Count 1
        Grant-AoaiOnYourDataAccess -ResourceId $script:ProdId -SearchServiceResourceId $script:SearchId -StorageAccountResourceId $script:StorageId -ErrorVariable err -ErrorAction SilentlyContinue
        @($err).Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.OnYourData.GrantFailed*'
        $err[0].Exception.Message | Should -Match "Storage Blob Data Contributor"
        $err[0].Exception.Message | Should -Match "OpenAI account contoso-openai-prod's identity $script:AccountPrincipal"
        $err[0].Exception.Message | Should -Match ([regex]::Escape($script:StorageId))
        $err[0].Exception.Message | Should -Match 'AuthorizationFailed'
        @(Get-RoleWrite).Count | Should -Be 5
        @(Test-Oyd | Where-Object { $_.RuleId -eq 'AOAI-OYD-007' -and $_.Status -eq 'Fail' }).Target | Should -BeLike 'Storage Blob Data Contributor*'
    }
}
