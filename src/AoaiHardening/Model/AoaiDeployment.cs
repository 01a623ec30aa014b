using System;
using System.Text.Json.Nodes;
using AoaiHardening.Arm;

namespace AoaiHardening.Model
{
    /// <summary>
    /// A model deployment of an account (Microsoft.CognitiveServices/accounts/deployments): which model serves it, at
    /// what capacity, and which content filter (RAI policy) applies. RawJson keeps the resource exactly as received.
    /// </summary>
    public sealed class AoaiDeployment
    {
        public string Id { get; private set; } = string.Empty;
        public string Name { get; private set; } = string.Empty;
        public string AccountName { get; private set; } = string.Empty;
        /// <summary>The account's resource id (binds to the account cmdlets' -ResourceId).</summary>
        public string AccountId { get; private set; } = string.Empty;
        public string ResourceGroupName { get; private set; } = string.Empty;
        public string SubscriptionId { get; private set; } = string.Empty;
        public string? Model { get; private set; }
        public string? ModelVersion { get; private set; }
        public string? ModelFormat { get; private set; }
        public string? SkuName { get; private set; }
        public int? Capacity { get; private set; }
        /// <summary>The content filter (RAI policy) name; null when the deployment names none (the service default applies).</summary>
        public string? RaiPolicyName { get; private set; }
        public string? VersionUpgradeOption { get; private set; }
        public string? ProvisioningState { get; private set; }
        public string? Etag { get; private set; }
        public string RawJson { get; private set; } = "{}";

        internal JsonObject Resource { get; private set; } = new JsonObject();

        public override string ToString() => Id;

        internal static AoaiDeployment FromJson(JsonObject json, AccountId account)
        {
            var props = json["properties"] as JsonObject;
            var model = props?["model"] as JsonObject;
            var sku = json["sku"] as JsonObject;
            var capacity = sku?["capacity"] is JsonValue c && c.TryGetValue(out int value) ? value : (int?)null;
            return new AoaiDeployment
            {
                Id = Json.Str(json["id"]) ?? $"{account.Id}/deployments/{Json.Str(json["name"])}",
                Name = Json.Str(json["name"]) ?? string.Empty,
                AccountName = account.Name,
                AccountId = account.Id,
                ResourceGroupName = account.ResourceGroupName,
                SubscriptionId = account.SubscriptionId,
                Model = Json.Str(model?["name"]),
                ModelVersion = Json.Str(model?["version"]),
                ModelFormat = Json.Str(model?["format"]),
                SkuName = Json.Str(sku?["name"]),
                Capacity = capacity,
                RaiPolicyName = NullIfEmpty(Json.Str(props?["raiPolicyName"])),
                VersionUpgradeOption = Json.Str(props?["versionUpgradeOption"]),
                ProvisioningState = Json.Str(props?["provisioningState"]),
                Etag = Json.Str(json["etag"]),
                RawJson = json.ToJsonString(),
                Resource = json,
            };
        }

        private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
    }
}
