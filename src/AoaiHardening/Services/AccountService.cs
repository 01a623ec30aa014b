using System.Collections.Generic;
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
        /// PATCH only the given fields (Accounts_Update is an LRO with ARM's default final state) and return the
        /// account as it is afterwards. The spec declares no If-Match on accounts, so none is sent.
        /// </summary>
        public AoaiAccount Patch(AccountId id, JsonObject patch, ArmCallOptions call)
        {
            var final = _arm.SendLongRunning(RequestMethod.Patch, id.Id, ApiVersions.CognitiveServices, patch, LroFinalState.OriginalUri, call);
            return final != null && final["id"] != null ? AoaiAccount.FromJson(final) : Get(id, call);
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
}
