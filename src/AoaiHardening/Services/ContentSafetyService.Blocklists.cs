using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using Azure.Core;
using AoaiHardening.Arm;

namespace AoaiHardening.Services
{
    /// <summary>Custom blocklists and their items (arm-api.md §1, RaiBlocklists_* and RaiBlocklistItems_*).</summary>
    internal sealed partial class ContentSafetyService
    {
        /// <summary>The batch add takes at most 100 items per call; the batch delete is sent in the same chunks.</summary>
        public const int BlocklistBatchSize = 100;

        public static string BlocklistPath(AccountId account, string name) => $"{account.Id}/raiBlocklists/{name}";

        public IEnumerable<JsonObject> ListBlocklists(AccountId account, ArmCallOptions call) =>
            _arm.List(account.Id + "/raiBlocklists", ApiVersions.CognitiveServices, call);

        /// <summary>
        /// The blocklist, or null when it does not exist. A missing account (404 ParentResourceNotFound) is not "no
        /// blocklist": it throws, so the caller reports the account rather than creating into nothing.
        /// </summary>
        public JsonObject? GetBlocklist(AccountId account, string name, ArmCallOptions call)
        {
            try
            {
                return _arm.Get(BlocklistPath(account, name), ApiVersions.CognitiveServices, call);
            }
            catch (ArmRequestException ex) when (ex.Status == 404 && ex.ErrorCode != "ParentResourceNotFound")
            {
                return null;
            }
        }

        public IEnumerable<JsonObject> ListBlocklistItems(AccountId account, string name, ArmCallOptions call) =>
            _arm.List(BlocklistPath(account, name) + "/raiBlocklistItems", ApiVersions.CognitiveServices, call);

        /// <summary>RaiBlocklists_CreateOrUpdate is synchronous (200/201 with the blocklist).</summary>
        public JsonObject PutBlocklist(AccountId account, string name, JsonObject body, ArmCallOptions call) =>
            _arm.Send(RequestMethod.Put, BlocklistPath(account, name), ApiVersions.CognitiveServices, body, call)
            ?? _arm.Get(BlocklistPath(account, name), ApiVersions.CognitiveServices, call)!;

        /// <summary>
        /// RaiBlocklistItems_BatchAdd: POST <c>addRaiBlocklistItems</c> with <c>[{name, properties:{pattern,isRegex}}]</c>
        /// (at most <see cref="BlocklistBatchSize"/>). Returns the blocklist ARM answers with (null when the body is empty).
        /// </summary>
        public JsonObject? AddBlocklistItems(AccountId account, string name, IEnumerable<(string Name, string Pattern, bool IsRegex)> items, ArmCallOptions call)
        {
            var body = new JsonArray(items.Select(i => (JsonNode)new JsonObject
            {
                ["name"] = i.Name,
                ["properties"] = new JsonObject { ["pattern"] = i.Pattern, ["isRegex"] = i.IsRegex },
            }).ToArray());
            return _arm.Send(RequestMethod.Post, BlocklistPath(account, name) + "/addRaiBlocklistItems", ApiVersions.CognitiveServices, body, call);
        }

        /// <summary>RaiBlocklistItems_BatchDelete: POST <c>deleteRaiBlocklistItems</c> with the item names (204).</summary>
        public void DeleteBlocklistItems(AccountId account, string name, IEnumerable<string> itemNames, ArmCallOptions call) =>
            _arm.Send(RequestMethod.Post, BlocklistPath(account, name) + "/deleteRaiBlocklistItems", ApiVersions.CognitiveServices,
                new JsonArray(itemNames.Select(n => (JsonNode)JsonValue.Create(n)!).ToArray()), call);

        /// <summary>RaiBlocklists_Delete: an LRO (202 with Location, or 204), final state through Location.</summary>
        public void DeleteBlocklist(AccountId account, string name, ArmCallOptions call) =>
            _arm.SendLongRunning(RequestMethod.Delete, BlocklistPath(account, name), ApiVersions.CognitiveServices, null, LroFinalState.Location, call);
    }
}
