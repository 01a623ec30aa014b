using System;

namespace AoaiHardening.Model
{
    /// <summary>How much an access path matters for an Azure OpenAI account.</summary>
    public enum AoaiAccessRisk
    {
        None = 0,
        Low = 1,
        Medium = 2,
        High = 3,
    }

    /// <summary>One way into the account (key authentication, or one role assignment), judged with a recommendation.</summary>
    public sealed class AoaiAccessEntry
    {
        /// <summary>KeyAuthentication or RoleAssignment.</summary>
        public string Kind { get; internal set; } = "RoleAssignment";
        public string? PrincipalId { get; internal set; }
        public string? PrincipalType { get; internal set; }
        public string? RoleDefinitionName { get; internal set; }
        public string? RoleDefinitionId { get; internal set; }
        public string? Scope { get; internal set; }
        public string? ScopeLevel { get; internal set; }
        public bool Inherited { get; internal set; }
        public AoaiAccessRisk Risk { get; internal set; }
        /// <summary>Why the entry has its risk.</summary>
        public string Finding { get; internal set; } = string.Empty;
        public string Recommendation { get; internal set; } = string.Empty;
        /// <summary>The role assignment's id (null for key authentication).</summary>
        public string? RoleAssignmentId { get; internal set; }

        public override string ToString() => Kind == "KeyAuthentication"
            ? $"{Risk}: key authentication"
            : $"{Risk}: {RoleDefinitionName} for {PrincipalType} {PrincipalId} at {ScopeLevel}";
    }

    /// <summary>The access audit of one account: key authentication and every role assignment that reaches it.</summary>
    public sealed class AoaiAccessReport
    {
        public string AccountName { get; internal set; } = string.Empty;
        public string ResourceId { get; internal set; } = string.Empty;
        public string? ResourceGroupName { get; internal set; }
        public string? Kind { get; internal set; }
        public bool LocalAuthEnabled { get; internal set; }
        public string IdentityType { get; internal set; } = "None";
        public AoaiAccessEntry[] Entries { get; internal set; } = Array.Empty<AoaiAccessEntry>();
        /// <summary>The highest risk of any entry.</summary>
        public AoaiAccessRisk HighestRisk { get; internal set; }
        public int AssignmentCount { get; internal set; }
        /// <summary>Entries with a risk above None.</summary>
        public int IssueCount { get; internal set; }
        /// <summary>True when role assignments could not be read (the report then covers key authentication only).</summary>
        public bool Incomplete { get; internal set; }
        public DateTimeOffset GeneratedAt { get; internal set; }

        public override string ToString() => $"{AccountName}: {HighestRisk} ({IssueCount} issue(s), {AssignmentCount} assignment(s))";
    }
}
