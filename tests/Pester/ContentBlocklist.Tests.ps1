# Content blocklist cmdlets against the ARM emulator: Get-/New-/Remove-AoaiContentBlocklist, Add-/Remove-AoaiContentBlocklistItem.
# Exact request bodies from the request log (the batch calls are POSTs, so "writes" here include POST), stored state
# after, idempotence, -WhatIf, bad input, injected faults, chunking, regex checks and the in-use refusal.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModuleManifest) -Force
    $script:Emu = Start-TestEmulator
    $script:Api = '2025-09-01'
    $script:ProdId = Get-ScenarioAccountId -ResourceGroupName rg-ai-prod -Name contoso-openai-prod
    $script:DevId = Get-ScenarioAccountId -ResourceGroupName rg-ai-dev -Name contoso-openai-dev
    $script:MissingId = Get-ScenarioAccountId -ResourceGroupName rg-ai-prod -Name no-such-account

    # Every request that changes something: PUT, PATCH, DELETE, and the batch POSTs.
    function Get-BlocklistWrite([string] $PathLike = '*') {
        @(Get-EmulatorRequest -Method PUT, PATCH, DELETE, POST -PathLike $PathLike)
    }

    function ConvertTo-CompactJson($Value) { ConvertTo-Json -InputObject $Value -Compress -Depth 10 }

    # The item name the module derives from a pattern: term-/regex- and 16 hex digits of the SHA-256 of its UTF-8 text.
    function Get-TestItemName([string] $Pattern, [switch] $Regex) {
        $hash = [Security.Cryptography.SHA256]::HashData([Text.Encoding]::UTF8.GetBytes($Pattern))
        $(if ($Regex) { 'regex-' } else { 'term-' }) + (-join ($hash[0..7] | ForEach-Object { $_.ToString('x2') }))
    }

    # The batch-add body the module sends for these patterns, as compact JSON.
    function Get-AddBody([string[]] $Pattern, [switch] $Regex) {
        ConvertTo-CompactJson @($Pattern | ForEach-Object {
                [ordered]@{ name = (Get-TestItemName $_ -Regex:$Regex); properties = [ordered]@{ pattern = $_; isRegex = [bool]$Regex } }
            })
    }

    # Stored state straight from ARM (no module code involved).
    function Get-StoredItem([string] $AccountId, [string] $Blocklist) {
        @(Get-EmulatorArmList -Path "$AccountId/raiBlocklists/$Blocklist/raiBlocklistItems" -ApiVersion $script:Api)
    }
    function Get-StoredBlocklist([string] $AccountId) {
        @(Get-EmulatorArmList -Path "$AccountId/raiBlocklists" -ApiVersion $script:Api)
    }

    # A blocklist made by another tool: items PUT one by one under names the module would not choose.
    function New-ArmBlocklist([string] $AccountId, [string] $Name, [string[]] $Term = @(), [string[]] $Regex = @(), [string] $Description) {
        $properties = @{}
        if ($Description) { $properties.description = $Description }
        Invoke-EmulatorArm -Method PUT -Path "$AccountId/raiBlocklists/$Name" -ApiVersion $script:Api -Body @{ properties = $properties } | Out-Null
        $i = 0
        foreach ($t in $Term) { $i++; Invoke-EmulatorArm -Method PUT -Path "$AccountId/raiBlocklists/$Name/raiBlocklistItems/other-$i" -ApiVersion $script:Api -Body @{ properties = @{ pattern = $t; isRegex = $false } } | Out-Null }
        foreach ($r in $Regex) { $i++; Invoke-EmulatorArm -Method PUT -Path "$AccountId/raiBlocklists/$Name/raiBlocklistItems/other-$i" -ApiVersion $script:Api -Body @{ properties = @{ pattern = $r; isRegex = $true } } | Out-Null }
    }

    # A custom content filter policy that names the blocklist, made straight through ARM.
    function New-ArmPolicy([string] $AccountId, [string] $Name, [string] $Blocklist) {
        $body = @{ properties = @{
                basePolicyName   = 'Microsoft.DefaultV2'
                mode             = 'Default'
                contentFilters   = @(@{ name = 'Hate'; source = 'Prompt'; enabled = $true; blocking = $true; severityThreshold = 'Low' })
                customBlocklists = @(@{ blocklistName = $Blocklist; blocking = $true; source = 'Prompt' })
            }
        }
        Invoke-EmulatorArm -Method PUT -Path "$AccountId/raiPolicies/$Name" -ApiVersion $script:Api -Body $body | Out-Null
    }

    function Get-VerboseMessage($Stream) { @($Stream | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message }
}
AfterAll { Stop-TestEmulator }

Describe 'New-AoaiContentBlocklist' {
    BeforeEach {
        Reset-TestEmulator
        Connect-TestEmulator | Out-Null
        Clear-EmulatorRequest
    }

    It 'creates the blocklist (PUT) and adds the patterns in one batch POST' {
        $result = New-AoaiContentBlocklist -ResourceId $script:ProdId -Name competitors -Pattern 'Fabrikam', 'Tailwind Traders' -Description 'Competitor names' -PassThru

        $writes = Get-BlocklistWrite
        $writes.Count | Should -Be 2
        $writes[0].method | Should -Be 'PUT'
        $writes[0].path | Should -Be "$script:ProdId/raiBlocklists/competitors"
        ConvertTo-CompactJson $writes[0].body | Should -Be '{"properties":{"description":"Competitor names"}}'
        $writes[1].method | Should -Be 'POST'
        $writes[1].path | Should -Be "$script:ProdId/raiBlocklists/competitors/addRaiBlocklistItems"
        ConvertTo-CompactJson $writes[1].body | Should -Be (Get-AddBody 'Fabrikam', 'Tailwind Traders')
        $writes.apiVersion | Sort-Object -Unique | Should -Be $script:Api
        # GET (absent), PUT, POST, then the read-back for -PassThru: GET and the items.
        @(Get-EmulatorRequest).Count | Should -Be 5

        $result | Should -BeOfType AoaiHardening.Model.AoaiContentBlocklist
        $result.Name | Should -Be 'competitors'
        $result.AccountName | Should -Be 'contoso-openai-prod'
        $result.AccountId | Should -Be $script:ProdId
        $result.ResourceGroupName | Should -Be 'rg-ai-prod'
        $result.Description | Should -Be 'Competitor names'
        $result.Id | Should -Be "$script:ProdId/raiBlocklists/competitors"
        $result.Etag | Should -Not -BeNullOrEmpty
        @($result.Items.Pattern | Sort-Object) | Should -Be @('Fabrikam', 'Tailwind Traders')
        $result.Items[0].BlocklistName | Should -Be 'competitors'
        $result.Items.IsRegex | Sort-Object -Unique | Should -Be $false

        $stored = Get-StoredItem $script:ProdId competitors
        @($stored.name | Sort-Object) | Should -Be @((Get-TestItemName 'Fabrikam'), (Get-TestItemName 'Tailwind Traders') | Sort-Object)
    }

    It 'sends properties without a description when none is given, and no read-back without -PassThru' {
        $out = New-AoaiContentBlocklist -ResourceId $script:ProdId -Name plain -Pattern 'x'
        $out | Should -BeNullOrEmpty
        ConvertTo-CompactJson (Get-BlocklistWrite)[0].body | Should -Be '{"properties":{}}'
        @(Get-EmulatorRequest).Count | Should -Be 3
    }

    It 'is idempotent: a re-run reads twice and writes nothing, duplicates in -Pattern are sent once' {
        New-AoaiContentBlocklist -ResourceId $script:ProdId -Name competitors -Pattern 'Fabrikam', 'Fabrikam', 'Contoso' -Description 'd'
        ConvertTo-CompactJson (Get-BlocklistWrite -PathLike '*/addRaiBlocklistItems')[0].body | Should -Be (Get-AddBody 'Fabrikam', 'Contoso')
        Clear-EmulatorRequest

        $again = New-AoaiContentBlocklist -ResourceId $script:ProdId -Name competitors -Pattern 'Contoso', 'Fabrikam' -Description 'd' -PassThru -Verbose 4>&1
        @(Get-BlocklistWrite).Count | Should -Be 0
        @(Get-EmulatorRequest).Count | Should -Be 2 -Because 'the blocklist and its items are read once'
        (Get-VerboseMessage $again) -join "`n" | Should -Match 'nothing to do'
        @($again | Where-Object { $_ -is [AoaiHardening.Model.AoaiContentBlocklist] }).Items.Count | Should -Be 2
        @(Get-StoredItem $script:ProdId competitors).Count | Should -Be 2
    }

    It 'adds only the patterns missing from an existing blocklist; the same text as a regular expression is another item' {
        New-ArmBlocklist $script:ProdId competitors -Term 'Fabrikam' -Regex 'Contoso'
        Clear-EmulatorRequest
        New-AoaiContentBlocklist -ResourceId $script:ProdId -Name competitors -Pattern 'Fabrikam', 'Contoso', 'Northwind'
        $writes = Get-BlocklistWrite
        $writes.Count | Should -Be 1 -Because 'the blocklist exists and its description is not asked to change'
        ConvertTo-CompactJson $writes[0].body | Should -Be (Get-AddBody 'Contoso', 'Northwind')
        @(Get-StoredItem $script:ProdId competitors).Count | Should -Be 4
    }

    It 'updates the description of an existing blocklist only when -Description differs, sending the blocklist back as read' {
        New-ArmBlocklist $script:ProdId competitors -Term 'Fabrikam' -Description 'old'
        $before = Invoke-EmulatorArm -Method GET -Path "$script:ProdId/raiBlocklists/competitors" -ApiVersion $script:Api
        Clear-EmulatorRequest

        New-AoaiContentBlocklist -ResourceId $script:ProdId -Name competitors -Pattern 'Fabrikam'
        @(Get-BlocklistWrite).Count | Should -Be 0 -Because 'without -Description the existing one is kept'

        $result = New-AoaiContentBlocklist -ResourceId $script:ProdId -Name competitors -Pattern 'Fabrikam' -Description 'new' -PassThru
        $writes = Get-BlocklistWrite
        $writes.Count | Should -Be 1
        $writes[0].method | Should -Be 'PUT'
        $expected = $before | ConvertTo-Json -Depth 10 | ConvertFrom-Json
        $expected.properties.description = 'new'
        ConvertTo-CompactJson $writes[0].body | Should -Be (ConvertTo-CompactJson $expected)
        $result.Description | Should -Be 'new'
        @(Get-StoredItem $script:ProdId competitors).Count | Should -Be 1
    }

    It 'sends 150 patterns in two batches of 100 and 50' {
        $patterns = 1..150 | ForEach-Object { "term number $_" }
        $result = New-AoaiContentBlocklist -ResourceId $script:ProdId -Name long -Pattern $patterns -PassThru
        $posts = @(Get-EmulatorRequest -Method POST)
        $posts.Count | Should -Be 2
        $posts[0].body.Count | Should -Be 100
        $posts[1].body.Count | Should -Be 50
        ConvertTo-CompactJson $posts[1].body | Should -Be (Get-AddBody $patterns[100..149])
        $result.Items.Count | Should -Be 150
        @(Get-StoredItem $script:ProdId long).Count | Should -Be 150

        Clear-EmulatorRequest
        New-AoaiContentBlocklist -ResourceId $script:ProdId -Name long -Pattern $patterns
        @(Get-BlocklistWrite).Count | Should -Be 0
    }

    It 'adds regular expressions with isRegex true' {
        New-AoaiContentBlocklist -ResourceId $script:ProdId -Name codes -Pattern 'PRJ-[0-9]{4}', '^secret\s+\w+$' -Regex
        ConvertTo-CompactJson (Get-BlocklistWrite -PathLike '*/addRaiBlocklistItems')[0].body | Should -Be (Get-AddBody 'PRJ-[0-9]{4}', '^secret\s+\w+$' -Regex)
        @(Get-StoredItem $script:ProdId codes).properties.isRegex | Sort-Object -Unique | Should -Be $true
    }

    It 'makes no write under -WhatIf, for a new blocklist and for missing patterns' {
        New-AoaiContentBlocklist -ResourceId $script:ProdId -Name competitors -Pattern 'Fabrikam' -WhatIf
        New-ArmBlocklist $script:DevId competitors -Term 'Fabrikam'
        Clear-EmulatorRequest
        Get-AoaiAccount | New-AoaiContentBlocklist -Name competitors -Pattern 'Fabrikam', 'Contoso' -Description 'x' -WhatIf
        @(Get-BlocklistWrite).Count | Should -Be 0
        Get-StoredBlocklist $script:ProdId | Where-Object name -eq 'competitors' | Should -BeNullOrEmpty
    }

    It 'refuses <Case> before any request' -TestCases @(
        @{ Case = 'an invalid regular expression'; Name = 'codes'; Pattern = @('PRJ-[0-9', 'ok'); Regex = $true; ErrorId = 'AoaiHardening.ContentSafety.InvalidPattern'; Match = "pattern #1 \('PRJ-\[0-9'\) is not a valid regular expression" }
        @{ Case = 'an empty pattern'; Name = 'codes'; Pattern = @('ok', ''); Regex = $false; ErrorId = 'AoaiHardening.ContentSafety.InvalidPattern'; Match = 'pattern #2 is empty' }
        @{ Case = 'a blank pattern'; Name = 'codes'; Pattern = @('   '); Regex = $false; ErrorId = 'AoaiHardening.ContentSafety.InvalidPattern'; Match = 'pattern #1 is empty' }
        @{ Case = 'a pattern over 1000 characters'; Name = 'codes'; Pattern = @('x' * 1001); Regex = $false; ErrorId = 'AoaiHardening.ContentSafety.InvalidPattern'; Match = '1001 characters long' }
        @{ Case = 'a name with a space'; Name = 'bad name'; Pattern = @('ok'); Regex = $false; ErrorId = 'AoaiHardening.ContentSafety.InvalidBlocklistName'; Match = "'bad name' is not a valid blocklist name" }
        @{ Case = 'a name over 64 characters'; Name = ('n' * 65); Pattern = @('ok'); Regex = $false; ErrorId = 'AoaiHardening.ContentSafety.InvalidBlocklistName'; Match = 'not a valid blocklist name' }
    ) {
        $thrown = $null
        try { New-AoaiContentBlocklist -ResourceId $script:ProdId -Name $Name -Pattern $Pattern -Regex:$Regex }
        catch { $thrown = $_ }
        $thrown | Should -Not -BeNullOrEmpty
        $thrown.FullyQualifiedErrorId | Should -Be "$ErrorId,AoaiHardening.Cmdlets.ContentSafety.NewAoaiContentBlocklist"
        $thrown.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $thrown.Exception.Message | Should -Match $Match
        @(Get-EmulatorRequest).Count | Should -Be 0
    }

    It 'reports a refused batch naming the account and the blocklist, and writes nothing after it' {
        Add-EmulatorFault -PathLike '/raiBlocklists/long/addRaiBlocklistItems' -Method POST -Status 400 -Code InvalidRegexPattern -Message 'The pattern is not valid.'
        $patterns = 1..150 | ForEach-Object { "t$_" }
        $result = New-AoaiContentBlocklist -ResourceId $script:ProdId -Name long -Pattern $patterns -PassThru -ErrorVariable err -ErrorAction SilentlyContinue
        $result | Should -BeNullOrEmpty
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -Be 'AoaiHardening.ContentSafety.AddItemsFailed,AoaiHardening.Cmdlets.ContentSafety.NewAoaiContentBlocklist'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err[0].Exception.ErrorCode | Should -Be 'InvalidRegexPattern'
        $err[0].Exception.Message | Should -Match "blocklist 'long' of account 'contoso-openai-prod'"
        $err[0].Exception.Message | Should -Match 'batch 1 of 2; 0 of 150 added before it'
        $err[0].TargetObject | Should -Be "$script:ProdId/raiBlocklists/long"
        $writes = Get-BlocklistWrite
        $writes.method | Should -Be @('PUT', 'POST') -Because 'the second batch is not sent after the first failed'
        @(Get-StoredItem $script:ProdId long).Count | Should -Be 0
    }

    It 'reports the service refusing a regular expression it does not accept (400 InvalidRegexPattern from ARM)' {
        # .NET accepts the pattern, so only the service's answer can refuse it: here the emulator's, through a fault.
        Add-EmulatorFault -PathLike '/addRaiBlocklistItems' -Method POST -Status 400 -Code InvalidRegexPattern
        New-AoaiContentBlocklist -ResourceId $script:ProdId -Name codes -Pattern '(?<=a)b' -Regex -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.ContentSafety.AddItemsFailed,*'
        $err[0].Exception.Message | Should -Match 'adding 1 regex pattern to blocklist'
    }

    It 'reports a failed create without adding items' {
        Add-EmulatorFault -PathLike '/raiBlocklists/competitors' -Method PUT -Status 409 -Code Conflict -Message 'Busy.'
        New-AoaiContentBlocklist -ResourceId $script:ProdId -Name competitors -Pattern 'a' -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.ContentSafety.BlocklistCreateFailed,*'
        $err[0].CategoryInfo.Category | Should -Be 'ResourceBusy'
        $err[0].Exception.Message | Should -Match "creating blocklist 'competitors' of account 'contoso-openai-prod' failed"
        @(Get-EmulatorRequest -Method POST).Count | Should -Be 0
    }

    It 'reports a missing account as AoaiHardening.Account.NotFound' {
        New-AoaiContentBlocklist -ResourceId $script:MissingId -Name competitors -Pattern 'a' -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.Account.NotFound,*'
        $err[0].Exception.Message | Should -Match 'no-such-account'
        @(Get-EmulatorRequest -Method POST).Count | Should -Be 0
    }

    It 'takes accounts from Get-AoaiAccount and -ResourceGroupName with -AccountName' {
        $results = @(Get-AoaiAccount | New-AoaiContentBlocklist -Name competitors -Pattern 'Fabrikam' -PassThru)
        $results.Count | Should -Be 3
        $results.AccountName | Sort-Object | Should -Be @('contoso-aiservices', 'contoso-openai-dev', 'contoso-openai-prod')
        Clear-EmulatorRequest
        $one = New-AoaiContentBlocklist -ResourceGroupName rg-ai-dev -AccountName contoso-openai-dev -Name competitors -Pattern 'Fabrikam' -PassThru
        $one.AccountId | Should -Be $script:DevId
        @(Get-BlocklistWrite).Count | Should -Be 0
    }
}

Describe 'Get-AoaiContentBlocklist' {
    BeforeAll {
        Reset-TestEmulator
        Connect-TestEmulator | Out-Null
        New-ArmBlocklist $script:ProdId competitors -Term 'Fabrikam', 'Contoso' -Description 'Competitor names'
        New-ArmBlocklist $script:ProdId legal-hold -Regex 'case-[0-9]+'
        New-ArmBlocklist $script:ProdId legal-archive
    }
    BeforeEach { Clear-EmulatorRequest }

    It 'gets one blocklist by name with its items in two requests' {
        $b = Get-AoaiContentBlocklist -ResourceId $script:ProdId -Name competitors
        $b.Name | Should -Be 'competitors'
        $b.Description | Should -Be 'Competitor names'
        @($b.Items.Pattern | Sort-Object) | Should -Be @('Contoso', 'Fabrikam')
        @($b.Items.Name | Sort-Object) | Should -Be @('other-1', 'other-2')
        @(Get-EmulatorRequest).Count | Should -Be 2
    }

    It 'lists every blocklist with its items, and filters by wildcard' {
        $all = @(Get-AoaiContentBlocklist -ResourceGroupName rg-ai-prod -AccountName contoso-openai-prod)
        @($all.Name | Where-Object { $_ -in 'competitors', 'legal-hold', 'legal-archive' }).Count | Should -Be 3
        $legal = @(Get-AoaiContentBlocklist -ResourceId $script:ProdId -Name 'legal*')
        $legal.Name | Sort-Object | Should -Be @('legal-archive', 'legal-hold')
        ($legal | Where-Object Name -eq 'legal-hold').Items[0].IsRegex | Should -BeTrue
        ($legal | Where-Object Name -eq 'legal-archive').Items.Count | Should -Be 0
        @(Get-AoaiContentBlocklist -ResourceId $script:ProdId -Name 'nothing*').Count | Should -Be 0
    }

    It 'takes accounts from the pipeline' {
        $found = @(Get-AoaiAccount | Get-AoaiContentBlocklist -Name 'legal*')
        $found.AccountName | Sort-Object -Unique | Should -Be 'contoso-openai-prod'
    }

    It 'reports a name that does not exist, and a missing account' {
        Get-AoaiContentBlocklist -ResourceId $script:ProdId -Name nope -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be 'AoaiHardening.ContentSafety.BlocklistNotFound,AoaiHardening.Cmdlets.ContentSafety.GetAoaiContentBlocklist'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err[0].Exception.Message | Should -Match "blocklist 'nope' of account 'contoso-openai-prod' does not exist"

        Get-AoaiContentBlocklist -ResourceId $script:MissingId -ErrorVariable err2 -ErrorAction SilentlyContinue
        $err2[0].FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.Account.NotFound,*'
    }

    It 'refuses a malformed name before any request' {
        { Get-AoaiContentBlocklist -ResourceId $script:ProdId -Name 'a/b' } |
            Should -Throw -ErrorId 'AoaiHardening.ContentSafety.InvalidBlocklistName,AoaiHardening.Cmdlets.ContentSafety.GetAoaiContentBlocklist'
        @(Get-EmulatorRequest).Count | Should -Be 0
    }
}

Describe 'Add-AoaiContentBlocklistItem' {
    BeforeEach {
        Reset-TestEmulator
        Connect-TestEmulator | Out-Null
        New-ArmBlocklist $script:ProdId competitors -Term 'Fabrikam'
        Clear-EmulatorRequest
    }

    It 'adds the missing patterns with one batch POST' {
        $result = Add-AoaiContentBlocklistItem -ResourceId $script:ProdId -BlocklistName competitors -Pattern 'Fabrikam', 'Northwind' -PassThru
        $writes = Get-BlocklistWrite
        $writes.Count | Should -Be 1
        $writes[0].path | Should -Be "$script:ProdId/raiBlocklists/competitors/addRaiBlocklistItems"
        ConvertTo-CompactJson $writes[0].body | Should -Be (Get-AddBody 'Northwind')
        @($result.Items.Pattern | Sort-Object) | Should -Be @('Fabrikam', 'Northwind')
    }

    It 'is idempotent: a re-run writes nothing' {
        Add-AoaiContentBlocklistItem -ResourceId $script:ProdId -BlocklistName competitors -Pattern 'Northwind', 'x[0-9]' -Regex
        Clear-EmulatorRequest
        Add-AoaiContentBlocklistItem -ResourceId $script:ProdId -BlocklistName competitors -Pattern 'Northwind', 'x[0-9]' -Regex
        @(Get-BlocklistWrite).Count | Should -Be 0
        @(Get-EmulatorRequest).Count | Should -Be 2
    }

    It 'takes a blocklist from Get-AoaiContentBlocklist' {
        Get-AoaiContentBlocklist -ResourceId $script:ProdId -Name competitors | Add-AoaiContentBlocklistItem -Pattern 'Contoso'
        ConvertTo-CompactJson (Get-BlocklistWrite)[0].body | Should -Be (Get-AddBody 'Contoso')
        @(Get-StoredItem $script:ProdId competitors).Count | Should -Be 2
    }

    It 'makes no write under -WhatIf' {
        Add-AoaiContentBlocklistItem -ResourceId $script:ProdId -BlocklistName competitors -Pattern 'Northwind' -WhatIf
        @(Get-BlocklistWrite).Count | Should -Be 0
    }

    It 'reports a missing blocklist before any write' {
        Add-AoaiContentBlocklistItem -ResourceId $script:ProdId -BlocklistName nope -Pattern 'a' -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'AoaiHardening.ContentSafety.BlocklistNotFound,AoaiHardening.Cmdlets.ContentSafety.AddAoaiContentBlocklistItem'
        $err[0].Exception.Message | Should -Match "adding 1 pattern: blocklist 'nope' of account 'contoso-openai-prod' does not exist"
        @(Get-BlocklistWrite).Count | Should -Be 0
    }

    It 'refuses an invalid regular expression before any request' {
        { Add-AoaiContentBlocklistItem -ResourceId $script:ProdId -BlocklistName competitors -Pattern 'ok', '(unclosed' -Regex } |
            Should -Throw -ErrorId 'AoaiHardening.ContentSafety.InvalidPattern,AoaiHardening.Cmdlets.ContentSafety.AddAoaiContentBlocklistItem'
        @(Get-EmulatorRequest).Count | Should -Be 0
    }

    It 'reports a refused batch (409) naming the blocklist' {
        Add-EmulatorFault -PathLike '/addRaiBlocklistItems' -Method POST -Status 409 -Code Conflict -Message 'Another operation is in progress.'
        Add-AoaiContentBlocklistItem -ResourceId $script:ProdId -BlocklistName competitors -Pattern 'Northwind' -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'AoaiHardening.ContentSafety.AddItemsFailed,AoaiHardening.Cmdlets.ContentSafety.AddAoaiContentBlocklistItem'
        $err[0].CategoryInfo.Category | Should -Be 'ResourceBusy'
        $err[0].Exception.Message | Should -Match "adding 1 pattern to blocklist 'competitors' of account 'contoso-openai-prod' failed"
        @(Get-BlocklistWrite).Count | Should -Be 1
        @(Get-StoredItem $script:ProdId competitors).Count | Should -Be 1
    }
}

Describe 'Remove-AoaiContentBlocklistItem' {
    BeforeEach {
        Reset-TestEmulator
        Connect-TestEmulator | Out-Null
        New-ArmBlocklist $script:ProdId competitors -Term 'Fabrikam', 'Contoso', 'Northwind' -Regex 'Contoso'
        Clear-EmulatorRequest
    }

    It 'removes by pattern with one batch POST; a term and a regular expression with that text both go; absent patterns are not sent' {
        $out = Remove-AoaiContentBlocklistItem -ResourceId $script:ProdId -BlocklistName competitors -Pattern 'Contoso', 'Absent' -PassThru -Verbose 4>&1
        $writes = Get-BlocklistWrite
        $writes.Count | Should -Be 1
        $writes[0].path | Should -Be "$script:ProdId/raiBlocklists/competitors/deleteRaiBlocklistItems"
        ConvertTo-CompactJson $writes[0].body | Should -Be '["other-2","other-4"]'
        (Get-VerboseMessage $out) -join "`n" | Should -Match "no item with the pattern 'Absent'"
        $result = $out | Where-Object { $_ -is [AoaiHardening.Model.AoaiContentBlocklist] }
        @($result.Items.Pattern | Sort-Object) | Should -Be @('Fabrikam', 'Northwind')
    }

    It 'removes by item name' {
        Remove-AoaiContentBlocklistItem -ResourceId $script:ProdId -BlocklistName competitors -ItemName 'OTHER-1', 'other-9'
        ConvertTo-CompactJson (Get-BlocklistWrite)[0].body | Should -Be '["other-1"]'
        @(@(Get-StoredItem $script:ProdId competitors).name | Sort-Object) | Should -Be @('other-2', 'other-3', 'other-4')
    }

    It 'is idempotent: nothing to remove means no write' {
        Remove-AoaiContentBlocklistItem -ResourceId $script:ProdId -BlocklistName competitors -Pattern 'Fabrikam'
        Clear-EmulatorRequest
        Remove-AoaiContentBlocklistItem -ResourceId $script:ProdId -BlocklistName competitors -Pattern 'Fabrikam'
        @(Get-BlocklistWrite).Count | Should -Be 0
    }

    It 'takes a blocklist from the pipeline and makes no write under -WhatIf' {
        Get-AoaiContentBlocklist -ResourceId $script:ProdId -Name competitors | Remove-AoaiContentBlocklistItem -Pattern 'Fabrikam' -WhatIf
        @(Get-BlocklistWrite).Count | Should -Be 0
        Get-AoaiContentBlocklist -ResourceId $script:ProdId -Name competitors | Remove-AoaiContentBlocklistItem -Pattern 'Fabrikam'
        @(Get-BlocklistWrite).Count | Should -Be 1
    }

    It 'refuses <Case> before any request' -TestCases @(
        @{ Case = 'neither -Pattern nor -ItemName'; Params = @{}; ErrorId = 'AoaiHardening.ContentSafety.InvalidItemSelection' }
        @{ Case = 'both -Pattern and -ItemName'; Params = @{ Pattern = 'a'; ItemName = 'b' }; ErrorId = 'AoaiHardening.ContentSafety.InvalidItemSelection' }
        @{ Case = 'an invalid item name'; Params = @{ ItemName = 'a b' }; ErrorId = 'AoaiHardening.ContentSafety.InvalidItemName' }
        @{ Case = 'an empty pattern'; Params = @{ Pattern = '' }; ErrorId = 'AoaiHardening.ContentSafety.InvalidPattern' }
    ) {
        { Remove-AoaiContentBlocklistItem -ResourceId $script:ProdId -BlocklistName competitors @Params } |
            Should -Throw -ErrorId "$ErrorId,AoaiHardening.Cmdlets.ContentSafety.RemoveAoaiContentBlocklistItem"
        @(Get-EmulatorRequest).Count | Should -Be 0
    }

    It 'reports a refused batch delete naming the blocklist; the items stay' {
        Add-EmulatorFault -PathLike '/deleteRaiBlocklistItems' -Method POST -Status 409 -Code Conflict
        Remove-AoaiContentBlocklistItem -ResourceId $script:ProdId -BlocklistName competitors -Pattern 'Fabrikam' -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'AoaiHardening.ContentSafety.RemoveItemsFailed,AoaiHardening.Cmdlets.ContentSafety.RemoveAoaiContentBlocklistItem'
        $err[0].Exception.Message | Should -Match "removing 1 item from blocklist 'competitors' of account 'contoso-openai-prod' failed"
        @(Get-StoredItem $script:ProdId competitors).Count | Should -Be 4
    }

    It 'reports a missing blocklist' {
        Remove-AoaiContentBlocklistItem -ResourceId $script:ProdId -BlocklistName nope -Pattern 'a' -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.ContentSafety.BlocklistNotFound,*'
        @(Get-BlocklistWrite).Count | Should -Be 0
    }
}

Describe 'Remove-AoaiContentBlocklist' {
    BeforeEach {
        Reset-TestEmulator
        Connect-TestEmulator | Out-Null
        New-ArmBlocklist $script:ProdId competitors -Term 'Fabrikam', 'Contoso'
        Clear-EmulatorRequest
    }

    It 'is high impact, so it asks for confirmation by default' {
        $attr = (Get-Command Remove-AoaiContentBlocklist).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0]
        $attr.ConfirmImpact | Should -Be 'High'
        $attr.SupportsShouldProcess | Should -BeTrue
    }

    It 'checks the policies, then DELETEs the blocklist and its items' {
        $result = Remove-AoaiContentBlocklist -ResourceId $script:ProdId -Name competitors -PassThru -Confirm:$false
        $writes = Get-BlocklistWrite
        $writes.Count | Should -Be 1
        $writes[0].method | Should -Be 'DELETE'
        $writes[0].path | Should -Be "$script:ProdId/raiBlocklists/competitors"
        @(Get-EmulatorRequest -Method GET -PathLike '*/raiPolicies').Count | Should -Be 1
        $result.Name | Should -Be 'competitors'
        $result.Items.Count | Should -Be 2 -Because '-PassThru emits the blocklist as it was'
        Get-StoredBlocklist $script:ProdId | Where-Object name -eq 'competitors' | Should -BeNullOrEmpty
    }

    It 'does nothing for a blocklist that does not exist' {
        $out = Remove-AoaiContentBlocklist -ResourceId $script:ProdId -Name nope -Confirm:$false -Verbose 4>&1
        @(Get-BlocklistWrite).Count | Should -Be 0
        @(Get-EmulatorRequest).Count | Should -Be 1
        (Get-VerboseMessage $out) -join "`n" | Should -Match "blocklist 'nope' of account 'contoso-openai-prod' does not exist: nothing to do"
    }

    It 'refuses, before the DELETE, while a content filter policy uses it' {
        New-ArmPolicy $script:ProdId p1 competitors
        Clear-EmulatorRequest
        Remove-AoaiContentBlocklist -ResourceId $script:ProdId -Name competitors -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'AoaiHardening.ContentSafety.BlocklistInUse,AoaiHardening.Cmdlets.ContentSafety.RemoveAoaiContentBlocklist'
        $err[0].CategoryInfo.Category | Should -Be 'ResourceBusy'
        $err[0].Exception.Message | Should -Match "blocklist 'competitors' of account 'contoso-openai-prod' is used by content filter policy 'p1'"
        @(Get-BlocklistWrite).Count | Should -Be 0
        Get-StoredBlocklist $script:ProdId | Where-Object name -eq 'competitors' | Should -Not -BeNullOrEmpty
    }

    It 'reports ARM''s 409 RaiBlocklistInUse (a policy added after the check) with the same id' {
        Add-EmulatorFault -PathLike '/raiBlocklists/competitors' -Method DELETE -Status 409 -Code RaiBlocklistInUse -Message 'In use.'
        Remove-AoaiContentBlocklist -ResourceId $script:ProdId -Name competitors -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.ContentSafety.BlocklistInUse,*'
        $err[0].Exception.ErrorCode | Should -Be 'RaiBlocklistInUse'
        $err[0].Exception.Message | Should -Match "removing blocklist 'competitors' of account 'contoso-openai-prod' failed"
    }

    It 'reports a failed delete operation' {
        Add-EmulatorFault -PathLike '/raiBlocklists/competitors' -Method DELETE -Kind lroFail -Status 400 -Code InternalError -Message 'Could not delete.'
        Remove-AoaiContentBlocklist -ResourceId $script:ProdId -Name competitors -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.ContentSafety.BlocklistRemoveFailed,*'
        $err[0].Exception.ErrorCode | Should -Be 'InternalError'
    }

    It 'makes no write under -WhatIf, also for blocklists from the pipeline' {
        Remove-AoaiContentBlocklist -ResourceId $script:ProdId -Name competitors -WhatIf
        Get-AoaiContentBlocklist -ResourceId $script:ProdId | Remove-AoaiContentBlocklist -WhatIf
        @(Get-BlocklistWrite).Count | Should -Be 0
        Get-StoredBlocklist $script:ProdId | Where-Object name -eq 'competitors' | Should -Not -BeNullOrEmpty
    }

    It 'takes blocklists from Get-AoaiContentBlocklist' {
        New-ArmBlocklist $script:ProdId test-a
        New-ArmBlocklist $script:ProdId test-b
        Clear-EmulatorRequest
        Get-AoaiContentBlocklist -ResourceId $script:ProdId -Name 'test-*' | Remove-AoaiContentBlocklist -Confirm:$false
        @(Get-BlocklistWrite).path | Sort-Object | Should -Be @("$script:ProdId/raiBlocklists/test-a", "$script:ProdId/raiBlocklists/test-b")
        @(Get-StoredBlocklist $script:ProdId).name | Should -Contain 'competitors'
    }

    It 'refuses a malformed name before any request' {
        { Remove-AoaiContentBlocklist -ResourceId $script:ProdId -Name 'x y' -Confirm:$false } |
            Should -Throw -ErrorId 'AoaiHardening.ContentSafety.InvalidBlocklistName,AoaiHardening.Cmdlets.ContentSafety.RemoveAoaiContentBlocklist'
        @(Get-EmulatorRequest).Count | Should -Be 0
    }
}
