using System.Linq;
using System.Net.Http;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Xunit;
using static AoaiHardening.Tests.Emulator.TestTenant;

namespace AoaiHardening.Tests.Emulator;

/// <summary>Microsoft.Insights diagnosticSettings and diagnosticSettingsCategories on a resource (2021-05-01-preview).</summary>
public sealed class MonitoringDiagnosticSettingsTests(EmulatorFixture emu) : EmulatorTest(emu)
{
    private const string Version = "2021-05-01-preview";
    private const string SettingType = "Microsoft.Insights/diagnosticSettings";
    private static readonly string Workspace = $"{GroupPath()}/providers/Microsoft.OperationalInsights/workspaces/law-test";

    private static string Settings(string target) => $"{target}/providers/Microsoft.Insights/diagnosticSettings";
    private static string Setting(string target, string name) => $"{Settings(target)}/{name}";
    private static string V(string path) => Api(path, Version);

    private static JsonObject Body(string? workspace = null, JsonArray? logs = null, JsonArray? metrics = null) => new()
    {
        ["properties"] = new JsonObject
        {
            ["workspaceId"] = workspace ?? Workspace,
            ["logs"] = logs ?? new JsonArray(new JsonObject { ["categoryGroup"] = "allLogs", ["enabled"] = true }),
            ["metrics"] = metrics ?? new JsonArray(new JsonObject { ["category"] = "AllMetrics", ["enabled"] = true }),
        },
    };

    [Fact]
    public async Task Put_is_200_synchronous_and_get_list_and_delete_follow()
    {
        var account = AccountPath("acct-a");
        var body = Body(logs: new JsonArray(
            new JsonObject { ["category"] = "Audit", ["enabled"] = true, ["retentionPolicy"] = new JsonObject { ["enabled"] = false, ["days"] = 0 } },
            new JsonObject { ["categoryGroup"] = "audit", ["enabled"] = false }));
        body["properties"]!["futureField"] = "kept";
        body["id"] = "/ignored";

        var put = await Emu.SendAsync(HttpMethod.Put, V(Setting(account, "to-law")), body);
        var created = await put.JsonAsync();
        var replaced = await Emu.SendAsync(HttpMethod.Put, V(Setting(account, "to-law")), body);

        Assert.Equal(200, (int)put.StatusCode);
        Assert.Null(put.Header("Azure-AsyncOperation"));
        Assert.Equal(Setting(account, "to-law"), (string?)created["id"]);
        Assert.Equal(SettingType, (string?)created["type"]);
        Assert.Equal("to-law", (string?)created["name"]);
        Assert.Null(created["etag"]);
        Assert.Equal("kept", (string?)created["properties"]!["futureField"]);
        Assert.Equal(0, (int)created["properties"]!["logs"]![0]!["retentionPolicy"]!["days"]!);
        Assert.Equal(200, (int)replaced.StatusCode);
        Assert.True(JsonNode.DeepEquals(created, await Emu.GetJsonAsync(V(Setting(account, "TO-LAW")))));
        var list = await Emu.GetJsonAsync(V(Settings(account)));
        Assert.Equal(["to-law"], list["value"]!.AsArray().Select(s => (string)s!["name"]!));
        Assert.Null(list["nextLink"]);
        Assert.Empty((await Emu.GetJsonAsync(V(Settings(AccountPath("acct-b")))))["value"]!.AsArray());

        Assert.Equal(200, (int)(await Emu.Http.DeleteAsync(V(Setting(account, "to-law")))).StatusCode);
        Assert.Equal(204, (int)(await Emu.Http.DeleteAsync(V(Setting(account, "to-law")))).StatusCode);
        Assert.Empty(Emu.State.GetResources(SettingType));
    }

    [Fact]
    public async Task A_missing_setting_is_404_unwrapped_and_a_missing_target_is_ARMs_404()
    {
        var missing = await Emu.Http.GetAsync(V(Setting(AccountPath("acct-a"), "nope")));
        Assert.Equal(404, (int)missing.StatusCode);
        var error = await missing.JsonAsync();
        Assert.Equal("ResourceNotFound", (string?)error["code"]);
        Assert.Null(error["error"]);

        await (await Emu.Http.GetAsync(V(Settings(AccountPath("ghost"))))).AssertErrorAsync(404, "ResourceNotFound");
        await (await Emu.SendAsync(HttpMethod.Put, V(Setting(AccountPath("ghost"), "s")), Body())).AssertErrorAsync(404, "ResourceNotFound");
    }

    [Fact]
    public async Task Settings_go_with_the_resource_and_work_on_any_stored_type()
    {
        var vault = new JsonObject { ["type"] = "Microsoft.KeyVault/vaults", ["name"] = "kv-test", ["location"] = "eastus", ["properties"] = new JsonObject() };
        Emu.Reset(Scenario(Account("acct-a"), vault), c => c with { LroPolls = 0 });
        var vaultPath = $"{GroupPath()}/providers/Microsoft.KeyVault/vaults/kv-test";

        // Categories are only known for accounts: another type takes any category.
        var anyCategory = Body(logs: new JsonArray(new JsonObject { ["category"] = "AuditEvent", ["enabled"] = true }), metrics: new JsonArray());
        Assert.Equal(200, (int)(await Emu.SendAsync(HttpMethod.Put, V(Setting(vaultPath, "s")), anyCategory)).StatusCode);
        Assert.Equal(200, (int)(await Emu.SendAsync(HttpMethod.Put, V(Setting(AccountPath("acct-a"), "s")), Body())).StatusCode);
        Assert.Equal(2, Emu.State.GetResources(SettingType).Count);

        Assert.Equal(202, (int)(await Emu.Http.DeleteAsync(Api(AccountPath("acct-a")))).StatusCode);

        Assert.Equal([Setting(vaultPath, "s")], Emu.State.GetResources(SettingType).Select(s => (string)s["id"]!));
    }

    [Theory]
    [InlineData("""{"properties":{"logs":[{"category":"Audit","enabled":true}]}}""", "destination")]
    [InlineData("""{"properties":{"workspaceId":"","logs":[{"category":"Audit","enabled":true}]}}""", "destination")]
    [InlineData("""{"properties":{"workspaceId":"/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/x"}}""", "workspaceId")]
    [InlineData("""{"properties":{"workspaceId":"law-test"}}""", "workspaceId")]
    [InlineData("""{"properties":{"storageAccountId":"/x","logs":[{"category":"Audit","categoryGroup":"audit","enabled":true}]}}""", "exactly one")]
    [InlineData("""{"properties":{"storageAccountId":"/x","logs":[{"enabled":true}]}}""", "exactly one")]
    [InlineData("""{"properties":{"storageAccountId":"/x","logs":[{"category":"Audit"}]}}""", "enabled")]
    [InlineData("""{"properties":{"storageAccountId":"/x","logs":[{"category":"Audit","enabled":"true"}]}}""", "enabled")]
    [InlineData("""{"properties":{"storageAccountId":"/x","logs":[{"category":"AuditEvent","enabled":true}]}}""", "AuditEvent")]
    [InlineData("""{"properties":{"storageAccountId":"/x","logs":[{"categoryGroup":"allMetrics","enabled":true}]}}""", "allMetrics")]
    [InlineData("""{"properties":{"storageAccountId":"/x","metrics":[{"category":"Transactions","enabled":true}]}}""", "Transactions")]
    [InlineData("""{"properties":{"storageAccountId":"/x","metrics":[{"category":"AllMetrics"}]}}""", "enabled")]
    [InlineData("""{"tags":{}}""", "properties")]
    public async Task Invalid_settings_are_400_with_the_unwrapped_envelope_and_store_nothing(string body, string mentioned)
    {
        var response = await Emu.SendAsync(HttpMethod.Put, V(Setting(AccountPath("acct-a"), "bad")), body);

        Assert.Equal(400, (int)response.StatusCode);
        var error = await response.JsonAsync();
        Assert.Equal("BadRequest", (string?)error["code"]);
        Assert.Contains(mentioned, (string)error["message"]!);
        Assert.Null(error["error"]);
        Assert.Empty(Emu.State.GetResources(SettingType));
    }

    [Theory]
    [InlineData("storageAccountId")]
    [InlineData("eventHubAuthorizationRuleId")]
    [InlineData("marketplacePartnerId")]
    public async Task Each_destination_kind_is_enough(string destination)
    {
        var body = new JsonObject { ["properties"] = new JsonObject { [destination] = "/subscriptions/s/resourceGroups/rg/providers/X/y/z", ["logs"] = new JsonArray(new JsonObject { ["category"] = "trace", ["enabled"] = true }) } };

        Assert.Equal(200, (int)(await Emu.SendAsync(HttpMethod.Put, V(Setting(AccountPath("acct-a"), "s")), body)).StatusCode);
    }

    [Fact]
    public async Task A_resource_holds_at_most_five_settings()
    {
        var account = AccountPath("acct-a");
        for (var i = 1; i <= 5; i++)
            Assert.Equal(200, (int)(await Emu.SendAsync(HttpMethod.Put, V(Setting(account, $"s{i}")), Body())).StatusCode);

        var sixth = await Emu.SendAsync(HttpMethod.Put, V(Setting(account, "s6")), Body());
        var replace = await Emu.SendAsync(HttpMethod.Put, V(Setting(account, "s5")), Body());

        Assert.Equal(400, (int)sixth.StatusCode);
        Assert.Equal("BadRequest", (string?)(await sixth.JsonAsync())["code"]);
        Assert.Equal(200, (int)replace.StatusCode);
        Assert.Equal(5, Emu.State.GetResources(SettingType).Count);
    }

    [Fact]
    public async Task Account_categories_list_the_four_logs_and_AllMetrics()
    {
        var account = AccountPath("acct-a");
        var list = (await Emu.GetJsonAsync(V($"{account}/providers/Microsoft.Insights/diagnosticSettingsCategories")))["value"]!.AsArray();

        Assert.Equal(["Audit", "RequestResponse", "Trace", "AzureOpenAIRequestUsage", "AllMetrics"], list.Select(c => (string)c!["name"]!));
        Assert.All(list, c => Assert.Equal("microsoft.insights/diagnosticSettingsCategories", (string?)c!["type"]));
        Assert.Equal(["allLogs", "audit"], list[0]!["properties"]!["categoryGroups"]!.AsArray().Select(g => (string)g!));
        Assert.Equal(["allLogs"], list[1]!["properties"]!["categoryGroups"]!.AsArray().Select(g => (string)g!));
        Assert.Equal("Metrics", (string?)list[4]!["properties"]!["categoryType"]);
        Assert.Null(list[4]!["properties"]!["categoryGroups"]);
        var audit = await Emu.GetJsonAsync(V($"{account}/providers/Microsoft.Insights/diagnosticSettingsCategories/audit"));
        Assert.Equal($"{account}/providers/microsoft.insights/diagnosticSettingsCategories/Audit", (string?)audit["id"]);
        Assert.Equal("Logs", (string?)audit["properties"]!["categoryType"]);
        var unknown = await Emu.Http.GetAsync(V($"{account}/providers/Microsoft.Insights/diagnosticSettingsCategories/Nope"));
        Assert.Equal(404, (int)unknown.StatusCode);
        Assert.Equal("ResourceNotFound", (string?)(await unknown.JsonAsync())["code"]);
    }

    [Fact]
    public async Task Other_api_versions_are_refused()
    {
        await (await Emu.Http.GetAsync(Api(Settings(AccountPath("acct-a")), "2025-09-01"))).AssertErrorAsync(400, "InvalidApiVersionParameter");
    }
}
