# Secrets hygiene: every exported cmdlet, run with -Verbose -Debug under a transcript, succeeding and (for the mutating
# ones) failing, must keep every secret out of every stream, its output objects (as Format-List and JSON), the full
# $Error entries, the transcript and the console. Secrets: the ARM, Key Vault and data-plane tokens (whole, and their
# signature alone), the account keys before and after each group (Invoke-AoaiKeyRotation regenerates them), the secret
# values in Key Vault, a client secret and certificate passwords. Each group of cmdlets runs in a non-interactive child
# pwsh with a transcript of its own, as a scheduled job would; a marker line per case attributes each part of the
# transcript, so a failure names the cmdlet that leaked (and never the secret).
BeforeDiscovery {
    $script:Groups = 'Connection', 'Reading', 'Network and identity', 'Keys and encryption', 'Content safety and monitoring'
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModuleManifest) -Force
    $script:Emu = Start-TestEmulator
    $sub = Get-ScenarioSubscriptionId
    $rg = "/subscriptions/$sub/resourceGroups/rg-ai-prod"
    # Tokens that look like JWTs, each with a signature part found nowhere else, so a leak of the token or of its
    # signature alone is unmistakable. The emulator checks the audience of the Key Vault and data-plane tokens.
    $unique = { param($what) "$what$([guid]::NewGuid().ToString('n'))" }
    $signature = [ordered]@{ Arm = & $unique 'armSig'; KeyVault = & $unique 'kvSig'; DataPlane = & $unique 'dpSig' }
    $password = & $unique 'pfxPw'
    # What the cases use, here and in the child (passed as JSON).
    $script:Vars = [ordered]@{
        Emu                      = @{ Url = $script:Emu.Url }
        Sub                      = $sub
        Tenant                   = '72a1c0de-5e11-4c0d-9a7e-0c0de0000001'
        ProdId                   = Get-ScenarioAccountId -ResourceGroupName rg-ai-prod -Name contoso-openai-prod
        DevId                    = Get-ScenarioAccountId -ResourceGroupName rg-ai-dev -Name contoso-openai-dev
        AiServicesId             = Get-ScenarioAccountId -ResourceGroupName rg-ai-prod -Name contoso-aiservices
        LanguageId               = Get-ScenarioAccountId -ResourceGroupName rg-ai-prod -Name contoso-language
        MissingId                = Get-ScenarioAccountId -ResourceGroupName rg-ai-prod -Name contoso-openai-gone
        VaultId                  = "$rg/providers/Microsoft.KeyVault/vaults/kv-contoso-prod"
        Law                      = "$rg/providers/Microsoft.OperationalInsights/workspaces/law-contoso-prod"
        Ag                       = "$rg/providers/Microsoft.Insights/actionGroups/ag-ai-security"
        SearchId                 = "$rg/providers/Microsoft.Search/searchServices/srch-contoso-oyd"
        StorageId                = "$rg/providers/Microsoft.Storage/storageAccounts/stcontosooyd"
        SubnetId                 = "/subscriptions/$sub/resourceGroups/rg-network/providers/Microsoft.Network/virtualNetworks/vnet-ai-prod/subnets/snet-private-endpoints"
        Copilot                  = 'c0b11a70-0000-4000-8000-000000000003'
        CiDeployer               = 'c1de0000-0000-4000-8000-000000000005'
        Vault                    = 'kv-contoso-prod'
        SecretName               = 'contoso-openai-prod-key'
        Signature                = $signature
        Token                    = [ordered]@{
            Arm       = (New-TestJwt -Audience 'https://management.azure.com/') + $signature.Arm
            KeyVault  = (New-TestJwt -Audience 'https://vault.azure.net') + $signature.KeyVault
            DataPlane = (New-TestJwt -Audience 'https://cognitiveservices.azure.com') + $signature.DataPlane
        }
        ClientSecret             = & $unique 'cs~Q8'
        CertificatePassword      = $password
        # A wrong password is as secret as the right one: the real one reversed.
        WrongCertificatePassword = -join $password.ToCharArray()[($password.Length - 1)..0]
        Certificate              = Join-Path $TestDrive 'sp.pfx'
        # Not $TestDrive in the child: the Pester run of Invoke-AoaiHardeningPester removes that variable there.
        WorkFolder               = "$TestDrive"
    }
    foreach ($name in $script:Vars.Keys) { Set-Variable -Scope Script -Name $name -Value $script:Vars[$name] }

    # A self-signed certificate with a private key, protected by the password: Connect reads it, sign-in then fails.
    $rsa = [System.Security.Cryptography.RSA]::Create(2048)
    $request = [System.Security.Cryptography.X509Certificates.CertificateRequest]::new('CN=aoai-hygiene', $rsa,
        [System.Security.Cryptography.HashAlgorithmName]::SHA256, [System.Security.Cryptography.RSASignaturePadding]::Pkcs1)
    $cert = $request.CreateSelfSigned([DateTimeOffset]::UtcNow.AddDays(-1), [DateTimeOffset]::UtcNow.AddDays(1))
    [System.IO.File]::WriteAllBytes($script:Certificate, $cert.Export([System.Security.Cryptography.X509Certificates.X509ContentType]::Pfx, $script:CertificatePassword))

    # A module folder with this Pester in it, for the child to find it as an installed module.
    $pester = Get-Module Pester
    $script:ModuleFolder = Join-Path $TestDrive 'modules'
    New-Item -ItemType Directory -Path (Join-Path $script:ModuleFolder 'Pester') -Force | Out-Null
    Copy-Item -Path $pester.ModuleBase -Destination (Join-Path $script:ModuleFolder "Pester/$($pester.Version)") -Recurse

    # value -> name of every secret a case could leak; keys are read before and after a group, since rotation changes them.
    $script:Secrets = [ordered]@{}
    function Add-Secret([string] $Name, [string] $Value) {
        # Short values would match by chance: every secret here is long and random.
        if ([string]::IsNullOrEmpty($Value)) { return }
        $Value.Length | Should -BeGreaterOrEqual 16 -Because "the secret '$Name' must be distinctive"
        if (-not $script:Secrets.Contains($Value)) { $script:Secrets[$Value] = $Name }
    }
    function Update-Secret {
        foreach ($kind in 'Arm', 'KeyVault', 'DataPlane') {
            Add-Secret "$kind token" $script:Token[$kind]
            Add-Secret "$kind token signature" $script:Signature[$kind]
        }
        Add-Secret 'client secret' $script:ClientSecret
        Add-Secret 'certificate password' $script:CertificatePassword
        Add-Secret 'wrong certificate password' $script:WrongCertificatePassword
        foreach ($id in $script:ProdId, $script:DevId, $script:AiServicesId, $script:LanguageId) {
            $keys = Get-EmulatorAccountKey -ResourceId $id
            Add-Secret "key1 of $(Split-Path $id -Leaf)" $keys.key1
            Add-Secret "key2 of $(Split-Path $id -Leaf)" $keys.key2
        }
        $stored = Get-EmulatorSecret -VaultName $script:Vault -SecretName $script:SecretName
        if ($stored) { foreach ($v in @($stored.versions)) { Add-Secret "value of Key Vault secret version $($v.version)" $v.value } }
    }
    # Text shown in a failure message, with every secret replaced by its name.
    function Hide-Secret([string] $Text) {
        foreach ($secret in $script:Secrets.Keys) { $Text = $Text.Replace($secret, "<$($script:Secrets[$secret])>") }
        $Text
    }

    # The child: connects with the tokens, then runs each case with the noisy common parameters under a transcript,
    # capturing every stream and the full $Error entries as text, which it writes to a JSON file for this process to check.
    $script:Child = Join-Path $TestDrive 'Invoke-HygieneCase.ps1'
    Set-Content -Path $script:Child -Encoding utf8 -Value @'
param([Parameter(Mandatory)][string] $ContextPath)
Set-StrictMode -Version Latest
$context = Get-Content $ContextPath -Raw | ConvertFrom-Json
# Pester installed, not imported: Invoke-AoaiHardeningPester imports it itself, under this script's strict mode.
$env:PSModulePath = $context.ModuleFolder + [IO.Path]::PathSeparator + $env:PSModulePath
Import-Module $context.HelpersPath
Import-Module $context.ModulePath
# The helpers reach the emulator this process runs (faults, keys): tell them where it is.
& (Get-Module TestHelpers) { param($url) $script:Emulator = [pscustomobject]@{ Url = $url; Scenario = 'demo-tenant.json' } } $context.Vars.Emu.Url
foreach ($p in $context.Vars.PSObject.Properties) { Set-Variable -Scope Script -Name $p.Name -Value $p.Value }

# Everything a user or a log could see of one error: the exception chain with every property, the details, the target
# object and where it was raised.
function Get-ErrorText($Entry) {
    $parts = [System.Collections.Generic.List[string]]::new()
    $record = if ($Entry -is [System.Management.Automation.ErrorRecord]) { $Entry } elseif ($Entry.PSObject.Properties['ErrorRecord']) { $Entry.ErrorRecord } else { $null }
    $exception = if ($record) { $record.Exception } elseif ($Entry -is [Exception]) { $Entry } else { $null }
    $parts.Add(($Entry | Out-String -Width 1000))
    if ($record) {
        $parts.Add(($record | Format-List * -Force | Out-String -Width 1000))
        if ($record.ErrorDetails) { $parts.Add(($record.ErrorDetails | Format-List * -Force | Out-String -Width 1000)) }
        if ($null -ne $record.TargetObject) {
            $parts.Add(($record.TargetObject | Format-List * -Force | Out-String -Width 1000))
            $parts.Add(($record.TargetObject | ConvertTo-Json -Depth 5 -WarningAction SilentlyContinue))
        }
        if ($record.InvocationInfo) { $parts.Add(($record.InvocationInfo | Format-List * -Force | Out-String -Width 1000)) }
        $parts.Add("$($record.ScriptStackTrace)")
    }
    if ($exception) { $parts.Add($exception.ToString()) }
    for ($e = $exception; $e; $e = $e.InnerException) { $parts.Add(($e | Format-List * -Force | Out-String -Width 1000)) }
    $parts -join "`n"
}

# One captured item: a stream record as shown and with its data; an output object as every property and as JSON.
function Get-ItemText($Item) {
    if ($Item -is [System.Management.Automation.ErrorRecord]) { return Get-ErrorText $Item }
    if ($Item -is [System.Management.Automation.InformationalRecord]) { return ($Item | Out-String -Width 1000) + $Item.Message }
    if ($Item -is [System.Management.Automation.InformationRecord]) { return ($Item | Out-String -Width 1000) + "$($Item.MessageData)" }
    ($Item | Out-String -Width 1000) + ($Item | Format-List * -Force | Out-String -Width 1000) + ($Item | ConvertTo-Json -Depth 5 -WarningAction SilentlyContinue)
}

$secure = { param($s) ConvertTo-SecureString $s -AsPlainText -Force }
Connect-AoaiHardening -ArmEndpoint $Emu.Url -AccessToken (& $secure $Token.Arm) -KeyVaultAccessToken (& $secure $Token.KeyVault) `
    -DataPlaneAccessToken (& $secure $Token.DataPlane) -SubscriptionId $Sub -MaxRetryCount 1 | Out-Null

# -Debug on a compiled cmdlet turns warnings into prompts unless -WarningAction is given; nothing may prompt in this
# non-interactive process (ConfirmPreference None; DebugPreference Continue also for nested commands, such as Repair's).
$L = @{ Verbose = $true; Debug = $true; WarningAction = 'Continue'; InformationAction = 'Continue' }
$ErrorActionPreference = 'Continue'
$DebugPreference = 'Continue'
$ConfirmPreference = 'None'
Start-Transcript -Path $context.TranscriptPath | Out-Null
$results = foreach ($case in $context.Cases) {
    if ($case.Setup) { & ([scriptblock]::Create($case.Setup)) | Out-Null }
    Write-Host "##### CASE $($case.Id): $($case.Cmdlet) ($($case.Way))"
    $Error.Clear()
    $items = @(& ([scriptblock]::Create($case.Run)) *>&1)
    # What a user would see on screen goes to the transcript.
    $items | Out-Host
    $errors = @($Error)
    [pscustomobject]@{
        Id     = $case.Id
        Items  = (@($items | ForEach-Object { Get-ItemText $_ }) -join "`n")
        Errors = (@($errors | ForEach-Object { Get-ErrorText $_ }) -join "`n")
        Failed = @($items | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] }).Count + $errors.Count
        First  = if ($errors.Count -gt 0) { "$($errors[-1].FullyQualifiedErrorId): $($errors[-1].Exception.Message)" }
        Ids    = @($errors | ForEach-Object { if ($_ -is [System.Management.Automation.ErrorRecord]) { $_.FullyQualifiedErrorId } elseif ($_.PSObject.Properties['ErrorRecord']) { $_.ErrorRecord.FullyQualifiedErrorId } else { $_.GetType().FullName } })
    }
}
Stop-Transcript | Out-Null
ConvertTo-Json -InputObject @($results) -Depth 3 | Set-Content -Path $context.ResultPath -Encoding utf8
'@

    # Runs cases in a child pwsh and checks what it captured: the leaks (where, which secret by name) and the cases that
    # did not run as they claim.
    function Invoke-HygieneGroup([string] $Group, [object[]] $Cases) {
        Reset-TestEmulator
        Update-Secret

        $name = $group -replace '\W', '-'
        $context = Join-Path $TestDrive "$name.context.json"
        $paths = @{ Transcript = Join-Path $TestDrive "$name.transcript.txt"; Result = Join-Path $TestDrive "$name.result.json"; Console = Join-Path $TestDrive "$name.console.txt" }
        @{
            Vars           = $script:Vars
            Cases          = @($cases | ForEach-Object { @{ Id = $_.Id; Cmdlet = $_.Cmdlet; Way = $_.Way; Run = $_.Run.ToString(); Setup = if ($_.Setup) { $_.Setup.ToString() } } })
            TranscriptPath = $paths.Transcript
            ResultPath     = $paths.Result
            HelpersPath    = Join-Path $PSScriptRoot 'TestHelpers.psm1'
            ModulePath     = Get-TestModuleManifest
            ModuleFolder   = $script:ModuleFolder
        } | ConvertTo-Json -Depth 5 | Set-Content -Path $context -Encoding utf8
        & dotnet (Join-Path $PSHOME 'pwsh.dll') -NoLogo -NoProfile -NonInteractive -File $script:Child -ContextPath $context *> $paths.Console
        $exit = $LASTEXITCODE
        Update-Secret
        $console = Get-Content $paths.Console -Raw
        $exit | Should -Be 0 -Because "the child ran to the end: $(Hide-Secret ((@($console -split "`n") | Select-Object -Last 15) -join "`n"))"
        Test-Path $paths.Result | Should -BeTrue

        $results = @{}
        foreach ($r in @(Get-Content $paths.Result -Raw | ConvertFrom-Json)) { $results["$($r.Id)"] = $r }
        # The transcript, cut at the case markers.
        $parts = @{}
        $current = '0'
        foreach ($line in Get-Content $paths.Transcript) {
            if ($line -match '^##### CASE (\d+):') { $current = $Matches[1] }
            $parts[$current] += "$line`n"
        }

        $leaks = [System.Collections.Generic.List[string]]::new()
        $problems = [System.Collections.Generic.List[string]]::new()
        foreach ($secret in $script:Secrets.Keys) {
            if ($console.Contains($secret)) { $leaks.Add("the console of the $group group shows the $($script:Secrets[$secret])") }
            if ([string]$parts['0'] -and ([string]$parts['0']).Contains($secret)) { $leaks.Add("the transcript of the $group group shows the $($script:Secrets[$secret]) before the first case") }
        }
        foreach ($case in $cases) {
            $label = "$($case.Cmdlet) ($($case.Way))"
            $entry = $results["$($case.Id)"]
            if (-not $entry) { $problems.Add("$label did not run"); continue }
            $null = $script:Ran.Add($case.Id)
            $where = [ordered]@{ 'streams and output' = [string]$entry.Items; 'errors' = [string]$entry.Errors; 'transcript' = [string]$parts["$($case.Id)"] }
            foreach ($secret in $script:Secrets.Keys) {
                foreach ($place in $where.Keys) {
                    if ($where[$place].Contains($secret)) { $leaks.Add("$label leaked the $($script:Secrets[$secret]) in its $place") }
                }
            }
            # It really ran as intended: a success without errors, a failing way with them, and the ARM trace where ARM is called.
            if ($case.Errors -eq 'None' -and $entry.Failed -gt 0) { $problems.Add("$label failed: $(Hide-Secret ([string]$entry.First))") }
            if ($case.Errors -eq 'Some' -and $entry.Failed -eq 0) { $problems.Add("$label did not fail") }
            # A failure is reported the module's way, whatever failed (ARM, Key Vault, the data plane, sign-in).
            if ($case.Errors -ne 'Any') { foreach ($id in @($entry.Ids)) { if ($id -notlike 'AoaiHardening.*') { $problems.Add("$label failed with '$id', not an AoaiHardening error id") } } }
            if ($case.Trace -and $entry.Items -notmatch 'ARM (GET|PUT|PATCH|POST|DELETE) /') { $problems.Add("$label shows no ARM trace on the debug stream") }
            if ("$($entry.Items)$($entry.Errors)" -match 'NonInteractive|Are you sure you want to perform|Continue with this operation') { $problems.Add("$label tried to prompt") }
        }
        # A boolean, not the text: a failure must not print the transcript (it could hold what it is checked for).
        [pscustomobject]@{ Leaks = $leaks.ToArray(); Problems = $problems.ToArray(); TranscriptHasTrace = (Get-Content $paths.Transcript -Raw) -match 'ARM GET /' }
    }

    # The case list: every exported cmdlet at least once. Run is invoked with $L (the noisy common parameters) in scope;
    # Setup runs before the capture (faults); Errors: None (a success), Some (the failing way must really fail).
    # Trace: the debug stream must show ARM requests (cmdlets that call ARM), so the test cannot pass on silence.
    $script:Cases = [System.Collections.Generic.List[hashtable]]::new()
    function Add-Case([string] $Group, [string] $Cmdlet, [string] $Way, [scriptblock] $Run, [string] $Errors = 'None', [bool] $Trace = $true, [scriptblock] $Setup) {
        $script:Cases.Add(@{ Id = $script:Cases.Count + 1; Group = $Group; Cmdlet = $Cmdlet; Way = $Way; Run = $Run; Errors = $Errors; Trace = $Trace; Setup = $Setup })
    }

    # --- Connection: the token sign-in, then a client secret and a certificate whose sign-in fails at the emulator.
    $g = 'Connection'
    Add-Case $g Connect-AoaiHardening 'access tokens for ARM, Key Vault and the data plane' {
        $secure = { param($s) ConvertTo-SecureString $s -AsPlainText -Force }
        Connect-AoaiHardening -ArmEndpoint $script:Emu.Url -AccessToken (& $secure $script:Token.Arm) -KeyVaultAccessToken (& $secure $script:Token.KeyVault) `
            -DataPlaneAccessToken (& $secure $script:Token.DataPlane) -SubscriptionId $script:Sub -MaxRetryCount 1 @L
        Get-AoaiAccount -ResourceId $script:ProdId @L
    }
    Add-Case $g Get-AoaiContext 'after a token sign-in' { Get-AoaiContext @L } -Trace $false
    Add-Case $g Connect-AoaiHardening 'client secret, sign-in refused by the authority' {
        $secret = ConvertTo-SecureString $script:ClientSecret -AsPlainText -Force
        Connect-AoaiHardening -ServicePrincipal -TenantId $script:Tenant -ClientId '22222222-3333-4444-5555-666666666666' -ClientSecret $secret `
            -ArmEndpoint $script:Emu.Url -AuthorityHost $script:Emu.Url -SubscriptionId $script:Sub -MaxRetryCount 0 @L
        Get-AoaiContext @L
        Get-AoaiAccount -ResourceId $script:ProdId @L
    } -Errors Some -Trace $false
    Add-Case $g Connect-AoaiHardening 'PFX certificate with its password, sign-in refused by the authority' {
        $password = ConvertTo-SecureString $script:CertificatePassword -AsPlainText -Force
        Connect-AoaiHardening -ServicePrincipal -TenantId $script:Tenant -ClientId '22222222-3333-4444-5555-666666666666' -CertificatePath $script:Certificate `
            -CertificatePassword $password -ArmEndpoint $script:Emu.Url -AuthorityHost $script:Emu.Url -SubscriptionId $script:Sub -MaxRetryCount 0 @L
        Get-AoaiAccount -ResourceId $script:ProdId @L
    } -Errors Some -Trace $false
    Add-Case $g Connect-AoaiHardening 'PFX certificate with a wrong password' {
        try {
            Connect-AoaiHardening -ServicePrincipal -TenantId $script:Tenant -ClientId '22222222-3333-4444-5555-666666666666' -CertificatePath $script:Certificate `
                -CertificatePassword (ConvertTo-SecureString $script:WrongCertificatePassword -AsPlainText -Force) -ArmEndpoint $script:Emu.Url @L
        }
        catch { $_ }
    } -Errors Some -Trace $false
    Add-Case $g Disconnect-AoaiHardening 'after a sign-in' { Disconnect-AoaiHardening @L } -Trace $false

    # --- Reading: every Get/Test cmdlet, and failing reads (a missing account, a 401 from ARM).
    $g = 'Reading'
    Add-Case $g Get-AoaiAccount 'the subscription' { Get-AoaiAccount @L }
    Add-Case $g Get-AoaiAccount 'a missing account, then a 401 from ARM' {
        Get-AoaiAccount -ResourceGroupName rg-ai-prod -Name contoso-openai-gone @L
        Get-AoaiAccount -ResourceId $script:DevId @L
    } -Errors Some -Setup { Add-EmulatorFault -PathLike '/accounts/contoso-openai-dev' -Method GET -Status 401 -Code 'InvalidAuthenticationToken' -Message 'The access token is invalid.' }
    Add-Case $g Get-AoaiRoleAssignment 'an account' { Get-AoaiRoleAssignment -ResourceId $script:ProdId @L }
    Add-Case $g Get-AoaiAccessReport 'an account' { Get-AoaiAccessReport -ResourceId $script:ProdId @L }
    Add-Case $g Get-AoaiEncryptionStatus 'an account' { Get-AoaiEncryptionStatus -ResourceId $script:ProdId @L }
    Add-Case $g Get-AoaiDeployment 'an account' { Get-AoaiDeployment -ResourceId $script:ProdId @L }
    Add-Case $g Get-AoaiContentFilterPolicy 'an account' { Get-AoaiContentFilterPolicy -ResourceId $script:ProdId @L }
    Add-Case $g Get-AoaiContentBlocklist 'an account' { Get-AoaiContentBlocklist -ResourceId $script:ProdId @L }
    Add-Case $g Get-AoaiDiagnosticSetting 'an account' { Get-AoaiDiagnosticSetting -ResourceId $script:ProdId @L }
    Add-Case $g Get-AoaiDetectionQuery 'all detections' { Get-AoaiDetectionQuery @L } -Trace $false
    Add-Case $g Get-AoaiHardeningRule 'the Strict baseline' { Get-AoaiHardeningRule -Baseline Strict @L } -Trace $false
    Add-Case $g Test-AoaiHardening 'the Strict baseline, with a summary report' {
        Test-AoaiHardening -ResourceId $script:ProdId -Baseline Strict @L
        Test-AoaiHardening -Baseline Strict -Summary -OutputFormat Json -OutputPath (Join-Path $script:WorkFolder 'report.json') @L
        Get-Content (Join-Path $script:WorkFolder 'report.json') -Raw
    }
    Add-Case $g Assert-AoaiHardening 'a failing rule' { try { Assert-AoaiHardening -ResourceId $script:ProdId -Rule AOAI-IAM-001 @L } catch { $_ } } -Errors Some
    Add-Case $g Test-AoaiOnYourDataSecurity 'an account with its search service and storage' {
        Test-AoaiOnYourDataSecurity -ResourceId $script:ProdId -SearchServiceResourceId $script:SearchId -StorageAccountResourceId $script:StorageId @L
    }
    # Errors Any: a failing rule is a failed Pester test, which Pester records in $Error.
    Add-Case $g Invoke-AoaiHardeningPester 'two rules, detailed output' {
        Invoke-AoaiHardeningPester -ResourceId $script:ProdId -Rule AOAI-IAM-001, AOAI-NET-005 -Output Detailed -PassThru @L | Select-Object Result, PassedCount, FailedCount
    } -Errors Any
    Add-Case $g Invoke-AoaiHardeningPester 'a result file in a missing folder' {
        try { Invoke-AoaiHardeningPester -ResourceId $script:ProdId -OutputFile (Join-Path $script:WorkFolder 'no/such/folder/results.xml') -OutputFormat NUnitXml @L } catch { $_ }
    } -Errors Some -Trace $false

    # --- Network and identity
    $g = 'Network and identity'
    Add-Case $g Disable-AoaiPublicNetworkAccess 'an account' { Disable-AoaiPublicNetworkAccess -ResourceId $script:ProdId -PassThru -Confirm:$false @L }
    Add-Case $g Disable-AoaiPublicNetworkAccess 'a missing account' { Disable-AoaiPublicNetworkAccess -ResourceId $script:MissingId -Confirm:$false @L } -Errors Some
    Add-Case $g Enable-AoaiPublicNetworkAccess 'an account' { Enable-AoaiPublicNetworkAccess -ResourceId $script:ProdId -PassThru -Confirm:$false @L }
    Add-Case $g Enable-AoaiPublicNetworkAccess 'a write refused by ARM (403)' { Enable-AoaiPublicNetworkAccess -ResourceId $script:ProdId -AllowAllNetworks -Confirm:$false @L } -Errors Some `
        -Setup { Add-EmulatorFault -PathLike '/accounts/contoso-openai-prod' -Method PATCH -Status 403 -Code 'AuthorizationFailed' -Message 'The client does not have authorization.' }
    Add-Case $g Set-AoaiNetworkRule 'an IP rule and a subnet' { Set-AoaiNetworkRule -ResourceId $script:ProdId -AddIpRule 203.0.113.0/24 -AddVirtualNetworkRule $script:SubnetId -PassThru -Confirm:$false @L }
    Add-Case $g Set-AoaiNetworkRule 'a missing account' { Set-AoaiNetworkRule -ResourceId $script:MissingId -AddIpRule 203.0.113.0/24 -Confirm:$false @L } -Errors Some
    Add-Case $g Set-AoaiOutboundAccess 'an allowed host' { Set-AoaiOutboundAccess -ResourceId $script:ProdId -AllowedFqdn contoso-search.search.windows.net -PassThru -Confirm:$false @L }
    Add-Case $g Set-AoaiOutboundAccess 'a missing account' { Set-AoaiOutboundAccess -ResourceId $script:MissingId -Disable -Confirm:$false @L } -Errors Some
    Add-Case $g New-AoaiPrivateEndpoint 'a subnet' { New-AoaiPrivateEndpoint -ResourceId $script:ProdId -SubnetId $script:SubnetId -PassThru -Confirm:$false @L }
    Add-Case $g New-AoaiPrivateEndpoint 'a missing account' { New-AoaiPrivateEndpoint -ResourceId $script:MissingId -SubnetId $script:SubnetId -Confirm:$false @L } -Errors Some
    Add-Case $g Protect-AoaiPrivateEndpointSubnet 'the endpoint subnet' { Protect-AoaiPrivateEndpointSubnet -SubnetId $script:SubnetId -AllowedSourcePrefix 10.20.2.0/24 -PassThru -Confirm:$false @L }
    Add-Case $g Protect-AoaiPrivateEndpointSubnet 'a missing account' { Protect-AoaiPrivateEndpointSubnet -ResourceId $script:MissingId -AllowedSourcePrefix 10.20.2.0/24 -Confirm:$false @L } -Errors Some
    Add-Case $g Disable-AoaiLocalAuth 'an account' { Disable-AoaiLocalAuth -ResourceId $script:DevId -PassThru -Confirm:$false @L }
    Add-Case $g Disable-AoaiLocalAuth 'a write refused by ARM (403)' { Disable-AoaiLocalAuth -ResourceId $script:AiServicesId -Confirm:$false @L } -Errors Some `
        -Setup { Add-EmulatorFault -PathLike '/accounts/contoso-aiservices' -Method PATCH -Status 403 -Code 'AuthorizationFailed' -Message 'The client does not have authorization.' }
    Add-Case $g Enable-AoaiLocalAuth 'an account' { Enable-AoaiLocalAuth -ResourceId $script:DevId -PassThru -Confirm:$false @L }
    Add-Case $g Enable-AoaiLocalAuth 'a missing account' { Enable-AoaiLocalAuth -ResourceId $script:MissingId -Confirm:$false @L } -Errors Some
    Add-Case $g Enable-AoaiManagedIdentity 'the system-assigned identity' { Enable-AoaiManagedIdentity -ResourceId $script:ProdId -PassThru -Confirm:$false @L }
    Add-Case $g Enable-AoaiManagedIdentity 'a missing account' { Enable-AoaiManagedIdentity -ResourceId $script:MissingId -Confirm:$false @L } -Errors Some
    Add-Case $g Disable-AoaiManagedIdentity 'every identity' { Disable-AoaiManagedIdentity -ResourceId $script:AiServicesId -PassThru -Confirm:$false @L }
    Add-Case $g Disable-AoaiManagedIdentity 'a missing account' { Disable-AoaiManagedIdentity -ResourceId $script:MissingId -Confirm:$false @L } -Errors Some
    Add-Case $g Grant-AoaiRoleAssignment 'a data-plane role' {
        Grant-AoaiRoleAssignment -ResourceId $script:DevId -Role 'Cognitive Services OpenAI User' -PrincipalId $script:Copilot -PrincipalType ServicePrincipal -PassThru -Confirm:$false @L
    }
    Add-Case $g Grant-AoaiRoleAssignment 'a grant refused by ARM (403)' {
        Grant-AoaiRoleAssignment -ResourceId $script:ProdId -Role Reader -PrincipalId $script:Copilot -PrincipalType ServicePrincipal -Confirm:$false @L
    } -Errors Some -Setup { Add-EmulatorFault -PathLike '/roleAssignments/' -Method PUT -Status 403 -Code 'AuthorizationFailed' -Message 'The client does not have authorization.' }
    Add-Case $g Revoke-AoaiRoleAssignment 'Contributor, replaced by a data-plane role' {
        Revoke-AoaiRoleAssignment -ResourceId $script:ProdId -PrincipalId $script:CiDeployer -Role Contributor -ReplaceWith 'Cognitive Services OpenAI Contributor' -PassThru -Confirm:$false @L
    }
    Add-Case $g Revoke-AoaiRoleAssignment 'a delete refused by ARM (403)' {
        Revoke-AoaiRoleAssignment -ResourceId $script:DevId -PrincipalId $script:Copilot -Role 'Cognitive Services OpenAI User' -Confirm:$false @L
    } -Errors Some -Setup { Add-EmulatorFault -PathLike '/roleAssignments/' -Method DELETE -Status 403 -Code 'AuthorizationFailed' -Message 'The client does not have authorization.' }
    Add-Case $g Grant-AoaiOnYourDataAccess 'an account with its search service and storage' {
        Grant-AoaiOnYourDataAccess -ResourceId $script:ProdId -SearchServiceResourceId $script:SearchId -StorageAccountResourceId $script:StorageId -PassThru -Confirm:$false @L
    } -Setup {
        # The search service needs an identity of its own (the account got one from Enable-AoaiManagedIdentity above).
        Invoke-EmulatorArm -Method PATCH -Path $script:SearchId -ApiVersion '2025-05-01' -Body @{ identity = @{ type = 'SystemAssigned' } }
    }
    Add-Case $g Grant-AoaiOnYourDataAccess 'a missing account' {
        Grant-AoaiOnYourDataAccess -ResourceId $script:MissingId -SearchServiceResourceId $script:SearchId -StorageAccountResourceId $script:StorageId -Confirm:$false @L
    } -Errors Some

    # --- Keys and encryption: the cmdlets that hold keys (rotation, probes with -UseKey) and the vault's key.
    $g = 'Keys and encryption'
    Add-Case $g Invoke-AoaiKeyRotation 'both keys, stored in Key Vault' {
        Invoke-AoaiKeyRotation -ResourceId $script:ProdId -KeyVaultName $script:Vault -SecretName $script:SecretName -Key Both -PassThru -Confirm:$false @L
        Invoke-AoaiKeyRotation -ResourceId $script:ProdId -KeyVaultName $script:Vault -SecretName $script:SecretName -PassThru -Confirm:$false @L
    }
    Add-Case $g Invoke-AoaiKeyRotation 'a regenerated key that Key Vault refuses to store' {
        Invoke-AoaiKeyRotation -ResourceId $script:ProdId -KeyVaultName $script:Vault -SecretName $script:SecretName -Force -Confirm:$false @L
    } -Errors Some -Setup { Add-EmulatorFault -PathLike '/secrets/' -Method PUT -HostLike 'kv-contoso-prod.vault.azure.net' -Status 403 -Code 'Forbidden' -Message 'The user does not have secrets set permission.' }
    Add-Case $g Test-AoaiContentFilter 'the account key, then the data-plane token' {
        Test-AoaiContentFilter -ResourceId $script:ProdId -DeploymentName gpt-4o -UseKey @L
        Test-AoaiContentFilter -ResourceId $script:ProdId -DeploymentName gpt-4o @L
    }
    Add-Case $g Test-AoaiContentFilter 'a key the data plane refuses (401)' { Test-AoaiContentFilter -ResourceId $script:ProdId -DeploymentName gpt-4o -UseKey @L } -Errors Some `
        -Setup { Add-EmulatorFault -PathLike 'chat/completions' -HostLike 'contoso-openai-prod.openai.azure.com' -Status 401 -Code '401' -Message 'Access denied due to invalid subscription key.' }
    Add-Case $g Enable-AoaiCustomerManagedKey 'the vault key' { Enable-AoaiCustomerManagedKey -ResourceId $script:ProdId -KeyVaultResourceId $script:VaultId -KeyName cmk-openai -PassThru -Confirm:$false @L }
    Add-Case $g Enable-AoaiCustomerManagedKey 'a key that does not exist' {
        Enable-AoaiCustomerManagedKey -ResourceId $script:DevId -KeyUri 'https://kv-contoso-prod.vault.azure.net/keys/cmk-missing' -Confirm:$false @L
    } -Errors Some
    Add-Case $g Update-AoaiCustomerManagedKey 'to the newest version' { Update-AoaiCustomerManagedKey -ResourceId $script:ProdId -PassThru -Confirm:$false @L }
    Add-Case $g Update-AoaiCustomerManagedKey 'an account without one' { Update-AoaiCustomerManagedKey -ResourceId $script:DevId -Confirm:$false @L } -Errors Some
    Add-Case $g Disable-AoaiCustomerManagedKey 'back to Microsoft-managed keys' { Disable-AoaiCustomerManagedKey -ResourceId $script:ProdId -PassThru -Confirm:$false @L }
    Add-Case $g Disable-AoaiCustomerManagedKey 'a missing account' { Disable-AoaiCustomerManagedKey -ResourceId $script:MissingId -Confirm:$false @L } -Errors Some

    # --- Content safety and monitoring, and Repair on top of them.
    $g = 'Content safety and monitoring'
    Add-Case $g New-AoaiContentFilterPolicy 'the Strict preset' { New-AoaiContentFilterPolicy -ResourceId $script:ProdId -Name strict-production-filter -Preset Strict -PassThru -Confirm:$false @L }
    Add-Case $g New-AoaiContentFilterPolicy 'a missing account' { New-AoaiContentFilterPolicy -ResourceId $script:MissingId -Name strict-production-filter -Confirm:$false @L } -Errors Some
    Add-Case $g Set-AoaiContentFilterPolicy 'the jailbreak shield' { Set-AoaiContentFilterPolicy -ResourceId $script:ProdId -Name relaxed-filter -Jailbreak Block -PassThru -Confirm:$false @L }
    Add-Case $g Set-AoaiContentFilterPolicy 'a missing policy' { Set-AoaiContentFilterPolicy -ResourceId $script:ProdId -Name no-such-filter -Jailbreak Block -Confirm:$false @L } -Errors Some
    Add-Case $g Set-AoaiDeploymentContentFilter 'one deployment' {
        Set-AoaiDeploymentContentFilter -ResourceId $script:ProdId -DeploymentName gpt-4o -PolicyName strict-production-filter -PassThru -Confirm:$false @L
    }
    Add-Case $g Set-AoaiDeploymentContentFilter 'a missing deployment' {
        Set-AoaiDeploymentContentFilter -ResourceId $script:ProdId -DeploymentName gpt-5 -PolicyName strict-production-filter -Confirm:$false @L
    } -Errors Some
    Add-Case $g New-AoaiContentBlocklist 'two terms' { New-AoaiContentBlocklist -ResourceId $script:ProdId -Name competitors -Pattern Fabrikam, Northwind -PassThru -Confirm:$false @L }
    Add-Case $g New-AoaiContentBlocklist 'a create refused by ARM (400)' { New-AoaiContentBlocklist -ResourceId $script:DevId -Name competitors -Pattern Fabrikam -Confirm:$false @L } -Errors Some `
        -Setup { Add-EmulatorFault -PathLike '/contoso-openai-dev/raiBlocklists/' -Method PUT -Status 400 -Code 'InvalidRequest' -Message 'The request is invalid.' }
    Add-Case $g Add-AoaiContentBlocklistItem 'a regex' { Add-AoaiContentBlocklistItem -ResourceId $script:ProdId -BlocklistName competitors -Pattern 'contoso[0-9]+' -Regex -PassThru -Confirm:$false @L }
    Add-Case $g Add-AoaiContentBlocklistItem 'a missing blocklist' { Add-AoaiContentBlocklistItem -ResourceId $script:ProdId -BlocklistName no-such-list -Pattern Contoso -Confirm:$false @L } -Errors Some
    Add-Case $g Remove-AoaiContentBlocklistItem 'a term' { Remove-AoaiContentBlocklistItem -ResourceId $script:ProdId -BlocklistName competitors -Pattern Northwind -PassThru -Confirm:$false @L }
    Add-Case $g Remove-AoaiContentBlocklistItem 'a missing blocklist' { Remove-AoaiContentBlocklistItem -ResourceId $script:ProdId -BlocklistName no-such-list -Pattern Contoso -Confirm:$false @L } -Errors Some
    Add-Case $g Remove-AoaiContentBlocklist 'the blocklist' { Remove-AoaiContentBlocklist -ResourceId $script:ProdId -Name competitors -PassThru -Confirm:$false @L }
    Add-Case $g Remove-AoaiContentBlocklist 'a delete refused by ARM (403)' {
        New-AoaiContentBlocklist -ResourceId $script:DevId -Name legal -Pattern Litware -Confirm:$false @L
        Remove-AoaiContentBlocklist -ResourceId $script:DevId -Name legal -Confirm:$false @L
    } -Errors Some -Setup { Add-EmulatorFault -PathLike '/raiBlocklists/legal' -Method DELETE -Status 403 -Code 'AuthorizationFailed' -Message 'The client does not have authorization.' }
    Add-Case $g Set-AoaiDiagnosticSetting 'a workspace' { Set-AoaiDiagnosticSetting -ResourceId $script:DevId -WorkspaceResourceId $script:Law -PassThru -Confirm:$false @L }
    Add-Case $g Set-AoaiDiagnosticSetting 'a missing account' { Set-AoaiDiagnosticSetting -ResourceId $script:MissingId -WorkspaceResourceId $script:Law -Confirm:$false @L } -Errors Some
    Add-Case $g New-AoaiAlertRule 'every detection' { New-AoaiAlertRule -ResourceId $script:DevId -WorkspaceResourceId $script:Law -ActionGroupResourceId $script:Ag -PassThru -Confirm:$false @L }
    Add-Case $g New-AoaiAlertRule 'a missing account' { New-AoaiAlertRule -ResourceId $script:MissingId -WorkspaceResourceId $script:Law -ActionGroupResourceId $script:Ag -Confirm:$false @L } -Errors Some
    Add-Case $g Enable-AoaiDefenderForAI 'an account' { Enable-AoaiDefenderForAI -ResourceId $script:DevId -PassThru -Confirm:$false @L }
    Add-Case $g Enable-AoaiDefenderForAI 'a missing account' { Enable-AoaiDefenderForAI -ResourceId $script:MissingId -Confirm:$false @L } -Errors Some
    Add-Case $g Repair-AoaiHardening 'key authentication and Defender findings' {
        Test-AoaiHardening -ResourceId $script:ProdId -Rule AOAI-IAM-001, AOAI-MON-003 @L | Repair-AoaiHardening -PassThru -Confirm:$false @L
    }
    Add-Case $g Repair-AoaiHardening 'a fix refused by ARM (403)' {
        Test-AoaiHardening -ResourceId $script:AiServicesId -Rule AOAI-IAM-001 @L | Repair-AoaiHardening -Confirm:$false @L
    } -Errors Some -Setup { Add-EmulatorFault -PathLike '/accounts/contoso-aiservices' -Method PATCH -Status 403 -Code 'AuthorizationFailed' -Message 'The client does not have authorization.' }

    $script:Ran = [System.Collections.Generic.HashSet[int]]::new()
}
AfterAll { Stop-TestEmulator }

Describe 'Secrets hygiene' {
    It 'has a case for every exported cmdlet, and for no other' {
        $exported = @((Import-PowerShellDataFile (Get-TestModuleManifest)).CmdletsToExport | Sort-Object -Unique)
        $covered = @($script:Cases | ForEach-Object { $_.Cmdlet } | Sort-Object -Unique)
        $exported.Count | Should -BeGreaterOrEqual 46
        @(Compare-Object $exported $covered | ForEach-Object { "$($_.InputObject) ($(if ($_.SideIndicator -eq '<=') { 'exported, no case' } else { 'case, not exported' }))" }) |
            Should -BeNullOrEmpty -Because 'a new cmdlet needs a secrets-hygiene case'
        # Every cmdlet that supports -Confirm (the mutating ones) is also run a failing way.
        $mutating = @($exported | Where-Object { (Get-Command $_).Parameters.ContainsKey('Confirm') })
        $failing = @($script:Cases | Where-Object { $_.Errors -eq 'Some' } | ForEach-Object { $_.Cmdlet } | Sort-Object -Unique)
        @($mutating | Where-Object { $_ -notin $failing }) | Should -BeNullOrEmpty -Because 'each mutating cmdlet also fails once'
    }

    It 'keeps every secret out of the streams, output, errors, transcript and console of the <_> cmdlets' -ForEach $script:Groups {
        $group = $_
        $cases = @($script:Cases | Where-Object { $_.Group -eq $group })
        $cases.Count | Should -BeGreaterThan 0
        $outcome = Invoke-HygieneGroup -Group $group -Cases $cases
        $outcome.TranscriptHasTrace | Should -BeTrue -Because 'the transcript shows the debug trace'
        $outcome.Leaks | Should -BeNullOrEmpty -Because 'no token, key, client secret or password may appear anywhere'
        $outcome.Problems | Should -BeNullOrEmpty -Because 'each case must run the way it claims, or the check above proves nothing'
    }

    It 'catches a leak end to end: in the streams, the output and the transcript, naming the case' {
        # A case that leaks on purpose, through the same child, capture and checks as the real ones.
        $canary = @{
            Id = 1000; Group = 'Canary'; Cmdlet = 'Write-Verbose'; Way = 'a deliberate leak'; Errors = 'None'; Trace = $false; Setup = $null
            Run = { Write-Verbose "token $($script:Token.Arm)" -Verbose; Write-Host "signature $($script:Signature.DataPlane)"; [pscustomobject]@{ Key = (Get-EmulatorAccountKey -ResourceId $script:ProdId).key1 } }
        }
        $outcome = Invoke-HygieneGroup -Group 'Canary' -Cases @($canary)
        $outcome.Problems | Should -BeNullOrEmpty
        $outcome.Leaks | Should -Contain 'Write-Verbose (a deliberate leak) leaked the Arm token in its streams and output'
        $outcome.Leaks | Should -Contain 'Write-Verbose (a deliberate leak) leaked the Arm token in its transcript'
        $outcome.Leaks | Should -Contain 'Write-Verbose (a deliberate leak) leaked the DataPlane token signature in its transcript'
        $outcome.Leaks | Should -Contain 'Write-Verbose (a deliberate leak) leaked the key1 of contoso-openai-prod in its streams and output'
        $script:Ran.Remove(1000) | Out-Null
    }

    It 'ran every case' {
        @($script:Cases | Where-Object { -not $script:Ran.Contains($_.Id) } | ForEach-Object { "$($_.Cmdlet) ($($_.Way))" }) | Should -BeNullOrEmpty
    }

    It 'recognises a leak: the check finds a secret where one is put' {
        # The same check as above, on text that does hold secrets: it cannot be blind.
        Update-Secret
        $text = "token $($script:Token.Arm) and signature $($script:Signature.KeyVault) and $((Get-EmulatorAccountKey -ResourceId $script:ProdId).key1)"
        @($script:Secrets.Keys | Where-Object { $text.Contains($_) }).Count | Should -BeGreaterOrEqual 4
        Hide-Secret $text | Should -Not -Match ([regex]::Escape($script:Signature.KeyVault))
    }
}

# The first hygiene check (moved from Reliability.Tests.ps1): the same idea in this process, with its own token.
Describe 'Secrets hygiene in the test process' {
    It 'keeps the access token out of every stream and the transcript' {
        Reset-TestEmulator
        $secretToken = 'eyJhbGciOiJub25lIn0.eyJleHAiOjQxMDI0NDQ4MDB9.secret-signature-123'
        $transcript = Join-Path $TestDrive 'transcript.txt'
        Start-Transcript -Path $transcript | Out-Null
        try {
            # -Debug on a compiled cmdlet turns warnings into prompts; -WarningAction Continue keeps them in the stream.
            $all = & {
                Connect-AoaiHardening -ArmEndpoint $script:Emu.Url -AccessToken (ConvertTo-SecureString $secretToken -AsPlainText -Force) -SubscriptionId $script:Sub -Verbose -Debug
                Get-AoaiContext | Format-List * | Out-String
                Get-AoaiAccount -Verbose -Debug
                Disable-AoaiLocalAuth -ResourceId $script:ProdId -PassThru -Verbose -Debug -Confirm:$false -WarningAction Continue
                Get-AoaiAccount -ResourceGroupName rg-ai-prod -Name missing -Verbose -Debug -ErrorAction Continue
            } *>&1 | Out-String -Width 500
        }
        finally {
            Stop-Transcript | Out-Null
        }
        $all | Should -Match 'ARM GET' -Because 'the debug stream carries the request trace'
        $all | Should -Not -Match 'secret-signature-123'
        Get-Content $transcript -Raw | Should -Not -Match 'secret-signature-123'
    }
}
