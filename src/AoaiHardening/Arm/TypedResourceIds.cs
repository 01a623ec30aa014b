using System;
using Azure.Core;

namespace AoaiHardening.Arm
{
    /// <summary>
    /// The parse every typed resource id shares (subnets, vaults): a well-formed /subscriptions/…/resourceGroups/… id of
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
}
