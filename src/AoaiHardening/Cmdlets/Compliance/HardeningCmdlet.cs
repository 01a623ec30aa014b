using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text.Json;
using System.Text.Json.Nodes;
using AoaiHardening.Arm;
using AoaiHardening.Model;
using AoaiHardening.Rules;
using AoaiHardening.Rules.Input;

namespace AoaiHardening.Cmdlets.Compliance
{
    /// <summary>
    /// The shared shell of Test- and Assert-AoaiHardening: the account selectors of Get-AoaiAccount (live) or -Path
    /// (offline JSON), the rule options, and one engine that evaluates each account as it arrives. Subclasses decide
    /// what to do with each finding.
    /// </summary>
    public abstract class HardeningCmdlet : AccountSelectionCmdlet
    {
        protected const string InputObjectSet = "InputObject";
        protected const string PathSet = "Path";

        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = InputObjectSet)]
        [ValidateNotNull]
        public AoaiAccount[] InputObject { get; set; } = null!;

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = PathSet)]
        [Alias("FullName")]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string[] Path { get; set; } = null!;

        [Parameter]
        public SwitchParameter IncludeAllKinds { get; set; }

        [Parameter]
        [ArgumentCompleter(typeof(BaselineCompleter))]
        [ValidateNotNullOrEmpty]
        public string Baseline { get; set; } = "Default";

        [Parameter]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string[]? Rule { get; set; }

        [Parameter]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string[]? ExcludeRule { get; set; }

        [Parameter]
        public AoaiSeverity MinimumSeverity { get; set; } = AoaiSeverity.Low;

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? WaiverPath { get; set; }

        /// <summary>Accounts assessed at once (live input). Each subscription's ARM read budget paces the requests either way.</summary>
        [Parameter]
        [ValidateRange(1, 64)]
        public int ThrottleLimit { get; set; } = DefaultThrottleLimit;

        /// <summary>
        /// Accounts in flight at the default: enough to hide ARM's latency (a Default scan is about three reads per
        /// account), few enough that the subscription read buckets (250 + 25/s) set the pace, not 429s.
        /// </summary>
        internal const int DefaultThrottleLimit = 16;

        /// <summary>Accounts selected but not yet reported, at most: bounds memory on a tenant-wide scan.</summary>
        private const int WindowSize = 1000;

        private HardeningEngine _engine = null!;
        private readonly List<string> _paths = new List<string>();
        private ParallelWork<AoaiAccount, AccountResult>? _work;

        /// <summary>
        /// Report accounts in selection order rather than completion order: for cmdlets that buffer every finding anyway
        /// (a Pester suite whose layout should not change from one run to the next).
        /// </summary>
        protected virtual bool ReportsInSelectionOrder => false;
        private readonly System.Diagnostics.Stopwatch _sinceProgress = System.Diagnostics.Stopwatch.StartNew();
        private const int ProgressId = 41;
        private const string ProgressActivity = "Assessing accounts";

        internal HardeningEngine Engine => _engine;
        internal IReadOnlyList<Rule> SelectedRules => _engine.Selected;
        protected int AccountsEvaluated { get; private set; }
        protected string BaselineName { get; private set; } = "Default";

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            // A -Rule that selects nothing would make a clean (and vacuous) result: a typo must not pass as compliance.
            foreach (var pattern in Rule ?? Array.Empty<string>())
            {
                if (!RuleCatalog.Matching(pattern).Any())
                    ThrowTerminatingError(new ErrorRecord(new ArgumentException(
                            $"{MyInvocation.MyCommand.Name}: -Rule '{pattern}' matches no rule in the catalog (Get-AoaiHardeningRule lists them)."),
                        "AoaiHardening.Test.UnknownRule", ErrorCategory.InvalidArgument, pattern));
            }
            var baseline = LoadBaseline();
            BaselineName = baseline.Name;
            _engine = new HardeningEngine(new EngineOptions
            {
                Baseline = baseline,
                Rules = Rule,
                ExcludeRules = ExcludeRule,
                MinimumSeverity = MinimumSeverity,
                IncludeAllKinds = IncludeAllKinds,
                Waivers = WaiverPath == null ? Array.Empty<Waiver>() : LoadWaivers(WaiverPath),
                AvailableCommands = new HashSet<string>(
                    MyInvocation.MyCommand.Module?.ExportedCmdlets.Keys ?? Enumerable.Empty<string>(), StringComparer.OrdinalIgnoreCase),
            });
            WriteVerbose($"Baseline {_engine.Selected.Count} rules: {string.Join(", ", _engine.Selected.Select(r => r.Id))}.");
        }

        protected override void ProcessRecord()
        {
            try
            {
                switch (ParameterSetName)
                {
                    case PathSet:
                        // Offline input is joined across files (deployments in one file, accounts in another): read it at the end.
                        foreach (var path in Path) _paths.AddRange(ResolvePaths(path));
                        return;
                    case InputObjectSet:
                        foreach (var account in InputObject) EvaluateLive(account);
                        return;
                    default:
                        var kinds = IncludeAllKinds ? new[] { "*" } : AccountSelector.DefaultKinds;
                        foreach (var account in SelectAccounts(kinds, kindGiven: IncludeAllKinds)) EvaluateLive(account);
                        _selectionDone = true;
                        return;
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
            if (ParameterSetName == PathSet) EvaluateOffline();
            else FinishLive();
            foreach (var waiver in _engine.ExpiredWaiversSeen)
                WriteWarning($"The waiver for {waiver} expired on {waiver.Expires:yyyy-MM-dd} and no longer applies (reason was: {waiver.Reason}).");
            base.EndProcessing();
            Complete();
        }

        /// <summary>Called for each finding, on the pipeline thread, as soon as it is produced.</summary>
        internal abstract void OnFinding(AoaiFinding finding);

        /// <summary>Called once after the last finding.</summary>
        protected abstract void Complete();

        /// <summary>
        /// Live related reads, per resource type, registered by the capabilities that introduce rules needing them
        /// (each is called at most once per account, only when a selected rule asks).
        /// </summary>
        private IReadOnlyDictionary<string, Func<AoaiAccount, IReadOnlyList<InputResource>>>? _liveReaders;

        private Services.RoleAssignmentService? _roleAssignments;
        private Services.RoleAssignmentService RoleAssignments => _roleAssignments ??= new Services.RoleAssignmentService(Arm);

        private Services.KeyVaultService? _keyVaults;
        private Services.KeyVaultService KeyVaults => _keyVaults ??= new Services.KeyVaultService(Arm);

        private Services.ContentSafetyService? _contentSafety;
        private Services.ContentSafetyService ContentSafety => _contentSafety ??= new Services.ContentSafetyService(Arm);

        private Services.MonitoringService? _monitoring;
        private Services.MonitoringService Monitoring => _monitoring ??= new Services.MonitoringService(Arm);

        private IReadOnlyDictionary<string, Func<AoaiAccount, IReadOnlyList<InputResource>>> LiveReaders => _liveReaders ??=
            new Dictionary<string, Func<AoaiAccount, IReadOnlyList<InputResource>>>(StringComparer.OrdinalIgnoreCase)
            {
                // One role-assignment service for the scan: a resource group's assignments are listed once for all its accounts.
                [RoleAssignmentRules.RelatedType] = account => RoleAssignmentRules.ReadLive(RoleAssignments, account.Id, Call),
                [PrivateDnsRules.EndpointsType] = account => PrivateDnsRules.ReadEndpoints(new Services.NetworkService(Arm), account, Call),
                [PrivateDnsRules.ZoneGroupsType] = account => PrivateDnsRules.ReadZoneGroups(new Services.NetworkService(Arm), account, Call),
                // One vault service for the whole scan: accounts sharing a vault list its subscription once.
                [CustomerManagedKeys.VaultsType] = account => CustomerManagedKeys.ReadVault(KeyVaults, account, Call),
                [CustomerManagedKeys.KeysType] = account => CustomerManagedKeys.ReadKey(KeyVaults, account, Call),
                // One content-safety service for the scan; the CSF rules ask for the policies only when a deployment names one.
                [ContentSafetyRules.DeploymentsType] = account => ContentSafetyRules.ReadDeployments(ContentSafety, account, Call),
                [ContentSafetyRules.PoliciesType] = account => ContentSafetyRules.ReadPolicies(ContentSafety, account, Call),
                // One monitoring service for the scan: the scheduled query rules of a subscription are listed once, for every account.
                [MonitoringRules.DiagnosticSettingsType] = account => MonitoringRules.ReadDiagnosticSettings(Monitoring, account, Call),
                [MonitoringRules.AlertRulesType] = account => MonitoringRules.ReadAlertRules(Monitoring, account, Call),
                [MonitoringRules.DefenderType] = account => MonitoringRules.ReadDefender(Monitoring, account, Call),
            };

        private bool _selectionDone;

        /// <summary>
        /// Hands the account to the workers (pipeline thread). Before the first one, the ARM token is fetched here, so
        /// only the pipeline thread ever signs in (workers read the cached token). Results written meanwhile keep the
        /// window of accounts in flight bounded.
        /// </summary>
        private void EvaluateLive(AoaiAccount account)
        {
            if (_work == null)
            {
                Arm.WarmUp(CancellationToken);
                // The scan's shared services exist before any worker asks for them (their caches are what makes reads once).
                _ = LiveReaders;
                _ = (RoleAssignments, KeyVaults, ContentSafety, Monitoring);
                _work = new ParallelWork<AoaiAccount, AccountResult>(ThrottleLimit, WindowSize, AssessOnWorker, CancellationToken, ReportsInSelectionOrder);
            }
            while (_work.IsFull) WriteResults(wait: true);
            _work.Add(account, account.SubscriptionId);
            WriteResults(wait: false);
        }

        /// <summary>Runs on a worker thread: reads what the rules need and evaluates them; writes nothing.</summary>
        private AccountResult AssessOnWorker(AoaiAccount account)
        {
            var resource = new InputResource(account.Id, AccountId.ResourceType, account.Name, account.Resource, null);
            return new AccountResult(resource, _engine.Evaluate(resource, new LiveRelatedSource(account, LiveReaders)).ToList());
        }

        /// <summary>Writes the results completed so far (pipeline thread), with queued trace lines and the progress bar.</summary>
        private void WriteResults(bool wait)
        {
            var work = _work!;
            foreach (var result in work.Take(wait)) Report(result.Account, result.Findings);
            DrainMessages();
            RefreshSessionTokens();
            if (CancellationToken.IsCancellationRequested) throw new PipelineStoppedException();
            if (_sinceProgress.ElapsedMilliseconds < 250 && !(wait && work.IsIdle)) return;
            _sinceProgress.Restart();
            var record = new ProgressRecord(ProgressId, ProgressActivity,
                $"{work.Taken} of {work.Added}{(_selectionDone ? string.Empty : "+")} account(s) assessed, {work.Running} in progress")
            {
                PercentComplete = _selectionDone && work.Added > 0 ? Math.Min(100, work.Taken * 100 / work.Added) : -1,
            };
            WriteProgress(record);
        }

        /// <summary>Waits for the accounts still in flight, writing their findings as each completes.</summary>
        private void FinishLive()
        {
            if (_work == null) return;
            _selectionDone = true;
            try
            {
                while (!_work.IsIdle) WriteResults(wait: true);
            }
            finally
            {
                _work.Dispose();
            }
            CompleteProgress(ProgressId, ProgressActivity);
            var pacing = Arm.Pacing;
            WriteVerbose($"{_work.Taken} account(s) assessed with up to {ThrottleLimit} at once. Session so far: {pacing.PacedRequests} request(s) waited " +
                         $"{pacing.PacedTime.TotalSeconds:0.0} s in all for their subscription's ARM budget; {pacing.Throttled} throttled (429) answer(s) retried.");
        }

        private sealed class AccountResult
        {
            public AccountResult(InputResource account, IReadOnlyList<AoaiFinding> findings)
            {
                Account = account;
                Findings = findings;
            }

            public InputResource Account { get; }
            public IReadOnlyList<AoaiFinding> Findings { get; }
        }

        private void EvaluateOffline()
        {
            List<InputResource> resources;
            try
            {
                resources = OfflineInputReader.Read(_paths).ToList();
            }
            catch (Exception ex) when (ex is OfflineInputException || ex is InvalidDataException || ex is IOException || ex is JsonException || ex is UnauthorizedAccessException)
            {
                ThrowTerminatingError(new ErrorRecord(new InvalidDataException($"{MyInvocation.MyCommand.Name}: {ex.Message}", ex),
                    "AoaiHardening.Test.InvalidInput", ErrorCategory.InvalidData, _paths.FirstOrDefault()));
                return;
            }
            var types = new HashSet<string>(resources.Select(r => r.Type), StringComparer.OrdinalIgnoreCase);
            var accounts = 0;
            foreach (var account in InputJoiner.Join(resources))
            {
                accounts++;
                Evaluate(account.Account, new OfflineRelatedSource(account.Related, types));
            }
            if (accounts == 0) WriteWarning($"No Microsoft.CognitiveServices/accounts resource was found in {string.Join(", ", _paths)}.");
        }

        private void Evaluate(InputResource account, IRelatedSource related) => Report(account, _engine.Evaluate(account, related));

        private void Report(InputResource account, IEnumerable<AoaiFinding> findings)
        {
            AccountsEvaluated++;
            var any = false;
            foreach (var finding in findings)
            {
                any = true;
                OnFinding(finding);
            }
            if (!any) WriteVerbose($"{account.Name}: no rule applies (kind '{Json.Str(account.Json["kind"])}'; use -IncludeAllKinds for account-level rules on every kind).");
        }

        private IEnumerable<string> ResolvePaths(string path)
        {
            Collection<string> resolved;
            try
            {
                resolved = GetResolvedProviderPathFromPSPath(path, out _);
            }
            catch (ItemNotFoundException ex)
            {
                ThrowTerminatingError(new ErrorRecord(new FileNotFoundException($"{MyInvocation.MyCommand.Name}: {ex.Message}", ex),
                    "AoaiHardening.Test.PathNotFound", ErrorCategory.ObjectNotFound, path));
                throw;
            }
            // A wildcard that matches nothing is as wrong as a missing file: assessing nothing would pass a CI gate vacuously.
            if (resolved.Count == 0)
                ThrowTerminatingError(new ErrorRecord(new FileNotFoundException($"{MyInvocation.MyCommand.Name}: '{path}' matches no file."),
                    "AoaiHardening.Test.PathNotFound", ErrorCategory.ObjectNotFound, path));
            return resolved;
        }

        private Baseline LoadBaseline()
        {
            if (string.Equals(Baseline, "Default", StringComparison.OrdinalIgnoreCase)) return Rules.Baseline.Default;
            if (string.Equals(Baseline, "Strict", StringComparison.OrdinalIgnoreCase)) return Rules.Baseline.Strict;
            return ValidateOrThrow(() => Rules.Baseline.FromData(ReadDataFile(Baseline, "baseline") as IDictionary
                ?? throw new ArgumentException($"The baseline file '{Baseline}' must hold one object."), Baseline), "AoaiHardening.Test.InvalidBaseline", Baseline);
        }

        private IReadOnlyList<Waiver> LoadWaivers(string path)
        {
            var waivers = ValidateOrThrow(() => Waiver.FromData(ReadDataFile(path, "waiver"), path), "AoaiHardening.Test.InvalidWaiverFile", path);
            // A typo in a rule id waives nothing: the finding it meant still fails, but the admin should learn why.
            foreach (var waiver in waivers.Where(w => !RuleCatalog.Matching(w.RuleIdPattern).Any()))
                WriteWarning($"Waiver '{waiver}' in '{path}' names no rule in the catalog (Get-AoaiHardeningRule lists them): it waives nothing.");
            return waivers;
        }

        /// <summary>A .json or .psd1 file as hashtables and arrays, so both formats mean the same.</summary>
        private object ReadDataFile(string path, string what)
        {
            var full = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
            if (!File.Exists(full)) throw new ArgumentException($"The {what} file '{path}' does not exist (for the built-in baselines use Default or Strict).");
            try
            {
                if (full.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
                    return DataFile.FromJson(File.ReadAllText(full)) ?? throw new ArgumentException($"The {what} file '{path}' is empty.");
                if (full.EndsWith(".psd1", StringComparison.OrdinalIgnoreCase))
                    // -ErrorAction Stop: a parse error must reach the message below, not the host (and leave "no elements").
                    return InvokeCommand.InvokeScript("Import-PowerShellDataFile -LiteralPath $args[0] -ErrorAction Stop", full).Single().BaseObject;
            }
            catch (Exception ex) when (ex is RuntimeException || ex is JsonException || ex is InvalidOperationException)
            {
                throw new ArgumentException($"The {what} file '{path}' could not be read: {ex.Message}");
            }
            throw new ArgumentException($"The {what} file '{path}' must be .json or .psd1.");
        }
    }

    /// <summary>Completes the built-in baselines (a path to a baseline file is also accepted).</summary>
    public sealed class BaselineCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            System.Management.Automation.Language.CommandAst commandAst, IDictionary fakeBoundParameters) =>
            new[] { "Default", "Strict" }
                .Where(b => b.StartsWith(wordToComplete ?? string.Empty, StringComparison.OrdinalIgnoreCase))
                .Select(b => new CompletionResult(b, b, CompletionResultType.ParameterValue, $"The {b} baseline"));
    }
}
