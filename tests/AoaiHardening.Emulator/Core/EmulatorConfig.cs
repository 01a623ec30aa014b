using System.Text.Json.Serialization;

namespace AoaiHardening.Emulator.Core;

/// <summary>How writes answer: which LRO headers they carry, or none at all (<see cref="Sync"/>).</summary>
public enum LroStyle { Both, Async, Location, Sync }

/// <summary>Behaviour knobs. Immutable: change them with <c>state.Config = state.Config with { ... }</c>.</summary>
public sealed record EmulatorConfig
{
    /// <summary>Items per page of list responses.</summary>
    public int PageSize { get; init; } = 100;

    /// <summary>Polls (of either LRO URL) an operation needs before it reports a terminal status; 0 = done at once.</summary>
    public int LroPolls { get; init; } = 1;

    /// <summary>Value of Retry-After on LRO responses; 0 lets tests poll without waiting.</summary>
    public int RetryAfterSeconds { get; init; } = 1;

    public LroStyle LroStyle { get; init; } = LroStyle.Both;

    /// <summary>Delay added to every ARM request.</summary>
    public int LatencyMs { get; init; }

    /// <summary>
    /// When true, a request finding its subscription's bucket for its kind empty gets ARM's 429; when false the buckets
    /// only feed the remaining-quota headers (throttling is then injected with a 429 fault, if at all).
    /// </summary>
    public bool Throttling { get; init; }

    /// <summary>Token bucket size and refill rate per subscription for reads (GET, HEAD): ARM's 250 and 25/s.</summary>
    public int ReadBucket { get; init; } = 250;
    public double ReadRefillPerSecond { get; init; } = 25;

    /// <summary>Writes (PUT, PATCH, POST): ARM's 200 and 10/s.</summary>
    public int WriteBucket { get; init; } = 200;
    public double WriteRefillPerSecond { get; init; } = 10;

    /// <summary>Deletes: ARM's 200 and 10/s.</summary>
    public int DeleteBucket { get; init; } = 200;
    public double DeleteRefillPerSecond { get; init; } = 10;

    /// <summary>Resource Graph queries allowed per window (Azure: about 15 per 5 seconds per user).</summary>
    public int ResourceGraphQuota { get; init; } = 15;
    public double ResourceGraphWindowSeconds { get; init; } = 5;

    internal EmulatorConfig Validated()
    {
        if (PageSize < 1) throw new ArgumentOutOfRangeException(nameof(PageSize), PageSize, "pageSize must be at least 1.");
        if (LroPolls < 0) throw new ArgumentOutOfRangeException(nameof(LroPolls), LroPolls, "lroPolls must not be negative.");
        if (RetryAfterSeconds < 0) throw new ArgumentOutOfRangeException(nameof(RetryAfterSeconds), RetryAfterSeconds, "retryAfterSeconds must not be negative.");
        if (LatencyMs < 0) throw new ArgumentOutOfRangeException(nameof(LatencyMs), LatencyMs, "latencyMs must not be negative.");
        if (ReadBucket < 1 || WriteBucket < 1 || DeleteBucket < 1)
            throw new ArgumentOutOfRangeException(nameof(ReadBucket), "readBucket, writeBucket and deleteBucket must be at least 1.");
        if (!(ReadRefillPerSecond > 0 && WriteRefillPerSecond > 0 && DeleteRefillPerSecond > 0))
            throw new ArgumentOutOfRangeException(nameof(ReadRefillPerSecond), "readRefillPerSecond, writeRefillPerSecond and deleteRefillPerSecond must be positive.");
        if (ResourceGraphQuota < 1) throw new ArgumentOutOfRangeException(nameof(ResourceGraphQuota), ResourceGraphQuota, "resourceGraphQuota must be at least 1.");
        if (!(ResourceGraphWindowSeconds > 0))
            throw new ArgumentOutOfRangeException(nameof(ResourceGraphWindowSeconds), ResourceGraphWindowSeconds, "resourceGraphWindowSeconds must be positive.");
        return this;
    }
}

/// <summary>A partial config (scenario "config" or POST /_emulator/config): only the fields present change.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)] // a misspelt knob must fail loudly, not be ignored
internal sealed record ConfigPatch(int? PageSize, int? LroPolls, int? RetryAfterSeconds, LroStyle? LroStyle, int? LatencyMs,
    bool? Throttling = null, int? ReadBucket = null, double? ReadRefillPerSecond = null, int? WriteBucket = null,
    double? WriteRefillPerSecond = null, int? DeleteBucket = null, double? DeleteRefillPerSecond = null,
    int? ResourceGraphQuota = null, double? ResourceGraphWindowSeconds = null)
{
    public EmulatorConfig ApplyTo(EmulatorConfig config) => (config with
    {
        PageSize = PageSize ?? config.PageSize,
        LroPolls = LroPolls ?? config.LroPolls,
        RetryAfterSeconds = RetryAfterSeconds ?? config.RetryAfterSeconds,
        LroStyle = LroStyle ?? config.LroStyle,
        LatencyMs = LatencyMs ?? config.LatencyMs,
        Throttling = Throttling ?? config.Throttling,
        ReadBucket = ReadBucket ?? config.ReadBucket,
        ReadRefillPerSecond = ReadRefillPerSecond ?? config.ReadRefillPerSecond,
        WriteBucket = WriteBucket ?? config.WriteBucket,
        WriteRefillPerSecond = WriteRefillPerSecond ?? config.WriteRefillPerSecond,
        DeleteBucket = DeleteBucket ?? config.DeleteBucket,
        DeleteRefillPerSecond = DeleteRefillPerSecond ?? config.DeleteRefillPerSecond,
        ResourceGraphQuota = ResourceGraphQuota ?? config.ResourceGraphQuota,
        ResourceGraphWindowSeconds = ResourceGraphWindowSeconds ?? config.ResourceGraphWindowSeconds,
    }).Validated();
}
