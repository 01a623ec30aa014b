using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using AoaiHardening.Arm;
using AoaiHardening.Model;
using AoaiHardening.Services;

namespace AoaiHardening.Rules
{
    /// <summary>
    /// AOAI-NET-007 (rules.md): every approved private endpoint of the account has a private DNS zone group naming a
    /// privatelink zone Microsoft lists for the account's cloud and kind; otherwise the account's name keeps resolving to
    /// its public address. The cloud comes from the account's endpoint host, so exported JSON is judged like live state.
    /// </summary>
    internal static class PrivateDnsRules
    {
        public const string EndpointsType = "Microsoft.Network/privateEndpoints";
        public const string ZoneGroupsType = "Microsoft.Network/privateEndpoints/privateDnsZoneGroups";

        public static IEnumerable<RuleOutcome> Evaluate(RuleContext c)
        {
            var kind = c.Facts.String("kind");
            var cloud = AzureEnvironment.OfEndpoint(c.Facts.String("properties.endpoint"));
            var listed = cloud.PrivateLinkZonesFor(kind).Select(z => z.Name).ToList();
            var expected = listed.Count > 0
                ? $"a DNS zone group naming {string.Join(" or ", listed)}"
                : "a DNS zone group naming a privatelink.* zone (Microsoft lists none for this cloud)";

            List<string> endpointIds;
            if (c.IsTemplate)
            {
                // A template has no connection state: the endpoints it deploys to the account stand for approved ones.
                endpointIds = (c.Related(EndpointsType) ?? Array.Empty<Input.InputResource>()).Select(e => e.Id).ToList();
                if (endpointIds.Count == 0)
                    return new[] { RuleOutcome.NotApplicable("The template deploys no private endpoint to this account.") };
            }
            else
            {
                endpointIds = Json.Objects(c.Facts.Array("properties.privateEndpointConnections"))
                    .Where(pec => string.Equals(Json.Str(pec["properties"]?["privateLinkServiceConnectionState"]?["status"]), "Approved", StringComparison.OrdinalIgnoreCase))
                    .Select(pec => Json.Str(pec["properties"]?["privateEndpoint"]?["id"]))
                    .Where(id => !string.IsNullOrEmpty(id)).Select(id => id!)
                    .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
                if (endpointIds.Count == 0)
                    return new[] { RuleOutcome.NotApplicable("The account has no approved private endpoint (AOAI-NET-003 reports that).") };
            }

            var groups = c.Related(ZoneGroupsType);
            if (groups == null)
                return new[] { RuleOutcome.NotEvaluated("The input holds no private DNS zone groups (Microsoft.Network/privateEndpoints/privateDnsZoneGroups): export them with the private endpoints, or evaluate live.") };
            var endpoints = c.Related(EndpointsType) ?? Array.Empty<Input.InputResource>();

            var outcomes = new List<RuleOutcome>();
            var passes = new List<string>();
            foreach (var endpointId in endpointIds)
            {
                var prefix = endpointId.TrimEnd('/') + "/privateDnsZoneGroups/";
                var zones = groups.Where(g => g.Id.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                    .SelectMany(g => Json.Objects((g.Json["properties"] as JsonObject)?["privateDnsZoneConfigs"]))
                    .Select(config => ZoneName(config["properties"]?["privateDnsZoneId"]))
                    .Where(z => z.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
                var good = zones.Where(z => listed.Count > 0
                        ? listed.Contains(z, StringComparer.OrdinalIgnoreCase)
                        : z.StartsWith("privatelink.", StringComparison.OrdinalIgnoreCase)).ToList();
                var name = endpointId.Substring(endpointId.LastIndexOf('/') + 1);
                if (good.Count > 0)
                {
                    passes.Add($"{name}: {string.Join(", ", good)}");
                    continue;
                }
                var evidence = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["PrivateEndpointId"] = endpointId };
                var endpoint = endpoints.FirstOrDefault(e => ArmScope.SameScope(e.Id, endpointId));
                var subnetId = Json.StringOnly((endpoint?.Json["properties"] as JsonObject)?["subnet"]?["id"]);
                if (subnetId != null && !AccountFacts.IsExpression(endpoint!.Json["properties"]?["subnet"]?["id"])) evidence["SubnetId"] = subnetId;
                outcomes.Add(RuleOutcome.Fail(
                        zones.Count == 0
                            ? $"Private endpoint '{name}' has no private DNS zone group: the account's name still resolves to its public address."
                            : $"Private endpoint '{name}' registers only in {string.Join(", ", zones)}, none of which is where {cloud.Name} resolves the account's names.",
                        zones.Count == 0 ? $"{name}: no DNS zone group" : $"{name}: {string.Join(", ", zones)}", expected,
                        target: $"private endpoint {endpointId}")
                    .WithEvidence(evidence));
            }
            if (outcomes.Count > 0) return outcomes;
            return new[] { RuleOutcome.Pass($"Every approved private endpoint registers in private DNS ({string.Join("; ", passes)}).", string.Join("; ", passes), expected) };
        }

        /// <summary>The zone a config names: the last segment of a zone id, or the zone name quoted inside a template expression.</summary>
        private static string ZoneName(JsonNode? zoneId)
        {
            var text = Json.StringOnly(zoneId) ?? string.Empty;
            if (!AccountFacts.IsExpression(zoneId)) return PrivateDnsZoneRef.NameOf(text);
            // [resourceId('Microsoft.Network/privateDnsZones', 'privatelink.openai.azure.com')]
            var quoted = text.Split('\'').Where((_, i) => i % 2 == 1).LastOrDefault(s => s.StartsWith("privatelink.", StringComparison.OrdinalIgnoreCase));
            return quoted?.ToLowerInvariant() ?? string.Empty;
        }

        /// <summary>
        /// Live related data: the account's approved private endpoints (one GET each), and their DNS zone groups (one list
        /// each). Only Strict-baseline rules ask for these, so the Default scan pays nothing.
        /// </summary>
        public static IReadOnlyList<Input.InputResource> ReadEndpoints(NetworkService network, AoaiAccount account, ArmCallOptions call) =>
            Read(account, "private endpoints", id =>
            {
                var json = network.GetPrivateEndpoint(id, call);
                return json == null ? Enumerable.Empty<JsonObject>() : new[] { json };
            }, EndpointsType);

        public static IReadOnlyList<Input.InputResource> ReadZoneGroups(NetworkService network, AoaiAccount account, ArmCallOptions call) =>
            Read(account, "private DNS zone groups", id => network.ListPrivateDnsZoneGroups(id, call), ZoneGroupsType);

        private static IReadOnlyList<Input.InputResource> Read(AoaiAccount account, string what, Func<string, IEnumerable<JsonObject>> read, string type)
        {
            var result = new List<Input.InputResource>();
            foreach (var connection in account.PrivateEndpointConnections)
            {
                if (connection.PrivateEndpointId == null || !string.Equals(connection.Status, "Approved", StringComparison.OrdinalIgnoreCase)) continue;
                try
                {
                    foreach (var json in read(connection.PrivateEndpointId))
                        result.Add(new Input.InputResource(Json.Str(json["id"]) ?? string.Empty, type, Json.Str(json["name"]) ?? string.Empty, json, null));
                }
                catch (ArmRequestException ex) when (ex.Status == 404)
                {
                    // An approved connection whose endpoint is gone (or in a subscription not visible): nothing to read.
                }
                catch (ArmRequestException ex)
                {
                    throw new RelatedReadException($"reading the {what} of '{account.Name}' failed ({ex.Status} {ex.ErrorCode}): {ex.Message}", ex);
                }
            }
            return result;
        }
    }
}
