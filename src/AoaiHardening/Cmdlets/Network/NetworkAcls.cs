using System;
using System.Linq;
using System.Text.Json.Nodes;
using AoaiHardening.Arm;
using AoaiHardening.Model;

namespace AoaiHardening.Cmdlets.Network
{
    /// <summary>The account-side facts the network cmdlets share.</summary>
    internal static class NetworkAcls
    {
        /// <summary>
        /// The account's networkAcls as read, copied, for a PATCH that changes part of it. The whole object is sent:
        /// merge patch replaces arrays, and some resource providers replace nested objects on PATCH, so sending only the
        /// changed member could drop the existing rules. Unknown members are kept as they are.
        /// </summary>
        public static JsonObject Copy(AoaiAccount account) =>
            (account.Resource["properties"] as JsonObject)?["networkAcls"] is JsonObject acls
                ? (JsonObject)acls.DeepClone()
                : new JsonObject();

        public static bool HasApprovedPrivateEndpoint(AoaiAccount account) =>
            account.PrivateEndpointConnections.Any(c => Json.EqualsIgnoreCase(c.Status, "Approved"));

        /// <summary>"2 IP rules, 1 virtual network rule" (or "no IP or virtual network rule").</summary>
        public static string DescribeRules(AoaiAccount account)
        {
            if (account.IpRules.Length == 0 && account.VirtualNetworkRules.Length == 0) return "no IP or virtual network rule";
            return $"{Count(account.IpRules.Length, "IP rule")}, {Count(account.VirtualNetworkRules.Length, "virtual network rule")}";
        }

        private static string Count(int n, string noun) => $"{n} {noun}{(n == 1 ? string.Empty : "s")}";
    }
}
