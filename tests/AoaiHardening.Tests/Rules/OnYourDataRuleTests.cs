using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using AoaiHardening.Arm;
using AoaiHardening.Model;
using AoaiHardening.Rules;
using Xunit;

namespace AoaiHardening.Tests.Rules
{
    /// <summary>AOAI-OYD-001..007: the pure evaluation over the three resources and the role table, and the typed ids.</summary>
    public class OnYourDataRuleTests
    {
        private const string Sub = "00000000-0000-0000-0000-00000000c0de";
        private const string Rg = "/subscriptions/" + Sub + "/resourceGroups/rg-ai-prod";
        private const string AccountId = Rg + "/providers/Microsoft.CognitiveServices/accounts/contoso-openai-prod";
        private const string SearchId = Rg + "/providers/Microsoft.Search/searchServices/srch-contoso-oyd";
        private const string StorageId = Rg + "/providers/Microsoft.Storage/storageAccounts/stcontosooyd";
        private const string AccountPrincipal = "11111111-1111-4111-8111-111111111111";
        private const string SearchPrincipal = "22222222-2222-4222-8222-222222222222";

        private static readonly ISet<string> Available = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            "Enable-AoaiManagedIdentity", "Disable-AoaiPublicNetworkAccess", "New-AoaiPrivateEndpoint", "Grant-AoaiOnYourDataAccess",
        };

        private static JsonArray Approved() => new JsonArray(new JsonObject
        {
            ["name"] = "pe-1",
            ["properties"] = new JsonObject { ["privateLinkServiceConnectionState"] = new JsonObject { ["status"] = "Approved" } },
        });

        private static JsonObject SecureAccount() => new JsonObject
        {
            ["id"] = AccountId, ["name"] = "contoso-openai-prod", ["kind"] = "OpenAI",
            ["identity"] = new JsonObject { ["type"] = "SystemAssigned", ["principalId"] = AccountPrincipal },
            ["properties"] = new JsonObject
            {
                ["publicNetworkAccess"] = "Disabled",
                ["networkAcls"] = new JsonObject { ["defaultAction"] = "Deny", ["bypass"] = "AzureServices" },
                ["privateEndpointConnections"] = Approved(),
            },
        };

        private static JsonObject SecureSearch() => new JsonObject
        {
            ["id"] = SearchId, ["name"] = "srch-contoso-oyd",
            ["identity"] = new JsonObject { ["type"] = "SystemAssigned", ["principalId"] = SearchPrincipal },
            ["properties"] = new JsonObject
            {
                ["publicNetworkAccess"] = "disabled",
                ["authOptions"] = new JsonObject { ["aadOrApiKey"] = new JsonObject { ["aadAuthFailureMode"] = "http401WithBearerChallenge" } },
                ["networkRuleSet"] = new JsonObject { ["bypass"] = "AzureServices" },
                ["privateEndpointConnections"] = Approved(),
            },
        };

        private static JsonObject SecureStorage() => new JsonObject
        {
            ["id"] = StorageId, ["name"] = "stcontosooyd",
            ["properties"] = new JsonObject
            {
                ["publicNetworkAccess"] = "Disabled",
                ["networkAcls"] = new JsonObject { ["defaultAction"] = "Deny", ["bypass"] = "Logging, Metrics, AzureServices" },
                ["privateEndpointConnections"] = Approved(),
            },
        };

        private static AoaiRoleAssignment Assignment(string principal, string role, string scope) =>
            AoaiRoleAssignment.FromJson(new JsonObject
            {
                ["id"] = scope + "/providers/Microsoft.Authorization/roleAssignments/" + Guid.NewGuid(),
                ["name"] = Guid.NewGuid().ToString(),
                ["properties"] = new JsonObject
                {
                    ["roleDefinitionId"] = "/subscriptions/" + Sub + "/providers/Microsoft.Authorization/roleDefinitions/" + role,
                    ["principalId"] = principal, ["principalType"] = "ServicePrincipal", ["scope"] = scope,
                },
            }, role, AccountId, "contoso-openai-prod");

        private static OydInput Input(JsonObject? account = null, JsonObject? search = null, JsonObject? storage = null, bool roles = true, string? rgScopeForSearchReader = null)
        {
            var input = new OydInput(
                new OydResourceState(OydResource.OpenAI, AccountId, "contoso-openai-prod", account ?? SecureAccount(), null),
                new OydResourceState(OydResource.Search, SearchId, "srch-contoso-oyd", search ?? SecureSearch(), null),
                new OydResourceState(OydResource.Storage, StorageId, "stcontosooyd", storage ?? SecureStorage(), null));
            var openAiOnSearch = new List<AoaiRoleAssignment> { Assignment(AccountPrincipal, OnYourDataRules.SearchServiceContributor, SearchId) };
            openAiOnSearch.Add(Assignment(AccountPrincipal, OnYourDataRules.SearchIndexDataReader, rgScopeForSearchReader ?? SearchId));
            input.Assignments[(OydResource.OpenAI, OydResource.Search)] = new OydAssignments(roles ? openAiOnSearch : new List<AoaiRoleAssignment>(), null);
            input.Assignments[(OydResource.OpenAI, OydResource.Storage)] = new OydAssignments(new[] { Assignment(AccountPrincipal, OnYourDataRules.StorageBlobDataContributor, StorageId) }, null);
            input.Assignments[(OydResource.Search, OydResource.OpenAI)] = new OydAssignments(new[] { Assignment(SearchPrincipal, "a001fd3d-188f-4b5d-821b-7da978bf7442", AccountId) }, null);
            input.Assignments[(OydResource.Search, OydResource.Storage)] = new OydAssignments(new[] { Assignment(SearchPrincipal, OnYourDataRules.StorageBlobDataReader, StorageId) }, null);
            return input;
        }

        private static List<AoaiFinding> Evaluate(OydInput input) => OnYourDataRules.Evaluate(input, Available).ToList();

        private static string[] FailingRules(OydInput input) =>
            Evaluate(input).Where(f => f.Status != AoaiFindingStatus.Pass).Select(f => f.RuleId).Distinct().ToArray();

        [Fact]
        public void A_secure_setup_passes_every_rule_with_one_finding_per_resource_and_role_row()
        {
            var findings = Evaluate(Input());
            Assert.All(findings, f => Assert.Equal(AoaiFindingStatus.Pass, f.Status));
            Assert.Equal(16, findings.Count);
            Assert.Equal(new[] { 1, 2, 3, 3, 1, 1, 5 }, Enumerable.Range(1, 7).Select(i => findings.Count(f => f.RuleId == $"AOAI-OYD-00{i}")));
            Assert.All(findings, f =>
            {
                Assert.Equal(AccountId, f.ResourceId);
                Assert.Equal("OnYourData", f.Baseline);
                Assert.Equal(SearchId, f.Evidence!["SearchServiceResourceId"]);
                Assert.Equal(StorageId, f.Evidence!["StorageAccountResourceId"]);
            });
        }

        [Theory]
        [InlineData("AOAI-OYD-002", "storage-allow")]
        [InlineData("AOAI-OYD-002", "account-nobypass")]
        [InlineData("AOAI-OYD-003", "search-public")]
        [InlineData("AOAI-OYD-003", "storage-public-absent")]
        [InlineData("AOAI-OYD-004", "search-pending")]
        [InlineData("AOAI-OYD-005", "search-apikeyonly")]
        [InlineData("AOAI-OYD-007", "no-roles")]
        public void Each_broken_variant_fails_exactly_the_rule_it_breaks(string rule, string variant)
        {
            var account = SecureAccount();
            var search = SecureSearch();
            var storage = SecureStorage();
            var roles = true;
            switch (variant)
            {
                case "storage-allow": storage["properties"]!["networkAcls"]!["defaultAction"] = "Allow"; break;
                case "account-nobypass": account["properties"]!["networkAcls"]!["bypass"] = "None"; break;
                case "search-public": search["properties"]!["publicNetworkAccess"] = "enabled"; break;
                case "storage-public-absent": ((JsonObject)storage["properties"]!).Remove("publicNetworkAccess"); break;
                case "search-pending": search["properties"]!["privateEndpointConnections"]![0]!["properties"]!["privateLinkServiceConnectionState"]!["status"] = "Pending"; break;
                case "search-apikeyonly": search["properties"]!["authOptions"] = new JsonObject { ["apiKeyOnly"] = new JsonObject() }; break;
                case "no-roles": roles = false; break;
            }
            Assert.Equal(new[] { rule }, FailingRules(Input(account, search, storage, roles)));
        }

        [Fact]
        public void A_missing_identity_fails_its_rule_and_the_role_rows_it_is_assignee_of()
        {
            var account = SecureAccount();
            account.Remove("identity");
            var findings = Evaluate(Input(account));
            Assert.Equal(new[] { "AOAI-OYD-001", "AOAI-OYD-007" }, findings.Where(f => f.Status == AoaiFindingStatus.Fail).Select(f => f.RuleId).Distinct());
            var rows = findings.Where(f => f.RuleId == "AOAI-OYD-007" && f.Status == AoaiFindingStatus.Fail).ToList();
            Assert.Equal(3, rows.Count);
            Assert.All(rows, r => Assert.Contains("no system-assigned identity", r.Message));
            Assert.StartsWith("Enable-AoaiManagedIdentity -ResourceId", findings.First(f => f.RuleId == "AOAI-OYD-001").Remediation);

            var search = SecureSearch();
            search["identity"] = new JsonObject { ["type"] = "None" };
            var searchFindings = Evaluate(Input(search: search));
            Assert.Equal(new[] { "AOAI-OYD-006", "AOAI-OYD-007" }, searchFindings.Where(f => f.Status == AoaiFindingStatus.Fail).Select(f => f.RuleId).Distinct());
            Assert.Equal(2, searchFindings.Count(f => f.RuleId == "AOAI-OYD-007" && f.Status == AoaiFindingStatus.Fail));
        }

        [Fact]
        public void Local_auth_disabled_passes_OYD_005()
        {
            var search = SecureSearch();
            ((JsonObject)search["properties"]!).Remove("authOptions");
            search["properties"]!["disableLocalAuth"] = true;
            Assert.Empty(FailingRules(Input(search: search)));
        }

        [Fact]
        public void An_assignment_inherited_from_the_resource_group_counts_and_a_sibling_scope_does_not()
        {
            var inherited = Evaluate(Input(rgScopeForSearchReader: Rg));
            var reader = inherited.Single(f => f.RuleId == "AOAI-OYD-007" && f.Target!.StartsWith("Search Index Data Reader"));
            Assert.Equal(AoaiFindingStatus.Pass, reader.Status);
            Assert.Contains("inherited from " + Rg, reader.Message);

            var sibling = Evaluate(Input(rgScopeForSearchReader: Rg + "/providers/Microsoft.Search/searchServices/srch-other"));
            Assert.Equal(AoaiFindingStatus.Fail, sibling.Single(f => f.RuleId == "AOAI-OYD-007" && f.Target!.StartsWith("Search Index Data Reader")).Status);
        }

        [Fact]
        public void Blob_data_contributor_satisfies_the_search_to_storage_row()
        {
            var input = Input();
            input.Assignments[(OydResource.Search, OydResource.Storage)] = new OydAssignments(new[] { Assignment(SearchPrincipal, OnYourDataRules.StorageBlobDataContributor, Rg) }, null);
            Assert.Empty(FailingRules(input));
        }

        [Fact]
        public void A_read_failure_is_an_error_naming_the_resource()
        {
            var input = new OydInput(
                new OydResourceState(OydResource.OpenAI, AccountId, "contoso-openai-prod", SecureAccount(), null),
                new OydResourceState(OydResource.Search, SearchId, "srch-contoso-oyd", null, "403 AuthorizationFailed"),
                new OydResourceState(OydResource.Storage, StorageId, "stcontosooyd", SecureStorage(), null));
            input.Assignments[(OydResource.OpenAI, OydResource.Storage)] = new OydAssignments(null, "500 InternalServerError");
            var findings = Evaluate(input);
            var errors = findings.Where(f => f.Status == AoaiFindingStatus.Error).ToList();
            Assert.Contains(errors, f => f.RuleId == "AOAI-OYD-005" && f.Message.Contains("search service srch-contoso-oyd") && f.Message.Contains("403"));
            Assert.Contains(errors, f => f.RuleId == "AOAI-OYD-007" && f.Target!.StartsWith("Storage Blob Data Contributor") && f.Message.Contains(StorageId));
            Assert.Equal(4 + 2 + 2 + 1, errors.Count); // search: 003..006; the two rows of the search identity; the two OpenAI→Search rows (not read here); the storage row
        }

        [Fact]
        public void Fixes_apply_to_the_account_only_and_role_fixes_carry_both_ids()
        {
            var search = SecureSearch();
            search["properties"]!["publicNetworkAccess"] = "Enabled";
            var account = SecureAccount();
            account["properties"]!["publicNetworkAccess"] = "Enabled";
            var findings = Evaluate(Input(account, search, roles: false));
            var onAccount = findings.Single(f => f.RuleId == "AOAI-OYD-003" && f.Status == AoaiFindingStatus.Fail && f.Evidence!["TargetResourceId"] == AccountId);
            Assert.Equal($"Disable-AoaiPublicNetworkAccess -ResourceId '{AccountId}' -AllowTrustedAzureServices", onAccount.Remediation);
            var onSearch = findings.Single(f => f.RuleId == "AOAI-OYD-003" && f.Status == AoaiFindingStatus.Fail && f.Evidence!["TargetResourceId"] == SearchId);
            Assert.Null(onSearch.RemediationCommand);
            Assert.StartsWith("az search service update --ids", onSearch.Remediation);
            Assert.False(RuleCatalog.Find("AOAI-OYD-003")!.Fix!.Applies(onSearch));
            var role = findings.First(f => f.RuleId == "AOAI-OYD-007" && f.Status == AoaiFindingStatus.Fail);
            Assert.Equal($"Grant-AoaiOnYourDataAccess -ResourceId '{AccountId}' -SearchServiceResourceId '{SearchId}' -StorageAccountResourceId '{StorageId}'", role.Remediation);
        }

        [Fact]
        public void The_OYD_rules_are_in_neither_builtin_baseline()
        {
            Assert.Equal(7, RuleCatalog.All.Count(r => r.Info.Baseline == "OnYourData"));
            Assert.All(RuleCatalog.All.Where(r => r.Info.Area == "OYD"), r =>
            {
                Assert.False(Baseline.Default.Includes(r));
                Assert.False(Baseline.Strict.Includes(r));
                Assert.True(r.Info.Implemented);
            });
            var named = new HardeningEngine(new EngineOptions { Rules = new[] { "AOAI-OYD-001" } });
            Assert.Equal("AOAI-OYD-001", Assert.Single(named.Selected).Id);
        }

        [Theory]
        [InlineData(SearchId, true)]
        [InlineData(Rg + "/providers/Microsoft.Search/searchServices/Srch-Upper", false)]
        [InlineData(Rg + "/providers/Microsoft.Search/searchServices/a--b", false)]
        [InlineData(Rg + "/providers/Microsoft.Search/searchServices/-ab", false)]
        [InlineData(StorageId, false)]
        [InlineData("/subscriptions/not-a-guid/resourceGroups/rg/providers/Microsoft.Search/searchServices/ok", false)]
        [InlineData("srch-contoso-oyd", false)]
        public void Search_service_ids_are_validated(string id, bool valid)
        {
            if (valid) Assert.Equal("srch-contoso-oyd", SearchServiceResourceId.Parse(id).Name);
            else Assert.Throws<ArgumentException>(() => SearchServiceResourceId.Parse(id));
        }

        [Theory]
        [InlineData(StorageId, true)]
        [InlineData(Rg + "/providers/Microsoft.Storage/storageAccounts/st", false)]
        [InlineData(Rg + "/providers/Microsoft.Storage/storageAccounts/St-Contoso", false)]
        [InlineData(Rg + "/providers/Microsoft.Storage/storageAccounts/stcontosooyd/blobServices/default", false)]
        [InlineData(SearchId, false)]
        public void Storage_account_ids_are_validated(string id, bool valid)
        {
            if (valid) Assert.Equal("stcontosooyd", StorageAccountResourceId.Parse(id).Name);
            else
            {
                var ex = Assert.Throws<ArgumentException>(() => StorageAccountResourceId.Parse(id));
                Assert.Contains("storage account", ex.Message);
            }
        }

        [Fact]
        public void The_role_table_is_the_one_of_rules_md()
        {
            Assert.Equal(5, OnYourDataRules.Table.Count);
            Assert.Equal(4, OnYourDataRules.Pairs.Count());
            var searchOnStorage = OnYourDataRules.Table.Single(r => r.Assignee == OydResource.Search && r.Resource == OydResource.Storage);
            Assert.True(searchOnStorage.Accepts("ba92f5b4-2d11-453d-a403-e96b0029c9fe"));
            Assert.True(searchOnStorage.Accepts("2a2b9908-6ea1-4ae2-8e65-a410df84e7d1"));
            Assert.Equal("2a2b9908-6ea1-4ae2-8e65-a410df84e7d1", searchOnStorage.GrantRoleId);
        }
    }
}
