using System;
using System.Collections.Generic;
using AoaiHardening.Model;

namespace AoaiHardening.Rules
{
    /// <summary>A catalog entry: the public description plus the condition and the remediation command line.</summary>
    internal sealed class Rule
    {
        public Rule(AoaiHardeningRule info, Func<RuleContext, IEnumerable<RuleOutcome>>? evaluate, Fix? fix, string? evaluatedBy = null)
        {
            Info = info;
            Evaluate = evaluate;
            Fix = fix;
            EvaluatedBy = evaluatedBy;
            info.Implemented = evaluate != null || evaluatedBy != null;
        }

        /// <summary>
        /// The cmdlet that evaluates a rule outside Test-AoaiHardening (the On Your Data rules span three resources and
        /// are evaluated by Test-AoaiOnYourDataSecurity); null for the account rules the engine runs.
        /// </summary>
        public string? EvaluatedBy { get; }

        public AoaiHardeningRule Info { get; }
        public string Id => Info.Id;

        /// <summary>Null while the capability that evaluates the rule has not landed.</summary>
        public Func<RuleContext, IEnumerable<RuleOutcome>>? Evaluate { get; }

        /// <summary>The cmdlet and parameters that fix a failure; null when the fix is manual.</summary>
        public Fix? Fix { get; }
    }
}
