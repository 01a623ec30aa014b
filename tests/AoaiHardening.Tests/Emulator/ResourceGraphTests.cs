using System;
using System.Diagnostics;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using AoaiHardening.Emulator.Core;
using Xunit;
using static AoaiHardening.Tests.Emulator.TestTenant;

namespace AoaiHardening.Tests.Emulator;

public sealed class ResourceGraphTests(EmulatorFixture emu) : EmulatorTest(emu, MixedCaseTenant())
{
    private const string GraphPath = "/providers/Microsoft.ResourceGraph/resources?api-version=2024-04-01";

    /// <summary>Exactly what the module sends (optional filters included).</summary>
    private const string ModuleQuery = """
        resources
        | where type =~ 'microsoft.cognitiveservices/accounts'
        | where resourceGroup =~ 'rg-mixed'
        | where name =~ 'acct-a'
        | project id, name, type, location, kind, sku, identity, properties, tags, resourceGroup, subscriptionId
        | order by id asc
        """;

    /// <summary>The test tenant with its accounts in a resource group spelt in mixed case, and a deployment under acct-a.</summary>
    private static string MixedCaseTenant()
    {
        var scenario = JsonNode.Parse(Scenario())!;
        var group = scenario["subscriptions"]![0]!["resourceGroups"]![0]!;
        group["name"] = "RG-Mixed";
        group["resources"]!.AsArray().Add(new JsonObject
        {
            ["type"] = "Microsoft.CognitiveServices/accounts/deployments",
            ["name"] = "acct-a/gpt-4o",
            ["sku"] = new JsonObject { ["name"] = "Standard", ["capacity"] = 10 },
            ["properties"] = new JsonObject { ["model"] = new JsonObject { ["format"] = "OpenAI", ["name"] = "gpt-4o", ["version"] = "2024-11-20" } },
        });
        return scenario.ToJsonString();
    }

    private Task<HttpResponseMessage> Query(string query, JsonObject? options = null, JsonArray? subscriptions = null)
    {
        var body = new JsonObject { ["query"] = query };
        if (subscriptions is not null)
            body["subscriptions"] = subscriptions;
        if (options is not null)
            body["options"] = options;
        return Emu.SendAsync(HttpMethod.Post, GraphPath, body);
    }

    [Fact]
    public async Task The_modules_query_returns_accounts_with_lower_cased_type_and_group_and_ARM_shaped_properties()
    {
        var response = await Query(ModuleQuery);

        Assert.Equal(200, (int)response.StatusCode);
        var answer = await response.JsonAsync();
        Assert.Equal(1, (int)answer["totalRecords"]!);
        Assert.Equal(1, (int)answer["count"]!);
        Assert.Equal("false", (string?)answer["resultTruncated"]);
        Assert.Null(answer["$skipToken"]);
        Assert.Empty(answer["facets"]!.AsArray());
        var row = answer["data"]!.AsArray().Single()!.AsObject();
        Assert.Equal(["id", "name", "type", "location", "kind", "sku", "identity", "properties", "tags", "resourceGroup", "subscriptionId"],
            row.Select(p => p.Key));
        Assert.Equal($"/subscriptions/{Subscription}/resourceGroups/RG-Mixed/providers/Microsoft.CognitiveServices/accounts/acct-a", (string?)row["id"]);
        Assert.Equal("acct-a", (string?)row["name"]);
        Assert.Equal("microsoft.cognitiveservices/accounts", (string?)row["type"]);
        Assert.Equal("rg-mixed", (string?)row["resourceGroup"]);
        Assert.Equal(Subscription, (string?)row["subscriptionId"]);
        Assert.Equal("OpenAI", (string?)row["kind"]);
        Assert.Equal("S0", (string?)row["sku"]!["name"]);
        Assert.Null(row["identity"]);
        // As GET renders the account: computed fields included.
        var get = await (await Emu.Http.GetAsync(Api((string)row["id"]!))).JsonAsync();
        Assert.True(JsonNode.DeepEquals(get["properties"], row["properties"]));
        Assert.NotNull(row["properties"]!["endpoint"]);
        Assert.Equal("Succeeded", (string?)row["properties"]!["provisioningState"]);
    }

    [Fact]
    public async Task Without_project_every_column_comes_back_and_nested_resources_are_rows_too()
    {
        var answer = await (await Query("resources | order by id desc")).JsonAsync();

        var rows = answer["data"]!.AsArray();
        Assert.Equal(3, rows.Count);
        Assert.Equal(KqlQuery.ResourceColumns, rows[0]!.AsObject().Select(p => p.Key));
        Assert.Equal(["acct-b", "gpt-4o", "acct-a"], rows.Select(r => (string?)r!["name"]));
        Assert.Equal("microsoft.cognitiveservices/accounts/deployments", (string?)rows[1]!["type"]);
        Assert.Equal(TenantId, (string?)rows[0]!["tenantId"]);
        Assert.Null(rows[0]!["managedBy"]);
    }

    [Fact]
    public async Task In_and_case_sensitive_equality_filter_as_KQL_does()
    {
        var inList = await (await Query("resources | where name in~ ('ACCT-A', \"acct-b\") and kind == 'AIServices' | project name")).JsonAsync();
        var caseSensitive = await (await Query("resources | where type == 'Microsoft.CognitiveServices/accounts'")).JsonAsync();
        var limited = await (await Query("resources | order by name asc | take 1 | project name")).JsonAsync();

        Assert.Equal(["acct-b"], inList["data"]!.AsArray().Select(r => (string?)r!["name"]));
        Assert.Equal(0, (int)caseSensitive["totalRecords"]!); // the column is lower-case
        Assert.Equal(["acct-a"], limited["data"]!.AsArray().Select(r => (string?)r!["name"]));
    }

    [Fact]
    public async Task Paging_with_top_1000_walks_2500_rows_in_three_pages_each_row_once()
    {
        Emu.State.AddFleet(new FleetSpec(Subscriptions: 1, AccountsPerSubscription: 2500, ResourceGroupsPerSubscription: 10));
        const string query = "resources | where type =~ 'microsoft.cognitiveservices/accounts' | where subscriptionId =~ 'f1ee7000-0000-4000-8000-000000000001' | project id | order by id asc";
        var subscriptions = new JsonArray("f1ee7000-0000-4000-8000-000000000001");

        var pages = new System.Collections.Generic.List<string[]>();
        string? token = null;
        do
        {
            var options = new JsonObject { ["$top"] = 1000 };
            if (token is not null)
                options["$skipToken"] = token;
            var answer = await (await Query(query, options, (JsonArray)subscriptions.DeepClone())).JsonAsync();
            Assert.Equal(2500, (int)answer["totalRecords"]!);
            var ids = answer["data"]!.AsArray().Select(r => (string)r!["id"]!).ToArray();
            Assert.Equal(ids.Length, (int)answer["count"]!);
            pages.Add(ids);
            token = (string?)answer["$skipToken"];
        } while (token is not null);

        Assert.Equal([1000, 1000, 500], pages.Select(p => p.Length));
        var all = pages.SelectMany(p => p).ToList();
        Assert.Equal(2500, all.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Equal(all.Order(StringComparer.Ordinal), all);
    }

    [Fact]
    public async Task Skip_skips_and_a_token_from_another_query_or_scope_is_refused()
    {
        var skipped = await (await Query("resources | project name | order by name asc", new JsonObject { ["$skip"] = 1, ["$top"] = 1 })).JsonAsync();
        Assert.Equal(["acct-b"], skipped["data"]!.AsArray().Select(r => (string?)r!["name"]));
        var token = (string)skipped["$skipToken"]!;

        var otherQuery = await Query("resources | project id", new JsonObject { ["$skipToken"] = token });
        var otherScope = await Query("resources | project name | order by name asc", new JsonObject { ["$skipToken"] = token }, new JsonArray(Subscription));
        var sameRequest = await Query("resources | project name | order by name asc", new JsonObject { ["$skipToken"] = token, ["$top"] = 1 });

        foreach (var refused in new[] { otherQuery, otherScope })
        {
            await refused.AssertErrorAsync(400, "BadRequest");
            var detail = (await refused.JsonAsync())["error"]!["details"]![0]!;
            Assert.Equal("InvalidSkipToken", (string?)detail["code"]);
            Assert.Contains("different query or scope", (string?)detail["message"]);
        }
        Assert.Equal(["gpt-4o"], (await sameRequest.JsonAsync())["data"]!.AsArray().Select(r => (string?)r!["name"]));
    }

    [Theory]
    [InlineData("resources | extend x = 1", "'extend'")]
    [InlineData("resources | where name != 'a'", "'!='")]
    [InlineData("resources | project properties.endpoint", "'.'")]
    [InlineData("resources | where name =~ 'a' or name =~ 'b'", "'or'")]
    [InlineData("Resourcecontainers", "'Resourcecontainers'")]
    [InlineData("resources | project Name", "'Name'")]
    [InlineData("resources | project id | where name =~ 'a'", "'name'")]
    [InlineData("resources | where name =~ 'a", "Unterminated string")]
    public async Task Unsupported_KQL_is_400_InvalidQuery_naming_the_part(string query, string named)
    {
        var response = await Query(query);

        var message = await response.AssertErrorAsync(400, "BadRequest");
        Assert.StartsWith("Please provide below info when asking for support:", message);
        var detail = (await response.JsonAsync())["error"]!["details"]![0]!;
        Assert.Equal("InvalidQuery", (string?)detail["code"]);
        Assert.StartsWith("Query is invalid.", (string?)detail["message"]);
        Assert.Contains(named, (string?)detail["message"]);
    }

    [Theory]
    [InlineData("""{"$top": 1001}""", "$top")]
    [InlineData("""{"$top": 0}""", "$top")]
    [InlineData("""{"$skip": -1}""", "$skip")]
    [InlineData("""{"resultFormat": "table"}""", "resultFormat")]
    public async Task Bad_options_are_400_naming_the_option(string options, string named)
    {
        var response = await Query("resources", (JsonObject)JsonNode.Parse(options)!);

        await response.AssertErrorAsync(400, "BadRequest");
        Assert.Contains(named, (string?)(await response.JsonAsync())["error"]!["details"]![0]!["message"]);
    }

    [Fact]
    public async Task Management_group_scopes_are_refused()
    {
        var response = await Emu.SendAsync(HttpMethod.Post, GraphPath, new JsonObject { ["query"] = "resources", ["managementGroups"] = new JsonArray("mg-x") });

        await response.AssertErrorAsync(400, "BadRequest");
        Assert.Equal("UnsupportedScope", (string?)(await response.JsonAsync())["error"]!["details"]![0]!["code"]);
    }

    [Fact]
    public async Task Subscriptions_scope_the_rows_and_unknown_subscriptions_contribute_none()
    {
        Emu.State.AddFleet(new FleetSpec(Subscriptions: 2, AccountsPerSubscription: 3, ResourceGroupsPerSubscription: 1));
        const string query = "resources | where type =~ 'microsoft.cognitiveservices/accounts' | project subscriptionId";

        async Task<string[]> SubscriptionsOf(JsonArray? scope) =>
            (await (await Query(query, subscriptions: scope)).JsonAsync())["data"]!.AsArray().Select(r => (string)r!["subscriptionId"]!).ToArray();

        Assert.Equal(Enumerable.Repeat("f1ee7000-0000-4000-8000-000000000002", 3), await SubscriptionsOf(new JsonArray("F1EE7000-0000-4000-8000-000000000002")));
        Assert.Equal(8, (await SubscriptionsOf(null)).Length); // the whole tenant: 2 test accounts + 6 fleet accounts
        Assert.Empty(await SubscriptionsOf(new JsonArray("7e57c0de-0000-4000-8000-0000000000ff")));
    }

    [Fact]
    public async Task Quota_headers_count_down_and_the_16th_query_in_the_window_is_429()
    {
        for (var i = 1; i <= 15; i++)
        {
            var ok = await Query("resources | take 1");
            Assert.Equal(200, (int)ok.StatusCode);
            Assert.Equal((15 - i).ToString(), ok.Header("x-ms-user-quota-remaining"));
            Assert.Matches(@"^00:00:0[0-5]$", ok.Header("x-ms-user-quota-resets-after"));
            Assert.Null(ok.Header("x-ms-ratelimit-remaining-tenant-writes")); // not an ARM bucket
        }

        var throttled = await Query("resources | take 1");

        await throttled.AssertErrorAsync(429, "RateLimiting");
        Assert.InRange(int.Parse(throttled.Header("Retry-After")!), 1, 5);
        Assert.Equal("0", throttled.Header("x-ms-user-quota-remaining"));
        Assert.Equal("RateLimiting", (string?)(await throttled.JsonAsync())["error"]!["details"]![0]!["code"]);
    }

    [Fact]
    public async Task The_quota_window_is_configurable_and_starts_again_when_it_ends()
    {
        Emu.State.Config = Emu.State.Config with { ResourceGraphQuota = 1, ResourceGraphWindowSeconds = 0.5 };

        Assert.Equal(200, (int)(await Query("resources")).StatusCode);
        Assert.Equal(429, (int)(await Query("resources")).StatusCode);
        await Task.Delay(600);
        var again = await Query("resources");

        Assert.Equal(200, (int)again.StatusCode);
        Assert.Equal("0", again.Header("x-ms-user-quota-remaining"));
    }

    [Fact]
    public async Task Latency_config_and_latency_faults_apply_and_the_query_is_logged()
    {
        Emu.State.Config = Emu.State.Config with { LatencyMs = 150 };
        Emu.State.Faults.Add(new FaultSpec { Path = "Microsoft.ResourceGraph", Kind = FaultKind.Latency, LatencyMs = 250 });

        var watch = Stopwatch.StartNew();
        var response = await Query("resources | take 1");
        watch.Stop();

        Assert.Equal(200, (int)response.StatusCode);
        Assert.True(watch.ElapsedMilliseconds >= 390, $"took {watch.ElapsedMilliseconds} ms"); // 150 + 250, less timer granularity
        var logged = Emu.State.Requests.Snapshot().Single();
        Assert.Equal("POST", logged.Method);
        Assert.Equal("latency", logged.Fault);
        Assert.Equal("resources | take 1", (string?)logged.Body!["query"]);
    }

    [Fact]
    public async Task The_endpoint_needs_a_token_and_a_known_api_version()
    {
        var anonymous = new HttpRequestMessage(HttpMethod.Post, GraphPath) { Content = new StringContent("""{"query":"resources"}""", Encoding.UTF8, "application/json") };
        using var client = new HttpClient { BaseAddress = Emu.Emulator.BaseUri };

        await (await client.SendAsync(anonymous)).AssertErrorAsync(401, "AuthenticationFailed");
        await (await Emu.SendAsync(HttpMethod.Post, "/providers/Microsoft.ResourceGraph/resources?api-version=2019-04-01", new JsonObject { ["query"] = "resources" }))
            .AssertErrorAsync(400, "InvalidApiVersionParameter");
    }
}
