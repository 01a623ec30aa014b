using System.Linq;
using System.Net.Http;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Xunit;
using static AoaiHardening.Tests.Emulator.TestTenant;

namespace AoaiHardening.Tests.Emulator;

/// <summary>Microsoft.Insights/scheduledQueryRules (2023-12-01), resource-group scoped and synchronous.</summary>
public sealed class MonitoringScheduledQueryRuleTests(EmulatorFixture emu) : EmulatorTest(emu)
{
    private const string Version = "2023-12-01";
    private const string RuleType = "Microsoft.Insights/scheduledQueryRules";
    private static readonly string ActionGroup = $"{GroupPath()}/providers/Microsoft.Insights/actionGroups/ag-test";

    private static string Rules(string group = Group) => $"{GroupPath(group)}/providers/Microsoft.Insights/scheduledQueryRules";
    private static string Rule(string name, string group = Group) => $"{Rules(group)}/{name}";
    private static string V(string path) => Api(path, Version);

    private static JsonObject Body() => JsonNode.Parse($$$$"""
        {"location":"eastus","properties":{"description":"key auth used","severity":1,"enabled":true,"evaluationFrequency":"PT5M",
         "windowSize":"PT1H","scopes":["{{{{AccountPath("acct-a")}}}}"],
         "criteria":{"allOf":[{"query":"AzureDiagnostics | where Category == 'Audit'","timeAggregation":"Count","operator":"GreaterThan","threshold":0,
           "failingPeriods":{"numberOfEvaluationPeriods":1,"minFailingPeriodsToAlert":1}}]},
         "actions":{"actionGroups":["{{{{ActionGroup}}}}"],"customProperties":{"k":"v"}},"futureField":{"x":1}}}
        """)!.AsObject();

    [Fact]
    public async Task Put_creates_201_then_200_patch_merges_and_delete_removes()
    {
        var created = await Emu.SendAsync(HttpMethod.Put, V(Rule("aoai-keys")), Body());
        var createdBody = await created.JsonAsync();
        var replaced = await Emu.SendAsync(HttpMethod.Put, V(Rule("aoai-keys")), Body());
        var patched = await Emu.SendAsync(HttpMethod.Patch, V(Rule("aoai-keys")), """{"properties":{"enabled":false,"severity":0},"tags":{"t":"1"}}""");
        var patchedBody = await patched.JsonAsync();

        Assert.Equal(201, (int)created.StatusCode);
        Assert.Null(created.Header("Azure-AsyncOperation"));
        Assert.Equal(Rule("aoai-keys"), (string?)createdBody["id"]);
        Assert.Equal("aoai-keys", (string?)createdBody["name"]);
        Assert.Equal("microsoft.insights/scheduledqueryrules", (string?)createdBody["type"]);
        Assert.Equal(1, (int)createdBody["properties"]!["futureField"]!["x"]!);
        Assert.NotNull(createdBody["tags"]);
        Assert.Equal(200, (int)replaced.StatusCode);
        Assert.Equal(200, (int)patched.StatusCode);
        Assert.False((bool)patchedBody["properties"]!["enabled"]!);
        Assert.Equal(0, (int)patchedBody["properties"]!["severity"]!);
        Assert.Equal("PT1H", (string?)patchedBody["properties"]!["windowSize"]);
        Assert.Equal("1", (string?)patchedBody["tags"]!["t"]);
        Assert.True(JsonNode.DeepEquals(patchedBody, await Emu.GetJsonAsync(V(Rule("AOAI-KEYS")))));

        Assert.Equal(200, (int)(await Emu.Http.DeleteAsync(V(Rule("aoai-keys")))).StatusCode);
        Assert.Equal(204, (int)(await Emu.Http.DeleteAsync(V(Rule("aoai-keys")))).StatusCode);
        await (await Emu.Http.GetAsync(V(Rule("aoai-keys")))).AssertErrorAsync(404, "ResourceNotFound");
        await (await Emu.SendAsync(HttpMethod.Patch, V(Rule("aoai-keys")), "{}")).AssertErrorAsync(404, "ResourceNotFound");
    }

    [Fact]
    public async Task Lists_by_group_and_subscription_are_paged()
    {
        Emu.State.Config = Emu.State.Config with { PageSize = 2 };
        foreach (var (name, group) in new[] { ("r1", Group), ("r2", Group), ("r3", Group), ("r4", OtherGroup) })
            Assert.Equal(201, (int)(await Emu.SendAsync(HttpMethod.Put, V(Rule(name, group)), Body())).StatusCode);

        var first = await Emu.GetJsonAsync(V(Rules()));
        var second = await Emu.GetJsonAsync((string)first["nextLink"]!);
        var subscription = await Emu.GetJsonAsync(V($"/subscriptions/{Subscription}/providers/Microsoft.Insights/scheduledQueryRules"));
        var subscriptionNext = await Emu.GetJsonAsync((string)subscription["nextLink"]!);

        Assert.Equal(["r1", "r2"], first["value"]!.AsArray().Select(r => (string)r!["name"]!));
        Assert.Equal(["r3"], second["value"]!.AsArray().Select(r => (string)r!["name"]!));
        Assert.Null(second["nextLink"]);
        Assert.Equal(["r1", "r2", "r3", "r4"], subscription["value"]!.AsArray().Concat(subscriptionNext["value"]!.AsArray()).Select(r => (string)r!["name"]!));
    }

    [Theory]
    [InlineData("location", null, "LocationRequired")]
    [InlineData("properties.scopes", "[]", "BadRequest")]
    [InlineData("properties.scopes", null, "BadRequest")]
    [InlineData("properties.criteria", "{\"allOf\":[]}", "BadRequest")]
    [InlineData("properties.criteria", "{\"allOf\":[{\"query\":\"\"}]}", "BadRequest")]
    [InlineData("properties.criteria", "{\"allOf\":[{\"timeAggregation\":\"Count\"}]}", "BadRequest")]
    [InlineData("properties.evaluationFrequency", "\"5m\"", "BadRequest")]
    [InlineData("properties.windowSize", "\"PT\"", "BadRequest")]
    [InlineData("properties.windowSize", "60", "BadRequest")]
    [InlineData("properties.severity", "5", "BadRequest")]
    [InlineData("properties.severity", "-1", "BadRequest")]
    [InlineData("properties.severity", "\"1\"", "BadRequest")]
    [InlineData("properties.actions", "{\"actionGroups\":[\"ag-test\"]}", "BadRequest")]
    [InlineData("properties.actions", "{\"actionGroups\":[\"/subscriptions/s/resourceGroups/rg/providers/Microsoft.Insights/scheduledQueryRules/x\"]}", "BadRequest")]
    [InlineData("kind", "\"LogToAlert\"", "BadRequest")]
    [InlineData("properties", null, "BadRequest")]
    public async Task Invalid_rules_are_400_wrapped_and_store_nothing(string path, string? json, string code)
    {
        var body = Body();
        var parts = path.Split('.');
        var parent = parts.Length == 1 ? body : body[parts[0]]!.AsObject();
        if (json is null)
            parent.Remove(parts[^1]);
        else
            parent[parts[^1]] = JsonNode.Parse(json);

        await (await Emu.SendAsync(HttpMethod.Put, V(Rule("bad")), body)).AssertErrorAsync(400, code);

        Assert.Empty(Emu.State.GetResources(RuleType));
    }

    [Theory]
    [InlineData("P1D")]
    [InlineData("PT15M")]
    [InlineData("PT1H30M")]
    public async Task Iso_durations_and_LogToMetric_without_query_are_accepted(string duration)
    {
        var body = Body();
        body["kind"] = "LogToMetric";
        body["properties"]!["windowSize"] = duration;
        body["properties"]!["criteria"] = JsonNode.Parse("""{"allOf":[{"metricName":"m"}]}""");

        Assert.Equal(201, (int)(await Emu.SendAsync(HttpMethod.Put, V(Rule("ok")), body)).StatusCode);
    }

    [Fact]
    public async Task A_patch_that_breaks_the_rule_is_refused_and_changes_nothing()
    {
        Assert.Equal(201, (int)(await Emu.SendAsync(HttpMethod.Put, V(Rule("r")), Body())).StatusCode);

        await (await Emu.SendAsync(HttpMethod.Patch, V(Rule("r")), """{"properties":{"severity":9}}""")).AssertErrorAsync(400, "BadRequest");
        await (await Emu.SendAsync(HttpMethod.Patch, V(Rule("r")), """{"location":"westus"}""")).AssertErrorAsync(400, "InvalidResourceLocation");

        Assert.Equal(1, (int)(await Emu.GetJsonAsync(V(Rule("r"))))["properties"]!["severity"]!);
    }

    [Fact]
    public async Task A_missing_group_is_404()
    {
        await (await Emu.SendAsync(HttpMethod.Put, V(Rule("r", "rg-none")), Body())).AssertErrorAsync(404, "ResourceGroupNotFound");
    }
}
