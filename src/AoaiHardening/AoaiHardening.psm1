<#
    Root module. The cmdlets are compiled (AoaiHardening.dll); this file only chooses how that assembly loads.

    PowerShell 7: into a private AssemblyLoadContext (AoaiHardening.Loader.dll), with Azure.Core, Azure.Identity, MSAL
    and the rest of what the module ships, so modules that bring other versions of them (Az.Accounts among them) load
    side by side with us in either order. Windows PowerShell 5.1 has no load contexts: the assembly loads directly.
#>
if ($PSEdition -eq 'Core') {
    # LoadFrom, not Add-Type or a type-name lookup: cheaper at import, and a second import gets the same loaded assembly.
    $loader = [Reflection.Assembly]::LoadFrom([IO.Path]::Combine($PSScriptRoot, 'AoaiHardening.Loader.dll'))
    $assembly = $loader.GetType('AoaiHardening.Loader.ModuleLoadContext', $true)::LoadModule($PSScriptRoot)
}
else {
    $assembly = [Reflection.Assembly]::LoadFrom([IO.Path]::Combine($PSScriptRoot, 'AoaiHardening.dll'))
}

# The cmdlets become this module's; the manifest's CmdletsToExport decides which are exported.
$inner = Import-Module -Assembly $assembly -PassThru

# On a second import in the same session (Import-Module -Force, or after Remove-Module) PowerShell reuses its cached
# module for an assembly it already imported and leaves this module with no cmdlets (PowerShell/PowerShell#20710).
# Handing the cached module's cmdlets over is the known workaround; only then (a first import needs none, and the
# reflection costs time), and skipped if a PowerShell renames the method.
if ($inner -and -not $ExecutionContext.SessionState.InvokeCommand.GetCmdlet('Connect-AoaiHardening')) {
    $addExportedCmdlet = [System.Management.Automation.PSModuleInfo].GetMethod('AddExportedCmdlet', [Reflection.BindingFlags]'Instance, NonPublic')
    if ($addExportedCmdlet) {
        $module = $ExecutionContext.SessionState.Module
        foreach ($cmdlet in $inner.ExportedCmdlets.Values) { $null = $addExportedCmdlet.Invoke($module, @(, $cmdlet)) }
    }
}
