using System;
using AoaiHardening.Arm;
using Xunit;

namespace AoaiHardening.Tests.Arm
{
    public sealed class ArmPacingTests
    {
        private static ArmPacingPolicy.Bucket NewBucket(double capacity, double refill) =>
            new ArmPacingPolicy.Bucket(new RequestBudget(capacity, refill), "x-ms-ratelimit-remaining-subscription-reads");

        [Fact]
        public void Takes_the_capacity_at_once_then_waits_for_the_refill()
        {
            var bucket = NewBucket(3, 2);
            for (var i = 0; i < 3; i++) Assert.Equal(TimeSpan.Zero, bucket.TryTake());
            var wait = bucket.TryTake();
            Assert.InRange(wait.TotalSeconds, 0.3, 0.5); // one token at 2/s
        }

        [Fact]
        public void The_remaining_header_lowers_the_estimate_by_the_requests_still_in_flight()
        {
            var bucket = NewBucket(250, 25);
            Assert.Equal(TimeSpan.Zero, bucket.TryTake());
            Assert.Equal(TimeSpan.Zero, bucket.TryTake());
            // ARM says 1 left after the first request; the second is still in flight: nothing left to take.
            bucket.Settle(1, null);
            Assert.True(bucket.TryTake() > TimeSpan.Zero);
        }

        [Fact]
        public void The_remaining_header_never_raises_the_estimate()
        {
            var bucket = NewBucket(2, 0.5);
            Assert.Equal(TimeSpan.Zero, bucket.TryTake());
            Assert.Equal(TimeSpan.Zero, bucket.TryTake());
            bucket.Settle(200, null);
            Assert.True(bucket.TryTake() > TimeSpan.Zero);
        }

        [Fact]
        public void A_429_closes_the_bucket_for_its_retry_after()
        {
            var bucket = NewBucket(250, 25);
            Assert.Equal(TimeSpan.Zero, bucket.TryTake());
            bucket.Settle(null, TimeSpan.FromSeconds(3));
            var wait = bucket.TryTake();
            Assert.InRange(wait.TotalSeconds, 2.5, 3.0);
        }

        [Theory]
        [InlineData("/subscriptions/abc/resourceGroups/rg/providers/x", "abc")]
        [InlineData("/subscriptions/abc", "abc")]
        [InlineData("/SUBSCRIPTIONS/abc/providers", "abc")]
        [InlineData("/subscriptions", null)]
        [InlineData("/providers/Microsoft.ResourceGraph/resources", null)]
        public void Paces_by_the_subscription_in_the_path(string path, string? expected) =>
            Assert.Equal(expected, ArmPacingPolicy.SubscriptionOf(path));

        [Fact]
        public void Sovereign_clouds_pace_to_their_hourly_limits()
        {
            Assert.Equal(250, AzureEnvironment.AzureCloud.Limits.Reads.Capacity);
            Assert.Equal(25, AzureEnvironment.AzureCloud.Limits.Reads.RefillPerSecond);
            Assert.Equal(12000, AzureEnvironment.AzureChinaCloud.Limits.Reads.Capacity);
            Assert.Equal(1200, AzureEnvironment.AzureUSGovernment.Limits.Writes.Capacity);
            Assert.Same(AzureEnvironment.AzureCloud.Limits, AzureEnvironment.Custom(AzureEnvironment.AzureCloud, new Uri("https://127.0.0.1:1/"), null, null, null).Limits);
        }
    }
}
