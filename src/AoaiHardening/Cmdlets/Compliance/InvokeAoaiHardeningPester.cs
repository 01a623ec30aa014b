using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.IO;
using System.Linq;
using System.Management.Automation;
using AoaiHardening.Model;

namespace AoaiHardening.Cmdlets.Compliance
{
    /// <summary>
    /// Proves hardening with Pester: evaluates the accounts exactly as Test-AoaiHardening does (same selectors, baseline,
    /// rules and waivers, through the shared HardeningCmdlet), then runs the suite shipped in the module's Pester folder
    /// on the findings, one It per (account, rule). Pester's output, test-result files and exit code are Pester's own.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Invoke, "AoaiHardeningPester", DefaultParameterSetName = SubscriptionSet, SupportsShouldProcess = true)]
    // Pester's result (Pester.Run) is not our type and Pester may not be loaded when the module is.
    [OutputType(typeof(PSObject))]
    public sealed class InvokeAoaiHardeningPester : HardeningCmdlet
    {
        // Container data (New-PesterContainer -Data), which carries the findings to the suite, arrived in Pester 5.1,
        // and New-PesterConfiguration (with -Hashtable) in 5.2.
        private const string MinimumPester = "5.2";
        private const string SuiteFile = "AoaiHardening.Tests.ps1";

        [Parameter]
        [ValidateSet("None", "Normal", "Detailed", "Diagnostic", IgnoreCase = true)]
        public string Output { get; set; } = "Normal";

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? OutputFile { get; set; }

        [Parameter]
        [ValidateSet("NUnitXml", "NUnit2.5", "JUnitXml", IgnoreCase = true)]
        public string? OutputFormat { get; set; }

        [Parameter]
        public SwitchParameter CI { get; set; }

        /// <summary>A PesterConfiguration or a hashtable in its shape, merged over ours last.</summary>
        [Parameter]
        [ValidateNotNull]
        public object? Configuration { get; set; }

        private readonly List<AoaiFinding> _findings = new List<AoaiFinding>();
        private string _suite = null!;
        private string? _resultFile;

        protected override void BeginProcessing()
        {
            // Everything that can be wrong with the Pester side is refused before a single account is read.
            _suite = FindSuite();
            CheckResultOptions();
            RequirePester();
            CheckConfiguration();
            base.BeginProcessing();
        }

        internal override void OnFinding(AoaiFinding finding) => _findings.Add(finding);

        /// <summary>The suite's Describe blocks follow the selection, so two runs over the same accounts look the same.</summary>
        protected override bool ReportsInSelectionOrder => true;

        protected override void Complete()
        {
            if (_findings.Count == 0)
                WriteWarning($"{MyInvocation.MyCommand.Name}: no finding to test (no account selected, or no rule applies to the accounts): the suite has no test.");
            var accounts = _findings.Select(f => f.ResourceId).Distinct(StringComparer.OrdinalIgnoreCase).Count();
            var tests = _findings.Select(f => f.ResourceId + "|" + f.RuleId).Distinct(StringComparer.OrdinalIgnoreCase).Count();
            var action = $"Run the AoaiHardening Pester suite ({tests} test(s)" + (_resultFile != null ? $", results to {_resultFile})" : ")");
            if (!ShouldProcess($"{accounts} account(s), {BaselineName} baseline", action)) return;

            var data = new Hashtable
            {
                ["Findings"] = _findings.ToArray(),
                ["Rules"] = SelectedRules.Select(r => r.Info).ToArray(),
                ["Baseline"] = BaselineName,
            };
            var settings = new Hashtable
            {
                ["Output"] = Output,
                ["ResultFile"] = _resultFile,
                ["ResultFormat"] = OutputFormat,
                ["CI"] = CI.IsPresent,
            };
            // In the caller's runspace and pipeline: Pester writes to the host as usual, Ctrl+C stops it, and under -CI
            // Pester's own 'exit <failed count>' ends the process the way CI expects.
            Collection<PSObject> result;
            try
            {
                result = InvokeCommand.InvokeScript(true, ScriptBlock.Create(RunPesterScript), null, _suite, data, settings, Configuration);
            }
            catch (RuntimeException ex) when (!(ex is PipelineStoppedException))
            {
                // Pester itself throws only when asked to (Run.Throw through -Configuration) or when it cannot run at all.
                ThrowTerminatingError(new ErrorRecord(new InvalidOperationException($"{MyInvocation.MyCommand.Name}: {ex.Message}", ex),
                    "AoaiHardening.Pester.RunFailed", ErrorCategory.InvalidResult, _suite));
                return;
            }
            foreach (var run in result)
            {
                WriteVerbose($"Pester: {run.Properties["PassedCount"]?.Value} passed, {run.Properties["FailedCount"]?.Value} failed, " +
                             $"{run.Properties["SkippedCount"]?.Value} skipped, {run.Properties["InconclusiveCount"]?.Value} inconclusive.");
                if (PassThru) WriteObject(run);
            }
        }

        private const string RunPesterScript = @"
param($Suite, $Data, $Settings, $Override)
$config = New-PesterConfiguration
$config.Run.Container = New-PesterContainer -Path $Suite -Data $Data
$config.Output.Verbosity = $Settings.Output
if ($Settings.CI) {
    # What Invoke-Pester -CI does: results written, exit code set.
    $config.Run.Exit = $true
    $config.TestResult.Enabled = $true
}
if ($Settings.ResultFile) {
    $config.TestResult.Enabled = $true
    $config.TestResult.OutputPath = $Settings.ResultFile
}
if ($Settings.ResultFormat) { $config.TestResult.OutputFormat = $Settings.ResultFormat }
# The caller's configuration last, for anything else (filters, CI log format, ...); a hashtable was converted already.
if ($null -ne $Override) { $config = [PesterConfiguration]::Merge($config, $Override) }
# The result object is needed for -PassThru and the verbose summary, whatever the caller's configuration says.
$config.Run.PassThru = $true
Invoke-Pester -Configuration $config
";

        // Pester ignores keys it does not know, so a typo such as Filter.Tags would silently run every test: refuse it.
        private const string ConvertConfigurationScript = @"
param($Hashtable)
$default = New-PesterConfiguration
foreach ($section in $Hashtable.Keys) {
    $known = $default.PSObject.Properties[[string] $section]
    if (-not $known) { throw ""unknown section '$section' (sections: $($default.PSObject.Properties.Name -join ', '))."" }
    if ($Hashtable[$section] -isnot [System.Collections.IDictionary]) { throw ""section '$section' must be a hashtable."" }
    foreach ($option in $Hashtable[$section].Keys) {
        if (-not $known.Value.PSObject.Properties[[string] $option]) {
            throw ""unknown option '$section.$option' (options of $($section): $($known.Value.PSObject.Properties.Name -join ', ')).""
        }
    }
}
New-PesterConfiguration -Hashtable $Hashtable
";

        private string FindSuite()
        {
            var folder = MyInvocation.MyCommand.Module?.ModuleBase ?? System.IO.Path.GetDirectoryName(typeof(InvokeAoaiHardeningPester).Assembly.Location);
            var suite = System.IO.Path.Combine(folder ?? string.Empty, "Pester", SuiteFile);
            if (!File.Exists(suite))
                ThrowTerminatingError(new ErrorRecord(new FileNotFoundException($"{MyInvocation.MyCommand.Name}: the module's Pester suite '{suite}' is missing; reinstall the module.", suite),
                    "AoaiHardening.Pester.SuiteNotFound", ErrorCategory.ObjectNotFound, suite));
            return suite;
        }

        private void CheckResultOptions()
        {
            if (OutputFormat != null && OutputFile == null && !CI)
                ThrowTerminatingError(new ErrorRecord(new ArgumentException($"{MyInvocation.MyCommand.Name}: -OutputFormat needs -OutputFile or -CI."),
                    "AoaiHardening.Pester.InvalidOutput", ErrorCategory.InvalidArgument, OutputFormat));
            if (OutputFile == null) return;
            // Resolved here, against the PowerShell location, because Pester resolves relative paths its own way.
            _resultFile = SessionState.Path.GetUnresolvedProviderPathFromPSPath(OutputFile);
            var folder = System.IO.Path.GetDirectoryName(_resultFile);
            if (string.IsNullOrEmpty(folder) || !Directory.Exists(folder))
                ThrowTerminatingError(new ErrorRecord(new DirectoryNotFoundException($"{MyInvocation.MyCommand.Name}: the folder of the test-result file '{OutputFile}' does not exist."),
                    "AoaiHardening.Pester.InvalidOutput", ErrorCategory.ObjectNotFound, OutputFile));
        }

        /// <summary>Uses the Pester 5 already loaded (a test runner may have imported it from anywhere), else imports one.</summary>
        private void RequirePester()
        {
            string? problem = null;
            try
            {
                var found = InvokeCommand.InvokeScript(
                    // Select-Object, not [0]: under the caller's Set-StrictMode an index past an empty array throws.
                    "$loaded = Get-Module Pester | Where-Object Version -ge $args[0] | Sort-Object Version -Descending | Select-Object -First 1; " +
                    "if ($loaded) { $loaded } else { Import-Module Pester -MinimumVersion $args[0] -PassThru -ErrorAction Ignore -WarningAction Ignore | Select-Object -First 1 }",
                    MinimumPester).FirstOrDefault(m => m != null);
                if (found != null)
                {
                    WriteVerbose($"Pester {found.Properties["Version"]?.Value} from {found.Properties["ModuleBase"]?.Value}.");
                    return;
                }
            }
            catch (RuntimeException ex) when (!(ex is PipelineStoppedException))
            {
                problem = $" (importing it failed: {ex.Message})";
            }
            ThrowTerminatingError(new ErrorRecord(new InvalidOperationException(
                    $"{MyInvocation.MyCommand.Name} needs Pester {MinimumPester} or later, which is not installed{problem}. Install it with: " +
                    "Install-Module Pester -MinimumVersion 5.5 -Scope CurrentUser (in Windows PowerShell 5.1, whose built-in Pester 3.4 is too old, add -SkipPublisherCheck -Force)."),
                "AoaiHardening.Pester.NotInstalled", ErrorCategory.ObjectNotFound, "Pester"));
        }

        /// <summary>-Configuration must be something Pester can merge: a hashtable becomes a PesterConfiguration now, so a typo is caught before the scan.</summary>
        private void CheckConfiguration()
        {
            if (Configuration == null) return;
            var value = Configuration is PSObject pso ? pso.BaseObject : Configuration;
            if (value.GetType().FullName == "PesterConfiguration") return;
            if (!(value is IDictionary dictionary))
            {
                ThrowTerminatingError(new ErrorRecord(new ArgumentException($"{MyInvocation.MyCommand.Name}: -Configuration takes a PesterConfiguration (New-PesterConfiguration) or a hashtable, not {value.GetType().FullName}."),
                    "AoaiHardening.Pester.InvalidConfiguration", ErrorCategory.InvalidArgument, Configuration));
                return;
            }
            try
            {
                Configuration = InvokeCommand.InvokeScript(ConvertConfigurationScript, dictionary).Single();
            }
            catch (RuntimeException ex)
            {
                ThrowTerminatingError(new ErrorRecord(new ArgumentException($"{MyInvocation.MyCommand.Name}: -Configuration is not a valid Pester configuration: {ex.Message}", ex),
                    "AoaiHardening.Pester.InvalidConfiguration", ErrorCategory.InvalidArgument, dictionary));
            }
        }
    }
}
