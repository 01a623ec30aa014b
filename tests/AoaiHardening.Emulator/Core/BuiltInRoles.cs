using System.Text.Json.Nodes;

namespace AoaiHardening.Emulator.Core;

/// <summary>One built-in role: its fixed GUID (the same in every tenant) and a single permission block.</summary>
internal sealed record RoleDefinition(
    string Id, string RoleName, string Description,
    string[] Actions, string[] NotActions, string[] DataActions, string[] NotDataActions)
{
    /// <summary>
    /// The 2022-04-01 shape (GetRoleDefinitionById.json). <paramref name="subscriptionId"/> null renders the
    /// tenant-level id (<c>/providers/…</c>), as ARM does for management group and root scopes.
    /// </summary>
    public JsonObject Render(string? subscriptionId) => new()
    {
        ["id"] = BuiltInRoles.ResourceId(Id, subscriptionId),
        ["name"] = Id,
        ["type"] = BuiltInRoles.Type,
        ["properties"] = new JsonObject
        {
            ["roleName"] = RoleName,
            ["type"] = "BuiltInRole",
            ["description"] = Description,
            ["assignableScopes"] = new JsonArray("/"),
            ["permissions"] = new JsonArray(new JsonObject
            {
                ["actions"] = Strings(Actions),
                ["notActions"] = Strings(NotActions),
                ["dataActions"] = Strings(DataActions),
                ["notDataActions"] = Strings(NotDataActions),
            }),
            ["createdOn"] = BuiltInRoles.CreatedOn,
            ["updatedOn"] = BuiltInRoles.UpdatedOn,
            ["createdBy"] = null,
            ["updatedBy"] = null,
        },
    };

    private static JsonArray Strings(string[] values) => new([.. values.Select(v => (JsonNode)JsonValue.Create(v))]);
}

/// <summary>
/// The built-in roles the emulator knows, with the permissions Microsoft Learn's "Azure built-in roles" pages
/// publish for them (AI + machine learning, Privileged, General, Security, Storage). Enough for the roles an
/// Azure OpenAI deployment grants or audits; any other GUID is RoleDefinitionDoesNotExist, as for a typo in Azure.
/// </summary>
internal static class BuiltInRoles
{
    public const string Type = "Microsoft.Authorization/roleDefinitions";

    // Azure keeps per-role dates; one fixed pair is enough for clients that only parse them.
    public const string CreatedOn = "2015-02-02T21:55:09.8806423Z";
    public const string UpdatedOn = "2024-11-13T19:25:01.2738475Z";

    public const string Owner = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";
    public const string Contributor = "b24988ac-6180-42a0-ab88-20f7382dd24c";
    public const string Reader = "acdd72a7-3385-48ef-bd42-f606fba81ae7";
    public const string UserAccessAdministrator = "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9";
    public const string CognitiveServicesOpenAIUser = "5e0bd9bd-7b93-4f28-af87-19fc36ad61bd";
    public const string CognitiveServicesOpenAIContributor = "a001fd3d-188f-4b5d-821b-7da978bf7442";
    public const string CognitiveServicesContributor = "25fbc0a9-bd7c-42a3-aa1a-3b75d497ee68";
    public const string CognitiveServicesUser = "a97b65f3-24c7-4388-baec-2e87135dc908";
    public const string CognitiveServicesUsagesReader = "bba48692-92b0-4667-a9ad-c31c7b334ac2";
    public const string KeyVaultCryptoServiceEncryptionUser = "e147488a-f6f5-4113-8e2d-b22465e65bf6";
    public const string KeyVaultCryptoOfficer = "14b46e9e-c2b7-41b4-b07b-48a6ebf60603";
    public const string KeyVaultSecretsOfficer = "b86a8fe4-44ce-4948-aee5-eccb2c155cd7";
    public const string KeyVaultCryptoUser = "12338af0-0e69-4776-bea7-57ae8d297424";
    public const string KeyVaultAdministrator = "00482a5a-887f-4fb3-b363-3b7fe8e74483";
    public const string SearchIndexDataReader = "1407120a-92aa-4202-b7e9-c0e197c71c8f";
    public const string SearchIndexDataContributor = "8ebe5a00-799e-43f5-93ac-243d3dce84a7";
    public const string SearchServiceContributor = "7ca78c08-252a-4471-8644-bb5ff32d4ba0";
    public const string StorageBlobDataContributor = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";
    public const string StorageBlobDataReader = "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1";

    private const string OpenAI = "Microsoft.CognitiveServices/accounts/OpenAI";

    // The management-plane reads several data roles share (Key Vault officers, Search Service Contributor…).
    private static readonly string[] KeyVaultOfficerActions =
    [
        "Microsoft.Authorization/*/read", "Microsoft.Insights/alertRules/*", "Microsoft.Resources/deployments/*",
        "Microsoft.Resources/subscriptions/resourceGroups/read", "Microsoft.Support/*",
        "Microsoft.KeyVault/checkNameAvailability/read", "Microsoft.KeyVault/deletedVaults/read",
        "Microsoft.KeyVault/locations/*/read", "Microsoft.KeyVault/vaults/*/read", "Microsoft.KeyVault/operations/read",
    ];

    private const string KeyVaultRbacOnly = " Only works for key vaults that use the 'Azure role-based access control' permission model.";

    public static readonly IReadOnlyList<RoleDefinition> All =
    [
        new(Owner, "Owner",
            "Grants full access to manage all resources, including the ability to assign roles in Azure RBAC.",
            ["*"], [], [], []),
        new(Contributor, "Contributor",
            "Grants full access to manage all resources, but does not allow you to assign roles in Azure RBAC, manage assignments in Azure Blueprints, or share image galleries.",
            ["*"],
            ["Microsoft.Authorization/*/Delete", "Microsoft.Authorization/*/Write", "Microsoft.Authorization/elevateAccess/Action",
             "Microsoft.Blueprint/blueprintAssignments/write", "Microsoft.Blueprint/blueprintAssignments/delete",
             "Microsoft.Compute/galleries/share/action", "Microsoft.Purview/consents/write", "Microsoft.Purview/consents/delete"],
            [], []),
        new(Reader, "Reader", "View all resources, but does not allow you to make any changes.", ["*/read"], [], [], []),
        new(UserAccessAdministrator, "User Access Administrator", "Lets you manage user access to Azure resources.",
            ["*/read", "Microsoft.Authorization/*", "Microsoft.Support/*"], [], [], []),
        new(CognitiveServicesOpenAIUser, "Cognitive Services OpenAI User",
            "Ability to view files, models, deployments. Readers can't make any changes They can inference and create images",
            ["Microsoft.CognitiveServices/*/read", "Microsoft.Authorization/roleAssignments/read", "Microsoft.Authorization/roleDefinitions/read"],
            [],
            [$"{OpenAI}/*/read", $"{OpenAI}/engines/completions/action", $"{OpenAI}/engines/search/action",
             $"{OpenAI}/engines/generate/action", $"{OpenAI}/deployments/audio/action", $"{OpenAI}/deployments/search/action",
             $"{OpenAI}/deployments/completions/action", $"{OpenAI}/deployments/chat/completions/action",
             $"{OpenAI}/deployments/realtime/action", $"{OpenAI}/deployments/extensions/chat/completions/action",
             $"{OpenAI}/deployments/embeddings/action", $"{OpenAI}/images/generations/action", $"{OpenAI}/assistants/*"],
            [$"{OpenAI}/stored-completions/read"]),
        new(CognitiveServicesOpenAIContributor, "Cognitive Services OpenAI Contributor",
            "Full access including the ability to fine-tune, deploy and generate text",
            ["Microsoft.CognitiveServices/*/read", "Microsoft.CognitiveServices/accounts/deployments/write",
             "Microsoft.CognitiveServices/accounts/deployments/delete", "Microsoft.CognitiveServices/accounts/raiPolicies/read",
             "Microsoft.CognitiveServices/accounts/raiPolicies/write", "Microsoft.CognitiveServices/accounts/raiPolicies/delete",
             "Microsoft.CognitiveServices/accounts/commitmentplans/read", "Microsoft.CognitiveServices/accounts/commitmentplans/write",
             "Microsoft.CognitiveServices/accounts/commitmentplans/delete", "Microsoft.Authorization/roleAssignments/read",
             "Microsoft.Authorization/roleDefinitions/read"],
            [], [$"{OpenAI}/*"], []),
        new(CognitiveServicesContributor, "Cognitive Services Contributor",
            "Lets you create, read, update, delete and manage keys of Cognitive Services.",
            ["Microsoft.Authorization/*/read", "Microsoft.CognitiveServices/*", "Microsoft.Features/features/read",
             "Microsoft.Features/providers/features/read", "Microsoft.Features/providers/features/register/action",
             "Microsoft.Insights/alertRules/*", "Microsoft.Insights/diagnosticSettings/*", "Microsoft.Insights/logDefinitions/read",
             "Microsoft.Insights/metricdefinitions/read", "Microsoft.Insights/metrics/read",
             "Microsoft.ResourceHealth/availabilityStatuses/read", "Microsoft.Resources/deployments/*",
             "Microsoft.Resources/deployments/operations/read", "Microsoft.Resources/subscriptions/operationresults/read",
             "Microsoft.Resources/subscriptions/read", "Microsoft.Resources/subscriptions/resourcegroups/deployments/*",
             "Microsoft.Resources/subscriptions/resourceGroups/read", "Microsoft.Support/*"],
            [], [], []),
        new(CognitiveServicesUser, "Cognitive Services User", "Lets you read and list keys of Cognitive Services.",
            ["Microsoft.CognitiveServices/*/read", "Microsoft.CognitiveServices/accounts/listkeys/action",
             "Microsoft.Insights/alertRules/read", "Microsoft.Insights/diagnosticSettings/read", "Microsoft.Insights/logDefinitions/read",
             "Microsoft.Insights/metricdefinitions/read", "Microsoft.Insights/metrics/read",
             "Microsoft.ResourceHealth/availabilityStatuses/read", "Microsoft.Resources/deployments/operations/read",
             "Microsoft.Resources/subscriptions/operationresults/read", "Microsoft.Resources/subscriptions/read",
             "Microsoft.Resources/subscriptions/resourceGroups/read", "Microsoft.Support/*"],
            [], ["Microsoft.CognitiveServices/*"], []),
        new(CognitiveServicesUsagesReader, "Cognitive Services Usages Reader", "Minimal permission to view Cognitive Services usages.",
            ["Microsoft.CognitiveServices/locations/usages/read"], [], [], []),
        new(KeyVaultCryptoServiceEncryptionUser, "Key Vault Crypto Service Encryption User",
            "Read metadata of keys and perform wrap/unwrap operations." + KeyVaultRbacOnly,
            ["Microsoft.EventGrid/eventSubscriptions/write", "Microsoft.EventGrid/eventSubscriptions/read",
             "Microsoft.EventGrid/eventSubscriptions/delete"],
            [],
            ["Microsoft.KeyVault/vaults/keys/read", "Microsoft.KeyVault/vaults/keys/wrap/action", "Microsoft.KeyVault/vaults/keys/unwrap/action"],
            []),
        new(KeyVaultCryptoOfficer, "Key Vault Crypto Officer",
            "Perform any action on the keys of a key vault, except manage permissions." + KeyVaultRbacOnly,
            KeyVaultOfficerActions, [], ["Microsoft.KeyVault/vaults/keys/*", "Microsoft.KeyVault/vaults/keyrotationpolicies/*"], []),
        new(KeyVaultCryptoUser, "Key Vault Crypto User", "Perform cryptographic operations using keys." + KeyVaultRbacOnly,
            [], [],
            ["Microsoft.KeyVault/vaults/keys/read", "Microsoft.KeyVault/vaults/keys/update/action", "Microsoft.KeyVault/vaults/keys/backup/action",
             "Microsoft.KeyVault/vaults/keys/encrypt/action", "Microsoft.KeyVault/vaults/keys/decrypt/action", "Microsoft.KeyVault/vaults/keys/wrap/action",
             "Microsoft.KeyVault/vaults/keys/unwrap/action", "Microsoft.KeyVault/vaults/keys/sign/action", "Microsoft.KeyVault/vaults/keys/verify/action"],
            []),
        new(KeyVaultAdministrator, "Key Vault Administrator",
            "Perform all data plane operations on a key vault and all objects in it, including certificates, keys, and secrets. " +
            "Cannot manage key vault resources or manage role assignments." + KeyVaultRbacOnly,
            KeyVaultOfficerActions, [], ["Microsoft.KeyVault/vaults/*"], []),
        new(KeyVaultSecretsOfficer, "Key Vault Secrets Officer",
            "Perform any action on the secrets of a key vault, except manage permissions." + KeyVaultRbacOnly,
            KeyVaultOfficerActions, [], ["Microsoft.KeyVault/vaults/secrets/*"], []),
        new(SearchIndexDataReader, "Search Index Data Reader", "Grants read access to Azure Cognitive Search index data.",
            [], [], ["Microsoft.Search/searchServices/indexes/documents/read"], []),
        new(SearchIndexDataContributor, "Search Index Data Contributor", "Grants full access to Azure Cognitive Search index data.",
            [], [], ["Microsoft.Search/searchServices/indexes/documents/*"], []),
        new(SearchServiceContributor, "Search Service Contributor", "Lets you manage Search services, but not access to them.",
            ["Microsoft.Authorization/*/read", "Microsoft.Insights/alertRules/*", "Microsoft.ResourceHealth/availabilityStatuses/read",
             "Microsoft.Resources/deployments/*", "Microsoft.Resources/subscriptions/resourceGroups/read",
             "Microsoft.Search/searchServices/*", "Microsoft.Support/*"],
            [], [], []),
        new(StorageBlobDataContributor, "Storage Blob Data Contributor",
            "Allows for read, write and delete access to Azure Storage blob containers and data",
            ["Microsoft.Storage/storageAccounts/blobServices/containers/delete", "Microsoft.Storage/storageAccounts/blobServices/containers/read",
             "Microsoft.Storage/storageAccounts/blobServices/containers/write",
             "Microsoft.Storage/storageAccounts/blobServices/generateUserDelegationKey/action"],
            [],
            ["Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete",
             "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read",
             "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write",
             "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/move/action",
             "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/add/action"],
            []),
        new(StorageBlobDataReader, "Storage Blob Data Reader", "Allows for read access to Azure Storage blob containers and data",
            ["Microsoft.Storage/storageAccounts/blobServices/containers/read",
             "Microsoft.Storage/storageAccounts/blobServices/generateUserDelegationKey/action"],
            [], ["Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read"], []),
    ];

    private static readonly Dictionary<string, RoleDefinition> ById = All.ToDictionary(r => r.Id, StringComparer.OrdinalIgnoreCase);

    public static RoleDefinition? Find(string guid) => ById.GetValueOrDefault(guid);

    /// <summary><c>/subscriptions/{s}/providers/Microsoft.Authorization/roleDefinitions/{guid}</c>, or the tenant-level form without a subscription.</summary>
    public static string ResourceId(string guid, string? subscriptionId) =>
        (subscriptionId is null ? "" : $"/subscriptions/{subscriptionId}") + $"/providers/{Type}/{guid}";

    /// <summary>
    /// The role GUID of a role definition reference: <c>/subscriptions/{s}/providers/Microsoft.Authorization/roleDefinitions/{guid}</c>
    /// or <c>/providers/Microsoft.Authorization/roleDefinitions/{guid}</c> (ARM compares by the GUID); null for any other form.
    /// </summary>
    public static string? ParseReference(string? reference)
    {
        if (reference is null)
            return null;
        var parts = reference.Trim('/').Split('/');
        var shapeOk = parts.Length switch
        {
            4 => true,
            6 => parts[0].Equals("subscriptions", StringComparison.OrdinalIgnoreCase),
            _ => false,
        };
        if (!shapeOk || !parts[^4].Equals("providers", StringComparison.OrdinalIgnoreCase)
            || !parts[^3].Equals("Microsoft.Authorization", StringComparison.OrdinalIgnoreCase)
            || !parts[^2].Equals("roleDefinitions", StringComparison.OrdinalIgnoreCase)
            || !reference.StartsWith('/'))
            return null;
        return Guid.TryParse(parts[^1], out var guid) ? guid.ToString() : null;
    }
}
