using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using AoaiHardening.Arm;
using AoaiHardening.Model;
using AoaiHardening.Rules.Input;
using AoaiHardening.Services;

namespace AoaiHardening.Rules
{
    /// <summary>
    /// What a customer-managed key needs (shared/reference/facts.md, "Customer-managed keys"), written once: the rules
    /// AOAI-ENC-002..004 judge an account's vault and key with these checks, and Enable-/Update-AoaiCustomerManagedKey run
    /// the same checks as their preflight, so a key the cmdlets accept is a key the rules pass.
    /// </summary>
    internal static class CustomerManagedKeys
    {
        public const string VaultsType = KeyVaultResourceId.ResourceType;
        public const string KeysType = "Microsoft.KeyVault/vaults/keys";
        public const string KeySourceVault = "Microsoft.KeyVault";
        public const string KeySourceMicrosoft = "Microsoft.CognitiveServices";

        /// <summary>Access-policy key permissions the account's identity needs.</summary>
        public static readonly string[] KeyPermissions = { "get", "wrapKey", "unwrapKey" };

        /// <summary>The role granted on RBAC vaults: Key Vault Crypto Service Encryption User.</summary>
        public const string EncryptionUserRole = "e147488a-f6f5-4113-8e2d-b22465e65bf6";

        /// <summary>
        /// Built-in roles that already let an identity get, wrap and unwrap keys: an identity holding one needs no new grant.
        /// Crypto Service Encryption User, Crypto User, Crypto Officer, Administrator.
        /// </summary>
        public static readonly string[] KeyAccessRoles =
        {
            EncryptionUserRole, "12338af0-0e69-4776-bea7-57ae8d297424", "14b46e9e-c2b7-41b4-b07b-48a6ebf60603", "00482a5a-887f-4fb3-b363-3b7fe8e74483",
        };

        /// <summary>An unmet requirement: what is wrong, as "name=value", and how to meet it.</summary>
        internal sealed class Problem
        {
            public Problem(string reason, string message, string actual, string remedy)
            {
                Reason = reason;
                Message = message;
                Actual = actual;
                Remedy = remedy;
            }

            /// <summary>The ErrorId suffix (AoaiHardening.Encryption.&lt;Reason&gt;).</summary>
            public string Reason { get; }
            public string Message { get; }
            public string Actual { get; }
            public string Remedy { get; }
        }

        public static bool IsCustomerManaged(string? keySource) => Json.EqualsIgnoreCase(keySource ?? KeySourceMicrosoft, KeySourceVault);

        /// <summary>
        /// A property of a vault or key (case-insensitive, REST and Get-AzResource shapes alike); a template expression
        /// throws NotEvaluatedException, which the engine reports as NotEvaluated (live JSON never holds one).
        /// </summary>
        private static JsonNode? Prop(JsonObject resource, string name) => new AccountFacts(resource).Node("properties." + name);

        /// <summary>Soft delete: on unless set off (Key Vault's default since 2020).</summary>
        public static bool SoftDeleteEnabled(JsonObject vault) => Json.Bool(Prop(vault, "enableSoftDelete")) ?? true;

        /// <summary>Purge protection: off unless set.</summary>
        public static bool PurgeProtectionEnabled(JsonObject vault) => Json.Bool(Prop(vault, "enablePurgeProtection")) ?? false;

        /// <summary>An RSA key's size in bits; null for EC keys.</summary>
        public static int? KeySize(JsonObject key) => Prop(key, "keySize") is JsonValue v && v.TryGetValue<int>(out var size) ? size : (int?)null;

        private static string Name(JsonObject resource) => Json.Str(resource["name"]) ?? "(vault)";

        /// <summary>Soft delete (on unless set off: Key Vault's default) and purge protection (off unless set).</summary>
        public static Problem? Recoverability(JsonObject vault)
        {
            var softDelete = SoftDeleteEnabled(vault);
            var purge = PurgeProtectionEnabled(vault);
            if (softDelete && purge) return null;
            var missing = string.Join(" and ", new[] { softDelete ? null : "soft delete", purge ? null : "purge protection" }.Where(m => m != null));
            return new Problem("VaultNotRecoverable",
                $"Key vault '{Name(vault)}' lacks {missing}: a deleted vault or key could not be recovered, and the data it encrypts would be lost.",
                $"enableSoftDelete={Lower(softDelete)}, enablePurgeProtection={Lower(purge)}",
                $"Turn on {missing} on the vault (both are irreversible), e.g. Update-AzKeyVault -VaultName {Name(vault)} -EnablePurgeProtection.");
        }

        /// <summary>The vault must be in the account's region (names compared as ARM does: case and spaces ignored).</summary>
        public static Problem? Region(JsonObject vault, string? accountLocation)
        {
            var location = Json.Str(vault["location"]);
            if (accountLocation == null || location == null || NormalizeLocation(location) == NormalizeLocation(accountLocation)) return null;
            return new Problem("VaultRegionMismatch",
                $"Key vault '{Name(vault)}' is in {location}, the account in {accountLocation}: customer-managed keys must come from a vault in the account's region.",
                $"vault location={location}, account location={accountLocation}",
                $"Use a key from a vault in {accountLocation}.");
        }

        /// <summary>The vault must be in the account's Microsoft Entra tenant (skipped when either tenant is unknown).</summary>
        public static Problem? Tenant(JsonObject vault, string? accountTenant)
        {
            if (accountTenant == null) return null;
            var tenant = Json.StringOnly(Prop(vault, "tenantId"));
            if (tenant == null || Json.EqualsIgnoreCase(tenant, accountTenant)) return null;
            return new Problem("VaultTenantMismatch",
                $"Key vault '{Name(vault)}' belongs to tenant {tenant}, the account to tenant {accountTenant}: the vault must be in the account's tenant.",
                $"vault tenantId={tenant}, account tenantId={accountTenant}",
                $"Use a key from a vault in tenant {accountTenant}.");
        }

        /// <summary>
        /// A firewall that denies by default must let trusted Microsoft services through, or the account cannot reach the key.
        /// (With public access disabled, the bypass still admits trusted services.)
        /// </summary>
        public static Problem? Firewall(JsonObject vault)
        {
            var acls = Prop(vault, "networkAcls") as JsonObject;
            var denies = Json.EqualsIgnoreCase(Json.Str(Prop(vault, "publicNetworkAccess")), "Disabled") || Json.EqualsIgnoreCase(Json.Str(acls?["defaultAction"]), "Deny");
            var bypass = Json.Str(acls?["bypass"]) ?? "AzureServices";
            if (!denies || Json.EqualsIgnoreCase(bypass, "AzureServices")) return null;
            return new Problem("VaultFirewallBlocksService",
                $"Key vault '{Name(vault)}' has a firewall that does not let trusted Microsoft services through: the account could not reach the key.",
                $"publicNetworkAccess={Json.Str(Prop(vault, "publicNetworkAccess")) ?? "Enabled"}, networkAcls.defaultAction={Json.Str(acls?["defaultAction"]) ?? "Allow"}, networkAcls.bypass={bypass}",
                $"Allow trusted Microsoft services on the vault's firewall (networkAcls.bypass = AzureServices), e.g. Update-AzKeyVaultNetworkRuleSet -VaultName {Name(vault)} -Bypass AzureServices.");
        }

        /// <summary>
        /// RSA or RSA-HSM of at least 2048 bits; with <paramref name="exactFor"/> = "OpenAI" and an OpenAI account, exactly
        /// 2048 (the Azure OpenAI doc; Foundry allows larger keys). Null when supported.
        /// </summary>
        public static Problem? KeyType(JsonObject key, string? kind, bool exactForOpenAi)
        {
            var kty = Json.Str(Prop(key, "kty")) ?? "(unknown)";
            var size = KeySize(key);
            var name = Json.Str(key["name"]) ?? "(key)";
            var actual = size == null ? $"kty={kty}" : $"kty={kty}, keySize={size}";
            var rsa = Json.EqualsIgnoreCase(kty, "RSA") || Json.EqualsIgnoreCase(kty, "RSA-HSM");
            var exact = exactForOpenAi && Json.EqualsIgnoreCase(kind, "OpenAI");
            if (rsa && size != null && (exact ? size == 2048 : size >= 2048)) return null;
            var required = exact ? "an RSA or RSA-HSM key of size 2048 (Azure OpenAI)" : "an RSA or RSA-HSM key of at least 2048 bits";
            return new Problem("UnsupportedKey",
                $"Key '{name}' ({actual}) is not supported: customer-managed keys must be {required}.",
                actual,
                $"Use {required}, e.g. Add-AzKeyVaultKey -KeyType RSA -Size 2048.");
        }

        /// <summary>The key version must be enabled and not expired, or the service cannot use it.</summary>
        public static Problem? KeyUsable(JsonObject key, DateTimeOffset now)
        {
            var attributes = Prop(key, "attributes") as JsonObject;
            var name = Json.Str(key["name"]) ?? "(key)";
            if (Json.Bool(attributes?["enabled"]) == false)
                return new Problem("KeyDisabled", $"Key '{name}' is disabled: the service cannot wrap or unwrap with it.", "enabled=false",
                    "Enable the key version, or choose another version.");
            if (attributes?["exp"] is JsonValue exp && exp.TryGetValue<long>(out var seconds) && DateTimeOffset.FromUnixTimeSeconds(seconds) <= now)
                return new Problem("KeyExpired", $"Key '{name}' expired on {DateTimeOffset.FromUnixTimeSeconds(seconds):u}.", $"exp={DateTimeOffset.FromUnixTimeSeconds(seconds):u}",
                    "Create a new key version (rotate the key) and move the account to it with Update-AoaiCustomerManagedKey.");
            return null;
        }

        /// <summary>Every vault requirement (recoverable, region, tenant, firewall): the unmet ones, in that order.</summary>
        public static IReadOnlyList<Problem> VaultProblems(JsonObject vault, string? accountLocation, string? accountTenant) =>
            new[] { Recoverability(vault), Region(vault, accountLocation), Tenant(vault, accountTenant), Firewall(vault) }
                .Where(p => p != null).Select(p => p!).ToList();

        /// <summary>Every key requirement as the cmdlets apply it (type and size, exact for OpenAI; enabled and unexpired).</summary>
        public static IReadOnlyList<Problem> KeyProblems(JsonObject key, string? kind, DateTimeOffset now) =>
            new[] { KeyType(key, kind, exactForOpenAi: true), KeyUsable(key, now) }
                .Where(p => p != null).Select(p => p!).ToList();

        /// <summary>True when the vault authorizes with Azure RBAC (access policies are then ignored).</summary>
        public static bool UsesRbac(JsonObject vault) => Json.Bool(Prop(vault, "enableRbacAuthorization")) ?? false;

        /// <summary>The access-policy key permissions the principal lacks (empty when it has get, wrapKey and unwrapKey, or "all").</summary>
        public static IReadOnlyList<string> MissingKeyPermissions(JsonObject vault, string principalId)
        {
            var granted = Json.Objects(Prop(vault, "accessPolicies"))
                .Where(p => Json.EqualsIgnoreCase(Json.Str(p["objectId"]), principalId) && p["applicationId"] == null)
                .SelectMany(p => Json.Strings((p["permissions"] as JsonObject)?["keys"]))
                .ToList();
            if (granted.Any(g => Json.EqualsIgnoreCase(g, "all"))) return Array.Empty<string>();
            return KeyPermissions.Where(k => !granted.Any(g => Json.EqualsIgnoreCase(g, k))).ToList();
        }

        /// <summary>The vault's host as accounts name it (vaultUri), else "{name}.{suffix}".</summary>
        public static string? VaultHost(JsonObject vault) =>
            KeyVaultKeyUri.HostOf(Json.Str(Prop(vault, "vaultUri")));

        public static string NormalizeLocation(string location) => location.Replace(" ", string.Empty).ToLowerInvariant();

        private static string Lower(bool value) => value ? "true" : "false";

        // ------------------------------------------------------------------ rules

        /// <summary>The account's vault among the related vaults: by vaultUri host, else (templates) by name.</summary>
        private static InputResource? VaultOf(RuleContext c, IReadOnlyList<InputResource> vaults, string host)
        {
            var name = host.Split('.')[0];
            return vaults.FirstOrDefault(v => Json.EqualsIgnoreCase(VaultHost(v.Json), host))
                ?? vaults.FirstOrDefault(v => VaultHost(v.Json) == null && Json.EqualsIgnoreCase(ResourceIds.LastSegment(v.Name), name));
        }

        /// <summary>Shared preconditions: CMK on, a vault URI to follow, and the vaults (null outcome = go on).</summary>
        private static RuleOutcome? Precondition(RuleContext c, out string host)
        {
            host = string.Empty;
            if (!IsCustomerManaged(c.Facts.String("properties.encryption.keySource", KeySourceMicrosoft)))
                return RuleOutcome.NotApplicable("The account does not use a customer-managed key.");
            var uri = c.Facts.String("properties.encryption.keyVaultProperties.keyVaultUri");
            var parsed = KeyVaultKeyUri.HostOf(uri);
            if (parsed == null)
                return RuleOutcome.NotEvaluated(uri == null
                    ? "The account uses a customer-managed key but names no vault (keyVaultProperties.keyVaultUri is empty)."
                    : $"The account's keyVaultProperties.keyVaultUri '{uri}' is not a URI.");
            host = parsed;
            return null;
        }

        private static RuleOutcome NoVault(string host, bool typeKnown) => RuleOutcome.NotEvaluated(typeKnown
            ? $"The customer-managed key's vault {host} was not found (not in the input, or not in a subscription you can read)."
            : $"The input holds no key vaults ({VaultsType}): export the vault with the account, or evaluate live.");

        /// <summary>AOAI-ENC-002: the vault has soft delete and purge protection.</summary>
        public static IEnumerable<RuleOutcome> EvaluateRecoverable(RuleContext c)
        {
            if (Precondition(c, out var host) is RuleOutcome early) return new[] { early };
            var vaults = c.Related(VaultsType);
            var vault = vaults == null ? null : VaultOf(c, vaults, host);
            if (vault == null) return new[] { NoVault(host, vaults != null) };
            const string Expected = "enableSoftDelete=true, enablePurgeProtection=true";
            var problem = Recoverability(vault.Json);
            var target = $"key vault {vault.Id}";
            return new[]
            {
                problem == null
                    ? RuleOutcome.Pass($"Key vault '{vault.Name}' has soft delete and purge protection.", Expected, Expected, target)
                    : RuleOutcome.Fail(problem.Message, problem.Actual, Expected, target),
            };
        }

        /// <summary>AOAI-ENC-003: the key is RSA / RSA-HSM of at least 2048 bits.</summary>
        public static IEnumerable<RuleOutcome> EvaluateKeyType(RuleContext c)
        {
            if (Precondition(c, out var host) is RuleOutcome early) return new[] { early };
            var keyName = c.Facts.String("properties.encryption.keyVaultProperties.keyName");
            if (string.IsNullOrEmpty(keyName)) return new[] { RuleOutcome.NotEvaluated("The account uses a customer-managed key but names no key (keyVaultProperties.keyName is empty).") };
            var keys = c.Related(KeysType);
            if (keys == null) return new[] { RuleOutcome.NotEvaluated($"The input holds no key vault keys ({KeysType}): export the key with the vault, or evaluate live.") };
            var vaultName = host.Split('.')[0];
            var key = keys.FirstOrDefault(k => Json.EqualsIgnoreCase(KeyNameOf(k), keyName) && KeyIsIn(k, vaultName));
            if (key == null) return new[] { RuleOutcome.NotEvaluated($"Key '{keyName}' of vault {host} was not found (not in the input, or not readable).") };
            const string Expected = "kty=RSA or RSA-HSM, keySize>=2048";
            var problem = KeyType(key.Json, c.Facts.String("kind"), exactForOpenAi: false);
            var target = $"key {key.Id}";
            var actual = Json.Str(Prop(key.Json, "keySize")) is string size ? $"kty={Json.Str(Prop(key.Json, "kty"))}, keySize={size}" : $"kty={Json.Str(Prop(key.Json, "kty"))}";
            return new[]
            {
                problem == null
                    ? RuleOutcome.Pass($"Key '{keyName}' is a supported RSA key ({actual}).", actual, Expected, target)
                    : RuleOutcome.Fail(problem.Message, problem.Actual, Expected, target),
            };
        }

        /// <summary>
        /// The key's name: the segment after /keys/ in its id (a version's id goes on with /versions/{v}, and its name is
        /// the version), else the last segment of its name (templates: "vault/key").
        /// </summary>
        private static string KeyNameOf(InputResource key)
        {
            var segments = ResourceIds.Key(key.Id).Split('/');
            var at = Array.FindLastIndex(segments, s => Json.EqualsIgnoreCase(s, "keys"));
            return at >= 0 && at + 1 < segments.Length ? segments[at + 1] : ResourceIds.LastSegment(key.Name);
        }

        /// <summary>The key's vault is the one named (by the id's vault segment; REST ids and template names both have it).</summary>
        private static bool KeyIsIn(InputResource key, string vaultName)
        {
            var marker = "/vaults/" + vaultName + "/keys/";
            return key.Id.IndexOf(marker, StringComparison.OrdinalIgnoreCase) >= 0
                || key.Name.StartsWith(vaultName + "/", StringComparison.OrdinalIgnoreCase);
        }

        /// <summary>AOAI-ENC-004: the vault is in the account's region and tenant.</summary>
        public static IEnumerable<RuleOutcome> EvaluateRegionAndTenant(RuleContext c)
        {
            if (Precondition(c, out var host) is RuleOutcome early) return new[] { early };
            var vaults = c.Related(VaultsType);
            var vault = vaults == null ? null : VaultOf(c, vaults, host);
            if (vault == null) return new[] { NoVault(host, vaults != null) };
            var location = c.Facts.String("location");
            var tenant = c.Facts.String("identity.tenantId");
            var problems = new[] { Region(vault.Json, location), Tenant(vault.Json, tenant) }.Where(p => p != null).Select(p => p!).ToList();
            var target = $"key vault {vault.Id}";
            var expected = tenant == null ? $"location={location}" : $"location={location}, tenantId={tenant}";
            var actual = $"location={Json.Str(vault.Json["location"])}" + (tenant == null ? string.Empty : $", tenantId={Json.StringOnly(Prop(vault.Json, "tenantId"))}");
            if (problems.Count == 0)
                return new[] { RuleOutcome.Pass($"Key vault '{vault.Name}' is in the account's region{(tenant == null ? string.Empty : " and tenant")}.", actual, expected, target) };
            return new[] { RuleOutcome.Fail(string.Join(" ", problems.Select(p => p.Message)), actual, expected, target) };
        }

        // ------------------------------------------------------------------ live readers

        /// <summary>Live: the account's vault (one list per subscription, shared by every account of the scan).</summary>
        public static IReadOnlyList<InputResource> ReadVault(KeyVaultService vaults, AoaiAccount account, ArmCallOptions call)
        {
            var vault = FindVault(vaults, account, call);
            return vault == null ? Array.Empty<InputResource>() : new[] { ToInput(vault, VaultsType) };
        }

        /// <summary>Live: the key the account uses, at its pinned version (or the current one); read once per scan.</summary>
        public static IReadOnlyList<InputResource> ReadKey(KeyVaultService vaults, AoaiAccount account, ArmCallOptions call)
        {
            var vault = FindVault(vaults, account, call);
            if (vault == null || string.IsNullOrEmpty(account.KeyName)) return Array.Empty<InputResource>();
            var vaultId = Json.Str(vault["id"])!;
            try
            {
                var key = vaults.GetKeyShared(vaultId, account.KeyName!, account.KeyVersion, call);
                return key == null ? Array.Empty<InputResource>() : new[] { ToInput(key, KeysType) };
            }
            catch (ArmRequestException ex)
            {
                throw new RelatedReadException($"reading key '{account.KeyName}' of the vault of '{account.Name}' failed ({ex.Status} {ex.ErrorCode}): {ex.Message}", ex);
            }
        }

        private static JsonObject? FindVault(KeyVaultService vaults, AoaiAccount account, ArmCallOptions call)
        {
            var host = KeyVaultKeyUri.HostOf(account.KeyVaultUri);
            if (!IsCustomerManaged(account.EncryptionKeySource) || host == null) return null;
            try
            {
                return vaults.FindVaultByHost(host, account.SubscriptionId, call);
            }
            catch (ArmRequestException ex)
            {
                throw new RelatedReadException($"finding the key vault {host} of '{account.Name}' failed ({ex.Status} {ex.ErrorCode}): {ex.Message}", ex);
            }
        }

        private static InputResource ToInput(JsonObject json, string type) =>
            new InputResource(Json.Str(json["id"]) ?? string.Empty, type, Json.Str(json["name"]) ?? string.Empty, json, null);
    }
}
