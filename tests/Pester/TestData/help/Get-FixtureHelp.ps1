<#
.SYNOPSIS
Prints, as JSON, what Get-Help shows for the fixture cmdlets.
.DESCRIPTION
Run by HelpGenerator.Tests.ps1 in a child pwsh: Get-Help caches help per
process, so each generated file is read by a fresh process.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)][string] $ModulePath,
    [Parameter(Mandatory)][string[]] $Name
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

Import-Module -Name $ModulePath
# 'pwsh -File' passes 'a,b' as one string, so lists arrive comma-separated.
$result = foreach ($commandName in $Name -split ',') {
    $help = Get-Help -Name $commandName -Full
    [pscustomobject]@{
        Name       = $commandName
        # Wide enough that no line of the fixtures' help wraps.
        FullText   = $help | Out-String -Width 400
        Parameters = @($help.parameters.parameter | ForEach-Object {
                [pscustomobject]@{
                    Name          = $_.name
                    Required      = $_.required
                    Position      = $_.position
                    PipelineInput = $_.pipelineInput
                    Globbing      = $_.globbing
                    Aliases       = $_.aliases
                    DefaultValue  = $_.defaultValue
                    Description   = @($_.description | ForEach-Object Text) -join "`n"
                }
            })
    }
}
ConvertTo-Json -InputObject @($result) -Depth 5
