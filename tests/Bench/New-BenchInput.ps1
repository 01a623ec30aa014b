<#
.SYNOPSIS
    Writes a deterministic ARM REST list response ({"value": [...]}) of Cognitive Services accounts for the benchmark
    and returns what Test-AoaiHardening -Baseline Strict must find in it.
.DESCRIPTION
    Accounts are shaped like the official Microsoft.CognitiveServices examples (id, name, type, location, sku, kind,
    tags, etag, identity, systemData, properties with endpoint(s), capabilities, encryption, networkAcls and embedded
    privateEndpointConnections). The same index always yields the same account, so runs compare across machines.

    The mix repeats every 400 accounts: kinds OpenAI 45 %, AIServices 35 %, other kinds 20 % (out of scope without
    -IncludeAllKinds, so they yield no finding); security profiles from fully hardened to portal defaults. Each profile
    states the status every Strict rule gives it, and the expectation returned is summed from those statuses, so the
    benchmark also checks that the engine still says what the generator implies.
.OUTPUTS
    An object: Path, Bytes, Accounts, InScope, Kinds, Profiles, Expected (Findings, Pass, Fail, NotApplicable,
    NotEvaluated, Error, Waived, and ByRule: "RuleId/Status" -> count).
#>
param(
    [Parameter(Mandatory)][string] $Path,
    [ValidateRange(1, 1000000)][int] $Count = 10000
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

# The rules the Strict baseline evaluates, in catalog order. A profile lists their statuses in this order;
# ENC-005 is the only kind-dependent one (OpenAI only), so it is given per kind.
$StrictRules = 'AOAI-NET-001', 'AOAI-NET-002', 'AOAI-NET-003', 'AOAI-NET-004', 'AOAI-NET-005', 'AOAI-NET-006',
    'AOAI-IAM-001', 'AOAI-IAM-002', 'AOAI-ENC-001', 'AOAI-ENC-005'
$InScopeKinds = 'OpenAI', 'AIServices'

# The Strict rules that read related resources (role assignments, key vaults and keys, private endpoints, deployments
# and RAI policies, diagnostic settings, alert rules, Defender settings). The input holds accounts only, so each gives
# NotEvaluated where it applies: '*' = every profile, else the profiles listed; NotApplicable for the others.
$RelatedRules = [ordered]@{
    'AOAI-NET-007' = @('Hardened')                     # only an approved private endpoint needs its DNS checked
    'AOAI-IAM-003' = '*'
    'AOAI-IAM-004' = '*'
    'AOAI-ENC-002' = @('Hardened', 'CmkUserAssigned')  # the vault and key rules apply to customer-managed keys only
    'AOAI-ENC-003' = @('Hardened', 'CmkUserAssigned')
    'AOAI-ENC-004' = @('Hardened', 'CmkUserAssigned')
    'AOAI-CSF-001' = '*'
    'AOAI-CSF-002' = '*'
    'AOAI-CSF-003' = '*'
    'AOAI-CSF-004' = '*'
    'AOAI-CSF-005' = '*'
    'AOAI-MON-001' = '*'
    'AOAI-MON-002' = '*'
    'AOAI-MON-003' = '*'
}

# Kind by index modulo 20; profile by (index / 20) modulo 20: together every combination repeats every 400 accounts.
$KindSlots = @('OpenAI') * 9 + @('AIServices') * 7 + @('TextAnalytics', 'SpeechServices', 'FormRecognizer', 'ComputerVision')
$ProfileSlots = @('Hardened') * 6 + @('PortalDefault') * 6 + @('SelectedNetworks') * 3 + @('Legacy') * 3 + @('CmkUserAssigned') * 2
$Locations = 'eastus', 'eastus2', 'swedencentral', 'westeurope', 'francecentral', 'japaneast', 'australiaeast', 'canadaeast'
$Teams = 'search', 'support', 'finance', 'hr', 'legal', 'marketing', 'data', 'platform', 'risk', 'sales'

# P = Pass, F = Fail, N = NotApplicable; the last column is ENC-005 for OpenAI / for AIServices.
$Profiles = @{
    Hardened         = @{ Statuses = 'P P P P P P P P P'; Enc005 = @{ OpenAI = 'P'; AIServices = 'N' } }
    PortalDefault    = @{ Statuses = 'F F F P P F F F F'; Enc005 = @{ OpenAI = 'N'; AIServices = 'N' } }
    SelectedNetworks = @{ Statuses = 'P F F F P F P P F'; Enc005 = @{ OpenAI = 'N'; AIServices = 'N' } }
    Legacy           = @{ Statuses = 'F F F P F F F F F'; Enc005 = @{ OpenAI = 'N'; AIServices = 'N' } }
    CmkUserAssigned  = @{ Statuses = 'P P F P P F P P P'; Enc005 = @{ OpenAI = 'F'; AIServices = 'N' } }
}
$StatusNames = @{ P = 'Pass'; F = 'Fail'; N = 'NotApplicable'; E = 'NotEvaluated' }

function New-PrivateEndpointConnection([string] $AccountId, [string] $Name, [string] $Status) {
    $resourceGroupId = $AccountId.Substring(0, $AccountId.IndexOf('/providers/'))
    [ordered]@{
        id         = "$AccountId/privateEndpointConnections/$Name"
        name       = $Name
        type       = 'Microsoft.CognitiveServices/accounts/privateEndpointConnections'
        properties = [ordered]@{
            privateEndpoint                   = @{ id = "$resourceGroupId/providers/Microsoft.Network/privateEndpoints/pe-$Name" }
            groupIds                          = @('account')
            privateLinkServiceConnectionState = [ordered]@{
                status          = $Status
                description     = if ($Status -eq 'Approved') { 'Auto-Approved' } else { 'Awaiting approval by the account owner' }
                actionsRequired = 'None'
            }
            provisioningState                 = 'Succeeded'
        }
    }
}

function New-BenchAccount([int] $Index) {
    $kind = $KindSlots[$Index % 20]
    $profileName = $ProfileSlots[[Math]::Floor($Index / 20) % 20]
    $subscription = '{0:x8}-be0c-4a0e-8000-00000000b00c' -f ($Index % 4)
    $team = $Teams[$Index % $Teams.Count]
    $group = "rg-ai-$team-$(('prod', 'dev', 'test')[$Index % 3])-$('{0:D2}' -f ($Index % 50))"
    $prefix = @{ OpenAI = 'oai'; AIServices = 'ais'; TextAnalytics = 'lang'; SpeechServices = 'speech'; FormRecognizer = 'docint'; ComputerVision = 'vision' }[$kind]
    $name = '{0}-{1}-{2:D5}' -f $prefix, $team, $Index
    $location = $Locations[$Index % $Locations.Count]
    $id = "/subscriptions/$subscription/resourceGroups/$group/providers/Microsoft.CognitiveServices/accounts/$name"
    $created = [DateTime]::new(2024, 1, 1, 0, 0, 0, [DateTimeKind]::Utc).AddMinutes(37 * $Index)
    $tenant = '72f988bf-86f1-41af-91ab-2d7cd011db47'
    $principal = '{0:x8}-a5c2-42c7-802f-592e0efb169f' -f $Index
    $uami = "/subscriptions/$subscription/resourceGroups/$group/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-$name"

    $endpoint = if ($kind -eq 'OpenAI') { "https://$name.openai.azure.com/" } else { "https://$name.cognitiveservices.azure.com/" }
    $properties = [ordered]@{ endpoint = $endpoint }
    if ($kind -in $InScopeKinds) {
        $properties.endpoints = [ordered]@{
            'OpenAI Language Model Instance API' = "https://$name.openai.azure.com/"
            'OpenAI Dall-E API'                  = "https://$name.openai.azure.com/"
            'OpenAI Realtime API'                = "https://$name.openai.azure.com/"
            'Token Service API'                  = "https://$name.cognitiveservices.azure.com/"
        }
    }
    $properties.capabilities = @(
        @{ name = 'VirtualNetworks' }, @{ name = 'CustomerManagedKey' }, [ordered]@{ name = 'TrustedServices'; value = 'Microsoft.CognitiveServices,Microsoft.MachineLearningServices,Microsoft.Search' }
        if ($kind -in $InScopeKinds) { [ordered]@{ name = 'MaxFineTuneCount'; value = '100' }, [ordered]@{ name = 'MaxUserFileCount'; value = '50' }, @{ name = 'RaiMonitor' } }
    )
    $properties.customSubDomainName = $name
    $properties.provisioningState = 'Succeeded'
    $properties.dateCreated = $created.ToString('yyyy-MM-ddTHH:mm:ss.fffZ')
    $properties.internalId = '{0:x8}{0:x8}{1:x8}{1:x8}' -f $Index, ($Index * 7919)
    $properties.apiProperties = [ordered]@{}
    $identity = $null

    switch ($profileName) {
        'Hardened' {
            $properties.publicNetworkAccess = 'Disabled'
            $properties.networkAcls = [ordered]@{ defaultAction = 'Deny'; bypass = 'AzureServices'; ipRules = @(); virtualNetworkRules = @() }
            $properties.privateEndpointConnections = @(New-PrivateEndpointConnection $id "$name.pe-hub" 'Approved')
            $properties.restrictOutboundNetworkAccess = $true
            $properties.allowedFqdnList = @("st$($team)prod.blob.core.windows.net", "srch-$team.search.windows.net")
            $properties.disableLocalAuth = $true
            $properties.encryption = [ordered]@{
                keySource          = 'Microsoft.KeyVault'
                keyVaultProperties = [ordered]@{ keyName = "cmk-$name"; keyVersion = '891cf236d24147389462d506af493dfa'; keyVaultUri = "https://kv-ai-$team-$($Index % 50).vault.azure.net/" }
            }
            $identity = [ordered]@{ principalId = $principal; tenantId = $tenant; type = 'SystemAssigned' }
        }
        'PortalDefault' {
            $properties.publicNetworkAccess = 'Enabled'
            $properties.networkAcls = [ordered]@{ defaultAction = 'Allow'; ipRules = @(); virtualNetworkRules = @() }
            $properties.disableLocalAuth = $false
        }
        'SelectedNetworks' {
            # 10.0.0.0/8 is an IPv4 rule with a prefix shorter than /16: NET-004 fails though the default action is Deny.
            $properties.publicNetworkAccess = 'Enabled'
            $properties.networkAcls = [ordered]@{
                defaultAction       = 'Deny'
                bypass              = 'AzureServices'
                ipRules             = @(@{ value = '203.0.113.0/24' }, @{ value = '198.51.100.17' }, @{ value = '10.0.0.0/8' })
                virtualNetworkRules = @([ordered]@{ id = "/subscriptions/$subscription/resourceGroups/$group/providers/Microsoft.Network/virtualNetworks/vnet-$team/subnets/snet-apps"; ignoreMissingVnetServiceEndpoint = $false })
            }
            $properties.disableLocalAuth = $true
            $properties.encryption = [ordered]@{ keySource = 'Microsoft.CognitiveServices' }
            $identity = [ordered]@{ type = 'UserAssigned'; tenantId = $tenant; userAssignedIdentities = [ordered]@{ $uami = [ordered]@{ principalId = $principal; clientId = $principal } } }
        }
        'Legacy' {
            # Created before custom subdomains: regional endpoint, keys on, no network properties at all.
            $properties.Remove('customSubDomainName')
            $properties.endpoint = "https://$location.api.cognitive.microsoft.com/"
            $properties.privateEndpointConnections = @(New-PrivateEndpointConnection $id "$name.pe-legacy" 'Pending')
        }
        'CmkUserAssigned' {
            $properties.publicNetworkAccess = 'Disabled'
            $properties.networkAcls = [ordered]@{ defaultAction = 'Deny'; bypass = 'None'; ipRules = @(); virtualNetworkRules = @() }
            $properties.privateEndpointConnections = @(
                New-PrivateEndpointConnection $id "$name.pe-old" 'Rejected'
                New-PrivateEndpointConnection $id "$name.pe-new" 'Pending')
            $properties.restrictOutboundNetworkAccess = $false
            $properties.disableLocalAuth = $true
            $properties.encryption = [ordered]@{
                keySource          = 'Microsoft.KeyVault'
                keyVaultProperties = [ordered]@{ keyName = "cmk-$name"; keyVersion = ''; keyVaultUri = "https://kv-ai-$team-$($Index % 50).vault.azure.net/"; identityClientId = $principal }
            }
            $identity = [ordered]@{ principalId = $principal; tenantId = $tenant; type = 'SystemAssigned, UserAssigned'; userAssignedIdentities = [ordered]@{ $uami = [ordered]@{ principalId = $principal; clientId = $principal } } }
        }
    }

    $account = [ordered]@{
        id       = $id
        name     = $name
        type     = 'Microsoft.CognitiveServices/accounts'
        location = $location
        sku      = @{ name = 'S0' }
        kind     = $kind
        tags     = [ordered]@{ environment = $group.Split('-')[3]; owner = "$team-ai@contoso.com"; costCenter = 'CC-{0:D4}' -f (4400 + $Index % 25) }
        etag     = 'W/"datetime''{0}''"' -f $created.AddDays(3).ToString('yyyy-MM-ddTHH:mm:ss.fffffffZ').Replace(':', '%3A')
    }
    if ($identity) { $account.identity = $identity }
    $account.systemData = [ordered]@{
        createdBy = "$team-admin@contoso.com"; createdByType = 'User'; createdAt = $properties.dateCreated
        lastModifiedBy = "$team-admin@contoso.com"; lastModifiedByType = 'User'; lastModifiedAt = $created.AddDays(3).ToString('yyyy-MM-ddTHH:mm:ss.fffZ')
    }
    $account.properties = $properties
    [pscustomobject]@{ Json = $account; Kind = $kind; Profile = $profileName }
}

$accounts = [Collections.Generic.List[object]]::new($Count)
$kinds = [ordered]@{}
$profileCounts = [ordered]@{}
$byRule = [ordered]@{}
$totals = [ordered]@{ Findings = 0; Pass = 0; Fail = 0; NotApplicable = 0; NotEvaluated = 0; Error = 0; Waived = 0 }
$inScope = 0
for ($i = 0; $i -lt $Count; $i++) {
    $account = New-BenchAccount $i
    $accounts.Add($account.Json)
    $kinds[$account.Kind] = 1 + $kinds[$account.Kind]
    $profileCounts[$account.Profile] = 1 + $profileCounts[$account.Profile]
    if ($account.Kind -notin $InScopeKinds) { continue }
    $inScope++
    $profile = $Profiles[$account.Profile]
    $codes = @($profile.Statuses -split ' ') + $profile.Enc005[$account.Kind]
    foreach ($rule in $RelatedRules.Keys) {
        $applies = $RelatedRules[$rule] -eq '*' -or $account.Profile -in $RelatedRules[$rule]
        $codes += if ($applies) { 'E' } else { 'N' }
    }
    $rules = @($StrictRules) + @($RelatedRules.Keys)
    for ($r = 0; $r -lt $rules.Count; $r++) {
        $status = $StatusNames[$codes[$r]]
        $key = "$($rules[$r])/$status"
        $byRule[$key] = 1 + $byRule[$key]
        $totals[$status]++
        $totals.Findings++
    }
}

$folder = Split-Path $Path -Parent
if ($folder) { New-Item -ItemType Directory -Path $folder -Force | Out-Null }
# az rest and the portal's JSON view write indented JSON; so does this file.
$json = [ordered]@{ value = $accounts } | ConvertTo-Json -Depth 12
[IO.File]::WriteAllText($Path, $json, [Text.UTF8Encoding]::new($false))

$expected = [pscustomobject]$totals
$expected | Add-Member -NotePropertyName ByRule -NotePropertyValue ([pscustomobject]$byRule)
[pscustomobject]@{
    Path     = (Resolve-Path $Path).ProviderPath
    Bytes    = (Get-Item $Path).Length
    Accounts = $Count
    InScope  = $inScope
    Kinds    = [pscustomobject]$kinds
    Profiles = [pscustomobject]$profileCounts
    Rules    = @($StrictRules) + @($RelatedRules.Keys)
    Expected = $expected
}
