using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text;
using AoaiHardening.Auth;
using AoaiHardening.Model;
using AoaiHardening.Reports;

namespace AoaiHardening.Cmdlets.Compliance
{
    /// <summary>
    /// Evaluates the rule catalog on live accounts or on exported JSON and streams one AoaiFinding per rule and account
    /// (per deployment for content-safety rules) as soon as it is known. Optionally writes a SARIF, JSON, Markdown or
    /// HTML report of the run.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "AoaiHardening", DefaultParameterSetName = SubscriptionSet)]
    [OutputType(typeof(AoaiFinding))]
    [OutputType(typeof(AoaiHardeningSummary))]
    public sealed class TestAoaiHardening : HardeningCmdlet
    {
        /// <summary>Emit one summary object (counts per status and severity) instead of the findings.</summary>
        [Parameter]
        public SwitchParameter Summary { get; set; }

        [Parameter]
        [ValidateSet("Sarif", "Json", "Markdown", "Html", IgnoreCase = true)]
        public string? OutputFormat { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? OutputPath { get; set; }

        private readonly AoaiHardeningSummary _summary = new AoaiHardeningSummary();
        private readonly List<AoaiFinding> _reported = new List<AoaiFinding>();
        private readonly DateTimeOffset _started = DateTimeOffset.UtcNow;
        private string? _reportFile;

        protected override void BeginProcessing()
        {
            // Report options are checked before anything is read, so a typo does not cost a whole scan.
            if ((OutputFormat == null) != (OutputPath == null))
                ThrowTerminatingError(new ErrorRecord(new ArgumentException($"{MyInvocation.MyCommand.Name}: -OutputFormat and -OutputPath go together."),
                    "AoaiHardening.Test.InvalidOutput", ErrorCategory.InvalidArgument, OutputPath));
            if (OutputPath != null)
            {
                _reportFile = SessionState.Path.GetUnresolvedProviderPathFromPSPath(OutputPath);
                var folder = System.IO.Path.GetDirectoryName(_reportFile);
                if (string.IsNullOrEmpty(folder) || !Directory.Exists(folder))
                    ThrowTerminatingError(new ErrorRecord(new DirectoryNotFoundException($"{MyInvocation.MyCommand.Name}: the folder of the report '{OutputPath}' does not exist."),
                        "AoaiHardening.Test.InvalidOutput", ErrorCategory.ObjectNotFound, OutputPath));
            }
            base.BeginProcessing();
        }

        internal override void OnFinding(AoaiFinding finding)
        {
            _summary.Add(finding);
            if (_reportFile != null) _reported.Add(finding);
            if (!Summary) WriteObject(finding);
        }

        protected override void Complete()
        {
            _summary.Baseline = BaselineName;
            _summary.Accounts = AccountsEvaluated;
            if (_reportFile != null) WriteReport(_reportFile);
            if (Summary) WriteObject(_summary);
        }

        private void WriteReport(string file)
        {
            var format = (ReportFormat)Enum.Parse(typeof(ReportFormat), OutputFormat!, ignoreCase: true);
            var context = new ReportContext
            {
                ToolVersion = AoaiSession.ModuleVersion,
                StartedAt = _started,
                GeneratedAt = DateTimeOffset.UtcNow,
                Baseline = BaselineName,
                BaseDirectory = SessionState.Path.CurrentFileSystemLocation.ProviderPath,
            };
            try
            {
                using var writer = new StreamWriter(file, append: false, encoding: new UTF8Encoding(false));
                ReportWriter.Write(format, _reported, SelectedRules.Select(r => r.Info).ToList(), context, writer);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                WriteError(new ErrorRecord(new IOException($"{MyInvocation.MyCommand.Name}: could not write the {format} report '{file}': {ex.Message}", ex),
                    "AoaiHardening.Test.ReportFailed", ErrorCategory.WriteError, file));
                return;
            }
            WriteVerbose($"{format} report with {_reported.Count} finding(s): {file}");
        }
    }
}
