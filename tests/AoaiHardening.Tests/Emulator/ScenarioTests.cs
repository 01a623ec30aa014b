using System;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using AoaiHardening.Emulator.Core;
using Xunit;
using static AoaiHardening.Tests.Emulator.TestTenant;

namespace AoaiHardening.Tests.Emulator;

public sealed class ScenarioTests(EmulatorFixture emu) : EmulatorTest(emu)
{
    private const string DemoSubscription = "00000000-0000-0000-0000-00000000c0de";

    /// <summary>tests/Scenarios/demo-tenant.json, found from the test binaries up to the repository.</summary>
    public static string DemoTenantJson()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var file = Path.Combine(dir.FullName, "tests", "Scenarios", "demo-tenant.json");
            if (File.Exists(file))
                return File.ReadAllText(file);
        }
        throw new FileNotFoundException($"tests/Scenarios/demo-tenant.json not found above {AppContext.BaseDirectory}.");
    }

    [Fact]
    public async Task Demo_tenant_serves_its_insecure_sample_accounts()
    {
        Emu.Reset(DemoTenantJson());

        var subscription = await (await Emu.Http.GetAsync($"/subscriptions/{DemoSubscription}?api-version=2022-12-01")).JsonAsync();
        var accounts = (await (await Emu.Http.GetAsync(Api($"/subscriptions/{DemoSubscription}/providers/Microsoft.CognitiveServices/accounts"))).JsonAsync())["value"]!
            .AsArray().ToDictionary(a => (string)a!["name"]!, a => a!);

        Assert.Equal("Contoso Production", (string?)subscription["displayName"]);
        Assert.Equal(["contoso-openai-prod", "contoso-aiservices", "contoso-language", "contoso-openai-dev"], accounts.Keys);
        Assert.Equal("OpenAI", (string?)accounts["contoso-openai-prod"]["kind"]);
        Assert.Equal("Enabled", (string?)accounts["contoso-openai-prod"]["properties"]!["publicNetworkAccess"]);
        Assert.Null(accounts["contoso-openai-prod"]["identity"]);
        Assert.Equal("SystemAssigned", (string?)accounts["contoso-aiservices"]["identity"]!["type"]);
        Assert.Equal("Deny", (string?)accounts["contoso-aiservices"]["properties"]!["networkAcls"]!["defaultAction"]);
        Assert.Equal("TextAnalytics", (string?)accounts["contoso-language"]["kind"]);
        Assert.Contains("/resourceGroups/rg-ai-dev/", (string?)accounts["contoso-openai-dev"]["id"]);
        Assert.Equal("0.0.0.0/0", (string?)accounts["contoso-openai-dev"]["properties"]!["networkAcls"]!["ipRules"]![0]!["value"]);
        Assert.All(accounts.Values, a => Assert.False((bool)a["properties"]!["disableLocalAuth"]!));
    }

    [Fact]
    public async Task Scenario_config_overrides_the_startup_config()
    {
        var scenario = JsonNode.Parse(Scenario())!;
        scenario["config"] = new JsonObject { ["pageSize"] = 1, ["lroStyle"] = "sync" };

        Emu.State.LoadScenario(scenario.ToJsonString());

        Assert.Equal(1, Emu.State.Config.PageSize);
        Assert.Equal(LroStyle.Sync, Emu.State.Config.LroStyle);
        var page = await (await Emu.Http.GetAsync(Api(AccountsPath()))).JsonAsync();
        Assert.Single(page["value"]!.AsArray());
    }

    [Fact]
    public async Task Other_resource_types_are_stored_and_served_by_id()
    {
        var vault = new JsonObject
        {
            ["type"] = "Microsoft.KeyVault/vaults", ["name"] = "kv-test", ["location"] = "eastus",
            ["properties"] = new JsonObject { ["enableRbacAuthorization"] = true, ["someFutureField"] = new JsonArray("a") },
        };
        // A type no provider implements: served as stored, by id.
        var child = new JsonObject { ["type"] = "Microsoft.Web/sites", ["name"] = "app-test", ["location"] = "eastus", ["properties"] = new JsonObject() };
        Emu.Reset(Scenario(Account("acct-a"), vault, child));
        var vaultPath = $"{GroupPath()}/providers/Microsoft.KeyVault/vaults/kv-test";

        var stored = await (await Emu.Http.GetAsync($"{vaultPath}?api-version=2026-02-01")).JsonAsync();
        var served = await (await Emu.Http.GetAsync($"{GroupPath()}/providers/Microsoft.Web/sites/app-test?api-version=2024-04-01")).JsonAsync();

        Assert.Equal(vaultPath, (string?)stored["id"]);
        Assert.Equal("Microsoft.KeyVault/vaults", (string?)stored["type"]);
        Assert.True(JsonNode.DeepEquals(vault["properties"], stored["properties"]));
        Assert.Equal("app-test", (string?)served["name"]);
        await (await Emu.Http.GetAsync($"{GroupPath()}/providers/Microsoft.KeyVault/vaults/kv-other?api-version=2026-02-01")).AssertErrorAsync(404, "ResourceNotFound");
    }

    [Fact]
    public void An_explicit_id_is_kept()
    {
        var account = Account("acct-x");
        account["id"] = $"{GroupPath()}/providers/Microsoft.CognitiveServices/accounts/acct-x";

        Emu.Reset(Scenario(account));

        Assert.NotNull(Emu.State.GetResource(AccountPath("ACCT-X")));
    }

    [Theory]
    [InlineData("""{"subscriptions":[{"subscriptionId":"7e57c0de-0000-4000-8000-000000000001","resourceGroups":[{"name":"rg","location":"eastus","resources":[{"name":"x"}]}]}]}""", "no \"type\"")]
    [InlineData("""{"subscriptions":[{"subscriptionId":"7e57c0de-0000-4000-8000-000000000001","resourceGroups":[{"name":"rg","location":"eastus"},{"name":"RG","location":"eastus"}]}]}""", "appears twice")]
    [InlineData("""{"config":{"pageSize":1,"pageSise":2}}""", "pageSise")]
    [InlineData("""{"tenantId":"nope"}""", "not a GUID")]
    [InlineData("""[1,2]""", "not valid")]
    public void Invalid_scenarios_are_refused_and_leave_state_unchanged(string json, string messagePart)
    {
        var error = Assert.Throws<ScenarioException>(() => Emu.State.LoadScenario(json));

        Assert.Contains(messagePart, error.Message);
        Assert.Equal(2, Emu.State.GetResources().Count);
    }
}
