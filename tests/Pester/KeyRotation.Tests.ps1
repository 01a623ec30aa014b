# Invoke-AoaiKeyRotation against the emulator: ARM (listKeys/regenerateKey) on loopback and the Key Vault data plane at
# kv-contoso-prod.vault.azure.net through the emulator's CONNECT proxy. Keys are compared inside the tests, never printed:
# a failing assertion shows True/False, not a key.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModuleManifest) -Force
    $script:Emu = Start-TestEmulator
    $script:ProdId = Get-ScenarioAccountId -ResourceGroupName rg-ai-prod -Name contoso-openai-prod
    $script:Vault = 'kv-contoso-prod'
    $script:Secret = 'contoso-openai-prod-key'
    $script:VaultHost = 'kv-contoso-prod.vault.azure.net'
    $script:Cmdlet = 'AoaiHardening.Cmdlets.Identity.InvokeAoaiKeyRotation'

    # The usual arguments, with overrides. Tests that need -ErrorVariable/-WarningVariable splat these themselves, since
    # those variables are set in the caller's scope.
    function Get-RotationArgs([hashtable] $With = @{}) {
        $params = @{ ResourceId = $script:ProdId; KeyVaultName = $script:Vault; SecretName = $script:Secret; Confirm = $false }
        foreach ($k in $With.Keys) { $params[$k] = $With[$k] }
        $params
    }
    function Invoke-Rotation([hashtable] $With = @{}) {
        $params = Get-RotationArgs $With
        Invoke-AoaiKeyRotation @params
    }
    function Get-Keys([string] $Id = $script:ProdId) { Get-EmulatorAccountKey -ResourceId $Id }
    function Get-StoredSecret { Get-EmulatorSecret -VaultName $script:Vault -SecretName $script:Secret }
    function Get-LatestVersion { @((Get-StoredSecret).versions)[-1] }
    function Get-Regenerations { , @(Get-EmulatorRequest -Method POST -PathLike '*/regenerateKey') }
    function Get-SecretPuts { , @(Get-EmulatorRequest -Method PUT -PathLike '/secrets/*') }
}
AfterAll { Stop-TestEmulator }

Describe 'Invoke-AoaiKeyRotation' {
    BeforeEach {
        Reset-TestEmulator
        Connect-TestEmulator | Out-Null
        Clear-EmulatorRequest
    }

    It 'rotates the key not in use (Key2 when there is no secret yet) and stores it as a tagged secret version' {
        $before = Get-Keys
        $result = Invoke-Rotation @{ PassThru = $true }
        $after = Get-Keys

        ($after.key1 -ceq $before.key1) | Should -BeTrue -Because 'Key1 is taken as in use and stays valid'
        ($after.key2 -cne $before.key2) | Should -BeTrue -Because 'Key2 was regenerated'
        $secret = Get-StoredSecret
        @($secret.versions).Count | Should -Be 1
        $version = $secret.versions[0]
        ($version.value -ceq $after.key2) | Should -BeTrue -Because 'the secret holds the regenerated Key2'
        $version.contentType | Should -Be 'text/plain; aoai-key=Key2'
        $version.tags.aoaiKey | Should -Be 'Key2'
        $version.tags.aoaiAccount | Should -Be 'contoso-openai-prod'
        $version.tags.aoaiAccountId | Should -Be $script:ProdId
        $version.tags.rotatedBy | Should -Be 'AoaiHardening'
        # The raw JSON: ConvertFrom-Json would turn the ISO-8601 text into a DateTime.
        $raw = (Invoke-WebRequest "$($script:Emu.Url)/_emulator/keyvault/$script:Vault/secrets/$script:Secret").Content
        $raw | Should -Match '"rotatedAt":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"'
        ([datetime]$version.tags.rotatedAt).ToUniversalTime().Subtract([datetime]::UtcNow).Duration().TotalMinutes | Should -BeLessThan 5

        $result.GetType().FullName | Should -Be 'AoaiHardening.Model.AoaiKeyRotationResult'
        $result.AccountName | Should -Be 'contoso-openai-prod'
        $result.ResourceId | Should -Be $script:ProdId
        $result.KeyName | Should -Be 'Key2'
        $result.KeyInUseBefore | Should -Be 'Key1'
        $result.KeyVaultName | Should -Be $script:Vault
        $result.SecretName | Should -Be $script:Secret
        $result.SecretVersion | Should -Be $version.version
        $result.SecretId | Should -Be "https://$script:VaultHost/secrets/$script:Secret/$($version.version)"
        ($result | Format-List * | Out-String) | Should -Not -Match ([regex]::Escape($after.key2)) -Because 'the result carries no key'

        $regenerations = Get-Regenerations
        $regenerations.Count | Should -Be 1
        $regenerations[0].body.keyName | Should -Be 'Key2'
        $regenerations[0].host | Should -Be '127.0.0.1' -Because 'ARM bypasses the proxy (NO_PROXY)'
        $puts = Get-SecretPuts
        $puts.Count | Should -Be 1
        $puts[0].host | Should -Be $script:VaultHost -Because 'the vault is reached at its real host name'
        $puts[0].body.value | Should -Be '<redacted>' -Because 'no key sits in the emulator log either'
        $puts[0].userAgent | Should -Match '^AoaiHardening/'
    }

    It 'alternates the keys on repeated runs and never regenerates the key the secret holds' {
        $sequence = foreach ($run in 1..4) {
            $before = Get-Keys
            $held = if ($run -eq 1) { 'Key1' } else { (Get-LatestVersion).tags.aoaiKey }
            $result = Get-AoaiAccount -ResourceGroupName rg-ai-prod -Name contoso-openai-prod |
                Invoke-AoaiKeyRotation -KeyVaultName $script:Vault -SecretName $script:Secret -PassThru -Confirm:$false
            $after = Get-Keys
            $result.KeyInUseBefore | Should -Be $held
            $result.KeyName | Should -Not -Be $held
            ($after.($held.ToLower()) -ceq $before.($held.ToLower())) | Should -BeTrue -Because "run $run must leave $held (in use) alone"
            ($after.($result.KeyName.ToLower()) -cne $before.($result.KeyName.ToLower())) | Should -BeTrue
            ((Get-LatestVersion).value -ceq $after.($result.KeyName.ToLower())) | Should -BeTrue -Because 'the secret holds the new key'
            $result.KeyName
        }
        $sequence | Should -Be @('Key2', 'Key1', 'Key2', 'Key1')
        @((Get-StoredSecret).versions).Count | Should -Be 4
        (Get-Regenerations).body.keyName | Should -Be @('Key2', 'Key1', 'Key2', 'Key1')
    }

    It 'finds the key in use from the value of a secret it did not write (no tags)' {
        # Someone stored Key2 by hand: the rotation must leave Key2 alone and rotate Key1.
        $keys = Get-Keys
        $uri = "https://$script:VaultHost/secrets/$($script:Secret)?api-version=7.6"
        $headers = @{ Authorization = "Bearer $((Get-TestAccessToken).KeyVault)" }
        $null = Invoke-RestMethod -Uri $uri -Method PUT -Proxy $script:Emu.ProxyUrl -Headers $headers -ContentType 'application/json' -Body (@{ value = $keys.key2 } | ConvertTo-Json)
        Clear-EmulatorRequest

        $result = Invoke-Rotation @{ PassThru = $true }
        $result.KeyName | Should -Be 'Key1'
        $result.KeyInUseBefore | Should -Be 'Key2'
        $after = Get-Keys
        ($after.key2 -ceq $keys.key2) | Should -BeTrue
        ((Get-LatestVersion).value -ceq $after.key1) | Should -BeTrue
        @(Get-EmulatorRequest -Method POST -PathLike '*/listKeys').Count | Should -Be 1 -Because 'an untagged secret is compared with the keys'
    }

    It 'rotates both keys with -Key Both, the key not in use first, and warns' {
        $before = Get-Keys
        $a = Get-RotationArgs @{ Key = 'Both'; PassThru = $true }
        $results = @(Invoke-AoaiKeyRotation @a -WarningVariable warnings -WarningAction SilentlyContinue)
        $after = Get-Keys
        $results.KeyName | Should -Be @('Key2', 'Key1')
        $results.KeyInUseBefore | Should -Be @('Key1', 'Key2')
        ($after.key1 -cne $before.key1) | Should -BeTrue
        ($after.key2 -cne $before.key2) | Should -BeTrue
        $versions = @((Get-StoredSecret).versions)
        $versions.Count | Should -Be 2
        ($versions[0].value -ceq $after.key2) | Should -BeTrue
        ($versions[1].value -ceq $after.key1) | Should -BeTrue -Because 'the secret ends on the key rotated last'
        $versions.tags.aoaiKey | Should -Be @('Key2', 'Key1')
        @($warnings).Count | Should -Be 1
        "$($warnings[0])" | Should -Match 'older key value fail until they re-read'
    }

    It 'writes nothing under -WhatIf, with or without -Force' {
        Invoke-Rotation | Out-Null # Key2 is now in use
        $keys = Get-Keys
        Clear-EmulatorRequest

        Invoke-Rotation @{ WhatIf = $true }
        Invoke-Rotation @{ Key = 'Key2'; Force = $true; WhatIf = $true }
        Invoke-Rotation @{ Key = 'Both'; WhatIf = $true }

        (Get-Regenerations).Count | Should -Be 0
        (Get-SecretPuts).Count | Should -Be 0
        @(Get-EmulatorRequest -Method PUT, PATCH, DELETE).Count | Should -Be 0
        @((Get-StoredSecret).versions).Count | Should -Be 1
        $now = Get-Keys
        ($now.key1 -ceq $keys.key1 -and $now.key2 -ceq $keys.key2) | Should -BeTrue
    }

    It 'writes nothing under -WhatIf when there is no secret yet' {
        Invoke-Rotation @{ WhatIf = $true; Force = $true }
        (Get-Regenerations).Count | Should -Be 0
        (Get-SecretPuts).Count | Should -Be 0
        Get-StoredSecret | Should -BeNullOrEmpty
    }

    It 'refuses bad input before any request' {
        { Invoke-Rotation @{ KeyVaultName = 'kv_contoso!' } } | Should -Throw -ErrorId "AoaiHardening.KeyRotation.InvalidKeyVaultName,$script:Cmdlet"
        { Invoke-Rotation @{ KeyVaultName = 'kv' } } | Should -Throw -ErrorId 'AoaiHardening.KeyRotation.InvalidKeyVaultName,*'
        { Invoke-Rotation @{ KeyVaultName = 'a' * 25 } } | Should -Throw -ErrorId 'AoaiHardening.KeyRotation.InvalidKeyVaultName,*'
        { Invoke-Rotation @{ SecretName = 'bad_name' } } | Should -Throw -ErrorId "AoaiHardening.KeyRotation.InvalidSecretName,$script:Cmdlet"
        { Invoke-Rotation @{ SecretName = 'x' * 128 } } | Should -Throw -ErrorId 'AoaiHardening.KeyRotation.InvalidSecretName,*'
        { Invoke-Rotation @{ ResourceId = '/subscriptions/nope/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/a' } } |
            Should -Throw -ErrorId 'AoaiHardening.Account.InvalidResourceId,*'
        { Invoke-Rotation @{ Key = 'Key3' } } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
        try { Invoke-Rotation @{ KeyVaultName = 'kv_contoso!' } } catch { $_.CategoryInfo.Category | Should -Be 'InvalidArgument' }
        @(Get-EmulatorRequest).Count | Should -Be 0 -Because 'nothing is sent, to ARM or to Key Vault'
    }

    It 'refuses an account whose key authentication is off, and writes nothing' {
        Disable-AoaiLocalAuth -ResourceId $script:ProdId -WarningAction SilentlyContinue
        Clear-EmulatorRequest
        $a = Get-RotationArgs @{ PassThru = $true }
        $result = Invoke-AoaiKeyRotation @a -ErrorVariable err -ErrorAction SilentlyContinue
        $result | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be "AoaiHardening.KeyRotation.LocalAuthDisabled,$script:Cmdlet"
        $err[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        $err[0].Exception.Message | Should -Match 'contoso-openai-prod'
        $err[0].Exception.Message | Should -Match 'nothing to rotate'
        $err[0].Exception.Message | Should -Match 'Entra ID'
        @(Get-EmulatorRequest -Method POST, PUT, PATCH, DELETE).Count | Should -Be 0
        Get-StoredSecret | Should -BeNullOrEmpty
    }

    It 'retries a 503 on the secret PUT and succeeds' {
        Add-EmulatorFault -PathLike "/secrets/$script:Secret" -HostLike $script:VaultHost -Method PUT -Status 503 -RetryAfter 0
        $result = Invoke-Rotation @{ PassThru = $true }
        $result.KeyName | Should -Be 'Key2'
        (Get-SecretPuts).status | Should -Be @(503, 200)
        ((Get-LatestVersion).value -ceq (Get-Keys).key2) | Should -BeTrue
        (Get-Regenerations).Count | Should -Be 1 -Because 'the retry repeats the store, not the regeneration'
    }

    It 'reports a refused store (403) as StoreFailed naming the regenerated key, and a re-run completes' {
        Add-EmulatorFault -PathLike "/secrets/$script:Secret" -Method PUT -Status 403 -Code Forbidden -Message 'Caller is not authorized to perform action on resource.'
        $before = Get-Keys
        $a = Get-RotationArgs @{ PassThru = $true }
        $result = Invoke-AoaiKeyRotation @a -ErrorVariable err -ErrorAction SilentlyContinue
        $result | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be "AoaiHardening.KeyRotation.StoreFailed,$script:Cmdlet"
        $err[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        $err[0].Exception.Status | Should -Be 403
        $err[0].Exception.ErrorCode | Should -Be 'Forbidden'
        $message = $err[0].Exception.Message
        $message | Should -Match 'Key2 of account .contoso-openai-prod. .* was regenerated'
        $message | Should -Match "secret '$script:Secret' of Key Vault '$script:Vault'"
        $message | Should -Match 'Key1 is unchanged'
        $message | Should -Match 'again'
        $message | Should -Not -Match 'Caller is not authorized' -Because 'the message is ours, built from status and code'
        $after = Get-Keys
        ($after.key1 -ceq $before.key1) | Should -BeTrue
        ($after.key2 -cne $before.key2) | Should -BeTrue
        Get-StoredSecret | Should -BeNullOrEmpty

        $rerun = Invoke-Rotation @{ PassThru = $true }
        $rerun.KeyName | Should -Be 'Key2'
        ((Get-LatestVersion).value -ceq (Get-Keys).key2) | Should -BeTrue
    }

    It 'says when a failed store leaves the secret holding a key that no longer works (-Force on the key in use)' {
        Invoke-Rotation | Out-Null # Key2 in use
        Add-EmulatorFault -PathLike "/secrets/$script:Secret" -Method PUT -Status 403 -Code Forbidden
        $a = Get-RotationArgs @{ Key = 'Key2'; Force = $true }
        Invoke-AoaiKeyRotation @a -ErrorVariable err -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.KeyRotation.StoreFailed,*'
        $err[0].Exception.Message | Should -Match 'no longer works'
        # The plain re-run rotates Key1 (the secret still names Key2) and so stores a working key.
        $rerun = Invoke-Rotation @{ PassThru = $true }
        $rerun.KeyName | Should -Be 'Key1'
        ((Get-LatestVersion).value -ceq (Get-Keys).key1) | Should -BeTrue
    }

    It 'refuses to regenerate the key in use unless -Force' {
        Invoke-Rotation | Out-Null # Key2 in use
        Clear-EmulatorRequest
        $keys = Get-Keys
        $a = Get-RotationArgs @{ Key = 'Key2' }
        Invoke-AoaiKeyRotation @a -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be "AoaiHardening.KeyRotation.KeyInUse,$script:Cmdlet"
        $err[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        $err[0].Exception.Message | Should -Match '-Force'
        (Get-Regenerations).Count | Should -Be 0
        (Get-SecretPuts).Count | Should -Be 0

        $a = Get-RotationArgs @{ Key = 'Key2'; Force = $true; PassThru = $true }
        $result = Invoke-AoaiKeyRotation @a -WarningVariable warnings -WarningAction SilentlyContinue
        $result.KeyName | Should -Be 'Key2'
        $result.KeyInUseBefore | Should -Be 'Key2'
        "$($warnings[0])" | Should -Match 'fail until they re-read'
        $after = Get-Keys
        ($after.key2 -cne $keys.key2) | Should -BeTrue
        ($after.key1 -ceq $keys.key1) | Should -BeTrue
        ((Get-LatestVersion).value -ceq $after.key2) | Should -BeTrue

        (Invoke-Rotation @{ Key = 'Key1'; PassThru = $true }).KeyName | Should -Be 'Key1' -Because 'naming the key not in use needs no -Force'
    }

    It 'reports an unknown vault clearly, before regenerating anything' {
        Connect-TestEmulator -MaxRetryCount 0 | Out-Null
        $a = Get-RotationArgs @{ KeyVaultName = 'kv-missing' }
        Invoke-AoaiKeyRotation @a -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be "AoaiHardening.KeyRotation.VaultUnreachable,$script:Cmdlet"
        $err[0].CategoryInfo.Category | Should -Be 'ConnectionError'
        $err[0].Exception.Message | Should -Match 'kv-missing'
        $err[0].Exception.Message | Should -Match 'https://kv-missing\.vault\.azure\.net/'
        $err[0].Exception.Message | Should -Match 'could not be reached'
        (Get-Regenerations).Count | Should -Be 0
    }

    It 'refuses a secret that holds another account''s key' {
        Invoke-Rotation | Out-Null
        Clear-EmulatorRequest
        $other = Get-ScenarioAccountId -ResourceGroupName rg-ai-prod -Name contoso-aiservices
        $a = Get-RotationArgs @{ ResourceId = $other }
        Invoke-AoaiKeyRotation @a -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.KeyRotation.SecretOfOtherAccount,*'
        $err[0].Exception.Message | Should -Match 'contoso-openai-prod'
        (Get-Regenerations).Count | Should -Be 0
        (Get-SecretPuts).Count | Should -Be 0
    }

    It 'needs a Key Vault token when connected with -AccessToken, and never sends the ARM token to the vault' {
        $arm = ConvertTo-SecureString (Get-TestAccessToken).Arm -AsPlainText -Force
        $ctx = Connect-AoaiHardening -ArmEndpoint $script:Emu.Url -AccessToken $arm -SubscriptionId (Get-ScenarioSubscriptionId)
        $ctx.HasKeyVaultAccessToken | Should -BeFalse
        { Invoke-Rotation } | Should -Throw -ErrorId "AoaiHardening.KeyRotation.NoKeyVaultCredential,$script:Cmdlet"
        try { Invoke-Rotation } catch { $_.Exception.Message | Should -Match '-KeyVaultAccessToken' }
        @(Get-EmulatorRequest).Count | Should -Be 0
    }

    It 'reports a Key Vault token for the wrong audience without regenerating anything' {
        $arm = ConvertTo-SecureString (Get-TestAccessToken).Arm -AsPlainText -Force
        $wrong = ConvertTo-SecureString (New-TestJwt -Audience 'https://management.azure.com/') -AsPlainText -Force
        Connect-AoaiHardening -ArmEndpoint $script:Emu.Url -AccessToken $arm -KeyVaultAccessToken $wrong -SubscriptionId (Get-ScenarioSubscriptionId) -MaxRetryCount 0 | Out-Null
        $a = Get-RotationArgs
        Invoke-AoaiKeyRotation @a -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'AoaiHardening.KeyRotation.ReadSecretFailed,*'
        $err[0].CategoryInfo.Category | Should -Be 'AuthenticationError'
        $err[0].Exception.Status | Should -Be 401
        (Get-Regenerations).Count | Should -Be 0
    }

    It 'shows in the context that a Key Vault token is present, and where vaults live' {
        $ctx = Get-AoaiContext
        $ctx.HasKeyVaultAccessToken | Should -BeTrue
        $ctx.KeyVaultDnsSuffix | Should -Be 'vault.azure.net'
        ($ctx | Format-List * | Out-String) | Should -Not -Match ([regex]::Escape((Get-TestAccessToken).KeyVault))
    }

    It 'stops promptly on Ctrl+C while Key Vault is slow to answer' {
        Add-EmulatorFault -PathLike "/secrets/$script:Secret" -HostLike $script:VaultHost -Method GET -Kind latency -LatencyMs 60000
        $run = Start-TestCommand Invoke-AoaiKeyRotation @{ ResourceId = $script:ProdId; KeyVaultName = $script:Vault; SecretName = $script:Secret; Confirm = $false }
        try {
            $deadline = [DateTime]::UtcNow.AddSeconds(30)
            while (@((Invoke-EmulatorControl -Path 'faults').value).Count -gt 0 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
            @((Invoke-EmulatorControl -Path 'faults').value).Count | Should -Be 0 -Because 'the cmdlet is waiting for the slow secret read'

            Stop-TestCommand $run | Should -BeTrue -Because 'the token reaches the SecretClient call'
            $run.PowerShell.InvocationStateInfo.State | Should -Be 'Stopped'
            $run.Invocation.IsCompleted | Should -BeTrue
            (Get-Regenerations).Count | Should -Be 0
            # The abandoned request is logged when the emulator notices the abort; wait for it so no later test sees it.
            $deadline = [DateTime]::UtcNow.AddSeconds(10)
            while (-not @(Get-EmulatorRequest -Method GET -PathLike '/secrets/*' | Where-Object fault -eq 'latency') -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
            $abandoned = @(Get-EmulatorRequest -Method GET -PathLike '/secrets/*' | Where-Object fault -eq 'latency')
            $abandoned.Count | Should -Be 1
            $abandoned[0].status | Should -BeNullOrEmpty -Because 'no answer reached the stopped client'
        }
        finally {
            $run.PowerShell.Dispose()
        }
    }

    It 'is high impact: PowerShell asks for confirmation by default' {
        $attr = (Get-Command Invoke-AoaiKeyRotation).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0]
        $attr.ConfirmImpact | Should -Be 'High'
        $attr.SupportsShouldProcess | Should -BeTrue
    }
}

Describe 'Invoke-AoaiKeyRotation secrets hygiene' {
    It 'keeps every key and both tokens out of all streams, the transcript and $Error' {
        Reset-TestEmulator
        Connect-TestEmulator | Out-Null
        $seen = [System.Collections.Generic.List[string]]::new()
        $remember = { $k = Get-Keys; $seen.Add($k.key1); $seen.Add($k.key2) }
        & $remember
        $transcript = Join-Path $TestDrive 'rotation-transcript.txt'
        $streams = Join-Path $TestDrive 'rotation-streams.txt'
        $Error.Clear()
        Start-Transcript -Path $transcript | Out-Null
        try {
            # -Debug on a compiled cmdlet turns warnings into prompts; -WarningAction Continue keeps them in the stream.
            $common = @{ Verbose = $true; Debug = $true; WarningAction = 'Continue'; InformationAction = 'Continue'; ErrorAction = 'Continue' }
            & {
                Invoke-Rotation (@{ PassThru = $true } + $common)
                & $remember
                Invoke-Rotation (@{ PassThru = $true; Key = 'Both' } + $common)
                & $remember
                Invoke-Rotation (@{ Key = 'Key1'; Force = $true; WhatIf = $true } + $common)
                Invoke-Rotation (@{ Key = 'Key1' } + $common) # the key in use: refused
                Add-EmulatorFault -PathLike "/secrets/$script:Secret" -Method PUT -Status 403 -Code Forbidden
                Invoke-Rotation (@{ PassThru = $true } + $common) # StoreFailed
                & $remember
                Get-AoaiContext | Format-List *
                Get-StoredSecret | Out-Null
            } *>&1 | Out-File -FilePath $streams -Width 500
        }
        finally {
            Stop-Transcript | Out-Null
        }
        & $remember

        $captured = Get-Content $streams -Raw
        $captured | Should -Match 'Key Vault PUT https://kv-contoso-prod\.vault\.azure\.net/secrets/' -Because 'the debug stream carries the Key Vault trace'
        $captured | Should -Match 'ARM POST .*/regenerateKey' -Because 'and the ARM trace'
        $captured | Should -Match 'StoreFailed|was regenerated' -Because 'the failure was captured'
        $texts = @{
            streams    = $captured
            transcript = Get-Content $transcript -Raw
            errors     = ($Error | ForEach-Object { $_ | Format-List * -Force | Out-String; $_.Exception | Format-List * -Force | Out-String }) -join "`n"
            requestLog = (Invoke-EmulatorControl -Path 'requests') | ConvertTo-Json -Depth 20
        }
        $secrets = @($seen | Select-Object -Unique) + @((Get-TestAccessToken).Arm, (Get-TestAccessToken).KeyVault)
        @($seen | Select-Object -Unique).Count | Should -BeGreaterOrEqual 5 -Because 'several keys were issued during the run'
        foreach ($name in $texts.Keys) {
            foreach ($secret in $secrets) {
                $texts[$name].Contains($secret) | Should -BeFalse -Because "no key or token may appear in the $name"
            }
        }
    }
}
