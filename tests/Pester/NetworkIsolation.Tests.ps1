# The full-isolation scenario of issue 5, against the ARM emulator: a public account goes through the hardening guide's
# network phase (public access off, private endpoint with private DNS, NSG on the endpoint subnet, outbound allow-list)
# and then passes every NET rule of the Strict baseline; the whole scenario run again writes nothing. The same end state
# is reached from the findings with Repair-AoaiHardening.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModuleManifest) -Force
    $script:Emu = Start-TestEmulator
    $script:Sub = Get-ScenarioSubscriptionId
    $script:SubnetId = "/subscriptions/$($script:Sub)/resourceGroups/rg-network/providers/Microsoft.Network/virtualNetworks/vnet-ai-prod/subnets/snet-private-endpoints"

    function Get-NetFinding {
        Get-AoaiAccount -ResourceGroupName rg-ai-prod -Name contoso-openai-prod | Test-AoaiHardening -Baseline Strict -Rule 'AOAI-NET-*'
    }

    function Invoke-Isolation {
        $account = Get-AoaiAccount -ResourceGroupName rg-ai-prod -Name contoso-openai-prod
        $account | Disable-AoaiPublicNetworkAccess -AllowTrustedAzureServices -WarningAction SilentlyContinue
        $account | New-AoaiPrivateEndpoint -SubnetId $script:SubnetId -PassThru |
            Protect-AoaiPrivateEndpointSubnet -AllowedSourcePrefix 10.20.2.0/24, 10.20.3.0/24
        $account | Set-AoaiOutboundAccess -AllowedFqdn 'contoso-search.search.windows.net' -WarningAction SilentlyContinue
    }
}
AfterAll { Stop-TestEmulator }

Describe 'Full network isolation of a public account' {
    BeforeEach {
        Reset-TestEmulator
        Connect-TestEmulator | Out-Null
    }

    It 'starts public: the NET rules that need isolation fail' {
        $before = @(Get-NetFinding)
        $failing = @($before | Where-Object Status -eq 'Fail' | ForEach-Object RuleId | Sort-Object)
        $failing | Should -Be @('AOAI-NET-001', 'AOAI-NET-002', 'AOAI-NET-003', 'AOAI-NET-006')
        ($before | Where-Object RuleId -eq 'AOAI-NET-007').Status | Should -Be 'NotApplicable'
    }

    It 'Disable, New-AoaiPrivateEndpoint, Protect and Set-AoaiOutboundAccess make every Strict NET rule pass; running it again writes nothing' {
        Clear-EmulatorRequest
        Invoke-Isolation
        @(Get-EmulatorWrite).Count | Should -BeGreaterThan 0

        $after = @(Get-NetFinding)
        $after.Count | Should -Be 7
        foreach ($finding in $after) { $finding.Status | Should -Be 'Pass' -Because "$($finding.RuleId): $($finding.Message)" }

        $account = Get-AoaiAccount -ResourceGroupName rg-ai-prod -Name contoso-openai-prod
        $account.PublicNetworkAccess | Should -Be 'Disabled'
        $account.NetworkDefaultAction | Should -Be 'Deny'
        $account.NetworkBypass | Should -Be 'AzureServices'
        $subnet = Invoke-EmulatorArm -Method GET -Path $script:SubnetId -ApiVersion '2025-07-01'
        $subnet.properties.networkSecurityGroup.id | Should -BeLike '*/networkSecurityGroups/nsg-snet-private-endpoints'

        Clear-EmulatorRequest
        Invoke-Isolation
        @(Get-EmulatorWrite).Count | Should -Be 0
    }

    It 'Repair-AoaiHardening reaches the same state from the Strict findings, given the subnet and the allowed FQDNs' {
        $results = @(Get-NetFinding | Repair-AoaiHardening -SubnetId $script:SubnetId -AllowedFqdn 'contoso-search.search.windows.net' -WarningAction SilentlyContinue)
        @($results | Where-Object Status -eq 'Failed').Count | Should -Be 0
        @(Get-NetFinding | Where-Object Status -ne 'Pass' | ForEach-Object { "$($_.RuleId) $($_.Status): $($_.Message)" }) | Should -BeNullOrEmpty
        # The private endpoint came with its DNS: NET-007 passes on the first evaluation after the repair.
        (Get-NetFinding | Where-Object RuleId -eq 'AOAI-NET-007').Status | Should -Be 'Pass'
    }

    It 'finds an endpoint without private DNS (NET-007) and Repair adds the DNS to that endpoint' {
        $endpointId = "/subscriptions/$($script:Sub)/resourceGroups/rg-network/providers/Microsoft.Network/privateEndpoints/pe-no-dns"
        Invoke-EmulatorArm -Method PUT -Path $endpointId -ApiVersion '2025-07-01' -Body @{
            location   = 'eastus'
            properties = @{
                subnet                        = @{ id = $script:SubnetId }
                privateLinkServiceConnections = @(@{ name = 'c'; properties = @{ privateLinkServiceId = (Get-ScenarioAccountId -ResourceGroupName rg-ai-prod -Name contoso-openai-prod); groupIds = @('account') } })
            }
        } | Out-Null

        $finding = Get-NetFinding | Where-Object RuleId -eq 'AOAI-NET-007'
        $finding.Status | Should -Be 'Fail'
        $finding.Evidence['SubnetId'] | Should -Be $script:SubnetId
        $finding.Remediation | Should -Match ([regex]::Escape("-SubnetId '$($script:SubnetId)'"))

        Clear-EmulatorRequest
        $finding | Repair-AoaiHardening -WarningAction SilentlyContinue | Out-Null
        @((Get-EmulatorWrite -PathLike '*/privateEndpoints/*' | Where-Object path -notlike '*/privateDnsZoneGroups/*')).Count | Should -Be 0
        @(Get-EmulatorWrite -PathLike "$endpointId/privateDnsZoneGroups/default").Count | Should -Be 1
        (Get-NetFinding | Where-Object RuleId -eq 'AOAI-NET-007').Status | Should -Be 'Pass'
    }
}
