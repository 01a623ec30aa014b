using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using Azure.Core;
using AoaiHardening.Arm;
using AoaiHardening.Model;

namespace AoaiHardening.Services
{
    /// <summary>
    /// The REST knowledge of Microsoft.Network (virtual networks, subnets, private endpoints and their DNS zone groups,
    /// NSGs; 2025-07-01) and Microsoft.Network/privateDnsZones (2024-06-01): paths, api-versions and LRO shapes
    /// (arm-api.md §3). Reads return the JSON as received, so writes that must PUT can round-trip it.
    /// </summary>
    internal sealed class NetworkService
    {
        // A create must never overwrite a zone or link someone made between our read and our write.
        private static readonly IReadOnlyDictionary<string, string> CreateOnly = new Dictionary<string, string> { ["If-None-Match"] = "*" };

        private readonly ArmClient _arm;

        public NetworkService(ArmClient arm) => _arm = arm;

        // ------------------------------------------------------------ reads (null when the resource does not exist)

        public JsonObject? GetVirtualNetwork(string id, ArmCallOptions call) => _arm.GetOrNull(id, ApiVersions.Network, call);

        public JsonObject? GetSubnet(string id, ArmCallOptions call) => _arm.GetOrNull(id, ApiVersions.Network, call);

        public JsonObject? GetPrivateEndpoint(string id, ArmCallOptions call) => _arm.GetOrNull(id, ApiVersions.Network, call);

        public JsonObject? GetNetworkSecurityGroup(string id, ArmCallOptions call) => _arm.GetOrNull(id, ApiVersions.Network, call);

        public JsonObject? GetPrivateDnsZone(string id, ArmCallOptions call) => _arm.GetOrNull(id, ApiVersions.PrivateDns, call);

        public JsonObject? GetVirtualNetworkLink(string id, ArmCallOptions call) => _arm.GetOrNull(id, ApiVersions.PrivateDns, call);

        /// <summary>The private endpoints the account's connections name (rejected connections and deleted endpoints skipped), read lazily.</summary>
        public IEnumerable<JsonObject> ConnectedEndpoints(AoaiAccount account, ArmCallOptions call)
        {
            foreach (var connection in account.PrivateEndpointConnections)
            {
                if (connection.PrivateEndpointId == null || Json.EqualsIgnoreCase(connection.Status, "Rejected")) continue;
                if (GetPrivateEndpoint(connection.PrivateEndpointId, call) is JsonObject endpoint) yield return endpoint;
            }
        }

        public IReadOnlyList<JsonObject> ListPrivateDnsZoneGroups(string privateEndpointId, ArmCallOptions call) =>
            _arm.List(privateEndpointId + "/privateDnsZoneGroups", ApiVersions.Network, call).ToList();

        public IReadOnlyList<JsonObject> ListVirtualNetworkLinks(string zoneId, ArmCallOptions call) =>
            _arm.List(zoneId + "/virtualNetworkLinks", ApiVersions.PrivateDns, call).ToList();

        // ------------------------------------------------------------ writes (each an ARM LRO, awaited)

        /// <summary>privateEndpoints PUT: LRO, final state through Azure-AsyncOperation (arm-api.md §3).</summary>
        public JsonObject PutPrivateEndpoint(string id, JsonObject body, ArmCallOptions call) =>
            _arm.SendLongRunning(RequestMethod.Put, id, ApiVersions.Network, body, LroFinalState.AzureAsyncOperation, call)
            ?? _arm.Get(id, ApiVersions.Network, call)!;

        public JsonObject PutPrivateDnsZoneGroup(string id, JsonObject body, ArmCallOptions call) =>
            _arm.SendLongRunning(RequestMethod.Put, id, ApiVersions.Network, body, LroFinalState.AzureAsyncOperation, call)
            ?? _arm.Get(id, ApiVersions.Network, call)!;

        /// <summary>Creates a private DNS zone (location global), never replacing one that appeared meanwhile (If-None-Match).</summary>
        public JsonObject CreatePrivateDnsZone(string id, JsonObject? tags, ArmCallOptions call)
        {
            var body = new JsonObject { ["location"] = "global" };
            if (tags != null) body["tags"] = tags.DeepClone();
            return _arm.SendLongRunning(RequestMethod.Put, id, ApiVersions.PrivateDns, body, LroFinalState.OriginalUri, call, CreateOnly)
                ?? _arm.Get(id, ApiVersions.PrivateDns, call)!;
        }

        /// <summary>Links a zone to a virtual network with auto-registration off (the endpoint's zone group writes the A records).</summary>
        public JsonObject CreateVirtualNetworkLink(string id, string virtualNetworkId, ArmCallOptions call)
        {
            var body = new JsonObject
            {
                ["location"] = "global",
                ["properties"] = new JsonObject
                {
                    ["virtualNetwork"] = new JsonObject { ["id"] = virtualNetworkId },
                    ["registrationEnabled"] = false,
                },
            };
            return _arm.SendLongRunning(RequestMethod.Put, id, ApiVersions.PrivateDns, body, LroFinalState.OriginalUri, call, CreateOnly)
                ?? _arm.Get(id, ApiVersions.PrivateDns, call)!;
        }

        public JsonObject PutNetworkSecurityGroup(string id, JsonObject body, ArmCallOptions call) =>
            _arm.SendLongRunning(RequestMethod.Put, id, ApiVersions.Network, body, LroFinalState.AzureAsyncOperation, call)
            ?? _arm.Get(id, ApiVersions.Network, call)!;

        public JsonObject PutSecurityRule(string id, JsonObject body, ArmCallOptions call) =>
            _arm.SendLongRunning(RequestMethod.Put, id, ApiVersions.Network, body, LroFinalState.AzureAsyncOperation, call)
            ?? _arm.Get(id, ApiVersions.Network, call)!;

        /// <summary>Subnets have no PATCH: the caller sends the subnet as read, with only its change applied.</summary>
        public JsonObject PutSubnet(string id, JsonObject body, ArmCallOptions call) =>
            _arm.SendLongRunning(RequestMethod.Put, id, ApiVersions.Network, body, LroFinalState.AzureAsyncOperation, call)
            ?? _arm.Get(id, ApiVersions.Network, call)!;

    }
}
