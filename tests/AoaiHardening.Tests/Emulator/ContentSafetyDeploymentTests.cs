using System;
using System.Linq;
using System.Net.Http;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using AoaiHardening.Emulator.Core;
using Xunit;
using static AoaiHardening.Tests.Emulator.TestTenant;

namespace AoaiHardening.Tests.Emulator;

/// <summary>Paths, bodies and seeds for the content-safety (deployments, RAI policies, blocklists) and data-plane tests.</summary>
public static class ContentSafetyTenant
{
    public const string DeploymentType = "Microsoft.CognitiveServices/accounts/deployments";
    public const string PolicyType = "Microsoft.CognitiveServices/accounts/raiPolicies";
    public const string BlocklistType = "Microsoft.CognitiveServices/accounts/raiBlocklists";
    public const string ItemType = "Microsoft.CognitiveServices/accounts/raiBlocklists/raiBlocklistItems";
    public static readonly string[] Harms = ["Hate", "Sexual", "Violence", "Selfharm"];

    public static string Deployment(string name, string account = "acct-a") => $"{AccountPath(account)}/deployments/{name}";
    public static string Policy(string name, string account = "acct-a") => $"{AccountPath(account)}/raiPolicies/{name}";
    public static string Blocklist(string name, string account = "acct-a") => $"{AccountPath(account)}/raiBlocklists/{name}";
    public static string Item(string blocklist, string item, string account = "acct-a") => $"{Blocklist(blocklist, account)}/raiBlocklistItems/{item}";

    public static JsonObject DeploymentBody(string model = "gpt-4o", string? policy = null, string sku = "Standard", int capacity = 10)
    {
        var properties = new JsonObject { ["model"] = new JsonObject { ["format"] = "OpenAI", ["name"] = model, ["version"] = "2024-11-20" } };
        if (policy is not null)
            properties["raiPolicyName"] = policy;
        return new JsonObject { ["sku"] = new JsonObject { ["name"] = sku, ["capacity"] = capacity }, ["properties"] = properties };
    }

    public static JsonObject DeploymentSeed(string account, string name, string model = "gpt-4o", string? policy = null)
    {
        var seed = DeploymentBody(model, policy);
        seed["type"] = DeploymentType;
        seed["name"] = $"{account}/{name}";
        return seed;
    }

    public static JsonObject Filter(string name, string source, bool enabled = true, bool blocking = true, string? threshold = null)
    {
        var filter = new JsonObject { ["name"] = name, ["blocking"] = blocking, ["enabled"] = enabled, ["source"] = source };
        if (threshold is not null)
            filter["severityThreshold"] = threshold;
        return filter;
    }

    /// <summary>The four harm filters on the given sources.</summary>
    public static JsonNode[] HarmFilters(string threshold = "Medium", bool enabled = true, bool blocking = true, params string[] sources) =>
        [.. (sources.Length == 0 ? ["Prompt", "Completion"] : sources).SelectMany(s => Harms.Select(h => (JsonNode)Filter(h, s, enabled, blocking, threshold)))];

    public static JsonObject PolicyBody(string mode = "Default", JsonNode[]? filters = null, JsonNode[]? blocklists = null)
    {
        var properties = new JsonObject { ["basePolicyName"] = "Microsoft.DefaultV2", ["mode"] = mode, ["contentFilters"] = new JsonArray(filters ?? HarmFilters()) };
        if (blocklists is not null)
            properties["customBlocklists"] = new JsonArray(blocklists);
        return new JsonObject { ["properties"] = properties };
    }

    public static JsonObject PolicySeed(string account, string name, JsonObject body)
    {
        var seed = (JsonObject)body.DeepClone();
        seed["type"] = PolicyType;
        seed["name"] = $"{account}/{name}";
        return seed;
    }

    public static JsonObject BlocklistSeed(string account, string name) =>
        new() { ["type"] = BlocklistType, ["name"] = $"{account}/{name}", ["properties"] = new JsonObject { ["description"] = "seeded" } };

    public static JsonObject ItemSeed(string account, string blocklist, string name, string pattern, bool isRegex = false) => new()
    {
        ["type"] = ItemType, ["name"] = $"{account}/{blocklist}/{name}",
        ["properties"] = new JsonObject { ["pattern"] = pattern, ["isRegex"] = isRegex },
    };

    public static JsonObject ItemBody(string pattern, bool isRegex = false) =>
        new() { ["properties"] = new JsonObject { ["pattern"] = pattern, ["isRegex"] = isRegex } };

    /// <summary>A quoted GUID, as CognitiveServices children carry.</summary>
    public static void AssertQuotedGuidEtag(JsonNode resource) =>
        Assert.Matches("^\"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\"$", (string?)resource["etag"]);
}

/// <summary>Microsoft.CognitiveServices/accounts/deployments: long-running writes, validation, read-only fields, seeds.</summary>
public sealed class ContentSafetyDeploymentTests(EmulatorFixture emu) : EmulatorTest(emu, configure: c => c with { LroPolls = 2 })
{
    [Fact]
    public async Task Put_creates_with_201_Creating_and_both_operation_URLs_and_succeeds_on_the_configured_poll()
    {
        var response = await Emu.SendAsync(HttpMethod.Put, Api(ContentSafetyTenant.Deployment("chat")), ContentSafetyTenant.DeploymentBody(capacity: 30));

        Assert.Equal(201, (int)response.StatusCode);
        var created = await response.JsonAsync();
        Assert.Equal("Creating", (string?)created["properties"]!["provisioningState"]);
        Assert.Equal("chat", (string?)created["name"]);
        Assert.Equal(ContentSafetyTenant.DeploymentType, (string?)created["type"]);
        Assert.Equal(ContentSafetyTenant.Deployment("chat"), (string?)created["id"]);
        ContentSafetyTenant.AssertQuotedGuidEtag(created);
        Assert.Equal("0", response.Header("Retry-After"));
        var status = new Uri(response.Header("Azure-AsyncOperation")!);
        Assert.Matches($"^/subscriptions/{Subscription}/providers/Microsoft.CognitiveServices/locations/eastus/operationStatuses/[0-9a-f-]{{36}}$", status.AbsolutePath);
        Assert.Contains("/operationResults/", response.Header("Location"));

        Assert.Equal("InProgress", (string?)(await Emu.GetJsonAsync(status.PathAndQuery))["status"]);
        Assert.Equal("Creating", (string?)(await Emu.GetJsonAsync(Api(ContentSafetyTenant.Deployment("chat"))))["properties"]!["provisioningState"]);
        Assert.Equal("Succeeded", (string?)(await Emu.GetJsonAsync(status.PathAndQuery))["status"]);

        var settled = await Emu.GetJsonAsync(Api(ContentSafetyTenant.Deployment("chat")));
        Assert.Equal("Succeeded", (string?)settled["properties"]!["provisioningState"]);
        Assert.Equal("true", (string?)settled["properties"]!["capabilities"]!["chatCompletion"]);
        Assert.Equal(30, (int)settled["properties"]!["currentCapacity"]!);
        Assert.Equal(30_000, (int)settled["properties"]!["rateLimits"]!.AsArray().Single(l => (string?)l!["key"] == "token")!["count"]!);
    }

    [Fact]
    public async Task Replace_is_200_Updating_keeps_unknown_fields_ignores_read_only_ones_and_changes_the_etag()
    {
        Emu.State.Config = Emu.State.Config with { LroPolls = 0 };
        var first = await (await Emu.SendAsync(HttpMethod.Put, Api(ContentSafetyTenant.Deployment("chat")), ContentSafetyTenant.DeploymentBody())).JsonAsync();
        Emu.State.Config = Emu.State.Config with { LroPolls = 2 };
        var body = ContentSafetyTenant.DeploymentBody(policy: "Microsoft.DefaultV2");
        body["properties"]!["futureField"] = new JsonObject { ["nested"] = 1 };
        body["properties"]!["capabilities"] = new JsonObject { ["chatCompletion"] = "false", ["bogus"] = "x" };
        body["properties"]!["provisioningState"] = "Succeeded";
        body["etag"] = "\"client-etag\"";

        var response = await Emu.SendAsync(HttpMethod.Put, Api(ContentSafetyTenant.Deployment("chat")), body);

        Assert.Equal(200, (int)response.StatusCode);
        var replaced = await response.JsonAsync();
        Assert.Equal("Updating", (string?)replaced["properties"]!["provisioningState"]);
        Assert.NotEqual((string?)first["etag"], (string?)replaced["etag"]);
        ContentSafetyTenant.AssertQuotedGuidEtag(replaced);
        Assert.NotNull(response.Header("Azure-AsyncOperation"));
        var stored = Emu.State.GetResource(ContentSafetyTenant.Deployment("chat"))!;
        Assert.Equal(1, (int)stored["properties"]!["futureField"]!["nested"]!);
        Assert.Equal("true", (string?)stored["properties"]!["capabilities"]!["chatCompletion"]);
        Assert.Null(stored["properties"]!["capabilities"]!["bogus"]);
        Assert.Equal("Microsoft.DefaultV2", (string?)stored["properties"]!["raiPolicyName"]);
    }

    [Fact]
    public async Task Patch_changes_only_sku_and_tags_with_202_and_a_Location_to_poll()
    {
        Emu.Reset(Scenario(Account("acct-a"), ContentSafetyTenant.DeploymentSeed("acct-a", "chat")), c => c with { LroPolls = 2 });
        var patch = JsonNode.Parse("""{"sku":{"capacity":40},"tags":{"team":"ai"},"properties":{"raiPolicyName":"nope"}}""");

        var response = await Emu.SendAsync(HttpMethod.Patch, Api(ContentSafetyTenant.Deployment("chat")), patch);

        Assert.Equal(202, (int)response.StatusCode);
        Assert.Null(response.Header("Azure-AsyncOperation"));
        var location = new Uri(response.Header("Location")!);
        Assert.Equal(202, (int)(await Emu.Http.GetAsync(location)).StatusCode);
        var final = await Emu.Http.GetAsync(location);
        Assert.Equal(200, (int)final.StatusCode);
        var deployment = await final.JsonAsync();
        Assert.Equal("Standard", (string?)deployment["sku"]!["name"]);
        Assert.Equal(40, (int)deployment["sku"]!["capacity"]!);
        Assert.Equal("ai", (string?)deployment["tags"]!["team"]);
        Assert.Null(deployment["properties"]!["raiPolicyName"]);
        Assert.Equal("Succeeded", (string?)deployment["properties"]!["provisioningState"]);
    }

    [Fact]
    public async Task Delete_is_202_until_polled_then_gone_and_204_when_absent()
    {
        Emu.Reset(Scenario(Account("acct-a"), ContentSafetyTenant.DeploymentSeed("acct-a", "chat")), c => c with { LroPolls = 1 });

        var response = await Emu.Http.DeleteAsync(Api(ContentSafetyTenant.Deployment("chat")));

        Assert.Equal(202, (int)response.StatusCode);
        Assert.Equal("Deleting", (string?)Emu.State.GetResource(ContentSafetyTenant.Deployment("chat"))!["properties"]!["provisioningState"]);
        Assert.Equal(204, (int)(await Emu.Http.GetAsync(new Uri(response.Header("Location")!))).StatusCode);
        await (await Emu.Http.GetAsync(Api(ContentSafetyTenant.Deployment("chat")))).AssertErrorAsync(404, "ResourceNotFound");
        Assert.Equal(204, (int)(await Emu.Http.DeleteAsync(Api(ContentSafetyTenant.Deployment("chat")))).StatusCode);
    }

    [Theory]
    [InlineData("""{"sku":{"name":"Standard","capacity":1},"properties":{"model":{"format":"OpenAI"}}}""", "InvalidResourceProperties")]
    [InlineData("""{"sku":{"name":"Standard","capacity":1},"properties":{"model":{"name":"gpt-4o"}}}""", "InvalidResourceProperties")]
    [InlineData("""{"sku":{"name":"Standard","capacity":1},"properties":{}}""", "InvalidResourceProperties")]
    [InlineData("""{"properties":{"model":{"format":"OpenAI","name":"gpt-4o"}}}""", "InvalidSku")]
    [InlineData("""{"sku":{"name":"Standard"},"properties":{"model":{"format":"OpenAI","name":"gpt-4o"},"raiPolicyName":"no-such-policy"}}""", "RaiPolicyNotFound")]
    [InlineData("""{"sku":{"name":"Standard"},"properties":{"model":{"format":"OpenAI","name":"gpt-4o"},"raiPolicyName":null}}""", "RaiPolicyNotFound")]
    public async Task Invalid_deployments_are_refused_with_400_and_store_nothing(string body, string code)
    {
        var response = await Emu.SendAsync(HttpMethod.Put, Api(ContentSafetyTenant.Deployment("chat")), body);

        await response.AssertErrorAsync(400, code);
        Assert.Empty(Emu.State.GetResources(ContentSafetyTenant.DeploymentType));
        Assert.Null(response.Header("Azure-AsyncOperation"));
    }

    [Fact]
    public async Task RaiPolicyName_may_name_a_system_policy_in_any_case_or_a_custom_one()
    {
        Emu.Reset(Scenario(Account("acct-a"), Account("acct-b", "AIServices"), ContentSafetyTenant.PolicySeed("acct-a", "strict", ContentSafetyTenant.PolicyBody())));

        Assert.Equal(201, (int)(await Emu.SendAsync(HttpMethod.Put, Api(ContentSafetyTenant.Deployment("a")), ContentSafetyTenant.DeploymentBody(policy: "microsoft.defaultv2"))).StatusCode);
        Assert.Equal(201, (int)(await Emu.SendAsync(HttpMethod.Put, Api(ContentSafetyTenant.Deployment("b")), ContentSafetyTenant.DeploymentBody(policy: "Microsoft.Default"))).StatusCode);
        Assert.Equal(201, (int)(await Emu.SendAsync(HttpMethod.Put, Api(ContentSafetyTenant.Deployment("c")), ContentSafetyTenant.DeploymentBody(policy: "STRICT"))).StatusCode);
        // On another account the custom policy does not exist.
        await (await Emu.SendAsync(HttpMethod.Put, Api(ContentSafetyTenant.Deployment("c", "acct-b")), ContentSafetyTenant.DeploymentBody(policy: "strict")))
            .AssertErrorAsync(400, "RaiPolicyNotFound");
    }

    [Fact]
    public async Task Routes_under_a_missing_account_are_404_and_other_api_versions_are_refused()
    {
        await (await Emu.Http.GetAsync(Api(ContentSafetyTenant.Deployment("x", "missing")))).AssertErrorAsync(404, "ResourceNotFound");
        await (await Emu.SendAsync(HttpMethod.Put, Api(ContentSafetyTenant.Deployment("x", "missing")), ContentSafetyTenant.DeploymentBody())).AssertErrorAsync(404, "ResourceNotFound");
        await (await Emu.Http.GetAsync(Api($"{AccountPath("missing")}/deployments"))).AssertErrorAsync(404, "ResourceNotFound");
        await (await Emu.Http.GetAsync(Api($"{AccountPath("acct-a")}/deployments", "2023-05-01"))).AssertErrorAsync(400, "InvalidApiVersionParameter");
        Assert.Equal(200, (int)(await Emu.Http.GetAsync(Api($"{AccountPath("acct-a")}/deployments", "2024-10-01"))).StatusCode);
    }

    [Fact]
    public async Task The_list_is_paged_and_seeded_deployments_are_served_as_given_plus_read_only_fields()
    {
        var seed = ContentSafetyTenant.DeploymentSeed("acct-a", "embed", model: "text-embedding-3-large");
        seed["properties"]!["customSetting"] = "kept";
        Emu.Reset(Scenario(Account("acct-a"), ContentSafetyTenant.DeploymentSeed("acct-a", "chat"), seed), c => c with { PageSize = 1 });

        var first = await Emu.GetJsonAsync(Api($"{AccountPath("acct-a")}/deployments"));
        var second = await Emu.GetJsonAsync(new Uri((string)first["nextLink"]!).PathAndQuery);

        Assert.Equal("chat", (string?)Assert.Single(first["value"]!.AsArray())!["name"]);
        var embed = Assert.Single(second["value"]!.AsArray())!;
        Assert.Null(second["nextLink"]);
        Assert.Equal("embed", (string?)embed["name"]);
        Assert.Equal("kept", (string?)embed["properties"]!["customSetting"]);
        Assert.Equal("Succeeded", (string?)embed["properties"]!["provisioningState"]);
        Assert.Equal("true", (string?)embed["properties"]!["capabilities"]!["embeddings"]);
        ContentSafetyTenant.AssertQuotedGuidEtag(embed);
    }

    [Fact]
    public async Task Deleting_the_account_deletes_its_deployments_policies_blocklists_and_items()
    {
        Emu.Reset(Scenario(Account("acct-a"), Account("acct-b", "AIServices"),
            ContentSafetyTenant.DeploymentSeed("acct-a", "chat"), ContentSafetyTenant.PolicySeed("acct-a", "p", ContentSafetyTenant.PolicyBody()),
            ContentSafetyTenant.BlocklistSeed("acct-a", "bl"), ContentSafetyTenant.ItemSeed("acct-a", "bl", "i1", "secret"),
            ContentSafetyTenant.DeploymentSeed("acct-b", "chat")), c => c with { LroPolls = 0 });

        Assert.Equal(202, (int)(await Emu.Http.DeleteAsync(Api(AccountPath("acct-a")))).StatusCode);

        Assert.Null(Emu.State.GetResource(ContentSafetyTenant.Deployment("chat")));
        Assert.Empty(Emu.State.GetResources(ContentSafetyTenant.PolicyType));
        Assert.Empty(Emu.State.GetResources(ContentSafetyTenant.BlocklistType));
        Assert.Empty(Emu.State.GetResources(ContentSafetyTenant.ItemType));
        Assert.NotNull(Emu.State.GetResource(ContentSafetyTenant.Deployment("chat", "acct-b")));
    }

    [Fact]
    public async Task Write_requests_and_their_operations_appear_in_the_request_log_and_take_lro_faults()
    {
        Emu.State.Config = Emu.State.Config with { LroPolls = 1 };
        Emu.State.Faults.Add(new FaultSpec { Path = "/deployments/chat", Method = "PUT", Kind = FaultKind.LroFail, Status = 409, Code = "QuotaExceeded" });

        var response = await Emu.SendAsync(HttpMethod.Put, Api(ContentSafetyTenant.Deployment("chat")), ContentSafetyTenant.DeploymentBody());
        var status = await Emu.GetJsonAsync(new Uri(response.Header("Azure-AsyncOperation")!).PathAndQuery);

        Assert.Equal(201, (int)response.StatusCode);
        Assert.Equal("Failed", (string?)status["status"]);
        Assert.Equal("QuotaExceeded", (string?)status["error"]!["code"]);
        Assert.Equal("Failed", (string?)Emu.State.GetResource(ContentSafetyTenant.Deployment("chat"))!["properties"]!["provisioningState"]);
        Assert.Equal("lroFail", Emu.State.Requests.Snapshot()[0].Fault);
        Assert.Matches(new Regex("/deployments/chat$"), Emu.State.Requests.Snapshot()[0].Path);
    }
}
