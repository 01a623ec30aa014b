using System;
using System.Collections.Generic;
using AoaiHardening.Model;

namespace AoaiHardening.Rules
{
    /// <summary>A catalog entry: the public description plus the condition and the remediation command line.</summary>
    internal sealed class Rule
    {
        public Rule(AoaiHardeningRule info, Func<RuleContext, IEnumerable<RuleOutcome>>? evaluate, Func<string, RuleOutcome, string?>? remediation)
        {
            Info = info;
            Evaluate = evaluate;
            Remediation = remediation;
            info.Implemented = evaluate != null;
        }

        public AoaiHardeningRule Info { get; }
        public string Id => Info.Id;

        /// <summary>Null while the capability that evaluates the rule has not landed.</summary>
        public Func<RuleContext, IEnumerable<RuleOutcome>>? Evaluate { get; }

        /// <summary>Builds the command line that fixes a failure for an account id (null: none can be built).</summary>
        public Func<string, RuleOutcome, string?>? Remediation { get; }
    }
}
