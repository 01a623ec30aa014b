# New-AoaiPrivateEndpoint and Protect-AoaiPrivateEndpointSubnet against the ARM emulator's Microsoft.Network and
# private DNS: what is created, what is reused, idempotence, -WhatIf, bad input, injected faults and resumption.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModuleManifest) -Force
    $script:Emu = Start-TestEmulator
    $script:Sub = Get-ScenarioSubscriptionId
    $script:ProdId = Get-ScenarioAccountId -ResourceGroupName rg-ai-prod -Name contoso-openai-prod
    $script:AiServicesId = Get-ScenarioAccountId -ResourceGroupName rg-ai-prod -Name contoso-aiservices
    $script:Network = "/subscriptions/$($script:Sub)/resourceGroups/rg-network/providers/Microsoft.Network"
    $script:VnetId = "$($script:Network)/virtualNetworks/vnet-ai-prod"
    $script:SubnetId = "$($script:VnetId)/subnets/snet-private-endpoints"
    $script:Zones = "/subscriptions/$($script:Sub)/resourceGroups/rg-network/providers/Microsoft.Network/privateDnsZones"

    function Get-Subnet([string] $Id = $script:SubnetId) { Invoke-EmulatorArm -Method GET -Path $Id -ApiVersion '2025-07-01' }
}
AfterAll { Stop-TestEmulator }

Describe 'New-AoaiPrivateEndpoint' {
    BeforeEach {
        Reset-TestEmulator
        Connect-TestEmulator | Out-Null
        Clear-EmulatorRequest
    }

    It 'creates the endpoint, the zones for the kind, their links and the zone group; the account shows an approved connection' {
        $pe = Get-AoaiAccount -ResourceGroupName rg-ai-prod -Name contoso-openai-prod | New-AoaiPrivateEndpoint -SubnetId $script:SubnetId -PassThru

        $pe.Name | Should -Be 'pe-contoso-openai-prod'
        $pe.PrivateEndpointId | Should -Be "$($script:Network)/privateEndpoints/pe-contoso-openai-prod"
        $pe.ConnectionStatus | Should -Be 'Approved'
        $pe.SubnetId | Should -Be $script:SubnetId
        $pe.VirtualNetworkId | Should -Be $script:VnetId
        $pe.PrivateIpAddresses.Count | Should -BeGreaterOrEqual 1
        $pe.PrivateIpAddresses | ForEach-Object { $_ | Should -BeLike '10.20.1.*' }
        $pe.Fqdns | Should -Contain 'contoso-openai-prod.openai.azure.com'
        ($pe.PrivateDnsZoneIds | ForEach-Object { $_.Split('/')[-1] } | Sort-Object) |
            Should -Be @('privatelink.cognitiveservices.azure.com', 'privatelink.openai.azure.com')
        $record = $pe.DnsRecords | Where-Object ZoneName -eq 'privatelink.openai.azure.com'
        $record.RecordSetName | Should -Be 'contoso-openai-prod'
        $record.IpAddresses | Should -Be $pe.PrivateIpAddresses[0]
        $pe.Changes.Count | Should -Be 6

        $writes = @(Get-EmulatorWrite)
        $writes.Count | Should -Be 6
        @($writes | Where-Object method -ne 'PUT').Count | Should -Be 0
        $endpointPut = $writes | Where-Object path -eq $pe.PrivateEndpointId
        $endpointPut.body.location | Should -Be 'eastus'
        $endpointPut.body.properties.subnet.id | Should -Be $script:SubnetId
        $connection = $endpointPut.body.properties.privateLinkServiceConnections[0].properties
        $connection.privateLinkServiceId | Should -Be $script:ProdId
        $connection.groupIds | Should -Be @('account')
        foreach ($zone in 'privatelink.openai.azure.com', 'privatelink.cognitiveservices.azure.com') {
            ($writes | Where-Object path -eq "$($script:Zones)/$zone").body.location | Should -Be 'global'
            $link = $writes | Where-Object path -like "$($script:Zones)/$zone/virtualNetworkLinks/*"
            $link.body.properties.registrationEnabled | Should -BeFalse
            $link.body.properties.virtualNetwork.id | Should -Be $script:VnetId
        }
        $group = $writes | Where-Object path -eq "$($pe.PrivateEndpointId)/privateDnsZoneGroups/default"
        $group.body.properties.privateDnsZoneConfigs.Count | Should -Be 2
        # The endpoint was created before anything that names it; its LRO was followed, not assumed.
        [array]::IndexOf(@($writes.path), $pe.PrivateEndpointId) | Should -Be 0
        @(Get-EmulatorRequest -Method GET -PathLike '*/operations/*').Count + @(Get-EmulatorRequest -Method GET -PathLike '*operationStatuses*').Count +
            @(Get-EmulatorRequest -Method GET -PathLike '*operationResults*').Count | Should -BeGreaterOrEqual 1

        $account = Get-AoaiAccount -ResourceGroupName rg-ai-prod -Name contoso-openai-prod
        ($account.PrivateEndpointConnections | Where-Object PrivateEndpointId -eq $pe.PrivateEndpointId).Status | Should -Be 'Approved'
    }

    It 'writes nothing when everything is in place, and still reports the endpoint' {
        New-AoaiPrivateEndpoint -ResourceId $script:ProdId -SubnetId $script:SubnetId | Out-Null
        Clear-EmulatorRequest

        $again = New-AoaiPrivateEndpoint -ResourceId $script:ProdId -SubnetId $script:SubnetId -PassThru

        @(Get-EmulatorWrite).Count | Should -Be 0
        $again.Changes.Count | Should -Be 0
        $again.ConnectionStatus | Should -Be 'Approved'
        $again.DnsRecords.Count | Should -BeGreaterOrEqual 2
    }

    It 'reuses zones and links other endpoints made, and adds the AI Services zone for kind AIServices' {
        $prod = New-AoaiPrivateEndpoint -ResourceId $script:ProdId -SubnetId $script:SubnetId -PassThru
        Clear-EmulatorRequest

        $pe = New-AoaiPrivateEndpoint -ResourceGroupName rg-ai-prod -Name contoso-aiservices -VirtualNetworkName vnet-ai-prod -SubnetName snet-private-endpoints `
            -NetworkResourceGroupName rg-network -PassThru

        $writes = @(Get-EmulatorWrite)
        @($writes.path) | Should -Be @(
            "$($script:Network)/privateEndpoints/pe-contoso-aiservices",
            "$($script:Zones)/privatelink.services.ai.azure.com",
            ($writes | Where-Object path -like "$($script:Zones)/privatelink.services.ai.azure.com/virtualNetworkLinks/*").path,
            "$($script:Network)/privateEndpoints/pe-contoso-aiservices/privateDnsZoneGroups/default")
        $pe.PrivateDnsZoneIds.Count | Should -Be 3
        $pe.PrivateIpAddresses | Should -Not -Contain $prod.PrivateIpAddresses[0]
        ($pe.DnsRecords | Where-Object ZoneName -eq 'privatelink.services.ai.azure.com').RecordSetName | Should -Be 'contoso-aiservices'
    }

    It 'reuses an endpoint that already serves the account from the subnet, whatever its name, and only adds its DNS' {
        $endpointId = "$($script:Network)/privateEndpoints/pe-made-in-portal"
        Invoke-EmulatorArm -Method PUT -Path $endpointId -ApiVersion '2025-07-01' -Body @{
            location   = 'eastus'
            properties = @{
                subnet                          = @{ id = $script:SubnetId }
                privateLinkServiceConnections   = @(@{ name = 'portal'; properties = @{ privateLinkServiceId = $script:ProdId; groupIds = @('account') } })
            }
        } | Out-Null
        Clear-EmulatorRequest

        $pe = New-AoaiPrivateEndpoint -ResourceId $script:ProdId -SubnetId $script:SubnetId -PassThru

        $pe.Name | Should -Be 'pe-made-in-portal'
        @(Get-EmulatorWrite -PathLike '*/privateEndpoints/*' | Where-Object path -notlike '*/privateDnsZoneGroups/*').Count | Should -Be 0
        @(Get-EmulatorWrite -PathLike "$endpointId/privateDnsZoneGroups/default").Count | Should -Be 1
    }

    It 'writes nothing under -WhatIf' {
        New-AoaiPrivateEndpoint -ResourceId $script:ProdId -SubnetId $script:SubnetId -WhatIf
        @(Get-EmulatorWrite).Count | Should -Be 0
    }

    It 'refuses bad input before any request' {
        { New-AoaiPrivateEndpoint -ResourceId $script:ProdId -SubnetId 'snet-private-endpoints' } | Should -Throw -ErrorId 'AoaiHardening.PrivateEndpoint.InvalidSubnetId,*'
        { New-AoaiPrivateEndpoint -ResourceId $script:ProdId } | Should -Throw -ErrorId 'AoaiHardening.PrivateEndpoint.SubnetRequired,*'
        { New-AoaiPrivateEndpoint -ResourceId $script:ProdId -SubnetId $script:SubnetId -VirtualNetworkName vnet-ai-prod -SubnetName x } |
            Should -Throw -ErrorId 'AoaiHardening.PrivateEndpoint.AmbiguousSubnet,*'
        { New-AoaiPrivateEndpoint -ResourceId $script:ProdId -SubnetId $script:SubnetId -PrivateDnsZoneName 'https://privatelink.openai.azure.com' } |
            Should -Throw -ErrorId 'AoaiHardening.PrivateEndpoint.InvalidDnsZone,*'
        { New-AoaiPrivateEndpoint -ResourceId $script:ProdId -SubnetId $script:SubnetId -PrivateEndpointName 'pe with spaces' } |
            Should -Throw -ErrorId 'AoaiHardening.PrivateEndpoint.InvalidName,*'
        @(Get-EmulatorRequest).Count | Should -Be 0
    }

    It 'refuses a missing subnet, an account without a custom subdomain, and a cloud with no listed zones, before any write' {
        New-AoaiPrivateEndpoint -ResourceId $script:ProdId -SubnetId "$($script:VnetId)/subnets/snet-missing" -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.PrivateEndpoint.SubnetNotFound,*'

        $bareId = Get-ScenarioAccountId -ResourceGroupName rg-ai-prod -Name contoso-bare
        Invoke-EmulatorArm -Method PUT -Path $bareId -ApiVersion '2025-09-01' -Body @{ location = 'eastus'; kind = 'OpenAI'; sku = @{ name = 'S0' }; properties = @{} } | Out-Null
        Clear-EmulatorRequest
        New-AoaiPrivateEndpoint -ResourceId $bareId -SubnetId $script:SubnetId -ErrorVariable err2 -ErrorAction SilentlyContinue
        $err2[0].FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.PrivateEndpoint.NoCustomSubdomain,*'
        $err2[0].Exception.Message | Should -Match 'AOAI-NET-005'

        $token = ConvertTo-SecureString (Get-TestAccessToken).Arm -AsPlainText -Force
        Connect-AoaiHardening -Environment AzureChinaCloud -ArmEndpoint $script:Emu.Url -AccessToken $token -SubscriptionId $script:Sub | Out-Null
        New-AoaiPrivateEndpoint -ResourceId $script:ProdId -SubnetId $script:SubnetId -ErrorVariable err3 -ErrorAction SilentlyContinue
        $err3[0].FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.PrivateEndpoint.DnsZoneRequired,*'
        $err3[0].Exception.Message | Should -Match '-PrivateDnsZoneName'
        @(Get-EmulatorWrite).Count | Should -Be 0

        # With the zone named, the same command goes through in that cloud.
        $pe = New-AoaiPrivateEndpoint -ResourceId $script:ProdId -SubnetId $script:SubnetId -PrivateDnsZoneName 'privatelink.openai.azure.cn' -PassThru
        $pe.PrivateDnsZoneIds | Should -Be @("$($script:Zones)/privatelink.openai.azure.cn")
    }

    It 'reuses a DNS link that appeared while its create was in flight (412 on If-None-Match), instead of failing' {
        # The link's create is held for 3 s; meanwhile the same link is made, as a lost-and-retried PUT would have made it.
        Add-EmulatorFault -PathLike '/virtualNetworkLinks/' -Method PUT -Kind latency -LatencyMs 3000 -Count 1
        $sha = [Security.Cryptography.SHA256]::Create()
        $hash = $sha.ComputeHash([Text.Encoding]::UTF8.GetBytes($script:VnetId.ToLowerInvariant()))
        $linkName = 'vnet-ai-prod-' + (-join ($hash[0..3] | ForEach-Object { $_.ToString('x2') }))
        $run = Start-TestCommand New-AoaiPrivateEndpoint @{ ResourceId = $script:ProdId; SubnetId = $script:SubnetId; PassThru = $true; Verbose = $true }
        try {
            $deadline = [DateTime]::UtcNow.AddSeconds(60)
            while (@((Invoke-EmulatorControl -Path 'faults').value).Count -gt 0 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20 }
            @((Invoke-EmulatorControl -Path 'faults').value).Count | Should -Be 0 -Because 'the link create has arrived and is held'
            $made = 0
            foreach ($zone in 'privatelink.openai.azure.com', 'privatelink.cognitiveservices.azure.com') {
                try {
                    Invoke-EmulatorArm -Method PUT -Path "$($script:Zones)/$zone/virtualNetworkLinks/$linkName" -ApiVersion '2024-06-01' -Body @{
                        location = 'global'; properties = @{ virtualNetwork = @{ id = $script:VnetId }; registrationEnabled = $false } } | Out-Null
                    $made++
                }
                catch { } # the second zone may not exist yet: the cmdlet creates it after the first link
            }
            $made | Should -BeGreaterOrEqual 1
            $pe = $run.PowerShell.EndInvoke($run.Invocation)
        }
        finally { $run.PowerShell.Dispose() }

        @($run.PowerShell.Streams.Error) | Should -BeNullOrEmpty
        $pe.ConnectionStatus | Should -Be 'Approved'
        @(Get-EmulatorRequest -Method PUT -PathLike '*/virtualNetworkLinks/*' | Where-Object status -eq 412).Count | Should -BeGreaterOrEqual 1
        @($run.PowerShell.Streams.Verbose | Where-Object { "$_" -match 'already linked to .vnet-ai-prod.; reusing the link' }).Count | Should -BeGreaterOrEqual 1
        foreach ($zone in 'privatelink.openai.azure.com', 'privatelink.cognitiveservices.azure.com') {
            @((Invoke-EmulatorArm -Method GET -Path "$($script:Zones)/$zone/virtualNetworkLinks" -ApiVersion '2024-06-01').value).Count | Should -Be 1
        }
    }

    It 'reports a failed step with what was done before it, and a re-run completes it with one write' {
        Add-EmulatorFault -PathLike '/privateDnsZoneGroups/default' -Method PUT -Status 500 -Code InternalServerError -Count 20 -RetryAfter 0

        New-AoaiPrivateEndpoint -ResourceId $script:ProdId -SubnetId $script:SubnetId -ErrorVariable err -ErrorAction SilentlyContinue

        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.PrivateEndpoint.DnsZoneGroupFailed,*'
        $err[0].CategoryInfo.Category | Should -Be 'ResourceUnavailable'
        $err[0].Exception.Message | Should -Match "contoso-openai-prod"
        $err[0].Exception.Message | Should -Match 'Done before it: create private endpoint'
        $err[0].Exception.Message | Should -Match 'Re-run'

        Invoke-EmulatorControl -Path 'faults' -Method DELETE | Out-Null
        Clear-EmulatorRequest
        $pe = New-AoaiPrivateEndpoint -ResourceId $script:ProdId -SubnetId $script:SubnetId -PassThru
        @((Get-EmulatorWrite).path) | Should -Be @("$($pe.PrivateEndpointId)/privateDnsZoneGroups/default")
        $pe.DnsRecords.Count | Should -BeGreaterOrEqual 2
    }
}

Describe 'Protect-AoaiPrivateEndpointSubnet' {
    BeforeEach {
        Reset-TestEmulator
        Connect-TestEmulator | Out-Null
        New-AoaiPrivateEndpoint -ResourceId $script:ProdId -SubnetId $script:SubnetId | Out-Null
        Clear-EmulatorRequest
    }

    It 'creates and associates an NSG with the guide''s rules and turns on network policies for private endpoints' {
        $before = Get-Subnet
        $result = Get-AoaiAccount -ResourceGroupName rg-ai-prod -Name contoso-openai-prod |
            Protect-AoaiPrivateEndpointSubnet -AllowedSourcePrefix 10.20.2.0/24, 10.20.3.0/24 -PassThru

        $nsgId = "$($script:Network)/networkSecurityGroups/nsg-snet-private-endpoints"
        $result.NetworkSecurityGroupId | Should -Be $nsgId
        $result.PrivateEndpointNetworkPolicies | Should -Be 'NetworkSecurityGroupEnabled'
        $inbound = @($result.SecurityRules | Where-Object Direction -eq 'Inbound' | Sort-Object Priority)
        $inbound.Priority | Should -Be @(100, 101, 4096)
        $inbound[0].SourceAddressPrefixes | Should -Be @('10.20.2.0/24')
        $inbound[0].DestinationPortRanges | Should -Be @('443')
        $inbound[0].Protocol | Should -Be 'Tcp'
        $inbound[0].Access | Should -Be 'Allow'
        $inbound[2].Access | Should -Be 'Deny'
        $inbound[2].SourceAddressPrefixes | Should -Be @('*')

        $writes = @(Get-EmulatorWrite)
        @($writes.path) | Should -Be @($nsgId, $script:SubnetId)
        $subnetPut = $writes[1].body
        $subnetPut.properties.networkSecurityGroup.id | Should -Be $nsgId
        $subnetPut.properties.addressPrefix | Should -Be $before.properties.addressPrefix
        $after = Get-Subnet
        $after.properties.networkSecurityGroup.id | Should -Be $nsgId
        $after.properties.privateEndpointNetworkPolicies | Should -Be 'NetworkSecurityGroupEnabled'
    }

    It 'writes nothing the second time, and adds only the missing rule at the next free priority when a range is added' {
        Protect-AoaiPrivateEndpointSubnet -SubnetId $script:SubnetId -AllowedSourcePrefix 10.20.2.0/24 | Out-Null
        Clear-EmulatorRequest

        Protect-AoaiPrivateEndpointSubnet -SubnetId $script:SubnetId -AllowedSourcePrefix 10.20.2.0/24
        @(Get-EmulatorWrite).Count | Should -Be 0

        $result = Protect-AoaiPrivateEndpointSubnet -SubnetId $script:SubnetId -AllowedSourcePrefix 10.20.2.0/24, 10.20.3.0/24 -PassThru
        $writes = @(Get-EmulatorWrite)
        $writes.Count | Should -Be 1
        $writes[0].path | Should -BeLike '*/networkSecurityGroups/nsg-snet-private-endpoints/securityRules/Allow-Https-From-10-20-3-0_24'
        $writes[0].body.properties.priority | Should -Be 101
        @($result.SecurityRules | Where-Object Direction -eq 'Inbound').Count | Should -Be 3
    }

    It 'keeps unrelated rules of an existing NSG, skips taken priorities and warns about a rule that lets everyone in' {
        $nsgId = "$($script:Network)/networkSecurityGroups/nsg-shared"
        Invoke-EmulatorArm -Method PUT -Path $nsgId -ApiVersion '2025-07-01' -Body @{
            location   = 'eastus'
            properties = @{ securityRules = @(
                @{ name = 'Allow-Bastion'; properties = @{ protocol = 'Tcp'; sourcePortRange = '*'; destinationPortRange = '22'; sourceAddressPrefix = '10.20.9.0/24'; destinationAddressPrefix = '*'; access = 'Allow'; priority = 100; direction = 'Inbound' } }
                @{ name = 'Allow-Legacy'; properties = @{ protocol = '*'; sourcePortRange = '*'; destinationPortRange = '*'; sourceAddressPrefix = 'Internet'; destinationAddressPrefix = '*'; access = 'Allow'; priority = 200; direction = 'Inbound' } }
                @{ name = 'Deny-Everything'; properties = @{ protocol = '*'; sourcePortRange = '*'; destinationPortRange = '*'; sourceAddressPrefix = '*'; destinationAddressPrefix = '*'; access = 'Deny'; priority = 4000; direction = 'Inbound' } }
            ) }
        } | Out-Null
        $subnet = Get-Subnet
        $subnet.properties | Add-Member -NotePropertyName networkSecurityGroup -NotePropertyValue @{ id = $nsgId } -Force
        Invoke-EmulatorArm -Method PUT -Path $script:SubnetId -ApiVersion '2025-07-01' -Body $subnet | Out-Null
        Clear-EmulatorRequest

        $result = Protect-AoaiPrivateEndpointSubnet -SubnetId $script:SubnetId -AllowedSourcePrefix 10.20.2.0/24 -PassThru -WarningVariable warnings -WarningAction SilentlyContinue

        $writes = @(Get-EmulatorWrite)
        $rulePut = $writes | Where-Object path -like '*/securityRules/*'
        @($rulePut).Count | Should -Be 1 # the existing Deny-Everything counts as the deny-all rule
        $rulePut.body.properties.priority | Should -Be 101
        @($result.SecurityRules.Name) | Should -Contain 'Allow-Bastion'
        @($result.SecurityRules.Name) | Should -Contain 'Allow-Legacy'
        ($warnings -join ' ') | Should -Match 'Allow-Legacy'
        # The association stays; only the network policy changes on the subnet.
        ($writes | Where-Object path -eq $script:SubnetId).body.properties.networkSecurityGroup.id | Should -Be $nsgId
    }

    It 'refuses when priority 4096 holds another rule, before any write' {
        $appSubnetId = "$($script:VnetId)/subnets/snet-app"
        $nsgId = "$($script:Network)/networkSecurityGroups/nsg-app"
        Invoke-EmulatorArm -Method PUT -Path $nsgId -ApiVersion '2025-07-01' -Body @{
            location   = 'eastus'
            properties = @{ securityRules = @(
                @{ name = 'Allow-Monitoring'; properties = @{ protocol = 'Tcp'; sourcePortRange = '*'; destinationPortRange = '443'; sourceAddressPrefix = '10.30.0.0/16'; destinationAddressPrefix = '*'; access = 'Allow'; priority = 4096; direction = 'Inbound' } }
            ) }
        } | Out-Null
        $subnet = Get-Subnet $appSubnetId
        $subnet.properties | Add-Member -NotePropertyName networkSecurityGroup -NotePropertyValue @{ id = $nsgId } -Force
        Invoke-EmulatorArm -Method PUT -Path $appSubnetId -ApiVersion '2025-07-01' -Body $subnet | Out-Null
        Clear-EmulatorRequest

        Protect-AoaiPrivateEndpointSubnet -SubnetId $appSubnetId -AllowedSourcePrefix 10.20.2.0/24 -ErrorVariable err -ErrorAction SilentlyContinue

        $err[0].FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.Nsg.PriorityInUse,*'
        $err[0].Exception.Message | Should -Match 'Allow-Monitoring'
        @(Get-EmulatorWrite).Count | Should -Be 0
    }

    It 'takes the subnet from New-AoaiPrivateEndpoint -PassThru down the pipeline' {
        New-AoaiPrivateEndpoint -ResourceId $script:ProdId -SubnetId $script:SubnetId -PassThru |
            Protect-AoaiPrivateEndpointSubnet -AllowedSourcePrefix 10.20.2.0/24
        (Get-Subnet).properties.networkSecurityGroup.id | Should -BeLike '*/nsg-snet-private-endpoints'
    }

    It 'writes nothing under -WhatIf' {
        Protect-AoaiPrivateEndpointSubnet -ResourceId $script:ProdId -AllowedSourcePrefix 10.20.2.0/24 -WhatIf
        @(Get-EmulatorWrite).Count | Should -Be 0
    }

    It 'refuses bad prefixes and ids before any request' {
        { Protect-AoaiPrivateEndpointSubnet -SubnetId $script:SubnetId -AllowedSourcePrefix 10.20.2.7/24 } | Should -Throw -ErrorId 'AoaiHardening.Nsg.InvalidSourcePrefix,*'
        { Protect-AoaiPrivateEndpointSubnet -SubnetId $script:SubnetId -AllowedSourcePrefix 0.0.0.0/0 } | Should -Throw -ErrorId 'AoaiHardening.Nsg.BroadSourcePrefix,*'
        { Protect-AoaiPrivateEndpointSubnet -SubnetId $script:SubnetId -AllowedSourcePrefix 'fd00::/8' } | Should -Throw -ErrorId 'AoaiHardening.Nsg.InvalidSourcePrefix,*'
        { Protect-AoaiPrivateEndpointSubnet -SubnetId $script:VnetId -AllowedSourcePrefix 10.20.2.0/24 } | Should -Throw -ErrorId 'AoaiHardening.Nsg.InvalidSubnetId,*'
        @(Get-EmulatorRequest).Count | Should -Be 0
    }

    It 'says an account without a private endpoint has no subnet to protect' {
        Protect-AoaiPrivateEndpointSubnet -ResourceId (Get-ScenarioAccountId -ResourceGroupName rg-ai-dev -Name contoso-openai-dev) -AllowedSourcePrefix 10.20.2.0/24 -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.Nsg.NoPrivateEndpoint,*'
        $err[0].Exception.Message | Should -Match 'New-AoaiPrivateEndpoint'
        @(Get-EmulatorWrite).Count | Should -Be 0
    }

    It 'reports a failed subnet update after the NSG was created, and a re-run completes with the subnet write only' {
        Add-EmulatorFault -PathLike '/subnets/snet-private-endpoints' -Method PUT -Status 500 -Code InternalServerError -Count 20 -RetryAfter 0

        Protect-AoaiPrivateEndpointSubnet -SubnetId $script:SubnetId -AllowedSourcePrefix 10.20.2.0/24 -ErrorVariable err -ErrorAction SilentlyContinue

        $err[0].FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.Nsg.SubnetUpdateFailed,*'
        $err[0].Exception.Message | Should -Match "Done before it: create network security group 'nsg-snet-private-endpoints'"
        Invoke-EmulatorControl -Path 'faults' -Method DELETE | Out-Null
        Clear-EmulatorRequest
        Protect-AoaiPrivateEndpointSubnet -SubnetId $script:SubnetId -AllowedSourcePrefix 10.20.2.0/24
        @((Get-EmulatorWrite).path) | Should -Be @($script:SubnetId)
        (Get-Subnet).properties.networkSecurityGroup.id | Should -BeLike '*/nsg-snet-private-endpoints'
    }
}
