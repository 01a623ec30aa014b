using System;
using System.Net.Http;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using AoaiHardening.Emulator.Core;
using Xunit;
using static AoaiHardening.Tests.Emulator.TestTenant;

namespace AoaiHardening.Tests.Emulator;

/// <summary>Long-running writes in each header style, settled by the configured number of polls.</summary>
public sealed class LroTests(EmulatorFixture emu) : EmulatorTest(emu, configure: c => c with { LroPolls = 3 })
{
    private static readonly JsonNode DisablePublicAccess = JsonNode.Parse("""{"properties":{"publicNetworkAccess":"Disabled"}}""")!;

    [Fact]
    public async Task Put_in_both_style_is_201_with_both_URLs_and_succeeds_on_the_configured_poll()
    {
        Emu.State.Config = Emu.State.Config with { RetryAfterSeconds = 7 };
        var response = await Emu.SendAsync(HttpMethod.Put, Api(AccountPath("new-acct")), Account("new-acct"));

        Assert.Equal(201, (int)response.StatusCode);
        Assert.Equal("Accepted", (string?)(await response.JsonAsync())["properties"]!["provisioningState"]);
        Assert.Equal("7", response.Header("Retry-After"));
        var status = new Uri(response.Header("Azure-AsyncOperation")!);
        var location = new Uri(response.Header("Location")!);
        Assert.Equal(Emu.Emulator.BaseUri.Authority, status.Authority);
        Assert.Equal($"/subscriptions/{Subscription}/providers/Microsoft.CognitiveServices/locations/eastus/operationStatuses/", status.AbsolutePath[..^36]);
        Assert.Equal($"/subscriptions/{Subscription}/providers/Microsoft.CognitiveServices/locations/eastus/operationResults/", location.AbsolutePath[..^36]);
        Assert.Equal($"?api-version={CsVersion}", status.Query);

        Assert.Equal("InProgress", await StatusAsync(status, expectRetryAfter: "7"));
        Assert.Equal("InProgress", await StatusAsync(status, expectRetryAfter: "7"));
        Assert.Equal("Accepted", await ProvisioningStateAsync("new-acct"));
        var done = await (await Emu.Http.GetAsync(status)).JsonAsync();

        Assert.Equal("Succeeded", (string?)done["status"]);
        Assert.Equal(status.AbsolutePath, (string?)done["id"]);
        Assert.Equal(100, (int)done["percentComplete"]!);
        Assert.NotNull(done["endTime"]);
        Assert.Equal("Succeeded", await ProvisioningStateAsync("new-acct"));
    }

    [Fact]
    public async Task Put_over_an_existing_account_is_200()
    {
        var response = await Emu.SendAsync(HttpMethod.Put, Api(AccountPath("acct-a")), Account("acct-a"));

        Assert.Equal(200, (int)response.StatusCode);
        Assert.NotNull(response.Header("Azure-AsyncOperation"));
    }

    [Fact]
    public async Task Patch_in_location_style_is_202_and_the_result_URL_gives_the_account_when_done()
    {
        Emu.State.Config = Emu.State.Config with { LroStyle = LroStyle.Location };
        var response = await Emu.SendAsync(HttpMethod.Patch, Api(AccountPath("acct-a")), DisablePublicAccess);

        Assert.Equal(202, (int)response.StatusCode);
        Assert.Null(response.Header("Azure-AsyncOperation"));
        Assert.Equal("Updating", (string?)(await response.JsonAsync())["properties"]!["provisioningState"]);
        Assert.Equal("Disabled", (string?)Emu.State.GetResource(AccountPath("acct-a"))!["properties"]!["publicNetworkAccess"]); // applied at once
        var location = new Uri(response.Header("Location")!);

        for (var poll = 1; poll < 3; poll++)
        {
            var running = await Emu.Http.GetAsync(location);
            Assert.Equal(202, (int)running.StatusCode);
            Assert.Equal(location, new Uri(running.Header("Location")!));
            Assert.Equal("0", running.Header("Retry-After"));
            Assert.Empty(await running.Content.ReadAsStringAsync());
        }
        var final = await Emu.Http.GetAsync(location);

        Assert.Equal(200, (int)final.StatusCode);
        var account = await final.JsonAsync();
        Assert.Equal("Succeeded", (string?)account["properties"]!["provisioningState"]);
        Assert.Equal("Disabled", (string?)account["properties"]!["publicNetworkAccess"]);
    }

    [Fact]
    public async Task Async_style_sends_only_the_status_URL()
    {
        Emu.State.Config = Emu.State.Config with { LroStyle = LroStyle.Async, LroPolls = 1 };
        var response = await Emu.SendAsync(HttpMethod.Patch, Api(AccountPath("acct-a")), DisablePublicAccess);

        Assert.Equal(202, (int)response.StatusCode);
        Assert.Null(response.Header("Location"));
        Assert.Equal("Succeeded", await StatusAsync(new Uri(response.Header("Azure-AsyncOperation")!), expectRetryAfter: null));
    }

    [Fact]
    public async Task Sync_style_answers_the_final_state_without_LRO_headers()
    {
        Emu.State.Config = Emu.State.Config with { LroStyle = LroStyle.Sync };

        var put = await Emu.SendAsync(HttpMethod.Put, Api(AccountPath("new-acct")), Account("new-acct"));
        var delete = await Emu.Http.DeleteAsync(Api(AccountPath("acct-a")));

        Assert.Equal(200, (int)put.StatusCode);
        Assert.Equal("Succeeded", (string?)(await put.JsonAsync())["properties"]!["provisioningState"]);
        Assert.Null(put.Header("Azure-AsyncOperation"));
        Assert.Null(put.Header("Location"));
        Assert.Equal(200, (int)delete.StatusCode);
        Assert.Null(Emu.State.GetResource(AccountPath("acct-a")));
    }

    [Fact]
    public async Task Delete_is_202_the_account_shows_Deleting_then_the_result_is_204_and_GET_404()
    {
        var response = await Emu.Http.DeleteAsync(Api(AccountPath("acct-a")));

        Assert.Equal(202, (int)response.StatusCode);
        Assert.Empty(await response.Content.ReadAsStringAsync());
        Assert.Equal("Deleting", await ProvisioningStateAsync("acct-a"));
        var location = new Uri(response.Header("Location")!);
        Assert.Equal(202, (int)(await Emu.Http.GetAsync(location)).StatusCode);
        Assert.Equal(202, (int)(await Emu.Http.GetAsync(location)).StatusCode);
        Assert.Equal(204, (int)(await Emu.Http.GetAsync(location)).StatusCode);
        await (await Emu.Http.GetAsync(Api(AccountPath("acct-a")))).AssertErrorAsync(404, "ResourceNotFound");
    }

    [Fact]
    public async Task Polls_of_either_URL_count_towards_completion()
    {
        var response = await Emu.SendAsync(HttpMethod.Patch, Api(AccountPath("acct-a")), DisablePublicAccess);
        var status = new Uri(response.Header("Azure-AsyncOperation")!);
        var location = new Uri(response.Header("Location")!);

        Assert.Equal("InProgress", await StatusAsync(status, expectRetryAfter: "0"));
        Assert.Equal(202, (int)(await Emu.Http.GetAsync(location)).StatusCode);
        Assert.Equal("Succeeded", await StatusAsync(status, expectRetryAfter: null));
        Assert.Equal(200, (int)(await Emu.Http.GetAsync(location)).StatusCode);
    }

    [Fact]
    public async Task Zero_polls_settles_the_write_before_it_is_answered()
    {
        Emu.State.Config = Emu.State.Config with { LroPolls = 0 };

        var response = await Emu.SendAsync(HttpMethod.Patch, Api(AccountPath("acct-a")), DisablePublicAccess);

        Assert.Equal("Succeeded", (string?)(await response.JsonAsync())["properties"]!["provisioningState"]);
        Assert.Equal("Succeeded", await StatusAsync(new Uri(response.Header("Azure-AsyncOperation")!), expectRetryAfter: null));
    }

    [Fact]
    public async Task A_later_write_owns_the_state_when_an_earlier_operation_finishes()
    {
        var first = await Emu.SendAsync(HttpMethod.Patch, Api(AccountPath("acct-a")), DisablePublicAccess);
        Emu.State.Config = Emu.State.Config with { LroPolls = 1 };
        await Emu.SendAsync(HttpMethod.Patch, Api(AccountPath("acct-a")), DisablePublicAccess); // second, still running

        Emu.State.Config = Emu.State.Config with { LroPolls = 3 };
        var firstStatus = new Uri(first.Header("Azure-AsyncOperation")!);
        for (var i = 0; i < 3; i++)
            await Emu.Http.GetAsync(firstStatus);

        Assert.Equal("Updating", await ProvisioningStateAsync("acct-a"));
    }

    [Fact]
    public async Task Unknown_operation_is_404()
    {
        var path = $"/subscriptions/{Subscription}/providers/Microsoft.CognitiveServices/locations/eastus/operationStatuses/{Guid.NewGuid()}";

        await (await Emu.Http.GetAsync(Api(path))).AssertErrorAsync(404, "OperationNotFound");
    }

    private async Task<string?> StatusAsync(Uri statusUrl, string? expectRetryAfter)
    {
        var response = await Emu.Http.GetAsync(statusUrl);
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(expectRetryAfter, response.Header("Retry-After"));
        return (string?)(await response.JsonAsync())["status"];
    }

    private async Task<string?> ProvisioningStateAsync(string account) =>
        (string?)(await (await Emu.Http.GetAsync(Api(AccountPath(account)))).JsonAsync())["properties"]!["provisioningState"];
}
