namespace AoaiHardening.Emulator.Core;

/// <summary>
/// ARM's remaining-quota headers, from token buckets like ARM's regional ones (reads 250 refilled 25/s; writes and
/// deletes 200 refilled 10/s). Reported, not enforced: throttling is injected with a 429 fault instead.
/// </summary>
internal sealed class RateLimits
{
    private readonly Lock sync = new();
    private readonly Dictionary<(string Scope, string Kind), Bucket> buckets = [];

    public void Clear()
    {
        lock (sync)
            buckets.Clear();
    }

    /// <summary>Sets <c>x-ms-ratelimit-remaining-{subscription|tenant}-{reads|writes|deletes}</c> for this request.</summary>
    public void Report(HttpContext ctx, string? subscriptionId)
    {
        var (kind, capacity, refillPerSecond) = ctx.Request.Method switch
        {
            "GET" or "HEAD" => ("reads", 250, 25),
            "DELETE" => ("deletes", 200, 10),
            _ => ("writes", 200, 10),
        };
        var scope = subscriptionId is null ? "tenant" : "subscription";
        int remaining;
        lock (sync)
        {
            var key = (subscriptionId?.ToLowerInvariant() ?? "", kind);
            if (!buckets.TryGetValue(key, out var bucket))
                buckets[key] = bucket = new Bucket(capacity, DateTimeOffset.UtcNow);
            remaining = bucket.Take(capacity, refillPerSecond);
        }
        ctx.Response.Headers[$"x-ms-ratelimit-remaining-{scope}-{kind}"] = remaining.ToString();
    }

    private sealed class Bucket(double tokens, DateTimeOffset last)
    {
        public int Take(int capacity, int refillPerSecond)
        {
            var now = DateTimeOffset.UtcNow;
            tokens = Math.Min(capacity, tokens + (now - last).TotalSeconds * refillPerSecond);
            last = now;
            tokens = Math.Max(0, tokens - 1);
            return (int)tokens;
        }
    }
}
