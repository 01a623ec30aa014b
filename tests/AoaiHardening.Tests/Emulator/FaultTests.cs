using System;
using System.Diagnostics;
using System.Linq;
using System.Net.Http;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using AoaiHardening.Emulator.Core;
using Xunit;
using static AoaiHardening.Tests.Emulator.TestTenant;

namespace AoaiHardening.Tests.Emulator;

public sealed class FaultTests(EmulatorFixture emu) : EmulatorTest(emu)
{
    private static readonly JsonNode Patch = JsonNode.Parse("""{"properties":{"disableLocalAuth":true}}""")!;

    [Fact]
    public async Task Status_fault_answers_the_next_N_matching_requests_with_the_error_and_Retry_After()
    {
        Emu.State.Faults.Add(new FaultSpec { Path = "/ACCOUNTS/acct-a", Kind = FaultKind.Status, Status = 429, Code = "TooManyRequests", Message = "slow down", RetryAfter = 7, Count = 2 });

        var other = await Emu.Http.GetAsync(Api(AccountPath("acct-b")));
        var first = await Emu.Http.GetAsync(Api(AccountPath("acct-a")));
        var second = await Emu.Http.GetAsync(Api(AccountPath("acct-a")));
        var third = await Emu.Http.GetAsync(Api(AccountPath("acct-a")));

        Assert.Equal(200, (int)other.StatusCode);
        Assert.Equal("slow down", await first.AssertErrorAsync(429, "TooManyRequests"));
        Assert.Equal("7", first.Header("Retry-After"));
        await second.AssertErrorAsync(429, "TooManyRequests");
        Assert.Equal(200, (int)third.StatusCode);
        Assert.Equal([null, "status", "status", null], Emu.State.Requests.Snapshot().Select(r => r.Fault));
        Assert.Empty(Emu.State.Faults.Pending());
    }

    [Fact]
    public async Task Status_fault_defaults_its_code_from_the_status_and_can_be_limited_to_a_method()
    {
        Emu.State.Faults.Add(new FaultSpec { Path = "acct-a", Method = "PATCH", Kind = FaultKind.Status, Status = 503 });

        Assert.Equal(200, (int)(await Emu.Http.GetAsync(Api(AccountPath("acct-a")))).StatusCode);
        await (await Emu.SendAsync(HttpMethod.Patch, Api(AccountPath("acct-a")), Patch)).AssertErrorAsync(503, "ServiceUnavailable");
        Assert.Null(Emu.State.GetResource(AccountPath("acct-a"))!["properties"]!["disableLocalAuth"]); // a faulted write changes nothing
    }

    [Fact]
    public async Task Reset_fault_drops_the_connection_without_an_answer()
    {
        Emu.State.Faults.Add(new FaultSpec { Path = "acct-a", Kind = FaultKind.Reset });

        await Assert.ThrowsAsync<HttpRequestException>(() => Emu.Http.GetAsync(Api(AccountPath("acct-a"))));
        var retry = await Emu.Http.GetAsync(Api(AccountPath("acct-a")));

        Assert.Equal(200, (int)retry.StatusCode);
        var log = Emu.State.Requests.Snapshot();
        Assert.Equal("reset", log[0].Fault);
        Assert.Null(log[0].Status);
        Assert.Equal(200, log[1].Status);
    }

    [Fact]
    public async Task LroFail_accepts_the_write_then_the_operation_fails_with_the_faults_error()
    {
        Emu.State.Faults.Add(new FaultSpec { Path = "acct-a", Kind = FaultKind.LroFail, Status = 400, Code = "KeyVaultAccessDenied", Message = "no access to the key" });

        var response = await Emu.SendAsync(HttpMethod.Patch, Api(AccountPath("acct-a")), Patch);
        Assert.Equal(202, (int)response.StatusCode);
        var status = await (await Emu.Http.GetAsync(response.Header("Azure-AsyncOperation"))).JsonAsync();
        var result = await Emu.Http.GetAsync(response.Header("Location"));

        Assert.Equal("Failed", (string?)status["status"]);
        Assert.Equal("KeyVaultAccessDenied", (string?)status["error"]!["code"]);
        Assert.Equal("no access to the key", (string?)status["error"]!["message"]);
        Assert.Equal("no access to the key", await result.AssertErrorAsync(400, "KeyVaultAccessDenied"));
        Assert.Equal("Failed", (string?)Emu.State.GetResource(AccountPath("acct-a"))!["properties"]!["provisioningState"]);
        Assert.Equal("lroFail", Emu.State.Requests.Snapshot()[0].Fault);
    }

    [Fact]
    public async Task LroFail_in_sync_style_fails_the_write_itself()
    {
        Emu.State.Config = Emu.State.Config with { LroStyle = LroStyle.Sync };
        Emu.State.Faults.Add(new FaultSpec { Path = "acct-a", Kind = FaultKind.LroFail });

        await (await Emu.SendAsync(HttpMethod.Patch, Api(AccountPath("acct-a")), Patch)).AssertErrorAsync(500, "InternalServerError");
    }

    [Fact]
    public async Task LroStuck_never_finishes()
    {
        Emu.State.Faults.Add(new FaultSpec { Path = "acct-a", Method = "DELETE", Kind = FaultKind.LroStuck });

        var response = await Emu.Http.DeleteAsync(Api(AccountPath("acct-a")));
        for (var i = 0; i < 5; i++)
            Assert.Equal("InProgress", (string?)(await (await Emu.Http.GetAsync(response.Header("Azure-AsyncOperation"))).JsonAsync())["status"]);

        Assert.Equal("Deleting", (string?)Emu.State.GetResource(AccountPath("acct-a"))!["properties"]!["provisioningState"]);
    }

    [Fact]
    public async Task Operation_faults_wait_for_a_write_and_leave_reads_alone()
    {
        Emu.State.Faults.Add(new FaultSpec { Path = "acct-a", Kind = FaultKind.LroStuck });

        await Emu.Http.GetAsync(Api(AccountPath("acct-a")));

        Assert.Equal(1, Assert.Single(Emu.State.Faults.Pending()).Remaining);
    }

    [Fact]
    public async Task Latency_fault_and_config_latency_delay_the_answer()
    {
        Emu.State.Faults.Add(new FaultSpec { Path = "acct-a", Kind = FaultKind.Latency, LatencyMs = 300 });
        var watch = Stopwatch.StartNew();
        Assert.Equal(200, (int)(await Emu.Http.GetAsync(Api(AccountPath("acct-a")))).StatusCode);
        Assert.True(watch.ElapsedMilliseconds >= 290, $"took {watch.ElapsedMilliseconds} ms");

        Emu.State.Config = Emu.State.Config with { LatencyMs = 200 };
        watch.Restart();
        await Emu.Http.GetAsync(Api(AccountPath("acct-b")));
        Assert.True(watch.ElapsedMilliseconds >= 190, $"took {watch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public void Invalid_faults_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Emu.State.Faults.Add(new FaultSpec { Path = "x", Kind = FaultKind.Status, Count = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Emu.State.Faults.Add(new FaultSpec { Path = "x", Kind = FaultKind.Status, Status = 200 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Emu.State.Faults.Add(new FaultSpec { Path = "x", Kind = FaultKind.Latency }));
    }
}
