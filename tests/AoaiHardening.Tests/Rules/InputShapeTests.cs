using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using AoaiHardening.Model;
using AoaiHardening.Rules;
using AoaiHardening.Rules.Input;
using AoaiHardening.Tests.Input;
using Xunit;

namespace AoaiHardening.Tests.Rules
{
    /// <summary>
    /// Every implemented rule gives the same status whether the account arrives as ARM REST JSON, as Get-AzResource
    /// output or as an ARM template (templates differ only where they cannot know: private endpoint connections).
    /// </summary>
    public sealed class InputShapeTests : IDisposable
    {
        private const string Group = "/subscriptions/00000000-0000-0000-0000-000000000009/resourceGroups/rg-shapes";
        private readonly InputFiles _files = new InputFiles();

        public void Dispose() => _files.Dispose();

        /// <summary>Accounts chosen so that each implemented rule passes on one and fails (or is not applicable) on another.</summary>
        private static readonly (string Name, string Kind, string Identity, string Properties)[] Accounts =
        {
            ("hardened", "OpenAI", "{\"type\":\"SystemAssigned\"}",
                "{\"customSubDomainName\":\"hardened\",\"publicNetworkAccess\":\"Disabled\",\"disableLocalAuth\":true,\"restrictOutboundNetworkAccess\":true," +
                "\"networkAcls\":{\"defaultAction\":\"Deny\",\"ipRules\":[{\"value\":\"203.0.113.0/24\"}]}," +
                "\"encryption\":{\"keySource\":\"Microsoft.KeyVault\",\"keyVaultProperties\":{\"keyName\":\"k\",\"keyVaultUri\":\"https://kv.vault.azure.net/\"}}," +
                "\"privateEndpointConnections\":[{\"name\":\"pe\",\"properties\":{\"privateEndpoint\":{\"id\":\"" + Endpoint + "\"},\"privateLinkServiceConnectionState\":{\"status\":\"Approved\"}}}]}"),
            ("exposed", "AIServices", "{\"type\":\"None\"}",
                "{\"publicNetworkAccess\":\"Enabled\",\"networkAcls\":{\"defaultAction\":\"Allow\",\"ipRules\":[{\"value\":\"0.0.0.0/0\"}]}}"),
            ("cmk-uami", "OpenAI", "{\"type\":\"UserAssigned\"}",
                "{\"customSubDomainName\":\"cmk-uami\",\"disableLocalAuth\":false,\"encryption\":{\"keySource\":\"Microsoft.KeyVault\",\"keyVaultProperties\":{\"identityClientId\":\"c1\"}}}"),
        };

        /// <summary>One assignment per account at the account: a user Owner (IAM-003 fails), a workload Contributor (IAM-004 fails), a workload OpenAI User.</summary>
        private static readonly (string Account, string Role, string PrincipalType, string Name)[] Assignments =
        {
            ("hardened", "5e0bd9bd-7b93-4f28-af87-19fc36ad61bd", "ServicePrincipal", "0a000000-0000-4000-8000-000000000001"),
            ("exposed", "8e3af657-a8ff-443c-a75c-2fe8c4bcb635", "User", "0a000000-0000-4000-8000-000000000002"),
            ("cmk-uami", "b24988ac-6180-42a0-ab88-20f7382dd24c", "ServicePrincipal", "0a000000-0000-4000-8000-000000000003"),
        };

        private static string AccountIdOf(string name) => $"{Group}/providers/Microsoft.CognitiveServices/accounts/{name}";

        // The hardened account's private endpoint and its DNS zone group (AOAI-NET-007 passes there).
        private const string Endpoint = Group + "/providers/Microsoft.Network/privateEndpoints/pe-hardened";
        private const string EndpointProperties = "{\"subnet\":{\"id\":\"" + Group + "/providers/Microsoft.Network/virtualNetworks/vnet/subnets/snet\"}," +
            "\"privateLinkServiceConnections\":[{\"name\":\"c\",\"properties\":{\"privateLinkServiceId\":\"" + Group + "/providers/Microsoft.CognitiveServices/accounts/hardened\",\"groupIds\":[\"account\"]}}]}";
        private const string ZoneGroupProperties = "{\"privateDnsZoneConfigs\":[{\"name\":\"privatelink-openai-azure-com\",\"properties\":{\"privateDnsZoneId\":\"" +
            Group + "/providers/Microsoft.Network/privateDnsZones/privatelink.openai.azure.com\"}}]}";

        // The hardened account's customer-managed key: vault kv (recoverable, eastus) and RSA 2048 key k (AOAI-ENC-002..004 pass there).
        private const string Vault = Group + "/providers/Microsoft.KeyVault/vaults/kv";
        private const string VaultProperties = "{\"vaultUri\":\"https://kv.vault.azure.net/\",\"enableSoftDelete\":true,\"enablePurgeProtection\":true}";
        private const string KeyProperties = "{\"kty\":\"RSA\",\"keySize\":2048}";

        // Content safety: hardened's deployment uses a strict policy (CSF-001..005 pass); exposed's "chat" uses a loose one
        // (all fail) and "embed" the system policy Microsoft.DefaultV2, absent from the input (documented default assumed:
        // CSF-001/002/004 pass, 003/005 fail); cmk-uami has no deployment (NotApplicable).
        private static readonly (string Account, string Name, string Policy)[] Deployments =
        {
            ("hardened", "gpt-4o", "strict"), ("exposed", "chat", "loose"), ("exposed", "embed", "Microsoft.DefaultV2"),
        };

        private static readonly (string Account, string Name, string Properties)[] Policies =
        {
            ("hardened", "strict", ContentFilterPolicies.Preset("Strict").ToJsonString()),
            ("exposed", "loose", "{\"mode\":\"Asynchronous_filter\",\"contentFilters\":[" +
                "{\"name\":\"Hate\",\"enabled\":true,\"blocking\":true,\"severityThreshold\":\"High\",\"source\":\"Prompt\"}," +
                "{\"name\":\"Jailbreak\",\"enabled\":true,\"blocking\":false,\"source\":\"Prompt\"}]}"),
        };

        private static string DeploymentProperties(string policy) => $"{{\"model\":{{\"format\":\"OpenAI\",\"name\":\"gpt-4o\",\"version\":\"2024-11-20\"}},\"raiPolicyName\":\"{policy}\"}}";

        private static IEnumerable<string> ContentSafetyRest() =>
            Deployments.Select(d => $"{{\"id\":\"{AccountIdOf(d.Account)}/deployments/{d.Name}\",\"name\":\"{d.Name}\",\"type\":\"Microsoft.CognitiveServices/accounts/deployments\"," +
                $"\"sku\":{{\"name\":\"Standard\",\"capacity\":10}},\"properties\":{DeploymentProperties(d.Policy)}}}")
            .Concat(Policies.Select(p => $"{{\"id\":\"{AccountIdOf(p.Account)}/raiPolicies/{p.Name}\",\"name\":\"{p.Name}\",\"type\":\"Microsoft.CognitiveServices/accounts/raiPolicies\",\"properties\":{p.Properties}}}"));

        private static IEnumerable<string> ContentSafetyAzResource() =>
            Deployments.Select(d => $"{{\"ResourceId\":\"{AccountIdOf(d.Account)}/deployments/{d.Name}\",\"Name\":\"{d.Account}/{d.Name}\",\"ResourceName\":\"{d.Account}/{d.Name}\"," +
                $"\"ResourceGroupName\":\"rg-shapes\",\"ResourceType\":\"Microsoft.CognitiveServices/accounts/deployments\",\"Sku\":{{\"Name\":\"Standard\",\"Capacity\":10}},\"Properties\":{DeploymentProperties(d.Policy)}}}")
            .Concat(Policies.Select(p => $"{{\"ResourceId\":\"{AccountIdOf(p.Account)}/raiPolicies/{p.Name}\",\"Name\":\"{p.Account}/{p.Name}\",\"ResourceName\":\"{p.Account}/{p.Name}\"," +
                $"\"ResourceGroupName\":\"rg-shapes\",\"ResourceType\":\"Microsoft.CognitiveServices/accounts/raiPolicies\",\"Properties\":{p.Properties}}}"));

        /// <summary>Template children of an account, nested in its "resources" (hardened: short type and name, dependsOn).</summary>
        private static string NestedChildren(string account) => account != "hardened" ? string.Empty :
            ",\"resources\":[" + string.Join(",", Policies.Where(p => p.Account == account).Select(p =>
                $"{{\"type\":\"raiPolicies\",\"apiVersion\":\"2025-09-01\",\"name\":\"{p.Name}\",\"dependsOn\":[\"{account}\"],\"properties\":{p.Properties}}}")
            .Concat(Deployments.Where(d => d.Account == account).Select(d =>
                $"{{\"type\":\"deployments\",\"apiVersion\":\"2025-09-01\",\"name\":\"{d.Name}\",\"dependsOn\":[\"{account}\",\"{d.Policy}\"]," +
                $"\"sku\":{{\"name\":\"Standard\",\"capacity\":10}},\"properties\":{DeploymentProperties(d.Policy)}}}"))) + "]";

        /// <summary>Top-level template children of the other accounts: "account/child" names, one built with format().</summary>
        private static IEnumerable<string> ContentSafetyTemplate() =>
            Policies.Where(p => p.Account != "hardened").Select(p =>
                $"{{\"type\":\"Microsoft.CognitiveServices/accounts/raiPolicies\",\"apiVersion\":\"2025-09-01\",\"name\":\"{p.Account}/{p.Name}\"," +
                $"\"dependsOn\":[\"[resourceId('Microsoft.CognitiveServices/accounts', '{p.Account}')]\"],\"properties\":{p.Properties}}}")
            .Concat(Deployments.Where(d => d.Account != "hardened").Select(d =>
                $"{{\"type\":\"Microsoft.CognitiveServices/accounts/deployments\",\"apiVersion\":\"2025-09-01\"," +
                $"\"name\":\"{(d.Name == "embed" ? $"[format('{{0}}/{{1}}', '{d.Account}', '{d.Name}')]" : $"{d.Account}/{d.Name}")}\"," +
                $"\"sku\":{{\"name\":\"Standard\",\"capacity\":10}},\"properties\":{DeploymentProperties(d.Policy)}}}"));

        private static IEnumerable<string> NetworkRest() => new[]
        {
            $"{{\"id\":\"{Vault}\",\"name\":\"kv\",\"type\":\"Microsoft.KeyVault/vaults\",\"location\":\"eastus\",\"properties\":{VaultProperties}}}",
            $"{{\"id\":\"{Vault}/keys/k\",\"name\":\"k\",\"type\":\"Microsoft.KeyVault/vaults/keys\",\"properties\":{KeyProperties}}}",
            $"{{\"id\":\"{Endpoint}\",\"name\":\"pe-hardened\",\"type\":\"Microsoft.Network/privateEndpoints\",\"location\":\"eastus\",\"properties\":{EndpointProperties}}}",
            $"{{\"id\":\"{Endpoint}/privateDnsZoneGroups/default\",\"name\":\"default\",\"type\":\"Microsoft.Network/privateEndpoints/privateDnsZoneGroups\",\"properties\":{ZoneGroupProperties}}}",
        };

        private static IEnumerable<string> NetworkAzResource() => new[]
        {
            $"{{\"ResourceId\":\"{Vault}\",\"Name\":\"kv\",\"ResourceName\":\"kv\",\"ResourceGroupName\":\"rg-shapes\",\"ResourceType\":\"Microsoft.KeyVault/vaults\",\"Location\":\"eastus\",\"Properties\":{VaultProperties}}}",
            $"{{\"ResourceId\":\"{Vault}/keys/k\",\"Name\":\"kv/k\",\"ResourceName\":\"kv/k\",\"ResourceGroupName\":\"rg-shapes\",\"ResourceType\":\"Microsoft.KeyVault/vaults/keys\",\"Properties\":{KeyProperties}}}",
            $"{{\"ResourceId\":\"{Endpoint}\",\"Name\":\"pe-hardened\",\"ResourceName\":\"pe-hardened\",\"ResourceGroupName\":\"rg-shapes\",\"ResourceType\":\"Microsoft.Network/privateEndpoints\",\"Location\":\"eastus\",\"Properties\":{EndpointProperties}}}",
            $"{{\"ResourceId\":\"{Endpoint}/privateDnsZoneGroups/default\",\"Name\":\"pe-hardened/default\",\"ResourceName\":\"pe-hardened/default\",\"ResourceGroupName\":\"rg-shapes\",\"ResourceType\":\"Microsoft.Network/privateEndpoints/privateDnsZoneGroups\",\"Properties\":{ZoneGroupProperties}}}",
        };

        private static IEnumerable<string> NetworkTemplate() => new[]
        {
            // A template vault has no vaultUri yet (it joins by name) and its tenant is an expression.
            "{\"type\":\"Microsoft.KeyVault/vaults\",\"apiVersion\":\"2026-02-01\",\"name\":\"kv\",\"location\":\"eastus\",\"properties\":{\"tenantId\":\"[subscription().tenantId]\",\"sku\":{\"family\":\"A\",\"name\":\"standard\"},\"enableSoftDelete\":true,\"enablePurgeProtection\":true}}",
            "{\"type\":\"Microsoft.KeyVault/vaults/keys\",\"apiVersion\":\"2026-02-01\",\"name\":\"kv/k\",\"properties\":" + KeyProperties + "}",
            "{\"type\":\"Microsoft.Network/privateEndpoints\",\"apiVersion\":\"2025-07-01\",\"name\":\"pe-hardened\",\"location\":\"eastus\",\"properties\":{\"subnet\":{\"id\":\"[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet', 'snet')]\"}," +
                "\"privateLinkServiceConnections\":[{\"name\":\"c\",\"properties\":{\"privateLinkServiceId\":\"[resourceId('Microsoft.CognitiveServices/accounts', 'hardened')]\",\"groupIds\":[\"account\"]}}]}}",
            "{\"type\":\"Microsoft.Network/privateEndpoints/privateDnsZoneGroups\",\"apiVersion\":\"2025-07-01\",\"name\":\"pe-hardened/default\",\"properties\":{\"privateDnsZoneConfigs\":[{\"name\":\"z\"," +
                "\"properties\":{\"privateDnsZoneId\":\"[resourceId('Microsoft.Network/privateDnsZones', 'privatelink.openai.azure.com')]\"}}]}}",
        };

        private static string Rest() => "[" + string.Join(",", Accounts.Select(a =>
            $"{{\"id\":\"{Group}/providers/Microsoft.CognitiveServices/accounts/{a.Name}\",\"name\":\"{a.Name}\",\"type\":\"Microsoft.CognitiveServices/accounts\"," +
            $"\"kind\":\"{a.Kind}\",\"location\":\"eastus\",\"identity\":{a.Identity},\"properties\":{a.Properties}}}").Concat(Assignments.Select(r =>
            $"{{\"id\":\"{AccountIdOf(r.Account)}/providers/Microsoft.Authorization/roleAssignments/{r.Name}\",\"name\":\"{r.Name}\",\"type\":\"Microsoft.Authorization/roleAssignments\"," +
            $"\"properties\":{{\"roleDefinitionId\":\"/subscriptions/00000000-0000-0000-0000-000000000009/providers/Microsoft.Authorization/roleDefinitions/{r.Role}\"," +
            $"\"principalId\":\"11111111-0000-4000-8000-000000000001\",\"principalType\":\"{r.PrincipalType}\",\"scope\":\"{AccountIdOf(r.Account)}\"}}}}")).Concat(NetworkRest()).Concat(ContentSafetyRest())) + "]";

        private static string GetAzResource() => "[" + string.Join(",", Accounts.Select(a =>
            $"{{\"ResourceId\":\"{Group}/providers/Microsoft.CognitiveServices/accounts/{a.Name}\",\"Name\":\"{a.Name}\",\"ResourceName\":\"{a.Name}\"," +
            $"\"ResourceGroupName\":\"rg-shapes\",\"ResourceType\":\"Microsoft.CognitiveServices/accounts\",\"Kind\":\"{a.Kind}\",\"Location\":\"eastus\"," +
            $"\"Identity\":{a.Identity.Replace("\"type\"", "\"Type\"")},\"Properties\":{a.Properties}}}").Concat(Assignments.Select(r =>
            // Get-AzRoleAssignment | ConvertTo-Json
            $"{{\"RoleAssignmentName\":\"{r.Name}\",\"RoleAssignmentId\":\"{AccountIdOf(r.Account)}/providers/Microsoft.Authorization/roleAssignments/{r.Name}\"," +
            $"\"Scope\":\"{AccountIdOf(r.Account)}\",\"DisplayName\":\"someone\",\"SignInName\":null,\"RoleDefinitionName\":\"x\",\"RoleDefinitionId\":\"{r.Role}\"," +
            $"\"ObjectId\":\"11111111-0000-4000-8000-000000000001\",\"ObjectType\":\"{r.PrincipalType}\",\"CanDelegate\":false}}")).Concat(NetworkAzResource()).Concat(ContentSafetyAzResource())) + "]";

        private static string Template() =>
            "{\"$schema\":\"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#\",\"contentVersion\":\"1.0.0.0\",\"resources\":[" +
            string.Join(",", Accounts.Select(a =>
                $"{{\"type\":\"Microsoft.CognitiveServices/accounts\",\"apiVersion\":\"2025-09-01\",\"name\":\"{a.Name}\",\"kind\":\"{a.Kind}\",\"location\":\"eastus\"," +
                $"\"sku\":{{\"name\":\"S0\"}},\"identity\":{a.Identity},\"properties\":{a.Properties}{NestedChildren(a.Name)}}}").Concat(Assignments.Select(r =>
                $"{{\"type\":\"Microsoft.Authorization/roleAssignments\",\"apiVersion\":\"2022-04-01\",\"name\":\"[guid('{r.Name}')]\"," +
                $"\"scope\":\"[resourceId('Microsoft.CognitiveServices/accounts', '{r.Account}')]\"," +
                $"\"properties\":{{\"roleDefinitionId\":\"[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '{r.Role}')]\"," +
                $"\"principalId\":\"[parameters('principal')]\",\"principalType\":\"{r.PrincipalType}\"}}}}")).Concat(NetworkTemplate()).Concat(ContentSafetyTemplate())) + "]}";

        private Dictionary<string, AoaiFindingStatus> Evaluate(string fileName, string json)
        {
            var path = _files.Write(fileName, json);
            var resources = OfflineInputReader.Read(new[] { path }).ToList();
            var types = new HashSet<string>(resources.Select(r => r.Type), StringComparer.OrdinalIgnoreCase);
            var engine = new HardeningEngine(new EngineOptions { Baseline = Baseline.Strict });
            return InputJoiner.Join(resources)
                .SelectMany(a => engine.Evaluate(a, types))
                // CSF rules report one finding per deployment: the deployment (target) is part of the key.
                .ToDictionary(f => f.RuleId.StartsWith("AOAI-CSF-", StringComparison.Ordinal) && f.Target != null ? $"{f.ResourceName} {f.RuleId} {f.Target}" : $"{f.ResourceName} {f.RuleId}", f => f.Status);
        }

        [Fact]
        public void Rest_GetAzResource_and_template_input_agree_rule_by_rule()
        {
            var rest = Evaluate("rest.json", Rest());
            var az = Evaluate("azresource.json", GetAzResource());
            var template = Evaluate("template.json", Template());

            var implemented = RuleCatalog.All.Where(r => r.Evaluate != null).Select(r => r.Id).ToList();
            // CSF rules: one finding per deployment (hardened 1, exposed 2), one NotApplicable on cmk-uami.
            var perDeployment = implemented.Count(id => id.StartsWith("AOAI-CSF-", StringComparison.Ordinal));
            Assert.Equal((implemented.Count - perDeployment) * Accounts.Length + perDeployment * 4, rest.Count);
            Assert.Equal(rest, az);
            foreach (var pair in rest)
            {
                // A template knows no connection state: the endpoint it deploys counts for NET-003, none is NotEvaluated.
                var expected = pair.Key.EndsWith("AOAI-NET-003", StringComparison.Ordinal) && !pair.Key.StartsWith("hardened ", StringComparison.Ordinal)
                    ? AoaiFindingStatus.NotEvaluated : pair.Value;
                Assert.True(template[pair.Key] == expected, $"{pair.Key}: template {template[pair.Key]}, REST {pair.Value}");
            }

            // Each implemented rule is seen both passing and failing (or not applicable) across the accounts.
            // The monitoring rules read resources these files do not hold (NotEvaluated everywhere): MonitoringRuleTests covers them.
            foreach (var id in implemented.Where(i => !i.StartsWith("AOAI-MON-", StringComparison.Ordinal)))
            {
                var statuses = rest.Where(p => p.Key.Split(' ')[1] == id).Select(p => p.Value).Distinct().ToList();
                Assert.Contains(AoaiFindingStatus.Pass, statuses);
                Assert.True(statuses.Contains(AoaiFindingStatus.Fail) || statuses.Contains(AoaiFindingStatus.NotApplicable), $"{id}: {string.Join(",", statuses)}");
            }
            Assert.Equal(AoaiFindingStatus.NotApplicable, rest["exposed AOAI-ENC-005"]);
            Assert.Equal(AoaiFindingStatus.Fail, rest["cmk-uami AOAI-ENC-005"]);

            // Content safety, deployment by deployment.
            foreach (var id in new[] { "AOAI-CSF-001", "AOAI-CSF-002", "AOAI-CSF-003", "AOAI-CSF-004", "AOAI-CSF-005" })
            {
                Assert.Equal(AoaiFindingStatus.Pass, rest[$"hardened {id} gpt-4o"]);
                Assert.Equal(AoaiFindingStatus.Fail, rest[$"exposed {id} chat"]);
                Assert.Equal(AoaiFindingStatus.NotApplicable, rest[$"cmk-uami {id}"]);
            }
            Assert.Equal(new[] { AoaiFindingStatus.Pass, AoaiFindingStatus.Pass, AoaiFindingStatus.Fail, AoaiFindingStatus.Pass, AoaiFindingStatus.Fail },
                new[] { "001", "002", "003", "004", "005" }.Select(n => rest[$"exposed AOAI-CSF-{n} embed"]));
        }
    }
}
