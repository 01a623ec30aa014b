using System;

namespace AoaiHardening.Model
{
    /// <summary>How bad a failing rule is.</summary>
    public enum AoaiSeverity
    {
        Low = 1,
        Medium = 2,
        High = 3,
    }

    /// <summary>The outcome of one rule on one resource (shared/reference/rules.md, "Scope and statuses").</summary>
    public enum AoaiFindingStatus
    {
        Pass,
        Fail,
        /// <summary>The rule's precondition is not met (e.g. ENC-005 on an account without a customer-managed key).</summary>
        NotApplicable,
        /// <summary>The data the rule needs is not available (offline input without it, or an unevaluated template expression).</summary>
        NotEvaluated,
        /// <summary>Reading the data failed; the message says why.</summary>
        Error,
        /// <summary>The rule failed but a waiver matched; the finding carries the waiver's reason and expiry.</summary>
        Waived,
    }

    /// <summary>One rule evaluated on one resource (and, for per-deployment rules, one target inside it).</summary>
    public sealed class AoaiFinding
    {
        public string RuleId { get; internal set; } = string.Empty;
        public string Title { get; internal set; } = string.Empty;
        public AoaiSeverity Severity { get; internal set; }
        public AoaiFindingStatus Status { get; internal set; }
        public string ResourceId { get; internal set; } = string.Empty;
        public string ResourceName { get; internal set; } = string.Empty;
        public string? ResourceGroupName { get; internal set; }
        public string? SubscriptionId { get; internal set; }
        public string? Kind { get; internal set; }
        /// <summary>What inside the resource the finding is about, e.g. "deployment gpt-4o"; null for the account itself.</summary>
        public string? Target { get; internal set; }
        /// <summary>Structured facts behind the finding (e.g. PrincipalId, RoleDefinitionId, Scope of a role assignment); null when none.</summary>
        public System.Collections.Generic.IReadOnlyDictionary<string, string>? Evidence { get; internal set; }
        /// <summary>The value found, as text (e.g. "publicNetworkAccess=Enabled, networkAcls.defaultAction=Allow").</summary>
        public string? Actual { get; internal set; }
        /// <summary>The compliant value, as text.</summary>
        public string? Expected { get; internal set; }
        public string Message { get; internal set; } = string.Empty;
        /// <summary>A ready-to-run command line that fixes a failure, when the module has one.</summary>
        public string? Remediation { get; internal set; }
        /// <summary>The name of the cmdlet in <see cref="Remediation"/> (used by Repair-AoaiHardening).</summary>
        public string? RemediationCommand { get; internal set; }
        public string[] Controls { get; internal set; } = Array.Empty<string>();
        /// <summary>The baseline evaluated: Default, Strict, or the name of a baseline file.</summary>
        public string Baseline { get; internal set; } = "Default";
        public string? WaiverReason { get; internal set; }
        public DateTimeOffset? WaiverExpires { get; internal set; }
        /// <summary>Offline input: the file the resource came from; null for live evaluation.</summary>
        public string? SourceFile { get; internal set; }
        /// <summary>Offline input: where in the file (a JSONPath such as $.resources[2]).</summary>
        public string? SourcePath { get; internal set; }

        public override string ToString() => $"{RuleId} {Status} {ResourceName}{(Target != null ? " / " + Target : string.Empty)}";
    }
}
