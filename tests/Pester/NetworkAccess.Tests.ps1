# Account-level network cmdlets against the ARM emulator: Disable-/Enable-AoaiPublicNetworkAccess, Set-AoaiNetworkRule,
# Set-AoaiOutboundAccess. Exact PATCH bodies from the request log, stored state after, idempotence, -WhatIf, bad input,
# injected faults, pipeline input, and Repair-AoaiHardening fixing AOAI-NET-001/002/004/006.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModuleManifest) -Force
    $script:Emu = Start-TestEmulator
    $script:Sub = Get-ScenarioSubscriptionId
    $script:ProdId = Get-ScenarioAccountId -ResourceGroupName rg-ai-prod -Name contoso-openai-prod
    $script:AiServicesId = Get-ScenarioAccountId -ResourceGroupName rg-ai-prod -Name contoso-aiservices
    $script:DevId = Get-ScenarioAccountId -ResourceGroupName rg-ai-dev -Name contoso-openai-dev
    $script:SubnetA = "/subscriptions/$script:Sub/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-ai/subnets/snet-apps"
    $script:SubnetB = "/subscriptions/$script:Sub/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-ai/subnets/snet-build"

    function Get-StoredAccount([string] $Name) {
        Get-EmulatorResource -Type 'Microsoft.CognitiveServices/accounts' | Where-Object name -eq $Name
    }

    # The body of the only write since the last Clear-EmulatorRequest, as compact JSON (order as sent).
    function Get-OnlyPatchBody {
        $writes = @(Get-EmulatorWrite)
        $writes.Count | Should -Be 1
        $writes[0].method | Should -Be 'PATCH'
        $writes[0].body | ConvertTo-Json -Compress -Depth 10
    }

    # Puts account properties in place straight through ARM, as another tool would have (no module code involved).
    # networkAcls is removed first, so the stored object has exactly the members given, in their order.
    function Set-TestAccountProperty([string] $Id, [hashtable] $Properties) {
        $patches = @(@{ properties = $Properties })
        if ($Properties.ContainsKey('networkAcls')) { $patches = @(@{ properties = @{ networkAcls = $null } }) + $patches }
        foreach ($patch in $patches) {
            Invoke-RestMethod -Method Patch -Uri "$($script:Emu.Url)$($Id)?api-version=2025-09-01" -Headers @{ Authorization = 'Bearer emulator-test-token' } `
                -Body ($patch | ConvertTo-Json -Depth 10) -ContentType 'application/json' | Out-Null
        }
    }

    # Network ACLs with rules of every kind and a member the module does not know, in a fixed order.
    function New-TestAcls([string] $DefaultAction = 'Deny', [string] $Bypass = 'None') {
        [ordered]@{
            defaultAction       = $DefaultAction
            bypass              = $Bypass
            ipRules             = @([ordered]@{ value = '198.51.100.7' }, [ordered]@{ value = '203.0.113.0/24' })
            virtualNetworkRules = @([ordered]@{ id = $script:SubnetA; state = 'Succeeded'; ignoreMissingVnetServiceEndpoint = $false })
            futureSetting       = 'kept'
        }
    }

    # Reloads the demo scenario with an edit made in memory (the scenario file stays as it is).
    function Reset-EditedScenario([scriptblock] $Edit) {
        $body = Get-Content (Get-ScenarioPath 'demo-tenant.json') -Raw | ConvertFrom-Json -AsHashtable
        $body.config = @{ retryAfterSeconds = 0; lroPolls = 1 }
        & $Edit $body
        Invoke-EmulatorControl -Path 'scenario' -Method POST -Body $body | Out-Null
    }
}
AfterAll { Stop-TestEmulator }

Describe 'Disable-AoaiPublicNetworkAccess' {
    BeforeEach {
        Reset-TestEmulator
        Connect-TestEmulator | Out-Null
        Clear-EmulatorRequest
    }

    It 'PATCHes publicNetworkAccess and the default action only, and warns that clients without a private endpoint lose access' {
        $before = Get-StoredAccount 'contoso-openai-prod'
        $result = Disable-AoaiPublicNetworkAccess -ResourceId $script:ProdId -PassThru -WarningVariable warnings -WarningAction SilentlyContinue
        Get-OnlyPatchBody | Should -Be '{"properties":{"publicNetworkAccess":"Disabled","networkAcls":{"defaultAction":"Deny"}}}'
        $result.PublicNetworkAccess | Should -Be 'Disabled'
        $result.NetworkDefaultAction | Should -Be 'Deny'

        $after = Get-StoredAccount 'contoso-openai-prod'
        $after.properties.publicNetworkAccess | Should -Be 'Disabled'
        $after.properties.networkAcls.defaultAction | Should -Be 'Deny'
        $after.properties.networkAcls.PSObject.Properties.Name | Should -Not -Contain 'bypass'
        # Everything else is as it was, unknown fields included.
        ($after.tags | ConvertTo-Json -Compress) | Should -Be ($before.tags | ConvertTo-Json -Compress)
        $after.properties.allowProjectManagement | Should -Be $before.properties.allowProjectManagement
        $after.properties.disableLocalAuth | Should -Be $before.properties.disableLocalAuth

        @($warnings).Count | Should -Be 2
        $warnings[0].Message | Should -Match 'private endpoint lose access'
        $warnings[1].Message | Should -Match "'contoso-openai-prod' has no approved private endpoint"
        $warnings[1].Message | Should -Match 'New-AoaiPrivateEndpoint'
    }

    It 'sends networkAcls whole: existing rules, bypass and unknown members kept' {
        Set-TestAccountProperty $script:DevId @{ networkAcls = (New-TestAcls -DefaultAction Allow) }
        Clear-EmulatorRequest
        Disable-AoaiPublicNetworkAccess -ResourceId $script:DevId -WarningAction SilentlyContinue
        $acls = ((New-TestAcls -DefaultAction Deny) | ConvertTo-Json -Compress -Depth 5)
        Get-OnlyPatchBody | Should -Be "{`"properties`":{`"publicNetworkAccess`":`"Disabled`",`"networkAcls`":$acls}}"

        $stored = (Get-StoredAccount 'contoso-openai-dev').properties.networkAcls
        $stored.defaultAction | Should -Be 'Deny'
        $stored.bypass | Should -Be 'None'
        $stored.ipRules.value | Should -Be @('198.51.100.7', '203.0.113.0/24')
        $stored.virtualNetworkRules[0].id | Should -Be $script:SubnetA
        $stored.virtualNetworkRules[0].state | Should -Be 'Succeeded'
        $stored.futureSetting | Should -Be 'kept'
    }

    It '-AllowTrustedAzureServices sets bypass AzureServices; only what differs is sent' {
        Set-TestAccountProperty $script:DevId @{ publicNetworkAccess = 'Disabled'; networkAcls = (New-TestAcls -DefaultAction Deny -Bypass None) }
        Clear-EmulatorRequest
        $result = Disable-AoaiPublicNetworkAccess -ResourceId $script:DevId -AllowTrustedAzureServices -PassThru -WarningAction SilentlyContinue
        $result.NetworkBypass | Should -Be 'AzureServices'
        $acls = ((New-TestAcls -DefaultAction Deny -Bypass AzureServices) | ConvertTo-Json -Compress -Depth 5)
        Get-OnlyPatchBody | Should -Be "{`"properties`":{`"networkAcls`":$acls}}"
    }

    It 'sends only publicNetworkAccess when the default action is already Deny' {
        Set-TestAccountProperty $script:DevId @{ networkAcls = (New-TestAcls -DefaultAction Deny) }
        Clear-EmulatorRequest
        Disable-AoaiPublicNetworkAccess -ResourceId $script:DevId -WarningAction SilentlyContinue
        Get-OnlyPatchBody | Should -Be '{"properties":{"publicNetworkAccess":"Disabled"}}'
    }

    It 'is idempotent: no write for an account already closed, nor on a second run' {
        Disable-AoaiPublicNetworkAccess -ResourceId $script:AiServicesId -AllowTrustedAzureServices -WarningVariable warnings
        @(Get-EmulatorWrite).Count | Should -Be 0
        @($warnings).Count | Should -Be 0

        Disable-AoaiPublicNetworkAccess -ResourceId $script:ProdId -WarningAction SilentlyContinue
        Clear-EmulatorRequest
        $again = Disable-AoaiPublicNetworkAccess -ResourceId $script:ProdId -PassThru -WarningVariable warnings
        $again.PublicNetworkAccess | Should -Be 'Disabled'
        @(Get-EmulatorWrite).Count | Should -Be 0
        @($warnings).Count | Should -Be 0
    }

    It 'makes no write under -WhatIf' {
        Get-AoaiAccount | Disable-AoaiPublicNetworkAccess -AllowTrustedAzureServices -WhatIf
        @(Get-EmulatorWrite).Count | Should -Be 0
        (Get-StoredAccount 'contoso-openai-prod').properties.publicNetworkAccess | Should -Be 'Enabled'
    }

    It 'takes accounts from Get-AoaiAccount: the general warning once, the missing private endpoint per account' {
        $results = @(Get-AoaiAccount | Disable-AoaiPublicNetworkAccess -PassThru -WarningVariable warnings -WarningAction SilentlyContinue)
        $results.Count | Should -Be 3
        $results.PublicNetworkAccess | Sort-Object -Unique | Should -Be 'Disabled'
        @(Get-EmulatorWrite).Count | Should -Be 2 -Because 'contoso-aiservices is already closed'
        @($warnings | Where-Object Message -Match 'lose access').Count | Should -Be 1
        @($warnings | Where-Object Message -Match 'no approved private endpoint').Message | Should -Match 'contoso-openai-(prod|dev)'
        @($warnings | Where-Object Message -Match 'no approved private endpoint').Count | Should -Be 2
    }

    It 'does not claim a missing private endpoint when an approved one exists' {
        Reset-EditedScenario {
            param($s)
            $account = $s.subscriptions[0].resourceGroups[0].resources | Where-Object { $_.name -eq 'contoso-openai-prod' }
            $account.properties.privateEndpointConnections = @(@{
                    id         = "$script:ProdId/privateEndpointConnections/pe-prod"
                    name       = 'pe-prod'
                    properties = @{ privateLinkServiceConnectionState = @{ status = 'Approved' }; groupIds = @('account') }
                })
        }
        Disable-AoaiPublicNetworkAccess -ResourceId $script:ProdId -WarningVariable warnings -WarningAction SilentlyContinue
        @($warnings).Count | Should -Be 1
        $warnings[0].Message | Should -Not -Match 'no approved private endpoint'
        (Get-StoredAccount 'contoso-openai-prod').properties.publicNetworkAccess | Should -Be 'Disabled'
    }

    It 'reports a long-running operation that fails, naming the account and the operation' {
        Add-EmulatorFault -PathLike '/accounts/contoso-openai-prod' -Method PATCH -Kind lroFail -Code 'InternalError' -Message 'The network settings could not be applied.'
        Disable-AoaiPublicNetworkAccess -ResourceId $script:ProdId -ErrorVariable err -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'AoaiHardening.Network.UpdateFailed,AoaiHardening.Cmdlets.Network.DisableAoaiPublicNetworkAccess'
        $err[0].Exception.ErrorCode | Should -Be 'InternalError'
        $err[0].Exception.Message | Should -Match 'contoso-openai-prod'
        $err[0].Exception.Message | Should -Match 'Disable public network access'
    }

    It 'reports a 500 that outlasts the retries' {
        Add-EmulatorFault -PathLike '/accounts/contoso-openai-prod' -Method PATCH -Status 500 -Code 'InternalServerError' -Message 'Boom.' -Count 10 -RetryAfter 0
        $result = Disable-AoaiPublicNetworkAccess -ResourceId $script:ProdId -PassThru -ErrorVariable err -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $result | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.Network.UpdateFailed,*'
        $err[0].CategoryInfo.Category | Should -Be 'ResourceUnavailable'
        $err[0].Exception.Status | Should -Be 500
        (Get-StoredAccount 'contoso-openai-prod').properties.publicNetworkAccess | Should -Be 'Enabled'
    }

    It 'refuses a malformed -ResourceId before any request' {
        { Disable-AoaiPublicNetworkAccess -ResourceId '/subscriptions/x/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/a' } |
            Should -Throw -ErrorId 'AoaiHardening.Account.InvalidResourceId,AoaiHardening.Cmdlets.Network.DisableAoaiPublicNetworkAccess'
        @(Get-EmulatorRequest).Count | Should -Be 0
    }
}

Describe 'Enable-AoaiPublicNetworkAccess' {
    BeforeEach {
        Reset-TestEmulator
        Connect-TestEmulator | Out-Null
        Set-TestAccountProperty $script:DevId @{ publicNetworkAccess = 'Disabled'; networkAcls = (New-TestAcls -DefaultAction Deny) }
        Clear-EmulatorRequest
    }

    It 'is high impact, so it asks for confirmation by default' {
        $attr = (Get-Command Enable-AoaiPublicNetworkAccess).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0]
        $attr.ConfirmImpact | Should -Be 'High'
    }

    It 'enables public access for the allowed networks only, leaving networkAcls alone, and says so' {
        $result = Enable-AoaiPublicNetworkAccess -ResourceId $script:DevId -Confirm:$false -PassThru -WarningVariable warnings -WarningAction SilentlyContinue
        Get-OnlyPatchBody | Should -Be '{"properties":{"publicNetworkAccess":"Enabled"}}'
        $result.PublicNetworkAccess | Should -Be 'Enabled'
        $result.NetworkDefaultAction | Should -Be 'Deny'
        $stored = Get-StoredAccount 'contoso-openai-dev'
        ($stored.properties.networkAcls | ConvertTo-Json -Compress -Depth 5) | Should -Be ((New-TestAcls -DefaultAction Deny) | ConvertTo-Json -Compress -Depth 5)
        @($warnings).Count | Should -Be 1
        $warnings[0].Message | Should -Match 'allowed networks only'
        $warnings[0].Message | Should -Match '2 IP rules, 1 virtual network rule'

        Clear-EmulatorRequest
        Enable-AoaiPublicNetworkAccess -ResourceId $script:DevId -Confirm:$false -WarningAction SilentlyContinue
        @(Get-EmulatorWrite).Count | Should -Be 0
    }

    It '-AllowAllNetworks also sets the default action Allow, keeps the rules, and warns the endpoint is open' {
        Enable-AoaiPublicNetworkAccess -ResourceId $script:DevId -AllowAllNetworks -Confirm:$false -WarningVariable warnings -WarningAction SilentlyContinue
        $acls = ((New-TestAcls -DefaultAction Allow) | ConvertTo-Json -Compress -Depth 5)
        Get-OnlyPatchBody | Should -Be "{`"properties`":{`"publicNetworkAccess`":`"Enabled`",`"networkAcls`":$acls}}"
        $warnings[0].Message | Should -Match 'open to the internet'
        (Get-StoredAccount 'contoso-openai-dev').properties.networkAcls.ipRules.value | Should -Be @('198.51.100.7', '203.0.113.0/24')

        Clear-EmulatorRequest
        Enable-AoaiPublicNetworkAccess -ResourceId $script:DevId -AllowAllNetworks -Confirm:$false -WarningAction SilentlyContinue
        @(Get-EmulatorWrite).Count | Should -Be 0
    }

    It 'writes nothing for an account that is open already' {
        Enable-AoaiPublicNetworkAccess -ResourceId $script:ProdId -AllowAllNetworks -Confirm:$false -WarningVariable warnings
        @(Get-EmulatorWrite).Count | Should -Be 0
        @($warnings).Count | Should -Be 0
    }

    It 'makes no write under -WhatIf, even with -Confirm:$false' {
        Get-AoaiAccount | Enable-AoaiPublicNetworkAccess -AllowAllNetworks -WhatIf -Confirm:$false
        @(Get-EmulatorWrite).Count | Should -Be 0
        (Get-StoredAccount 'contoso-openai-dev').properties.publicNetworkAccess | Should -Be 'Disabled'
    }

    It 'takes accounts from the pipeline' {
        $results = @(Get-AoaiAccount -ResourceGroupName rg-ai-dev | Enable-AoaiPublicNetworkAccess -Confirm:$false -PassThru -WarningAction SilentlyContinue)
        $results.Count | Should -Be 1
        $results[0].PublicNetworkAccess | Should -Be 'Enabled'
    }

    It 'reports ARM refusing the update' {
        Add-EmulatorFault -PathLike '/accounts/contoso-openai-dev' -Method PATCH -Status 409 -Code 'Conflict' -Message 'Another operation is in progress.' -Count 5
        Enable-AoaiPublicNetworkAccess -ResourceId $script:DevId -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'AoaiHardening.Network.UpdateFailed,AoaiHardening.Cmdlets.Network.EnableAoaiPublicNetworkAccess'
        $err[0].Exception.Message | Should -Match 'contoso-openai-dev'
        $err[0].Exception.Message | Should -Match 'Enable public network access'
    }
}

Describe 'Set-AoaiNetworkRule' {
    BeforeEach {
        Reset-TestEmulator
        Connect-TestEmulator | Out-Null
        Set-TestAccountProperty $script:ProdId @{ networkAcls = (New-TestAcls -DefaultAction Deny) }
        Clear-EmulatorRequest
    }

    It 'adds IP and subnet rules, sending networkAcls whole with the existing rules first' {
        $result = Set-AoaiNetworkRule -ResourceId $script:ProdId -AddIpRule '192.0.2.0/24', '198.51.100.8/32' -AddVirtualNetworkRule $script:SubnetB -PassThru
        $expected = New-TestAcls -DefaultAction Deny
        $expected.ipRules += @([ordered]@{ value = '192.0.2.0/24' }, [ordered]@{ value = '198.51.100.8' })
        $expected.virtualNetworkRules += @([ordered]@{ id = $script:SubnetB })
        Get-OnlyPatchBody | Should -Be "{`"properties`":{`"networkAcls`":$($expected | ConvertTo-Json -Compress -Depth 5)}}"
        $result.IpRules | Should -Be @('198.51.100.7', '203.0.113.0/24', '192.0.2.0/24', '198.51.100.8')
        $result.VirtualNetworkRules | Should -Be @($script:SubnetA, $script:SubnetB)
        $stored = (Get-StoredAccount 'contoso-openai-prod').properties.networkAcls
        $stored.futureSetting | Should -Be 'kept'
        $stored.virtualNetworkRules[0].state | Should -Be 'Succeeded'
    }

    It 'removes rules written either way (203.0.113.7 = 203.0.113.7/32), subnets case-insensitively' {
        Set-AoaiNetworkRule -ResourceId $script:ProdId -RemoveIpRule '198.51.100.7/32' -RemoveVirtualNetworkRule $script:SubnetA.ToUpperInvariant()
        $expected = New-TestAcls -DefaultAction Deny
        $expected.ipRules = @([ordered]@{ value = '203.0.113.0/24' })
        $expected.virtualNetworkRules = @()
        Get-OnlyPatchBody | Should -Be "{`"properties`":{`"networkAcls`":$($expected | ConvertTo-Json -Compress -Depth 5)}}"
        $stored = (Get-StoredAccount 'contoso-openai-prod').properties.networkAcls
        @($stored.ipRules).value | Should -Be @('203.0.113.0/24')
        @($stored.virtualNetworkRules).Count | Should -Be 0
    }

    It 'is a no-op, with verbose messages, for rules already there or not there to remove' {
        $result = Set-AoaiNetworkRule -ResourceId $script:ProdId -AddIpRule '198.51.100.7/32' -RemoveIpRule '192.0.2.1' -AddVirtualNetworkRule $script:SubnetA -RemoveVirtualNetworkRule $script:SubnetB -PassThru -Verbose -ErrorVariable err 4>&1
        $verbose = @($result | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message
        $verbose | Should -Contain 'contoso-openai-prod: IP rule 198.51.100.7 is already there.'
        $verbose | Should -Contain 'contoso-openai-prod: no IP rule 192.0.2.1 to remove.'
        ($verbose -join "`n") | Should -Match 'snet-apps is already allowed'
        ($verbose -join "`n") | Should -Match 'no virtual network rule for .*snet-build to remove'
        @($err).Count | Should -Be 0
        @(Get-EmulatorWrite).Count | Should -Be 0
    }

    It 'is idempotent: the same change twice writes once' {
        Set-AoaiNetworkRule -ResourceId $script:ProdId -AddIpRule '192.0.2.0/24' -RemoveIpRule '203.0.113.0/24'
        @(Get-EmulatorWrite).Count | Should -Be 1
        Clear-EmulatorRequest
        Set-AoaiNetworkRule -ResourceId $script:ProdId -AddIpRule '192.0.2.0/24' -RemoveIpRule '203.0.113.0/24'
        @(Get-EmulatorWrite).Count | Should -Be 0
    }

    It 'refuses <Value> before any request (<ErrorId>)' -ForEach @(
        @{ Parameter = 'AddIpRule'; Value = '2001:db8::1'; ErrorId = 'AoaiHardening.Network.InvalidIpRule'; Match = 'IPv4' }
        @{ Parameter = 'AddIpRule'; Value = '2001:db8::/48'; ErrorId = 'AoaiHardening.Network.InvalidIpRule'; Match = 'IPv6' }
        @{ Parameter = 'AddIpRule'; Value = 'office.contoso.com'; ErrorId = 'AoaiHardening.Network.InvalidIpRule'; Match = 'not an IPv4 address' }
        @{ Parameter = 'AddIpRule'; Value = '203.0.113.300'; ErrorId = 'AoaiHardening.Network.InvalidIpRule'; Match = 'not an IPv4 address' }
        @{ Parameter = 'AddIpRule'; Value = '203.0.113.7/24'; ErrorId = 'AoaiHardening.Network.InvalidIpRule'; Match = "Pass '203\.0\.113\.0/24'" }
        @{ Parameter = 'AddIpRule'; Value = '203.0.113.6/31'; ErrorId = 'AoaiHardening.Network.InvalidIpRule'; Match = '/31' }
        @{ Parameter = 'AddIpRule'; Value = '10.20.0.0/16'; ErrorId = 'AoaiHardening.Network.PrivateIpRule'; Match = 'RFC 1918' }
        @{ Parameter = 'AddIpRule'; Value = '0.0.0.0/0'; ErrorId = 'AoaiHardening.Network.BroadIpRule'; Match = 'AOAI-NET-004' }
        @{ Parameter = 'AddIpRule'; Value = '0.0.0.0'; ErrorId = 'AoaiHardening.Network.BroadIpRule'; Match = '-AllowBroadRange' }
        @{ Parameter = 'AddIpRule'; Value = '52.0.0.0/8'; ErrorId = 'AoaiHardening.Network.BroadIpRule'; Match = 'large part of the internet' }
        @{ Parameter = 'RemoveIpRule'; Value = 'fe80::1'; ErrorId = 'AoaiHardening.Network.InvalidIpRule'; Match = 'IPv6' }
        @{ Parameter = 'AddVirtualNetworkRule'; Value = '/subscriptions/x/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/v/subnets/s'; ErrorId = 'AoaiHardening.Network.InvalidSubnetId'; Match = 'not a subnet id' }
        @{ Parameter = 'RemoveVirtualNetworkRule'; Value = '/subscriptions/00000000-0000-0000-0000-00000000c0de/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/v'; ErrorId = 'AoaiHardening.Network.InvalidSubnetId'; Match = 'subnets' }
    ) {
        $splat = @{ ResourceId = $script:ProdId; $Parameter = @('192.0.2.0/24', $Value) }
        if ($Parameter -like '*VirtualNetworkRule') { $splat[$Parameter] = @($Value) }
        $record = $null
        try { Set-AoaiNetworkRule @splat } catch { $record = $_ }
        $record | Should -Not -BeNullOrEmpty
        $record.FullyQualifiedErrorId | Should -Be "$ErrorId,AoaiHardening.Cmdlets.Network.SetAoaiNetworkRule"
        $record.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $record.Exception.Message | Should -Match $Match
        @(Get-EmulatorRequest).Count | Should -Be 0
    }

    It 'refuses a call with nothing to change, and the same rule added and removed' {
        { Set-AoaiNetworkRule -ResourceId $script:ProdId } | Should -Throw -ErrorId 'AoaiHardening.Network.NoRuleGiven,*'
        { Set-AoaiNetworkRule -ResourceId $script:ProdId -AddIpRule 192.0.2.7 -RemoveIpRule 192.0.2.7/32 } | Should -Throw -ErrorId 'AoaiHardening.Network.ConflictingRule,*'
        @(Get-EmulatorRequest).Count | Should -Be 0
    }

    It '-AllowBroadRange accepts an internet-wide range, warns, and AOAI-NET-004 then fails' {
        Set-AoaiNetworkRule -ResourceId $script:ProdId -AddIpRule 52.0.0.0/8 -AllowBroadRange -WarningVariable warnings -WarningAction SilentlyContinue
        $warnings[0].Message | Should -Match 'AOAI-NET-004'
        (Get-StoredAccount 'contoso-openai-prod').properties.networkAcls.ipRules.value | Should -Contain '52.0.0.0/8'
        $finding = Test-AoaiHardening -Rule AOAI-NET-004 -ResourceGroupName rg-ai-prod -Name contoso-openai-prod
        $finding.Status | Should -Be 'Fail'
        $finding.Actual | Should -Be '52.0.0.0/8'
    }

    It 'warns that added rules have no effect while the default action is Allow' {
        Set-AoaiNetworkRule -ResourceId $script:DevId -AddIpRule 192.0.2.0/24 -WarningVariable warnings -WarningAction SilentlyContinue
        $warnings[0].Message | Should -Match 'no effect until public access is restricted'
        $warnings[0].Message | Should -Match 'Disable-AoaiPublicNetworkAccess'
        Clear-EmulatorRequest
        Set-AoaiNetworkRule -ResourceId $script:DevId -RemoveIpRule 192.0.2.0/24 -WarningVariable removeWarnings
        @($removeWarnings).Count | Should -Be 0 -Because 'removing an allow rule never opens anything'
    }

    It 'refuses to go over 100 IP rules, writing nothing' {
        $acls = New-TestAcls -DefaultAction Deny
        $acls.ipRules = @(1..100 | ForEach-Object { @{ value = "198.51.$_.0/24" } })
        Set-TestAccountProperty $script:ProdId @{ networkAcls = $acls }
        Clear-EmulatorRequest
        Set-AoaiNetworkRule -ResourceId $script:ProdId -AddIpRule 192.0.2.1 -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.Network.TooManyIpRules,*'
        $err[0].CategoryInfo.Category | Should -Be 'LimitsExceeded'
        @(Get-EmulatorWrite).Count | Should -Be 0
    }

    It 'makes no write under -WhatIf' {
        Get-AoaiAccount | Set-AoaiNetworkRule -AddIpRule 192.0.2.0/24 -RemoveIpRule 0.0.0.0/0 -WhatIf
        @(Get-EmulatorWrite).Count | Should -Be 0
    }

    It 'takes accounts from Get-AoaiAccount' {
        $results = @(Get-AoaiAccount -ResourceGroupName rg-ai-prod | Set-AoaiNetworkRule -AddIpRule 192.0.2.0/24 -PassThru -WarningAction SilentlyContinue)
        $results.Count | Should -Be 2
        $results | ForEach-Object { $_.IpRules | Should -Contain '192.0.2.0/24' }
        @(Get-EmulatorWrite).Count | Should -Be 2
    }

    It 'reports a 500 that outlasts the retries, naming the account and the operation' {
        Add-EmulatorFault -PathLike '/accounts/contoso-openai-prod' -Method PATCH -Status 500 -Code 'InternalServerError' -Message 'Boom.' -Count 10 -RetryAfter 0
        Set-AoaiNetworkRule -ResourceId $script:ProdId -AddIpRule 192.0.2.0/24 -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'AoaiHardening.Network.UpdateFailed,AoaiHardening.Cmdlets.Network.SetAoaiNetworkRule'
        $err[0].Exception.Message | Should -Match 'contoso-openai-prod'
        $err[0].Exception.Message | Should -Match 'Update network rules: allow 192\.0\.2\.0/24'
        (Get-StoredAccount 'contoso-openai-prod').properties.networkAcls.ipRules.value | Should -Not -Contain '192.0.2.0/24'
    }
}

Describe 'Set-AoaiOutboundAccess' {
    BeforeEach {
        Reset-TestEmulator
        Connect-TestEmulator | Out-Null
        Clear-EmulatorRequest
    }

    It 'restricts outbound access to the hosts given, normalized and without duplicates, and warns what stops working' {
        $result = Set-AoaiOutboundAccess -ResourceId $script:ProdId -AllowedFqdn 'Contoso-Search.search.windows.net.', 'contosodata.blob.core.windows.net', 'contoso-search.search.windows.net', '203.0.113.9' -PassThru -WarningVariable warnings -WarningAction SilentlyContinue
        Get-OnlyPatchBody | Should -Be '{"properties":{"restrictOutboundNetworkAccess":true,"allowedFqdnList":["contoso-search.search.windows.net","contosodata.blob.core.windows.net","203.0.113.9"]}}'
        $result.RestrictOutboundNetworkAccess | Should -BeTrue
        $result.AllowedFqdnList | Should -Be @('contoso-search.search.windows.net', 'contosodata.blob.core.windows.net', '203.0.113.9')
        $stored = (Get-StoredAccount 'contoso-openai-prod').properties
        $stored.restrictOutboundNetworkAccess | Should -BeTrue
        $stored.customSubDomainName | Should -Be 'contoso-openai-prod'
        @($warnings).Count | Should -Be 1
        $warnings[0].Message | Should -Match 'On Your Data'
    }

    It 'is idempotent when the set is the same, ignoring order and case' {
        Set-AoaiOutboundAccess -ResourceId $script:ProdId -AllowedFqdn a.contoso.com, b.contoso.com -WarningAction SilentlyContinue
        Clear-EmulatorRequest
        Set-AoaiOutboundAccess -ResourceId $script:ProdId -AllowedFqdn B.CONTOSO.COM, a.contoso.com -WarningVariable warnings
        @(Get-EmulatorWrite).Count | Should -Be 0
        @($warnings).Count | Should -Be 0
    }

    It 'replaces the list by default and adds to it with -Append, sending only the list when already restricted' {
        Set-AoaiOutboundAccess -ResourceId $script:ProdId -AllowedFqdn a.contoso.com, b.contoso.com -WarningAction SilentlyContinue
        Clear-EmulatorRequest
        Set-AoaiOutboundAccess -ResourceId $script:ProdId -AllowedFqdn c.contoso.com -WarningAction SilentlyContinue
        Get-OnlyPatchBody | Should -Be '{"properties":{"allowedFqdnList":["c.contoso.com"]}}'
        Clear-EmulatorRequest
        $result = Set-AoaiOutboundAccess -ResourceId $script:ProdId -AllowedFqdn a.contoso.com, C.contoso.com -Append -PassThru -WarningAction SilentlyContinue
        Get-OnlyPatchBody | Should -Be '{"properties":{"allowedFqdnList":["c.contoso.com","a.contoso.com"]}}'
        $result.AllowedFqdnList | Should -Be @('c.contoso.com', 'a.contoso.com')
        Clear-EmulatorRequest
        Set-AoaiOutboundAccess -ResourceId $script:ProdId -AllowedFqdn a.contoso.com -Append
        @(Get-EmulatorWrite).Count | Should -Be 0
    }

    It '-Disable lifts the restriction and keeps the list; a second -Disable writes nothing' {
        Set-AoaiOutboundAccess -ResourceId $script:ProdId -AllowedFqdn a.contoso.com -WarningAction SilentlyContinue
        Clear-EmulatorRequest
        $result = Set-AoaiOutboundAccess -ResourceId $script:ProdId -Disable -PassThru -WarningVariable warnings -WarningAction SilentlyContinue
        Get-OnlyPatchBody | Should -Be '{"properties":{"restrictOutboundNetworkAccess":false}}'
        $result.RestrictOutboundNetworkAccess | Should -BeFalse
        $result.AllowedFqdnList | Should -Be @('a.contoso.com')
        $warnings[0].Message | Should -Match 'AOAI-NET-006'
        Clear-EmulatorRequest
        Set-AoaiOutboundAccess -ResourceId $script:ProdId -Disable
        @(Get-EmulatorWrite).Count | Should -Be 0
    }

    It '-Append on an unrestricted account with an old list says the old list becomes active' {
        Set-TestAccountProperty $script:ProdId @{ allowedFqdnList = @('old.contoso.com') }
        Clear-EmulatorRequest
        Set-AoaiOutboundAccess -ResourceId $script:ProdId -AllowedFqdn new.contoso.com -Append -WarningVariable warnings -WarningAction SilentlyContinue
        Get-OnlyPatchBody | Should -Be '{"properties":{"restrictOutboundNetworkAccess":true,"allowedFqdnList":["old.contoso.com","new.contoso.com"]}}'
        ($warnings.Message -join "`n") | Should -Match 'old\.contoso\.com.*becomes active'
    }

    It '-AllowedFqdn and -Disable are separate parameter sets' {
        { Set-AoaiOutboundAccess -ResourceId $script:ProdId -AllowedFqdn a.contoso.com -Disable } | Should -Throw -ErrorId 'AmbiguousParameterSet,*'
        { Set-AoaiOutboundAccess -ResourceId $script:ProdId -Disable -Append } | Should -Throw -ErrorId 'AmbiguousParameterSet,*'
        { Set-AoaiOutboundAccess -ResourceId $script:ProdId -AllowedFqdn @() } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
        @(Get-EmulatorRequest).Count | Should -Be 0
    }

    It 'refuses <Value> before any request' -ForEach @(
        @{ Value = 'https://contoso-search.search.windows.net'; Match = 'not a host name' }
        @{ Value = 'contoso-search.search.windows.net/indexes'; Match = 'not a host name' }
        @{ Value = 'contoso-search.search.windows.net:443'; Match = 'port' }
        @{ Value = '*.search.windows.net'; Match = 'wildcard' }
        @{ Value = 'localhost'; Match = 'fully qualified' }
        @{ Value = 'bad_name.contoso.com'; Match = 'fully qualified' }
        @{ Value = '-bad.contoso.com'; Match = 'fully qualified' }
        @{ Value = 'contoso.123'; Match = 'fully qualified' }
        @{ Value = 'bücher.example'; Match = 'punycode' }
        @{ Value = '2001:db8::1'; Match = 'IPv6' }
    ) {
        $record = $null
        try { Set-AoaiOutboundAccess -ResourceId $script:ProdId -AllowedFqdn 'ok.contoso.com', $Value } catch { $record = $_ }
        $record | Should -Not -BeNullOrEmpty
        $record.FullyQualifiedErrorId | Should -Be 'AoaiHardening.Outbound.InvalidFqdn,AoaiHardening.Cmdlets.Network.SetAoaiOutboundAccess'
        $record.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $record.Exception.Message | Should -Match $Match
        @(Get-EmulatorRequest).Count | Should -Be 0
    }

    It 'makes no write under -WhatIf' {
        Get-AoaiAccount | Set-AoaiOutboundAccess -AllowedFqdn a.contoso.com -WhatIf
        Get-AoaiAccount | Set-AoaiOutboundAccess -Disable -WhatIf
        @(Get-EmulatorWrite).Count | Should -Be 0
    }

    It 'takes accounts from Get-AoaiAccount, in both parameter sets' {
        $results = @(Get-AoaiAccount | Set-AoaiOutboundAccess -AllowedFqdn a.contoso.com -PassThru -WarningAction SilentlyContinue)
        $results.Count | Should -Be 3
        $results.RestrictOutboundNetworkAccess | Sort-Object -Unique | Should -Be $true
        $lifted = @(Get-AoaiAccount -ResourceGroupName rg-ai-dev | Set-AoaiOutboundAccess -Disable -PassThru -WarningAction SilentlyContinue)
        $lifted.Count | Should -Be 1
        $lifted[0].RestrictOutboundNetworkAccess | Should -BeFalse
    }

    It 'reports a long-running operation that fails' {
        Add-EmulatorFault -PathLike '/accounts/contoso-openai-prod' -Method PATCH -Kind lroFail -Code 'InternalError' -Message 'Outbound rules could not be applied.'
        Set-AoaiOutboundAccess -ResourceId $script:ProdId -AllowedFqdn a.contoso.com -ErrorVariable err -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'AoaiHardening.Outbound.UpdateFailed,AoaiHardening.Cmdlets.Network.SetAoaiOutboundAccess'
        $err[0].Exception.Message | Should -Match 'contoso-openai-prod'
        $err[0].Exception.Message | Should -Match 'Restrict outbound access to a\.contoso\.com'
    }
}

Describe 'Repair-AoaiHardening with the network fixes' {
    BeforeEach {
        Reset-TestEmulator
        Connect-TestEmulator | Out-Null
        Clear-EmulatorRequest
    }

    It 'fixes AOAI-NET-001, 002, 004 and 006, and the rules then pass' {
        $rules = 'AOAI-NET-001', 'AOAI-NET-002', 'AOAI-NET-004', 'AOAI-NET-006'
        $findings = @(Test-AoaiHardening -Baseline Strict -Rule $rules | Where-Object Status -eq 'Fail')
        $findings.Count | Should -Be 8 -Because 'NET-001 and 002 on prod and dev, 004 on dev, 006 on all three'

        $results = @($findings | Repair-AoaiHardening -AllowedFqdn contoso-search.search.windows.net -WarningAction SilentlyContinue)
        $results.Status | Sort-Object -Unique | Should -Be 'Fixed'
        $net004 = $results | Where-Object RuleId -eq 'AOAI-NET-004'
        $net004.Command | Should -Be "Set-AoaiNetworkRule -ResourceId '$script:DevId' -RemoveIpRule '0.0.0.0/0', '10.0.0.0/8'"
        ($results | Where-Object { $_.RuleId -eq 'AOAI-NET-006' -and $_.ResourceId -eq $script:ProdId }).Command |
            Should -Be "Set-AoaiOutboundAccess -ResourceId '$script:ProdId' -AllowedFqdn 'contoso-search.search.windows.net'"
        ($results | Where-Object { $_.RuleId -eq 'AOAI-NET-002' -and $_.ResourceId -eq $script:ProdId }).Message | Should -Match 'Same fix as for AOAI-NET-001'
        # One write per command line: NET-001/002 share theirs.
        @(Get-EmulatorWrite).Count | Should -Be 6

        $after = @(Test-AoaiHardening -Baseline Strict -Rule $rules)
        $after.Status | Sort-Object -Unique | Should -Be 'Pass'
        $dev = (Get-StoredAccount 'contoso-openai-dev').properties
        @($dev.networkAcls.ipRules).Count | Should -Be 0
        $dev.allowedFqdnList | Should -Be @('contoso-search.search.windows.net')
    }

    It 'skips AOAI-NET-006 without -AllowedFqdn, naming the parameter' {
        $result = Test-AoaiHardening -Baseline Strict -Rule AOAI-NET-006 -ResourceGroupName rg-ai-prod -Name contoso-openai-prod | Repair-AoaiHardening
        $result.Status | Should -Be 'Skipped'
        $result.Message | Should -Match '-AllowedFqdn'
        @(Get-EmulatorWrite).Count | Should -Be 0
    }

    It 'writes nothing under -WhatIf' {
        $null = Test-AoaiHardening -Baseline Strict -Rule AOAI-NET-001, AOAI-NET-004, AOAI-NET-006 | Repair-AoaiHardening -AllowedFqdn a.contoso.com -WhatIf
        @(Get-EmulatorWrite).Count | Should -Be 0
    }
}
