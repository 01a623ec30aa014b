using System.Text.Json.Nodes;
using AoaiHardening.Emulator.Core;

namespace AoaiHardening.Emulator.Providers;

/// <summary>
/// Customer-managed keys on an account write. Only a request that names <c>properties.encryption</c> is checked, on the
/// account as it will be after the request (identity included), before anything is stored; a refusal is a synchronous 400
/// that writes nothing. The codes are best guesses: Azure documents the rules (facts.md), not its error codes.
/// </summary>
internal sealed partial class CognitiveServicesProvider
{
    private const string MicrosoftManaged = "Microsoft.CognitiveServices";
    private const string CustomerManaged = "Microsoft.KeyVault";

    /// <summary>The roles that let an identity wrap and unwrap with a key of an RBAC vault.</summary>
    private static readonly string[] KeyWrappingRoles =
    [
        BuiltInRoles.KeyVaultCryptoServiceEncryptionUser, BuiltInRoles.KeyVaultCryptoOfficer,
        BuiltInRoles.KeyVaultCryptoUser, BuiltInRoles.KeyVaultAdministrator,
    ];

    private static readonly string[] WrapPermissions = ["get", "wrapKey", "unwrapKey"];

    /// <param name="request">The request body (read-only fields removed).</param>
    /// <param name="result">The account as it will be stored; Microsoft-managed keys lose keyVaultProperties here.</param>
    private void ApplyEncryption(JsonObject request, JsonObject result, string accountName)
    {
        if (request["properties"] is not JsonObject requested || !requested.ContainsKey("encryption"))
            return;
        if (result["properties"]?["encryption"] is not JsonObject encryption)
            return;
        var keySource = encryption.StringAt("keySource");
        if (MicrosoftManaged.Equals(keySource, StringComparison.OrdinalIgnoreCase))
            encryption.Remove("keyVaultProperties"); // Microsoft-managed keys carry none (a PATCH would otherwise keep the old ones)
        else if (CustomerManaged.Equals(keySource, StringComparison.OrdinalIgnoreCase))
            CheckCustomerManagedKey(result, encryption["keyVaultProperties"] as JsonObject, accountName);
    }

    /// <summary>The CMK rules, in order: properties, vault, identity, vault settings, access, network, key.</summary>
    private void CheckCustomerManagedKey(JsonObject account, JsonObject? keyVaultProperties, string accountName)
    {
        // a. what to use
        var vaultUri = keyVaultProperties.StringAt("keyVaultUri");
        var keyName = keyVaultProperties.StringAt("keyName");
        if (string.IsNullOrWhiteSpace(vaultUri) || string.IsNullOrWhiteSpace(keyName))
            throw Refuse("InvalidKeyVaultProperties",
                $"Account '{accountName}': encryption.keySource is Microsoft.KeyVault, so encryption.keyVaultProperties needs keyVaultUri and keyName " +
                $"(given: keyVaultUri '{vaultUri}', keyName '{keyName}').");
        if (!Uri.TryCreate(vaultUri, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
            throw Refuse("InvalidKeyVaultProperties",
                $"Account '{accountName}': keyVaultProperties.keyVaultUri '{vaultUri}' is not an https URI such as https://myvault.vault.azure.net/.");

        // b. the vault, anywhere in the tenant
        var host = uri.Host;
        var vault = state.Resources.Query(type: KeyVaultProvider.VaultType).FirstOrDefault(v =>
                        new Uri(KeyVaultProvider.VaultUri(v)).Host.Equals(host, StringComparison.OrdinalIgnoreCase))
                    ?? state.Resources.Query(type: KeyVaultProvider.VaultType).FirstOrDefault(v => v.Name.Equals(host.Split('.')[0], StringComparison.OrdinalIgnoreCase))
                    ?? throw Refuse("KeyVaultNotFound",
                        $"Account '{accountName}': the key vault '{vaultUri}' was not found in any subscription of tenant '{state.TenantId}'. " +
                        "Correct keyVaultProperties.keyVaultUri or create the vault.");

        // c. the identity that will unwrap the key
        var principal = EncryptionPrincipal(account, keyVaultProperties!.StringAt("identityClientId"), accountName, vault.Name);

        // d. vault settings
        if (!KeyVaultProvider.SoftDelete(vault.Body) || !KeyVaultProvider.PurgeProtection(vault.Body))
            throw Refuse("KeyVaultSoftDeleteOrPurgeProtectionDisabled",
                $"Key vault '{vault.Name}' must have soft delete and purge protection enabled to hold a customer-managed key " +
                $"(enableSoftDelete: {KeyVaultProvider.SoftDelete(vault.Body).ToString().ToLowerInvariant()}, " +
                $"enablePurgeProtection: {KeyVaultProvider.PurgeProtection(vault.Body).ToString().ToLowerInvariant()}). Enable both on the vault.");
        var accountLocation = Normalize(account.StringAt("location") ?? "");
        var vaultLocation = Normalize(vault.Body.StringAt("location") ?? "");
        if (accountLocation != vaultLocation)
            throw Refuse("KeyVaultRegionMismatch",
                $"Key vault '{vault.Name}' is in '{vaultLocation}' but account '{accountName}' is in '{accountLocation}': " +
                "the vault must be in the account's region.");
        var vaultTenant = vault.Body["properties"].StringAt("tenantId");
        if (!string.Equals(vaultTenant, state.TenantId, StringComparison.OrdinalIgnoreCase))
            throw Refuse("KeyVaultTenantMismatch",
                $"Key vault '{vault.Name}' belongs to tenant '{vaultTenant}', not to the account's tenant '{state.TenantId}'.");

        // e. access for that identity, under the vault's permission model
        var keyId = $"{vault.Id}/keys/{keyName}";
        if (KeyVaultProvider.Flag(vault.Body, "enableRbacAuthorization") == true)
        {
            var granted = state.RoleAssignments.All.Any(a =>
                a.PrincipalId.Equals(principal, StringComparison.OrdinalIgnoreCase)
                && KeyWrappingRoles.Contains(a.RoleDefinitionId, StringComparer.OrdinalIgnoreCase)
                && ArmScope.Parse(a.Scope)?.Contains(keyId, state.Tenant) == true);
            if (!granted)
                throw Refuse("KeyVaultAccessDenied",
                    $"The managed identity '{principal}' of account '{accountName}' cannot use key '{keyName}' of key vault '{vault.Name}', " +
                    "which uses Azure RBAC: assign it 'Key Vault Crypto Service Encryption User' " +
                    $"({BuiltInRoles.KeyVaultCryptoServiceEncryptionUser}) on the vault or the key.");
        }
        else
        {
            var entries = AccessPolicies(vault);
            var entry = entries.FirstOrDefault(e => e.ObjectId.Equals(principal, StringComparison.OrdinalIgnoreCase) && e.Grants("keys", WrapPermissions))
                        ?? entries.FirstOrDefault(e => e.ObjectId.Equals(principal, StringComparison.OrdinalIgnoreCase));
            if (entry is null || !entry.Grants("keys", WrapPermissions))
            {
                var has = entry?.Permissions.GetValueOrDefault("keys") ?? [];
                var missing = WrapPermissions.Where(p => !has.Contains(p, StringComparer.OrdinalIgnoreCase));
                throw Refuse("KeyVaultAccessDenied",
                    $"The managed identity '{principal}' of account '{accountName}' cannot use key '{keyName}' of key vault '{vault.Name}', " +
                    $"which uses access policies: add an access policy for object id '{principal}' with key permissions get, wrapKey and unwrapKey " +
                    $"(missing: {string.Join(", ", missing)}).");
            }
        }

        // f. the vault's firewall must let trusted Microsoft services through
        var properties = vault.Body["properties"] as JsonObject;
        var publicAccessOff = string.Equals(properties.StringAt("publicNetworkAccess"), "Disabled", StringComparison.OrdinalIgnoreCase);
        var firewallOn = string.Equals(properties?["networkAcls"].StringAt("defaultAction"), "Deny", StringComparison.OrdinalIgnoreCase);
        var bypass = properties?["networkAcls"].StringAt("bypass") ?? "";
        if ((publicAccessOff || firewallOn) && !bypass.Split(',').Any(b => b.Trim().Equals("AzureServices", StringComparison.OrdinalIgnoreCase)))
            throw Refuse("KeyVaultNetworkAccessDenied",
                $"Key vault '{vault.Name}' blocks public network access ({(publicAccessOff ? "publicNetworkAccess Disabled" : "networkAcls.defaultAction Deny")}) " +
                "without letting trusted Microsoft services bypass it: set networkAcls.bypass to AzureServices.");

        // g. the key itself
        var key = KeyVaultProvider.FindKey(state.Resources, vault, keyName)
                  ?? throw Refuse("KeyNotFound", $"Key '{keyName}' was not found in key vault '{vault.Name}'. Create it or correct keyVaultProperties.keyName.");
        var versionId = keyVaultProperties.StringAt("keyVersion");
        var version = string.IsNullOrEmpty(versionId)
            ? KeyVaultProvider.CurrentVersion(key)
            : KeyVaultProvider.FindVersion(key, versionId)
              ?? throw Refuse("KeyNotFound", $"Key '{keyName}' of key vault '{vault.Name}' has no version '{versionId}'. Correct keyVaultProperties.keyVersion or leave it empty for the current version.");
        if (version is null || !KeyVaultProvider.VersionEnabled(version))
            throw Refuse("KeyDisabled",
                $"Version '{version?.StringAt("version")}' of key '{keyName}' in key vault '{vault.Name}' is disabled. Enable it or use another version.");
        var kty = key.Body["properties"].StringAt("kty") ?? "";
        var size = key.Body["properties"]?["keySize"] is JsonValue s && s.TryGetValue<int>(out var bits) ? bits : 0;
        if (!(kty.Equals("RSA", StringComparison.OrdinalIgnoreCase) || kty.Equals("RSA-HSM", StringComparison.OrdinalIgnoreCase)) || size < 2048)
            throw Refuse("InvalidKeyType",
                $"Key '{keyName}' of key vault '{vault.Name}' is {kty}{(size > 0 ? $" {size}" : "")}: Azure OpenAI needs an RSA or RSA-HSM key of 2048 bits or more.");
    }

    /// <summary>
    /// The principal that will reach the vault: the user-assigned identity whose clientId is keyVaultProperties.identityClientId,
    /// else the system-assigned one.
    /// </summary>
    private static string EncryptionPrincipal(JsonObject account, string? identityClientId, string accountName, string vaultName)
    {
        var identity = account["identity"] as JsonObject;
        if (!string.IsNullOrWhiteSpace(identityClientId))
        {
            var match = (identity?["userAssignedIdentities"] as JsonObject)?
                .Select(e => e.Value as JsonObject)
                .FirstOrDefault(e => string.Equals(e.StringAt("clientId"), identityClientId, StringComparison.OrdinalIgnoreCase));
            return match.StringAt("principalId") ?? throw Refuse("InvalidIdentityClientId",
                $"keyVaultProperties.identityClientId '{identityClientId}' is not the client id of a user-assigned identity of account '{accountName}'. " +
                "Attach that identity (identity.userAssignedIdentities) in the same request or before, or leave identityClientId empty to use the system-assigned identity.");
        }
        var type = identity.StringAt("type") ?? "None";
        return type.Contains("SystemAssigned", StringComparison.OrdinalIgnoreCase) && identity.StringAt("principalId") is { } principal
            ? principal
            : throw Refuse("MissingIdentity",
                $"Account '{accountName}' has no system-assigned managed identity to reach key vault '{vaultName}' (identity type '{type}'). " +
                "Enable identity type SystemAssigned, or set keyVaultProperties.identityClientId to an attached user-assigned identity's client id.");
    }

    /// <summary>The vault's access policies; entries a seed spelled wrongly are simply not there.</summary>
    private static IReadOnlyList<AccessPolicyEntry> AccessPolicies(ArmResource vault)
    {
        try
        {
            return KeyVaultProvider.ParsePolicies(vault.Body["properties"]?["accessPolicies"] ?? new JsonArray()).Entries;
        }
        catch (ArmException)
        {
            return [];
        }
    }

    /// <summary>A CMK refusal: 400 (Azure sometimes answers an access problem with 403; the emulator keeps one status).</summary>
    private static ArmException Refuse(string code, string message) => ArmErrors.BadRequest(code, message);
}
