using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Text.Json.Nodes;
using AoaiHardening.Arm;
using AoaiHardening.Auth;
using AoaiHardening.Model;
using AoaiHardening.Rules;
using AoaiHardening.Rules.Input;
using AoaiHardening.Services;
using Arm_KeyVaultResourceId = AoaiHardening.Arm.KeyVaultResourceId;

namespace AoaiHardening.Cmdlets.Encryption
{
    /// <summary>
    /// What Enable- and Update-AoaiCustomerManagedKey share: naming the key (-KeyVaultResourceId / -KeyVaultName / -KeyUri,
    /// -KeyName, -KeyVersion; or the account's current vault and key), the preflight (every requirement checked before any
    /// write, each refusal naming the requirement and how to meet it), and a resumable plan: identity, then key access by
    /// the vault's model, then the encryption PATCH, each step only when missing. A re-run after a failure plans again from
    /// what exists, so it never grants twice.
    /// </summary>
    public abstract class CustomerManagedKeyCmdlet : AccountTargetCmdlet
    {
        private static int _nextActivityId = 4600;
        private readonly int _activityId = System.Threading.Interlocked.Increment(ref _nextActivityId);

        /// <summary>The vault's resource id (Microsoft.KeyVault/vaults).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? KeyVaultResourceId { get; set; }

        /// <summary>The vault's name; found in the account's subscription, then in the others you can read (or in -KeyVaultResourceGroupName).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? KeyVaultName { get; set; }

        /// <summary>The vault's resource group (with -KeyVaultName; the vault is then looked for in the account's subscription).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? KeyVaultResourceGroupName { get; set; }

        /// <summary>The key's name in the vault.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? KeyName { get; set; }

        /// <summary>The key version (32 hexadecimal characters); default: the key's newest version.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? KeyVersion { get; set; }

        /// <summary>The key identifier, https://{vault}.vault.azure.net/keys/{name}[/{version}], instead of vault and key names.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? KeyUri { get; set; }

        /// <summary>
        /// A user-assigned identity to reach the key with (attached when missing). Kind OpenAI supports the system-assigned
        /// identity only: refused there unless -Force.
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? UserAssignedIdentityId { get; set; }

        /// <summary>Use -UserAssignedIdentityId on an OpenAI account although the Azure OpenAI documentation does not support it. Never bypasses -WhatIf.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <summary>The ShouldProcess action's verb phrase, e.g. "Enable the customer-managed key".</summary>
        protected abstract string Action { get; }

        /// <summary>Update requires an account already on a customer-managed key; Enable does not.</summary>
        protected abstract bool RequiresCustomerManaged { get; }

        private KeyVaultKeyUri? _keyUri;
        private KeyVaultResourceId? _vaultId;
        private KeyVaultService _vaults = null!;

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            _vaults = new KeyVaultService(Arm);
            const string Conflict = "AoaiHardening.Encryption.ConflictingKeyArguments";
            if (KeyUri != null)
            {
                if (KeyVaultResourceId != null || KeyVaultName != null || KeyVaultResourceGroupName != null || KeyName != null)
                    Refuse(Conflict, "-KeyUri names the vault and key: do not combine it with -KeyVaultResourceId, -KeyVaultName, -KeyVaultResourceGroupName or -KeyName.");
                var env = Arm.Environment;
                _keyUri = ValidateOrThrow(() => KeyVaultKeyUri.Parse(KeyUri, env.KeyVaultDnsSuffix), "AoaiHardening.Encryption.InvalidKeyUri", KeyUri);
                if (KeyVersion != null && _keyUri.KeyVersion != null && !Json.EqualsIgnoreCase(KeyVersion, _keyUri.KeyVersion))
                    Refuse(Conflict, $"-KeyVersion {KeyVersion} differs from the version in -KeyUri ({_keyUri.KeyVersion}).");
            }
            if (KeyVaultResourceId != null && (KeyVaultName != null || KeyVaultResourceGroupName != null))
                Refuse(Conflict, "-KeyVaultResourceId names the vault: do not combine it with -KeyVaultName or -KeyVaultResourceGroupName.");
            if (KeyVaultResourceGroupName != null && KeyVaultName == null)
                Refuse(Conflict, "-KeyVaultResourceGroupName needs -KeyVaultName.");
            if ((KeyVaultResourceId != null || KeyVaultName != null) && KeyName == null)
                Refuse("AoaiHardening.Encryption.MissingKeyName", "Name the key with -KeyName (or give -KeyUri).");
            if (KeyVaultResourceId != null)
                _vaultId = ValidateOrThrow(() => Arm_KeyVaultResourceId.Parse(KeyVaultResourceId), "AoaiHardening.Encryption.InvalidKeyVaultResourceId", KeyVaultResourceId);
            if (KeyVaultName != null)
                ValidateOrThrow(() => Arm_KeyVaultResourceId.ValidateName(KeyVaultName), "AoaiHardening.Encryption.InvalidKeyVaultName", KeyVaultName);
            if (KeyVaultResourceGroupName != null)
                ValidateOrThrow(() => AccountId.ValidateResourceGroupName(KeyVaultResourceGroupName), "AoaiHardening.Encryption.InvalidKeyVaultResourceGroupName", KeyVaultResourceGroupName);
            if (KeyName != null)
                ValidateOrThrow(() => KeyVaultKeyUri.ValidateKeyName(KeyName), "AoaiHardening.Encryption.InvalidKeyName", KeyName);
            if (KeyVersion != null)
                ValidateOrThrow(() => KeyVaultKeyUri.ValidateKeyVersion(KeyVersion), "AoaiHardening.Encryption.InvalidKeyVersion", KeyVersion);
            if (UserAssignedIdentityId != null)
                ValidateOrThrow(() => ManagedIdentities.ValidateUserAssignedId(UserAssignedIdentityId), "AoaiHardening.Identity.InvalidUserAssignedIdentityId", UserAssignedIdentityId);
        }

        private void Refuse(string errorId, string message) =>
            ThrowTerminatingError(new ErrorRecord(new ArgumentException($"{MyInvocation.MyCommand.Name}: {message}"), errorId, ErrorCategory.InvalidArgument, null));

        protected override void ProcessRecord()
        {
            var id = ResolveTarget();
            var accounts = new AccountService(Arm);
            try
            {
                var account = accounts.Get(id, Call);
                if (RequiresCustomerManaged && !CustomerManagedKeys.IsCustomerManaged(account.EncryptionKeySource))
                {
                    WriteError(new ErrorRecord(new InvalidOperationException(
                            $"{MyInvocation.MyCommand.Name}: account '{account.Name}' ({account.Id}) uses Microsoft-managed keys: there is no customer-managed key to update. Use Enable-AoaiCustomerManagedKey."),
                        "AoaiHardening.Encryption.NotEnabled", ErrorCategory.InvalidOperation, account.Id));
                    return;
                }
                var target = ResolveKey(account);
                if (target == null) return;
                var identity = ChooseIdentity(account);
                if (identity == null) return;
                if (!Preflight(account, target)) return;

                var state = new PlanState(identity.PrincipalId, identity.ClientId);
                var plan = BuildPlan(account, target, identity, state, accounts, id);
                if (plan.Count == 0)
                {
                    WriteVerbose($"{account.Name}: already encrypted with {target.Describe()} through the {identity.Describe()}; nothing to do.");
                    if (PassThru) WriteObject(account);
                    return;
                }
                if (!ShouldProcess($"{account.Name} ({account.Id})", $"{Action}: {plan.Describe()}")) return;

                var failure = plan.Execute(this, _activityId, Action, account.Name, account.Id);
                if (failure != null)
                {
                    WriteError(failure);
                    return;
                }
                // The encryption PATCH returns the account as read after its operation, so no second read verifies it;
                // a plan without that PATCH (a grant only) leaves an account that already matched.
                var updated = state.Updated ?? account;
                if (!Matches(updated, target, state.ClientId))
                {
                    WriteError(new ErrorRecord(new InvalidOperationException(
                            $"{MyInvocation.MyCommand.Name}: account '{updated.Name}' ({updated.Id}) reported success but does not show {target.Describe()} after the update (keySource {updated.EncryptionKeySource}, key {updated.KeyName}/{updated.KeyVersion})."),
                        "AoaiHardening.Encryption.NotApplied", ErrorCategory.InvalidResult, updated));
                    return;
                }
                WriteVerbose($"{updated.Name}: encrypted with {target.Describe()}.");
                if (PassThru) WriteObject(updated);
            }
            catch (ArmRequestException ex) when (ex.Status == 404 && ex.Method == "GET" && ex.ResourcePath.IndexOf("Microsoft.CognitiveServices/accounts", StringComparison.OrdinalIgnoreCase) >= 0)
            {
                WriteError(ArmErrorRecord(ex, "AoaiHardening.Account.NotFound", $"reading account '{id.Name}' ({id.Id})", id.Id));
            }
            catch (ArmRequestException ex)
            {
                WriteError(ArmErrorRecord(ex, "AoaiHardening.Encryption.ReadFailed", $"{Action} on account '{id.Name}' ({id.Id}): reading the vault or key", id.Id));
            }
            catch (Exception ex) when (IsStopping(ex))
            {
                throw new PipelineStoppedException();
            }
            finally
            {
                DrainMessages();
            }
        }

        // ------------------------------------------------------------------ key

        /// <summary>The vault, key and version to use; null (after an error) when they cannot be found.</summary>
        private KeyTarget? ResolveKey(AoaiAccount account)
        {
            var currentHost = CustomerManagedKeys.IsCustomerManaged(account.EncryptionKeySource) ? KeyVaultKeyUri.HostOf(account.KeyVaultUri) : null;
            JsonObject? vault;
            string described;
            if (_vaultId != null)
            {
                described = $"'{_vaultId.Name}' ({_vaultId.Id})";
                vault = _vaults.GetVault(_vaultId.Id, Call);
            }
            else if (KeyVaultName != null && KeyVaultResourceGroupName != null)
            {
                var vaultId = Arm_KeyVaultResourceId.Create(account.SubscriptionId, KeyVaultResourceGroupName, KeyVaultName);
                described = $"'{KeyVaultName}' ({vaultId.Id})";
                vault = _vaults.GetVault(vaultId.Id, Call);
            }
            else if (KeyVaultName != null)
            {
                described = $"'{KeyVaultName}'";
                vault = _vaults.FindVaultByName(KeyVaultName, account.SubscriptionId, Call);
            }
            else if (_keyUri != null)
            {
                described = $"{_keyUri.VaultUri}";
                vault = _vaults.FindVaultByHost(_keyUri.Host, account.SubscriptionId, Call);
            }
            else if (currentHost != null)
            {
                described = $"{account.KeyVaultUri} (the account's current vault)";
                vault = _vaults.FindVaultByHost(currentHost, account.SubscriptionId, Call);
            }
            else
            {
                var why = CustomerManagedKeys.IsCustomerManaged(account.EncryptionKeySource)
                    ? "names no vault (keyVaultProperties.keyVaultUri is empty)"
                    : "uses Microsoft-managed keys";
                WriteError(new ErrorRecord(new ArgumentException(
                        $"{MyInvocation.MyCommand.Name}: account '{account.Name}' {why}: name the key with -KeyVaultResourceId (or -KeyVaultName) and -KeyName, or -KeyUri."),
                    "AoaiHardening.Encryption.MissingKey", ErrorCategory.InvalidArgument, account.Id));
                return null;
            }
            if (vault == null)
            {
                WriteError(new ErrorRecord(new ItemNotFoundException(
                        $"{MyInvocation.MyCommand.Name}: key vault {described} was not found (for account '{account.Name}'). Check the name, and that you can read the vault's subscription."),
                    "AoaiHardening.Encryption.VaultNotFound", ErrorCategory.ObjectNotFound, account.Id));
                return null;
            }
            var vaultResourceId = Json.Str(vault["id"]) ?? string.Empty;
            var vaultHost = CustomerManagedKeys.VaultHost(vault) ?? Arm.Environment.KeyVaultUri(Json.Str(vault["name"]) ?? string.Empty).Host;
            var sameVault = currentHost != null && Json.EqualsIgnoreCase(currentHost, vaultHost);
            var keyName = _keyUri?.KeyName ?? KeyName ?? (sameVault ? account.KeyName : null);
            if (string.IsNullOrEmpty(keyName))
            {
                WriteError(new ErrorRecord(new ArgumentException($"{MyInvocation.MyCommand.Name}: name the key in vault '{Json.Str(vault["name"])}' with -KeyName."),
                    "AoaiHardening.Encryption.MissingKeyName", ErrorCategory.InvalidArgument, account.Id));
                return null;
            }
            var version = (_keyUri?.KeyVersion ?? KeyVersion)?.ToLowerInvariant();
            var (latest, latestVersion, key) = _vaults.GetKeyAt(vaultResourceId, keyName!, version, Call);
            if (key == null)
            {
                WriteError(new ErrorRecord(new ItemNotFoundException(
                        $"{MyInvocation.MyCommand.Name}: key '{keyName}'{(version == null || latest == null ? string.Empty : $" version {version}")} was not found in key vault '{Json.Str(vault["name"])}' ({vaultResourceId}). Create it (RSA 2048), or name an existing key."),
                    "AoaiHardening.Encryption.KeyNotFound", ErrorCategory.ObjectNotFound, account.Id));
                return null;
            }
            var vaultUri = Json.Str((vault["properties"] as JsonObject)?["vaultUri"]) ?? $"https://{vaultHost}/";
            return new KeyTarget(vault, vaultResourceId, vaultUri, vaultHost, keyName!, version ?? latestVersion ?? string.Empty, key, latestVersion);
        }

        // ------------------------------------------------------------------ identity

        /// <summary>
        /// The identity that will reach the key: -UserAssignedIdentityId; else the user-assigned identity the account already
        /// uses for the key (kinds other than OpenAI); else the system-assigned identity. Null after a refusal.
        /// </summary>
        private IdentityChoice? ChooseIdentity(AoaiAccount account)
        {
            var openAi = Json.EqualsIgnoreCase(account.Kind, "OpenAI");
            if (UserAssignedIdentityId != null)
            {
                if (openAi && !Force)
                {
                    WriteError(new ErrorRecord(new InvalidOperationException(
                            $"{MyInvocation.MyCommand.Name}: account '{account.Name}' is of kind OpenAI, and the Azure OpenAI encryption documentation supports customer-managed keys through the system-assigned identity only (AOAI-ENC-005). " +
                            "Leave out -UserAssignedIdentityId to use the system-assigned identity, or pass -Force to use the user-assigned identity anyway."),
                        "AoaiHardening.Encryption.UserAssignedIdentityNotSupported", ErrorCategory.InvalidArgument, account.Id));
                    return null;
                }
                if (openAi) WriteWarning($"-Force: account '{account.Name}' (kind OpenAI) will reach its key through a user-assigned identity, which the Azure OpenAI encryption documentation does not support (AOAI-ENC-005 fails).");
                var attached = account.UserAssignedIdentities.FirstOrDefault(u => Json.EqualsIgnoreCase(u.ResourceId, UserAssignedIdentityId));
                return new IdentityChoice(UserAssignedIdentityId, attached?.PrincipalId, attached?.ClientId, attached == null);
            }
            if (!openAi && !string.IsNullOrEmpty(account.IdentityClientId) &&
                account.UserAssignedIdentities.FirstOrDefault(u => Json.EqualsIgnoreCase(u.ClientId, account.IdentityClientId)) is { } current)
                return new IdentityChoice(current.ResourceId, current.PrincipalId, current.ClientId, false);
            var hasSystem = ManagedIdentities.HasSystemAssigned(account) && account.PrincipalId != null;
            return new IdentityChoice(null, hasSystem ? account.PrincipalId : null, null, !hasSystem);
        }

        // ------------------------------------------------------------------ preflight

        /// <summary>Every requirement, checked before any write; each unmet one is its own error record. True when all are met.</summary>
        private bool Preflight(AoaiAccount account, KeyTarget target)
        {
            var tenant = account.TenantId ?? AoaiSession.Context.TenantId ?? SubscriptionTenant(account.SubscriptionId);
            var problems = CustomerManagedKeys.VaultProblems(target.Vault, account.Location, tenant)
                .Concat(CustomerManagedKeys.KeyProblems(target.Key, account.Kind, DateTimeOffset.UtcNow)).ToList();
            foreach (var problem in problems)
            {
                WriteError(new ErrorRecord(new InvalidOperationException(
                        $"{MyInvocation.MyCommand.Name}: refused for account '{account.Name}' ({account.Id}), nothing was changed: {problem.Message} ({problem.Actual}) To meet it: {problem.Remedy}"),
                    $"AoaiHardening.Encryption.{problem.Reason}", ErrorCategory.InvalidData, account.Id));
            }
            return problems.Count == 0;
        }

        private readonly Dictionary<string, string?> _tenants = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);

        /// <summary>
        /// The tenant of the account's subscription: an account without an identity yet shows none, and the vault must be
        /// in the tenant its identity will be created in. Read once per subscription.
        /// </summary>
        private string? SubscriptionTenant(string subscriptionId)
        {
            if (!_tenants.TryGetValue(subscriptionId, out var tenant))
                _tenants[subscriptionId] = tenant = Json.Str(Arm.Get($"/subscriptions/{subscriptionId}", ApiVersions.Subscriptions, Call)?["tenantId"]);
            return tenant;
        }

        // ------------------------------------------------------------------ plan

        private ChangePlan BuildPlan(AoaiAccount account, KeyTarget target, IdentityChoice identity, PlanState state, AccountService accounts, AccountId id)
        {
            var plan = new ChangePlan();
            var vaultName = Json.Str(target.Vault["name"]) ?? target.VaultResourceId;
            if (identity.NeedsWrite)
            {
                var system = identity.UserAssignedId == null || ManagedIdentities.HasSystemAssigned(account);
                var userAssigned = account.UserAssignedIdentities.Select(u => u.ResourceId)
                    .Concat(identity.UserAssignedId == null ? Enumerable.Empty<string>() : new[] { identity.UserAssignedId })
                    .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
                plan.Add(identity.UserAssignedId == null ? $"enable the system-assigned identity of '{account.Name}'" : $"attach user-assigned identity '{ResourceIds.LastSegment(identity.UserAssignedId)}' to '{account.Name}'",
                    "AoaiHardening.Encryption.IdentityFailed", call =>
                    {
                        var updated = accounts.Patch(id, new JsonObject { ["identity"] = ManagedIdentities.Body(system, userAssigned) }, call);
                        if (identity.UserAssignedId == null) state.PrincipalId = updated.PrincipalId;
                        else if (updated.UserAssignedIdentities.FirstOrDefault(u => Json.EqualsIgnoreCase(u.ResourceId, identity.UserAssignedId)) is { } uai)
                        {
                            state.PrincipalId = uai.PrincipalId;
                            state.ClientId = uai.ClientId;
                        }
                        if (state.PrincipalId == null)
                            throw new ArmRequestException($"The account shows no principal for the {identity.Describe()} after the update.", 0, "IdentityMissing", null, null, null, "PATCH", id.Id);
                    });
            }
            var grant = GrantStep(target, identity, state, account);
            if (grant != null) plan.Add(grant.Value.Description, "AoaiHardening.Encryption.GrantFailed", grant.Value.Run);

            if (!Matches(account, target, identity.ClientId) || identity.NeedsWrite)
            {
                plan.Add($"set encryption to key '{target.KeyName}' version {target.Version} of vault '{vaultName}'",
                    "AoaiHardening.Encryption.UpdateFailed", call =>
                    {
                        var keyVault = new JsonObject
                        {
                            ["keyVaultUri"] = target.VaultUri,
                            ["keyName"] = target.KeyName,
                            ["keyVersion"] = target.Version,
                        };
                        if (state.ClientId != null) keyVault["identityClientId"] = state.ClientId;
                        else if (!string.IsNullOrEmpty(account.IdentityClientId)) keyVault["identityClientId"] = null; // back to the system-assigned identity
                        var patch = new JsonObject
                        {
                            ["properties"] = new JsonObject
                            {
                                ["encryption"] = new JsonObject { ["keySource"] = CustomerManagedKeys.KeySourceVault, ["keyVaultProperties"] = keyVault },
                            },
                        };
                        state.Updated = accounts.Patch(id, patch, call);
                    });
            }
            return plan;
        }

        /// <summary>
        /// The key-access step, when the identity lacks it. RBAC vaults: Key Vault Crypto Service Encryption User on the
        /// vault, unless a role that already covers keys reaches it; access-policy vaults: the missing get/wrapKey/unwrapKey.
        /// A new identity has no access yet, so its grant is always planned.
        /// </summary>
        private (string Description, Action<ArmCallOptions> Run)? GrantStep(KeyTarget target, IdentityChoice identity, PlanState state, AoaiAccount account)
        {
            var vaultName = Json.Str(target.Vault["name"]) ?? target.VaultResourceId;
            var who = identity.Describe();
            if (CustomerManagedKeys.UsesRbac(target.Vault))
            {
                if (identity.PrincipalId != null)
                {
                    var roles = new RoleAssignmentService(Arm);
                    var existing = roles.ListAtScope(target.VaultResourceId, identity.PrincipalId, Call)
                        .Select(a => BuiltInRoles.GuidOf(Json.Str((a["properties"] as JsonObject)?["roleDefinitionId"])))
                        .FirstOrDefault(r => r != null && CustomerManagedKeys.KeyAccessRoles.Contains(r, StringComparer.OrdinalIgnoreCase));
                    if (existing != null)
                    {
                        WriteVerbose($"{account.Name}: the {who} already holds {BuiltInRoles.ById(existing)?.Name ?? existing} on vault '{vaultName}'.");
                        return null;
                    }
                }
                var vaultSubscription = Arm_KeyVaultResourceId.Parse(target.VaultResourceId).SubscriptionId;
                return ($"grant the {who} 'Key Vault Crypto Service Encryption User' on vault '{vaultName}'", call =>
                    new RoleAssignmentService(Arm).Create(target.VaultResourceId, CustomerManagedKeys.EncryptionUserRole, state.PrincipalId!, "ServicePrincipal",
                        $"Customer-managed key of {account.Name} (AoaiHardening)", vaultSubscription, call));
            }
            var missing = identity.PrincipalId == null ? CustomerManagedKeys.KeyPermissions : CustomerManagedKeys.MissingKeyPermissions(target.Vault, identity.PrincipalId);
            if (missing.Count == 0)
            {
                WriteVerbose($"{account.Name}: the {who} already has get, wrapKey and unwrapKey in the access policies of vault '{vaultName}'.");
                return null;
            }
            var tenant = Json.Str((target.Vault["properties"] as JsonObject)?["tenantId"]) ?? account.TenantId ?? string.Empty;
            return ($"add key permissions {string.Join(", ", missing)} for the {who} to the access policies of vault '{vaultName}'", call =>
                _vaults.AddKeyPermissions(target.VaultResourceId, tenant, state.PrincipalId!, missing, call));
        }

        /// <summary>True when the account already encrypts with exactly this vault, key, version and identity.</summary>
        private static bool Matches(AoaiAccount account, KeyTarget target, string? clientId) =>
            CustomerManagedKeys.IsCustomerManaged(account.EncryptionKeySource)
            && Json.EqualsIgnoreCase(KeyVaultKeyUri.HostOf(account.KeyVaultUri), target.VaultHost)
            && Json.EqualsIgnoreCase(account.KeyName, target.KeyName)
            && Json.EqualsIgnoreCase(account.KeyVersion ?? string.Empty, target.Version)
            && Json.EqualsIgnoreCase(account.IdentityClientId ?? string.Empty, clientId ?? string.Empty);

        private sealed class KeyTarget
        {
            public KeyTarget(JsonObject vault, string vaultResourceId, string vaultUri, string vaultHost, string keyName, string version, JsonObject key, string? latestVersion)
            {
                Vault = vault;
                VaultResourceId = vaultResourceId;
                VaultUri = vaultUri;
                VaultHost = vaultHost;
                KeyName = keyName;
                Version = version;
                Key = key;
                LatestVersion = latestVersion;
            }

            public JsonObject Vault { get; }
            public string VaultResourceId { get; }
            public string VaultUri { get; }
            public string VaultHost { get; }
            public string KeyName { get; }
            public string Version { get; }
            public JsonObject Key { get; }
            public string? LatestVersion { get; }

            public string Describe() => $"key '{KeyName}' version {Version} of vault {VaultHost}";
        }

        private sealed class IdentityChoice
        {
            public IdentityChoice(string? userAssignedId, string? principalId, string? clientId, bool needsWrite)
            {
                UserAssignedId = userAssignedId;
                PrincipalId = principalId;
                ClientId = clientId;
                NeedsWrite = needsWrite;
            }

            /// <summary>Null: the system-assigned identity.</summary>
            public string? UserAssignedId { get; }
            public string? PrincipalId { get; }
            public string? ClientId { get; }
            /// <summary>The identity must be enabled or attached first (its principal is known only after that write).</summary>
            public bool NeedsWrite { get; }

            public string Describe() => UserAssignedId == null ? "system-assigned identity" : $"user-assigned identity '{ResourceIds.LastSegment(UserAssignedId)}'";
        }

        /// <summary>What the steps learn as they run: the principal and client id of an identity created by the plan.</summary>
        private sealed class PlanState
        {
            public PlanState(string? principalId, string? clientId)
            {
                PrincipalId = principalId;
                ClientId = clientId;
            }

            public string? PrincipalId { get; set; }
            public string? ClientId { get; set; }
            /// <summary>The account after the encryption PATCH (null when the plan did not need one).</summary>
            public AoaiAccount? Updated { get; set; }
        }
    }
}
