<#
    Helpers shared by the Pester suites: start the ARM emulator as a child process, talk to its control API, and
    connect the module to it. The built module is imported from $env:AOAI_MODULE_MANIFEST (set by build.ps1), never
    from the source tree.
#>
Set-StrictMode -Version Latest

$script:Emulator = $null
$script:SavedProxy = $null

function Get-TestModuleManifest {
    if (-not $env:AOAI_MODULE_MANIFEST) { throw 'AOAI_MODULE_MANIFEST is not set: run the tests through build.ps1 -Task Test.' }
    $env:AOAI_MODULE_MANIFEST
}

function Get-ScenarioPath([string] $Name) {
    Join-Path $PSScriptRoot "../Scenarios/$Name"
}

function Start-TestEmulator {
    param([string] $Scenario = 'demo-tenant.json', [int] $LroPolls = 1, [int] $RetryAfter = 0)
    if (-not $env:AOAI_EMULATOR_DLL) { throw 'AOAI_EMULATOR_DLL is not set: run the tests through build.ps1 -Task Test.' }
    $ready = Join-Path ([IO.Path]::GetTempPath()) "aoai-emulator-$([guid]::NewGuid().ToString('n')).json"
    $log = Join-Path ([IO.Path]::GetTempPath()) "aoai-emulator-$([guid]::NewGuid().ToString('n'))"
    $process = Start-Process dotnet -PassThru -NoNewWindow -RedirectStandardOutput "$log.out" -RedirectStandardError "$log.err" -ArgumentList @(
        $env:AOAI_EMULATOR_DLL, '--tls-dir', $env:AOAI_EMULATOR_TLS_DIR, '--port', '0', '--ready-file', $ready,
        '--parent-pid', $PID, '--scenario', (Get-ScenarioPath $Scenario), '--lro-polls', $LroPolls, '--retry-after', $RetryAfter)
    $deadline = [DateTime]::UtcNow.AddSeconds(60)
    while (-not (Test-Path $ready)) {
        if ($process.HasExited) { throw "The emulator exited with code $($process.ExitCode): $(Get-Content "$log.err" -Raw)" }
        if ([DateTime]::UtcNow -gt $deadline) { throw 'The emulator did not start within 60 s.' }
        Start-Sleep -Milliseconds 50
    }
    $info = Get-Content $ready -Raw | ConvertFrom-Json
    Remove-Item $ready -ErrorAction SilentlyContinue
    $script:Emulator = [pscustomobject]@{ Url = $info.url.TrimEnd('/'); ProxyUrl = $info.proxyUrl; Process = $process; Scenario = $Scenario }
    # Data planes live at real host names ({vault}.vault.azure.net), which do not resolve here: clients reach them through
    # the emulator's CONNECT proxy. ARM and the control API stay on loopback, which must bypass the proxy. Set after the
    # emulator started, so it does not inherit them; Azure.Core reads both when a client's transport is created.
    if ($null -eq $script:SavedProxy) { $script:SavedProxy = @{ HTTPS_PROXY = $env:HTTPS_PROXY; NO_PROXY = $env:NO_PROXY } }
    $env:HTTPS_PROXY = $info.proxyUrl
    $env:NO_PROXY = 'localhost,127.0.0.1,::1'
    $script:Emulator
}

function Stop-TestEmulator {
    if ($script:Emulator -and -not $script:Emulator.Process.HasExited) { $script:Emulator.Process.Kill() }
    $script:Emulator = $null
    if ($null -ne $script:SavedProxy) {
        $env:HTTPS_PROXY = $script:SavedProxy.HTTPS_PROXY
        $env:NO_PROXY = $script:SavedProxy.NO_PROXY
        $script:SavedProxy = $null
    }
}

function Invoke-EmulatorControl {
    param([Parameter(Mandatory)][string] $Path, [string] $Method = 'GET', $Body)
    $params = @{ Uri = "$($script:Emulator.Url)/_emulator/$Path"; Method = $Method }
    if ($null -ne $Body) { $params.Body = ($Body | ConvertTo-Json -Depth 20 -Compress); $params.ContentType = 'application/json' }
    Invoke-RestMethod @params
}

function Reset-TestEmulator {
    # Reloads the scenario; tests run with no LRO wait unless they ask for one (-Config @{ retryAfterSeconds = 1 }).
    param([string] $Scenario = $script:Emulator.Scenario, [hashtable] $Config = @{})
    $body = Get-Content (Get-ScenarioPath $Scenario) -Raw | ConvertFrom-Json -AsHashtable
    if (-not $body.ContainsKey('config')) { $body.config = @{} }
    $settings = @{ retryAfterSeconds = 0; lroPolls = 1 }
    foreach ($k in $Config.Keys) { $settings[$k] = $Config[$k] }
    foreach ($k in $settings.Keys) { $body.config[$k] = $settings[$k] }
    Invoke-EmulatorControl -Path 'scenario' -Method POST -Body $body | Out-Null
}

function New-EmulatorFleet {
    # Adds a generated fleet (POST /_emulator/fleet) to the loaded scenario; returns {subscriptions, accounts, resources, roleAssignments}.
    param([int] $Subscriptions = 10, [int] $AccountsPerSubscription = 100, [int] $ResourceGroupsPerSubscription = 10)
    Invoke-EmulatorControl -Path 'fleet' -Method POST -Body @{
        subscriptions                 = $Subscriptions
        accountsPerSubscription       = $AccountsPerSubscription
        resourceGroupsPerSubscription = $ResourceGroupsPerSubscription
    }
}

function Get-EmulatorRequest {
    param([string[]] $Method, [string] $PathLike = '*')
    @((Invoke-EmulatorControl -Path 'requests').value) |
        Where-Object { (-not $Method -or $_.method -in $Method) -and $_.path -like $PathLike }
}

function Get-EmulatorWrite {
    # Writes are what hardening changes: PUT, PATCH and DELETE (listKeys/regenerateKey are POSTs but not config writes).
    param([string] $PathLike = '*')
    Get-EmulatorRequest -Method PUT, PATCH, DELETE -PathLike $PathLike
}

function Clear-EmulatorRequest { Invoke-EmulatorControl -Path 'requests' -Method DELETE | Out-Null }

function Add-EmulatorFault {
    param([Parameter(Mandatory)][string] $PathLike, [string] $Kind = 'status', [int] $Status = 503, [int] $Count = 1,
        [string] $Method, [string] $Code, [string] $Message, [int] $RetryAfter = -1, [string] $HostLike, [int] $LatencyMs = -1)
    $fault = @{ path = $PathLike; kind = $Kind; status = $Status; count = $Count }
    if ($LatencyMs -ge 0) { $fault.latencyMs = $LatencyMs }
    if ($Method) { $fault.method = $Method }
    if ($HostLike) { $fault.host = $HostLike }
    if ($Code) { $fault.code = $Code }
    if ($Message) { $fault.message = $Message }
    if ($RetryAfter -ge 0) { $fault.retryAfter = $RetryAfter }
    Invoke-EmulatorControl -Path 'faults' -Method POST -Body $fault | Out-Null
}

function Get-EmulatorResource {
    param([string] $Type)
    $path = if ($Type) { "resources?type=$([uri]::EscapeDataString($Type))" } else { 'resources' }
    @((Invoke-EmulatorControl -Path $path).value)
}

function Get-ScenarioSubscriptionId([string] $Scenario = $script:Emulator.Scenario) {
    (Get-Content (Get-ScenarioPath $Scenario) -Raw | ConvertFrom-Json).subscriptions[0].subscriptionId
}

function Get-EmulatorArmList {
    # An ARM list straight from the emulator (what an admin's REST export holds), following nextLink.
    param([Parameter(Mandatory)][string] $Path, [Parameter(Mandatory)][string] $ApiVersion)
    $uri = "$($script:Emulator.Url)$($Path)?api-version=$ApiVersion"
    while ($uri) {
        $page = Invoke-RestMethod -Uri $uri -Headers @{ Authorization = 'Bearer emulator-test-token' }
        $page.value
        $uri = if ($page.PSObject.Properties['nextLink']) { $page.nextLink } else { $null }
    }
}

function Invoke-EmulatorArm {
    # An ARM request straight to the emulator, as another tool (the portal, Az) would make it: sets up state the
    # module then finds. LROs settle at once under the test config (lroPolls 1 is reached by the first GET).
    param([Parameter(Mandatory)][string] $Method, [Parameter(Mandatory)][string] $Path, [Parameter(Mandatory)][string] $ApiVersion, $Body)
    $params = @{ Uri = "$($script:Emulator.Url)$($Path)?api-version=$ApiVersion"; Method = $Method; Headers = @{ Authorization = 'Bearer emulator-test-token' } }
    if ($null -ne $Body) { $params.Body = ($Body | ConvertTo-Json -Depth 20 -Compress); $params.ContentType = 'application/json' }
    Invoke-RestMethod @params
}

function Start-TestCommand {
    # Runs one module command in a runspace of its own, in the background (the session and proxy variables are
    # process-wide, so the runspace only needs the module). The module is imported in a pipeline of its own, so the
    # command is the only pipeline a stop meets: stopping a multi-statement script races PowerShell's disposal of its
    # nested pipelines, and the ObjectDisposedException that can follow on the stop thread ends the whole process.
    param([Parameter(Mandatory)][string] $Name, [hashtable] $Parameters = @{})
    $ps = [powershell]::Create()
    $null = $ps.AddCommand('Import-Module').AddParameter('Name', (Get-TestModuleManifest)).Invoke()
    $ps.Commands.Clear()
    $null = $ps.AddCommand($Name).AddParameters($Parameters)
    [pscustomobject]@{ PowerShell = $ps; Invocation = $ps.BeginInvoke() }
}

function Stop-TestCommand {
    # Stops a command from Start-TestCommand as Ctrl+C would; true when it stopped within the time given.
    param([Parameter(Mandatory)] $Run, [int] $TimeoutSeconds = 20)
    $stop = $Run.PowerShell.BeginStop($null, $null)
    if (-not $stop.AsyncWaitHandle.WaitOne([TimeSpan]::FromSeconds($TimeoutSeconds))) { return $false }
    $Run.PowerShell.EndStop($stop)
    $true
}

function Export-TestAccounts {
    # What ARM returns, as one JSON array: the offline twin of the live accounts. With the related resources the rules
    # read: role assignments (AOAI-IAM-003/004), each account's deployments and RAI policies (AOAI-CSF-*), diagnostic
    # settings and Defender for AI settings, and the subscription's scheduled query rules (AOAI-MON-*), as the ARM lists
    # return them. Offline, a type no account has is "not exported" (NotEvaluated): seed one with Set-TestMonitoring.
    param([Parameter(Mandatory)][string] $Path)
    $items = [System.Collections.Generic.List[string]]::new()
    foreach ($account in Get-AoaiAccount -Kind *) {
        $items.Add($account.RawJson)
        foreach ($child in 'deployments', 'raiPolicies', 'defenderForAISettings') {
            foreach ($item in Get-EmulatorArmList "$($account.Id)/$child" '2025-09-01') { $items.Add(($item | ConvertTo-Json -Depth 20 -Compress)) }
        }
        # Monitoring (AOAI-MON-001/002): the account's diagnostic settings (extension resources, joined by id prefix).
        foreach ($item in Get-EmulatorArmList "$($account.Id)/providers/Microsoft.Insights/diagnosticSettings" '2021-05-01-preview') { $items.Add(($item | ConvertTo-Json -Depth 20 -Compress)) }
    }
    foreach ($a in Get-EmulatorArmList "/subscriptions/$(Get-ScenarioSubscriptionId)/providers/Microsoft.Authorization/roleAssignments" '2022-04-01') {
        $items.Add(($a | ConvertTo-Json -Depth 20 -Compress))
    }
    # AOAI-MON-002: the subscription's scheduled query rules (joined by their scopes).
    foreach ($r in Get-EmulatorArmList "/subscriptions/$(Get-ScenarioSubscriptionId)/providers/Microsoft.Insights/scheduledQueryRules" '2023-12-01') {
        $items.Add(($r | ConvertTo-Json -Depth 20 -Compress))
    }
    '[' + ($items -join ',') + ']' | Set-Content -Path $Path -Encoding utf8
}

function Set-TestMonitoring {
    # Monitoring state on contoso-openai-prod, as another tool would make it: a diagnostic setting sending Audit only
    # (AOAI-MON-001 fails), Defender for AI Disabled (MON-003 fails) and a detection alert rule on its workspace (MON-002
    # passes). Every monitoring type is then in an export, so offline "none" means none, as live.
    $prod = Get-ScenarioAccountId -ResourceGroupName rg-ai-prod -Name contoso-openai-prod
    $sub = Get-ScenarioSubscriptionId
    $law = "/subscriptions/$sub/resourceGroups/rg-ai-prod/providers/Microsoft.OperationalInsights/workspaces/law-contoso-prod"
    Invoke-EmulatorArm -Method PUT -Path "$prod/providers/Microsoft.Insights/diagnosticSettings/audit-only" -ApiVersion '2021-05-01-preview' -Body @{ properties = @{ workspaceId = $law; logs = @(@{ category = 'Audit'; enabled = $true }) } } | Out-Null
    Invoke-EmulatorArm -Method PUT -Path "$prod/defenderForAISettings/Default" -ApiVersion '2025-09-01' -Body @{ properties = @{ state = 'Disabled' } } | Out-Null
    New-AoaiAlertRule -ResourceId $prod -WorkspaceResourceId $law -ActionGroupResourceId "/subscriptions/$sub/resourceGroups/rg-ai-prod/providers/Microsoft.Insights/actionGroups/ag-ai-security" -Detection KeyAuthInUse | Out-Null
}

function Get-ScenarioAccountId {
    param([Parameter(Mandatory)][string] $ResourceGroupName, [Parameter(Mandatory)][string] $Name, [string] $SubscriptionId = (Get-ScenarioSubscriptionId))
    "/subscriptions/$SubscriptionId/resourceGroups/$ResourceGroupName/providers/Microsoft.CognitiveServices/accounts/$Name"
}

function Get-EmulatorSecret {
    # Every version of a secret, values included (compare them in the test; never print them). $null when there is none.
    param([Parameter(Mandatory)][string] $VaultName, [Parameter(Mandatory)][string] $SecretName)
    try { Invoke-EmulatorControl -Path "keyvault/$VaultName/secrets/$SecretName" }
    catch { if ($_.Exception.Response -and [int]$_.Exception.Response.StatusCode -eq 404) { $null } else { throw } }
}

function Get-EmulatorAccountKey {
    # An account's current keys ({key1, key2}) as the emulator holds them: for comparisons only, never for output.
    param([Parameter(Mandatory)][string] $ResourceId)
    Invoke-EmulatorControl -Path "accounts/keys?id=$([uri]::EscapeDataString($ResourceId))"
}

function New-TestJwt {
    # An unsigned JWT with the given audience: the emulator's Key Vault checks aud as Key Vault does (it cannot verify signatures).
    param([Parameter(Mandatory)][string] $Audience, [string] $TenantId = '72a1c0de-5e11-4c0d-9a7e-0c0de0000001')
    $encode = { param($obj) [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes(($obj | ConvertTo-Json -Compress))).TrimEnd('=').Replace('+', '-').Replace('/', '_') }
    $exp = [DateTimeOffset]::UtcNow.AddHours(1).ToUnixTimeSeconds()
    '{0}.{1}.' -f (& $encode @{ alg = 'none'; typ = 'JWT' }), (& $encode ([ordered]@{ aud = $Audience; tid = $TenantId; exp = $exp; oid = [guid]::Empty.ToString() }))
}

function Get-TestAccessToken {
    # The plain tokens Connect-TestEmulator passes, so hygiene tests can look for them in output (never to print them).
    [pscustomobject]@{ Arm = 'emulator-test-token'; KeyVault = $script:KeyVaultToken; DataPlane = $script:DataPlaneToken }
}

$script:KeyVaultToken = New-TestJwt -Audience 'https://vault.azure.net'
$script:DataPlaneToken = New-TestJwt -Audience 'https://cognitiveservices.azure.com'

function Connect-TestEmulator {
    param([string] $SubscriptionId = (Get-ScenarioSubscriptionId), [int] $MaxRetryCount = 3, [int] $OperationTimeoutSec = 1800)
    # Fake bearer tokens: the emulator checks that one is sent, as ARM does, but cannot validate it; the Key Vault and
    # data-plane tokens are JWTs for https://vault.azure.net and https://cognitiveservices.azure.com because those data
    # planes check the audience.
    $token = ConvertTo-SecureString (Get-TestAccessToken).Arm -AsPlainText -Force
    $vaultToken = ConvertTo-SecureString (Get-TestAccessToken).KeyVault -AsPlainText -Force
    $dataPlaneToken = ConvertTo-SecureString (Get-TestAccessToken).DataPlane -AsPlainText -Force
    Connect-AoaiHardening -ArmEndpoint $script:Emulator.Url -AccessToken $token -KeyVaultAccessToken $vaultToken -DataPlaneAccessToken $dataPlaneToken `
        -SubscriptionId $SubscriptionId -MaxRetryCount $MaxRetryCount -OperationTimeoutSec $OperationTimeoutSec
}

Export-ModuleMember -Function *-*
