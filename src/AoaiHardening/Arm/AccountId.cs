using System;
using System.Text.RegularExpressions;
using Azure.Core;

namespace AoaiHardening.Arm
{
    /// <summary>
    /// A validated Microsoft.CognitiveServices/accounts resource id. Parsing happens before any request so that bad
    /// input is refused without touching Azure.
    /// </summary>
    public sealed class AccountId
    {
        public const string ResourceType = "Microsoft.CognitiveServices/accounts";

        // Account names: 2-64 chars (arm-api.md §1); resource group names: 1-90 chars of word chars, '-', '.', '(', ')', not ending in '.'.
        private static readonly Regex AccountName = new Regex(@"^[a-zA-Z0-9][a-zA-Z0-9_.-]{1,63}$", RegexOptions.CultureInvariant);
        private static readonly Regex ResourceGroup = new Regex(@"^[-\w._()]{0,89}[-\w_()]$", RegexOptions.CultureInvariant);

        private AccountId(string subscriptionId, string resourceGroupName, string name)
        {
            SubscriptionId = subscriptionId;
            ResourceGroupName = resourceGroupName;
            Name = name;
        }

        public string SubscriptionId { get; }
        public string ResourceGroupName { get; }
        public string Name { get; }

        /// <summary>The canonical id (ARM casing of the type segments).</summary>
        public string Id => $"/subscriptions/{SubscriptionId}/resourceGroups/{ResourceGroupName}/providers/{ResourceType}/{Name}";

        public override string ToString() => Id;

        public static AccountId Create(string subscriptionId, string resourceGroupName, string name)
        {
            ValidateSubscriptionId(subscriptionId);
            ValidateResourceGroupName(resourceGroupName);
            if (name == null || !AccountName.IsMatch(name))
                throw new ArgumentException($"'{name}' is not a valid account name (2-64 characters: letters, digits, '_', '.', '-'; starting with a letter or digit).");
            return new AccountId(subscriptionId, resourceGroupName, name);
        }

        /// <summary>Parses an account resource id; throws ArgumentException saying what is wrong.</summary>
        public static AccountId Parse(string resourceId)
        {
            if (!TryParseIdentifier(resourceId, out var rid, out var reason)) throw new ArgumentException(reason);
            if (!string.Equals(rid!.ResourceType.ToString(), ResourceType, StringComparison.OrdinalIgnoreCase))
                throw new ArgumentException($"'{resourceId}' is a {rid.ResourceType} id, not a {ResourceType} id.");
            if (rid.Parent is null || !string.Equals(rid.Parent.ResourceType.ToString(), "Microsoft.Resources/resourceGroups", StringComparison.OrdinalIgnoreCase))
                throw new ArgumentException($"'{resourceId}' is not an account directly under a resource group.");
            return Create(rid.SubscriptionId!, rid.ResourceGroupName!, rid.Name);
        }

        /// <summary>Parses without throwing: false for anything that is not a deployed account's id (e.g. a template's synthetic id).</summary>
        public static bool TryParse(string resourceId, out AccountId? accountId)
        {
            try
            {
                accountId = Parse(resourceId);
                return true;
            }
            catch (ArgumentException)
            {
                accountId = null;
                return false;
            }
        }

        /// <summary>True when the string is a well-formed ARM id of some other resource type (pipeline input to skip, not an error).</summary>
        public static bool IsOtherResourceType(string resourceId) =>
            TryParseIdentifier(resourceId, out var rid, out _) &&
            !string.Equals(rid!.ResourceType.ToString(), ResourceType, StringComparison.OrdinalIgnoreCase);

        public static void ValidateSubscriptionId(string subscriptionId)
        {
            if (!Guid.TryParseExact(subscriptionId ?? string.Empty, "D", out _))
                throw new ArgumentException($"'{subscriptionId}' is not a valid subscription id (a GUID such as 00000000-0000-0000-0000-000000000000).");
        }

        public static void ValidateResourceGroupName(string resourceGroupName)
        {
            if (resourceGroupName == null || !ResourceGroup.IsMatch(resourceGroupName))
                throw new ArgumentException($"'{resourceGroupName}' is not a valid resource group name (1-90 characters: letters, digits, '_', '-', '.', '(', ')'; not ending in '.').");
        }

        private static bool TryParseIdentifier(string resourceId, out ResourceIdentifier? rid, out string reason)
        {
            rid = null;
            reason = string.Empty;
            if (string.IsNullOrWhiteSpace(resourceId) || !resourceId.StartsWith("/subscriptions/", StringComparison.OrdinalIgnoreCase) ||
                resourceId.IndexOf("//", StringComparison.Ordinal) >= 0 || resourceId.Trim() != resourceId)
            {
                reason = $"'{resourceId}' is not a resource id: expected /subscriptions/<id>/resourceGroups/<group>/providers/{ResourceType}/<name>.";
                return false;
            }
            if (!ResourceIdentifier.TryParse(resourceId.TrimEnd('/'), out var parsed) || parsed is null || parsed.SubscriptionId == null || parsed.ResourceGroupName == null)
            {
                reason = $"'{resourceId}' is not a resource id: expected /subscriptions/<id>/resourceGroups/<group>/providers/{ResourceType}/<name>.";
                return false;
            }
            rid = parsed;
            return true;
        }
    }
}
