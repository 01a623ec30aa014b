using System;
using System.Linq;
using System.Net.Http;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using AoaiHardening.Emulator.Core;
using Xunit;
using static AoaiHardening.Tests.Emulator.TestTenant;

namespace AoaiHardening.Tests.Emulator;

/// <summary>/_emulator over HTTP, as the Pester suites drive it.</summary>
public sealed class ControlApiTests(EmulatorFixture emu) : EmulatorTest(emu), IDisposable
{
    private readonly HttpClient control = new() { BaseAddress = emu.Emulator.BaseUri }; // no Authorization: the control API needs none

    public void Dispose() => control.Dispose();

    [Fact]
    public async Task Health_answers_without_auth()
    {
        var health = await (await control.GetAsync("/_emulator/health")).JsonAsync();

        Assert.Equal("Healthy", (string?)health["status"]);
    }

    [Fact]
    public async Task Posting_a_scenario_replaces_all_state_and_clears_log_and_faults()
    {
        await Emu.Http.GetAsync(Api(AccountPath("acct-a")));
        Emu.State.Faults.Add(new FaultSpec { Path = "x", Kind = FaultKind.Reset });

        var response = await control.PostAsync("/_emulator/scenario", new StringContent(Scenario(Account("only-one"))));

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(1, (int)(await response.JsonAsync())["resources"]!);
        Assert.Empty(Emu.State.Requests.Snapshot());
        Assert.Empty(Emu.State.Faults.Pending());
        Assert.Equal(["only-one"], Emu.State.GetResources().Select(r => (string)r["name"]!));
    }

    [Fact]
    public async Task An_invalid_scenario_is_400_and_changes_nothing()
    {
        var response = await control.PostAsync("/_emulator/scenario", new StringContent("""{"subscriptions":[{"subscriptionId":"not-a-guid"}]}"""));

        await response.AssertErrorAsync(400, "InvalidControlRequest");
        Assert.Equal(2, Emu.State.GetResources().Count);
    }

    [Fact]
    public async Task Reset_goes_back_to_the_loaded_scenario()
    {
        await Emu.Http.DeleteAsync(Api(AccountPath("acct-a")));

        await control.PostAsync("/_emulator/reset", null);

        Assert.NotNull(Emu.State.GetResource(AccountPath("acct-a")));
        Assert.Empty(Emu.State.Requests.Snapshot());
    }

    [Fact]
    public async Task Requests_are_listed_and_cleared()
    {
        await Emu.Http.GetAsync(Api(AccountPath("acct-a")));

        var log = await (await control.GetAsync("/_emulator/requests")).JsonAsync();
        var entry = log["value"]!.AsArray().Single()!;
        Assert.Equal("GET", (string?)entry["method"]);
        Assert.Equal(AccountPath("acct-a"), (string?)entry["path"]);
        Assert.Equal(200, (int)entry["status"]!);
        Assert.True((bool)entry["hasAuthorization"]!);
        Assert.Null(entry["fault"]);

        Assert.Equal(204, (int)(await control.DeleteAsync("/_emulator/requests")).StatusCode);
        Assert.Empty(Emu.State.Requests.Snapshot());
    }

    [Fact]
    public async Task Faults_are_added_listed_with_remaining_counts_and_cleared()
    {
        var added = await control.PostAsync("/_emulator/faults",
            new StringContent("""{"path":"acct-a","kind":"status","status":429,"code":"TooManyRequests","retryAfter":3,"count":2}"""));
        Assert.Equal(201, (int)added.StatusCode);

        await (await Emu.Http.GetAsync(Api(AccountPath("acct-a")))).AssertErrorAsync(429, "TooManyRequests");
        var listed = (await (await control.GetAsync("/_emulator/faults")).JsonAsync())["value"]!.AsArray().Single()!;

        Assert.Equal("status", (string?)listed["kind"]);
        Assert.Equal(1, (int)listed["remaining"]!);
        Assert.Equal(204, (int)(await control.DeleteAsync("/_emulator/faults")).StatusCode);
        Assert.Empty(Emu.State.Faults.Pending());
    }

    [Fact]
    public async Task LroFail_faults_use_camelCase_kinds()
    {
        await control.PostAsync("/_emulator/faults", new StringContent("""{"path":"acct-a","kind":"lroFail","code":"Boom"}"""));

        Assert.Equal(FaultKind.LroFail, Assert.Single(Emu.State.Faults.Pending()).Spec.Kind);
    }

    [Fact]
    public async Task A_bad_fault_is_400()
    {
        await (await control.PostAsync("/_emulator/faults", new StringContent("""{"path":"x","kind":"explode"}""")))
            .AssertErrorAsync(400, "InvalidControlRequest");
    }

    [Fact]
    public async Task Config_is_updated_partially_and_typos_are_refused()
    {
        var config = await (await control.PostAsync("/_emulator/config", new StringContent("""{"pageSize":3,"lroStyle":"location"}"""))).JsonAsync();

        Assert.Equal(3, (int)config["pageSize"]!);
        Assert.Equal("location", (string?)config["lroStyle"]);
        Assert.Equal(0, (int)config["retryAfterSeconds"]!); // untouched
        Assert.Equal(LroStyle.Location, Emu.State.Config.LroStyle);
        await (await control.PostAsync("/_emulator/config", new StringContent("""{"pagesize2":3}"""))).AssertErrorAsync(400, "InvalidControlRequest");
        await (await control.PostAsync("/_emulator/config", new StringContent("""{"pageSize":0}"""))).AssertErrorAsync(400, "InvalidControlRequest");
    }

    [Fact]
    public async Task Resources_are_dumped_as_GET_renders_them_optionally_by_type()
    {
        var all = (await (await control.GetAsync("/_emulator/resources")).JsonAsync())["value"]!.AsArray();
        var accounts = (await (await control.GetAsync("/_emulator/resources?type=microsoft.cognitiveservices/ACCOUNTS")).JsonAsync())["value"]!.AsArray();
        var none = (await (await control.GetAsync("/_emulator/resources?type=Microsoft.KeyVault/vaults")).JsonAsync())["value"]!.AsArray();

        Assert.Equal(2, all.Count);
        Assert.Equal(2, accounts.Count);
        Assert.Empty(none);
        Assert.Equal("https://acct-a.openai.azure.com/", (string?)accounts[0]!["properties"]!["endpoint"]);
    }

    [Fact]
    public async Task Unknown_control_paths_are_404()
    {
        Assert.Equal(404, (int)(await control.GetAsync("/_emulator/nothing")).StatusCode);
    }
}
