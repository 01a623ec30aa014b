using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using AoaiHardening.Arm;

namespace AoaiHardening.Model
{
    /// <summary>
    /// A custom content blocklist of an account (Microsoft.CognitiveServices/accounts/raiBlocklists) with its items
    /// (raiBlocklistItems): terms or regular expressions a content filter policy blocks when it names the blocklist.
    /// </summary>
    public sealed class AoaiContentBlocklist
    {
        public string Id { get; private set; } = string.Empty;
        public string Name { get; private set; } = string.Empty;
        public string AccountName { get; private set; } = string.Empty;
        /// <summary>The account's resource id (binds to the account cmdlets' -ResourceId).</summary>
        public string AccountId { get; private set; } = string.Empty;
        public string ResourceGroupName { get; private set; } = string.Empty;
        public string? Description { get; private set; }
        public AoaiContentBlocklistItem[] Items { get; private set; } = Array.Empty<AoaiContentBlocklistItem>();
        public string? Etag { get; private set; }

        /// <summary>The blocklist resource as received (without items), so a PUT can round-trip it.</summary>
        internal JsonObject Resource { get; private set; } = new JsonObject();

        public override string ToString() => Id;

        internal static AoaiContentBlocklist FromJson(JsonObject json, IEnumerable<JsonObject> items, AccountId account)
        {
            var name = LeafName(json);
            return new AoaiContentBlocklist
            {
                Id = Json.Str(json["id"]) ?? $"{account.Id}/raiBlocklists/{name}",
                Name = name,
                AccountName = account.Name,
                AccountId = account.Id,
                ResourceGroupName = account.ResourceGroupName,
                Description = Json.Str((json["properties"] as JsonObject)?["description"]),
                Items = items.Select(i => AoaiContentBlocklistItem.FromJson(i, name)).ToArray(),
                Etag = Json.Str(json["etag"]),
                Resource = json,
            };
        }

        /// <summary>The resource's own name: some RPs send a child's name as "parent/child".</summary>
        internal static string LeafName(JsonObject json)
        {
            var name = Json.Str(json["name"]) ?? string.Empty;
            var slash = name.LastIndexOf('/');
            return slash >= 0 ? name.Substring(slash + 1) : name;
        }
    }

    /// <summary>One item of a blocklist: an exact term, or a regular expression when IsRegex.</summary>
    public sealed class AoaiContentBlocklistItem
    {
        public string Id { get; private set; } = string.Empty;
        public string Name { get; private set; } = string.Empty;
        public string BlocklistName { get; private set; } = string.Empty;
        public string Pattern { get; private set; } = string.Empty;
        public bool IsRegex { get; private set; }

        public override string ToString() => IsRegex ? $"/{Pattern}/" : Pattern;

        internal static AoaiContentBlocklistItem FromJson(JsonObject json, string blocklistName)
        {
            var props = json["properties"] as JsonObject;
            return new AoaiContentBlocklistItem
            {
                Id = Json.Str(json["id"]) ?? string.Empty,
                Name = AoaiContentBlocklist.LeafName(json),
                BlocklistName = blocklistName,
                Pattern = Json.StringOnly(props?["pattern"]) ?? string.Empty,
                IsRegex = Json.Bool(props?["isRegex"]) ?? false,
            };
        }
    }
}
