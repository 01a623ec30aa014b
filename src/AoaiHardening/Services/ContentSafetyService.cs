using System.Collections.Generic;
using System.Text.Json.Nodes;
using Azure.Core;
using AoaiHardening.Arm;

namespace AoaiHardening.Services
{
    /// <summary>
    /// The REST knowledge of an account's content-safety children (arm-api.md §1.3–1.4): deployments, RAI (content
    /// filter) policies, blocklists and the location-scoped filter catalogue. Paths, api-version and LRO shapes live here;
    /// the cmdlets and the rule readers stay thin. Bodies are returned as received, so a PUT can round-trip them.
    /// </summary>
    internal sealed partial class ContentSafetyService
    {
        private readonly ArmClient _arm;

        public ContentSafetyService(ArmClient arm) => _arm = arm;

        public static string DeploymentPath(AccountId account, string name) => $"{account.Id}/deployments/{name}";
        public static string PolicyPath(AccountId account, string name) => $"{account.Id}/raiPolicies/{name}";

        // ------------------------------------------------------------------ deployments
        public IEnumerable<JsonObject> ListDeployments(AccountId account, ArmCallOptions call) =>
            _arm.List(account.Id + "/deployments", ApiVersions.CognitiveServices, call);

        /// <summary>The deployment, or null when it does not exist.</summary>
        public JsonObject? GetDeployment(AccountId account, string name, ArmCallOptions call) =>
            _arm.GetOrNull(DeploymentPath(account, name), ApiVersions.CognitiveServices, call);

        /// <summary>
        /// Deployments_CreateOrUpdate: a PUT of the whole deployment, an LRO whose final state comes through
        /// Azure-AsyncOperation (arm-api.md). Returns the deployment as it is afterwards.
        /// </summary>
        public JsonObject PutDeployment(AccountId account, string name, JsonObject body, ArmCallOptions call)
        {
            var path = DeploymentPath(account, name);
            var final = _arm.SendLongRunning(RequestMethod.Put, path, ApiVersions.CognitiveServices, body, LroFinalState.AzureAsyncOperation, call);
            return final != null && final["id"] != null ? final : _arm.Get(path, ApiVersions.CognitiveServices, call)!;
        }

        // ------------------------------------------------------------------ RAI policies
        /// <summary>Custom (UserManaged) and system (SystemManaged: Microsoft.Default, Microsoft.DefaultV2) policies.</summary>
        public IEnumerable<JsonObject> ListPolicies(AccountId account, ArmCallOptions call) =>
            _arm.List(account.Id + "/raiPolicies", ApiVersions.CognitiveServices, call);

        /// <summary>The policy, or null when it does not exist.</summary>
        public JsonObject? GetPolicy(AccountId account, string name, ArmCallOptions call) =>
            _arm.GetOrNull(PolicyPath(account, name), ApiVersions.CognitiveServices, call);

        /// <summary>RaiPolicies_CreateOrUpdate is synchronous (200/201 with the policy).</summary>
        public JsonObject PutPolicy(AccountId account, string name, JsonObject body, ArmCallOptions call) =>
            _arm.Send(RequestMethod.Put, PolicyPath(account, name), ApiVersions.CognitiveServices, body, call)
            ?? _arm.Get(PolicyPath(account, name), ApiVersions.CognitiveServices, call)!;

        // ------------------------------------------------------------------ filter catalogue
        /// <summary>RaiContentFilters_List for a region: the filter names a policy may use.</summary>
        public IEnumerable<JsonObject> ListContentFilters(string subscriptionId, string location, ArmCallOptions call) =>
            _arm.List($"/subscriptions/{subscriptionId}/providers/Microsoft.CognitiveServices/locations/{ArmLocation(location)}/raiContentFilters",
                ApiVersions.CognitiveServices, call);

        private static string ArmLocation(string location) => location.Replace(" ", string.Empty).ToLowerInvariant();
    }
}
