# Invoke-AoaiHardeningPester and the suite it ships, against the emulator. The cmdlet runs Pester inside this Pester run
# (Pester 5 supports nested runs; -Output None keeps the inner report out of this one). What would end or change this
# process, -CI's exit and a machine without Pester 5, runs in a child pwsh.
BeforeDiscovery {
    # A Pester 5 next to PowerShell itself cannot be hidden from a child process: the missing-Pester test then cannot run.
    $PesterInPSHome = @(Get-ChildItem (Join-Path $PSHOME 'Modules/Pester') -Directory -ErrorAction Ignore | Where-Object { $_.Name -as [version] -ge [version]'5.2' }).Count -gt 0
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModuleManifest) -Force
    $script:Emu = Start-TestEmulator
    $script:ProdId = Get-ScenarioAccountId -ResourceGroupName rg-ai-prod -Name contoso-openai-prod
    $script:Suite = Join-Path (Split-Path (Get-TestModuleManifest)) 'Pester/AoaiHardening.Tests.ps1'

    function Get-PesterTest($Run, [string] $Name) {
        @($Run.Tests | Where-Object ExpandedName -eq $Name)
    }

    # What the suite should report, worked out from Test-AoaiHardening: '<RuleId> <account>' -> the statuses of its findings.
    function Get-ExpectedTest([object[]] $Findings) {
        $expected = @{}
        foreach ($f in $Findings) { $expected["$($f.RuleId) $($f.ResourceName)"] += @("$($f.Status)") }
        $expected
    }

    # A finding as the engine would make it; the setters are internal, so through reflection. For the per-target
    # aggregation cases (per-deployment findings) that the demo tenant does not produce on its own.
    function New-Finding([hashtable] $Property) {
        $finding = [AoaiHardening.Model.AoaiFinding]::new()
        $values = @{ ResourceId = $script:ProdId; ResourceName = 'contoso-openai-prod'; ResourceGroupName = 'rg-ai-prod'; Severity = 'High' }
        foreach ($name in $Property.Keys) { $values[$name] = $Property[$name] }
        foreach ($name in $values.Keys) {
            $p = [AoaiHardening.Model.AoaiFinding].GetProperty($name)
            $value = if ($p.PropertyType.IsEnum) { [Enum]::Parse($p.PropertyType, $values[$name]) } else { $values[$name] }
            $p.SetValue($finding, $value)
        }
        $finding
    }

    # The shipped suite on hand-made findings, without the cmdlet.
    function Invoke-Suite([object[]] $Findings) {
        $config = New-PesterConfiguration
        $config.Run.Container = New-PesterContainer -Path $script:Suite -Data @{ Findings = $Findings; Rules = @(Get-AoaiHardeningRule) }
        $config.Run.PassThru = $true
        $config.Output.Verbosity = 'None'
        Invoke-Pester -Configuration $config
    }

    function Invoke-Child([string] $Script, [string[]] $ArgumentList) {
        $file = Join-Path $TestDrive "child-$([guid]::NewGuid().ToString('n')).ps1"
        Set-Content -Path $file -Value $Script
        $output = & dotnet (Join-Path $PSHOME 'pwsh.dll') -NoLogo -NoProfile -NonInteractive -File $file @ArgumentList 2>&1
        [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = @($output | ForEach-Object { "$_" }) }
    }
}
AfterAll { Stop-TestEmulator }

Describe 'Invoke-AoaiHardeningPester (live)' {
    BeforeEach {
        Reset-TestEmulator
        Connect-TestEmulator | Out-Null
        Clear-EmulatorRequest
    }

    # (No angle brackets in this name: Pester would expand <RuleId> as a template.)
    It 'runs one It per (account, rule), named after the rule and the account, in one Describe per account' {
        $run = Invoke-AoaiHardeningPester -Output None -PassThru
        $run | Should -Not -BeNullOrEmpty
        $run.GetType().FullName | Should -Be 'Pester.Run'
        $expected = Get-ExpectedTest @(Test-AoaiHardening)
        $expected.Count | Should -Be 45 -Because '3 OpenAI/AIServices accounts x 15 Default rules'
        @($run.Tests.ExpandedName | Sort-Object) | Should -Be @($expected.Keys | Sort-Object)
        $run.Tests.ExpandedName | Should -Contain 'AOAI-IAM-001 contoso-openai-prod'
        $run.Tests.ExpandedName | Should -Contain 'AOAI-NET-004 contoso-openai-dev'
        $run.Tests.ExpandedName | Should -Not -Contain 'AOAI-IAM-001 contoso-language' -Because 'TextAnalytics is out of scope by default'
        @($run.Containers[0].Blocks.ExpandedName) | Should -Be @('contoso-openai-prod (rg-ai-prod)', 'contoso-aiservices (rg-ai-prod)', 'contoso-openai-dev (rg-ai-dev)')
        (Get-PesterTest $run 'AOAI-IAM-001 contoso-openai-prod').Path | Should -Be @('contoso-openai-prod (rg-ai-prod)', 'AOAI-IAM-001 contoso-openai-prod')
        (Get-PesterTest $run 'AOAI-NET-004 contoso-openai-dev').Tag | Should -Be @('AOAI-NET-004', 'High', 'NET')
        @(Get-EmulatorWrite).Count | Should -Be 0
    }

    It 'maps each rule to the status of its findings: Fail fails, Pass passes, NotApplicable is skipped' {
        $run = Invoke-AoaiHardeningPester -Output None -PassThru
        $expected = Get-ExpectedTest @(Test-AoaiHardening)
        foreach ($name in $expected.Keys) {
            $want = if ($expected[$name] -contains 'Fail') { 'Failed' } elseif ($expected[$name] -contains 'Pass') { 'Passed' } else { 'Skipped' }
            (Get-PesterTest $run $name).Result | Should -Be $want -Because "$name has findings $($expected[$name] -join ', ')"
        }
        (Get-PesterTest $run 'AOAI-NET-001 contoso-aiservices').Result | Should -Be 'Passed'
        $notApplicable = Get-PesterTest $run 'AOAI-ENC-005 contoso-openai-prod'
        $notApplicable.Result | Should -Be 'Skipped'
        $notApplicable.ErrorRecord[0].Exception.Message | Should -Match 'does not use a customer-managed key'
    }

    It 'fails a failing rule with the message, actual, expected and the fix' {
        $run = Invoke-AoaiHardeningPester -Rule AOAI-IAM-001 -Output None -PassThru
        $test = Get-PesterTest $run 'AOAI-IAM-001 contoso-openai-prod'
        $test.Result | Should -Be 'Failed'
        $exception = $test.ErrorRecord[0].Exception
        $exception | Should -BeOfType ([AoaiHardening.Cmdlets.Compliance.AoaiHardeningAssertionException])
        $exception.Message | Should -Match 'AOAI-IAM-001 Fail on contoso-openai-prod: Key \(local\) authentication is enabled'
        $exception.Message | Should -Match 'Actual: +disableLocalAuth=false'
        $exception.Message | Should -Match 'Expected: +true'
        $exception.Message | Should -Match "Fix: +Disable-AoaiLocalAuth -ResourceId '$([regex]::Escape($script:ProdId))'"
        $exception.Failures.ResourceId | Should -Be $script:ProdId
    }

    It 'names the manual remediation when the module has no fixing cmdlet for the rule' {
        # A custom subdomain (AOAI-NET-005) can only be set by recreating the account: an export of the dev account
        # without one fails the rule, and the fix line is the rule's text.
        $accounts = @(Get-EmulatorArmList -Path "/subscriptions/$(Get-ScenarioSubscriptionId)/resourceGroups/rg-ai-dev/providers/Microsoft.CognitiveServices/accounts" -ApiVersion '2025-09-01')
        $accounts[0].properties.PSObject.Properties.Remove('customSubDomainName')
        $file = Join-Path $TestDrive 'no-subdomain.json'
        ConvertTo-Json -InputObject $accounts -Depth 20 | Set-Content $file
        $run = Invoke-AoaiHardeningPester -Path $file -Rule AOAI-NET-005 -Output None -PassThru
        $message = (Get-PesterTest $run 'AOAI-NET-005 contoso-openai-dev').ErrorRecord[0].Exception.Message
        $message | Should -Match "Fix: +$([regex]::Escape((Get-AoaiHardeningRule AOAI-NET-005).RemediationText))"
    }

    It 'skips a waived rule with its reason and expiry instead of failing it' {
        $waivers = Join-Path $TestDrive 'waivers.psd1'
        "@{ Waivers = @( @{ ResourceId = '*/contoso-openai-prod'; RuleId = 'AOAI-IAM-001'; Reason = 'Legacy client until 2027-Q1'; Expires = '2099-01-01' } ) }" | Set-Content $waivers
        $run = Invoke-AoaiHardeningPester -Rule AOAI-IAM-001 -WaiverPath $waivers -Output None -PassThru
        $waived = Get-PesterTest $run 'AOAI-IAM-001 contoso-openai-prod'
        $waived.Result | Should -Be 'Skipped'
        $waived.ErrorRecord[0].Exception.Message | Should -Match 'waived: Legacy client until 2027-Q1 until 2099-01-01'
        (Get-PesterTest $run 'AOAI-IAM-001 contoso-openai-dev').Result | Should -Be 'Failed' -Because 'the waiver names one account'
        $run.FailedCount | Should -Be 2
    }

    It 'passes the AOAI-IAM-001 tests after Disable-AoaiLocalAuth' {
        Get-AoaiAccount | Disable-AoaiLocalAuth -WarningAction SilentlyContinue
        $run = Invoke-AoaiHardeningPester -Output None -PassThru
        $iam = @($run.Tests | Where-Object ExpandedName -like 'AOAI-IAM-001 *')
        $iam.ExpandedName | Sort-Object | Should -Be @('AOAI-IAM-001 contoso-aiservices', 'AOAI-IAM-001 contoso-openai-dev', 'AOAI-IAM-001 contoso-openai-prod')
        $iam.Result | Should -Be @('Passed', 'Passed', 'Passed')
    }

    It 'takes accounts from the pipeline and runs the suite once' {
        $run = @(Get-AoaiAccount -ResourceGroupName rg-ai-prod | Invoke-AoaiHardeningPester -Rule AOAI-IAM-001 -Output None -PassThru)
        $run.Count | Should -Be 1
        $run[0].Tests.ExpandedName | Should -Be @('AOAI-IAM-001 contoso-openai-prod', 'AOAI-IAM-001 contoso-aiservices')
    }

    It 'covers other kinds with -IncludeAllKinds' {
        $run = Invoke-AoaiHardeningPester -IncludeAllKinds -Rule AOAI-IAM-001 -Output None -PassThru
        (Get-PesterTest $run 'AOAI-IAM-001 contoso-language').Result | Should -Be 'Failed'
    }

    It 'writes NUnit XML whose counts match the run and the findings' {
        $xml = Join-Path $TestDrive 'aoai.xml'
        $run = Invoke-AoaiHardeningPester -Output None -PassThru -OutputFile $xml -OutputFormat NUnitXml
        $expected = Get-ExpectedTest @(Test-AoaiHardening)
        $results = ([xml](Get-Content $xml -Raw)).'test-results'
        [int]$results.total | Should -Be $expected.Count
        [int]$results.failures | Should -Be @($expected.Values | Where-Object { $_ -contains 'Fail' }).Count
        [int]$results.failures | Should -Be $run.FailedCount
        [int]$results.skipped | Should -Be $run.SkippedCount
        $cases = @(([xml](Get-Content $xml -Raw)).SelectNodes('//test-case'))
        $cases.Count | Should -Be $expected.Count
        $iam = $cases | Where-Object description -eq 'AOAI-IAM-001 contoso-openai-prod'
        $iam.name | Should -Be 'contoso-openai-prod (rg-ai-prod).AOAI-IAM-001 contoso-openai-prod' -Because 'names must not carry data that changes between runs'
        $iam.failure.message | Should -Match 'Fix: +Disable-AoaiLocalAuth'
    }

    It 'writes JUnit XML with -OutputFormat JUnitXml' {
        $xml = Join-Path $TestDrive 'aoai.junit.xml'
        $run = Invoke-AoaiHardeningPester -Rule AOAI-IAM-001 -Output None -PassThru -OutputFile $xml -OutputFormat JUnitXml
        $suites = ([xml](Get-Content $xml -Raw)).testsuites
        [int]$suites.tests | Should -Be 3
        [int]$suites.failures | Should -Be $run.FailedCount
    }

    It 'passes -Configuration through, merged last' {
        $run = Invoke-AoaiHardeningPester -Output None -PassThru -Configuration @{ Filter = @{ Tag = 'IAM' }; Run = @{ PassThru = $false } }
        @($run.Tests | Where-Object ShouldRun).ExpandedName | ForEach-Object { $_ | Should -BeLike 'AOAI-IAM-*' }
        @($run.Tests | Where-Object ShouldRun).Count | Should -Be 9 -Because 'IAM-001, 002 and 003 on 3 accounts'
        $config = New-PesterConfiguration
        $config.Filter.FullName = '*.AOAI-IAM-001 contoso-openai-prod'
        $run = Invoke-AoaiHardeningPester -Output None -PassThru -Configuration $config
        @($run.Tests | Where-Object ShouldRun).ExpandedName | Should -Be 'AOAI-IAM-001 contoso-openai-prod'
    }

    It 'emits nothing without -PassThru, and runs nothing under -WhatIf' {
        Invoke-AoaiHardeningPester -Rule AOAI-IAM-001 -Output None | Should -BeNullOrEmpty
        $xml = Join-Path $TestDrive 'whatif.xml'
        Invoke-AoaiHardeningPester -WhatIf -PassThru -OutputFile $xml | Should -BeNullOrEmpty
        Test-Path $xml | Should -BeFalse
    }

    It 'raises AoaiHardening.Pester.RunFailed when the configuration asks Pester to throw on failures' {
        $err = { Invoke-AoaiHardeningPester -Rule AOAI-IAM-001 -Output None -Configuration @{ Run = @{ Throw = $true } } } |
            Should -Throw -ErrorId 'AoaiHardening.Pester.RunFailed,*' -PassThru
        $err.Exception.Message | Should -Match '3 tests failed'
    }

    It 'warns when nothing is selected, and still runs (an empty result file beats a missing one in CI)' {
        $run = Invoke-AoaiHardeningPester -Name 'no-such-account*' -Output None -PassThru -WarningVariable warnings -WarningAction SilentlyContinue
        "$warnings" | Should -Match 'no finding to test'
        $run.TotalCount | Should -Be 0
    }

    It 'refuses bad Pester options before any request' {
        { Invoke-AoaiHardeningPester -OutputFormat JUnitXml } | Should -Throw -ErrorId 'AoaiHardening.Pester.InvalidOutput,*'
        { Invoke-AoaiHardeningPester -OutputFile (Join-Path $TestDrive 'no/such/folder/r.xml') } | Should -Throw -ErrorId 'AoaiHardening.Pester.InvalidOutput,*'
        { Invoke-AoaiHardeningPester -Configuration 'Detailed' } | Should -Throw -ErrorId 'AoaiHardening.Pester.InvalidConfiguration,*'
        $err = { Invoke-AoaiHardeningPester -Configuration @{ Filter = @{ Tags = 'IAM' } } } | Should -Throw -ErrorId 'AoaiHardening.Pester.InvalidConfiguration,*' -PassThru
        $err.Exception.Message | Should -Match "unknown option 'Filter.Tags'"
        { Invoke-AoaiHardeningPester -Configuration @{ Output = 'Detailed' } } | Should -Throw -ErrorId 'AoaiHardening.Pester.InvalidConfiguration,*'
        @(Get-EmulatorRequest).Count | Should -Be 0
    }
}

Describe 'Invoke-AoaiHardeningPester (offline)' {
    BeforeAll {
        Reset-TestEmulator
        Connect-TestEmulator | Out-Null
        $script:Exported = Join-Path $TestDrive 'accounts.json'
        Set-TestMonitoring
        Export-TestAccounts $script:Exported
    }

    It 'tests exported JSON with -Path like the live accounts' {
        $live = Invoke-AoaiHardeningPester -Output None -PassThru
        $offline = Invoke-AoaiHardeningPester -Path $script:Exported -Output None -PassThru
        $key = { "$($_.ExpandedName)=$($_.Result)" }
        @($offline.Tests | ForEach-Object $key | Sort-Object) | Should -Be @($live.Tests | ForEach-Object $key | Sort-Object)
    }

    It 'reports a template value it cannot evaluate as inconclusive' {
        $template = Join-Path $TestDrive 'main.json'
        @'
{ "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "contentVersion": "1.0.0.0",
  "parameters": { "localAuth": { "type": "bool" } },
  "resources": [ { "type": "Microsoft.CognitiveServices/accounts", "apiVersion": "2025-09-01", "name": "fromtemplate", "location": "eastus", "kind": "OpenAI",
    "sku": { "name": "S0" }, "properties": { "disableLocalAuth": "[parameters('localAuth')]", "publicNetworkAccess": "Disabled" } } ] }
'@ | Set-Content $template
        $run = Invoke-AoaiHardeningPester -Path $template -Rule AOAI-IAM-001, AOAI-NET-001 -Output None -PassThru
        $iam = Get-PesterTest $run 'AOAI-IAM-001 fromtemplate'
        $iam.Result | Should -Be 'Inconclusive'
        $iam.ErrorRecord[0].Exception.Message | Should -Match "parameters\('localAuth'\)"
        (Get-PesterTest $run 'AOAI-NET-001 fromtemplate').Result | Should -Be 'Passed'
    }

    It 'ends the process with the failure count under -CI, after writing the results' {
        $failing = @((Get-ExpectedTest @(Test-AoaiHardening -Path $script:Exported)).Values | Where-Object { $_ -contains 'Fail' }).Count
        $xml = Join-Path $TestDrive 'ci.xml'
        $child = Invoke-Child -Script @'
param($PesterPath, $Manifest, $InputFile, $ResultFile)
Import-Module $PesterPath
Import-Module $Manifest
Invoke-AoaiHardeningPester -Path $InputFile -CI -OutputFile $ResultFile -Output None
'not reached'
'@ -ArgumentList (Join-Path (Get-Module Pester).ModuleBase 'Pester.psd1'), (Get-TestModuleManifest), $script:Exported, $xml
        $child.Output | Should -Not -Contain 'not reached'
        $failing | Should -BeGreaterThan 0
        $child.ExitCode | Should -Be $failing
        [int]([xml](Get-Content $xml -Raw)).'test-results'.failures | Should -Be $failing
    }

    It 'fails with AoaiHardening.Pester.NotInstalled when only an old Pester is installed' -Skip:$PesterInPSHome {
        # A Pester 3.4 like the one Windows PowerShell ships, and nothing else on the module path.
        $old = Join-Path $TestDrive 'modules/Pester/3.4.0'
        New-Item -ItemType Directory -Path $old -Force | Out-Null
        "@{ ModuleVersion = '3.4.0'; RootModule = 'Pester.psm1'; FunctionsToExport = 'Invoke-Pester' }" | Set-Content (Join-Path $old 'Pester.psd1')
        'function Invoke-Pester { }' | Set-Content (Join-Path $old 'Pester.psm1')
        $child = Invoke-Child -Script @'
param($Manifest, $InputFile, $ModuleFolder)
$env:PSModulePath = $ModuleFolder + [IO.Path]::PathSeparator + (Join-Path $PSHOME 'Modules')
Import-Module $Manifest
try { Invoke-AoaiHardeningPester -Path $InputFile -Output None; 'no error' }
catch { 'id=' + $_.FullyQualifiedErrorId; 'category=' + $_.CategoryInfo.Category; 'message=' + $_.Exception.Message }
'@ -ArgumentList (Get-TestModuleManifest), $script:Exported, (Join-Path $TestDrive 'modules')
        $child.Output | Should -Contain 'id=AoaiHardening.Pester.NotInstalled,AoaiHardening.Cmdlets.Compliance.InvokeAoaiHardeningPester'
        $child.Output | Should -Contain 'category=ObjectNotFound'
        ($child.Output -match '^message=') | Should -Match 'Install-Module Pester -MinimumVersion 5\.5 -Scope CurrentUser'
    }
}

Describe 'The shipped suite' {
    It 'gives one It per (account, rule) whatever the number of targets, failing on any failing target' {
        $findings = @(
            New-Finding @{ RuleId = 'AOAI-CSF-001'; Status = 'Pass'; Target = 'deployment gpt-4o'; Message = 'filtered' }
            New-Finding @{ RuleId = 'AOAI-CSF-001'; Status = 'Fail'; Target = 'deployment gpt-35'; Message = 'no content filter'; Actual = 'raiPolicyName=none'; Expected = 'a policy'; Remediation = 'Set-Something -Deployment gpt-35' }
            New-Finding @{ RuleId = 'AOAI-CSF-002'; Status = 'Pass'; Target = 'deployment gpt-4o'; Message = 'ok' }
            New-Finding @{ RuleId = 'AOAI-CSF-002'; Status = 'NotApplicable'; Target = 'deployment embed'; Message = 'not a chat model' }
            New-Finding @{ RuleId = 'AOAI-CSF-003'; Status = 'Pass'; Target = 'deployment gpt-4o'; Message = 'ok' }
            New-Finding @{ RuleId = 'AOAI-CSF-003'; Status = 'Waived'; Target = 'deployment gpt-35'; Message = 'x'; WaiverReason = 'Pilot' }
            New-Finding @{ RuleId = 'AOAI-CSF-004'; Status = 'Pass'; Target = 'deployment gpt-4o'; Message = 'ok' }
            New-Finding @{ RuleId = 'AOAI-CSF-004'; Status = 'NotEvaluated'; Target = 'deployment gpt-35'; Message = 'raiPolicies not in the input' }
            New-Finding @{ RuleId = 'AOAI-CSF-005'; Status = 'Error'; Message = 'could not read' }
        )
        $run = Invoke-Suite $findings
        $run.Tests.ExpandedName | Should -Be @('AOAI-CSF-001 contoso-openai-prod', 'AOAI-CSF-002 contoso-openai-prod', 'AOAI-CSF-003 contoso-openai-prod', 'AOAI-CSF-004 contoso-openai-prod', 'AOAI-CSF-005 contoso-openai-prod')
        $run.Tests.Result | Should -Be @('Failed', 'Passed', 'Skipped', 'Inconclusive', 'Failed')
        $failure = $run.Tests[0].ErrorRecord[0].Exception.Message
        $failure | Should -Match 'AOAI-CSF-001 Fail on contoso-openai-prod / deployment gpt-35: no content filter'
        $failure | Should -Match 'Fix: +Set-Something -Deployment gpt-35'
        $failure | Should -Not -Match 'gpt-4o' -Because 'only failing targets are listed'
        $run.Tests[2].ErrorRecord[0].Exception.Message | Should -Match 'waived: Pilot \(no expiry\)'
        $run.Tests[3].ErrorRecord[0].Exception.Message | Should -Match 'raiPolicies not in the input'
        $run.Tests[4].ErrorRecord[0].Exception.Message | Should -Match 'AOAI-CSF-005 Error on contoso-openai-prod: could not read'
    }

    It 'keeps accounts that share a name apart, and quotes in ids intact' {
        $findings = @(
            New-Finding @{ RuleId = 'AOAI-IAM-001'; Status = 'Pass'; Message = 'ok' }
            New-Finding @{ RuleId = 'AOAI-IAM-001'; Status = 'Fail'; Message = 'keys on'; ResourceGroupName = 'rg-other'; ResourceId = $script:ProdId -replace 'rg-ai-prod', "rg-o'ther" }
        )
        $run = Invoke-Suite $findings
        $run.Containers[0].Blocks.ExpandedName | Should -Be @('contoso-openai-prod (rg-ai-prod)', 'contoso-openai-prod (rg-other)')
        $run.Tests.Result | Should -Be @('Passed', 'Failed')
    }
}
