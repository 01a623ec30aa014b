using System;
using System.Collections.Generic;
using AoaiHardening.Rules.Input;

namespace AoaiHardening.Rules
{
    /// <summary>
    /// What a rule sees of one account: its properties (through <see cref="AccountFacts"/>) and, for rules that need
    /// them, related resources. Offline, related resources come from the same input set; live, the capability that
    /// introduces a related resource type adds its lazy, once-per-account ARM read here.
    /// </summary>
    internal sealed class RuleContext
    {
        private readonly IRelatedSource _related;

        public RuleContext(InputResource account, IRelatedSource related)
        {
            Account = account;
            Facts = new AccountFacts(account.Json);
            _related = related;
        }

        public InputResource Account { get; }
        public AccountFacts Facts { get; }

        /// <summary>Template input: ids are synthetic ("{subscription}") and read-only state (connections) is absent.</summary>
        public bool IsTemplate => Account.Id.IndexOf("{subscription}", StringComparison.Ordinal) >= 0;

        /// <summary>
        /// Related resources of a type, or null when the input says nothing about that type (then the rule is
        /// NotEvaluated): an input that has the type for some account but none for this one means "none".
        /// </summary>
        public IReadOnlyList<InputResource>? Related(string type) => _related.Get(type);
    }
}
