using System;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using AoaiHardening.Rules.Input;
using Xunit;

namespace AoaiHardening.Tests.Input
{
    public sealed class OfflineInputReaderTests : IDisposable
    {
        private const string Group = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg1";
        private const string Accounts = Group + "/providers/Microsoft.CognitiveServices/accounts/";
        private readonly InputFiles files = new InputFiles();

        public void Dispose() => files.Dispose();

        private static string Account(string name, string properties = "{}") =>
            $$"""{ "id": "{{Accounts}}{{name}}", "name": "{{name}}", "type": "Microsoft.CognitiveServices/accounts", "kind": "OpenAI", "properties": {{properties}} }""";

        [Fact]
        public void Reads_one_resource_object()
        {
            var path = files.Write("one.json", Account("a1", """{ "publicNetworkAccess": "Disabled" }"""));
            var r = Assert.Single(OfflineInputReader.Read(new[] { path }));
            Assert.Equal(Accounts + "a1", r.Id);
            Assert.Equal("Microsoft.CognitiveServices/accounts", r.Type);
            Assert.Equal("a1", r.Name);
            Assert.Equal("Disabled", r.Json["properties"]!["publicNetworkAccess"]!.GetValue<string>());
            Assert.Equal(path, r.Source!.File);
            Assert.Equal("$", r.Source.JsonPath);
            Assert.Null(r.Json.Parent);
        }

        [Fact]
        public void Reads_an_array_of_resources()
        {
            var rs = files.Read($"[{Account("a1")}, {Account("a2")}]");
            Assert.Equal(new[] { "a1", "a2" }, rs.Select(r => r.Name));
            Assert.Equal(new[] { "$[0]", "$[1]" }, rs.Select(r => r.Source!.JsonPath));
            Assert.All(rs, r => Assert.Null(r.Json.Parent));
        }

        [Fact]
        public void Reads_a_list_response_and_ignores_nextLink()
        {
            var rs = files.Read($$"""{ "value": [{{Account("a1")}}, {{Account("a2")}}], "nextLink": "https://management.azure.com/next" }""");
            Assert.Equal(new[] { "$.value[0]", "$.value[1]" }, rs.Select(r => r.Source!.JsonPath));
            Assert.Equal(Accounts + "a2", rs[1].Id);
        }

        [Fact]
        public void Reads_a_resource_graph_object_array_keeping_lower_case_types_and_projected_properties()
        {
            var rs = files.Read($$"""
                { "totalRecords": 2, "count": 2, "resultTruncated": "false",
                  "data": [
                    { "id": "{{Accounts}}a1", "name": "a1", "type": "microsoft.cognitiveservices/accounts", "kind": "OpenAI",
                      "properties": { "disableLocalAuth": true, "networkAcls": { "defaultAction": "Deny" } } },
                    { "id": "{{Accounts}}a2", "name": "a2", "type": "microsoft.cognitiveservices/accounts" } ] }
                """);
            Assert.Equal(2, rs.Count);
            Assert.Equal("microsoft.cognitiveservices/accounts", rs[0].Type);
            Assert.Equal("$.data[1]", rs[1].Source!.JsonPath);
            Assert.Equal("Deny", rs[0].Json["properties"]!["networkAcls"]!["defaultAction"]!.GetValue<string>());
        }

        [Fact]
        public void Reads_a_resource_graph_table_as_objects()
        {
            var rs = files.Read($$"""
                { "totalRecords": 2, "count": 2,
                  "data": {
                    "columns": [ { "name": "id", "type": "string" }, { "name": "name", "type": "string" },
                                 { "name": "type", "type": "string" }, { "name": "properties", "type": "object" } ],
                    "rows": [
                      [ "{{Accounts}}a1", "a1", "microsoft.cognitiveservices/accounts", { "publicNetworkAccess": "Disabled" } ],
                      [ "{{Accounts}}a2", "a2", "microsoft.cognitiveservices/accounts", null ] ] } }
                """);
            Assert.Equal(new[] { "a1", "a2" }, rs.Select(r => r.Name));
            Assert.Equal(new[] { "$.data.rows[0]", "$.data.rows[1]" }, rs.Select(r => r.Source!.JsonPath));
            Assert.Equal("Disabled", rs[0].Json["properties"]!["publicNetworkAccess"]!.GetValue<string>());
            Assert.True(rs[1].Json.ContainsKey("properties"));
            Assert.Null(rs[1].Json["properties"]);
        }

        [Fact]
        public void Normalises_get_azresource_output_to_the_rest_shape()
        {
            var rs = files.Read($$"""
                {
                  "Name": "a1", "ResourceId": "{{Accounts}}a1", "Id": "{{Accounts}}a1", "ResourceName": "a1",
                  "ResourceType": "Microsoft.CognitiveServices/accounts", "ResourceGroupName": "rg1", "Location": "eastus",
                  "SubscriptionId": "00000000-0000-0000-0000-000000000001", "Kind": "OpenAI",
                  "Sku": { "Name": "S0", "Tier": null, "Size": null, "Family": null, "Capacity": null },
                  "Tags": { "Owner": "team" }, "ETag": "W/\"x\"",
                  "Identity": { "PrincipalId": "p1", "TenantId": "t1", "Type": 2,
                                "UserAssignedIdentities": { "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/u1": { "PrincipalId": "p2", "ClientId": "c2" } } },
                  "Properties": { "publicNetworkAccess": "Disabled", "networkAcls": { "defaultAction": "Deny" } }
                }
                """);
            var r = Assert.Single(rs);
            var expected = JsonNode.Parse($$"""
                {
                  "id": "{{Accounts}}a1", "name": "a1", "type": "Microsoft.CognitiveServices/accounts", "kind": "OpenAI", "location": "eastus",
                  "sku": { "name": "S0", "tier": null, "size": null, "family": null, "capacity": null },
                  "tags": { "Owner": "team" },
                  "identity": { "principalId": "p1", "tenantId": "t1", "type": "SystemAssigned, UserAssigned",
                                "userAssignedIdentities": { "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/u1": { "principalId": "p2", "clientId": "c2" } } },
                  "properties": { "publicNetworkAccess": "Disabled", "networkAcls": { "defaultAction": "Deny" } },
                  "etag": "W/\"x\""
                }
                """);
            Assert.True(JsonNode.DeepEquals(expected, r.Json), r.Json.ToJsonString());
            Assert.Equal(Accounts + "a1", r.Id);
            Assert.Equal("Microsoft.CognitiveServices/accounts", r.Type);
            Assert.Equal("a1", r.Name);
        }

        [Fact]
        public void Reads_a_get_azresource_array_fixture()
        {
            var path = InputFiles.TestData("get-azresource.json");
            var rs = OfflineInputReader.Read(new[] { path }).ToList();
            Assert.Equal(new[] { "acct1", "gpt-4o" }, rs.Select(r => r.Name));
            Assert.Equal(new[] { "$[0]", "$[1]" }, rs.Select(r => r.Source!.JsonPath));
            Assert.Equal("SystemAssigned", rs[0].Json["identity"]!["type"]!.GetValue<string>());
            Assert.Equal("S0", rs[0].Json["sku"]!["name"]!.GetValue<string>());
            Assert.Equal("Microsoft.CognitiveServices/accounts/deployments", rs[1].Type);
            Assert.Equal("Microsoft.DefaultV2", rs[1].Json["properties"]!["raiPolicyName"]!.GetValue<string>());
        }

        [Fact]
        public void Name_is_the_last_segment_and_a_missing_type_comes_from_the_id()
        {
            var rs = files.Read($$"""
                [ { "id": "{{Accounts}}a1/deployments/d1", "name": "a1/d1", "type": "Microsoft.CognitiveServices/accounts/deployments" },
                  { "id": "{{Accounts}}a1/providers/Microsoft.Insights/diagnosticSettings/diag/" } ]
                """);
            Assert.Equal("d1", rs[0].Name);
            Assert.Equal("Microsoft.Insights/diagnosticSettings", rs[1].Type);
            Assert.Equal("diag", rs[1].Name);
        }

        [Fact]
        public void Tolerates_a_bom_comments_and_trailing_commas()
        {
            var path = files.Write("lenient.json", $$"""
                // exported by hand
                { "value": [ /* the only one */ {{Account("a1")}}, ], }
                """, bom: true);
            Assert.Equal("a1", Assert.Single(OfflineInputReader.Read(new[] { path })).Name);
        }

        [Fact]
        public void Folders_are_read_recursively_in_ordinal_path_order_and_each_file_once()
        {
            var b = files.Write("b.json", Account("b"));
            files.Write("a/z.json", Account("az"));
            files.Write("a/m/c.json", Account("amc"));
            files.Write("a.json", Account("a"));
            files.Write("notes.txt", "not json");
            files.Write("a/settings.jsonc", "{}");

            var names = OfflineInputReader.Read(new[] { b, files.Root }).Select(r => r.Name);

            // b.json first because it was named first; the folder then adds the rest, b.json not again.
            Assert.Equal(new[] { "b", "a", "amc", "az" }, names);
        }

        [Fact]
        public void Files_are_read_one_at_a_time_as_resources_are_consumed()
        {
            var good = files.Write("1.json", Account("a1"));
            var bad = files.Write("2.json", "{ not json");
            using var resources = OfflineInputReader.Read(new[] { good, bad }).GetEnumerator();
            Assert.True(resources.MoveNext());
            Assert.Equal("a1", resources.Current.Name);
            var error = Assert.Throws<OfflineInputException>(() => resources.MoveNext());
            Assert.Equal(bad, error.File);
        }

        [Fact]
        public void A_missing_path_fails_when_read_is_called_and_names_the_path()
        {
            var missing = Path.Combine(files.Root, "nope", "accounts.json");
            var error = Assert.Throws<OfflineInputException>(() => OfflineInputReader.Read(new[] { missing }));
            Assert.Equal(missing, error.File);
            Assert.Contains(missing, error.Message);
            Assert.Contains("no such file or folder", error.Message);
        }

        [Fact]
        public void Invalid_json_is_reported_with_the_file_line_and_position()
        {
            var path = files.Write("broken.json", "{\n  \"value\": [\n    { \"id\": }\n  ]\n}");
            var error = Assert.Throws<OfflineInputException>(() => OfflineInputReader.Read(new[] { path }).ToList());
            Assert.StartsWith(path, error.Message);
            Assert.EndsWith("(line 3, position 13): '}' is an invalid start of a value.", error.Message);
            Assert.IsAssignableFrom<System.Text.Json.JsonException>(error.InnerException);
        }

        [Theory]
        [InlineData("", null)]
        [InlineData("null", "$")]
        [InlineData("42", "$")]
        [InlineData("""{ "foo": 1 }""", "$")]
        [InlineData("""{ "value": [ { "name": "x" } ] }""", "$.value[0]")]
        [InlineData("""[ { "type": "Microsoft.Network/privateEndpoints" }, 3 ]""", "$[1]")]
        [InlineData("""{ "data": { "columns": [ { "name": "id" } ], "rows": [ [ "a", "b" ] ] } }""", "$.data.rows[0]")]
        [InlineData("""{ "data": { "columns": [ 1 ], "rows": [] } }""", "$.data.columns[0]")]
        [InlineData("""{ "resources": [ { "name": "x" } ] }""", "$.resources[0]")]
        [InlineData("""{ "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "resources": 5 }""", "$.resources")]
        public void Bad_input_names_the_file_and_the_json_path(string text, string? jsonPath)
        {
            var path = files.Write("bad.json", text);
            var error = Assert.Throws<OfflineInputException>(() => OfflineInputReader.Read(new[] { path }).ToList());
            Assert.Equal(path, error.File);
            Assert.StartsWith(path, error.Message);
            if (jsonPath != null)
            {
                Assert.Equal(jsonPath, error.JsonPath);
                Assert.Contains(" at " + jsonPath + ":", error.Message);
            }
        }

        [Fact]
        public void A_duplicate_property_is_reported_with_the_file()
        {
            var path = files.Write("dup.json", """{ "id": "/a", "type": "x/y", "properties": { "disableLocalAuth": true, "disableLocalAuth": false } }""");
            var error = Assert.Throws<OfflineInputException>(() => OfflineInputReader.Read(new[] { path }).ToList());
            Assert.Equal(path, error.File);
            Assert.Contains(": not valid JSON: Duplicate property 'disableLocalAut", error.Message);
        }

        [Fact]
        public void Reads_the_official_list_accounts_response()
        {
            var body = InputFiles.ExampleBody("Microsoft.CognitiveServices/2025-09-01/ListAccountsBySubscription.json");
            var expected = JsonNode.Parse(body)!["value"]!.AsArray();
            var rs = files.Read(body, "ListAccountsBySubscription.json");
            Assert.Equal(expected.Count, rs.Count);
            for (var i = 0; i < rs.Count; i++)
            {
                Assert.Equal(expected[i]!["id"]!.GetValue<string>(), rs[i].Id);
                Assert.Equal(expected[i]!["name"]!.GetValue<string>(), rs[i].Name);
                Assert.Equal("Microsoft.CognitiveServices/accounts", rs[i].Type);
                Assert.Equal($"$.value[{i}]", rs[i].Source!.JsonPath);
                Assert.True(JsonNode.DeepEquals(expected[i], rs[i].Json));
            }
        }

        [Fact]
        public void Reads_official_resource_graph_and_network_payloads()
        {
            var graph = files.Read(InputFiles.ExampleBody("Microsoft.ResourceGraph/2024-04-01/ResourcesFirstPageQuery.json"), "graph.json");
            Assert.Equal(3, graph.Count);
            Assert.Equal("microsoft.automation/automationaccounts/runbooks", graph[2].Type);

            // The private endpoint example has no "type": it comes from the id.
            var endpoint = Assert.Single(files.Read(InputFiles.ExampleBody("Microsoft.Network/2025-07-01/PrivateEndpointCreate.json"), "pe.json"));
            Assert.Equal("Microsoft.Network/privateEndpoints", endpoint.Type);
            Assert.Equal("testPe", endpoint.Name);
        }
    }
}
