using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using AoaiHardening.Arm;
using AoaiHardening.Model;

namespace AoaiHardening.Rules
{
    /// <summary>
    /// The rule catalog v1 (shared/reference/rules.md), defined once: ids, titles, severities, baselines, controls,
    /// exact conditions and the cmdlets that fix them. docs/rules.md is generated from here (Get-AoaiHardeningRule).
    /// Rules whose data arrives with a later capability are listed with no condition yet (Implemented = false).
    /// </summary>
    internal static class RuleCatalog
    {
        // Declared before All: static initialisers run in order, and Build() uses it.
        /// <summary>The customer-managed key fix takes the vault and key from Repair-AoaiHardening's parameters.</summary>
        private static readonly Fix CustomerManagedKeyFix = new Fix("Enable-AoaiCustomerManagedKey",
            Fix.FromInput("KeyVaultResourceId", i => i.KeyVaultResourceId, "<key vault resource id>"),
            Fix.FromInput("KeyName", i => i.KeyName, "<key name>"));

        /// <summary>
        /// CSF-001..003: attach the named policy to the failing deployment (the finding's target), creating it from the
        /// Strict preset when the account does not have it. The policy name comes from Repair-AoaiHardening.
        /// </summary>
        private static readonly Fix DeploymentContentFilterFix = new Fix("Set-AoaiDeploymentContentFilter",
            Fix.FromFinding("DeploymentName", f => f.Target),
            Fix.FromInput("PolicyName", i => i.ContentFilterPolicyName, "<content filter policy name>", "ContentFilterPolicyName"),
            Fix.Constant("Preset", ContentFilterPolicies.StrictPresetName));

        private const string DeploymentContentFilterText = "Set-AoaiDeploymentContentFilter -DeploymentName <deployment> -PolicyName <policy> -Preset Strict (attaches the policy to the deployment, creating it from the Strict preset when the account does not have it).";
        private const string StrictPolicyText = "New-AoaiContentFilterPolicy -Name <policy> -Preset Strict -DeploymentName <deployment> (creates a synchronous policy with every harm filter at Low and attaches it to the deployment).";

        /// <summary>CSF-004/005: a new policy from the Strict preset (synchronous, harm at Low), attached to the failing deployment.</summary>
        private static readonly Fix StrictPolicyFix = new Fix("New-AoaiContentFilterPolicy",
            Fix.FromInput("Name", i => i.ContentFilterPolicyName, "<content filter policy name>", "ContentFilterPolicyName"),
            Fix.Constant("Preset", ContentFilterPolicies.StrictPresetName),
            Fix.FromFinding("DeploymentName", f => f.Target));

        public static IReadOnlyList<Rule> All { get; } = Build();

        public static Rule? Find(string id) => All.FirstOrDefault(r => string.Equals(r.Id, id, StringComparison.OrdinalIgnoreCase));

        /// <summary>The rules whose id a pattern (wildcards allowed, as in -Rule, baselines and waivers) matches.</summary>
        public static IEnumerable<Rule> Matching(string pattern)
        {
            var wildcard = Wildcard.Get(pattern);
            return All.Where(r => wildcard.IsMatch(r.Id));
        }

        private static IReadOnlyList<Rule> Build() => new[]
        {
            // ---------------------------------------------------------------- Network
            Define("AOAI-NET-001", "Public network access is restricted", AoaiSeverity.High, "Default",
                "`publicNetworkAccess != Disabled` and `networkAcls.defaultAction != Deny` (Azure Policy 037eea7a semantics).",
                "An account reachable from any internet address exposes its endpoint to key spraying and data exfiltration; either turn public access off or deny by default and allow named networks only.",
                new[] { "MCSB NS-2", "Azure Policy 037eea7a" }, "Disable-AoaiPublicNetworkAccess", allKinds: true,
                evaluate: c =>
                {
                    var access = c.Facts.String("properties.publicNetworkAccess", "Enabled")!;
                    if (Is(access, "Disabled")) return Outcome(RuleOutcome.Pass("Public network access is disabled.", $"publicNetworkAccess={access}"));
                    var action = c.Facts.String("properties.networkAcls.defaultAction", "Allow")!;
                    var actual = $"publicNetworkAccess={access}, networkAcls.defaultAction={action}";
                    const string expected = "publicNetworkAccess=Disabled, or networkAcls.defaultAction=Deny";
                    return Outcome(Is(action, "Deny")
                        ? RuleOutcome.Pass("Public access is limited to the allowed networks (default action Deny).", actual, expected)
                        : RuleOutcome.Fail("The account accepts traffic from any network: public access is enabled and the network default action is Allow.", actual, expected));
                },
                fix: new Fix("Disable-AoaiPublicNetworkAccess")),

            Define("AOAI-NET-002", "Public network access is disabled", AoaiSeverity.Medium, "Strict",
                "`publicNetworkAccess != Disabled`.",
                "In production the account should be reachable only through private endpoints, with public access off.",
                new[] { "MCSB NS-2", "Azure Policy 47ba1dd7" }, "Disable-AoaiPublicNetworkAccess", allKinds: true,
                evaluate: c =>
                {
                    var access = c.Facts.String("properties.publicNetworkAccess", "Enabled")!;
                    return Outcome(Is(access, "Disabled")
                        ? RuleOutcome.Pass("Public network access is disabled.", $"publicNetworkAccess={access}", "Disabled")
                        : RuleOutcome.Fail("Public network access is enabled.", $"publicNetworkAccess={access}", "Disabled"));
                },
                fix: new Fix("Disable-AoaiPublicNetworkAccess")),

            Define("AOAI-NET-003", "An approved private endpoint exists", AoaiSeverity.Medium, "Strict",
                "No `privateEndpointConnections[*]` with `privateLinkServiceConnectionState.status == Approved`.",
                "A private endpoint gives the account an address inside your virtual network, so clients need no public path to it.",
                new[] { "MCSB NS-2", "Azure Policy d6759c02" }, "New-AoaiPrivateEndpoint", allKinds: true,
                evaluate: EvaluatePrivateEndpoint,
                fix: new Fix("New-AoaiPrivateEndpoint", Fix.FromInput("SubnetId", i => i.SubnetId, "<subnet resource id>"))),

            Define("AOAI-NET-004", "No internet-wide IP rules", AoaiSeverity.High, "Default",
                "Any `networkAcls.ipRules[*].value` that is `0.0.0.0`, `0.0.0.0/0`, or an IPv4 CIDR with prefix length < 16.",
                "An IP rule that covers a large part of the internet defeats the network firewall while looking like a restriction.",
                new[] { "MCSB NS-2" }, "Set-AoaiNetworkRule", allKinds: true,
                evaluate: EvaluateIpRules,
                fix: new Fix("Set-AoaiNetworkRule", Fix.FromFinding("RemoveIpRule", f => f.Actual?.Split(new[] { ", " }, StringSplitOptions.RemoveEmptyEntries)))),

            Define("AOAI-NET-005", "Custom subdomain is set", AoaiSeverity.Medium, "Default",
                "`customSubDomainName` empty or absent (needed for Entra ID auth and private DNS).",
                "Without a custom subdomain the account cannot use Microsoft Entra ID tokens or private endpoints; the subdomain can only be set by recreating the account.",
                Array.Empty<string>(), null, allKinds: true, remediationText: "Recreate the account with a custom subdomain (customSubDomainName); it cannot be added later.",
                evaluate: c =>
                {
                    var subdomain = c.Facts.String("properties.customSubDomainName");
                    return Outcome(string.IsNullOrWhiteSpace(subdomain)
                        ? RuleOutcome.Fail("The account has no custom subdomain: Entra ID authentication and private DNS need one.", "customSubDomainName=(none)", "a custom subdomain")
                        : RuleOutcome.Pass($"Custom subdomain '{subdomain}'.", $"customSubDomainName={subdomain}", "a custom subdomain"));
                }),

            Define("AOAI-NET-006", "Outbound access is restricted", AoaiSeverity.Medium, "Strict",
                "`restrictOutboundNetworkAccess != true`.",
                "Restricting outbound access limits which hosts the service may call on the account's behalf (data exfiltration through features that fetch URLs).",
                new[] { "MCSB DP-2", "Checkov CKV_AZURE_247" }, "Set-AoaiOutboundAccess", allKinds: true,
                evaluate: c =>
                {
                    var restricted = c.Facts.Bool("properties.restrictOutboundNetworkAccess", false);
                    return Outcome(restricted
                        ? RuleOutcome.Pass("Outbound network access is restricted.", "restrictOutboundNetworkAccess=true", "true")
                        : RuleOutcome.Fail("Outbound network access is not restricted.", "restrictOutboundNetworkAccess=false", "true"));
                },
                fix: new Fix("Set-AoaiOutboundAccess", Fix.FromInput("AllowedFqdn", i => i.AllowedFqdn, "<fqdn>"))),

            Define("AOAI-NET-007", "Private endpoints resolve through private DNS", AoaiSeverity.Medium, "Strict",
                "An approved private endpoint has no private DNS zone group naming a `privatelink.*` zone listed for the account's cloud and kind.",
                "Without the private DNS zone the account's name still resolves to its public address and clients bypass the private endpoint.",
                new[] { "MCSB NS-2", "Azure Policy c4bc6f10" }, "New-AoaiPrivateEndpoint", allKinds: true, requires: new[] { "privateEndpoints", "privateDnsZoneGroups" },
                evaluate: PrivateDnsRules.Evaluate,
                // The endpoint's own subnet (evidence) when known: New-AoaiPrivateEndpoint then reuses the endpoint and adds its DNS.
                fix: new Fix("New-AoaiPrivateEndpoint", new FixArgument("SubnetId", (f, i) => EvidenceOf(f, "SubnetId") ?? i.SubnetId, "<subnet resource id>", "SubnetId"))),

            // ---------------------------------------------------------------- Identity
            Define("AOAI-IAM-001", "Key (local) authentication is disabled", AoaiSeverity.High, "Default",
                "`disableLocalAuth != true`.",
                "Account keys are shared secrets that leak (source control, logs) and carry no identity; with local authentication off, every caller uses Microsoft Entra ID and is named in the logs.",
                new[] { "MCSB IM-1", "Azure Policy 71ef260a" }, "Disable-AoaiLocalAuth", allKinds: true,
                evaluate: c =>
                {
                    var disabled = c.Facts.Bool("properties.disableLocalAuth", false);
                    return Outcome(disabled
                        ? RuleOutcome.Pass("Key authentication is disabled.", "disableLocalAuth=true", "true")
                        : RuleOutcome.Fail("Key (local) authentication is enabled: anyone holding an account key can call the account.", "disableLocalAuth=false", "true"));
                },
                fix: new Fix("Disable-AoaiLocalAuth")),

            Define("AOAI-IAM-002", "A managed identity is enabled", AoaiSeverity.Medium, "Default",
                "`identity.type` absent or `None`.",
                "A managed identity lets the account reach Key Vault, Storage and AI Search without secrets (customer-managed keys and On Your Data need it).",
                new[] { "MCSB IM-3", "Azure Policy fe3fd216" }, "Enable-AoaiManagedIdentity", allKinds: true,
                evaluate: c =>
                {
                    var type = c.Facts.String("identity.type", "None")!;
                    return Outcome(Is(type, "None")
                        ? RuleOutcome.Fail("The account has no managed identity.", "identity.type=None", "SystemAssigned and/or UserAssigned")
                        : RuleOutcome.Pass($"Managed identity: {type}.", $"identity.type={type}", "SystemAssigned and/or UserAssigned"));
                },
                fix: new Fix("Enable-AoaiManagedIdentity")),

            Define("AOAI-IAM-003", "No user holds a management role on the account", AoaiSeverity.Medium, "Default",
                "A role assignment whose scope is the account or its resource group gives a principal of type `User` Owner, Contributor or Cognitive Services Contributor.",
                "People with management roles can list keys and change network and content settings; grant them through groups with just-in-time elevation instead.",
                new[] { "MCSB PA-7" }, "Revoke-AoaiRoleAssignment", requires: new[] { "roleAssignments" },
                evaluate: c => RoleAssignmentRules.Evaluate(c, "User"),
                fix: new Fix("Revoke-AoaiRoleAssignment", RevokeArguments(replaceWith: null)) { HighImpact = true }),

            Define("AOAI-IAM-004", "Workloads hold data-plane roles only", AoaiSeverity.Low, "Strict",
                "A `ServicePrincipal` assignment at the account or its resource group with Owner, Contributor or Cognitive Services Contributor.",
                "Applications need Cognitive Services OpenAI User to call the model, not the right to change or delete the account.",
                new[] { "MCSB PA-7" }, "Revoke-AoaiRoleAssignment", requires: new[] { "roleAssignments" },
                remediationText: "Grant-AoaiRoleAssignment -Role 'Cognitive Services OpenAI User', then Revoke-AoaiRoleAssignment (Revoke-AoaiRoleAssignment -ReplaceWith does both, grant first).",
                evaluate: c => RoleAssignmentRules.Evaluate(c, "ServicePrincipal"),
                fix: new Fix("Revoke-AoaiRoleAssignment", RevokeArguments(replaceWith: "Cognitive Services OpenAI User")) { HighImpact = true }),

            // ---------------------------------------------------------------- Encryption
            Define("AOAI-ENC-001", "Customer-managed key encrypts data at rest", AoaiSeverity.Low, "Default",
                "`encryption.keySource != Microsoft.KeyVault`.",
                "A customer-managed key in your Key Vault lets you control, rotate and revoke the key that protects stored data (fine-tuning files, results).",
                new[] { "MCSB DP-5", "Azure Policy 67121cc7" }, "Enable-AoaiCustomerManagedKey", allKinds: true, strictSeverity: AoaiSeverity.Medium,
                evaluate: c =>
                {
                    var source = c.Facts.String("properties.encryption.keySource", "Microsoft.CognitiveServices")!;
                    return Outcome(Is(source, "Microsoft.KeyVault")
                        ? RuleOutcome.Pass("Data at rest is encrypted with a customer-managed key.", $"encryption.keySource={source}", "Microsoft.KeyVault")
                        : RuleOutcome.Fail("Data at rest is encrypted with a Microsoft-managed key.", $"encryption.keySource={source}", "Microsoft.KeyVault"));
                },
                fix: CustomerManagedKeyFix),

            Define("AOAI-ENC-002", "The CMK vault is recoverable", AoaiSeverity.High, "Default",
                "Applies if CMK: the vault named by `keyVaultProperties.keyVaultUri` lacks `enableSoftDelete` or `enablePurgeProtection`.",
                "If the vault or key is deleted and cannot be recovered, the account's encrypted data is lost for good.",
                new[] { "MCSB DP-6" }, null, requires: new[] { "vaults" },
                remediationText: "Turn on soft delete and purge protection on the vault (both are irreversible; Update-AzKeyVault -EnablePurgeProtection), or move to a key in a recoverable vault with Update-AoaiCustomerManagedKey.",
                evaluate: CustomerManagedKeys.EvaluateRecoverable),

            Define("AOAI-ENC-003", "The CMK is a supported RSA key", AoaiSeverity.High, "Default",
                "Applies if CMK: key `kty` not `RSA`/`RSA-HSM`, or `keySize` < 2048.",
                "Azure OpenAI supports RSA and RSA-HSM keys of size 2048; another key makes encryption fail.",
                new[] { "MCSB DP-6" }, "Enable-AoaiCustomerManagedKey", requires: new[] { "keys" },
                evaluate: CustomerManagedKeys.EvaluateKeyType, fix: CustomerManagedKeyFix),

            Define("AOAI-ENC-004", "The CMK vault is in the account's region and tenant", AoaiSeverity.Medium, "Default",
                "Applies if CMK: vault `location` or `tenantId` differ from the account's.",
                "Customer-managed keys must come from a vault in the same region and Microsoft Entra tenant as the account.",
                Array.Empty<string>(), "Enable-AoaiCustomerManagedKey", requires: new[] { "vaults" },
                evaluate: CustomerManagedKeys.EvaluateRegionAndTenant, fix: CustomerManagedKeyFix),

            Define("AOAI-ENC-005", "The CMK identity is supported for the kind", AoaiSeverity.Low, "Default",
                "Applies if CMK: kind `OpenAI` and `keyVaultProperties.identityClientId` set (user-assigned identity; the Azure OpenAI encryption doc supports system-assigned only).",
                "The Azure OpenAI encryption documentation supports the system-assigned identity only for customer-managed keys.",
                Array.Empty<string>(), "Enable-AoaiCustomerManagedKey",
                evaluate: c =>
                {
                    var source = c.Facts.String("properties.encryption.keySource", "Microsoft.CognitiveServices")!;
                    if (!Is(source, "Microsoft.KeyVault")) return Outcome(RuleOutcome.NotApplicable("The account does not use a customer-managed key."));
                    var kind = c.Facts.String("kind") ?? string.Empty;
                    var clientId = c.Facts.String("properties.encryption.keyVaultProperties.identityClientId");
                    if (!Is(kind, "OpenAI")) return Outcome(RuleOutcome.NotApplicable($"Kind {kind} supports user-assigned identities for customer-managed keys."));
                    return Outcome(string.IsNullOrEmpty(clientId)
                        ? RuleOutcome.Pass("The customer-managed key is used through the system-assigned identity.", "identityClientId=(none)", "(none: system-assigned)")
                        : RuleOutcome.Fail("The customer-managed key is used through a user-assigned identity, which the Azure OpenAI encryption documentation does not support.", $"identityClientId={clientId}", "(none: system-assigned)"));
                },
                // No key argument: Enable keeps the account's key and moves it to the system-assigned identity.
                fix: new Fix("Enable-AoaiCustomerManagedKey")),

            // ---------------------------------------------------------------- Content safety
            Define("AOAI-CSF-001", "Every deployment filters harmful content", AoaiSeverity.High, "Default",
                "A deployment whose `raiPolicyName` is absent, or names a policy where any of `Hate`, `Sexual`, `Violence`, `Selfharm` for `Prompt` or `Completion` is missing, `enabled=false`, `blocking=false`, or `severityThreshold == High`.",
                "Each deployment must block hate, sexual, violent and self-harm content in prompts and completions.",
                new[] { "Azure Policy 930f48f9" }, "Set-AoaiDeploymentContentFilter", requires: new[] { "deployments", "raiPolicies" }, remediationText: DeploymentContentFilterText,
                evaluate: ContentSafetyRules.EvaluateHarm, fix: DeploymentContentFilterFix),
            Define("AOAI-CSF-002", "Jailbreak shield blocks on every deployment", AoaiSeverity.Medium, "Default",
                "The deployment's policy has no `Jailbreak` `Prompt` entry with `enabled` and `blocking` true.",
                "Prompt shields block attempts to override the system prompt.",
                new[] { "Azure Policy f3a9c2e0" }, "Set-AoaiDeploymentContentFilter", requires: new[] { "deployments", "raiPolicies" }, remediationText: DeploymentContentFilterText,
                evaluate: c => ContentSafetyRules.EvaluateShield(c, ContentFilterPolicies.Jailbreak), fix: DeploymentContentFilterFix),
            Define("AOAI-CSF-003", "Indirect-attack shield blocks on every deployment", AoaiSeverity.Medium, "Strict",
                "The deployment's policy has no `Indirect Attack` `Prompt` entry with `enabled` and `blocking` true.",
                "Indirect-attack shields block instructions hidden in grounding documents and tool results.",
                new[] { "Azure Policy f3a9c2e0" }, "Set-AoaiDeploymentContentFilter", requires: new[] { "deployments", "raiPolicies" }, remediationText: DeploymentContentFilterText,
                evaluate: c => ContentSafetyRules.EvaluateShield(c, ContentFilterPolicies.IndirectAttack), fix: DeploymentContentFilterFix),
            Define("AOAI-CSF-004", "Filtering is synchronous", AoaiSeverity.Medium, "Default",
                "The policy `mode` is `Asynchronous_filter` or `Deferred`.",
                "Asynchronous filtering returns content before it is checked.",
                new[] { "Azure Policy c1ad46c6" }, "New-AoaiContentFilterPolicy", requires: new[] { "deployments", "raiPolicies" }, remediationText: StrictPolicyText,
                evaluate: ContentSafetyRules.EvaluateMode, fix: StrictPolicyFix),
            Define("AOAI-CSF-005", "Harm thresholds are strict", AoaiSeverity.Low, "Strict",
                "Any of the four harm filters has `severityThreshold` other than `Low`.",
                "Production workloads block harmful content from the lowest severity.",
                Array.Empty<string>(), "New-AoaiContentFilterPolicy", requires: new[] { "deployments", "raiPolicies" },
                remediationText: StrictPolicyText,
                evaluate: ContentSafetyRules.EvaluateThresholds, fix: StrictPolicyFix),

            // ---------------------------------------------------------------- Monitoring
            Define("AOAI-MON-001", "Audit and request logs are collected", AoaiSeverity.Medium, "Default",
                "No diagnostic setting on the account that enables (`Audit` and `RequestResponse`) or category group `allLogs`, with a destination.",
                "Without audit and request logs there is no record of who changed or called the account.",
                new[] { "MCSB LT-3", "MCSB LT-4", "Azure Policy 1b4d1c4e" }, "Set-AoaiDiagnosticSetting", requires: new[] { "diagnosticSettings" },
                remediationText: "Set-AoaiDiagnosticSetting -WorkspaceResourceId <workspace> (sends the allLogs category group to the Log Analytics workspace; Repair-AoaiHardening takes -WorkspaceResourceId).",
                evaluate: MonitoringRules.EvaluateDiagnostics,
                fix: new Fix("Set-AoaiDiagnosticSetting", Fix.FromInput("WorkspaceResourceId", i => i.WorkspaceResourceId, "<log analytics workspace resource id>"))),
            Define("AOAI-MON-002", "Detection alerts exist", AoaiSeverity.Low, "Strict",
                "No enabled scheduled query rule whose scope is the account or its log workspace and whose query is one of the module's detections.",
                "Logs nobody watches do not detect abuse; alert rules turn the detections into notifications.",
                new[] { "MCSB LT-1" }, "New-AoaiAlertRule", requires: new[] { "scheduledQueryRules", "diagnosticSettings" },
                remediationText: "New-AoaiAlertRule -WorkspaceResourceId <workspace> -ActionGroupResourceId <action group> (one log alert per detection of Get-AoaiDetectionQuery; Repair-AoaiHardening takes both).",
                evaluate: MonitoringRules.EvaluateAlerts,
                fix: new Fix("New-AoaiAlertRule",
                    Fix.FromInput("WorkspaceResourceId", i => i.WorkspaceResourceId, "<log analytics workspace resource id>"),
                    Fix.FromInput("ActionGroupResourceId", i => i.ActionGroupResourceId, "<action group resource id>"))),
            Define("AOAI-MON-003", "Defender for AI is enabled", AoaiSeverity.Medium, "Strict",
                "`defenderForAISettings/Default` absent or `state != Enabled`.",
                "Defender for AI raises alerts for jailbreak attempts, data leakage and suspicious access.",
                new[] { "MCSB LT-1" }, "Enable-AoaiDefenderForAI", requires: new[] { "defenderForAISettings" },
                evaluate: MonitoringRules.EvaluateDefender, fix: new Fix("Enable-AoaiDefenderForAI")),

            // ---------------------------------------------------------------- On Your Data (Test-AoaiOnYourDataSecurity; baseline OnYourData)
            DefineOyd("AOAI-OYD-001", "The OpenAI account has a system-assigned identity", AoaiSeverity.High,
                "The OpenAI account has no system-assigned identity (`identity.type` lacks `SystemAssigned`).",
                "On Your Data authenticates the account to AI Search and Storage with its system-assigned identity; without it the setup falls back to keys.",
                new[] { "MCSB IM-3" }, "Enable-AoaiManagedIdentity",
                requires: new[] { "account" },
                remediationText: "Enable-AoaiManagedIdentity -SystemAssigned on the account.",
                fix: new Fix("Enable-AoaiManagedIdentity", Fix.Switch("SystemAssigned"))),
            DefineOyd("AOAI-OYD-002", "OpenAI and Storage deny other networks and let trusted Azure services through", AoaiSeverity.Medium,
                "OpenAI or Storage: `networkAcls.bypass` does not include `AzureServices`, or `networkAcls.defaultAction != Deny` (one finding per resource).",
                "With networks denied, Search and OpenAI reach each other and Storage only as trusted Azure services; without the bypass On Your Data breaks, without Deny any network reaches the data.",
                new[] { "MCSB NS-2" }, "Disable-AoaiPublicNetworkAccess",
                requires: new[] { "account", "storageAccounts" },
                remediationText: "OpenAI account: Disable-AoaiPublicNetworkAccess -AllowTrustedAzureServices. Storage: set networkAcls.defaultAction Deny and bypass AzureServices (az storage account update --default-action Deny --bypass AzureServices).",
                fix: AccountOnly(new Fix("Disable-AoaiPublicNetworkAccess", Fix.Switch("AllowTrustedAzureServices")))),
            DefineOyd("AOAI-OYD-003", "Public network access is disabled on OpenAI, Search and Storage", AoaiSeverity.High,
                "Any of the three has `publicNetworkAccess` Enabled (absent counts as Enabled; one finding per resource).",
                "The index and the documents are as sensitive as the model's answers: each of the three must be reachable only privately.",
                new[] { "MCSB NS-2" }, "Disable-AoaiPublicNetworkAccess",
                requires: new[] { "account", "searchServices", "storageAccounts" },
                remediationText: "OpenAI account: Disable-AoaiPublicNetworkAccess -AllowTrustedAzureServices. Search: az search service update --public-network-access disabled. Storage: az storage account update --public-network-access Disabled.",
                fix: AccountOnly(new Fix("Disable-AoaiPublicNetworkAccess", Fix.Switch("AllowTrustedAzureServices")))),
            DefineOyd("AOAI-OYD-004", "OpenAI, Search and Storage have an approved private endpoint", AoaiSeverity.Medium,
                "Any of the three has no `privateEndpointConnections[*]` with `privateLinkServiceConnectionState.status == Approved` (one finding per resource).",
                "With public access off, clients and the chat app reach the three resources only through approved private endpoints.",
                new[] { "MCSB NS-2" }, "New-AoaiPrivateEndpoint",
                requires: new[] { "account", "searchServices", "storageAccounts" },
                remediationText: "OpenAI account: New-AoaiPrivateEndpoint -SubnetId <subnet>. Search (group searchService) and Storage (group blob): create a private endpoint and approve its connection.",
                fix: AccountOnly(new Fix("New-AoaiPrivateEndpoint", Fix.FromInput("SubnetId", i => i.SubnetId, "<subnet resource id>")))),
            DefineOyd("AOAI-OYD-005", "Search accepts Microsoft Entra ID authentication", AoaiSeverity.High,
                "Search: `authOptions` is not `aadOrApiKey`, unless `disableLocalAuth` is true (Entra ID only); absent `authOptions` means `apiKeyOnly`.",
                "With API keys only, the OpenAI account's managed identity cannot query the index and the setup depends on shared keys.",
                new[] { "MCSB IM-1" }, null,
                requires: new[] { "searchServices" },
                remediationText: "az search service update --auth-options aadOrApiKey --aad-auth-failure-mode http401WithBearerChallenge (portal: Keys, API access control: Both)."),
            DefineOyd("AOAI-OYD-006", "Search has a system-assigned identity", AoaiSeverity.Medium,
                "Search has no system-assigned managed identity (`identity.type` lacks `SystemAssigned`).",
                "Search reads the documents in Storage and calls the OpenAI account for embeddings with its managed identity.",
                new[] { "MCSB IM-3" }, null,
                requires: new[] { "searchServices" },
                remediationText: "az search service update --identity-type SystemAssigned (portal: Identity, System assigned: On)."),
            DefineOyd("AOAI-OYD-007", "The On Your Data role assignments exist", AoaiSeverity.Medium,
                "A role of the On Your Data role table is missing for the system-assigned identity of the assignee at the resource or a parent scope (resource group, subscription, management group); one finding per row; a missing identity fails its rows.",
                "Each managed identity needs exactly these roles: the OpenAI account reads the index and writes blobs, Search calls the account and reads blobs.",
                new[] { "MCSB IM-3", "MCSB PA-7" }, "Grant-AoaiOnYourDataAccess",
                requires: new[] { "searchServices", "storageAccounts", "roleAssignments" },
                remediationText: "Grant-AoaiOnYourDataAccess -SearchServiceResourceId <search> -StorageAccountResourceId <storage> (Repair-AoaiHardening takes both from the finding's Evidence).",
                fix: new Fix("Grant-AoaiOnYourDataAccess",
                    Fix.FromFinding("SearchServiceResourceId", f => EvidenceOf(f, OnYourDataRules.SearchEvidence)),
                    Fix.FromFinding("StorageAccountResourceId", f => EvidenceOf(f, OnYourDataRules.StorageEvidence)))),
        };

        /// <summary>An On Your Data rule: baseline OnYourData, evaluated by Test-AoaiOnYourDataSecurity (never by Test-AoaiHardening's baselines).</summary>
        private static Rule DefineOyd(string id, string title, AoaiSeverity severity, string condition, string rationale, string[] controls,
            string? remediationCommand, string[] requires, string remediationText, Fix? fix = null)
        {
            var rule = Define(id, title, severity, OnYourDataRules.BaselineName, condition, rationale, controls, remediationCommand,
                requires: requires, remediationText: remediationText, fix: fix);
            return new Rule(rule.Info, null, rule.Fix, OnYourDataRules.EvaluatedBy);
        }

        /// <summary>The module's cmdlets fix the OpenAI account's On Your Data findings only; the Search and Storage ones are manual.</summary>
        private static Fix AccountOnly(Fix fix)
        {
            fix.AppliesTo = f => string.Equals(EvidenceOf(f, OnYourDataRules.TargetEvidence) ?? f.ResourceId, f.ResourceId, StringComparison.OrdinalIgnoreCase);
            return fix;
        }

        private static IEnumerable<RuleOutcome> EvaluatePrivateEndpoint(RuleContext c)
        {
            if (c.IsTemplate)
            {
                // A template carries no read-only connection state; a private endpoint deployed with it counts.
                var endpoints = c.Related("Microsoft.Network/privateEndpoints");
                return Outcome(endpoints != null && endpoints.Count > 0
                    ? RuleOutcome.Pass($"The template deploys a private endpoint to the account ({endpoints[0].Name}).", "private endpoint in template", "an approved private endpoint")
                    : RuleOutcome.NotEvaluated("A template holds no private endpoint connection state and deploys no private endpoint for this account; evaluate the deployed account."));
            }
            var connections = c.Facts.Array("properties.privateEndpointConnections");
            var statuses = new List<string>();
            foreach (var connection in Json.Objects(connections))
            {
                var statusNode = (connection["properties"] as JsonObject)?["privateLinkServiceConnectionState"]?["status"];
                AccountFacts.ThrowIfExpression(statusNode, "properties.privateEndpointConnections[].properties.privateLinkServiceConnectionState.status");
                var status = Json.Str(statusNode) ?? "(none)";
                statuses.Add($"{Json.Str(connection["name"]) ?? "?"}={status}");
                if (Is(status, "Approved"))
                    return Outcome(RuleOutcome.Pass($"Approved private endpoint connection {Json.Str(connection["name"])}.", string.Join(", ", statuses), "Approved"));
            }
            return Outcome(RuleOutcome.Fail(statuses.Count == 0 ? "The account has no private endpoint connection." : "No private endpoint connection is approved.",
                statuses.Count == 0 ? "(no connections)" : string.Join(", ", statuses), "an Approved connection"));
        }

        private static IEnumerable<RuleOutcome> EvaluateIpRules(RuleContext c)
        {
            var broad = new List<string>();
            foreach (var rule in Json.Objects(c.Facts.Array("properties.networkAcls.ipRules")))
            {
                var valueNode = rule["value"];
                AccountFacts.ThrowIfExpression(valueNode, "properties.networkAcls.ipRules[].value");
                var value = Json.Str(valueNode);
                if (value != null && Ipv4Range.IsInternetWideValue(value)) broad.Add(value);
            }
            return Outcome(broad.Count == 0
                ? RuleOutcome.Pass("No IP rule opens the account to a large part of the internet.", null, "no 0.0.0.0, 0.0.0.0/0 or prefix shorter than /16")
                : RuleOutcome.Fail($"IP rules open the account to large parts of the internet: {string.Join(", ", broad)}.", string.Join(", ", broad), "no 0.0.0.0, 0.0.0.0/0 or prefix shorter than /16"));
        }

        /// <summary>The revoke fix names the assignment by principal, role GUID and scope, all from the finding's evidence.</summary>
        private static FixArgument[] RevokeArguments(string? replaceWith)
        {
            var arguments = new List<FixArgument>
            {
                Fix.FromFinding("PrincipalId", f => EvidenceOf(f, "PrincipalId")),
                Fix.FromFinding("Role", f => EvidenceOf(f, "RoleDefinitionId")),
                Fix.FromFinding("Scope", f => EvidenceOf(f, "Scope")),
            };
            if (replaceWith != null) arguments.Add(Fix.FromFinding("ReplaceWith", _ => replaceWith));
            return arguments.ToArray();
        }

        private static string? EvidenceOf(AoaiFinding finding, string key) =>
            finding.Evidence != null && finding.Evidence.TryGetValue(key, out var value) ? value : null;

        private static bool Is(string? value, string expected) => string.Equals(value, expected, StringComparison.OrdinalIgnoreCase);

        private static IEnumerable<RuleOutcome> Outcome(RuleOutcome outcome) => new[] { outcome };

        private static Rule Define(string id, string title, AoaiSeverity severity, string baseline, string condition, string rationale,
            string[] controls, string? remediationCommand, bool allKinds = false, AoaiSeverity? strictSeverity = null, string[]? requires = null,
            string? remediationText = null, Func<RuleContext, IEnumerable<RuleOutcome>>? evaluate = null, Fix? fix = null)
        {
            if (fix != null && fix.Command != remediationCommand)
                throw new InvalidOperationException($"{id}: the fix runs {fix.Command} but the catalog names {remediationCommand}.");
            var info = new AoaiHardeningRule
            {
                Id = id,
                Title = title,
                Area = id.Split('-')[1],
                Severity = severity,
                StrictSeverity = strictSeverity,
                Baseline = baseline,
                Condition = condition,
                Rationale = rationale,
                Controls = controls,
                RemediationCommand = remediationCommand,
                RemediationText = remediationText ?? (remediationCommand != null ? $"Run {remediationCommand}." : "See the rule's documentation."),
                Requires = requires ?? Array.Empty<string>(),
                AppliesToAllKinds = allKinds,
            };
            return new Rule(info, evaluate, fix);
        }
    }
}
