# Manifest of the help-generator fixture; the tests compile HgFixture.cs into HgFixture.dll beside it.
@{
    RootModule        = 'HgFixture.dll'
    ModuleVersion     = '1.0.0'
    GUID              = '5a0f7d52-4a57-4a5e-9a52-0d3f4e1b6c11'
    Author            = 'AoaiHardening contributors'
    Description       = 'Fixture for the MAML help generator tests.'
    PowerShellVersion = '7.2'
    CmdletsToExport   = @('Get-HgWidget', 'Set-HgWidget')
    FunctionsToExport = @()
    AliasesToExport   = @()
    VariablesToExport = @()
}
