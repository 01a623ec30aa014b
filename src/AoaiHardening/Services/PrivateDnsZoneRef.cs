using System;
using System.Text.RegularExpressions;
using AoaiHardening.Arm;

namespace AoaiHardening.Services
{
    /// <summary>
    /// A private DNS zone named on the command line: a zone name (created in the chosen resource group when missing) or an
    /// existing zone's resource id (a hub's zone, reused and never created).
    /// </summary>
    internal sealed class PrivateDnsZoneRef
    {
        private const string ZoneSegment = "/providers/Microsoft.Network/privateDnsZones/";

        // DNS names: labels of 1-63 letters, digits and '-', not starting or ending with '-'; at least two labels; ≤ 253 chars.
        private static readonly Regex DnsName = new Regex(@"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$",
            RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

        private PrivateDnsZoneRef(string id, string name, string resourceGroupName, bool mustExist)
        {
            Id = id;
            Name = name;
            ResourceGroupName = resourceGroupName;
            MustExist = mustExist;
        }

        public string Id { get; }
        public string Name { get; }
        public string ResourceGroupName { get; }

        /// <summary>Named by resource id: use it as it is, never create it.</summary>
        public bool MustExist { get; }

        /// <summary>Checks a zone name or zone resource id and returns it in canonical form (names lower-cased); throws ArgumentException.</summary>
        public static string Validate(string value)
        {
            if (value != null && value.StartsWith("/", StringComparison.Ordinal))
            {
                var at = value.IndexOf(ZoneSegment, StringComparison.OrdinalIgnoreCase);
                var scope = at > 0 && ArmScope.TryParse(value.Substring(0, at), out var parsed) ? parsed : null;
                var name = at > 0 ? value.Substring(at + ZoneSegment.Length) : string.Empty;
                if (scope == null || scope.Level != AoaiScopeLevel.ResourceGroup || !DnsName.IsMatch(name))
                    throw new ArgumentException($"'{value}' is not a private DNS zone resource id: expected /subscriptions/<id>/resourceGroups/<group>{ZoneSegment}<zone name>.");
                return value.TrimEnd('/');
            }
            if (value == null || !DnsName.IsMatch(value.TrimEnd('.')))
                throw new ArgumentException($"'{value}' is not a DNS zone name (e.g. privatelink.openai.azure.com) nor a private DNS zone resource id.");
            return value.TrimEnd('.').ToLowerInvariant();
        }

        /// <summary>A validated zone argument, placed in the given subscription and resource group when it is a bare name.</summary>
        public static PrivateDnsZoneRef From(string validated, string subscriptionId, string resourceGroupName)
        {
            var at = validated.IndexOf(ZoneSegment, StringComparison.OrdinalIgnoreCase);
            if (at > 0)
            {
                var scope = ArmScope.Parse(validated.Substring(0, at));
                return new PrivateDnsZoneRef(validated, validated.Substring(at + ZoneSegment.Length).ToLowerInvariant(), scope.ResourceGroupName!, mustExist: true);
            }
            return new PrivateDnsZoneRef($"/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}{ZoneSegment}{validated}", validated, resourceGroupName, mustExist: false);
        }

        /// <summary>The zone name at the end of a zone resource id ("" when there is none).</summary>
        public static string NameOf(string? zoneId)
        {
            if (zoneId == null) return string.Empty;
            var at = zoneId.IndexOf(ZoneSegment, StringComparison.OrdinalIgnoreCase);
            return at >= 0 ? zoneId.Substring(at + ZoneSegment.Length).TrimEnd('/').ToLowerInvariant() : string.Empty;
        }
    }
}
