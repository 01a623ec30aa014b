using System;
using System.Linq;
using System.Management.Automation;
using AoaiHardening.Model;
using AoaiHardening.Rules;

namespace AoaiHardening.Cmdlets.Compliance
{
    /// <summary>Lists the rule catalog: ids, severities, baselines, conditions, controls and the cmdlets that fix them.</summary>
    [Cmdlet(VerbsCommon.Get, "AoaiHardeningRule")]
    [OutputType(typeof(AoaiHardeningRule))]
    public sealed class GetAoaiHardeningRule : AoaiCmdlet
    {
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("RuleId")]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string[] Id { get; set; } = { "*" };

        [Parameter]
        [ValidateSet("Default", "Strict", "OnYourData", IgnoreCase = true)]
        public string? Baseline { get; set; }

        [Parameter]
        [ValidateSet("NET", "IAM", "ENC", "CSF", "MON", "OYD", IgnoreCase = true)]
        public string[]? Area { get; set; }

        protected override void ProcessRecord()
        {
            var patterns = Id.Select(p => WildcardPattern.Get(p, WildcardOptions.IgnoreCase)).ToArray();
            var onYourData = string.Equals(Baseline, OnYourDataRules.BaselineName, StringComparison.OrdinalIgnoreCase);
            var baseline = Baseline == null || onYourData ? null : string.Equals(Baseline, "Strict", StringComparison.OrdinalIgnoreCase) ? Rules.Baseline.Strict : Rules.Baseline.Default;
            foreach (var rule in RuleCatalog.All)
            {
                if (!patterns.Any(p => p.IsMatch(rule.Id))) continue;
                if (baseline != null && !baseline.Includes(rule)) continue;
                if (onYourData && rule.Info.Baseline != OnYourDataRules.BaselineName) continue;
                if (Area != null && !Area.Contains(rule.Info.Area, StringComparer.OrdinalIgnoreCase)) continue;
                WriteObject(rule.Info);
            }
        }
    }
}
