using System;

namespace AoaiHardening.Model
{
    /// <summary>A rule of the catalog as users (and reports) see it. The catalog is defined once, in code; docs/rules.md is generated from it.</summary>
    public sealed class AoaiHardeningRule
    {
        public string Id { get; internal set; } = string.Empty;
        public string Title { get; internal set; } = string.Empty;
        /// <summary>NET, IAM, ENC, CSF, MON or OYD.</summary>
        public string Area { get; internal set; } = string.Empty;
        public AoaiSeverity Severity { get; internal set; }
        /// <summary>The severity under the Strict baseline when it differs (e.g. ENC-001: Low, Strict Medium).</summary>
        public AoaiSeverity? StrictSeverity { get; internal set; }
        /// <summary>Default (in every baseline) or Strict (only in Strict).</summary>
        public string Baseline { get; internal set; } = "Default";
        /// <summary>The exact condition for Fail, as specified in shared/reference/rules.md.</summary>
        public string Condition { get; internal set; } = string.Empty;
        /// <summary>Why it matters and how to fix it, in a sentence or two (help text for reports).</summary>
        public string Rationale { get; internal set; } = string.Empty;
        public string[] Controls { get; internal set; } = Array.Empty<string>();
        /// <summary>The cmdlet that fixes a failure, or null when the fix is manual (see <see cref="RemediationText"/>).</summary>
        public string? RemediationCommand { get; internal set; }
        public string RemediationText { get; internal set; } = string.Empty;
        /// <summary>What the rule reads beyond the account resource (e.g. deployments, raiPolicies); empty for account-only rules.</summary>
        public string[] Requires { get; internal set; } = Array.Empty<string>();
        /// <summary>False for rules specified in the catalog whose evaluation lands with a later capability.</summary>
        public bool Implemented { get; internal set; }
        /// <summary>True when -IncludeAllKinds applies the rule to accounts of every kind.</summary>
        public bool AppliesToAllKinds { get; internal set; }

        public override string ToString() => $"{Id} {Title}";
    }
}
