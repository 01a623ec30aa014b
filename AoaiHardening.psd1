@{
    # The single source of the module version: build.ps1 passes it to the compiler.
    ModuleVersion        = '0.1.0'
    RootModule           = 'AoaiHardening.psm1'
    GUID                 = '6f2b8d0e-5c43-4a8e-9b7e-2d1c0a9f4e51'
    Author               = 'AoaiHardening contributors'
    CompanyName          = 'AoaiHardening'
    Copyright            = '(c) AoaiHardening contributors. MIT License.'
    Description          = 'Assesses and hardens Azure OpenAI and Azure AI Services accounts: network isolation, identity, encryption at rest, content safety and monitoring, with proof.'
    PowerShellVersion    = '5.1'
    CompatiblePSEditions = @('Desktop', 'Core')
    DotNetFrameworkVersion = '4.7.2'
    FormatsToProcess     = @('AoaiHardening.Format.ps1xml')

    # Explicit lists: no wildcards, so PowerShell's command discovery stays fast and exports are deliberate.
    CmdletsToExport      = @(
        'Connect-AoaiHardening'
        'Disconnect-AoaiHardening'
        'Get-AoaiContext'
        'Get-AoaiAccount'
        'Disable-AoaiPublicNetworkAccess'
        'Enable-AoaiPublicNetworkAccess'
        'Set-AoaiNetworkRule'
        'Set-AoaiOutboundAccess'
        'Disable-AoaiLocalAuth'
        'Enable-AoaiLocalAuth'
        'Enable-AoaiManagedIdentity'
        'Disable-AoaiManagedIdentity'
        'Get-AoaiRoleAssignment'
        'Grant-AoaiRoleAssignment'
        'Test-AoaiOnYourDataSecurity'
        'Grant-AoaiOnYourDataAccess'
        'Revoke-AoaiRoleAssignment'
        'Get-AoaiAccessReport'
        'Invoke-AoaiKeyRotation'
        'New-AoaiPrivateEndpoint'
        'Protect-AoaiPrivateEndpointSubnet'
        'Enable-AoaiCustomerManagedKey'
        'Update-AoaiCustomerManagedKey'
        'Disable-AoaiCustomerManagedKey'
        'Get-AoaiEncryptionStatus'
        'Get-AoaiDeployment'
        'Get-AoaiContentFilterPolicy'
        'New-AoaiContentFilterPolicy'
        'Set-AoaiContentFilterPolicy'
        'Set-AoaiDeploymentContentFilter'
        'Add-AoaiContentBlocklistItem'
        'Get-AoaiContentBlocklist'
        'New-AoaiContentBlocklist'
        'Remove-AoaiContentBlocklist'
        'Remove-AoaiContentBlocklistItem'
        'Test-AoaiContentFilter'
        'Set-AoaiDiagnosticSetting'
        'Get-AoaiDiagnosticSetting'
        'Get-AoaiDetectionQuery'
        'New-AoaiAlertRule'
        'Enable-AoaiDefenderForAI'
        'Test-AoaiHardening'
        'Assert-AoaiHardening'
        'Get-AoaiHardeningRule'
        'Repair-AoaiHardening'
        'Invoke-AoaiHardeningPester'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()

    PrivateData          = @{
        PSData = @{
            Tags         = @('Azure', 'AzureOpenAI', 'OpenAI', 'Security', 'Hardening', 'Compliance', 'CognitiveServices', 'PSEdition_Core', 'PSEdition_Desktop')
            ProjectUri   = 'https://github.com/aoaihardening/AoaiHardening'
            LicenseUri   = 'https://github.com/aoaihardening/AoaiHardening/blob/main/LICENSE'
        }
    }
}
