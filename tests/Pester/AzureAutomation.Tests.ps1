# Azure Automation: the package it imports, the sandbox's managed identity endpoint (IDENTITY_ENDPOINT with the
# X-IDENTITY-HEADER secret, not IMDS), the sample runbook in docs/runbooks, and Connect-AoaiHardening -UseAzContext for
# runbooks that already ran Connect-AzAccount -Identity (Az PowerShell stood in for by functions of the same names).
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:Emu = Start-TestEmulator
    $script:Sub = Get-ScenarioSubscriptionId
    $script:Runbook = Join-Path $PSScriptRoot '../../docs/runbooks/Invoke-AoaiHardeningAssessment.ps1'
    if (-not $env:AOAI_PACKAGE_ZIP) { throw 'AOAI_PACKAGE_ZIP is not set: run the tests through build.ps1 -Task Test.' }

    # The package, unpacked as Automation does: the runbook tests import the module from here, not from output/.
    $script:Unpacked = Join-Path $TestDrive 'modules'
    Expand-Archive -LiteralPath $env:AOAI_PACKAGE_ZIP -DestinationPath $script:Unpacked
    $script:PackagedManifest = Join-Path $script:Unpacked 'AoaiHardening/AoaiHardening.psd1'

    # A fresh pwsh per run: MSAL caches managed identity tokens per process, and the sandbox's variables are per job.
    function Invoke-RunbookJob([hashtable] $Environment, [hashtable] $Parameters) {
        $job = Join-Path $TestDrive "job-$([guid]::NewGuid().ToString('n')).ps1"
        Set-Content -LiteralPath $job -Value @'
param([string] $Manifest, [string] $Runbook, [string] $ParametersJson, [string] $Transcript)
$ErrorActionPreference = 'Stop'
Import-Module $Manifest
$parameters = @{}
(ConvertFrom-Json $ParametersJson).PSObject.Properties | ForEach-Object { $parameters[$_.Name] = $_.Value }
Start-Transcript -LiteralPath $Transcript | Out-Null
$out = [ordered]@{ Output = @(); Error = $null; ErrorId = $null }
try { $out.Output = @(& $Runbook @parameters -Verbose 4>$null) }
catch { $out.Error = $_.Exception.Message; $out.ErrorId = $_.FullyQualifiedErrorId }
finally { Stop-Transcript | Out-Null }
$out | ConvertTo-Json -Depth 5
'@
        $transcript = "$job.transcript.txt"
        $saved = @{}
        foreach ($k in $Environment.Keys) { $saved[$k] = [Environment]::GetEnvironmentVariable($k); [Environment]::SetEnvironmentVariable($k, $Environment[$k]) }
        try {
            $json = & dotnet (Join-Path $PSHOME 'pwsh.dll') -NoLogo -NoProfile -NonInteractive -File $job -Manifest $script:PackagedManifest `
                -Runbook $script:Runbook -ParametersJson ($Parameters | ConvertTo-Json -Compress) -Transcript $transcript
        }
        finally {
            foreach ($k in $saved.Keys) { [Environment]::SetEnvironmentVariable($k, $saved[$k]) }
        }
        $result = ($json -join "`n") | ConvertFrom-Json
        $result | Add-Member -NotePropertyName Transcript -NotePropertyValue (Get-Content -LiteralPath $transcript -Raw)
        $result
    }
}
AfterAll { Stop-TestEmulator }

Describe 'The package Azure Automation imports' {
    BeforeAll {
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $zip = [IO.Compression.ZipFile]::OpenRead($env:AOAI_PACKAGE_ZIP)
        try { $script:Entries = @($zip.Entries | ForEach-Object { $_.FullName.Replace('\', '/') }) }
        finally { $zip.Dispose() }
    }

    It 'is named after the module and holds the module folder at its root, nothing else' {
        Split-Path $env:AOAI_PACKAGE_ZIP -Leaf | Should -Be 'AoaiHardening.zip'
        $script:Entries | Where-Object { $_ -notlike 'AoaiHardening/*' } | Should -BeNullOrEmpty
    }

    It 'has the manifest, the root module, the loader, the cmdlets, their dependencies, formats and help' {
        foreach ($file in 'AoaiHardening.psd1', 'AoaiHardening.psm1', 'AoaiHardening.dll', 'AoaiHardening.Loader.dll', 'Azure.Core.dll',
            'Azure.Identity.dll', 'Microsoft.Identity.Client.dll', 'AoaiHardening.Format.ps1xml', 'en-US/AoaiHardening.dll-Help.xml',
            'Pester/AoaiHardening.Tests.ps1') {
            $script:Entries | Should -Contain "AoaiHardening/$file"
        }
    }

    It 'ships no PowerShell engine assembly and stays far below the 100 MB module limit' {
        $script:Entries | Where-Object { $_ -like '*System.Management.Automation*' } | Should -BeNullOrEmpty
        (Get-Item $env:AOAI_PACKAGE_ZIP).Length | Should -BeLessThan 20MB
    }

    It 'the unpacked manifest is valid, with the version of the source manifest' {
        $manifest = Test-ModuleManifest -Path $script:PackagedManifest
        $source = Import-PowerShellDataFile (Join-Path $PSScriptRoot '../../AoaiHardening.psd1')
        $manifest.Version.ToString() | Should -Be $source.ModuleVersion
        $manifest.RootModule | Should -Be 'AoaiHardening.psm1'
        @($manifest.ExportedCmdlets.Keys).Count | Should -Be @($source.CmdletsToExport).Count
    }
}

Describe 'Managed identity in an Azure Automation sandbox' {
    BeforeAll {
        $script:Identity = Invoke-EmulatorControl -Path identity
        $script:Sandbox = @{ IDENTITY_ENDPOINT = $script:Identity.endpoint; IDENTITY_HEADER = $script:Identity.header }
    }
    BeforeEach {
        Reset-TestEmulator
        Clear-EmulatorRequest
    }

    It 'the runbook signs in through IDENTITY_ENDPOINT with X-IDENTITY-HEADER, assesses and reports' {
        $r = Invoke-RunbookJob -Environment $script:Sandbox -Parameters @{ SubscriptionId = @($script:Sub); ArmEndpoint = $script:Emu.Url; FailOnSeverity = 'None' }
        $r.Error | Should -BeNullOrEmpty

        $tokenRequests = @(Get-EmulatorRequest -Method GET -PathLike '/msi/token')
        $tokenRequests.Count | Should -BeGreaterThan 0
        foreach ($t in $tokenRequests) {
            $t.status | Should -Be 200
            $t.hasAuthorization | Should -BeTrue -Because 'the X-IDENTITY-HEADER secret was sent'
            $t.apiVersion | Should -Be '2019-08-01'
        }
        [uri]::UnescapeDataString($tokenRequests[0].query) | Should -Match ([regex]::Escape("resource=$($script:Emu.Url)"))
        $arm = @(Get-EmulatorRequest -PathLike "/subscriptions/$($script:Sub)/*")
        $arm.Count | Should -BeGreaterThan 0
        $arm | Where-Object { -not $_.hasAuthorization } | Should -BeNullOrEmpty

        $summary = $r.Output | Where-Object { $_.PSObject.Properties['Accounts'] }
        $summary.Accounts | Should -Be 3
        $summary.Fail | Should -BeGreaterThan 0
        $summary.Error | Should -Be 0
        $failures = @($r.Output | Where-Object { $_.PSObject.Properties['RuleId'] })
        $failures.Count | Should -Be $summary.Fail
        $failures | Where-Object RuleId -eq 'AOAI-IAM-001' | ForEach-Object { $_.Fix | Should -Match 'Disable-AoaiLocalAuth' }
        $r.Transcript | Should -Not -Match '\.mi-[0-9a-f]{24}' -Because 'the managed identity token never reaches a stream'
        $r.Transcript | Should -Not -Match $script:Identity.header
    }

    It 'the job fails when a High rule fails, and says how many' {
        $r = Invoke-RunbookJob -Environment $script:Sandbox -Parameters @{ SubscriptionId = @($script:Sub); ArmEndpoint = $script:Emu.Url }
        $r.Error | Should -Match 'rule\(s\) of severity High or higher failed on 3 account\(s\)'
    }

    It 'a wrong X-IDENTITY-HEADER is refused by the sandbox endpoint and the runbook stops before any ARM request' {
        $r = Invoke-RunbookJob -Environment @{ IDENTITY_ENDPOINT = $script:Identity.endpoint; IDENTITY_HEADER = 'not-the-secret' } `
            -Parameters @{ SubscriptionId = @($script:Sub); ArmEndpoint = $script:Emu.Url }
        $r.Error | Should -Match 'ManagedIdentity'
        $r.ErrorId | Should -Match '^AoaiHardening\.'
        @(Get-EmulatorRequest -Method GET -PathLike '/msi/token' | Where-Object status -eq 401).Count | Should -BeGreaterThan 0
        @(Get-EmulatorRequest -PathLike '/subscriptions/*').Count | Should -Be 0
    }
}

Describe 'Connect-AoaiHardening -UseAzContext' {
    BeforeAll {
        Import-Module (Get-TestModuleManifest) -Force
        $script:ArmAudience = $script:Emu.Url
        function global:Set-AzStandIn {
            # Stand-ins for Az.Accounts' Get-AzContext and Get-AzAccessToken, recording every token request.
            param([int] $Minutes = 60, [switch] $PlainString, [switch] $SignedOut, [string] $Fail)
            $global:AzStandIn = @{ Minutes = $Minutes; Calls = [Collections.Generic.List[object]]::new(); Fail = $Fail; SignedOut = [bool]$SignedOut }
            function global:Get-AzContext {
                if ($global:AzStandIn.SignedOut) { return $null }
                [pscustomobject]@{
                    Account = [pscustomobject]@{ Id = 'automation-mi' }
                    Subscription = [pscustomobject]@{ Id = (Get-ScenarioSubscriptionId) }
                    Tenant = [pscustomobject]@{ Id = '72f988bf-86f1-41af-91ab-2d7cd011db47' }
                    Environment = [pscustomobject]@{ Name = 'AzureCloud'; ResourceManagerUrl = 'https://management.azure.com/' }
                }
            }
            if ($PlainString) {
                # Az.Accounts before 2.17: no -AsSecureString, the token is a string.
                function global:Get-AzAccessToken { param([string] $ResourceUrl, [string] $TenantId) Get-AzStandInToken $ResourceUrl $TenantId $false $true }
            }
            else {
                function global:Get-AzAccessToken { param([string] $ResourceUrl, [string] $TenantId, [switch] $AsSecureString) Get-AzStandInToken $ResourceUrl $TenantId $AsSecureString.IsPresent $false }
            }
        }
        function global:Get-AzStandInToken($ResourceUrl, $TenantId, $AsSecureString, $Plain) {
            $global:AzStandIn.Calls.Add([pscustomobject]@{ ResourceUrl = $ResourceUrl; TenantId = $TenantId; AsSecureString = $AsSecureString; Thread = [Threading.Thread]::CurrentThread.ManagedThreadId })
            if ($global:AzStandIn.Fail) { throw $global:AzStandIn.Fail }
            $value = "$(New-TestJwt -Audience $ResourceUrl)az-standin-$($global:AzStandIn.Calls.Count)"
            [pscustomobject]@{
                Token = if ($Plain) { $value } else { ConvertTo-SecureString $value -AsPlainText -Force }
                ExpiresOn = [DateTimeOffset]::UtcNow.AddMinutes($global:AzStandIn.Minutes)
                TenantId = $TenantId
                Type = 'Bearer'
            }
        }
    }
    AfterAll {
        Remove-Item Function:\Get-AzContext, Function:\Get-AzAccessToken, Function:\Set-AzStandIn, Function:\Get-AzStandInToken -ErrorAction SilentlyContinue
        Remove-Variable -Scope Global AzStandIn -ErrorAction SilentlyContinue
    }
    BeforeEach {
        Reset-TestEmulator
        Clear-EmulatorRequest
    }

    It 'takes ARM, Key Vault and data-plane tokens from Get-AzAccessToken, and subscription and tenant from Get-AzContext' {
        Set-AzStandIn
        $context = Connect-AoaiHardening -UseAzContext -ArmEndpoint $script:Emu.Url
        $context.AuthenticationMethod | Should -Be 'AzContext'
        $context.SubscriptionId | Should -Be $script:Sub
        $context.TenantId | Should -Be '72f988bf-86f1-41af-91ab-2d7cd011db47'
        $urls = @($global:AzStandIn.Calls.ResourceUrl)
        $urls | Should -Contain $script:ArmAudience
        $urls | Should -Contain 'https://vault.azure.net'
        $urls | Should -Contain 'https://cognitiveservices.azure.com'
        $global:AzStandIn.Calls | ForEach-Object { $_.AsSecureString | Should -BeTrue; $_.TenantId | Should -Be '72f988bf-86f1-41af-91ab-2d7cd011db47' }

        @(Get-AoaiAccount).Count | Should -Be 3
        Get-EmulatorRequest -PathLike "/subscriptions/$($script:Sub)/*" | Where-Object { -not $_.hasAuthorization } | Should -BeNullOrEmpty
    }

    It 'keeps the Az tokens out of every stream and the transcript, with -Verbose and -Debug' {
        Set-AzStandIn -Minutes 3
        $transcript = Join-Path $TestDrive 'az-transcript.txt'
        Start-Transcript -LiteralPath $transcript | Out-Null
        try {
            $all = & {
                Connect-AoaiHardening -UseAzContext -ArmEndpoint $script:Emu.Url -Verbose -Debug
                Get-AoaiAccount -Verbose -Debug
                Get-AoaiContext | Format-List * | Out-String
            } *>&1 | Out-String -Width 500
        }
        finally { Stop-Transcript | Out-Null }
        $global:AzStandIn.Calls.Count | Should -BeGreaterThan 3 -Because 'tokens were fetched (and fetched again, being near expiry)'
        $all | Should -Match 'ARM GET'
        $all | Should -Not -Match 'az-standin-'
        Get-Content -LiteralPath $transcript -Raw | Should -Not -Match 'az-standin-'
    }

    It 'works with an Az.Accounts that returns the token as a plain string' {
        Set-AzStandIn -PlainString
        Connect-AoaiHardening -UseAzContext -ArmEndpoint $script:Emu.Url | Out-Null
        @(Get-AoaiAccount).Count | Should -Be 3
        $global:AzStandIn.Calls | ForEach-Object { $_.AsSecureString | Should -BeFalse }
    }

    It 'fetches again when a token is within 5 minutes of expiry, and not otherwise' {
        Set-AzStandIn -Minutes 60
        Connect-AoaiHardening -UseAzContext -ArmEndpoint $script:Emu.Url | Out-Null
        $afterConnect = $global:AzStandIn.Calls.Count
        Get-AoaiAccount | Out-Null
        Get-AoaiAccount | Out-Null
        $global:AzStandIn.Calls.Count | Should -Be $afterConnect -Because 'fresh tokens are reused'

        Set-AzStandIn -Minutes 3
        Connect-AoaiHardening -UseAzContext -ArmEndpoint $script:Emu.Url | Out-Null
        $afterConnect = $global:AzStandIn.Calls.Count
        Get-AoaiAccount | Out-Null
        $global:AzStandIn.Calls.Count | Should -BeGreaterThan $afterConnect -Because 'a token 3 minutes from expiry is fetched again before the cmdlet runs'
    }

    It 'a parallel scan works: workers read the cache, only the pipeline thread calls Get-AzAccessToken' {
        Set-AzStandIn
        Connect-AoaiHardening -UseAzContext -ArmEndpoint $script:Emu.Url | Out-Null
        $pipelineThread = [Threading.Thread]::CurrentThread.ManagedThreadId
        $parallel = @(Test-AoaiHardening -ThrottleLimit 4)
        $sequential = @(Test-AoaiHardening -ThrottleLimit 1)
        $parallel.Count | Should -Be $sequential.Count
        @($parallel | Where-Object Status -eq 'Error') | Should -BeNullOrEmpty
        $global:AzStandIn.Calls | ForEach-Object { $_.Thread | Should -Be $pipelineThread }
    }

    It 'refuses with AzAccountsNotFound when Get-AzAccessToken does not exist, before any request' {
        Remove-Item Function:\Get-AzAccessToken, Function:\Get-AzContext -ErrorAction SilentlyContinue
        $err = { Connect-AoaiHardening -UseAzContext -ArmEndpoint $script:Emu.Url } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.Connect.AzAccountsNotFound*'
        $err.Exception.Message | Should -Match 'Connect-AzAccount'
        @(Get-EmulatorRequest).Count | Should -Be 0
    }

    It 'refuses with NoAzContext when Az PowerShell is not signed in' {
        Set-AzStandIn -SignedOut
        $err = { Connect-AoaiHardening -UseAzContext -ArmEndpoint $script:Emu.Url } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.Connect.NoAzContext*'
        $global:AzStandIn.Calls.Count | Should -Be 0
    }

    It 'fails with AzTokenFailed and Az''s reason when Get-AzAccessToken fails' {
        Set-AzStandIn -Fail 'Run Connect-AzAccount to login.'
        $err = { Connect-AoaiHardening -UseAzContext -ArmEndpoint $script:Emu.Url } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.Connect.AzTokenFailed*'
        $err.Exception.Message | Should -Match 'Run Connect-AzAccount to login'
        @(Get-EmulatorRequest).Count | Should -Be 0
    }
}
