using System;
using System.Collections.Generic;
using System.Linq;
using AoaiHardening.Model;

namespace AoaiHardening.Reports
{
    /// <summary>The inputs of a report with what every format derives from them: rule lookup, counts, fixes.</summary>
    internal sealed class ReportData
    {
        private readonly Dictionary<string, int> _ruleIndex = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);

        public ReportData(IReadOnlyList<AoaiFinding> findings, IReadOnlyList<AoaiHardeningRule> rules, ReportContext context)
        {
            Findings = findings;
            Rules = rules;
            Context = context;
            for (var i = 0; i < rules.Count; i++)
            {
                if (!_ruleIndex.ContainsKey(rules[i].Id)) _ruleIndex.Add(rules[i].Id, i);
            }

            // The same counts users get from Test-AoaiHardening -Summary. Per-deployment findings carry their
            // account's id, so distinct ids are the accounts assessed.
            Summary = new AoaiHardeningSummary
            {
                Baseline = context.Baseline,
                Accounts = findings.Select(f => f.ResourceId).Distinct(StringComparer.OrdinalIgnoreCase).Count(),
            };
            foreach (var finding in findings) Summary.Add(finding);
        }

        public IReadOnlyList<AoaiFinding> Findings { get; }
        public IReadOnlyList<AoaiHardeningRule> Rules { get; }
        public ReportContext Context { get; }
        public AoaiHardeningSummary Summary { get; }

        /// <summary>The position of the finding's rule in <see cref="Rules"/>, or -1 when it is not there.</summary>
        public int RuleIndexOf(AoaiFinding finding) => _ruleIndex.TryGetValue(finding.RuleId, out var index) ? index : -1;

        public AoaiHardeningRule? RuleOf(AoaiFinding finding)
        {
            var index = RuleIndexOf(finding);
            return index < 0 ? null : Rules[index];
        }

        /// <summary>How to fix a failure: the ready-to-run command line when the module built one, else the rule's instructions.</summary>
        public string? FixOf(AoaiFinding finding) =>
            finding.Remediation ?? RuleOf(finding)?.RemediationText ?? (finding.RemediationCommand != null ? $"Run {finding.RemediationCommand}." : null);

        /// <summary>"name (resource group rg)": how people find an account in the portal.</summary>
        public static string ResourceLabel(AoaiFinding finding) =>
            finding.ResourceGroupName != null ? $"{finding.ResourceName} (resource group {finding.ResourceGroupName})" : finding.ResourceName;
    }
}
