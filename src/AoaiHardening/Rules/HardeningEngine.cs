using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using AoaiHardening.Arm;
using AoaiHardening.Model;
using AoaiHardening.Rules.Input;

namespace AoaiHardening.Rules
{
    /// <summary>What to evaluate: the baseline, rule filters, kinds and waivers (Test-/Assert-AoaiHardening parameters).</summary>
    internal sealed class EngineOptions
    {
        public Baseline Baseline { get; set; } = Baseline.Default;
        public string[]? Rules { get; set; }
        public string[]? ExcludeRules { get; set; }
        public AoaiSeverity? MinimumSeverity { get; set; }
        public bool IncludeAllKinds { get; set; }
        public IReadOnlyList<Waiver> Waivers { get; set; } = Array.Empty<Waiver>();
        public DateTimeOffset Now { get; set; } = DateTimeOffset.UtcNow;
        /// <summary>The cmdlets the module exports: a failure gets a command line only when its fixing cmdlet exists.</summary>
        public ISet<string> AvailableCommands { get; set; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Evaluates the selected rules on one account at a time and turns outcomes into findings (severity from the
    /// baseline, remediation command line, waivers). The same code serves live and offline input, so both agree.
    /// </summary>
    internal sealed class HardeningEngine
    {
        private static readonly string[] InScopeKinds = { "OpenAI", "AIServices" };
        private static readonly Regex Scope = new Regex(@"^/subscriptions/(?<sub>[^/]+)/resourceGroups/(?<rg>[^/]+)/", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        private readonly EngineOptions _options;
        // Accounts are evaluated on several threads at once (Test-AoaiHardening -ThrottleLimit): the one shared set is locked.
        private readonly HashSet<Waiver> _expiredWaiversSeen = new HashSet<Waiver>();

        public HardeningEngine(EngineOptions options)
        {
            _options = options;
            Selected = Select(options).ToList();
        }

        /// <summary>The rules that run, in catalog order.</summary>
        public IReadOnlyList<Rule> Selected { get; }

        /// <summary>Expired waivers that matched a failure (each reported once by the cmdlet).</summary>
        public IEnumerable<Waiver> ExpiredWaiversSeen
        {
            get
            {
                lock (_expiredWaiversSeen) return _expiredWaiversSeen.ToList();
            }
        }

        private static IEnumerable<Rule> Select(EngineOptions o)
        {
            var named = (o.Rules ?? Array.Empty<string>()).Select(p => Wildcard.Get(p)).ToList();
            var excluded = (o.ExcludeRules ?? Array.Empty<string>()).Select(p => Wildcard.Get(p)).ToList();
            foreach (var rule in RuleCatalog.All)
            {
                // -Rule picks from the whole catalog (asking for a Strict rule under Default runs it); otherwise the baseline decides.
                var chosen = named.Count > 0 ? named.Any(p => p.IsMatch(rule.Id)) : o.Baseline.Includes(rule);
                if (!chosen || excluded.Any(p => p.IsMatch(rule.Id))) continue;
                if (o.MinimumSeverity.HasValue && o.Baseline.SeverityOf(rule) < o.MinimumSeverity.Value) continue;
                // Rules whose data lands with a later capability run only when named exactly (they report NotEvaluated).
                if (rule.Evaluate == null && !(o.Rules ?? Array.Empty<string>()).Any(p => string.Equals(p, rule.Id, StringComparison.OrdinalIgnoreCase))) continue;
                yield return rule;
            }
        }

        /// <summary>Offline: related resources come from the joined input.</summary>
        public IEnumerable<AoaiFinding> Evaluate(AccountInput input, ISet<string> typesInInput) =>
            Evaluate(input.Account, new OfflineRelatedSource(input.Related, typesInInput));

        /// <summary>The findings of every selected rule on one account; an empty sequence when the account's kind is out of scope.</summary>
        public IEnumerable<AoaiFinding> Evaluate(InputResource account, IRelatedSource related)
        {
            var context = new RuleContext(account, related);
            var kindNode = account.Json["kind"];
            var kind = Json.Str(kindNode);
            var kindInScope = AccountFacts.IsExpression(kindNode) || InScopeKinds.Any(k => string.Equals(k, kind, StringComparison.OrdinalIgnoreCase));
            // Per account, not per finding: where it lives, and whether a command line can name it.
            var scope = Scope.Match(account.Id);
            var identity = new AccountIdentity(account, kind, scope.Success ? scope.Groups["sub"].Value : null,
                scope.Success ? scope.Groups["rg"].Value : null, AccountId.TryParse(account.Id, out _));
            foreach (var rule in Selected)
            {
                if (!kindInScope && !(_options.IncludeAllKinds && rule.Info.AppliesToAllKinds)) continue;
                foreach (var outcome in Run(rule, context))
                    yield return ToFinding(rule, outcome, identity);
            }
        }

        /// <summary>What every finding of one account shares.</summary>
        private sealed class AccountIdentity
        {
            public AccountIdentity(InputResource account, string? kind, string? subscriptionId, string? resourceGroupName, bool isArmId)
            {
                Account = account;
                Kind = kind;
                SubscriptionId = subscriptionId;
                ResourceGroupName = resourceGroupName;
                IsArmId = isArmId;
            }

            public InputResource Account { get; }
            public string? Kind { get; }
            public string? SubscriptionId { get; }
            public string? ResourceGroupName { get; }
            public bool IsArmId { get; }
        }

        private static IEnumerable<RuleOutcome> Run(Rule rule, RuleContext context)
        {
            if (rule.Evaluate == null && rule.EvaluatedBy != null)
                return new[] { RuleOutcome.NotEvaluated($"{rule.Id} spans the account, its AI Search service and its storage account: {rule.EvaluatedBy} evaluates it.") };
            if (rule.Evaluate == null)
                return new[] { RuleOutcome.NotEvaluated($"{rule.Id} needs {string.Join(" and ", rule.Info.Requires)}, which this version does not read yet.") };
            try
            {
                // Materialise here so that a NotEvaluated or a bug inside the rule is caught for this rule only.
                return rule.Evaluate(context).ToList();
            }
            catch (NotEvaluatedException ex)
            {
                return new[] { RuleOutcome.NotEvaluated(ex.Message) };
            }
            catch (RelatedReadException ex)
            {
                return new[] { RuleOutcome.Error($"{rule.Id} could not be evaluated: {ex.Message}") };
            }
            catch (Exception ex) when (ex is InvalidOperationException || ex is FormatException || ex is ArgumentException || ex is NullReferenceException || ex is InvalidCastException)
            {
                return new[] { RuleOutcome.Error($"{rule.Id} could not read the resource: {ex.Message}") };
            }
        }

        private AoaiFinding ToFinding(Rule rule, RuleOutcome outcome, AccountIdentity identity)
        {
            var account = identity.Account;
            var finding = new AoaiFinding
            {
                RuleId = rule.Id,
                Title = rule.Info.Title,
                Severity = _options.Baseline.SeverityOf(rule),
                Status = outcome.Status,
                ResourceId = account.Id,
                ResourceName = account.Name,
                SubscriptionId = identity.SubscriptionId,
                ResourceGroupName = identity.ResourceGroupName,
                Kind = identity.Kind,
                Target = outcome.Target,
                Evidence = outcome.Evidence,
                Actual = outcome.Actual,
                Expected = outcome.Expected,
                Message = outcome.Message,
                Controls = rule.Info.Controls,
                Baseline = _options.Baseline.Name,
                SourceFile = account.Source?.File,
                SourcePath = account.Source?.JsonPath,
            };
            if (outcome.Status != AoaiFindingStatus.Fail) return finding;

            finding.RemediationCommand = rule.Info.RemediationCommand;
            // Fixes of later capabilities are named before their cmdlets exist: no command line that cannot run.
            if (rule.Fix != null && _options.AvailableCommands.Contains(rule.Fix.Command) && identity.IsArmId)
                finding.Remediation = rule.Fix.Render(finding, RepairInputs.None);

            var waiver = _options.Waivers.FirstOrDefault(w => w.Matches(rule.Id, account.Id));
            if (waiver == null) return finding;
            if (waiver.IsExpired(_options.Now))
            {
                lock (_expiredWaiversSeen) _expiredWaiversSeen.Add(waiver);
                finding.Message += $" A waiver ({waiver.Reason}) expired on {waiver.Expires:yyyy-MM-dd} and no longer applies.";
                return finding;
            }
            finding.Status = AoaiFindingStatus.Waived;
            finding.WaiverReason = waiver.Reason;
            finding.WaiverExpires = waiver.Expires;
            return finding;
        }
    }
}
