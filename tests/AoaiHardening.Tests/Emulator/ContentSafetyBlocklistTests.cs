using System;
using System.Linq;
using System.Net.Http;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Xunit;
using static AoaiHardening.Tests.Emulator.ContentSafetyTenant;
using static AoaiHardening.Tests.Emulator.TestTenant;

namespace AoaiHardening.Tests.Emulator;

/// <summary>RAI blocklists, their items, and the batch add / delete calls.</summary>
public sealed class ContentSafetyBlocklistTests(EmulatorFixture emu) : EmulatorTest(emu)
{
    private static readonly JsonObject Description = JsonNode.Parse("""{"properties":{"description":"Basic blocklist description"},"futureField":1}""")!.AsObject();

    private static string Items(string blocklist) => $"{Blocklist(blocklist)}/raiBlocklistItems";

    [Fact]
    public async Task A_blocklist_is_created_201_replaced_200_and_read_in_the_example_s_shape()
    {
        var created = await Emu.SendAsync(HttpMethod.Put, Api(Blocklist("words")), Description);
        var replaced = await Emu.SendAsync(HttpMethod.Put, Api(Blocklist("words")), Description);
        var read = await Emu.GetJsonAsync(Api(Blocklist("words")));

        Assert.Equal(201, (int)created.StatusCode);
        Assert.Equal(200, (int)replaced.StatusCode);
        Assert.Equal("words", (string?)read["name"]);
        Assert.Equal(Blocklist("words"), (string?)read["id"]);
        Assert.Equal(BlocklistType, (string?)read["type"]);
        Assert.Equal("Basic blocklist description", (string?)read["properties"]!["description"]);
        Assert.Equal(1, (int)read["futureField"]!);
        Assert.Null(read["properties"]!["provisioningState"]);
        AssertQuotedGuidEtag(read);
        Assert.NotEqual((string?)(await created.JsonAsync())["etag"], (string?)read["etag"]);
        Assert.Equal(["words"], (await Emu.GetJsonAsync(Api($"{AccountPath("acct-a")}/raiBlocklists")))["value"]!.AsArray().Select(b => (string)b!["name"]!));
    }

    [Fact]
    public async Task Items_are_written_synchronously_and_listed_as_child_resources()
    {
        Emu.Reset(Scenario(Account("acct-a"), BlocklistSeed("acct-a", "words")));

        var created = await Emu.SendAsync(HttpMethod.Put, Api(Item("words", "competitor")), ItemBody("Fabrikam"));
        var regex = await Emu.SendAsync(HttpMethod.Put, Api(Item("words", "card")), ItemBody(@"\b\d{4}-\d{4}\b", isRegex: true));
        var replaced = await Emu.SendAsync(HttpMethod.Put, Api(Item("words", "competitor")), ItemBody("Fabrikam Inc"));

        Assert.Equal(201, (int)created.StatusCode);
        Assert.Equal(201, (int)regex.StatusCode);
        Assert.Equal(200, (int)replaced.StatusCode);
        var item = await Emu.GetJsonAsync(Api(Item("words", "competitor")));
        Assert.Equal("competitor", (string?)item["name"]);
        Assert.Equal(ItemType, (string?)item["type"]);
        Assert.Equal("Fabrikam Inc", (string?)item["properties"]!["pattern"]);
        AssertQuotedGuidEtag(item);
        Assert.Equal(["competitor", "card"], (await Emu.GetJsonAsync(Api(Items("words"))))["value"]!.AsArray().Select(i => (string)i!["name"]!));
        Assert.Equal([Item("words", "competitor"), Item("words", "card")], Emu.State.GetResources(ItemType).Select(i => (string)i["id"]!));
        await (await Emu.Http.GetAsync(Api(Item("words", "missing")))).AssertErrorAsync(404, "ResourceNotFound");
        await (await Emu.SendAsync(HttpMethod.Put, Api(Item("no-list", "x")), ItemBody("x"))).AssertErrorAsync(404, "ResourceNotFound");
    }

    [Theory]
    [InlineData("""{"properties":{"isRegex":false}}""", "InvalidResourceProperties")]
    [InlineData("""{"properties":{"pattern":""}}""", "InvalidResourceProperties")]
    [InlineData("""{"properties":{"pattern":"x","isRegex":"yes"}}""", "InvalidResourceProperties")]
    [InlineData("""{"properties":{"pattern":"a(b","isRegex":true}}""", "InvalidRegexPattern")]
    [InlineData("""{"properties":{"pattern":"[z-a]","isRegex":true}}""", "InvalidRegexPattern")]
    public async Task Invalid_items_are_refused_and_store_nothing(string body, string code)
    {
        Emu.Reset(Scenario(Account("acct-a"), BlocklistSeed("acct-a", "words")));

        await (await Emu.SendAsync(HttpMethod.Put, Api(Item("words", "x")), body)).AssertErrorAsync(400, code);

        Assert.Empty(Emu.State.GetResources(ItemType));
    }

    [Fact]
    public async Task A_pattern_may_have_1000_characters_not_1001_and_a_literal_need_not_be_a_regex()
    {
        Emu.Reset(Scenario(Account("acct-a"), BlocklistSeed("acct-a", "words")));

        Assert.Equal(201, (int)(await Emu.SendAsync(HttpMethod.Put, Api(Item("words", "long")), ItemBody(new string('x', 1000)))).StatusCode);
        Assert.Equal(201, (int)(await Emu.SendAsync(HttpMethod.Put, Api(Item("words", "literal")), ItemBody("a(b"))).StatusCode);
        await (await Emu.SendAsync(HttpMethod.Put, Api(Item("words", "longer")), ItemBody(new string('x', 1001)))).AssertErrorAsync(400, "InvalidResourceProperties");
    }

    [Fact]
    public async Task Batch_add_stores_every_item_and_answers_the_blocklist()
    {
        Emu.Reset(Scenario(Account("acct-a"), BlocklistSeed("acct-a", "words"), ItemSeed("acct-a", "words", "old", "before")));
        var batch = new JsonArray(
            new JsonObject { ["name"] = "one", ["properties"] = new JsonObject { ["pattern"] = "alpha", ["isRegex"] = false } },
            new JsonObject { ["name"] = "old", ["properties"] = new JsonObject { ["pattern"] = "b.ta", ["isRegex"] = true } });

        var response = await Emu.SendAsync(HttpMethod.Post, Api($"{Blocklist("words")}/addRaiBlocklistItems"), batch);

        Assert.Equal(200, (int)response.StatusCode);
        var blocklist = await response.JsonAsync();
        Assert.Equal("words", (string?)blocklist["name"]);
        Assert.Equal(BlocklistType, (string?)blocklist["type"]);
        var items = Emu.State.GetResources(ItemType).ToDictionary(i => (string)i["name"]!, i => i["properties"]!);
        Assert.Equal(["old", "one"], items.Keys.Order());
        Assert.Equal("b.ta", (string?)items["old"]["pattern"]);
        Assert.True((bool)items["old"]["isRegex"]!);
    }

    [Theory]
    [InlineData("""[{"name":"good","properties":{"pattern":"fine"}},{"name":"bad","properties":{"pattern":"(","isRegex":true}}]""", "InvalidRegexPattern")]
    [InlineData("""[{"name":"good","properties":{"pattern":"fine"}},{"properties":{"pattern":"nameless"}}]""", "InvalidResourceProperties")]
    [InlineData("""[{"name":"good","properties":{"pattern":"fine"}},{"name":"empty","properties":{}}]""", "InvalidResourceProperties")]
    [InlineData("""{"name":"good","properties":{"pattern":"fine"}}""", "InvalidRequestContent")]
    public async Task A_batch_with_one_bad_item_stores_none(string body, string code)
    {
        Emu.Reset(Scenario(Account("acct-a"), BlocklistSeed("acct-a", "words")));

        await (await Emu.SendAsync(HttpMethod.Post, Api($"{Blocklist("words")}/addRaiBlocklistItems"), body)).AssertErrorAsync(400, code);

        Assert.Empty(Emu.State.GetResources(ItemType));
    }

    [Fact]
    public async Task A_batch_holds_at_most_100_items()
    {
        Emu.Reset(Scenario(Account("acct-a"), BlocklistSeed("acct-a", "words")));
        JsonArray Batch(int n) => new([.. Enumerable.Range(1, n).Select(i => (JsonNode)new JsonObject
        {
            ["name"] = $"i{i}", ["properties"] = new JsonObject { ["pattern"] = $"p{i}" },
        })]);

        await (await Emu.SendAsync(HttpMethod.Post, Api($"{Blocklist("words")}/addRaiBlocklistItems"), Batch(101))).AssertErrorAsync(400, "TooManyRaiBlocklistItems");
        Assert.Empty(Emu.State.GetResources(ItemType));
        Assert.Equal(200, (int)(await Emu.SendAsync(HttpMethod.Post, Api($"{Blocklist("words")}/addRaiBlocklistItems"), Batch(100))).StatusCode);
        Assert.Equal(100, Emu.State.GetResources(ItemType).Count);
    }

    [Fact]
    public async Task Batch_delete_removes_the_named_items_ignoring_unknown_names()
    {
        Emu.Reset(Scenario(Account("acct-a"), BlocklistSeed("acct-a", "words"),
            ItemSeed("acct-a", "words", "a", "x"), ItemSeed("acct-a", "words", "b", "y"), ItemSeed("acct-a", "words", "c", "z")));

        var response = await Emu.SendAsync(HttpMethod.Post, Api($"{Blocklist("words")}/deleteRaiBlocklistItems"), new JsonArray("a", "C", "nope"));

        Assert.Equal(204, (int)response.StatusCode);
        Assert.Equal(["b"], Emu.State.GetResources(ItemType).Select(i => (string)i["name"]!));
        await (await Emu.SendAsync(HttpMethod.Post, Api($"{Blocklist("words")}/deleteRaiBlocklistItems"), new JsonArray(1))).AssertErrorAsync(400, "InvalidRequestContent");
    }

    [Fact]
    public async Task Deleting_an_item_is_a_location_operation_and_204_when_absent()
    {
        Emu.Reset(Scenario(Account("acct-a"), BlocklistSeed("acct-a", "words"), ItemSeed("acct-a", "words", "a", "x")), c => c with { LroPolls = 1 });

        var response = await Emu.Http.DeleteAsync(Api(Item("words", "a")));

        Assert.Equal(202, (int)response.StatusCode);
        Assert.Null(response.Header("Azure-AsyncOperation"));
        Assert.Equal(204, (int)(await Emu.Http.GetAsync(new Uri(response.Header("Location")!))).StatusCode);
        Assert.Empty(Emu.State.GetResources(ItemType));
        Assert.Equal(204, (int)(await Emu.Http.DeleteAsync(Api(Item("words", "a")))).StatusCode);
    }

    [Fact]
    public async Task A_blocklist_a_policy_uses_cannot_be_deleted_and_deleting_one_deletes_its_items()
    {
        var policy = PolicyBody(blocklists: [new JsonObject { ["blocklistName"] = "Used", ["blocking"] = true, ["source"] = "Prompt" }]);
        Emu.Reset(Scenario(Account("acct-a"), BlocklistSeed("acct-a", "used"), BlocklistSeed("acct-a", "spare"),
            ItemSeed("acct-a", "spare", "a", "x"), ItemSeed("acct-a", "used", "b", "y"), PolicySeed("acct-a", "custom", policy)), c => c with { LroPolls = 0 });

        var inUse = await Emu.Http.DeleteAsync(Api(Blocklist("used")));
        var spare = await Emu.Http.DeleteAsync(Api(Blocklist("spare")));

        Assert.Contains("'custom'", await inUse.AssertErrorAsync(409, "RaiBlocklistInUse"));
        Assert.Equal(202, (int)spare.StatusCode);
        Assert.NotNull(spare.Header("Location"));
        Assert.Equal(["used"], Emu.State.GetResources(BlocklistType).Select(b => (string)b["name"]!));
        Assert.Equal(["b"], Emu.State.GetResources(ItemType).Select(i => (string)i["name"]!));
        Assert.Equal(204, (int)(await Emu.Http.DeleteAsync(Api(Blocklist("spare")))).StatusCode);
    }
}
