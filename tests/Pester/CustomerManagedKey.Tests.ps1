# Customer-managed keys against the emulator's Microsoft.KeyVault and its account CMK checks: Enable (preflight, identity,
# grant by permission model, PATCH, read back), Update (rotation), Disable (confirmation), Get-AoaiEncryptionStatus, the
# ENC rules live, and Repair's ENC-001 path. Every refusal is checked for zero writes.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModuleManifest) -Force
    $script:Emu = Start-TestEmulator
    $script:Sub = Get-ScenarioSubscriptionId
    $script:Tenant = '72a1c0de-5e11-4c0d-9a7e-0c0de0000001'
    $script:ProdId = Get-ScenarioAccountId -ResourceGroupName rg-ai-prod -Name contoso-openai-prod
    $script:AiServicesId = Get-ScenarioAccountId -ResourceGroupName rg-ai-prod -Name contoso-aiservices
    $script:Vaults = "/subscriptions/$($script:Sub)/resourceGroups/rg-ai-prod/providers/Microsoft.KeyVault/vaults"
    $script:VaultId = "$($script:Vaults)/kv-contoso-prod"
    $script:KvApi = '2026-02-01'
    $script:EncryptionUser = 'e147488a-f6f5-4113-8e2d-b22465e65bf6'
    $script:Uai = "/subscriptions/$($script:Sub)/resourceGroups/rg-ai-dev/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-contoso-copilot"

    function New-TestVault {
        param([Parameter(Mandatory)][string] $Name, [string] $Location = 'eastus', [bool] $Rbac = $true, [bool] $PurgeProtection = $true,
            [string] $TenantId = $script:Tenant, $NetworkAcls, [string] $Sku = 'standard')
        $properties = @{ tenantId = $TenantId; sku = @{ family = 'A'; name = $Sku }; enableSoftDelete = $true; enableRbacAuthorization = $Rbac }
        if ($PurgeProtection) { $properties.enablePurgeProtection = $true }
        if ($NetworkAcls) { $properties.networkAcls = $NetworkAcls }
        Invoke-EmulatorArm -Method PUT -Path "$($script:Vaults)/$Name" -ApiVersion $script:KvApi -Body @{ location = $Location; properties = $properties } | Out-Null
        "$($script:Vaults)/$Name"
    }
    function New-TestKey {
        param([Parameter(Mandatory)][string] $VaultId, [string] $Name = 'cmk', [string] $Kty = 'RSA', [int] $Size = 2048)
        $properties = @{ kty = $Kty }
        if ($Kty -like 'RSA*') { $properties.keySize = $Size } else { $properties.curveName = 'P-256' }
        Invoke-EmulatorArm -Method PUT -Path "$VaultId/keys/$Name" -ApiVersion $script:KvApi -Body @{ properties = $properties }
    }
    function Get-LatestKeyVersion([string] $VaultId = $script:VaultId, [string] $Name = 'cmk-openai') {
        (Invoke-EmulatorArm -Method GET -Path "$VaultId/keys/$Name" -ApiVersion $script:KvApi).properties.keyUriWithVersion.Split('/')[-1]
    }
    function Get-VaultRoleAssignment([string] $PrincipalId, [string] $VaultId = $script:VaultId) {
        @(Get-EmulatorArmList -Path "$VaultId/providers/Microsoft.Authorization/roleAssignments" -ApiVersion '2022-04-01' |
            Where-Object { $_.properties.principalId -eq $PrincipalId -and $_.properties.scope -eq $VaultId })
    }
    function Get-Account([string] $Id) { Invoke-EmulatorArm -Method GET -Path $Id -ApiVersion '2025-09-01' }
}
AfterAll { Stop-TestEmulator }

Describe 'Enable-AoaiCustomerManagedKey' {
    BeforeEach {
        Reset-TestEmulator
        Connect-TestEmulator | Out-Null
        Clear-EmulatorRequest
    }

    It 'enables the system identity, grants it on the RBAC vault, sets the key at its newest version and reads it back' {
        $latest = Get-LatestKeyVersion
        $account = Get-AoaiAccount -ResourceGroupName rg-ai-prod -Name contoso-openai-prod |
            Enable-AoaiCustomerManagedKey -KeyVaultResourceId $script:VaultId -KeyName cmk-openai -PassThru

        $account.EncryptionKeySource | Should -Be 'Microsoft.KeyVault'
        $account.KeyVaultUri | Should -Be 'https://kv-contoso-prod.vault.azure.net/'
        $account.KeyName | Should -Be 'cmk-openai'
        $account.KeyVersion | Should -Be $latest
        $account.IdentityClientId | Should -BeNullOrEmpty
        $account.PrincipalId | Should -Not -BeNullOrEmpty

        $writes = @(Get-EmulatorWrite)
        $writes.Count | Should -Be 3
        $writes[0].method | Should -Be 'PATCH'
        $writes[0].body.identity.type | Should -Be 'SystemAssigned'
        @($writes[0].body.PSObject.Properties.Name) | Should -Be @('identity')
        $writes[1].method | Should -Be 'PUT'
        $writes[1].path | Should -BeLike "$($script:VaultId)/providers/Microsoft.Authorization/roleAssignments/*"
        $writes[1].body.properties.roleDefinitionId | Should -BeLike "*/roleDefinitions/$($script:EncryptionUser)"
        $writes[1].body.properties.principalId | Should -Be $account.PrincipalId
        $writes[1].body.properties.principalType | Should -Be 'ServicePrincipal'
        $writes[2].method | Should -Be 'PATCH'
        @($writes[2].body.properties.PSObject.Properties.Name) | Should -Be @('encryption') -Because 'only the encryption is patched'
        $writes[2].body.properties.encryption.keySource | Should -Be 'Microsoft.KeyVault'
        $writes[2].body.properties.encryption.keyVaultProperties.keyVersion | Should -Be $latest
        @(Get-VaultRoleAssignment $account.PrincipalId).Count | Should -Be 1
    }

    It 'writes nothing on a second run' {
        Enable-AoaiCustomerManagedKey -ResourceId $script:ProdId -KeyVaultResourceId $script:VaultId -KeyName cmk-openai
        Clear-EmulatorRequest
        $again = Enable-AoaiCustomerManagedKey -ResourceId $script:ProdId -KeyVaultResourceId $script:VaultId -KeyName cmk-openai -PassThru -Verbose 4>&1
        @(Get-EmulatorWrite).Count | Should -Be 0
        ($again | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n" | Should -Match 'already'
        ($again | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }).EncryptionKeySource | Should -Be 'Microsoft.KeyVault'
    }

    It 'takes -KeyUri and -KeyVaultName as well, and writes nothing once configured that way' {
        $latest = Get-LatestKeyVersion
        Enable-AoaiCustomerManagedKey -ResourceGroupName rg-ai-prod -Name contoso-aiservices -KeyUri "https://kv-contoso-prod.vault.azure.net/keys/cmk-openai/$latest"
        (Get-Account $script:AiServicesId).properties.encryption.keyVaultProperties.keyVersion | Should -Be $latest
        Clear-EmulatorRequest
        Enable-AoaiCustomerManagedKey -ResourceId $script:AiServicesId -KeyVaultName kv-contoso-prod -KeyName cmk-openai
        Enable-AoaiCustomerManagedKey -ResourceId $script:AiServicesId -KeyVaultName kv-contoso-prod -KeyVaultResourceGroupName rg-ai-prod -KeyName cmk-openai
        @(Get-EmulatorWrite).Count | Should -Be 0
    }

    It 'grants get, wrapKey and unwrapKey on an access-policy vault, and adds nothing on a second run' {
        $vault = New-TestVault -Name kv-policies -Rbac $false
        New-TestKey -VaultId $vault | Out-Null
        Clear-EmulatorRequest
        $principal = (Get-Account $script:AiServicesId).identity.principalId
        Enable-AoaiCustomerManagedKey -ResourceId $script:AiServicesId -KeyVaultResourceId $vault -KeyName cmk

        $writes = @(Get-EmulatorWrite)
        $writes.Count | Should -Be 2 -Because 'the account already has a system-assigned identity'
        $writes[0].path | Should -Be "$vault/accessPolicies/add"
        $entry = $writes[0].body.properties.accessPolicies[0]
        $entry.objectId | Should -Be $principal
        $entry.tenantId | Should -Be $script:Tenant
        @($entry.permissions.keys | Sort-Object) | Should -Be @('get', 'unwrapKey', 'wrapKey')
        @(Get-EmulatorWrite -PathLike '*roleAssignments*').Count | Should -Be 0 -Because 'access-policy vaults ignore RBAC'
        (Get-Account $script:AiServicesId).properties.encryption.keySource | Should -Be 'Microsoft.KeyVault'

        Clear-EmulatorRequest
        Enable-AoaiCustomerManagedKey -ResourceId $script:AiServicesId -KeyVaultResourceId $vault -KeyName cmk
        @(Get-EmulatorWrite).Count | Should -Be 0
        @((Invoke-EmulatorArm -Method GET -Path $vault -ApiVersion $script:KvApi).properties.accessPolicies | Where-Object objectId -eq $principal).Count | Should -Be 1
    }

    It 'does not grant again when a role that covers keys already reaches the identity' {
        $principal = (Get-Account $script:AiServicesId).identity.principalId
        Grant-AoaiRoleAssignment -PrincipalId $principal -PrincipalType ServicePrincipal -Role 'Key Vault Crypto Officer' -Scope $script:VaultId -Confirm:$false -WarningAction SilentlyContinue | Out-Null
        Clear-EmulatorRequest
        Enable-AoaiCustomerManagedKey -ResourceId $script:AiServicesId -KeyVaultResourceId $script:VaultId -KeyName cmk-openai
        @(Get-EmulatorWrite).Count | Should -Be 1
        @(Get-EmulatorWrite -PathLike '*roleAssignments*').Count | Should -Be 0
    }

    It 'makes no write under -WhatIf, even with -Confirm:$false' {
        Get-AoaiAccount -ResourceGroupName rg-ai-prod | Enable-AoaiCustomerManagedKey -KeyVaultResourceId $script:VaultId -KeyName cmk-openai -WhatIf -Confirm:$false
        @(Get-EmulatorWrite).Count | Should -Be 0
    }

    It 'refuses malformed input before any request' -ForEach @(
        @{ Params = @{ KeyUri = 'https://kv-contoso-prod.vault.azure.net/secrets/cmk' }; ErrorId = 'AoaiHardening.Encryption.InvalidKeyUri' }
        @{ Params = @{ KeyUri = 'https://evil.example.com/keys/cmk' }; ErrorId = 'AoaiHardening.Encryption.InvalidKeyUri' }
        @{ Params = @{ KeyVaultResourceId = '/subscriptions/x/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-x'; KeyName = 'k' }; ErrorId = 'AoaiHardening.Encryption.InvalidKeyVaultResourceId' }
        @{ Params = @{ KeyVaultResourceId = '/subscriptions/00000000-0000-0000-0000-00000000c0de/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-x' }; ErrorId = 'AoaiHardening.Encryption.MissingKeyName' }
        @{ Params = @{ KeyVaultName = 'kv-contoso-prod'; KeyName = 'bad_name' }; ErrorId = 'AoaiHardening.Encryption.InvalidKeyName' }
        @{ Params = @{ KeyVaultName = 'kv-contoso-prod'; KeyName = 'cmk-openai'; KeyVersion = 'latest' }; ErrorId = 'AoaiHardening.Encryption.InvalidKeyVersion' }
        @{ Params = @{ KeyUri = 'https://kv-contoso-prod.vault.azure.net/keys/cmk'; KeyName = 'other' }; ErrorId = 'AoaiHardening.Encryption.ConflictingKeyArguments' }
        @{ Params = @{ KeyVaultName = 'kv-contoso-prod'; KeyName = 'cmk-openai'; UserAssignedIdentityId = 'id-contoso-copilot' }; ErrorId = 'AoaiHardening.Identity.InvalidUserAssignedIdentityId' }
    ) {
        { Enable-AoaiCustomerManagedKey -ResourceId $script:ProdId @Params -Confirm:$false } | Should -Throw -ErrorId "$ErrorId,*"
        @(Get-EmulatorRequest).Count | Should -Be 0
    }

    It 'refuses, before any write, a vault or key that does not meet a requirement (<Reason>)' -ForEach @(
        @{ Reason = 'VaultNotRecoverable'; Vault = @{ Name = 'kv-nopurge'; PurgeProtection = $false }; Key = @{}; Account = 'prod'; Match = 'purge protection' }
        @{ Reason = 'VaultRegionMismatch'; Vault = @{ Name = 'kv-westus'; Location = 'westus' }; Key = @{}; Account = 'prod'; Match = 'westus' }
        @{ Reason = 'VaultTenantMismatch'; Vault = @{ Name = 'kv-othertenant'; TenantId = '99999999-0000-4000-8000-000000000099' }; Key = @{}; Account = 'prod'; Match = '99999999' }
        @{ Reason = 'VaultFirewallBlocksService'; Vault = @{ Name = 'kv-firewall'; NetworkAcls = @{ defaultAction = 'Deny'; bypass = 'None' } }; Key = @{}; Account = 'prod'; Match = 'trusted Microsoft services' }
        @{ Reason = 'UnsupportedKey'; Vault = @{ Name = 'kv-ec' }; Key = @{ Kty = 'EC' }; Account = 'prod'; Match = 'RSA' }
        @{ Reason = 'UnsupportedKey'; Vault = @{ Name = 'kv-rsa3072' }; Key = @{ Size = 3072 }; Account = 'prod'; Match = 'size 2048' }
    ) {
        $vault = New-TestVault @Vault
        New-TestKey -VaultId $vault @Key | Out-Null
        Clear-EmulatorRequest
        $id = if ($Account -eq 'prod') { $script:ProdId } else { $script:AiServicesId }
        Enable-AoaiCustomerManagedKey -ResourceId $id -KeyVaultResourceId $vault -KeyName cmk -ErrorVariable err -ErrorAction SilentlyContinue
        @(Get-EmulatorWrite).Count | Should -Be 0
        $err[0].FullyQualifiedErrorId | Should -BeLike "AoaiHardening.Encryption.$Reason,*"
        $err[0].Exception.Message | Should -Match $Match
        $err[0].Exception.Message | Should -Match 'To meet it'
        $err[0].Exception.Message | Should -Match 'contoso-openai-prod'
    }

    It 'accepts a 3072-bit RSA key for kind AIServices (the Foundry doc allows larger keys)' {
        $vault = New-TestVault -Name kv-rsa3072
        New-TestKey -VaultId $vault -Size 3072 | Out-Null
        Enable-AoaiCustomerManagedKey -ResourceId $script:AiServicesId -KeyVaultResourceId $vault -KeyName cmk
        (Get-Account $script:AiServicesId).properties.encryption.keyVaultProperties.keyName | Should -Be 'cmk'
    }

    It 'refuses a disabled key version, and a missing vault or key, with zero writes' {
        $version = Get-LatestKeyVersion
        Invoke-EmulatorControl -Path "keyvault/kv-contoso-prod/keys/cmk-openai/versions/$version" -Method POST -Body @{ enabled = $false } | Out-Null
        Enable-AoaiCustomerManagedKey -ResourceId $script:ProdId -KeyVaultResourceId $script:VaultId -KeyName cmk-openai -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.Encryption.KeyDisabled,*'
        Enable-AoaiCustomerManagedKey -ResourceId $script:ProdId -KeyVaultName kv-nowhere -KeyName cmk -ErrorVariable err2 -ErrorAction SilentlyContinue
        $err2[0].FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.Encryption.VaultNotFound,*'
        Enable-AoaiCustomerManagedKey -ResourceId $script:ProdId -KeyVaultResourceId $script:VaultId -KeyName no-such-key -ErrorVariable err3 -ErrorAction SilentlyContinue
        $err3[0].FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.Encryption.KeyNotFound,*'
        $err3[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        @(Get-EmulatorWrite).Count | Should -Be 0
    }

    It 'refuses a user-assigned identity for kind OpenAI unless -Force' {
        Enable-AoaiCustomerManagedKey -ResourceId $script:ProdId -KeyVaultResourceId $script:VaultId -KeyName cmk-openai -UserAssignedIdentityId $script:Uai -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.Encryption.UserAssignedIdentityNotSupported,*'
        $err[0].Exception.Message | Should -Match 'system-assigned'
        @(Get-EmulatorWrite).Count | Should -Be 0

        Enable-AoaiCustomerManagedKey -ResourceId $script:ProdId -KeyVaultResourceId $script:VaultId -KeyName cmk-openai -UserAssignedIdentityId $script:Uai -Force -WhatIf
        @(Get-EmulatorWrite).Count | Should -Be 0 -Because '-Force never bypasses -WhatIf'

        $account = Enable-AoaiCustomerManagedKey -ResourceId $script:ProdId -KeyVaultResourceId $script:VaultId -KeyName cmk-openai -UserAssignedIdentityId $script:Uai -Force -PassThru -WarningVariable warnings -WarningAction SilentlyContinue
        $warnings[0].Message | Should -Match 'AOAI-ENC-005'
        $uai = $account.UserAssignedIdentities | Where-Object ResourceId -eq $script:Uai
        $account.IdentityClientId | Should -Be $uai.ClientId
        @(Get-VaultRoleAssignment $uai.PrincipalId).Count | Should -Be 1
        (Test-AoaiHardening -ResourceId $script:ProdId -Rule AOAI-ENC-005).Status | Should -Be 'Fail'

        # The fix of AOAI-ENC-005: Enable with no key and no identity keeps the key and moves to the system-assigned identity.
        $fixed = Enable-AoaiCustomerManagedKey -ResourceId $script:ProdId -PassThru
        $fixed.IdentityClientId | Should -BeNullOrEmpty
        $fixed.KeyName | Should -Be 'cmk-openai'
        (Test-AoaiHardening -ResourceId $script:ProdId -Rule AOAI-ENC-005).Status | Should -Be 'Pass'
    }

    It 'reports a failure between the grant and the PATCH with what was done, and a re-run completes with exactly one grant' {
        $principal = (Get-Account $script:AiServicesId).identity.principalId
        # As right after a grant that has not propagated yet: the service cannot reach the key.
        Add-EmulatorFault -PathLike 'accounts/contoso-aiservices' -Method PATCH -Status 400 -Code 'KeyVaultAccessDenied' -Message 'The identity cannot reach the key yet.'
        Enable-AoaiCustomerManagedKey -ResourceId $script:AiServicesId -KeyVaultResourceId $script:VaultId -KeyName cmk-openai -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.Encryption.UpdateFailed,*'
        $err[0].Exception.Message | Should -Match 'step 2 of 2'
        $err[0].Exception.Message | Should -Match 'Done before it: grant'
        $err[0].Exception.Message | Should -Match 'KeyVaultAccessDenied'
        @(Get-VaultRoleAssignment $principal).Count | Should -Be 1
        (Get-Account $script:AiServicesId).properties.PSObject.Properties['encryption'] | Should -BeNullOrEmpty

        Clear-EmulatorRequest
        Enable-AoaiCustomerManagedKey -ResourceId $script:AiServicesId -KeyVaultResourceId $script:VaultId -KeyName cmk-openai
        $writes = @(Get-EmulatorWrite)
        $writes.Count | Should -Be 1
        $writes[0].method | Should -Be 'PATCH'
        @(Get-VaultRoleAssignment $principal).Count | Should -Be 1
        (Get-Account $script:AiServicesId).properties.encryption.keySource | Should -Be 'Microsoft.KeyVault'
    }

    It 'resumes after a failed grant on an account whose identity it had just enabled' {
        Add-EmulatorFault -PathLike 'roleAssignments' -Method PUT -Status 403 -Code 'AuthorizationFailed'
        Enable-AoaiCustomerManagedKey -ResourceId $script:ProdId -KeyVaultResourceId $script:VaultId -KeyName cmk-openai -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.Encryption.GrantFailed,*'
        $err[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        $err[0].Exception.Message | Should -Match 'Done before it: enable the system-assigned identity'
        $principal = (Get-Account $script:ProdId).identity.principalId
        $principal | Should -Not -BeNullOrEmpty

        Clear-EmulatorRequest
        Enable-AoaiCustomerManagedKey -ResourceId $script:ProdId -KeyVaultResourceId $script:VaultId -KeyName cmk-openai
        @(Get-EmulatorWrite).Count | Should -Be 2 -Because 'the identity exists now: grant and PATCH only'
        (Get-Account $script:ProdId).identity.principalId | Should -Be $principal -Because 'the identity is not re-created'
        @(Get-VaultRoleAssignment $principal).Count | Should -Be 1
    }

    It 'resumes on an access-policy vault without adding the permissions twice' {
        $vault = New-TestVault -Name kv-policies -Rbac $false
        New-TestKey -VaultId $vault | Out-Null
        Add-EmulatorFault -PathLike 'accounts/contoso-aiservices' -Method PATCH -Status 409 -Code 'Conflict'
        Enable-AoaiCustomerManagedKey -ResourceId $script:AiServicesId -KeyVaultResourceId $vault -KeyName cmk -ErrorAction SilentlyContinue
        Clear-EmulatorRequest
        Enable-AoaiCustomerManagedKey -ResourceId $script:AiServicesId -KeyVaultResourceId $vault -KeyName cmk
        @(Get-EmulatorWrite -PathLike '*accessPolicies*').Count | Should -Be 0
        @(Get-EmulatorWrite).Count | Should -Be 1
    }
}

Describe 'Update-AoaiCustomerManagedKey' {
    BeforeEach {
        Reset-TestEmulator
        Connect-TestEmulator | Out-Null
        Enable-AoaiCustomerManagedKey -ResourceId $script:ProdId -KeyVaultResourceId $script:VaultId -KeyName cmk-openai
        Clear-EmulatorRequest
    }

    It 'moves to the key''s newest version after a rotation, with one PATCH and no new grant' {
        $before = (Get-Account $script:ProdId).properties.encryption.keyVaultProperties.keyVersion
        $rotated = Invoke-EmulatorControl -Path 'keyvault/kv-contoso-prod/keys/cmk-openai/rotate' -Method POST
        $newVersion = $rotated.properties.keyUriWithVersion.Split('/')[-1]
        $newVersion | Should -Not -Be $before

        $status = Get-AoaiEncryptionStatus -ResourceId $script:ProdId
        $status.IsLatestVersion | Should -BeFalse
        $status.LatestKeyVersion | Should -Be $newVersion
        Clear-EmulatorRequest

        $account = Get-AoaiAccount -ResourceGroupName rg-ai-prod -Name contoso-openai-prod | Update-AoaiCustomerManagedKey -PassThru
        $account.KeyVersion | Should -Be $newVersion
        $writes = @(Get-EmulatorWrite)
        $writes.Count | Should -Be 1
        $writes[0].body.properties.encryption.keyVaultProperties.keyVersion | Should -Be $newVersion
        (Get-AoaiEncryptionStatus -ResourceId $script:ProdId).IsLatestVersion | Should -BeTrue

        Clear-EmulatorRequest
        Update-AoaiCustomerManagedKey -ResourceId $script:ProdId
        @(Get-EmulatorWrite).Count | Should -Be 0
    }

    It 'moves to a named version, or to another key with the same preflight' {
        $versions = @(Get-EmulatorArmList -Path "$($script:VaultId)/keys/cmk-openai/versions" -ApiVersion $script:KvApi)
        $older = $versions | ForEach-Object { $_.properties.keyUriWithVersion.Split('/')[-1] } | Where-Object { $_ -ne (Get-LatestKeyVersion) } | Select-Object -First 1
        $older | Should -Not -BeNullOrEmpty
        (Update-AoaiCustomerManagedKey -ResourceId $script:ProdId -KeyVersion $older -PassThru).KeyVersion | Should -Be $older

        $ec = New-TestKey -VaultId $script:VaultId -Name cmk-ec -Kty EC
        Clear-EmulatorRequest
        Update-AoaiCustomerManagedKey -ResourceId $script:ProdId -KeyName cmk-ec -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.Encryption.UnsupportedKey,*'
        @(Get-EmulatorWrite).Count | Should -Be 0
    }

    It 'moves to a key in another vault, granting the identity there' {
        $vault = New-TestVault -Name kv-second
        New-TestKey -VaultId $vault | Out-Null
        Clear-EmulatorRequest
        $account = Update-AoaiCustomerManagedKey -ResourceId $script:ProdId -KeyVaultResourceId $vault -KeyName cmk -PassThru
        $account.KeyVaultUri | Should -Be 'https://kv-second.vault.azure.net/'
        @(Get-EmulatorWrite).Count | Should -Be 2
        @(Get-VaultRoleAssignment $account.PrincipalId -VaultId $vault).Count | Should -Be 1
    }

    It 'refuses an account on Microsoft-managed keys, and writes nothing under -WhatIf' {
        Update-AoaiCustomerManagedKey -ResourceId $script:AiServicesId -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.Encryption.NotEnabled,*'
        Invoke-EmulatorControl -Path 'keyvault/kv-contoso-prod/keys/cmk-openai/rotate' -Method POST | Out-Null
        Update-AoaiCustomerManagedKey -ResourceId $script:ProdId -WhatIf
        @(Get-EmulatorWrite).Count | Should -Be 0
    }

    It 'reports a failed read of the key with the operation and the ARM code' {
        Add-EmulatorFault -PathLike 'vaults/kv-contoso-prod/keys/cmk-openai' -Method GET -Status 403 -Code 'AuthorizationFailed'
        Update-AoaiCustomerManagedKey -ResourceId $script:ProdId -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.Encryption.ReadFailed,*'
        $err[0].Exception.Message | Should -Match 'AuthorizationFailed'
        @(Get-EmulatorWrite).Count | Should -Be 0
    }
}

Describe 'Disable-AoaiCustomerManagedKey' {
    BeforeEach {
        Reset-TestEmulator
        Connect-TestEmulator | Out-Null
        Enable-AoaiCustomerManagedKey -ResourceId $script:ProdId -KeyVaultResourceId $script:VaultId -KeyName cmk-openai
        Clear-EmulatorRequest
    }

    It 'is high impact and needs confirmation' {
        $attr = (Get-Command Disable-AoaiCustomerManagedKey).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0]
        $attr.ConfirmImpact | Should -Be 'High'
        # This host is non-interactive: the confirmation prompt cannot be shown, so the command stops before writing.
        { Disable-AoaiCustomerManagedKey -ResourceId $script:ProdId -ErrorAction Stop } | Should -Throw
        @(Get-EmulatorWrite).Count | Should -Be 0
        (Get-Account $script:ProdId).properties.encryption.keySource | Should -Be 'Microsoft.KeyVault'
    }

    It 'returns to Microsoft-managed keys, saying what changes, and writes nothing on a second run' {
        $account = Disable-AoaiCustomerManagedKey -ResourceId $script:ProdId -Confirm:$false -PassThru -WarningVariable warnings -WarningAction SilentlyContinue
        $account.EncryptionKeySource | Should -Be 'Microsoft.CognitiveServices'
        $warnings[0].Message | Should -Match 'cmk-openai'
        $warnings[0].Message | Should -Match 'Microsoft-managed'
        $writes = @(Get-EmulatorWrite)
        $writes.Count | Should -Be 1
        ($writes[0].body | ConvertTo-Json -Depth 5 -Compress) | Should -Be '{"properties":{"encryption":{"keySource":"Microsoft.CognitiveServices"}}}'
        Clear-EmulatorRequest
        Disable-AoaiCustomerManagedKey -ResourceId $script:ProdId -Confirm:$false
        @(Get-EmulatorWrite).Count | Should -Be 0
    }

    It 'writes nothing under -WhatIf, and reports a refused update' {
        Disable-AoaiCustomerManagedKey -ResourceId $script:ProdId -WhatIf -Confirm:$false
        @(Get-EmulatorWrite).Count | Should -Be 0
        Add-EmulatorFault -PathLike 'accounts/contoso-openai-prod' -Method PATCH -Status 409 -Code 'Conflict'
        Disable-AoaiCustomerManagedKey -ResourceId $script:ProdId -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.Encryption.UpdateFailed,*'
        $err[0].Exception.Message | Should -Match 'contoso-openai-prod'
    }
}

Describe 'Get-AoaiEncryptionStatus' {
    BeforeEach {
        Reset-TestEmulator
        Connect-TestEmulator | Out-Null
        Clear-EmulatorRequest
    }

    It 'describes the key, the vault and the identity of a CMK account, and Microsoft-managed keys otherwise' {
        Enable-AoaiCustomerManagedKey -ResourceId $script:ProdId -KeyVaultResourceId $script:VaultId -KeyName cmk-openai
        $statuses = @(Get-AoaiAccount -ResourceGroupName rg-ai-prod | Get-AoaiEncryptionStatus)
        $prod = $statuses | Where-Object AccountName -eq 'contoso-openai-prod'
        $prod.CustomerManaged | Should -BeTrue
        $prod.KeyVaultResourceId | Should -Be $script:VaultId
        $prod.KeyVaultPermissionModel | Should -Be 'RBAC'
        $prod.Recoverable | Should -BeTrue
        $prod.KeyType | Should -Be 'RSA'
        $prod.KeySize | Should -Be 2048
        $prod.KeyEnabled | Should -BeTrue
        $prod.KeyVersion | Should -Be (Get-LatestKeyVersion)
        $prod.IsLatestVersion | Should -BeTrue
        $prod.Identity | Should -Be 'SystemAssigned'
        $prod.IdentityPrincipalId | Should -Be (Get-Account $script:ProdId).identity.principalId
        $prod.Problems | Should -BeNullOrEmpty
        $other = $statuses | Where-Object AccountName -eq 'contoso-aiservices'
        $other.CustomerManaged | Should -BeFalse
        $other.KeySource | Should -Be 'Microsoft.CognitiveServices'
    }

    It 'refuses a malformed account id before any request' {
        { Get-AoaiEncryptionStatus -ResourceId 'contoso-openai-prod' } | Should -Throw -ErrorId 'AoaiHardening.Account.InvalidResourceId,*'
        @(Get-EmulatorRequest).Count | Should -Be 0
    }

    It 'lists problems: a disabled key version' {
        Enable-AoaiCustomerManagedKey -ResourceId $script:ProdId -KeyVaultResourceId $script:VaultId -KeyName cmk-openai
        Invoke-EmulatorControl -Path "keyvault/kv-contoso-prod/keys/cmk-openai/versions/$(Get-LatestKeyVersion)" -Method POST -Body @{ enabled = $false } | Out-Null
        $status = Get-AoaiEncryptionStatus -ResourceId $script:ProdId
        $status.KeyEnabled | Should -BeFalse
        $status.Problems | Should -Match 'disabled'
    }

    It 'reports an unreadable key and still emits what it knows' {
        Enable-AoaiCustomerManagedKey -ResourceId $script:ProdId -KeyVaultResourceId $script:VaultId -KeyName cmk-openai
        Add-EmulatorFault -PathLike 'vaults/kv-contoso-prod/keys/cmk-openai' -Method GET -Status 403 -Code 'AuthorizationFailed'
        $status = Get-AoaiEncryptionStatus -ResourceId $script:ProdId -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.Encryption.ReadFailed,*'
        $status.CustomerManaged | Should -BeTrue
        $status.KeyName | Should -Be 'cmk-openai'
        $status.KeyVaultResourceId | Should -Be $script:VaultId
        $status.Problems | Should -Match 'could not be read'
    }

    It 'says when the vault is in no subscription the caller can read' {
        Enable-AoaiCustomerManagedKey -ResourceId $script:ProdId -KeyVaultResourceId $script:VaultId -KeyName cmk-openai
        Add-EmulatorFault -PathLike 'providers/Microsoft.KeyVault/vaults' -Method GET -Status 403 -Code 'AuthorizationFailed' -Count 5
        $status = Get-AoaiEncryptionStatus -ResourceId $script:ProdId
        $status.KeyVaultResourceId | Should -BeNullOrEmpty
        $status.Problems | Should -Match 'not found in the subscriptions you can read'
        Invoke-EmulatorControl -Path 'faults' -Method DELETE | Out-Null
    }
}

Describe 'AOAI-ENC rules live, and Repair of AOAI-ENC-001' {
    BeforeEach {
        Reset-TestEmulator
        Connect-TestEmulator | Out-Null
        Clear-EmulatorRequest
    }

    It 'passes ENC-002..004 once the key is enabled, reading the vault list once and the key once' {
        @(Test-AoaiHardening -ResourceId $script:ProdId -Rule AOAI-ENC-00[234]).Status | Sort-Object -Unique | Should -Be 'NotApplicable'
        Enable-AoaiCustomerManagedKey -ResourceId $script:ProdId -KeyVaultResourceId $script:VaultId -KeyName cmk-openai
        Clear-EmulatorRequest
        $findings = @(Test-AoaiHardening -ResourceId $script:ProdId -Rule AOAI-ENC-*)
        $findings.Status | Sort-Object -Unique | Should -Be 'Pass'
        @(Get-EmulatorRequest -PathLike '*/providers/Microsoft.KeyVault/vaults').Count | Should -Be 1
        @(Get-EmulatorRequest -PathLike '*/keys/*').Count | Should -Be 1
    }

    It 'repairs ENC-001 with the key given to Repair-AoaiHardening' {
        $finding = Test-AoaiHardening -ResourceId $script:ProdId -Rule AOAI-ENC-001
        $finding.Status | Should -Be 'Fail'
        $skipped = $finding | Repair-AoaiHardening
        $skipped.Status | Should -Be 'Skipped'
        $skipped.Message | Should -Match '-KeyVaultResourceId'
        @(Get-EmulatorWrite).Count | Should -Be 0

        $result = $finding | Repair-AoaiHardening -KeyVaultResourceId $script:VaultId -KeyName cmk-openai
        $result.Status | Should -Be 'Fixed'
        (Test-AoaiHardening -ResourceId $script:ProdId -Rule AOAI-ENC-*).Status | Sort-Object -Unique | Should -Be 'Pass'
    }
}
