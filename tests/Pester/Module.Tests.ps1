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
        $documented = @{}
        # A cmdlet with no parameters of its own has no 'parameter' entries at all.
        $helpParameters = if ($help.parameters -and $help.parameters.PSObject.Properties['parameter']) { @($help.parameters.parameter) } else { @() }
        foreach ($p in $helpParameters) { $documented[$p.name] = ($p.description | Out-String).Trim() }
        foreach ($p in (Get-Command $Name).Parameters.Keys | Where-Object { $_ -notin $script:Common }) {
            $documented.Keys | Should -Contain $p -Because "$Name -$p must be documented"
            $documented[$p] | Should -Not -BeNullOrEmpty -Because "$Name -$p needs a description"
        }
    }

    It '<Name> declares an OutputType' -ForEach $CmdletCases {
        $attrs = (Get-Command $Name).ImplementingType.GetCustomAttributes([System.Management.Automation.OutputTypeAttribute], $true)
        @($attrs).Count | Should -BeGreaterOrEqual 1
    }

    It 'every state-changing cmdlet supports ShouldProcess and -PassThru' {
        $writers = $script:Commands | Where-Object Verb -in 'Disable', 'Enable', 'Set', 'New', 'Remove', 'Grant', 'Revoke', 'Update', 'Protect', 'Invoke', 'Repair'
        @($writers).Count | Should -BeGreaterThan 0
        foreach ($c in $writers) {
            $c.Parameters.Keys | Should -Contain 'WhatIf' -Because "$($c.Name) changes Azure"
            $c.Parameters.Keys | Should -Contain 'Confirm'
            $c.Parameters.Keys | Should -Contain 'PassThru'
        }
    }
}
