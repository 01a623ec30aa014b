using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Core;
using AoaiHardening.Arm;
using AoaiHardening.Model;

namespace AoaiHardening.Services
{
    /// <summary>The REST knowledge of Microsoft.CognitiveServices/accounts (paths, api-version, LRO shape). Cmdlets stay thin.</summary>
    internal sealed class AccountService
    {
        private readonly ArmClient _arm;

        public AccountService(ArmClient arm) => _arm = arm;

        public AoaiAccount Get(AccountId id, ArmCallOptions call) =>
            AoaiAccount.FromJson(_arm.Get(id.Id, ApiVersions.CognitiveServices, call)!);

        public IEnumerable<AoaiAccount> ListBySubscription(string subscriptionId, ArmCallOptions call)
        {
            foreach (var json in _arm.List($"/subscriptions/{subscriptionId}/providers/{AccountId.ResourceType}", ApiVersions.CognitiveServices, call))
                yield return AoaiAccount.FromJson(json);
        }

        public IEnumerable<AoaiAccount> ListByResourceGroup(string subscriptionId, string resourceGroupName, ArmCallOptions call)
        {
            foreach (var json in _arm.List($"/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/{AccountId.ResourceType}", ApiVersions.CognitiveServices, call))
                yield return AoaiAccount.FromJson(json);
        }

        /// <summary>
        /// The accounts of many subscriptions through Resource Graph: one query per 250 subscriptions and 1,000 accounts,
        /// instead of one list per subscription. Exact resource group and account names narrow the query; wildcards are
        /// for the caller to apply. Rows come back in ARM's shape (Resource Graph lower-cases type and adds columns).
        /// </summary>
        public IEnumerable<AoaiAccount> ListThroughResourceGraph(IReadOnlyList<string> subscriptionIds, string? resourceGroupName, string? name, ArmCallOptions call)
        {
            var query = new StringBuilder("resources\n| where type =~ 'microsoft.cognitiveservices/accounts'");
            if (resourceGroupName != null) query.Append("\n| where resourceGroup =~ ").Append(ResourceGraphService.Quote(resourceGroupName));
            if (name != null) query.Append("\n| where name =~ ").Append(ResourceGraphService.Quote(name));
            // id is projected (and ordered by) so that $skipToken paging is stable.
            query.Append("\n| project id, name, type, location, kind, sku, identity, properties, tags, resourceGroup, subscriptionId\n| order by id asc");
            foreach (var row in new ResourceGraphService(_arm).Query(query.ToString(), subscriptionIds, call))
                yield return AoaiAccount.FromJson(AsArmResource(row));
        }

        /// <summary>A Resource Graph row as ARM's GET shows the resource: ARG-only columns and null columns dropped, type spelt as ARM does.</summary>
        private static JsonObject AsArmResource(JsonObject row)
        {
            foreach (var column in new[] { "resourceGroup", "subscriptionId", "tenantId" }) row.Remove(column);
            foreach (var empty in row.Where(p => p.Value == null).Select(p => p.Key).ToList()) row.Remove(empty);
            row["type"] = AccountId.ResourceType;
            return row;
        }

        /// <summary>
        /// The subscriptions the caller can read, except Disabled and Deleted ones (they hold nothing to assess and
        /// refuse reads), in ARM's order.
        /// </summary>
        public IEnumerable<string> ListSubscriptionIds(ArmCallOptions call)
        {
            foreach (var json in _arm.List("/subscriptions", ApiVersions.Subscriptions, call))
            {
                var id = Json.Str(json["subscriptionId"]);
                var state = Json.Str(json["state"]);
                if (id == null || Json.EqualsIgnoreCase(state, "Disabled") || Json.EqualsIgnoreCase(state, "Deleted")) continue;
                yield return id;
            }
        }

        /// <summary>
        /// PATCH only the given fields (Accounts_Update is an LRO with ARM's default final state) and return the
        /// account as it is afterwards. The spec declares no If-Match on accounts, so none is sent.
        /// </summary>
        public AoaiAccount Patch(AccountId id, JsonObject patch, ArmCallOptions call)
        {
            var final = _arm.SendLongRunning(RequestMethod.Patch, id.Id, ApiVersions.CognitiveServices, patch, LroFinalState.OriginalUri, call);
            return final != null && final["id"] != null ? AoaiAccount.FromJson(final) : Get(id, call);
        }

        /// <summary>
        /// Accounts_ListKeys. The keys come back in the response body, which the ARM trace never shows; the caller keeps
        /// them only as long as it needs them. 400 when key (local) auth is disabled.
        /// </summary>
        public AccountKeys ListKeys(AccountId id, ArmCallOptions call) =>
            AccountKeys.From(_arm.Send(RequestMethod.Post, id.Id + "/listKeys", ApiVersions.CognitiveServices, null, call), id);

        /// <summary>
        /// Accounts_RegenerateKey for "Key1" or "Key2": the old value stops working at once. Answers with both keys; the
        /// spec's example also shows a 202 without them, in which case they are listed afterwards.
        /// </summary>
        public AccountKeys RegenerateKey(AccountId id, string keyName, ArmCallOptions call)
        {
            var body = new JsonObject { ["keyName"] = keyName };
            var answer = _arm.Send(RequestMethod.Post, id.Id + "/regenerateKey", ApiVersions.CognitiveServices, body, call);
            return answer?["key1"] != null && answer["key2"] != null ? AccountKeys.From(answer, id) : ListKeys(id, call);
        }

        /// <summary>Resource group names of a subscription (for tab completion).</summary>
        public IEnumerable<string> ListResourceGroupNames(string subscriptionId, ArmCallOptions call)
        {
            foreach (var json in _arm.List($"/subscriptions/{subscriptionId}/resourcegroups", ApiVersions.ResourceGroups, call))
            {
                var name = Json.Str(json["name"]);
                if (name != null) yield return name;
            }
        }
    }

    /// <summary>
    /// An account's two API keys. Internal and never written to any stream: ToString hides the values, so even an
    /// accidental interpolation shows no key.
    /// </summary>
    internal sealed class AccountKeys
    {
        private AccountKeys(string key1, string key2)
        {
            Key1 = key1;
            Key2 = key2;
        }

        public string Key1 { get; }
        public string Key2 { get; }

        /// <summary>"Key1" or "Key2" (case-insensitive).</summary>
        public string Get(string keyName) =>
            string.Equals(keyName, "Key1", StringComparison.OrdinalIgnoreCase) ? Key1
            : string.Equals(keyName, "Key2", StringComparison.OrdinalIgnoreCase) ? Key2
            : throw new ArgumentException($"'{keyName}' is not Key1 or Key2.", nameof(keyName));

        public override string ToString() => "AccountKeys (values hidden)";

        internal static AccountKeys From(JsonObject? json, AccountId id)
        {
            var key1 = Json.Str(json?["key1"]);
            var key2 = Json.Str(json?["key2"]);
            if (string.IsNullOrEmpty(key1) || string.IsNullOrEmpty(key2))
                throw new ArmRequestException($"ARM POST {id.Id}/listKeys answered without both keys.", 0, "InvalidResponse", null, null, null, "POST", id.Id);
            return new AccountKeys(key1!, key2!);
        }
    }
}
