# Dependency isolation on PowerShell 7: the module's Azure.Core, Azure.Identity and MSAL live in a private
# AssemblyLoadContext, so a session that already holds (or later loads) another Azure.Core keeps working either way.
# Each case is a fresh pwsh, because load order is the point and an assembly cannot be unloaded from a session.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:Emu = Start-TestEmulator
    $script:Sub = Get-ScenarioSubscriptionId
    $script:Manifest = Get-TestModuleManifest
    $script:ModuleDir = Split-Path $script:Manifest
    if (-not $env:AOAI_NUGET_PACKAGES) { throw 'AOAI_NUGET_PACKAGES is not set: run the tests through build.ps1 -Task Test.' }
    # Another Azure.Core than ours (the module ships 1.64), as Az.Accounts or another module would bring.
    $script:OtherAzureCore = Join-Path $env:AOAI_NUGET_PACKAGES 'azure.core/1.53.0/lib/net8.0/Azure.Core.dll'
    $script:OurAzureCore = [Reflection.AssemblyName]::GetAssemblyName((Join-Path $script:ModuleDir 'Azure.Core.dll')).Version.ToString()

    $script:Child = Join-Path $TestDrive 'child.ps1'
    Set-Content -LiteralPath $script:Child -Value @'
param([string] $Order, [string] $Import, [string] $OtherAzureCore, [string] $ArmUrl, [string] $Sub, [switch] $Identity)
$ErrorActionPreference = 'Stop'
$result = [ordered]@{ Error = $null; AccountsBefore = $null; AccountsAfter = $null; OtherLocation = $null; TypeLiteralVersion = $null; Loaded = @() }
try {
    if ($Order -eq 'OtherFirst') { Add-Type -LiteralPath $OtherAzureCore }
    Import-Module $Import
    if ($Identity) { Connect-AoaiHardening -Identity -ArmEndpoint $ArmUrl -SubscriptionId $Sub | Out-Null }
    else { Connect-AoaiHardening -ArmEndpoint $ArmUrl -AccessToken (ConvertTo-SecureString 'isolation-test-token' -AsPlainText -Force) -SubscriptionId $Sub | Out-Null }
    $result.AccountsBefore = @(Get-AoaiAccount).Count
    if ($Order -eq 'ModuleFirst') { Add-Type -LiteralPath $OtherAzureCore }
    $result.AccountsAfter = @(Get-AoaiAccount).Count
    # The other Azure.Core is the one PowerShell code sees by type name, and it works (AzureLocation needs none of
    # the other module's further dependencies, which this test does not bring).
    $result.OtherLocation = [Azure.Core.AzureLocation]::WestEurope.DisplayName
    $result.TypeLiteralVersion = [Azure.Core.AzureLocation].Assembly.GetName().Version.ToString()
}
catch { $result.Error = $_.Exception.Message }
$result.Loaded = @([AppDomain]::CurrentDomain.GetAssemblies() |
    Where-Object { $_.GetName().Name -match '^(Azure\.|Microsoft\.Identity|System\.ClientModel$|AoaiHardening)' } |
    ForEach-Object { [pscustomobject]@{ Name = $_.GetName().Name; Version = $_.GetName().Version.ToString(); Context = [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_).Name } })
$result | ConvertTo-Json -Depth 4
'@

    function Invoke-IsolationChild([string] $Order, [string] $Import = $script:Manifest, [switch] $Identity) {
        $pwsh = Join-Path $PSHOME 'pwsh.dll'
        $json = & dotnet $pwsh -NoLogo -NoProfile -NonInteractive -File $script:Child -Order $Order -Import $Import `
            -OtherAzureCore $script:OtherAzureCore -ArmUrl $script:Emu.Url -Sub $script:Sub -Identity:$Identity
        $LASTEXITCODE | Should -Be 0
        ($json -join "`n") | ConvertFrom-Json
    }
}
AfterAll { Stop-TestEmulator }

Describe 'Dependency isolation (PowerShell 7)' {
    BeforeAll {
        Reset-TestEmulator
        # What the module lists in a session of its own (this one): the children must list the same.
        Import-Module $script:Manifest -Force
        Connect-TestEmulator | Out-Null
        $script:Expected = @(Get-AoaiAccount).Count
        $script:Expected | Should -BeGreaterThan 0
    }

    It 'the other Azure.Core really is another version' {
        Test-Path $script:OtherAzureCore | Should -BeTrue
        [Reflection.AssemblyName]::GetAssemblyName($script:OtherAzureCore).Version.ToString() | Should -Not -Be $script:OurAzureCore
    }

    It 'works when another Azure.Core was loaded first, and leaves that one to the session' {
        $r = Invoke-IsolationChild -Order OtherFirst
        $r.Error | Should -BeNullOrEmpty
        $r.AccountsBefore | Should -Be $script:Expected
        $r.AccountsAfter | Should -Be $script:Expected
        $r.OtherLocation | Should -Be 'West Europe'
        $r.TypeLiteralVersion | Should -Be '1.53.0.0'
        $core = @($r.Loaded | Where-Object Name -eq 'Azure.Core')
        $core.Count | Should -Be 2 -Because 'two versions side by side'
        ($core | Where-Object Context -eq 'AoaiHardening').Version | Should -Be $script:OurAzureCore
        ($core | Where-Object Context -eq 'Default').Version | Should -Be '1.53.0.0'
    }

    It 'works when the module came first and another Azure.Core is loaded after it' {
        $r = Invoke-IsolationChild -Order ModuleFirst
        $r.Error | Should -BeNullOrEmpty
        $r.AccountsBefore | Should -Be $script:Expected
        $r.AccountsAfter | Should -Be $script:Expected -Because 'the module keeps using its own Azure.Core'
        $r.OtherLocation | Should -Be 'West Europe'
        $r.TypeLiteralVersion | Should -Be '1.53.0.0'
    }

    It 'keeps every Azure SDK assembly of the module, and the module itself, out of the default context' {
        # Signed in with a managed identity (the emulator's Automation endpoint), so Azure.Identity and MSAL load too.
        $id = Invoke-EmulatorControl -Path identity
        $env:IDENTITY_ENDPOINT = $id.endpoint
        $env:IDENTITY_HEADER = $id.header
        try { $r = Invoke-IsolationChild -Order None -Identity }
        finally { Remove-Item Env:IDENTITY_ENDPOINT, Env:IDENTITY_HEADER }
        $r.Error | Should -Match 'Unable to find type \[Azure.Core.AzureLocation\]' -Because 'PowerShell code cannot reach the private Azure.Core by name'
        $r.AccountsAfter | Should -Be $script:Expected
        $ours = @($r.Loaded)
        ($ours.Name) | Should -Contain 'AoaiHardening'
        ($ours.Name) | Should -Contain 'Azure.Core'
        ($ours.Name) | Should -Contain 'Microsoft.Identity.Client' -Because 'the managed identity token came through MSAL'
        foreach ($a in $ours | Where-Object Name -ne 'AoaiHardening.Loader') {
            $a.Context | Should -Be 'AoaiHardening' -Because "$($a.Name) must load in the private context"
        }
        ($ours | Where-Object Name -eq 'AoaiHardening.Loader').Context | Should -Be 'Default' -Because 'the loader is the one assembly PowerShell loads itself'

    }

    It 'the conflict is real: the same assemblies loaded directly (no private context) fail after another Azure.Core' {
        $r = Invoke-IsolationChild -Order OtherFirst -Import (Join-Path $script:ModuleDir 'AoaiHardening.dll')
        $r.Error | Should -Match 'Azure\.Core'
    }
}
