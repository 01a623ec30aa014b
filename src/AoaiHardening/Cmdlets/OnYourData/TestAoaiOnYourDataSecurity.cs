using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text;
using AoaiHardening.Auth;
using AoaiHardening.Model;
using AoaiHardening.Reports;
using AoaiHardening.Rules;
using AoaiHardening.Services;

namespace AoaiHardening.Cmdlets.OnYourData
{
    /// <summary>
    /// Evaluates AOAI-OYD-001..007 across an OpenAI account, its AI Search service and its storage account: one finding
    /// per rule and resource (per role-table row for OYD-007). Every check yields Pass, Fail, or Error naming what could
    /// not be read. Findings pipe into Repair-AoaiHardening; -OutputFormat/-OutputPath write the same reports as Test-AoaiHardening.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "AoaiOnYourDataSecurity", DefaultParameterSetName = InputObjectSet)]
    [OutputType(typeof(AoaiFinding))]
    public sealed class TestAoaiOnYourDataSecurity : AccountTargetCmdlet
    {
        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string SearchServiceResourceId { get; set; } = null!;

        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string StorageAccountResourceId { get; set; } = null!;

        [Parameter]
        [ValidateSet("Sarif", "Json", "Markdown", "Html", IgnoreCase = true)]
        public string? OutputFormat { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? OutputPath { get; set; }

        private Arm.SearchServiceResourceId _search = null!;
        private Arm.StorageAccountResourceId _storage = null!;
        private string? _reportFile;
        private readonly List<AoaiFinding> _reported = new List<AoaiFinding>();
        private readonly DateTimeOffset _started = DateTimeOffset.UtcNow;
        private ISet<string> _available = new HashSet<string>();

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            (_search, _storage) = OnYourDataInput.ParseIds(this, SearchServiceResourceId, StorageAccountResourceId);
            if ((OutputFormat == null) != (OutputPath == null))
                ThrowTerminatingError(new ErrorRecord(new ArgumentException($"{MyInvocation.MyCommand.Name}: -OutputFormat and -OutputPath go together."),
                    "AoaiHardening.OnYourData.InvalidOutput", ErrorCategory.InvalidArgument, OutputPath));
            if (OutputPath != null)
            {
                _reportFile = SessionState.Path.GetUnresolvedProviderPathFromPSPath(OutputPath);
                var folder = Path.GetDirectoryName(_reportFile);
                if (string.IsNullOrEmpty(folder) || !Directory.Exists(folder))
                    ThrowTerminatingError(new ErrorRecord(new DirectoryNotFoundException($"{MyInvocation.MyCommand.Name}: the folder of the report '{OutputPath}' does not exist."),
                        "AoaiHardening.OnYourData.InvalidOutput", ErrorCategory.ObjectNotFound, OutputPath));
            }
            _available = new HashSet<string>(MyInvocation.MyCommand.Module?.ExportedCmdlets.Keys ?? Enumerable.Empty<string>(), StringComparer.OrdinalIgnoreCase);
        }

        protected override void ProcessRecord()
        {
            var id = ResolveTarget();
            try
            {
                var input = new OydInput(OnYourDataInput.Account(this, id, InputObject), OnYourDataInput.Search(this, _search), OnYourDataInput.Storage(this, _storage));
                OnYourDataInput.ReadAssignments(this, new RoleAssignmentService(Arm), input, OnYourDataRules.Pairs);
                foreach (var finding in OnYourDataRules.Evaluate(input, _available))
                {
                    if (_reportFile != null) _reported.Add(finding);
                    WriteObject(finding);
                }
            }
            catch (Exception ex) when (IsStopping(ex))
            {
                throw new PipelineStoppedException();
            }
            finally
            {
                DrainMessages();
            }
        }

        protected override void EndProcessing()
        {
            base.EndProcessing();
            if (_reportFile == null) return;
            var format = (ReportFormat)Enum.Parse(typeof(ReportFormat), OutputFormat!, ignoreCase: true);
            var context = new ReportContext
            {
                ToolVersion = AoaiSession.ModuleVersion,
                StartedAt = _started,
                GeneratedAt = DateTimeOffset.UtcNow,
                Baseline = OnYourDataRules.BaselineName,
                BaseDirectory = SessionState.Path.CurrentFileSystemLocation.ProviderPath,
            };
            try
            {
                using var writer = new StreamWriter(_reportFile, append: false, encoding: new UTF8Encoding(false));
                ReportWriter.Write(format, _reported, RuleCatalog.All.Where(r => r.Info.Baseline == OnYourDataRules.BaselineName).Select(r => r.Info).ToList(), context, writer);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                WriteError(new ErrorRecord(new IOException($"{MyInvocation.MyCommand.Name}: could not write the {format} report '{_reportFile}': {ex.Message}", ex),
                    "AoaiHardening.OnYourData.ReportFailed", ErrorCategory.WriteError, _reportFile));
                return;
            }
            WriteVerbose($"{format} report with {_reported.Count} finding(s): {_reportFile}");
        }
    }
}
