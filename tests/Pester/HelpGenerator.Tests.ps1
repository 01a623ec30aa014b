#Requires -Version 7.2
<#
.SYNOPSIS
Pester 5 tests of src/Help/Build-MamlHelp.ps1.

.DESCRIPTION
A tiny binary module (TestData/help/HgFixture.cs, compiled with Add-Type) is
documented by TestData/help/docs. The generator and Get-Help run in child pwsh
processes, as build.ps1 runs the generator: importing a binary module cannot
be undone, and Get-Help caches what it has read for the life of a process.
#>

BeforeAll {
    Set-StrictMode -Version Latest

    $script:Generator = (Resolve-Path (Join-Path $PSScriptRoot '../../src/Help/Build-MamlHelp.ps1')).ProviderPath
    $script:FixtureData = Join-Path $PSScriptRoot 'TestData/help'

    function Get-PwshLauncher {
        <#
        .SYNOPSIS
        Returns the executable and leading arguments that start this same PowerShell.
        .DESCRIPTION
        Under 'dotnet pwsh' (a local tool) this process is the dotnet host, not pwsh,
        so the host is asked to run pwsh.dll from $PSHOME instead.
        #>
        $processPath = (Get-Process -Id $PID).Path
        if ([System.IO.Path]::GetFileNameWithoutExtension($processPath) -eq 'pwsh') {
            return @{ FilePath = $processPath; Prefix = @() }
        }
        $dll = Join-Path $PSHOME 'pwsh.dll'
        if ([System.IO.Path]::GetFileNameWithoutExtension($processPath) -eq 'dotnet' -and (Test-Path $dll)) {
            return @{ FilePath = $processPath; Prefix = @($dll) }
        }
        $exe = Get-ChildItem -Path $PSHOME -Filter 'pwsh*' -File |
            Where-Object { $_.BaseName -eq 'pwsh' -and $_.Extension -in '', '.exe' } | Select-Object -First 1
        @{ FilePath = $exe.FullName; Prefix = @() }
    }

    function Invoke-ChildPwsh {
        <#
        .SYNOPSIS
        Runs pwsh with the given arguments; returns its exit code, stdout and stderr.
        #>
        param([Parameter(Mandatory)][string[]] $ArgumentList, [int] $TimeoutSeconds = 180)

        $launcher = Get-PwshLauncher
        $startInfo = [System.Diagnostics.ProcessStartInfo]::new($launcher.FilePath)
        foreach ($argument in @($launcher.Prefix) + @('-NoProfile', '-NonInteractive') + $ArgumentList) {
            $startInfo.ArgumentList.Add($argument)
        }
        $startInfo.RedirectStandardOutput = $true
        $startInfo.RedirectStandardError = $true
        $startInfo.UseShellExecute = $false
        # Plain text, so that assertions do not have to step around ANSI colour codes.
        $startInfo.Environment['NO_COLOR'] = '1'
        $startInfo.Environment['TERM'] = 'dumb'

        $process = [System.Diagnostics.Process]::Start($startInfo)
        try {
            $stdout = $process.StandardOutput.ReadToEndAsync()
            $stderr = $process.StandardError.ReadToEndAsync()
            if (-not $process.WaitForExit($TimeoutSeconds * 1000)) {
                $process.Kill($true)
                throw "pwsh $($ArgumentList -join ' ') did not finish within $TimeoutSeconds s"
            }
            [pscustomobject]@{ ExitCode = $process.ExitCode; StdOut = $stdout.Result; StdErr = $stderr.Result }
        }
        finally {
            $process.Dispose()
        }
    }

    function Invoke-Generator {
        param([string] $DocsPath, [string] $OutputPath)
        Invoke-ChildPwsh -ArgumentList @('-File', $script:Generator,
            '-ModulePath', $script:ModulePath, '-DocsPath', $DocsPath, '-OutputPath', $OutputPath)
    }

    function Copy-FixtureDoc {
        # Each test edits its own copy of the fixture markdown.
        param([Parameter(Mandatory)][string] $Destination)
        $null = New-Item -ItemType Directory -Path $Destination -Force
        Copy-Item -Path (Join-Path $script:FixtureData 'docs/*.md') -Destination $Destination
        $Destination
    }

    function Edit-FixtureDoc {
        # Applies regex replacements to one markdown file.
        param([string] $Path, [string] $Pattern, [string] $Replacement = '')
        $text = Get-Content -LiteralPath $Path -Raw
        $edited = [regex]::Replace($text, $Pattern, $Replacement, 'Multiline, Singleline')
        if ($edited -eq $text) { throw "Pattern '$Pattern' did not change $Path" }
        Set-Content -LiteralPath $Path -Value $edited -NoNewline
    }

    # The module layout mirrors a built binary module: the dll beside its manifest,
    # help in en-US as <AssemblyFileName>-Help.xml, where Get-Help looks for it.
    $moduleDir = Join-Path $TestDrive 'HgFixture'
    $null = New-Item -ItemType Directory -Path $moduleDir
    Copy-Item -Path (Join-Path $script:FixtureData 'HgFixture.psd1') -Destination $moduleDir
    $script:ModulePath = Join-Path $moduleDir 'HgFixture.psd1'
    $script:HelpPath = Join-Path $moduleDir 'en-US/HgFixture.dll-Help.xml'
    $compile = Invoke-ChildPwsh -ArgumentList @('-Command',
        "Add-Type -Path '$(Join-Path $script:FixtureData 'HgFixture.cs')' -OutputAssembly '$(Join-Path $moduleDir 'HgFixture.dll')' -OutputType Library")
    if ($compile.ExitCode -ne 0) { throw "Compiling the fixture module failed: $($compile.StdErr)" }
}

Describe 'Build-MamlHelp.ps1 with complete markdown' {
    BeforeAll {
        $docs = Copy-FixtureDoc -Destination (Join-Path $TestDrive 'docs-valid')
        # Editors on other platforms leave CRLF and trailing spaces; neither may change the result.
        $getDoc = Join-Path $docs 'Get-HgWidget.md'
        $crlf = ((Get-Content -LiteralPath $getDoc) | ForEach-Object { "$_  " }) -join "`r`n"
        Set-Content -LiteralPath $getDoc -Value $crlf -NoNewline

        $script:Run = Invoke-Generator -DocsPath $docs -OutputPath $script:HelpPath
        $query = Invoke-ChildPwsh -ArgumentList @('-File', (Join-Path $script:FixtureData 'Get-FixtureHelp.ps1'),
            '-ModulePath', $script:ModulePath, '-Name', 'Get-HgWidget,Set-HgWidget')
        if ($query.ExitCode -ne 0) { throw "Get-Help in a child pwsh failed: $($query.StdErr)" }
        $script:Help = @{}
        foreach ($entry in $query.StdOut | ConvertFrom-Json) { $script:Help[$entry.Name] = $entry }
    }

    It 'exits with 0 and writes the help file' {
        $script:Run.StdErr | Should -BeNullOrEmpty
        $script:Run.ExitCode | Should -Be 0
        $script:HelpPath | Should -Exist
    }

    It 'writes a UTF-8 maml helpItems document with one command:command per cmdlet' {
        $xml = [xml](Get-Content -LiteralPath $script:HelpPath -Raw -Encoding utf8)
        $xml.helpItems.schema | Should -Be 'maml'
        $xml.helpItems.NamespaceURI | Should -Be 'http://msh'
        $xml.helpItems.GetAttribute('xmlns:maml') | Should -Be 'http://schemas.microsoft.com/maml/2004/10'
        $xml.helpItems.GetAttribute('xmlns:command') | Should -Be 'http://schemas.microsoft.com/maml/dev/command/2004/10'
        $xml.helpItems.GetAttribute('xmlns:dev') | Should -Be 'http://schemas.microsoft.com/maml/dev/2004/10'
        $xml.helpItems.GetAttribute('xmlns:MSHelp') | Should -Be 'http://msdn.microsoft.com/mshelp'
        # XPath, because the adapter's $xml.helpItems.command finds the xmlns:command attribute.
        $names = Select-Xml -Xml $xml -XPath '/msh:helpItems/command:command/command:details/command:name' -Namespace @{
            msh = 'http://msh'; command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
        } | ForEach-Object { $_.Node.InnerText }
        $names | Should -Be @('Get-HgWidget', 'Set-HgWidget')
    }

    It 'shows the synopsis and description of <Name>' -TestCases @(
        @{ Name = 'Get-HgWidget'; Synopsis = 'Gets widgets by name or id.'; Description = 'The Get-HgWidget cmdlet gets widgets from the widget store.' }
        @{ Name = 'Set-HgWidget'; Synopsis = 'Sets tags on widgets.'; Description = 'The Set-HgWidget cmdlet replaces the tags of the widgets piped to it.' }
    ) {
        $text = $script:Help[$Name].FullText
        $text | Should -Match "SYNOPSIS\s+$([regex]::Escape($Synopsis))"
        $text | Should -Match "DESCRIPTION\s+$([regex]::Escape($Description))"
    }

    It 'joins soft-wrapped lines, keeps list items apart and unescapes XML specials' {
        $text = $script:Help['Get-HgWidget'].FullText
        $text | Should -Match 'widget store\. This sentence is soft-wrapped onto a second line\.'
        $text | Should -Match 'wildcards & <angle brackets> are escaped'
        $text | Should -Match 'Widgets have:\r?\n\s+- a name,\r?\n\s+- an id that is soft-wrapped\.'
    }

    It 'shows the description of <Command> -<Parameter>' -TestCases @(
        @{ Command = 'Get-HgWidget'; Parameter = 'Name'; Description = 'Names of the widgets to get.' }
        @{ Command = 'Get-HgWidget'; Parameter = 'Id'; Description = 'Numeric id of the widget.' }
        @{ Command = 'Get-HgWidget'; Parameter = 'Top'; Description = 'Maximum number of widgets to return.' }
        @{ Command = 'Set-HgWidget'; Parameter = 'InputObject'; Description = 'The widget to change.' }
        @{ Command = 'Set-HgWidget'; Parameter = 'Tag'; Description = 'The new tags.' }
        @{ Command = 'Set-HgWidget'; Parameter = 'PassThru'; Description = 'Returns the changed widget.' }
        @{ Command = 'Set-HgWidget'; Parameter = 'WhatIf'; Description = 'Shows what would happen if the cmdlet runs. The cmdlet is not run.' }
        @{ Command = 'Set-HgWidget'; Parameter = 'Confirm'; Description = 'Prompts you for confirmation before running the cmdlet.' }
    ) {
        $help = $script:Help[$Command].Parameters | Where-Object Name -EQ $Parameter
        $help.Description | Should -Be $Description
        $script:Help[$Command].FullText | Should -Match "-$Parameter [^\r\n]*\r?\n\s+$([regex]::Escape($Description))"
    }

    It 'lists exactly the parameters of <Command> and no common parameters' -TestCases @(
        @{ Command = 'Get-HgWidget'; Expected = @('Name', 'Id', 'Top') }
        @{ Command = 'Set-HgWidget'; Expected = @('InputObject', 'Tag', 'PassThru', 'WhatIf', 'Confirm') }
    ) {
        @($script:Help[$Command].Parameters.Name) | Should -Be $Expected
    }

    It 'takes the metadata of <Command> -<Parameter> from the cmdlet' -TestCases @(
        @{ Command = 'Get-HgWidget'; Parameter = 'Name'; Required = 'false'; Position = '0'; Pipeline = 'True (ByPropertyName)'; Globbing = 'true'; Aliases = 'WidgetName'; Default = 'All widgets' }
        @{ Command = 'Get-HgWidget'; Parameter = 'Id'; Required = 'true'; Position = 'named'; Pipeline = 'True (ByPropertyName)'; Globbing = 'false'; Aliases = 'none'; Default = 'None' }
        @{ Command = 'Get-HgWidget'; Parameter = 'Top'; Required = 'false'; Position = 'named'; Pipeline = 'False'; Globbing = 'false'; Aliases = 'none'; Default = '10' }
        @{ Command = 'Set-HgWidget'; Parameter = 'InputObject'; Required = 'true'; Position = 'named'; Pipeline = 'True (ByValue)'; Globbing = 'false'; Aliases = 'none'; Default = 'None' }
        @{ Command = 'Set-HgWidget'; Parameter = 'Tag'; Required = 'false'; Position = '0'; Pipeline = 'False'; Globbing = 'false'; Aliases = 'none'; Default = 'None' }
        @{ Command = 'Set-HgWidget'; Parameter = 'Confirm'; Required = 'false'; Position = 'named'; Pipeline = 'False'; Globbing = 'false'; Aliases = 'cf'; Default = 'False' }
    ) {
        $actual = $script:Help[$Command].Parameters | Where-Object Name -EQ $Parameter
        $actual.Required | Should -Be $Required
        $actual.Position | Should -Be $Position
        $actual.PipelineInput | Should -Be $Pipeline
        $actual.Globbing | Should -Be $Globbing
        $actual.Aliases | Should -Be $Aliases
        $actual.DefaultValue | Should -Be $Default
    }

    It 'shows one syntax line per parameter set with the types from the cmdlet' {
        $text = $script:Help['Get-HgWidget'].FullText
        $text | Should -Match ([regex]::Escape('Get-HgWidget [[-Name] <String[]>] [-Top <Int32>] [<CommonParameters>]'))
        $text | Should -Match ([regex]::Escape('Get-HgWidget -Id <Int32> [-Top <Int32>] [<CommonParameters>]'))
        $script:Help['Set-HgWidget'].FullText | Should -Match ([regex]::Escape(
                'Set-HgWidget [[-Tag] <String[]>] -InputObject <Widget> [-PassThru] [-WhatIf] [-Confirm] [<CommonParameters>]'))
    }

    It 'shows the examples with their titles, code and remarks' {
        $text = $script:Help['Get-HgWidget'].FullText
        $text | Should -Match "-+ Example 1: Get every widget -+\s+Get-HgWidget -Name 'w\*'\s+Gets every widget whose name starts with w\."
        # An untitled-number heading is numbered; an output block stays with its command.
        $text | Should -Match '-+ Example 2: Get a widget by id -+\s+Get-HgWidget -Id 42\s+Name Id\s+---- --\s+w42  42'
        $text | Should -Match 'The output block above is shown with the code\.\s+# A second command, shown in the remarks\s+Get-HgWidget -Id 43'
        $script:Help['Set-HgWidget'].FullText | Should -Match ([regex]::Escape('Get-HgWidget | Set-HgWidget -Tag prod -PassThru'))
    }

    It 'shows inputs, outputs, notes and related links' {
        $text = $script:Help['Get-HgWidget'].FullText
        $text | Should -Match 'INPUTS\s+System\.String\[\]\s+Widget names, by property name\.'
        $text | Should -Match 'OUTPUTS\s+HgFixture\.Widget\s+The widgets found\.'
        $text | Should -Match 'NOTES\s+Widgets are cached for a minute\.'
        $text | Should -Match 'Online Version: https://example\.invalid/hg/get-hgwidget'
        $text | Should -Match 'Widget store docs https://example\.invalid/hg/store'
        # A relative link to a sibling .md means nothing to Get-Help: its text stays, its path goes.
        $text | Should -Match 'Set-HgWidget *\r?\n'
        $text | Should -Not -Match 'Set-HgWidget\.md'
    }
}

Describe 'Build-MamlHelp.ps1 validation' {
    BeforeEach {
        $script:Docs = Copy-FixtureDoc -Destination (Join-Path $TestDrive "docs-$([guid]::NewGuid())")
        $script:Output = Join-Path $TestDrive "invalid-$([guid]::NewGuid()).xml"
        $script:GetDoc = Join-Path $script:Docs 'Get-HgWidget.md'
        $script:SetDoc = Join-Path $script:Docs 'Set-HgWidget.md'
    }

    It 'fails when <Case>' -TestCases @(
        @{
            Case     = 'a parameter has no section'
            Edit     = { Edit-FixtureDoc $script:GetDoc '^### -Top\r?\n.*?(?=^### )' }
            Expected = "Get-HgWidget.md: parameter -Top has no '### -Top' section"
        }
        @{
            Case     = 'a section documents a parameter the cmdlet does not have'
            Edit     = { Edit-FixtureDoc $script:GetDoc '^### CommonParameters' "### -Colour`nPaint colour.`n`n### CommonParameters" }
            Expected = "Get-HgWidget.md: '### -Colour' documents a parameter that Get-HgWidget does not have"
        }
        @{
            Case     = 'there is no example'
            Edit     = { Edit-FixtureDoc $script:SetDoc '^## EXAMPLES.*?(?=^## PARAMETERS)' "## EXAMPLES`n`n" }
            Expected = "Set-HgWidget.md: EXAMPLES has no '### Example' section"
        }
        @{
            Case     = 'an example has no code'
            Edit     = { Edit-FixtureDoc $script:SetDoc '```powershell\r?\nGet-HgWidget \| Set-HgWidget.*?```' 'Prose only.' }
            Expected = "Set-HgWidget.md: 'Example 1: Tag every widget' has no code block"
        }
        @{
            Case     = 'a markdown file is missing'
            Edit     = { Remove-Item -LiteralPath $script:SetDoc }
            Expected = 'Set-HgWidget.md: missing; Set-HgWidget has no markdown file'
        }
        @{
            Case     = 'a markdown file documents a cmdlet the module does not export'
            Edit     = { Copy-Item -LiteralPath $script:SetDoc -Destination (Join-Path $script:Docs 'Remove-HgWidget.md') }
            Expected = 'Remove-HgWidget.md: documents a command that module HgFixture does not export'
        }
        @{
            Case     = 'the synopsis is empty'
            Edit     = { Edit-FixtureDoc $script:GetDoc '(^## SYNOPSIS\r?\n).*?(?=^## )' '$1' }
            Expected = 'Get-HgWidget.md: SYNOPSIS is empty'
        }
        @{
            Case     = 'the description is empty'
            Edit     = { Edit-FixtureDoc $script:SetDoc '(^## DESCRIPTION\r?\n).*?(?=^## )' '$1' }
            Expected = 'Set-HgWidget.md: DESCRIPTION is empty'
        }
        @{
            Case     = 'a parameter description is empty'
            Edit     = { Edit-FixtureDoc $script:SetDoc '^Returns the changed widget\.\r?\n' }
            Expected = 'Set-HgWidget.md: parameter -PassThru has an empty description'
        }
    ) {
        & $Edit
        $run = Invoke-Generator -DocsPath $script:Docs -OutputPath $script:Output

        $run.ExitCode | Should -Not -Be 0
        $run.StdErr | Should -Match 'Help validation failed with 1 problem\(s\)'
        $run.StdErr | Should -Match $Expected
        $script:Output | Should -Not -Exist
    }

    It 'lists every problem of every cmdlet in one run' {
        Edit-FixtureDoc $script:GetDoc '^### -Top\r?\n.*?(?=^### )'
        Edit-FixtureDoc $script:GetDoc '^### -Id$' '### -Ident'
        Edit-FixtureDoc $script:SetDoc '^## EXAMPLES.*?(?=^## PARAMETERS)' "## EXAMPLES`n`n"
        Copy-Item -LiteralPath $script:SetDoc -Destination (Join-Path $script:Docs 'Remove-HgWidget.md')

        $run = Invoke-Generator -DocsPath $script:Docs -OutputPath $script:Output

        $run.ExitCode | Should -Not -Be 0
        $run.StdErr | Should -Match 'Help validation failed with 5 problem\(s\)'
        $run.StdErr | Should -Match "Get-HgWidget.md: parameter -Top has no '### -Top' section"
        $run.StdErr | Should -Match "Get-HgWidget.md: parameter -Id has no '### -Id' section"
        $run.StdErr | Should -Match "Get-HgWidget.md: '### -Ident' documents a parameter that Get-HgWidget does not have"
        $run.StdErr | Should -Match "Set-HgWidget.md: EXAMPLES has no '### Example' section"
        $run.StdErr | Should -Match 'Remove-HgWidget.md: documents a command'
        $script:Output | Should -Not -Exist
    }

    It 'ignores README.md and a platyPS module page beside the cmdlet pages' {
        Set-Content -LiteralPath (Join-Path $script:Docs 'README.md') -Value '# Cmdlet reference'
        Set-Content -LiteralPath (Join-Path $script:Docs 'HgFixture.md') -Value @(
            '---', 'Module Name: HgFixture', 'Module Guid: 5a0f7d52-4a57-4a5e-9a52-0d3f4e1b6c11', '---', '', '# HgFixture Module')

        $run = Invoke-Generator -DocsPath $script:Docs -OutputPath $script:Output

        $run.StdErr | Should -BeNullOrEmpty
        $run.ExitCode | Should -Be 0
        $script:Output | Should -Exist
    }
}
