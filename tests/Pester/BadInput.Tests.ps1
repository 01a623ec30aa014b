# Bad input, as a corpus: every case is a malformed value (resource id, key URI, name, CIDR, FQDN, role, subscription id,
# file or JSON) given to one cmdlet, which must stop by itself (a terminating error, no -ErrorAction Stop from the test)
# with an AoaiHardening.* ErrorId that names the problem, a message that quotes the bad value, and no request at all
# (MaxRequests allows the reads some refusals need, e.g. looking a custom role name up; never a write).
BeforeDiscovery {
    $scenario = Get-Content (Join-Path $PSScriptRoot '../Scenarios/demo-tenant.json') -Raw | ConvertFrom-Json
    $sub = $scenario.subscriptions[0].subscriptionId
    $rg = "/subscriptions/$sub/resourceGroups/rg-ai-prod"
    $prod = "$rg/providers/Microsoft.CognitiveServices/accounts/contoso-openai-prod"
    $vnet = "/subscriptions/$sub/resourceGroups/rg-network/providers/Microsoft.Network/virtualNetworks/vnet-ai-prod"
    $peSubnet = "$vnet/subnets/snet-private-endpoints"
    $vault = "$rg/providers/Microsoft.KeyVault/vaults/kv-contoso-prod"
    $law = "$rg/providers/Microsoft.OperationalInsights/workspaces/law-contoso-prod"
    $ag = "$rg/providers/Microsoft.Insights/actionGroups/ag-ai-security"
    $search = "$rg/providers/Microsoft.Search/searchServices/srch-contoso-oyd"
    $storage = "$rg/providers/Microsoft.Storage/storageAccounts/stcontosooyd"
    $ehRule = "$rg/providers/Microsoft.EventHub/namespaces/eh-contoso/authorizationRules/RootManageSharedAccessKey"
    $copilot = 'c0b11a70-0000-4000-8000-000000000003'
    $data = Join-Path $PSScriptRoot 'TestData/BadInput'
    $token = ConvertTo-SecureString 'not-a-real-token' -AsPlainText -Force

    # Category, case, cmdlet, parameters, expected ErrorId; Names: what the message must quote (the bad value, or the
    # part of it that is wrong; a file by its name); MaxRequests: reads allowed; Pipe: 'Findings' pipes Strict findings.
    function New-Case([string] $Category, [string] $Case, [string] $Cmdlet, [hashtable] $Params, [string] $ErrorId, [string[]] $Names, [int] $MaxRequests = 0, [string] $Pipe) {
        @{ Category = $Category; Case = $Case; Cmdlet = $Cmdlet; Params = $Params; ErrorId = $ErrorId; Names = $Names; MaxRequests = $MaxRequests; Pipe = $Pipe }
    }

    $script:Cases = @(
        # --- account resource ids
        New-Case 'Account id' 'a bare account name' Disable-AoaiLocalAuth @{ ResourceId = 'contoso-openai-prod'; Confirm = $false } 'AoaiHardening.Account.InvalidResourceId' 'contoso-openai-prod'
        New-Case 'Account id' 'an id of another resource type' Enable-AoaiPublicNetworkAccess @{ ResourceId = $storage; Confirm = $false } 'AoaiHardening.Account.InvalidResourceId' $storage
        New-Case 'Account id' 'a trailing blank' Get-AoaiEncryptionStatus @{ ResourceId = "$prod " } 'AoaiHardening.Account.InvalidResourceId' "$prod "
        New-Case 'Account id' 'a subscription that is not a GUID' Get-AoaiAccount @{ ResourceId = '/subscriptions/not-a-guid/resourceGroups/rg-ai-prod/providers/Microsoft.CognitiveServices/accounts/contoso-openai-prod' } 'AoaiHardening.Account.InvalidResourceId' 'not-a-guid'
        New-Case 'Account id' 'an empty segment (//)' Disable-AoaiPublicNetworkAccess @{ ResourceId = "/subscriptions/$sub//resourceGroups/rg-ai-prod/providers/Microsoft.CognitiveServices/accounts/contoso-openai-prod"; Confirm = $false } 'AoaiHardening.Account.InvalidResourceId' "$sub//resourceGroups"
        New-Case 'Account id' 'a deployment id' Test-AoaiHardening @{ ResourceId = "$prod/deployments/gpt-4o" } 'AoaiHardening.Account.InvalidResourceId' "$prod/deployments/gpt-4o"
        New-Case 'Account id' 'a query string' Get-AoaiAccessReport @{ ResourceId = "$($prod)?api-version=2025-09-01" } 'AoaiHardening.Account.InvalidResourceId' 'contoso-openai-prod?api-version=2025-09-01'
        New-Case 'Account id' 'a non-ASCII account name' Set-AoaiDiagnosticSetting @{ ResourceId = "$rg/providers/Microsoft.CognitiveServices/accounts/cöntoso"; WorkspaceResourceId = $law; Confirm = $false } 'AoaiHardening.Account.InvalidResourceId' 'cöntoso'

        # --- subnet ids
        New-Case 'Subnet id' 'a virtual network id' Set-AoaiNetworkRule @{ ResourceId = $prod; AddVirtualNetworkRule = $vnet; Confirm = $false } 'AoaiHardening.Network.InvalidSubnetId' $vnet
        New-Case 'Subnet id' 'a subnet name with a blank' Set-AoaiNetworkRule @{ ResourceId = $prod; RemoveVirtualNetworkRule = "$vnet/subnets/snet app"; Confirm = $false } 'AoaiHardening.Network.InvalidSubnetId' 'snet app'
        New-Case 'Subnet id' "'subnet' for 'subnets'" New-AoaiPrivateEndpoint @{ ResourceId = $prod; SubnetId = "$vnet/subnet/snet-private-endpoints"; Confirm = $false } 'AoaiHardening.PrivateEndpoint.InvalidSubnetId' "$vnet/subnet/snet-private-endpoints"
        New-Case 'Subnet id' 'no subnet name' Protect-AoaiPrivateEndpointSubnet @{ SubnetId = "$vnet/subnets/"; AllowedSourcePrefix = '10.20.2.0/24'; Confirm = $false } 'AoaiHardening.Nsg.InvalidSubnetId' "$vnet/subnets/"
        New-Case 'Subnet id' 'a bare subnet name to Repair' Repair-AoaiHardening @{ SubnetId = 'snet-private-endpoints'; Confirm = $false } 'AoaiHardening.Repair.InvalidSubnetId' 'snet-private-endpoints' -Pipe Findings

        # --- Key Vault ids and names
        New-Case 'Key Vault id' 'a managed HSM id' Enable-AoaiCustomerManagedKey @{ ResourceId = $prod; KeyVaultResourceId = "$rg/providers/Microsoft.KeyVault/managedHSMs/hsm-contoso"; KeyName = 'cmk-openai'; Confirm = $false } 'AoaiHardening.Encryption.InvalidKeyVaultResourceId' 'managedHSMs/hsm-contoso'
        New-Case 'Key Vault id' 'a vault name with an underscore' Enable-AoaiCustomerManagedKey @{ ResourceId = $prod; KeyVaultResourceId = "$rg/providers/Microsoft.KeyVault/vaults/kv_contoso"; KeyName = 'cmk-openai'; Confirm = $false } 'AoaiHardening.Encryption.InvalidKeyVaultResourceId' 'kv_contoso'
        New-Case 'Key Vault id' "a vault name with '--'" Enable-AoaiCustomerManagedKey @{ ResourceId = $prod; KeyVaultName = 'kv--contoso'; KeyName = 'cmk-openai'; Confirm = $false } 'AoaiHardening.Encryption.InvalidKeyVaultName' 'kv--contoso'
        New-Case 'Key Vault id' 'a vault name starting with a digit' Invoke-AoaiKeyRotation @{ ResourceId = $prod; KeyVaultName = '1kv-contoso'; SecretName = 'openai-key'; Confirm = $false } 'AoaiHardening.KeyRotation.InvalidKeyVaultName' '1kv-contoso'
        New-Case 'Key Vault id' "a rotation vault name with '--'" Invoke-AoaiKeyRotation @{ ResourceId = $prod; KeyVaultName = 'kv--contoso'; SecretName = 'openai-key'; Confirm = $false } 'AoaiHardening.KeyRotation.InvalidKeyVaultName' 'kv--contoso'
        New-Case 'Key Vault id' 'a vault name to Repair' Repair-AoaiHardening @{ KeyVaultResourceId = 'kv-contoso-prod'; KeyName = 'cmk-openai'; Confirm = $false } 'AoaiHardening.Repair.InvalidKeyVaultResourceId' 'kv-contoso-prod' -Pipe Findings

        # --- Key Vault key URIs
        New-Case 'Key URI' 'http' Enable-AoaiCustomerManagedKey @{ ResourceId = $prod; KeyUri = 'http://kv-contoso-prod.vault.azure.net/keys/cmk-openai'; Confirm = $false } 'AoaiHardening.Encryption.InvalidKeyUri' 'http://kv-contoso-prod.vault.azure.net/keys/cmk-openai'
        New-Case 'Key URI' "another cloud's host suffix" Enable-AoaiCustomerManagedKey @{ ResourceId = $prod; KeyUri = 'https://kv-contoso-prod.vault.azure.cn/keys/cmk-openai'; Confirm = $false } 'AoaiHardening.Encryption.InvalidKeyUri' 'kv-contoso-prod.vault.azure.cn'
        New-Case 'Key URI' 'a storage host' Update-AoaiCustomerManagedKey @{ ResourceId = $prod; KeyUri = 'https://stcontosooyd.blob.core.windows.net/keys/cmk-openai'; Confirm = $false } 'AoaiHardening.Encryption.InvalidKeyUri' 'stcontosooyd.blob.core.windows.net'
        New-Case 'Key URI' 'no key name' Enable-AoaiCustomerManagedKey @{ ResourceId = $prod; KeyUri = 'https://kv-contoso-prod.vault.azure.net/keys/'; Confirm = $false } 'AoaiHardening.Encryption.InvalidKeyUri' 'https://kv-contoso-prod.vault.azure.net/keys/'
        New-Case 'Key URI' 'a version that is not 32 hex digits' Enable-AoaiCustomerManagedKey @{ ResourceId = $prod; KeyUri = 'https://kv-contoso-prod.vault.azure.net/keys/cmk-openai/v2'; Confirm = $false } 'AoaiHardening.Encryption.InvalidKeyUri' "'v2'"
        New-Case 'Key URI' 'a secret URL' Enable-AoaiCustomerManagedKey @{ ResourceId = $prod; KeyUri = 'https://kv-contoso-prod.vault.azure.net/secrets/cmk-openai'; Confirm = $false } 'AoaiHardening.Encryption.InvalidKeyUri' 'https://kv-contoso-prod.vault.azure.net/secrets/cmk-openai'
        New-Case 'Key URI' 'a port other than 443' Enable-AoaiCustomerManagedKey @{ ResourceId = $prod; KeyUri = 'https://kv-contoso-prod.vault.azure.net:8443/keys/cmk-openai'; Confirm = $false } 'AoaiHardening.Encryption.InvalidKeyUri' ':8443'
        New-Case 'Key URI' 'a query string' Enable-AoaiCustomerManagedKey @{ ResourceId = $prod; KeyUri = 'https://kv-contoso-prod.vault.azure.net/keys/cmk-openai?api-version=7.6'; Confirm = $false } 'AoaiHardening.Encryption.InvalidKeyUri' '?api-version=7.6'
        New-Case 'Key URI' 'no scheme' Enable-AoaiCustomerManagedKey @{ ResourceId = $prod; KeyUri = 'kv-contoso-prod.vault.azure.net/keys/cmk-openai'; Confirm = $false } 'AoaiHardening.Encryption.InvalidKeyUri' 'kv-contoso-prod.vault.azure.net/keys/cmk-openai'
        New-Case 'Key URI' 'a vault name too short' Enable-AoaiCustomerManagedKey @{ ResourceId = $prod; KeyUri = 'https://kv.vault.azure.net/keys/cmk-openai'; Confirm = $false } 'AoaiHardening.Encryption.InvalidKeyUri' 'https://kv.vault.azure.net/keys/cmk-openai'

        # --- monitoring and On Your Data ids (workspace, storage, Event Hubs rule, action group, search service)
        New-Case 'Monitoring or data source id' "'workspace' for 'workspaces'" Set-AoaiDiagnosticSetting @{ ResourceId = $prod; WorkspaceResourceId = "$rg/providers/Microsoft.OperationalInsights/workspace/law-contoso-prod"; Confirm = $false } 'AoaiHardening.Monitoring.InvalidWorkspaceId' 'workspace/law-contoso-prod'
        New-Case 'Monitoring or data source id' 'a bare workspace name' New-AoaiAlertRule @{ ResourceId = $prod; WorkspaceResourceId = 'law-contoso-prod'; ActionGroupResourceId = $ag; Confirm = $false } 'AoaiHardening.Monitoring.InvalidWorkspaceId' 'law-contoso-prod'
        New-Case 'Monitoring or data source id' 'a workspace name to Repair' Repair-AoaiHardening @{ WorkspaceResourceId = 'law-contoso-prod'; Confirm = $false } 'AoaiHardening.Repair.InvalidWorkspaceId' 'law-contoso-prod' -Pipe Findings
        New-Case 'Monitoring or data source id' 'a storage account id without a resource group' Set-AoaiDiagnosticSetting @{ ResourceId = $prod; StorageAccountResourceId = "/subscriptions/$sub/providers/Microsoft.Storage/storageAccounts/stcontosooyd"; Confirm = $false } 'AoaiHardening.Monitoring.InvalidStorageAccountId' "/subscriptions/$sub/providers/Microsoft.Storage/storageAccounts/stcontosooyd"
        New-Case 'Monitoring or data source id' 'an Event Hubs namespace id for a rule id' Set-AoaiDiagnosticSetting @{ ResourceId = $prod; EventHubAuthorizationRuleId = "$rg/providers/Microsoft.EventHub/namespaces/eh-contoso"; Confirm = $false } 'AoaiHardening.Monitoring.InvalidEventHubRuleId' 'namespaces/eh-contoso'
        New-Case 'Monitoring or data source id' 'an action group id in the singular' New-AoaiAlertRule @{ ResourceId = $prod; WorkspaceResourceId = $law; ActionGroupResourceId = "$rg/providers/Microsoft.Insights/actionGroup/ag-ai-security"; Confirm = $false } 'AoaiHardening.Monitoring.InvalidActionGroupId' 'actionGroup/ag-ai-security'
        New-Case 'Monitoring or data source id' 'a search service id for a storage account' Grant-AoaiOnYourDataAccess @{ ResourceId = $prod; SearchServiceResourceId = $search; StorageAccountResourceId = $search; Confirm = $false } 'AoaiHardening.OnYourData.InvalidStorageAccountResourceId' $search
        New-Case 'Monitoring or data source id' 'an upper-case search service name' Test-AoaiOnYourDataSecurity @{ ResourceId = $prod; SearchServiceResourceId = "$rg/providers/Microsoft.Search/searchServices/SRCH-CONTOSO"; StorageAccountResourceId = $storage } 'AoaiHardening.OnYourData.InvalidSearchServiceResourceId' 'SRCH-CONTOSO'

        # --- role scopes, role names and GUIDs, principals, rule ids
        New-Case 'Role, scope, principal or rule' 'a scope with a subscription that is not a GUID' Grant-AoaiRoleAssignment @{ Scope = '/subscriptions/contoso/resourceGroups/rg-ai-prod'; Role = 'Cognitive Services OpenAI User'; PrincipalId = $copilot; PrincipalType = 'ServicePrincipal'; Confirm = $false } 'AoaiHardening.Rbac.InvalidScope' '/subscriptions/contoso/resourceGroups/rg-ai-prod'
        New-Case 'Role, scope, principal or rule' 'a relative scope' Grant-AoaiRoleAssignment @{ Scope = 'resourceGroups/rg-ai-prod'; Role = 'Cognitive Services OpenAI User'; PrincipalId = $copilot; PrincipalType = 'ServicePrincipal'; Confirm = $false } 'AoaiHardening.Rbac.InvalidScope' 'resourceGroups/rg-ai-prod'
        New-Case 'Role, scope, principal or rule' 'a management group scope without a name' Grant-AoaiRoleAssignment @{ Scope = '/providers/Microsoft.Management/managementGroups/'; Role = 'Reader'; PrincipalId = $copilot; PrincipalType = 'ServicePrincipal'; Confirm = $false } 'AoaiHardening.Rbac.InvalidScope' '/providers/Microsoft.Management/managementGroups/'
        New-Case 'Role, scope, principal or rule' 'a scope with an empty segment' Revoke-AoaiRoleAssignment @{ ResourceId = $prod; PrincipalId = $copilot; Role = 'Contributor'; Scope = "/subscriptions//resourceGroups/rg-ai-prod"; Confirm = $false } 'AoaiHardening.Rbac.InvalidScope' '/subscriptions//resourceGroups/rg-ai-prod'
        New-Case 'Role, scope, principal or rule' 'a user principal name for a principal id' Grant-AoaiRoleAssignment @{ ResourceId = $prod; Role = 'Cognitive Services OpenAI User'; PrincipalId = 'alice@contoso.com'; PrincipalType = 'User'; Confirm = $false } 'AoaiHardening.Rbac.InvalidPrincipalId' 'alice@contoso.com'
        New-Case 'Role, scope, principal or rule' 'a display name for a principal id' Get-AoaiRoleAssignment @{ ResourceId = $prod; PrincipalId = 'copilot-backend' } 'AoaiHardening.Rbac.InvalidPrincipalId' 'copilot-backend'
        New-Case 'Role, scope, principal or rule' 'a misspelt built-in role (reads the custom roles only)' Grant-AoaiRoleAssignment @{ ResourceId = $prod; Role = 'Cognitive Services OpenAI Usr'; PrincipalId = $copilot; PrincipalType = 'ServicePrincipal'; Confirm = $false } 'AoaiHardening.Rbac.UnknownRole' 'Cognitive Services OpenAI Usr' -MaxRequests 1
        New-Case 'Role, scope, principal or rule' 'a role GUID with a non-hex digit' Grant-AoaiRoleAssignment @{ ResourceId = $prod; Role = '5e0bd9bd-7b93-4f28-af87-19fc36ad61bz'; PrincipalId = $copilot; PrincipalType = 'ServicePrincipal'; Confirm = $false } 'AoaiHardening.Rbac.UnknownRole' '5e0bd9bd-7b93-4f28-af87-19fc36ad61bz' -MaxRequests 1
        New-Case 'Role, scope, principal or rule' 'an unknown replacement role' Revoke-AoaiRoleAssignment @{ ResourceId = $prod; PrincipalId = 'c1de0000-0000-4000-8000-000000000005'; Role = 'Contributor'; ReplaceWith = 'Cognitive Services OpenAI Reader'; Confirm = $false } 'AoaiHardening.Rbac.UnknownRole' 'Cognitive Services OpenAI Reader' -MaxRequests 2
        New-Case 'Role, scope, principal or rule' 'a role assignment id ending in a name' Revoke-AoaiRoleAssignment @{ RoleAssignmentId = "$prod/providers/Microsoft.Authorization/roleAssignments/ci-deployer"; Confirm = $false } 'AoaiHardening.Rbac.InvalidRoleAssignmentId' 'roleAssignments/ci-deployer'
        New-Case 'Role, scope, principal or rule' 'an unknown rule id' Test-AoaiHardening @{ Rule = 'AOAI-XYZ-999' } 'AoaiHardening.Test.UnknownRule' 'AOAI-XYZ-999'
        New-Case 'Role, scope, principal or rule' 'a rule id missing a digit' Assert-AoaiHardening @{ Rule = 'AOAI-IAM-01' } 'AoaiHardening.Test.UnknownRule' 'AOAI-IAM-01'

        # --- user-assigned identity ids
        New-Case 'Identity id' "'identities' for 'userAssignedIdentities'" Enable-AoaiManagedIdentity @{ ResourceId = $prod; UserAssignedIdentityId = "/subscriptions/$sub/resourceGroups/rg-ai-dev/providers/Microsoft.ManagedIdentity/identities/id-contoso-copilot"; Confirm = $false } 'AoaiHardening.Identity.InvalidUserAssignedIdentityId' 'identities/id-contoso-copilot'
        New-Case 'Identity id' 'a bare identity name' Disable-AoaiManagedIdentity @{ ResourceId = $prod; UserAssignedIdentityId = 'id-contoso-copilot'; Confirm = $false } 'AoaiHardening.Identity.InvalidUserAssignedIdentityId' 'id-contoso-copilot'
        New-Case 'Identity id' 'an identity name too short' Enable-AoaiCustomerManagedKey @{ ResourceId = $prod; KeyVaultResourceId = $vault; KeyName = 'cmk-openai'; UserAssignedIdentityId = "/subscriptions/$sub/resourceGroups/rg-ai-dev/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id"; Confirm = $false } 'AoaiHardening.Identity.InvalidUserAssignedIdentityId' 'userAssignedIdentities/id'

        # --- names
        New-Case 'Name' 'an account name of 65 characters' Disable-AoaiLocalAuth @{ ResourceGroupName = 'rg-ai-prod'; Name = ('a' * 65); Confirm = $false } 'AoaiHardening.Account.InvalidName' ('a' * 65)
        New-Case 'Name' 'an account name with a blank and !' Enable-AoaiManagedIdentity @{ ResourceGroupName = 'rg-ai-prod'; Name = 'contoso openai!'; Confirm = $false } 'AoaiHardening.Account.InvalidName' 'contoso openai!'
        New-Case 'Name' "a resource group name with '/'" Disable-AoaiLocalAuth @{ ResourceGroupName = 'rg-ai-prod/x'; Name = 'contoso-openai-prod'; Confirm = $false } 'AoaiHardening.Account.InvalidName' 'rg-ai-prod/x'
        New-Case 'Name' "a resource group name ending in '.'" Get-AoaiAccount @{ ResourceGroupName = 'rg-ai-prod.'; Name = 'contoso-openai-prod' } 'AoaiHardening.Account.InvalidResourceGroupName' 'rg-ai-prod.'
        New-Case 'Name' 'a deployment name with a path' Get-AoaiDeployment @{ ResourceId = $prod; Name = 'gpt-4o/../../raiPolicies/x' } 'AoaiHardening.ContentSafety.InvalidDeploymentName' 'gpt-4o/../../raiPolicies/x'
        New-Case 'Name' 'a deployment name with a blank' Set-AoaiDeploymentContentFilter @{ ResourceId = $prod; PolicyName = 'relaxed-filter'; DeploymentName = 'gpt 4o'; Confirm = $false } 'AoaiHardening.ContentSafety.InvalidDeploymentName' 'gpt 4o'
        New-Case 'Name' 'a deployment name to attach a new policy to' New-AoaiContentFilterPolicy @{ ResourceId = $prod; Name = 'strict-production-filter'; DeploymentName = 'gpt-4o/chat'; Confirm = $false } 'AoaiHardening.ContentSafety.InvalidDeploymentName' 'gpt-4o/chat'
        New-Case 'Name' 'a deployment name to probe' Test-AoaiContentFilter @{ ResourceId = $prod; DeploymentName = 'gpt-4o chat' } 'AoaiHardening.ContentSafety.InvalidDeploymentName' 'gpt-4o chat'
        New-Case 'Name' 'a policy name with a blank' New-AoaiContentFilterPolicy @{ ResourceId = $prod; Name = 'strict filter'; Confirm = $false } 'AoaiHardening.ContentSafety.InvalidPolicyName' 'strict filter'
        New-Case 'Name' 'a policy name of the system policies' New-AoaiContentFilterPolicy @{ ResourceId = $prod; Name = 'Microsoft.Strict'; Confirm = $false } 'AoaiHardening.ContentSafety.InvalidPolicyName' 'Microsoft.Strict'
        New-Case 'Name' "a policy name with '/'" Set-AoaiContentFilterPolicy @{ ResourceId = $prod; Name = 'relaxed/filter'; Jailbreak = 'Block'; Confirm = $false } 'AoaiHardening.ContentSafety.InvalidPolicyName' 'relaxed/filter'
        New-Case 'Name' 'a policy name to read' Get-AoaiContentFilterPolicy @{ ResourceId = $prod; Name = 'relaxed filter' } 'AoaiHardening.ContentSafety.InvalidPolicyName' 'relaxed filter'
        New-Case 'Name' 'a policy name to assign' Set-AoaiDeploymentContentFilter @{ ResourceId = $prod; PolicyName = 'strict#1'; Confirm = $false } 'AoaiHardening.ContentSafety.InvalidPolicyName' 'strict#1'
        New-Case 'Name' 'a policy name to Repair with' Repair-AoaiHardening @{ ContentFilterPolicyName = 'strict production'; Confirm = $false } 'AoaiHardening.Repair.InvalidPolicyName' 'strict production' -Pipe Findings
        New-Case 'Name' 'a blocklist name with a blank' New-AoaiContentBlocklist @{ ResourceId = $prod; Name = 'competitor names'; Pattern = 'Fabrikam'; Confirm = $false } 'AoaiHardening.ContentSafety.InvalidBlocklistName' 'competitor names'
        New-Case 'Name' 'a blocklist name of 65 characters' New-AoaiContentBlocklist @{ ResourceId = $prod; Name = ('b' * 65); Pattern = 'Fabrikam'; Confirm = $false } 'AoaiHardening.ContentSafety.InvalidBlocklistName' ('b' * 65)
        New-Case 'Name' "a blocklist name with '/'" Add-AoaiContentBlocklistItem @{ ResourceId = $prod; BlocklistName = 'competitors/x'; Pattern = 'Fabrikam'; Confirm = $false } 'AoaiHardening.ContentSafety.InvalidBlocklistName' 'competitors/x'
        New-Case 'Name' 'a blocklist name to remove' Remove-AoaiContentBlocklist @{ ResourceId = $prod; Name = 'competitors*'; Confirm = $false } 'AoaiHardening.ContentSafety.InvalidBlocklistName' 'competitors*'
        New-Case 'Name' 'a blocklist name to read' Get-AoaiContentBlocklist @{ ResourceId = $prod; Name = 'competitors/items' } 'AoaiHardening.ContentSafety.InvalidBlocklistName' 'competitors/items'
        New-Case 'Name' 'a blocklist name to attach' New-AoaiContentFilterPolicy @{ ResourceId = $prod; Name = 'strict-production-filter'; Blocklist = 'competitor names'; Confirm = $false } 'AoaiHardening.ContentSafety.InvalidBlocklistName' 'competitor names'
        New-Case 'Name' 'a blocklist name to detach' Set-AoaiContentFilterPolicy @{ ResourceId = $prod; Name = 'relaxed-filter'; RemoveBlocklist = 'competitor names'; Confirm = $false } 'AoaiHardening.ContentSafety.InvalidBlocklistName' 'competitor names'
        New-Case 'Name' 'a blocklist item name' Remove-AoaiContentBlocklistItem @{ ResourceId = $prod; BlocklistName = 'competitors'; ItemName = 'term/1'; Confirm = $false } 'AoaiHardening.ContentSafety.InvalidItemName' 'term/1'
        New-Case 'Name' 'a private endpoint name' New-AoaiPrivateEndpoint @{ ResourceId = $prod; SubnetId = $peSubnet; PrivateEndpointName = 'pe/contoso'; Confirm = $false } 'AoaiHardening.PrivateEndpoint.InvalidName' 'pe/contoso'
        New-Case 'Name' 'a virtual network name' New-AoaiPrivateEndpoint @{ ResourceId = $prod; VirtualNetworkName = 'vnet ai prod'; SubnetName = 'snet-private-endpoints'; Confirm = $false } 'AoaiHardening.PrivateEndpoint.InvalidSubnetId' 'vnet ai prod'
        New-Case 'Name' 'a private DNS zone name' New-AoaiPrivateEndpoint @{ ResourceId = $prod; SubnetId = $peSubnet; PrivateDnsZoneName = 'privatelink..openai.azure.com'; Confirm = $false } 'AoaiHardening.PrivateEndpoint.InvalidDnsZone' 'privatelink..openai.azure.com'
        New-Case 'Name' 'a network security group name' Protect-AoaiPrivateEndpointSubnet @{ SubnetId = $peSubnet; AllowedSourcePrefix = '10.20.2.0/24'; NetworkSecurityGroupName = 'nsg private endpoints'; Confirm = $false } 'AoaiHardening.Nsg.InvalidName' 'nsg private endpoints'
        New-Case 'Name' 'a diagnostic setting name' Set-AoaiDiagnosticSetting @{ ResourceId = $prod; Name = 'diag/audit'; WorkspaceResourceId = $law; Confirm = $false } 'AoaiHardening.Monitoring.InvalidSettingName' 'diag/audit'
        New-Case 'Name' 'an event hub name' Set-AoaiDiagnosticSetting @{ ResourceId = $prod; EventHubAuthorizationRuleId = $ehRule; EventHubName = 'aoai logs'; Confirm = $false } 'AoaiHardening.Monitoring.InvalidEventHubName' 'aoai logs'
        New-Case 'Name' 'an alert rule resource group' New-AoaiAlertRule @{ ResourceId = $prod; WorkspaceResourceId = $law; ActionGroupResourceId = $ag; RuleResourceGroupName = 'rg-alerts?'; Confirm = $false } 'AoaiHardening.Monitoring.InvalidResourceGroupName' 'rg-alerts?'
        New-Case 'Name' 'an unknown detection' New-AoaiAlertRule @{ ResourceId = $prod; WorkspaceResourceId = $law; ActionGroupResourceId = $ag; Detection = 'KeyAuthUsed'; Confirm = $false } 'AoaiHardening.Monitoring.UnknownDetection' 'KeyAuthUsed'
        New-Case 'Name' 'a secret name with an underscore' Invoke-AoaiKeyRotation @{ ResourceId = $prod; KeyVaultName = 'kv-contoso-prod'; SecretName = 'openai_key'; Confirm = $false } 'AoaiHardening.KeyRotation.InvalidSecretName' 'openai_key'
        New-Case 'Name' 'a key name with an underscore' Enable-AoaiCustomerManagedKey @{ ResourceId = $prod; KeyVaultResourceId = $vault; KeyName = 'cmk_openai'; Confirm = $false } 'AoaiHardening.Encryption.InvalidKeyName' 'cmk_openai'
        New-Case 'Name' "'latest' for a key version" Update-AoaiCustomerManagedKey @{ ResourceId = $prod; KeyVersion = 'latest'; Confirm = $false } 'AoaiHardening.Encryption.InvalidKeyVersion' 'latest'
        New-Case 'Name' 'a key vault resource group' Enable-AoaiCustomerManagedKey @{ ResourceId = $prod; KeyVaultName = 'kv-contoso-prod'; KeyVaultResourceGroupName = 'rg ai prod'; KeyName = 'cmk-openai'; Confirm = $false } 'AoaiHardening.Encryption.InvalidKeyVaultResourceGroupName' 'rg ai prod'

        # --- subscription ids, tenant and endpoints of Connect-AoaiHardening
        New-Case 'Subscription, tenant or endpoint' 'a word' Get-AoaiAccount @{ SubscriptionId = 'production' } 'AoaiHardening.Context.InvalidSubscriptionId' 'production'
        New-Case 'Subscription, tenant or endpoint' 'a GUID missing a digit' Enable-AoaiLocalAuth @{ SubscriptionId = '00000000-0000-0000-0000-0000000c0de'; ResourceGroupName = 'rg-ai-prod'; Name = 'contoso-openai-prod'; Confirm = $false } 'AoaiHardening.Context.InvalidSubscriptionId' '00000000-0000-0000-0000-0000000c0de'
        New-Case 'Subscription, tenant or endpoint' 'a GUID with a non-hex digit' Get-AoaiAccessReport @{ SubscriptionId = '00000000-0000-0000-0000-00000000c0dz' } 'AoaiHardening.Context.InvalidSubscriptionId' '00000000-0000-0000-0000-00000000c0dz'
        New-Case 'Subscription, tenant or endpoint' 'a subscription name to Connect' Connect-AoaiHardening @{ AccessToken = $token; SubscriptionId = 'Contoso Production' } 'AoaiHardening.Connect.InvalidSubscriptionId' 'Contoso Production'
        New-Case 'Subscription, tenant or endpoint' 'a tenant that is neither GUID nor domain' Connect-AoaiHardening @{ AccessToken = $token; TenantId = 'contoso' } 'AoaiHardening.Connect.InvalidTenantId' 'contoso'
        New-Case 'Subscription, tenant or endpoint' 'an http ARM endpoint' Connect-AoaiHardening @{ AccessToken = $token; ArmEndpoint = 'http://management.contoso.local/' } 'AoaiHardening.Connect.InvalidEnvironment' 'http://management.contoso.local/'
        New-Case 'Subscription, tenant or endpoint' 'a relative ARM endpoint' Connect-AoaiHardening @{ AccessToken = $token; ArmEndpoint = 'management.azure.com' } 'AoaiHardening.Connect.InvalidEnvironment' 'management.azure.com'
        New-Case 'Subscription, tenant or endpoint' 'a managed identity client id that is not a GUID' Connect-AoaiHardening @{ Identity = $true; ClientId = 'mi-aoai-runbook' } 'AoaiHardening.Connect.InvalidClientId' 'mi-aoai-runbook'
        New-Case 'Subscription, tenant or endpoint' 'an ARM scope that is not an audience URI' Connect-AoaiHardening @{ AccessToken = $token; ArmScope = 'management' } 'AoaiHardening.Connect.InvalidEnvironment' 'management'
        New-Case 'Subscription, tenant or endpoint' 'an http data-plane scope' Connect-AoaiHardening @{ AccessToken = $token; DataPlaneScope = 'http://cognitiveservices.contoso.local/.default' } 'AoaiHardening.Connect.InvalidEnvironment' 'http://cognitiveservices.contoso.local/.default'
        New-Case 'Subscription, tenant or endpoint' 'an http authority host' Connect-AoaiHardening @{ AccessToken = $token; AuthorityHost = 'http://login.contoso.local/' } 'AoaiHardening.Connect.InvalidEnvironment' 'http://login.contoso.local/'

        # --- CIDRs and IP addresses
        New-Case 'CIDR' 'an octet above 255' Set-AoaiNetworkRule @{ ResourceId = $prod; AddIpRule = '203.0.113.256'; Confirm = $false } 'AoaiHardening.Network.InvalidIpRule' '203.0.113.256'
        New-Case 'CIDR' 'a prefix above 32' Set-AoaiNetworkRule @{ ResourceId = $prod; AddIpRule = '203.0.113.0/33'; Confirm = $false } 'AoaiHardening.Network.InvalidIpRule' '203.0.113.0/33'
        New-Case 'CIDR' 'a negative prefix' Set-AoaiNetworkRule @{ ResourceId = $prod; AddIpRule = '203.0.113.0/-8'; Confirm = $false } 'AoaiHardening.Network.InvalidIpRule' '203.0.113.0/-8'
        New-Case 'CIDR' 'three octets' Set-AoaiNetworkRule @{ ResourceId = $prod; AddIpRule = '203.0.113'; Confirm = $false } 'AoaiHardening.Network.InvalidIpRule' '203.0.113'
        New-Case 'CIDR' 'a leading zero' Set-AoaiNetworkRule @{ ResourceId = $prod; AddIpRule = '203.0.113.07'; Confirm = $false } 'AoaiHardening.Network.InvalidIpRule' '203.0.113.07'
        New-Case 'CIDR' 'IPv6' Set-AoaiNetworkRule @{ ResourceId = $prod; AddIpRule = '2001:db8::/32'; Confirm = $false } 'AoaiHardening.Network.InvalidIpRule' '2001:db8::/32'
        New-Case 'CIDR' 'host bits set' Set-AoaiNetworkRule @{ ResourceId = $prod; AddIpRule = '203.0.113.7/24'; Confirm = $false } 'AoaiHardening.Network.InvalidIpRule' '203.0.113.7/24'
        New-Case 'CIDR' 'a /31' Set-AoaiNetworkRule @{ ResourceId = $prod; AddIpRule = '203.0.113.6/31'; Confirm = $false } 'AoaiHardening.Network.InvalidIpRule' '203.0.113.6/31'
        New-Case 'CIDR' 'a private (RFC 1918) range' Set-AoaiNetworkRule @{ ResourceId = $prod; AddIpRule = '10.1.0.0/16'; Confirm = $false } 'AoaiHardening.Network.PrivateIpRule' '10.1.0.0/16'
        New-Case 'CIDR' 'the whole internet' Set-AoaiNetworkRule @{ ResourceId = $prod; AddIpRule = '0.0.0.0/0'; Confirm = $false } 'AoaiHardening.Network.BroadIpRule' '0.0.0.0/0'
        New-Case 'CIDR' 'a host name to remove' Set-AoaiNetworkRule @{ ResourceId = $prod; RemoveIpRule = 'office.contoso.com'; Confirm = $false } 'AoaiHardening.Network.InvalidIpRule' 'office.contoso.com'
        New-Case 'CIDR' 'an NSG source prefix above 32' Protect-AoaiPrivateEndpointSubnet @{ SubnetId = $peSubnet; AllowedSourcePrefix = '10.20.2.0/40'; Confirm = $false } 'AoaiHardening.Nsg.InvalidSourcePrefix' '10.20.2.0/40'
        New-Case 'CIDR' 'an IPv6 NSG source prefix' Protect-AoaiPrivateEndpointSubnet @{ SubnetId = $peSubnet; AllowedSourcePrefix = 'fd00::/8'; Confirm = $false } 'AoaiHardening.Nsg.InvalidSourcePrefix' 'fd00::/8'
        New-Case 'CIDR' 'a service tag for a source prefix' Protect-AoaiPrivateEndpointSubnet @{ SubnetId = $peSubnet; AllowedSourcePrefix = 'VirtualNetwork'; Confirm = $false } 'AoaiHardening.Nsg.InvalidSourcePrefix' 'VirtualNetwork'
        New-Case 'CIDR' 'every address as a source' Protect-AoaiPrivateEndpointSubnet @{ SubnetId = $peSubnet; AllowedSourcePrefix = '0.0.0.0/0'; Confirm = $false } 'AoaiHardening.Nsg.BroadSourcePrefix' '0.0.0.0/0'

        # --- FQDNs
        New-Case 'FQDN' 'a URL' Set-AoaiOutboundAccess @{ ResourceId = $prod; AllowedFqdn = 'https://contoso-search.search.windows.net/'; Confirm = $false } 'AoaiHardening.Outbound.InvalidFqdn' 'https://contoso-search.search.windows.net/'
        New-Case 'FQDN' 'a wildcard' Set-AoaiOutboundAccess @{ ResourceId = $prod; AllowedFqdn = '*.blob.core.windows.net'; Confirm = $false } 'AoaiHardening.Outbound.InvalidFqdn' '*.blob.core.windows.net'
        New-Case 'FQDN' 'a port' Set-AoaiOutboundAccess @{ ResourceId = $prod; AllowedFqdn = 'contoso-search.search.windows.net:443'; Confirm = $false } 'AoaiHardening.Outbound.InvalidFqdn' 'contoso-search.search.windows.net:443'
        New-Case 'FQDN' 'a single label' Set-AoaiOutboundAccess @{ ResourceId = $prod; AllowedFqdn = 'localhost'; Confirm = $false } 'AoaiHardening.Outbound.InvalidFqdn' 'localhost'
        New-Case 'FQDN' 'an underscore' Set-AoaiOutboundAccess @{ ResourceId = $prod; AllowedFqdn = 'contoso_search.search.windows.net'; Confirm = $false } 'AoaiHardening.Outbound.InvalidFqdn' 'contoso_search.search.windows.net'
        New-Case 'FQDN' 'a label of 64 characters' Set-AoaiOutboundAccess @{ ResourceId = $prod; AllowedFqdn = (('s' * 64) + '.search.windows.net'); Confirm = $false } 'AoaiHardening.Outbound.InvalidFqdn' (('s' * 64) + '.search.windows.net')
        New-Case 'FQDN' 'a non-ASCII name' Set-AoaiOutboundAccess @{ ResourceId = $prod; AllowedFqdn = 'bücher.contoso.com'; Confirm = $false } 'AoaiHardening.Outbound.InvalidFqdn' 'bücher.contoso.com'
        New-Case 'FQDN' 'an IPv6 address' Set-AoaiOutboundAccess @{ ResourceId = $prod; AllowedFqdn = '2001:db8::1'; Confirm = $false } 'AoaiHardening.Outbound.InvalidFqdn' '2001:db8::1'
        New-Case 'FQDN' 'a URL to Repair' Repair-AoaiHardening @{ AllowedFqdn = 'http://contoso-search.search.windows.net'; Confirm = $false } 'AoaiHardening.Repair.InvalidFqdn' 'http://contoso-search.search.windows.net' -Pipe Findings

        # --- files and JSON: offline input of Test-AoaiHardening -Path (exports, templates)
        New-Case 'File' 'offline input that is not JSON' Test-AoaiHardening @{ Path = "$data/not-json.json" } 'AoaiHardening.Test.InvalidInput' 'not-json.json'
        New-Case 'File' 'an empty offline input file' Test-AoaiHardening @{ Path = "$data/empty.json" } 'AoaiHardening.Test.InvalidInput' 'empty.json'
        New-Case 'File' 'a binary offline input file' Test-AoaiHardening @{ Path = "$data/binary.bin" } 'AoaiHardening.Test.InvalidInput' 'binary.bin'
        New-Case 'File' 'a truncated export' Test-AoaiHardening @{ Path = "$data/truncated.json" } 'AoaiHardening.Test.InvalidInput' 'truncated.json'
        New-Case 'File' 'a resource with a repeated property' Test-AoaiHardening @{ Path = "$data/duplicate-property.json" } 'AoaiHardening.Test.InvalidInput' 'duplicate-property.json'
        New-Case 'File' 'a JSON string for a resource' Test-AoaiHardening @{ Path = "$data/top-level-string.json" } 'AoaiHardening.Test.InvalidInput' 'top-level-string.json'
        New-Case 'File' 'an array of numbers' Test-AoaiHardening @{ Path = "$data/array-of-numbers.json" } 'AoaiHardening.Test.InvalidInput' 'array-of-numbers.json'
        New-Case 'File' 'an object of no known shape' Test-AoaiHardening @{ Path = "$data/unknown-shape.json" } 'AoaiHardening.Test.InvalidInput' 'unknown-shape.json'
        New-Case 'File' 'a list response whose value is not an array' Test-AoaiHardening @{ Path = "$data/list-value-not-array.json" } 'AoaiHardening.Test.InvalidInput' 'list-value-not-array.json'
        New-Case 'File' 'a Resource Graph response whose data is a number' Assert-AoaiHardening @{ Path = "$data/graph-data-not-array.json" } 'AoaiHardening.Test.InvalidInput' 'graph-data-not-array.json'
        New-Case 'File' 'an ARM template resource that is a string' Test-AoaiHardening @{ Path = "$data/template-resource-not-object.json" } 'AoaiHardening.Test.InvalidInput' 'template-resource-not-object.json'
        New-Case 'File' 'a missing offline input file' Test-AoaiHardening @{ Path = "$data/no-such-export.json" } 'AoaiHardening.Test.PathNotFound' 'no-such-export.json'
        New-Case 'File' 'an offline input wildcard that matches no file (a vacuous pass otherwise)' Assert-AoaiHardening @{ Path = "$data/no-such-*.json" } 'AoaiHardening.Test.PathNotFound' 'no-such-*.json'
        New-Case 'File' 'a report in a missing folder' Test-AoaiHardening @{ ResourceId = $prod; OutputFormat = 'Sarif'; OutputPath = "$data/no-such-folder/report.sarif" } 'AoaiHardening.Test.InvalidOutput' 'no-such-folder'
        New-Case 'File' 'an On Your Data report in a missing folder' Test-AoaiOnYourDataSecurity @{ ResourceId = $prod; SearchServiceResourceId = $search; StorageAccountResourceId = $storage; OutputFormat = 'Json'; OutputPath = "$data/no-such-folder/oyd.json" } 'AoaiHardening.OnYourData.InvalidOutput' 'no-such-folder'
        New-Case 'File' 'a test-result file in a missing folder' Invoke-AoaiHardeningPester @{ OutputFile = "$data/no-such-folder/results.xml"; OutputFormat = 'NUnitXml' } 'AoaiHardening.Pester.InvalidOutput' 'no-such-folder'

        # --- baselines and waivers
        New-Case 'File' 'a baseline that is not JSON' Test-AoaiHardening @{ Baseline = "$data/not-json.json" } 'AoaiHardening.Test.InvalidBaseline' 'not-json.json'
        New-Case 'File' 'a baseline with an unknown key' Test-AoaiHardening @{ Baseline = "$data/baseline-unknown-key.json" } 'AoaiHardening.Test.InvalidBaseline' 'baseline-unknown-key.json'
        New-Case 'File' 'a baseline that is an array' Test-AoaiHardening @{ Baseline = "$data/baseline-array.json" } 'AoaiHardening.Test.InvalidBaseline' 'baseline-array.json'
        New-Case 'File' 'an unparsable .psd1 baseline' Assert-AoaiHardening @{ Baseline = "$data/baseline-unparsable.psd1" } 'AoaiHardening.Test.InvalidBaseline' 'baseline-unparsable.psd1', 'could not be parsed'
        New-Case 'File' 'a YAML baseline' Test-AoaiHardening @{ Baseline = "$data/baseline.yaml" } 'AoaiHardening.Test.InvalidBaseline' 'baseline.yaml'
        New-Case 'File' 'a missing baseline' Test-AoaiHardening @{ Baseline = "$data/no-such-baseline.json" } 'AoaiHardening.Test.InvalidBaseline' 'no-such-baseline.json'
        New-Case 'File' 'a waiver without a resource id' Test-AoaiHardening @{ WaiverPath = "$data/waiver-no-resourceid.json" } 'AoaiHardening.Test.InvalidWaiverFile' 'waiver-no-resourceid.json'
        New-Case 'File' 'a waiver with an unreadable date' Assert-AoaiHardening @{ WaiverPath = "$data/waiver-bad-date.json" } 'AoaiHardening.Test.InvalidWaiverFile' 'next spring'
        New-Case 'File' 'a binary waiver file' Test-AoaiHardening @{ WaiverPath = "$data/binary.bin" } 'AoaiHardening.Test.InvalidWaiverFile' 'binary.bin'
        New-Case 'File' 'a missing waiver file' Test-AoaiHardening @{ WaiverPath = "$data/no-such-waiver.json" } 'AoaiHardening.Test.InvalidWaiverFile' 'no-such-waiver.json'

        # --- probe files
        New-Case 'File' 'a probe file that is not JSON' Test-AoaiContentFilter @{ ResourceId = $prod; DeploymentName = 'gpt-4o'; ProbePath = "$data/not-json.json" } 'AoaiHardening.ContentSafety.InvalidProbeFile' 'not-json.json'
        New-Case 'File' 'an empty probe file' Test-AoaiContentFilter @{ ResourceId = $prod; DeploymentName = 'gpt-4o'; ProbePath = "$data/empty.json" } 'AoaiHardening.ContentSafety.InvalidProbeFile' 'empty.json'
        New-Case 'File' 'a binary probe file' Test-AoaiContentFilter @{ ResourceId = $prod; DeploymentName = 'gpt-4o'; ProbePath = "$data/binary.bin" } 'AoaiHardening.ContentSafety.InvalidProbeFile' 'binary.bin'
        New-Case 'File' 'a probe file holding one object' Test-AoaiContentFilter @{ ResourceId = $prod; DeploymentName = 'gpt-4o'; ProbePath = "$data/probes-object.json" } 'AoaiHardening.ContentSafety.InvalidProbeFile' 'probes-object.json'
        New-Case 'File' 'a probe file with no probes' Test-AoaiContentFilter @{ ResourceId = $prod; DeploymentName = 'gpt-4o'; ProbePath = "$data/probes-empty-array.json" } 'AoaiHardening.ContentSafety.InvalidProbeFile' 'probes-empty-array.json'
        New-Case 'File' 'a probe without a prompt' Test-AoaiContentFilter @{ ResourceId = $prod; DeploymentName = 'gpt-4o'; ProbePath = "$data/probes-missing-prompt.json" } 'AoaiHardening.ContentSafety.InvalidProbeFile' 'no-prompt'
        New-Case 'File' 'a probe expecting Blocked' Test-AoaiContentFilter @{ ResourceId = $prod; DeploymentName = 'gpt-4o'; ProbePath = "$data/probes-bad-expected.json" } 'AoaiHardening.ContentSafety.InvalidProbeFile' 'bad-expected'
        New-Case 'File' 'a probe named like a built-in one' Test-AoaiContentFilter @{ ResourceId = $prod; DeploymentName = 'gpt-4o'; ProbePath = "$data/probes-builtin-name.json" } 'AoaiHardening.ContentSafety.InvalidProbeFile' 'harmful-pipe-bomb'
        New-Case 'File' 'a missing probe file' Test-AoaiContentFilter @{ ResourceId = $prod; DeploymentName = 'gpt-4o'; ProbePath = "$data/no-such-probes.json" } 'AoaiHardening.ContentSafety.InvalidProbeFile' 'no-such-probes.json'
        New-Case 'File' 'a folder for a probe file' Test-AoaiContentFilter @{ ResourceId = $prod; DeploymentName = 'gpt-4o'; ProbePath = $data } 'AoaiHardening.ContentSafety.InvalidProbeFile' 'BadInput'

        # --- blocklist term files (Get-Content list.txt | …): each line is a pattern
        New-Case 'File' 'a term list with a blank line' New-AoaiContentBlocklist @{ ResourceId = $prod; Name = 'competitors'; Pattern = @(Get-Content "$data/blocklist-blank-line.txt"); Confirm = $false } 'AoaiHardening.ContentSafety.InvalidPattern' 'pattern #2'
        New-Case 'File' 'a regex list with an unbalanced group' Add-AoaiContentBlocklistItem @{ ResourceId = $prod; BlocklistName = 'competitors'; Pattern = @(Get-Content "$data/blocklist-bad-regex.txt"); Regex = $true; Confirm = $false } 'AoaiHardening.ContentSafety.InvalidPattern' '(contoso|northwind'
        New-Case 'File' 'a term list with a line over 1000 characters' Add-AoaiContentBlocklistItem @{ ResourceId = $prod; BlocklistName = 'competitors'; Pattern = @(Get-Content "$data/blocklist-too-long.txt"); Confirm = $false } 'AoaiHardening.ContentSafety.InvalidPattern' 'pattern #2'

        # --- certificate files
        New-Case 'File' 'a binary file for a PFX certificate' Connect-AoaiHardening @{ ServicePrincipal = $true; TenantId = '72a1c0de-5e11-4c0d-9a7e-0c0de0000001'; ClientId = '22222222-3333-4444-5555-666666666666'; CertificatePath = "$data/binary.bin"; CertificatePassword = $token } 'AoaiHardening.Connect.InvalidCertificate' 'binary.bin'
        New-Case 'File' 'a missing PEM certificate' Connect-AoaiHardening @{ ServicePrincipal = $true; TenantId = '72a1c0de-5e11-4c0d-9a7e-0c0de0000001'; ClientId = '22222222-3333-4444-5555-666666666666'; CertificatePath = "$data/no-such-cert.pem" } 'AoaiHardening.Connect.InvalidCertificate' 'no-such-cert.pem'
    )
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModuleManifest) -Force
    $script:Emu = Start-TestEmulator
    Reset-TestEmulator
    Connect-TestEmulator | Out-Null
    # Strict findings of the prod account, for the Repair cases (read once, before any case counts requests).
    $script:Findings = @(Test-AoaiHardening -ResourceId (Get-ScenarioAccountId -ResourceGroupName rg-ai-prod -Name contoso-openai-prod) -Baseline Strict)
}
AfterAll { Stop-TestEmulator }

Describe 'The bad-input corpus' {
    It 'has at least 50 cases, in every category' -ForEach @(@{ All = $script:Cases }) {
        $All.Count | Should -BeGreaterOrEqual 50
        $categories = @($All | ForEach-Object { $_.Category } | Sort-Object -Unique)
        foreach ($c in 'Account id', 'Subnet id', 'Key Vault id', 'Key URI', 'Monitoring or data source id', 'Role, scope, principal or rule', 'Identity id', 'Name',
            'Subscription, tenant or endpoint', 'CIDR', 'FQDN', 'File') {
            $categories | Should -Contain $c
        }
    }

    It 'would catch a non-terminating error: the harness is not fooled by an inherited ErrorActionPreference' {
        # The suite runs under $ErrorActionPreference = 'Stop', which would turn any error into an exception; each case
        # resets it, so only an error the cmdlet itself makes terminating throws.
        $ErrorActionPreference = 'Continue'
        { Get-AoaiDetectionQuery -Name 'NoSuchDetection' 2>$null } | Should -Not -Throw
    }
}

Describe 'Bad input: <Category>' -ForEach @($script:Cases | Group-Object { $_.Category } | ForEach-Object { @{ Category = $_.Name; Group = @($_.Group) } }) {
    BeforeEach {
        # A failed case may have connected elsewhere or written: every case starts connected to the emulator, with an empty log.
        Connect-TestEmulator | Out-Null
        Clear-EmulatorRequest
    }
    AfterEach {
        if (@(Get-EmulatorWrite).Count -gt 0) { Reset-TestEmulator }
    }

    It '<Cmdlet> refuses <Case> with <ErrorId>' -ForEach $Group {
        # Only the cmdlet may make its error terminating: no inherited Stop preference, no -ErrorAction from the test.
        $ErrorActionPreference = 'Continue'
        $Params.ContainsKey('ErrorAction') | Should -BeFalse
        $in = if ($Pipe -eq 'Findings') { $script:Findings } else { $null }
        if ($Pipe) { @($in).Count | Should -BeGreaterThan 0 -Because 'Repair needs findings to be given any work' }
        Clear-EmulatorRequest

        $err = { if ($Pipe) { $in | & $Cmdlet @Params 2>$null } else { & $Cmdlet @Params 2>$null } } | Should -Throw -PassThru
        $err | Should -BeOfType ([System.Management.Automation.ErrorRecord])
        $err.FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.*'
        $err.FullyQualifiedErrorId | Should -BeLike "$ErrorId,*"
        $err.InvocationInfo.MyCommand.Name | Should -Be $Cmdlet -Because 'the cmdlet refused it, not parameter binding or a nested command'
        foreach ($name in $Names) {
            $err.Exception.Message.Contains($name) | Should -BeTrue -Because "the message names the bad value '$name' (message: $($err.Exception.Message))"
        }

        @(Get-EmulatorWrite).Count | Should -Be 0 -Because 'bad input writes nothing'
        $requests = @(Get-EmulatorRequest)
        $requests.Count | Should -BeLessOrEqual $MaxRequests -Because "bad input is refused before any request ($(@($requests | ForEach-Object { "$($_.method) $($_.path)" }) -join ', '))"
    }
}
