# The fault matrix (issue 10, item 4): every mutating cmdlet against each fault the ARM emulator can inject on the
# write it makes: 429, 500, 503 and a connection reset once (retried, then the hardened state holds), a long-running
# operation that ends Failed or never ends (a clear error naming the resource and the step), and a fault that persists
# past the retries (a clear error, nothing changed). Multi-step cmdlets fail on a later step and must say what was done
# before it; a re-run then completes without writing those steps again.
#
# Cost: Azure.Core waits its own back-off (about 1 s, whatever Retry-After says) before each retry, so every retried
# case costs a second: the session allows one retry (-MaxRetryCount 1) and each fault hits once (or persists).

BeforeDiscovery {
    # Each mutating cmdlet: the write the faults target (its first write, so a persistent fault there changes nothing),
    # and, when it makes one, the write that is a long-running operation in ARM (and so in the emulator). Names only:
    # how to run and check each one is in $script:Specs, keyed by Cmdlet.
    $matrix = @(
        @{ Cmdlet = 'Disable-AoaiPublicNetworkAccess'; Write = 'the account PATCH'; Lro = 'the account PATCH' }
        @{ Cmdlet = 'Enable-AoaiPublicNetworkAccess'; Write = 'the account PATCH'; Lro = 'the account PATCH' }
        @{ Cmdlet = 'Set-AoaiNetworkRule'; Write = 'the account PATCH'; Lro = 'the account PATCH' }
        @{ Cmdlet = 'Set-AoaiOutboundAccess'; Write = 'the account PATCH'; Lro = 'the account PATCH' }
        @{ Cmdlet = 'Disable-AoaiLocalAuth'; Write = 'the account PATCH'; Lro = 'the account PATCH' }
        @{ Cmdlet = 'Enable-AoaiLocalAuth'; Write = 'the account PATCH'; Lro = 'the account PATCH' }
        @{ Cmdlet = 'Enable-AoaiManagedIdentity'; Write = 'the account PATCH'; Lro = 'the account PATCH' }
        @{ Cmdlet = 'Disable-AoaiManagedIdentity'; Write = 'the account PATCH'; Lro = 'the account PATCH' }
        @{ Cmdlet = 'Grant-AoaiRoleAssignment'; Write = 'the role assignment PUT'; Lro = $null }
        @{ Cmdlet = 'Revoke-AoaiRoleAssignment'; Write = 'the role assignment DELETE'; Lro = $null }
        @{ Cmdlet = 'Grant-AoaiOnYourDataAccess'; Write = 'the first role assignment PUT'; Lro = $null }
        @{ Cmdlet = 'Invoke-AoaiKeyRotation'; Write = 'the regenerateKey POST'; Lro = $null }
        @{ Cmdlet = 'New-AoaiPrivateEndpoint'; Write = 'the private endpoint PUT'; Lro = 'the private endpoint PUT' }
        @{ Cmdlet = 'Protect-AoaiPrivateEndpointSubnet'; Write = 'the NSG PUT'; Lro = 'the NSG PUT' }
        @{ Cmdlet = 'Enable-AoaiCustomerManagedKey'; Write = 'the key access grant'; Lro = 'the encryption PATCH' }
        @{ Cmdlet = 'Update-AoaiCustomerManagedKey'; Write = 'the encryption PATCH'; Lro = 'the encryption PATCH' }
        @{ Cmdlet = 'Disable-AoaiCustomerManagedKey'; Write = 'the encryption PATCH'; Lro = 'the encryption PATCH' }
        @{ Cmdlet = 'New-AoaiContentFilterPolicy'; Write = 'the policy PUT'; Lro = 'the deployment PUT' }
        @{ Cmdlet = 'Set-AoaiContentFilterPolicy'; Write = 'the policy PUT'; Lro = $null }
        @{ Cmdlet = 'Set-AoaiDeploymentContentFilter'; Write = 'the deployment PUT'; Lro = 'the deployment PUT' }
        @{ Cmdlet = 'Add-AoaiContentBlocklistItem'; Write = 'the addRaiBlocklistItems POST'; Lro = $null }
        @{ Cmdlet = 'Remove-AoaiContentBlocklistItem'; Write = 'the deleteRaiBlocklistItems POST'; Lro = $null }
        @{ Cmdlet = 'New-AoaiContentBlocklist'; Write = 'the blocklist PUT'; Lro = $null }
        @{ Cmdlet = 'Remove-AoaiContentBlocklist'; Write = 'the blocklist DELETE'; Lro = 'the blocklist DELETE' }
        @{ Cmdlet = 'Set-AoaiDiagnosticSetting'; Write = 'the diagnostic setting PUT'; Lro = $null }
        @{ Cmdlet = 'New-AoaiAlertRule'; Write = 'the alert rule PUT'; Lro = $null }
        @{ Cmdlet = 'Enable-AoaiDefenderForAI'; Write = 'the Defender for AI setting PUT'; Lro = $null }
        @{ Cmdlet = 'Repair-AoaiHardening'; Write = 'the PATCH of its first fix'; Lro = 'the PATCH of its first fix' }
    )
    $transientFaults = @(
        @{ Fault = '429'; FaultText = 'a 429' }
        @{ Fault = '500'; FaultText = 'a 500' }
        @{ Fault = '503'; FaultText = 'a 503' }
        @{ Fault = 'reset'; FaultText = 'a connection reset' }
    )
    $transient = foreach ($m in $matrix) { foreach ($f in $transientFaults) { @{ Cmdlet = $m.Cmdlet; Write = $m.Write; Fault = $f.Fault; FaultText = $f.FaultText } } }
    $withLro = @($matrix | Where-Object { $_.Lro })
    $withoutLro = @($matrix | Where-Object { -not $_.Lro })
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModuleManifest) -Force
    $script:Emu = Start-TestEmulator
    $script:Sub = Get-ScenarioSubscriptionId
    $script:Api = '2025-09-01'
    $script:KvApi = '2026-02-01'
    $script:ProdId = Get-ScenarioAccountId -ResourceGroupName rg-ai-prod -Name contoso-openai-prod
    $script:AiServicesId = Get-ScenarioAccountId -ResourceGroupName rg-ai-prod -Name contoso-aiservices
    $script:DevId = Get-ScenarioAccountId -ResourceGroupName rg-ai-dev -Name contoso-openai-dev
    $script:Rg = "/subscriptions/$script:Sub/resourceGroups/rg-ai-prod"
    $script:Network = "/subscriptions/$script:Sub/resourceGroups/rg-network/providers/Microsoft.Network"
    $script:SubnetId = "$script:Network/virtualNetworks/vnet-ai-prod/subnets/snet-private-endpoints"
    $script:Vaults = "$script:Rg/providers/Microsoft.KeyVault/vaults"
    $script:VaultId = "$script:Vaults/kv-contoso-prod"
    $script:Law = "$script:Rg/providers/Microsoft.OperationalInsights/workspaces/law-contoso-prod"
    $script:Ag = "$script:Rg/providers/Microsoft.Insights/actionGroups/ag-ai-security"
    $script:SearchId = "$script:Rg/providers/Microsoft.Search/searchServices/srch-contoso-oyd"
    $script:StorageId = "$script:Rg/providers/Microsoft.Storage/storageAccounts/stcontosooyd"
    $script:Copilot = 'c0b11a70-0000-4000-8000-000000000003'
    $script:CiDeployer = 'c1de0000-0000-4000-8000-000000000005'
    $script:CiContributor = '0a000000-0000-4000-8000-000000000003' # CiDeployer's Contributor on contoso-openai-prod
    $script:AccountPrincipal = '0e0e0000-0000-4000-8000-0000000000a1'
    $script:SearchPrincipal = '0e0e0000-0000-4000-8000-0000000000b2'
    $script:Strict = Get-Content (Join-Path $PSScriptRoot 'TestData/strict-production-filter.json') -Raw | ConvertFrom-Json

    # No helper clears faults without reloading the scenario, which a re-run after a failure must not do.
    function Clear-EmulatorFault { Invoke-EmulatorControl -Path 'faults' -Method DELETE | Out-Null }
    function Get-PendingFault { @((Invoke-EmulatorControl -Path 'faults').value) }

    # A member of parsed JSON, or $null when absent (StrictMode refuses missing members).
    function Get-Field($Object, [string[]] $Path) {
        foreach ($name in $Path) {
            if ($null -eq $Object) { return $null }
            $member = $Object.PSObject.Properties[$name]
            if (-not $member) { return $null }
            $Object = $member.Value
        }
        $Object
    }
    function Get-Account([string] $Id) { Invoke-EmulatorArm -Method GET -Path $Id -ApiVersion $script:Api }
    function Get-Deployment([string] $AccountId, [string] $Name) { Invoke-EmulatorArm -Method GET -Path "$AccountId/deployments/$Name" -ApiVersion $script:Api }
    function Get-StoredItem([string] $Blocklist) {
        @(Get-Stored 'Microsoft.CognitiveServices/accounts/raiBlocklists/raiBlocklistItems' | Where-Object id -like "$script:ProdId/raiBlocklists/$Blocklist/raiBlocklistItems/*")
    }
    function Get-Stored([string] $Type) { @(Get-EmulatorResource -Type $Type) }
    function Get-Assignment([string] $Principal) { @(Get-Stored 'Microsoft.Authorization/roleAssignments' | Where-Object { (Get-Field $_ properties, principalId) -eq $Principal }) }
    function Get-LatestKeyVersion([string] $VaultId = $script:VaultId, [string] $Name = 'cmk-openai') {
        (Invoke-EmulatorArm -Method GET -Path "$VaultId/keys/$Name" -ApiVersion $script:KvApi).properties.keyUriWithVersion.Split('/')[-1]
    }
    function New-TestVault([string] $Name) {
        $properties = @{ tenantId = '72a1c0de-5e11-4c0d-9a7e-0c0de0000001'; sku = @{ family = 'A'; name = 'standard' }; enableSoftDelete = $true; enablePurgeProtection = $true; enableRbacAuthorization = $true }
        Invoke-EmulatorArm -Method PUT -Path "$script:Vaults/$Name" -ApiVersion $script:KvApi -Body @{ location = 'eastus'; properties = $properties } | Out-Null
        Invoke-EmulatorArm -Method PUT -Path "$script:Vaults/$Name/keys/cmk" -ApiVersion $script:KvApi -Body @{ properties = @{ kty = 'RSA'; keySize = 2048 } } | Out-Null
        "$script:Vaults/$Name"
    }
    function New-ArmBlocklist([string] $Name, [string[]] $Term = @()) {
        Invoke-EmulatorArm -Method PUT -Path "$script:ProdId/raiBlocklists/$Name" -ApiVersion $script:Api -Body @{ properties = @{} } | Out-Null
        $i = 0
        foreach ($t in $Term) { $i++; Invoke-EmulatorArm -Method PUT -Path "$script:ProdId/raiBlocklists/$Name/raiBlocklistItems/other-$i" -ApiVersion $script:Api -Body @{ properties = @{ pattern = $t; isRegex = $false } } | Out-Null }
    }
    function New-StrictPolicy([string] $AccountId, [string] $Name = 'strict') {
        Invoke-EmulatorArm -Method PUT -Path "$AccountId/raiPolicies/$Name" -ApiVersion $script:Api -Body @{ properties = $script:Strict.properties } | Out-Null
    }

    # The demo tenant with the On Your Data pieces Grant-AoaiOnYourDataAccess needs: system-assigned identities on the
    # account and the search service, and none of the five role assignments yet.
    function Reset-OydScenario {
        $body = Get-Content (Get-ScenarioPath 'demo-tenant.json') -Raw | ConvertFrom-Json -AsHashtable
        $body.config = @{ retryAfterSeconds = 0; lroPolls = 1 }
        $group = $body.subscriptions[0].resourceGroups | Where-Object name -eq 'rg-ai-prod'
        $account = $group.resources | Where-Object { $_.name -eq 'contoso-openai-prod' }
        $account.identity = @{ type = 'SystemAssigned'; principalId = $script:AccountPrincipal; tenantId = $body.tenantId }
        $search = $group.resources | Where-Object { $_.name -eq 'srch-contoso-oyd' }
        $search.identity = @{ type = 'SystemAssigned'; principalId = $script:SearchPrincipal; tenantId = $body.tenantId }
        Invoke-EmulatorControl -Path 'scenario' -Method POST -Body $body | Out-Null
    }

    # How to run each cmdlet of the matrix and how to tell that it reached its desired state.
    #   Setup    state the cmdlet starts from (after the scenario is loaded and the session connected)
    #   Run      the invocation (-Confirm:$false: high-impact cmdlets would otherwise prompt)
    #   Write    the request the transient and persistent faults target: Method, Path (substring), Host (data planes)
    #   Lro      the long-running write, when the cmdlet makes one
    #   Resource the name the error must carry; Step / LroStep: how the error names the write (regex)
    #   Desired  true once the change is in place (read from the emulator, not from the cmdlet)
    #   Reached  writes a persistent fault on Write leaves standing because the cmdlet goes on past a failed item (default 0)
    $accountPatch = { param($Name) @{ Method = 'PATCH'; Path = "/accounts/$Name" } }
    $script:Specs = @{
        'Disable-AoaiPublicNetworkAccess' = @{
            Run = { Disable-AoaiPublicNetworkAccess -ResourceId $script:ProdId -Confirm:$false }
            Write = & $accountPatch 'contoso-openai-prod'; Resource = 'contoso-openai-prod'; Step = 'Disable public network access'
            Desired = { (Get-Account $script:ProdId).properties.publicNetworkAccess -eq 'Disabled' }
        }
        'Enable-AoaiPublicNetworkAccess' = @{
            Run = { Enable-AoaiPublicNetworkAccess -ResourceId $script:AiServicesId -Confirm:$false }
            Write = & $accountPatch 'contoso-aiservices'; Resource = 'contoso-aiservices'; Step = 'Enable public network access'
            Desired = { (Get-Account $script:AiServicesId).properties.publicNetworkAccess -eq 'Enabled' }
        }
        'Set-AoaiNetworkRule' = @{
            Run = { Set-AoaiNetworkRule -ResourceId $script:ProdId -AddIpRule 203.0.113.7 -Confirm:$false }
            Write = & $accountPatch 'contoso-openai-prod'; Resource = 'contoso-openai-prod'; Step = 'Update network rules'
            Desired = { @(@(Get-Field (Get-Account $script:ProdId) properties, networkAcls, ipRules) | Where-Object { (Get-Field $_ value) -like '203.0.113.7*' }).Count -eq 1 }
        }
        'Set-AoaiOutboundAccess' = @{
            Run = { Set-AoaiOutboundAccess -ResourceId $script:ProdId -AllowedFqdn 'api.contoso.example' -Confirm:$false }
            Write = & $accountPatch 'contoso-openai-prod'; Resource = 'contoso-openai-prod'; Step = 'Restrict outbound access'
            Desired = { (Get-Field (Get-Account $script:ProdId) properties, restrictOutboundNetworkAccess) -eq $true }
        }
        'Disable-AoaiLocalAuth' = @{
            Run = { Disable-AoaiLocalAuth -ResourceId $script:ProdId -Confirm:$false }
            Write = & $accountPatch 'contoso-openai-prod'; Resource = 'contoso-openai-prod'; Step = 'Disable key \(local\) authentication'
            Desired = { (Get-Account $script:ProdId).properties.disableLocalAuth -eq $true }
        }
        'Enable-AoaiLocalAuth' = @{
            Setup = { Disable-AoaiLocalAuth -ResourceId $script:ProdId -Confirm:$false -WarningAction SilentlyContinue }
            Run = { Enable-AoaiLocalAuth -ResourceId $script:ProdId -Confirm:$false }
            Write = & $accountPatch 'contoso-openai-prod'; Resource = 'contoso-openai-prod'; Step = 'Enable key \(local\) authentication'
            Desired = { (Get-Account $script:ProdId).properties.disableLocalAuth -eq $false }
        }
        'Enable-AoaiManagedIdentity' = @{
            Run = { Enable-AoaiManagedIdentity -ResourceId $script:ProdId -Confirm:$false }
            Write = & $accountPatch 'contoso-openai-prod'; Resource = 'contoso-openai-prod'; Step = 'Enable the system-assigned managed identity'
            Desired = { (Get-Field (Get-Account $script:ProdId) identity, type) -eq 'SystemAssigned' }
        }
        'Disable-AoaiManagedIdentity' = @{
            Run = { Disable-AoaiManagedIdentity -ResourceId $script:AiServicesId -Confirm:$false }
            Write = & $accountPatch 'contoso-aiservices'; Resource = 'contoso-aiservices'; Step = 'Remove every managed identity'
            Desired = { (Get-Field (Get-Account $script:AiServicesId) identity, type) -in @($null, 'None') }
        }
        'Grant-AoaiRoleAssignment' = @{
            Run = { Grant-AoaiRoleAssignment -ResourceId $script:DevId -Role 'Cognitive Services OpenAI User' -PrincipalId $script:Copilot -PrincipalType ServicePrincipal -Confirm:$false }
            Write = @{ Method = 'PUT'; Path = '/contoso-openai-dev/providers/Microsoft.Authorization/roleAssignments/' }
            Resource = 'contoso-openai-dev'; Step = "granting 'Cognitive Services OpenAI User'"
            Desired = { @(Get-Assignment $script:Copilot | Where-Object { (Get-Field $_ properties, scope) -eq $script:DevId }).Count -eq 1 }
        }
        'Revoke-AoaiRoleAssignment' = @{
            Run = { Revoke-AoaiRoleAssignment -ResourceId $script:ProdId -PrincipalId $script:CiDeployer -Role Contributor -Confirm:$false }
            Write = @{ Method = 'DELETE'; Path = "/roleAssignments/$script:CiContributor" }
            Resource = 'contoso-openai-prod'; Step = 'revoking role assignment'
            Desired = { @(Get-Assignment $script:CiDeployer).Count -eq 0 }
        }
        'Grant-AoaiOnYourDataAccess' = @{
            Setup = { Reset-OydScenario }
            Run = { Grant-AoaiOnYourDataAccess -ResourceId $script:ProdId -SearchServiceResourceId $script:SearchId -StorageAccountResourceId $script:StorageId -Confirm:$false }
            Write = @{ Method = 'PUT'; Path = '/searchServices/srch-contoso-oyd/providers/Microsoft.Authorization/roleAssignments/' }
            Resource = 'srch-contoso-oyd'; Step = "granting 'Search Index Data Reader'"
            Desired = { (@(Get-Assignment $script:AccountPrincipal).Count + @(Get-Assignment $script:SearchPrincipal).Count) -eq 5 }
            # It grants every row it can and reports each one that failed: both rows on the search service fail, the
            # three others are granted.
            Reached = 3
        }
        'Invoke-AoaiKeyRotation' = @{
            Run = { Invoke-AoaiKeyRotation -ResourceId $script:ProdId -KeyVaultName kv-contoso-prod -SecretName contoso-openai-prod-key -Confirm:$false }
            Write = @{ Method = 'POST'; Path = '/contoso-openai-prod/regenerateKey' }
            Resource = 'contoso-openai-prod'; Step = 'regenerating Key2'
            # Compared here, never printed.
            Desired = {
                $secret = Get-EmulatorSecret -VaultName kv-contoso-prod -SecretName contoso-openai-prod-key
                $null -ne $secret -and @($secret.versions)[-1].value -eq (Get-EmulatorAccountKey -ResourceId $script:ProdId).key2
            }
        }
        'New-AoaiPrivateEndpoint' = @{
            Run = { New-AoaiPrivateEndpoint -ResourceId $script:ProdId -SubnetId $script:SubnetId -Confirm:$false }
            Write = @{ Method = 'PUT'; Path = '/privateEndpoints/pe-contoso-openai-prod' }
            Resource = 'contoso-openai-prod'; Step = "create private endpoint 'pe-contoso-openai-prod'"
            Desired = { @(Get-Stored 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups' | Where-Object id -like '*/pe-contoso-openai-prod/privateDnsZoneGroups/default').Count -eq 1 }
        }
        'Protect-AoaiPrivateEndpointSubnet' = @{
            Run = { Protect-AoaiPrivateEndpointSubnet -SubnetId $script:SubnetId -AllowedSourcePrefix 10.20.2.0/24 -Confirm:$false }
            Write = @{ Method = 'PUT'; Path = '/networkSecurityGroups/nsg-snet-private-endpoints' }
            Resource = 'snet-private-endpoints'; Step = "create network security group 'nsg-snet-private-endpoints'"
            Desired = {
                $subnet = Invoke-EmulatorArm -Method GET -Path $script:SubnetId -ApiVersion '2025-07-01'
                (Get-Field $subnet properties, networkSecurityGroup, id) -like '*/nsg-snet-private-endpoints' -and $subnet.properties.privateEndpointNetworkPolicies -eq 'NetworkSecurityGroupEnabled'
            }
        }
        'Enable-AoaiCustomerManagedKey' = @{
            # contoso-aiservices has its identity: the plan is the key access grant (synchronous), then the encryption PATCH.
            Run = { Enable-AoaiCustomerManagedKey -ResourceId $script:AiServicesId -KeyVaultResourceId $script:VaultId -KeyName cmk-openai -Confirm:$false }
            Write = @{ Method = 'PUT'; Path = '/vaults/kv-contoso-prod/providers/Microsoft.Authorization/roleAssignments/' }
            Lro = & $accountPatch 'contoso-aiservices'
            Resource = 'contoso-aiservices'; Step = "grant the system-assigned identity 'Key Vault Crypto Service Encryption User'"; LroStep = "set encryption to key 'cmk-openai'.*Done before it: grant"
            Desired = { (Get-Field (Get-Account $script:AiServicesId) properties, encryption, keySource) -eq 'Microsoft.KeyVault' }
        }
        'Update-AoaiCustomerManagedKey' = @{
            Setup = {
                Enable-AoaiCustomerManagedKey -ResourceId $script:ProdId -KeyVaultResourceId $script:VaultId -KeyName cmk-openai -Confirm:$false
                Invoke-EmulatorControl -Path 'keyvault/kv-contoso-prod/keys/cmk-openai/rotate' -Method POST | Out-Null
            }
            Run = { Update-AoaiCustomerManagedKey -ResourceId $script:ProdId -Confirm:$false }
            Write = & $accountPatch 'contoso-openai-prod'; Resource = 'contoso-openai-prod'; Step = "set encryption to key 'cmk-openai' version"
            Desired = { (Get-Field (Get-Account $script:ProdId) properties, encryption, keyVaultProperties, keyVersion) -eq (Get-LatestKeyVersion) }
        }
        'Disable-AoaiCustomerManagedKey' = @{
            Setup = { Enable-AoaiCustomerManagedKey -ResourceId $script:AiServicesId -KeyVaultResourceId $script:VaultId -KeyName cmk-openai -Confirm:$false }
            Run = { Disable-AoaiCustomerManagedKey -ResourceId $script:AiServicesId -Confirm:$false }
            Write = & $accountPatch 'contoso-aiservices'; Resource = 'contoso-aiservices'; Step = 'Disable the customer-managed key'
            Desired = { (Get-Field (Get-Account $script:AiServicesId) properties, encryption, keySource) -ne 'Microsoft.KeyVault' }
        }
        'New-AoaiContentFilterPolicy' = @{
            # The policy PUT is synchronous; pointing the deployment at it is the long-running write.
            Run = { New-AoaiContentFilterPolicy -ResourceId $script:DevId -Name strict -Preset Strict -DeploymentName gpt-35-turbo -Confirm:$false }
            Write = @{ Method = 'PUT'; Path = '/contoso-openai-dev/raiPolicies/strict' }
            Lro = @{ Method = 'PUT'; Path = '/contoso-openai-dev/deployments/gpt-35-turbo' }
            Resource = 'contoso-openai-dev'; Step = "Create content filter policy 'strict'"
            LroStep = "setting content filter 'strict' on deployment 'gpt-35-turbo'.*Done before it: create content filter policy 'strict'"
            Desired = { (Get-Field (Get-Deployment $script:DevId gpt-35-turbo) properties, raiPolicyName) -eq 'strict' }
        }
        'Set-AoaiContentFilterPolicy' = @{
            Run = { Set-AoaiContentFilterPolicy -ResourceId $script:ProdId -Name relaxed-filter -Mode Blocking -Confirm:$false }
            Write = @{ Method = 'PUT'; Path = '/raiPolicies/relaxed-filter' }
            Resource = 'contoso-openai-prod'; Step = "Update content filter policy.*'relaxed-filter'"
            Desired = { (Invoke-EmulatorArm -Method GET -Path "$script:ProdId/raiPolicies/relaxed-filter" -ApiVersion $script:Api).properties.mode -eq 'Blocking' }
        }
        'Set-AoaiDeploymentContentFilter' = @{
            Setup = { New-StrictPolicy $script:ProdId }
            Run = { Set-AoaiDeploymentContentFilter -ResourceId $script:ProdId -PolicyName strict -DeploymentName gpt-4o-mini -Confirm:$false }
            Write = @{ Method = 'PUT'; Path = '/deployments/gpt-4o-mini' }
            Resource = 'contoso-openai-prod'; Step = "setting content filter 'strict' on deployment 'gpt-4o-mini'"
            Desired = { (Get-Field (Get-Deployment $script:ProdId gpt-4o-mini) properties, raiPolicyName) -eq 'strict' }
        }
        'Add-AoaiContentBlocklistItem' = @{
            Setup = { New-ArmBlocklist competitors }
            Run = { Add-AoaiContentBlocklistItem -ResourceId $script:ProdId -BlocklistName competitors -Pattern 'Fabrikam' -Confirm:$false }
            Write = @{ Method = 'POST'; Path = '/raiBlocklists/competitors/addRaiBlocklistItems' }
            Resource = 'contoso-openai-prod'; Step = "adding 1 pattern to blocklist 'competitors'"
            Desired = { @(Get-StoredItem competitors | Where-Object { $_.properties.pattern -eq 'Fabrikam' }).Count -eq 1 }
        }
        'Remove-AoaiContentBlocklistItem' = @{
            Setup = { New-ArmBlocklist competitors -Term 'Fabrikam' }
            Run = { Remove-AoaiContentBlocklistItem -ResourceId $script:ProdId -BlocklistName competitors -Pattern 'Fabrikam' -Confirm:$false }
            Write = @{ Method = 'POST'; Path = '/raiBlocklists/competitors/deleteRaiBlocklistItems' }
            Resource = 'contoso-openai-prod'; Step = "removing 1 item from blocklist 'competitors'"
            Desired = { @(Get-StoredItem competitors).Count -eq 0 }
        }
        'New-AoaiContentBlocklist' = @{
            Run = { New-AoaiContentBlocklist -ResourceId $script:ProdId -Name competitors -Pattern 'Fabrikam', 'Contoso' -Confirm:$false }
            Write = @{ Method = 'PUT'; Path = '/raiBlocklists/competitors' }
            Resource = 'contoso-openai-prod'; Step = "creating blocklist 'competitors'"
            Desired = { @(Get-StoredItem competitors).Count -eq 2 }
        }
        'Remove-AoaiContentBlocklist' = @{
            Setup = { New-ArmBlocklist competitors -Term 'Fabrikam' }
            Run = { Remove-AoaiContentBlocklist -ResourceId $script:ProdId -Name competitors -Confirm:$false }
            Write = @{ Method = 'DELETE'; Path = '/raiBlocklists/competitors' }
            Resource = 'contoso-openai-prod'; Step = "removing blocklist 'competitors'"
            Desired = { @(Get-Stored 'Microsoft.CognitiveServices/accounts/raiBlocklists' | Where-Object id -like '*/raiBlocklists/competitors').Count -eq 0 }
        }
        'Set-AoaiDiagnosticSetting' = @{
            Run = { Set-AoaiDiagnosticSetting -ResourceId $script:DevId -WorkspaceResourceId $script:Law -Confirm:$false }
            Write = @{ Method = 'PUT'; Path = '/diagnosticSettings/aoai-hardening' }
            Resource = 'contoso-openai-dev'; Step = "creating diagnostic setting 'aoai-hardening'"
            Desired = { @(Get-EmulatorArmList -Path "$script:DevId/providers/Microsoft.Insights/diagnosticSettings" -ApiVersion '2021-05-01-preview' | Where-Object name -eq 'aoai-hardening').Count -eq 1 }
        }
        'New-AoaiAlertRule' = @{
            Run = { New-AoaiAlertRule -ResourceId $script:DevId -WorkspaceResourceId $script:Law -ActionGroupResourceId $script:Ag -Detection KeyAuthInUse -Confirm:$false }
            Write = @{ Method = 'PUT'; Path = '/scheduledQueryRules/aoai-contoso-openai-dev-KeyAuthInUse-' }
            Resource = 'contoso-openai-dev'; Step = "creating alert rule 'aoai-contoso-openai-dev-KeyAuthInUse-"
            Desired = { @(Get-Stored 'Microsoft.Insights/scheduledQueryRules' | Where-Object name -like 'aoai-contoso-openai-dev-KeyAuthInUse-*').Count -eq 1 }
        }
        'Enable-AoaiDefenderForAI' = @{
            Run = { Enable-AoaiDefenderForAI -ResourceId $script:DevId -Confirm:$false }
            Write = @{ Method = 'PUT'; Path = '/contoso-openai-dev/defenderForAISettings/Default' }
            Resource = 'contoso-openai-dev'; Step = 'creating the Defender for AI setting'
            Desired = { (Get-Field (Get-Stored 'Microsoft.CognitiveServices/accounts/defenderForAISettings' | Where-Object id -eq "$script:DevId/defenderForAISettings/Default") properties, state) -eq 'Enabled' }
        }
        'Repair-AoaiHardening' = @{
            # Three fixes (key auth off on three accounts); the faults target the PATCH of contoso-openai-prod's.
            Run = { Test-AoaiHardening -Rule AOAI-IAM-001 | Repair-AoaiHardening -Confirm:$false }
            Write = & $accountPatch 'contoso-openai-prod'; Resource = 'contoso-openai-prod'; Step = 'Disable key \(local\) authentication'
            Desired = { @(Test-AoaiHardening -Rule AOAI-IAM-001 | Where-Object Status -ne 'Pass').Count -eq 0 }
            # Repair goes on with the other fixes, and its results say which were Fixed.
            Reached = 2
        }
    }
    foreach ($spec in $script:Specs.Values) {
        if (-not $spec.ContainsKey('Lro')) { $spec.Lro = $spec.Write }
        if (-not $spec.ContainsKey('LroStep')) { $spec.LroStep = $spec.Step }
        if (-not $spec.ContainsKey('Reached')) { $spec.Reached = 0 }
    }

    # Loads the scenario, connects (setups may call the module), sets the cmdlet's starting state, then connects with
    # the session settings of the case and empties the request log.
    function Initialize-Case([hashtable] $Spec, [int] $OperationTimeoutSec = 1800) {
        Reset-TestEmulator
        Connect-TestEmulator | Out-Null
        if ($Spec.ContainsKey('Setup')) { & $Spec.Setup 3>$null | Out-Null }
        Connect-TestEmulator -MaxRetryCount 1 -OperationTimeoutSec $OperationTimeoutSec | Out-Null
        Clear-EmulatorRequest
    }

    # Runs a command and sorts what it emitted: output, and every error, non-terminating (written) or terminating (thrown).
    function Invoke-Captured([scriptblock] $Command) {
        $ErrorActionPreference = 'Continue'
        $output = [System.Collections.Generic.List[object]]::new()
        $errors = [System.Collections.Generic.List[System.Management.Automation.ErrorRecord]]::new()
        try {
            foreach ($item in (& $Command 2>&1 3>$null)) {
                if ($item -is [System.Management.Automation.ErrorRecord]) { $errors.Add($item) } else { $output.Add($item) }
            }
        }
        catch {
            $errors.Add($_)
        }
        [pscustomobject]@{ Output = $output.ToArray(); Errors = $errors.ToArray() }
    }

    function Add-Fault([hashtable] $Target, [hashtable] $Fault) {
        $params = @{ PathLike = $Target.Path; Method = $Target.Method } + $Fault
        if ($Target.ContainsKey('Host')) { $params.HostLike = $Target.Host }
        Add-EmulatorFault @params
    }

    # The attempts at one write, in order; each says whether a fault answered it (status, reset) or it reached the RP.
    function Get-Attempt([hashtable] $Target) {
        @(Get-EmulatorRequest -Method $Target.Method | Where-Object { $_.path -like "*$($Target.Path)*" })
    }

    # Writes that reached a resource provider (not answered by an injected status or reset), batch POSTs included.
    function Get-ReachedWrite {
        @(Get-EmulatorRequest | Where-Object {
                ($_.method -in 'PUT', 'PATCH', 'DELETE' -or ($_.method -eq 'POST' -and $_.path -match '/(regenerateKey|addRaiBlocklistItems|deleteRaiBlocklistItems)$')) -and
                (Get-Field $_ fault) -notin 'status', 'reset' -and $null -ne $_.status -and $_.status -lt 400
            })
    }

    function Get-Messages($Errors) { @($Errors | ForEach-Object { "$($_.FullyQualifiedErrorId): $($_.Exception.Message)" }) }

    # The checks every reported failure must pass: an AoaiHardening ErrorId, the resource and the step in the message.
    function Assert-ClearError($Errors, [hashtable] $Spec, [string] $Step) {
        $Errors.Count | Should -BeGreaterOrEqual 1 -Because 'the failure must be reported'
        $first = $Errors[0]
        $first.FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.*'
        $first.FullyQualifiedErrorId.Split(',')[0] | Should -Match '^AoaiHardening\.[A-Za-z]+\.[A-Za-z]+$'
        $first.Exception.Message | Should -Match ([regex]::Escape($Spec.Resource))
        $first.Exception.Message | Should -Match $Step
        $first
    }

    # Repair relays its fixes' errors and reports each fix: its results must agree.
    function Assert-RepairResult($Run, [string] $FailedAccount) {
        $results = @($Run.Output | Where-Object { $_ -is [AoaiHardening.Model.AoaiRepairResult] })
        $results.Count | Should -Be 3
        ($results | Where-Object ResourceName -eq $FailedAccount).Status | Should -Be 'Failed'
        @($results | Where-Object Status -eq 'Fixed').Count | Should -Be 2
    }
}
AfterAll { Stop-TestEmulator }

Describe 'Fault matrix' {
    Context 'a transient fault on the write: retried, and the change is made' {
        It '<Cmdlet> survives <FaultText> on <Write>' -ForEach $transient {
            $spec = $script:Specs[$Cmdlet]
            Initialize-Case $spec
            $injected = switch ($Fault) {
                '429' { @{ Status = 429; Code = 'TooManyRequests'; RetryAfter = 0 } }
                '500' { @{ Status = 500; RetryAfter = 0 } }
                '503' { @{ Status = 503; RetryAfter = 0 } }
                'reset' { @{ Kind = 'reset' } }
            }
            Add-Fault $spec.Write $injected

            $run = Invoke-Captured $spec.Run

            Get-Messages $run.Errors | Should -BeNullOrEmpty
            & $spec.Desired | Should -BeTrue -Because 'the retried write must have made the change'
            $attempts = Get-Attempt $spec.Write
            $attempts.Count | Should -BeGreaterOrEqual 2 -Because 'the faulted write is sent again'
            (Get-Field $attempts[0] fault) | Should -Be $(if ($Fault -eq 'reset') { 'reset' } else { 'status' })
            @($attempts | Where-Object { $null -eq (Get-Field $_ fault) -and $_.status -lt 400 }).Count | Should -BeGreaterOrEqual 1
            Get-PendingFault | Should -BeNullOrEmpty -Because 'the fault was met'
        }
    }

    Context 'a long-running operation that ends Failed' {
        It '<Cmdlet> reports the failed operation of <Lro> with the ARM error, naming the resource and the step' -ForEach $withLro {
            $spec = $script:Specs[$Cmdlet]
            Initialize-Case $spec
            Add-Fault $spec.Lro @{ Kind = 'lroFail'; Code = 'InternalError'; Message = 'Injected operation failure.' }

            $run = Invoke-Captured $spec.Run

            $first = Assert-ClearError $run.Errors $spec $spec.LroStep
            $first.Exception.Message | Should -Match 'InternalError'
            $first.Exception.Message | Should -Match 'Injected operation failure'
            # No check of the state: the emulator applies a write when it arrives and only the operation's outcome fails.
            @(Get-Attempt $spec.Lro | Where-Object { (Get-Field $_ fault) -eq 'lroFail' }).Count | Should -Be 1
            if ($Cmdlet -eq 'Repair-AoaiHardening') { Assert-RepairResult $run 'contoso-openai-prod' }
        }
    }

    Context 'a long-running operation that never finishes' {
        It '<Cmdlet> stops waiting for <Lro> after -OperationTimeoutSec and says it may still complete' -ForEach $withLro {
            $spec = $script:Specs[$Cmdlet]
            Initialize-Case $spec -OperationTimeoutSec 1
            Add-Fault $spec.Lro @{ Kind = 'lroStuck' }

            $watch = [Diagnostics.Stopwatch]::StartNew()
            $run = Invoke-Captured $spec.Run
            $watch.Stop()

            $first = Assert-ClearError $run.Errors $spec $spec.LroStep
            $first.Exception.Message | Should -Match 'did not finish within 1 s'
            $first.Exception.Message | Should -Match 'may still complete'
            $first.CategoryInfo.Category | Should -Be 'OperationTimeout'
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 20 -Because 'the wait ends at the session''s limit, not the 30-minute default'
            @(Get-EmulatorRequest -Method GET | Where-Object { $_.path -match '/(operationStatuses|operationResults|operations|privateDnsOperationStatuses|privateDnsOperationResults)/' }).Count |
                Should -BeGreaterOrEqual 2 -Because 'the operation was polled until the limit'
            if ($Cmdlet -eq 'Repair-AoaiHardening') { Assert-RepairResult $run 'contoso-openai-prod' }
        }
    }

    Context 'cmdlets whose writes are synchronous: the LRO faults cannot apply' {
        # ARM answers these writes with the resource (200/201) or 204, with no Azure-AsyncOperation or Location: there is
        # no operation to fail or to hang. Shown, not assumed: a lroFail fault armed on the write is never taken, and
        # nothing is polled.
        It '<Cmdlet> completes <Write> without a long-running operation' -ForEach $withoutLro {
            $spec = $script:Specs[$Cmdlet]
            Initialize-Case $spec
            Add-Fault $spec.Write @{ Kind = 'lroFail'; Count = 1 }

            $run = Invoke-Captured $spec.Run

            Get-Messages $run.Errors | Should -BeNullOrEmpty
            & $spec.Desired | Should -BeTrue
            @(Get-PendingFault | Where-Object kind -eq 'lroFail').Count | Should -Be 1 -Because 'the write started no operation'
            $attempts = @(Get-Attempt $spec.Write)
            $attempts.Count | Should -BeGreaterOrEqual 1
            @($attempts | Where-Object { $_.status -eq 202 }).Count | Should -Be 0
            @(Get-EmulatorRequest -Method GET | Where-Object { $_.path -match '/(operationStatuses|operationResults|operations)/' }).Count | Should -Be 0
        }
    }

    Context 'a fault that outlasts the retries' {
        It '<Cmdlet> gives up on <Write> after the retries with a clear error, and changes nothing' -ForEach $matrix {
            $spec = $script:Specs[$Cmdlet]
            Initialize-Case $spec
            Add-Fault $spec.Write @{ Status = 503; RetryAfter = 0; Count = 99 }

            $run = Invoke-Captured $spec.Run

            $first = Assert-ClearError $run.Errors $spec $spec.Step
            $first.Exception.Message | Should -Match '503|ServiceUnavailable'
            $first.CategoryInfo.Category | Should -Be 'ResourceUnavailable'
            $attempts = Get-Attempt $spec.Write
            $attempts.Count | Should -BeGreaterOrEqual 2 -Because 'the session retries once'
            @($attempts | Where-Object { (Get-Field $_ fault) -ne 'status' }).Count | Should -Be 0 -Because 'no attempt got through'
            @(Get-ReachedWrite).Count | Should -Be $spec.Reached
            & $spec.Desired | Should -BeFalse
            if ($Cmdlet -eq 'Repair-AoaiHardening') { Assert-RepairResult $run 'contoso-openai-prod' }
        }
    }
}

Describe 'Multi-step cmdlets failing on a later step' {
    # Each: a fault that outlasts the retries on a step after the first; the error names the step and what was done
    # before it; with the fault gone, a re-run completes and does not write the finished steps again.
    BeforeEach {
        Reset-TestEmulator
        Connect-TestEmulator -MaxRetryCount 1 | Out-Null
    }

    It 'New-AoaiPrivateEndpoint fails at the first DNS link after the endpoint and zone, and a re-run finishes from there' {
        Clear-EmulatorRequest
        Add-EmulatorFault -PathLike '/virtualNetworkLinks/' -Method PUT -Status 503 -RetryAfter 0 -Count 99
        $run = Invoke-Captured { New-AoaiPrivateEndpoint -ResourceId $script:ProdId -SubnetId $script:SubnetId -Confirm:$false }

        $run.Errors.Count | Should -Be 1
        $run.Errors[0].FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.PrivateEndpoint.DnsLinkFailed,*'
        $message = $run.Errors[0].Exception.Message
        $message | Should -Match "account 'contoso-openai-prod'"
        $message | Should -Match "link private DNS zone '[^']+' to virtual network 'vnet-ai-prod' \(step 3 of 6\) failed"
        $message | Should -Match "Done before it: create private endpoint 'pe-contoso-openai-prod'.*; create private DNS zone"
        $message | Should -Match 'Re-run the command'
        $done = @(Get-ReachedWrite).path
        $done.Count | Should -Be 2

        Clear-EmulatorFault
        Clear-EmulatorRequest
        $rerun = Invoke-Captured { New-AoaiPrivateEndpoint -ResourceId $script:ProdId -SubnetId $script:SubnetId -Confirm:$false }
        Get-Messages $rerun.Errors | Should -BeNullOrEmpty
        $writes = @(Get-ReachedWrite).path
        $writes.Count | Should -Be 4
        $writes | Where-Object { $_ -in $done } | Should -BeNullOrEmpty -Because 'the endpoint and the first zone exist'
        & $script:Specs['New-AoaiPrivateEndpoint'].Desired | Should -BeTrue
    }

    It 'Protect-AoaiPrivateEndpointSubnet fails on the subnet update after creating the NSG, and a re-run writes the subnet only' {
        Clear-EmulatorRequest
        Add-EmulatorFault -PathLike '/subnets/snet-private-endpoints' -Method PUT -Status 503 -RetryAfter 0 -Count 99
        $run = Invoke-Captured { Protect-AoaiPrivateEndpointSubnet -SubnetId $script:SubnetId -AllowedSourcePrefix 10.20.2.0/24 -Confirm:$false }

        $run.Errors.Count | Should -Be 1
        $run.Errors[0].FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.Nsg.SubnetUpdateFailed,*'
        $run.Errors[0].Exception.Message | Should -Match "subnet 'snet-private-endpoints'.*\(step 2 of 2\) failed"
        $run.Errors[0].Exception.Message | Should -Match "Done before it: create network security group 'nsg-snet-private-endpoints'"

        Clear-EmulatorFault
        Clear-EmulatorRequest
        $rerun = Invoke-Captured { Protect-AoaiPrivateEndpointSubnet -SubnetId $script:SubnetId -AllowedSourcePrefix 10.20.2.0/24 -Confirm:$false }
        Get-Messages $rerun.Errors | Should -BeNullOrEmpty
        @(Get-ReachedWrite).path | Should -Be @($script:SubnetId)
        & $script:Specs['Protect-AoaiPrivateEndpointSubnet'].Desired | Should -BeTrue
    }

    It 'Enable-AoaiCustomerManagedKey fails on the grant after enabling the identity, and a re-run keeps that identity' {
        Clear-EmulatorRequest
        Add-EmulatorFault -PathLike '/vaults/kv-contoso-prod/providers/Microsoft.Authorization/roleAssignments/' -Method PUT -Status 503 -RetryAfter 0 -Count 99
        $run = Invoke-Captured { Enable-AoaiCustomerManagedKey -ResourceId $script:ProdId -KeyVaultResourceId $script:VaultId -KeyName cmk-openai -Confirm:$false }

        $run.Errors.Count | Should -Be 1
        $run.Errors[0].FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.Encryption.GrantFailed,*'
        $run.Errors[0].Exception.Message | Should -Match "contoso-openai-prod: grant the system-assigned identity .* \(step 2 of 3\) failed"
        $run.Errors[0].Exception.Message | Should -Match "Done before it: enable the system-assigned identity of 'contoso-openai-prod'"
        $principal = (Get-Account $script:ProdId).identity.principalId

        Clear-EmulatorFault
        Clear-EmulatorRequest
        $rerun = Invoke-Captured { Enable-AoaiCustomerManagedKey -ResourceId $script:ProdId -KeyVaultResourceId $script:VaultId -KeyName cmk-openai -Confirm:$false }
        Get-Messages $rerun.Errors | Should -BeNullOrEmpty
        $writes = @(Get-ReachedWrite)
        $writes.Count | Should -Be 2 -Because 'the identity exists: the grant and the encryption PATCH only'
        $writes[0].path | Should -BeLike '*/roleAssignments/*'
        $writes[1].body.properties.encryption.keySource | Should -Be 'Microsoft.KeyVault'
        (Get-Account $script:ProdId).identity.principalId | Should -Be $principal
    }

    It 'Update-AoaiCustomerManagedKey fails on the encryption PATCH after granting in the new vault, and a re-run only PATCHes' {
        Enable-AoaiCustomerManagedKey -ResourceId $script:ProdId -KeyVaultResourceId $script:VaultId -KeyName cmk-openai -Confirm:$false
        $vault = New-TestVault -Name kv-rotated
        Clear-EmulatorRequest
        Add-EmulatorFault -PathLike '/accounts/contoso-openai-prod' -Method PATCH -Status 503 -RetryAfter 0 -Count 99
        $run = Invoke-Captured { Update-AoaiCustomerManagedKey -ResourceId $script:ProdId -KeyVaultResourceId $vault -KeyName cmk -Confirm:$false }

        $run.Errors.Count | Should -Be 1
        $run.Errors[0].FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.Encryption.UpdateFailed,*'
        $run.Errors[0].Exception.Message | Should -Match "contoso-openai-prod: set encryption to key 'cmk' .*vault 'kv-rotated' \(step 2 of 2\) failed"
        $run.Errors[0].Exception.Message | Should -Match "Done before it: grant .* on vault 'kv-rotated'"

        Clear-EmulatorFault
        Clear-EmulatorRequest
        $rerun = Invoke-Captured { Update-AoaiCustomerManagedKey -ResourceId $script:ProdId -KeyVaultResourceId $vault -KeyName cmk -Confirm:$false }
        Get-Messages $rerun.Errors | Should -BeNullOrEmpty
        @(Get-ReachedWrite).method | Should -Be @('PATCH') -Because 'the grant in kv-rotated holds'
        (Get-Account $script:ProdId).properties.encryption.keyVaultProperties.keyVaultUri | Should -BeLike 'https://kv-rotated.*'
    }

    It 'Grant-AoaiOnYourDataAccess reports a failed row with the grants made before it, and a re-run makes only that grant' {
        Reset-OydScenario
        Connect-TestEmulator -MaxRetryCount 1 | Out-Null
        Clear-EmulatorRequest
        # The fourth row: the search service's identity on the account.
        Add-EmulatorFault -PathLike '/accounts/contoso-openai-prod/providers/Microsoft.Authorization/roleAssignments/' -Method PUT -Status 503 -RetryAfter 0 -Count 99
        $run = Invoke-Captured { Grant-AoaiOnYourDataAccess -ResourceId $script:ProdId -SearchServiceResourceId $script:SearchId -StorageAccountResourceId $script:StorageId -Confirm:$false }

        $run.Errors.Count | Should -Be 1
        $run.Errors[0].FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.OnYourData.GrantFailed,*'
        $message = $run.Errors[0].Exception.Message
        $message | Should -Match "granting 'Cognitive Services OpenAI Contributor' to the search service srch-contoso-oyd's identity .* at $([regex]::Escape($script:ProdId)) failed"
        $message | Should -Match "Done before it: grant 'Search Index Data Reader' .*; grant 'Search Service Contributor' .*; grant 'Storage Blob Data Contributor' "
        @(Get-ReachedWrite).Count | Should -Be 4 -Because 'the row after the failed one is granted too'

        Clear-EmulatorFault
        Clear-EmulatorRequest
        $rerun = Invoke-Captured { Grant-AoaiOnYourDataAccess -ResourceId $script:ProdId -SearchServiceResourceId $script:SearchId -StorageAccountResourceId $script:StorageId -Confirm:$false }
        Get-Messages $rerun.Errors | Should -BeNullOrEmpty
        @(Get-ReachedWrite).path | Should -BeLike "$script:ProdId/providers/Microsoft.Authorization/roleAssignments/*"
        @(Get-ReachedWrite).Count | Should -Be 1
        & $script:Specs['Grant-AoaiOnYourDataAccess'].Desired | Should -BeTrue
    }

    It 'Invoke-AoaiKeyRotation -Key Both fails on the second key after storing the first, and a plain re-run rotates only that one' {
        Clear-EmulatorRequest
        # The first regenerateKey passes (a zero latency fault takes it); the second meets the 503s.
        Add-EmulatorFault -PathLike '/contoso-openai-prod/regenerateKey' -Method POST -Kind latency -LatencyMs 0 -Count 1
        Add-EmulatorFault -PathLike '/contoso-openai-prod/regenerateKey' -Method POST -Status 503 -RetryAfter 0 -Count 99
        $run = Invoke-Captured { Invoke-AoaiKeyRotation -ResourceId $script:ProdId -KeyVaultName kv-contoso-prod -SecretName contoso-openai-prod-key -Key Both -Confirm:$false }

        $run.Errors.Count | Should -Be 1
        $run.Errors[0].FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.KeyRotation.RegenerateFailed,*'
        $run.Errors[0].Exception.Message | Should -Match "regenerating Key1 of account 'contoso-openai-prod' .*\(Key2 already rotated and stored\) failed"
        $keys = Get-EmulatorAccountKey -ResourceId $script:ProdId
        $secret = Get-EmulatorSecret -VaultName kv-contoso-prod -SecretName contoso-openai-prod-key
        (@($secret.versions)[-1].value -eq $keys.key2) | Should -BeTrue -Because 'Key2 was stored before the failure'

        Clear-EmulatorFault
        Clear-EmulatorRequest
        $rerun = Invoke-Captured { Invoke-AoaiKeyRotation -ResourceId $script:ProdId -KeyVaultName kv-contoso-prod -SecretName contoso-openai-prod-key -Confirm:$false }
        Get-Messages $rerun.Errors | Should -BeNullOrEmpty
        @(Get-ReachedWrite | Where-Object method -eq 'POST').body.keyName | Should -Be @('Key1') -Because 'Key2 is done'
        $after = Get-EmulatorAccountKey -ResourceId $script:ProdId
        ($after.key2 -eq $keys.key2) | Should -BeTrue -Because 'Key2 is not regenerated again'
        $secret = Get-EmulatorSecret -VaultName kv-contoso-prod -SecretName contoso-openai-prod-key
        (@($secret.versions)[-1].value -eq $after.key1) | Should -BeTrue
    }

    It 'Set-AoaiDeploymentContentFilter -Preset fails on the second deployment after creating the policy, and a re-run writes that deployment only' {
        $order = @((Get-AoaiDeployment -ResourceId $script:ProdId).Name)
        $order.Count | Should -Be 2
        Clear-EmulatorRequest
        Add-EmulatorFault -PathLike '/contoso-openai-prod/deployments/' -Method PUT -Kind latency -LatencyMs 0 -Count 1
        Add-EmulatorFault -PathLike '/contoso-openai-prod/deployments/' -Method PUT -Status 503 -RetryAfter 0 -Count 99
        $run = Invoke-Captured { Set-AoaiDeploymentContentFilter -ResourceId $script:ProdId -PolicyName strict -Preset Strict -Confirm:$false }

        $run.Errors.Count | Should -Be 1
        $run.Errors[0].FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.ContentSafety.AssignFailed,*'
        $message = $run.Errors[0].Exception.Message
        $message | Should -Match "setting content filter 'strict' on deployment '$($order[1])' of account 'contoso-openai-prod' failed"
        $message | Should -Match "Done before it: create content filter policy 'strict' from preset Strict; set content filter 'strict' on deployment '$($order[0])'\. Re-run the command"

        Clear-EmulatorFault
        Clear-EmulatorRequest
        $rerun = Invoke-Captured { Set-AoaiDeploymentContentFilter -ResourceId $script:ProdId -PolicyName strict -Preset Strict -Confirm:$false }
        Get-Messages $rerun.Errors | Should -BeNullOrEmpty
        @(Get-ReachedWrite).path | Should -Be @("$script:ProdId/deployments/$($order[1])")
        foreach ($name in $order) { (Get-Deployment $script:ProdId $name).properties.raiPolicyName | Should -Be 'strict' }
    }

    It 'New-AoaiContentFilterPolicy -DeploymentName fails on the deployment after creating the policy, and a re-run writes the deployment only' {
        Clear-EmulatorRequest
        Add-EmulatorFault -PathLike '/contoso-openai-dev/deployments/gpt-35-turbo' -Method PUT -Status 503 -RetryAfter 0 -Count 99
        $run = Invoke-Captured { New-AoaiContentFilterPolicy -ResourceId $script:DevId -Name strict -Preset Strict -DeploymentName gpt-35-turbo -Confirm:$false }

        $run.Errors.Count | Should -Be 1
        $run.Errors[0].FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.ContentSafety.AssignFailed,*'
        $run.Errors[0].Exception.Message | Should -Match "deployment 'gpt-35-turbo' of account 'contoso-openai-dev' failed"
        $run.Errors[0].Exception.Message | Should -Match "Done before it: create content filter policy 'strict'\. Re-run the command"

        Clear-EmulatorFault
        Clear-EmulatorRequest
        $rerun = Invoke-Captured { New-AoaiContentFilterPolicy -ResourceId $script:DevId -Name strict -Preset Strict -DeploymentName gpt-35-turbo -Confirm:$false }
        Get-Messages $rerun.Errors | Should -BeNullOrEmpty
        @(Get-ReachedWrite).path | Should -Be @("$script:DevId/deployments/gpt-35-turbo")
    }

    It 'New-AoaiContentBlocklist fails adding the patterns after creating the blocklist, and a re-run only adds them' {
        Clear-EmulatorRequest
        Add-EmulatorFault -PathLike '/raiBlocklists/competitors/addRaiBlocklistItems' -Method POST -Status 503 -RetryAfter 0 -Count 99
        $run = Invoke-Captured { New-AoaiContentBlocklist -ResourceId $script:ProdId -Name competitors -Pattern 'Fabrikam', 'Contoso' -Confirm:$false }

        $run.Errors.Count | Should -Be 1
        $run.Errors[0].FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.ContentSafety.AddItemsFailed,*'
        $run.Errors[0].Exception.Message | Should -Match "adding 2 patterns to blocklist 'competitors' of account 'contoso-openai-prod' failed"
        $run.Errors[0].Exception.Message | Should -Match "Done before it: create blocklist 'competitors' of account 'contoso-openai-prod'\. Re-run the command"

        Clear-EmulatorFault
        Clear-EmulatorRequest
        $rerun = Invoke-Captured { New-AoaiContentBlocklist -ResourceId $script:ProdId -Name competitors -Pattern 'Fabrikam', 'Contoso' -Confirm:$false }
        Get-Messages $rerun.Errors | Should -BeNullOrEmpty
        @(Get-ReachedWrite).path | Should -Be @("$script:ProdId/raiBlocklists/competitors/addRaiBlocklistItems")
        @(Get-StoredItem competitors).Count | Should -Be 2
    }

    It 'New-AoaiAlertRule stops at a failed rule naming the rules made before it, and a re-run writes only the rest' {
        $all = { New-AoaiAlertRule -ResourceId $script:DevId -WorkspaceResourceId $script:Law -ActionGroupResourceId $script:Ag -Confirm:$false }
        Clear-EmulatorRequest
        Add-EmulatorFault -PathLike '/scheduledQueryRules/aoai-contoso-openai-dev-KeyAuthInUse-' -Method PUT -Status 503 -RetryAfter 0 -Count 99
        $run = Invoke-Captured $all

        $run.Errors.Count | Should -Be 1
        $run.Errors[0].FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.Monitoring.AlertRuleUpdateFailed,*'
        $message = $run.Errors[0].Exception.Message
        $message | Should -Match "creating alert rule 'aoai-contoso-openai-dev-KeyAuthInUse-[0-9a-f]+' \(KeyAuthInUse\) on account 'contoso-openai-dev'"
        $message | Should -Match "Done before it: create alert rule 'aoai-contoso-openai-dev-HighFrequencyCaller-[0-9a-f]+'; create alert rule 'aoai-contoso-openai-dev-ContentFilterTriggers-[0-9a-f]+'\. Re-run"
        $before = @(Get-ReachedWrite).path
        $before.Count | Should -Be 2

        Clear-EmulatorFault
        Clear-EmulatorRequest
        $rerun = Invoke-Captured $all
        Get-Messages $rerun.Errors | Should -BeNullOrEmpty
        $writes = @(Get-ReachedWrite).path
        $writes.Count | Should -Be 4
        $writes | Where-Object { $_ -in $before } | Should -BeNullOrEmpty
        @(Get-Stored 'Microsoft.Insights/scheduledQueryRules' | Where-Object name -like 'aoai-contoso-openai-dev-*').Count | Should -Be 6
    }

    It 'Revoke-AoaiRoleAssignment -ReplaceWith fails to revoke after granting the replacement, says so, and a re-run only revokes' {
        $revoke = { Revoke-AoaiRoleAssignment -ResourceId $script:ProdId -PrincipalId $script:CiDeployer -Role Contributor -ReplaceWith 'Cognitive Services OpenAI User' -Confirm:$false }
        Clear-EmulatorRequest
        Add-EmulatorFault -PathLike "/roleAssignments/$script:CiContributor" -Method DELETE -Status 503 -RetryAfter 0 -Count 99
        $run = Invoke-Captured $revoke

        $run.Errors.Count | Should -Be 1
        $run.Errors[0].FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.Rbac.RevokeFailed,*'
        $run.Errors[0].Exception.Message | Should -Match "revoking role assignment .*contoso-openai-prod.*$script:CiContributor failed"
        $run.Errors[0].Exception.Message | Should -Match "Done before it: grant the replacement 'Cognitive Services OpenAI User' to ServicePrincipal $script:CiDeployer"
        @(Get-Assignment $script:CiDeployer).Count | Should -Be 2 -Because 'the replacement is there and Contributor stays'

        Clear-EmulatorFault
        Clear-EmulatorRequest
        $rerun = Invoke-Captured $revoke
        Get-Messages $rerun.Errors | Should -BeNullOrEmpty
        @(Get-ReachedWrite).method | Should -Be @('DELETE') -Because 'the replacement is already held'
        @(Get-Assignment $script:CiDeployer).properties.roleDefinitionId | Should -BeLike '*5e0bd9bd-7b93-4f28-af87-19fc36ad61bd'
    }

    It 'Repair-AoaiHardening reports the fix that failed among those that worked, and a re-run repairs only that one' {
        $findings = @(Test-AoaiHardening -Rule AOAI-IAM-001 | Where-Object Status -eq 'Fail')
        $findings.Count | Should -Be 3
        $second = $findings[1].ResourceName
        Clear-EmulatorRequest
        Add-EmulatorFault -PathLike "/accounts/$second" -Method PATCH -Status 503 -RetryAfter 0 -Count 99
        $run = Invoke-Captured { $findings | Repair-AoaiHardening -Confirm:$false }

        $run.Errors.Count | Should -Be 1
        $run.Errors[0].FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.LocalAuth.UpdateFailed,*'
        $run.Errors[0].Exception.Message | Should -Match "account '$second'"
        Assert-RepairResult $run $second
        (@($run.Output) | Where-Object ResourceName -eq $second).Message | Should -Match 'ServiceUnavailable'

        Clear-EmulatorFault
        Clear-EmulatorRequest
        $rerun = Invoke-Captured { Test-AoaiHardening -Rule AOAI-IAM-001 | Repair-AoaiHardening -Confirm:$false }
        Get-Messages $rerun.Errors | Should -BeNullOrEmpty
        @(Get-ReachedWrite).path | Should -Be @(($findings[1]).ResourceId)
        @($rerun.Output | Where-Object Status -eq 'Fixed').ResourceName | Should -Be @($second)
    }
}
