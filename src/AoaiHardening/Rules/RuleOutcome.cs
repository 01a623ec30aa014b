using System.Collections.Generic;
using AoaiHardening.Model;

namespace AoaiHardening.Rules
{
    /// <summary>What a rule's condition concluded for the account (or one target inside it). The engine adds identity, severity, remediation and waivers.</summary>
    internal sealed class RuleOutcome
    {
        private RuleOutcome(AoaiFindingStatus status, string message, string? actual, string? expected, string? target)
        {
            Status = status;
            Message = message;
            Actual = actual;
            Expected = expected;
            Target = target;
        }

        public AoaiFindingStatus Status { get; }
        public string Message { get; }
        public string? Actual { get; }
        public string? Expected { get; }
        public string? Target { get; }
        /// <summary>Structured facts behind the outcome (e.g. the principal, role and scope of an assignment); fixes read them.</summary>
        public IReadOnlyDictionary<string, string>? Evidence { get; private set; }

        public RuleOutcome WithEvidence(IReadOnlyDictionary<string, string> evidence)
        {
            Evidence = evidence;
            return this;
        }

        public static RuleOutcome Pass(string message, string? actual = null, string? expected = null, string? target = null) =>
            new RuleOutcome(AoaiFindingStatus.Pass, message, actual, expected, target);

        public static RuleOutcome Fail(string message, string? actual = null, string? expected = null, string? target = null) =>
            new RuleOutcome(AoaiFindingStatus.Fail, message, actual, expected, target);

        public static RuleOutcome NotApplicable(string message, string? target = null) =>
            new RuleOutcome(AoaiFindingStatus.NotApplicable, message, null, null, target);

        public static RuleOutcome NotEvaluated(string message, string? target = null) =>
            new RuleOutcome(AoaiFindingStatus.NotEvaluated, message, null, null, target);

        public static RuleOutcome Error(string message, string? target = null) =>
            new RuleOutcome(AoaiFindingStatus.Error, message, null, null, target);
    }
}
