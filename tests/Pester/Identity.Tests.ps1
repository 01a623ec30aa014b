# Managed identity, role assignments and the access report against the ARM emulator (Microsoft.Authorization with the
# demo tenant's principals and assignments): surgical writes, idempotence, -WhatIf, bad input, injected faults.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModuleManifest) -Force
    $script:Emu = Start-TestEmulator
    $script:Sub = Get-ScenarioSubscriptionId
    $script:ProdId = Get-ScenarioAccountId -ResourceGroupName rg-ai-prod -Name contoso-openai-prod
    $script:DevId = Get-ScenarioAccountId -ResourceGroupName rg-ai-dev -Name contoso-openai-dev
    $script:ProdGroup = "/subscriptions/$script:Sub/resourceGroups/rg-ai-prod"
    $script:Uai = "/subscriptions/$script:Sub/resourceGroups/rg-ai-dev/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-contoso-copilot"
    # The demo tenant's directory (tests/Scenarios/demo-tenant.json).
    $script:Alice = 'a11ce000-0000-4000-8000-000000000001'
    $script:Bob = 'b0b00000-0000-4000-8000-000000000002'
    $script:Copilot = 'c0b11a70-0000-4000-8000-000000000003'
    $script:CiDeployer = 'c1de0000-0000-4000-8000-000000000005'
    $script:OpenAiUser = '5e0bd9bd-7b93-4f28-af87-19fc36ad61bd'
    $script:Owner = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635'
    $script:Contributor = 'b24988ac-6180-42a0-ab88-20f7382dd24c'

    function Get-StoredAccount([string] $Name) {
        Get-EmulatorResource -Type 'Microsoft.CognitiveServices/accounts' | Where-Object name -eq $Name
    }
    function Get-StoredAssignment {
        @(Get-EmulatorResource -Type 'Microsoft.Authorization/roleAssignments')
    }
    # Puts the account on a customer-managed key straight through ARM (the CMK cmdlets arrive with the encryption issue).
    function Set-TestCustomerManagedKey([string] $Id) {
        # As another tool would: grant the account's system-assigned identity on the RBAC vault, then PATCH the encryption.
        $vault = "/subscriptions/$(Get-ScenarioSubscriptionId)/resourceGroups/rg-ai-prod/providers/Microsoft.KeyVault/vaults/kv-contoso-prod"
        $principal = (Invoke-EmulatorArm -Method GET -Path $Id -ApiVersion '2025-09-01').identity.principalId
        Invoke-EmulatorArm -Method PUT -Path "$vault/providers/Microsoft.Authorization/roleAssignments/$([guid]::NewGuid())" -ApiVersion '2022-04-01' -Body @{
            properties = @{ roleDefinitionId = '/providers/Microsoft.Authorization/roleDefinitions/e147488a-f6f5-4113-8e2d-b22465e65bf6'; principalId = $principal; principalType = 'ServicePrincipal' }
        } | Out-Null
        $kv = @{ keyName = 'cmk-openai'; keyVaultUri = 'https://kv-contoso-prod.vault.azure.net/' }
        Invoke-EmulatorArm -Method PATCH -Path $Id -ApiVersion '2025-09-01' -Body @{ properties = @{ encryption = @{ keySource = 'Microsoft.KeyVault'; keyVaultProperties = $kv } } } | Out-Null
    }
}
AfterAll { Stop-TestEmulator }

Describe 'Enable-AoaiManagedIdentity' {
    BeforeEach {
        Reset-TestEmulator
        Connect-TestEmulator | Out-Null
        Clear-EmulatorRequest
    }

    It 'turns on the system-assigned identity with a PATCH of identity only' {
        $result = Enable-AoaiManagedIdentity -ResourceId $script:ProdId -PassThru
        $result.IdentityType | Should -Be 'SystemAssigned'
        $result.PrincipalId | Should -Match '^[0-9a-f-]{36}$'
        $writes = @(Get-EmulatorWrite)
        $writes.Count | Should -Be 1
        ($writes[0].body | ConvertTo-Json -Compress -Depth 5) | Should -Be '{"identity":{"type":"SystemAssigned"}}'
        (Get-StoredAccount 'contoso-openai-prod').identity.principalId | Should -Be $result.PrincipalId
    }

    It 'is idempotent: a second run writes nothing and keeps the principal' {
        $first = Enable-AoaiManagedIdentity -ResourceId $script:ProdId -PassThru
        Clear-EmulatorRequest
        $second = Enable-AoaiManagedIdentity -ResourceId $script:ProdId -PassThru
        @(Get-EmulatorWrite).Count | Should -Be 0
        $second.PrincipalId | Should -Be $first.PrincipalId
    }

    It 'adds a user-assigned identity and keeps the system-assigned one that exists' {
        $result = Enable-AoaiManagedIdentity -ResourceGroupName rg-ai-prod -Name contoso-aiservices -UserAssignedIdentityId $script:Uai -PassThru
        $result.IdentityType | Should -Be 'SystemAssigned, UserAssigned'
        $result.PrincipalId | Should -Be '7d2e9b64-1c3a-4f5e-8b90-a1b2c3d4e5f6'
        $result.UserAssignedIdentities.ResourceId | Should -Be $script:Uai
        $result.UserAssignedIdentities[0].ClientId | Should -Be 'e1d0c11e-0000-4000-8000-000000000007'
    }

    It 'writes nothing under -WhatIf' {
        Get-AoaiAccount | Enable-AoaiManagedIdentity -WhatIf
        @(Get-EmulatorWrite).Count | Should -Be 0
        (Get-StoredAccount 'contoso-openai-prod').PSObject.Properties.Name | Should -Not -Contain 'identity'
    }

    It 'refuses a malformed user-assigned identity id before any request' {
        { Enable-AoaiManagedIdentity -ResourceId $script:ProdId -UserAssignedIdentityId '/subscriptions/x/identities/y' } |
            Should -Throw -ErrorId 'AoaiHardening.Identity.InvalidUserAssignedIdentityId,*'
        @(Get-EmulatorRequest).Count | Should -Be 0
    }

    It 'reports ARM refusing an identity that does not exist' {
        $missing = $script:Uai -replace 'id-contoso-copilot', 'id-gone'
        Enable-AoaiManagedIdentity -ResourceId $script:ProdId -UserAssignedIdentityId $missing -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.Identity.UpdateFailed,*'
        $err[0].Exception.Message | Should -Match 'contoso-openai-prod'
    }

    It 'survives an injected 503 on the PATCH' {
        Add-EmulatorFault -PathLike '/accounts/contoso-openai-prod' -Method PATCH -Status 503 -Count 1 -RetryAfter 0
        (Enable-AoaiManagedIdentity -ResourceId $script:ProdId -PassThru).IdentityType | Should -Be 'SystemAssigned'
        @(Get-EmulatorRequest -Method PATCH).status | Should -Be @(503, 202)
    }
}

Describe 'Disable-AoaiManagedIdentity' {
    BeforeEach {
        Reset-TestEmulator
        Connect-TestEmulator | Out-Null
        $script:AiServices = Get-ScenarioAccountId -ResourceGroupName rg-ai-prod -Name contoso-aiservices
        Clear-EmulatorRequest
    }

    It 'is high impact' {
        $attr = (Get-Command Disable-AoaiManagedIdentity).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0]
        $attr.ConfirmImpact | Should -Be 'High'
    }

    It 'removes the identity, warns about role assignments, and is idempotent' {
        $result = Disable-AoaiManagedIdentity -ResourceId $script:AiServices -Confirm:$false -PassThru -WarningVariable warnings -WarningAction SilentlyContinue
        $result.IdentityType | Should -Be 'None'
        $result.PrincipalId | Should -BeNullOrEmpty
        ($warnings -join ' ') | Should -Match 'Role assignments'
        (@(Get-EmulatorWrite)[0].body | ConvertTo-Json -Compress -Depth 5) | Should -Be '{"identity":{"type":"None"}}'
        Clear-EmulatorRequest
        Disable-AoaiManagedIdentity -ResourceId $script:AiServices -Confirm:$false
        @(Get-EmulatorWrite).Count | Should -Be 0
    }

    It 'removes one user-assigned identity and keeps the system-assigned one' {
        Enable-AoaiManagedIdentity -ResourceId $script:AiServices -UserAssignedIdentityId $script:Uai
        $result = Disable-AoaiManagedIdentity -ResourceId $script:AiServices -UserAssignedIdentityId $script:Uai -Confirm:$false -PassThru -WarningAction SilentlyContinue
        $result.IdentityType | Should -Be 'SystemAssigned'
        $result.PrincipalId | Should -Be '7d2e9b64-1c3a-4f5e-8b90-a1b2c3d4e5f6'
        $result.UserAssignedIdentities | Should -BeNullOrEmpty
    }

    It 'refuses while the customer-managed key depends on the identity, naming the consequence' {
        Set-TestCustomerManagedKey -Id $script:AiServices
        Clear-EmulatorRequest
        Disable-AoaiManagedIdentity -ResourceId $script:AiServices -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.Identity.CustomerManagedKeyDependsOnIdentity,*'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        $err[0].Exception.Message | Should -Match 'inaccessible'
        $err[0].Exception.Message | Should -Match '-Force'
        @(Get-EmulatorWrite).Count | Should -Be 0
    }

    It '-Force overrides the refusal, but never -WhatIf' {
        Set-TestCustomerManagedKey -Id $script:AiServices
        Clear-EmulatorRequest
        Disable-AoaiManagedIdentity -ResourceId $script:AiServices -Force -WhatIf -WarningAction SilentlyContinue
        @(Get-EmulatorWrite).Count | Should -Be 0
        $result = Disable-AoaiManagedIdentity -ResourceId $script:AiServices -Force -Confirm:$false -PassThru -WarningVariable warnings -WarningAction SilentlyContinue
        $result.IdentityType | Should -Be 'None'
        ($warnings -join ' ') | Should -Match 'customer-managed key'
    }

    It 'lets a user-assigned identity go when the key uses the system-assigned one' {
        Enable-AoaiManagedIdentity -ResourceId $script:AiServices -UserAssignedIdentityId $script:Uai
        Set-TestCustomerManagedKey -Id $script:AiServices
        (Disable-AoaiManagedIdentity -ResourceId $script:AiServices -UserAssignedIdentityId $script:Uai -Confirm:$false -PassThru -WarningAction SilentlyContinue).IdentityType |
            Should -Be 'SystemAssigned'
    }

    It 'reports an injected LRO failure' {
        Add-EmulatorFault -PathLike '/accounts/contoso-aiservices' -Method PATCH -Kind lroFail -Code 'InternalError' -Message 'Identity could not be removed.'
        Disable-AoaiManagedIdentity -ResourceId $script:AiServices -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.Identity.UpdateFailed,*'
        $err[0].Exception.ErrorCode | Should -Be 'InternalError'
    }
}

Describe 'Get-AoaiRoleAssignment' {
    BeforeAll {
        Reset-TestEmulator
        Connect-TestEmulator | Out-Null
    }

    It 'returns direct and inherited assignments (resource group, subscription, management group) with role names' {
        $all = @(Get-AoaiAccount -ResourceGroupName rg-ai-prod -Name contoso-openai-prod | Get-AoaiRoleAssignment)
        $all.Count | Should -Be 5
        $owner = $all | Where-Object PrincipalId -eq $script:Alice
        $owner.RoleDefinitionName | Should -Be 'Owner'
        $owner.ScopeLevel | Should -Be 'ResourceGroup'
        $owner.Inherited | Should -BeTrue
        $owner.PrincipalType | Should -Be 'User'
        ($all | Where-Object PrincipalId -eq $script:CiDeployer).Inherited | Should -BeFalse
        ($all | Where-Object PrincipalId -eq $script:Bob).ScopeLevel | Should -Be 'ManagementGroup'
        ($all | Where-Object RoleDefinitionName -eq 'Reader').ScopeLevel | Should -Be 'Subscription'
        $all.AccountName | Select-Object -Unique | Should -Be 'contoso-openai-prod'
        # A sibling account's direct assignment does not reach this one.
        $all.PrincipalId | Should -Not -Contain $null
        @(Get-EmulatorRequest -Method GET -PathLike '*/roleAssignments')[-1].query | Should -Match 'atScope'
    }

    It 'tells the OpenAI Contributor from the Cognitive Services Contributor' {
        $dev = @(Get-AoaiRoleAssignment -ResourceId $script:DevId -PrincipalId $script:Bob)
        ($dev | Where-Object { -not $_.Inherited }).RoleDefinitionName | Should -Be 'Cognitive Services OpenAI Contributor'
    }

    It 'filters by role and by direct assignment' {
        @(Get-AoaiRoleAssignment -ResourceId $script:ProdId -Role Owner).PrincipalId | Should -Be $script:Alice
        @(Get-AoaiRoleAssignment -ResourceId $script:ProdId -ExcludeInherited).Count | Should -Be 2
    }

    It 'refuses a principal id that is not a GUID before any request' {
        Clear-EmulatorRequest
        { Get-AoaiRoleAssignment -ResourceId $script:ProdId -PrincipalId 'alice@contoso.com' } | Should -Throw -ErrorId 'AoaiHardening.Rbac.InvalidPrincipalId,*'
        @(Get-EmulatorRequest).Count | Should -Be 0
    }

    It 'reports a 403 on the list as a permission error naming the account' {
        Add-EmulatorFault -PathLike '/roleAssignments' -Method GET -Status 403 -Code AuthorizationFailed -Message 'no read on roleAssignments' -Count 1
        Get-AoaiRoleAssignment -ResourceId $script:ProdId -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.Rbac.ReadFailed,*'
        $err[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        $err[0].Exception.Message | Should -Match 'contoso-openai-prod'
    }
}

Describe 'Grant-AoaiRoleAssignment' {
    BeforeEach {
        Reset-TestEmulator
        Connect-TestEmulator | Out-Null
        Clear-EmulatorRequest
    }

    It 'grants a role by friendly name at the account; granting twice writes once' {
        $a = Grant-AoaiRoleAssignment -ResourceId $script:DevId -Role 'Cognitive Services OpenAI User' -PrincipalId $script:Copilot -PrincipalType ServicePrincipal -PassThru
        $a.RoleDefinitionId | Should -Be $script:OpenAiUser
        $a.Scope | Should -Be $script:DevId
        $b = Grant-AoaiRoleAssignment -ResourceId $script:DevId -Role 'Cognitive Services OpenAI User' -PrincipalId $script:Copilot -PrincipalType ServicePrincipal -PassThru
        $b.Id | Should -Be $a.Id
        $puts = @(Get-EmulatorWrite -PathLike '*/roleAssignments/*')
        $puts.Count | Should -Be 1
        $puts[0].body.properties.roleDefinitionId | Should -BeLike "*/roleDefinitions/$script:OpenAiUser"
        $puts[0].body.properties.principalType | Should -Be 'ServicePrincipal'
    }

    It 'accepts a role GUID and an explicit -Scope, and grants to a new system-assigned identity' {
        $principal = (Enable-AoaiManagedIdentity -ResourceId $script:ProdId -PassThru).PrincipalId
        Grant-AoaiRoleAssignment -Scope $script:ProdGroup -Role 'e147488a-f6f5-4113-8e2d-b22465e65bf6' -PrincipalId $principal -PrincipalType ServicePrincipal -PassThru |
            Select-Object -ExpandProperty RoleDefinitionName | Should -Be 'Key Vault Crypto Service Encryption User'
        (Get-StoredAssignment | Where-Object { $_.properties.principalId -eq $principal }).properties.scope | Should -Be $script:ProdGroup
    }

    It 'treats 409 RoleAssignmentExists as success' {
        Add-EmulatorFault -PathLike '/roleAssignments/' -Method PUT -Status 409 -Code RoleAssignmentExists -Message 'The role assignment already exists.' -Count 1
        Grant-AoaiRoleAssignment -ResourceId $script:DevId -Role 'Cognitive Services OpenAI User' -PrincipalId $script:Copilot -PrincipalType ServicePrincipal -ErrorVariable err
        @($err).Count | Should -Be 0
    }

    It 'warns when a user gets a management role (what AOAI-IAM-003 flags)' {
        Grant-AoaiRoleAssignment -ResourceId $script:DevId -Role Contributor -PrincipalId $script:Bob -PrincipalType User -WarningVariable warnings -WarningAction SilentlyContinue
        ($warnings -join ' ') | Should -Match 'AOAI-IAM-003'
    }

    It 'writes nothing under -WhatIf' {
        Grant-AoaiRoleAssignment -ResourceId $script:DevId -Role 'Cognitive Services OpenAI User' -PrincipalId $script:Copilot -PrincipalType ServicePrincipal -WhatIf
        @(Get-EmulatorWrite).Count | Should -Be 0
    }

    It 'refuses an unknown role name, a bad principal id or a bad scope before any write' {
        { Grant-AoaiRoleAssignment -ResourceId $script:DevId -Role 'Cognitive Services OpenAI Usr' -PrincipalId $script:Copilot -PrincipalType ServicePrincipal } |
            Should -Throw -ErrorId 'AoaiHardening.Rbac.UnknownRole,*'
        { Grant-AoaiRoleAssignment -ResourceId $script:DevId -Role Reader -PrincipalId 'bob' -PrincipalType User } | Should -Throw -ErrorId 'AoaiHardening.Rbac.InvalidPrincipalId,*'
        { Grant-AoaiRoleAssignment -Scope '/subscriptions/nope' -Role Reader -PrincipalId $script:Bob -PrincipalType User } | Should -Throw -ErrorId 'AoaiHardening.Rbac.InvalidScope,*'
        @(Get-EmulatorWrite).Count | Should -Be 0
    }

    It 'reports ARM refusing an unknown principal' {
        Grant-AoaiRoleAssignment -ResourceId $script:DevId -Role Reader -PrincipalId '99999999-0000-4000-8000-000000000009' -PrincipalType User -ErrorVariable err -ErrorAction SilentlyContinue
        # A principalType is sent, so ARM accepts an unknown principal (replication delay); a mismatched type is refused.
        Grant-AoaiRoleAssignment -ResourceId $script:DevId -Role Reader -PrincipalId $script:Copilot -PrincipalType User -ErrorVariable err2 -ErrorAction SilentlyContinue
        $err2[0].FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.Rbac.GrantFailed,*'
        $err2[0].Exception.ErrorCode | Should -Be 'UnmatchedPrincipalType'
        $err2[0].Exception.Message | Should -Match 'Reader'
    }

    It 'survives an injected 503 on the PUT' {
        Add-EmulatorFault -PathLike '/roleAssignments/' -Method PUT -Status 503 -Count 1 -RetryAfter 0
        (Grant-AoaiRoleAssignment -ResourceId $script:DevId -Role 'Cognitive Services OpenAI User' -PrincipalId $script:Copilot -PrincipalType ServicePrincipal -PassThru).PrincipalId |
            Should -Be $script:Copilot
        @(Get-EmulatorRequest -Method PUT -PathLike '*/roleAssignments/*').status | Should -Be @(503, 201)
    }
}

Describe 'Revoke-AoaiRoleAssignment' {
    BeforeEach {
        Reset-TestEmulator
        Connect-TestEmulator | Out-Null
        Clear-EmulatorRequest
    }

    It 'is high impact' {
        $attr = (Get-Command Revoke-AoaiRoleAssignment).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0]
        $attr.ConfirmImpact | Should -Be 'High'
    }

    It 'revokes what Get-AoaiRoleAssignment pipes in, once' {
        Get-AoaiRoleAssignment -ResourceId $script:ProdId -PrincipalId $script:CiDeployer | Revoke-AoaiRoleAssignment -Confirm:$false
        Get-StoredAssignment | Where-Object { $_.properties.principalId -eq $script:CiDeployer } | Should -BeNullOrEmpty
        @(Get-EmulatorRequest -Method DELETE).Count | Should -Be 1
        Clear-EmulatorRequest
        Revoke-AoaiRoleAssignment -ResourceId $script:ProdId -PrincipalId $script:CiDeployer -Role Contributor -Confirm:$false
        @(Get-EmulatorWrite).Count | Should -Be 0
    }

    It 'revokes an inherited assignment by account, principal, role and scope' {
        $removed = Revoke-AoaiRoleAssignment -ResourceId $script:ProdId -PrincipalId $script:Alice -Role $script:Owner -Scope $script:ProdGroup -Confirm:$false -PassThru
        $removed.RoleDefinitionName | Should -Be 'Owner'
        Get-StoredAssignment | Where-Object { $_.properties.principalId -eq $script:Alice } | Should -BeNullOrEmpty
    }

    It '-ReplaceWith grants the data-plane role first, then revokes' {
        Revoke-AoaiRoleAssignment -ResourceId $script:ProdId -PrincipalId $script:CiDeployer -Role Contributor -ReplaceWith 'Cognitive Services OpenAI User' -Confirm:$false
        $now = @(Get-AoaiRoleAssignment -ResourceId $script:ProdId -PrincipalId $script:CiDeployer -ExcludeInherited)
        $now.RoleDefinitionName | Should -Be 'Cognitive Services OpenAI User'
        (Get-EmulatorWrite).method | Should -Be @('PUT', 'DELETE')
    }

    It 'keeps the role when the replacement grant fails' {
        Add-EmulatorFault -PathLike '/roleAssignments/' -Method PUT -Status 400 -Code RoleDefinitionDoesNotExist -Message 'nope' -Count 1
        Revoke-AoaiRoleAssignment -ResourceId $script:ProdId -PrincipalId $script:CiDeployer -Role Contributor -ReplaceWith 'Cognitive Services OpenAI User' -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.Rbac.ReplaceFailed,*'
        $err[0].Exception.Message | Should -Match 'NOT revoked'
        @(Get-EmulatorRequest -Method DELETE).Count | Should -Be 0
    }

    It 'writes nothing under -WhatIf' {
        Get-AoaiRoleAssignment -ResourceId $script:ProdId | Revoke-AoaiRoleAssignment -WhatIf
        @(Get-EmulatorWrite).Count | Should -Be 0
    }

    It 'refuses a malformed assignment id before any request' {
        { Revoke-AoaiRoleAssignment -RoleAssignmentId '/subscriptions/x/roleAssignments/y' -Confirm:$false } | Should -Throw -ErrorId 'AoaiHardening.Rbac.InvalidRoleAssignmentId,*'
        @(Get-EmulatorRequest).Count | Should -Be 0
    }

    It 'treats an assignment that is already gone as done' {
        Revoke-AoaiRoleAssignment -RoleAssignmentId "$script:DevId/providers/Microsoft.Authorization/roleAssignments/0a000000-0000-4000-8000-0000000000ff" -Confirm:$false -ErrorVariable err
        @($err).Count | Should -Be 0
        @(Get-EmulatorWrite).Count | Should -Be 0
    }

    It 'reports an injected 500 on the DELETE after retries' {
        Add-EmulatorFault -PathLike '/roleAssignments/0a000000-0000-4000-8000-000000000003' -Method DELETE -Status 500 -Count 10 -RetryAfter 0
        Revoke-AoaiRoleAssignment -ResourceId $script:ProdId -PrincipalId $script:CiDeployer -Role Contributor -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.Rbac.RevokeFailed,*'
        $err[0].CategoryInfo.Category | Should -Be 'ResourceUnavailable'
    }
}

Describe 'Get-AoaiAccessReport' {
    BeforeAll {
        Reset-TestEmulator
        Connect-TestEmulator | Out-Null
    }

    It 'flags a user Owner at the resource group and key authentication, with recommendations' {
        $report = Get-AoaiAccessReport -ResourceGroupName rg-ai-prod -Name contoso-openai-prod
        $report.HighestRisk | Should -Be 'High'
        $report.LocalAuthEnabled | Should -BeTrue
        $report.AssignmentCount | Should -Be 5
        $key = $report.Entries | Where-Object Kind -eq 'KeyAuthentication'
        $key.Risk | Should -Be 'High'
        $key.Recommendation | Should -Match 'Disable-AoaiLocalAuth'
        $owner = $report.Entries | Where-Object PrincipalId -eq $script:Alice
        $owner.Risk | Should -Be 'High'
        $owner.ScopeLevel | Should -Be 'ResourceGroup'
        $owner.Recommendation | Should -Match 'Revoke-AoaiRoleAssignment'
        ($report.Entries | Where-Object PrincipalId -eq $script:CiDeployer).Risk | Should -Be 'Medium'
        ($report.Entries | Where-Object PrincipalId -eq $script:Copilot).Risk | Should -Be 'None'
        # Readable view renders.
        ($report | Out-String) | Should -Match 'Owner'
    }

    It 'streams one report per account and filters by risk' {
        $reports = @(Get-AoaiAccount | Get-AoaiAccessReport -MinimumRisk Medium)
        $reports.Count | Should -Be 3
        $reports.Entries.Risk | Should -Not -Contain 'None'
        $reports.Entries.Risk | Should -Not -Contain 'Low'
        ($reports | Where-Object AccountName -eq 'contoso-openai-dev').Entries | Where-Object PrincipalId -eq $script:Bob | Should -BeNullOrEmpty -Because "OpenAI Contributor is Low"
    }

    It 'still reports key authentication when role assignments cannot be read' {
        Add-EmulatorFault -PathLike '/roleAssignments' -Method GET -Status 403 -Code AuthorizationFailed -Message 'no read' -Count 1
        $report = Get-AoaiAccessReport -ResourceId $script:ProdId -ErrorVariable err -ErrorAction SilentlyContinue
        $report.Incomplete | Should -BeTrue
        $report.HighestRisk | Should -Be 'High'
        $err[0].FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.AccessReport.RoleAssignmentsUnreadable,*'
    }

    It 'refuses a malformed resource id before any request' {
        Clear-EmulatorRequest
        { Get-AoaiAccessReport -ResourceId 'not-an-id' } | Should -Throw -ErrorId 'AoaiHardening.Account.InvalidResourceId,*'
        @(Get-EmulatorRequest).Count | Should -Be 0
    }
}

Describe 'AOAI-IAM-003 and IAM-004 live' {
    BeforeEach {
        Reset-TestEmulator
        Connect-TestEmulator | Out-Null
        Clear-EmulatorRequest
    }

    It 'fails IAM-003 for the user Owner at rg-ai-prod, and passes on rg-ai-dev (OpenAI Contributor is not a management role)' {
        $f = @(Test-AoaiHardening -Rule AOAI-IAM-003)
        $prod = $f | Where-Object ResourceName -eq 'contoso-openai-prod'
        $prod.Status | Should -Be 'Fail'
        $prod.Evidence.PrincipalId | Should -Be $script:Alice
        $prod.Remediation | Should -Be "Revoke-AoaiRoleAssignment -ResourceId '$script:ProdId' -PrincipalId '$script:Alice' -Role '$script:Owner' -Scope '$script:ProdGroup'"
        ($f | Where-Object ResourceName -eq 'contoso-openai-dev').Status | Should -Be 'Pass'
        # One role-assignment list per resource group and scan, shared by its accounts and by both rules.
        @(Get-EmulatorRequest -Method GET -PathLike "$script:ProdGroup/providers/Microsoft.Authorization/roleAssignments").Count | Should -Be 1
        @(Get-EmulatorRequest -Method GET -PathLike "*/roleAssignments").Count | Should -Be 2 -Because 'rg-ai-prod and rg-ai-dev, not one per account'
        $null = Test-AoaiHardening -ResourceId $script:ProdId -Rule AOAI-IAM-003, AOAI-IAM-004
        @(Get-EmulatorRequest -Method GET -PathLike "$script:ProdGroup/providers/Microsoft.Authorization/roleAssignments").Count | Should -Be 2
    }

    It 'reports Error, not a crash, when assignments cannot be read' {
        Add-EmulatorFault -PathLike '/roleAssignments' -Method GET -Status 403 -Code AuthorizationFailed -Message 'no read' -Count 1
        $f = Test-AoaiHardening -ResourceId $script:ProdId -Rule AOAI-IAM-003, AOAI-IAM-001
        ($f | Where-Object RuleId -eq 'AOAI-IAM-003').Status | Should -Be 'Error'
        ($f | Where-Object RuleId -eq 'AOAI-IAM-001').Status | Should -Be 'Fail'
    }

    It 'Repair runs the revoke only with -Force, and IAM-004 swaps in the data-plane role' {
        $findings = Test-AoaiHardening -ResourceId $script:ProdId -Rule AOAI-IAM-003, AOAI-IAM-004
        $skipped = $findings | Repair-AoaiHardening
        $skipped.Status | Select-Object -Unique | Should -Be 'Skipped'
        @(Get-EmulatorWrite).Count | Should -Be 0
        $findings | Repair-AoaiHardening -Force -WhatIf
        @(Get-EmulatorWrite).Count | Should -Be 0
        $fixed = $findings | Repair-AoaiHardening -Force
        $fixed.Status | Select-Object -Unique | Should -Be 'Fixed'
        @(Test-AoaiHardening -ResourceId $script:ProdId -Rule AOAI-IAM-003, AOAI-IAM-004).Status | Select-Object -Unique | Should -Be 'Pass'
        (Get-AoaiRoleAssignment -ResourceId $script:ProdId -PrincipalId $script:CiDeployer -ExcludeInherited).RoleDefinitionName | Should -Be 'Cognitive Services OpenAI User'
    }
}
