using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using AoaiHardening.Arm;
using AoaiHardening.Model;

namespace AoaiHardening.Services
{
    /// <summary>Reads a private endpoint and its DNS zone groups (ARM JSON) into the module's output type.</summary>
    internal static class PrivateEndpoints
    {
        public static AoaiPrivateEndpoint ToModel(JsonObject endpoint, IEnumerable<JsonObject> zoneGroups, string accountId, string accountName, IEnumerable<string> changes)
        {
            var id = Json.Str(endpoint["id"]) ?? string.Empty;
            var props = endpoint["properties"] as JsonObject;
            var subnetId = Json.Str(props?["subnet"]?["id"]) ?? string.Empty;
            var connection = Json.Objects(props?["privateLinkServiceConnections"]).Concat(Json.Objects(props?["manualPrivateLinkServiceConnections"]))
                .FirstOrDefault(c => ArmScope.SameScope(Json.Str(c["properties"]?["privateLinkServiceId"]), accountId));
            var dnsConfigs = Json.Objects(props?["customDnsConfigs"]).ToList();
            var configs = zoneGroups.SelectMany(g => Json.Objects(g["properties"]?["privateDnsZoneConfigs"])).ToList();
            var records = configs.SelectMany(c => Json.Objects(c["properties"]?["recordSets"]).Select(r => new AoaiDnsRecord
            {
                Fqdn = (Json.Str(r["fqdn"]) ?? string.Empty).TrimEnd('.'),
                ZoneName = PrivateDnsZoneRef.NameOf(Json.Str(c["properties"]?["privateDnsZoneId"])),
                RecordSetName = Json.Str(r["recordSetName"]) ?? string.Empty,
                RecordType = Json.Str(r["recordType"]) ?? "A",
                IpAddresses = Json.Strings(r["ipAddresses"]),
                Ttl = r["ttl"] is JsonValue ttl && ttl.TryGetValue(out int t) ? t : (int?)null,
            })).ToArray();
            var subnetAt = subnetId.IndexOf("/subnets/", StringComparison.OrdinalIgnoreCase);
            return new AoaiPrivateEndpoint
            {
                Name = Json.Str(endpoint["name"]) ?? id.Substring(id.LastIndexOf('/') + 1),
                PrivateEndpointId = id,
                ResourceGroupName = ArmScope.TryParse(id, out var scope) ? scope!.ResourceGroupName ?? string.Empty : string.Empty,
                Location = Json.Str(endpoint["location"]),
                AccountId = accountId,
                AccountName = accountName,
                SubnetId = subnetId,
                VirtualNetworkId = subnetAt > 0 ? subnetId.Substring(0, subnetAt) : string.Empty,
                ConnectionStatus = Json.Str(connection?["properties"]?["privateLinkServiceConnectionState"]?["status"]),
                ProvisioningState = Json.Str(props?["provisioningState"]),
                PrivateIpAddresses = dnsConfigs.SelectMany(d => Json.Strings(d["ipAddresses"])).Concat(records.SelectMany(r => r.IpAddresses))
                    .Distinct(StringComparer.OrdinalIgnoreCase).ToArray(),
                Fqdns = dnsConfigs.Select(d => Json.Str(d["fqdn"])).Where(f => !string.IsNullOrEmpty(f)).Select(f => f!.TrimEnd('.'))
                    .Distinct(StringComparer.OrdinalIgnoreCase).ToArray(),
                PrivateDnsZoneIds = configs.Select(c => Json.Str(c["properties"]?["privateDnsZoneId"])).Where(z => z != null).Select(z => z!).ToArray(),
                DnsRecords = records,
                Changes = changes.ToArray(),
            };
        }

    }
}
