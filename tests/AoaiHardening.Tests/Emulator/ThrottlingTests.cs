using System.Net.Http;
using System.Threading.Tasks;
using AoaiHardening.Emulator.Core;
using Xunit;
using static AoaiHardening.Tests.Emulator.TestTenant;

namespace AoaiHardening.Tests.Emulator;

public sealed class ThrottlingTests : EmulatorTest
{
    private const string FleetSubscription = "f1ee7000-0000-4000-8000-000000000001";
    private static readonly string FleetAccount =
        $"/subscriptions/{FleetSubscription}/resourceGroups/rg-fleet-01/providers/Microsoft.CognitiveServices/accounts/aoai-fleet-001-0001";

    public ThrottlingTests(EmulatorFixture emu) : base(emu, configure: c => c with { Throttling = true, ReadBucket = 5, ReadRefillPerSecond = 2 })
    {
        // A second subscription, with its own buckets.
        emu.State.AddFleet(new FleetSpec(Subscriptions: 1, AccountsPerSubscription: 1, ResourceGroupsPerSubscription: 1));
    }

    [Fact]
    public async Task The_read_after_the_bucket_is_empty_is_429_with_Retry_After_and_other_subscriptions_and_kinds_go_on()
    {
        await Emu.Http.GetAsync(Api(FleetAccount)); // warm the route up, so the five reads below come faster than the refill
        for (var i = 4; i >= 0; i--)
        {
            var ok = await Emu.Http.GetAsync(Api(AccountPath("acct-a")));
            Assert.Equal(200, (int)ok.StatusCode);
            Assert.Equal(i.ToString(), ok.Header("x-ms-ratelimit-remaining-subscription-reads"));
        }

        var throttled = await Emu.Http.GetAsync(Api(AccountPath("acct-a")));

        var message = await throttled.AssertErrorAsync(429, "SubscriptionRequestsThrottled");
        Assert.Equal($"Number of 'read' requests for subscription '{Subscription}' actor 'unknown' exceeded. Please try again after " +
            $"'{throttled.Header("Retry-After")}' seconds after additional tokens are available. Refer to https://aka.ms/arm-throttling for additional information.", message);
        Assert.True(int.Parse(throttled.Header("Retry-After")!) >= 1);
        Assert.Equal("0", throttled.Header("x-ms-ratelimit-remaining-subscription-reads"));
        Assert.Equal(429, Emu.State.Requests.Snapshot()[^1].Status);

        Assert.Equal(200, (int)(await Emu.Http.GetAsync(Api(FleetAccount))).StatusCode);
        var write = await Emu.Http.PostAsync(Api(AccountPath("acct-a") + "/listKeys"), null);
        Assert.Equal(200, (int)write.StatusCode);
        Assert.Equal("199", write.Header("x-ms-ratelimit-remaining-subscription-writes"));

        await Task.Delay(1100); // 2 tokens a second: at least one is back
        Assert.Equal(200, (int)(await Emu.Http.GetAsync(Api(AccountPath("acct-a")))).StatusCode);
    }

    [Fact]
    public async Task Requests_without_a_subscription_share_the_tenant_bucket()
    {
        Emu.State.Config = Emu.State.Config with { ReadRefillPerSecond = 0.05 }; // no refill between the requests
        for (var i = 4; i >= 0; i--)
            Assert.Equal(i.ToString(), (await Emu.Http.GetAsync("/subscriptions?api-version=2022-12-01")).Header("x-ms-ratelimit-remaining-tenant-reads"));

        await (await Emu.Http.GetAsync("/subscriptions?api-version=2022-12-01")).AssertErrorAsync(429, "TenantRequestsThrottled");
    }

    [Fact]
    public async Task A_config_change_refills_the_buckets()
    {
        for (var i = 0; i < 5; i++)
            await Emu.Http.GetAsync(Api(AccountPath("acct-a")));
        Emu.State.Config = Emu.State.Config with { ReadBucket = 7 };

        var response = await Emu.Http.GetAsync(Api(AccountPath("acct-a")));

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("6", response.Header("x-ms-ratelimit-remaining-subscription-reads"));
    }

    [Fact]
    public async Task With_throttling_off_the_buckets_only_feed_the_headers()
    {
        Emu.State.Config = Emu.State.Config with { Throttling = false };

        for (var i = 0; i < 8; i++)
        {
            var response = await Emu.Http.GetAsync(Api(AccountPath("acct-a")));
            Assert.Equal(200, (int)response.StatusCode);
            Assert.Equal(i < 5 ? (4 - i).ToString() : "0", response.Header("x-ms-ratelimit-remaining-subscription-reads"));
        }
    }

    [Fact]
    public async Task The_control_API_is_never_throttled()
    {
        for (var i = 0; i < 5; i++)
            await Emu.Http.GetAsync(Api(AccountPath("acct-a")));

        for (var i = 0; i < 10; i++)
            Assert.Equal(200, (int)(await Emu.SendAsync(HttpMethod.Get, "/_emulator/config", (string?)null)).StatusCode);
    }
}
