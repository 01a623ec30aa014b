using System;
using System.Linq;
using System.Net.Http;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using AoaiHardening.Emulator.Core;
using Xunit;
using static AoaiHardening.Tests.Emulator.TestTenant;

namespace AoaiHardening.Tests.Emulator;

public sealed class FleetTests(EmulatorFixture emu) : EmulatorTest(emu)
{
    private const string Sub1 = "f1ee7000-0000-4000-8000-000000000001";
    private const string Sub2 = "f1ee7000-0000-4000-8000-000000000002";

    private static string AccountId(string sub, int group, string name) =>
        $"/subscriptions/{sub}/resourceGroups/rg-fleet-{group:D2}/providers/Microsoft.CognitiveServices/accounts/{name}";

    private async Task<JsonNode> PostFleetAsync(string body)
    {
        var response = await Emu.SendAsync(HttpMethod.Post, "/_emulator/fleet", body);
        Assert.Equal(200, (int)response.StatusCode);
        return await response.JsonAsync();
    }

    [Fact]
    public async Task The_fleet_endpoint_adds_subscriptions_accounts_and_their_children_as_specified()
    {
        var result = await PostFleetAsync("""{"subscriptions": 2, "accountsPerSubscription": 10, "resourceGroupsPerSubscription": 3}""");

        Assert.Equal([Sub1, Sub2], result["subscriptions"]!.AsArray().Select(s => (string?)s));
        Assert.Equal(20, (int)result["accounts"]!);
        // Per subscription: workspace, vault, key; per 10 accounts: 10 + 20 deployments + 3 policies (k = 3, 6, 9) + 5 settings (even k).
        Assert.Equal(2 * (3 + 10 + 20 + 3 + 5), (int)result["resources"]!);
        Assert.Equal(6, (int)result["roleAssignments"]!);
        Assert.Equal(22, Emu.State.GetResources("Microsoft.CognitiveServices/accounts").Count);

        var subscriptions = await (await Emu.Http.GetAsync("/subscriptions?api-version=2022-12-01")).JsonAsync();
        var fleet001 = subscriptions["value"]!.AsArray().Single(s => (string?)s!["subscriptionId"] == Sub1)!;
        Assert.Equal("fleet-001", (string?)fleet001["displayName"]);
        Assert.Equal("Enabled", (string?)fleet001["state"]);
        var groups = await (await Emu.Http.GetAsync($"/subscriptions/{Sub2}/resourcegroups?api-version=2024-03-01")).JsonAsync();
        Assert.Equal(["rg-fleet-01", "rg-fleet-02", "rg-fleet-03"], groups["value"]!.AsArray().Select(g => (string?)g!["name"]));
        var inGroup2 = await (await Emu.Http.GetAsync(Api($"/subscriptions/{Sub1}/resourceGroups/rg-fleet-02/providers/Microsoft.CognitiveServices/accounts"))).JsonAsync();
        Assert.Equal(["aoai-fleet-001-0002", "aoai-fleet-001-0005", "aoai-fleet-001-0008"], inGroup2["value"]!.AsArray().Select(a => (string?)a!["name"]));
    }

    [Fact]
    public async Task Accounts_vary_by_index()
    {
        Emu.State.AddFleet(new FleetSpec(1, 10, 3));

        async Task<JsonNode> Account(int k) =>
            await (await Emu.Http.GetAsync(Api(AccountId(Sub1, (k - 1) % 3 + 1, $"aoai-fleet-001-{k:D4}")))).JsonAsync();
        var a1 = await Account(1);
        var a3 = await Account(3);
        var a5 = await Account(5);

        Assert.Equal("OpenAI", (string?)a1["kind"]);
        Assert.Equal("AIServices", (string?)a5["kind"]);
        Assert.Equal("eastus", (string?)a1["location"]);
        Assert.Equal("S0", (string?)a1["sku"]!["name"]);
        Assert.Equal("aoai-fleet-001-0001", (string?)a1["properties"]!["customSubDomainName"]);
        Assert.Equal("Disabled", (string?)a1["properties"]!["publicNetworkAccess"]);
        Assert.Equal("Enabled", (string?)(await Account(2))["properties"]!["publicNetworkAccess"]);
        Assert.Null(a1["properties"]!["disableLocalAuth"]);
        Assert.True((bool)a3["properties"]!["disableLocalAuth"]!);
        Assert.Equal("SystemAssigned", (string?)a1["identity"]!["type"]);
        Assert.Equal(Emu.State.TenantId, (string?)a1["identity"]!["tenantId"]);
        Assert.True(Guid.TryParse((string?)a1["identity"]!["principalId"], out _));
        Assert.Null((await Account(2))["identity"]);
        Assert.Null(a1["properties"]!["encryption"]);
    }

    [Fact]
    public async Task An_account_with_a_customer_managed_key_has_a_readable_vault_and_key()
    {
        Emu.State.AddFleet(new FleetSpec(1, 10, 3));

        var account = await (await Emu.Http.GetAsync(Api(AccountId(Sub1, 1, "aoai-fleet-001-0010")))).JsonAsync();
        var encryption = account["properties"]!["encryption"]!;
        Assert.Equal("Microsoft.KeyVault", (string?)encryption["keySource"]);
        Assert.Equal("https://kvfleet001.vault.azure.net/", (string?)encryption["keyVaultProperties"]!["keyVaultUri"]);
        Assert.Equal("cmk", (string?)encryption["keyVaultProperties"]!["keyName"]);
        Assert.Equal("SystemAssigned", (string?)account["identity"]!["type"]);

        var vaultPath = $"/subscriptions/{Sub1}/resourceGroups/rg-fleet-01/providers/Microsoft.KeyVault/vaults/kvfleet001";
        var vault = await (await Emu.Http.GetAsync(Api(vaultPath, "2026-02-01"))).JsonAsync();
        Assert.True((bool)vault["properties"]!["enablePurgeProtection"]!);
        Assert.True((bool)vault["properties"]!["enableSoftDelete"]!);
        Assert.Equal(Emu.State.TenantId, (string?)vault["properties"]!["tenantId"]);
        var key = await Emu.Http.GetAsync(Api(vaultPath + "/keys/cmk", "2026-02-01"));
        Assert.Equal(200, (int)key.StatusCode);
        var keyJson = await key.JsonAsync();
        Assert.Equal("RSA", (string?)keyJson["properties"]!["kty"]);
        Assert.Equal(2048, (int)keyJson["properties"]!["keySize"]!);
        Assert.Matches("^https://kvfleet001.vault.azure.net(:443)?/keys/cmk/[0-9a-f]{32}$", (string?)keyJson["properties"]!["keyUriWithVersion"]);
        var vaults = await (await Emu.Http.GetAsync(Api($"/subscriptions/{Sub1}/providers/Microsoft.KeyVault/vaults", "2026-02-01"))).JsonAsync();
        Assert.Equal(["kvfleet001"], vaults["value"]!.AsArray().Select(v => (string?)v!["name"]));
        var workspace = await Emu.Http.GetAsync(Api($"/subscriptions/{Sub1}/resourceGroups/rg-fleet-01/providers/Microsoft.OperationalInsights/workspaces/law-fleet-001", "2022-10-01"));
        Assert.Equal(200, (int)workspace.StatusCode);
    }

    [Fact]
    public async Task Deployments_policies_settings_and_role_assignments_are_as_specified()
    {
        Emu.State.AddFleet(new FleetSpec(1, 10, 4));
        var a3 = AccountId(Sub1, 3, "aoai-fleet-001-0003");
        var a1 = AccountId(Sub1, 1, "aoai-fleet-001-0001");
        var a2 = AccountId(Sub1, 2, "aoai-fleet-001-0002");

        var deployments = (await (await Emu.Http.GetAsync(Api(a3 + "/deployments"))).JsonAsync())["value"]!.AsArray();
        Assert.Equal(["gpt-4o", "gpt-4o-mini"], deployments.Select(d => (string?)d!["name"]));
        Assert.Equal("Microsoft.DefaultV2", (string?)deployments[0]!["properties"]!["raiPolicyName"]);
        Assert.Equal("2024-11-20", (string?)deployments[0]!["properties"]!["model"]!["version"]);
        Assert.Equal("Standard", (string?)deployments[0]!["sku"]!["name"]);
        Assert.Equal(10, (int)deployments[0]!["sku"]!["capacity"]!);
        Assert.Equal("fleet-filter", (string?)deployments[1]!["properties"]!["raiPolicyName"]);
        var a1Mini = await (await Emu.Http.GetAsync(Api(a1 + "/deployments/gpt-4o-mini"))).JsonAsync();
        Assert.Null(a1Mini["properties"]!["raiPolicyName"]);

        var policies = (await (await Emu.Http.GetAsync(Api(a3 + "/raiPolicies"))).JsonAsync())["value"]!.AsArray();
        Assert.Equal(["Microsoft.Default", "Microsoft.DefaultV2", "fleet-filter"], policies.Select(p => (string?)p!["name"]));
        var filter = policies[2]!["properties"]!;
        Assert.Equal("Microsoft.DefaultV2", (string?)filter["basePolicyName"]);
        Assert.Equal("Default", (string?)filter["mode"]);
        var filters = filter["contentFilters"]!.AsArray();
        Assert.Equal(9, filters.Count);
        Assert.All(filters, f => Assert.True((bool)f!["blocking"]! && (bool)f["enabled"]!));
        Assert.Equal(8, filters.Count(f => (string?)f!["severityThreshold"] == "Medium"));
        Assert.Contains(filters, f => (string?)f!["name"] == "Jailbreak" && (string?)f["source"] == "Prompt");
        Assert.Equal(2, (await (await Emu.Http.GetAsync(Api(a1 + "/raiPolicies"))).JsonAsync())["value"]!.AsArray().Count);

        const string insights = "/providers/Microsoft.Insights/diagnosticSettings?api-version=2021-05-01-preview";
        var settings = (await (await Emu.Http.GetAsync(a2 + insights)).JsonAsync())["value"]!.AsArray();
        Assert.Equal("to-law", (string?)settings.Single()!["name"]);
        Assert.Equal($"/subscriptions/{Sub1}/resourceGroups/rg-fleet-01/providers/Microsoft.OperationalInsights/workspaces/law-fleet-001",
            (string?)settings[0]!["properties"]!["workspaceId"]);
        Assert.Equal("allLogs", (string?)settings[0]!["properties"]!["logs"]![0]!["categoryGroup"]);
        Assert.Empty((await (await Emu.Http.GetAsync(a1 + insights)).JsonAsync())["value"]!.AsArray());

        const string roleAssignments = "/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01";
        var atGroup4 = (await (await Emu.Http.GetAsync($"/subscriptions/{Sub1}/resourceGroups/rg-fleet-04{roleAssignments}&$filter=atScope()")).JsonAsync())["value"]!.AsArray();
        Assert.Equal("User", (string?)atGroup4.Single()!["properties"]!["principalType"]);
        Assert.EndsWith(BuiltInRoles.Contributor, (string?)atGroup4[0]!["properties"]!["roleDefinitionId"]);
        var onAccount = (await (await Emu.Http.GetAsync(a1 + roleAssignments)).JsonAsync())["value"]!.AsArray();
        Assert.Equal("ServicePrincipal", (string?)onAccount.Single()!["properties"]!["principalType"]);
        Assert.EndsWith(BuiltInRoles.CognitiveServicesOpenAIUser, (string?)onAccount[0]!["properties"]!["roleDefinitionId"]);
        var underSubscription = (await (await Emu.Http.GetAsync($"/subscriptions/{Sub1}{roleAssignments}")).JsonAsync())["value"]!.AsArray();
        Assert.Equal(4, underSubscription.Count);
    }

    [Fact]
    public async Task Bad_sizes_unknown_fields_and_a_second_fleet_are_400()
    {
        foreach (var body in new[]
        {
            """{"subscriptions": 0}""",
            """{"accountsPerSubscription": -1}""",
            """{"subscriptions": 1001, "accountsPerSubscription": 100}""",
            """{"subscriptionz": 1}""",
        })
            await (await Emu.SendAsync(HttpMethod.Post, "/_emulator/fleet", body)).AssertErrorAsync(400, "InvalidControlRequest");

        await PostFleetAsync("""{"subscriptions": 1, "accountsPerSubscription": 1, "resourceGroupsPerSubscription": 1}""");
        await (await Emu.SendAsync(HttpMethod.Post, "/_emulator/fleet", "{}")).AssertErrorAsync(400, "InvalidControlRequest");
    }

    [Fact]
    public async Task An_empty_body_gives_the_default_fleet_and_reset_generates_it_again()
    {
        var result = await PostFleetAsync("");
        Assert.Equal(10, result["subscriptions"]!.AsArray().Count);
        Assert.Equal(1000, (int)result["accounts"]!);

        Emu.State.Reset();

        Assert.Equal(1002, Emu.State.GetResources("Microsoft.CognitiveServices/accounts").Count);
        Emu.State.LoadScenario(Scenario());
        Assert.Equal(2, Emu.State.GetResources("Microsoft.CognitiveServices/accounts").Count);
        Assert.Equal(404, (int)(await Emu.Http.GetAsync(Api(AccountId(Sub1, 1, "aoai-fleet-001-0001")))).StatusCode);
    }

    [Fact]
    public void The_indexes_answer_as_a_scan_would_also_after_removals()
    {
        Emu.State.AddFleet(new FleetSpec(2, 20, 3));
        var store = Emu.State.Resources;
        lock (Emu.State.Gate)
        {
            var account = store.Find(AccountId(Sub1, 3, "aoai-fleet-001-0003"))!;
            var sibling = store.Find(AccountId(Sub1, 1, "aoai-fleet-001-0010"))!; // with its children, a diagnostic setting among them
            store.Remove(store.Find(account.Id + "/deployments/gpt-4o")!);
            store.Remove(sibling);
            var everything = store.Query();

            void Same(System.Collections.Generic.IEnumerable<ArmResource> indexed, Func<ArmResource, bool> scan) =>
                Assert.Equal(everything.Where(scan).Select(r => r.Id), indexed.Select(r => r.Id));

            Assert.Equal(everything.OrderBy(r => r.Seq).Select(r => r.Id), everything.Select(r => r.Id));
            Same(store.Descendants(account), r => r.Id.StartsWith(account.Id + "/", StringComparison.OrdinalIgnoreCase));
            Same(store.Children(account, "Microsoft.CognitiveServices/accounts/deployments"),
                r => r.Id.StartsWith(account.Id + "/", StringComparison.OrdinalIgnoreCase) && r.Type == "Microsoft.CognitiveServices/accounts/deployments");
            Assert.Equal(["aoai-fleet-001-0003/gpt-4o-mini"], store.Children(account, "Microsoft.CognitiveServices/accounts/deployments").Select(r => r.Name));
            Assert.DoesNotContain(store.Query(Sub1, "rg-fleet-01"), r => r.Id.StartsWith(sibling.Id, StringComparison.OrdinalIgnoreCase)
                && (r.Id.Length == sibling.Id.Length || r.Id[sibling.Id.Length] == '/'));
            Assert.Null(store.Find(sibling.Id + "/providers/Microsoft.Insights/diagnosticSettings/to-law"));
            foreach (var (sub, group, type) in new (string?, string?, string?)[]
            {
                (Sub1, null, "Microsoft.CognitiveServices/accounts"), ("F1EE7000-0000-4000-8000-000000000002", "RG-FLEET-02", null),
                (Sub2, "rg-fleet-03", "microsoft.cognitiveservices/accounts/deployments"), (null, null, "Microsoft.KeyVault/vaults"),
                (Sub1, null, null), (null, null, null),
            })
                Same(store.Query(sub, group, type), r =>
                    (sub is null || r.SubscriptionId.Equals(sub, StringComparison.OrdinalIgnoreCase))
                    && (group is null || r.ResourceGroup.Equals(group, StringComparison.OrdinalIgnoreCase))
                    && (type is null || r.Type.Equals(type, StringComparison.OrdinalIgnoreCase)));
        }
    }
}
