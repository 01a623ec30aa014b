using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using AoaiHardening.Model;

namespace AoaiHardening.Cmdlets.Compliance
{
    /// <summary>
    /// Test-AoaiHardening as an assertion: silent when every selected rule passes (or is waived); otherwise one
    /// terminating error that lists every failure. For runbooks and Pester It blocks. With -Finding (from the pipeline)
    /// it asserts on findings another cmdlet made (Test-AoaiOnYourDataSecurity, a saved Test-AoaiHardening run).
    /// </summary>
    [Cmdlet(VerbsLifecycle.Assert, "AoaiHardening", DefaultParameterSetName = SubscriptionSet)]
    [OutputType(typeof(void))]
    public sealed class AssertAoaiHardening : HardeningCmdlet
    {
        private const string FindingSet = "Finding";

        /// <summary>Findings to assert on instead of evaluating rules (e.g. from Test-AoaiOnYourDataSecurity).</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = FindingSet)]
        [ValidateNotNull]
        public AoaiFinding[] Finding { get; set; } = null!;

        private readonly List<AoaiFinding> _failures = new List<AoaiFinding>();
        private int _findingsGiven;

        protected override void ProcessRecord()
        {
            if (ParameterSetName != FindingSet)
            {
                base.ProcessRecord();
                return;
            }
            foreach (var finding in Finding)
            {
                _findingsGiven++;
                OnFinding(finding);
            }
        }

        internal override void OnFinding(AoaiFinding finding)
        {
            // An Error means compliance could not be proven: it fails the assertion too. NotEvaluated does not (nothing was wrong to see).
            if (finding.Status == AoaiFindingStatus.Fail || finding.Status == AoaiFindingStatus.Error) _failures.Add(finding);
        }

        protected override void Complete()
        {
            var scope = ParameterSetName == FindingSet ? "the given findings" : $"the {BaselineName} baseline";
            if (_failures.Count == 0)
            {
                WriteVerbose(ParameterSetName == FindingSet
                    ? $"None of the {_findingsGiven} given finding(s) failed."
                    : $"{AccountsEvaluated} account(s) pass every selected rule of {scope}.");
                return;
            }
            var lines = _failures
                .OrderByDescending(f => f.Severity)
                .ThenBy(f => f.ResourceName, StringComparer.OrdinalIgnoreCase)
                .ThenBy(f => f.RuleId, StringComparer.Ordinal)
                .Select(f => $"  [{f.Severity}] {f.RuleId} {f.Status} on {f.ResourceName}{(f.Target != null ? " / " + f.Target : string.Empty)}: {f.Message}" +
                             (f.Remediation != null ? $" Fix: {f.Remediation}" : string.Empty));
            var message = $"{_failures.Count} hardening finding(s) failed in {scope} across {_failures.Select(f => f.ResourceId).Distinct(StringComparer.OrdinalIgnoreCase).Count()} account(s):" +
                          Environment.NewLine + string.Join(Environment.NewLine, lines);
            ThrowTerminatingError(new ErrorRecord(new AoaiHardeningAssertionException(message, _failures.ToArray()),
                "AoaiHardening.Assert.Failed", ErrorCategory.InvalidResult, null));
        }
    }

    /// <summary>The assertion failure; the failing findings are on the exception for callers that want to inspect them.</summary>
    public sealed class AoaiHardeningAssertionException : Exception
    {
        public AoaiHardeningAssertionException(string message, AoaiFinding[] failures) : base(message) => Failures = failures;

        public AoaiFinding[] Failures { get; }
    }
}
