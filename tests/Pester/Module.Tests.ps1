# The module's contract with PowerShell: explicit exports, help for every cmdlet, OutputType, ShouldProcess on writes.
BeforeDiscovery {
    # Test cases are generated at discovery time, before BeforeAll runs: read the built manifest directly.
    $CmdletCases = @((Import-PowerShellDataFile $env:AOAI_MODULE_MANIFEST).CmdletsToExport | ForEach-Object { @{ Name = $_ } })
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $manifestPath = Get-TestModuleManifest
    Import-Module $manifestPath -Force
    $script:Manifest = Import-PowerShellDataFile $manifestPath
    $script:Commands = Get-Command -Module AoaiHardening
    $script:Common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
}

Describe 'AoaiHardening module' {
    It 'exports exactly the cmdlets the manifest lists' {
        $exported = @($script:Commands.Name | Sort-Object)
        $listed = @($script:Manifest.CmdletsToExport | Sort-Object)
        $exported | Should -Be $listed
        $script:Manifest.FunctionsToExport.Count | Should -Be 0
    }

    It 'keeps every cmdlet through a second import (-Force) and an import after Remove-Module' {
        # The assembly stays loaded in its context; the root module hands the cached cmdlets over (PowerShell#20710).
        Import-Module (Get-TestModuleManifest) -Force
        @((Get-Module AoaiHardening).ExportedCmdlets.Keys | Sort-Object) | Should -Be @($script:Manifest.CmdletsToExport | Sort-Object)
        Remove-Module AoaiHardening
        Import-Module (Get-TestModuleManifest)
        @((Get-Module AoaiHardening).ExportedCmdlets.Keys | Sort-Object) | Should -Be @($script:Manifest.CmdletsToExport | Sort-Object)
        (Get-Command Test-AoaiHardening).ImplementingType.Assembly.GetName().Name | Should -Be 'AoaiHardening'
        @(Get-AoaiHardeningRule).Count | Should -BeGreaterThan 0
    }

    It 'lists its exports explicitly: no wildcard in any export list' {
        foreach ($key in 'CmdletsToExport', 'FunctionsToExport', 'AliasesToExport', 'VariablesToExport') {
            $script:Manifest.ContainsKey($key) | Should -BeTrue -Because "a missing $key means 'export everything'"
            @($script:Manifest[$key]) | Where-Object { $_ -match '[*?]' } | Should -BeNullOrEmpty
        }
    }

    It 'has one help page in docs/cmdlets per exported cmdlet, and none for a cmdlet that does not exist' {
        $pages = @(Get-ChildItem (Join-Path $PSScriptRoot '../../docs/cmdlets') -Filter '*.md' | ForEach-Object BaseName | Sort-Object)
        $pages | Should -Be @($script:Manifest.CmdletsToExport | Sort-Object)
    }

    It 'ships no System.Management.Automation.dll' {
        $folder = Split-Path (Get-TestModuleManifest)
        Test-Path (Join-Path $folder 'System.Management.Automation.dll') | Should -BeFalse
    }

    It 'uses approved verbs only' {
        $approved = (Get-Verb).Verb
        foreach ($c in $script:Commands) { $approved | Should -Contain $c.Verb -Because "$($c.Name) must use an approved verb" }
    }

    It '<Name> has help: synopsis, description, every parameter and an example' -ForEach $CmdletCases {
        $help = Get-Help $Name -Full
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis.Trim() | Should -Not -BeLike "$Name *" -Because 'a synopsis equal to the syntax means no help was found'
        ($help.description | Out-String).Trim() | Should -Not -BeNullOrEmpty
        @($help.examples.example).Count | Should -BeGreaterOrEqual 1
        # At least one example runs the cmdlet itself (others may show the pipeline that calls it, e.g. Repair-AoaiHardening).
        @($help.examples.example | Where-Object { ($_.code | Out-String) -match "\b$([regex]::Escape($Name))\b" }).Count |
            Should -BeGreaterOrEqual 1 -Because "an example of $Name shows it in use"
        $documented = @{}
        # A cmdlet with no parameters of its own has no 'parameter' entries at all.
        $helpParameters = if ($help.parameters -and $help.parameters.PSObject.Properties['parameter']) { @($help.parameters.parameter) } else { @() }
        foreach ($p in $helpParameters) { $documented[$p.name] = ($p.description | Out-String).Trim() }
        foreach ($p in (Get-Command $Name).Parameters.Keys | Where-Object { $_ -notin $script:Common }) {
            $documented.Keys | Should -Contain $p -Because "$Name -$p must be documented"
            $documented[$p] | Should -Not -BeNullOrEmpty -Because "$Name -$p needs a description"
        }
    }

    It '<Name> declares an OutputType of the module''s own types' -ForEach $CmdletCases {
        $attrs = (Get-Command $Name).ImplementingType.GetCustomAttributes([System.Management.Automation.OutputTypeAttribute], $true)
        @($attrs).Count | Should -BeGreaterOrEqual 1
        foreach ($type in $attrs.Type) {
            # Our types only: an Azure SDK type in an output would tie callers to the module's private Azure.Core.
            $type.Name | Should -Match '^(AoaiHardening\.|System\.(String|Boolean|Void|Management\.Automation\.PSObject)$)' -Because "$Name outputs $($type.Name)"
        }
    }

    It '<Name> takes pipeline input, or is one of the session/catalog cmdlets that have none' -ForEach $CmdletCases {
        # These act on the session or on the module's own catalog, not on a resource: nothing to pipe in.
        $noInput = 'Connect-AoaiHardening', 'Disconnect-AoaiHardening', 'Get-AoaiContext', 'Get-AoaiDetectionQuery'
        $piped = @((Get-Command $Name).Parameters.Values | Where-Object {
                $_.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] -and ($_.ValueFromPipeline -or $_.ValueFromPipelineByPropertyName) } })
        if ($Name -in $noInput) { $piped | Should -BeNullOrEmpty }
        else { $piped.Count | Should -BeGreaterThan 0 -Because "$Name composes in a pipeline" }
    }

    It 'every state-changing cmdlet supports ShouldProcess and -PassThru; read-only ones do not prompt' {
        # State-changing is every verb but the read-only ones: a new writer cannot slip through by its verb.
        $readOnly = 'Get', 'Test', 'Assert', 'Connect', 'Disconnect'
        $writers = @($script:Commands | Where-Object Verb -notin $readOnly)
        $writers.Count | Should -BeGreaterThan 20
        foreach ($c in $writers) {
            $c.Parameters.Keys | Should -Contain 'WhatIf' -Because "$($c.Name) changes Azure"
            $c.Parameters.Keys | Should -Contain 'Confirm'
            $c.Parameters.Keys | Should -Contain 'PassThru'
        }
        foreach ($c in $script:Commands | Where-Object Verb -in $readOnly) {
            $c.Parameters.Keys | Should -Not -Contain 'WhatIf' -Because "$($c.Name) changes nothing in Azure"
        }
    }

    It 'destructive cmdlets ask before they act (ConfirmImpact High)' {
        # Each removes access, protection or data, or opens the account: the default $ConfirmPreference (High) prompts.
        $destructive = 'Remove-AoaiContentBlocklist', 'Revoke-AoaiRoleAssignment', 'Disable-AoaiCustomerManagedKey', 'Disable-AoaiManagedIdentity',
            'Enable-AoaiPublicNetworkAccess', 'Enable-AoaiLocalAuth', 'Invoke-AoaiKeyRotation'
        foreach ($name in $destructive) {
            $attr = (Get-Command $name).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $true)[0]
            $attr.ConfirmImpact | Should -Be 'High' -Because "$name is destructive"
        }
    }
}
