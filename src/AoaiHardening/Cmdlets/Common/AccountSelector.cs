using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using AoaiHardening.Arm;
using AoaiHardening.Model;
using AoaiHardening.Services;

namespace AoaiHardening.Cmdlets
{
    /// <summary>
    /// Finds accounts the way Get-AoaiAccount's parameters describe (subscriptions, resource groups and names with
    /// wildcards, resource ids, kinds), streaming them as ARM pages arrive. Shared by every cmdlet that selects accounts.
    /// ARM failures become non-terminating errors on the calling cmdlet; malformed input is terminating, before any request.
    /// </summary>
    internal sealed class AccountSelector
    {
        internal static readonly string[] DefaultKinds = { "OpenAI", "AIServices" };

        private readonly AoaiCmdlet _cmdlet;
        private readonly AccountService _service;
        private readonly WildcardPattern[] _kinds;
        private readonly bool _kindGiven;

        public AccountSelector(AoaiCmdlet cmdlet, string[] kinds, bool kindGiven)
        {
            _cmdlet = cmdlet;
            _service = new AccountService(cmdlet.Arm);
            _kinds = kinds.Select(k => WildcardPattern.Get(k, WildcardOptions.IgnoreCase)).ToArray();
            _kindGiven = kindGiven;
        }

        /// <summary>
        /// Accounts of these subscriptions: through Resource Graph when <paramref name="graph"/> (one query per 250
        /// subscriptions), else one ARM list per subscription.
        /// </summary>
        public IEnumerable<AoaiAccount> InSubscriptions(IReadOnlyList<string> subscriptions, string? name, bool graph)
        {
            if (graph) return ThroughResourceGraph(subscriptions, null, name, null);
            return subscriptions.SelectMany(subscription =>
                List(() => _service.ListBySubscription(subscription, _cmdlet.Call), name, null, $"subscription '{subscription}'", subscription));
        }

        public IEnumerable<AoaiAccount> InResourceGroup(IReadOnlyList<string> subscriptions, string resourceGroup, string? name, bool graph)
        {
            var exactName = name != null && !WildcardPattern.ContainsWildcardCharacters(name);
            var wildcardGroup = WildcardPattern.ContainsWildcardCharacters(resourceGroup);
            if (!wildcardGroup)
                _cmdlet.ValidateOrThrow(() => AccountId.ValidateResourceGroupName(resourceGroup), "AoaiHardening.Account.InvalidResourceGroupName", resourceGroup);
            var group = WildcardPattern.Get(resourceGroup, WildcardOptions.IgnoreCase);
            // One exact account: a GET per subscription beats any list.
            if (!wildcardGroup && exactName) return subscriptions.SelectMany(subscription =>
                One(_cmdlet.ValidateOrThrow(() => AccountId.Create(subscription, resourceGroup, name!), "AoaiHardening.Account.InvalidName", name)));
            if (graph) return ThroughResourceGraph(subscriptions, wildcardGroup ? null : resourceGroup, name, wildcardGroup ? a => group.IsMatch(a.ResourceGroupName) : null);
            return subscriptions.SelectMany(subscription => wildcardGroup
                ? List(() => _service.ListBySubscription(subscription, _cmdlet.Call), name, a => group.IsMatch(a.ResourceGroupName), $"subscription '{subscription}'", subscription)
                : List(() => _service.ListByResourceGroup(subscription, resourceGroup, _cmdlet.Call), name, null,
                    $"resource group '{resourceGroup}' of subscription '{subscription}'", subscription));
        }

        /// <summary>
        /// Every subscription the caller can read (-AllSubscriptions). A failed list is an error on the cmdlet and
        /// selects nothing; so does an identity that can read no subscription, with a warning.
        /// </summary>
        public IReadOnlyList<string> AllSubscriptions()
        {
            List<string> found;
            try
            {
                found = _service.ListSubscriptionIds(_cmdlet.Call).ToList();
            }
            catch (ArmRequestException ex)
            {
                _cmdlet.WriteError(_cmdlet.ArmErrorRecord(ex, "AoaiHardening.Account.SubscriptionListFailed", "listing the subscriptions the signed-in identity can read", null));
                return Array.Empty<string>();
            }
            if (found.Count == 0) _cmdlet.WriteWarning("The signed-in identity can read no enabled subscription; no account was selected.");
            else _cmdlet.WriteVerbose($"{found.Count} subscription(s) selected by -AllSubscriptions.");
            return found;
        }

        private IEnumerable<AoaiAccount> ThroughResourceGraph(IReadOnlyList<string> subscriptions, string? resourceGroup, string? name, Func<AoaiAccount, bool>? filter)
        {
            if (subscriptions.Count == 0) return Enumerable.Empty<AoaiAccount>();
            var exactName = name != null && !WildcardPattern.ContainsWildcardCharacters(name) ? name : null;
            var scope = subscriptions.Count == 1 ? $"subscription '{subscriptions[0]}'" : $"{subscriptions.Count} subscriptions";
            return List(() => _service.ListThroughResourceGraph(subscriptions, resourceGroup, exactName, _cmdlet.Call), name, filter,
                $"{scope} through Resource Graph (-NoResourceGraph lists them through ARM instead)", subscriptions[0]);
        }

        /// <summary>
        /// Every id is validated before the first request. Ids of other resource types arriving from the pipeline
        /// (Get-AzResource | …) are skipped, not errors; given explicitly they are bad input.
        /// </summary>
        public IEnumerable<AoaiAccount> ByIds(string[] resourceIds, bool fromPipeline)
        {
            var ids = new List<AccountId>();
            foreach (var id in resourceIds)
            {
                if (fromPipeline && AccountId.IsOtherResourceType(id))
                {
                    _cmdlet.WriteVerbose($"Skipping '{id}': not a {AccountId.ResourceType}.");
                    continue;
                }
                ids.Add(_cmdlet.ValidateOrThrow(() => AccountId.Parse(id), "AoaiHardening.Account.InvalidResourceId", id));
            }
            return ids.SelectMany(One);
        }

        private IEnumerable<AoaiAccount> One(AccountId id)
        {
            AoaiAccount account;
            try
            {
                account = _service.Get(id, _cmdlet.Call);
            }
            catch (ArmRequestException ex)
            {
                var errorId = ex.Status == 404 ? "AoaiHardening.Account.NotFound" : "AoaiHardening.Account.ReadFailed";
                _cmdlet.WriteError(_cmdlet.ArmErrorRecord(ex, errorId, $"reading account '{id.Name}' in resource group '{id.ResourceGroupName}'", id.Id));
                yield break;
            }
            // An exact name or id was asked for: honour -Kind only when the user gave it.
            if (!_kindGiven || KindMatches(account)) yield return account;
        }

        private IEnumerable<AoaiAccount> List(Func<IEnumerable<AoaiAccount>> list, string? name, Func<AoaiAccount, bool>? filter, string scope, string subscription)
        {
            var namePattern = name == null ? null : WildcardPattern.Get(name, WildcardOptions.IgnoreCase);
            using var items = list().GetEnumerator();
            while (true)
            {
                // C# cannot yield inside try/catch: advance inside it, yield outside.
                try
                {
                    if (!items.MoveNext()) yield break;
                }
                catch (ArmRequestException ex)
                {
                    var errorId = ex.Status == 404 ? "AoaiHardening.Account.ScopeNotFound" : "AoaiHardening.Account.ListFailed";
                    _cmdlet.WriteError(_cmdlet.ArmErrorRecord(ex, errorId, $"listing accounts in {scope}", subscription));
                    yield break;
                }
                var account = items.Current;
                if (KindMatches(account) && (namePattern == null || namePattern.IsMatch(account.Name)) && (filter == null || filter(account)))
                    yield return account;
            }
        }

        private bool KindMatches(AoaiAccount account) => _kinds.Any(p => p.IsMatch(account.Kind ?? string.Empty));
    }
}
