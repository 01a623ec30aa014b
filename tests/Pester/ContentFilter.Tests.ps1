# Content filter cmdlets against the ARM emulator: Get-AoaiDeployment, Get-/New-/Set-AoaiContentFilterPolicy and
# Set-AoaiDeploymentContentFilter. Exact PUT bodies from the request log, stored state after, idempotence, -WhatIf,
# bad input, injected faults and pipeline input. Deployments are created straight through ARM, as another tool would.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModuleManifest) -Force
    $script:Emu = Start-TestEmulator
    $script:DevId = Get-ScenarioAccountId -ResourceGroupName rg-ai-dev -Name contoso-openai-dev
    $script:Api = '2025-09-01'

    # A deployment as the portal would make it, with a member the module does not know.
    function New-TestDeployment([string] $Name, [string] $Policy, [string] $Sku = 'GlobalStandard', [int] $Capacity = 50) {
        $properties = [ordered]@{ model = [ordered]@{ format = 'OpenAI'; name = 'gpt-4o'; version = '2024-11-20' }; versionUpgradeOption = 'NoAutoUpgrade'; futureSetting = 'kept' }
        if ($Policy) { $properties.raiPolicyName = $Policy }
        Invoke-EmulatorArm -Method PUT -Path "$script:DevId/deployments/$Name" -ApiVersion $script:Api -Body ([ordered]@{ sku = [ordered]@{ name = $Sku; capacity = $Capacity }; properties = $properties }) | Out-Null
    }

    function New-TestPolicy([string] $Name, [object] $Properties) {
        Invoke-EmulatorArm -Method PUT -Path "$script:DevId/raiPolicies/$Name" -ApiVersion $script:Api -Body @{ properties = $Properties } | Out-Null
    }

    function Get-StoredChild([string] $Type, [string] $Name) {
        Get-EmulatorResource -Type "Microsoft.CognitiveServices/accounts/$Type" | Where-Object { $_.id -like "$script:DevId/*" -and $_.name -eq $Name }
    }

    # A weak custom policy: harm at High on prompts, jailbreak annotate only, asynchronous, plus members the module does not know.
    function New-WeakPolicy([string] $Name = 'relaxed') {
        $filters = foreach ($c in 'Hate', 'Sexual', 'Violence', 'Selfharm') {
            [ordered]@{ name = $c; enabled = $true; blocking = $true; severityThreshold = 'High'; source = 'Prompt' }
            [ordered]@{ name = $c; enabled = $true; blocking = $true; severityThreshold = 'Medium'; source = 'Completion' }
        }
        $filters = @($filters) + @([ordered]@{ name = 'Jailbreak'; enabled = $true; blocking = $false; source = 'Prompt' },
            [ordered]@{ name = 'Profanity'; enabled = $true; blocking = $true; source = 'Prompt' })
        New-TestPolicy $Name ([ordered]@{ basePolicyName = 'Microsoft.Default'; mode = 'Asynchronous_filter'; contentFilters = $filters; futureSetting = 'kept' })
    }

    # StrictMode: filters without a threshold (Jailbreak, …) have no such member.
    function Get-Threshold($Entry) { if ($Entry.PSObject.Properties['severityThreshold']) { $Entry.severityThreshold } }

    $script:Strict = Get-Content (Join-Path $PSScriptRoot 'TestData/strict-production-filter.json') -Raw | ConvertFrom-Json
}
AfterAll { Stop-TestEmulator }

Describe 'Get-AoaiDeployment' {
    BeforeAll {
        Reset-TestEmulator
        Connect-TestEmulator | Out-Null
        New-TestDeployment 'cf-chat' 'Microsoft.DefaultV2'
        New-TestDeployment 'cf-mini' $null -Sku Standard -Capacity 10
    }
    BeforeEach { Clear-EmulatorRequest }

    It 'returns model, version, sku, capacity and content filter of each deployment' {
        $all = @(Get-AoaiDeployment -ResourceId $script:DevId -Name 'cf-*')
        $all.Name | Sort-Object | Should -Be @('cf-chat', 'cf-mini')
        $chat = $all | Where-Object Name -eq 'cf-chat'
        $chat.Model | Should -Be 'gpt-4o'
        $chat.ModelVersion | Should -Be '2024-11-20'
        $chat.SkuName | Should -Be 'GlobalStandard'
        $chat.Capacity | Should -Be 50
        $chat.RaiPolicyName | Should -Be 'Microsoft.DefaultV2'
        $chat.AccountId | Should -Be $script:DevId
        ($all | Where-Object Name -eq 'cf-mini').RaiPolicyName | Should -BeNullOrEmpty
        @(Get-EmulatorRequest -Method GET -PathLike '*/deployments').Count | Should -Be 1
    }

    It 'takes accounts from the pipeline and reads an exact name with one GET' {
        $d = Get-AoaiAccount -ResourceGroupName rg-ai-dev -Name contoso-openai-dev | Get-AoaiDeployment -Name cf-mini
        $d.Name | Should -Be 'cf-mini'
        @(Get-EmulatorRequest -Method GET -PathLike '*/deployments/cf-mini').Count | Should -Be 1
        @(Get-EmulatorRequest -Method GET -PathLike '*/deployments').Count | Should -Be 0
    }

    It 'reports a deployment that does not exist' {
        $result = Get-AoaiDeployment -ResourceId $script:DevId -Name nope -ErrorVariable err -ErrorAction SilentlyContinue
        $result | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.ContentSafety.DeploymentNotFound*'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'refuses a malformed account id before any request' {
        { Get-AoaiDeployment -ResourceId '/subscriptions/x/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/a' -ErrorAction Stop } |
            Should -Throw -ErrorId 'AoaiHardening.Account.InvalidResourceId*'
        @(Get-EmulatorRequest).Count | Should -Be 0
    }

    It 'turns a refused list into an error naming the account' {
        Add-EmulatorFault -PathLike '/contoso-openai-dev/deployments' -Method GET -Status 403 -Code AuthorizationFailed
        Get-AoaiDeployment -ResourceId $script:DevId -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.ContentSafety.ReadFailed*'
        $err[0].Exception.Message | Should -Match 'contoso-openai-dev'
        $err[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
    }
}

Describe 'Get-AoaiContentFilterPolicy' {
    BeforeAll {
        Reset-TestEmulator
        Connect-TestEmulator | Out-Null
        New-WeakPolicy
    }

    It 'lists the system policies and the custom ones, with their filters' {
        $all = @(Get-AoaiContentFilterPolicy -ResourceId $script:DevId)
        $all.Name | Should -Contain 'Microsoft.Default'
        $all.Name | Should -Contain 'Microsoft.DefaultV2'
        $relaxed = $all | Where-Object Name -eq 'relaxed'
        $relaxed.IsSystem | Should -BeFalse
        $relaxed.Mode | Should -Be 'Asynchronous_filter'
        @($relaxed.ContentFilters).Count | Should -Be 10
        ($relaxed.ContentFilters | Where-Object { $_.Name -eq 'Jailbreak' }).Blocking | Should -BeFalse
        ($all | Where-Object Name -eq 'Microsoft.DefaultV2').IsSystem | Should -BeTrue
    }

    It 'refuses a malformed account id before any request' {
        Clear-EmulatorRequest
        { Get-AoaiContentFilterPolicy -ResourceId '/subscriptions/x/resourceGroups/rg' -ErrorAction Stop } | Should -Throw -ErrorId 'AoaiHardening.Account.InvalidResourceId*'
        @(Get-EmulatorRequest).Count | Should -Be 0
    }

    It 'turns a refused list into an error naming the account' {
        Add-EmulatorFault -PathLike '/contoso-openai-dev/raiPolicies' -Method GET -Status 403 -Code AuthorizationFailed
        Get-AoaiContentFilterPolicy -ResourceId $script:DevId -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.ContentSafety.ReadFailed*'
        $err[0].Exception.Message | Should -Match 'contoso-openai-dev'
    }

    It '-CustomOnly leaves the system policies out; an exact name that does not exist is an error' {
        @(Get-AoaiContentFilterPolicy -ResourceId $script:DevId -CustomOnly).Name | Should -Be @('relaxed')
        Get-AoaiContentFilterPolicy -ResourceId $script:DevId -Name missing -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.ContentSafety.PolicyNotFound*'
    }
}

Describe 'New-AoaiContentFilterPolicy' {
    BeforeEach {
        Reset-TestEmulator
        Connect-TestEmulator | Out-Null
        Clear-EmulatorRequest
    }

    It 'the Strict preset sends the guide''s strict-production-filter, field by field' {
        $policy = New-AoaiContentFilterPolicy -ResourceId $script:DevId -Name strict-production-filter -Preset Strict -PassThru
        $writes = @(Get-EmulatorWrite)
        $writes.Count | Should -Be 1
        $writes[0].method | Should -Be 'PUT'
        $writes[0].path | Should -BeLike '*/raiPolicies/strict-production-filter'
        ($writes[0].body | ConvertTo-Json -Depth 10 -Compress) | Should -Be ($script:Strict | ConvertTo-Json -Depth 10 -Compress)
        $policy.Name | Should -Be 'strict-production-filter'
        $policy.Type | Should -Be 'UserManaged'
        @($policy.ContentFilters | Where-Object SeverityThreshold -eq 'Low').Count | Should -Be 8
    }

    It 'is idempotent: the same settings again write nothing' {
        New-AoaiContentFilterPolicy -ResourceId $script:DevId -Name strict -Preset Strict
        Clear-EmulatorRequest
        New-AoaiContentFilterPolicy -ResourceId $script:DevId -Name strict -Preset Strict -Verbose 4>&1 | Out-String | Should -Match 'already exists with these settings'
        @(Get-EmulatorWrite).Count | Should -Be 0
    }

    It 'refuses to overwrite a policy of that name with other settings' {
        New-WeakPolicy 'strict'
        Clear-EmulatorRequest
        New-AoaiContentFilterPolicy -ResourceId $script:DevId -Name strict -Preset Strict -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.ContentSafety.PolicyExists*'
        $err[0].Exception.Message | Should -Match 'Set-AoaiContentFilterPolicy'
        @(Get-EmulatorWrite).Count | Should -Be 0
    }

    It 'applies explicit settings on top of the Default preset, and attaches blocklists for the sources named' {
        Invoke-EmulatorArm -Method PUT -Path "$script:DevId/raiBlocklists/competitors" -ApiVersion $script:Api -Body @{ properties = @{ description = 'x' } } | Out-Null
        Clear-EmulatorRequest
        New-AoaiContentFilterPolicy -ResourceId $script:DevId -Name custom -IndirectAttack Block -Mode Blocking -Blocklist competitors -BlocklistSource Prompt
        $body = (@(Get-EmulatorWrite)[0]).body.properties
        $body.mode | Should -Be 'Blocking'
        $body.basePolicyName | Should -Be 'Microsoft.DefaultV2'
        @($body.contentFilters | Where-Object { (Get-Threshold $_) -eq 'Medium' }).Count | Should -Be 8
        ($body.contentFilters | Where-Object name -eq 'Indirect Attack') | ConvertTo-Json -Compress | Should -Be '{"name":"Indirect Attack","source":"Prompt","enabled":true,"blocking":true}'
        ($body.contentFilters | Where-Object name -eq 'Protected Material Code').blocking | Should -BeTrue
        $body.customBlocklists | ConvertTo-Json -Compress | Should -Be '{"blocklistName":"competitors","blocking":true,"source":"Prompt"}'
        (Get-StoredChild raiPolicies custom).properties.customBlocklists[0].blocklistName | Should -Be 'competitors'
    }

    It 'stops before writing when a blocklist to attach does not exist' {
        New-AoaiContentFilterPolicy -ResourceId $script:DevId -Name custom -Blocklist nowhere -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.ContentSafety.BlocklistNotFound*'
        @(Get-EmulatorWrite).Count | Should -Be 0
    }

    It 'warns when the settings turn harm filters off' {
        New-AoaiContentFilterPolicy -ResourceId $script:DevId -Name off -HarmThreshold Off -WarningVariable w -WarningAction SilentlyContinue
        ($w -join "`n") | Should -Match "Microsoft's approval"
        @((@(Get-EmulatorWrite)[0]).body.properties.contentFilters | Where-Object { (Get-Threshold $_) -and $_.enabled }).Count | Should -Be 0
    }

    It 'points the named deployments at the new policy' {
        New-TestDeployment 'cf-chat' 'Microsoft.DefaultV2'
        Clear-EmulatorRequest
        New-AoaiContentFilterPolicy -ResourceId $script:DevId -Name strict -Preset Strict -DeploymentName cf-chat
        @(Get-EmulatorWrite).path | Should -Be @("$script:DevId/raiPolicies/strict", "$script:DevId/deployments/cf-chat")
        (Get-StoredChild deployments cf-chat).properties.raiPolicyName | Should -Be 'strict'
    }

    It '-WhatIf writes nothing' {
        New-TestDeployment 'cf-chat' 'Microsoft.DefaultV2'
        Clear-EmulatorRequest
        New-AoaiContentFilterPolicy -ResourceId $script:DevId -Name strict -Preset Strict -DeploymentName cf-chat -WhatIf
        @(Get-EmulatorWrite).Count | Should -Be 0
        Get-StoredChild raiPolicies strict | Should -BeNullOrEmpty
    }

    It 'refuses a name that is not valid or belongs to the system policies, before any request' -TestCases @(
        @{ Name = 'Microsoft.Strict' }, @{ Name = 'bad name!' }
    ) {
        { New-AoaiContentFilterPolicy -ResourceId $script:DevId -Name $Name -Preset Strict -ErrorAction Stop } | Should -Throw -ErrorId 'AoaiHardening.ContentSafety.InvalidPolicyName*'
        @(Get-EmulatorRequest).Count | Should -Be 0
    }

    It 'reports a refused PUT naming the policy and the account' {
        Add-EmulatorFault -PathLike '/raiPolicies/strict' -Method PUT -Status 400 -Code InvalidResourceProperties
        New-AoaiContentFilterPolicy -ResourceId $script:DevId -Name strict -Preset Strict -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.ContentSafety.CreateFailed*'
        $err[0].Exception.Message | Should -Match "'strict'.*contoso-openai-dev"
        Get-StoredChild raiPolicies strict | Should -BeNullOrEmpty
    }
}

Describe 'Set-AoaiContentFilterPolicy' {
    BeforeEach {
        Reset-TestEmulator
        Connect-TestEmulator | Out-Null
        New-WeakPolicy
        Clear-EmulatorRequest
    }

    It 'changes only the named settings, keeping other entries and unknown fields' {
        Set-AoaiContentFilterPolicy -ResourceId $script:DevId -Name relaxed -Jailbreak Block -Mode Default -WarningAction SilentlyContinue
        $writes = @(Get-EmulatorWrite)
        $writes.Count | Should -Be 1
        $body = $writes[0].body
        $body.PSObject.Properties.Name | Should -Not -Contain 'id'
        $body.properties.futureSetting | Should -Be 'kept'
        $body.properties.mode | Should -Be 'Default'
        $body.properties.basePolicyName | Should -Be 'Microsoft.Default'
        ($body.properties.contentFilters | Where-Object name -eq 'Jailbreak').blocking | Should -BeTrue
        ($body.properties.contentFilters | Where-Object name -eq 'Profanity').enabled | Should -BeTrue
        @($body.properties.contentFilters | Where-Object { (Get-Threshold $_) -eq 'High' }).Count | Should -Be 4
        (Get-StoredChild raiPolicies relaxed).properties.futureSetting | Should -Be 'kept'
    }

    It '-Preset Strict replaces the filters and mode; a re-run writes nothing' {
        Get-AoaiContentFilterPolicy -ResourceId $script:DevId -Name relaxed | Set-AoaiContentFilterPolicy -Preset Strict
        $stored = (Get-StoredChild raiPolicies relaxed).properties
        ($stored.contentFilters | ConvertTo-Json -Depth 5 -Compress) | Should -Be ($script:Strict.properties.contentFilters | ConvertTo-Json -Depth 5 -Compress)
        $stored.mode | Should -Be 'Default'
        $stored.futureSetting | Should -Be 'kept'
        Clear-EmulatorRequest
        Set-AoaiContentFilterPolicy -ResourceId $script:DevId -Name relaxed -Preset Strict
        @(Get-EmulatorWrite).Count | Should -Be 0
    }

    It '-WhatIf writes nothing' {
        Set-AoaiContentFilterPolicy -ResourceId $script:DevId -Name relaxed -Preset Strict -WhatIf
        @(Get-EmulatorWrite).Count | Should -Be 0
        (Get-StoredChild raiPolicies relaxed).properties.mode | Should -Be 'Asynchronous_filter'
    }

    It 'refuses to edit a system policy, and says so' {
        Set-AoaiContentFilterPolicy -ResourceId $script:DevId -Name Microsoft.DefaultV2 -HarmThreshold Low -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.ContentSafety.SystemPolicy*'
        @(Get-EmulatorWrite).Count | Should -Be 0
    }

    It 'stops before any request when nothing to change is named' {
        { Set-AoaiContentFilterPolicy -ResourceId $script:DevId -Name relaxed -ErrorAction Stop } | Should -Throw -ErrorId 'AoaiHardening.ContentSafety.NothingToChange*'
        @(Get-EmulatorRequest).Count | Should -Be 0
    }

    It 'reports a policy that does not exist, and a refused PUT' {
        Set-AoaiContentFilterPolicy -ResourceId $script:DevId -Name nope -Mode Default -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.ContentSafety.PolicyNotFound*'
        Add-EmulatorFault -PathLike '/raiPolicies/relaxed' -Method PUT -Status 409 -Code Conflict
        Set-AoaiContentFilterPolicy -ResourceId $script:DevId -Name relaxed -Mode Default -ErrorVariable err2 -ErrorAction SilentlyContinue
        $err2[0].FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.ContentSafety.UpdateFailed*'
        $err2[0].Exception.Message | Should -Match "relaxed"
        (Get-StoredChild raiPolicies relaxed).properties.mode | Should -Be 'Asynchronous_filter'
    }

    It 'attaches and detaches blocklists' {
        Invoke-EmulatorArm -Method PUT -Path "$script:DevId/raiBlocklists/terms" -ApiVersion $script:Api -Body @{ properties = @{ description = 'x' } } | Out-Null
        Set-AoaiContentFilterPolicy -ResourceId $script:DevId -Name relaxed -Blocklist terms
        @((Get-StoredChild raiPolicies relaxed).properties.customBlocklists.source) | Should -Be @('Prompt', 'Completion')
        Set-AoaiContentFilterPolicy -ResourceId $script:DevId -Name relaxed -RemoveBlocklist terms
        @((Get-StoredChild raiPolicies relaxed).properties.customBlocklists).Count | Should -Be 0
    }
}

Describe 'Set-AoaiDeploymentContentFilter' {
    BeforeEach {
        Reset-TestEmulator
        Connect-TestEmulator | Out-Null
        New-TestDeployment 'cf-chat' 'Microsoft.DefaultV2'
        New-TestDeployment 'cf-mini' $null -Sku Standard -Capacity 10
        New-TestPolicy 'strict' $script:Strict.properties
        Clear-EmulatorRequest
    }

    It 'PUTs the deployment as received with only raiPolicyName changed, and waits for the operation' {
        $before = Get-StoredChild deployments cf-chat
        $result = Set-AoaiDeploymentContentFilter -ResourceId $script:DevId -DeploymentName cf-chat -PolicyName strict -PassThru
        $writes = @(Get-EmulatorWrite)
        $writes.Count | Should -Be 1
        $writes[0].method | Should -Be 'PUT'
        $body = $writes[0].body
        ($body.sku | ConvertTo-Json -Compress) | Should -Be '{"name":"GlobalStandard","capacity":50}'
        ($body.properties.model | ConvertTo-Json -Compress) | Should -Be ($before.properties.model | ConvertTo-Json -Compress)
        $body.properties.versionUpgradeOption | Should -Be 'NoAutoUpgrade'
        $body.properties.futureSetting | Should -Be 'kept'
        $body.properties.raiPolicyName | Should -Be 'strict'
        $body.properties.PSObject.Properties.Name | Should -Not -Contain 'provisioningState'
        $result.RaiPolicyName | Should -Be 'strict'
        $result.SkuName | Should -Be 'GlobalStandard'
        $result.Model | Should -Be 'gpt-4o'
        $stored = Get-StoredChild deployments cf-chat
        $stored.properties.raiPolicyName | Should -Be 'strict'
        $stored.sku.capacity | Should -Be 50
        # The LRO was followed (Azure-AsyncOperation), not fire-and-forget.
        @(Get-EmulatorRequest -Method GET -PathLike '*operationStatuses*').Count | Should -BeGreaterThan 0
    }

    It 'changes every deployment when none is named, and a re-run writes nothing' {
        Set-AoaiDeploymentContentFilter -ResourceId $script:DevId -PolicyName strict
        $names = @(Get-EmulatorArmList "$script:DevId/deployments" $script:Api | ForEach-Object name)
        @(Get-EmulatorWrite).Count | Should -Be $names.Count
        foreach ($n in $names) { (Get-StoredChild deployments $n).properties.raiPolicyName | Should -Be 'strict' }
        Clear-EmulatorRequest
        Set-AoaiDeploymentContentFilter -ResourceId $script:DevId -PolicyName strict
        @(Get-EmulatorWrite).Count | Should -Be 0
    }

    It 'takes deployments from Get-AoaiDeployment' {
        Get-AoaiDeployment -ResourceId $script:DevId -Name cf-mini | Set-AoaiDeploymentContentFilter -PolicyName strict
        @(Get-EmulatorWrite).path | Should -Be @("$script:DevId/deployments/cf-mini")
        (Get-StoredChild deployments cf-mini).properties.raiPolicyName | Should -Be 'strict'
    }

    It '-WhatIf writes nothing, even when -Preset would create the policy' {
        Set-AoaiDeploymentContentFilter -ResourceId $script:DevId -PolicyName strict -WhatIf
        Set-AoaiDeploymentContentFilter -ResourceId $script:DevId -PolicyName brand-new -Preset Strict -WhatIf
        @(Get-EmulatorWrite).Count | Should -Be 0
        (Get-StoredChild deployments cf-chat).properties.raiPolicyName | Should -Be 'Microsoft.DefaultV2'
    }

    It 'stops before any write when the policy does not exist; -Preset creates it first' {
        Set-AoaiDeploymentContentFilter -ResourceId $script:DevId -DeploymentName cf-chat -PolicyName brand-new -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.ContentSafety.PolicyNotFound*'
        @(Get-EmulatorWrite).Count | Should -Be 0

        Set-AoaiDeploymentContentFilter -ResourceId $script:DevId -DeploymentName cf-chat -PolicyName brand-new -Preset Strict
        @(Get-EmulatorWrite).path | Should -Be @("$script:DevId/raiPolicies/brand-new", "$script:DevId/deployments/cf-chat")
        (Get-StoredChild deployments cf-chat).properties.raiPolicyName | Should -Be 'brand-new'
    }

    It 'warns when the policy would still fail the content rules' {
        New-WeakPolicy
        Set-AoaiDeploymentContentFilter -ResourceId $script:DevId -DeploymentName cf-chat -PolicyName relaxed -WarningVariable w -WarningAction SilentlyContinue
        ($w -join "`n") | Should -Match 'AOAI-CSF-001'
        ($w -join "`n") | Should -Match 'AOAI-CSF-002'
        ($w -join "`n") | Should -Match 'AOAI-CSF-004'
    }

    It 'refuses a malformed policy name before any request' {
        { Set-AoaiDeploymentContentFilter -ResourceId $script:DevId -PolicyName 'no/slashes' -ErrorAction Stop } | Should -Throw -ErrorId 'AoaiHardening.ContentSafety.InvalidPolicyName*'
        @(Get-EmulatorRequest).Count | Should -Be 0
    }

    It 'reports a failed operation naming the deployment, and goes on with the others' {
        Add-EmulatorFault -PathLike '/deployments/cf-chat' -Method PUT -Kind lroFail -Code 'InternalError' -Message 'The deployment could not be updated.'
        Set-AoaiDeploymentContentFilter -ResourceId $script:DevId -DeploymentName cf-chat, cf-mini -PolicyName strict -ErrorVariable err -ErrorAction SilentlyContinue
        @($err).Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.ContentSafety.AssignFailed*'
        $err[0].Exception.Message | Should -Match "deployment 'cf-chat'"
        (Get-StoredChild deployments cf-mini).properties.raiPolicyName | Should -Be 'strict'
    }

    It 'reports a deployment that does not exist' {
        Set-AoaiDeploymentContentFilter -ResourceId $script:DevId -DeploymentName ghost -PolicyName strict -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.ContentSafety.DeploymentNotFound*'
        @(Get-EmulatorWrite).Count | Should -Be 0
    }
}

Describe 'Repair of the content rules (AOAI-CSF-001..005)' {
    BeforeEach {
        Reset-TestEmulator
        Connect-TestEmulator | Out-Null
        $script:ProdId = Get-ScenarioAccountId -ResourceGroupName rg-ai-prod -Name contoso-openai-prod
        Clear-EmulatorRequest
    }

    It 'skips each failing deployment, naming -ContentFilterPolicyName, when no policy name is given' {
        $results = @(Test-AoaiHardening -ResourceId $script:ProdId -Baseline Strict -Rule AOAI-CSF-* | Repair-AoaiHardening -Confirm:$false)
        $results.Count | Should -BeGreaterThan 0
        $results.Status | Sort-Object -Unique | Should -Be 'Skipped'
        ($results.Message -join "`n") | Should -Match '-ContentFilterPolicyName'
        @(Get-EmulatorWrite).Count | Should -Be 0
    }

    It 'creates the strict policy once, points every failing deployment at it, and the rules then pass' {
        $failing = @(Test-AoaiHardening -ResourceId $script:ProdId -Baseline Strict -Rule AOAI-CSF-* | Where-Object Status -eq 'Fail')
        @($failing.Target | Sort-Object -Unique) | Should -Be @('gpt-4o', 'gpt-4o-mini')
        Clear-EmulatorRequest
        $results = @($failing | Repair-AoaiHardening -ContentFilterPolicyName strict-production-filter -Confirm:$false -WarningAction SilentlyContinue)
        @($results | Where-Object Status -ne 'Fixed').Count | Should -Be 0
        $writes = @(Get-EmulatorWrite)
        @($writes | Where-Object path -like '*/raiPolicies/*').Count | Should -Be 1
        @($writes | Where-Object path -like '*/deployments/*').path | Sort-Object | Should -Be @("$script:ProdId/deployments/gpt-4o", "$script:ProdId/deployments/gpt-4o-mini")
        $after = @(Test-AoaiHardening -ResourceId $script:ProdId -Baseline Strict -Rule AOAI-CSF-*)
        $after.Status | Sort-Object -Unique | Should -Be 'Pass'
        # Model and sku survive the repair.
        (Get-EmulatorResource -Type 'Microsoft.CognitiveServices/accounts/deployments' | Where-Object id -eq "$script:ProdId/deployments/gpt-4o").sku.name | Should -Be 'GlobalStandard'
    }

    It 'plans under -WhatIf without writing' {
        Test-AoaiHardening -ResourceId $script:ProdId -Baseline Strict -Rule AOAI-CSF-* | Repair-AoaiHardening -ContentFilterPolicyName strict-production-filter -WhatIf | Out-Null
        @(Get-EmulatorWrite).Count | Should -Be 0
    }
}
