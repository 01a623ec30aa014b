using System.Globalization;

namespace AoaiHardening.Emulator.Core;

/// <summary>
/// ARM's regional token buckets, per subscription (requests without one share a "tenant" bucket) and per kind: reads
/// (GET, HEAD), deletes, writes (the rest). Sizes and refill rates come from the config (ARM's: reads 250 + 25/s, writes
/// and deletes 200 + 10/s). Every request takes a token and reports what is left in
/// <c>x-ms-ratelimit-remaining-{subscription|tenant}-{reads|writes|deletes}</c>; with <c>throttling</c> on, a request
/// finding less than one token is refused with 429 (and takes none).
/// </summary>
internal sealed class RateLimits
{
    private readonly Lock sync = new();
    private readonly Dictionary<(string Scope, string Kind), Bucket> buckets = [];

    /// <summary>Marks a route that has its own quota (Resource Graph): it takes no ARM token and reports none.</summary>
    public sealed record Exempt;

    public void Clear()
    {
        lock (sync)
            buckets.Clear();
    }

    /// <summary>Takes a token for this request and sets its remaining-quota header.</summary>
    /// <exception cref="ArmException">429 SubscriptionRequestsThrottled (TenantRequestsThrottled without a subscription).</exception>
    public void Take(HttpContext ctx, string? subscriptionId, EmulatorConfig config)
    {
        var (kind, capacity, refillPerSecond) = ctx.Request.Method switch
        {
            "GET" or "HEAD" => ("reads", config.ReadBucket, config.ReadRefillPerSecond),
            "DELETE" => ("deletes", config.DeleteBucket, config.DeleteRefillPerSecond),
            _ => ("writes", config.WriteBucket, config.WriteRefillPerSecond),
        };
        var scope = subscriptionId is null ? "tenant" : "subscription";
        var header = $"x-ms-ratelimit-remaining-{scope}-{kind}";
        double? waitSeconds;
        int remaining;
        lock (sync)
        {
            var key = (subscriptionId?.ToLowerInvariant() ?? "", kind);
            if (!buckets.TryGetValue(key, out var bucket))
                buckets[key] = bucket = new Bucket(capacity, DateTimeOffset.UtcNow);
            (remaining, waitSeconds) = bucket.Take(capacity, refillPerSecond, config.Throttling);
        }
        ctx.Response.Headers[header] = remaining.ToString(CultureInfo.InvariantCulture);
        if (waitSeconds is not { } wait)
            return;
        var retryAfter = Math.Max(1, (int)Math.Ceiling(wait));
        var actor = Jwt.Claim(Jwt.BearerToken(ctx.Request), "oid") ?? "unknown";
        var verb = kind.TrimEnd('s');
        throw (subscriptionId is null
                ? new ArmException(429, "TenantRequestsThrottled",
                    $"Number of '{verb}' requests for tenant actor '{actor}' exceeded. Please try again after '{retryAfter}' seconds " +
                    "after additional tokens are available. Refer to https://aka.ms/arm-throttling for additional information.")
                : new ArmException(429, "SubscriptionRequestsThrottled",
                    $"Number of '{verb}' requests for subscription '{subscriptionId}' actor '{actor}' exceeded. Please try again after " +
                    $"'{retryAfter}' seconds after additional tokens are available. Refer to https://aka.ms/arm-throttling for additional information."))
            .WithHeader("Retry-After", retryAfter.ToString(CultureInfo.InvariantCulture))
            .WithHeader(header, "0");
    }

    private sealed class Bucket(double tokens, DateTimeOffset last)
    {
        /// <returns>The whole tokens left, and when refused the seconds until one token is back.</returns>
        public (int Remaining, double? WaitSeconds) Take(int capacity, double refillPerSecond, bool enforce)
        {
            var now = DateTimeOffset.UtcNow;
            tokens = Math.Min(capacity, tokens + (now - last).TotalSeconds * refillPerSecond);
            last = now;
            if (enforce && tokens < 1)
                return (0, (1 - tokens) / refillPerSecond);
            tokens = Math.Max(0, tokens - 1);
            return ((int)tokens, null);
        }
    }
}

/// <summary>
/// Resource Graph's per-user quota: <c>resourceGraphQuota</c> queries per window of <c>resourceGraphWindowSeconds</c>,
/// the window starting with the first query after the last one ended. One user: the emulator cannot tell callers apart.
/// </summary>
internal sealed class GraphQuota
{
    private readonly Lock sync = new();
    private DateTimeOffset windowEnds = DateTimeOffset.MinValue;
    private int used;

    public void Clear()
    {
        lock (sync)
        {
            windowEnds = DateTimeOffset.MinValue;
            used = 0;
        }
    }

    /// <summary>Counts one query; sets <c>x-ms-user-quota-remaining</c> and <c>x-ms-user-quota-resets-after</c>.</summary>
    /// <exception cref="ArmException">429 RateLimiting with Retry-After when the window's quota is spent.</exception>
    public void Take(HttpContext ctx, EmulatorConfig config)
    {
        var now = DateTimeOffset.UtcNow;
        int remaining;
        TimeSpan resetsAfter;
        bool refused;
        lock (sync)
        {
            if (now >= windowEnds)
            {
                windowEnds = now.AddSeconds(config.ResourceGraphWindowSeconds);
                used = 0;
            }
            refused = used >= config.ResourceGraphQuota;
            if (!refused)
                used++;
            remaining = config.ResourceGraphQuota - used;
            resetsAfter = windowEnds - now;
        }
        ctx.Response.Headers["x-ms-user-quota-remaining"] = remaining.ToString(CultureInfo.InvariantCulture);
        ctx.Response.Headers["x-ms-user-quota-resets-after"] = resetsAfter.ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture);
        if (!refused)
            return;
        var retryAfter = Math.Max(1, (int)Math.Ceiling(resetsAfter.TotalSeconds));
        throw new ArmException(429, "RateLimiting", ArmErrors.SupportMessage(ctx))
        {
            Details = [("RateLimiting", "Client application has been throttled and should not attempt to repeat the request until an " +
                "amount of time has elapsed. Please see https://aka.ms/resourcegraph-throttling for help.")],
        }.WithHeader("Retry-After", retryAfter.ToString(CultureInfo.InvariantCulture));
    }
}
