using System;
using System.Text.RegularExpressions;

namespace AoaiHardening.Arm
{
    /// <summary>Where an Azure RBAC assignment can live, from the broadest to the narrowest.</summary>
    public enum AoaiScopeLevel
    {
        Root,
        ManagementGroup,
        Subscription,
        ResourceGroup,
        Resource,
    }

    /// <summary>
    /// A validated role assignment scope: the tenant root "/", a management group, a subscription, a resource group or
    /// a resource under one. Validated before any request, so a typo never becomes a write at an unexpected scope.
    /// </summary>
    internal sealed class ArmScope
    {
        private static readonly Regex ManagementGroup = new Regex(@"^/providers/Microsoft\.Management/managementGroups/(?<mg>[-\w.()]{1,90})$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        private static readonly Regex Subscription = new Regex(@"^/subscriptions/(?<sub>[0-9a-fA-F-]{36})$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        private static readonly Regex Group = new Regex(@"^/subscriptions/(?<sub>[0-9a-fA-F-]{36})/resourceGroups/(?<rg>[-\w._()]{1,90})$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        // A resource: provider namespace, then type/name pairs (nested types allowed).
        private static readonly Regex Resource = new Regex(@"^/subscriptions/(?<sub>[0-9a-fA-F-]{36})/resourceGroups/(?<rg>[-\w._()]{1,90})/providers/[A-Za-z][\w.]*(/[^/\s]+/[^/\s]+)+$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        private ArmScope(string value, AoaiScopeLevel level, string? subscriptionId, string? resourceGroupName)
        {
            Value = value;
            Level = level;
            SubscriptionId = subscriptionId;
            ResourceGroupName = resourceGroupName;
        }

        public string Value { get; }
        public AoaiScopeLevel Level { get; }
        public string? SubscriptionId { get; }
        public string? ResourceGroupName { get; }

        public override string ToString() => Value;

        /// <summary>Parses a scope; throws ArgumentException saying what a scope looks like.</summary>
        public static ArmScope Parse(string scope)
        {
            if (TryParse(scope, out var parsed)) return parsed!;
            throw new ArgumentException($"'{scope}' is not a role assignment scope: expected '/', /providers/Microsoft.Management/managementGroups/<name>, " +
                "/subscriptions/<id>, /subscriptions/<id>/resourceGroups/<group> or a resource id.");
        }

        public static bool TryParse(string? scope, out ArmScope? parsed)
        {
            parsed = null;
            if (string.IsNullOrEmpty(scope) || scope!.Trim() != scope || scope.IndexOf("//", StringComparison.Ordinal) >= 0) return false;
            if (scope == "/")
            {
                parsed = new ArmScope("/", AoaiScopeLevel.Root, null, null);
                return true;
            }
            var value = scope.TrimEnd('/');
            Match m;
            if ((m = ManagementGroup.Match(value)).Success) parsed = new ArmScope(value, AoaiScopeLevel.ManagementGroup, null, null);
            else if ((m = Subscription.Match(value)).Success && IsGuid(m)) parsed = new ArmScope(value, AoaiScopeLevel.Subscription, m.Groups["sub"].Value, null);
            else if ((m = Group.Match(value)).Success && IsGuid(m)) parsed = new ArmScope(value, AoaiScopeLevel.ResourceGroup, m.Groups["sub"].Value, m.Groups["rg"].Value);
            else if ((m = Resource.Match(value)).Success && IsGuid(m)) parsed = new ArmScope(value, AoaiScopeLevel.Resource, m.Groups["sub"].Value, m.Groups["rg"].Value);
            return parsed != null;
        }

        /// <summary>The level of a scope ARM returned (lenient: anything unrecognised counts as a resource).</summary>
        public static AoaiScopeLevel LevelOf(string? scope) => TryParse(scope, out var parsed) ? parsed!.Level : AoaiScopeLevel.Resource;

        public static bool SameScope(string? a, string? b) =>
            string.Equals(a?.TrimEnd('/'), b?.TrimEnd('/'), StringComparison.OrdinalIgnoreCase) || (a == "/" && b == "/");

        private static bool IsGuid(Match m) => Guid.TryParseExact(m.Groups["sub"].Value, "D", out _);
    }
}
