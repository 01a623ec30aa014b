using System;
using System.Linq;
using System.Net.Http;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Xunit;
using static AoaiHardening.Tests.Emulator.ContentSafetyTenant;
using static AoaiHardening.Tests.Emulator.TestTenant;

namespace AoaiHardening.Tests.Emulator;

/// <summary>RAI policies (system and custom) and the location-scoped content filter catalogue.</summary>
public sealed class ContentSafetyPolicyTests(EmulatorFixture emu) : EmulatorTest(emu)
{
    private static string Policies(string account = "acct-a") => $"{AccountPath(account)}/raiPolicies";

    [Fact]
    public async Task The_list_starts_with_the_two_system_policies_then_the_custom_ones()
    {
        Emu.Reset(Scenario(Account("acct-a"), PolicySeed("acct-a", "custom-1", PolicyBody()), PolicySeed("acct-a", "custom-2", PolicyBody())));

        var listed = (await Emu.GetJsonAsync(Api(Policies())))["value"]!.AsArray();

        Assert.Equal(["Microsoft.Default", "Microsoft.DefaultV2", "custom-1", "custom-2"], listed.Select(p => (string)p!["name"]!));
        Assert.Equal(["SystemManaged", "SystemManaged", "UserManaged", "UserManaged"], listed.Select(p => (string)p!["properties"]!["type"]!));
        Assert.Equal(Policy("Microsoft.DefaultV2"), (string?)listed[1]!["id"]);
        Assert.All(listed, p => Assert.Equal(PolicyType, (string?)p!["type"]));
    }

    [Theory]
    [InlineData("Microsoft.Default")]
    [InlineData("microsoft.defaultv2")]
    public async Task A_system_policy_carries_the_documented_default(string name)
    {
        var policy = await Emu.GetJsonAsync(Api(Policy(name)));

        var properties = policy["properties"]!;
        Assert.Equal("SystemManaged", (string?)properties["type"]);
        Assert.Equal("Default", (string?)properties["mode"]);
        var filters = properties["contentFilters"]!.AsArray().Select(f => (Name: (string)f!["name"]!, Source: (string)f["source"]!, Entry: f)).ToList();
        Assert.Equal(11, filters.Count);
        foreach (var harm in Harms)
            foreach (var source in new[] { "Prompt", "Completion" })
                Assert.Equal("Medium", (string?)filters.Single(f => f.Name == harm && f.Source == source).Entry["severityThreshold"]);
        Assert.Contains(filters, f => f.Name == "Jailbreak" && f.Source == "Prompt");
        Assert.Contains(filters, f => f.Name == "Protected Material Text" && f.Source == "Completion");
        Assert.Contains(filters, f => f.Name == "Protected Material Code" && f.Source == "Completion");
        Assert.DoesNotContain(filters, f => f.Name == "Indirect Attack");
        Assert.All(filters, f => Assert.True((bool)f.Entry["enabled"]! && (bool)f.Entry["blocking"]!));
    }

    [Fact]
    public async Task Put_creates_201_then_replaces_200_synchronously_keeping_unknown_fields()
    {
        var body = PolicyBody("Blocking", [.. HarmFilters("Low"), Filter("Indirect Attack", "Prompt"), Filter("profanity", "prompt")]);
        body["properties"]!["futureSetting"] = "kept";
        body["properties"]!["type"] = "SystemManaged"; // read-only: ignored

        var created = await Emu.SendAsync(HttpMethod.Put, Api(Policy("strict")), body);
        var createdBody = await created.JsonAsync();
        body["properties"]!["mode"] = "Asynchronous_filter";
        var replaced = await Emu.SendAsync(HttpMethod.Put, Api(Policy("strict")), body);
        var replacedBody = await replaced.JsonAsync();

        Assert.Equal(201, (int)created.StatusCode);
        Assert.Null(created.Header("Azure-AsyncOperation"));
        Assert.Equal("strict", (string?)createdBody["name"]);
        Assert.Equal(Policy("strict"), (string?)createdBody["id"]);
        Assert.Equal("UserManaged", (string?)createdBody["properties"]!["type"]);
        Assert.Equal("kept", (string?)createdBody["properties"]!["futureSetting"]);
        AssertQuotedGuidEtag(createdBody);
        Assert.Equal(200, (int)replaced.StatusCode);
        Assert.Equal("Asynchronous_filter", (string?)replacedBody["properties"]!["mode"]);
        Assert.NotEqual((string?)createdBody["etag"], (string?)replacedBody["etag"]);
        Assert.True(JsonNode.DeepEquals(replacedBody, await Emu.GetJsonAsync(Api(Policy("strict")))));
        Assert.Equal("profanity", (string?)replacedBody["properties"]!["contentFilters"]![9]!["name"]); // stored as given
    }

    [Theory]
    [InlineData("""{"properties":{"mode":"Strict"}}""", "InvalidRaiPolicyMode")]
    [InlineData("""{"properties":{"contentFilters":[{"name":"SelfHarm ","source":"Prompt","enabled":true,"blocking":true}]}}""", "InvalidContentFilterName")]
    [InlineData("""{"properties":{"contentFilters":[{"name":"Violent","source":"Prompt","enabled":true,"blocking":true}]}}""", "InvalidContentFilterName")]
    [InlineData("""{"properties":{"contentFilters":[{"name":"Hate","source":"Output","enabled":true,"blocking":true}]}}""", "InvalidContentFilterSource")]
    [InlineData("""{"properties":{"contentFilters":[{"name":"Hate","enabled":true,"blocking":true}]}}""", "InvalidContentFilterSource")]
    [InlineData("""{"properties":{"contentFilters":[{"name":"Hate","source":"Prompt","severityThreshold":"Critical"}]}}""", "InvalidSeverityThreshold")]
    [InlineData("""{"properties":{"customBlocklists":[{"blocklistName":"missing","blocking":true,"source":"Prompt"}]}}""", "RaiBlocklistNotFound")]
    [InlineData("""{"properties":{"customBlocklists":[{"blocklistName":"words","blocking":true,"source":"Both"}]}}""", "InvalidContentFilterSource")]
    [InlineData("""{"properties":{"contentFilters":{"name":"Hate"}}}""", "InvalidResourceProperties")]
    [InlineData("""{"tags":{}}""", "InvalidResourceProperties")]
    public async Task Invalid_policies_are_refused_with_400_and_store_nothing(string body, string code)
    {
        Emu.Reset(Scenario(Account("acct-a"), BlocklistSeed("acct-a", "words")));

        await (await Emu.SendAsync(HttpMethod.Put, Api(Policy("custom")), body)).AssertErrorAsync(400, code);

        Assert.Empty(Emu.State.GetResources(PolicyType));
    }

    [Fact]
    public async Task Catalogue_names_compare_case_insensitively_and_blocklists_must_exist()
    {
        Emu.Reset(Scenario(Account("acct-a"), BlocklistSeed("acct-a", "words")));
        var body = PolicyBody(filters: [Filter("indirect attack", "prompt"), Filter("PROTECTED MATERIAL CODE", "Completion")],
            blocklists: [new JsonObject { ["blocklistName"] = "WORDS", ["blocking"] = true, ["source"] = "Prompt" }]);

        Assert.Equal(201, (int)(await Emu.SendAsync(HttpMethod.Put, Api(Policy("custom")), body)).StatusCode);
    }

    [Theory]
    [InlineData("Microsoft.Default")]
    [InlineData("MICROSOFT.DEFAULTV2")]
    public async Task System_policies_cannot_be_written_or_deleted(string name)
    {
        await (await Emu.SendAsync(HttpMethod.Put, Api(Policy(name)), PolicyBody())).AssertErrorAsync(400, "SystemRaiPolicyUpdateNotAllowed");
        await (await Emu.Http.DeleteAsync(Api(Policy(name)))).AssertErrorAsync(400, "SystemRaiPolicyUpdateNotAllowed");
        Assert.Empty(Emu.State.GetResources(PolicyType));
    }

    [Fact]
    public async Task Delete_is_refused_while_a_deployment_uses_the_policy_else_202_Location_then_gone()
    {
        Emu.Reset(Scenario(Account("acct-a"), PolicySeed("acct-a", "in-use", PolicyBody()), PolicySeed("acct-a", "spare", PolicyBody()),
            DeploymentSeed("acct-a", "chat", policy: "IN-USE")), c => c with { LroPolls = 1 });

        var inUse = await Emu.Http.DeleteAsync(Api(Policy("in-use")));
        var spare = await Emu.Http.DeleteAsync(Api(Policy("spare")));

        Assert.Contains("'chat'", await inUse.AssertErrorAsync(409, "RaiPolicyInUse"));
        Assert.Equal(202, (int)spare.StatusCode);
        Assert.Null(spare.Header("Azure-AsyncOperation"));
        var location = new Uri(spare.Header("Location")!);
        Assert.Equal(204, (int)(await Emu.Http.GetAsync(location)).StatusCode);
        await (await Emu.Http.GetAsync(Api(Policy("spare")))).AssertErrorAsync(404, "ResourceNotFound");
        Assert.Equal(204, (int)(await Emu.Http.DeleteAsync(Api(Policy("spare")))).StatusCode);
        Assert.NotNull(Emu.State.GetResource(Policy("in-use")));
    }

    [Fact]
    public async Task A_policy_rewritten_while_its_delete_is_polling_survives()
    {
        Emu.Reset(Scenario(Account("acct-a"), PolicySeed("acct-a", "p", PolicyBody())), c => c with { LroPolls = 1 });

        var deleting = await Emu.Http.DeleteAsync(Api(Policy("p")));
        await Emu.SendAsync(HttpMethod.Put, Api(Policy("p")), PolicyBody());
        await Emu.Http.GetAsync(new Uri(deleting.Header("Location")!));

        Assert.NotNull(Emu.State.GetResource(Policy("p")));
    }

    [Fact]
    public async Task The_catalogue_lists_the_nine_filters_of_every_location()
    {
        var listed = (await Emu.GetJsonAsync(Api($"/subscriptions/{Subscription}/providers/Microsoft.CognitiveServices/locations/westeurope/raiContentFilters")))["value"]!.AsArray();

        Assert.Equal(["Hate", "Sexual", "Violence", "Selfharm", "Jailbreak", "ProtectedMaterialText", "ProtectedMaterialCode", "Profanity", "IndirectAttack"],
            listed.Select(f => (string)f!["name"]!));
        Assert.Equal(["Hate", "Sexual", "Violence", "Selfharm", "Jailbreak", "Protected Material Text", "Protected Material Code", "Profanity", "Indirect Attack"],
            listed.Select(f => (string)f!["properties"]!["name"]!));
        Assert.Equal([true, true, true, true, false, false, false, false, false], listed.Select(f => (bool)f!["properties"]!["isMultiLevelFilter"]!));
        Assert.All(listed, f => Assert.StartsWith($"/subscriptions/{Subscription}/providers/Microsoft.CognitiveServices/locations/westeurope/raiContentFilters/", (string?)f!["id"]));
    }

    [Fact]
    public async Task A_catalogue_entry_has_the_example_s_shape_and_an_unknown_one_is_404()
    {
        var example = NetworkTestTenant.Example("Microsoft.CognitiveServices", "2025-09-01", "GetRaiContentFilter.json")["responses"]!["200"]!["body"]!;
        var expected = JsonNode.Parse(example.ToJsonString().Replace("00000000-0000-0000-0000-000000000000", Subscription))!;

        var entry = await Emu.GetJsonAsync(Api($"/subscriptions/{Subscription}/providers/Microsoft.CognitiveServices/locations/WestUS/raiContentFilters/IndirectAttack"));

        Assert.True(JsonNode.DeepEquals(expected, entry), entry.ToJsonString());
        await (await Emu.Http.GetAsync(Api($"/subscriptions/{Subscription}/providers/Microsoft.CognitiveServices/locations/eastus/raiContentFilters/Nudity")))
            .AssertErrorAsync(404, "ResourceNotFound");
    }
}
