using System;
using System.Linq;
using System.Text.Json.Nodes;
using AoaiHardening.Rules.Input;
using Xunit;

namespace AoaiHardening.Tests.Input
{
    public sealed class TemplateReaderTests : IDisposable
    {
        private const string Schema = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#";
        private const string Providers = "/subscriptions/{subscription}/resourceGroups/{resourceGroup}/providers/";
        private const string Acct = Providers + "Microsoft.CognitiveServices/accounts/acct";
        private readonly InputFiles files = new InputFiles();

        public void Dispose() => files.Dispose();

        private static string Str(JsonNode? node) => node!.GetValue<string>();

        [Fact]
        public void Nested_children_get_full_types_names_and_ids()
        {
            var rs = files.Read($$"""
                { "$schema": "{{Schema}}", "contentVersion": "1.0.0.0",
                  "resources": [
                    { "type": "Microsoft.CognitiveServices/accounts", "apiVersion": "2024-10-01", "name": "acct", "kind": "OpenAI",
                      "properties": { "publicNetworkAccess": "Disabled" },
                      "resources": [
                        { "type": "deployments", "apiVersion": "2024-10-01", "name": "gpt4o", "dependsOn": [ "acct" ],
                          "properties": { "raiPolicyName": "strict" } },
                        { "type": "raiPolicies", "apiVersion": "2024-10-01", "name": "strict", "properties": { "mode": "Blocking" } } ] } ] }
                """);

            Assert.Equal(new[] { "$.resources[0]", "$.resources[0].resources[0]", "$.resources[0].resources[1]" }, rs.Select(r => r.Source!.JsonPath));
            Assert.Equal(new[] { Acct, Acct + "/deployments/gpt4o", Acct + "/raiPolicies/strict" }, rs.Select(r => r.Id));
            Assert.Equal(new[] { "Microsoft.CognitiveServices/accounts", "Microsoft.CognitiveServices/accounts/deployments", "Microsoft.CognitiveServices/accounts/raiPolicies" },
                rs.Select(r => r.Type));
            Assert.Equal(new[] { "acct", "gpt4o", "strict" }, rs.Select(r => r.Name));

            // Normalised to the REST shape: no deployment-only members, the children are resources of their own.
            var account = rs[0].Json;
            Assert.Equal(Acct, Str(account["id"]));
            Assert.Equal("acct", Str(account["name"]));
            Assert.False(account.ContainsKey("resources"));
            Assert.False(account.ContainsKey("apiVersion"));
            Assert.False(rs[1].Json.ContainsKey("dependsOn"));
            Assert.Equal("Microsoft.CognitiveServices/accounts/deployments", Str(rs[1].Json["type"]));
            Assert.Equal("gpt4o", Str(rs[1].Json["name"]));
        }

        [Fact]
        public void Top_level_children_with_full_names_nest_under_their_account()
        {
            var rs = files.Read($$"""
                { "$schema": "{{Schema}}",
                  "resources": [
                    { "type": "Microsoft.CognitiveServices/accounts", "name": "acct" },
                    { "type": "Microsoft.CognitiveServices/accounts/deployments", "name": "acct/deploy1" },
                    { "type": "Microsoft.CognitiveServices/accounts/raiBlocklists/raiBlocklistItems", "name": "acct/list1/item1" } ] }
                """);
            Assert.Equal(Acct + "/deployments/deploy1", rs[1].Id);
            Assert.Equal("deploy1", rs[1].Name);
            Assert.Equal(Acct + "/raiBlocklists/list1/raiBlocklistItems/item1", rs[2].Id);
            Assert.Equal("$.resources[2]", rs[2].Source!.JsonPath);
        }

        [Fact]
        public void Expressions_stay_verbatim_and_names_built_by_format_or_concat_still_nest()
        {
            var rs = files.Read($$"""
                { "$schema": "{{Schema}}",
                  "resources": [
                    { "type": "Microsoft.CognitiveServices/accounts", "apiVersion": "2024-10-01", "name": "[parameters('accountName')]",
                      "location": "[resourceGroup().location]",
                      "properties": { "networkAcls": { "defaultAction": "[parameters('aclDefault')]", "ipRules": [ { "value": "[variables('ip')]" } ] },
                                      "disableLocalAuth": "[not(parameters('keys'))]" } },
                    { "type": "Microsoft.CognitiveServices/accounts/deployments", "name": "[concat(parameters('accountName'), '/chat')]" },
                    { "type": "Microsoft.CognitiveServices/accounts/deployments", "name": "[format('{0}/{1}', parameters('accountName'), parameters('embeddings'))]" },
                    { "type": "Microsoft.CognitiveServices/accounts/deployments", "name": "[variables('fullName')]" },
                    { "type": "Microsoft.CognitiveServices/accounts/deployments", "name": "[concat(parameters('accountName'), '-x/chat')]" } ] }
                """);
            var account = rs[0];
            var accountId = Providers + "Microsoft.CognitiveServices/accounts/[parameters('accountName')]";
            Assert.Equal(accountId, account.Id);
            Assert.Equal("[parameters('accountName')]", account.Name);
            Assert.Equal("[parameters('aclDefault')]", Str(account.Json["properties"]!["networkAcls"]!["defaultAction"]));
            Assert.Equal("[variables('ip')]", Str(account.Json["properties"]!["networkAcls"]!["ipRules"]![0]!["value"]));
            Assert.Equal("[not(parameters('keys'))]", Str(account.Json["properties"]!["disableLocalAuth"]));
            Assert.Equal("[resourceGroup().location]", Str(account.Json["location"]));

            Assert.Equal(accountId + "/deployments/chat", rs[1].Id);
            Assert.Equal("chat", rs[1].Name);
            Assert.Equal(accountId + "/deployments/[parameters('embeddings')]", rs[2].Id);
            Assert.Equal("[parameters('embeddings')]", rs[2].Name);

            // Names that cannot be split by segment stay whole, and their ids nest under no account.
            Assert.Equal("[variables('fullName')]", rs[3].Name);
            Assert.Equal(Providers + "Microsoft.CognitiveServices/accounts/deployments/[variables('fullName')]", rs[3].Id);
            Assert.Equal("[concat(parameters('accountName'), '-x/chat')]", rs[4].Name);
            Assert.False(rs[4].Id.StartsWith(accountId + "/", StringComparison.OrdinalIgnoreCase));
        }

        [Fact]
        public void Double_bracket_escapes_become_literal_brackets()
        {
            var r = Assert.Single(files.Read($$"""
                { "$schema": "{{Schema}}",
                  "resources": [ { "type": "Microsoft.CognitiveServices/accounts", "name": "[[acct]",
                                   "tags": { "note": "[[not an expression]", "open": "[[unclosed", "plain": "a]" } } ] }
                """));
            Assert.Equal("[acct]", r.Name);
            Assert.Equal("[not an expression]", Str(r.Json["tags"]!["note"]));
            Assert.Equal("[[unclosed", Str(r.Json["tags"]!["open"]));
            Assert.Equal("a]", Str(r.Json["tags"]!["plain"]));
        }

        [Fact]
        public void Reads_bicep_symbolic_resources_and_attaches_scoped_extensions()
        {
            var path = InputFiles.TestData("bicep-symbolic.json");
            var rs = OfflineInputReader.Read(new[] { path }).ToList();
            var accountId = Providers + "Microsoft.CognitiveServices/accounts/[parameters('accountName')]";

            // The existing vault is a reference, not a resource this template defines.
            Assert.Equal(new[] { "account", "policy", "deployment", "diagnostics", "userAccess" },
                rs.Select(r => r.Source!.JsonPath.Substring("$.resources['".Length).TrimEnd(']', '\'')));
            Assert.Equal("$.resources['account']", rs[0].Source!.JsonPath);
            Assert.Equal(accountId, rs[0].Id);
            Assert.Equal(accountId + "/raiPolicies/strict", rs[1].Id);
            Assert.Equal(accountId + "/deployments/gpt-4o", rs[2].Id);
            Assert.Equal(accountId + "/providers/Microsoft.Insights/diagnosticSettings/audit", rs[3].Id);
            Assert.Equal("Microsoft.Insights/diagnosticSettings", rs[3].Type);
            Assert.StartsWith(accountId + "/providers/Microsoft.Authorization/roleAssignments/[guid(", rs[4].Id);
            Assert.False(rs[4].Json.ContainsKey("scope"));
            Assert.Equal("[parameters('principalId')]", Str(rs[4].Json["properties"]!["principalId"]));
        }

        [Theory]
        [InlineData("\"acct\"", Acct)]
        [InlineData("\"[resourceId('Microsoft.CognitiveServices/accounts', 'acct')]\"", Acct)]
        [InlineData("\"[resourceId('rg2', 'Microsoft.CognitiveServices/accounts', 'acct')]\"", Acct)]
        [InlineData("\"[format('Microsoft.CognitiveServices/accounts/{0}', 'acct')]\"", Acct)]
        [InlineData("\"[concat('Microsoft.CognitiveServices/accounts/', 'acct')]\"", Acct)]
        [InlineData("\"Microsoft.CognitiveServices/accounts/acct\"", Acct)]
        [InlineData("\"/subscriptions/s1/resourceGroups/rg1/providers/Microsoft.CognitiveServices/accounts/other\"",
            "/subscriptions/s1/resourceGroups/rg1/providers/Microsoft.CognitiveServices/accounts/other")]
        [InlineData("\"[variables('target')]\"", "[variables('target')]")]
        [InlineData("\"[reference('acct').id]\"", "[reference('acct').id]")]
        public void Extension_scope_is_read_from_literal_text(string scope, string expectedScope)
        {
            var rs = files.Read($$"""
                { "$schema": "{{Schema}}", "languageVersion": "2.0",
                  "resources": {
                    "acct": { "type": "Microsoft.CognitiveServices/accounts", "name": "acct" },
                    "diag": { "type": "Microsoft.Insights/diagnosticSettings", "name": "d1", "scope": {{scope}} } } }
                """);
            Assert.Equal(expectedScope + "/providers/Microsoft.Insights/diagnosticSettings/d1", rs[1].Id);
            Assert.Equal("Microsoft.Insights/diagnosticSettings", rs[1].Type);
            Assert.Equal("d1", rs[1].Name);
        }

        [Fact]
        public void Legacy_provider_typed_extensions_resolve_to_the_extension_type()
        {
            var rs = files.Read($$"""
                { "$schema": "{{Schema}}",
                  "resources": [
                    { "type": "Microsoft.CognitiveServices/accounts", "name": "acct",
                      "resources": [ { "type": "providers/diagnosticSettings", "name": "Microsoft.Insights/nested" } ] },
                    { "type": "Microsoft.CognitiveServices/accounts/providers/diagnosticSettings", "name": "[concat('acct', '/Microsoft.Insights/', 'top')]" } ] }
                """);
            Assert.Equal(Acct + "/providers/Microsoft.Insights/diagnosticSettings/nested", rs[1].Id);
            Assert.Equal("Microsoft.Insights/diagnosticSettings", rs[1].Type);
            Assert.Equal("nested", rs[1].Name);
            Assert.Equal(Acct + "/providers/Microsoft.Insights/diagnosticSettings/top", rs[2].Id);
            Assert.Equal("Microsoft.Insights/diagnosticSettings", Str(rs[2].Json["type"]));
        }

        [Fact]
        public void Condition_and_copy_are_dropped_without_evaluation()
        {
            var rs = files.Read($$"""
                { "resources": [
                    { "condition": "[parameters('deploy')]", "type": "Microsoft.CognitiveServices/accounts", "name": "[concat('acct', copyIndex())]",
                      "copy": { "name": "accounts", "count": "[parameters('n')]" }, "comments": "one per region", "kind": "OpenAI" } ] }
                """);
            var r = Assert.Single(rs);
            Assert.Equal("[concat('acct', copyIndex())]", r.Name);
            Assert.Equal(new[] { "id", "name", "type", "kind" }, r.Json.Select(p => p.Key));
        }

        [Fact]
        public void Nested_deployment_templates_are_read_too()
        {
            var rs = files.Read($$"""
                { "$schema": "{{Schema}}",
                  "resources": [
                    { "type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "openai",
                      "properties": { "mode": "Incremental",
                        "template": { "$schema": "{{Schema}}",
                          "resources": [ { "type": "Microsoft.CognitiveServices/accounts", "name": "acct", "kind": "OpenAI" } ] } } } ] }
                """);
            Assert.Equal(2, rs.Count);
            Assert.Equal("Microsoft.Resources/deployments", rs[0].Type);
            Assert.Equal(Acct, rs[1].Id);
            Assert.Equal("$.resources[0].properties.template.resources[0]", rs[1].Source!.JsonPath);
        }

        [Fact]
        public void Parameter_files_next_to_templates_declare_nothing()
        {
            Assert.Empty(files.Read("""
                { "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
                  "contentVersion": "1.0.0.0", "parameters": { "accountName": { "value": "acct" } } }
                """));
        }

        [Fact]
        public void A_template_resource_without_a_name_is_reported_with_its_path()
        {
            var path = files.Write("t.json", $$"""
                { "$schema": "{{Schema}}", "languageVersion": "2.0",
                  "resources": { "it's": { "type": "Microsoft.CognitiveServices/accounts" } } }
                """);
            var error = Assert.Throws<OfflineInputException>(() => OfflineInputReader.Read(new[] { path }).ToList());
            Assert.Equal(@"$.resources['it\'s']", error.JsonPath);
            Assert.Contains("'name'", error.Message);
        }
    }
}
