using System;
using Azure.Core;

namespace AoaiHardening.Arm
{
    /// <summary>
    /// The parse every typed resource id shares (subnets, vaults, search services, storage accounts): a well-formed /subscriptions/…/resourceGroups/… id of
    /// exactly the expected type, whose names the caller's factory then validates; every failure an ArgumentException
    /// that quotes the input and says what was expected.
    /// </summary>
    internal static class TypedResourceIds
    {
        /// <param name="idNoun">What a malformed id is not ("subnet id").</param>
        /// <param name="typeNoun">What an id of another type is not ("subnet id").</param>
        /// <param name="expected">The expected shape ("expected /subscriptions/&lt;id&gt;/…").</param>
        public static T Parse<T>(string resourceId, string resourceType, string idNoun, string typeNoun, string expected, Func<ResourceIdentifier, T> create)
        {
            if (string.IsNullOrWhiteSpace(resourceId) || resourceId.Trim() != resourceId || resourceId.IndexOf("//", StringComparison.Ordinal) >= 0 ||
                !resourceId.StartsWith("/subscriptions/", StringComparison.OrdinalIgnoreCase) ||
                !ResourceIdentifier.TryParse(resourceId.TrimEnd('/'), out var rid) || rid is null || rid.Parent is null ||
                rid.SubscriptionId == null || rid.ResourceGroupName == null)
                throw new ArgumentException($"'{resourceId}' is not a {idNoun}: {expected}.");
            if (!string.Equals(rid.ResourceType.ToString(), resourceType, StringComparison.OrdinalIgnoreCase))
                throw new ArgumentException($"'{resourceId}' is a {rid.ResourceType} id, not a {typeNoun}: {expected}.");
            try
            {
                return create(rid);
            }
            catch (ArgumentException ex)
            {
                throw new ArgumentException($"'{resourceId}' is not a {idNoun}: {ex.Message}");
            }
        }
    }
    /// <summary>
    /// A validated id of a resource that sits directly in a resource group (a vault, a search service, a storage account):
    /// subscription, group and name, the id they make, and the checks every such type runs before its own name rule.
    /// </summary>
    public abstract class ResourceGroupResourceId
    {
        protected ResourceGroupResourceId(string subscriptionId, string resourceGroupName, string name)
        {
            SubscriptionId = subscriptionId;
            ResourceGroupName = resourceGroupName;
            Name = name;
        }

        public string SubscriptionId { get; }
        public string ResourceGroupName { get; }
        public string Name { get; }

        /// <summary>The resource type, e.g. Microsoft.KeyVault/vaults.</summary>
        protected abstract string Type { get; }

        public string Id => $"/subscriptions/{SubscriptionId}/resourceGroups/{ResourceGroupName}/providers/{Type}/{Name}";

        public override string ToString() => Id;

        /// <summary>The subscription and group rules of every such id, then the type's own name rule.</summary>
        protected static void Validate(string subscriptionId, string resourceGroupName, Action validateName)
        {
            AccountId.ValidateSubscriptionId(subscriptionId);
            AccountId.ValidateResourceGroupName(resourceGroupName);
            validateName();
        }
    }
}

namespace AoaiHardening.Arm
{
    /// <summary>
    /// A validated Microsoft.Search/searchServices resource id (On Your Data). Parsed before any request, so a typo is
    /// refused without touching Azure.
    /// </summary>
    public sealed class SearchServiceResourceId : ResourceGroupResourceId
    {
        public const string ResourceType = "Microsoft.Search/searchServices";

        // Search service names: 2-60 characters, lower-case letters, digits and '-'; no '-' first, last or twice in a row.
        private static readonly System.Text.RegularExpressions.Regex NamePattern =
            new System.Text.RegularExpressions.Regex(@"^[a-z0-9](?!.*--)[a-z0-9-]{0,58}[a-z0-9]$", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

        private SearchServiceResourceId(string subscriptionId, string resourceGroupName, string name) : base(subscriptionId, resourceGroupName, name)
        {
        }

        protected override string Type => ResourceType;

        public static SearchServiceResourceId Create(string subscriptionId, string resourceGroupName, string name)
        {
            Validate(subscriptionId, resourceGroupName, () =>
            {
                if (name == null || !NamePattern.IsMatch(name))
                    throw new ArgumentException($"'{name}' is not a valid search service name (2-60 characters: lower-case letters, digits and '-', not first, last or doubled).");
            });
            return new SearchServiceResourceId(subscriptionId, resourceGroupName, name);
        }

        /// <summary>Parses a search service id; throws ArgumentException saying what is wrong.</summary>
        public static SearchServiceResourceId Parse(string resourceId) =>
            TypedResourceIds.Parse(resourceId, ResourceType, "search service id", "search service id",
                "expected /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.Search/searchServices/<name>",
                rid => Create(rid.SubscriptionId!, rid.ResourceGroupName!, rid.Name));
    }

    /// <summary>A validated Microsoft.Storage/storageAccounts resource id (On Your Data), parsed before any request.</summary>
    public sealed class StorageAccountResourceId : ResourceGroupResourceId
    {
        public const string ResourceType = "Microsoft.Storage/storageAccounts";

        // Storage account names: 3-24 lower-case letters and digits.
        private static readonly System.Text.RegularExpressions.Regex NamePattern =
            new System.Text.RegularExpressions.Regex(@"^[a-z0-9]{3,24}$", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

        private StorageAccountResourceId(string subscriptionId, string resourceGroupName, string name) : base(subscriptionId, resourceGroupName, name)
        {
        }

        protected override string Type => ResourceType;

        public static StorageAccountResourceId Create(string subscriptionId, string resourceGroupName, string name)
        {
            Validate(subscriptionId, resourceGroupName, () =>
            {
                if (name == null || !NamePattern.IsMatch(name))
                    throw new ArgumentException($"'{name}' is not a valid storage account name (3-24 lower-case letters and digits).");
            });
            return new StorageAccountResourceId(subscriptionId, resourceGroupName, name);
        }

        /// <summary>Parses a storage account id; throws ArgumentException saying what is wrong.</summary>
        public static StorageAccountResourceId Parse(string resourceId) =>
            TypedResourceIds.Parse(resourceId, ResourceType, "storage account id", "storage account id",
                "expected /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.Storage/storageAccounts/<name>",
                rid => Create(rid.SubscriptionId!, rid.ResourceGroupName!, rid.Name));
    }
}
