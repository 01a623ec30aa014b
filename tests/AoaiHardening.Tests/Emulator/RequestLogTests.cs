using System;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Xunit;
using static AoaiHardening.Tests.Emulator.TestTenant;

namespace AoaiHardening.Tests.Emulator;

public sealed class RequestLogTests(EmulatorFixture emu) : EmulatorTest(emu)
{
    [Fact]
    public async Task Each_ARM_request_is_recorded_with_what_tests_assert_on()
    {
        var request = new HttpRequestMessage(HttpMethod.Patch, Api(AccountPath("acct-a")) + "&extra=1")
        {
            Content = new StringContent("""{"properties":{"publicNetworkAccess":"Disabled"}}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("x-ms-correlation-request-id", "corr-42");
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("AoaiHardening", "9.9.9"));
        var before = DateTimeOffset.UtcNow;

        await Emu.Http.SendAsync(request);

        var entry = Assert.Single(Emu.State.Requests.Snapshot());
        Assert.Equal(1, entry.Seq);
        Assert.InRange(entry.Time, before.AddSeconds(-1), DateTimeOffset.UtcNow);
        Assert.Equal("PATCH", entry.Method);
        Assert.Equal(AccountPath("acct-a"), entry.Path);
        Assert.Equal($"api-version={CsVersion}&extra=1", entry.Query);
        Assert.Equal(CsVersion, entry.ApiVersion);
        Assert.Equal(202, entry.Status);
        Assert.Equal("AoaiHardening/9.9.9", entry.UserAgent);
        Assert.True(entry.HasAuthorization);
        Assert.Equal("corr-42", entry.CorrelationId);
        Assert.Equal("Disabled", (string?)entry.Body!["properties"]!["publicNetworkAccess"]);
        Assert.Null(entry.Fault);
    }

    [Fact]
    public async Task Polls_key_listings_and_failures_are_recorded_in_order_but_control_calls_are_not()
    {
        var patch = await Emu.SendAsync(HttpMethod.Patch, Api(AccountPath("acct-a")), JsonNode.Parse("{}"));
        await Emu.Http.GetAsync(patch.Header("Azure-AsyncOperation"));
        await Emu.Http.PostAsync(Api(AccountPath("acct-a") + "/listKeys"), null);
        await Emu.Http.GetAsync(AccountPath("acct-a")); // no api-version: 400
        await Emu.Http.GetAsync("/_emulator/health");

        var log = Emu.State.Requests.Snapshot();

        Assert.Equal(["PATCH", "GET", "POST", "GET"], log.Select(e => e.Method));
        Assert.Equal([202, 200, 200, 400], log.Select(e => e.Status));
        Assert.Equal([1L, 2, 3, 4], log.Select(e => e.Seq));
        Assert.Contains("/operationStatuses/", log[1].Path);
        Assert.Null(log[3].ApiVersion);
    }

    [Fact]
    public async Task The_token_is_never_recorded()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, Api(AccountPath("acct-a")));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "super-secret-token-value");

        await Emu.Http.SendAsync(request);

        Assert.DoesNotContain("super-secret-token-value", JsonSerializer.Serialize(Emu.State.Requests.Snapshot()));
    }

    [Fact]
    public async Task Clearing_empties_the_log()
    {
        await Emu.Http.GetAsync(Api(AccountPath("acct-a")));

        Emu.State.Requests.Clear();

        Assert.Empty(Emu.State.Requests.Snapshot());
    }
}
