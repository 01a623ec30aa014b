using System.Linq;
using System.Net.Http;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Xunit;
using static AoaiHardening.Tests.Emulator.TestTenant;

namespace AoaiHardening.Tests.Emulator;

/// <summary>Microsoft.CognitiveServices/accounts/defenderForAISettings.</summary>
public sealed class MonitoringDefenderForAITests(EmulatorFixture emu) : EmulatorTest(emu)
{
    private const string SettingType = "Microsoft.CognitiveServices/accounts/defenderForAISettings";

    private static string Settings(string account = "acct-a") => $"{AccountPath(account)}/defenderForAISettings";
    private static string Setting(string name = "Default", string account = "acct-a") => $"{Settings(account)}/{name}";

    private static JsonObject Body(string state) => new() { ["properties"] = new JsonObject { ["state"] = state } };

    [Fact]
    public async Task Put_creates_201_replaces_200_and_patch_merges_keeping_unknown_fields()
    {
        var body = Body("Enabled");
        body["properties"]!["futureField"] = "kept";
        body["tags"] = new JsonObject { ["a"] = "1" };

        var created = await Emu.SendAsync(HttpMethod.Put, Api(Setting()), body);
        var createdBody = await created.JsonAsync();
        var replaced = await Emu.SendAsync(HttpMethod.Put, Api(Setting()), body);
        var patched = await Emu.SendAsync(HttpMethod.Patch, Api(Setting()), """{"properties":{"state":"Disabled"}}""");
        var patchedBody = await patched.JsonAsync();

        Assert.Equal(201, (int)created.StatusCode);
        Assert.Equal(Setting(), (string?)createdBody["id"]);
        Assert.Equal("Default", (string?)createdBody["name"]);
        Assert.Equal(SettingType, (string?)createdBody["type"]);
        Assert.Matches("^\"[0-9a-f-]{36}\"$", (string)createdBody["etag"]!);
        Assert.Equal(200, (int)replaced.StatusCode);
        Assert.Equal(200, (int)patched.StatusCode);
        Assert.Equal("Disabled", (string?)patchedBody["properties"]!["state"]);
        Assert.Equal("kept", (string?)patchedBody["properties"]!["futureField"]);
        Assert.Equal("1", (string?)patchedBody["tags"]!["a"]);
        Assert.NotEqual((string?)createdBody["etag"], (string?)patchedBody["etag"]);
        Assert.True(JsonNode.DeepEquals(patchedBody, await Emu.GetJsonAsync(Api(Setting()))));
        Assert.Equal(["Default"], (await Emu.GetJsonAsync(Api(Settings())))["value"]!.AsArray().Select(s => (string)s!["name"]!));
    }

    [Fact]
    public async Task Absent_settings_and_accounts_are_404()
    {
        await (await Emu.Http.GetAsync(Api(Setting()))).AssertErrorAsync(404, "ResourceNotFound");
        await (await Emu.SendAsync(HttpMethod.Patch, Api(Setting()), Body("Enabled"))).AssertErrorAsync(404, "ResourceNotFound");
        await (await Emu.SendAsync(HttpMethod.Put, Api(Setting(account: "ghost")), Body("Enabled"))).AssertErrorAsync(404, "ResourceNotFound");
        Assert.Empty((await Emu.GetJsonAsync(Api(Settings())))["value"]!.AsArray());
    }

    [Theory]
    [InlineData("""{"properties":{}}""")]
    [InlineData("""{"properties":{"state":"On"}}""")]
    [InlineData("""{"properties":{"state":true}}""")]
    [InlineData("""{}""")]
    public async Task A_missing_or_invalid_state_is_400_and_stores_nothing(string body)
    {
        await (await Emu.SendAsync(HttpMethod.Put, Api(Setting()), body)).AssertErrorAsync(400, "InvalidResourceProperties");
        Assert.Empty(Emu.State.GetResources(SettingType));
    }

    [Fact]
    public async Task A_patch_to_an_invalid_state_changes_nothing()
    {
        Assert.Equal(201, (int)(await Emu.SendAsync(HttpMethod.Put, Api(Setting()), Body("enabled"))).StatusCode);

        await (await Emu.SendAsync(HttpMethod.Patch, Api(Setting()), """{"properties":{"state":"Off"}}""")).AssertErrorAsync(400, "InvalidResourceProperties");

        Assert.Equal("enabled", (string?)(await Emu.GetJsonAsync(Api(Setting())))["properties"]!["state"]);
    }
}
