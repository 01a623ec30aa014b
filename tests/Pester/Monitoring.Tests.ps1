# Monitoring cmdlets against the ARM emulator: Set-/Get-AoaiDiagnosticSetting, Get-AoaiDetectionQuery, New-AoaiAlertRule,
# Enable-AoaiDefenderForAI, and Repair of AOAI-MON-001..003. Exact bodies from the request log, idempotence (re-runs
# write nothing), -WhatIf, bad input refused before any request, injected faults naming the account and the step.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModuleManifest) -Force
    $script:Emu = Start-TestEmulator
    $script:Sub = Get-ScenarioSubscriptionId
    $script:DevId = Get-ScenarioAccountId -ResourceGroupName rg-ai-dev -Name contoso-openai-dev
    $script:Law = "/subscriptions/$script:Sub/resourceGroups/rg-ai-prod/providers/Microsoft.OperationalInsights/workspaces/law-contoso-prod"
    $script:Ag = "/subscriptions/$script:Sub/resourceGroups/rg-ai-prod/providers/Microsoft.Insights/actionGroups/ag-ai-security"
    $script:DiagApi = '2021-05-01-preview'
    function Get-Writes { @(Get-EmulatorWrite) }
}
AfterAll { Stop-TestEmulator }

Describe 'Set-AoaiDiagnosticSetting' {
    BeforeEach {
        Reset-TestEmulator
        Connect-TestEmulator | Out-Null
        Clear-EmulatorRequest
    }

    It 'creates aoai-hardening with the allLogs group (exact body), then a re-run writes nothing' {
        $s = Set-AoaiDiagnosticSetting -ResourceId $script:DevId -WorkspaceResourceId $script:Law -PassThru
        $s.Name | Should -Be 'aoai-hardening'
        $s.CollectsAuditAndRequestLogs | Should -BeTrue
        $writes = Get-Writes
        $writes.Count | Should -Be 1
        $writes[0].method | Should -Be 'PUT'
        $writes[0].path | Should -BeLike "*$script:DevId/providers/Microsoft.Insights/diagnosticSettings/aoai-hardening"
        ($writes[0].body | ConvertTo-Json -Depth 10 -Compress) | Should -Be (@{ properties = [ordered]@{ workspaceId = $script:Law; logs = @([ordered]@{ categoryGroup = 'allLogs'; enabled = $true }) } } | ConvertTo-Json -Depth 10 -Compress)
        Clear-EmulatorRequest
        Set-AoaiDiagnosticSetting -ResourceId $script:DevId -WorkspaceResourceId $script:Law
        @(Get-Writes).Count | Should -Be 0
        @(Get-EmulatorRequest).Count | Should -Be 1 -Because 'a re-run costs one list'
    }

    It 'round-trips an existing setting: unknown destinations kept, a disabled entry enabled without retentionPolicy, none added' {
        Invoke-EmulatorArm -Method PUT -Path "$script:DevId/providers/Microsoft.Insights/diagnosticSettings/legacy" -ApiVersion $script:DiagApi -Body @{ properties = [ordered]@{
                workspaceId = $script:Law
                logs = @([ordered]@{ category = 'Trace'; enabled = $true; retentionPolicy = @{ enabled = $true; days = 30 } }, [ordered]@{ category = 'Audit'; enabled = $false; retentionPolicy = @{ enabled = $false; days = 0 } })
            } } | Out-Null
        Clear-EmulatorRequest
        Set-AoaiDiagnosticSetting -ResourceId $script:DevId -WorkspaceResourceId $script:Law -Category Audit, RequestResponse
        $writes = Get-Writes
        $writes.Count | Should -Be 1
        $writes[0].path | Should -BeLike '*/diagnosticSettings/legacy' -Because 'the setting that already sends to the workspace is the one edited'
        $logs = @($writes[0].body.properties.logs)
        ($logs | Where-Object category -eq 'Trace').retentionPolicy.days | Should -Be 30 -Because 'an entry it does not touch keeps what it has'
        ($logs | Where-Object category -eq 'Audit').PSObject.Properties.Name | Should -Not -Contain 'retentionPolicy'
        ($logs | Where-Object category -eq 'RequestResponse').PSObject.Properties.Name | Should -Not -Contain 'retentionPolicy'
        (Get-AoaiDiagnosticSetting -ResourceId $script:DevId -Name legacy).CollectsAuditAndRequestLogs | Should -BeTrue
    }

    It '-WhatIf writes nothing' {
        Set-AoaiDiagnosticSetting -ResourceId $script:DevId -WorkspaceResourceId $script:Law -WhatIf
        @(Get-Writes).Count | Should -Be 0
    }

    It 'refuses a malformed workspace id before any request' {
        { Set-AoaiDiagnosticSetting -ResourceId $script:DevId -WorkspaceResourceId '/subscriptions/x/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/s' -ErrorAction Stop } |
            Should -Throw -ErrorId 'AoaiHardening.Monitoring.InvalidWorkspaceId*'
        { Set-AoaiDiagnosticSetting -ResourceId $script:DevId -ErrorAction Stop } | Should -Throw -ErrorId 'AoaiHardening.Monitoring.NoDestination*'
        @(Get-EmulatorRequest).Count | Should -Be 0
    }

    It 'reports a refused PUT naming the account and the step' {
        Add-EmulatorFault -PathLike '/diagnosticSettings/aoai-hardening' -Method PUT -Status 400 -Code BadRequest -Message 'injected'
        Set-AoaiDiagnosticSetting -ResourceId $script:DevId -WorkspaceResourceId $script:Law -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.Monitoring.DiagnosticSettingUpdateFailed*'
        $err[0].Exception.Message | Should -Match 'contoso-openai-dev'
        $err[0].Exception.Message | Should -Match "creating diagnostic setting 'aoai-hardening'"
    }
}

Describe 'Get-AoaiDetectionQuery' {
    It 'returns the six detections with the guide thresholds and no request' {
        $all = @(Get-AoaiDetectionQuery)
        $all.Count | Should -Be 6
        (Get-AoaiDetectionQuery -Name ContentFilterTriggers).Threshold | Should -Be 20
        (Get-AoaiDetectionQuery -Name 'Unusual*').Severity | Should -Be 2
        Get-AoaiDetectionQuery -Name Nope -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.Monitoring.DetectionNotFound*'
    }
}

Describe 'New-AoaiAlertRule' {
    BeforeEach {
        Reset-TestEmulator
        Connect-TestEmulator | Out-Null
        Clear-EmulatorRequest
    }

    It 'creates one rule per detection with the guide threshold and severity, and a re-run makes zero writes' {
        $rules = @(New-AoaiAlertRule -ResourceId $script:DevId -WorkspaceResourceId $script:Law -ActionGroupResourceId $script:Ag -PassThru)
        $rules.Count | Should -Be 6
        $writes = Get-Writes
        $writes.Count | Should -Be 6
        $put = $writes | Where-Object path -like '*ContentFilterTriggers*'
        $put.method | Should -Be 'PUT'
        $put.body.kind | Should -Be 'LogAlert'
        $put.body.properties.severity | Should -Be 2
        $put.body.properties.scopes | Should -Be @($script:Law)
        $put.body.properties.windowSize | Should -Be 'PT5M'
        $put.body.properties.criteria.allOf[0].threshold | Should -Be 20
        $put.body.properties.criteria.allOf[0].operator | Should -Be 'GreaterThan'
        $put.body.properties.criteria.allOf[0].query | Should -Match ([regex]::Escape("_ResourceId =~ `"$($script:DevId.ToLowerInvariant())`""))
        $put.body.properties.actions.actionGroups | Should -Be @($script:Ag)
        Clear-EmulatorRequest
        New-AoaiAlertRule -ResourceId $script:DevId -WorkspaceResourceId $script:Law -ActionGroupResourceId $script:Ag
        @(Get-Writes).Count | Should -Be 0
    }

    It '-WhatIf writes nothing' {
        New-AoaiAlertRule -ResourceId $script:DevId -WorkspaceResourceId $script:Law -ActionGroupResourceId $script:Ag -Detection KeyAuthInUse -WhatIf
        @(Get-Writes).Count | Should -Be 0
    }

    It 'refuses an unknown detection or a malformed action group before any request' {
        { New-AoaiAlertRule -ResourceId $script:DevId -WorkspaceResourceId $script:Law -ActionGroupResourceId $script:Ag -Detection Nope -ErrorAction Stop } |
            Should -Throw -ErrorId 'AoaiHardening.Monitoring.UnknownDetection*'
        { New-AoaiAlertRule -ResourceId $script:DevId -WorkspaceResourceId $script:Law -ActionGroupResourceId 'ag' -ErrorAction Stop } |
            Should -Throw -ErrorId 'AoaiHardening.Monitoring.InvalidActionGroupId*'
        @(Get-EmulatorRequest).Count | Should -Be 0
    }

    It 'reports a refused PUT naming the account, the rule and the step' {
        Add-EmulatorFault -PathLike '/scheduledQueryRules/' -Method PUT -Status 409 -Code Conflict -Message 'injected'
        New-AoaiAlertRule -ResourceId $script:DevId -WorkspaceResourceId $script:Law -ActionGroupResourceId $script:Ag -Detection KeyAuthInUse -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.Monitoring.AlertRuleUpdateFailed*'
        $err[0].Exception.Message | Should -Match 'contoso-openai-dev'
        $err[0].Exception.Message | Should -Match 'creating alert rule'
    }
}

Describe 'Enable-AoaiDefenderForAI' {
    BeforeEach {
        Reset-TestEmulator
        Connect-TestEmulator | Out-Null
        Clear-EmulatorRequest
    }

    It 'creates Default with state Enabled (exact body), then a re-run writes nothing' {
        (Enable-AoaiDefenderForAI -ResourceId $script:DevId -PassThru).State | Should -Be 'Enabled'
        $writes = Get-Writes
        $writes.Count | Should -Be 1
        $writes[0].method | Should -Be 'PUT'
        $writes[0].path | Should -BeLike '*/defenderForAISettings/Default'
        ($writes[0].body | ConvertTo-Json -Compress) | Should -Be '{"properties":{"state":"Enabled"}}'
        Clear-EmulatorRequest
        Enable-AoaiDefenderForAI -ResourceId $script:DevId
        @(Get-Writes).Count | Should -Be 0
    }

    It 'PATCHes a Disabled setting' {
        Invoke-EmulatorArm -Method PUT -Path "$script:DevId/defenderForAISettings/Default" -ApiVersion '2025-09-01' -Body @{ properties = @{ state = 'Disabled' } } | Out-Null
        Clear-EmulatorRequest
        Enable-AoaiDefenderForAI -ResourceId $script:DevId
        $writes = Get-Writes
        $writes.Count | Should -Be 1
        $writes[0].method | Should -Be 'PATCH'
    }

    It '-WhatIf writes nothing; a malformed id is refused before any request' {
        Enable-AoaiDefenderForAI -ResourceId $script:DevId -WhatIf
        @(Get-Writes).Count | Should -Be 0
        Clear-EmulatorRequest
        { Enable-AoaiDefenderForAI -ResourceId '/subscriptions/x' -ErrorAction Stop } | Should -Throw -ErrorId 'AoaiHardening.Account.InvalidResourceId*'
        @(Get-EmulatorRequest).Count | Should -Be 0
    }

    It 'reports a refused PUT naming the account and the step' {
        Add-EmulatorFault -PathLike '/defenderForAISettings/Default' -Method PUT -Status 400 -Code BadRequest -Message 'injected'
        Enable-AoaiDefenderForAI -ResourceId $script:DevId -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.Monitoring.DefenderUpdateFailed*'
        $err[0].Exception.Message | Should -Match 'contoso-openai-dev'
        $err[0].Exception.Message | Should -Match 'creating the Defender for AI setting'
    }
}

Describe 'Repair of AOAI-MON-001..003' {
    BeforeEach {
        Reset-TestEmulator
        Connect-TestEmulator | Out-Null
        Clear-EmulatorRequest
    }

    It 'fixes the three rules with -WorkspaceResourceId and -ActionGroupResourceId, and they pass afterwards' {
        $before = @(Test-AoaiHardening -ResourceGroupName rg-ai-dev -Baseline Strict -Rule 'AOAI-MON-*')
        @($before | Where-Object Status -eq 'Fail').RuleId | Sort-Object -Unique | Should -Be @('AOAI-MON-001', 'AOAI-MON-002', 'AOAI-MON-003')
        $results = @($before | Repair-AoaiHardening -WorkspaceResourceId $script:Law -ActionGroupResourceId $script:Ag)
        @($results | Where-Object Status -ne 'Fixed') | Should -BeNullOrEmpty
        $after = @(Test-AoaiHardening -ResourceGroupName rg-ai-dev -Baseline Strict -Rule 'AOAI-MON-*')
        @($after | Where-Object Status -ne 'Pass') | Should -BeNullOrEmpty
        @(Get-Writes | Where-Object { $_.body -and ($_.body | ConvertTo-Json -Depth 20) -match 'retentionPolicy' }) | Should -BeNullOrEmpty
    }

    It 'reads the alert rules once per subscription in a scan' {
        Test-AoaiHardening -Baseline Strict -Rule 'AOAI-MON-002' | Out-Null
        @(Get-EmulatorRequest -Method GET -PathLike '*/providers/Microsoft.Insights/scheduledQueryRules').Count | Should -Be 1
    }
}
