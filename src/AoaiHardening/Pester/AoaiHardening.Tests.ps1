<#
.SYNOPSIS
    The Pester 5 suite that Invoke-AoaiHardeningPester runs: one Describe per account, one It per (account, rule).
.DESCRIPTION
    The cmdlet evaluates the rules itself (live or offline, with the baseline, rule selection and waivers it was
    given) and passes the findings here as container data, so the suite and Test-AoaiHardening can never disagree.
    Test names are stable, '<RuleId> <account name>', so CI history and test-result trends follow a rule across runs;
    statuses that change from run to run (waived, not evaluated) go into the result, never into the name.

    Status of a rule on an account (all its findings: per-deployment rules have one per deployment); the first line
    that holds decides:
      any Fail or Error -> failed, with each target's message, actual, expected and fix
      any NotEvaluated  -> inconclusive (compliance could not be proven, nothing was seen wrong)
      any Waived        -> skipped, "waived: <reason> until <date>" (a waiver must not fail CI)
      any Pass          -> passed (targets that are NotApplicable do not weaken a pass)
      only NotApplicable -> skipped, with the reason
.NOTES
    Run it through Invoke-AoaiHardeningPester; on its own it has no findings to test.
#>
param(
    # AoaiFinding objects from the module's engine, in evaluation order.
    [AllowEmptyCollection()]
    [object[]] $Findings = @(),
    # The selected rules (AoaiHardeningRule): areas for tags, manual fixes for failures without a fix command.
    [AllowEmptyCollection()]
    [object[]] $Rules = @(),
    [string] $Baseline = 'Default'
)

BeforeDiscovery {
    $ruleInfo = @{}
    foreach ($r in $Rules) { $ruleInfo[$r.Id] = $r }

    # Grouped by resource id, not name: two accounts may share a name in different resource groups or subscriptions.
    # Ordered dictionaries keep the engine's order (accounts as evaluated, rules in catalog order).
    $accounts = [ordered]@{}
    foreach ($f in $Findings) {
        if (-not $accounts.Contains($f.ResourceId)) {
            $accounts[$f.ResourceId] = [pscustomobject]@{ Id = $f.ResourceId; Name = $f.ResourceName; ResourceGroupName = $f.ResourceGroupName; Rules = [ordered]@{} }
        }
        $byRule = $accounts[$f.ResourceId].Rules
        if (-not $byRule.Contains($f.RuleId)) { $byRule[$f.RuleId] = [System.Collections.Generic.List[object]]::new() }
        $byRule[$f.RuleId].Add($f)
    }

    # The body of one test: it carries only the key of its findings, which it looks up in the container data at run
    # time. Not -ForEach: Pester reports data-driven tests as NUnit "parameterized" cases, grouped under the first
    # test's name and named after their data, which would make the test names change with the findings.
    # The inner literal is created by dot-sourcing here, so it is bound to this file and sees its functions.
    function New-TestBody([string] $ResourceId, [string] $RuleId) {
        $quote = { [System.Management.Automation.Language.CodeGeneration]::EscapeSingleQuotedStringContent($args[0]) }
        . ([scriptblock]::Create("{ Assert-RuleFinding -ResourceId '$(& $quote $ResourceId)' -RuleId '$(& $quote $RuleId)' }"))
    }
}

BeforeAll {
    # The same findings as at discovery (container data is set again for the run), indexed by account and rule.
    $findingsByKey = @{}
    foreach ($f in $Findings) {
        $key = "$($f.ResourceId)|$($f.RuleId)"
        if (-not $findingsByKey.ContainsKey($key)) { $findingsByKey[$key] = [System.Collections.Generic.List[object]]::new() }
        $findingsByKey[$key].Add($f)
    }
    $ruleInfo = @{}
    foreach ($r in $Rules) { $ruleInfo[$r.Id] = $r }

    function Get-TargetLabel($Finding) {
        if ($Finding.Target) { "$($Finding.ResourceName) / $($Finding.Target)" } else { $Finding.ResourceName }
    }

    # The failure text of one rule: every failing target with what was found, what is expected and how to fix it.
    function Get-FailureText($Failures, $Info) {
        $lines = foreach ($f in $Failures) {
            "[$($f.Severity)] $($f.RuleId) $($f.Status) on $(Get-TargetLabel $f): $($f.Message)"
            if ($f.Actual) { "  Actual:   $($f.Actual)" }
            if ($f.Expected) { "  Expected: $($f.Expected)" }
            if ($f.Remediation) { "  Fix:      $($f.Remediation)" }
            elseif ($f.Status -eq 'Fail' -and $Info -and $Info.RemediationText) { "  Fix:      $($Info.RemediationText)" }
        }
        $lines -join [Environment]::NewLine
    }

    function Get-WaiverText($Finding) {
        $until = if ($Finding.WaiverExpires) { " until $($Finding.WaiverExpires.ToString('yyyy-MM-dd'))" } else { ' (no expiry)' }
        "waived: $($Finding.WaiverReason)$until"
    }

    function Assert-RuleFinding([string] $ResourceId, [string] $RuleId) {
        $ruleFindings = @($findingsByKey["$ResourceId|$RuleId"])
        $failures = @($ruleFindings | Where-Object { "$($_.Status)" -in 'Fail', 'Error' })
        if ($failures.Count -gt 0) {
            # Assert-AoaiHardening's exception: the failure reads "AoaiHardeningAssertionException: …" in Pester's
            # output and test results, and the failing findings stay reachable on the error record (-PassThru).
            throw [AoaiHardening.Cmdlets.Compliance.AoaiHardeningAssertionException]::new(
                (Get-FailureText $failures $ruleInfo[$RuleId]), [AoaiHardening.Model.AoaiFinding[]] $failures)
        }
        $unknown = @($ruleFindings | Where-Object { "$($_.Status)" -eq 'NotEvaluated' })
        if ($unknown.Count -gt 0) {
            Set-ItResult -Inconclusive -Because (@($unknown | ForEach-Object Message | Select-Object -Unique) -join ' ')
        }
        $waived = @($ruleFindings | Where-Object { "$($_.Status)" -eq 'Waived' })
        if ($waived.Count -gt 0) {
            Set-ItResult -Skipped -Because (@($waived | ForEach-Object { Get-WaiverText $_ } | Select-Object -Unique) -join '; ')
        }
        if (@($ruleFindings | Where-Object { "$($_.Status)" -eq 'Pass' }).Count -eq 0) {
            Set-ItResult -Skipped -Because (@($ruleFindings | ForEach-Object Message | Select-Object -Unique) -join ' ')
        }
    }
}

foreach ($account in $accounts.Values) {
    $title = if ($account.ResourceGroupName) { "$($account.Name) ($($account.ResourceGroupName))" } else { $account.Name }
    Describe $title -Tag $Baseline {
        foreach ($ruleId in $account.Rules.Keys) {
            $info = $ruleInfo[$ruleId]
            # Tags let a caller pick tests through -Configuration @{ Filter = @{ Tag = 'High' } } or by area ('NET').
            $tags = @($ruleId, "$($account.Rules[$ruleId][0].Severity)") + @(if ($info) { $info.Area })
            It "$ruleId $($account.Name)" -Tag $tags (New-TestBody $account.Id $ruleId)
        }
    }
}
