<#
.SYNOPSIS
Builds MAML help (<Assembly>.dll-Help.xml) for a module from platyPS 2.0 markdown.

.DESCRIPTION
Imports the module, enumerates its exported cmdlets and functions, and reads
<DocsPath>/<CommandName>.md for each of them.

Metadata (parameter sets, syntax, parameter types, Required, Position, pipeline
input, aliases, wildcard support) is taken from the live CommandInfo, because
the compiled code is the truth and hand-written metadata drifts. Only prose
(synopsis, description, examples, parameter descriptions, inputs/outputs
descriptions, notes, related links) and parameter default values come from
the markdown.

Before writing anything the markdown is validated against the commands, and
every problem of every command is reported at once in a single terminating
error: a missing markdown file, an empty synopsis or description, no example,
an example without code, a parameter without a '### -Name' section or with an
empty description, a section for a parameter the command does not have, a
markdown file for a command the module does not export. -WhatIf and -Confirm
need no section; they get the standard text.

.PARAMETER ModulePath
Path of the built module manifest (.psd1) or module file to import.

.PARAMETER DocsPath
Folder holding one <CommandName>.md per exported command. README.md and a
platyPS module page (front matter with 'Module Guid') are ignored.

.PARAMETER OutputPath
Path of the MAML file to write, e.g. output/AoaiHardening/en-US/AoaiHardening.dll-Help.xml.

.EXAMPLE
dotnet pwsh -NoProfile -File src/Help/Build-MamlHelp.ps1 -ModulePath output/AoaiHardening/AoaiHardening.psd1 -DocsPath docs/cmdlets -OutputPath output/AoaiHardening/en-US/AoaiHardening.dll-Help.xml

.NOTES
Run it in its own pwsh process: it imports the module, and a loaded binary
module cannot be unloaded again.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)]
    [ValidateNotNullOrEmpty()]
    [string] $ModulePath,

    [Parameter(Mandatory)]
    [ValidateNotNullOrEmpty()]
    [string] $DocsPath,

    [Parameter(Mandatory)]
    [ValidateNotNullOrEmpty()]
    [string] $OutputPath
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
Add-Type -AssemblyName System.Xml.Linq

$script:XmlNamespace = @{
    ''      = 'http://msh'
    maml    = 'http://schemas.microsoft.com/maml/2004/10'
    command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
    dev     = 'http://schemas.microsoft.com/maml/dev/2004/10'
    MSHelp  = 'http://msdn.microsoft.com/mshelp'
}

# The wording PowerShell's own help uses, so -WhatIf/-Confirm need no markdown.
$script:StandardParameterDescription = [ordered]@{
    Confirm = 'Prompts you for confirmation before running the cmdlet.'
    WhatIf  = 'Shows what would happen if the cmdlet runs. The cmdlet is not run.'
}

#region Markdown parsing

function Split-MarkdownBlock {
    <#
    .SYNOPSIS
    Splits markdown lines into heading, code and paragraph blocks.
    .DESCRIPTION
    Fences are tracked so that '#' lines inside code (PowerShell comments) are
    not taken for headings. Paragraph blocks keep their raw lines because some
    sections (related links) are line-oriented.
    #>
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param([AllowEmptyCollection()][string[]] $Line)

    $paragraph = [System.Collections.Generic.List[string]]::new()
    $code = $null
    $fence = $null
    foreach ($text in $Line) {
        if ($null -ne $code) {
            if ($text -match '^\s{0,3}(`{3,}|~{3,})\s*$' -and $Matches[1].StartsWith($fence)) {
                [pscustomobject]@{ Kind = 'Code'; Language = $code.Language; Lines = $code.Lines.ToArray() }
                $code = $null
            }
            else {
                $code.Lines.Add($text)
            }
            continue
        }
        $isFence = $text -match '^\s{0,3}(?<fence>`{3,}|~{3,})\s*(?<lang>[^`\s]*)'
        $isHeading = -not $isFence -and $text -match '^\s{0,3}(?<hashes>#{1,6})\s+(?<title>.*?)(\s+#+)?\s*$'
        if ($paragraph.Count -gt 0 -and ($isFence -or $isHeading -or $text -match '^\s*$')) {
            [pscustomobject]@{ Kind = 'Paragraph'; Lines = $paragraph.ToArray() }
            $paragraph.Clear()
        }
        if ($isFence) {
            $fence = $Matches.fence
            $code = @{ Language = $Matches.lang.ToLowerInvariant(); Lines = [System.Collections.Generic.List[string]]::new() }
        }
        elseif ($isHeading) {
            [pscustomobject]@{ Kind = 'Heading'; Level = $Matches.hashes.Length; Text = $Matches.title }
        }
        elseif ($text -notmatch '^\s*$') {
            $paragraph.Add($text.Trim())
        }
    }
    if ($paragraph.Count -gt 0) {
        [pscustomobject]@{ Kind = 'Paragraph'; Lines = $paragraph.ToArray() }
    }
    if ($null -ne $code) {
        # An unclosed fence runs to the end of the file, as in CommonMark.
        [pscustomobject]@{ Kind = 'Code'; Language = $code.Language; Lines = $code.Lines.ToArray() }
    }
}

function New-MarkdownSection {
    param([string] $Title)
    [pscustomobject]@{
        Title       = $Title
        Blocks      = [System.Collections.Generic.List[object]]::new()
        Subsections = [System.Collections.Generic.List[object]]::new()
    }
}

function ConvertFrom-HelpMarkdown {
    <#
    .SYNOPSIS
    Parses platyPS 2.0 markdown into front matter, title and '##' sections with '###' subsections.
    #>
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param([Parameter(Mandatory)][AllowEmptyString()][string] $Text)

    # CRLF and trailing spaces come from editors on other platforms; neither carries meaning here.
    $lines = @($Text -split '\r?\n' | ForEach-Object { $_.TrimEnd() })

    $frontMatter = @{}
    $start = 0
    if ($lines.Count -gt 0 -and $lines[0] -eq '---') {
        $end = [array]::IndexOf($lines, '---', 1)
        if ($end -gt 0) {
            foreach ($entry in $lines[1..($end - 1)]) {
                if ($entry -match '^(?<key>[^:]+):\s*(?<value>.*)$') {
                    $frontMatter[$Matches.key.Trim()] = $Matches.value.Trim()
                }
            }
            $start = $end + 1
        }
    }

    $title = $null
    $sections = [ordered]@{}
    $section = $null
    $target = $null
    $body = if ($start -lt $lines.Count) { $lines[$start..($lines.Count - 1)] } else { @() }
    foreach ($block in Split-MarkdownBlock -Line $body) {
        if ($block.Kind -eq 'Heading' -and $block.Level -eq 1) {
            $title = $block.Text
        }
        elseif ($block.Kind -eq 'Heading' -and $block.Level -eq 2) {
            $section = New-MarkdownSection -Title $block.Text.ToUpperInvariant()
            $sections[$section.Title] = $section
            $target = $section
        }
        elseif ($block.Kind -eq 'Heading' -and $block.Level -eq 3 -and $null -ne $section) {
            $target = New-MarkdownSection -Title $block.Text
            $section.Subsections.Add($target)
        }
        elseif ($null -ne $target) {
            $target.Blocks.Add($block)
        }
    }

    [pscustomobject]@{ FrontMatter = $frontMatter; Title = $title; Sections = $sections }
}

function Get-MarkdownSection {
    # Absent sections read as empty so callers need no null checks under StrictMode.
    param([pscustomobject] $Document, [string] $Name)
    if ($Document.Sections.Contains($Name)) { return $Document.Sections[$Name] }
    New-MarkdownSection -Title $Name
}

function ConvertTo-HelpParagraph {
    <#
    .SYNOPSIS
    Turns markdown blocks into the paragraph strings of maml:para elements.
    .DESCRIPTION
    Soft-wrapped lines are joined with spaces so Get-Help can re-wrap them to
    the console width; each list item and each code line keeps its own line
    because re-flowing them destroys their meaning.
    #>
    [OutputType([string])]
    param([AllowEmptyCollection()][object[]] $Block)

    foreach ($item in $Block) {
        switch ($item.Kind) {
            # Get-Help indents every line of a para itself, so code lines are kept as they are.
            'Code' { $item.Lines -join "`n" }
            'Heading' { $item.Text }
            'Paragraph' {
                $text = [System.Text.StringBuilder]::new($item.Lines[0])
                foreach ($line in $item.Lines | Select-Object -Skip 1) {
                    $separator = if ($line -match '^([-*+]|\d+[.)])\s') { "`n" } else { ' ' }
                    $null = $text.Append($separator).Append($line)
                }
                $text.ToString()
            }
        }
    }
}

function Get-SectionProse {
    # Prose of a section, including any '###' subsections (e.g. in NOTES) as headed paragraphs.
    param([pscustomobject] $Section)
    ConvertTo-HelpParagraph -Block $Section.Blocks
    foreach ($sub in $Section.Subsections) {
        $sub.Title
        ConvertTo-HelpParagraph -Block $sub.Blocks
    }
}

function Get-ExampleFromMarkdown {
    <#
    .SYNOPSIS
    Reads '### Example' subsections into title, code and remarks.
    .DESCRIPTION
    The first run of adjacent code blocks (a command and its output) becomes
    dev:code; all other blocks become remarks in their original order. Prose
    is not put into maml:introduction because Get-Help prints that on the same
    line as the code (it is meant for a prompt such as 'PS C:\>').
    #>
    [OutputType([pscustomobject])]
    param([pscustomobject] $Document)

    $number = 0
    foreach ($sub in (Get-MarkdownSection $Document 'EXAMPLES').Subsections) {
        $number++
        $blocks = @($sub.Blocks)
        $first = -1
        for ($i = $blocks.Count - 1; $i -ge 0; $i--) { if ($blocks[$i].Kind -eq 'Code') { $first = $i } }
        $code = @()
        $remarks = @($blocks)
        if ($first -ge 0) {
            $last = $first
            while ($last + 1 -lt $blocks.Count -and $blocks[$last + 1].Kind -eq 'Code') { $last++ }
            $code = $blocks[$first..$last]
            $remarks = @($blocks | Select-Object -First $first) + @($blocks | Select-Object -Skip ($last + 1))
        }
        [pscustomobject]@{
            Title   = if ($sub.Title -match '^Example\s+\d+') { $sub.Title } else { "Example ${number}: $($sub.Title)" }
            Code    = ($code | ForEach-Object { $_.Lines -join "`n" }) -join "`n`n"
            Remarks = @(ConvertTo-HelpParagraph -Block $remarks)
        }
    }
}

function Get-ParameterFromMarkdown {
    <#
    .SYNOPSIS
    Reads '### -Name' subsections into an ordered map of name to description and yaml metadata.
    #>
    [OutputType([System.Collections.Specialized.OrderedDictionary])]
    param([pscustomobject] $Document)

    $parameters = [ordered]@{}
    foreach ($sub in (Get-MarkdownSection $Document 'PARAMETERS').Subsections) {
        if ($sub.Title -notmatch '^-(?<name>\S+)$') { continue }   # CommonParameters and similar
        $name = $Matches.name
        $yaml = @{}
        $prose = @($sub.Blocks | Where-Object { -not ($_.Kind -eq 'Code' -and $_.Language -eq 'yaml') })
        foreach ($block in @($sub.Blocks | Where-Object { $_.Kind -eq 'Code' -and $_.Language -eq 'yaml' })) {
            foreach ($entry in $block.Lines) {
                if ($entry -match '^(?<key>[^:]+):\s*(?<value>.*)$') { $yaml[$Matches.key.Trim()] = $Matches.value.Trim() }
            }
        }
        if ($parameters.Contains($name)) {
            # Kept as a flag so validation can report it with the other problems.
            $parameters[$name].Duplicate = $true
            continue
        }
        $parameters[$name] = [pscustomobject]@{
            Name        = $name
            Description = @(ConvertTo-HelpParagraph -Block $prose)
            Yaml        = $yaml
            Duplicate   = $false
        }
    }
    $parameters
}

function Get-TypeSectionFromMarkdown {
    # INPUTS / OUTPUTS: each '### TypeName' with its description.
    [OutputType([pscustomobject])]
    param([pscustomobject] $Document, [string] $Name)
    foreach ($sub in (Get-MarkdownSection $Document $Name).Subsections) {
        [pscustomobject]@{ TypeName = $sub.Title; Description = @(ConvertTo-HelpParagraph -Block $sub.Blocks) }
    }
}

function Get-RelatedLinkFromMarkdown {
    [OutputType([pscustomobject])]
    param([pscustomobject] $Document)

    if ($Document.FrontMatter['online version']) {
        # Get-Help -Online opens the first link that has a URI.
        [pscustomobject]@{ Text = 'Online Version:'; Uri = $Document.FrontMatter['online version'] }
    }
    $lines = (Get-MarkdownSection $Document 'RELATED LINKS').Blocks |
        Where-Object Kind -EQ 'Paragraph' | ForEach-Object Lines
    foreach ($line in $lines) {
        $links = [regex]::Matches($line, '\[(?<text>[^\]]*)\]\((?<uri>[^)\s]*)[^)]*\)')
        if ($links.Count -eq 0) {
            [pscustomobject]@{ Text = $line; Uri = '' }
        }
        foreach ($link in $links) {
            # Relative links point at sibling .md files, which mean nothing to Get-Help.
            $uri = $link.Groups['uri'].Value
            $isAbsolute = $uri -match '^[a-z][a-z0-9+.-]*://'
            [pscustomobject]@{ Text = $link.Groups['text'].Value; Uri = $(if ($isAbsolute) { $uri } else { '' }) }
        }
    }
}

function Read-CommandHelpMarkdown {
    <#
    .SYNOPSIS
    Reads one <CommandName>.md into the prose model used by validation and MAML writing.
    #>
    [OutputType([pscustomobject])]
    param([Parameter(Mandatory)][string] $Path)

    $document = ConvertFrom-HelpMarkdown -Text ([System.IO.File]::ReadAllText($Path))
    [pscustomobject]@{
        Path         = $Path
        FrontMatter  = $document.FrontMatter
        Title        = $document.Title
        Synopsis     = @(Get-SectionProse (Get-MarkdownSection $document 'SYNOPSIS'))
        Description  = @(Get-SectionProse (Get-MarkdownSection $document 'DESCRIPTION'))
        Examples     = @(Get-ExampleFromMarkdown $document)
        Parameters   = Get-ParameterFromMarkdown $document
        Inputs       = @(Get-TypeSectionFromMarkdown $document 'INPUTS')
        Outputs      = @(Get-TypeSectionFromMarkdown $document 'OUTPUTS')
        Notes        = @(Get-SectionProse (Get-MarkdownSection $document 'NOTES'))
        RelatedLinks = @(Get-RelatedLinkFromMarkdown $document)
    }
}

#endregion

#region Command metadata

function Get-FriendlyTypeName {
    # Short names as in Get-Command -Syntax; the full name goes to dev:type.
    [OutputType([string])]
    param([Parameter(Mandatory)][type] $Type)
    if ($Type.IsArray) { return (Get-FriendlyTypeName $Type.GetElementType()) + '[]' }
    if ($Type.IsGenericType) {
        $arguments = $Type.GetGenericArguments() | ForEach-Object { Get-FriendlyTypeName $_ }
        return '{0}[{1}]' -f ($Type.Name -replace '`\d+$'), ($arguments -join ', ')
    }
    $Type.Name
}

function Test-DocumentedParameter {
    # Common parameters are documented once by Get-Help itself ('<CommonParameters>').
    [OutputType([bool])]
    param([string] $Name)
    $Name -in $script:StandardParameterDescription.Keys -or -not (
        [System.Management.Automation.Cmdlet]::CommonParameters.Contains($Name) -or
        [System.Management.Automation.Cmdlet]::OptionalCommonParameters.Contains($Name))
}

function Get-OrderedParameterSet {
    # Default set first, as Get-Command shows it.
    param([System.Management.Automation.CommandInfo] $Command)
    @($Command.ParameterSets | Sort-Object -Property { -not $_.IsDefault } -Stable)
}

function Get-CommandParameterMetadata {
    <#
    .SYNOPSIS
    Merges a command's per-parameter-set metadata into one record per parameter.
    .DESCRIPTION
    MAML has one command:parameters entry per parameter, so values that differ
    between sets are merged: Required only if mandatory in every set (a
    parameter optional somewhere is not always required), pipeline input as
    the union, Position from the first set (default first) that binds it by
    position. The syntax items carry the exact per-set details.
    #>
    [OutputType([pscustomobject])]
    param([System.Management.Automation.CommandInfo] $Command)

    $sets = Get-OrderedParameterSet $Command
    $names = [System.Collections.Generic.List[string]]::new()
    foreach ($p in $sets.Parameters) { if (-not $names.Contains($p.Name)) { $names.Add($p.Name) } }

    foreach ($name in $names | Where-Object { Test-DocumentedParameter $_ }) {
        Merge-ParameterMetadata -Parameter @($sets.Parameters | Where-Object Name -EQ $name)
    }
}

function Merge-ParameterMetadata {
    <#
    .SYNOPSIS
    Reduces one parameter's CommandParameterInfo from one or more sets to the values MAML needs.
    #>
    [OutputType([pscustomobject])]
    param([Parameter(Mandatory)][System.Management.Automation.CommandParameterInfo[]] $Parameter)

    $positional = @($Parameter | Where-Object Position -GE 0)
    $kinds = @(
        if ($Parameter | Where-Object ValueFromPipeline) { 'ByValue' }
        if ($Parameter | Where-Object ValueFromPipelineByPropertyName) { 'ByPropertyName' }
    )
    [pscustomobject]@{
        Name          = $Parameter[0].Name
        Type          = $Parameter[0].ParameterType
        Required      = @($Parameter | Where-Object IsMandatory).Count -eq $Parameter.Count
        Position      = if ($positional) { [string]$positional[0].Position } else { 'named' }
        PipelineInput = if ($kinds) { 'True ({0})' -f ($kinds -join ', ') } else { 'False' }
        Globbing      = [bool]($Parameter[0].Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })
        Aliases       = @($Parameter[0].Aliases)
    }
}

#endregion

#region Validation

function Test-CommandHelp {
    <#
    .SYNOPSIS
    Returns every problem of one command's markdown as a string; nothing when it is complete.
    #>
    [OutputType([string])]
    param(
        [Parameter(Mandatory)][System.Management.Automation.CommandInfo] $Command,
        [Parameter(Mandatory)][pscustomobject] $Help
    )

    $file = Split-Path -Leaf $Help.Path
    if ($Help.Title -ne $Command.Name) { "${file}: the '# ' title is '$($Help.Title)', expected '$($Command.Name)'" }
    if (-not ($Help.Synopsis -join '').Trim()) { "${file}: SYNOPSIS is empty" }
    if (-not ($Help.Description -join '').Trim()) { "${file}: DESCRIPTION is empty" }
    if ($Help.Examples.Count -eq 0) { "${file}: EXAMPLES has no '### Example' section" }
    foreach ($example in $Help.Examples | Where-Object { -not $_.Code.Trim() }) {
        "${file}: '$($example.Title)' has no code block"
    }

    $actual = @(Get-CommandParameterMetadata $Command | ForEach-Object Name)
    foreach ($name in $actual) {
        $optional = $name -in $script:StandardParameterDescription.Keys
        if (-not $Help.Parameters.Contains($name)) {
            if (-not $optional) { "${file}: parameter -$name has no '### -$name' section" }
        }
        elseif (-not $optional -and -not ($Help.Parameters[$name].Description -join '').Trim()) {
            "${file}: parameter -$name has an empty description"
        }
    }
    foreach ($documented in $Help.Parameters.Values) {
        if ($documented.Name -notin $actual) {
            "${file}: '### -$($documented.Name)' documents a parameter that $($Command.Name) does not have"
        }
        if ($documented.Duplicate) { "${file}: '### -$($documented.Name)' appears more than once" }
    }
}

function Test-CommandDocFile {
    # README.md and the platyPS module page live beside the cmdlet pages but describe no command.
    [OutputType([bool])]
    param([System.IO.FileInfo] $File)
    if ($File.Name -eq 'README.md') { return $false }
    $head = ConvertFrom-HelpMarkdown -Text ([System.IO.File]::ReadAllText($File.FullName))
    -not $head.FrontMatter.ContainsKey('Module Guid')
}

#endregion

#region MAML writing

function New-MamlElement {
    <#
    .SYNOPSIS
    Creates an XElement from a 'prefix:name', attributes and content.
    .DESCRIPTION
    Content goes through XElement, which escapes text. PSObject wrappers are
    removed first: XElement would otherwise add them as their ToString().
    #>
    [OutputType([System.Xml.Linq.XElement])]
    param(
        [Parameter(Mandatory)][string] $Name,
        [System.Collections.IDictionary] $Attribute = @{},
        [AllowNull()][AllowEmptyCollection()][object[]] $Content = @()
    )
    $prefix, $local = if ($Name.Contains(':')) { $Name -split ':', 2 } else { '', $Name }
    $element = [System.Xml.Linq.XElement]::new([System.Xml.Linq.XName]::Get($local, $script:XmlNamespace[$prefix]))
    foreach ($key in $Attribute.Keys) { $element.SetAttributeValue($key, [string]$Attribute[$key]) }
    foreach ($item in $Content) {
        if ($null -ne $item) { $element.Add($item.PSObject.BaseObject) }
    }
    $element
}

function New-MamlDescription {
    # maml:description with one maml:para per paragraph; an empty para keeps Get-Help's layout stable.
    param([AllowEmptyCollection()][string[]] $Paragraph, [string] $Name = 'maml:description')
    $paras = @($Paragraph | ForEach-Object { New-MamlElement 'maml:para' -Content $_ })
    if ($paras.Count -eq 0) { $paras = @(New-MamlElement 'maml:para') }
    New-MamlElement $Name -Content $paras
}

function New-MamlType {
    param([string] $Name)
    New-MamlElement 'dev:type' -Content @((New-MamlElement 'maml:name' -Content $Name), (New-MamlElement 'maml:uri'))
}

function New-MamlParameterValue {
    # Switches carry no value in syntax ('[-PassThru]'), but do in the parameter list ('[<SwitchParameter>]').
    param([pscustomobject] $Parameter, [switch] $ForSyntax)
    $isSwitch = $Parameter.Type -eq [System.Management.Automation.SwitchParameter]
    if ($isSwitch -and $ForSyntax) { return }
    New-MamlElement 'command:parameterValue' -Attribute ([ordered]@{
            required       = (-not $isSwitch).ToString().ToLowerInvariant()
            variableLength = $Parameter.Type.IsArray.ToString().ToLowerInvariant()
        }) -Content (Get-FriendlyTypeName $Parameter.Type)
}

function Get-MamlParameterAttribute {
    param([pscustomobject] $Parameter)
    [ordered]@{
        required       = $Parameter.Required.ToString().ToLowerInvariant()
        variableLength = $Parameter.Type.IsArray.ToString().ToLowerInvariant()
        globbing       = $Parameter.Globbing.ToString().ToLowerInvariant()
        pipelineInput  = $Parameter.PipelineInput
        position       = $Parameter.Position
        aliases        = if ($Parameter.Aliases) { $Parameter.Aliases -join ', ' } else { 'none' }
    }
}

function New-MamlSyntaxItem {
    <#
    .SYNOPSIS
    One command:syntaxItem per parameter set, with per-set Required/Position/pipeline values.
    .DESCRIPTION
    Order follows Get-Command -Syntax: positional parameters by position, then
    mandatory, then optional ones, each in the order the command declares them
    (so -WhatIf/-Confirm come last).
    #>
    param([System.Management.Automation.CommandInfo] $Command)

    foreach ($set in Get-OrderedParameterSet $Command) {
        $displayOrder = @(
            { if ($_.Position -ge 0) { 0 } elseif ($_.IsMandatory) { 1 } else { 2 } },
            { $_.Position }
        )
        $parameters = $set.Parameters | Where-Object { Test-DocumentedParameter $_.Name } |
            Sort-Object -Stable -Property $displayOrder
        $items = foreach ($p in $parameters) {
            $metadata = Merge-ParameterMetadata -Parameter $p
            New-MamlElement 'command:parameter' -Attribute (Get-MamlParameterAttribute $metadata) -Content @(
                (New-MamlElement 'maml:name' -Content $metadata.Name),
                (New-MamlParameterValue $metadata -ForSyntax)
            )
        }
        New-MamlElement 'command:syntaxItem' -Content (@(New-MamlElement 'maml:name' -Content $Command.Name) + @($items))
    }
}

function New-MamlParameterList {
    <#
    .SYNOPSIS
    command:parameters in markdown order, then undocumented -Confirm/-WhatIf with the standard text.
    #>
    param([System.Management.Automation.CommandInfo] $Command, [pscustomobject] $Help)

    $metadata = @{}
    foreach ($m in Get-CommandParameterMetadata $Command) { $metadata[$m.Name] = $m }
    $order = @($Help.Parameters.Keys | Where-Object { $metadata.ContainsKey($_) }) +
    @($script:StandardParameterDescription.Keys | Where-Object { $metadata.ContainsKey($_) -and -not $Help.Parameters.Contains($_) })

    $entries = foreach ($name in $order) {
        $parameter = $metadata[$name]
        $documented = if ($Help.Parameters.Contains($name)) { $Help.Parameters[$name] }
        $description = if ($documented -and ($documented.Description -join '').Trim()) { $documented.Description }
        else { $script:StandardParameterDescription[$name] }
        $default = if ($documented -and $documented.Yaml['Default value']) { $documented.Yaml['Default value'] }
        elseif ($parameter.Type -eq [System.Management.Automation.SwitchParameter]) { 'False' }
        else { 'None' }

        New-MamlElement 'command:parameter' -Attribute (Get-MamlParameterAttribute $parameter) -Content @(
            (New-MamlElement 'maml:name' -Content $parameter.Name),
            (New-MamlDescription $description -Name 'maml:Description'),
            (New-MamlParameterValue $parameter),
            (New-MamlType $parameter.Type.ToString()),
            (New-MamlElement 'dev:defaultValue' -Content $default)
        )
    }
    New-MamlElement 'command:parameters' -Content $entries
}

function New-MamlTypeList {
    <#
    .SYNOPSIS
    command:inputTypes / command:returnValues from markdown, else from live metadata.
    .DESCRIPTION
    Markdown wins because it carries the descriptions; without it the types are
    taken from the pipeline parameters / [OutputType], as Get-Help does for
    commands without help.
    #>
    param([string] $ListName, [string] $ItemName, [object[]] $Documented, [string[]] $Fallback)

    $types = if ($Documented) { $Documented }
    else {
        $names = @($Fallback | Select-Object -Unique)
        if (-not $names) { $names = @('None') }
        $names | ForEach-Object { [pscustomobject]@{ TypeName = $_; Description = @() } }
    }
    New-MamlElement $ListName -Content @($types | ForEach-Object {
            New-MamlElement $ItemName -Content @((New-MamlType $_.TypeName), (New-MamlDescription $_.Description))
        })
}

function New-MamlExampleList {
    param([pscustomobject] $Help)
    New-MamlElement 'command:examples' -Content @($Help.Examples | ForEach-Object {
            # Get-Help -Full prints examples with no heading of their own (right after NOTES);
            # the dashes, as in PowerShell's own help, are what sets each one apart.
            $dashes = '-' * [Math]::Max(3, [Math]::Floor((61 - $_.Title.Length) / 2))
            New-MamlElement 'command:example' -Content @(
                (New-MamlElement 'maml:title' -Content "$dashes $($_.Title) $dashes"),
                (New-MamlElement 'dev:code' -Content $_.Code),
                # The trailing empty para gives the blank line Get-Help otherwise omits before the next title.
                (New-MamlDescription @($_.Remarks | Where-Object { $_ }; '') -Name 'dev:remarks')
            )
        })
}

function New-MamlRelatedLinkList {
    param([pscustomobject] $Help)
    New-MamlElement 'command:relatedLinks' -Content @($Help.RelatedLinks | ForEach-Object {
            New-MamlElement 'maml:navigationLink' -Content @(
                (New-MamlElement 'maml:linkText' -Content $_.Text),
                (New-MamlElement 'maml:uri' -Content $_.Uri)
            )
        })
}

function New-MamlCommand {
    <#
    .SYNOPSIS
    Builds one command:command element from live metadata and markdown prose.
    #>
    [OutputType([System.Xml.Linq.XElement])]
    param(
        [Parameter(Mandatory)][System.Management.Automation.CommandInfo] $Command,
        [Parameter(Mandatory)][pscustomobject] $Help
    )

    $verb, $noun = $Command.Name -split '-', 2
    $pipelineTypes = $Command.ParameterSets.Parameters |
        Where-Object { $_.ValueFromPipeline -or $_.ValueFromPipelineByPropertyName } |
        ForEach-Object { $_.ParameterType.ToString() }
    $outputTypes = $Command.OutputType | ForEach-Object Name

    New-MamlElement 'command:command' -Content @(
        (New-MamlElement 'command:details' -Content @(
            (New-MamlElement 'command:name' -Content $Command.Name),
            (New-MamlElement 'command:verb' -Content $verb),
            (New-MamlElement 'command:noun' -Content $noun),
            (New-MamlDescription $Help.Synopsis)
        )),
        (New-MamlDescription $Help.Description),
        (New-MamlElement 'command:syntax' -Content @(New-MamlSyntaxItem $Command)),
        (New-MamlParameterList $Command $Help),
        (New-MamlTypeList 'command:inputTypes' 'command:inputType' $Help.Inputs $pipelineTypes),
        (New-MamlTypeList 'command:returnValues' 'command:returnValue' $Help.Outputs $outputTypes),
        $(if ($Help.Notes) { New-MamlElement 'maml:alertSet' -Content @(New-MamlDescription $Help.Notes -Name 'maml:alert') }),
        (New-MamlExampleList $Help),
        (New-MamlRelatedLinkList $Help)
    )
}

function Save-MamlDocument {
    param([System.Xml.Linq.XElement[]] $Command, [string] $Path)

    $root = New-MamlElement 'helpItems' -Attribute @{ schema = 'maml' } -Content $Command
    foreach ($prefix in 'maml', 'command', 'dev', 'MSHelp') {
        $root.SetAttributeValue([System.Xml.Linq.XNamespace]::Xmlns.GetName($prefix), $script:XmlNamespace[$prefix])
    }
    $document = [System.Xml.Linq.XDocument]::new([System.Xml.Linq.XDeclaration]::new('1.0', 'utf-8', $null), @($root))

    # .NET resolves relative paths against the process directory, not the PowerShell location.
    $Path = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($Path)
    $null = New-Item -ItemType Directory -Path (Split-Path -Parent $Path) -Force
    $settings = [System.Xml.XmlWriterSettings]@{ Indent = $true; Encoding = [System.Text.UTF8Encoding]::new($false) }
    $writer = [System.Xml.XmlWriter]::Create($Path, $settings)
    try { $document.Save($writer) } finally { $writer.Dispose() }
}

#endregion

function Build-ModuleHelp {
    <#
    .SYNOPSIS
    Validates every exported command and builds its command:command element.
    .DESCRIPTION
    Returns all problems rather than stopping at the first, so one run shows
    everything to fix. Elements are built only for commands without problems.
    #>
    [OutputType([pscustomobject])]
    param([string] $ModulePath, [string] $DocsPath)

    $module = Import-Module -Name (Resolve-Path -LiteralPath $ModulePath).ProviderPath -Force -PassThru -Verbose:$false |
        Select-Object -First 1
    $commands = @(Get-Command -Module $module.Name -CommandType Cmdlet, Function | Sort-Object Name)
    $docs = @{}
    foreach ($file in Get-ChildItem -LiteralPath $DocsPath -Filter '*.md' -File | Where-Object { Test-CommandDocFile $_ }) {
        $docs[$file.BaseName] = $file.FullName
    }

    $problems = [System.Collections.Generic.List[string]]::new()
    $elements = [System.Collections.Generic.List[System.Xml.Linq.XElement]]::new()
    foreach ($command in $commands) {
        if (-not $docs.ContainsKey($command.Name)) {
            $problems.Add("$($command.Name).md: missing; $($command.Name) has no markdown file in $DocsPath")
            continue
        }
        $help = Read-CommandHelpMarkdown -Path $docs[$command.Name]
        $found = @(Test-CommandHelp -Command $command -Help $help)
        $problems.AddRange([string[]]$found)
        if ($found.Count -eq 0) { $elements.Add((New-MamlCommand -Command $command -Help $help)) }
    }
    $exported = @($commands | ForEach-Object Name)
    foreach ($name in $docs.Keys | Where-Object { $_ -notin $exported } | Sort-Object) {
        $problems.Add("${name}.md: documents a command that module $($module.Name) does not export")
    }
    [pscustomobject]@{ Problems = $problems.ToArray(); Commands = $elements.ToArray() }
}

$build = Build-ModuleHelp -ModulePath $ModulePath -DocsPath $DocsPath
if ($build.Problems.Count -gt 0) {
    # ThrowTerminatingError from the script itself keeps the message's line breaks in
    # ConciseView (a 'throw' inside a function gets re-flowed into one paragraph).
    $message = "Help validation failed with $($build.Problems.Count) problem(s):`n  - " + ($build.Problems -join "`n  - ")
    $PSCmdlet.ThrowTerminatingError([System.Management.Automation.ErrorRecord]::new(
            [System.IO.InvalidDataException]::new($message), 'HelpValidationFailed', 'InvalidData', $DocsPath))
}
Save-MamlDocument -Command $build.Commands -Path $OutputPath
Write-Verbose "Wrote help for $($build.Commands.Count) command(s) to $OutputPath"
