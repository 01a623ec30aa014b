using System;
using System.Linq;
using System.Text.Json.Nodes;
using AoaiHardening.Arm;

namespace AoaiHardening.Model
{
    /// <summary>
    /// A content filter (Microsoft.CognitiveServices/accounts/raiPolicies): custom (UserManaged) or system
    /// (SystemManaged: Microsoft.Default, Microsoft.DefaultV2). RawJson keeps the resource exactly as received.
    /// </summary>
    public sealed class AoaiContentFilterPolicy
    {
        public string Id { get; private set; } = string.Empty;
        public string Name { get; private set; } = string.Empty;
        public string AccountName { get; private set; } = string.Empty;
        /// <summary>The account's resource id (binds to the account cmdlets' -ResourceId).</summary>
        public string AccountId { get; private set; } = string.Empty;
        public string ResourceGroupName { get; private set; } = string.Empty;
        /// <summary>UserManaged or SystemManaged.</summary>
        public string? Type { get; private set; }
        public bool IsSystem => string.Equals(Type, "SystemManaged", StringComparison.OrdinalIgnoreCase) || Name.StartsWith("Microsoft.", StringComparison.OrdinalIgnoreCase);
        /// <summary>Default, Deferred, Blocking or Asynchronous_filter.</summary>
        public string? Mode { get; private set; }
        public string? BasePolicyName { get; private set; }
        public AoaiContentFilter[] ContentFilters { get; private set; } = Array.Empty<AoaiContentFilter>();
        public AoaiPolicyBlocklist[] CustomBlocklists { get; private set; } = Array.Empty<AoaiPolicyBlocklist>();
        public string? Etag { get; private set; }
        public string RawJson { get; private set; } = "{}";

        internal JsonObject Resource { get; private set; } = new JsonObject();

        public override string ToString() => Id;

        internal static AoaiContentFilterPolicy FromJson(JsonObject json, AccountId account)
        {
            var props = json["properties"] as JsonObject;
            return new AoaiContentFilterPolicy
            {
                Id = Json.Str(json["id"]) ?? $"{account.Id}/raiPolicies/{Json.Str(json["name"])}",
                Name = Json.Str(json["name"]) ?? string.Empty,
                AccountName = account.Name,
                AccountId = account.Id,
                ResourceGroupName = account.ResourceGroupName,
                Type = Json.Str(props?["type"]),
                Mode = Json.Str(props?["mode"]),
                BasePolicyName = Json.Str(props?["basePolicyName"]),
                ContentFilters = Json.Objects(props?["contentFilters"]).Select(AoaiContentFilter.FromJson).ToArray(),
                CustomBlocklists = Json.Objects(props?["customBlocklists"]).Select(AoaiPolicyBlocklist.FromJson).ToArray(),
                Etag = Json.Str(json["etag"]),
                RawJson = json.ToJsonString(),
                Resource = json,
            };
        }
    }

    /// <summary>One filter entry of a policy: a category on one source (Prompt or Completion).</summary>
    public sealed class AoaiContentFilter
    {
        public string? Name { get; private set; }
        /// <summary>Prompt or Completion.</summary>
        public string? Source { get; private set; }
        public bool Enabled { get; private set; }
        public bool Blocking { get; private set; }
        /// <summary>Low, Medium or High for the four harm categories; null for the other filters.</summary>
        public string? SeverityThreshold { get; private set; }

        public override string ToString() =>
            $"{Name}/{Source}: " + (!Enabled ? "off" : (Blocking ? "block" : "annotate") + (SeverityThreshold != null ? " " + SeverityThreshold : string.Empty));

        internal static AoaiContentFilter FromJson(JsonObject json) => new AoaiContentFilter
        {
            Name = Json.Str(json["name"]),
            Source = Json.Str(json["source"]),
            Enabled = Json.Bool(json["enabled"]) ?? false,
            Blocking = Json.Bool(json["blocking"]) ?? false,
            SeverityThreshold = Json.Str(json["severityThreshold"]),
        };
    }

    /// <summary>A custom blocklist attached to a policy, for prompts or completions.</summary>
    public sealed class AoaiPolicyBlocklist
    {
        public string? BlocklistName { get; private set; }
        public string? Source { get; private set; }
        public bool Blocking { get; private set; }

        public override string ToString() => $"{BlocklistName}/{Source}" + (Blocking ? string.Empty : " (annotate)");

        internal static AoaiPolicyBlocklist FromJson(JsonObject json) => new AoaiPolicyBlocklist
        {
            BlocklistName = Json.Str(json["blocklistName"]),
            Source = Json.Str(json["source"]),
            Blocking = Json.Bool(json["blocking"]) ?? false,
        };
    }
}
