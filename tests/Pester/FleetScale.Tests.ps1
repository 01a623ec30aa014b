# Fleet scale: inventory through Resource Graph (Get-AoaiAccount -AllSubscriptions / several -SubscriptionId) and the
# parallel, paced assessment of Test-AoaiHardening, against the emulator's generated fleet (POST /_emulator/fleet).
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModuleManifest) -Force
    $script:Emu = Start-TestEmulator

    function Get-FleetSubscriptionId([int] $Index) { 'f1ee7000-0000-4000-8000-{0:D12}' -f $Index }

    function Get-GraphQuery {
        @(Get-EmulatorRequest -Method POST -PathLike '/providers/Microsoft.ResourceGraph/resources')
    }

    # The findings as comparable lines: parallel and sequential scans must agree on every one of them.
    function ConvertTo-FindingLine($Findings) {
        @($Findings | ForEach-Object { '{0}|{1}|{2}|{3}' -f $_.RuleId, $_.ResourceId, $_.Target, $_.Status } | Sort-Object)
    }
}
AfterAll { Stop-TestEmulator }

Describe 'Get-AoaiAccount across subscriptions' {
    BeforeEach {
        Reset-TestEmulator
        Connect-TestEmulator | Out-Null
        $script:Fleet = New-EmulatorFleet -Subscriptions 3 -AccountsPerSubscription 20 -ResourceGroupsPerSubscription 4
        $script:Subs = 1..3 | ForEach-Object { Get-FleetSubscriptionId $_ }
        Clear-EmulatorRequest
    }

    It 'inventories several subscriptions with one Resource Graph query, as ARM would list them' {
        $viaGraph = @(Get-AoaiAccount -SubscriptionId $script:Subs)
        $graphRequests = Get-GraphQuery
        $all = @(Get-EmulatorRequest)
        $graphRequests.Count | Should -Be 1
        $all.Count | Should -Be 1 -Because 'no per-subscription list is needed'
        $graphRequests[0].apiVersion | Should -Be '2024-04-01'
        @($graphRequests[0].body.subscriptions) | Should -Be $script:Subs
        $graphRequests[0].body.options.'$top' | Should -Be 1000
        $graphRequests[0].body.query | Should -Match "type =~ 'microsoft.cognitiveservices/accounts'"
        $viaGraph.Count | Should -Be 60

        $viaArm = @(Get-AoaiAccount -SubscriptionId $script:Subs -NoResourceGraph)
        $viaArm.Count | Should -Be 60
        $shape = { '{0}|{1}|{2}|{3}|{4}|{5}|{6}|{7}|{8}' -f $_.Id, $_.Kind, $_.PublicNetworkAccess, $_.DisableLocalAuth, $_.IdentityType, $_.EncryptionKeySource, $_.Endpoint, $_.ResourceGroupName, $_.Location }
        @($viaGraph | ForEach-Object $shape | Sort-Object) | Should -Be @($viaArm | ForEach-Object $shape | Sort-Object)
        $viaGraph[0].RawJson | Should -Not -Match '"resourceGroup"' -Because 'Resource Graph columns are not part of the ARM resource'
        ($viaGraph[0].RawJson | ConvertFrom-Json).type | Should -BeExactly 'Microsoft.CognitiveServices/accounts'
    }

    It 'lists through ARM, one subscription at a time, with -NoResourceGraph' {
        @(Get-AoaiAccount -SubscriptionId $script:Subs -NoResourceGraph).Count | Should -Be 60
        @(Get-GraphQuery).Count | Should -Be 0
        @(Get-EmulatorRequest -Method GET -PathLike '/subscriptions/*/providers/Microsoft.CognitiveServices/accounts').Count | Should -Be 3
    }

    It 'keeps one subscription on ARM (no indexing lag after a fix)' {
        @(Get-AoaiAccount -SubscriptionId $script:Subs[0]).Count | Should -Be 20
        @(Get-GraphQuery).Count | Should -Be 0
    }

    It 'takes every readable subscription with -AllSubscriptions' {
        $accounts = @(Get-AoaiAccount -AllSubscriptions)
        $subscriptionList = @(Get-EmulatorRequest -Method GET -PathLike '/subscriptions')
        $subscriptionList.Count | Should -Be 1
        $graph = Get-GraphQuery
        $graph.Count | Should -Be 1
        foreach ($sub in $script:Subs) { @($graph[0].body.subscriptions) | Should -Contain $sub }
        @($graph[0].body.subscriptions) | Should -Contain (Get-ScenarioSubscriptionId)
        @($accounts | Where-Object SubscriptionId -in $script:Subs).Count | Should -Be 60
        @($accounts | Where-Object Name -eq 'contoso-openai-prod').Count | Should -Be 1 -Because 'the demo tenant is read too'
    }

    It 'narrows by resource group and name in the query, and by wildcards on the results' {
        @(Get-AoaiAccount -SubscriptionId $script:Subs -ResourceGroupName rg-fleet-01).Count | Should -Be 15
        (Get-GraphQuery)[0].body.query | Should -Match "resourceGroup =~ 'rg-fleet-01'"
        Clear-EmulatorRequest
        $one = @(Get-AoaiAccount -SubscriptionId $script:Subs -Name 'aoai-fleet-002-0007')
        $one.Count | Should -Be 1
        (Get-GraphQuery)[0].body.query | Should -Match "name =~ 'aoai-fleet-002-0007'"
        @(Get-AoaiAccount -SubscriptionId $script:Subs -Name 'aoai-fleet-003-000*').Count | Should -Be 9
        @(Get-AoaiAccount -SubscriptionId $script:Subs -ResourceGroupName 'rg-fleet-0[12]' -Name '*-001-*').Count | Should -Be 10
    }

    It 'refuses -AllSubscriptions with -SubscriptionId, and a malformed subscription id, before any request' {
        { Get-AoaiAccount -AllSubscriptions -SubscriptionId $script:Subs[0] -ErrorAction Stop } |
            Should -Throw -ErrorId 'AoaiHardening.Account.ConflictingScope,AoaiHardening.Cmdlets.Accounts.GetAoaiAccount'
        { Get-AoaiAccount -SubscriptionId $script:Subs[0], 'not-a-guid' -ErrorAction Stop } |
            Should -Throw -ErrorId 'AoaiHardening.Context.InvalidSubscriptionId,AoaiHardening.Cmdlets.Accounts.GetAoaiAccount'
        @(Get-EmulatorRequest).Count | Should -Be 0
    }

    It 'reports a failed Resource Graph query as an error naming it, and retries a throttled one' {
        Add-EmulatorFault -PathLike '/providers/Microsoft.ResourceGraph/resources' -Method POST -Status 403 -Code AuthorizationFailed -Count 1
        $accounts = @(Get-AoaiAccount -SubscriptionId $script:Subs -ErrorVariable failures -ErrorAction SilentlyContinue)
        $accounts.Count | Should -Be 0
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.Account.ListFailed,*'
        $failures[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        $failures[0].Exception.Message | Should -Match 'Resource Graph'
        $failures[0].Exception.Message | Should -Match 'NoResourceGraph'

        Add-EmulatorFault -PathLike '/providers/Microsoft.ResourceGraph/resources' -Method POST -Status 429 -Code RateLimiting -Count 1
        @(Get-AoaiAccount -SubscriptionId $script:Subs -ErrorAction Stop).Count | Should -Be 60
    }
}

Describe 'Resource Graph paging, batching and quota' {
    BeforeAll {
        Reset-TestEmulator
        Connect-TestEmulator | Out-Null
        # 1,100 accounts in two subscriptions: two pages of Resource Graph's 1,000 rows.
        New-EmulatorFleet -Subscriptions 2 -AccountsPerSubscription 1100 -ResourceGroupsPerSubscription 2 | Out-Null
    }

    It 'follows $skipToken until the last page, every account once' {
        Clear-EmulatorRequest
        $accounts = @(Get-AoaiAccount -SubscriptionId (Get-FleetSubscriptionId 1), (Get-FleetSubscriptionId 2))
        $accounts.Count | Should -Be 2200
        @($accounts.Id | Sort-Object -Unique).Count | Should -Be 2200
        $pages = Get-GraphQuery
        $pages.Count | Should -Be 3
        $pages[0].body.options.PSObject.Properties['$skipToken'] | Should -BeNullOrEmpty
        $pages[1].body.options.'$skipToken' | Should -Not -BeNullOrEmpty
        $pages[2].body.options.'$skipToken' | Should -Not -Be $pages[1].body.options.'$skipToken'
        @($pages | ForEach-Object { $_.body.query } | Sort-Object -Unique).Count | Should -Be 1
    }

    It 'waits for the Resource Graph quota to reset instead of being throttled' {
        Invoke-EmulatorControl -Path config -Method POST -Body @{ resourceGraphQuota = 2; resourceGraphWindowSeconds = 2 } | Out-Null
        Clear-EmulatorRequest
        @(Get-AoaiAccount -SubscriptionId (Get-FleetSubscriptionId 1), (Get-FleetSubscriptionId 2)).Count | Should -Be 2200
        $pages = Get-GraphQuery
        $pages.Count | Should -Be 3
        @($pages | Where-Object status -eq 429).Count | Should -Be 0
    }
}

Describe 'Resource Graph subscription batches' {
    It 'sends at most 250 subscriptions per query' {
        Reset-TestEmulator
        Connect-TestEmulator | Out-Null
        New-EmulatorFleet -Subscriptions 260 -AccountsPerSubscription 1 -ResourceGroupsPerSubscription 1 | Out-Null
        Clear-EmulatorRequest
        $accounts = @(Get-AoaiAccount -AllSubscriptions)
        @($accounts | Where-Object Name -like 'aoai-fleet-*').Count | Should -Be 260
        $queries = Get-GraphQuery
        $queries.Count | Should -Be 2
        @($queries[0].body.subscriptions).Count | Should -Be 250
        $sent = @($queries | ForEach-Object { $_.body.subscriptions })
        $sent.Count | Should -Be (@($sent | Sort-Object -Unique).Count) -Because 'no subscription is asked twice'
        @($sent | Where-Object { $_ -like 'f1ee7000-*' }).Count | Should -Be 260
    }
}

Describe 'Test-AoaiHardening over a fleet' {
    BeforeEach {
        Reset-TestEmulator
        Connect-TestEmulator | Out-Null
        New-EmulatorFleet -Subscriptions 2 -AccountsPerSubscription 30 -ResourceGroupsPerSubscription 3 | Out-Null
        $script:Subs = 1..2 | ForEach-Object { Get-FleetSubscriptionId $_ }
        Clear-EmulatorRequest
    }

    It 'finds in parallel exactly what a sequential scan finds' {
        $sequential = @(Test-AoaiHardening -SubscriptionId $script:Subs -ThrottleLimit 1)
        $parallel = @(Test-AoaiHardening -SubscriptionId $script:Subs)
        $sequential.Count | Should -Be 1080 -Because 'the Default baseline gives 12 account rules and 3 content-safety rules for each of 2 deployments, for 60 accounts'
        ConvertTo-FindingLine $parallel | Should -Be (ConvertTo-FindingLine $sequential)
        @($sequential | Where-Object Status -eq 'Error').Count | Should -Be 0
        @($sequential | Where-Object Status -eq 'Fail').Count | Should -BeGreaterThan 0
    }

    It 'reads each related resource once: at most 4 ARM requests per account for the Default baseline' {
        @(Test-AoaiHardening -SubscriptionId $script:Subs).Count | Should -Be 1080
        $requests = @(Get-EmulatorRequest)
        ($requests.Count / 60) | Should -BeLessOrEqual 4
        # Role assignments: one list per resource group, not per account.
        @($requests | Where-Object { $_.path -like '*/providers/Microsoft.Authorization/roleAssignments' }).Count | Should -Be 6
        # Key vaults: one list per subscription; each key once.
        @($requests | Where-Object { $_.path -like '/subscriptions/*/providers/Microsoft.KeyVault/vaults' }).Count | Should -Be 2
        @($requests | Where-Object { $_.path -like '*/keys/cmk' }).Count | Should -Be 2
        # Per account: deployments and diagnostic settings.
        @($requests | Where-Object { $_.path -like '*/deployments' }).Count | Should -Be 60
        @($requests | Where-Object { $_.path -like '*/diagnosticSettings' }).Count | Should -Be 60
        @($requests | Where-Object { $_.method -ne 'GET' -and $_.path -notlike '*/Microsoft.ResourceGraph/*' }).Count | Should -Be 0
    }

    It 'paces each subscription within its ARM read bucket: no 429 even when the bucket is small' {
        # 40-token buckets refilled at ARM's 25/s: the scan needs about 100 reads per subscription.
        Invoke-EmulatorControl -Path config -Method POST -Body @{ throttling = $true; readBucket = 40 } | Out-Null
        $findings = @(Test-AoaiHardening -SubscriptionId $script:Subs -ThrottleLimit 32 -Verbose 4>&1)
        $verbose = @($findings | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
        @($findings | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }).Count | Should -Be 1080
        $requests = @(Get-EmulatorRequest)
        @($requests | Where-Object status -eq 429).Count | Should -Be 0
        foreach ($sub in $script:Subs) {
            @($requests | Where-Object { $_.method -eq 'GET' -and $_.path -like "/subscriptions/$sub/*" }).Count | Should -BeGreaterThan 40
        }
        ($verbose.Message -match 'waited') | Should -Not -BeNullOrEmpty
    }

    It 'retries a throttled read without surfacing it' {
        Add-EmulatorFault -PathLike '/deployments' -Method GET -Status 429 -Code SubscriptionRequestsThrottled -Count 3
        $findings = @(Test-AoaiHardening -SubscriptionId $script:Subs -ErrorVariable failures)
        $failures.Count | Should -Be 0
        $findings.Count | Should -Be 1080
        @($findings | Where-Object Status -eq 'Error').Count | Should -Be 0
        @(Get-EmulatorRequest | Where-Object status -eq 429).Count | Should -Be 3
    }

    It 'reports a failed related read as Error findings on that account only' {
        $broken = '/subscriptions/{0}/resourceGroups/rg-fleet-01/providers/Microsoft.CognitiveServices/accounts/aoai-fleet-001-0004/deployments' -f $script:Subs[0]
        Add-EmulatorFault -PathLike $broken -Method GET -Status 403 -Code AuthorizationFailed -Count 1
        $findings = @(Test-AoaiHardening -SubscriptionId $script:Subs)
        $errors = @($findings | Where-Object Status -eq 'Error')
        $errors.Count | Should -BeGreaterThan 0
        @($errors.ResourceName | Sort-Object -Unique) | Should -Be 'aoai-fleet-001-0004'
        @($findings | Where-Object ResourceName -ne 'aoai-fleet-001-0004').Count | Should -Be (59 * 18)
    }

    It 'assesses piped accounts in parallel too' {
        $findings = @(Get-AoaiAccount -SubscriptionId $script:Subs | Test-AoaiHardening -ThrottleLimit 8)
        $findings.Count | Should -Be 1080
        @($findings.ResourceId | Sort-Object -Unique).Count | Should -Be 60
    }

    It 'keeps the selection order with -ThrottleLimit 1' {
        $accounts = @(Get-AoaiAccount -SubscriptionId $script:Subs)
        $order = @(Test-AoaiHardening -SubscriptionId $script:Subs -ThrottleLimit 1 | Select-Object -ExpandProperty ResourceId -Unique)
        $order | Should -Be @($accounts.Id)
    }

    It 'streams: the first finding arrives while the scan goes on, and stopping ends it' {
        Invoke-EmulatorControl -Path config -Method POST -Body @{ latencyMs = 50 } | Out-Null
        $first = Test-AoaiHardening -SubscriptionId $script:Subs -ThrottleLimit 2 | Select-Object -First 1
        $first | Should -Not -BeNullOrEmpty
        Start-Sleep -Milliseconds 500
        $count = @(Get-EmulatorRequest).Count
        $count | Should -BeLessThan 120 -Because 'a full scan reads about 130 times; Select-Object -First 1 stopped it'
        Start-Sleep -Milliseconds 500
        @(Get-EmulatorRequest).Count | Should -Be $count -Because 'no worker goes on after the stop'
    }

    It 'shows progress with counts and completes it' {
        $ps = [powershell]::Create()
        $null = $ps.AddCommand('Import-Module').AddParameter('Name', (Get-TestModuleManifest)).Invoke()
        $ps.Commands.Clear()
        $null = $ps.AddCommand('Test-AoaiHardening').AddParameter('SubscriptionId', $script:Subs).AddParameter('Summary')
        $summary = $ps.Invoke()
        $summary[0].Accounts | Should -Be 60
        $records = @($ps.Streams.Progress | Where-Object Activity -eq 'Assessing accounts')
        $records.Count | Should -BeGreaterThan 1
        $records[-1].RecordType | Should -Be 'Completed'
        @($records | Where-Object StatusDescription -match '^\d+ of \d+\+? account\(s\) assessed').Count | Should -BeGreaterThan 0
        $ps.Dispose()
    }

    It 'stops promptly on Ctrl+C' {
        Invoke-EmulatorControl -Path config -Method POST -Body @{ latencyMs = 300 } | Out-Null
        $run = Start-TestCommand -Name Test-AoaiHardening -Parameters @{ SubscriptionId = $script:Subs; Summary = $true }
        Start-Sleep -Seconds 2
        $started = [DateTime]::UtcNow
        Stop-TestCommand -Run $run -TimeoutSeconds 10 | Should -BeTrue
        ([DateTime]::UtcNow - $started).TotalSeconds | Should -BeLessThan 5
        $run.PowerShell.InvocationStateInfo.State | Should -Be 'Stopped'
        Start-Sleep -Milliseconds 700
        $count = @(Get-EmulatorRequest).Count
        Start-Sleep -Milliseconds 900
        @(Get-EmulatorRequest).Count | Should -Be $count -Because 'the workers stop with the command'
        $run.PowerShell.Dispose()
    }

    It 'refuses a -ThrottleLimit out of range before any request' {
        { Test-AoaiHardening -SubscriptionId $script:Subs -ThrottleLimit 0 -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentValidationError,AoaiHardening.Cmdlets.Compliance.TestAoaiHardening'
        { Test-AoaiHardening -SubscriptionId $script:Subs -ThrottleLimit 65 -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentValidationError,AoaiHardening.Cmdlets.Compliance.TestAoaiHardening'
        @(Get-EmulatorRequest).Count | Should -Be 0
    }
}
