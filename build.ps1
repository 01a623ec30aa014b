<#
.SYNOPSIS
    Builds, tests, demonstrates and packages the AoaiHardening module.
.DESCRIPTION
    Run it with the PowerShell pinned in .config/dotnet-tools.json:
        dotnet tool restore
        dotnet pwsh ./build.ps1 -Task Build|Test|Demo|Package|Docs|Bench
    Build   -> output/AoaiHardening/ (manifest, dll and dependencies, format file, en-US help generated from docs/cmdlets).
    Test    -> Build, then xunit (ARM layer and emulator), then Pester in a child pwsh that imports the built module,
               all against the local ARM emulator over HTTPS. Prints one closing line "N passed, N failed".
    Demo    -> Build, start the emulator with a small insecure sample tenant and run docs/demo.ps1 against it.
    Package -> output/AoaiHardening.zip for Azure Automation (module folder at the zip root, no version folder).
    Docs    -> Build, then regenerate docs/rules.md from the rule catalog (a test fails when it is stale).
    Bench   -> Build, then the benchmark (tests/Bench, docs/performance.md): each figure measured in a fresh pwsh; prints a
               table and writes output/bench/*.json. Fails only when a run errors or finds the wrong count, never on speed.
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Demo', 'Package', 'Docs', 'Bench')]
    [string] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Pester only: run the test files whose name contains this text (e.g. 'LocalAuth').
    [string] $PesterFilter = ''
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'

$Root = $PSScriptRoot
$Out = Join-Path $Root 'output'
$ModuleOut = Join-Path $Out 'AoaiHardening'
$TlsDir = Join-Path $Out 'tls'
$ResultsDir = Join-Path $Out 'test-results'
$EmulatorDll = Join-Path $Root "tests/AoaiHardening.Emulator/bin/$Configuration/net10.0/AoaiHardening.Emulator.dll"
$ModuleBin = Join-Path $Root "src/AoaiHardening/bin/$Configuration/netstandard2.0"
# The same PowerShell that runs this script, started fresh (no state leaks from the build into tests or help generation).
$PwshDll = Join-Path $PSHOME 'pwsh.dll'

function Invoke-Native {
    param([Parameter(Mandatory)][string] $FilePath, [string[]] $ArgumentList = @())
    & $FilePath @ArgumentList
    if ($LASTEXITCODE -ne 0) { throw "'$FilePath $($ArgumentList -join ' ')' failed with exit code $LASTEXITCODE." }
}

function Invoke-ChildPwsh {
    param([Parameter(Mandatory)][string[]] $ArgumentList)
    Invoke-Native dotnet (@($PwshDll, '-NoLogo', '-NoProfile', '-NonInteractive') + $ArgumentList)
}

function Get-ModuleVersion {
    (Import-PowerShellDataFile (Join-Path $Root 'AoaiHardening.psd1')).ModuleVersion
}

function Invoke-Build {
    $version = Get-ModuleVersion
    Write-Host "Building AoaiHardening $version ($Configuration)" -ForegroundColor Cyan
    Invoke-Native dotnet @('build', (Join-Path $Root 'AoaiHardening.sln'), '-c', $Configuration, "-p:Version=$version", '-nologo', '-v:minimal')

    if (Test-Path $ModuleOut) { Remove-Item $ModuleOut -Recurse -Force }
    New-Item -ItemType Directory -Path $ModuleOut, (Join-Path $ModuleOut 'en-US') -Force | Out-Null
    # Our dll and its dependencies; System.Management.Automation comes from the host and is never shipped.
    Get-ChildItem $ModuleBin -Filter '*.dll' |
        Where-Object Name -ne 'System.Management.Automation.dll' |
        Copy-Item -Destination $ModuleOut
    Copy-Item (Join-Path $ModuleBin 'AoaiHardening.pdb') $ModuleOut -ErrorAction SilentlyContinue
    Copy-Item (Join-Path $Root 'AoaiHardening.psd1') $ModuleOut
    # The root module and the PowerShell 7 loader that gives the assemblies above a private load context.
    Copy-Item (Join-Path $Root 'src/AoaiHardening/AoaiHardening.psm1') $ModuleOut
    Copy-Item (Join-Path $Root "src/AoaiHardening.Loader/bin/$Configuration/net8.0/AoaiHardening.Loader.dll") $ModuleOut
    Copy-Item (Join-Path $Root 'src/AoaiHardening/AoaiHardening.Format.ps1xml') $ModuleOut
    # The Pester suite that Invoke-AoaiHardeningPester runs ships inside the module.
    Copy-Item (Join-Path $Root 'src/AoaiHardening/Pester') (Join-Path $ModuleOut 'Pester') -Recurse

    Write-Host 'Generating help from docs/cmdlets' -ForegroundColor Cyan
    Invoke-ChildPwsh @('-File', (Join-Path $Root 'src/Help/Build-MamlHelp.ps1'),
        '-ModulePath', (Join-Path $ModuleOut 'AoaiHardening.psd1'),
        '-DocsPath', (Join-Path $Root 'docs/cmdlets'),
        '-OutputPath', (Join-Path $ModuleOut 'en-US/AoaiHardening.dll-Help.xml'))
    Write-Host "Module: $ModuleOut" -ForegroundColor Green
}

# TLS material for the emulator, created before any test process starts: .NET on Linux reads SSL_CERT_FILE once,
# at process start, so the trust bundle must exist and be named in the environment that children inherit.
function Initialize-EmulatorTrust {
    Invoke-Native dotnet @($EmulatorDll, '--init-tls', '--tls-dir', $TlsDir) | Out-Null
    $env:SSL_CERT_FILE = Join-Path $TlsDir 'trust-bundle.pem'
    $env:AOAI_EMULATOR_TLS_DIR = $TlsDir
    $env:AOAI_EMULATOR_DLL = $EmulatorDll
    $env:AOAI_MODULE_MANIFEST = Join-Path $ModuleOut 'AoaiHardening.psd1'
}

function Get-PesterModulePath {
    $toolsProject = Join-Path $Root 'tests/Tools/Tools.csproj'
    Invoke-Native dotnet @('restore', $toolsProject, '-nologo', '-v:quiet')
    $line = & dotnet msbuild $toolsProject -t:PrintPackageRoot -nologo -v:minimal | Select-String 'NUGET_PACKAGE_ROOT=' | Select-Object -First 1
    if (-not $line) { throw 'Could not find the NuGet global packages folder.' }
    $packageRoot = ($line.Line -split '=', 2)[1].Trim()
    # The dependency isolation test finds the other Azure.Core (restored by the same project) here.
    $env:AOAI_NUGET_PACKAGES = $packageRoot
    $pester = Join-Path $packageRoot 'pester/5.7.1/tools/Pester.psd1'
    if (-not (Test-Path $pester)) { throw "Pester 5.7.1 was not restored to $pester." }
    $pester
}

function Read-TrxCounts([string] $Path) {
    [xml] $trx = Get-Content $Path -Raw
    $c = $trx.TestRun.ResultSummary.Counters
    [pscustomobject]@{ Passed = [int]$c.passed; Failed = [int]$c.failed + [int]$c.error + [int]$c.timeout; Skipped = [int]$c.notExecuted }
}

function Invoke-Test {
    Invoke-Build
    # The package's layout is tested too (what Azure Automation imports), so it is built from this very output.
    $env:AOAI_PACKAGE_ZIP = New-ModulePackage
    Initialize-EmulatorTrust
    if (Test-Path $ResultsDir) { Remove-Item $ResultsDir -Recurse -Force }
    New-Item -ItemType Directory -Path $ResultsDir -Force | Out-Null

    Write-Host 'xunit: ARM layer and emulator' -ForegroundColor Cyan
    & dotnet test (Join-Path $Root 'tests/AoaiHardening.Tests/AoaiHardening.Tests.csproj') -c $Configuration --no-build `
        --logger 'trx;LogFileName=xunit.trx' --logger 'console;verbosity=normal' --results-directory $ResultsDir
    $xunitExit = $LASTEXITCODE
    $trxFile = Join-Path $ResultsDir 'xunit.trx'
    $xunit = if (Test-Path $trxFile) { Read-TrxCounts $trxFile } else { [pscustomobject]@{ Passed = 0; Failed = 1; Skipped = 0 } }
    if ($xunitExit -ne 0 -and $xunit.Failed -eq 0) { $xunit.Failed = 1 }
    Write-Host "xunit: $($xunit.Passed) passed, $($xunit.Failed) failed, $($xunit.Skipped) skipped"

    Write-Host 'Pester: the built module against the emulator' -ForegroundColor Cyan
    $pesterPath = Get-PesterModulePath
    $summaryFile = Join-Path $ResultsDir 'pester-summary.json'
    # Arguments in an array: a bare '*' would be expanded by PowerShell's native-command globbing on Unix.
    $pesterArgs = @($PwshDll, '-NoLogo', '-NoProfile', '-NonInteractive', '-File', (Join-Path $Root 'tests/Invoke-PesterSuite.ps1'),
        '-PesterPath', $pesterPath, '-TestPath', (Join-Path $Root 'tests/Pester'), '-ResultDirectory', $ResultsDir)
    if ($PesterFilter) { $pesterArgs += @('-Filter', $PesterFilter) }
    & dotnet @pesterArgs
    $pester = if (Test-Path $summaryFile) { Get-Content $summaryFile -Raw | ConvertFrom-Json } else { [pscustomobject]@{ Passed = 0; Failed = 1; Skipped = 0 } }
    Write-Host "Pester: $($pester.Passed) passed, $($pester.Failed) failed, $($pester.Skipped) skipped"

    $passed = $xunit.Passed + $pester.Passed
    $failed = $xunit.Failed + $pester.Failed
    $skipped = $xunit.Skipped + $pester.Skipped
    if ($passed -eq 0) { $failed = [Math]::Max($failed, 1); Write-Host 'No test ran: that is a failure.' -ForegroundColor Red }
    Write-Host ''
    Write-Host "$passed passed, $failed failed, $skipped skipped"
    if ($failed -gt 0) { exit 1 }
}

function Invoke-Demo {
    Invoke-Build
    Initialize-EmulatorTrust
    $scenario = Join-Path $Root 'tests/Scenarios/demo-tenant.json'
    $readyFile = Join-Path ([IO.Path]::GetTempPath()) "aoai-demo-$PID.json"
    Remove-Item $readyFile -ErrorAction SilentlyContinue
    $emulator = Start-Process dotnet -PassThru -NoNewWindow `
        -RedirectStandardOutput (Join-Path $Out 'emulator-demo.out.log') -RedirectStandardError (Join-Path $Out 'emulator-demo.err.log') `
        -ArgumentList @($EmulatorDll, '--tls-dir', $TlsDir, '--port', '0', '--scenario', $scenario, '--ready-file', $readyFile,
            '--parent-pid', $PID, '--lro-polls', '2', '--retry-after', '1')
    try {
        $deadline = [DateTime]::UtcNow.AddSeconds(60)
        while (-not (Test-Path $readyFile)) {
            if ($emulator.HasExited) { throw "The emulator exited with code $($emulator.ExitCode); see output/emulator-demo.err.log." }
            if ([DateTime]::UtcNow -gt $deadline) { throw 'The emulator did not start within 60 s.' }
            Start-Sleep -Milliseconds 100
        }
        $ready = Get-Content $readyFile -Raw | ConvertFrom-Json
        $subscriptionId = (Get-Content $scenario -Raw | ConvertFrom-Json).subscriptions[0].subscriptionId
        # Data-plane hosts ({account}.openai.azure.com) reach the emulator through its CONNECT proxy, as in the tests.
        $savedProxy = @{ HTTPS_PROXY = $env:HTTPS_PROXY; NO_PROXY = $env:NO_PROXY }
        $env:HTTPS_PROXY = $ready.proxyUrl
        $env:NO_PROXY = 'localhost,127.0.0.1,::1'
        try {
            Invoke-ChildPwsh @('-File', (Join-Path $Root 'docs/demo.ps1'), '-ArmEndpoint', $ready.url, '-SubscriptionId', $subscriptionId,
                '-ModulePath', (Join-Path $ModuleOut 'AoaiHardening.psd1'))
        }
        finally {
            $env:HTTPS_PROXY = $savedProxy.HTTPS_PROXY
            $env:NO_PROXY = $savedProxy.NO_PROXY
        }
    }
    finally {
        if (-not $emulator.HasExited) { $emulator.Kill() }
        Remove-Item $readyFile -ErrorAction SilentlyContinue
    }
}

function Invoke-Docs {
    Invoke-Build
    Invoke-ChildPwsh @('-File', (Join-Path $Root 'src/Help/Build-RuleDocs.ps1'),
        '-ModulePath', (Join-Path $ModuleOut 'AoaiHardening.psd1'), '-OutputPath', (Join-Path $Root 'docs/rules.md'))
}

function New-ModulePackage {
    $zip = Join-Path $Out 'AoaiHardening.zip'
    Remove-Item $zip -ErrorAction SilentlyContinue
    # Azure Automation imports a zip named after the module whose root holds the module folder.
    Compress-Archive -Path $ModuleOut -DestinationPath $zip
    Write-Host "Package: $zip ($([Math]::Round((Get-Item $zip).Length / 1MB, 1)) MB)" -ForegroundColor Green
    $zip
}

function Invoke-Package {
    Invoke-Build
    New-ModulePackage | Out-Null
}

function Invoke-Bench {
    Invoke-Build
    # The live sections run the emulator: its TLS trust and paths, as for the tests.
    Initialize-EmulatorTrust
    Invoke-ChildPwsh @('-File', (Join-Path $Root 'tests/Bench/Invoke-Bench.ps1'),
        '-ModulePath', (Join-Path $ModuleOut 'AoaiHardening.psd1'), '-OutputPath', (Join-Path $Out 'bench'))
}

Push-Location $Root
try {
    switch ($Task) {
        'Build' { Invoke-Build }
        'Test' { Invoke-Test }
        'Demo' { Invoke-Demo }
        'Package' { Invoke-Package }
        'Docs' { Invoke-Docs }
        'Bench' { Invoke-Bench }
    }
}
finally {
    Pop-Location
}
