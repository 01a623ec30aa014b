# Test-AoaiHardening, Assert-AoaiHardening and Get-AoaiHardeningRule against the emulator and against JSON files.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModuleManifest) -Force
    $script:Emu = Start-TestEmulator
    $script:Sub = Get-ScenarioSubscriptionId
    $script:ProdId = Get-ScenarioAccountId -ResourceGroupName rg-ai-prod -Name contoso-openai-prod
    $script:DevId = Get-ScenarioAccountId -ResourceGroupName rg-ai-dev -Name contoso-openai-dev
    $script:RepoRoot = Resolve-Path (Join-Path $PSScriptRoot '../..')

    function Get-Finding($Findings, [string] $RuleId, [string] $Name) {
        @($Findings | Where-Object { $_.RuleId -eq $RuleId -and $_.ResourceName -eq $Name })
    }

}
AfterAll { Stop-TestEmulator }

Describe 'Get-AoaiHardeningRule' {
    It 'lists the catalog of rules.md' {
        $rules = @(Get-AoaiHardeningRule)
        $rules.Count | Should -Be 31
        @(Get-AoaiHardeningRule -Baseline OnYourData).Count | Should -Be 7
        @(Get-AoaiHardeningRule -Baseline Strict | Where-Object Area -eq OYD).Count | Should -Be 0
        (Get-AoaiHardeningRule AOAI-IAM-001).RemediationCommand | Should -Be 'Disable-AoaiLocalAuth'
        @(Get-AoaiHardeningRule -Baseline Default | Where-Object Baseline -ne 'Default').Count | Should -Be 0
        @(Get-AoaiHardeningRule -Area NET).Count | Should -Be 7
        (Get-AoaiHardeningRule AOAI-ENC-001).StrictSeverity | Should -Be 'Medium'
    }

    It 'keeps docs/rules.md in step with the catalog' {
        $generated = Join-Path $TestDrive 'rules.md'
        & (Join-Path $script:RepoRoot 'src/Help/Build-RuleDocs.ps1') -ModulePath (Get-TestModuleManifest) -OutputPath $generated 6>$null
        (Get-Content $generated -Raw) | Should -BeExactly (Get-Content (Join-Path $script:RepoRoot 'docs/rules.md') -Raw) -Because 'run: dotnet pwsh ./build.ps1 -Task Docs'
    }
}

Describe 'Test-AoaiHardening (live)' {
    BeforeEach {
        Reset-TestEmulator
        Connect-TestEmulator | Out-Null
        Clear-EmulatorRequest
    }

    It 'evaluates the Default baseline on every OpenAI and AIServices account of the subscription' {
        $findings = @(Test-AoaiHardening)
        $findings | ForEach-Object { $_ | Should -BeOfType ([AoaiHardening.Model.AoaiFinding]) }
        @($findings.ResourceName | Sort-Object -Unique) | Should -Be @('contoso-aiservices', 'contoso-openai-dev', 'contoso-openai-prod')
        (Get-Finding $findings AOAI-IAM-001 contoso-openai-prod).Status | Should -Be 'Fail'
        (Get-Finding $findings AOAI-IAM-001 contoso-openai-prod).Remediation | Should -Be "Disable-AoaiLocalAuth -ResourceId '$script:ProdId'"
        (Get-Finding $findings AOAI-NET-001 contoso-openai-prod).Status | Should -Be 'Fail'
        (Get-Finding $findings AOAI-NET-001 contoso-aiservices).Status | Should -Be 'Pass'
        (Get-Finding $findings AOAI-IAM-002 contoso-aiservices).Status | Should -Be 'Pass'
        $ipRules = Get-Finding $findings AOAI-NET-004 contoso-openai-dev
        $ipRules.Status | Should -Be 'Fail'
        $ipRules.Actual | Should -Be '0.0.0.0/0, 10.0.0.0/8'
        @($findings | Where-Object RuleId -eq 'AOAI-NET-002').Count | Should -Be 0 -Because 'NET-002 is a Strict rule'
        @(Get-EmulatorWrite).Count | Should -Be 0
    }

    It 'covers other kinds only with -IncludeAllKinds, and then only account-level rules' {
        @(Test-AoaiHardening | Where-Object ResourceName -eq 'contoso-language').Count | Should -Be 0
        $language = @(Test-AoaiHardening -IncludeAllKinds -Baseline Strict | Where-Object ResourceName -eq 'contoso-language')
        $language.Count | Should -BeGreaterThan 0
        $language.RuleId | Should -Not -Contain 'AOAI-ENC-005'
    }

    It 'gives the same findings live and offline for the same resources' {
        $file = Join-Path $TestDrive 'accounts.json'
        Set-TestMonitoring
        Export-TestAccounts $file
        $key = { '{0}|{1}|{2}|{3}|{4}' -f $_.RuleId, $_.ResourceId, $_.Status, $_.Actual, $_.Severity }
        $live = @(Test-AoaiHardening -Baseline Strict -IncludeAllKinds | ForEach-Object $key | Sort-Object)
        $offline = @(Test-AoaiHardening -Path $file -Baseline Strict -IncludeAllKinds | ForEach-Object $key | Sort-Object)
        $live.Count | Should -BeGreaterThan 20
        $offline | Should -Be $live
        # The monitoring rules are judged alike, with every status the seeded state gives.
        @($live | Where-Object { $_ -like 'AOAI-MON-002|*contoso-openai-prod|Pass|*' }).Count | Should -Be 1
        @($live | Where-Object { $_ -like 'AOAI-MON-003|*contoso-openai-prod|Fail|*' }).Count | Should -Be 1
        @($live | Where-Object { $_ -like 'AOAI-MON-001|*contoso-openai-dev|Fail|no diagnostic settings|*' }).Count | Should -Be 1
    }

    It 'composes with the fixing cmdlets in one pipeline' {
        $after = @(Get-AoaiAccount -ResourceGroupName rg-ai-prod | Disable-AoaiLocalAuth -PassThru -WarningAction SilentlyContinue | Test-AoaiHardening -Rule AOAI-IAM-001)
        $after.Count | Should -Be 2
        $after.Status | Should -Be @('Pass', 'Pass')
    }

    It 'summarises counts per status and severity' {
        $summary = Test-AoaiHardening -Summary -Baseline Strict
        $summary | Should -BeOfType ([AoaiHardening.Model.AoaiHardeningSummary])
        $summary.Accounts | Should -Be 3
        $summary.Baseline | Should -Be 'Strict'
        $all = @(Test-AoaiHardening -Baseline Strict)
        $summary.Findings | Should -Be $all.Count
        $summary.Fail | Should -Be @($all | Where-Object Status -eq 'Fail').Count
        $summary.FailHigh | Should -Be @($all | Where-Object { $_.Status -eq 'Fail' -and $_.Severity -eq 'High' }).Count
        ($summary.Pass + $summary.Fail + $summary.Waived + $summary.NotApplicable + $summary.NotEvaluated + $summary.Error) | Should -Be $summary.Findings
    }

    It 'applies waivers, warns about expired ones and about a waiver that names no rule' {
        $waivers = Join-Path $TestDrive 'waivers.psd1'
        @"
@{ Waivers = @(
    @{ ResourceId = '*/contoso-openai-prod'; RuleId = 'AOAI-IAM-001'; Reason = 'Legacy client until 2027-Q1'; Expires = '2099-01-01' }
    @{ ResourceId = '*/contoso-openai-dev'; RuleId = 'AOAI-NET-*'; Reason = 'Old exception'; Expires = '2020-01-01' }
    @{ ResourceId = '*'; RuleId = 'AOAI-IAM-01'; Reason = 'A typo: waives nothing' }
) }
"@ | Set-Content $waivers
        $findings = @(Test-AoaiHardening -WaiverPath $waivers -WarningVariable warnings -WarningAction SilentlyContinue)
        @($warnings | Where-Object { "$_" -match "Waiver 'AOAI-IAM-01 on \*' .* names no rule in the catalog" }).Count | Should -Be 1
        @($warnings | Where-Object { "$_" -match 'names no rule' }).Count | Should -Be 1 -Because 'the wildcard AOAI-NET-* and AOAI-IAM-001 name rules' 
        $waived = Get-Finding $findings AOAI-IAM-001 contoso-openai-prod
        $waived.Status | Should -Be 'Waived'
        $waived.WaiverReason | Should -Be 'Legacy client until 2027-Q1'
        (Get-Finding $findings AOAI-NET-004 contoso-openai-dev).Status | Should -Be 'Fail'
        @($warnings | Where-Object { "$_" -match 'expired on 2020-01-01' }).Count | Should -Be 1
    }

    It 'reads a JSON baseline file that excludes and re-rates rules' {
        $baseline = Join-Path $TestDrive 'contoso.json'
        '{ "Name": "Contoso", "Extends": "Strict", "Exclude": ["AOAI-NET-00[36]"], "Severity": { "AOAI-ENC-001": "High" } }' | Set-Content $baseline
        $findings = @(Test-AoaiHardening -Baseline $baseline)
        $findings.RuleId | Should -Not -Contain 'AOAI-NET-003'
        $findings.RuleId | Should -Contain 'AOAI-NET-002'
        ($findings | Where-Object RuleId -eq 'AOAI-ENC-001' | Select-Object -First 1).Severity | Should -Be 'High'
        $findings[0].Baseline | Should -Be 'Contoso'
    }

    It 'refuses a bad baseline, waiver file or path before any request' {
        $bad = Join-Path $TestDrive 'bad.json'
        '{ "Extends": "Lenient" }' | Set-Content $bad
        { Test-AoaiHardening -Baseline $bad } | Should -Throw -ErrorId 'AoaiHardening.Test.InvalidBaseline,*'
        { Test-AoaiHardening -Baseline (Join-Path $TestDrive 'missing.psd1') } | Should -Throw -ErrorId 'AoaiHardening.Test.InvalidBaseline,*'
        '[ { "RuleId": "*" } ]' | Set-Content $bad
        { Test-AoaiHardening -WaiverPath $bad } | Should -Throw -ErrorId 'AoaiHardening.Test.InvalidWaiverFile,*'
        { Test-AoaiHardening -Path (Join-Path $TestDrive 'nowhere.json') } | Should -Throw -ErrorId 'AoaiHardening.Test.PathNotFound,*'
        { Test-AoaiHardening -ResourceId 'not-an-id' } | Should -Throw -ErrorId 'AoaiHardening.Account.InvalidResourceId,*'
        @(Get-EmulatorRequest).Count | Should -Be 0
    }

    It 'survives an injected 503 while listing, and reports an account it cannot read' {
        Add-EmulatorFault -PathLike '/providers/Microsoft.CognitiveServices/accounts' -Method GET -Status 503 -RetryAfter 0 -Count 1
        @(Test-AoaiHardening -Rule AOAI-IAM-001).Count | Should -Be 3
        Add-EmulatorFault -PathLike '/accounts/contoso-openai-prod' -Status 403 -Code AuthorizationFailed -Message 'denied' -Count 5
        $findings = @(Test-AoaiHardening -ResourceId $script:ProdId, $script:DevId -Rule AOAI-IAM-001 -ErrorVariable err -ErrorAction SilentlyContinue)
        $findings.ResourceName | Should -Be @('contoso-openai-dev')
        $err[0].FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.Account.ReadFailed,*'
        $err[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
    }
}

Describe 'Test-AoaiHardening reports' {
    BeforeEach {
        Reset-TestEmulator
        Connect-TestEmulator | Out-Null
        Clear-EmulatorRequest
    }

    It 'writes SARIF 2.1.0 with one result per failure while still streaming the findings' {
        $sarif = Join-Path $TestDrive 'aoai.sarif'
        $findings = @(Test-AoaiHardening -Baseline Strict -OutputFormat Sarif -OutputPath $sarif)
        $log = Get-Content $sarif -Raw | ConvertFrom-Json
        $log.version | Should -Be '2.1.0'
        $run = $log.runs[0]
        $run.tool.driver.name | Should -Be 'AoaiHardening'
        @($run.tool.driver.rules.id) | Should -Contain 'AOAI-IAM-001'
        @($run.results).Count | Should -Be @($findings | Where-Object Status -eq 'Fail').Count
        $iam = $run.results | Where-Object { $_.ruleId -eq 'AOAI-IAM-001' -and $_.properties.resourceId -eq $script:ProdId }
        $iam.level | Should -Be 'error'
        $iam.message.text | Should -Match 'Disable-AoaiLocalAuth'
    }

    It 'writes a Markdown and an HTML page, and JSON with a summary' {
        $md = Join-Path $TestDrive 'report.md'
        $html = Join-Path $TestDrive 'report.html'
        $json = Join-Path $TestDrive 'report.json'
        Test-AoaiHardening -OutputFormat Markdown -OutputPath $md | Out-Null
        Test-AoaiHardening -OutputFormat Html -OutputPath $html | Out-Null
        $summary = Test-AoaiHardening -OutputFormat Json -OutputPath $json -Summary
        Get-Content $md -Raw | Should -Match 'AOAI-IAM-001'
        Get-Content $html -Raw | Should -Match '<html'
        (Get-Content $json -Raw | ConvertFrom-Json).summary.fail | Should -Be $summary.Fail
    }

    It 'refuses report options that do not go together, before any request' {
        { Test-AoaiHardening -OutputFormat Sarif } | Should -Throw -ErrorId 'AoaiHardening.Test.InvalidOutput,*'
        { Test-AoaiHardening -OutputFormat Sarif -OutputPath (Join-Path $TestDrive 'no/such/folder/x.sarif') } | Should -Throw -ErrorId 'AoaiHardening.Test.InvalidOutput,*'
        @(Get-EmulatorRequest).Count | Should -Be 0
    }
}

Describe 'Test-AoaiHardening (offline)' {
    It 'reads an ARM list response, Get-AzResource output and a template from a folder' {
        $folder = Join-Path $TestDrive 'input'
        New-Item -ItemType Directory -Path $folder | Out-Null
        @'
{ "value": [ { "id": "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/listed",
  "name": "listed", "type": "Microsoft.CognitiveServices/accounts", "kind": "OpenAI", "location": "eastus",
  "properties": { "disableLocalAuth": true, "publicNetworkAccess": "Disabled" } } ] }
'@ | Set-Content (Join-Path $folder 'list.json')
        @'
[ { "ResourceId": "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/fromaz",
    "Name": "fromaz", "ResourceType": "Microsoft.CognitiveServices/accounts", "Kind": "AIServices", "Location": "eastus",
    "Identity": { "Type": "SystemAssigned" }, "Properties": { "disableLocalAuth": false } } ]
'@ | Set-Content (Join-Path $folder 'azresource.json')
        @'
{ "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "contentVersion": "1.0.0.0",
  "parameters": { "localAuth": { "type": "bool" } },
  "resources": [ { "type": "Microsoft.CognitiveServices/accounts", "apiVersion": "2025-09-01", "name": "fromtemplate", "location": "eastus", "kind": "OpenAI",
    "sku": { "name": "S0" }, "properties": { "disableLocalAuth": "[parameters('localAuth')]", "publicNetworkAccess": "Disabled" } } ] }
'@ | Set-Content (Join-Path $folder 'main.json')

        $findings = @(Test-AoaiHardening -Path $folder -Rule AOAI-IAM-001, AOAI-NET-002, AOAI-IAM-002)
        (Get-Finding $findings AOAI-IAM-001 listed).Status | Should -Be 'Pass'
        (Get-Finding $findings AOAI-IAM-001 fromaz).Status | Should -Be 'Fail'
        (Get-Finding $findings AOAI-IAM-002 fromaz).Status | Should -Be 'Pass'
        $templated = Get-Finding $findings AOAI-IAM-001 fromtemplate
        $templated.Status | Should -Be 'NotEvaluated'
        $templated.Message | Should -Match "parameters\('localAuth'\)"
        $templated.SourceFile | Should -Be (Join-Path $folder 'main.json')
        $templated.SourcePath | Should -Be '$.resources[0]'
        (Get-Finding $findings AOAI-NET-002 fromtemplate).Status | Should -Be 'Pass'
    }

    It 'takes files from Get-ChildItem on the pipeline' {
        $file = Join-Path $TestDrive 'one.json'
        '{ "id": "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/a1", "name": "a1", "type": "Microsoft.CognitiveServices/accounts", "kind": "OpenAI", "properties": {} }' | Set-Content $file
        (Get-Item $file | Test-AoaiHardening -Rule AOAI-IAM-001).Status | Should -Be 'Fail'
    }

    It 'refuses JSON it cannot read, naming the file' {
        $file = Join-Path $TestDrive 'broken.json'
        '{ "value": [ ' | Set-Content $file
        $err = { Test-AoaiHardening -Path $file } | Should -Throw -ErrorId 'AoaiHardening.Test.InvalidInput,*' -PassThru
        $err.Exception.Message | Should -Match 'broken\.json'
    }
}

Describe 'Assert-AoaiHardening' {
    BeforeEach {
        Reset-TestEmulator
        Connect-TestEmulator | Out-Null
    }

    It 'throws one error listing every failure, most severe first' {
        $err = { Assert-AoaiHardening } | Should -Throw -ErrorId 'AoaiHardening.Assert.Failed,*' -PassThru
        $err.CategoryInfo.Category | Should -Be 'InvalidResult'
        $message = $err.Exception.Message
        $message | Should -Match 'AOAI-IAM-001 Fail on contoso-openai-prod'
        $message | Should -Match 'AOAI-NET-004 Fail on contoso-openai-dev'
        $message | Should -Match "Fix: Disable-AoaiLocalAuth -ResourceId '$([regex]::Escape($script:ProdId))'"
        $message.IndexOf('[High]') | Should -BeLessThan $message.IndexOf('[Medium]')
        $err.Exception.Failures.Count | Should -Be (@(Test-AoaiHardening | Where-Object Status -eq 'Fail').Count)
    }

    It 'is silent when the selected rules pass' {
        Get-AoaiAccount | Disable-AoaiLocalAuth -WarningAction SilentlyContinue
        $output = Assert-AoaiHardening -Rule AOAI-IAM-001
        $output | Should -BeNullOrEmpty
    }
}
