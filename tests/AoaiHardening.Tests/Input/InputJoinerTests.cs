using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using AoaiHardening.Rules.Input;
using Xunit;

namespace AoaiHardening.Tests.Input
{
    public sealed class InputJoinerTests : IDisposable
    {
        private const string Rg1 = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg1";
        private const string Rg2 = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg2";
        private const string A1 = Rg1 + "/providers/Microsoft.CognitiveServices/accounts/a1";
        private const string A2 = Rg1 + "/providers/Microsoft.CognitiveServices/accounts/a2";
        private const string B1 = Rg2 + "/providers/Microsoft.CognitiveServices/accounts/b1";
        private readonly InputFiles files = new InputFiles();

        public void Dispose() => files.Dispose();

        private static InputResource R(string id, string type, string json = "{}")
        {
            var o = JsonNode.Parse(json)!.AsObject();
            o["id"] = id;
            o["type"] = type;
            return new InputResource(id, type, id.Substring(id.LastIndexOf('/') + 1), o, null);
        }

        private static InputResource Account(string id, string properties = "{}") =>
            R(id, "Microsoft.CognitiveServices/accounts", $$"""{ "properties": {{properties}} }""");

        private static Dictionary<string, string[]> RelatedIds(IEnumerable<InputResource> resources) =>
            InputJoiner.Join(resources).ToDictionary(a => a.Account.Id, a => a.Related.Select(r => r.Id).ToArray());

        [Fact]
        public void Children_and_extensions_join_by_id_prefix_ignoring_case_and_a_trailing_slash()
        {
            var deployment = R(A1.ToUpperInvariant() + "/deployments/d1/", "microsoft.cognitiveservices/accounts/deployments");
            var pec = R(A1 + "/privateEndpointConnections/pec1", "Microsoft.CognitiveServices/accounts/privateEndpointConnections");
            var diag = R(A1 + "/providers/microsoft.insights/diagnosticSettings/audit", "Microsoft.Insights/diagnosticSettings");
            var defender = R(A1 + "/defenderForAISettings/Default", "Microsoft.CognitiveServices/accounts/defenderForAISettings");
            var lookalike = R(A1 + "0/deployments/d1", "Microsoft.CognitiveServices/accounts/deployments");
            var otherChild = R(A2 + "/deployments/d2", "Microsoft.CognitiveServices/accounts/deployments");

            var joined = InputJoiner.Join(new[] { deployment, Account(A2), pec, Account(A1 + "/"), diag, lookalike, otherChild, defender }).ToList();

            Assert.Equal(new[] { A2, A1 + "/" }, joined.Select(a => a.Account.Id));
            Assert.Equal(new[] { otherChild }, joined[0].Related);
            Assert.Equal(new[] { deployment, pec, diag, defender }, joined[1].Related);
        }

        [Fact]
        public void Role_assignments_join_at_the_account_or_its_resource_group()
        {
            var atAccount = R(A1 + "/providers/Microsoft.Authorization/roleAssignments/r1", "Microsoft.Authorization/roleAssignments",
                $$"""{ "properties": { "scope": "{{A1}}", "principalType": "User" } }""");
            var byScopeOnly = R("/subscriptions/00000000-0000-0000-0000-000000000001/providers/Microsoft.Authorization/roleAssignments/r2",
                "Microsoft.Authorization/roleAssignments", $$"""{ "properties": { "scope": "{{A2.ToLowerInvariant()}}/" } }""");
            var atGroup = R(Rg1 + "/providers/Microsoft.Authorization/roleAssignments/r3", "Microsoft.Authorization/roleAssignments",
                $$"""{ "properties": { "scope": "{{Rg1.ToUpperInvariant()}}" } }""");
            var atGroupWithoutScope = R(Rg1 + "/providers/Microsoft.Authorization/roleAssignments/r4", "Microsoft.Authorization/roleAssignments");
            var atSubscription = R("/subscriptions/00000000-0000-0000-0000-000000000001/providers/Microsoft.Authorization/roleAssignments/r5",
                "Microsoft.Authorization/roleAssignments", """{ "properties": { "scope": "/subscriptions/00000000-0000-0000-0000-000000000001" } }""");

            var related = RelatedIds(new[] { Account(A1), Account(A2), Account(B1), atAccount, byScopeOnly, atGroup, atGroupWithoutScope, atSubscription });

            Assert.Equal(new[] { atAccount.Id, atGroup.Id, atGroupWithoutScope.Id }, related[A1]);
            Assert.Equal(new[] { byScopeOnly.Id, atGroup.Id, atGroupWithoutScope.Id }, related[A2]);
            Assert.Empty(related[B1]);
        }

        [Fact]
        public void Private_endpoints_join_by_link_target_with_their_dns_zone_groups()
        {
            const string Pe = Rg2 + "/providers/Microsoft.Network/privateEndpoints/pe1";
            const string Manual = Rg2 + "/providers/Microsoft.Network/privateEndpoints/pe2";
            var zoneGroup = R(Pe + "/privateDnsZoneGroups/default", "Microsoft.Network/privateEndpoints/privateDnsZoneGroups");
            var endpoint = R(Pe, "Microsoft.Network/privateEndpoints", $$"""
                { "properties": { "privateLinkServiceConnections": [
                    { "name": "c1", "properties": { "privateLinkServiceId": "{{A1.ToUpperInvariant()}}", "groupIds": [ "account" ] } } ] } }
                """);
            var manual = R(Manual, "Microsoft.Network/privateEndpoints", $$"""
                { "properties": { "privateLinkServiceConnections": [],
                    "manualPrivateLinkServiceConnections": [ { "properties": { "privateLinkServiceId": "{{A2}}" } } ] } }
                """);
            var elsewhere = R(Rg2 + "/providers/Microsoft.Network/privateEndpoints/pe3", "Microsoft.Network/privateEndpoints",
                """{ "properties": { "privateLinkServiceConnections": [ { "properties": { "privateLinkServiceId": "/subscriptions/x/resourceGroups/y/providers/Microsoft.Storage/storageAccounts/z" } } ] } }""");

            var related = RelatedIds(new[] { zoneGroup, Account(A1), Account(A2), endpoint, manual, elsewhere });

            Assert.Equal(new[] { zoneGroup.Id, endpoint.Id }, related[A1]);
            Assert.Equal(new[] { manual.Id }, related[A2]);
        }

        [Fact]
        public void Zone_groups_join_the_account_whose_connection_names_their_endpoint_when_the_endpoint_is_not_in_the_input()
        {
            const string Pe = Rg2 + "/providers/Microsoft.Network/privateEndpoints/pe-elsewhere";
            var zoneGroup = R(Pe + "/privateDnsZoneGroups/default", "Microsoft.Network/privateEndpoints/privateDnsZoneGroups");
            var unrelated = R(Rg2 + "/providers/Microsoft.Network/privateEndpoints/pe-x/privateDnsZoneGroups/default", "Microsoft.Network/privateEndpoints/privateDnsZoneGroups");
            var account = Account(A1, $$"""{ "privateEndpointConnections": [ { "properties": { "privateEndpoint": { "id": "{{Pe.ToUpperInvariant()}}" } } } ] }""");

            var related = RelatedIds(new[] { account, zoneGroup, unrelated, Account(A2) });

            Assert.Equal(new[] { zoneGroup.Id }, related[A1]);
            Assert.Empty(related[A2]);
        }

        [Fact]
        public void Key_vaults_join_by_host_and_keys_by_name()
        {
            const string Vault = Rg2 + "/providers/Microsoft.KeyVault/vaults/kv1";
            var cmk = """{ "encryption": { "keySource": "Microsoft.KeyVault", "keyVaultProperties": { "keyVaultUri": "https://KV1.vault.azure.net:443/", "keyName": "cmk" } } }""";
            var vault = R(Vault, "Microsoft.KeyVault/vaults", """{ "properties": { "vaultUri": "https://kv1.vault.azure.net/", "enablePurgeProtection": true } }""");
            var key = R(Vault + "/keys/CMK", "Microsoft.KeyVault/vaults/keys", """{ "properties": { "kty": "RSA", "keySize": 2048 } }""");
            var otherKey = R(Vault + "/keys/other", "Microsoft.KeyVault/vaults/keys");
            var otherVault = R(Rg2 + "/providers/Microsoft.KeyVault/vaults/kv2", "Microsoft.KeyVault/vaults", """{ "properties": { "vaultUri": "https://kv2.vault.azure.net/" } }""");

            var related = RelatedIds(new[] { key, Account(A1, cmk), Account(A2), vault, otherKey, otherVault });

            Assert.Equal(new[] { key.Id, vault.Id }, related[A1]);
            Assert.Empty(related[A2]);
        }

        [Fact]
        public void Official_vault_payload_joins_an_account_naming_it_with_port_443()
        {
            var vaultBody = InputFiles.ExampleBody("Microsoft.KeyVault/2026-02-01/getVault.json");
            var vaultUri = new Uri(JsonNode.Parse(vaultBody)!["properties"]!["vaultUri"]!.GetValue<string>());
            var deployments = files.Write("deployments.json", InputFiles.ExampleBody("Microsoft.CognitiveServices/2025-09-01/ListDeployments.json"));
            files.Write("vault.json", vaultBody);
            files.Write("account.json", $$"""
                { "id": "/subscriptions/subscriptionId/resourceGroups/resourceGroupName/providers/Microsoft.CognitiveServices/accounts/accountName",
                  "name": "accountName", "type": "Microsoft.CognitiveServices/accounts", "kind": "OpenAI",
                  "properties": { "encryption": { "keySource": "Microsoft.KeyVault",
                    "keyVaultProperties": { "keyVaultUri": "https://{{vaultUri.Host}}:443/", "keyName": "k1" } } } }
                """);

            var account = Assert.Single(InputJoiner.Join(OfflineInputReader.Read(new[] { files.Root })));

            Assert.Equal(new[] { "Microsoft.CognitiveServices/accounts/deployments", "Microsoft.KeyVault/vaults" }, account.Related.Select(r => r.Type));
            Assert.Equal(deployments, account.Related[0].Source!.File);
        }

        [Fact]
        public void Template_resources_join_through_their_synthetic_ids()
        {
            var rs = OfflineInputReader.Read(new[] { InputFiles.TestData("bicep-symbolic.json") }).ToList();
            var account = Assert.Single(InputJoiner.Join(rs));
            Assert.Equal(new[] { "policy", "deployment", "diagnostics", "userAccess" },
                account.Related.Select(r => r.Source!.JsonPath.Split('\'')[1]));
        }

        [Fact]
        public void Template_vaults_without_a_uri_join_by_name_and_template_role_assignments_at_the_group()
        {
            var rs = files.Read("""
                { "resources": [
                    { "type": "Microsoft.CognitiveServices/accounts", "name": "acct",
                      "properties": { "encryption": { "keySource": "Microsoft.KeyVault",
                        "keyVaultProperties": { "keyVaultUri": "https://kv1.vault.azure.net/", "keyName": "cmk" } } } },
                    { "type": "Microsoft.KeyVault/vaults", "name": "kv1", "properties": { "enableSoftDelete": true },
                      "resources": [ { "type": "keys", "name": "cmk", "properties": { "kty": "RSA" } } ] },
                    { "type": "Microsoft.Authorization/roleAssignments", "name": "[guid('x')]", "properties": { "principalType": "User" } } ] }
                """);
            var account = Assert.Single(InputJoiner.Join(rs));
            Assert.Equal(new[] { "Microsoft.KeyVault/vaults", "Microsoft.KeyVault/vaults/keys", "Microsoft.Authorization/roleAssignments" },
                account.Related.Select(r => r.Type));
        }

        [Fact]
        public void Joins_ten_thousand_accounts_each_to_its_own_children()
        {
            var resources = new List<InputResource>();
            for (var i = 0; i < 10_000; i++)
            {
                var id = $"{Rg1}{i % 100}/providers/Microsoft.CognitiveServices/accounts/a{i}";
                resources.Add(Account(id));
                resources.Add(R(id + "/deployments/d", "Microsoft.CognitiveServices/accounts/deployments"));
                resources.Add(R(id + "/raiPolicies/p", "Microsoft.CognitiveServices/accounts/raiPolicies"));
                resources.Add(R(id + "/providers/Microsoft.Insights/diagnosticSettings/s", "Microsoft.Insights/diagnosticSettings"));
            }
            // Correctness at fleet size; speed is measured by build.ps1 -Task Bench, not asserted here.
            var joined = InputJoiner.Join(resources).ToList();
            Assert.Equal(10_000, joined.Count);
            Assert.All(joined, a => Assert.Equal(3, a.Related.Count));
            Assert.All(joined, a => Assert.All(a.Related, r => Assert.StartsWith(a.Account.Id + "/", r.Id)));
        }
    }
}
